"""Scores on the site (site/scored.py): the example strategy closed for real by `strat close
2026-h2 --carry` and built for real by `strat site build`, read back from the HTML and
checked against a hand computation from the YAML that `strat close` wrote: the period
page's Score column, the distribution chart's bars, the averages by objective and of the
period, a closed goal's Result, and the carried links both ways. Before any close no
score appears anywhere; a hostile note and a hostile title stay text."""

from __future__ import annotations

import datetime as dt
import html
import html.parser
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

import helpers
from sitetest import scan_html
from strat.codes import all_codes
from strat.loaded import load_strategy
from strat.site import paths
from strat.site.render import render_site
from test_site_hostile import LIVE, PAYLOADS

REPO = Path(__file__).resolve().parents[2]
AFTER = "2027-01-10"  # the example's 2026-h2 ended on 2026-12-31
PERIOD = "2026-h2"
NOTE_GOAL = "payments-at-the-door"  # its owner writes a hostile note after the close
CARRIED_TITLE = '<img src=x onerror=alert(9)> Carried "on" | again'


def _example(root: Path) -> Path:
    shutil.copytree(REPO / "strategy", root / "strategy")
    shutil.copy(REPO / "strat.yaml", root / "strat.yaml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    helpers.commit_all(root, "2027-01-05T10:00:00+00:00", "before the close")
    return root


def _close(root: Path) -> None:
    result = helpers.run_cli(["close", PERIOD, "--carry", "--today", AFTER], cwd=root)
    assert result.exit_code == 0, result.output + result.stderr


def _build(root: Path, out: Path, today: str = AFTER) -> Path:
    result = helpers.run_cli(["site", "build", "--today", today, "--out", str(out), "-q"], cwd=root)
    assert result.exit_code == 0, result.stderr + result.stdout
    return out


def _goals(root: Path) -> dict[str, dict]:
    found = {}
    for path in (root / "strategy").rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict) and doc.get("kind") == "Goal":
                found[doc["id"]] = doc
    return found


def _objectives(root: Path) -> set[str]:
    return {d["id"] for p in (root / "strategy").rglob("*.yaml")
            for d in yaml.safe_load_all(p.read_text(encoding="utf-8")) if isinstance(d, dict)
            and d.get("kind") == "Objective"}


