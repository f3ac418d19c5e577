"""`strat measure` on the repository's example, as a fresh clone gets it: five metrics
carry a query on `data/metrics.csv` (the data team's weekly export) through an in-memory
DuckDB (strat.yaml's connection `default`), so nothing is built or installed but the
`duckdb` extra. A run on 2026-12-07 adds the week's readings, a second adds none, the
export agrees with every stored reading, and the example still lints with nothing but its
two planted warnings. The how-to "Feed metrics from your warehouse" shows these runs;
its console block runs here as written, and the workflow it shows is the starter's."""

from __future__ import annotations

import csv
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import helpers

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "site" / "guide" / "how-to" / "feed-metrics-from-your-warehouse.md"
STARTER_WORKFLOW = REPO / "cli" / "strat" / "templates" / "init" / ".github" / "workflows" / "strat-measure.yml"
DAY = "2026-12-07"
MEASURED = {"weekly-jobs-completed", "arr", "gross-margin", "logo-churn", "net-revenue-retention"}

pytest.importorskip("duckdb")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                           "-c", "commit.gpgsign=false", *args], check=True, capture_output=True, text=True).stdout


def fresh_clone(tmp_path: Path) -> Path:
    """What a clone has that strat reads (strategy/, schemas/, data/, strat.yaml: no built
    database), in a new git repository with one commit."""
    root = tmp_path / "clone"
    for folder in ("strategy", "schemas", "data"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy2(REPO / "strat.yaml", root / "strat.yaml")
    assert sorted(p.name for p in (root / "data").iterdir()) == ["metrics.csv"]  # nothing to build
    git(root.parent, "init", "-q", "-b", "main", str(root))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "clone")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "strategy").rglob("*") if p.is_file()}


def export() -> dict[tuple[str, str], str]:
    with (REPO / "data" / "metrics.csv").open(encoding="utf-8", newline="") as f:
        return {(row["metric"], row["date"]): row["value"] for row in csv.DictReader(f)}


def lint_surprises(root: Path) -> list[str]:
    result = helpers.run_cli(["lint", "strategy", "--format", "json", "--today", DAY], cwd=root)
    assert result.exit_code == 0, result.stdout + result.stderr
    return helpers.example_surprises(result.diagnostics, root)


def test_the_measured_metrics_are_the_ones_with_readings_but_support_csat() -> None:
    """support-csat keeps no query: its readings stop on 2026-11-02 on purpose (A314)."""
    with_query = set()
    for path in (REPO / "strategy" / "metrics").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "query" in doc:
            with_query.add(doc["id"])
            assert doc["query"].get("connection", "default") == "default"
            assert ":start" in doc["query"]["sql"] and ":end" in doc["query"]["sql"]
    assert with_query == MEASURED
    with_readings = {yaml.safe_load(p.read_text(encoding="utf-8"))["metric"]
                     for p in (REPO / "strategy" / "readings").glob("*.yaml")}
    assert with_readings == MEASURED | {"support-csat"}
    assert {metric for metric, _ in export()} == MEASURED
    config = yaml.safe_load((REPO / "strat.yaml").read_text(encoding="utf-8"))
    assert config["connections"] == {"default": {"url": "duckdb:///:memory:"}}


def test_a_fresh_clone_measures_a_week_then_nothing(tmp_path: Path) -> None:
    root = fresh_clone(tmp_path)
    assert lint_surprises(root) == []
    before = snapshot(root)

    first = helpers.run_cli(["measure", "--today", DAY, "--format", "json"], cwd=root)
    assert first.exit_code == 0, first.stdout + first.stderr
    report = first.json
    new = {(m["metric"], r["date"]): r["value"] for m in report["metrics"] for r in m["new"]}
    values = export()
    assert new == {(metric, DAY): float(values[(metric, DAY)]) for metric in MEASURED}
    assert all(not m["problems"] and not m["restatements"] for m in report["metrics"])

    # One added line per metric, after its last reading, and nothing else changed.
    diff = git(root, "diff", "--unified=0", "--", "strategy")
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed == [] and len(added) == len(MEASURED)
    for line in added:
        assert re.fullmatch(rf"  - \{{date: {DAY}, value: -?\d+(\.\d+)?\}}", line), line
    assert sorted(git(root, "status", "--porcelain").split()) == sorted(
        ["M", "M", "M", "M", "M", "strategy/readings/arr-2026.yaml", "strategy/readings/gross-margin.yaml",
         "strategy/readings/logo-churn.yaml", "strategy/readings/net-revenue-retention.yaml",
         "strategy/readings/weekly-jobs-completed.yaml"])
    after = snapshot(root)
    assert set(after) == set(before)

    second = helpers.run_cli(["measure", "--today", DAY, "--format", "json"], cwd=root)
    assert second.exit_code == 0, second.stdout + second.stderr
    assert [m["new"] for m in second.json["metrics"]] == [[]] * len(MEASURED)
    assert second.json["written"] == []
    assert snapshot(root) == after

    # Still the planted warnings and nothing else: gross margin stays under its guardrail
    # (70.5 on 2026-12-07), support CSAT stays stale.
    assert lint_surprises(root) == []


