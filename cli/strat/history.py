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
    return commits, _BlobDocs(git.read_blobs(root, shas))


def entity_history(root: Path, folder: str, ident: str, revision: str = "HEAD") -> EntityHistory:
    """Every commit that changed the entity, newest first, with its field changes."""
    commit_id = git.resolve(root, revision)
    commits, docs = _walk(root, folder, commit_id, None)
    needle = ident.encode()
    entries: list[HistoryEntry] = []
    kind: str | None = None
    title = ""
    for commit in commits:
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
        if before is None:
            entries.append(HistoryEntry(commit, "added", after.path))  # type: ignore[union-attr]
        elif after is None:
            entries.append(HistoryEntry(commit, "removed", before.path))
        else:
            fields = compare(before.data, after.data)
            moved = before.path != after.path
            if fields or moved:
                entries.append(HistoryEntry(commit, "moved" if moved and not fields else "changed", after.path,
                                            before.path if moved else None, fields))
    return EntityHistory(ident, kind, title, entries)


def changelog(root: Path, folder: str, revision: str = "HEAD", limit: int | None = 200
              ) -> list[tuple[git.Commit, list[EntityChange]]]:
    """The strategy's changes, newest first: per commit, what it did to each entity."""
    commits, docs = _walk(root, folder, revision, limit)
    out = []
    for commit in commits:
        before: dict[str, Document] = {}
        after: dict[str, Document] = {}
        for path, old, new in commit.files:
            before.update(docs.all(path, old))
            after.update(docs.all(path, new))
        changes = diff_entities(before, after)
        if changes:
            out.append((commit, changes))
    return out
