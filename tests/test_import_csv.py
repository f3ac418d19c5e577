"""`strat import csv`: messy spreadsheet exports become YAML files that lint clean.

The fixtures under tests/cases/import/ are the kind of file people export: an OKR
tracker's CSV (a BOM, CRLF, title lines above the header, extra columns, blank and
empty rows, `45%`, `1,200`, dates in four formats, a quoted line break), a European
`;`-separated file with decimal commas, a tab-separated metrics sheet and a sheet with
bad rows. The expected YAML sits beside each (golden files: STRAT_UPDATE_GOLDEN=1
rewrites them). Every command runs the real CLI in a real repository (a copy of the base
strategy, whose references the sheets use) and the files are read back from disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import CASES, copy_base, lint_json, run_cli
from strat import importcsv
from strat.load import parse_bytes, resolve_plain

IMPORT = CASES / "import"
UPDATE = os.environ.get("STRAT_UPDATE_GOLDEN") == "1"
FOLDERS = {"goal": "goals", "objective": "objectives", "metric": "metrics"}


def repo(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    return copy_base(tmp_path / "repo", files)


def import_csv(root: Path, *args: str):
    return run_cli(["import", "csv", *args], cwd=root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "strategy").rglob("*")) if p.is_file()}


def new_files(root: Path, before: dict[str, bytes]) -> dict[str, str]:
    after = snapshot(root)
    assert all(after[k] == v for k, v in before.items()), "an existing file changed"
    return {k: v.decode("utf-8") for k, v in after.items() if k not in before}


def write_csv(root: Path, name: str, text: str | bytes) -> str:
    path = root / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return name


def problems(result) -> list[str]:
    """The FILE:LINE: lines of stderr (the notes name the file without a line)."""
    return [line for line in result.stderr.splitlines() if line.split(":")[1:2] and line.split(":")[1].isdigit()]


# --- golden files ----------------------------------------------------------------------------

GOLDEN = [
    ("okr-tracker-export.csv", "goal"),
    ("objectives-eu.csv", "objective"),
    ("metrics.tsv", "metric"),
]


def check_golden(csv_name: str, kind: str, written: dict[str, str]) -> None:
    folder = IMPORT / Path(csv_name).stem
    prefix = f"strategy/{FOLDERS[kind]}/"
    assert all(k.startswith(prefix) for k in written), written.keys()
    got = {k[len(prefix):]: v for k, v in written.items()}
    if UPDATE:
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.yaml"):
            old.unlink()
        for name, text in got.items():
            (folder / name).write_text(text, encoding="utf-8", newline="")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))}
    assert expected, f"no golden files in {folder}; run with STRAT_UPDATE_GOLDEN=1 to create them"
    assert got == expected


@pytest.mark.parametrize("csv_name, kind", GOLDEN)
def test_golden_files_and_a_clean_lint(tmp_path: Path, csv_name: str, kind: str) -> None:
    root = repo(tmp_path)
    before = snapshot(root)
    result = import_csv(root, str(IMPORT / csv_name), "--kind", kind)
    assert result.exit_code == 0, result.stderr
    written = new_files(root, before)
    check_golden(csv_name, kind, written)
    assert sorted(result.stdout.splitlines()) == sorted(
        f"{path}: {kind} `{Path(path).stem}` (line {line})"
        for path, line in zip(written, _lines(written.values())))
    lint = lint_json(root)
    assert lint.exit_code == 0 and lint.diagnostics == [], lint.stdout


def _lines(texts) -> list[int]:
    return [int(text.splitlines()[1].rsplit("line ", 1)[1].rstrip(".")) for text in texts]


def test_the_three_kinds_in_order_lint_clean_together(tmp_path: Path) -> None:
    root = repo(tmp_path)
    for csv_name, kind in reversed(GOLDEN):  # metrics, objectives, goals
        result = import_csv(root, str(IMPORT / csv_name), "-k", kind)
        assert result.exit_code == 0, result.stderr
    lint = lint_json(root)
    assert lint.exit_code == 0 and lint.diagnostics == [], lint.stdout
    assert len(lint.json["diagnostics"]) == 0


def test_how_the_tracker_export_was_read(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = import_csv(root, str(IMPORT / "okr-tracker-export.csv"), "--kind", "goal", "--dry-run")
    assert result.exit_code == 0, result.stderr
    name = str(IMPORT / "okr-tracker-export.csv")
    notes = result.stderr.splitlines()
    assert f"{name}: comma-separated, header on line 4" in notes
    assert f"{name}: lines 1, 2 above the header row skipped" in notes
    assert (f"{name}: columns: Objective → parent, Key Result → title, Owner Email → owner, Team → team, "
            "Quarter → period, KPI → metric, Start → baseline, Target → target, Actual → current, Status → status, "
            "Due Date → due, Impact → impact, Basis → basis, Customer progress → customer_progress, "
            "Progress → x-progress, Confidence → x-confidence, Notes → x-notes, Jira → x-jira") in notes
    assert f"{name}: numbers read with a decimal point (line 8: `0.32`)" in notes
    assert f"{name}: dates read day first (line 5: `31/12/2026`)" in notes
    assert notes[-1] == "Dry run: would write 4 goals; nothing was written."


def test_dry_run_prints_the_files_and_writes_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path)
    before = snapshot(root)
    result = import_csv(root, str(IMPORT / "metrics.tsv"), "--kind", "metric", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == before
    golden = IMPORT / "metrics"
    expected = "".join(f"==> strategy/metrics/{p.name} <==\n{p.read_text(encoding='utf-8')}\n"
                       for p in sorted(golden.glob("*.yaml")))
    assert result.stdout == expected


# --- all or nothing, and every bad row with its line --------------------------------------------

BAD_ROWS = [
    "bad-rows.csv:3: owner: no person `cwuu` (by id, name or e-mail); did you mean `cwu` (Chen Wu)?",
    "bad-rows.csv:4: the `Due` cell `03/04/2027` could be day first or month first, and no date in the file "
    "settles it: say which with --date-format dmy or --date-format mdy",
    "bad-rows.csv:5: target: `lots` is not a number",
    "bad-rows.csv:6: no metric: the `Metric` cell is empty",
    "bad-rows.csv:7: A306 the outcome of `target-against-the-metric` moves `activation-rate` from 0.4 to 0.3, but "
    "higher is better for this metric (`better: up`) (strat lint would fail)",
    "bad-rows.csv:8: this row has 10 cells, the header 9: a cell with an unquoted comma? Quote that cell",
]


def test_bad_rows_are_all_reported_with_their_line_and_nothing_is_written(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "bad-rows.csv").write_bytes((IMPORT / "bad-rows.csv").read_bytes())
    before = snapshot(root)
    result = import_csv(root, "bad-rows.csv", "--kind", "goal")
    assert result.exit_code == 1
    assert problems(result) == BAD_ROWS
    assert result.stderr.splitlines()[-1] == "Refused (6 problems): nothing was written."
    assert snapshot(root) == before
    assert result.stdout == ""


def test_skip_bad_writes_the_good_rows_and_still_fails(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "bad-rows.csv").write_bytes((IMPORT / "bad-rows.csv").read_bytes())
    before = snapshot(root)
    result = import_csv(root, "bad-rows.csv", "--kind", "goal", "--skip-bad")
    assert result.exit_code == 1
    assert problems(result) == BAD_ROWS
    assert list(new_files(root, before)) == ["strategy/goals/good-row.yaml"]
    assert result.stdout == "strategy/goals/good-row.yaml: goal `good-row` (line 2)\n"
    assert "Skipped 6 rows with problems (6 problems); they were not written." in result.stderr
    assert lint_json(root).exit_code == 0


def test_skip_bad_reports_rows_that_depend_on_a_skipped_row(tmp_path: Path) -> None:
    root = repo(tmp_path)
    name = write_csv(root, "cascade.csv",
                     "Goal,Owner,Department,Aligned to,Period,Metric,From,To\n"
                     "Support deflects setup questions,bjones,support,cut-support-cost,2027-h1,setup-tickets,900,lots\n"
                     "Help articles for bank feeds,bjones,support,Support deflects setup questions,2027-h1,"
                     "setup-tickets,900,800\n")
    result = import_csv(root, name, "--kind", "goal")
    assert problems(result) == ["cascade.csv:2: target: `lots` is not a number"]  # no echo of it on line 3
    result = import_csv(root, name, "--kind", "goal", "--skip-bad")
    assert problems(result) == [
        "cascade.csv:2: target: `lots` is not a number",
        "cascade.csv:3: parent: `Support deflects setup questions` is the goal on line 2, which is not imported"]
    assert result.exit_code == 1
    assert not (root / "strategy/goals/help-articles-for-bank-feeds.yaml").exists()


# --- existing files ---------------------------------------------------------------------------


def test_existing_files_are_never_replaced_without_force(tmp_path: Path) -> None:
    root = repo(tmp_path)
    csv_path = str(IMPORT / "okr-tracker-export.csv")
    assert import_csv(root, csv_path, "--kind", "goal").exit_code == 0
    edited = root / "strategy/goals/trials-convert-yes-no-card-needed.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    before = snapshot(root)
    result = import_csv(root, csv_path, "--kind", "goal")
    assert result.exit_code == 1
    assert [p.split(": ", 1)[1] for p in problems(result)] == [
        "strategy/goals/mobile-sign-ups-activate-as-well-as-desktop-ones.yaml already exists (--force replaces it)",
        "strategy/goals/trials-convert-yes-no-card-needed.yaml already exists (--force replaces it)",
        "strategy/goals/setup-tickets-below-1000-a-month.yaml already exists (--force replaces it)",
        "strategy/goals/help-centre-answers-setup-questions-before-they-are-asked.yaml already exists "
        "(--force replaces it)"]
    assert snapshot(root) == before

    result = import_csv(root, csv_path, "--kind", "goal", "--force")
    assert result.exit_code == 0, result.stderr
    assert "Wrote 4 goals, 4 replaced." in result.stderr
    assert "# edited by hand" not in edited.read_text(encoding="utf-8")
    check_golden("okr-tracker-export.csv", "goal", {
        k: v.decode() for k, v in snapshot(root).items() if k.startswith("strategy/goals/") and k not in (
            "strategy/goals/faster-activation.yaml", "strategy/goals/fewer-setup-tickets.yaml",
            "strategy/goals/support-deflection.yaml")})


def test_skip_bad_imports_only_the_new_rows(tmp_path: Path) -> None:
    root = repo(tmp_path)
    first = write_csv(root, "a.csv", "Title,Owner,Team,Parent,Period,Metric,Baseline,Target\n"
                                     "One,cwu,onboarding,grow-retention,2026-h2,activation-rate,0.3,0.4\n")
    assert import_csv(root, first, "-k", "goal").exit_code == 0
    more = write_csv(root, "b.csv", "Title,Owner,Team,Parent,Period,Metric,Baseline,Target\n"
                                    "One,cwu,onboarding,grow-retention,2026-h2,activation-rate,0.3,0.5\n"
                                    "Two,cwu,onboarding,grow-retention,2026-h2,activation-rate,0.3,0.4\n")
    result = import_csv(root, more, "-k", "goal", "--skip-bad")
    assert problems(result) == ["b.csv:2: strategy/goals/one.yaml already exists (--force replaces it)"]
    assert (root / "strategy/goals/two.yaml").is_file()
    assert "target: 0.4" in (root / "strategy/goals/one.yaml").read_text()


def test_force_never_replaces_a_file_holding_other_documents(tmp_path: Path) -> None:
    metric = "kind: Metric\nid: {0}\nname: {0}\nunit: count\ntype: leading\nbetter: up\n"
    root = repo(tmp_path, {"strategy/metrics/churn.yaml": metric.format("churn") + "---\n" + metric.format("logins")})
    before = snapshot(root)
    name = write_csv(root, "m.csv", "Name,Unit,Type,Better\nChurn,count,lagging,down\n")
    result = import_csv(root, name, "-k", "metric", "--force")
    assert problems(result) == ["m.csv:2: strategy/metrics/churn.yaml also holds `logins`; replacing it would lose "
                                "them (move them out first)"]
    assert snapshot(root) == before


def test_an_id_taken_elsewhere_in_the_repository(tmp_path: Path) -> None:
    root = repo(tmp_path)
    name = write_csv(root, "m.csv", "id,Name,Unit,Type,Better\nsetup-tickets,Setup tickets,count,leading,down\n")
    result = import_csv(root, name, "-k", "metric", "--out", "strategy/imported", "--force")
    assert problems(result) == [
        "m.csv:2: id `setup-tickets` (from the `id` cell) is already used by the Metric at "
        "strategy/metrics/setup-tickets.yaml:2; give the row another id in an `id` column"]


def test_ids_from_the_id_column_and_collisions(tmp_path: Path) -> None:
    root = repo(tmp_path)
    head = "ID,Title,Owner,Team,Parent,Period,Metric,Baseline,Target\n"
    tail = ",cwu,onboarding,grow-retention,2026-h2,activation-rate,0.3,0.4\n"
    name = write_csv(root, "ids.csv", head + "faster-activation,Taken" + tail + "OKR-12,Upper" + tail
                     + "okr-12,Again" + tail + ",Same title" + tail + ",Same title" + tail + ",Same title" + tail)
    result = import_csv(root, name, "-k", "goal", "--dry-run", "--skip-bad")
    assert problems(result) == [
        "ids.csv:2: strategy/goals/faster-activation.yaml already exists (--force replaces it)",
        "ids.csv:4: id `okr-12` is also the id of line 3; ids are unique"]
    files = [line for line in result.stdout.splitlines() if line.startswith("==>")]
    assert files == ["==> strategy/goals/okr-12.yaml <==", "==> strategy/goals/same-title.yaml <==",
                     "==> strategy/goals/same-title-2.yaml <==", "==> strategy/goals/same-title-3.yaml <=="]


# --- reading messy files -------------------------------------------------------------------------

GOAL_HEAD = ["Title", "Owner", "Team", "Parent", "Period", "Metric", "Baseline", "Target"]
GOAL_ROW = ["Faster setup", "cwu", "onboarding", "grow-retention", "2026-h2", "activation-rate"]


def one_goal(tmp_path: Path, content: str | bytes, *args: str) -> tuple[object, dict]:
    """Import a one-goal sheet with --dry-run; (result, the goal's data as strat reads it)."""
    root = repo(tmp_path)
    name = write_csv(root, "sheet.csv", content)
    result = import_csv(root, name, "-k", "goal", "--dry-run", *args)
    data = {}
    if result.exit_code == 0 and "<==\n" in result.stdout:
        text = result.stdout.split("<==\n", 1)[1]
        source, _ = parse_bytes(text.encode(), "x.yaml")
        assert source is not None
        data = source.documents[0].data
    return result, data


@pytest.mark.parametrize("baseline, target, delimiter, expected", [
    ("0.32", "45%", ",", (0.32, 0.45)),
    ("32 %", "0.5", ",", (0.32, 0.5)),
    ('"0,32"', '"0,45"', ",", (0.32, 0.45)),  # quoted decimal commas in a comma file
    ("0,32", "0,45", ";", (0.32, 0.45)),
    ("0,32", "45%", ";", (0.32, 0.45)),
    (".32", "+.45", ",", (0.32, 0.45)),
])
def test_ratios(tmp_path: Path, baseline: str, target: str, delimiter: str, expected: tuple) -> None:
    content = delimiter.join(GOAL_HEAD) + "\n" + delimiter.join([*GOAL_ROW, baseline, target]) + "\n"
    result, data = one_goal(tmp_path, content)
    assert result.exit_code == 0, result.stderr
    assert (data["outcome"]["baseline"], data["outcome"]["target"]) == expected


@pytest.mark.parametrize("baseline, target, delimiter, args, expected", [
    ('"1,200"', "900", ",", (), (1200, 900)),
    ("1 200", "900", ",", (), (1200, 900)),
    ("1\u00a0200", "900", ",", (), (1200, 900)),
    ("1'200", "900", ",", (), (1200, 900)),
    ('"1,200,000.5"', '"1,000,000"', ",", (), (1200000.5, 1000000)),
    ("1.200.000,5", "1.000.000", ";", (), (1200000.5, 1000000)),
    ("1.200", "0,9", ";", (), (1200, 0.9)),  # 0,9 settles the decimal comma for the file
    ("1.200", "900", ";", ("--decimal", "comma"), (1200, 900)),
    ("1.200", "0.9", ";", ("--decimal", "point"), (1.2, 0.9)),
    ("1.2k", "900", ",", (), (1200, 900)),
    ("1,2k", "0,9k", ";", (), (1200, 900)),
    ("$1.2M", "$900k", ",", (), (1200000, 900000)),
    ("1.2 M€", "EUR 900k", ",", (), (1200000, 900000)),
    ("(100)", "(300)", ",", (), (-100, -300)),
    ("−100", "-300", ",", (), (-100, -300)),  # a Unicode minus
])
def test_thousands_and_decimal_marks(tmp_path: Path, baseline: str, target: str, delimiter: str,
                                     args: tuple, expected: tuple) -> None:
    head = delimiter.join(GOAL_HEAD[:5] + ["Metric", "Baseline", "Target"])
    row = delimiter.join(GOAL_ROW[:2] + ["self-service", "cut-support-cost", "2026-h2", "setup-tickets",
                                         baseline, target])
    result, data = one_goal(tmp_path, f"{head}\n{row}\n", *args)
    assert result.exit_code == 0, result.stderr
    assert (data["outcome"]["baseline"], data["outcome"]["target"]) == expected
    assert [type(v) for v in (data["outcome"]["baseline"], data["outcome"]["target"])] == \
        [type(v) for v in expected]


def test_an_undecidable_thousands_or_decimal_value_is_refused(tmp_path: Path) -> None:
    head = ";".join(GOAL_HEAD[:5] + ["Metric", "Baseline", "Target"])
    row = ";".join(GOAL_ROW[:2] + ["self-service", "cut-support-cost", "2026-h2", "setup-tickets", "1.200", "900"])
    result, _ = one_goal(tmp_path, f"{head}\n{row}\n")
    assert problems(result) == [
        "sheet.csv:2: baseline: `1.200` could be read with a decimal point or a decimal comma, and no number in the "
        "file settles it: say which with --decimal point or --decimal comma"]


def test_a_file_with_both_decimal_marks_reports_the_odd_ones(tmp_path: Path) -> None:
    root = repo(tmp_path)
    rows = ["Title,Owner,Team,Parent,Period,Metric,Baseline,Target"]
    rows += [f"Goal {i},cwu,onboarding,grow-retention,2026-h2,activation-rate,0.3{i},0.5" for i in range(3)]
    rows += ['Odd one,cwu,onboarding,grow-retention,2026-h2,activation-rate,"0,3",0.5']
    name = write_csv(root, "mixed.csv", "\n".join(rows) + "\n")
    result = import_csv(root, name, "-k", "goal")
    assert problems(result) == [
        "mixed.csv:5: `0,3` can only be read with a decimal comma, but `0.30` on line 2 only with a decimal point: "
        "say which with --decimal point or --decimal comma"]


@pytest.mark.parametrize("cell, args, expected", [
    ("2027-03-31", (), "2027-03-31"),
    ("2027-03-31T00:00:00", (), "2027-03-31"),
    ("2027-03-31 17:45:00", (), "2027-03-31"),
    ("2027/03/31", (), "2027-03-31"),
    ("31/03/2027", (), "2027-03-31"),
    ("03/31/2027", (), "2027-03-31"),
    ("3/31/27", (), "2027-03-31"),
    ("31.03.2027", (), "2027-03-31"),
    ("31-03-2027", (), "2027-03-31"),
    ('"Mar 31, 2027"', (), "2027-03-31"),
    ('"March 31st, 2027"', (), "2027-03-31"),
    ("31 Mar 2027", (), "2027-03-31"),
    ("31-Mar-27", (), "2027-03-31"),
    ('"Wed, 31 March 2027"', (), "2027-03-31"),
    ("03/04/2027", ("--date-format", "dmy"), "2027-04-03"),
    ("03/04/2027", ("--date-format", "mdy"), "2027-03-04"),
    ("04/04/2027", (), "2027-04-04"),  # the same either way
    ("2027.03.31", ("--date-format", "%Y.%m.%d"), "2027-03-31"),
])
def test_dates(tmp_path: Path, cell: str, args: tuple, expected: str) -> None:
    head = ",".join(GOAL_HEAD[:4] + ["Metric", "Baseline", "Target", "Deadline"])
    row = ",".join(GOAL_ROW[:4] + ["activation-rate", "0.3", "0.4", cell])
    result, data = one_goal(tmp_path, f"{head}\n{row}\n", *args)
    assert result.exit_code == 0, result.stderr
    assert data["x-due"] == expected
    assert data["period"] == "2027-h1"  # the period the due date falls in


@pytest.mark.parametrize("cell, message", [
    ("31/02/2027", "is not a calendar date (2027, month 2, day 31)"),
    ("46477", "is a number, not a date (a spreadsheet's day count? format the column as a date before exporting)"),
    ("next spring", "is not a date strat can read (write it as YYYY-MM-DD)"),
    ("31 Foo 2027", "has no month called 'Foo'"),
])
def test_dates_that_are_not(tmp_path: Path, cell: str, message: str) -> None:
    head = ",".join(GOAL_HEAD + ["Due"])
    row = ",".join([*GOAL_ROW, "0.3", "0.4", cell])
    result, _ = one_goal(tmp_path, f"{head}\n{row}\n")
    assert problems(result) == [f"sheet.csv:2: the `Due` cell `{cell}` {message}"]


def test_a_due_date_outside_every_period(tmp_path: Path) -> None:
    head = ",".join(GOAL_HEAD[:4] + ["Metric", "Baseline", "Target", "Due"])
    row = ",".join(GOAL_ROW[:4] + ["activation-rate", "0.3", "0.4", "2031-01-31"])
    result, _ = one_goal(tmp_path, f"{head}\n{row}\n")
    assert problems(result) == [
        "sheet.csv:2: no period: the due date 2031-01-31 falls in none of the Strategy's periods (2026-h2 "
        "(2026-07-01 to 2026-12-31), 2027-h1 (2027-01-01 to 2027-06-30)); add a `period` column"]


def test_percentages_keep_points_when_the_metric_unit_is_percent(tmp_path: Path) -> None:
    root = repo(tmp_path)
    name = write_csv(root, "o.csv", "Objective,Owner,Metric,Baseline,Target,Due\n"
                                    "NRR to 115%,asmith,net-revenue-retention,104%,115%,2027-06-30\n"
                                    "Support cost down,bjones,support-cost,$900k,$800k,2027-06-30\n")
    result = import_csv(root, name, "-k", "objective")
    assert result.exit_code == 0, result.stderr
    nrr = (root / "strategy/objectives/nrr-to-115-percent.yaml").read_text()
    assert "baseline: 104\ntarget: 115\n" in nrr
    assert "baseline: 900000\ntarget: 800000\n" in (root / "strategy/objectives/support-cost-down.yaml").read_text()


def test_header_synonyms_unknown_columns_and_stray_cells(tmp_path: Path) -> None:
    content = ("GOAL TITLE,owner_email,Squad,Objective ID,OKR Cycle,kpi,From,To,Current Value,Status,Notes,Notes,"
               ",Owner\n"
               "Faster setup,alice.smith@ledgerly.example,Onboarding,grow-retention,2026-H2,activation-rate,"
               "0.3,0.4,0.35,Completed,one,two,stray,cwu\n")
    result, data = one_goal(tmp_path, content)
    assert result.exit_code == 0, result.stderr
    assert data == {
        "kind": "Goal", "id": "faster-setup", "title": "Faster setup", "owner": "asmith", "team": "onboarding",
        "parent": "grow-retention", "period": "2026-h2",
        "outcome": {"metric": "activation-rate", "baseline": 0.3, "target": 0.4, "current": 0.35},
        "status": "done", "x-sheet-status": "Completed", "x-notes": "one", "x-notes-2": "two",
        "x-column-13": "stray", "x-owner": "cwu"}
    assert "sheet.csv: column `Owner` also means owner, which `owner_email` gives: kept as x-owner" in result.stderr


def test_missing_columns_name_the_column_that_would_provide_them(tmp_path: Path) -> None:
    result, _ = one_goal(tmp_path, "Title,Owner,Target\nFaster setup,cwu,0.4\n")
    assert problems(result) == [
        "sheet.csv:2: no team, department or person: add a `team`, `department` or `person` column",
        "sheet.csv:2: no parent (the objective or goal it serves): add a `parent` column (or `objective id`, "
        "`aligned to`)",
        "sheet.csv:2: no period: add a `period` column (or `quarter`, `cycle`), or a `due` date that falls in one "
        "of the Strategy's periods",
        "sheet.csv:2: no metric: add a `metric` column (or `kpi`, `metric id`)",
        "sheet.csv:2: no baseline: add a `baseline` column (or `start`, `from`)"]


def test_references_by_name_email_and_handle(tmp_path: Path) -> None:
    content = ("Title,Owner,Department,Parent,Period,Metric,Baseline,Target,Plan\n"
               "Fewer tickets,@bjones,Customer Support,Cut the cost of support by a fifth,2026 h2,"
               "Setup tickets per month,1200,900,\"Product plan, second half of 2026\"\n")
    result, data = one_goal(tmp_path, content)
    assert result.exit_code == 0, result.stderr
    assert (data["owner"], data["department"], data["parent"], data["period"], data["outcome"]["metric"],
            data["plan"]) == ("bjones", "support", "cut-support-cost", "2026-h2", "setup-tickets", "plan-2026-h2")


def test_unknown_references_with_did_you_mean(tmp_path: Path) -> None:
    content = ("Title,Owner,Team,Parent,Period,Metric,Baseline,Target\n"
               "Faster setup,Chen Wo,onbording,grow-retension,2026-h3,activation-rates,0.3,0.4\n")
    result, _ = one_goal(tmp_path, content)
    assert problems(result) == [
        "sheet.csv:2: owner: no person `Chen Wo` (by id, name or e-mail); did you mean `cwu` (Chen Wu)?",
        "sheet.csv:2: team: no team `onbording` (by id or name); did you mean `onboarding` (Onboarding)?",
        "sheet.csv:2: parent: no objective or goal `grow-retension` (by id or name); did you mean `grow-retention` "
        "(Grow net revenue retention to 112%)?",
        "sheet.csv:2: period: no period `2026-h3` in the Strategy; did you mean `2026-h2`?",
        "sheet.csv:2: metric: no metric `activation-rates` (by id or name); did you mean `activation-rate` "
        "(Week-one activation rate)?"]


def test_a_goal_belongs_to_one_holder(tmp_path: Path) -> None:
    content = ("Title,Owner,Team,Department,Parent,Period,Metric,Baseline,Target\n"
               "Faster setup,cwu,onboarding,product,grow-retention,2026-h2,activation-rate,0.3,0.4\n")
    result, _ = one_goal(tmp_path, content)
    assert problems(result) == ["sheet.csv:2: gives team `onboarding` and department `product`: a goal belongs to "
                                "exactly one team, department or person"]


def test_status_words(tmp_path: Path) -> None:
    content = ",".join(GOAL_HEAD + ["Status"]) + "\n" + ",".join([*GOAL_ROW, "0.3", "0.4", "Someday"]) + "\n"
    result, _ = one_goal(tmp_path, content)
    assert problems(result) == ["sheet.csv:2: the `Status` cell says `Someday`; expected draft, active, done or "
                                "dropped (or On track, At risk, Completed, Cancelled, …)"]


@pytest.mark.parametrize("encoding, prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")])
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = "\t".join(GOAL_HEAD) + "\r\n" + "\t".join(["Café setup", *GOAL_ROW[1:], "0.3", "0.4"]) + "\r\n"
    result, data = one_goal(tmp_path, prefix + text.encode(encoding))
    assert result.exit_code == 0, result.stderr
    assert (data["id"], data["title"]) == ("cafe-setup", "Café setup")


