"""strat.validate: schema findings S101–S104 (and E004), their positions and wording."""

from __future__ import annotations

import pytest

from strat import schemas
from strat.diagnostics import Diagnostic
from strat.load import parse_bytes
from strat.validate import describe, validate_documents

GOAL_OK = """\
kind: Goal
id: g
title: T
owner: o
team: t
parent: x
period: p
outcome: {metric: m, baseline: 1, target: 2}
"""


def check(text: str) -> list[Diagnostic]:
    source, problems = parse_bytes(text.encode(), "strategy/x.yaml")
    assert problems == [] and source is not None
    _, diagnostics = validate_documents(source.documents)
    return diagnostics


def where(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.location.line, d.location.column) for d in diagnostics]


def test_valid_goal_has_no_findings() -> None:
    assert check(GOAL_OK) == []


def test_valid_document_is_marked_valid_and_invalid_one_is_not() -> None:
    source, _ = parse_bytes((GOAL_OK + "---\n" + GOAL_OK.replace("title: T\n", "")).encode(), "x.yaml")
    assert source is not None
    known, diagnostics = validate_documents(source.documents)
    assert len(known) == 2
    assert [getattr(d, "valid", True) for d in known] == [True, False]
    assert [d.code for d in diagnostics] == ["S102"]


def test_every_kind_example_in_the_schemas_is_valid() -> None:
    from strat.load import Document

    for kind in schemas.kinds():
        for example in schemas.schema_for(kind).get("examples", []):
            _, diagnostics = validate_documents([Document("x.yaml", 0, example, (1, 1))])
            assert diagnostics == [], (kind, [d.message for d in diagnostics])


def test_missing_field_is_reported_at_the_mapping() -> None:
    text = "# header\nkind: Person\nid: dora\ntitle: Agent\n"
    [d] = check(text)
    assert where([d]) == [("S102", 2, 1)]
    assert d.message == "person `dora`: missing required field `name`; add `name:`, the person's full name"


def test_missing_nested_field_is_reported_at_the_nested_mapping() -> None:
    [d] = check(GOAL_OK.replace("outcome: {metric: m, baseline: 1, target: 2}",
                                "outcome:\n  metric: m\n  baseline: 1\n"))
    assert where([d]) == [("S102", 9, 3)]
    assert d.message == ("goal `g`: missing required field `outcome.target`; add `target:` under `outcome`, "
                         "where the metric should be by the end of the period")
    assert d.location.json_path == "outcome"


def test_every_missing_required_field_is_named() -> None:
    found = check("kind: Goal\nid: g\n")
    messages = sorted(d.message.split(";")[0] for d in found)  # each then says what to add
    assert messages == sorted([
        "goal `g`: missing required field `title`",
        "goal `g`: missing required field `owner`",
        "goal `g`: missing required field `parent`",
        "goal `g`: missing required field `period`",
        "goal `g`: missing required field `outcome`",
        "goal `g`: needs exactly one of `team`, `department` or `person`",
    ])
    assert {d.code for d in found} == {"S102"}
    assert {(d.location.line, d.location.column) for d in found} == {(1, 1)}


def test_unknown_field_at_its_key_with_did_you_mean() -> None:
    [d] = check(GOAL_OK + "titel: again\n")
    assert where([d]) == [("S103", 9, 1)]
    assert d.message == "goal `g`: unknown field `titel`; did you mean `title`?"
    assert d.location.json_path == "titel"


def test_unknown_nested_field_did_you_mean() -> None:
    line = "outcome: {metric: m, baseline: 1, target: 2, curent: 1}"
    [d] = check(GOAL_OK.replace("outcome: {metric: m, baseline: 1, target: 2}", line))
    assert d.code == "S103"
    assert (d.location.line, d.location.column) == (8, line.index("curent") + 1)
    assert "unknown field `outcome.curent`; did you mean `current`?" in d.message


