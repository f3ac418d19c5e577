"""`strat checkin` on a goal's key results (`--kr METRIC`, `METRIC#N`) and on objectives,
from the command line and from a CSV with a `kr` column.

Every test runs the real CLI in a real git repository (a copy of the base strategy),
compares the files byte for byte, lints the result, and reads the new value back through
`strat.progress` (the one computation of current values), as every view does."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from helpers import TODAY, copy_base, lint_json, run_cli
from strat.loaded import load_strategy
from strat.progress import measures

GOAL = "strategy/goals/faster-activation.yaml"
OBJECTIVE = "strategy/objectives/grow-retention.yaml"
BASE_GOAL = (Path(__file__).parent / "cases/base" / GOAL).read_text()
BASE_OBJECTIVE = (Path(__file__).parent / "cases/base" / OBJECTIVE).read_text()

# Three key results, inserted before `customer_progress:`: two on one metric (block style,
# the second with a `current`, a comment and check-ins), one written as a flow mapping.
KEY_RESULTS = (
    "key_results:\n"
    "  # the ticket load, in two steps\n"
    "  - title: New teams set up without a ticket\n"
    "    metric: setup-tickets\n"
    "    baseline: 1000\n"
    "    target: 800\n"
    "    weight: 2\n"
    "  - metric: setup-tickets   # the second step\n"
    "    baseline: 800\n"
    "    target: 600\n"
    "    current: 790    # kept by strat checkin\n"
    "    checkins:\n"
    "      - {date: 2026-10-01, value: 790}\n"
    "  - {metric: paid-invoices-weekly, baseline: 100, target: 200}\n"
)
WITH_KRS = BASE_GOAL.replace("customer_progress:", KEY_RESULTS + "customer_progress:")


def repo(tmp_path: Path, goal: str | bytes = WITH_KRS, objective: str | bytes | None = None) -> Path:
    files: dict[str, str | bytes] = {GOAL: goal}
    if objective is not None:
        files[OBJECTIVE] = objective
    root = copy_base(tmp_path / "repo", files)
    # No Person has this email: no `by` is added unless a test gives one (see test_by_*).
    subprocess.run(["git", "-C", str(root), "config", "user.email", "nobody@else.example"], check=True)
    return root


def checkin(root: Path, *args: str):
    return run_cli(["checkin", *args], cwd=root)


def all_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "strategy").rglob("*.yaml"))}


def measured(root: Path):
    loaded = load_strategy(root, root / "strategy", None, dt.date.fromisoformat(TODAY))
    assert loaded.errors == 0, [d.message for d in loaded.diagnostics]
    ctx = loaded.ctx
    return ctx, measures(ctx)


def goal_krs(root: Path):
    ctx, m = measured(root)
    return m.goal(ctx.get("faster-activation")).key_results


# --- key results: golden bytes ----------------------------------------------------------------

KR_GOLDEN = {
    # The first key result has no `checkins`: the key is added at the end of its mapping,
    # indented like its keys; it has no `current`, so none is added.
    "block-no-checkins": (
        ["--kr", "setup-tickets#1", "--value", "930", "--date", "2026-11-20", "--by", "cwu"],
        "    weight: 2\n",
        "    weight: 2\n"
        "    checkins:\n"
        "      - date: 2026-11-20\n"
        "        value: 930\n"
        "        by: cwu\n",
        0, 930,
    ),
    # The second has check-ins (a flow item): the new one follows in the same style, and its
    # `current` (with its comment) takes the new value.
    "block-with-checkins-and-current": (
        ["--kr", "setup-tickets#2", "--value", "700", "--date", "2026-11-20", "--confidence", "0.6"],
        "    current: 790    # kept by strat checkin\n"
        "    checkins:\n"
        "      - {date: 2026-10-01, value: 790}\n",
        "    current: 700    # kept by strat checkin\n"
        "    checkins:\n"
        "      - {date: 2026-10-01, value: 790}\n"
        "      - {date: 2026-11-20, value: 700, confidence: 0.6}\n",
        1, 700,
    ),
    # A key result written as one flow mapping gets `checkins: [...]` inside its braces.
    "flow-mapping": (
        ["--kr", "paid-invoices-weekly", "--value", "120", "--date", "2026-11-20", "--note", "Black Friday"],
        "  - {metric: paid-invoices-weekly, baseline: 100, target: 200}\n",
        "  - {metric: paid-invoices-weekly, baseline: 100, target: 200, checkins: [{date: 2026-11-20, value: 120, "
        "note: Black Friday}]}\n",
        2, 120,
    ),
}


@pytest.mark.parametrize("name", sorted(KR_GOLDEN))
def test_a_key_result_check_in_lands_in_place_and_progress_reads_it(tmp_path: Path, name: str) -> None:
    args, old, new, index, value = KR_GOLDEN[name]
    root = repo(tmp_path)
    before = all_bytes(root)
    result = checkin(root, "faster-activation", *args)
    assert result.exit_code == 0, result.stderr
    # The goal's file: exactly the one change; every other file: unchanged, byte for byte.
    assert WITH_KRS.count(old) == 1
    assert (root / GOAL).read_text() == WITH_KRS.replace(old, new)
    after = all_bytes(root)
    assert {k: v for k, v in after.items() if k != GOAL} == {k: v for k, v in before.items() if k != GOAL}
    assert lint_json(root).exit_code == 0
    # strat.progress reads the check-in as the key result's current value; the outcome is untouched.
    krs = goal_krs(root)
    assert [k.index for k in krs] == [0, 1, 2]
    kr = krs[index].progress
    assert (kr.current, kr.current_date, kr.source) == (value, "2026-11-20", "check-in")
    ctx, m = measured(root)
    outcome = m.goal(ctx.get("faster-activation")).outcome
    assert (outcome.current, outcome.current_date) == (0.38, "2026-11-15")


def test_the_message_names_the_key_result_and_its_current(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = checkin(root, "faster-activation", "--kr", "setup-tickets#2", "--value", "700", "--date", "2026-11-20")
    assert result.stdout == (f"{GOAL}: goal `faster-activation` key result `setup-tickets` checked in 700 on "
                             "2026-11-20; key_results[1].current 790 → 700\n")


def test_a_back_dated_key_result_check_in_keeps_date_order_and_current(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = checkin(root, "faster-activation", "--kr", "setup-tickets#2", "--value", "795", "--date", "2026-09-01")
    assert result.exit_code == 0, result.stderr
    assert (root / GOAL).read_text() == WITH_KRS.replace(
        "      - {date: 2026-10-01, value: 790}\n",
        "      - {date: 2026-09-01, value: 795}\n      - {date: 2026-10-01, value: 790}\n")
    kr = goal_krs(root)[1].progress
    assert (kr.current, kr.current_date) == (790, "2026-10-01")


def test_a_key_result_check_in_keeps_crlf_and_bom(tmp_path: Path) -> None:
    before = ("\ufeff" + WITH_KRS).replace("\n", "\r\n").encode("utf-8")
    root = repo(tmp_path, before)
    result = checkin(root, "faster-activation", "--kr", "setup-tickets#1", "--value", "930", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    expected = ("\ufeff" + WITH_KRS.replace("    weight: 2\n", "    weight: 2\n    checkins:\n"
                                            "      - date: 2026-11-20\n        value: 930\n"))
    assert (root / GOAL).read_bytes() == expected.replace("\n", "\r\n").encode("utf-8")
    assert lint_json(root).exit_code == 0


def test_a_metric_on_one_key_result_needs_no_number(tmp_path: Path) -> None:
    """`--kr METRIC` alone is enough when one key result measures the metric; `#N` is
    accepted too when it agrees."""
    root = repo(tmp_path)
    assert checkin(root, "faster-activation", "--kr", "paid-invoices-weekly#3", "--value", "110",
                   "--date", "2026-11-19").exit_code == 0
    assert checkin(root, "faster-activation", "--kr", "paid-invoices-weekly", "--value", "120",
                   "--date", "2026-11-20").exit_code == 0
    kr = goal_krs(root)[2].progress
    assert [(r.date, r.value) for r in kr.readings] == [("2026-11-19", 110), ("2026-11-20", 120)]


def test_by_defaults_to_the_person_with_gits_email_for_a_key_result(tmp_path: Path) -> None:
    root = repo(tmp_path)
    subprocess.run(["git", "-C", str(root), "config", "user.email", "Alice.Smith@ledgerly.example"], check=True)
    result = checkin(root, "faster-activation", "--kr", "setup-tickets#1", "--value", "930", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert "        by: asmith\n" in (root / GOAL).read_text()


# --- key results: refusals (exit 1, the reason, nothing written) -------------------------------

@pytest.mark.parametrize("goal, kr, message", [
    ("faster-activation", "setup-tickets",
     "goal `faster-activation` has 2 key results on metric `setup-tickets` (key results 1 and 2, counted from 1); "
     "name one as `setup-tickets#1` or `setup-tickets#2`"),
    ("faster-activation", "setup-tikets",
     "goal `faster-activation` has no key result on metric `setup-tikets`; did you mean `setup-tickets`? "
     "(its key results measure `setup-tickets`, `paid-invoices-weekly`)"),
    ("faster-activation", "no-such-metric", "goal `faster-activation` has no key result on metric `no-such-metric` "
                                            "(its key results measure"),
    ("faster-activation", "setup-tickets#3",
     "key result 3 of goal `faster-activation` measures `paid-invoices-weekly`, not `setup-tickets`"),
    ("faster-activation", "setup-tickets#9",
     "goal `faster-activation` has 3 key results; there is no key result 9 (`setup-tickets#9`)"),
    ("faster-activation", "setup-tickets#0",
     "goal `faster-activation` has 3 key results; there is no key result 0 (`setup-tickets#0`)"),
    ("faster-activation", "activation-rate",
     "`activation-rate` is the metric of goal `faster-activation`'s outcome, not of a key result"),
    ("fewer-setup-tickets", "setup-tickets",
     "goal `fewer-setup-tickets` has no key results; leave out the key result to check in its outcome"),
    ("grow-retention", "net-revenue-retention",
     "`grow-retention` is an objective, and an objective has no key results"),
    ("faster-activaton", "setup-tickets#1",
     "no goal or objective with id `faster-activaton`; did you mean `faster-activation`?"),
])
def test_a_key_result_that_is_not_there_is_refused(tmp_path: Path, goal: str, kr: str, message: str) -> None:
    root = repo(tmp_path)
    before = all_bytes(root)
    result = checkin(root, goal, "--kr", kr, "--value", "700", "--date", "2026-11-20")
    assert result.exit_code == 1, result.stdout
    assert f"strat checkin: {message}" in result.stderr
    assert "nothing was written" in result.stderr
    assert all_bytes(root) == before


@pytest.mark.parametrize("kr, shown", [
    ("setup\nreadings.csv:1: made up", "setup\\nreadings.csv:1: made up"),
    ("\x1b[31mred", "\\x1b[31mred"),
    ("setup\rtickets#1", "not `setup\\rtickets`"),
])
def test_a_hostile_key_result_is_shown_on_one_line(tmp_path: Path, kr: str, shown: str) -> None:
    """A line break or escape in `--kr` (or a `kr` cell) never reaches the terminal as
    itself: the message stays one line, so no row can forge another's diagnostic."""
    root = repo(tmp_path)
    before = all_bytes(root)
    (root / "readings.csv").write_text('goal,kr,value\nfaster-activation,"' + kr + '",1\n', newline="")
    for result, prefix in ((checkin(root, "faster-activation", "--kr", kr, "--value", "1"), "strat checkin: "),
                           (checkin(root, "--csv", "readings.csv"), "readings.csv:2: ")):
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert len(lines) == 2 and lines[0].startswith(prefix) and shown in lines[0], lines
        assert "\x1b" not in result.stderr
    assert all_bytes(root) == before


