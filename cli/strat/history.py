"""The strategy through git history: one entity's life (`strat history ID`) and the
changelog of the whole strategy (the site's changelog page).

One `git log` walk and one batch read of the blobs it names, never a git process per
commit. Blobs are parsed only when their bytes mention the id asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from strat import git
from strat.changes import EntityChange, FieldChange, compare, diff_entities, entities, title_of
from strat.load import Document, parse_bytes


@dataclass(slots=True)
class HistoryEntry:
    commit: git.Commit
    status: str  # added | removed | changed | moved
    path: str
    old_path: str | None = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass(slots=True)
class EntityHistory:
    id: str
    kind: str | None
    title: str
    entries: list[HistoryEntry]  # newest first
    notes: list[str] = field(default_factory=list)  # what the walk could not show (shallow clone, submodules)
    cut: git.Commit | None = None  # a shallow clone's boundary, where the entity already existed


class _BlobDocs:
    """Parsed documents per (path, blob), parsed lazily and once."""

    def __init__(self, blobs: dict[str, bytes]) -> None:
        self.blobs = blobs
        self.parsed: dict[tuple[str, str], dict[str, Document]] = {}

    def entity(self, path: str, sha: str | None, ident: str, needle: bytes) -> Document | None:
        if sha is None or sha not in self.blobs or needle not in self.blobs[sha]:
            return None
        return self.all(path, sha).get(ident)

    def all(self, path: str, sha: str | None) -> dict[str, Document]:
        if sha is None or sha not in self.blobs:
            return {}
        key = (path, sha)
        if key not in self.parsed:
            source, _ = parse_bytes(self.blobs[sha], path)
            self.parsed[key] = entities(source.documents) if source is not None else {}
        return self.parsed[key]


def _walk(root: Path, folder: str, revision: str, limit: int | None) -> tuple[list[git.Commit], _BlobDocs]:
    commits = git.log(root, folder, revision, limit)
    shas = [s for c in commits for _, old, new in c.files for s in (old, new) if s]
    shas += [s for c in commits for blobs in c.parent_blobs for s in blobs if s]
    return commits, _BlobDocs(git.read_blobs(root, shas))


def cut_note(commit: git.Commit) -> str:
    return (f"history stops at commit {commit.sha[:10]} ({commit.date}): this is a shallow clone, so earlier "
            "changes are not here; fetch them with `git fetch --unshallow` (or `fetch-depth: 0` on "
            "actions/checkout)")


def submodule_note(path: str) -> str:
    return (f"{path} is a git submodule: strat does not read into submodules (lint reports it, E006), so what "
            "it defines is not in diffs or history")


def entity_history(root: Path, folder: str, ident: str, revision: str = "HEAD") -> EntityHistory:
    """Every commit that changed the entity, newest first, with its field changes. A
    merge shows what its resolution made that is in neither parent; a shallow clone's
    boundary commit is not taken for the entity's creation (a note says history stops)."""
    commit_id = git.resolve(root, revision)
    commits, docs = _walk(root, folder, commit_id, None)
    needle = ident.encode("utf-8", "surrogateescape")
    entries: list[HistoryEntry] = []
    notes: list[str] = []
    cut: git.Commit | None = None
    kind: str | None = None
    title = ""
    for commit in commits:
        for path in commit.submodules:
            if submodule_note(path) not in notes:
                notes.append(submodule_note(path))
        if commit.is_merge:
            parents, after = _merge_states(commit, docs, ident, needle)
            before = next((p for p in parents if p is not None), None)
        else:
            before = after = None
            for path, old, new in commit.files:
                before = before or docs.entity(path, old, ident, needle)
                after = after or docs.entity(path, new, ident, needle)
        if before is None and after is None:
            continue
        if kind is None:
            latest = after or before
            kind = latest.kind if latest is not None else None
            title = title_of(latest)
        if commit.cut:  # its parents are missing: "added" here only means "already there"
            notes.append(cut_note(commit))
            cut = commit
            continue
        if commit.is_merge:
            found = resolution(parents, after)
            if found is not None:
                status, base, fields = found
                doc = after or base
                if doc is None:  # never: resolution() answers None when both are missing
                    continue
                entries.append(HistoryEntry(commit, status, doc.path,
                                            base.path if base is not None and base.path != doc.path else None,
                                            fields))
        elif before is None:
            entries.append(HistoryEntry(commit, "added", after.path))  # type: ignore[union-attr]
        elif after is None:
            entries.append(HistoryEntry(commit, "removed", before.path))
        else:
            fields = compare(before.data, after.data)
            moved = before.path != after.path
            if fields or moved:
                entries.append(HistoryEntry(commit, "moved" if moved and not fields else "changed", after.path,
                                            before.path if moved else None, fields))
    return EntityHistory(ident, kind, title, entries, notes, cut)


