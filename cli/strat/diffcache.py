"""Lint results of whole commits, found by git blob ids: what lets `strat diff` (and
`strat.history`'s callers) skip linting a side whose files were linted before.

A side of a diff is a commit's strategy files, {root-relative path: blob id}, which
`git ls-tree` gives without reading a blob. Its key (`strat.cache.tree_key`) is those
ids and everything else the result depends on (the folder, `strat.yaml`, the day, the
submodules). Two places hold results under such keys, both in the lint cache's folder
(never in the repository: `strat.cache.open_pack` refuses one inside it):

* `strat lint` records the key of the files it read (git's blob id of each file's
  bytes, computed as it hashes them) with its whole-run result (`Pack.remember_run`).
  `strat diff` lints without the stale-goal rule (A311) and without git's facts, so
  that result serves a side only when it differs from diff's by A311's findings alone:
  the run read every file of the strategy folder, found no submodule or other
  repository (E006), and no file names A311 (an ignore comment for it would be judged
  differently). Otherwise nothing is recorded.
* `strat diff` keeps each side it had to lint in a file of the cache folder's `sides/`
  (named by the pack and the key; JSON, the same header check; the `MAX_SIDES` newest
  of a strategy folder are kept), so a lookup reads one side only.

Both also keep the model's unresolved ids, so the numbers (`strat.diffnumbers`) are
measured on a model built without checking references again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from strat.cache import (MAX_PACK_BYTES, _stamp, _write_atomic, diagnostic_json, read_only_pack, run_entry,
                         tree_key)
from strat.diagnostics import Diagnostic

if TYPE_CHECKING:
    from strat.config import Config
    from strat.lint import LintOptions, LintResult
    from strat.load import LoadResult

MAX_SIDES = 8


def _folder(root: Path, folder: Path | str) -> str:
    from strat.load import relative_path

    return relative_path(root, root / folder)


def _lint_facts(folder: str, config: "Config", select: tuple[str, ...], ignore: tuple[str, ...],
                today: dt.date) -> list[Any]:
    return ["lint", folder, repr(config), list(select), list(ignore), today.isoformat()]


def _diff_facts(folder: str, config: "Config", today: dt.date, submodules: tuple[str, ...]) -> list[Any]:
    return ["diff", folder, repr(config), today.isoformat(), sorted(submodules)]


def lint_tree(root: Path, folder: Path, config: "Config", options: "LintOptions", loaded: "LoadResult",
              result: "LintResult") -> str | None:
    """The `tree_key` under which `strat lint` records its result, or None when that
    result must not stand for a commit's (see the module's docstring)."""
    pack = loaded.pack
    if pack is None or options.fixes or not options.use_git or result.model is None or not folder.is_dir():
        return None
    read = set(pack.shas)
    if set(pack.blobs) != read or any(f.path not in read for f in loaded.files):
        return None
    if any(d.location.path not in read for d in loaded.diagnostics):
        return None  # a finding about a file not read (too large, a link): git would show it otherwise
    if any(d.code == "E006" for d in result.diagnostics) or any("A311" in f.text for f in loaded.files):
        return None
    today = options.today or dt.date.today()
    return tree_key(pack.blobs, _lint_facts(_folder(root, folder), config, options.select, options.ignore, today))


def side_result(root: Path, folder: str, files: dict[str, str], submodules: tuple[str, ...], config: "Config",
                today: dt.date) -> tuple[list[Diagnostic], set[str]] | None:
    """(diagnostics as `strat diff` lints a side, unresolved ids) of a commit's files
    {path: blob id}, when a run remembered them; None otherwise."""
    pack = read_only_pack(root, root / folder)
    if pack is None:
        return None
    rel = _folder(root, folder)
    entry = _read_side(_side_path(pack.path, tree_key(files, _diff_facts(rel, config, today, submodules))))
    found = run_entry(entry) if entry is not None else None
    if found is not None or submodules:
        return found
    return pack.tree_result(tree_key(files, _lint_facts(rel, config, (), (), today)), leave_out="A311")


def remember_side(root: Path, folder: str, files: dict[str, str], submodules: tuple[str, ...], config: "Config",
                  today: dt.date, diagnostics: list[Diagnostic], unresolved: set[str]) -> None:
    """Keep a side `strat diff` linted (one file; the `MAX_SIDES` newest of a strategy
    folder are kept). Never raises: a cache that cannot be written only makes the next
    run slower."""
    pack = read_only_pack(root, root / folder)
    if pack is None:
        return
    path = _side_path(pack.path, tree_key(files, _diff_facts(_folder(root, folder), config, today, submodules)))
    try:
        text = json.dumps({**_stamp(), "diagnostics": [diagnostic_json(d) for d in diagnostics],
                           "unresolved": sorted(unresolved)}, ensure_ascii=False, separators=(",", ":"),
                          allow_nan=True)
        _write_atomic(path, text.encode("utf-8"))
        kept = sorted(path.parent.glob(path.name.split("-")[0] + "-*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-MAX_SIDES]:
            old.unlink()
    except (OSError, ValueError, TypeError):
        return


def _side_path(pack: Path, key: str) -> Path:
    """`sides/<the pack's name>-<key>.json` in the cache folder (`strat cache clear`
    empties it too)."""
    return pack.parent.parent / "sides" / f"{pack.stem}-{key}.json"


def _read_side(path: Path) -> dict[str, Any] | None:
    """A kept side, or None when it is missing, too large, damaged or foreign."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_PACK_BYTES:
                return None
            data = json.loads(handle.read())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or any(data.get(k) != v for k, v in _stamp().items()):
        return None
    return data