def test_the_export_agrees_with_every_stored_reading(tmp_path: Path) -> None:
    """Measured over the whole year, the export restates nothing and adds only the new
    week: data/metrics.csv is the history of the Readings files."""
    root = fresh_clone(tmp_path)
    result = helpers.run_cli(["measure", "--since", "2025-11-01", "--today", DAY, "--dry-run", "--format", "json"],
                             cwd=root)
    assert result.exit_code == 0, result.stdout + result.stderr
    for metric in result.json["metrics"]:
        assert metric["restatements"] == [] and metric["problems"] == [], metric
        assert [r["date"] for r in metric["new"]] == [DAY], metric["metric"]
    assert git(root, "status", "--porcelain") == ""


def test_a_restated_export_is_listed_not_written(tmp_path: Path) -> None:
    """The CSV corrected after the fact: strat lists the restatement and exits 1; with
    --restate it replaces the stored value in place."""
    root = fresh_clone(tmp_path)
    data = root / "data" / "metrics.csv"
    text = data.read_text(encoding="utf-8")
    assert text.count("2026-11-30,arr,44100000\n") == 1
    data.write_text(text.replace("2026-11-30,arr,44100000\n", "2026-11-30,arr,44120000\n"), encoding="utf-8")
    listed = helpers.run_cli(["measure", "arr", "--since", "2026-11-30", "--today", DAY, "--format", "json"],
                             cwd=root)
    assert listed.exit_code == 1, listed.stdout + listed.stderr
    [arr] = listed.json["metrics"]
    assert [(r["date"], r["old"], r["value"]) for r in arr["restatements"]] == [("2026-11-30", 44100000, 44120000)]
    assert "44120000" not in (root / "strategy/readings/arr-2026.yaml").read_text(encoding="utf-8")
    restated = helpers.run_cli(["measure", "arr", "--since", "2026-11-30", "--today", DAY, "--restate"], cwd=root)
    assert restated.exit_code == 0, restated.stdout + restated.stderr
    lines = (root / "strategy/readings/arr-2026.yaml").read_text(encoding="utf-8").splitlines()
    assert '  - {date: 2026-11-30, value: 44120000, note: "November close."}' in lines


# --- the how-to page ----------------------------------------------------------------------------


def test_the_how_to_is_in_the_navigation() -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "Feed metrics from your warehouse: guide/how-to/feed-metrics-from-your-warehouse.md" in nav


def test_the_how_to_runs_as_written(tmp_path: Path) -> None:
    from test_walkthrough import parse, shown

    root = fresh_clone(tmp_path)
    steps = parse(PAGE.read_text(encoding="utf-8"))
    assert [shlex.split(s.command)[:2] for s in steps] == [["strat", "measure"]] * 2
    for step in steps:
        result = helpers.run_cli(shlex.split(step.command)[1:], cwd=root)
        assert result.exit_code == step.expect_exit, result.stdout + result.stderr
        lines = (result.stdout + result.stderr).splitlines()
        missing = [line for line in step.output if not shown(line, lines)]
        assert not missing, f"page line {step.line}: {missing}\ngot:\n{result.stdout}{result.stderr}"


def test_the_how_to_quotes_the_example_and_the_starter() -> None:
    page = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", page, re.S | re.M)
    [query] = [b for b in blocks if "'arr'" in b]
    arr = (REPO / "strategy" / "metrics" / "arr.yaml").read_text(encoding="utf-8")
    assert query.replace("  connection: default      # optional: `default` is the default\n", "") in arr
    [workflow] = [b for b in blocks if b.startswith("# Every day, run each metric's `query`")]
    version = re.search(r'"strategy-as-code\[duckdb\]==([^"]+)"', workflow)
    assert version
    assert workflow.replace(version[1], "__STRAT_VERSION__") == STARTER_WORKFLOW.read_text(encoding="utf-8")
    stale = re.search(r"^strategy/metrics/support-csat\.yaml:3:5: A314 warning .*$", page, re.M)
    assert stale


def test_the_how_to_quotes_a314_as_lint_says_it(tmp_path: Path) -> None:
    root = fresh_clone(tmp_path)
    result = helpers.run_cli(["lint", "--today", DAY], cwd=root)
    page = PAGE.read_text(encoding="utf-8")
    [line] = [ln for ln in page.splitlines() if ln.startswith("strategy/metrics/support-csat.yaml:3:5: A314")]
    assert line in result.stdout.splitlines()
