"""Reference checks over the whole repository: R201 (no such id), R203 (wrong kind),
R204 (cycles). Which fields are references is read from the schemas (`x-strat-ref`)."""

from __future__ import annotations

import difflib
import functools
import heapq
import re
import unicodedata
from typing import Any, Iterator

from strat import graph
from strat.diagnostics import Diagnostic, Severity
from strat.load import Document, JsonPath
from strat.model import Model, field_values, references
from strat.validate import SLUG

# Relations in which a cycle is an error: kind → (field pattern, what to call it).
CYCLIC_RELATIONS = {
    "Goal": (("parent",), "parent chain"),
    "Decision": (("supersedes",), "`supersedes` chain"),
    "Metric": (("drives", "*", "metric"), "metric tree (`drives`)"),
}


def check_references(model: Model, memo: Any = None) -> list[Diagnostic]:
    """R201, R203, R204 over the whole model. `memo` (`strat.refmemo.RefMemo`, the lint
    cache's) gives a document's R201/R203 findings of an earlier run when nothing they
    depend on changed, and keeps the new ones."""
    out = list(_unresolved(model, memo))
    out.extend(_cycles(model))
    return out


def _article(kind: str) -> str:
    return "an" if kind[:1].lower() in "aeiou" else "a"


def _kinds_phrase(targets: tuple[str, ...]) -> str:
    words = {"value": "value of the Strategy", "period": "period of the Strategy"}
    names = [words.get(t, t) for t in targets]
    return f"{_article(names[0])} " + " or ".join(names)


def _unresolved(model: Model, memo: Any = None) -> Iterator[Diagnostic]:
    people: list[PeopleIndex] = []  # built on the first missing Person reference
    for doc in model.documents:
        if doc.kind is None:
            continue
        kept = memo.kept(doc) if memo is not None else None
        if kept is None:
            kept = list(_unresolved_in(doc, model, people))
            if memo is not None:
                memo.found(doc, kept)
        else:
            for finding in kept:  # as `_unresolved_in` marks the document
                if finding.code == "R203" or isinstance(doc.id, str):
                    model.unresolved.add(doc.id)
        yield from kept


def _unresolved_in(doc: Document, model: Model, people: list[PeopleIndex]) -> Iterator[Diagnostic]:
    """The R201/R203 findings of one document: a function of its data and positions, the
    ids (with their kinds, in document order), values, periods and people of the model,
    and the positions of the ids its findings point to."""
    for path, ident, targets in references(doc):
        if not SLUG.match(ident):
            continue  # the schema reports the malformed id
        namespace_kinds = [t for t in targets if t in ("value", "period")]
        if namespace_kinds:
            if any(ident in (model.values if t == "value" else model.periods) for t in namespace_kinds):
                continue
            candidates = [i for t in namespace_kinds for i in model.namespace(t)]
            yield _missing(doc, path, ident, targets, candidates, model)
            continue
        target = model.by_id.get(ident)
        if target is None:
            candidates = [i for t in targets for i in model.namespace(t)]
            if "Person" in targets and not people:
                people.append(PeopleIndex(model))
            yield _missing(doc, path, ident, targets, candidates, model,
                           people[0] if "Person" in targets else None)
        elif target.kind not in targets:
            model.unresolved.add(doc.id)
            yield Diagnostic(
                "R203", Severity.ERROR,
                f"`{_field(path)}` must name {_kinds_phrase(targets)}, but `{ident}` is {_article(target.kind)} "
                f"{target.kind} ({target.location(('id',))}){_wrong_kind_hint(doc.kind, path, target.kind)}",
                doc.location(path), (target.location(("id",)),))


def _wrong_kind_hint(kind: str, path: JsonPath, found: str) -> str:
    """What to do for the wrong-kind references a newcomer makes most."""
    if kind == "Goal" and path == ("parent",) and found == "Metric":
        return ("; a goal is measured by a metric (`outcome.metric`) and aligns to the objective it serves: "
                "set `parent` to that objective's id")
    if kind == "Goal" and path == ("owner",) and found in ("Team", "Department"):
        return (f"; a goal's {found.lower()} goes in `{found.lower()}`, and `owner` names the person accountable "
                "for it")
    return ""


