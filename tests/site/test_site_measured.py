"""The site's measured views on a strategy with numbers over time (tests/site/measuredcase.py):
the North Star's value and trend on the home page, each objective's number, chart and
goals' roll-up, a goal's forecast and confidence over time, a page per period, the goal
tables of teams, people and the goals index, and every chart's text alternative.

Every expected value is taken from `strat.progress` (through `strat.facts`), the one
computation: the pages must show what it computed, to the digit, never a value of
their own."""

from __future__ import annotations

import html
import html.parser
import re
from pathlib import Path

import pytest

from strat.codes import all_codes
from strat.facts import build_facts
from strat.numbers import measure, number
from strat.progress import STATUS_LABELS, Progress, forecast_text
from strat.site import paths
from strat.site.render import render_site

import helpers
import measuredcase
import sitetest
from sitetest import html_files, scan_html


# --- reading the pages ---------------------------------------------------------------------------


class Page(html.parser.HTMLParser):
    """What a rendered page shows: the rows of its measured tables (each cell's text and
    links by column), its charts (attributes, title, desc, circles, lines) and the
    tables of values beside them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.grids: list[list[dict[str, dict]]] = []
        self.charts: list[dict] = []
        self.values: list[list[list[str]]] = []  # the tables of values in details.strat-values
        self._cell: dict | None = None
        self._chart: dict | None = None
        self._into: str | None = None  # "title" | "desc" of the chart
        self._values: list[list[str]] | None = None
        self._vcell: list[str] | None = None
        self._depth = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "table" and "strat-grid" in classes:
            self.grids.append([])
        elif tag == "tr" and self.grids and self._chart is None and self._values is None:
            self.grids[-1].append({})
        elif tag == "td" and "data-label" in a and self.grids:
            self._cell = {"label": a["data-label"], "text": [], "links": []}
        elif tag == "a" and self._cell is not None:
            self._cell["links"].append(a.get("href", ""))
        elif tag == "svg" and "strat-chart" in classes:
            self._chart = {"attrs": a, "title": "", "desc": "", "circles": [], "lines": {}, "groups": []}
        elif self._chart is not None:
            if tag in ("title", "desc") and not self._chart[tag]:
                self._into = tag
            elif tag == "line":
                for c in classes:
                    self._chart["lines"][c] = a
            elif tag == "circle":
                self._chart["circles"].append(a)
            elif tag == "g":
                self._chart["groups"].extend(classes)
        elif tag == "details" and "strat-values" in classes:
            self._values = []
        elif tag == "tr" and self._values is not None:
            self._values.append([])
        elif tag == "td" and self._values is not None:
            self._vcell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self._cell["text"] = " ".join("".join(self._cell["text"]).split())
            self.grids[-1][-1][self._cell["label"]] = self._cell
            self._cell = None
        elif tag == "svg" and self._chart is not None:
            self.charts.append(self._chart)
            self._chart = None
        elif tag in ("title", "desc"):
            self._into = None
        elif tag == "td" and self._vcell is not None and self._values is not None:
            self._values[-1].append("".join(self._vcell).strip())
            self._vcell = None
        elif tag == "details" and self._values is not None:
            self.values.append([row for row in self._values if row])
            self._values = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"].append(data)
        if self._chart is not None and self._into:
            self._chart[self._into] += data
        if self._vcell is not None:
            self._vcell.append(data)

    def rows(self, index: int = -1) -> list[dict[str, dict]]:
        """The body rows of one measured table (the header row has no labelled cell)."""
        return [row for row in self.grids[index] if row]


def text_of(page: str) -> str:
    """The page's text: tags out, character references decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def shown(p: Progress, unit: str | None) -> dict[str, str]:
    """What a table row shows of one progress, as strat.progress computed it."""
    return {"now": measure(p.current, unit) if p.current is not None else "–",
            "forecast": forecast_text(p, unit) or "–", "status": STATUS_LABELS[p.status],
            "percent": f"{p.percent}%" if p.percent is not None else "–"}


def unit_of(facts, metric) -> str | None:
    doc = facts.get(metric, "Metric")
    return doc.data.get("unit") if doc is not None else None


# --- the case --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory):
    root = measuredcase.measured_repo(tmp_path_factory.mktemp("measured") / "repo")
    loaded = sitetest.load(root)
    assert not [d for d in loaded.diagnostics if d.severity.name == "ERROR"], loaded.diagnostics
    pages = render_site(loaded.model, loaded.ctx, loaded.diagnostics, all_codes())
    return loaded, build_facts(loaded.ctx), pages


# --- the home page ---------------------------------------------------------------------------------


