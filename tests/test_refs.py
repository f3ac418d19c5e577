"""strat.model and strat.refs: the id index (R202, S105) and reference checks
(R201, R203, R204) over a whole repository."""

from __future__ import annotations

from pathlib import Path

import pytest

import helpers
from strat.diagnostics import Diagnostic
from strat.load import load_tree
from strat.model import Model, build_model, field_values, references
from strat.refs import check_references
from strat.validate import validate_documents

BASE_GOAL = (helpers.BASE / "strategy/goals/fewer-setup-tickets.yaml").read_text()
BASE_DEFLECTION = (helpers.BASE / "strategy/goals/support-deflection.yaml").read_text()


def analyse(root: Path) -> tuple[Model, list[Diagnostic]]:
    loaded = load_tree(root, root / "strategy")
    assert loaded.diagnostics == []
    documents, schema = validate_documents(loaded.documents)
    model, index = build_model(documents)
    return model, schema + index + check_references(model)


@pytest.fixture
def analyse_base(tmp_path: Path):
    counter = iter(range(1000))

    def run(files: dict[str, str]) -> tuple[Model, list[Diagnostic]]:
        return analyse(helpers.copy_base(tmp_path / f"r{next(counter)}", files))

    return run


def test_base_model(tmp_path: Path) -> None:
    model, diagnostics = analyse(helpers.copy_base(tmp_path / "r"))
    assert diagnostics == []
    assert model.strategy is not None and model.strategy.id == "ledgerly-strategy"
    assert set(model.values) == {"customer-first", "candour", "frugality"}
    assert model.values["candour"] == ("values", 1, "id")
    assert {p.id: (p.start, p.end) for p in model.periods.values()} == {
        "2026-h2": ("2026-07-01", "2026-12-31"), "2027-h1": ("2027-01-01", "2027-06-30")}
    assert sorted(d.id for d in model.of_kind("Goal")) == [
        "faster-activation", "fewer-setup-tickets", "support-deflection"]
    assert model.get("cwu", "Person") is not None
    assert model.get("cwu", "Team") is None
    assert model.get(["not", "hashable"]) is None
    assert set(model.namespace("Department")) == {"product", "support"}
    assert model.unresolved == set()


def test_references_are_read_from_the_schemas(tmp_path: Path) -> None:
    model, _ = analyse(helpers.copy_base(tmp_path / "r"))
    goal = model.by_id["faster-activation"]
    refs = {(path, ident): targets for path, ident, targets in references(goal)}
    assert refs[(("parent",), "grow-retention")] == ("Objective", "Goal")
    assert refs[(("team",), "onboarding")] == ("Team",)
    assert refs[(("period",), "2026-h2")] == ("period",)
    assert refs[(("joint", 0, "owner"), "bjones")] == ("Person",)
    assert refs[(("checkins", 0, "by"), "cwu")] == ("Person",)
    assert refs[(("outcome", "metric"), "activation-rate")] == ("Metric",)
    decision = model.by_id["no-card-trial"]
    assert {(p, i) for p, i, _ in references(decision)} >= {
        (("values", 0), "customer-first"), (("values", 1), "candour"), (("supersedes",), "card-required-trial")}


def test_field_values_walks_lists() -> None:
    data = {"drives": [{"metric": "a"}, {"metric": "b"}, "junk", {"other": 1}]}
    assert list(field_values(data, ("drives", "*", "metric"))) == [
        (("drives", 0, "metric"), "a"), (("drives", 1, "metric"), "b")]
    assert list(field_values({"drives": "not a list"}, ("drives", "*", "metric"))) == []
    assert list(field_values({}, ("parent",))) == []


def test_r201_unknown_id_with_did_you_mean(analyse_base) -> None:
    model, [d] = analyse_base({"strategy/goals/fewer-setup-tickets.yaml":
                               BASE_GOAL.replace("team: self-service", "team: self-servce")})
    assert (d.code, d.location.path, d.location.line, d.location.column) == (
        "R201", "strategy/goals/fewer-setup-tickets.yaml", 5, 7)
    assert d.message == ("`team` names `self-servce`, but there is no Team with that id; "
                         "did you mean `self-service`?")
    assert [(r.path, r.line) for r in d.related] == [("strategy/teams/self-service.yaml", 2)]
    assert "fewer-setup-tickets" in model.unresolved


def test_r201_did_you_mean_only_suggests_the_right_kind(analyse_base) -> None:
    # `asmith` is a Person: it must not be suggested for a Team reference
    _, [d] = analyse_base({"strategy/goals/fewer-setup-tickets.yaml":
                           BASE_GOAL.replace("team: self-service", "team: asmit")})
    assert d.code == "R201" and "did you mean" not in d.message and d.related == ()


