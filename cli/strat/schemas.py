"""The JSON Schemas shipped with strat: finding them, the registry, and what they declare.

The schemas in `schemas/` are the single source of truth for fields: validation
(`strat.validate`), reference checking (`strat.refs`, through the `x-strat-ref` keyword)
and the reference docs all read them from here.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFS_FILE = "defs.schema.json"
CONFIG_FILE = "config.schema.json"
REF_KEYWORD = "x-strat-ref"
# Kinds that are not documents but entries of the Strategy: `x-strat-ref: [value]`.
STRATEGY_NAMESPACES = ("value", "period")


def schema_dir() -> Path:
    """The folder holding the schemas: inside the installed package, or the repo's own
    `schemas/` when running from a source checkout."""
    packaged = Path(__file__).parent / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


@functools.cache
def load_all() -> dict[str, dict[str, Any]]:
    """Every schema file by file name."""
    out = {}
    for path in sorted(schema_dir().glob("*.schema.json")):
        out[path.name] = json.loads(path.read_text(encoding="utf-8"))
    return out


@functools.cache
def kind_files() -> dict[str, str]:
    """Kind name (as written in `kind:`) → schema file name, read from each schema's
    `properties.kind.const`."""
    out = {}
    for name, schema in load_all().items():
        const = schema.get("properties", {}).get("kind", {}).get("const")
        if isinstance(const, str):
            out[const] = name
    return out


def kinds() -> list[str]:
    """The document kinds, in the SPEC's order (the order of the data model)."""
    order = ["Strategy", "Person", "Department", "Team", "Metric", "Readings", "Objective", "Plan",
             "Goal", "Initiative", "Decision"]
    known = kind_files()
    return [k for k in order if k in known] + sorted(set(known) - set(order))


def schema_for(kind: str) -> dict[str, Any]:
    return load_all()[kind_files()[kind]]


@functools.cache
def registry() -> Any:
    """A `referencing` registry holding every shipped schema under its bare file name, so
    relative `$ref`s resolve locally and nothing is ever fetched."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    return Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in load_all().items()
    )


def resolve_local(node: dict[str, Any], current_file: str) -> tuple[dict[str, Any], str]:
    """Follow a `$ref` (to `file#/$defs/x` or `#/$defs/x`) within the shipped schemas."""
    seen = 0
    while "$ref" in node and seen < 32:
        ref = node["$ref"]
        file_part, _, pointer = ref.partition("#")
        target_file = file_part or current_file
        target: Any = load_all()[target_file]
        for part in filter(None, pointer.split("/")):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        # Keywords beside a $ref (description, x-strat-ref) apply too.
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        if "$ref" in target:
            merged["$ref"] = target["$ref"]
        else:
            merged.pop("$ref", None)
        node, current_file = merged, target_file
        seen += 1
    return node, current_file


@functools.cache
def inlined(kind: str) -> dict[str, Any]:
    """The kind's schema with every local `$ref` replaced by its target. The shipped
    schemas are not recursive, so this is finite; validation then skips `referencing`
    lookups, which were a third of the validation time on large repositories."""

    return inline_refs(schema_for(kind), kind_files()[kind])


def inline_refs(schema: dict[str, Any], file: str) -> dict[str, Any]:
    """`schema` (read from `file` of schemas/) with every local `$ref` replaced by its target."""

    def walk(node: Any, current: str) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                node, current = resolve_local(node, current)
            return {k: walk(v, current) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, current) for v in node]
        return node

    return walk(schema, file)


Pattern = tuple[str, ...]  # property names, with "*" for every item of a list


@dataclass(frozen=True, slots=True)
class RefField:
    """A field that holds an id: where it is in a document and which kinds it may name."""

    pattern: Pattern
    targets: tuple[str, ...]

    @property
    def label(self) -> str:
        return ".".join(p if p != "*" else "[]" for p in self.pattern).replace(".[]", "[]")


@functools.cache
def reference_fields() -> dict[str, tuple[RefField, ...]]:
    """For every kind, the fields the schema marks with `x-strat-ref`."""
    out = {}
    for kind, file_name in kind_files().items():
        found: list[RefField] = []
        stack: list[tuple[dict[str, Any], str, Pattern]] = [(load_all()[file_name], file_name, ())]
        while stack:
            node, current, pattern = stack.pop()
            node, current = resolve_local(node, current)
            if REF_KEYWORD in node:
                found.append(RefField(pattern, tuple(node[REF_KEYWORD])))
                continue
            for name, sub in node.get("properties", {}).items():
                stack.append((sub, current, pattern + (name,)))
            items = node.get("items")
            if isinstance(items, dict):
                stack.append((items, current, pattern + ("*",)))
        out[kind] = tuple(sorted(found, key=lambda f: f.pattern))
    return out
