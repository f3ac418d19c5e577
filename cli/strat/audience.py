"""What is published to whom: the audience of a site build (`--audience public|internal`)
and the filtered copy of the model a public build renders from.

A public build leaves out what `strat.yaml` names under `site.public` (fields such as a
team's `cost` or a person's `email`; whole kinds) and every entity marked
`visibility: internal`. The filtering is done once, here, on a copy of the loaded model,
before any page is rendered: every page, count, roll-up, drawing and search entry is
computed from what is left, so no view can forget it.

Rules (written down in the guide "Publish to everyone, keep some things internal"):

* An entity marked `visibility: internal`, or of a kind left out, is not in the copy.
* An entity that hangs on a hidden one is hidden too (a goal whose parent, plan or
  metric is hidden; an initiative of a hidden goal; a metric's readings): it would
  otherwise name the hidden entity, and its page would describe it. This runs until
  nothing more hides.
* A secondary link to a hidden entity is dropped from the visible one instead: a
  goal's `supports` and `carried_from`, a decision's `supersedes`, a metric's `drives`
  entry, an objective's `health` entry, a plan's `objectives` entry, the Strategy's
  `north_star`.
* A field left out is removed from every entity of its kind; the copy remembers which
  (`Model.withheld`), so a view can say "not published" instead of "not stated".

Nothing is counted in place of what is hidden: a roll-up, a total or a count on a
public page is of the visible entities only, so no figure can be worked back to a hidden
one.

The core never imports `strat.site`: the site calls `filtered`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

from strat import schemas
from strat.config import Config
from strat.diagnostics import Location
from strat.load import Document, JsonPath
from strat.model import Model, build_model, references

PUBLIC, INTERNAL = "public", "internal"
AUDIENCES = (PUBLIC, INTERNAL)
DEFAULT_AUDIENCE = PUBLIC  # a build that is not told otherwise must not leak
DEFAULT_LEAVE_OUT = ("Team.cost", "Person.email")
VISIBILITY_KINDS = ("Objective", "Plan", "Goal", "Metric", "Initiative", "Decision")  # kinds with `visibility`
NEVER_LEFT_OUT = ("id", "kind")

# References to a hidden entity that are dropped from the visible entity (the pattern of
# the reference, and how much of the path to remove: the item, or the item's parent).
_DROPPED: dict[str, dict[tuple[str, ...], int]] = {
    "Goal": {("supports", "*"): 0, ("carried_from",): 0},
    "Decision": {("supersedes",): 0},
    "Metric": {("drives", "*", "metric"): 1},
    "Objective": {("health", "*", "metric"): 1},
    "Plan": {("objectives", "*"): 0},
    "Strategy": {("north_star",): 0},
}


class AudienceProblem(Exception):
    """The audience or `site.public` setting cannot be used (the message says why)."""


@dataclass(frozen=True, slots=True)
class Audience:
    name: str
    fields: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # kind → field paths left out
    kinds: frozenset[str] = frozenset()  # kinds left out entirely

    @property
    def public(self) -> bool:
        return self.name == PUBLIC


@dataclass(slots=True)
class Hidden:
    """What a filtered copy left out: ids by kind, and field paths by kind."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)


def audience(config: Config, option: str | None = None) -> Audience:
    """The audience of a build: `option` (--audience), else `site.audience` of strat.yaml,
    else public. A public audience reads `site.public` (defaults: team cost and people's
    e-mail left out)."""
    site = config.site if isinstance(config.site, dict) else {}
    name = option or site.get("audience") or DEFAULT_AUDIENCE
    if name not in AUDIENCES:
        raise AudienceProblem(f"audience {name!r} is not one of {', '.join(AUDIENCES)}")
    if name == INTERNAL:
        return Audience(INTERNAL)
    settings = site.get("public")
    settings = settings if isinstance(settings, dict) else {}
    leave_out = settings.get("leave_out", list(DEFAULT_LEAVE_OUT))
    kinds = settings.get("kinds", [])
    if not isinstance(leave_out, list) or not isinstance(kinds, list):
        raise AudienceProblem("strat.yaml: site.public.leave_out and site.public.kinds are lists")
    fields: dict[str, list[tuple[str, ...]]] = {}
    for entry in leave_out:
        kind, path = _field(entry)
        fields.setdefault(kind, []).append(path)
    for kind in kinds:
        if kind not in VISIBILITY_KINDS:
            raise AudienceProblem(f"strat.yaml: site.public.kinds: {kind!r} cannot be left out; the kinds that "
                                  f"can are {', '.join(VISIBILITY_KINDS)} (leave out fields of the others)")
    return Audience(PUBLIC, {k: tuple(v) for k, v in fields.items()}, frozenset(kinds))


def _field(entry: Any) -> tuple[str, tuple[str, ...]]:
    """`Kind.field[.sub…]` checked against the kind's schema: a misspelt field would leave
    the real one published."""
    parts = entry.split(".") if isinstance(entry, str) else []
    kinds = schemas.kind_files()
    if len(parts) < 2 or parts[0] not in kinds or parts[0] == "Strategy":
        raise AudienceProblem(f"strat.yaml: site.public.leave_out: {entry!r} is not `Kind.field` for a kind of "
                              f"entity ({', '.join(k for k in sorted(kinds) if k not in ('Strategy', 'Readings'))})")
    kind, path = parts[0], tuple(parts[1:])
    if path[0] in NEVER_LEFT_OUT:
        raise AudienceProblem(f"strat.yaml: site.public.leave_out: {entry!r}: an entity's `{path[0]}` cannot be "
                              "left out (hide the entity with `visibility: internal` instead)")
    node: dict[str, Any] = schemas.inlined(kind)
    for step in path:
        while isinstance(node, dict) and node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
        props = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(props, dict) or step not in props:
            raise AudienceProblem(f"strat.yaml: site.public.leave_out: {entry!r}: a {kind} has no field "
                                  f"{'.'.join(path[:path.index(step) + 1])!r}")
        node = props[step]
    return kind, path


