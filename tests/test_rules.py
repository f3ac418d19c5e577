"""The alignment rules as a whole: registry, documentation, cases as data, and the
command-line switches that select them. Per-rule behaviour is in tests/cases/lint/a3*."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import helpers
import test_cases
from strat.codes import all_codes
from strat.diagnostics import Severity
from strat.rules import RULES

SPEC_DEFAULTS = {
    "A301": "error", "A302": "error", "A303": "error", "A304": "warning", "A305": "warning",
    "A306": "error", "A307": "error", "A308": "warning", "A309": "warning", "A310": "warning",
    "A311": "warning", "A312": "info",
    # Version 2: measuring (R205 is a rule module too: it judges the data of Readings documents)
    "A313": "warning", "A314": "warning", "A315": "warning", "R205": "error",
    # Issue 15: a hand-kept `current` that the latest check-in contradicts (strat lint --fix)
    "A316": "warning",
}


def test_registry_matches_the_spec() -> None:
    assert {code: m.SEVERITY.value for code, m in RULES.items()} == SPEC_DEFAULTS
    for code, module in RULES.items():
        assert module.CODE == code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", module.NAME), module.NAME


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_doc_has_four_parts(code: str) -> None:
    doc = RULES[code].__doc__ or ""
    positions = [doc.find(h) for h in ("## What it checks", "## Why it matters", "## Fails", "## Passes")]
    assert all(p > 0 for p in positions), f"{code} doc lacks a section"
    assert positions == sorted(positions), f"{code} doc sections out of order"
    assert "```yaml" in doc[positions[2]:], f"{code} has no YAML example"


def test_every_code_has_documentation() -> None:
    codes = all_codes()
    for code in [f"E00{i}" for i in range(1, 7)] + [f"S10{i}" for i in range(1, 5)] + \
            [f"R20{i}" for i in range(1, 6)] + list(SPEC_DEFAULTS):
        assert code in codes, code
        assert "## What it checks" in codes[code].doc and "## Why it matters" in codes[code].doc, code


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_failing_and_a_passing_case(code: str) -> None:
    names = {p.name for p in test_cases.case_dirs()}
    fail, passing = f"{code.lower()}-fail", f"{code.lower()}-pass"
    assert fail in names and passing in names
    expected, exit_code = test_cases.read_expected(test_cases.CASE_ROOT / fail)
    assert {c for _, _, c in expected} == {code}
    assert test_cases.read_expected(test_cases.CASE_ROOT / passing) == (set(), 0)


def test_every_rule_fires_exactly_once_in_the_showcase(tmp_path: Path) -> None:
    root = test_cases.build_case(test_cases.CASE_ROOT / "every-rule-fires-once", tmp_path / "repo")
    codes = helpers.lint_json(root).codes()
    assert sorted(codes) == sorted(RULES)


def test_example_strategy_has_no_error_and_only_the_planted_warnings() -> None:
    """The example lints with no error under every rule; its two warnings are planted (and
    the README says so) so that the measuring rules show on the example site: a breached
    guardrail (A313) and a metric whose readings stopped (A314)."""
    repo = Path(__file__).resolve().parents[1]
    result = helpers.run_cli(["lint", str(repo / "strategy"), "--format", "json", "--today", helpers.TODAY,
                              "--select", "ALL"])
    assert result.exit_code == 0, result.stdout
    assert sorted((d["path"], d["line"], d["code"], d["severity"]) for d in result.diagnostics) == [
        ("strategy/metrics/support-csat.yaml", 3, "A314", "warning"),
        ("strategy/objectives/expand-and-retain.yaml", 23, "A313", "warning"),
    ]
    messages = {d["code"]: d["message"] for d in result.diagnostics}
    assert "`gross-margin`" in messages["A313"] and "`support-csat`" in messages["A314"]
    assert result.json["summary"]["documents"] >= 40


def _showcase(tmp_path: Path) -> Path:
    return test_cases.build_case(test_cases.CASE_ROOT / "every-rule-fires-once", tmp_path / "repo")


def test_select_limits_to_prefix(tmp_path: Path) -> None:
    root = _showcase(tmp_path)
    assert sorted(helpers.lint_json(root, "--select", "A30").codes()) == [f"A30{i}" for i in range(1, 10)]
    assert helpers.lint_json(root, "--select", "A312").codes() == ["A312"]


def test_ignore_drops_codes_and_changes_the_exit(tmp_path: Path) -> None:
    root = _showcase(tmp_path)
    errors = [c for c, s in SPEC_DEFAULTS.items() if s == "error"]
    result = helpers.lint_json(root, "--ignore", ",".join(errors))
    assert result.exit_code == 0
    assert sorted(result.codes()) == sorted(c for c in SPEC_DEFAULTS if c not in errors)
    assert helpers.lint_json(root, "--ignore", ",".join(errors), "--strict").exit_code == 1


def test_unknown_select_is_a_usage_error(tmp_path: Path) -> None:
    root = _showcase(tmp_path)
    result = helpers.lint_json(root, "--select", "Z9")
    assert result.exit_code == 2
    assert "Z9" in result.stderr


def test_max_links_from_config(tmp_path: Path) -> None:
    case = test_cases.CASE_ROOT / "a301-fail"
    root = test_cases.build_case(case, tmp_path / "repo")
    assert helpers.lint_json(root).codes() == ["A301"]
    (root / "strat.yaml").write_text("max_links: 2\n")
    assert helpers.lint_json(root).codes() == []


def test_stale_after_days_from_config(tmp_path: Path) -> None:
    root = test_cases.build_case(test_cases.CASE_ROOT / "a311-fail", tmp_path / "repo")
    assert helpers.lint_json(root).codes() == ["A311"]
    (root / "strat.yaml").write_text("stale_after_days: 90\n")
    assert helpers.lint_json(root).codes() == []


def test_invalid_config_is_reported_with_its_line(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", config="max_links: 1\nrules:\n  A304: loud\n")
    result = helpers.lint_json(root)
    assert result.exit_code == 1
    [finding] = result.diagnostics
    assert (finding["path"], finding["line"]) == ("strat.yaml", 3)
    assert "loud" in finding["message"]


def test_a301_message_shows_chain_and_length(tmp_path: Path) -> None:
    root = test_cases.build_case(test_cases.CASE_ROOT / "a301-fail", tmp_path / "repo")
    [d] = helpers.lint_json(root).diagnostics
    assert d["message"].startswith("eve-experiments → faster-activation → grow-retention is 2 links")


@pytest.mark.parametrize(("case", "code", "says"), [
    ("a313-fail", "A313", ["`support-cost`", "`grow-retention`", "EUR 1.05M on 2026-11-16", "above its max of EUR 1M"]),
    ("a314-fail", "A314", ["`support-cost`", "2026-10-05, 49 days ago", "`stale_data_days`, 14"]),
    ("a315-fail", "A315", ["`spring-activation`", "146 days after", "`status: done`",
                                "close the period with `strat close 2026-h1` (it scores each goal"]),
    ("r205-fail", "R205", ["2026-11-09", "EUR 950k here and EUR 955k at strategy/readings/support-cost-2026.yaml:6"]),
])
def test_measuring_rules_say_what_and_what_to_do(case: str, code: str, says: list[str], tmp_path: Path) -> None:
    """A finding of each measuring rule's fail case names the metric or goal, the value
    with its date, the bound or setting, and the fix (A315: `strat close PERIOD`, or set
    `status` by hand)."""
    root = test_cases.build_case(test_cases.CASE_ROOT / case, tmp_path / "repo")
    [message] = [d["message"] for d in helpers.lint_json(root).diagnostics
                 if d["code"] == code and says[0] in d["message"]]
    for part in says:
        assert part in message, message


def test_a301_on_a_long_chain_is_linear_and_reports_each_goal(tmp_path: Path) -> None:
    goals = []
    for i in range(3000):
        parent = "grow-retention" if i == 0 else f"chain-{i - 1}"
        goals.append(f"kind: Goal\nid: chain-{i}\ntitle: Link {i}\nowner: cwu\nteam: onboarding\nparent: {parent}\n"
                     "period: 2026-h2\ncustomer_progress: x\noutcome: {metric: activation-rate, baseline: 0.3, "
                     "target: 0.4}\nimpact: {annual: 1, currency: EUR, basis: x}\n")
    root = helpers.copy_base(tmp_path / "repo", {"strategy/goals/chain.yaml": "---\n".join(goals)})
    result = helpers.lint_json(root)
    codes = result.codes()
    assert codes.count("A301") == 2999
    deepest = [d for d in result.diagnostics if "chain-2999 →" in d["message"]]
    assert deepest and "is 3000 links" in deepest[0]["message"]


def test_rules_skip_entities_with_broken_references(tmp_path: Path) -> None:
    goal = ("kind: Goal\nid: broken\ntitle: x\nowner: cwu\nteam: onboarding\nparent: grow-retention\nperiod: 2026-h2\n"
            "outcome: {metric: no-such-metric, baseline: 1, target: 1}\n")
    root = helpers.copy_base(tmp_path / "repo", {"strategy/goals/broken.yaml": goal})
    assert helpers.lint_json(root).codes() == ["R201"]


def test_explain_prints_the_rule_doc() -> None:
    result = helpers.run_cli(["explain", "a302"])
    assert result.exit_code == 0
    assert "A302 joint-goal-missing (default: error)" in result.stdout
    assert "## Why it matters" in result.stdout
    assert helpers.run_cli(["explain", "A399"]).exit_code == 2


def test_rules_lists_every_code() -> None:
    result = helpers.run_cli(["rules", "--format", "json"])
    listed = {r["code"]: r for r in result.json}
    assert set(SPEC_DEFAULTS) <= set(listed)
    assert listed["A312"]["severity"] == Severity.INFO.value
    assert listed["A301"]["name"] == "one-link"


def test_include_and_exclude_globs_from_config(tmp_path: Path) -> None:
    root = test_cases.build_case(test_cases.CASE_ROOT / "every-rule-fires-once", tmp_path / "repo")
    all_codes_ = helpers.lint_json(root).codes()
    (root / "strat.yaml").write_text('exclude: ["goals/eve-*.yaml", "**/late.yaml"]\n')
    codes = helpers.lint_json(root).codes()
    assert sorted(set(all_codes_) - set(codes)) == ["A301", "A309"]
    (root / "strat.yaml").write_text('include: ["*.yaml", "people/**", "departments/*", "teams/*", "metrics/*",'
                                     ' "objectives/*", "plans/*", "decisions/*", "initiatives/*", "goals/quiet-*"]\n')
    result = helpers.lint_json(root)
    assert "A312" in result.codes() and "A301" not in result.codes()
    assert all("goals/" not in d["path"] or "quiet-goal" in d["path"] for d in result.diagnostics)


_OBJECTIVE = ("kind: Objective\nid: grow-retention\ntitle: x\nowner: asmith\nmetric: net-revenue-retention\n"
              "baseline: 104\ntarget: 112\ndue: 2027-06-30\nwhy: x\nhealth:\n")
_GOAL = ("kind: Goal\nid: odd-goal\ntitle: x\nowner: cwu\nteam: onboarding\nparent: grow-retention\n"
         "outcome: {metric: activation-rate, baseline: 0.3, target: 0.4}\ncustomer_progress: x\n"
         "impact: {annual: 1, currency: EUR, basis: x}\n")
HOSTILE_MEASURING = {
    "values-not-a-list": {"strategy/readings/r.yaml": "kind: Readings\nid: r\nmetric: support-cost\nvalues: 5\n"},
    "values-mapping": {"strategy/readings/r.yaml": "kind: Readings\nid: r\nmetric: support-cost\nvalues: {a: 1}\n"},
    "entries-not-mappings": {"strategy/readings/r.yaml":
                             "kind: Readings\nid: r\nmetric: support-cost\nvalues: [1, x, [2], ~]\n"},
    "odd-values": {"strategy/readings/r.yaml": "kind: Readings\nid: r\nmetric: support-cost\nvalues:\n"
                   "  - {date: 2026-11-09, value: true}\n  - {date: 2026-11-09, value: .nan}\n"
                   "  - {date: 2026-11-09, value: .inf}\n  - {date: 2026-11-09, value: 1e400}\n"
                   "  - {date: 2026-11-09, value: '5'}\n  - {date: 2026-11-09, value: 99999999999999999999999999}\n"},
    "odd-dates": {"strategy/readings/r.yaml": "kind: Readings\nid: r\nmetric: support-cost\nvalues:\n"
                  "  - {date: 2026-02-30, value: 1}\n  - {date: 0001-01-01, value: 2}\n"
                  "  - {date: 9999-12-31, value: 3}\n  - {date: 2026-11-09T10:00:00, value: 4}\n"
                  "  - {date: [2026-11-09], value: 5}\n  - {date: 20261109, value: 6}\n"},
    "metric-not-a-string": {"strategy/readings/r.yaml":
                            "kind: Readings\nid: r\nmetric: [support-cost]\nvalues:\n  - {date: 2026-11-09, value: 1}\n"},
    "metric-unknown": {"strategy/readings/r.yaml":
                       "kind: Readings\nid: r\nmetric: no-such\nvalues:\n  - {date: 2026-11-09, value: 1}\n"
                       "  - {date: 2026-11-09, value: 2}\n"},
    "health-odd-entries": {"strategy/objectives/grow-retention.yaml": _OBJECTIVE +
                           "  - 5\n  - {metric: [x], max: 1}\n  - {metric: support-cost, min: '1', max: .inf}\n"
                           "  - {metric: support-cost, min: .nan}\n  - {metric: no-such, max: 1}\n",
                           "strategy/readings/r.yaml": "kind: Readings\nid: r\nmetric: support-cost\nvalues:\n"
                           "  - {date: 2026-11-20, value: 5}\n"},
    "health-not-a-list": {"strategy/objectives/grow-retention.yaml": _OBJECTIVE.replace("health:\n", "health: x\n")},
    "goal-odd-period-and-status": {"strategy/goals/odd.yaml": _GOAL + "period: [2026-h1]\nstatus: {a: 1}\n---\n" +
                                   _GOAL.replace("odd-goal", "odd-goal-2") + "period: 2099-h9\nstatus: [active]\n"},
    "metric-odd-query": {"strategy/metrics/setup-tickets.yaml":
                         "kind: Metric\nid: setup-tickets\nname: x\nunit: count\ntype: leading\nbetter: down\n"
                         "owner: bjones\nquery: 5\n"},
    "thresholds-odd": {"strat.yaml": "stale_data_days: true\nclose_after_days: 1e400\nforecast_at_risk: .nan\n"},
}


@pytest.mark.parametrize("name", sorted(HOSTILE_MEASURING))
def test_measuring_rules_never_crash_on_hostile_input(name: str, tmp_path: Path) -> None:
    """Readings, guardrails, periods and thresholds of every wrong shape: findings with a
    file and line (exit 0 or 1), never an internal error."""
    files = dict(HOSTILE_MEASURING[name])
    config = files.pop("strat.yaml", "")
    root = helpers.copy_base(tmp_path / "repo", files, config=config)
    result = helpers.lint_json(root, "--select", "ALL")
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert all(d["path"] and d["line"] >= 1 for d in result.diagnostics), result.diagnostics


def test_measuring_rules_on_extreme_values_that_pass_the_schema(tmp_path: Path) -> None:
    """The largest floats, a huge integer and the first and last dates a date can have are
    valid readings: the rules judge them and say so in words (no overflow, no crash)."""
    readings = ("kind: Readings\nid: r\nmetric: support-cost\nvalues:\n"
                "  - {date: 0001-01-01, value: 1.7976931348623157e308}\n"
                "  - {date: 0001-01-01, value: -1.7976931348623157e308}\n"
                "  - {date: 9999-12-31, value: 99999999999999999999999999}\n")
    objective = _OBJECTIVE + "  - {metric: support-cost, min: -1.7976931348623157e307}\n"
    root = helpers.copy_base(tmp_path / "repo", {"strategy/readings/r.yaml": readings,
                                                  "strategy/objectives/grow-retention.yaml": objective})
    result = helpers.lint_json(root)
    assert sorted((d["path"], d["line"], d["code"]) for d in result.diagnostics) == [
        ("strategy/metrics/support-cost.yaml", 2, "A314"),
        ("strategy/objectives/grow-retention.yaml", 11, "A313"),
        ("strategy/readings/r.yaml", 6, "R205"),
    ], result.stdout
    assert result.exit_code == 1
    assert all("inf" not in d["message"].lower().split() for d in result.diagnostics)


R205_FILES = {  # several metrics and files: only real conflicts are reported, in file order
    "strategy/readings/a.yaml": "kind: Readings\nid: a\nmetric: support-cost\nvalues:\n"
                                "  - {date: 2026-11-02, value: 1}\n  - {date: 2026-11-03, value: 2}\n",
    "strategy/readings/b.yaml": "kind: Readings\nid: b\nmetric: activation-rate\nvalues:\n"
                                "  - {date: 2026-11-02, value: 5}\n  - {date: 2026-11-02, value: 5}\n",
    "strategy/readings/c.yaml": "kind: Readings\nid: c\nmetric: support-cost\nvalues:\n"
                                "  - {date: 2026-11-04, value: 3}\n  - {date: 2026-11-03, value: 9}\n",
    "strategy/readings/d.yaml": "kind: Readings\nid: d\nmetric: activation-rate\nvalues:\n"
                                "  - {date: 2026-11-03, value: 5}\n  - {date: 2026-11-02, value: 6}\n",
}


def test_r205_across_metrics_and_files(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", R205_FILES)
    result = helpers.lint_json(root)
    found = [(d["path"], d["line"], d["message"]) for d in result.diagnostics if d["code"] == "R205"]
    assert [(p, line) for p, line, _ in found] == [("strategy/readings/c.yaml", 6), ("strategy/readings/d.yaml", 6)]
    assert "at strategy/readings/a.yaml:6" in found[0][2] and "at strategy/readings/b.yaml:5" in found[1][2]


def test_a_rule_context_and_its_model_are_let_go_after_use() -> None:
    """The per-run caches live in the context: once a run drops it, the context and the
    model it holds can be freed (class-level method caches kept every one of them for the
    life of the process, which a long site build paid in memory)."""
    import gc
    import weakref

    from strat.lint import LintOptions, check
    from strat.load import load_tree
    from strat.rules.context import RuleContext

    model = check(load_tree(helpers.BASE, helpers.BASE / "strategy"), None, LintOptions(use_git=False)).model
    assert model is not None
    ctx = RuleContext(model)
    metric = ctx.entities("Metric")[0].id
    assert ctx.entities("Goal") and ctx.drivers_of(metric) and ctx.driven_from(metric)
    assert ctx.entities("Goal") is ctx.entities("Goal")  # still computed once per run
    gone = weakref.ref(ctx)
    del ctx
    gc.collect()
    assert gone() is None