def _missing(doc: Document, path: JsonPath, ident: str, targets: tuple[str, ...],
             candidates: list[str], model: Model, people: PeopleIndex | None = None) -> Diagnostic:
    if isinstance(doc.id, str):
        model.unresolved.add(doc.id)
    close = people.did_you_mean(ident, candidates) if people is not None else []
    if not close:
        close = did_you_mean(ident, candidates)
    elsewhere = model.by_id.get(close[0]) if close else None
    hint = f"; did you mean {_people_phrase(close, model) if people is not None else f'`{close[0]}`'}?" if close else ""
    related = (elsewhere.location(("id",)),) if elsewhere is not None else ()
    return Diagnostic(
        "R201", Severity.ERROR,
        f"`{_field(path)}` names `{ident}`, but there is no {_kinds_phrase(targets)[2:].lstrip('n ')} "
        f"with that id{hint}",
        doc.location(path), related)


def did_you_mean(word: str, candidates: list[str], shortlist: int = 40, n: int = 1) -> list[str]:
    """The closest candidate (difflib, cutoff 0.6; the `n` closest). With thousands of similar ids,
    difflib alone costs most of a second per lookup, so candidates are first narrowed to
    those sharing the most character bigrams with `word`."""
    if len(candidates) > shortlist * 4:
        grams = _bigrams(word)
        candidates = heapq.nlargest(shortlist, candidates, key=lambda c: len(grams & _bigrams(c)))
    return difflib.get_close_matches(word, candidates, n, 0.6)


class PeopleIndex:
    """What a newcomer may type for a person instead of the id: each word of the name, the
    whole name as a slug, and the email's local part and its words (`Lena Park`,
    `lena.park@…` → `lena`, `park`, `lena-park`, `lena.park`), each with the ids it fits.
    Built once per lint, on the first unknown Person reference."""

    def __init__(self, model: Model) -> None:
        self.aliases: dict[str, list[str]] = {}
        for person in model.of_kind("Person"):
            ident = person.id
            name, email = person.data.get("name"), person.data.get("email")
            words: set[str] = set()
            if isinstance(name, str):
                parts = _words(name)
                words.update(parts)
                words.add("-".join(parts))
            if isinstance(email, str) and "@" in email:
                local = _fold(email.split("@", 1)[0])
                words.add(local)
                words.update(_words(local))
            for word in words - {"", ident}:
                if len(word) >= 2:
                    self.aliases.setdefault(word, []).append(ident)
        # Typos are looked for among single name words only: fewer candidates, and a
        # misspelt full name is rare.
        self.words = [w for w in self.aliases if w.isalnum()]

    def did_you_mean(self, word: str, ids: list[str]) -> list[str]:
        """Person ids for a word that is not an id: a name or email word matched exactly
        (every person it fits, at most three), else the closest id, else the closest name word."""
        exact = self.aliases.get(word)
        if exact:
            return sorted(exact)[:3]
        close = did_you_mean(word, ids)
        if close:
            return close
        near = did_you_mean(word, self.words)
        return sorted(self.aliases[near[0]])[:3] if near else []


def _people_phrase(ids: list[str], model: Model) -> str:
    def one(ident: str) -> str:
        doc = model.by_id.get(ident)
        name = doc.data.get("name") if doc is not None else None
        if not isinstance(name, str) or not name.strip():
            return f"`{ident}`"
        return f"`{ident}` ({name if len(name) <= 60 else name[:57] + '...'})"

    return " or ".join(one(i) for i in ids)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", _fold(text)) if w]


@functools.lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _field(path: JsonPath) -> str:
    from strat.load import format_json_path

    return format_json_path(path)


def _cycles(model: Model) -> Iterator[Diagnostic]:
    for kind, (pattern, label) in CYCLIC_RELATIONS.items():
        edges: dict[str, list[str]] = {}
        where: dict[tuple[str, str], JsonPath] = {}
        for doc in model.of_kind(kind):
            for path, value in field_values(doc.data, pattern):
                target = model.by_id.get(value) if isinstance(value, str) else None
                if target is not None and target.kind == kind:
                    edges.setdefault(doc.id, []).append(value)
                    where.setdefault((doc.id, value), path)
        for cycle in graph.cycles(edges):
            first, second = cycle[0], cycle[1]
            doc = model.by_id[first]
            members = sorted(set(cycle))
            shown = " → ".join(cycle) if len(cycle) <= 12 else " → ".join(cycle[:11]) + f" → … ({len(cycle) - 1} links)"
            for member in members:
                model.unresolved.add(member)
            yield Diagnostic(
                "R204", Severity.ERROR,
                f"{kind.lower()}s form a cycle in the {label}: {shown}",
                doc.location(where[(first, second)]),
                tuple(model.by_id[m].location(("id",)) for m in members[1:50]))
