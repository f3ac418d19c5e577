"""Text from YAML → text that is inert everywhere the site puts it.

Strategy files come from pull requests, so every title, name, note and narrative is
untrusted. Instead of escaping for each context (HTML, Markdown, attr_list, snippets,
tables, Jinja-style `{{ }}`) and hoping the list is complete, every character that is
not an ASCII letter, digit or space becomes a numeric character reference (`<` →
`&#60;`). Python-Markdown passes references through untouched, no extension has syntax
made of letters, digits and spaces only, and browsers show the original character. The
same text is valid in HTML text, in quoted HTML attributes and in SVG/XML.

Two places decode references again and are handled where they happen: MkDocs-material's
page `<title>` (the `htmltitle` override in `strat/site/overrides/main.html`, for
`strat site build`) and front matter, which the renderer never writes YAML text into.
`strat site render` gives every page a front matter `title:` made by `title_text`, which
needs no references at all, so that any builder and theme may print it however it likes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from strat.model import ID_PATTERN as ID_PATTERN, is_slug as is_slug  # one pattern for ids (re-exported)

_UNSAFE = re.compile(r"[^A-Za-z0-9 ]")
# Control characters and Unicode noncharacters: invisible, and invalid as HTML references.
# Bidirectional controls too: an override (U+202E) makes "gnp.exe" display as "exe.png".
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\u200e\u200f\u202a-\u202e\u2066-\u2069"
                      + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17)) + "]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def _ref(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def text(value: Any) -> str:
    """One line of untrusted text, safe in Markdown, HTML text, quoted attributes and
    SVG. Line breaks become spaces; leading and trailing space is dropped (four leading
    spaces would start a code block); control characters are dropped."""
    if value is None:
        return ""
    return _text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 16)
def _text(raw: str) -> str:
    # Cached: a site repeats the same titles and names in many places.
    return _UNSAFE.sub(_ref, " ".join(_CONTROL.sub("", raw).split()))


def block(value: Any) -> str:
    """Untrusted text of several paragraphs (a narrative, a decision's context) as
    Markdown paragraphs: blank lines separate paragraphs, single line breaks are kept
    as `<br>`."""
    if value is None:
        return ""
    raw = value if isinstance(value, str) else str(value)
    paragraphs = [p for p in _BLANK_LINES.split(raw.strip()) if p.strip()]
    return "\n\n".join("<br>".join(text(line) for line in p.splitlines() if line.strip()) for p in paragraphs)


def html_block(value: Any) -> str:
    """Like `block`, for use inside raw HTML: paragraphs as `<p>` elements."""
    if value is None:
        return ""
    raw = value if isinstance(value, str) else str(value)
    paragraphs = [p for p in _BLANK_LINES.split(raw.strip()) if p.strip()]
    return "".join("<p>" + "<br>".join(text(line) for line in p.splitlines() if line.strip()) + "</p>"
                   for p in paragraphs)


def slug(ident: Any) -> str:
    """An id that may become part of a file name or URL. Only ids that match the schema's
    pattern pass; anything else is refused here, whatever the caller checked before."""
    if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
        raise ValueError(f"not a valid id: {ident!r}")
    return ident


# Characters a theme could turn into markup, an attribute break-out, a character reference
# or a template tag, and the look-alikes that stand for them in a page title.
_TITLE_LOOKALIKES = {"<": "\u2039", ">": "\u203a", '"': "\u201d", "'": "\u2019", "`": "\u02cb", "{": "\uff5b",
                     "}": "\uff5d", "\\": "\u29f5"}
_TITLE_UNSAFE = re.compile("[<>\"'`{}\\\\]|&(?=[A-Za-z0-9#])")


def title_text(value: Any) -> str:
    """One line of untrusted text as a page title that stays text whatever a builder or
    theme does with it: printed as it is, escaped, or decoded first (mkdocs-material's
    `striptags` decodes character references). It holds no character that HTML, a
    template or YAML's double quotes give a meaning to: `<` `>` `"` `'` `` ` `` `{` `}`
    and `\\` become look-alikes (`‹` `›` `”` `’` `ˋ` `｛` `｝` `⧵`), and so does an `&` that
    could start a character reference (`＆`). Control characters and line breaks go."""
    raw = " ".join(_CONTROL.sub("", "" if value is None else str(value)).split())
    return _TITLE_UNSAFE.sub(lambda m: _TITLE_LOOKALIKES.get(m.group(), "\uff06"), raw)


def site_name(value: Any) -> str:
    """The Strategy's company as MkDocs' `site_name`, which themes print without
    escaping: HTML special characters escaped, control characters dropped."""
    import html

    raw = " ".join(str(value or "").split())
    return html.escape(raw, quote=True) or "Strategy"