def test_two_check_ins_of_one_key_result_on_one_day_are_refused(tmp_path: Path) -> None:
    root = repo(tmp_path)
    before = all_bytes(root)
    result = checkin(root, "faster-activation", "--kr", "setup-tickets#2", "--value", "700", "--date", "2026-10-01")
    assert result.exit_code == 1
    assert "already has a check-in dated 2026-10-01" in result.stderr
    assert all_bytes(root) == before


def test_a_key_result_value_follows_its_own_metric(tmp_path: Path) -> None:
    """`%` is read by the key result's metric (a count here), not the outcome's (a ratio)."""
    root = repo(tmp_path)
    before = all_bytes(root)
    result = checkin(root, "faster-activation", "--kr", "setup-tickets#1", "--value", "45%", "--date", "2026-11-20")
    assert result.exit_code == 1
    assert "the unit of metric `setup-tickets` is count" in result.stderr
    assert all_bytes(root) == before


# --- objectives -----------------------------------------------------------------------------------

def test_an_objective_check_in_is_appended_and_is_its_number(tmp_path: Path) -> None:
    root = repo(tmp_path)
    before = all_bytes(root)
    result = checkin(root, "grow-retention", "--value", "106.5%", "--date", "2026-11-20", "--confidence", "0.8",
                     "--note", "October close", "--by", "asmith")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{OBJECTIVE}: objective `grow-retention` checked in 106.5 on 2026-11-20\n"
    assert (root / OBJECTIVE).read_text() == BASE_OBJECTIVE + (
        "checkins:\n  - date: 2026-11-20\n    value: 106.5\n    confidence: 0.8\n    note: October close\n"
        "    by: asmith\n")
    assert {k: v for k, v in all_bytes(root).items() if k != OBJECTIVE} == {
        k: v for k, v in before.items() if k != OBJECTIVE}
    assert lint_json(root).exit_code == 0
    ctx, m = measured(root)
    number = m.objective(ctx.get("grow-retention")).number
    assert (number.current, number.current_date, number.source, number.confidence) == (
        106.5, "2026-11-20", "check-in", 0.8)
    assert number.fraction == pytest.approx((106.5 - 104) / (112 - 104))