def test_not_utf8_names_the_line_and_the_way_out(tmp_path: Path) -> None:
    content = (",".join(GOAL_HEAD) + "\n" + ",".join(["Caf\xe9", *GOAL_ROW[1:], "0.3", "0.4"]) + "\n").encode("cp1252")
    result, _ = one_goal(tmp_path, content)
    assert result.exit_code == 1
    assert problems(result)[0].startswith('sheet.csv:2: not UTF-8 text (byte 0xe9): save the sheet as "CSV UTF-8"')
    result, data = one_goal(tmp_path / "again", content, "--encoding", "cp1252")
    assert result.exit_code == 0 and data["title"] == "Café"


def test_excel_sep_line_and_pipe_delimiter(tmp_path: Path) -> None:
    content = "sep=|\n" + "|".join(GOAL_HEAD) + "\n" + "|".join([*GOAL_ROW, "0,3", "0,4"]) + "\n"
    result, data = one_goal(tmp_path, content)
    assert result.exit_code == 0, result.stderr
    assert data["outcome"]["target"] == 0.4
    assert "sheet.csv: vertical bar-separated, header on line 2" in result.stderr


def test_quoted_line_breaks_keep_line_numbers_right(tmp_path: Path) -> None:
    content = (",".join(GOAL_HEAD + ["Customer progress"]) + "\n"
               + ",".join([*GOAL_ROW, "0.3", "0.4", '"one\n\ntwo\nthree"']) + "\n\n"
               + ",".join(["Other", *GOAL_ROW[1:], "0.3", "nope", ""]) + "\n")
    result, _ = one_goal(tmp_path, content)
    assert problems(result) == ["sheet.csv:7: target: `nope` is not a number"]


