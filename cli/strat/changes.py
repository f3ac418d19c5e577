"""What a change does to the strategy, entity by entity, in words.

Used by `strat diff` (two revisions), `strat history` (one entity through time) and the
site's changelog. Pure functions over documents, except `load_revision`, which reads git
objects through `strat.git` (no checkout, no working-tree change).

A joint commitment is said in words wherever a change adds or removes one, including
inside a goal added or removed whole (`joint_words`); the renderers make every value inert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from strat.closewords import carried_words, closed_words
from strat.load import Document, JsonPath, LoadResult, format_json_path
from strat.numbers import number

if TYPE_CHECKING:
    from strat.diagnostics import Diagnostic

# Lists whose items are matched by a natural key rather than by position, so that adding
# one check-in reads as "check-in added", not as every later item changing.
LIST_KEYS = {
    "checkins": "date", "joint": "department", "benefits": "department", "key_results": "metric",
    "drives": "metric", "values": "id", "periods": "id", "health": "metric",
}
# Keys tried when the first key is not in every item: a Readings document's `values` are
# dated readings ({date, value}), a Strategy's are values with an `id`.
FALLBACK_KEYS = {"values": "date"}
ITEM_WORDS = {
    "checkins": "check-in", "joint": "joint goal with", "benefits": "benefit to", "key_results": "key result on",
    "drives": "drives", "values": "value", "periods": "period", "health": "health check on",
}


@dataclass(frozen=True, slots=True)
class FieldChange:
    path: JsonPath
    old: Any  # MISSING when added
    new: Any  # MISSING when removed

    @property
    def words(self) -> str:
        return describe_field_change(self)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(slots=True)
class EntityChange:
    kind: str
    id: str
    status: str  # added | removed | changed | moved
    path: str
    old_path: str | None = None
    title: str = ""
    context: str = ""  # "under objective `grow-arr`"
    fields: list[FieldChange] = field(default_factory=list)
    # The joint commitments of a goal added or removed whole: each is another department's
    # obligation, so a reviewer must see it, not only "new goal …".
    joint: list[dict[str, Any]] = field(default_factory=list)
    said: list[str] = field(default_factory=list)  # said first, in words (a goal closed: strat.closewords)

    def sentences(self) -> list[str]:
        """The change in words, one sentence per line."""
        noun = f"{self.kind.lower()} `{self.id}`"
        if self.status == "added":
            return ([f"new {noun}{(' ' + self.context) if self.context else ''}"]
                    + [f"{noun}: {joint_words(item)}" for item in self.joint])
        if self.status == "removed":
            return [f"{noun} removed"] + [f"{noun}: {joint_words(item, 'no longer commits to')}" for item in self.joint]
        out = []
        if self.old_path and self.old_path != self.path:
            out.append(f"{noun} moved from {self.old_path} to {self.path}")
        out.extend(f"{noun} {words}" for words in self.said)
        fields = self.fields
        if self.kind == "Readings":
            said, fields = readings_words(fields)
            out.extend(f"{noun}: {words}" for words in said)
        for c in fields:
            if c.path == ("joint",):  # the whole list: set, removed, or items without a department
                gone = [i for i in joint_items(c.old) if c.new is MISSING or i not in c.new]
                came = [i for i in joint_items(c.new) if c.old is MISSING or i not in c.old]
                if gone or came:
                    out.extend(f"{noun}: {joint_words(i, 'no longer commits to')}" for i in gone)
                    out.extend(f"{noun}: {joint_words(i)}" for i in came)
                    continue
            summary = checkins_words(c)
            if summary:
                where = f"key result on `{c.path[1]}`: " if len(c.path) == 3 and c.path[0] == "key_results" else ""
                out.append(f"{noun}: {where}{summary}")
                continue
            out.append(f"{noun}: {c.words}")
        return out


def span_words(items: list[Any], noun: str, verb: str) -> str:
    """"5 check-ins added, 2026-08-07 to 2026-12-04 (latest 105.9)": dated items ({date,
    value}) summed up in one sentence; the latest value only for items added."""
    dated = sorted((str(i.get("date")), i) for i in items if isinstance(i, dict))
    if not dated:
        return ""
    span = dated[0][0] if len(dated) == 1 else f"{dated[0][0]} to {dated[-1][0]}"
    value = dated[-1][1].get("value")
    shown = number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else show(value)
    latest = f" (latest {shown})" if verb == "added" and "value" in dated[-1][1] else ""
    return f"{len(dated)} {noun}{'' if len(dated) == 1 else 's'} {verb}, {span}{latest}"


def checkins_words(change: FieldChange) -> str:
    """A whole `checkins` list set or removed (an objective's or key result's first
    check-ins) in one sentence, not its items written out; '' for any other change."""
    if not change.path or change.path[-1] != "checkins" or (change.old is MISSING) == (change.new is MISSING):
        return ""
    items = change.new if change.old is MISSING else change.old
    if not isinstance(items, list):
        return ""
    return span_words(items, "check-in", "added" if change.old is MISSING else "removed")


def readings_words(fields: list[FieldChange]) -> tuple[list[str], list[FieldChange]]:
    """A Readings document's added and removed readings summed up in one sentence each
    ("12 readings added, 2026-09-07 to 2026-11-23 (latest 1.57)"), so that a pull request
    of many readings reads as one line; a restated reading (same date, another value) is
    said on its own. Returns the sentences and the field changes left to describe."""
    added: list[FieldChange] = []
    removed: list[FieldChange] = []
    rest: list[FieldChange] = []
    said = []
    for c in fields:
        if len(c.path) == 2 and c.path[0] == "values" and (c.old is MISSING) != (c.new is MISSING):
            (added if c.old is MISSING else removed).append(c)
        elif len(c.path) == 3 and c.path[0] == "values" and c.path[2] == "value":
            said.append(f"reading {c.path[1]} restated: {show(c.old)} → {show(c.new)}")
        elif len(c.path) > 2 and c.path[0] == "values":
            rest.append(FieldChange(c.path, c.old, c.new))
        else:
            rest.append(c)
    for changes, verb, side in ((added, "added", "new"), (removed, "removed", "old")):
        if changes:
            said.append(span_words([getattr(c, side) for c in changes], "reading", verb))
    return said, rest


def joint_items(value: Any) -> list[dict[str, Any]]:
    """The joint commitments of a goal's `joint` field (mappings only: the schema reports the rest)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def joint_words(item: dict[str, Any], verb: str = "commits to") -> str:
    """A joint commitment in words: "`support`'s leader `tnguyen` commits to “…”, measured
    by `setup-tickets` reaching 450". The commitment is quoted whole: it is the partner's
    obligation, and a reviewer reads all of it."""
    department, owner = item.get("department"), item.get("owner")
    who = f"`{department}`'s leader" if isinstance(department, str) else "the partner department's leader"
    if isinstance(owner, str):
        who += f" `{owner}`"
    commitment = item.get("commitment")
    what = f"“{commitment}”" if isinstance(commitment, str) else show(commitment)
    metric, target = item.get("metric"), item.get("target")
    measured = ""
    if isinstance(metric, str):
        measured = f", measured by `{metric}`" + (f" reaching {show(target)}" if "target" in item else "")
    elif "target" in item:
        measured = f", to reach {show(target)}"
    return f"{who} {verb} {what}{measured}"


