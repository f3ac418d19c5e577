"""The lint cache's first look at a strategy folder (strat.lint): its files and what the
index knows of them by their stat alone, before anything is read; then the hashes of the
files it did not know, so a run whose whole result the cache remembers needs no more."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from strat.cache import Pack, open_pack
from strat.diagnostics import Diagnostic


@dataclass(slots=True)
class Scan:
    """The files of a strategy folder and what the cache knows of them by their stat alone
    (`complete`: every file's hash), before anything is read."""

    pack: Pack
    files: list[tuple[Path, str]]
    discovered: list[Diagnostic]
    complete: bool


def scan(root: Path, folder: Path, include: list[str] | None, exclude: list[str] | None) -> Scan | None:
    """Discover the files of the strategy folder `folder` and stat each (no file is read):
    a run whose every file has the stat it had when it was last hashed knows every hash,
    and so the key of its whole result. None when the cache is off or unusable."""
    pack = open_pack(root, folder)
    if pack is None:
        return None
    from strat.load import selected_files

    discovered: list[Diagnostic] = []
    files = selected_files(root, folder, include, exclude, discovered)
    pack.discovered = list(discovered)
    complete = True
    for abs_path, rel in files:
        try:
            st = os.stat(abs_path)
        except OSError:
            complete = False
            continue
        if pack.known(rel, st) is None:
            complete = False
    return Scan(pack, files, discovered, complete)


def hash_the_rest(found: Scan) -> bool:
    """Read and hash the files `scan` did not know by their stat (a file edited, or
    edited and put back): True when every file's hash is then known."""
    from strat.load import read_file

    unknown = sum(1 for _, rel in found.files if rel not in found.pack.shas)
    if not found.pack.old_runs or unknown > max(64, len(found.files) // 16):
        return False  # no whole run to find, or many files changed: they are read once, when loaded
    for abs_path, rel in found.files:
        if rel not in found.pack.shas:
            raw, _ = read_file(abs_path, rel)
            if raw is None:
                return False
            sha = hashlib.sha256(raw).hexdigest()
            found.pack.shas[rel] = sha
            found.pack._remember_stat(rel, sha, abs_path)
    found.complete = True
    return True
