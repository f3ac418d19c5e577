"""Schema validation of documents → S101–S104 (and E004 for a document with no kind).

Messages are in plain words and point where a reviewer would fix things: an unknown
field at its key, a wrong value at the value, a missing field at the mapping that
lacks it. `oneOf`/`anyOf` errors are reduced to their most relevant cause.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from typing import Any, Iterable

from strat import schemas
from strat.diagnostics import Diagnostic, Severity
from strat.load import Document, JsonPath, format_json_path

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}\Z")  # \Z: `$` would accept a final newline


@functools.cache
def _format_checker() -> Any:
    from jsonschema._format import FormatChecker

    return FormatChecker(formats=("date",))


@functools.cache
def _validators() -> dict[str, Any]:
    from jsonschema import Draft202012Validator

    checker = _format_checker()
    return {
        kind: Draft202012Validator(schemas.inlined(kind), format_checker=checker)
        for kind in schemas.kinds()
    }


@functools.cache
def compiled() -> dict[str, Any]:
    """Kind → a compiled validator (jsonschema-rs) of the same inlined schema, built once
    per process from `schemas/`. It only decides whether a document is valid: a document
    it passes has no schema finding; one it fails goes to jsonschema, whose errors make the
    messages (so every message and location is jsonschema's, as before). The `date`
    format is checked by jsonschema's own format checker, called back from the compiled
    validator, so both agree on every date (jsonschema-rs alone takes `0000-01-01`).
    Empty when jsonschema-rs cannot be imported or a schema does not compile: jsonschema
    then checks every document, as before, only slower."""
    try:
        import jsonschema_rs
    except ImportError:
        return {}
    checker = _format_checker()

    def is_date(value: Any) -> bool:
        return bool(checker.conforms(value, "date"))

    out: dict[str, Any] = {}
    for kind in schemas.kinds():
        try:
            out[kind] = jsonschema_rs.Draft202012Validator(
                schemas.inlined(kind), validate_formats=True, formats={"date": is_date})
        except Exception:  # noqa: BLE001 - a schema it cannot compile: jsonschema alone for that kind
            continue
    return out


def compiled_verdict(kind: str, data: Any) -> bool | None:
    """The compiled validator's verdict on `data` as a document of `kind`: True (valid),
    False (invalid), None (no compiled validator, or data it cannot take)."""
    fast = compiled().get(kind)
    if fast is None:
        return None
    try:
        return bool(fast.is_valid(data))
    except Exception:  # noqa: BLE001 - a value it cannot convert: jsonschema decides
        return None


def validate_documents(documents: Iterable[Document]) -> tuple[list[Document], list[Diagnostic]]:
    """Validate each document against its kind's schema. Returns the documents whose kind
    is known (valid or not: references are still worth checking) and the diagnostics."""
    validators = _validators()
    known: list[Document] = []
    out: list[Diagnostic] = []
    for doc in documents:
        if doc.checked is None:  # not already checked (by this process, or a run the lint cache remembers)
            doc.checked = _check(doc, validators)
        is_known, findings = doc.checked
        if is_known:
            known.append(doc)
            doc.valid = not findings
        out.extend(findings)
    return known, out


def _check(doc: Document, validators: dict[str, Any]) -> tuple[bool, list[Diagnostic]]:
    """(kind known, findings) of one document."""
    kind = doc.data.get("kind")
    if "kind" not in doc.data or kind is None:
        return False, [_diag("E004", doc, (), "document has no `kind`; add e.g. `kind: Goal` "
                             f"(one of {', '.join(schemas.kinds())})")]
    if not isinstance(kind, str) or kind not in validators:
        return False, [Diagnostic("S101", Severity.ERROR, _unknown_kind(kind), doc.location(("kind",)))]
    return True, _schema_errors(doc, validators[kind]) + _not_finite(doc)


def _not_finite(doc: Document) -> list[Diagnostic]:
    """`.nan` and `.inf` are YAML numbers and JSON Schema's `number` takes them, but no
    value, target or reading can be one: each is a wrong value at its place (a view would
    otherwise leave it out without a word)."""
    found: list[tuple[JsonPath, float]] = []

    def walk(node: Any, path: JsonPath) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if type(value) is float:
                    if not math.isfinite(value):
                        found.append(((*path, key), value))
                elif isinstance(value, (dict, list)):
                    walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if type(value) is float:
                    if not math.isfinite(value):
                        found.append(((*path, i), value))
                elif isinstance(value, (dict, list)):
                    walk(value, (*path, i))

    walk(doc.data, ())
    return [_diag("S104", doc, path, f"`{_label(path)}` must be a finite number, not "
                  f"{'.nan' if value != value else ('-.inf' if value < 0 else '.inf')}")
            for path, value in found]


def _unknown_kind(kind: Any) -> str:
    if not isinstance(kind, str):
        return f"`kind` must be one of {', '.join(schemas.kinds())}, got {describe(kind)}"
    by_lower = {k.lower(): k for k in schemas.kinds()}
    hint = by_lower.get(kind.lower()) or next(iter(difflib.get_close_matches(kind, schemas.kinds(), 1)), None)
    suffix = f"; did you mean `{hint}`?" if hint else f"; kinds are {', '.join(schemas.kinds())}"
    return f"unknown kind `{kind}`{suffix}"


def _diag(code: str, doc: Document, path: JsonPath, message: str, *, key: bool = False) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, f"{_subject(doc)}{message}", doc.location(path, key=key))


def _subject(doc: Document) -> str:
    kind, ident = doc.data.get("kind"), doc.data.get("id")
    if isinstance(kind, str) and isinstance(ident, str) and SLUG.match(ident):
        return f"{kind.lower()} `{ident}`: "
    return ""


def describe(value: Any) -> str:
    """A value as a user would recognise it in their YAML."""
    if value is None:
        return "nothing (empty)"
    if value is True or value is False:
        return f"{str(value).lower()} (YAML reads unquoted yes/no/on/off/true/false as a boolean; quote it for text)"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


_TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number",
               "boolean": "true or false", "array": "a list", "object": "a mapping", "null": "empty"}


@functools.cache
def _list_checks(kind: str) -> dict[str, Any]:
    from strat.fastcheck import list_checks

    return list_checks(_validators()[kind].schema)


def _schema_errors(doc: Document, validator: Any) -> list[Diagnostic]:
    from strat.fastcheck import without_proven

    kind = doc.data.get("kind")
    verdict = compiled_verdict(kind, doc.data) if isinstance(kind, str) else None
    if verdict is True:
        return []  # the compiled validator passed it: jsonschema would find nothing either
    if verdict is None:
        slim = without_proven(doc.data, _list_checks(kind)) if isinstance(kind, str) else None
        if slim is not None and validator.is_valid(slim):
            return []  # long lists: the items proven valid need no jsonschema (strat.fastcheck)
    out: list[Diagnostic] = []
    seen: set[tuple[str, JsonPath, str]] = set()
    for error in validator.iter_errors(doc.data):
        for code, path, message, key in _explain(error, doc.data.get("kind")):
            mark = (code, path, "" if code == "S104" else message)  # one wrong-value finding per place
            if mark not in seen:
                seen.add(mark)
                out.append(_diag(code, doc, path, message, key=key))
    return out


def _explain(error: Any, kind: str | None = None) -> Iterable[tuple[str, JsonPath, str, bool]]:
    """One jsonschema error → (code, json path, message, point-at-key) findings. `kind` is
    the document's kind, for hints that look across the whole schema."""
    path: JsonPath = tuple(error.absolute_path)
    where = format_json_path(path)
    field_word = f"`{where}`" if where else "the document"
    keyword, value, instance = error.validator, error.validator_value, error.instance

    if keyword == "required":
        for name in value:
            if isinstance(instance, dict) and name not in instance:
                full = format_json_path(path + (name,))
                about = _first_sentence(error.schema.get("properties", {}).get(name, {}).get("description"))
                under = f" under `{format_json_path(path)}`" if path else ""
                hint = f"; add `{name}:`{under}" + (f", {about}" if about else "")
                yield "S102", path, f"missing required field `{full}`{hint}", False
        return
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        allowed = list(error.schema.get("properties", {}))
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        for name in instance:
            if name in allowed or any(p.search(name) for p in patterns):
                continue
            close = difflib.get_close_matches(name, allowed, 1, 0.6)
            homes = [h for h in _homes(kind).get(name, []) if h != _label(path)] if kind else []
            if homes:  # a real field at another level: most often an indentation slip
                where = " or ".join(f"under `{h}`" if h else "at the top level" for h in homes[:3])
                hint = (f"; `{name}` belongs {where}: check this line's indentation (allowed here: "
                        f"{', '.join(allowed)})")
            elif close:
                hint = f"; did you mean `{close[0]}`?"
            elif allowed:
                hint = f"; allowed here: {', '.join(allowed)} (or an `x-` key for your own data)"
            else:
                hint = "; keys here must match " + " or ".join(f"`{p.pattern}`" for p in patterns)
            full = format_json_path(path + (name,))
            yield "S103", path + (name,), f"unknown field `{full}`{hint}", True
        return
    if keyword in ("oneOf", "anyOf"):
        yield from _explain_choice(error, path, keyword, kind)
        return
    if keyword == "type":
        wanted: list[str] = value if isinstance(value, list) else [value]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        hint = ""
        if "number" in wanted and isinstance(instance, str) and instance.strip().endswith("%"):
            hint = " (write percentages as a number, e.g. 45% as 0.45 or 45 with unit `%`)"
        yield "S104", path, f"{field_word} must be {words}, got {describe(instance)}{hint}", False
        return
    if keyword == "enum":
        yield "S104", path, f"{field_word} must be one of {', '.join(map(str, value))}, got {describe(instance)}", False
        return
    if keyword == "const":
        yield "S104", path, f"{field_word} must be `{value}`, got {describe(instance)}", False
        return
    if keyword == "pattern":
        if "[a-z0-9-]{0,79}" in value:
            msg = (f"{field_word} must be an id: lowercase letters, digits and dashes, starting with a letter "
                   f"or digit, at most 80 characters; got {describe(instance)}")
        elif "\\d{4}-\\d{2}-\\d{2}" in value:
            msg = f"{field_word} must be a date written YYYY-MM-DD, got {describe(instance)}"
        elif "[A-Z]{3}" in value:
            msg = f"{field_word} must be a three-letter ISO 4217 currency code such as USD or EUR, got {describe(instance)}"
        elif "@" in value:
            msg = f"{field_word} must be an e-mail address such as ana@example.com, got {describe(instance)}"
        else:
            msg = f"{field_word} does not have the expected form ({value}), got {describe(instance)}"
        yield "S104", path, msg, False
        return
    if keyword == "format" and value == "date":
        yield "S104", path, f"{field_word} must be a real calendar date written YYYY-MM-DD, got {describe(instance)}", False
        return
    if keyword in ("minItems", "maxItems"):
        yield "S104", path, f"{field_word} needs {'at least' if keyword == 'minItems' else 'at most'} {value} item(s)", False
        return
    if keyword in ("minLength",):
        yield "S104", path, f"{field_word} must not be empty", False
        return
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
                "exclusiveMaximum": "less than"}[keyword]
        yield "S104", path, f"{field_word} must be {word} {value}, got {describe(instance)}", False
        return
    if keyword == "uniqueItems":
        yield "S104", path, f"{field_word} lists the same item twice", False
        return
    yield "S104", path, f"{field_word}: {error.message}", False


