"""strat.fastcheck proves long-list items valid without jsonschema; it must never call
an item valid that jsonschema refuses, and findings must not change."""

from __future__ import annotations

import copy
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema._format import FormatChecker

from strat import schemas, validate
from strat.fastcheck import LONG, item_check, list_checks
from strat.load import parse_bytes

KINDS_WITH_LISTS = [k for k in schemas.kinds() if list_checks(schemas.inlined(k))]


def _item_validators() -> list[tuple[str, str, object, Draft202012Validator]]:
    out = []
    for kind in KINDS_WITH_LISTS:
        schema = schemas.inlined(kind)
        for name, check in list_checks(schema).items():
            items = schema["properties"][name]["items"]
            out.append((kind, name, check, Draft202012Validator(items, format_checker=FormatChecker(formats=("date",)))))
    return out


ITEM_VALIDATORS = _item_validators()

values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["2026-02-30", "2026-02-28", "2026-1-01", "٢٠٢٦-٠١-٠١", "2026-01-01\n", "0.5", "cwu", "Cwu",
                     "a b", "x" * 81, "", "active", "-x"]),
    st.text(max_size=8), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.mark.parametrize("kind, name", [("Goal", "checkins"), ("Objective", "checkins"), ("Readings", "values")])
def test_the_goal_lists_have_a_predicate(kind: str, name: str) -> None:
    """The lists that grow without bound (check-ins, a metric's daily readings) must stay
    in the fast subset: if the schema leaves it, lint and check-in times go back to
    jsonschema's (bench/lint.py --readings)."""
    assert name in list_checks(schemas.inlined(kind))


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_never_more_lenient_than_jsonschema(data: st.DataObject) -> None:
    kind, name, check, validator = data.draw(st.sampled_from(ITEM_VALIDATORS))
    props = list(validator.schema.get("properties", {}))
    keys = data.draw(st.lists(st.sampled_from([*props, "x-mine", "extra", "X-no"]), max_size=len(props) + 2,
                              unique=True))
    item = {key: data.draw(values) for key in keys}
    if check(item):
        assert validator.is_valid(item), (kind, name, item)


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"a": {"type": "string"}}, "minProperties": 1},
    {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}, "additionalProperties": False},
    {"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}},
    {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": True},
    {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
])
def test_a_schema_outside_the_subset_gets_no_predicate(schema: dict) -> None:
    assert item_check(schema) is None


BAD_ITEMS = [
    {"date": "2026-02-30", "value": 1},
    {"date": "2026-01-01", "value": "abc"},
    {"date": "2026-01-01", "value": 1, "confidence": 1.5},
    {"date": "2026-01-01", "value": 1, "confidence": math.nan},
    {"date": "2026-01-01", "value": True},
    {"date": "2026-01-01", "value": 1, "by": "Not A Slug"},
    {"date": "2026-01-01", "value": 1, "typo": 1},
    {"value": 1},
    "not a mapping",
]


@pytest.mark.parametrize("bad", BAD_ITEMS, ids=[str(i) for i in range(len(BAD_ITEMS))])
def test_findings_in_a_long_history_are_the_same_as_without_the_fast_path(bad: object,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    lines = ["kind: Goal", "id: long-goal", "title: T", "owner: cwu", "team: onboarding", "parent: grow-retention",
             "period: 2026-h2", "outcome:", "  metric: activation-rate", "  baseline: 0.3", "  target: 0.5",
             "checkins:"]
    for i in range(LONG * 3):
        item = bad if i == 57 else {"date": f"2020-{i // 28 + 1:02d}-{i % 28 + 1:02d}", "value": 0.5, "x-own": "k"}
        lines.append(f"  - {json.dumps(item)}")
    source, found = parse_bytes(("\n".join(lines) + "\n").encode(), "strategy/goals/long-goal.yaml")
    assert source is not None and not found
    fast = validate.validate_documents(copy.deepcopy(source.documents))[1]
    monkeypatch.setattr(validate, "_list_checks", lambda kind: {})
    slow = validate.validate_documents(copy.deepcopy(source.documents))[1]
    assert fast and [(d.code, d.message, d.location) for d in fast] == [(d.code, d.message, d.location) for d in slow]


def test_a_list_named_elsewhere_in_the_schema_is_left_to_jsonschema() -> None:
    """Leaving items out could flip a verdict that looks at the list (minItems in an
    `if`, say): such a list gets no predicate."""
    item = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}
    schema = {"type": "object", "properties": {"things": {"type": "array", "items": item}},
              "if": {"properties": {"things": {"minItems": 40}}}, "then": {"required": ["big"]}}
    assert list_checks(schema) == {}
    del schema["if"], schema["then"]
    assert list(list_checks(schema)) == ["things"]


def test_naming_the_list_in_required_or_in_another_property_keeps_the_predicate() -> None:
    """A shortened list is still there (`required` holds), and another property's schema
    never applies to this list; a pattern that matches the list's name would."""
    item = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}
    schema = {"type": "object", "required": ["things"],
              "properties": {"things": {"type": "array", "items": item},
                             "other": {"type": "object", "properties": {"things": {"type": "string"}}}}}
    assert list(list_checks(schema)) == ["things"]
    schema["patternProperties"] = {"^th": {"maxItems": 3}}
    assert list_checks(schema) == {}


def test_a_remembered_text_check_answers_the_same_every_time() -> None:
    """Text answers are remembered (the same dates in every metric's readings); the second
    answer, and any past the memory's limit, must be the first one."""
    from strat.fastcheck import _remembered, _value_check

    date = _value_check({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"})
    assert date is not None
    for _ in range(2):
        assert [date(v) for v in ("2026-02-28", "2026-02-30", "2026-2-01", 20260228, None)] == [
            True, False, False, False, False]
    calls: list[str] = []
    small = _remembered(lambda v: calls.append(v) or v.startswith("a"), limit=2)
    assert [small(v) for v in ("a1", "b1", "c1", "a1", "b1", "c1")] == [True, False, False, True, False, False]
    assert calls == ["a1", "b1", "c1", "c1"]  # the third text was past the limit: asked again
