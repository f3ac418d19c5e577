"""`strat import FORMAT`: OKR tools' exports become goals that keep their key results.

The fixtures under tests/cases/import-okr/ follow the column shapes the how-to "Move from
an OKR tool" documents for each tool (with the sources). Each holds objectives, key
results, owners by e-mail and by name, and bad rows: an unknown owner, a key result with
no title, a target that is not a number, a row of an unknown type (and a project or
initiative row, which is skipped with a warning). Every command runs the real CLI in a
copy of the repository's example strategy (Fieldwise), and the result is linted with
`strat lint` there.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import CASES, run_cli
from strat import importcsv

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import import_okr  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIXTURES = CASES / "import-okr"
ARGS = ["--objective", "grow-new-business", "--period", "2027-h1"]


def example(tmp_path: Path) -> Path:
    return import_okr.example_copy(tmp_path / "fieldwise")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "strategy").rglob("*"))
            if p.is_file()}


def reported(stderr: str, name: str) -> dict[int, str]:
    """{line: message} of the FILE:LINE: problems (not warnings) printed."""
    out: dict[int, str] = {}
    for line in stderr.splitlines():
        if line.startswith(f"{name}:") and line.split(":")[1].isdigit() and ": warning: " not in line:
            out.setdefault(int(line.split(":")[1]), line.split(":", 2)[2].strip())
    return out


def warned(stderr: str, name: str) -> set[int]:
    return {int(line.split(":")[1]) for line in stderr.splitlines()
            if line.startswith(f"{name}:") and line.split(":")[1].isdigit() and ": warning: skipped" in line}


# Per format: the bad lines and a word of why; the skipped lines; then, once the bad lines
# are gone, the goals written: {title: (owner, team or person, [key result titles],
# {key result title: number of check-ins})}.
CASES_BY_FORMAT = {
    "viva-goals": {
        "bad": {11: "no title", 12: "`lots` is not a number", 13: "unknown type `Big idea`",
                14: "ghost@fieldwise.io"},
        "skipped": {10},
        "goals": {
            "Dispatchers plan every day in Fieldwise": (
                "sadeyemi", ("team", "scheduling-core"),
                ["More dispatchers plan in Fieldwise each week", "Busy days are repaired by the optimiser"],
                {"More dispatchers plan in Fieldwise each week": 2}),
            "Mid-market trials turn into customers": (
                "jwhitaker", ("team", "mid-market-sales"),
                ["Trials convert to paid", "Guided trials booked in week one"], {}),
        },
        "metrics": {"More dispatchers plan in Fieldwise each week": "weekly-active-dispatchers",
                    "Busy days are repaired by the optimiser": "auto-schedule-share",
                    "Trials convert to paid": "trial-to-paid",
                    "Guided trials booked in week one": "guided-trials-booked-in-week-one"},
    },
    "perdoo": {
        "bad": {9: "no title", 10: "`a thousand` is not a number", 11: "unknown type `KPI Board`",
                12: "Pat Nobody"},
        "skipped": {6},
        "goals": {
            "New customers are live in their first week": (
                "hfischer", ("team", "onboarding-activation"),
                ["Accounts scheduling a job in week one", "Days to the first full schedule"], {}),
            "Payments at the door become the habit": (
                "rbanerjee", ("team", "payments-invoicing"), ["Payments attach rate"], {}),
        },
        "metrics": {"Payments attach rate": "payments-attach-rate",
                    "Accounts scheduling a job in week one": "accounts-scheduling-a-job-in-week-one",
                    "Days to the first full schedule": "days-to-the-first-full-schedule"},
    },
    "quantive": {
        "bad": {7: "no title", 8: "`about one` is not a number", 9: "unknown type `Risk`",
                10: "nobody@example.com"},
        "skipped": {11},
        "goals": {
            "Technicians close every job on the phone": (
                "kmurphy", ("team", "technician-mobile"),
                ["Jobs closed in the technician app", "Photo checklists completed on site"], {}),
            "Fewer sync failures": (
                "pmalik", ("team", "platform-reliability"), ["Mobile sync failure rate"], {}),
        },
        "metrics": {"Jobs closed in the technician app": "mobile-adoption",
                    "Mobile sync failure rate": "sync-failure-rate",
                    "Photo checklists completed on site": "photo-checklists-completed-on-site"},
    },
    "tability": {
        "bad": {8: "no title", 9: "`n/a%` is not a number", 10: "unknown type `Milestone-ish`",
                11: "Someone Else"},
        "skipped": {7},
        "goals": {
            "Answers before tickets": (
                "ivolkova", ("person", "ivolkova"),
                ["Self-serve resolution rate", "Help articles rated useful"], {"Self-serve resolution rate": 2}),
        },
        "metrics": {"Self-serve resolution rate": "self-serve-resolution",
                    "Help articles rated useful": "help-articles-rated-useful"},
    },
    "okr-sheet": {
        "bad": {7: "no title", 8: "`many` is not a number", 9: "unknown type `Stretch`",
                10: "lena.park@example.org"},
        "skipped": set(),
        "goals": {
            "Switchers start qualified trials": (
                "lpark", ("team", "growth-marketing"),
                ["Qualified trials a month", "Switchers who finish the import"], {"Qualified trials a month": 2}),
        },
        "metrics": {"Qualified trials a month": "qualified-trials",
                    "Switchers who finish the import": "switchers-who-finish-the-import"},
    },
}


def without_lines(text: str, lines: set[int]) -> str:
    return "".join(line for n, line in enumerate(text.splitlines(keepends=True), 1) if n not in lines)


@pytest.mark.parametrize("fmt", list(CASES_BY_FORMAT))
def test_bad_rows_are_reported_with_their_lines_and_nothing_is_written(fmt: str, tmp_path: Path) -> None:
    case = CASES_BY_FORMAT[fmt]
    root = example(tmp_path)
    shutil.copy(FIXTURES / f"{fmt}.csv", root / "export.csv")
    before = snapshot(root)
    result = run_cli(["import", fmt, "export.csv", *ARGS], cwd=root)
    assert result.exit_code == 1, result.stderr
    found = reported(result.stderr, "export.csv")
    assert set(found) == set(case["bad"]), result.stderr
    for line, why in case["bad"].items():
        assert why in found[line], (line, found[line])
    assert warned(result.stderr, "export.csv") == case["skipped"], result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("fmt", list(CASES_BY_FORMAT))
def test_the_good_rows_import_as_goals_with_key_results_and_lint_clean(fmt: str, tmp_path: Path) -> None:
    case = CASES_BY_FORMAT[fmt]
    root = example(tmp_path)
    text = (FIXTURES / f"{fmt}.csv").read_text(encoding="utf-8")
    (root / "export.csv").write_text(without_lines(text, set(case["bad"])), encoding="utf-8")
    before = snapshot(root)
    result = run_cli(["import", fmt, "export.csv", *ARGS], cwd=root)
    assert result.exit_code == 0, result.stderr
    after = snapshot(root)
    assert all(after[k] == v for k, v in before.items()), "an existing file changed"
    new = {k: yaml.safe_load(v) for k, v in after.items() if k not in before}
    goals = {d["title"]: d for k, d in new.items() if k.startswith("strategy/goals/")}
    assert set(goals) == set(case["goals"])
    for title, (owner, (holder, who), krs, checkins) in case["goals"].items():
        goal = goals[title]
        assert goal["owner"] == owner and goal[holder] == who
        assert goal["parent"] == "grow-new-business" and goal["period"] == "2027-h1"
        assert [kr["title"] for kr in goal["key_results"]] == krs
        first = goal["key_results"][0]
        assert goal["outcome"] == {k: first[k] for k in ("metric", "baseline", "target", "current") if k in first}
        for kr in goal["key_results"]:
            assert len(kr.get("checkins", [])) == checkins.get(kr["title"], 0)
            assert kr["metric"] == case["metrics"].get(kr["title"], kr["metric"])
    new_metrics = {d["id"] for k, d in new.items() if k.startswith("strategy/metrics/")}
    existing = {m for m in case["metrics"].values() if f"strategy/metrics/{m}.yaml" in before}
    assert existing and not existing & new_metrics
    assert set(case["metrics"].values()) - existing <= new_metrics
    lint = subprocess.run([sys.executable, "-m", "strat", "lint"], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO / "cli")})
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_viva_goals_check_ins_keep_dates_values_notes_and_the_latest_is_current(tmp_path: Path) -> None:
    root = example(tmp_path)
    text = (FIXTURES / "viva-goals.csv").read_text(encoding="utf-8")
    (root / "export.csv").write_text(without_lines(text, set(CASES_BY_FORMAT["viva-goals"]["bad"])), "utf-8")
    assert run_cli(["import", "viva-goals", "export.csv", *ARGS], cwd=root).exit_code == 0
    goal = yaml.safe_load((root / "strategy/goals/dispatchers-plan-every-day-in-fieldwise.yaml").read_text("utf-8"))
    kr = goal["key_results"][0]
    assert kr["checkins"] == [
        {"date": dt.date(2027, 1, 31), "value": 7450, "note": "Heatwave planning guide shipped",
         "by": "sadeyemi"},
        {"date": dt.date(2027, 2, 28), "value": 7700,
         "note": "Busy-day repair live for 20% of accounts", "by": "sadeyemi"},
    ]
    assert kr["baseline"] == 7300 and kr["target"] == 8400 and kr["current"] == 7700
    # percentages of a % metric stay points, as the example strategy writes them
    assert goal["key_results"][1] == {"title": "Busy days are repaired by the optimiser",
                                      "metric": "auto-schedule-share", "baseline": 32, "target": 40, "current": 35,
                                      "x-progress": "37"}
    assert goal["x-status"] == "On Track" and goal["status"] == "active" and goal["x-tags"] == "dispatch"


def test_a_viva_goals_export_of_50_objectives_and_200_key_results(tmp_path: Path) -> None:
    root = example(tmp_path)
    (root / "export.csv").write_text(import_okr.viva_export(50, 4, 2), encoding="utf-8")
    result = run_cli(["import", "viva-goals", "export.csv", *ARGS], cwd=root)
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "Wrote 50 goals with 200 key results and 400 check-ins" in result.stderr
    goals = [yaml.safe_load(p.read_text("utf-8")) for p in (root / "strategy/goals").glob("generated-*.yaml")]
    assert len(goals) == 50
    assert sum(len(g["key_results"]) for g in goals) == 200
    assert all(len(kr["checkins"]) == 2 for g in goals for kr in g["key_results"])


HOSTILE = ['=cmd|\' /C calc\'!A0', "<script>alert(1)</script>", "yes", "null", "- item", "&anchor", "*alias",
           "key: value", "# not a comment", "@at", "%percent", "'quoted'", '"double"', "1e3", "0o17", "~",
           "line one\nline two", "trailing space "]


def _q(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def test_hostile_cells_stay_text(tmp_path: Path) -> None:
    root = example(tmp_path)
    rows = ["Type,Objective,Key result,Owner,Baseline,Target,Remark"]
    for n, value in enumerate(HOSTILE):
        rows.append(f"Objective,{_q(f'{value} objective {n}')},,Lena Park,,,{_q(value)}")
        rows.append(f"Key result,{_q(f'{value} objective {n}')},{_q(f'{value} result {n}')},"
                    f"lena.park@fieldwise.io,1,2,{_q(value)}")
    (root / "export.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli(["import", "okr-sheet", "export.csv", *ARGS, "--out", "strategy/imported"], cwd=root)
    assert result.exit_code == 0, result.stderr[-3000:]
    goals = {}
    for path in (root / "strategy/imported").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text("utf-8"))
        if doc["kind"] == "Goal":
            goals[doc["title"]] = doc
    assert len(goals) == len(HOSTILE)
    for n, value in enumerate(HOSTILE):
        goal = goals[" ".join(f"{value} objective {n}".split())]  # a title is one line
        assert goal["x-remark"] == value.strip()  # cells are read without surrounding space
        kr = goal["key_results"][0]
        assert kr["title"] == " ".join(f"{value} result {n}".split()) and kr["x-remark"] == value.strip()
    lint = subprocess.run([sys.executable, "-m", "strat", "lint"], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO / "cli")})
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_objective_is_required_when_the_strategy_has_several_and_a_typo_gets_a_did_you_mean(
        tmp_path: Path) -> None:
    root = example(tmp_path)
    shutil.copy(FIXTURES / "okr-sheet.csv", root / "export.csv")
    result = run_cli(["import", "okr-sheet", "export.csv", "--period", "2027-h1"], cwd=root)
    assert result.exit_code == 1
    assert "--objective is required: the strategy has 4 business objectives (cut-logo-churn, expand-and-retain, " \
           "grow-new-business, improve-gross-margin)" in result.stderr
    result = run_cli(["import", "okr-sheet", "export.csv", "--objective", "grow-new-busines"], cwd=root)
    assert result.exit_code == 1
    assert "did you mean `grow-new-business`" in result.stderr


def test_dry_run_lists_the_files_and_writes_nothing(tmp_path: Path) -> None:
    root = example(tmp_path)
    text = (FIXTURES / "quantive.csv").read_text(encoding="utf-8")
    (root / "export.csv").write_text(without_lines(text, set(CASES_BY_FORMAT["quantive"]["bad"])), "utf-8")
    before = snapshot(root)
    result = run_cli(["import", "quantive", "export.csv", *ARGS, "--dry-run"], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "==> strategy/goals/fewer-sync-failures.yaml <==" in result.stdout
    assert "==> strategy/metrics/photo-checklists-completed-on-site.yaml <==" in result.stdout
    assert "Dry run: would write 2 goals with 3 key results" in result.stderr
    assert snapshot(root) == before


def test_importing_again_is_refused_rather_than_duplicated(tmp_path: Path) -> None:
    root = example(tmp_path)
    text = (FIXTURES / "okr-sheet.csv").read_text(encoding="utf-8")
    (root / "export.csv").write_text(without_lines(text, set(CASES_BY_FORMAT["okr-sheet"]["bad"])), "utf-8")
    assert run_cli(["import", "okr-sheet", "export.csv", *ARGS], cwd=root).exit_code == 0
    before = snapshot(root)
    again = run_cli(["import", "okr-sheet", "export.csv", *ARGS], cwd=root)
    assert again.exit_code == 1 and "already used by the Goal" in again.stderr
    assert snapshot(root) == before


def test_an_export_past_the_row_limit_is_refused_before_mapping(tmp_path: Path) -> None:
    root = example(tmp_path)
    rows = ["Type,Objective,Key result,Owner,Baseline,Target"]
    rows += [f"Objective,Objective {n},,Nobody {n},," for n in range(importcsv.MAX_ROWS + 1)]
    (root / "export.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli(["import", "okr-sheet", "export.csv", *ARGS], cwd=root)
    assert result.exit_code == 1
    assert f"more than {importcsv.MAX_ROWS:,} rows" in result.stderr
    assert "Nobody" not in result.stderr  # refused before any owner was looked up


def test_an_export_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    root = example(tmp_path)
    with open(root / "export.csv", "wb") as handle:
        handle.truncate(importcsv.MAX_CSV_BYTES + 1)
    result = run_cli(["import", "viva-goals", "export.csv", *ARGS], cwd=root)
    assert result.exit_code == 2
    assert "larger than 10 MB" in result.stderr


def test_import_csv_is_still_one_row_one_file(tmp_path: Path) -> None:
    root = example(tmp_path)
    (root / "okrs.csv").write_text(
        "title,owner,team,parent,period,metric,baseline,target\n"
        "Fewer tickets per account,Thao Nguyen,Support Operations,cut-logo-churn,2027-h1,"
        "tickets-per-100-accounts,148,130\n", encoding="utf-8")
    result = run_cli(["import", "csv", "okrs.csv", "--kind", "goal"], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert (root / "strategy/goals/fewer-tickets-per-account.yaml").is_file()


def test_the_how_to_example_is_what_the_import_writes(tmp_path: Path) -> None:
    page = (REPO / "site/guide/how-to/move-from-an-okr-tool.md").read_text(encoding="utf-8")
    export = page.split("```text\n", 1)[1].split("```", 1)[0]
    written = page.split("becomes `strategy/goals/dispatchers-plan-every-day-in-fieldwise.yaml`:\n\n```yaml\n", 1)[1]
    written = written.split("```", 1)[0]
    root = example(tmp_path)
    (root / "okrs.csv").write_text(export, encoding="utf-8")
    result = run_cli(["import", "viva-goals", "okrs.csv", "--objective", "expand-and-retain"], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert (root / "strategy/goals/dispatchers-plan-every-day-in-fieldwise.yaml").read_text("utf-8") == written
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "Move from an OKR tool: guide/how-to/move-from-an-okr-tool.md" in nav


def test_a_wide_sheet_groups_key_results_under_the_objective_they_name(tmp_path: Path) -> None:
    root = example(tmp_path)
    (root / "export.csv").write_text(
        "Objective,Objective owner,Key result,Owner,Team,Baseline,Target\n"
        "Fewer tickets,thao.nguyen@fieldwise.io,Support tickets per 100 accounts,Aoife Brennan,Support Operations,"
        "148,130\n"
        "Faster sync,Priya Malik,Mobile sync failure rate,pmalik,Platform & Reliability,1.5,0.8\n"
        "Fewer tickets,thao.nguyen@fieldwise.io,Self-serve resolution rate,irina.volkova@fieldwise.io,"
        "Support Operations,22%,35%\n", encoding="utf-8")
    result = run_cli(["import", "okr-sheet", "export.csv", *ARGS], cwd=root)
    assert result.exit_code == 0, result.stderr
    tickets = yaml.safe_load((root / "strategy/goals/fewer-tickets.yaml").read_text("utf-8"))
    assert tickets["owner"] == "tnguyen" and tickets["team"] == "support-operations"
    assert [(kr["metric"], kr["baseline"], kr["target"]) for kr in tickets["key_results"]] == [
        ("tickets-per-100-accounts", 148, 130), ("self-serve-resolution", 22, 35)]
    sync = yaml.safe_load((root / "strategy/goals/faster-sync.yaml").read_text("utf-8"))
    assert sync["owner"] == "pmalik" and [kr["metric"] for kr in sync["key_results"]] == ["sync-failure-rate"]


def to_xlsx(text: str, path: Path, percent_columns: tuple[str, ...] = ()) -> None:
    """The CSV text as an Excel workbook, as a person saving the export in Excel gets it:
    numbers as numbers, dates as dates, `percent_columns` as numbers formatted `0%`."""
    import csv
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    sheet.append(header)
    for row in rows[1:]:
        values: list = []
        for name, cell in zip(header, row):
            value: object = cell
            try:
                value = dt.date.fromisoformat(cell) if len(cell) == 10 and cell[4] == "-" else float(cell)
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
            except ValueError:
                value = cell or None
            if name in percent_columns and isinstance(value, (int, float)):
                value = value / 100
            values.append(value)
        sheet.append(values)
        if percent_columns:
            for index, name in enumerate(header):
                if name in percent_columns:
                    sheet.cell(row=sheet.max_row, column=index + 1).number_format = "0%"
    book.save(path)


@pytest.mark.parametrize("fmt", ["viva-goals", "okr-sheet"])
def test_an_excel_workbook_imports_as_its_csv_does(fmt: str, tmp_path: Path) -> None:
    case = CASES_BY_FORMAT[fmt]
    text = (FIXTURES / f"{fmt}.csv").read_text(encoding="utf-8")
    # The bad rows are reported at the same row numbers as the CSV's lines.
    root = example(tmp_path / "bad")
    to_xlsx(text, root / "export.xlsx")
    before = snapshot(root)
    result = run_cli(["import", fmt, "export.xlsx", *ARGS], cwd=root)
    assert result.exit_code == 1 and snapshot(root) == before
    assert set(reported(result.stderr, "export.xlsx")) == set(case["bad"]), result.stderr
    # The good rows write exactly what the CSV writes.
    good = without_lines(text, set(case["bad"]))
    from_csv, from_xlsx = example(tmp_path / "csv"), example(tmp_path / "xlsx")
    (from_csv / "export.csv").write_text(good, encoding="utf-8")
    to_xlsx(good, from_xlsx / "export.xlsx")
    assert run_cli(["import", fmt, "export.csv", *ARGS], cwd=from_csv).exit_code == 0
    done = run_cli(["import", fmt, "export.xlsx", *ARGS], cwd=from_xlsx)
    assert done.exit_code == 0, done.stderr
    # The same files, byte for byte, but for the name of the export in their first comment.
    assert {k: v.replace(b"export.xlsx, line", b"export.csv, line") for k, v in snapshot(from_xlsx).items()} \
        == snapshot(from_csv)


def test_an_excel_percentage_reads_as_the_sheet_shows_it(tmp_path: Path) -> None:
    root = example(tmp_path)
    text = ("Type,Objective,Key result,Owner,Baseline,Target,Current\n"
            "Objective,Answers before tickets,,Irina Volkova,,,\n"
            "Key result,Answers before tickets,Questions answered by the help centre,Irina Volkova,22,35,27\n")
    to_xlsx(text, root / "export.xlsx", percent_columns=("Baseline", "Target", "Current"))
    result = run_cli(["import", "okr-sheet", "export.xlsx", *ARGS], cwd=root)
    assert result.exit_code == 0, result.stderr
    [path] = [p for p in (root / "strategy/goals").glob("answers-before-tickets*.yaml")]
    goal = yaml.safe_load(path.read_text("utf-8"))
    assert [(kr["baseline"], kr["target"], kr["current"]) for kr in goal["key_results"]] == [(22, 35, 27)]


def test_a_broken_workbook_is_refused_with_what_to_do(tmp_path: Path) -> None:
    root = example(tmp_path)
    (root / "export.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    before = snapshot(root)
    result = run_cli(["import", "viva-goals", "export.xlsx", *ARGS], cwd=root)
    assert result.exit_code == 1 and snapshot(root) == before
    assert "not a workbook" in result.stderr and "CSV UTF-8" in result.stderr


def test_a_confidence_that_is_not_a_number_from_0_to_1_is_kept_as_written(tmp_path: Path) -> None:
    root = example(tmp_path)
    (root / "export.csv").write_text(
        "Type,Objective,Key result,Owner,Baseline,Target,Date,Value,Confidence\n"
        "Objective,Answers before tickets,,Irina Volkova,,,,,\n"
        "Key result,,Self-serve resolution rate,Irina Volkova,22%,35%,,,\n"
        "Check-in,,,Irina Volkova,,,2027-02-01,24%,On track\n"
        "Check-in,,,Irina Volkova,,,2027-03-01,26%,80%\n"
        "Check-in,,,Irina Volkova,,,2027-04-01,27%,7\n", encoding="utf-8")
    result = run_cli(["import", "okr-sheet", "export.csv", *ARGS], cwd=root)
    assert result.exit_code == 0, result.stderr
    goal = yaml.safe_load((root / "strategy/goals/answers-before-tickets.yaml").read_text("utf-8"))
    checkins = goal["key_results"][0]["checkins"]
    assert [c.get("confidence", c.get("x-confidence")) for c in checkins] == ["On track", 0.8, "7"]
    assert [c["value"] for c in checkins] == [24, 26, 27] and goal["key_results"][0]["current"] == 27


COLUMNS = ["Type", "ID", "Parent", "Objective", "Key result", "Owner", "Team", "Period", "Metric", "Unit", "Baseline",
           "Target", "Current", "Weight", "Status", "Date", "Value", "Note", "Confidence", "Extra"]
CELL = st.one_of(st.sampled_from(["", "Objective", "Key result", "Check-in", "Project", "1", "g1", "45%", "1,200",
                                  "n/a", "2027-02-30", "03/04/2027", "Lena Park", "lena.park@fieldwise.io",
                                  "Growth Marketing", "2027-h1", "=1+1", "yes", "-", "0.5"]),
                 st.text(max_size=12))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELL, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1, max_size=8),
       st.sampled_from(["okr-sheet", "viva-goals", "perdoo", "quantive", "tability"]))
def test_any_export_is_mapped_or_refused_with_lines_never_a_crash(rows: list[list[str]], fmt: str) -> None:
    import csv
    import io

    from strat import importokr
    from strat.importokr_formats import FORMATS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    plan = importokr.plan_import(out.getvalue().encode("utf-8", "surrogatepass"), "export.csv",
                                 importokr.Options(FORMATS[fmt], "grow-new-business", "2027-h1"), *_fuzz_repo())
    for problem in plan.problems:
        assert problem.message and problem.line >= 0
    if plan.problems:
        assert not plan.files


@functools.lru_cache(maxsize=1)
def _fuzz_repo() -> tuple:
    """The repository's example strategy, read once (plan_import writes nothing)."""
    from strat import importokr

    return importokr.open_targets(REPO, None)[:2]