def test_home_leads_with_the_north_star_value_and_trend_chart(measured) -> None:
    loaded, facts, pages = measured
    home = pages[paths.HOME]
    star = facts.north_star()
    assert star is not None
    trend = facts.measures.trend(star.id)
    assert trend.latest is not None and len(trend.readings) == len(measuredcase.STAR)
    # The value and its date, the four-week move, before every other section after the hero.
    value = f"{measure(trend.latest.value, trend.unit)} on {trend.latest.date}"
    text = text_of(home)
    assert value in text
    assert text.index(value) < text.index("Objectives")
    assert trend.change_4w is not None and f"{'+' if trend.change_4w > 0 else '-'}{measure(abs(trend.change_4w), trend.unit)} over four weeks" in text
    # The trend chart: every reading drawn, named, with the values beside it.
    page = Page(home)
    drawn = [c for c in page.charts if "North Star" in c["title"]]
    assert drawn, "no trend chart of the North Star on the home page"
    chart = drawn[0]
    points = chart["attrs"].get("aria-label", "")
    assert f"{len(trend.readings)} readings from {trend.readings[0].date} to {trend.latest.date}" in points
    assert len([c for c in chart["circles"] if c.get("fill") == "#ffffff"]) == len(trend.readings)
    (values,) = [v for v in page.values if len(v) == len(trend.readings)]
    assert [row[:2] for row in values] == [[r.date, measure(r.value, trend.unit)] for r in reversed(trend.readings)]


# --- objectives ------------------------------------------------------------------------------------


def test_objective_pages_show_their_number_chart_forecast_and_goals_rollup(measured) -> None:
    loaded, facts, pages = measured
    objectives = facts.entities["Objective"]
    assert objectives
    checked_forecast = False
    for o in objectives:
        page_text = pages[paths.entity("Objective", o.id)]
        op = facts.measures.objective(o)
        p, unit = op.number, op.unit
        text = text_of(page_text)
        want = shown(p, unit)
        if p.current is not None:
            assert f"now {want['now']}" in text, o.id
            assert f"{p.percent}% of the way from {measure(p.baseline, unit)} to {measure(p.target, unit)}" in text
        assert f"{want['status']}" in text
        page = Page(page_text)
        if p.forecast is not None:
            checked_forecast = True
            assert f"forecast {want['forecast']} by {p.forecast.date}" in text, o.id
            chart = next(c for c in page.charts if c["lines"].get("strat-forecast"))
            assert chart["lines"]["strat-forecast"]["data-to"] == p.forecast.date == op.due
            assert "strat-target" in chart["lines"] and f"target {measure(p.target, unit)}" in chart["desc"]
            assert f"forecast {want['forecast']} by {p.forecast.date}" in chart["desc"]
        # The roll-up: the weighted percentage of its goals, and a row per goal whose parent it is.
        children = sorted(g.id for g in facts.goals() if g.data.get("parent") == o.id)
        if children:
            assert op.goals.percent is not None
            assert re.search(rf"Goals roll-up {op.goals.percent}% weighted progress of {op.goals.counted} goal", text), o.id
            rows = page.rows(0)
            linked = sorted(r["Goal"]["links"][0].split("/")[-2] for r in rows)
            assert linked == children
            for row in rows:
                gid = row["Goal"]["links"][0].split("/")[-2]
                gp = facts.measures.goal(facts.get(gid, "Goal"))
                g_unit = unit_of(facts, facts.get(gid, "Goal").data["outcome"].get("metric"))
                expect = shown(gp.outcome, g_unit)
                assert row["Weight"]["text"] == number(gp.weight)
                assert row["Now"]["text"].startswith(expect["now"]) and expect["percent"] in row["Now"]["text"]
                assert row["Forecast"]["text"].startswith(expect["forecast"])
                assert row["Status"]["text"] == expect["status"]
    assert checked_forecast, "the case has no objective with a forecast"


def test_the_rollup_counts_each_goal_with_its_weight(tmp_path: Path) -> None:
    """A goal's weight changes the objective's roll-up on its page, as strat.progress says."""
    def rollup_shown(weight: str) -> tuple[str, int | None]:
        root = measuredcase.measured_repo(tmp_path / f"w{weight}")
        path = root / "strategy/goals/support-deflection.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + f"\nweight: {weight}\n", encoding="utf-8")
        loaded = sitetest.load(root)
        facts = build_facts(loaded.ctx)
        o = facts.get("cut-support-cost", "Objective")
        page = text_of(render_site(loaded.model, loaded.ctx, [], all_codes())[paths.entity("Objective", o.id)])
        return page, facts.measures.objective(o).goals.percent

    light, light_pct = rollup_shown("1")
    heavy, heavy_pct = rollup_shown("5")
    assert light_pct != heavy_pct
    assert f"Goals roll-up {light_pct}% weighted" in light and f"Goals roll-up {heavy_pct}% weighted" in heavy


