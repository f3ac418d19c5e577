"""The repository lock and the write journal, for `strat.write` (the only user).

Where they live (the *state folder*): the git folder of the git repository the write
root is in (found by walking up from it: a real `.git` folder holding `HEAD`, or in a
linked work tree the git folder its `.git` file names, when that holds `HEAD` and
`objects/` or `commondir`; a `.git` link is never followed), else the write root itself. In `.git` the files are `strat.lock` and
`strat-journal.json`; elsewhere `.strat-lock` and `.strat-journal.json`. Nothing under
`.git` comes from a pull request, and every file here is opened without following a
symbolic link and must be a regular file: a link planted under either name is refused,
never followed.

The lock is `fcntl.flock` on the lock file, held for a whole command: planning
(reading the files) and writing. A second run waits (it says so after a second) and then
plans again on top of the first run's result; after `STRAT_LOCK_TIMEOUT` seconds
(default 120) it gives up and writes nothing. The kernel drops the lock when a process
dies, however it dies.

The journal makes a multi-file write all or nothing even when the process is killed
(SIGKILL included): it is written (temp file, fsync, rename, fsync of the folder) once
before the first temp file is created (state `prepared`: the temp files it will
create) and again when every temp file is written and fsynced (state `committed`: the
point of no return). The renames follow, then the journal is removed. Whoever finds a
journal later, holding the lock, finishes it: `prepared` is rolled back (the temp
files are removed, no target was touched), `committed` is rolled forward (each
remaining temp file, checked against its SHA-256, is renamed over its target). Every
strat command looks for a journal (one `stat`) before it starts, and says on stderr
what it did.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

VERSION = 1
TEMP_SUFFIX = ".strat-tmp"
DEFAULT_TIMEOUT = 120.0
SAY_WAITING_AFTER = 1.0

Notify = Callable[[str], None]


class JournalProblem(Exception):
    """The lock or the journal cannot be used (the message says why)."""


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True, slots=True)
class Place:
    """The state folder and the lock and journal files in it."""

    folder: Path
    lock: Path
    journal: Path

    @property
    def journal_temp(self) -> Path:
        return self.journal.with_name(self.journal.name + ".tmp")


def place(root: Path) -> Place:
    """Where the lock and the journal of writes below `root` live (see the docstring)."""
    root = Path(os.path.abspath(root))
    for folder in (root, *root.parents):
        found = _git_dir(folder)
        if found is not None:
            if found:
                return Place(found, found / "strat.lock", found / "strat-journal.json")
            break
    return Place(root, root / ".strat-lock", root / ".strat-journal.json")


def pending(start: Path) -> Place | None:
    """A journal left by an interrupted write that a command started in `start` should
    finish: a few `stat` calls, from `start` up to the nearest `.git`. Inside a git work
    tree only the journal in the git folder counts: a `.strat-journal.json` in the work
    tree is repository content (a pull request could add one) and is never replayed."""
    start = Path(os.path.abspath(start))
    outside: Place | None = None
    for folder in (start, *start.parents):
        found = _git_dir(folder)
        if found:
            there = Place(found, found / "strat.lock", found / "strat-journal.json")
            if os.path.lexists(there.journal) or os.path.lexists(there.journal_temp):
                return there  # a journal, or the temp of one whose writer died before it was in place
            return None
        here = Place(folder, folder / ".strat-lock", folder / ".strat-journal.json")
        if outside is None and (os.path.lexists(here.journal) or os.path.lexists(here.journal_temp)):
            outside = here
        if found is False:
            break  # a `.git` that is not a git folder: writes below it journal in the work tree
    return outside


def _git_dir(folder: Path) -> Path | None | Literal[False]:
    """The git folder of a work tree whose top is `folder`: `.git` itself when it is a
    real folder, or the folder a `.git` file names (`gitdir: …`, as in a linked work
    tree) when that is a real git folder (it holds HEAD, and objects/ or commondir).
    None: no `.git` here. False: a `.git` that is neither (a link, say): not followed."""
    dotgit = folder / ".git"
    try:
        st = os.lstat(dotgit)
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return dotgit if os.path.isfile(dotgit / "HEAD") else False
    if not stat.S_ISREG(st.st_mode) or st.st_size > 4096:
        return False
    try:
        with open(dotgit, "rb") as handle:
            line = handle.read(4096).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return False
    if not line.startswith("gitdir:"):
        return False
    target = Path(os.path.realpath(folder / line[len("gitdir:"):].strip()))
    if os.path.isdir(target) and os.path.isfile(target / "HEAD") and \
            (os.path.isdir(target / "objects") or os.path.isfile(target / "commondir")):
        return target
    return False


# --- the lock ------------------------------------------------------------------------------


def _open_regular(path: Path, flags: int) -> int:
    """Open `path` without following a link; refuse anything but a regular file."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise JournalProblem(f"{path} is a symbolic link; strat never follows one there. Remove it") from None
        raise JournalProblem(f"cannot open {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise JournalProblem(f"{path} is not a regular file; remove it")
    return fd


class Lock:
    """The repository lock, held from `acquire` to `release`."""

    def __init__(self, where: Place) -> None:
        self.where = where
        self.fd: int | None = None

    def acquire(self, notify: Notify = _quiet, timeout: float | None = None, wait: bool = True) -> bool:
        if timeout is None:
            timeout = _timeout()
        fd = _open_regular(self.where.lock, os.O_RDWR | os.O_CREAT)
        started = time.monotonic()
        said = False
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise JournalProblem(f"cannot lock {self.where.lock}: {exc.strerror or exc}") from None
            waited = time.monotonic() - started
            if not wait:
                os.close(fd)
                return False
            if waited >= timeout:
                os.close(fd)
                holder = _holder(self.where.lock)
                raise JournalProblem(f"another strat run{holder} has been writing in this repository for "
                                     f"{waited:.0f} s (lock {self.where.lock}); nothing was written. Run the "
                                     "command again when it has finished")
            if waited >= SAY_WAITING_AFTER and not said:
                notify(f"strat: waiting for another strat run{_holder(self.where.lock)} that is writing in this "
                       f"repository (up to {timeout:.0f} s)...")
                said = True
            time.sleep(delay)
            delay = min(delay * 1.5, 0.05)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None


def _timeout() -> float:
    try:
        value = float(os.environ.get("STRAT_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value >= 0 else DEFAULT_TIMEOUT


def _holder(lock: Path) -> str:
    try:
        with open(lock, "rb") as handle:
            pid = handle.read(32).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


# --- the journal ---------------------------------------------------------------------------


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def save(where: Place, record: dict[str, Any]) -> None:
    """Write the journal atomically and durably (temp file, fsync, rename, fsync folder)."""
    data = json.dumps(record, ensure_ascii=True).encode("ascii")
    temp = where.journal_temp
    try:
        os.unlink(temp)
    except FileNotFoundError:
        pass
    fd = _open_regular(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, where.journal)
    fsync_dir(where.folder)


def remove(where: Place) -> None:
    try:
        os.unlink(where.journal)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise JournalProblem(f"{where.journal}: every file is written, but the journal cannot be removed "
                             f"({exc.strerror or exc}); delete it") from None
    fsync_dir(where.folder)


def fsync_dir(folder: Path) -> None:
    """Make renames in `folder` durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def recover(where: Place, notify: Notify) -> None:
    """Finish the write a journal describes (the caller holds the lock), and say so. A
    file system error on the way is a JournalProblem that names the journal, never a
    traceback (the next command tries again)."""
    try:
        _recover(where, notify)
    except OSError as exc:
        raise JournalProblem(f"{where.journal}: finishing an interrupted write failed ({exc.strerror or exc}); "
                             "look at the files it names, then run strat again or delete it") from None


def _recover(where: Place, notify: Notify) -> None:
    if os.path.lexists(where.journal_temp):
        try:
            os.unlink(where.journal_temp)
        except OSError:
            pass
    if not os.path.lexists(where.journal):
        return
    fd = _open_regular(where.journal, os.O_RDONLY)
    try:
        with os.fdopen(fd, "rb") as handle:
            record = json.loads(handle.read(64 * 1024 * 1024).decode("ascii"))
        entries = [_entry(e) for e in record["files"]]
        state = record["state"]
        command, pid, started = str(record["command"]), int(record["pid"]), str(record["started"])
        made = [Path(d) for d in record.get("made", [])]
        if not all(any(folder in target.parents for target, _, _, _ in entries) for folder in made):
            raise ValueError("a folder it made is not on the way to one of its files")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JournalProblem(f"{where.journal}: an interrupted write left a journal strat cannot read ({exc}); "
                             "look at the files it names, then delete it") from None
    who = f"`{command}` (pid {pid}, started {started})"
    if state == "prepared":
        for _, temp, _, _ in entries:
            _unlink_temp(temp)
        for folder in reversed(made):
            try:
                os.rmdir(folder)
            except OSError:
                pass
        remove(where)
        notify(f"strat: an earlier {who} was interrupted before it changed any file; it was rolled back: "
               f"none of its {len(entries)} file{'' if len(entries) == 1 else 's'} changed, its temp files are removed.")
        return
    if state != "committed":
        raise JournalProblem(f"{where.journal}: unknown state {state!r}; look at the files it names, then delete it")
    kept: list[str] = []
    done = 0
    folders: set[Path] = set()
    for target, temp, old, new in entries:
        if os.path.lexists(temp):
            content = _read(temp)
            current = _read(target)
            if content is None or sha256(content) != new:
                kept.append(f"{target} (its new content was damaged)")
                _unlink_temp(temp)
                continue
            if (sha256(current) if current is not None else None) != old:
                kept.append(f"{target} (changed by someone else since)")
                _unlink_temp(temp)
                continue
            os.replace(temp, target)
            folders.add(temp.parent)
        done += 1
    for folder in folders:
        fsync_dir(folder)
    remove(where)
    total = len(entries)
    if kept:
        notify(f"strat: an earlier {who} was interrupted while writing {total} files; {done} of them are written, "
               f"these were left as they are: {'; '.join(kept)}.")
    else:
        notify(f"strat: an earlier {who} was interrupted while writing; it was completed: all {total} of its "
               f"file{'' if total == 1 else 's'} are written now.")


def _entry(raw: Any) -> tuple[Path, Path, str | None, str]:
    target, temp = Path(raw["target"]), Path(raw["temp"])
    if not (target.is_absolute() and temp.parent == target.parent and temp.name.startswith(".")
            and temp.name.endswith(TEMP_SUFFIX)):
        raise ValueError(f"not a temp file of strat beside its target: {temp}")
    old, new = raw["old"], raw["new"]
    if not (old is None or isinstance(old, str)) or not isinstance(new, str):
        raise ValueError("bad hashes")
    return target, temp, old, new


def _read(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _unlink_temp(temp: Path) -> None:
    try:
        if stat.S_ISREG(os.lstat(temp).st_mode):
            os.unlink(temp)
    except OSError:
        pass