def test_an_objective_with_flow_check_ins_stays_flow_and_gets_no_current(tmp_path: Path) -> None:
    text = BASE_OBJECTIVE.replace("why:", "checkins: [{date: 2026-10-01, value: 105}]   # monthly\nwhy:")
    root = repo(tmp_path, objective=text)
    result = checkin(root, "grow-retention", "--value", "106", "--date", "2026-11-01")
    assert result.exit_code == 0, result.stderr
    assert (root / OBJECTIVE).read_text() == text.replace(
        "value: 105}]", "value: 105}, {date: 2026-11-01, value: 106}]")
    ctx, m = measured(root)
    number = m.objective(ctx.get("grow-retention")).number
    assert [(r.date, r.value) for r in number.readings] == [("2026-10-01", 105), ("2026-11-01", 106)]


def test_an_objective_check_in_on_a_day_it_has_is_refused(tmp_path: Path) -> None:
    text = BASE_OBJECTIVE + "checkins:\n  - date: 2026-10-01\n    value: 105\n"
    root = repo(tmp_path, objective=text)
    result = checkin(root, "grow-retention", "--value", "106", "--date", "2026-10-01")
    assert result.exit_code == 1
    assert "already has a check-in dated 2026-10-01" in result.stderr
    assert (root / OBJECTIVE).read_text() == text


