"""The lint cache's memory of reference findings (R201, R203), so that a run in which a
few files changed resolves the references of those files only.

A document's R201/R203 findings (`strat.refs._unresolved_in`) are a function of its own
data and positions, of the model's namespace (every id with its kind, in document order;
the Strategy's values and periods; the people's names and emails, which the hints read)
and of the positions of the ids its findings point to (their related locations). So a
run keeps, beside the pack (`refs/<pack name>.json`): the namespace's hash, every file's
hash, and the findings of each document that had any. The next run reuses a document's
findings when the namespace hash is the same, its file has the same hash, and no file its
findings point to changed; it resolves every other document again. A file is JSON like
the pack; a damaged or foreign one is ignored (every document resolved again)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from strat.cache import Pack, _dict, _diag_in, _read_json, _stamp, _write_atomic, diagnostic_json
from strat.diagnostics import Diagnostic
from strat.load import Document
from strat.model import Model


def namespace_key(model: Model) -> str:
    """The hash of everything of the model but a document's own data that its R201/R203
    findings read."""
    ids = [[doc.id, doc.kind] for doc in model.documents if isinstance(doc.id, str)]
    people = [[p.id, p.data.get("name"), p.data.get("email")] for p in model.of_kind("Person")]
    blob = json.dumps([ids, list(model.values), list(model.periods), people], default=repr, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


class RefMemo:
    """One run's use of the memory (`kept`, `found`, then `save`)."""

    def __init__(self, pack: Pack, model: Model) -> None:
        self.path = pack.path.parent.parent / "refs" / pack.path.name
        self.key = namespace_key(model)
        self.shas = dict(pack.shas)  # rel -> hash of every file of this run
        old = _read_json(self.path)
        self.old_files = _dict(old.get("files"))
        self.old_found = _dict(old.get("found"))
        self.usable = old.get("key") == self.key
        self.changed = {rel for rel, sha in self.old_files.items() if self.shas.get(rel) != sha}
        self.changed.update(rel for rel, sha in self.shas.items() if self.old_files.get(rel) != sha)
        self.found_now: dict[str, dict[str, Any]] = {}

    def kept(self, doc: Document) -> list[Diagnostic] | None:
        """The document's findings of the earlier run, or None: resolve it again."""
        if not self.usable or doc.path in self.changed or doc.path not in self.shas:
            return None
        per_file = self.old_found.get(doc.path, {})
        items = per_file.get(str(doc.index), []) if isinstance(per_file, dict) else None
        try:
            found = [_diag_in(item) for item in items]  # type: ignore[union-attr]
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None
        if any(d.location.path != doc.path or d.code not in ("R201", "R203") or
               any(r.path in self.changed or r.path not in self.shas for r in d.related) for d in found):
            return None
        if items:
            self.found_now.setdefault(doc.path, {})[str(doc.index)] = items
        return found

    def found(self, doc: Document, findings: list[Diagnostic]) -> None:
        if findings:
            self.found_now.setdefault(doc.path, {})[str(doc.index)] = [diagnostic_json(d) for d in findings]

    def save(self) -> None:
        """Write the memory when anything changed; never raises."""
        if self.usable and not self.changed and self.found_now == self.old_found:
            return
        try:
            text = json.dumps({**_stamp(), "key": self.key, "files": self.shas, "found": self.found_now},
                              ensure_ascii=False, separators=(",", ":"))
            _write_atomic(self.path, text.encode("utf-8", "surrogateescape"))
        except (OSError, ValueError, TypeError, UnicodeEncodeError):
            return
