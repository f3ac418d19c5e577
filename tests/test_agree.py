"""One computation, every view. On the example strategy with a change on top of it (a new
ARR reading, a key-result check-in and an objective check-in through `strat checkin`, a
goal left open after its period), `strat tree -f json`, the site's pages and `strat diff`
show the same current values, progresses, forecasts and statuses, and those match a hand
computation here: least squares through the values in the window, projected to the due
date. The planted findings (breached guardrail, stale data, unclosed period) fire at their
lines."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers import commit_all, make_repo, run_cli
from strat.codes import all_codes
from strat.loaded import load_strategy
from strat.numbers import measure
from strat.progress import STATUS_LABELS
from strat.site import paths
from strat.site.render import render_site

EXAMPLE = Path(__file__).resolve().parents[1] / "strategy"
TODAY = "2026-12-07"
NEW_ARR = "  - {date: 2026-12-07, value: 44600000, note: First week of December.}\n"
H1 = "  - id: 2026-h1\n    start: 2026-01-01\n    end: 2026-06-30\n"


def by_hand(points: list[tuple[str, float]], start: str, due: str) -> float:
    """The least-squares line through (days since `start`, value), read on `due`."""
    first = dt.date.fromisoformat(start)
    xy = [((dt.date.fromisoformat(d) - first).days, v) for d, v in points]
    n = len(xy)
    mx = sum(x for x, _ in xy) / n
    my = sum(y for _, y in xy) / n
    slope = sum((x - mx) * (y - my) for x, y in xy) / sum((x - mx) ** 2 for x, _ in xy)
    return my + slope * ((dt.date.fromisoformat(due) - first).days - mx)


def values_of(path: Path) -> list[tuple[str, float]]:
    """(date, value) of every `- {date: D, value: V...}` line of a file, read as text."""
    return [(m[1], float(m[2])) for m in re.finditer(r"\{date: (\d{4}-\d\d-\d\d), value: ([-\d.]+)", path.read_text())]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, committed; the change on top, uncommitted."""
    root = make_repo(tmp_path_factory.mktemp("agree") / "repo")
    shutil.rmtree(root / "strategy")
    shutil.copytree(EXAMPLE, root / "strategy")
    commit_all(root, "2026-12-01T09:00:00+00:00", "the example")
    with (root / "strategy/readings/arr-2026.yaml").open("a") as f:
        f.write(NEW_ARR)
    for args in (["auto-schedule-by-default", "--kr", "auto-schedule-share", "--value", "33.5",
                  "--date", "2026-12-04", "--confidence", "0.5", "--by", "sadeyemi"],
                 ["cut-logo-churn", "--value", "1.43", "--date", "2026-12-06", "--by", "tnguyen"]):
        result = run_cli(["checkin", *args], cwd=root)
        assert result.exit_code == 0, result.output + result.stderr
    strategy = root / "strategy/strategy.yaml"
    strategy.write_text(strategy.read_text().replace("periods:\n", "periods:\n" + H1))
    goal = root / "strategy/goals/payments-at-the-door.yaml"
    text = goal.read_text()
    assert "period: 2026-h2\n" in text and "status: active\n" in text
    goal.write_text(text.replace("period: 2026-h2\n", "period: 2026-h1\n"))
    return root


def tree_nodes(node: Any) -> dict[str, dict]:
    """Every objective and goal of `strat tree -f json`, by id."""
    found: dict[str, dict] = {}
    if isinstance(node, dict):
        if node.get("kind") in ("objective", "goal"):
            found[node["id"]] = node
        for child in node.get("children") or []:
            found.update(tree_nodes(child))
    return found


@pytest.fixture(scope="module")
def tree(repo: Path) -> dict[str, dict]:
    result = run_cli(["tree", "-f", "json", "--today", TODAY], cwd=repo)
    assert result.exit_code == 0, result.stderr
    return tree_nodes(result.json)


def numbers(node: dict) -> dict:
    """The measured fields of an objective's `number` or a goal's node."""
    source = node["number"] if node["kind"] == "objective" else node
    return {k: source[k] for k in ("current", "date", "progress", "percent", "forecast", "status")}