# --- goals -----------------------------------------------------------------------------------------


def test_goal_chart_shows_the_forecast_line_and_the_confidence_over_time(measured) -> None:
    loaded, facts, pages = measured
    g = facts.get("faster-activation", "Goal")
    p = facts.progress[g.id]
    unit = unit_of(facts, g.data["outcome"]["metric"])
    assert p.forecast is not None and len(p.confidences) == 4
    page = Page(pages[paths.entity("Goal", g.id)])
    outcome = [c for c in page.charts if c["title"].startswith("Outcome of the goal")]
    assert len(outcome) == 2, "the chart and its copy for a phone"
    for chart in outcome:
        line = chart["lines"]["strat-forecast"]
        assert (line["data-from"], line["data-to"]) == (p.forecast.first_date, p.forecast.date)
        assert p.forecast.date == p.end == loaded.model.periods[g.data["period"]].end
        assert "strat-confidence" in chart["groups"]
        drawn = [c["fill"] for c in chart["circles"]].count("#5c6bc0")
        assert drawn == len(p.confidences)
        assert f"latest confidence {number(p.confidences[-1][1])}" in chart["desc"]
        assert f"forecast {forecast_text(p, unit)} by {p.forecast.date}" in chart["desc"]
    # The values beside it: each check-in with its confidence, and the forecast first.
    values = page.values[0]
    assert values[0][:2] == [p.forecast.date, forecast_text(p, unit)]
    assert [row[:3] for row in values[1:]] == [[r.date, measure(r.value, unit), number(r.confidence)]
                                              for r in reversed(p.readings)]


def test_goal_page_lists_key_results_with_weights_and_their_rollup(measured) -> None:
    loaded, facts, pages = measured
    g = facts.get("faster-activation", "Goal")
    gp = facts.measures.goal(g)
    page_text = pages[paths.entity("Goal", g.id)]
    page = Page(page_text)
    (rows,) = [[r for r in grid if r] for grid in page.grids if any("Key result" in r for r in grid)]
    assert len(rows) == len(gp.key_results) == 2
    for row, kr in zip(rows, gp.key_results):
        unit = unit_of(facts, kr.metric)
        expect = shown(kr.progress, unit)
        assert row["Weight"]["text"] == number(kr.weight)
        assert row["Now"]["text"].startswith(expect["now"]) and expect["percent"] in row["Now"]["text"]
        assert row["Forecast"]["text"].startswith(expect["forecast"])
        assert row["Status"]["text"] == expect["status"]
    assert gp.key_result_rollup is not None
    assert f"{gp.key_result_rollup.percent}% weighted progress of 2 key results" in text_of(page_text)
    # The hostile key-result title is text, everywhere it is shown (table, chart, values).
    assert "<img" not in page_text and html.escape(measuredcase.KR_TITLE, quote=False) not in page_text
    assert measuredcase.KR_TITLE in text_of(page_text)


# --- goal tables: periods, teams, people, the goals index --------------------------------------------


COLUMNS = ["Goal", "Owner", "Held by", "Target", "Now", "Forecast", "Status"]


def check_goal_rows(facts, rows: list[dict[str, dict]], want: list[str], columns: list[str]) -> None:
    """The rows are exactly the goals `want`, each showing what strat.progress computed."""
    got = [row["Goal"]["links"][0].split("/")[-2] for row in rows]
    assert sorted(got) == sorted(want)
    for row, gid in zip(rows, got):
        assert list(row) == columns, list(row)
        g = facts.get(gid, "Goal")
        p = facts.progress[gid]
        unit = unit_of(facts, g.data["outcome"].get("metric"))
        expect = shown(p, unit)
        assert row["Target"]["text"] == measure(p.target, unit)
        assert row["Now"]["text"].startswith(expect["now"]) and expect["percent"] in row["Now"]["text"]
        if p.current_date:
            assert p.current_date in row["Now"]["text"]
        assert row["Forecast"]["text"].startswith(expect["forecast"])
        assert row["Status"]["text"] == expect["status"]
        if "Owner" in row:
            assert row["Owner"]["links"] and row["Owner"]["links"][0].rstrip("/").endswith(g.data["owner"])
        if "Held by" in row:
            kind, holder = facts.holder(g)
            assert row["Held by"]["links"][0].rstrip("/").endswith(holder)
        if "Period" in row:
            assert row["Period"]["text"] == g.data["period"]
            assert row["Period"]["links"][0].rstrip("/").endswith(g.data["period"])
    statuses = [facts.progress[gid].status for gid in got]
    from strat.progress import STATUS_ORDER
    assert [STATUS_ORDER[s] for s in statuses] == sorted(STATUS_ORDER[s] for s in statuses), "worst first"


