"""Long lists paged (strat.site.paging): a generated strategy with more goals than a page
holds, rendered and built with a small page size. Every goal stays reachable from its
objective's, its holder's and its period's pages, no list on any page is longer than the
page size, every pager link leads to a page, and the search index still names every
entity. (The example strategy fits in one page: its golden pages, tests/site/golden,
and the byte-for-byte build of tests/site/test_site_shortcuts.py show it unchanged.)"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from html import unescape
from pathlib import Path

import pytest

from strat.site import paging, paths
from strat.facts import build_facts
from strat.codes import all_codes
from strat.site.render import GOALS_SHOWN, render_site

import helpers
import sitetest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import gen  # noqa: E402  (bench/gen.py)

ROWS = 20  # the page size of these tests: the generated strategy has lists many times longer
GOALS = 240


def _bench_site():
    """bench/site.py, whose `repair` undoes the generator's deliberate errors (its module
    name would shadow the standard library's `site`)."""
    spec = importlib.util.spec_from_file_location("bench_site", BENCH / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paging") / "repo"
    counts = gen.generate(root, GOALS, seed=3, git=False)
    assert not _bench_site().repair(root, counts["error_files"])["unfixed"]
    return root


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_ROWS", ROWS)
    monkeypatch.setattr(paging, "MAP_GOALS_UP_TO", ROWS)


@pytest.fixture
def rendered(repo: Path, small_pages: None) -> tuple[sitetest.Loaded, dict[str, str]]:
    loaded = sitetest.load(repo, gen.ANCHOR)
    assert not [d for d in loaded.diagnostics if d.severity.value == "error"]
    return loaded, render_site(loaded.model, loaded.ctx, loaded.diagnostics, all_codes())


_GOAL_HREF = re.compile(r'href="(?:\.\./)*goals/([a-z0-9-]+)/"|\]\((?:\.\./)*goals/([a-z0-9-]+)\.md\)')
_PAGER = re.compile(r"\]\(([^)]*_[a-z-]+-[0-9]+\.md)\)")


def _goals_linked(text: str) -> set[str]:
    return {a or b for a, b in _GOAL_HREF.findall(text)}


def _with_list_pages(pages: dict[str, str], page: str) -> list[str]:
    """The page and every list page that continues one of its lists."""
    stem = page[:-3]
    return [page] + sorted(p for p in pages if p.startswith(stem + "_"))


def test_every_goal_is_reachable_from_its_objective_holder_and_period(rendered) -> None:
    loaded, pages = rendered
    facts = build_facts(loaded.ctx)
    long_lists = 0
    for objective in facts.entities["Objective"]:
        aligned = set(facts.aligned.get(objective.id, []))
        own = _with_list_pages(pages, paths.entity("Objective", objective.id))
        long_lists += len(own) > 1
        linked = set().union(*(_goals_linked(pages[p]) for p in own))
        assert aligned <= linked, f"{objective.id}: {len(aligned - linked)} aligned goals on none of its pages"
    for kind in ("Team", "Person"):
        for holder in facts.entities[kind]:
            held = set(facts.holder_goals.get(holder.id, []))
            own = _with_list_pages(pages, paths.entity(kind, holder.id))
            linked = set().union(*(_goals_linked(pages[p]) for p in own))
            assert held <= linked, f"{holder.id}: goals it holds on none of its pages"
    periods = {g.data.get("period") for g in facts.goals()}
    for period in periods:
        goals = {g.id for g in facts.goals() if g.data.get("period") == period}
        own = _with_list_pages(pages, paths.period(period))
        assert goals <= set().union(*(_goals_linked(pages[p]) for p in own))
    assert long_lists, f"no objective has more than {ROWS} goals: the test proves nothing"


def _longest_list(text: str) -> int:
    """The most rows of one table (HTML or Markdown) or items of one list on a page."""
    longest = 0
    for table in re.findall(r"<tbody>(.*?)</tbody>", text, re.S):
        longest = max(longest, table.count("<tr>"))
    for block in re.split(r"\n\n+", text):
        lines = block.splitlines()
        if lines and lines[0].startswith("| "):
            longest = max(longest, len(lines) - 2)
        elif lines and all(line.startswith("- ") for line in lines):
            longest = max(longest, len(lines))
        cards = block.count('<div class="strat-card">')
        longest = max(longest, cards)
    return longest


def test_no_list_is_longer_than_a_page_and_every_pager_link_leads_to_a_page(rendered) -> None:
    _, pages = rendered
    lists = [p for p in pages if re.search(r"_[a-z-]+-[0-9]+\.md$", p)]
    assert len(lists) > 10
    too_long = {p: n for p, text in pages.items() if p.endswith(".md") and (n := _longest_list(text)) > max(ROWS, GOALS_SHOWN)
                and not p.startswith("rules/")}
    assert too_long == {}  # GOALS_SHOWN: the short lists that point to the full ones
    for page, text in pages.items():
        for target in _PAGER.findall(text):
            resolved = paths.posixpath.normpath(paths.posixpath.join(paths.posixpath.dirname(page), target))
            assert resolved in pages, f"{page} links to {target}, which is no page"
    for page in lists:  # each list page says where it belongs and which page it is
        assert re.search(r", page [0-9]+ of [0-9]+$", unescape(pages[page].split("\n", 1)[0]))


def test_no_map_of_more_goals_than_the_bound(rendered) -> None:
    loaded, pages = rendered
    facts = build_facts(loaded.ctx)
    for objective in facts.entities["Objective"]:
        text = pages[paths.entity("Objective", objective.id)]
        many = len(facts.aligned.get(objective.id, [])) > ROWS
        assert ("<svg" in text.split("## Map", 1)[-1].split("\n## ", 1)[0]) != many or "## Map" not in text


def test_the_built_site_is_bounded_and_its_search_finds_every_entity(repo: Path, small_pages: None,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = helpers.run_cli(["site", "build", "--strict", "--today", gen.ANCHOR.isoformat(), "--out", str(out)],
                             cwd=repo)
    assert result.exit_code == 0, result.stderr + result.stdout
    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {unescape(doc["title"]) for doc in index["docs"]}
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    loaded = sitetest.load(repo, gen.ANCHOR)
    facts = build_facts(loaded.ctx)
    for kind in paths.FOLDERS:
        for doc in facts.entities.get(kind, []):
            location = paths.url(paths.entity(kind, doc.id))
            assert location in locations, f"{kind} {doc.id} is not in the search index"
            assert doc.id in location  # found by its id: its address holds it
            assert facts.title(doc) in titles, f"{kind} {doc.id}: its title is not in the search index"
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*.html")}
    lists = [p for p in sizes if re.search(r"_[a-z-]+-[0-9]+/index\.html$", p)]
    assert len(lists) > 10
    assert all(p.rsplit("/", 1)[0] + "/" in locations for p in lists), "a list page is left out of the search"
