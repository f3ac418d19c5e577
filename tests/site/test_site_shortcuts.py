"""The build's shortcuts on generated pages change no byte of the site:

* `strat.site.fastpage`: pages of a known shape go to HTML (and their table of contents)
  without Python-Markdown;
* `strat.site.fastsearch`: mkdocs-material's search indexer gets its sections from a
  tokenizer of strat's own instead of `html.parser`;

* `strat.site.rawblocks`: raw HTML blocks are stashed without an HTML parse, and the
  HTML is the same as Python-Markdown's own raw-HTML handling gives;
* `strat.site.searchview`: mkdocs-material's search indexer reads the page without the
  blocks it skips, and writes the same index.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

import helpers
from strat.site import build as site_build
from strat.site import fastpage, fastsearch, searchview
from strat.site.rawblocks import GeneratedRawHtml
from test_site_hostile import LOADED_MKDOCS, hostile_repo

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-23"

PAGE = """\
# A page

<div class="strat-panel"><p>one</p>
<p>two &#60;script&#62;</p></div>

<span class="strat-badge">an inline tag opens a paragraph</span> and text

```yaml
<div>inside fenced code</div>
```

<table><tbody><tr><td>a</td></tr>
<tr><td>b</td></tr></tbody></table>

<div>an end tag that is not the opening tag's</span>

- a list item
"""


def _md(active: bool) -> tuple[markdown.Markdown, GeneratedRawHtml]:
    ext = GeneratedRawHtml()
    ext.active = active
    return markdown.Markdown(extensions=["md_in_html", "tables", "toc", ext]), ext


def test_raw_blocks_are_stashed_before_any_html_parser_sees_them() -> None:
    md, _ = _md(active=True)
    lines = md.preprocessors["normalize_whitespace"].run(PAGE.split("\n"))
    out = md.preprocessors["strat_raw_blocks"].run(lines)
    text = "\n".join(out)
    stashed = md.htmlStash.rawHtmlBlocks
    assert stashed == ['<div class="strat-panel"><p>one</p>\n<p>two &#60;script&#62;</p></div>\n',
                       "<table><tbody><tr><td>a</td></tr>\n<tr><td>b</td></tr></tbody></table>\n"]
    assert 'class="strat-panel"' not in text and "<table>" not in text
    assert "<span class=\"strat-badge\">" in text  # an inline tag: a paragraph, as Markdown reads it
    assert "<div>inside fenced code</div>" in text  # fenced code is never touched
    assert "</span>" in text.split("an end tag")[1]  # not a complete block: left to Python-Markdown


def test_inactive_on_pages_strat_did_not_generate() -> None:
    md, _ = _md(active=False)
    lines = PAGE.split("\n")
    assert md.preprocessors["strat_raw_blocks"].run(lines) == lines
    assert md.htmlStash.rawHtmlBlocks == []


def test_the_html_is_the_same_as_python_markdowns() -> None:
    fast, _ = _md(active=True)
    slow, _ = _md(active=False)
    assert fast.convert(PAGE) == slow.convert(PAGE)
    assert '<p><span class="strat-badge">' in fast.convert(PAGE)


def _site_files(root: Path, out: Path, shortcuts: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setattr(site_build, "SHORTCUTS", shortcuts)
    monkeypatch.setattr(site_build, "RELEASE", shortcuts)  # generated pages let go as they are written
    result = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(out)], cwd=root)
    assert result.exit_code == 0, result.stderr + result.stdout
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("which", ["example", "hostile-default-config", "hostile-every-extension"])
def test_built_sites_are_byte_identical_with_and_without_the_shortcuts(
        which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if which == "example":
        root = REPO
    else:
        root = hostile_repo(tmp_path / "repo", LOADED_MKDOCS if which.endswith("every-extension") else None)
    slimmed: list[str] = []
    real = searchview.for_search

    def spy(content: str) -> str | None:
        out = real(content)
        if out is not None:
            slimmed.append(content)
        return out

    monkeypatch.setattr(searchview, "for_search", spy)
    taken = {"pages": 0, "indexed": 0}
    render, index_page = fastpage.FastPages.render, fastsearch.index_page

    def render_spy(self: fastpage.FastPages, text: str) -> fastpage.Fast | None:
        out = render(self, text)
        taken["pages"] += out is not None
        return out

    def index_spy(index: object, page: object, html: str) -> bool:
        out = index_page(index, page, html)
        taken["indexed"] += out
        return out

    monkeypatch.setattr(fastpage.FastPages, "render", render_spy)
    monkeypatch.setattr(fastsearch, "index_page", index_spy)
    fast = _site_files(root, tmp_path / "fast", True, monkeypatch)
    assert len(slimmed) > 10, "the search shortcut was not taken"
    assert taken["indexed"] > 10, "the search tokenizer was not used"
    if which != "hostile-every-extension":  # smartsymbols, emoji, magiclink: the page shortcut is off
        assert taken["pages"] >= 5, "no page went straight to HTML"
    else:
        assert taken["pages"] == 0
    slow = _site_files(root, tmp_path / "slow", False, monkeypatch)
    assert len(fast) > 100
    assert "search/search_index.json" in fast
    assert fast.keys() == slow.keys()
    assert [name for name in fast if fast[name] != slow[name]] == []


# --- searchview ------------------------------------------------------------------------------

CONTENT = (
    '<h1 id="a-goal">A goal</h1>\n<p>Before the chart.</p>\n'
    '<div class="strat-scroll" data-search-exclude><svg class="strat-chart"><title>Check&#45;ins</title>'
    '<rect x="1"/><text>5 days</text></svg></div>\n'
    '<h2 id="depends-on-used-by">Depends on, used by</h2>\n<div class="strat-lineage">'
    '<div data-search-exclude><p class="strat-kicker">Depends on</p><ul><li>Lena Park owner</li></ul></div>'
    '<div data-search-exclude><p class="strat-kicker">Used by</p><p>nothing</p></div></div>\n'
    '<p>After.</p>'
)


def _indexed(content: str) -> list[tuple[str, str, str]]:
    """What mkdocs-material's own parser keeps of the content: each section's id,
    title and text."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(content)
    parser.close()
    return [(s.id or "", "".join(s.title), "".join(s.text)) for s in parser.data if not s.is_excluded()]


def test_for_search_cuts_the_excluded_blocks_and_the_indexer_keeps_the_same() -> None:
    slim = searchview.for_search(CONTENT)
    assert slim is not None
    assert "<svg" not in slim and "Lena Park" not in slim and "data-search-exclude" not in slim
    assert "Before the chart." in slim and "After." in slim and '<div class="strat-lineage"></div>' in slim
    assert _indexed(slim) == _indexed(CONTENT)
    assert any("Before the chart." in text for _, _, text in _indexed(CONTENT))


@pytest.mark.parametrize("content", [
    "<p>nothing excluded</p>",
    '<div data-search-exclude><div>a nested div</div></div>',  # the indexer would end the exclusion early
    '<div data-search-exclude>x</div><p data-search-boost="2">a valued attribute the indexer rewrites</p>',
    '<p data-search-exclude>not a div</p>',
    '<div data-search-exclude>cut</div><p data-search-exclude>and one that is not a div</p>',
])
def test_for_search_leaves_other_markup_whole(content: str) -> None:
    assert searchview.for_search(content) is None
