"""The loaded strategy as one model: entities by id and kind, the Strategy's values and
periods, and the relations between entities with their inverses (computed, never
written by hand)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from strat import schemas
from strat.diagnostics import Diagnostic, Severity
from strat.load import Document, JsonPath


ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")  # used with fullmatch: "$" would accept a trailing newline


def is_slug(ident: Any) -> bool:
    """An id as the schema allows it (a page name, a link target)."""
    return isinstance(ident, str) and bool(ID_PATTERN.fullmatch(ident))


@dataclass(frozen=True, slots=True)
class Period:
    id: str
    start: str
    end: str


@dataclass(slots=True)
class Model:
    """Everything `strat` knows about a strategy repository, after loading."""

    documents: list[Document]
    by_id: dict[str, Document] = field(default_factory=dict)
    strategy: Document | None = None
    values: dict[str, JsonPath] = field(default_factory=dict)
    periods: dict[str, Period] = field(default_factory=dict)
    period_paths: dict[str, JsonPath] = field(default_factory=dict)
    # Entities with an unresolved or wrong-kind reference: alignment rules skip them so
    # one typo does not cascade into a page of noise.
    unresolved: set[str] = field(default_factory=set)
    by_kind: dict[str, list[Document]] = field(default_factory=dict)
    # Fields a published copy left out (kind → dotted field paths), so a view says "not
    # published" rather than "not stated" (`strat.audience.filtered`).
    withheld: dict[str, frozenset[str]] = field(default_factory=dict)
    _by_path: dict[str, list[Document]] | None = field(default=None, repr=False, compare=False)

    def of_kind(self, kind: str) -> list[Document]:
        return self.by_kind.get(kind, [])

    def in_file(self, path: str) -> list[Document]:
        """The documents of one file, in file order (an index built on first use, so a
        command touching a thousand files does not scan every document a thousand times)."""
        if self._by_path is None:
            index: dict[str, list[Document]] = {}
            for doc in self.documents:
                index.setdefault(doc.path, []).append(doc)
            for docs in index.values():
                docs.sort(key=lambda d: d.index)
            self._by_path = index
        return self._by_path.get(path, [])

    def get(self, ident: Any, kind: str | None = None) -> Document | None:
        doc = self.by_id.get(ident) if isinstance(ident, str) else None
        if doc is not None and kind is not None and doc.kind != kind:
            return None
        return doc

    def namespace(self, target: str) -> Iterable[str]:
        """The ids a reference of this target kind may name."""
        if target == "value":
            return self.values
        if target == "period":
            return self.periods
        return [d.id for d in self.of_kind(target)]


def build_model(documents: list[Document]) -> tuple[Model, list[Diagnostic]]:
    """Index documents by id. Reports ids defined twice (R202, both places named) and a
    missing or repeated Strategy document (S105)."""
    model = Model(documents)
    out: list[Diagnostic] = []
    for doc in documents:
        ident = doc.id
        if not isinstance(ident, str):
            continue
        first = model.by_id.get(ident)
        if first is not None:
            out.append(Diagnostic(
                "R202", Severity.ERROR,
                f"id `{ident}` is already used by the {first.kind} at {first.location(('id',))}; ids are unique "
                "across the whole repository, across kinds",
                doc.location(("id",)), (first.location(("id",)),)))
            continue
        model.by_id[ident] = doc
        model.by_kind.setdefault(doc.kind, []).append(doc)

    strategies = [d for d in documents if d.kind == "Strategy"]
    if strategies:
        model.strategy = strategies[0]
        for extra in strategies[1:]:
            out.append(Diagnostic(
                "S105", Severity.ERROR,
                f"a second Strategy document; a repository has exactly one (the first is at {strategies[0].location()})",
                extra.location(("kind",)), (strategies[0].location(),)))
        out.extend(_index_strategy_entries(model, model.strategy))
    elif documents:
        first = min(documents, key=lambda d: (d.path, d.index))
        out.append(Diagnostic(
            "S105", Severity.ERROR,
            "no Strategy document: add one (kind: Strategy) with the company, mission, North Star and values",
            first.location()))
    return model, out


def _index_strategy_entries(model: Model, strategy: Document) -> Iterator[Diagnostic]:
    for section, target in (("values", model.values), ("periods", model.period_paths)):
        entries = strategy.data.get(section)
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                continue
            ident = entry["id"]
            path: JsonPath = (section, i, "id")
            if ident in target:
                first_path = target[ident]
                yield Diagnostic("R202", Severity.ERROR,
                                 f"{section[:-1]} id `{ident}` is defined twice in the Strategy",
                                 strategy.location(path), (strategy.location(first_path),))
                continue
            target[ident] = path
            if section == "periods":
                start, end = entry.get("start"), entry.get("end")
                if isinstance(start, str) and isinstance(end, str):
                    model.periods[ident] = Period(ident, start, end)


def mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is a mapping, else an empty one: the schema reports a wrong
    type, and code that reads the model carries on with what is usable."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def as_text(value: Any) -> str:
    """The value when it is text, else empty: for names and keys read from fields the
    schema may have reported as the wrong type."""
    return value if isinstance(value, str) else ""


def field_values(data: Any, pattern: tuple[str, ...], prefix: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    """Every value at a schema field pattern ("*" = each list item), with its JSON path."""
    items: list[tuple[Any, JsonPath, int]] = [(data, prefix, 0)]
    while items:
        node, path, depth = items.pop()
        if depth == len(pattern):
            yield path, node
            continue
        step = pattern[depth]
        if step == "*":
            if isinstance(node, list):
                key = pattern[depth + 1] if depth + 1 < len(pattern) else "*"
                if key != "*":  # only the items that have the next key can match (a long list of check-ins)
                    found = [i for i, v in enumerate(node) if isinstance(v, dict) and key in v]
                    items.extend((node[i], path + (i,), depth + 1) for i in reversed(found))
                else:
                    items.extend((v, path + (i,), depth + 1) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, dict) and step in node:
            items.append((node[step], path + (step,), depth + 1))


def references(doc: Document) -> Iterator[tuple[JsonPath, str, tuple[str, ...]]]:
    """Every id this document names: (JSON path, id, kinds it may be)."""
    for ref in schemas.reference_fields().get(doc.kind, ()):
        for path, value in field_values(doc.data, ref.pattern):
            if isinstance(value, str):
                yield path, value, ref.targets
