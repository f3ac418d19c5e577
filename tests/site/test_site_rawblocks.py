"""`strat.site.rawblocks`: generated pages' raw HTML blocks are stashed without an HTML
parse, and the site that comes out is the same, byte for byte, as the one Python-
Markdown's own raw-HTML handling gives."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

import helpers
from strat.site import build as site_build
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


def _site_files(root: Path, out: Path, stash: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setattr(site_build, "STASH_RAW_BLOCKS", stash)
    result = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(out)], cwd=root)
    assert result.exit_code == 0, result.stderr + result.stdout
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("which", ["example", "hostile-default-config", "hostile-every-extension"])
def test_built_sites_are_byte_identical_with_and_without_the_stash(
        which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if which == "example":
        root = REPO
    else:
        root = hostile_repo(tmp_path / "repo", LOADED_MKDOCS if which.endswith("every-extension") else None)
    fast = _site_files(root, tmp_path / "fast", True, monkeypatch)
    slow = _site_files(root, tmp_path / "slow", False, monkeypatch)
    assert len(fast) > 100
    assert fast.keys() == slow.keys()
    assert [name for name in fast if fast[name] != slow[name]] == []
