"""Generated pages of a known shape go to HTML without Python-Markdown.

Most generated pages (every goal's, most initiatives') are ATX headings, strat's raw HTML
blocks and now and then a paragraph of plain text. For such a page the HTML that
Python-Markdown and MkDocs produce is known: each heading as the `toc` extension writes
it (id from its slugify, made unique on the page, the permalink if configured), each
raw block as it is (`strat.site.rawblocks` stashes them the same way), each paragraph
in `<p>`. `FastPages.render` writes that HTML, the table of contents (`page.toc`, from
the toc extension's own tokens and MkDocs' `get_toc`) and the anchor ids, and the
build's plugin hands them to MkDocs (the page's Markdown conversion then has nothing
to convert).

It takes a page only when every line is understood, and a site only when:

* every Markdown extension is one of `SAFE_EXTENSIONS` (extensions that change nothing
  on such a page: none adds syntax made of letters, digits, spaces and the few
  punctuation marks allowed in headings and paragraphs; a user's own extension, or one
  like smarty or emoji that rewrites plain text, turns the shortcut off for the site);
* the toc extension's settings are ones this module reproduces (`_heading` below), and
* a probe page converted by a real Python-Markdown with the site's extensions gives
  exactly this module's HTML and table of contents (so another Python-Markdown version
  that writes a heading differently turns the shortcut off instead of changing pages).

Text in headings and paragraphs is letters, digits, spaces, `,.;:()'-` and numeric
character references: every text from YAML comes through `escape.esc`, which leaves
nothing else. A test builds real sites with and without the shortcut and compares every
file byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SAFE_EXTENSIONS = {"toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "def_list", "sane_lists",
                   "meta", "codehilite", "pymdownx.highlight", "pymdownx.superfences", "pymdownx.inlinehilite",
                   "pymdownx.details", "pymdownx.tabbed"}
_TEXT = r"(?:[A-Za-z0-9 ,.;:()'\-]|&#[0-9]{1,7};)+"
_HEADING = re.compile(r"(#{1,6}) (" + _TEXT + r")\Z")
_PARAGRAPH_LINE = re.compile(r"(?:[A-Za-z]|&#[0-9]{1,7};|[0-9]+(?![0-9.)]))(?:(?:[A-Za-z0-9 ,.;:()'\-]|&#[0-9]{1,7};)*"
                             r"(?:[A-Za-z0-9,.;:()'\-]|&#[0-9]{1,7};))?\Z")  # no trailing space: a <br>
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr"}
_OPENS = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.M)
_TOC_KEYS = {"permalink", "permalink_title", "permalink_class", "toc_depth", "title", "slugify", "separator",
             "title_class", "toc_class"}
PROBE = ("# Probe &#60;x&#62; 1&#46;5 (a), b; c: d's\n\n<div class=\"p\"><p>raw</p>\n<p>two</p></div>\n\n"
         "<div class=\"a\"><p>x<br>y</p></div><p class=\"m\">Key&#58; y</p>\n\n"
         "A paragraph&#58; here, there.\nSecond line.\n\n## Probe &#60;x&#62; 1&#46;5 (a), b; c: d's\n\n"
         "<table><tr><td>t</td></tr></table>\n\n### Third\n\n#### Fourth level\n\n<p>last</p>\n")


@dataclass(slots=True)
class Fast:
    html: str
    toc: Any  # MkDocs' TableOfContents
    anchors: set[str]
    title: str | None  # the page's first element's text when it is an h1 (MkDocs' page title)


def extension_names(extensions: list[Any], ours: Any) -> list[str] | None:
    """The names of the configured extensions without strat's own; None when one is not
    given by name (an extension instance another plugin added)."""
    names = []
    for ext in extensions:
        if ext is ours:
            continue
        if not isinstance(ext, str):
            return None
        names.append(ext.removeprefix("markdown.extensions."))
    return names


class FastPages:
    """The shortcut for one build: `ready` says whether the site qualifies."""

    def __init__(self, extensions: list[Any], configs: dict[str, Any], raw_ext: Any) -> None:
        self.ready = False
        names = extension_names(extensions, raw_ext)
        toc_config = dict((configs or {}).get("toc") or {})
        if names is None or not set(names) <= SAFE_EXTENSIONS or not set(toc_config) <= _TOC_KEYS:
            return
        import markdown
        from markdown.util import BLOCK_LEVEL_ELEMENTS

        self.block_level = set(BLOCK_LEVEL_ELEMENTS)
        try:
            md = markdown.Markdown(extensions=extensions, extension_configs=configs or {})
        except Exception:
            return
        self.toc_ext = md.treeprocessors["toc"] if "toc" in md.treeprocessors else None
        if self.toc_ext is not None and (getattr(self.toc_ext, "permalink_leading", False)
                                         or getattr(self.toc_ext, "use_anchors", False)
                                         or getattr(self.toc_ext, "base_level", 0) != 0
                                         or getattr(self.toc_ext, "marker", "") not in ("", "[TOC]")):
            return
        was = raw_ext.active
        raw_ext.active = True
        try:
            from mkdocs.structure.pages import _ExtractTitleTreeprocessor  # MkDocs' page title, checked below

            title = _ExtractTitleTreeprocessor()
            title._register(md)
            expected = md.convert(PROBE)
            tokens = getattr(md, "toc_tokens", [])
        except Exception:
            return
        finally:
            raw_ext.active = was
        from mkdocs.structure.toc import get_toc

        self.ready = True
        mine = self.render(PROBE)
        self.ready = (mine is not None and mine.html == expected and mine.title == title.title
                      and _toc_shape(mine.toc) == _toc_shape(get_toc(tokens)))

    def render(self, markdown_text: str) -> Fast | None:
        """The page's HTML, table of contents and anchor ids, or None when the page is not
        of the known shape (Python-Markdown converts it then)."""
        if not self.ready or _FENCE.search(markdown_text) or any(c in markdown_text for c in "\t\r\x02\x03"):
            return None
        from markdown.extensions.toc import nest_toc_tokens
        from mkdocs.structure.toc import get_toc

        parts: list[str] = []
        tokens: list[dict[str, Any]] = []
        used: set[str] = set()
        title = None
        for block in _blocks(markdown_text):
            first = block[0]
            if first.startswith("#"):
                m = _HEADING.match(first)
                if m is None or len(block) != 1:
                    return None
                heading = self._heading(len(m.group(1)), m.group(2).strip(), used, tokens)
                if heading is None:
                    return None
                if not parts and m.group(1) == "#":
                    title = " ".join(m.group(2).split())
                parts.append(heading)
            elif first.startswith("<"):
                raw = self._raw(block)
                if raw is None:
                    return None
                parts.append(raw)
            else:
                if not all(_PARAGRAPH_LINE.match(line) for line in block):
                    return None
                parts.append("<p>" + "\n".join(block) + "</p>\n")
        return Fast("".join(parts).strip(), get_toc(nest_toc_tokens(tokens)), set(used), title)

    def _raw(self, block: list[str]) -> str | None:
        """A block of raw HTML as Python-Markdown writes it: its top-level elements, each
        a block-level element closed in the block, one per line (two elements on one
        line are put on lines of their own), then a blank line. None for anything else."""
        from strat.site.fastsearch import _RAW_TEXT, _TAG

        text = "\n".join(block)
        if "markdown=" in text:
            return None
        whole = _OPENS.match(block[0])
        verbatim = whole is not None and block[-1].rstrip().endswith(f"</{whole.group(1)}>")  # as `rawblocks` stashes
        stack: list[str] = []
        elements: list[str] = []
        start = tags = 0
        abut = False
        for m in _TAG.finditer(text):
            tags += 1
            name = m.group(1)
            if not stack:
                if name is None or name not in self.block_level or name in _VOID:
                    return None
                gap = text[start:m.start()] if elements else text[:m.start()]
                if gap not in ("", "\n") or (not elements and gap):
                    return None
                abut = abut or (bool(elements) and gap == "")
                begin = m.start()
            if name is not None:
                if name in _RAW_TEXT and name != "title":  # an SVG's title holds escaped text only
                    return None
                if not m.group(3) and name not in _VOID:
                    stack.append(name)
            elif not stack or stack.pop() != m.group(4):
                return None
            if not stack:
                elements.append(text[begin:m.end()])
                start = m.end()
        if stack or not elements or start != len(text) or text.count("<") != tags or (abut and verbatim):
            return None
        return "\n".join(elements) + "\n\n"

    def _heading(self, level: int, text: str, used: set[str], tokens: list[dict[str, Any]]) -> str | None:
        import html

        toc = self.toc_ext
        if toc is None:
            return f"<h{level}>{text}</h{level}>\n"
        ident = unique_id(toc, html.unescape(text), used)
        if any(c in ident for c in '&<>"'):
            return None
        if toc.toc_top <= level <= toc.toc_bottom:
            tokens.append({"level": level, "id": ident, "name": text, "html": text, "data-toc-label": ""})
        link = ""
        if toc.use_permalinks not in (False, None):
            mark = "&para;" if toc.use_permalinks is True else str(toc.use_permalinks)
            if any(c in mark for c in "<>&") and mark != "&para;":
                return None
            title = f' title="{toc.permalink_title}"' if toc.permalink_title else ""
            if any(c in toc.permalink_class + toc.permalink_title for c in '&<>"'):
                return None
            link = f'<a class="{toc.permalink_class}" href="#{ident}"{title}>{mark}</a>'
        return f'<h{level} id="{ident}">{text}{link}</h{level}>\n'


def unique_id(toc: Any, name: str, used: set[str]) -> str:
    from markdown.extensions.toc import unique

    return unique(toc.slugify(name, toc.sep), used)


def _blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines (a line of spaces is blank, as Python-Markdown reads it)."""
    blocks: list[list[str]] = []
    block: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return blocks


def _toc_shape(toc: Any) -> list[Any]:
    return [(item.title, item.id, item.level, _toc_shape(item.children)) for item in toc]