def test_r201_values_and_periods(analyse_base) -> None:
    decision = ("kind: Decision\nid: x\ntitle: t\ndate: 2026-01-01\nstatus: accepted\n"
                "values: [custmer-first, zzz]\ncontext: c\ndecision: d\n")
    goal = BASE_DEFLECTION.replace("period: 2027-h1", "period: 2027-h2")
    _, found = analyse_base({"strategy/decisions/x.yaml": decision,
                             "strategy/goals/support-deflection.yaml": goal})
    by_path = {(d.location.path, d.location.json_path): d for d in found}
    assert {d.code for d in found} == {"R201"}
    first = by_path[("strategy/decisions/x.yaml", "values[0]")]
    assert "no value of the Strategy with that id; did you mean `customer-first`?" in first.message
    assert "did you mean" not in by_path[("strategy/decisions/x.yaml", "values[1]")].message
    period = by_path[("strategy/goals/support-deflection.yaml", "period")]
    assert "no period of the Strategy" in period.message and "`2027-h1`" in period.message


def test_malformed_ids_are_left_to_the_schema(analyse_base) -> None:
    _, found = analyse_base({"strategy/goals/fewer-setup-tickets.yaml":
                             BASE_GOAL.replace("team: self-service", "team: Self_Service")})
    assert [d.code for d in found] == ["S104"]


def test_r202_duplicate_id_across_kinds_names_both_places(analyse_base) -> None:
    initiative = ("kind: Initiative\nid: support-deflection\ntitle: t\ngoal: support-deflection\n"
                  "owner: bjones\nstatus: proposed\nhypothesis: h\nkill_criteria: k\n")
    model, [d] = analyse_base({"strategy/initiatives/support-deflection.yaml": initiative})
    assert d.code == "R202"
    assert (d.location.path, d.location.line, d.location.column) == (
        "strategy/initiatives/support-deflection.yaml", 2, 5)
    assert [(r.path, r.line, r.column) for r in d.related] == [("strategy/goals/support-deflection.yaml", 2, 5)]
    assert "already used by the Goal at strategy/goals/support-deflection.yaml:2:5" in d.message
    assert model.by_id["support-deflection"].kind == "Goal"  # the first definition wins


def test_r202_within_one_file() -> None:
    from strat.load import parse_bytes

    source, _ = parse_bytes(b"kind: Person\nid: a\nname: A\n---\nkind: Person\nid: a\nname: B\n", "p.yaml")
    assert source is not None
    _, found = build_model(source.documents)
    assert sorted(x.code for x in found) == ["R202", "S105"]  # and no Strategy in this file
    [d] = [x for x in found if x.code == "R202"]
    assert d.code == "R202" and d.location.line == 6 and d.related[0].line == 2


def test_r202_duplicate_value_id_in_the_strategy(analyse_base) -> None:
    strategy = (helpers.BASE / "strategy/strategy.yaml").read_text().replace(
        "  - id: frugality\n", "  - id: candour\n")
    _, found = analyse_base({"strategy/strategy.yaml": strategy})
    [dup] = [d for d in found if d.code == "R202"]
    assert dup.location.json_path == "values[2].id"
    assert dup.location.line == 14
    assert [(r.line, r.json_path) for r in dup.related] == [(11, "values[1].id")]
    # the decision citing `frugality` now names a value that does not exist
    assert {d.code for d in found} == {"R202", "R201"}


def test_r202_duplicate_period_id_names_the_first_period(analyse_base) -> None:
    strategy = (helpers.BASE / "strategy/strategy.yaml").read_text().replace(
        "review_cadence: monthly\n",
        "  - id: 2027-h1\n    start: 2027-01-01\n    end: 2027-06-30\nreview_cadence: monthly\n")
    _, found = analyse_base({"strategy/strategy.yaml": strategy})
    [dup] = found
    assert dup.code == "R202"
    assert (dup.location.line, dup.location.json_path) == (24, "periods[2].id")
    # both places named: the related location is the first definition of `2027-h1` (line 21),
    # as it is for a duplicate value id, not the start of the `periods` list (line 18)
    assert [(r.line, r.json_path) for r in dup.related] == [(21, "periods[1].id")]


def test_r203_wrong_kind(analyse_base) -> None:
    model, [d] = analyse_base({"strategy/goals/support-deflection.yaml":
                               BASE_DEFLECTION.replace("parent: cut-support-cost", "parent: support-cost")})
    assert (d.code, d.location.line, d.location.column) == ("R203", 6, 9)
    assert d.message == ("`parent` must name an Objective or Goal, but `support-cost` is a Metric "
                         "(strategy/metrics/support-cost.yaml:2:5); a goal is measured by a metric "
                         "(`outcome.metric`) and aligns to the objective it serves: set `parent` to that "
                         "objective's id")
    assert [(r.path, r.line) for r in d.related] == [("strategy/metrics/support-cost.yaml", 2)]
    assert "support-deflection" in model.unresolved


def test_r204_goal_parent_cycle(analyse_base) -> None:
    model, [d] = analyse_base({
        "strategy/goals/fewer-setup-tickets.yaml":
            BASE_GOAL.replace("parent: cut-support-cost", "parent: support-deflection"),
        "strategy/goals/support-deflection.yaml":
            BASE_DEFLECTION.replace("parent: cut-support-cost", "parent: fewer-setup-tickets"),
    })
    assert d.code == "R204"
    assert (d.location.path, d.location.line) == ("strategy/goals/fewer-setup-tickets.yaml", 6)
    assert "goals form a cycle in the parent chain: fewer-setup-tickets → support-deflection → " \
           "fewer-setup-tickets" in d.message
    assert [r.path for r in d.related] == ["strategy/goals/support-deflection.yaml"]
    assert {"fewer-setup-tickets", "support-deflection"} <= model.unresolved


