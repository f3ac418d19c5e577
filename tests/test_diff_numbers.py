"""`strat diff` says how the numbers moved: each objective and goal whose value, progress,
forecast, status or roll-up a change moves gets one sentence (`strat.progress.sentence`),
in text, Markdown and JSON. Every figure is checked against `strat.progress` computed here
on each revision of the same real git repository, measured on the same day (`--today`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import TODAY, commit_all, copy_base, run_cli
from strat.loaded import load_strategy
from strat.numbers import measure
from strat.progress import Progress, measures, sentence
from strat.progress_data import progress_data

NRR_HEAD = """\
kind: Readings
id: nrr-2026
metric: net-revenue-retention
values:
  - {date: 2026-07-01, value: 104}
  - {date: 2026-08-01, value: 105}
"""
NRR_MORE = "  - {date: 2026-09-01, value: 105.5}\n  - {date: 2026-10-01, value: 106.3}\n"

KEY_RESULT = """\
key_results:
  - metric: setup-tickets
    baseline: 1000
    target: 800
    checkins:
      - {date: 2026-09-01, value: 950, confidence: 0.6}
customer_progress:"""


def measured(root: Path, today: str = TODAY):
    loaded = load_strategy(root, root / "strategy", None, dt.date.fromisoformat(today))
    assert loaded.errors == 0, [d.message for d in loaded.diagnostics]
    return loaded.ctx, measures(loaded.ctx)


def diff(root: Path, *args: str, today: str = TODAY):
    result = run_cli(["diff", *args, "--today", today], cwd=root)
    assert result.exit_code == 0, result.stderr
    return result


def was(before: Progress, unit: str) -> str:
    return f"was {measure(before.current, unit)}, {before.percent}% of the way, {before.label.lower()}"


@pytest.fixture
def readings_repo(tmp_path: Path):
    """Committed: two readings of NRR. Working tree: two more, which give the objective a
    forecast. Returns the repository and the objective's number on each side."""
    root = copy_base(tmp_path / "repo", {"strategy/readings/nrr.yaml": NRR_HEAD})
    commit_all(root, "2026-11-01T10:00:00+00:00", "two readings")
    ctx, m = measured(root)
    before = m.objective(ctx.get("grow-retention")).number
    (root / "strategy/readings/nrr.yaml").write_text(NRR_HEAD + NRR_MORE)
    ctx, m = measured(root)
    after = m.objective(ctx.get("grow-retention")).number
    return root, before, after


def test_new_readings_move_the_objective_number_in_words(readings_repo) -> None:
    root, before, after = readings_repo
    assert after.forecast is not None and before.forecast is None  # the two new readings make the forecast
    expected = (f"objective `grow-retention`: {sentence('Net revenue retention', after, '%')}; "
                f"{was(before, '%')}")
    assert "forecast 112.9% by 2027-06-30, on track" in expected  # to the data's precision, not 112.8593

    text = diff(root, "HEAD").stdout
    assert f"numbers (as of {TODAY}):\n  {expected}\n" in text
    # Ten readings or two: the Readings document is one line.
    assert "readings `nrr-2026`: 2 readings added, 2026-09-01 to 2026-10-01 (latest 106.3)" in text

    markdown = diff(root, "HEAD", "-f", "markdown").stdout
    assert f"### What it does to the numbers (as of {TODAY})\n- {expected}\n" in markdown

    data = diff(root, "HEAD", "-f", "json").json
    assert data["today"] == TODAY
    [number] = data["numbers"]
    assert (number["kind"], number["id"], number["unit"]) == ("objective", "grow-retention", "%")
    assert number["sentences"] == [expected]
    assert number["before"] == progress_data(before) and number["after"] == progress_data(after)
    # Exact numbers: the very floats strat.progress computed (the words round them).
    assert number["after"]["forecast"]["value"] == after.forecast.value
    assert number["after"]["progress"] == after.fraction