def test_a_control_character_in_a_cell_is_refused(tmp_path: Path) -> None:
    content = ",".join(GOAL_HEAD + ["Notes"]) + "\n" + ",".join([*GOAL_ROW, "0.3", "0.4", "bell\x07"]) + "\n"
    result, _ = one_goal(tmp_path, content)
    assert problems(result) == ["sheet.csv:2: the x-notes cell holds the control character U+0007; remove it"]


@pytest.mark.parametrize("content, message", [
    ("just,some,words\n1,2,3\n", "sheet.csv:1: no header row naming the columns: the first rows name no goal column "
                                 "(expected e.g. title, owner, team, parent, period, metric, baseline, target)"),
    ('Title,Owner\n"open,cwu\n', "sheet.csv:2: not valid CSV (unexpected end of data); a quote left open?"),
])
def test_file_problems(tmp_path: Path, content: str, message: str) -> None:
    result, _ = one_goal(tmp_path, content)
    assert result.exit_code == 1
    assert problems(result) == [message]


def test_a_header_only_file_does_nothing(tmp_path: Path) -> None:
    result, _ = one_goal(tmp_path, ",".join(GOAL_HEAD) + "\n\n,,,\n")
    assert result.exit_code == 0
    assert "no rows in sheet.csv; nothing to do" in result.stderr


