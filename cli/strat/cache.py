"""The lint cache: per-file parse and schema-validation results, so an unchanged file is
neither parsed nor validated again.

Where: `STRAT_CACHE_DIR` if set, else `$XDG_CACHE_HOME/strat` (default `~/.cache/strat`) on
Linux and other Unixes, `~/Library/Caches/strat` on macOS, `%LOCALAPPDATA%\\strat\\Cache`
on Windows. Never inside the repository being read: a cache folder that resolves inside
it (directly or through a symlink) is not used, since a pull request could then plant
entries. A cache folder that is a symlink to a place outside the repository is used
where it points (the user chose it).

What: per strategy folder (named by the SHA-256 of its absolute path), JSON files (never
pickle or marshal: reading them cannot run code), each with a header, strat's version and
the schemas' hash (a file is ignored when either differs):
- `packs/<name>.json`: one entry per file: the SHA-256 of the file's bytes and what
  `strat.load.parse_bytes` and `strat.validate` made of them (the documents' data, the
  file's findings, each document's schema verdict and findings), and a random token;
  `delta/<name>.json`: the entries changed since, when few did (it names the token);
- `index/<name>.json`, read on every run: each file's stat (size, mtime, ctime, inode)
  with its hash, the last whole lint runs' results, and git's facts (strat.lint);
- `refs/<name>.json`: reference findings per document (strat.refmemo).
An entry is used only for exactly the same bytes at the same path; the documents' value
positions are not stored: they are computed again from the file's text when a finding or
a view asks for one (`Document.values`). A stat is trusted only when all four numbers
match and it was not "racily clean" when recorded (`RACY_NS`).

Safety: a file that is larger than `MAX_PACK_BYTES`, not JSON, of another format, version
or schemas, or whose entries do not have the expected shape, is ignored (as a whole, or
entry by entry); a run then works as without a cache and writes new ones. Writes are a
temp file beside the target, then an atomic rename: two runs sharing the cache each write
whole files and the last rename wins, so a reader sees one complete file or the other.
`--no-cache` (or `STRAT_NO_CACHE=1`) leaves the cache alone; `strat cache clear` deletes it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from strat.diagnostics import Diagnostic, Location, Severity

FORMAT = "strat-cache-2"
MAX_PACK_BYTES = 512 * 1024 * 1024
# A file changed this close to (or after) the start of the run that hashed it may change
# again within the same tick of the file system's clock, keeping its size and times: its
# stat is not remembered (git's "racily clean" entries), so the next run hashes it again.
RACY_NS = 2_000_000_000
_enabled = False  # the library default; the CLI turns it on (strat.cli), --no-cache off


def enable(on: bool = True) -> None:
    """Use the cache in this process (the CLI's default) or not."""
    global _enabled
    _enabled = on and os.environ.get("STRAT_NO_CACHE", "") in ("", "0")


def enabled() -> bool:
    return _enabled


def cache_dir() -> Path:
    """The cache folder (it may not exist yet)."""
    override = os.environ.get("STRAT_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "strat" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "strat"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "strat"


@functools.cache
def _stamp() -> dict[str, str]:
    from strat import __version__, schemas

    digest = hashlib.sha256()
    for name, schema in sorted(schemas.load_all().items()):
        digest.update(name.encode() + b"\0" + json.dumps(schema, sort_keys=True).encode() + b"\0")
    return {"format": FORMAT, "strat": __version__, "schemas": digest.hexdigest()}


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class Pack:
    """The cache of one strategy folder for one run: looked up while loading, saved once
    the documents are validated (strat.lint.check). Two files: the index (every file's
    stat and hash, whole runs' results, git's facts: small, read on every run) and the
    entries (every file's parse and schema results: read only when a file is loaded)."""

    def __init__(self, path: Path, index_path: Path, index: dict[str, Any]) -> None:
        self.path = path
        self.index_path = index_path
        self._old: dict[str, Any] | None = None  # rel -> entry, read on first use (the pack and its delta)
        self._base: dict[str, Any] = {}  # the pack's own entries, and its token
        self._token = ""
        self.new: dict[str, Any] = {}  # rel -> entry kept or to be written (JSON-ready, or a pending file)
        self.pending: dict[str, tuple[str, Any, list[Diagnostic]]] = {}  # rel -> (sha, SourceFile, diags)
        self.shas: dict[str, str] = {}  # rel -> SHA-256 of every file read (or known by its stat) this run
        self.blobs: dict[str, str] = {}  # rel -> git's blob id of the same bytes (`tree_key`)
        self.taken_ns = time.time_ns()  # before any file is read: the racy-stat rule's reference
        self.stats: dict[str, list[int]] = {}  # rel -> stat key seen this run (strat.cache.scan)
        self.stat_old: dict[str, Any] = _dict(index.get("stat"))  # rel -> [size, mtime_ns, ctime_ns, ino, sha]
        self.stat_new: dict[str, list[Any]] = {}
        self.old_runs: dict[str, Any] = _dict(index.get("runs"))  # run key -> a whole lint run's result
        self.runs: dict[str, Any] = {}
        self.git_old: dict[str, Any] = _dict(index.get("git"))  # key -> git's facts (strat.lint)
        self.git_new: dict[str, Any] = {}
        self.discovered: list[Diagnostic] = []  # discovery's findings (part of a whole run's key)
        self.defer = False  # strat.lint saves once, with the run's result

    @property
    def old(self) -> dict[str, Any]:
        if self._old is None:
            self._base, self._token = _read_entries(self.path)
            self._old = dict(self._base)
            delta = _read_json(self._delta_path())
            if self._token and delta.get("base") == self._token:  # the changes since that pack was written
                self._old.update(_dict(delta.get("files")))
                gone = delta.get("gone")
                for rel in gone if isinstance(gone, list) else []:
                    if isinstance(rel, str):
                        self._old.pop(rel, None)
        return self._old

    def _delta_path(self) -> Path:
        return self.path.parent.parent / "delta" / self.path.name

    def known(self, rel: str, st: os.stat_result) -> str | None:
        """The hash of the file at `rel` when its stat is the one remembered with it."""
        key = _stat_key(st)
        self.stats[rel] = key
        entry = self.stat_old.get(rel)
        if type(entry) is list and len(entry) == 5 and entry[:4] == key and type(entry[4]) is str \
                and len(entry[4]) == 64:
            self.shas[rel] = entry[4]
            self.stat_new[rel] = entry
            return entry[4]
        return None

    def lookup(self, rel: str, raw: bytes, abs_path: Path | None = None) -> tuple[Any, list[Diagnostic]] | None:
        """The cached (SourceFile | None, diagnostics) of these bytes at this path, or None."""
        sha = hashlib.sha256(raw).hexdigest()
        self.shas[rel] = sha
        self._remember_stat(rel, sha, abs_path)
        self.blobs[rel] = blob_id(raw)
        entry = self.old.get(rel)
        if isinstance(entry, dict) and entry.get("sha256") == sha:
            try:
                found = _from_entry(rel, raw, entry)
            except (TypeError, ValueError, KeyError, IndexError, AttributeError, UnicodeDecodeError):
                found = None  # a damaged entry: read the file as without a cache
            if found is not None:
                self.new[rel] = entry
                return found
        self.pending[rel] = (sha, None, [])
        return None

    def _remember_stat(self, rel: str, sha: str, abs_path: Path | None) -> None:
        key = self.stats.get(rel)
        if key is None and abs_path is not None:
            try:
                key = _stat_key(os.stat(abs_path))
            except OSError:
                return
        if key is not None and max(key[1], key[2]) < self.taken_ns - RACY_NS:
            self.stat_new[rel] = [*key, sha]
        else:
            self.stat_new.pop(rel, None)

    def peek(self, rel: str, raw: bytes) -> tuple[Any, list[Diagnostic]] | None:
        """`lookup` without keeping anything for this run: for files read from git (the
        sides of `strat diff`, `strat history`), which share most of their bytes with
        the working tree the pack was made from. A blob at the same path with the same
        bytes is the same file."""
        entry = self.old.get(rel)
        if not (isinstance(entry, dict) and entry.get("sha256") == hashlib.sha256(raw).hexdigest()):
            return None
        try:
            return _from_entry(rel, raw, entry)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, UnicodeDecodeError):
            return None

    def parsed(self, rel: str, source: Any, diagnostics: list[Diagnostic]) -> None:
        """What the loader made of a file `lookup` did not find."""
        sha = self.pending[rel][0]
        self.pending[rel] = (sha, source, diagnostics)

    def save(self) -> None:
        """Write what changed (files parsed or gone; stats, runs, git's facts). Never
        raises: a cache that cannot be written only makes the next run slower."""
        entries = self._old is not None and (bool(self.pending) or set(self.new) != set(self._old))
        index = self.stat_new != self.stat_old or bool(self.runs) or bool(self.git_new)
        if not entries and not index:
            return
        from strat.load import no_gc

        with no_gc():  # many small lists, none cyclic: the collector would only walk the documents again
            if entries and not self._save_entries():
                return
            if index:
                self._save_index()

    def _save_entries(self) -> bool:
        """The entries as a delta against the pack when few changed (a file beside it that
        names the pack it amends), else a whole new pack."""
        entries = dict(self.new)
        for rel, (sha, source, diagnostics) in self.pending.items():
            entry = _to_entry(sha, source, diagnostics)
            if entry is not None:
                entries[rel] = entry
        changed = {rel: e for rel, e in entries.items() if self._base.get(rel) is not e}
        gone = [rel for rel in self._base if rel not in entries]
        try:
            if self._token and len(changed) + len(gone) <= max(MIN_DELTA, len(entries) // 16):
                text = json.dumps({**_stamp(), "base": self._token, "files": changed, "gone": gone},
                                  ensure_ascii=False, separators=(",", ":"), allow_nan=True)
                _write_atomic(self._delta_path(), text.encode("utf-8"))
            else:
                token = secrets.token_hex(16)
                text = json.dumps({**_stamp(), "token": token, "files": entries}, ensure_ascii=False,
                                  separators=(",", ":"), allow_nan=True)
                _write_atomic(self.path, text.encode("utf-8"))
                self._base, self._token = entries, token
        except (OSError, ValueError, TypeError):
            return False
        self._old, self.new, self.pending = entries, dict(entries), {}
        return True

    def _save_index(self) -> None:
        runs = {**{k: v for k, v in self.old_runs.items() if k not in self.runs}, **self.runs}
        runs = dict(list(runs.items())[-MAX_RUNS:])
        git = {**{k: v for k, v in self.git_old.items() if k not in self.git_new}, **self.git_new}
        git = dict(list(git.items())[-MAX_RUNS:])
        try:
            text = json.dumps({**_stamp(), "stat": self.stat_new, "runs": runs, "git": git}, ensure_ascii=False,
                              separators=(",", ":"), allow_nan=True)
            _write_atomic(self.index_path, text.encode("utf-8", "surrogateescape"))
        except (OSError, ValueError, TypeError, UnicodeEncodeError):
            return
        self.stat_old, self.old_runs, self.runs, self.git_old, self.git_new = dict(self.stat_new), runs, {}, git, {}

    # --- a whole run's result (the cross-file checks: references, rules, ignores) ---------

    def run_key(self, facts: Any) -> str | None:
        """The key of a lint run: every file's bytes (by hash) and everything else the
        cross-file checks read (`facts`: configuration, options, the day, git's facts,
        discovery's findings); None when a file was not hashed (nothing to key on). A
        file's own findings (E001-E008) are a function of its path and bytes."""
        try:
            blob = json.dumps([_stamp(), facts], sort_keys=True, default=repr)
        except (TypeError, ValueError):
            return None
        digest = hashlib.sha256(blob.encode("utf-8", "surrogateescape"))
        # A path holds no NUL or newline that a hash could be confused with: one line each.
        digest.update("".join(f"\n{rel}\0{sha}" for rel, sha in sorted(self.shas.items()))
                      .encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def run_result(self, key: str) -> tuple[list[Diagnostic], int, int] | None:
        """(diagnostics, files, documents) of a run with this key, or None."""
        entry = self.old_runs.get(key)
        if not isinstance(entry, dict):
            return None
        try:
            files, documents = entry["files"], entry["documents"]
            if type(files) is not int or type(documents) is not int:
                return None
            found = [_diag_in(d) for d in entry["diagnostics"]]
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None
        return found, files, documents

    def remember_run(self, key: str, diagnostics: list[Diagnostic], files: int, documents: int,
                     tree: str | None = None, unresolved: set[str] | None = None) -> None:
        """`tree`: the run's `tree_key` too, so that `strat diff` finds it for a commit
        whose files are these (strat.diffcache), with the model's unresolved ids."""
        entry: dict[str, Any] = {"files": files, "documents": documents,
                                 "diagnostics": [diagnostic_json(d) for d in diagnostics]}
        if tree is not None:
            entry["tree"], entry["unresolved"] = tree, sorted(unresolved or ())
        self.runs[key] = entry

    def tree_result(self, tree: str, leave_out: str = "") -> tuple[list[Diagnostic], set[str]] | None:
        """(diagnostics, unresolved ids) of a remembered run whose `tree_key` is `tree`,
        without the findings of the code `leave_out`."""
        for entry in self.old_runs.values():
            if isinstance(entry, dict) and entry.get("tree") == tree:
                return run_entry(entry, leave_out)
        return None

    # --- git's facts, keyed by what they are a function of (strat.lint) -------------------

    def git_fact(self, key: str) -> Any:
        return self.git_new.get(key, self.git_old.get(key))

    def remember_git_fact(self, key: str, value: Any) -> None:
        self.git_new[key] = value


MIN_DELTA = 64  # entries a delta may hold whatever the pack's size (else 1/16 of them)
MAX_RUNS = 8  # whole-run results (and git facts) kept per pack (a few days, options or configurations)


def blob_id(raw: bytes) -> str:
    """git's id (SHA-1) of a blob of these bytes, as `git hash-object` computes it."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.hexdigest()


def tree_key(files: dict[str, str], facts: Any) -> str:
    """The key of a lint result by the git blob id of every file (root-relative path ->
    blob id) and the rest of what it depends on (`facts`): what `strat lint` records and
    `strat diff` looks up for a commit without reading its blobs."""
    blob = json.dumps([_stamp(), sorted(files.items()), facts], sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


def run_entry(entry: Any, leave_out: str = "") -> tuple[list[Diagnostic], set[str]] | None:
    """(diagnostics, unresolved ids) of a stored result, without the findings of the code
    `leave_out`; None when damaged."""
    try:
        found = [_diag_in(d) for d in entry["diagnostics"] if not (leave_out and d[0] == leave_out)]
        unresolved = entry["unresolved"]
        if type(unresolved) is not list or any(type(u) is not str for u in unresolved):
            return None
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None
    return found, set(unresolved)


def read_only_pack(root: Path, folder: Path) -> Pack | None:
    """The pack of a strategy folder, opened once per process, for `Pack.peek` (what
    `strat diff` and `strat history` read from git); never saved from here."""
    key = (str(root), str(folder), _enabled, os.environ.get("STRAT_CACHE_DIR", ""))
    pack = _read_only.get(key)
    if pack is not None and pack[1] is not None and pack[0] != _signature(pack[1]):
        pack = None  # written since (by another command in this process)
    if pack is None:
        opened = open_pack(root, folder)
        pack = _read_only[key] = (_signature(opened) if opened is not None else None, opened)
    return pack[1]


def _signature(pack: Pack) -> tuple[int, ...] | None:
    """When and how big the pack's index and entries were written (runs live in the index)."""
    try:
        index, entries = pack.index_path.stat(), pack.path.stat()
    except OSError:
        return None
    return index.st_mtime_ns, index.st_size, entries.st_mtime_ns, entries.st_size


_read_only: dict[tuple[Any, ...], tuple[tuple[int, ...] | None, Pack | None]] = {}


def open_pack(root: Path, folder: Path) -> Pack | None:
    """The cache pack of the strategy `folder` of the repository at `root`, when the cache
    is on and its folder is usable (not inside the repository); None otherwise. Only its
    index is read here; its entries when a file is looked up."""
    if not _enabled:
        return None
    try:
        where = cache_dir().resolve()
        repo = root.resolve()
        if _inside(where, repo):
            return None  # a pull request could plant entries there
        name = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
        path = where / "packs" / f"{name}.json"
        index_path = where / "index" / f"{name}.json"
    except (OSError, RuntimeError, ValueError):
        return None
    return Pack(path, index_path, _read_json(index_path))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _read_entries(path: Path) -> tuple[dict[str, Any], str]:
    """A pack's entries and its token (what a delta names)."""
    pack = _read_json(path)
    token = pack.get("token")
    return _dict(pack.get("files")), token if isinstance(token, str) else ""


def _read_json(path: Path) -> dict[str, Any]:
    """A pack or index file as read, or an empty one when it is missing, too large,
    damaged or foreign."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_PACK_BYTES:
                return {}
            raw = handle.read()  # not read(MAX + 1): that would allocate the whole limit at once
        if len(raw) > MAX_PACK_BYTES:
            return {}
        pack = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(pack, dict) or any(pack.get(k) != v for k, v in _stamp().items()):
        return {}
    return pack


def _write_atomic(path: Path, content: bytes) -> None:
    """A temp file beside `path` (same file system), then a rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


# The cache folder's subfolders: packs, their indexes, deltas and reference findings, and
# strat diff's sides (strat.diffcache).
FOLDERS = ("packs", "index", "delta", "refs", "sides")


def clear() -> tuple[Path, int]:
    """Delete every pack, its index (and temp files) of the cache folder; (folder, packs removed)."""
    where = cache_dir()
    removed = 0
    for sub in FOLDERS:
        folder = where / sub
        if folder.is_dir() and not folder.is_symlink():
            for item in folder.iterdir():
                if item.is_file() and not item.is_symlink() and item.suffix == ".json":
                    item.unlink()
                    removed += sub == "packs"
    return where, removed


def info() -> dict[str, Any]:
    """The cache folder, whether it is on, its packs and their size (with their indexes)."""
    where = cache_dir()
    found = {sub: [p for p in (where / sub).glob("*.json")] if (where / sub).is_dir() else [] for sub in FOLDERS}
    return {"folder": str(where), "enabled": _enabled, "packs": len(found["packs"]),
            "bytes": sum(p.stat().st_size for ps in found.values() for p in ps if p.is_file()), "format": FORMAT}


# --- entries ----------------------------------------------------------------------------


def diagnostic_json(d: Diagnostic) -> list[Any]:
    loc = d.location
    return [d.code, d.severity.value, d.message, loc.path, loc.line, loc.column, loc.json_path,
            [[r.path, r.line, r.column, r.json_path] for r in d.related]]


def _diag_in(item: list[Any]) -> Diagnostic:
    code, severity, message, path, line, column, json_path, related = item
    for value, kind in ((code, str), (message, str), (path, str), (json_path, str), (line, int), (column, int)):
        if type(value) is not kind:
            raise TypeError("entry")
    return Diagnostic(code, Severity(severity), message, Location(path, line, column, json_path),
                      tuple(_location_in(r) for r in related))


def _location_in(item: list[Any]) -> Location:
    path, line, column, json_path = item
    if type(path) is not str or type(line) is not int or type(column) is not int or type(json_path) is not str:
        raise TypeError("entry")
    return Location(path, line, column, json_path)


def _to_entry(sha: str, source: Any, diagnostics: list[Diagnostic]) -> dict[str, Any] | None:
    """A file's entry; None when a document was not validated (nothing to store yet)."""
    docs = []
    if source is not None:
        for doc in source.documents:
            if doc.checked is None:
                return None
            known, findings = doc.checked
            docs.append([doc.index, doc.data, list(doc.position), known, [diagnostic_json(d) for d in findings]])
    return {"sha256": sha, "parsed": source is not None,
            "empty_tail": source.empty_tail if source is not None else None,
            "diagnostics": [diagnostic_json(d) for d in diagnostics], "documents": docs}


def _from_entry(rel: str, raw: bytes, entry: dict[str, Any]) -> tuple[Any, list[Diagnostic]] | None:
    from strat.load import Document, SourceFile, decode_text, lazy_positions

    diagnostics = [_diag_in(d) for d in entry["diagnostics"]]
    if any(d.location.path != rel for d in diagnostics):
        return None
    if not entry["parsed"]:
        return None, diagnostics
    text = decode_text(raw)
    documents = []
    for index, data, position, known, findings in entry["documents"]:
        if type(index) is not int or type(data) is not dict or type(known) is not bool:
            return None
        line, column = position
        if type(line) is not int or type(column) is not int:
            return None
        doc = Document(rel, index, data, (line, column), None, None)
        checked = [_diag_in(d) for d in findings]
        if any(d.location.path != rel for d in checked):
            return None
        doc.checked = (known, checked)
        documents.append(doc)
    tail = entry["empty_tail"]
    if tail is not None and type(tail) is not int:
        return None
    lazy_positions(text, rel, documents)
    return SourceFile(rel, text, documents, tail), diagnostics