def test_check_ins_between_two_commits_move_the_goal_and_its_key_result(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    path = root / "strategy/goals/faster-activation.yaml"
    path.write_text(path.read_text().replace("customer_progress:", KEY_RESULT, 1))
    commit_all(root, "2026-11-01T10:00:00+00:00", "key result")
    ctx, m = measured(root)
    old = m.goal(ctx.get("faster-activation"))
    path.write_text(path.read_text().replace(
        "      - {date: 2026-09-01, value: 950, confidence: 0.6}\n",
        "      - {date: 2026-09-01, value: 950, confidence: 0.6}\n      - {date: 2026-11-01, value: 880}\n")
        + "  - {date: 2026-11-20, value: 0.44, confidence: 0.8}\n")
    commit_all(root, "2026-11-21T10:00:00+00:00", "check-ins")
    ctx, m = measured(root)
    new = m.goal(ctx.get("faster-activation"))
    assert (new.outcome.current, new.key_results[0].progress.current) == (0.44, 880)

    text = diff(root, "HEAD~1", "HEAD").stdout
    goal = (f"goal `faster-activation`: {sentence('Week-one activation rate', new.outcome, 'ratio')}; "
            f"{was(old.outcome, 'ratio')}")
    assert old.key_result_rollup is not None and new.key_result_rollup is not None
    counts = [", ".join(f"{n} {s.replace('-', ' ')}" for s, n in r.counts.items())
              for r in (new.key_result_rollup, old.key_result_rollup)]
    assert counts == ["1 at risk", "1 off track"]
    rollup = (f"its key results now {new.key_result_rollup.percent}% of the way ({counts[0]}), "
              f"was {old.key_result_rollup.percent}% of the way ({counts[1]})")
    kr = (f"goal `faster-activation`: key result {sentence('Setup tickets per month', new.key_results[0].progress, 'count')}; "
          f"{was(old.key_results[0].progress, 'count')}")
    assert f"  {goal}; {rollup}\n  {kr}\n" in text
    data = diff(root, "HEAD~1", "HEAD", "-f", "json").json
    [number] = [n for n in data["numbers"] if n["id"] == "faster-activation"]
    assert number["after"] == progress_data(new.outcome) and number["before"] == progress_data(old.outcome)
    assert number["kr_rollup"]["after"]["progress"] == new.key_result_rollup.fraction
    assert [k["after"] for k in number["key_results"]] == [progress_data(new.key_results[0].progress)]


def test_both_sides_are_measured_on_the_day_given(readings_repo) -> None:
    root, _, _ = readings_repo
    # On 2026-08-15 the new readings (September, October) lie in the future on both sides:
    # no number moves, so the diff lists the readings and says nothing about numbers.
    early = diff(root, "HEAD", today="2026-08-15")
    assert "numbers (as of" not in early.stdout and "2 readings added" in early.stdout
    assert diff(root, "HEAD", "-f", "json", today="2026-08-15").json["numbers"] == []
    # On 2026-09-15 one of them counts, and the words are the ones of that day.
    ctx, m = measured(root, "2026-09-15")
    after = m.objective(ctx.get("grow-retention")).number
    assert after.current == 105.5
    assert f"objective `grow-retention`: {sentence('Net revenue retention', after, '%')}; was 105%" in \
        diff(root, "HEAD", today="2026-09-15").stdout


def test_a_change_that_moves_no_number_says_nothing_about_numbers(readings_repo) -> None:
    root, _, _ = readings_repo
    commit_all(root, "2026-11-02T10:00:00+00:00", "more readings")
    goal = root / "strategy/objectives/grow-retention.yaml"
    goal.write_text(goal.read_text().replace("why: Expansion revenue is our cheapest growth.",
                                             "why: Expansion revenue is still our cheapest growth."))
    result = diff(root, "HEAD")
    assert "objective `grow-retention`: why" in result.stdout and "numbers (as of" not in result.stdout
    assert "What it does to the numbers" not in diff(root, "HEAD", "-f", "markdown").stdout
    assert diff(root, "HEAD", "-f", "json").json["numbers"] == []


def test_a_new_target_moves_the_number_without_new_readings(readings_repo) -> None:
    root, _, _ = readings_repo
    commit_all(root, "2026-11-02T10:00:00+00:00", "more readings")
    ctx, m = measured(root)
    before = m.objective(ctx.get("grow-retention")).number
    path = root / "strategy/objectives/grow-retention.yaml"
    path.write_text(path.read_text().replace("target: 112", "target: 120"))
    ctx, m = measured(root)
    after = m.objective(ctx.get("grow-retention")).number
    assert after.status != before.status
    text = diff(root, "HEAD").stdout
    assert f"objective `grow-retention`: {sentence('Net revenue retention', after, '%')}; " in text
    assert "120%" in text and "target 112 → 120" in text


@pytest.mark.parametrize("name", [
    "ARR \x1b[2J\x1b[31m red",
    "ARR\n::warning::injected",
    "ARR <img src=x onerror=alert(1)> `x` | y",
    "ARR \u202eRLO",
])
def test_metric_names_in_the_number_sentences_are_inert(readings_repo, name: str) -> None:
    root, _, _ = readings_repo
    metric = root / "strategy/metrics/net-revenue-retention.yaml"
    text = metric.read_text()
    lines = [line for line in text.splitlines() if not line.startswith("name:")]
    import json
    metric.write_text("\n".join(lines) + f"\nname: {json.dumps(name)}\n")
    out = diff(root, "HEAD").stdout
    assert "numbers (as of" in out
    assert "\x1b" not in out and "\u202e" not in out and "\n::warning" not in out
    markdown = diff(root, "HEAD", "-f", "markdown").stdout
    assert "<img" not in markdown and "\x1b" not in markdown and "\n::warning" not in markdown
    [number] = diff(root, "HEAD", "-f", "json").json["numbers"]
    assert number["label"] == name  # JSON carries the name as data


def test_a_key_result_check_in_is_said_in_words(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    path = root / "strategy/goals/faster-activation.yaml"
    path.write_text(path.read_text().replace("customer_progress:", KEY_RESULT, 1))
    commit_all(root, "2026-11-01T10:00:00+00:00", "key result")
    path.write_text(path.read_text().replace("value: 950, confidence: 0.6}\n",
                                             "value: 950, confidence: 0.6}\n      - {date: 2026-11-01, value: 880}\n"))
    text = diff(root, "HEAD").stdout
    assert "goal `faster-activation`: key result on `setup-tickets`: check-in 2026-11-01 (880) added" in text


def test_numbers_and_lint_are_compared_unless_turned_off(readings_repo) -> None:
    root, _, _ = readings_repo
    auto = diff(root, "HEAD", "-f", "json").json
    assert auto["numbers_compared"] is True and [n["id"] for n in auto["numbers"]] == ["grow-retention"]
    assert auto["lint"]["compared"] is True and auto["notes"] == []
    alone = diff(root, "HEAD", "-f", "json", "--numbers", "--no-lint").json
    assert alone["numbers"] == auto["numbers"]
    assert alone["lint"]["compared"] is False  # measured without linting both sides
    off = diff(root, "HEAD", "-f", "json", "--no-numbers", "--lint").json
    assert off["numbers"] == [] and off["lint"]["compared"] is True and off["notes"] == []


def test_tree_and_diff_agree_to_the_digit(readings_repo) -> None:
    root, _, after = readings_repo
    tree = run_cli(["tree", "grow-retention", "-f", "json", "--today", TODAY], cwd=root)
    tree_text = run_cli(["tree", "grow-retention", "--today", TODAY], cwd=root).stdout
    [number] = diff(root, "HEAD", "-f", "json").json["numbers"]
    assert tree.json["number"] == number["after"] == progress_data(after)
    shown = f"forecast {number['after']['forecast']['shown']:g}%"
    assert shown == "forecast 112.9%"
    assert f"· {shown} ·" in tree_text and f"; {shown} by 2027-06-30" in diff(root, "HEAD").stdout


def test_a_restated_reading_is_said_on_its_own_and_moves_the_number(readings_repo) -> None:
    root, _, _ = readings_repo
    commit_all(root, "2026-11-02T10:00:00+00:00", "more readings")
    path = root / "strategy/readings/nrr.yaml"
    path.write_text(path.read_text().replace("value: 106.3}", "value: 106.8}"))
    ctx, m = measured(root)
    after = m.objective(ctx.get("grow-retention")).number
    text = diff(root, "HEAD").stdout
    assert "readings `nrr-2026`: reading 2026-10-01 restated: 106.3 → 106.8" in text
    assert "readings added" not in text
    assert f"objective `grow-retention`: {sentence('Net revenue retention', after, '%')}; was 106.3%" in text


def test_new_readings_and_first_check_ins_are_summed_up_in_one_line(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    path = root / "strategy/goals/faster-activation.yaml"
    path.write_text(path.read_text().replace("customer_progress:", "key_results:\n  - metric: setup-tickets\n"
                                             "    baseline: 1000\n    target: 800\ncustomer_progress:", 1))
    commit_all(root, "2026-11-01T10:00:00+00:00", "key result")
    (root / "strategy/readings").mkdir()
    (root / "strategy/readings/nrr.yaml").write_text(NRR_HEAD + NRR_MORE)
    path.write_text(path.read_text().replace("    target: 800\n", "    target: 800\n    checkins:\n"
                                             "      - {date: 2026-09-01, value: 950}\n"
                                             "      - {date: 2026-10-01, value: 1200.5}\n"))
    objective = root / "strategy/objectives/grow-retention.yaml"
    objective.write_text(objective.read_text() + "checkins:\n  - {date: 2026-10-02, value: 106, confidence: 0.7}\n")
    text = diff(root, "HEAD").stdout
    assert ("new readings `nrr-2026` of metric `net-revenue-retention`: 4 readings, 2026-07-01 to 2026-10-01 "
            "(latest 106.3)") in text
    assert "objective `grow-retention`: 1 check-in added, 2026-10-02 (latest 106)" in text
    assert ("goal `faster-activation`: key result on `setup-tickets`: 2 check-ins added, 2026-09-01 to 2026-10-01 "
            "(latest 1,200.5)") in text
    assert "{date:" not in text  # never the items written out


def test_the_example_strategys_arr_readings_in_words(tmp_path: Path) -> None:
    """The sentence of issue 11, on the example company: its ARR readings added to a
    strategy that had none."""
    import shutil

    example = Path(__file__).resolve().parents[1] / "strategy"
    root = tmp_path / "repo"
    shutil.copytree(example, root / "strategy")
    (root / "strat.yaml").write_text("")
    arr = {name: (root / "strategy/readings" / name).read_text() for name in ("arr-2025.yaml", "arr-2026.yaml")}
    for name in arr:
        (root / "strategy/readings" / name).unlink()
    import subprocess
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    commit_all(root, "2026-12-01T10:00:00+00:00", "no ARR readings")
    for name, text in arr.items():
        (root / "strategy/readings" / name).write_text(text)
    ctx, m = measured(root, "2026-12-07")
    number = m.objective(ctx.get("grow-new-business")).number
    words = sentence("Annual recurring revenue", number, "USD")
    assert words == ("Annual recurring revenue now USD 44.1M, 16% of the way to USD 58M; forecast USD 52.3M "
                     "by 2027-12-31, off track")
    text = diff(root, "HEAD", today="2026-12-07").stdout
    assert f"  objective `grow-new-business`: {words}; was no value, no data\n" in text