def _first_sentence(description: Any) -> str:
    """The first sentence of a schema description, to follow "add `x:`," in a message."""
    if not isinstance(description, str) or not description.strip():
        return ""
    sentence = re.split(r"\. |: |; ", description.strip())[0].rstrip(".")
    return sentence[0].lower() + sentence[1:] if sentence[1:2].islower() else sentence


def _label(path: JsonPath) -> str:
    """A JSON path as a field label: ('joint', 0) → 'joint[]'; () → ''."""
    out = ""
    for part in path:
        out += "[]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@functools.cache
def _homes(kind: str) -> dict[str, list[str]]:
    """Field name → the labels of the mappings of `kind` that declare it ('' for the top
    level, 'outcome', 'joint[]')."""
    out: dict[str, list[str]] = {}
    if kind not in schemas.kind_files():
        return out

    def walk(node: Any, label: str) -> None:
        if not isinstance(node, dict):
            return
        for name, sub in (node.get("properties") or {}).items():
            out.setdefault(name, []).append(label)
            child = f"{label}.{name}" if label else name
            walk(sub, child)
            if isinstance(sub, dict) and isinstance(sub.get("items"), dict):
                walk(sub["items"], child + "[]")

    walk(schemas.inlined(kind), "")
    return out


def _explain_choice(error: Any, path: JsonPath, keyword: str,
                    kind: str | None = None) -> Iterable[tuple[str, JsonPath, str, bool]]:
    """`oneOf`/`anyOf`: when every branch only requires a field, say so in words;
    otherwise report the most relevant branch's cause."""
    branches = error.validator_value
    names = [b["required"][0] for b in branches
             if isinstance(b, dict) and set(b) == {"required"} and len(b["required"]) == 1]
    instance = error.instance
    if len(names) == len(branches) and isinstance(instance, dict):
        present = [n for n in names if n in instance]
        listing = _or_list(names)
        where = format_json_path(path)
        prefix = f"`{where}` " if where else ""
        if not present:
            need = "exactly one of" if keyword == "oneOf" else "at least one of"
            yield "S102", path, f"{prefix}needs {need} {listing}", False
        else:
            yield ("S104", path + (present[1],),
                   f"has both {' and '.join(f'`{n}`' for n in present)}; keep exactly one of {listing}", True)
        return
    from jsonschema.exceptions import best_match

    cause = best_match(error.context) if error.context else None
    if cause is None:
        yield "S104", path, error.message, False
        return
    yield from _explain(cause, kind)


def _or_list(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
