"""The only module that talks to git. Plain functions; every call that carries a value
from the user ends git's options first (`--end-of-options` / `--`) so a revision or path
can never be read as an option."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """git is missing, the folder is not a repository, or a command failed."""


def _run(root: Path, *args: str) -> str:
    return _run_bytes(root, *args).decode("utf-8", "replace")


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


# --- revisions and objects (strat diff, strat history) ----------------------------------


class RevisionError(GitError):
    """A revision that cannot be used: refused, unknown, or missing from a shallow clone."""


def resolve(root: Path, revision: str) -> str:
    """The commit id a user-given revision names. Values starting with `-` are refused
    (they would be read as options); an unknown revision gets a clear error, with the
    fetch command when the clone is shallow."""
    if not revision or revision.startswith("-") or "\0" in revision or "\n" in revision:
        raise RevisionError(f"refusing revision {revision!r}: it must name a commit, not an option")
    try:
        return _run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}").strip()
    except GitError:
        pass
    if is_shallow(root):
        raise RevisionError(
            f"unknown revision {revision!r}: this is a shallow clone and it may not hold that commit; fetch the "
            "history first (`git fetch --unshallow`, or `fetch-depth: 0` on actions/checkout)") from None
    raise RevisionError(f"unknown revision {revision!r}: no commit by that name in this repository") from None


def is_shallow(root: Path) -> bool:
    try:
        return _run(root, "rev-parse", "--is-shallow-repository").strip() == "true"
    except GitError:
        return False


def prefix_of(root: Path) -> str:
    """`root`'s path inside its git work tree ('' at the top)."""
    top = toplevel(root).resolve()
    here = Path(root).resolve()
    return "" if here == top else here.relative_to(top).as_posix()


def list_tree(root: Path, commit: str, folder: str) -> dict[str, str]:
    """{root-relative path: blob id} of the *.yaml / *.yml files below `folder` at `commit`.
    Symlinks (mode 120000) are left out: strat never follows them from history."""
    prefix = prefix_of(root)
    out = _run_bytes(root, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit, "--",
                     folder_spec(prefix, folder))
    files: dict[str, str] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, sha = meta.split()
        path = name.decode("utf-8", "replace")
        if kind != b"blob" or mode == b"120000" or not path.endswith((".yaml", ".yml")):
            continue
        files[path[len(prefix) + 1:] if prefix else path] = sha.decode()
    return files


def read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """Read many blobs with one `git cat-file --batch` process."""
    unique = list(dict.fromkeys(shas))
    if not unique:
        return {}
    data = _run_bytes(root, "cat-file", "--batch", stdin=("\n".join(unique) + "\n").encode())
    out: dict[str, bytes] = {}
    pos = 0
    for sha in unique:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        out[sha] = data[pos:pos + size]
        pos += size + 1
    return out


def _run_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False,
                              env=_env())
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def worktree_changes(root: Path, base: str, folder: str) -> set[str]:
    """Root-relative paths below `folder` that differ between `base` and the working
    tree, untracked files included."""
    prefix = prefix_of(root)
    spec = folder_spec(prefix, folder)
    changed = _run_bytes(root, "diff", "--name-only", "-z", "--no-renames", "--end-of-options", base, "--", spec)
    untracked = _run_bytes(root, "ls-files", "--others", "--exclude-standard", "-z", "--", spec)
    out = set()
    for name in (changed + b"\0" + untracked).split(b"\0"):
        if name:
            path = name.decode("utf-8", "replace")
            out.add(path[len(prefix) + 1:] if prefix else path)
    return out


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    timestamp: int
    author: str
    email: str
    subject: str
    # (root-relative path, blob before or None, blob after or None)
    files: tuple[tuple[str, str | None, str | None], ...]

    @property
    def date(self) -> str:
        return dt.datetime.fromtimestamp(self.timestamp, dt.timezone.utc).strftime("%Y-%m-%d")


_ZERO = "0" * 40


def log(root: Path, folder: str, revision: str = "HEAD", limit: int | None = None) -> list[Commit]:
    """Every commit reachable from `revision` that touched `folder`, newest first, with
    the blobs each changed: one `git log` process for the whole history."""
    prefix = prefix_of(root)
    args = ["log", "--no-renames", "--raw", "--no-abbrev", "-z", "--format=%x01%H%x00%at%x00%an%x00%ae%x00%s%x00"]
    if limit:
        args.append(f"--max-count={limit}")
    out = _run_bytes(root, *args, "--end-of-options", revision, "--", folder_spec(prefix, folder))
    commits = []
    for record in out.split(b"\x01")[1:]:
        fields = record.split(b"\0")
        sha, stamp, author, email, subject = (f.decode("utf-8", "replace") for f in fields[:5])
        files = []
        rest = [f for f in fields[5:]]
        i = 0
        while i < len(rest):
            meta = rest[i].strip()
            if not meta.startswith(b":"):
                i += 1
                continue
            parts = meta[1:].split()
            old, new = parts[2].decode(), parts[3].decode()
            path = rest[i + 1].decode("utf-8", "replace") if i + 1 < len(rest) else ""
            i += 2
            if not path.endswith((".yaml", ".yml")):
                continue
            rel = path[len(prefix) + 1:] if prefix and path.startswith(prefix + "/") else path
            files.append((rel, None if old == _ZERO else old, None if new == _ZERO else new))
        commits.append(Commit(sha, int(stamp), author, email, subject, tuple(files)))
    return commits


def init_repository(path: Path) -> None:
    """A new repository in `path` (for `strat init`), on a branch named main: the branch
    the starter's CI workflow publishes from."""
    try:
        _run(path, "init", "--quiet", "--initial-branch=main")
    except GitError:  # git before 2.28 has no --initial-branch
        _run(path, "init", "--quiet")