def test_metric_values(tmp_path: Path) -> None:
    root = repo(tmp_path)
    name = write_csv(root, "m.csv", "KPI,Units,Type,Polarity,Financial,Feeds\n"
                                    "Churned accounts,count,Lagging,Lower is better,maybe,\n"
                                    "Logins,count,leading,sideways,no,activation-rate\n")
    result = import_csv(root, name, "-k", "metric")
    assert problems(result) == [
        "m.csv:2: the `Financial` cell says `maybe`; expected yes or no",
        "m.csv:3: the `Polarity` cell says `sideways`; expected up or down (or higher, lower, increase, decrease)",
        "m.csv:3: no hypothesis for `drives` (why moving this metric moves that one): add a `hypothesis` column "
        "(or `drives hypothesis`, `why it drives`)"]


# --- outside a repository, --out -----------------------------------------------------------------


def test_outside_a_repository_ids_are_required_and_out_is_used(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    name = write_csv(work, "m.csv", "Name,Unit,Type,Better,Owner\nChurn,%,lagging,down,Alice Smith\n"
                                    "Logins,count,leading,up,asmith\n")
    result = import_csv(work, name, "-k", "metric", "--out", "out")
    assert problems(result) == ["m.csv:2: owner: `Alice Smith` is not an id, and outside a strategy repository "
                                "strat cannot look up which person it names: write the id"]
    assert "references are not checked" in result.stderr
    result = import_csv(work, name, "-k", "metric", "--out", "out", "--skip-bad")
    assert result.stdout == "out/logins.yaml: metric `logins` (line 3)\n"
    assert (work / "out/logins.yaml").read_text().startswith(
        "# yaml-language-server: $schema=../schemas/metric.schema.json\n# Imported from m.csv, line 3.\n")


def test_out_inside_the_repository(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = import_csv(root, str(IMPORT / "metrics.tsv"), "-k", "metric", "--out", "strategy/metrics/imported")
    assert result.exit_code == 0, result.stderr
    written = (root / "strategy/metrics/imported/refund-rate.yaml").read_text()
    assert written.startswith("# yaml-language-server: $schema=../../../schemas/metric.schema.json\n")
    assert lint_json(root).diagnostics == []


# --- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["x.csv"], "Missing option '--kind'"),
    (["x.csv", "--kind", "initiative"], "'initiative' is not one of"),
    (["missing.csv", "--kind", "goal"], "cannot read missing.csv"),
    (["x.csv", "--kind", "goal", "--date-format", "ymd"], "--date-format: auto, dmy, mdy or a strptime pattern"),
    (["x.csv", "--kind", "goal", "--delimiter", "ab"], "--delimiter: one character"),
    (["x.csv", "--kind", "goal", "--encoding", "klingon"], "--encoding: unknown encoding"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    root = repo(tmp_path)
    (root / "x.csv").write_text("Title\n")
    result = import_csv(root, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_help_has_an_example() -> None:
    result = run_cli(["import", "csv", "--help"])
    assert result.exit_code == 0
    assert "strat import csv okrs.csv --kind goal" in result.stdout
    assert "45% becomes 0.45" in result.stdout
    assert "x-<column-name>" in result.stdout
    assert "csv" in run_cli(["import", "--help"]).stdout


# --- the YAML is read the same by every reader ----------------------------------------------------

HOSTILE = ["yes", "No", "ON", "off", "y", "N", "true", "null", "~", " lead", "trail ", "2026-03-31", "12", "1e3",
           "0x1f", "0b101", "0o17", "1:20", "#hash", "a #b", "a: b", "a:", "- x", "? q", "@x", "`x", "'q'", '"dq"',
           "&anchor", "*alias", "!tag", "%x", "|", ">", "{a}", "[a]", "a, b", "multi\nline", "multi\n\nline",
           "  indented\nx", "tab\there", "nbsp\u00a0x", "rtl\u202eabc", "zero\u200bwidth", "日本語", "🎉", "---", "...",
           "a\\b", "2026-h2", "nan", ".inf", "=", "<<", "12e", "e10", "1_000", "Yes please"]


def _readers(text: str) -> list:
    from ruamel.yaml import YAML

    source, diagnostics = parse_bytes(text.encode(), "x.yaml")
    assert not diagnostics and source is not None
    return [source.documents[0].data, yaml.safe_load(text), YAML(typ="safe", pure=True).load(text)]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_reads_back_the_same_in_every_yaml_reader(value: str) -> None:
    data = {"kind": "Goal", "id": "x", "title": value, "x-list": [value], "x-map": {"k": value}}
    text = importcsv.render("Goal", data, "../../schemas", "sheet.csv, line 2")
    assert all(read == data for read in _readers(text)), text


def test_invisible_characters_are_written_as_escapes() -> None:
    text = importcsv.render("Goal", {"kind": "Goal", "id": "x", "title": "a\u202eb\u200bc"}, "s")
    assert "title: \"a\\u202eb\\u200bc\"\n" in text


@pytest.mark.parametrize("cell, expected", [
    ("0.45", 0.45), ("1200", 1200), ("0.0000001", 1e-07), ("12345678901234567890", 12345678901234567890),
    ("-0.5", -0.5), ("1.5M", 1500000), ("0", 0), ("-0", 0),
])
def test_numbers_read_back_as_numbers_in_every_yaml_reader(cell: str, expected: float) -> None:
    parts = importcsv.split_number(cell)
    assert isinstance(parts, importcsv.NumberText)
    value, problem = importcsv.number_value(parts, "point", False)
    assert problem is None and value is not None
    number = resolve_plain(importcsv.number_text(value), 1, 1)
    text = importcsv.render("Metric", {"kind": "Metric", "id": "x", "x-n": [number]}, "s")
    assert all(read["x-n"] == [expected] and type(read["x-n"][0]) is type(expected) for read in _readers(text)), text


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x85"), max_size=40))
def test_any_text_reads_back_the_same(value: str) -> None:
    if importcsv._CONTROL.search(value):  # refused before rendering (a cell holding one is reported)
        return
    data = {"kind": "Goal", "id": "x", "title": value}
    text = importcsv.render("Goal", data, "s")
    assert all(read == data for read in _readers(text)), text
