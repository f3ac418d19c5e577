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
the elements whose content `HTMLParser` reads as raw text (script, style, title,
textarea and the like, which differ between Python versions).
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
        if tag in _RAW_TEXT:
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


def sections(html: str) -> list[Any] | None:
    """The sections mkdocs-material's indexer makes of `html` (its `Parser.data`), or
    None when the page should go to the indexer's own parser."""
    from material.plugins.search.plugin import Parser

    found = events(html)
    if found is None:
        return None
    parser = Parser()
    start, end, data = parser.handle_starttag, parser.handle_endtag, parser.handle_data
    for kind, a, b in found:
        if kind == 0:
            start(a, b)
        elif kind == 1:
            end(a)
        else:
            data(a)
    return parser.data


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