def test_r204_self_parent(analyse_base) -> None:
    _, [d] = analyse_base({"strategy/goals/support-deflection.yaml":
                           BASE_DEFLECTION.replace("parent: cut-support-cost", "parent: support-deflection")})
    assert d.code == "R204" and "support-deflection → support-deflection" in d.message


def test_r204_supersedes_cycle(analyse_base) -> None:
    decision = (helpers.BASE / "strategy/decisions/card-required-trial.yaml").read_text() + \
        "supersedes: no-card-trial\n"
    _, [d] = analyse_base({"strategy/decisions/card-required-trial.yaml": decision})
    assert d.code == "R204"
    assert d.location.path == "strategy/decisions/card-required-trial.yaml" and d.location.line == 10
    assert "`supersedes` chain: card-required-trial → no-card-trial → card-required-trial" in d.message


def test_r204_drives_cycle_is_reported_once(analyse_base) -> None:
    metric = (helpers.BASE / "strategy/metrics/paid-invoices-weekly.yaml").read_text() + \
        "drives:\n  - metric: activation-rate\n    hypothesis: word of mouth\n"
    _, [d] = analyse_base({"strategy/metrics/paid-invoices-weekly.yaml": metric})
    assert d.code == "R204"
    assert (d.location.path, d.location.json_path) == ("strategy/metrics/activation-rate.yaml",
                                                        "drives[0].metric")
    assert "metric tree (`drives`): activation-rate → net-revenue-retention → paid-invoices-weekly → " \
           "activation-rate" in d.message


def test_s105_two_strategies(analyse_base) -> None:
    extra = "kind: Strategy\nid: old\ncompany: C\nmission: M\nnorth_star: paid-invoices-weekly\n" \
            "values: [{id: customer-first, name: C}]\n"
    model, [d] = analyse_base({"strategy/zz-strategy.yaml": extra})
    assert (d.code, d.location.path, d.location.line) == ("S105", "strategy/zz-strategy.yaml", 1)
    assert "a second Strategy document" in d.message and "strategy/strategy.yaml:1:1" in d.message
    assert model.strategy is not None and model.strategy.id == "ledgerly-strategy"


def test_s105_no_strategy(tmp_path: Path) -> None:
    root = helpers.make_repo(tmp_path / "r", {"strategy/people.yaml": "kind: Person\nid: a\nname: A\n"})
    model, found = analyse(root)
    assert [(d.code, d.location.path) for d in found] == [("S105", "strategy/people.yaml")]
    assert "no Strategy document" in found[0].message
    assert model.strategy is None


def test_no_documents_no_s105(tmp_path: Path) -> None:
    _, found = analyse(helpers.make_repo(tmp_path / "r"))
    assert found == []


# A Person reference written as what a newcomer knows of the person (first name, last
# name, full name, the email's local part) gets the person's id; a word that fits several
# people names each of them.
PEOPLE_BY_NAME = [
    ("alice", "`asmith` (Alice Smith)"),
    ("smith", "`asmith` (Alice Smith)"),
    ("alice-smith", "`asmith` (Alice Smith)"),
    ("alise", "`asmith` (Alice Smith)"),    # a typo of the first name
    ("bola", "`bjones` (Bola Jones)"),
    ("chen", "`cwu` (Chen Wu)"),
    ("asmit", "`asmith` (Alice Smith)"),    # a typo of the id still works
]


@pytest.mark.parametrize(("typed", "suggested"), PEOPLE_BY_NAME)
def test_r201_person_did_you_mean_by_name_or_email(analyse_base, typed: str, suggested: str) -> None:
    _, [d] = analyse_base({"strategy/goals/fewer-setup-tickets.yaml":
                           BASE_GOAL.replace("owner: bjones", f"owner: {typed}")})
    assert d.code == "R201"
    assert d.message.endswith(f"did you mean {suggested}?"), d.message
    assert len(d.related) == 1


def test_r201_person_name_shared_by_two_people(analyse_base) -> None:
    people = (helpers.BASE / "strategy/people/people.yaml").read_text()
    extra = "---\nkind: Person\nid: awong\nname: Alice Wong\ntitle: Analyst\ndepartment: product\n"
    _, [d] = analyse_base({"strategy/goals/fewer-setup-tickets.yaml":
                           BASE_GOAL.replace("owner: bjones", "owner: alice"),
                           "strategy/people/people.yaml": people + extra})
    assert d.message.endswith("did you mean `asmith` (Alice Smith) or `awong` (Alice Wong)?"), d.message


def test_r201_names_are_not_suggested_for_other_kinds(analyse_base) -> None:
    # `alice` fits a person's name, but `team` names a Team
    _, [d] = analyse_base({"strategy/goals/fewer-setup-tickets.yaml":
                           BASE_GOAL.replace("team: self-service", "team: alice")})
    assert "did you mean" not in d.message
