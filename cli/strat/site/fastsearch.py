"""mkdocs-material's search indexer, fed by a tokenizer of its own on generated pages.

The indexer divides each page into sections with `html.parser.HTMLParser`, a pure-Python
tokenizer that was the largest single cost of a large build. On a generated page strat
knows the HTML's shape: Python-Markdown's serialisation and strat's own markup, every
`<` a tag (text from YAML reaches a page only through `escape.esc`). `sections` splits
such HTML with one regular expression and calls the indexer's own handlers
(`handle_starttag`, `handle_endtag`, `handle_data` of material's `Parser`) with exactly
the events `HTMLParser` would give them: tag and attribute names lowercased, attribute
values and text unescaped (`html.unescape`), `<x/>` as a start then an end tag, text
between two tags as one piece. So the sections, and the index, are the theme's own;
only the tokenizing changed. A test builds real sites both ways and compares every
file, the search index among them, byte for byte.

Anything this tokenizer does not vouch for sends the page to the indexer's own parser:
a `<` that opens no plain tag, comments, declarations and processing instructions, and
the elements whose content `HTMLParser` reads as raw text (script, style, textarea and
the like, which differ between Python versions; a title holding plain text, as strat's
SVG titles do, reads the same either way).
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

_ATTR = r'[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?'
_TAG = re.compile(r'<(?:([a-zA-Z][a-zA-Z0-9-]*)((?:\s+' + _ATTR + r')*)\s*(/?)>|/([a-zA-Z][a-zA-Z0-9-]*)\s*>)')
_ATTRS = re.compile(r'\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"<>]*)")?')
# Tags HTMLParser reads as raw text in some Python version: not ours to tokenize.
_VALUED = re.compile(r'data-search-\w+="')
_RAW_TEXT = {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript",
             "plaintext"}


def events(html: str) -> list[tuple[int, Any, Any]] | None:
    """The HTMLParser events of `html` (0 start tag, 1 end tag, 2 text), or None when the
    HTML has anything this tokenizer does not vouch for."""
    out: list[tuple[int, Any, Any]] = []
    tags = 0
    pos = 0
    for m in _TAG.finditer(html):
        tags += 1
        start = m.start()
        if start > pos:
            out.append((2, unescape(html[pos:start]), None))
        pos = m.end()
        name = m.group(1)
        if name is None:
            out.append((1, m.group(4).lower(), None))
            continue
        tag = name.lower()
        if tag in _RAW_TEXT and not (tag == "title" and _plain_title(html, m.end())):
            return None
        raw = m.group(2)
        attrs = [(a.group(1).lower(), None if a.group(2) is None else unescape(a.group(2)))
                 for a in _ATTRS.finditer(raw)] if raw else []
        out.append((0, tag, attrs))
        if m.group(3):
            out.append((1, tag, None))
    if html.count("<") != tags:  # a `<` that opens no plain tag: a comment, a declaration, stray text
        return None
    if pos < len(html):
        out.append((2, unescape(html[pos:]), None))
    return out


def _plain_title(html: str, start: int) -> bool:
    """Whether a `<title>` (an SVG's) holds text only up to its `</title>`: then
    HTMLParser gives the same events whether it reads the title as markup (Python 3.11)
    or as escapable raw text (later versions)."""
    end = html.find("</title>", start)
    return end >= 0 and "<" not in html[start:end]


def sections(html: str) -> list[Any] | None:
    """The sections mkdocs-material's indexer makes of `html` (its `Parser.data`), or
    None when the page should go to the indexer's own parser."""
    found = events(html)
    if found is None:
        return None
    parser = _parser()
    start, end, data = parser.handle_starttag, parser.handle_endtag, parser.handle_data
    for kind, a, b in found:
        if kind == 0:
            start(a, b)
        elif kind == 1:
            end(a)
        else:
            data(a)
    return parser.data


def _parser() -> Any:
    """material's `Parser` with its three handlers written over strings: the same steps
    in the same order, but the open elements and the skipped ones are kept as tag names
    beside its own lists, because its `Element` compares and hashes by tag name in
    Python (`Element("div") == "div"`, and two divs are equal): every set operation of
    the original is the same operation on tag names, done in C."""
    from material.plugins.search.plugin import Element, Parser, Section, escape, void

    headings = {f"h{x}" for x in range(1, 7)}

    class Fast(Parser):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []  # the tag names of self.context
            self.skipped = {s if isinstance(s, str) else s.tag for s in self.skip}  # tag names of self.skip

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            attrs = dict(attrs)
            el = Element(tag, attrs)
            if tag in void:
                return
            self.context.append(el)
            self.tags.append(tag)
            if tag in headings:
                depth = len(self.context)
                if "id" in attrs:
                    if tag != "h1" and not self.data:
                        self.section = Section(Element("hx"), depth)
                        self.data.append(self.section)
                    self.section = Section(el, depth)
                    if self.data:
                        self.section.id = attrs["id"]
                    self.data.append(self.section)
            if not self.section:
                self.section = Section(Element("hx"))
                self.data.append(self.section)
            for key, value in attrs.items():
                if key == "data-search-exclude" or (key == "class" and value == "linenodiv"):
                    self.skip.add(el)
                    self.skipped.add(tag)
                    return
            if tag in self.keep and self.skipped.isdisjoint(self.tags):
                data = self.section.title if self.section.el.tag in self.tags else self.section.text
                data.append(f"<{tag}>")

        def handle_endtag(self, tag: str) -> None:
            if not self.tags or self.tags[-1] != tag:
                return
            if self.section.depth > len(self.context):
                for section in reversed(self.data):
                    if section.depth <= len(self.context):
                        self.section.depth = float("inf")
                        self.section = section
                        break
            el = self.context.pop()
            self.tags.pop()
            if tag in self.skipped:
                if tag not in ("script", "style", "object"):
                    self.skip.remove(el)
                    self.skipped.remove(tag)
                return
            if tag in self.keep and self.skipped.isdisjoint(self.tags):
                data = self.section.title if self.section.el.tag in self.tags else self.section.text
                index = data.index(f"<{tag}>")
                for i in range(index + 1, len(data)):
                    if not data[i].isspace():
                        index = len(data)
                        break
                if len(data) > index:
                    while len(data) > index:
                        data.pop()
                else:
                    data.append(f"</{tag}>")

        def handle_data(self, data: str) -> None:
            if not self.skipped.isdisjoint(self.tags):
                return
            if "pre" not in self.tags:
                data = data.replace("\n", " ") if not data.isspace() else " "
            if not self.section:
                self.section = Section(Element("hx"))
                self.data.append(self.section)
            if self.section.el.tag in self.tags:
                if not any(el.tag == "a" and el.attrs.get("class") == "headerlink" for el in self.context):
                    self.section.title.append(escape(data, quote=False))
            elif data.isspace():
                if not self.section.text or not self.section.text[-1].isspace():
                    self.section.text.append(data)
                elif "pre" in self.tags:
                    self.section.text.append(data)
            else:
                self.section.text.append(escape(data, quote=False))

    return Fast()


def search_index_of(plugins: Any) -> Any:
    """The search index of mkdocs-material's search plugin, when that plugin is the one
    configured and enabled; else None."""
    try:
        from material.plugins.search.plugin import SearchPlugin
    except ImportError:
        return None
    for plugin in plugins.values():
        if isinstance(plugin, SearchPlugin) and type(plugin) is SearchPlugin:
            return plugin.search_index if plugin.config.enabled else None
    return None


def index_page(index: Any, page: Any, html: str) -> bool:
    """Add the page's entries to the index as the plugin would; False when the page is
    left to the plugin (nothing is added then)."""
    if type(index).add_entry_from_context.__qualname__ != "SearchIndex.add_entry_from_context":
        return False
    search = page.meta.get("search") or {}
    if search.get("exclude"):
        return False
    found = None if _VALUED.search(html) else sections(html)  # the plugin rewrites valued attributes
    if found is None:
        return False
    for section in found:
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)
    return True