# --- the filtered copy ------------------------------------------------------------------------


def filtered(model: Model, who: Audience) -> tuple[Model, Hidden]:
    """The model as `who` may see it: a copy without hidden entities and left-out fields
    (the model passed in is not changed). An internal audience gets the model itself."""
    hidden = Hidden()
    if not who.public:
        return model, hidden
    gone = {id(d) for d in model.documents if _hidden_itself(d, who)}
    edits: dict[int, list[JsonPath]] = {}
    while True:  # an entity that hangs on a hidden one hides too, until nothing more does
        gone_ids = {d.id for d in model.documents if id(d) in gone and isinstance(d.id, str)}
        more, edits = set(), {}
        for doc in model.documents:
            if id(doc) in gone or doc.kind is None:
                continue
            for path, ident, targets in references(doc):
                if ident not in gone_ids or not set(targets) - set(schemas.STRATEGY_NAMESPACES):
                    continue
                cut = _dropped(doc.kind, path)
                if cut is None:
                    more.add(id(doc))
                    break
                edits.setdefault(id(doc), []).append(path[:len(path) - cut])
        if not more:
            break
        gone |= more
    kept: list[Document] = []
    for doc in model.documents:
        if id(doc) in gone:
            hidden.ids.setdefault(str(doc.kind), []).append(str(doc.id))
            continue
        data = copy.deepcopy(doc.data)
        for path in sorted(edits.get(id(doc), []), reverse=True):
            _remove(data, path)
        for kind_path in who.fields.get(str(doc.kind), ()):
            _remove_field(data, kind_path)
        kept.append(replace(doc, data=data))
    hidden.fields = {kind: [".".join(p) for p in paths] for kind, paths in who.fields.items()}
    out, _ = build_model(kept)
    out.unresolved = {i for i in model.unresolved if i in out.by_id}
    out.withheld = {kind: frozenset(".".join(p) for p in paths) for kind, paths in who.fields.items()}
    return out, hidden


def _hidden_itself(doc: Document, who: Audience) -> bool:
    if doc.kind not in VISIBILITY_KINDS:
        return False  # the Strategy, people, teams, departments, readings: never hidden themselves
    return doc.kind in who.kinds or doc.data.get("visibility") == INTERNAL


def _dropped(kind: Any, path: JsonPath) -> int | None:
    """How many steps above the reference to cut when it names a hidden entity (0: the
    reference itself), or None when the entity must hide with it."""
    pattern = tuple("*" if isinstance(p, int) else p for p in path)
    return _DROPPED.get(str(kind), {}).get(pattern)


def _remove(data: Any, path: JsonPath) -> None:
    """Remove the value at `path` (a list item or a mapping key), when it is there."""
    *head, last = path
    node = data
    for step in head:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        del node[last]
    elif isinstance(node, dict) and last in node:
        del node[last]


def _remove_field(data: Any, path: tuple[str, ...]) -> bool:
    """Remove a field everywhere it is (list items included). True when one was there."""
    if isinstance(data, list):
        return any([_remove_field(item, path) for item in data])
    if not isinstance(data, dict) or path[0] not in data:
        return False
    if len(path) == 1:
        del data[path[0]]
        return True
    return _remove_field(data[path[0]], path[1:])


# --- published text that names what is hidden ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """Published free text (a description, a note) that names a hidden entity."""

    where: Location
    kind: str
    ident: str
    by_title: bool

    def message(self) -> str:
        what = "its title" if self.by_title else "its id"
        return (f"{self.where}: published text names the internal {self.kind.lower()} `{self.ident}` ({what}); "
                "reword it, or mark this entity `visibility: internal` too")


def mentions(original: Model, published: Model) -> list[Mention]:
    """Every string of the published copy that names a hidden entity by id (as a whole
    word) or by title. The structure is filtered; free text is published as written, so a
    public build refuses to publish it while it names what is hidden."""
    hidden = [d for d in original.documents
              if isinstance(d.id, str) and d.kind != "Strategy" and published.by_id.get(d.id) is None]
    if not hidden:
        return []
    ids = {d.id: str(d.kind) for d in hidden}
    titles: dict[str, tuple[str, str]] = {}  # lower-cased title → (kind, id)
    for doc in hidden:
        title = doc.data.get("title") or doc.data.get("name")
        if isinstance(title, str) and len(title.strip()) >= 8:  # a short name ("Sync") is a common word
            titles.setdefault(title.strip().lower(), (str(doc.kind), doc.id))
    # An id as written (ids are lower case; "ARR" in a sentence is not the metric `arr`), a
    # title in any case.
    by_id = _words(ids)
    by_title = _words(titles) if titles else None
    out = []
    for doc in published.documents:
        for path, value in _strings(doc.data, ()):
            if path and path[-1] in ("id", "kind"):
                continue
            found = by_id.search(value)
            if found:
                out.append(Mention(doc.location(path), ids[found.group(0)], found.group(0), False))
                continue
            found = by_title.search(value.lower()) if by_title else None
            if found:
                kind, ident = titles[found.group(0)]
                out.append(Mention(doc.location(path), kind, ident, True))
    return out


def _words(needles: Any) -> re.Pattern[str]:
    """Any of `needles` as a whole word (an id's hyphens count as part of the word)."""
    return re.compile("|".join(rf"(?<![a-z0-9-]){re.escape(n)}(?![a-z0-9-])"
                               for n in sorted(needles, key=len, reverse=True)))


def _strings(node: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))
