"""`strat.site.fastpage` and `strat.site.fastsearch` against the real thing.

fastpage: a generated page of the known shape (headings, raw HTML blocks, plain
paragraphs) gives exactly Python-Markdown's HTML, the toc extension's table of contents
and MkDocs' page title, for hostile titles (every character `escape.text` encodes, long
text, Unicode, duplicates) and for several toc settings; anything else is left to
Python-Markdown. fastsearch: the tokenizer gives `html.parser`'s events, and the
sections mkdocs-material's indexer makes are the same. (The byte-identical real builds
are in test_site_shortcuts.py.)
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import markdown
import pytest
from mkdocs.structure.pages import _ExtractTitleTreeprocessor
from mkdocs.structure.toc import get_toc

from strat.site import fastsearch
from strat.site.escape import html_block, text as esc
from strat.site.fastpage import FastPages, _toc_shape
from strat.site.rawblocks import GeneratedRawHtml

HOSTILE = [
    "<script>alert(1)</script>",
    "Tom & Jerry's *bold* _under_ `code` | pipe | [link](x) {: #id } \\ back",
    "Caf\u00e9 na\u00efve \u65e5\u672c\u8a9e \U0001f680 \u0645\u0631\u062d\u0628\u0627 \u202etxt.exe",
    "# not a heading ## ### and trailing ###",
    "1. not a list - nor this + or * this > nor a quote",
    "x" * 5000 + " " + "long words " * 800,
    "   spaces   inside   and around   ",
    "&amp; &#60; &lt; %s %(x)s {{ jinja }} {% block %}",
    "Progress",  # the same id as a heading strat writes: made unique
]

CONFIGS: list[tuple[list[str], dict[str, Any]]] = [
    (["toc", "tables", "fenced_code"], {}),  # MkDocs' defaults
    (["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html"], {"toc": {"permalink": True}}),
    (["toc", "tables", "fenced_code", "def_list"], {"toc": {"permalink": "#", "toc_depth": "2-3",
                                                            "permalink_title": "Link here"}}),
    (["toc", "tables", "fenced_code"], {"toc": {"toc_depth": 1, "separator": "_"}}),
]


def page(title: str, paragraph: str) -> str:
    return (f"# {esc(title)}\n\n<p class=\"strat-kicker\">Goal <a href=\"../\">all</a></p>\n\n"
            f"<div class=\"strat-panel\">{html_block(paragraph)}</div><p class=\"strat-muted\">"
            f"{esc(paragraph)}</p>\n\n## Progress\n\n{esc(paragraph)}\n\n## {esc(title)}\n\n"
            f"<div data-search-exclude><svg><title>{esc(title)}</title><rect x=\"1\"/></svg></div>\n"
            f"<table><tr><td>{esc(paragraph)}<br></td></tr></table>\n\n### Progress\n\nA line&#58; one.\n"
            f"Another line, two.\n")


def slow(extensions: list[str], configs: dict[str, Any], text: str) -> tuple[str, list[Any], str | None]:
    raw = GeneratedRawHtml()
    raw.active = True
    md = markdown.Markdown(extensions=[*extensions, raw], extension_configs=configs)
    title = _ExtractTitleTreeprocessor()
    title._register(md)
    html = md.convert(text)
    return html, _toc_shape(get_toc(getattr(md, "toc_tokens", []))), title.title


def fast_pages(extensions: list[str], configs: dict[str, Any]) -> FastPages:
    raw = GeneratedRawHtml()
    return FastPages([*extensions, raw], configs, raw)


@pytest.mark.parametrize("extensions,configs", CONFIGS)
@pytest.mark.parametrize("title", HOSTILE)
def test_known_shape_pages_are_python_markdowns_html(extensions: list[str], configs: dict[str, Any],
                                                      title: str) -> None:
    pages = fast_pages(extensions, configs)
    assert pages.ready
    for paragraph in HOSTILE:
        text = page(title, paragraph)
        done = pages.render(text)
        assert done is not None, text[:200]
        html, toc, heading = slow(extensions, configs, text)
        assert done.html == html
        assert _toc_shape(done.toc) == toc
        assert done.title == heading


@pytest.mark.parametrize("text", [
    "# A\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",  # a table
    "# A\n\n- a list\n",
    "# A\n\n```yaml\nkind: Goal\n```\n",
    "# A\n\nText with <span>inline HTML</span>\n",
    "# A\n\nText with **bold**\n",
    "# A\n\nA line break  \nhere\n",
    "# A\n\nA setext heading\n---\n",
    "# A\n\n<div>unclosed\n",
    "# A\n\n<div>a</div> tail text\n",
    "# A\n\n<span>inline first</span>\n",
    "# A\n\n<div><!-- a comment --></div>\n",
    "# A\n\n<div><script>x</script></div>\n",
    "# A\n\n<div markdown=\"1\">**md**</div>\n",
    "# A &amp; B\n",  # only numeric references come from escape.text
    "# A\n## B\n",  # a heading and a line in one block
    "# A\tB\n",
])
def test_other_shapes_are_left_to_python_markdown(text: str) -> None:
    assert fast_pages(*CONFIGS[1]).render(text) is None


def test_blocks_side_by_side_on_one_line_are_split_as_python_markdown_does() -> None:
    text = '<div class="a"><p>x</p></div><p class="m">y</p>\n\n<div>a</div>\n<p>b</p>\n'
    done = fast_pages(*CONFIGS[0]).render(text)
    assert done is not None and done.html == slow(*CONFIGS[0], text)[0]
    assert '</div>\n<p class="m">' in done.html


@pytest.mark.parametrize("extensions", [
    ["toc", "smarty"],  # rewrites quotes in plain text
    ["toc", "pymdownx.emoji"],
    ["toc", "pymdownx.smartsymbols"],
    ["toc", "nl2br"],
])
def test_extensions_that_rewrite_plain_text_turn_the_shortcut_off(extensions: list[str]) -> None:
    assert not fast_pages(extensions, {}).ready


def test_an_extension_instance_or_unknown_toc_setting_turns_it_off() -> None:
    from markdown.extensions.abbr import AbbrExtension

    raw = GeneratedRawHtml()
    assert not FastPages(["toc", AbbrExtension(), raw], {}, raw).ready
    assert not fast_pages(["toc"], {"toc": {"anchorlink": True}}).ready
    assert not fast_pages(["toc"], {"toc": {"baselevel": 2}}).ready


# --- fastsearch ------------------------------------------------------------------------------


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((0, tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.events.append((1, tag, None))

    def handle_data(self, data: str) -> None:
        self.events.append((2, data, None))


def html_parser_events(html: str) -> list[tuple[Any, ...]]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    # HTMLParser may hand one text over in pieces; the indexer only joins them
    merged: list[tuple[Any, ...]] = []
    for e in parser.events:
        if e[0] == 2 and merged and merged[-1][0] == 2:
            merged[-1] = (2, merged[-1][1] + e[1], None)
        else:
            merged.append(e)
    return merged


HTML = [
    '<h1 id="a-goal">A goal &#60;script&#62; &amp; &#x41; caf\u00e9<a class="headerlink" href="#a-goal" '
    'title="Permanent link">&para;</a></h1>\n<p>Before &gt; after.</p>',
    '<DIV CLASS="Up" data-search-exclude><P>upper</P></DIV>\n<br><br/><img src="a&amp;b.png" alt="x &#34; y"/>',
    '<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody><tr><td data-label="K">1</td></tr></tbody></table>',
    '<ul><li><span class="strat-kindtag">Person</span> <a href="../../people/ekhan/">Elena</a></li></ul>  \n\n',
    '<svg width="1" viewBox="0 0 1 1"><title>A &#60;chart&#62;</title><rect x="1" y="2"/><text x="3">5 days</text>'
    '</svg>trailing text',
    '<p empty="" bare>attributes</p><p>' + "long " * 3000 + "</p>",
    "",
    "plain text only &#38;",
]


@pytest.mark.parametrize("html", HTML)
def test_the_tokenizer_gives_html_parsers_events(html: str) -> None:
    events = fastsearch.events(html)
    assert events is not None
    assert [tuple(e) for e in events] == html_parser_events(html)


@pytest.mark.parametrize("html", [
    "<p>a comment <!-- x --></p>",
    "<!DOCTYPE html><p>x</p>",
    "<p>a < b</p>",
    "<script>if (a < b) {}</script>",
    "<style>p > a {}</style>",
    "<svg><title>x <b>bold</b></title></svg>",  # markup in a title: raw text in newer Pythons
    '<p title="a<b">x</p>',
    "<?php echo 1 ?>",
    "</p foo>",
])
def test_html_it_does_not_vouch_for_goes_to_the_indexer(html: str) -> None:
    assert fastsearch.events(html) is None


@pytest.mark.parametrize("html", HTML[:6])
def test_sections_are_the_indexers_own(html: str) -> None:
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    mine = fastsearch.sections(html)
    assert mine is not None

    def shape(sections: list[Any]) -> list[tuple[Any, ...]]:
        return [(s.el.tag, s.id, s.title, s.text, s.is_excluded()) for s in sections]

    assert shape(mine) == shape(parser.data)