# --- comparing data --------------------------------------------------------------------


def compare(old: Any, new: Any, path: JsonPath = ()) -> list[FieldChange]:
    """Field-level differences between two versions of an entity's data."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[FieldChange] = []
        for key in list(old) + [k for k in new if k not in old]:
            if key not in new:
                out.append(FieldChange(path + (key,), old[key], MISSING))
            elif key not in old:
                out.append(FieldChange(path + (key,), MISSING, new[key]))
            else:
                out.extend(compare(old[key], new[key], path + (key,)))
        return out
    if isinstance(old, list) and isinstance(new, list):
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        for key in (LIST_KEYS.get(name), FALLBACK_KEYS.get(name)):
            if key and all(isinstance(i, dict) and key in i for i in old + new) and _unique(old, key) \
                    and _unique(new, key):
                return _compare_keyed(old, new, path, key)
        if all(not isinstance(i, (dict, list)) for i in old + new):
            removed = [i for i in old if i not in new]
            added = [i for i in new if i not in old]
            return ([FieldChange(path + (i,), i, MISSING) for i in removed] +  # type: ignore[operator]
                    [FieldChange(path + (i,), MISSING, i) for i in added])  # type: ignore[operator]
    return [FieldChange(path, old, new)]


def _unique(items: list[Any], key: str) -> bool:
    """No two items share a key (two readings of one date, R205, are compared whole)."""
    seen = [str(i[key]) for i in items]
    return len(seen) == len(set(seen))


def _compare_keyed(old: list[Any], new: list[Any], path: JsonPath, key: str) -> list[FieldChange]:
    before = {str(i[key]): i for i in old}
    after = {str(i[key]): i for i in new}
    out: list[FieldChange] = []
    for k, item in before.items():
        if k not in after:
            out.append(FieldChange(path + (k,), item, MISSING))
    for k, item in after.items():
        if k not in before:
            out.append(FieldChange(path + (k,), MISSING, item))
        else:
            out.extend(compare(before[k], item, path + (k,)))
    return out


def show(value: Any) -> str:
    if value is MISSING or value is None:
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        text = value if len(value) <= 80 else value[:77] + "..."
        return text if " " not in text and len(text) < 40 else f"“{text}”"
    if isinstance(value, list):
        return ", ".join(show(v) for v in value) or "(empty)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


def describe_field_change(change: FieldChange) -> str:
    path = change.path
    list_name = next((p for p in path[:-1] if isinstance(p, str) and p in ITEM_WORDS), None)
    if list_name and (path.index(list_name) == len(path) - 2):
        item = path[-1]
        words = ITEM_WORDS[list_name]
        if list_name in LIST_KEYS:
            if list_name == "checkins":
                data = change.new if change.old is MISSING else change.old
                value = f" ({show(data.get('value'))})" if isinstance(data, dict) else ""
                label = f"{words} {item}{value}"
            else:
                label = f"{words} `{item}`"
        else:
            label = f"`{item}`"
        if list_name == "joint" and isinstance(change.new if change.old is MISSING else change.old, dict):
            if change.old is MISSING:
                return f"new joint goal: {joint_words(change.new)}"
            if change.new is MISSING:
                return f"{label} removed: {joint_words(change.old, 'no longer commits to')}"
        if change.old is MISSING:
            return f"{label} added" if list_name in LIST_KEYS else f"`{list_name}` + {label}"
        if change.new is MISSING:
            return f"{label} removed" if list_name in LIST_KEYS else f"`{list_name}` − {label}"
    if list_name and list_name in LIST_KEYS:
        i = path.index(list_name)
        where = f"{ITEM_WORDS[list_name]} `{path[i + 1]}`" if list_name != "checkins" else f"check-in {path[i + 1]}"
        inner = path[i + 2:]
        if any(isinstance(p, str) and p in LIST_KEYS for p in inner[:-1]):
            # A list inside an item (a key result's check-ins): "key result on `x`: check-in 2026-11-01 (880) added".
            return f"{where}: {describe_field_change(FieldChange(inner, change.old, change.new))}"
        rest = format_json_path(inner)
        return f"{where}: {rest} {show(change.old)} → {show(change.new)}"
    name = format_json_path(path)
    if change.old is MISSING:
        return f"{name} set to {show(change.new)}"
    if change.new is MISSING:
        return f"{name} removed (was {show(change.old)})"
    return f"{name} {show(change.old)} → {show(change.new)}"


# --- comparing two snapshots -----------------------------------------------------------


def entities(documents: Iterable[Document]) -> dict[str, Document]:
    """id → document (the first definition wins, as in the model)."""
    out: dict[str, Document] = {}
    for doc in documents:
        if isinstance(doc.id, str) and isinstance(doc.kind, str):
            out.setdefault(doc.id, doc)
    return out


def diff_entities(before: dict[str, Document], after: dict[str, Document],
                  context: dict[str, Document] | None = None) -> list[EntityChange]:
    """Entity changes between two id → document maps (only the documents that may have
    changed need to be in them: an entity moves only if its old file changed too)."""
    context = context if context is not None else after
    out = []
    for ident in sorted(set(before) | set(after)):
        old, new = before.get(ident), after.get(ident)
        if old is None and new is not None:
            where = _readings_placement(new) if new.kind == "Readings" else _placement(new, context)
            carried = carried_words(new.data, context) if new.kind == "Goal" else None
            where = ", ".join(w for w in (where, carried) if w)
            out.append(EntityChange(new.kind, ident, "added", new.path, title=title_of(new),
                                    context=where, joint=joint_items(new.data.get("joint"))))
        elif new is None and old is not None:
            out.append(EntityChange(old.kind, ident, "removed", old.path, title=title_of(old),
                                    joint=joint_items(old.data.get("joint"))))
        elif old is not None and new is not None:
            fields = compare(old.data, new.data)
            moved = old.path != new.path
            said = []
            if new.kind == "Goal" and any(c.path == ("result",) and c.old is MISSING for c in fields):
                closed = closed_words(new.data, context)
                if closed:  # the score in words stands for the status and result fields
                    said.append(closed)
                    fields = [c for c in fields if c.path not in (("result",), ("status",))]
            if fields or moved or said:
                out.append(EntityChange(new.kind, ident, "moved" if moved and not fields and not said else "changed",
                                        new.path, old.path if moved else None, title_of(new), fields=fields,
                                        said=said))
    return out


def title_of(doc: Document | None) -> str:
    """What people call an entity: its title, name or company ('' if none)."""
    if doc is None:
        return ""
    for key in ("title", "name", "company"):
        value = doc.data.get(key)
        if isinstance(value, str):
            return value
    return ""


def _readings_placement(doc: Document) -> str:
    """"of metric `arr`: 52 readings, 2025-01-06 to 2025-12-29 (latest 41.2M)"."""
    metric = doc.data.get("metric")
    values = doc.data.get("values")
    where = f"of metric `{metric}`" if isinstance(metric, str) else ""
    summary = span_words(values, "reading", "added") if isinstance(values, list) else ""
    summary = summary.replace(" added,", ",")
    return f"{where}: {summary}" if where and summary else where or summary


def _placement(doc: Document, context: dict[str, Document]) -> str:
    """Where a new entity sits: a goal under its parent, an initiative for its goal…"""
    for key, verb in (("parent", "under"), ("goal", "for"), ("team", "of team"), ("department", "in")):
        target = doc.data.get(key)
        if isinstance(target, str):
            found = context.get(target)
            kind = found.kind.lower() if found is not None else ""
            if verb.startswith(("of", "in")):
                return f"{verb} `{target}`"
            return f"{verb} {kind} `{target}`".replace("  ", " ")
    return ""


# --- loading a revision ----------------------------------------------------------------


@dataclass(slots=True)
class Snapshot:
    label: str  # a commit id, or "working tree"
    loaded: LoadResult


def load_revision(root: Path, commit: str, folder: str, paths: set[str] | None = None,
                  cache: dict[Any, Any] | None = None, include: list[str] | None = None,
                  exclude: list[str] | None = None) -> LoadResult:
    """The strategy files of a commit (all of them, or only `paths`), read from git
    objects, filtered by the configuration's include/exclude globs."""
    from strat import cache as lint_cache, git
    from strat.discover import other_repository_finding
    from strat.load import load_sources, selected

    found = git.tree(root, commit, folder)
    prefix = folder.rstrip("/") + "/"
    tree = {p: s for p, s in revision_files(root, commit, folder, include, exclude).items()
            if paths is None or p in paths}
    # A file already loaded at this path with this blob id (the other side of a diff) is
    # taken as it is: its blob is not read again.
    known = {p: cache[(p, s)] for p, s in tree.items() if cache is not None and (p, s) in cache}
    blobs = git.read_blobs(root, [s for p, s in tree.items() if p not in known])
    contents = {p: blobs[s] for p, s in tree.items() if p not in known and s in blobs}
    loaded = load_sources(contents, cache, lint_cache.read_only_pack(root, root / folder), known)
    if cache is not None:
        for p, raw in contents.items():
            if (p, raw) in cache:
                cache[(p, tree[p])] = cache[(p, raw)]
    for link in found.submodules:
        inside = link[len(prefix):] if link.startswith(prefix) else link
        if selected(inside + "/x.yaml", include, exclude):  # a file in it stands for the folder, as on disk
            loaded.diagnostics.append(other_repository_finding(link, folder))
    return loaded


def revision_files(root: Path, commit: str, folder: str, include: list[str] | None = None,
                   exclude: list[str] | None = None) -> dict[str, str]:
    """{root-relative path: blob id} of the strategy files of a commit that the
    configuration's include/exclude globs select (what `load_revision` reads)."""
    from strat import git
    from strat.load import selected

    prefix = folder.rstrip("/") + "/"
    return {p: s for p, s in git.tree(root, commit, folder).files.items()
            if selected(p[len(prefix):] if p.startswith(prefix) else p, include, exclude)}


def changed_paths(root: Path, base: str, head: str | None, folder: str) -> set[str]:
    """Root-relative strategy files that differ between two commits (or base and the
    working tree when head is None)."""
    from strat import git

    if head is None:
        return {p for p in git.worktree_changes(root, base, folder) if p.endswith((".yaml", ".yml"))}
    before, after = git.list_tree(root, base, folder), git.list_tree(root, head, folder)
    return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}


def iter_sentences(changes: list[EntityChange]) -> Iterator[tuple[EntityChange, str]]:
    for change in changes:
        for sentence in change.sentences():
            yield change, sentence