# --- CSV with a `kr` column ---------------------------------------------------------------------

def test_csv_with_a_kr_column_checks_in_outcomes_key_results_and_objectives(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "readings.csv").write_text(
        "goal,kr,date,value,confidence\n"
        "faster-activation,,2026-11-20,0.41,0.7\n"              # the outcome
        "faster-activation,setup-tickets#1,2026-11-20,930,\n"   # a key result, same day: another series
        "faster-activation,paid-invoices-weekly,2026-11-20,120,0.5\n"
        "grow-retention,,2026-11-20,106,\n"                     # an objective
        "faster-activation,setup-tickets#1,2026-11-13,950,\n")  # back-dated, after in the file
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5
    assert (root / GOAL).read_text() == WITH_KRS.replace(
        "  current: 0.38\n", "  current: 0.41\n").replace(
        "    weight: 2\n", "    weight: 2\n    checkins:\n      - date: 2026-11-13\n        value: 950\n"
                          "      - date: 2026-11-20\n        value: 930\n").replace(
        "baseline: 100, target: 200}", "baseline: 100, target: 200, checkins: [{date: 2026-11-20, value: 120, "
                                       "confidence: 0.5}]}") + (
        "  - date: 2026-11-20\n    value: 0.41\n    confidence: 0.7\n")
    assert (root / OBJECTIVE).read_text() == BASE_OBJECTIVE + "checkins:\n  - date: 2026-11-20\n    value: 106\n"
    assert lint_json(root).exit_code == 0
    ctx, m = measured(root)
    goal = m.goal(ctx.get("faster-activation"))
    assert goal.outcome.current == 0.41
    assert [k.progress.current for k in goal.key_results] == [930, 790, 120]
    assert m.objective(ctx.get("grow-retention")).number.current == 106