def test_unknown_field_without_a_close_match_lists_the_allowed_ones() -> None:
    [d] = check(GOAL_OK + "zzqqxx: 1\n")
    assert d.code == "S103"
    assert "allowed here: kind, id, title, owner" in d.message
    assert "`x-` key" in d.message


def test_x_keys_are_free() -> None:
    assert check(GOAL_OK + "x-jira: ONB-1\nx-nested: {any: [thing, 1]}\n") == []
    assert check(GOAL_OK.replace("target: 2}", "target: 2, x-note: fine}")) == []


def test_wrong_type_is_reported_at_the_value() -> None:
    [d] = check(GOAL_OK.replace("baseline: 1", "baseline: high"))
    line = GOAL_OK.replace("baseline: 1", "baseline: high").splitlines()[7]
    assert where([d]) == [("S104", 8, line.index("high") + 1)]
    assert d.message == "goal `g`: `outcome.baseline` must be a number, got 'high'"


def test_percentage_hint() -> None:
    [d] = check(GOAL_OK.replace("baseline: 1", "baseline: 45%"))
    assert d.code == "S104" and "45% as 0.45" in d.message


def test_boolean_surprise_is_explained() -> None:
    [d] = check(GOAL_OK + "status: yes\n")
    assert where([d]) == [("S104", 9, 9)]
    assert "`status` must be one of draft, active, done, dropped, got true" in d.message
    assert "quote it for text" in d.message


def test_impossible_date() -> None:
    text = ("kind: Decision\nid: d\ntitle: T\ndate: 2026-02-30\nstatus: accepted\nvalues: [v]\n"
            "context: c\ndecision: d\n")
    [d] = check(text)
    assert where([d]) == [("S104", 4, 7)]
    assert d.message == "decision `d`: `date` must be a real calendar date written YYYY-MM-DD, got '2026-02-30'"


def test_malformed_date_is_reported_at_the_value() -> None:
    text = ("kind: Decision\nid: d\ntitle: T\ndate: 10/08/2026\nstatus: accepted\nvalues: [v]\n"
            "context: c\ndecision: d\n")
    found = check(text)
    assert found and {(d.code, d.location.line, d.location.column) for d in found} == {("S104", 4, 7)}
    assert any("YYYY-MM-DD" in d.message for d in found)


def test_bad_id() -> None:
    [d] = check("kind: Person\nid: Dora_Diaz\nname: D\n")
    assert where([d]) == [("S104", 2, 5)]
    assert "must be an id: lowercase letters, digits and dashes" in d.message
    assert "'Dora_Diaz'" in d.message
    assert not d.message.startswith("person")  # no subject built from an invalid id


def test_id_of_81_characters_is_too_long() -> None:
    assert check(f"kind: Person\nid: {'a' * 80}\nname: D\n") == []
    [d] = check(f"kind: Person\nid: {'a' * 81}\nname: D\n")
    assert d.code == "S104"


def test_one_of_reduced_both_present() -> None:
    [d] = check(GOAL_OK.replace("team: t\n", "team: t\nperson: p\n"))
    assert d.code == "S104"
    assert d.message == ("goal `g`: has both `team` and `person`; keep exactly one of `team`, "
                         "`department` or `person`")
    assert (d.location.line, d.location.column) == (6, 1)  # at the second key


def test_one_of_reduced_none_present() -> None:
    [d] = check(GOAL_OK.replace("team: t\n", ""))
    assert d.code == "S102"
    assert d.message == "goal `g`: needs exactly one of `team`, `department` or `person`"


def test_any_of_reduced() -> None:
    text = "kind: Objective\nid: o\ntitle: T\nowner: o\nmetric: m\nbaseline: 1\ntarget: 2\n"
    [d] = check(text)
    assert d.code == "S102" and d.message == "objective `o`: needs at least one of `due` or `period`"
    [d] = check(text + "due: 2027-01-01\nhealth:\n  - metric: m\n")
    assert d.code == "S102" and (d.location.line, d.location.column) == (10, 5)
    assert "`health[0]` needs at least one of `min` or `max`" in d.message


