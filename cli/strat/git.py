"""The only module that talks to git. Plain functions; every call that carries a value
from the user ends git's options first (`--end-of-options` / `--`) so a revision or path
can never be read as an option."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


class GitError(Exception):
    """git is missing, the folder is not a repository, or a command failed."""


def _run(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              encoding="utf-8", errors="replace", check=False,
                              env=_env())
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {args[0]} failed")
    return done.stdout


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    env["GIT_OPTIONAL_LOCKS"] = "0"  # never take locks from a read-only command
    return env


def is_repository(root: Path) -> bool:
    try:
        return _run(root, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except GitError:
        return False


def toplevel(root: Path) -> Path:
    return Path(_run(root, "rev-parse", "--show-toplevel").strip())


def recently_changed(root: Path, since: dt.date, folder: str) -> set[str]:
    """Repo-relative paths under `folder` touched by a commit on or after `since`, plus
    files with uncommitted changes (one `git log`, one `git status`)."""
    top = toplevel(root)
    prefix = Path(root).resolve().relative_to(top.resolve()).as_posix() if root.resolve() != top.resolve() else ""
    out: set[str] = set()
    try:
        log = _run(top, "log", f"--since={since.isoformat()}", "--name-only", "--format=", "--no-renames",
                   "--", folder_spec(prefix, folder))
    except GitError:
        log = ""  # no commits yet
    status = _run(top, "status", "--porcelain", "--untracked-files=all", "-z", "--", folder_spec(prefix, folder))
    names = [line for line in log.splitlines() if line]
    for entry in status.split("\0"):
        if len(entry) > 3:
            names.append(entry[3:])
    for name in names:
        if prefix:
            if not name.startswith(prefix + "/"):
                continue
            name = name[len(prefix) + 1:]
        out.add(name)
    return out


def folder_spec(prefix: str, folder: str) -> str:
    folder = "" if folder == "." else folder
    joined = f"{prefix}/{folder}" if prefix and folder else (prefix or folder)
    return f":(literal){joined}" if joined else "."