def test_csv_kr_rows_are_all_or_nothing_with_file_and_line(tmp_path: Path) -> None:
    root = repo(tmp_path)
    before = all_bytes(root)
    (root / "readings.csv").write_text(
        "goal,kr,date,value\n"
        "faster-activation,setup-tickets#1,2026-11-20,930\n"    # fine on its own
        "faster-activation,setup-tickets,2026-11-20,930\n"      # two key results on the metric
        "faster-activation,setup-tikets#2,2026-11-20,700\n"     # #2 measures setup-tickets
        "grow-retention,net-revenue-retention,2026-11-20,106\n"  # an objective has no key results
        "faster-activation,setup-tickets#1,2026-11-20,931\n"    # the same key result twice on one day
        "faster-activation,paid-invoices-weekly,2026-11-20,12%\n")  # a count, not a %
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert ("readings.csv:3: goal `faster-activation` has 2 key results on metric `setup-tickets` (key results 1 and "
            "2, counted from 1); name one as `setup-tickets#1` or `setup-tickets#2`") in lines
    assert "readings.csv:4: key result 2 of goal `faster-activation` measures `setup-tickets`, not `setup-tikets`" in lines
    assert any(line.startswith("readings.csv:5: `grow-retention` is an objective, and an objective has no key results")
               for line in lines)
    assert any(line.startswith("readings.csv:6: goal `faster-activation` key result `setup-tickets` gets two check-ins "
                               "dated 2026-11-20 (the other from readings.csv:2)") for line in lines)
    assert any(line.startswith("readings.csv:7: value must be a number, got '12%'") for line in lines)
    assert not any(line.startswith("readings.csv:2:") for line in lines)
    assert "Refused (5 problems): nothing was written." in lines
    assert all_bytes(root) == before


def test_csv_without_a_kr_column_names_objectives_too(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "readings.csv").write_text("goal,date,value\ngrow-retention,2026-11-20,106\n")
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 0, result.stderr
    assert (root / OBJECTIVE).read_text().endswith("checkins:\n  - date: 2026-11-20\n    value: 106\n")


@pytest.mark.parametrize("args, message", [
    (["--csv", "readings.csv", "--kr", "setup-tickets"], "give no GOAL, --kr, --value"),
    (["--kr", "setup-tickets", "--value", "1"], "name a GOAL or OBJECTIVE with --value"),
    (["faster-activation", "--kr", "", "--value", "1"], "--kr needs a key result's metric"),  # not the outcome
    (["faster-activation", "--kr", "  ", "--value", "1"], "--kr needs a key result's metric"),
])
def test_kr_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    root = repo(tmp_path)
    (root / "readings.csv").write_text("goal,value\n")
    before = all_bytes(root)
    result = checkin(root, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert all_bytes(root) == before


def test_dry_run_of_a_key_result_shows_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path)
    before = all_bytes(root)
    result = checkin(root, "faster-activation", "--kr", "setup-tickets#2", "--value", "700", "--date", "2026-11-20",
                     "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "-    current: 790    # kept by strat checkin\n+    current: 700    # kept by strat checkin\n" in result.stdout
    assert "+      - {date: 2026-11-20, value: 700}\n" in result.stdout
    assert all_bytes(root) == before


@pytest.mark.parametrize("kr_goal_first", [True, False])
def test_a_key_result_beside_a_long_outcome_history_in_one_file(tmp_path: Path, kr_goal_first: bool) -> None:
    """One file, two goals: one with a long outcome history (the shortcut of
    strat.checkin_cut), one with key results. A CSV checks in both; the file is the old
    text with exactly the new lines, whichever goal comes first."""
    history = "".join(f"  - date: {dt.date(2020, 1, 1) + dt.timedelta(days=i)}\n    value: 0.{i % 50 + 10}\n"
                      for i in range(200))
    long_goal = BASE_GOAL.replace("id: faster-activation", "id: long-history")
    long_goal = long_goal[:long_goal.index("checkins:\n")] + "checkins:\n" + history
    kr_goal = WITH_KRS
    docs = [kr_goal, long_goal] if kr_goal_first else [long_goal, kr_goal]
    text = "---\n".join(docs)
    root = repo(tmp_path, text)
    (root / "readings.csv").write_text("goal,kr,date,value\n"
                                       "long-history,,2026-11-20,0.44\n"
                                       "faster-activation,setup-tickets#1,2026-11-20,930\n")
    result = checkin(root, "--csv", "readings.csv")
    assert result.exit_code == 0, result.stderr
    kr_new = kr_goal.replace("    weight: 2\n", "    weight: 2\n    checkins:\n      - date: 2026-11-20\n"
                                              "        value: 930\n")
    long_new = long_goal.replace("  current: 0.38\n", "  current: 0.44\n") + "  - date: 2026-11-20\n    value: 0.44\n"
    assert (root / GOAL).read_text() == "---\n".join([kr_new, long_new] if kr_goal_first else [long_new, kr_new])
    assert lint_json(root).exit_code == 0