def test_enum_minimum_currency_and_empty() -> None:
    found = check("kind: Team\nid: t\nname: ''\ndepartment: d\nlead: l\ncost: {annual: -1, currency: eur}\n")
    assert sorted((d.location.json_path, d.code) for d in found) == [
        ("cost.annual", "S104"), ("cost.currency", "S104"), ("name", "S104")]
    messages = " | ".join(d.message for d in found)
    assert "`cost.annual` must be at least 0, got -1" in messages
    assert "three-letter ISO 4217 currency code" in messages
    assert "`name` must not be empty" in messages


def test_confidence_bounds() -> None:
    text = GOAL_OK + "checkins:\n  - date: 2026-11-15\n    value: 1\n    confidence: 1.5\n"
    [d] = check(text)
    assert (d.code, d.location.line, d.location.json_path) == ("S104", 12, "checkins[0].confidence")
    assert "at most 1, got 1.5" in d.message


def test_unique_items_and_min_items() -> None:
    base = "kind: Decision\nid: d\ntitle: T\ndate: 2026-01-01\nstatus: accepted\ncontext: c\ndecision: d\n"
    [d] = check(base + "values: [a, a]\n")
    assert d.code == "S104" and "lists the same item twice" in d.message
    [d] = check(base + "values: []\n")
    assert d.code == "S104" and "needs at least 1 item(s)" in d.message


def test_unknown_kind_did_you_mean() -> None:
    [d] = check("kind: goal\nid: g\n")
    assert where([d]) == [("S101", 1, 7)]
    assert "unknown kind `goal`; did you mean `Goal`?" in d.message
    [d] = check("kind: Metrc\nid: m\n")
    assert "did you mean `Metric`?" in d.message
    [d] = check("kind: Zebra\nid: z\n")
    assert "kinds are Strategy, Person" in d.message


def test_unknown_kind_not_text() -> None:
    [d] = check("kind: 42\nid: g\n")
    assert d.code == "S101" and "got 42" in d.message


@pytest.mark.parametrize("kind", ["[Goal]", "{name: Goal}", "[]"])
def test_kind_that_is_a_list_or_mapping_is_s101_not_a_crash(kind: str) -> None:
    [d] = check(f"kind: {kind}\nid: g\n")
    assert (d.code, d.location.line, d.location.column) == ("S101", 1, 7)
    assert "`kind` must be one of Strategy" in d.message


def test_unknown_kind_document_is_not_returned() -> None:
    source, _ = parse_bytes(b"kind: Zebra\nid: z\n---\n" + GOAL_OK.encode(), "x.yaml")
    assert source is not None
    known, _ = validate_documents(source.documents)
    assert [d.kind for d in known] == ["Goal"]


@pytest.mark.parametrize("text", ["id: g\nname: x\n", "kind:\nid: g\n", "kind: ~\nid: g\n"])
def test_no_kind_is_e004(text: str) -> None:
    [d] = check(text)
    assert where([d]) == [("E004", 1, 1)]
    assert "has no `kind`" in d.message


def test_describe() -> None:
    assert describe(None) == "nothing (empty)"
    assert describe(True).startswith("true (YAML reads unquoted")
    assert describe("x" * 100) == repr("x" * 57 + "...")
    assert describe({}) == "a mapping"
    assert describe([]) == "a list"
    assert describe(1.5) == "1.5"


def test_a_trailing_newline_is_not_part_of_a_valid_id_date_or_code() -> None:
    # Python's `$` (used by jsonschema) also matches before a final newline.
    text = ('kind: Team\nid: "onboarding\\n"\nname: N\ndepartment: product\nlead: cwu\n'
            'cost: {annual: 1, currency: "EUR\\n"}\n')
    found = {(d.code, d.location.line) for d in check(text)}
    assert found == {("S104", 2), ("S104", 6)}
