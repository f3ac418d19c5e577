"""Proving list items valid without jsonschema, for long lists (a goal's check-ins).

jsonschema costs about 25 µs per check-in: 50,000 check-ins took over a second to
validate, in every `strat lint` and every `strat checkin` of that goal. `item_check`
compiles an item schema into a plain predicate *from the schema's own keywords*, and only
when the schema uses nothing but the small subset below; any other keyword and there is
no predicate (jsonschema does it all, as before). The predicate is never more lenient
than jsonschema: True means the item is valid, False only means "ask jsonschema" (which
then also words the error). `strat.validate` drops the items proven valid from long lists
and, when the rest is valid too, is done; else it validates the whole document as before,
so findings and their wording do not change.

The subset: an object with `required`, `properties`, `additionalProperties: false`, and
`patternProperties` whose schemas are annotations only (free keys); each property a
string, number or integer with `pattern`, `format: date`, `minimum`, `maximum`, `enum`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

Check = Callable[[Any], bool]

_ANNOTATIONS = {"description", "examples", "title", "$comment", "default", "deprecated"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _annotation(key: str) -> bool:
    return key in _ANNOTATIONS or key.startswith("x-")


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _value_check(schema: Any) -> Check | None:
    if not isinstance(schema, dict) or any(not _annotation(k) and k not in
                                           ("type", "pattern", "format", "minimum", "maximum", "enum")
                                           for k in schema):
        return None
    kind = schema.get("type")
    if kind == "string":
        types: tuple[type, ...] = (str,)
    elif kind == "number":
        types = (int, float)
    elif kind == "integer":
        types = (int,)
    else:
        return None
    pattern = schema.get("pattern")
    fmt = schema.get("format")
    low, high = schema.get("minimum"), schema.get("maximum")
    enum = schema.get("enum")
    if fmt not in (None, "date") or (fmt == "date" and kind != "string"):
        return None
    if pattern is not None and (kind != "string" or not isinstance(pattern, str)):
        return None
    for bound in (low, high):
        if bound is not None and type(bound) not in (int, float):
            return None
    if enum is not None and not (isinstance(enum, list) and all(type(e) is str for e in enum)):
        return None
    compiled = re.compile(pattern) if pattern is not None else None
    choices = frozenset(enum) if enum is not None else None

    def check(value: Any) -> bool:
        if type(value) not in types:  # exact types: a bool is not a number here
            return False
        if compiled is not None and not compiled.search(value):
            return False
        if fmt == "date" and not _is_date(value):
            return False
        if low is not None and not low <= value:  # NaN fails both bounds: jsonschema decides
            return False
        if high is not None and not value <= high:
            return False
        return choices is None or value in choices

    if kind == "string" and (compiled is not None or fmt == "date"):
        return _remembered(check)
    return check


def _remembered(check: Check, limit: int = 1 << 16) -> Check:
    """`check` for text values, remembering its answer per text (the same dates come back
    in every metric's readings: a pattern and a calendar check each, 1,095 distinct dates
    in 219,000 readings). At most `limit` texts are remembered."""
    seen: dict[str, bool] = {}

    def remembered(value: Any) -> bool:
        if type(value) is not str:
            return check(value)
        known = seen.get(value)
        if known is None:
            known = check(value)
            if len(seen) < limit:
                seen[value] = known
        return known

    return remembered


def item_check(schema: Any) -> Check | None:
    """A predicate proving an item valid against `schema`, or None if the schema uses
    anything outside the subset (see the module docstring)."""
    allowed = {"type", "required", "properties", "patternProperties", "additionalProperties"}
    if not isinstance(schema, dict) or schema.get("type") != "object" \
            or any(not _annotation(k) and k not in allowed for k in schema):
        return None
    if schema.get("additionalProperties", False) is not False:
        return None
    required = schema.get("required", [])
    free = schema.get("patternProperties", {})
    if not isinstance(required, list) or not isinstance(free, dict) \
            or any(not isinstance(s, dict) or not all(_annotation(k) for k in s) for s in free.values()):
        return None
    props: dict[str, Check] = {}
    for name, sub in (schema.get("properties") or {}).items():
        check = _value_check(sub)
        if check is None:
            return None
        props[name] = check
    free_patterns = [re.compile(p) for p in free]
    required_keys = tuple(required)

    def item(value: Any) -> bool:
        if type(value) is not dict:
            return False
        for key in required_keys:
            if key not in value:
                return False
        for key, sub in value.items():
            check = props.get(key)
            if check is None:
                if type(key) is str and any(p.search(key) for p in free_patterns):
                    continue
                return False
            if not check(sub):
                return False
        return True

    return item


def _keywords_only(schema: Any, names: bool = False) -> Any:
    """`schema` without its annotations (descriptions, examples: text that may mention a
    field without constraining it). `names`: this mapping's keys are property names."""
    if isinstance(schema, list):
        return [_keywords_only(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {key: _keywords_only(value, key in ("properties", "patternProperties", "$defs", "dependentSchemas")
                                and not names)
            for key, value in schema.items() if names or not _annotation(key)}


def list_checks(schema: Any) -> dict[str, Check]:
    """{top-level property: item predicate} for the list properties of a kind's schema
    whose items fit the subset."""
    import json

    out: dict[str, Check] = {}
    for name, sub in ((schema or {}).get("properties") or {}).items():
        # Leaving items out of a list must not change any other verdict: the list may be
        # named nowhere else in the schema (no oneOf/if/dependentSchemas about it).
        # Not mentions: the other `properties` (their schemas apply to other values, never
        # to this list) and a top-level `required` (the shortened list is still there). A
        # `patternProperties` pattern that matches the name would apply to the list too.
        rest = {k: v for k, v in schema.items() if k != "properties"}
        if isinstance(rest.get("required"), list):
            rest["required"] = [k for k in rest["required"] if k != name]
        if json.dumps(name) in json.dumps(_keywords_only(rest)) \
                or any(re.search(p, name) for p in (schema.get("patternProperties") or {})):
            continue
        if isinstance(sub, dict) and sub.get("type") == "array" and set(sub) <= {"type", "items", *_ANNOTATIONS}:
            check = item_check(sub.get("items"))
            if check is not None:
                out[name] = check
    return out


LONG = 32  # lists shorter than this are left to jsonschema


def without_proven(data: dict[str, Any], checks: dict[str, Check]) -> dict[str, Any] | None:
    """`data` with the items of its long lists that are proven valid left out, or None
    when there is nothing to leave out."""
    slim = None
    for name, check in checks.items():
        items = data.get(name)
        if type(items) is list and len(items) >= LONG:
            rest = [item for item in items if not check(item)]
            if len(rest) < len(items):
                if slim is None:
                    slim = dict(data)
                slim[name] = rest
    return slim