def _merge_states(commit: git.Commit, docs: _BlobDocs, ident: str, needle: bytes
                  ) -> tuple[list[Document | None], Document | None]:
    """The entity in each parent of a merge and in the merge, from the files it resolved."""
    parents: list[Document | None] = [None] * len(commit.parent_blobs[0])
    after = None
    for (path, _, new), blobs in zip(commit.files, commit.parent_blobs):
        after = after or docs.entity(path, new, ident, needle)
        for k, sha in enumerate(blobs):
            parents[k] = parents[k] or docs.entity(path, sha, ident, needle)
    return parents, after


def resolution(parents: list[Document | None], merged: Document | None
               ) -> tuple[str, Document | None, list[FieldChange]] | None:
    """What a merge did to one entity that none of its parents had: None when the merge
    kept one parent's version (a clean merge repeats nothing its branches did); else
    (status, the closest parent's version, the field changes whose new value is in no
    parent). A conflict resolved to a third value shows; taking a side does not."""
    def same(a: Document | None, b: Document | None) -> bool:
        return a is b or (a is not None and b is not None and a.data == b.data and a.path == b.path)

    if any(same(p, merged) for p in parents):
        return None
    present = [p for p in parents if p is not None]
    if merged is None:
        return "removed", present[0], []
    if not present:
        return "added", None, []
    diffs = [compare(p.data, merged.data) for p in present]
    best = min(range(len(present)), key=lambda k: len(diffs[k]))
    others = [{c.path for c in d} for k, d in enumerate(diffs) if k != best]

    def new_in_every_parent(path: tuple) -> bool:
        return all(any(q[:len(path)] == path or path[:len(q)] == q for q in other) for other in others)

    fields = [f for f in diffs[best] if new_in_every_parent(f.path)]
    moved = all(p.path != merged.path for p in present)
    if not fields and not moved:
        return None
    return ("moved" if moved and not fields else "changed"), present[best], fields


def changelog(root: Path, folder: str, revision: str = "HEAD", limit: int | None = 200
              ) -> list[tuple[git.Commit, list[EntityChange]]]:
    """The strategy's changes, newest first: per commit, what it did to each entity (for
    a merge, what its resolution made that is in neither parent). A shallow clone's
    boundary commit comes with no changes and `commit.cut` set: what it changed is unknown."""
    commits, docs = _walk(root, folder, revision, limit)
    out: list[tuple[git.Commit, list[EntityChange]]] = []
    for commit in commits:
        if commit.cut:
            out.append((commit, []))
            continue
        changes = _merge_changes(commit, docs) if commit.is_merge else _commit_changes(commit, docs)
        if changes:
            out.append((commit, changes))
    return out


def _commit_changes(commit: git.Commit, docs: _BlobDocs) -> list[EntityChange]:
    before: dict[str, Document] = {}
    after: dict[str, Document] = {}
    for path, old, new in commit.files:
        before.update(docs.all(path, old))
        after.update(docs.all(path, new))
    return diff_entities(before, after)


def _merge_changes(commit: git.Commit, docs: _BlobDocs) -> list[EntityChange]:
    parents: list[dict[str, Document]] = [{} for _ in commit.parent_blobs[0]]
    after: dict[str, Document] = {}
    for (path, _, new), blobs in zip(commit.files, commit.parent_blobs):
        after.update(docs.all(path, new))
        for k, sha in enumerate(blobs):
            parents[k].update(docs.all(path, sha))
    out = []
    for ident in sorted(set(after).union(*parents)):
        found = resolution([p.get(ident) for p in parents], after.get(ident))
        if found is None:
            continue
        status, base, fields = found
        doc = after.get(ident) or base
        if doc is None:  # never: resolution() answers None when both are missing
            continue
        out.append(EntityChange(doc.kind, ident, status, doc.path,
                                base.path if base is not None and base.path != doc.path else None,
                                title_of(doc), fields=fields))
    return out