def test_the_hand_computed_forecasts_are_the_trees(repo: Path, tree: dict[str, dict]) -> None:
    arr = values_of(repo / "strategy/readings/arr-2026.yaml")
    # An objective's window opens at the strategy's earliest period: 2026-h1, added by the change.
    in_window = [(d, v) for d, v in arr if "2026-01-01" <= d <= TODAY]
    number = tree["grow-new-business"]["number"]
    assert (number["current"], number["date"]) == (44600000, "2026-12-07")
    assert number["forecast"]["date"] == "2027-12-31" and number["forecast"]["points"] == len(in_window)
    assert number["forecast"]["value"] == pytest.approx(by_hand(in_window, "2026-01-01", "2027-12-31"))
    baseline, target = number["baseline"], number["target"]
    assert number["progress"] == pytest.approx((44600000 - baseline) / (target - baseline))

    # The goal's outcome: its check-ins in its period (2026-h2), projected to the period's end.
    goal = tree["auto-schedule-by-default"]
    checkins = [("2026-09-14", 20.5), ("2026-10-12", 23.8), ("2026-11-09", 26.5)]
    assert goal["forecast"]["value"] == pytest.approx(by_hand(checkins, "2026-07-01", "2026-12-31"))
    assert goal["current"] == 26.5 and goal["progress"] == pytest.approx((26.5 - 18) / (32 - 18))

    # The objective check-in comes before the readings of its metric.
    churn = tree["cut-logo-churn"]["number"]
    assert (churn["current"], churn["date"]) == (1.43, "2026-12-06")


def test_the_diff_says_what_the_tree_says(repo: Path, tree: dict[str, dict]) -> None:
    result = run_cli(["diff", "HEAD", "-f", "json", "--today", TODAY], cwd=repo)
    assert result.exit_code == 0, result.stderr
    moved = {n["id"]: n for n in result.json["numbers"]}
    assert {"grow-new-business", "cut-logo-churn", "auto-schedule-by-default"} <= set(moved)
    for ident, entry in moved.items():
        after = entry["after"]
        node = tree[ident]
        want = numbers(node)
        assert {k: after[k] for k in want} == want, ident

    text = run_cli(["diff", "HEAD", "--today", TODAY], cwd=repo)
    arr = tree["grow-new-business"]["number"]
    unit = tree["grow-new-business"]["unit"]
    words = (f"{tree['grow-new-business']['metric_name']} now {measure(arr['current'], unit)}, {arr['percent']}% of the way to "
             f"{measure(arr['target'], unit)}; forecast {measure(arr['forecast']['shown'], unit)} by 2027-12-31, "
             f"{STATUS_LABELS[arr['status']].lower()}")
    assert words in text.stdout, text.stdout


def page_text(markdown: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markdown)).replace("\xa0", " ")


def test_the_site_pages_show_the_trees_numbers(repo: Path, tree: dict[str, dict]) -> None:
    loaded = load_strategy(repo, repo / "strategy", None, dt.date.fromisoformat(TODAY))
    pages = render_site(loaded.model, loaded.ctx, loaded.diagnostics, all_codes())
    checked = 0
    for ident, node in tree.items():
        kind = "Objective" if node["kind"] == "objective" else "Goal"
        want = numbers(node)
        if want["current"] is None:
            continue
        text = " ".join(page_text(pages[paths.entity(kind, ident)]).split())
        unit = node.get("unit")
        assert measure(want["current"], unit) in text, (ident, measure(want["current"], unit))
        assert f"{want['percent']}%" in text, ident
        assert STATUS_LABELS[want["status"]] in text, ident
        if want["forecast"] is not None:
            assert measure(want["forecast"]["shown"], unit) in text, (ident, want["forecast"])
        checked += 1
    assert checked >= 10


def test_the_planted_findings_fire_at_their_lines(repo: Path) -> None:
    result = run_cli(["lint", "-f", "json", "--today", TODAY], cwd=repo)
    found = {(d["code"], d["path"].split("/")[-1]) for d in result.json["diagnostics"]}
    assert ("A313", "expand-and-retain.yaml") in found
    assert ("A314", "support-csat.yaml") in found
    assert ("A315", "payments-at-the-door.yaml") in found
    assert not [d for d in result.json["diagnostics"] if d["severity"] == "error"]
    a315 = next(d for d in result.json["diagnostics"] if d["code"] == "A315")
    lines = (repo / "strategy/goals/payments-at-the-door.yaml").read_text().splitlines()
    assert lines[a315["line"] - 1].startswith(("status:", "period:"))