def test_a_page_per_period_lists_exactly_its_goals(measured) -> None:
    loaded, facts, pages = measured
    periods = loaded.model.periods
    assert len(periods) >= 2
    index = text_of(pages[paths.PERIODS])
    for pid, period in periods.items():
        assert pid in index
        page_text = pages[paths.period(pid)]
        want = [g.id for g in facts.goals() if g.data.get("period") == pid]
        assert f"Goals {len(want)}" in text_of(page_text)
        if not want:
            assert "No goal is set for this period." in text_of(page_text)
            continue
        check_goal_rows(facts, Page(page_text).rows(0), want, COLUMNS)
    assert {p for p in pages if p.startswith("periods/")} == {paths.PERIODS} | {paths.period(p) for p in periods}


def test_team_and_person_pages_show_the_same_columns(measured) -> None:
    loaded, facts, pages = measured
    checked = 0
    for team in facts.entities.get("Team", []):
        goals = facts.holder_goals.get(team.id, [])
        if goals:
            check_goal_rows(facts, Page(pages[paths.entity("Team", team.id)]).rows(0), goals,
                            ["Goal", "Period", "Owner", "Target", "Now", "Forecast", "Status"])
            checked += 1
    for person in facts.entities.get("Person", []):
        owned = [g.id for g in facts.goals() if g.data.get("owner") == person.id]
        if owned:
            check_goal_rows(facts, Page(pages[paths.entity("Person", person.id)]).rows(-1), owned,
                            ["Goal", "Period", "Held by", "Target", "Now", "Forecast", "Status"])
            checked += 1
    assert checked >= 3


def test_goals_index_has_period_owner_and_forecast_columns(measured) -> None:
    loaded, facts, pages = measured
    rows = Page(pages[paths.index("Goal")]).rows(0)
    check_goal_rows(facts, rows, [g.id for g in facts.goals()],
                    ["Goal", "Period", "Owner", "Held by", "Target", "Now", "Forecast", "Status"])
    assert any(facts.progress[g.id].forecast is not None for g in facts.goals()), "no forecast shown anywhere"


# --- charts: a text alternative each -------------------------------------------------------------


def test_every_chart_has_a_text_alternative_and_its_values(measured) -> None:
    loaded, facts, pages = measured
    seen = 0
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        page = Page(text)
        for chart in page.charts:
            seen += 1
            a = chart["attrs"]
            assert a.get("role") == "img", (path, chart["title"])
            assert len(a.get("aria-label", "")) > 20 and a["aria-label"] == chart["desc"], (path, chart["title"])
            assert chart["title"].strip() and chart["desc"].strip(), path
        # Each figure has its values as a table (a wide chart and its phone copy share one).
        figures = text.count('class="strat-figure"')
        assert figures == len(page.values) == text.count('<details class="strat-values">'), path
        assert len(page.charts) >= figures
    assert seen >= 6  # home, two objectives, the goal's outcome and key result, ...


def test_charts_run_nothing_and_load_nothing(measured) -> None:
    """Our own SVG: no script, no event handler, no link to anything outside the page."""
    loaded, facts, pages = measured
    for path, text in pages.items():
        for svg in re.findall(r'<svg class="strat-chart".*?</svg>', text, re.S):
            assert not re.search(r"<script|\son\w+=|href=|xlink:|<foreignObject|<image|url\(", svg, re.I), path


# --- the built site ------------------------------------------------------------------------------------


def test_measured_site_builds_strictly_and_shows_the_numbers(tmp_path: Path) -> None:
    root = measuredcase.measured_repo(tmp_path / "repo")
    result = helpers.run_cli(["site", "build", "--strict", "--today", sitetest.TODAY.isoformat(), "--out",
                              str(tmp_path / "public")], cwd=root)
    assert result.exit_code == 0, result.stderr
    site = tmp_path / "public"
    for page in html_files(site):
        scan = scan_html(page.read_text(encoding="utf-8"))
        assert not scan.handlers and not scan.js_urls and not scan.remote, (page, scan.handlers, scan.js_urls)
    built = {p.relative_to(site).as_posix() for p in html_files(site)}
    assert {"periods/index.html", "periods/2026-h2/index.html", "periods/2027-h1/index.html"} <= built
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="strat-chart"' in home and "strat-star__value" in home
    goal = (site / "goals" / "faster-activation" / "index.html").read_text(encoding="utf-8")
    assert "strat-forecast" in goal and "strat-confidence" in goal
