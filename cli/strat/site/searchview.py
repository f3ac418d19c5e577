"""What mkdocs-material's search indexer reads of a generated page: the page without the
blocks it would skip anyway.

The indexer parses every page's HTML and drops what sits inside an element marked
`data-search-exclude`. On a generated page those elements are strat's own: the SVG
diagrams and check-in charts, and the "Depends on, used by" columns. They are about half
the tags of a goal page, and parsing them to throw them away was the largest single cost
of a 5,000-goal build. `for_search` cuts them out first, so the indexer writes the same
index from less HTML; a test builds real sites with and without it and compares every
output file, the search index among them, byte for byte.

Only the shape strat writes is cut: a `<div ... data-search-exclude>` holding no other
`<div>` (the indexer itself ends an exclusion at the first `</div>`, so such a block is
exactly what it skips). A page with any other use of a `data-search-` attribute is left
whole. Text from YAML cannot produce either: `escape.esc` encodes `<`.

The build's plugin swaps the slim content in just before the indexer (event priority
100) and the whole content back after the other `on_page_context` handlers (-100): a
third-party plugin that edited `page.content` in its own `on_page_context`, between the
two, would see the slim page and its edit would be lost on generated pages. None of the
plugins strat is used with does that (content plugins work in `on_page_content` or
`on_post_page`); if one ever does, its priority decides where to move the bracket.
"""

from __future__ import annotations

import re

_EXCLUDED = re.compile(r'<div(?: [^>]*)? data-search-exclude>(.*?)</div>', re.S)
_VALUED = re.compile(r'data-search-\w+="')  # the indexer rewrites these in the content; leave such pages alone


def for_search(content: str) -> str | None:
    """The content without its excluded blocks, or None when the page should be indexed
    as it is (nothing to cut, or markup this function does not vouch for)."""
    if "data-search-exclude" not in content or _VALUED.search(content):
        return None
    blocks = list(_EXCLUDED.finditer(content))
    if not blocks or any("<div" in m.group(1) for m in blocks):
        return None
    slim = _EXCLUDED.sub("", content)
    return None if "data-search-exclude" in slim else slim