def _objective_of(goals: dict[str, dict], ident: str, objectives: set[str]) -> str | None:
    seen = set()
    while ident not in objectives and ident in goals and ident not in seen:
        seen.add(ident)
        ident = goals[ident].get("parent")
    return ident if ident in objectives else None


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example closed with --carry; the owner of one goal then writes a hostile note,
    and one carried draft gets a hostile title. Built once: (repo, site)."""
    base = tmp_path_factory.mktemp("closed")
    root = _example(base / "repo")
    _close(root)
    goal = root / "strategy/goals" / f"{NOTE_GOAL}.yaml"
    text = goal.read_text(encoding="utf-8")
    assert '  note: ""\n' in text
    goal.write_text(text.replace('  note: ""\n', f"  note: {json.dumps(chr(10).join(PAYLOADS))}\n"), encoding="utf-8")
    draft = root / "strategy/goals/auto-schedule-by-default-2027-h1.yaml"
    text = draft.read_text(encoding="utf-8")
    draft.write_text(re.sub(r"(?m)^title: .*$", "title: " + json.dumps(CARRIED_TITLE), text, count=1),
                     encoding="utf-8")
    return root, _build(root, base / "public")


# --- reading the built HTML ------------------------------------------------------------------


class Tables(html.parser.HTMLParser):
    """Every table of a page: rows of cells, each cell {label, text, links}."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[dict[str, Any]]]] = []
        self.headers: list[list[str]] = []
        self._cell: dict[str, Any] | None = None
        self._th: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.tables.append([])
            self.headers.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag == "td" and self.tables:
            self._cell = {"label": values.get("data-label"), "text": "", "links": []}
            self.tables[-1][-1].append(self._cell)
        elif tag == "th":
            self._th = []
        elif tag == "a" and self._cell is not None:
            self._cell["links"].append(values.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
        elif tag == "th" and self._th is not None:
            self.headers[-1].append(" ".join("".join(self._th).split()))
            self._th = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data
        if self._th is not None:
            self._th.append(data)


def _tables(page: Path) -> list[tuple[list[str], list[list[dict[str, Any]]]]]:
    parser = Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return [(head, [r for r in rows if r]) for head, rows in zip(parser.headers, parser.tables)]


def _table_with(page: Path, header: str) -> list[list[dict[str, Any]]]:
    found = [rows for head, rows in _tables(page) if header in head]
    assert len(found) == 1, [head for head, _ in _tables(page)]
    return found[0]


def _id(href: str, folder: str) -> str:
    match = re.search(rf"(?:^|{folder}/|\.\./)([a-z0-9-]+)/$", href)
    assert match, href
    return match[1]


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# --- the period page ------------------------------------------------------------------------


def test_the_score_column_shows_each_goals_result(closed: tuple[Path, Path]) -> None:
    root, site = closed
    goals = _goals(root)
    period = {i: g for i, g in goals.items() if g.get("period") == PERIOD}
    rows = _table_with(site / "periods" / PERIOD / "index.html", "Forecast")
    shown = {}
    for row in rows:
        cells = {c["label"]: c for c in row}
        ident = _id(cells["Goal"]["links"][0], "goals")
        shown[ident] = " ".join(cells["Score"]["text"].split())
    assert set(shown) == set(period)
    scored = 0
    for ident, goal in period.items():
        result = goal.get("result")
        if result is None:
            assert shown[ident] == "–", ident
            continue
        match = re.fullmatch(r"([\d.]+) ?final (.+)", shown[ident])
        assert match and float(match[1]) == result["score"], (ident, shown[ident])
        scored += 1
    assert scored == 11
    # The final value is written with its unit: 26.5% for the auto-schedule share.
    assert re.fullmatch(r"0\.6 ?final 26\.5%", shown["auto-schedule-by-default"])


def test_the_distribution_bars_count_the_scores(closed: tuple[Path, Path]) -> None:
    root, site = closed
    by_hand: dict[str, int] = {}
    for goal in _goals(root).values():
        if goal.get("period") == PERIOD and "result" in goal:
            key = f"{goal['result']['score']:.1f}"
            by_hand[key] = by_hand.get(key, 0) + 1
    page = (site / "periods" / PERIOD / "index.html").read_text(encoding="utf-8")
    charts = re.findall(r'<svg class="strat-scores-chart".*?</svg>', page, re.S)
    assert len(charts) == 2  # the wide chart and its copy for a phone
    for chart in charts:
        bars = dict(re.findall(r'data-score="([\d.]+)" data-count="(\d+)"', chart))
        assert {k: int(v) for k, v in bars.items()} == by_hand
        assert 'role="img"' in chart and "<title>" in chart and "<desc>" in chart
        desc = _text(re.search(r"<desc>(.*?)</desc>", chart)[1])
        for key, count in by_hand.items():
            assert f"{count} scored {key}" in desc
    # The values behind the chart, in a table: each score with its goals.
    table = {row[0]["text"]: int(row[1]["text"]) for row in _table_with(site / "periods" / PERIOD / "index.html",
                                                                         "Which")}
    assert table == by_hand


def test_the_averages_by_objective_and_of_the_period(closed: tuple[Path, Path]) -> None:
    root, site = closed
    goals = _goals(root)
    objectives = _objectives(root)
    kept = [g for g in goals.values() if g.get("period") == PERIOD and g.get("status") != "dropped"]
    groups: dict[str | None, list[float | None]] = {}
    for g in kept:
        groups.setdefault(_objective_of(goals, g["id"], objectives), []).append(g.get("result", {}).get("score"))
    page = site / "periods" / PERIOD / "index.html"
    rows = _table_with(page, "Average score")
    shown = {}
    for row in rows:
        cells = {c["label"]: c for c in row}
        key = _id(cells["Objective"]["links"][0], "objectives") if cells["Objective"]["links"] else None
        shown[key] = (cells["Average score"]["text"], int(cells["Scored"]["text"]), int(cells["Not scored"]["text"]))
    assert set(shown) == set(groups)
    for key, values in groups.items():
        scored = [v for v in values if v is not None]
        mean, count, missing = shown[key]
        assert float(mean) == pytest.approx(sum(scored) / len(scored), abs=0.006), key
        assert (count, missing) == (len(scored), len(values) - len(scored)), key
    assert len(groups) >= 3
    # The period's average, over every goal kept.
    every = [v for values in groups.values() for v in values if v is not None]
    text = html.unescape(page.read_text(encoding="utf-8"))
    average = re.search(r'<strong class="strat-score-average">([\d.]+)</strong>', text)
    assert average and float(average[1]) == pytest.approx(sum(every) / len(every), abs=0.006)
    assert f"over {len(every)} scored goals" in _text(text)


# --- goal pages ------------------------------------------------------------------------------


def test_a_closed_goal_shows_its_result(closed: tuple[Path, Path]) -> None:
    root, site = closed
    result = _goals(root)["auto-schedule-by-default"]["result"]
    text = _text((site / "goals/auto-schedule-by-default/index.html").read_text(encoding="utf-8"))
    words = f"closed {result['date']} final {result['final']}% score {result['score']} target 32%"
    assert words in text
    assert "No note from the owner yet" in text


def test_the_carried_links_go_both_ways(closed: tuple[Path, Path]) -> None:
    root, site = closed
    goals = _goals(root)
    carried = {g["carried_from"]: i for i, g in goals.items() if "carried_from" in g}
    assert len(carried) == 10
    for source, draft in carried.items():
        original = (site / "goals" / source / "index.html").read_text(encoding="utf-8")
        into = re.search(r'<p class="strat-carried">Carried into <a href="([^"]+)">', original)
        assert into and _id(into[1], "goals") == draft, source
        page = (site / "goals" / draft / "index.html").read_text(encoding="utf-8")
        back = re.search(r'<p class="strat-carried">Carried from <a href="([^"]+)">(.*?)</p>', page)
        assert back and _id(back[1], "goals") == source, draft
        assert f"in {PERIOD} (scored {goals[source]['result']['score']})" in _text(back[2]), draft
    # A hostile title in the link stays text.
    original = (site / "goals/auto-schedule-by-default/index.html").read_text(encoding="utf-8")
    assert f"Carried into {CARRIED_TITLE} in 2027-h1" in _text(original)


def test_a_hostile_note_is_shown_as_text(closed: tuple[Path, Path]) -> None:
    _, site = closed
    for page in (site / "goals" / NOTE_GOAL / "index.html", site / "goals/auto-schedule-by-default/index.html",
                 site / "goals/auto-schedule-by-default-2027-h1/index.html", site / "periods" / PERIOD / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert not [bad for bad in LIVE if bad in text], page
        scan = scan_html(text)
        assert scan.handlers == [] and scan.js_urls == [], page
    note = (site / "goals" / NOTE_GOAL / "index.html").read_text(encoding="utf-8")
    quote = re.search(r'<blockquote class="strat-note">(.*?)</blockquote>', note, re.S)
    assert quote is not None
    shown = _text(quote[1].replace("<br>", "\n"))
    for payload in PAYLOADS:
        plain = " ".join(re.sub("[\u202a-\u202e]", "", payload).split())
        assert plain in shown, payload


# --- JSON, and before any close --------------------------------------------------------------


def test_tree_json_carries_the_score(closed: tuple[Path, Path]) -> None:
    root, site = closed
    goals = _goals(root)
    result = helpers.run_cli(["tree", "auto-schedule-by-default", "-f", "json", "--today", AFTER], cwd=root)
    assert result.exit_code == 0, result.stderr
    node = result.json
    assert node["score"] == goals["auto-schedule-by-default"]["result"]["score"] == 0.6
    assert node["result"] == {**goals["auto-schedule-by-default"]["result"], "date": "2026-12-31"}
    assert node["carried_into"] == ["auto-schedule-by-default-2027-h1"]
    draft = helpers.run_cli(["tree", "auto-schedule-by-default-2027-h1", "-f", "json", "--today", AFTER], cwd=root).json
    assert draft["carried_from"] == "auto-schedule-by-default" and "score" not in draft


def test_before_any_close_no_score_is_shown(tmp_path: Path) -> None:
    """The example as it is (nothing closed): no Score column, no Scores section, no
    chart, no Result, no carried link; and the tree's goals have no score. The same
    renderer on the closed example shows them all."""
    root = _example(tmp_path / "repo")
    today = dt.date(2026, 12, 7)

    def pages(root: Path) -> dict[str, str]:
        loaded = load_strategy(root, root / "strategy", None, today)
        return render_site(loaded.model, loaded.ctx, loaded.diagnostics, all_codes())

    markers = ['data-label="Score"', "## Scores", "strat-scores-chart", "strat-result", "strat-carried",
               "Average score"]
    before = pages(root)
    found = [(path, m) for path, text in before.items() if path.endswith(".md") for m in markers if m in text]
    assert found == []
    tree = helpers.run_cli(["tree", "-f", "json", "--today", "2026-12-07"], cwd=root)
    assert '"score"' not in tree.stdout and '"carried_' not in tree.stdout
    _close(root)
    after = pages(root)
    period = after[paths.period(PERIOD)]
    assert all(m in period for m in ('data-label="Score"', "## Scores", "strat-scores-chart", "Average score"))
    goal = after[paths.entity("Goal", "auto-schedule-by-default")]
    assert "strat-result" in goal and "strat-carried" in goal
    # The next period has only drafts, none scored: its page shows no score either.
    assert not [m for m in markers if m in after[paths.period("2027-h1")]]
