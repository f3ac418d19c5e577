"""Which files the strategy is: discovery below the strategy folder, and the
include/exclude selection of `strat.yaml`. Used by `strat.load`, which reads them.

Discovery never leaves the repository: symlinks are followed only while they stay inside
it, and a folder that is another git repository (a submodule, or a clone with its own
`.git`) is reported once and not read (see `find_files`)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

from strat.diagnostics import Diagnostic, Location, Severity

YAML_SUFFIXES = (".yaml", ".yml")


def find_files(
    root: Path, folder: Path, diagnostics: list[Diagnostic],
    excluded_folder: Callable[[str], bool] | None = None,
) -> list[tuple[Path, str]]:
    """Every *.yaml / *.yml below `folder`, as (absolute path, repo-relative path), sorted.

    Symlinks are followed only while they stay inside `root`; one that leads outside is
    reported (E006) and its target never read. Symlink loops are reported, not followed
    forever. Hidden folders (``.git``) are skipped. A folder below `root` that is another
    git repository (it holds a ``.git`` file or folder: a submodule or a nested clone) is
    reported once (E006) and not read, unless `excluded_folder(repo-relative path)` says
    the configuration leaves it out anyway."""
    root_real = Path(os.path.realpath(root))
    found: list[tuple[Path, str]] = []
    seen_dirs: set[str] = set()
    for above in _folders_between(root, folder):  # `strat lint strategy/vendor/goals`: the same answer
        other = _other_repository(above, root_real)
        if other:
            diagnostics.append(_other_repository_diag(root, above, folder, other))
            return []
    if folder.is_file() or folder.is_symlink() and not folder.is_dir():
        stack: list[Path] = []
        candidates = [folder]
        unchecked = {folder}  # links not yet vetted (those found in folders are vetted as they are found)
    else:
        stack, candidates, unchecked = [folder], [], set()
    while stack:
        current = stack.pop()
        real = os.path.realpath(current)
        if real in seen_dirs:
            continue
        seen_dirs.add(real)
        other = _other_repository(current, root_real)
        if other:
            if excluded_folder is None or not excluded_folder(relative_path(root, current)):
                diagnostics.append(_other_repository_diag(root, current, folder, other))
            continue
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            diagnostics.append(_file_diag(root, current, "E006", f"cannot read folder: {exc.strerror}"))
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                problem = _symlink_problem(path, root_real)
                if problem:
                    if entry.name.endswith(YAML_SUFFIXES) or _is_dir_quiet(path):
                        diagnostics.append(_file_diag(root, path, "E006", problem))
                    continue
            if _entry_is_dir(entry):  # the DirEntry's own type: no stat for a plain file or folder
                subdirs.append(path)
            elif entry.name.endswith(YAML_SUFFIXES):
                candidates.append(path)
        stack.extend(reversed(subdirs))
    root_abs = os.path.abspath(root)
    for path in candidates:
        if path in unchecked and path.is_symlink():
            problem = _symlink_problem(path, root_real)
            if problem:
                diagnostics.append(_file_diag(root, path, "E006", problem))
                continue
        found.append((path, _relative_fast(root_abs, path)))
    found.sort(key=lambda item: item[1])
    return found


def _entry_is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows a symlink, as Path.is_dir does
    except OSError:
        return False


def _relative_fast(root_abs: str, path: Path) -> str:
    """`relative_path` without pathlib's parsing, for the many files of a large strategy."""
    full = os.path.abspath(path)
    if full.startswith(root_abs + os.sep):
        return full[len(root_abs) + 1:].replace(os.sep, "/")
    return relative_path(Path(root_abs), path)


def _other_repository(path: Path, root_real: Path) -> str | None:
    """What kind of other git repository the folder `path` is, or None: a folder below the
    repository root with a `.git` of its own."""
    if Path(os.path.realpath(path)) == root_real:
        return None
    marker = os.path.join(path, ".git")
    if os.path.isfile(marker) and not os.path.islink(marker):
        return "a git submodule (another repository)"
    if os.path.lexists(marker):
        return "another git repository (it has its own `.git`)"
    return None


def _folders_between(root: Path, target: Path) -> list[Path]:
    """The folders strictly between `root` and `target` (and `target`'s own folder when it
    is a file), outermost first."""
    root_abs, path = Path(os.path.abspath(root)), Path(os.path.abspath(target))
    if root_abs not in path.parents:
        return []
    out = []
    current = path if path.is_dir() and not path.is_symlink() else path.parent
    if current == path:
        current = current.parent
    while current != root_abs and root_abs in current.parents:
        out.append(current)
        current = current.parent
    return out[::-1]


def _other_repository_diag(root: Path, where: Path, folder: Path, what: str) -> Diagnostic:
    return other_repository_finding(relative_path(root, where), relative_path(root, folder), what)


def other_repository_finding(rel_dir: str, folder: str, what: str = "a git submodule (another repository)") -> Diagnostic:
    """The one E006 for a submodule or nested repository at `rel_dir` (repo-relative) below
    the strategy folder `folder`: lint (on disk) and `strat diff` (from git objects) name it
    in the same words, so one present on both sides is neither introduced nor fixed."""
    base = folder.rstrip("/")
    in_folder = rel_dir[len(base) + 1:] if base not in ("", ".") and rel_dir.startswith(base + "/") else rel_dir
    return Diagnostic("E006", Severity.ERROR, (
        f"`{rel_dir}` is {what}: strat does not read it, as its files and history are not this repository's; "
        f"copy the files in, or exclude it in strat.yaml (`exclude: [\"{in_folder}/**\"]`)"), Location(rel_dir, 1, 1))


def _is_dir_quiet(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _symlink_problem(path: Path, root_real: Path) -> str | None:
    try:
        target = Path(path).resolve(strict=True)
    except RuntimeError:
        return "symlink loop: the link never reaches a file"
    except OSError:
        return "broken symlink: its target does not exist"
    if target != root_real and root_real not in target.parents:
        return "symlink leads outside the repository; refusing to read it"
    return None


def relative_path(root: Path, path: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _file_diag(root: Path, path: Path, code: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, Location(relative_path(root, path), line, column))


# --- selection -----------------------------------------------------------------------


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob as a regex: `**/` any folders (or none), `*` within one name, `?` one
    character. Python 3.11's `PurePath.match` has no `**`."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def selected(path_in_folder: str, include: list[str] | None, exclude: list[str] | None) -> bool:
    """Whether a file (relative to the strategy folder) is linted under include/exclude."""
    if include and not any(glob_regex(p).match(path_in_folder) for p in include):
        return False
    return not (exclude and any(glob_regex(p).match(path_in_folder) for p in exclude))
