"""Writing files: the only module that changes files in a user's repository.

One write path for every writer (checkin, import csv, codeowners, init, and later ones):

    with write.transaction(root, "strat checkin", notify) as tx:
        plan = ...                 # read and plan *inside*: a racing run has landed by now
        tx.write_all(plan.changes)

* **Lock.** `transaction` takes the repository lock (`strat.journal`: `flock` on
  `.git/strat.lock`, or `.strat-lock` outside git) for the whole command, so racing runs
  serialise: the second waits (bounded, it says so), then reads and plans again on top
  of the first; past the timeout it is refused in words. It also finishes a write an
  earlier run left half done (see below), and says so.
* **Checks before anything is created.** Every change is checked first: the path stays
  inside the root (a symlink inside the repository is written through, the link stays a
  link; anything resolving outside is refused), the file holds what it was planned
  against (`expected`; None: it must not exist yet), it is a regular file, the user may
  write it (a file with no write bit is refused even for root), it belongs to the user
  (root keeps the owner and group of the file it replaces; anyone else replacing a file
  owned by another user or group is refused, since the new file would be theirs), and
  the folder can be written. One refusal and nothing at all is written, no folder made.
* **Journal.** Then the journal is written (`prepared`: the temp files to come), every
  new content goes to a temp file beside its target (same file system: the rename is
  atomic), with the old file's mode (and owner, as root), and fsynced: a few hundred
  at a time, together (`_fsync_all`), so the file system can put them in one journal
  commit, but every temp file is on disk before the journal is rewritten (`committed`),
  exactly as with one fsync after another; then the temps are renamed over their
  targets and the journal is removed. Killed before `committed`: the next strat
  command removes the temp files (no file changed); after: it completes the renames
  (every file changed). Ctrl-C and SIGTERM are handled in the process itself the same
  way.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import signal
import stat
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from strat import journal
from strat.journal import JournalProblem, Notify


# Temp files are written SYNC_BATCH at a time (their descriptors kept open) and fsynced
# together by SYNC_THREADS threads before the journal says `committed`.
SYNC_BATCH = 256
SYNC_THREADS = 16


class WriteRefused(Exception):
    """A write that strat will not do; nothing was written."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """New content for one file. `expected` is the content it was planned against (None:
    the file must not exist yet); a file that no longer holds it is not overwritten."""

    rel: str  # repo-relative POSIX path, for messages
    content: bytes
    expected: bytes | None


def _quiet(_: str) -> None:
    pass


def target_path(root: Path, rel: str, root_real: Path | None = None) -> Path:
    """The real file a change to `rel` writes: a symlink inside the repository is written
    through (the link stays a link); anything that resolves outside `root` is refused.
    `root_real`: `root` resolved, when the caller checks many paths under one root."""
    root_real = root_real or Path(os.path.realpath(root))
    path = Path(os.path.realpath(root / rel))
    if path != root_real and root_real not in path.parents:
        raise WriteRefused(f"{rel}: leads outside the repository ({path}); strat writes only inside it")
    return path


# --- the transaction ---------------------------------------------------------------------------


class Transaction:
    """What a writer holds while the lock is taken: `write_all` writes a set of changes."""

    def __init__(self, root: Path, where: journal.Place, command: str) -> None:
        self.root = root
        self.where = where
        self.command = command

    def write_all(self, changes: list[FileChange], root: Path | None = None) -> None:
        """Write every change or none (see the module docstring). `root` (default: the
        transaction's) is the folder every path stays inside. Raises WriteRefused."""
        if not changes:
            return
        checked = _check_all(root or self.root, changes)
        _commit(self.where, self.command, checked)


@contextmanager
def transaction(root: Path, command: str = "strat", notify: Notify = _quiet,
                timeout: float | None = None) -> Iterator[Transaction]:
    """Hold the repository lock of `root` (waiting, bounded, saying so through `notify`),
    finish a write an earlier run left half done, and yield a Transaction. Raises
    WriteRefused when the lock cannot be had."""
    where = journal.place(Path(os.path.abspath(root)))
    lock = journal.Lock(where)
    try:
        lock.acquire(notify, timeout)
    except JournalProblem as problem:
        raise WriteRefused(str(problem)) from None
    with _terminate_as_exit():
        try:
            try:
                journal.recover(where, notify)
            except JournalProblem as problem:
                raise WriteRefused(str(problem)) from None
            yield Transaction(Path(root), where, command)
        finally:
            lock.release()


def write_all(root: Path, changes: list[FileChange], command: str = "strat", notify: Notify = _quiet) -> None:
    """Take the lock and write every change or none: `transaction` + `write_all`."""
    with transaction(root, command, notify) as tx:
        tx.write_all(changes)


def recover_pending(start: Path, notify: Notify) -> None:
    """Finish a write an interrupted run left half done, if there is one around `start`
    (cheap: a few `stat` calls when there is none). Run by every strat command. When
    another run holds the lock it is left to that run."""
    where = journal.pending(start)
    if where is None:
        return
    lock = journal.Lock(where)
    try:
        if not lock.acquire(notify, wait=False):
            return
    except JournalProblem as problem:
        notify(f"strat: {problem}")
        return
    try:
        journal.recover(where, notify)
    except JournalProblem as problem:
        notify(f"strat: {problem}")
    finally:
        lock.release()


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM raises SystemExit(143) while the lock is held, so the cleanup below runs in
    the process (SIGKILL cannot be caught: the journal covers it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- checking every change before anything is written -------------------------------------------


@dataclass(slots=True)
class _Checked:
    rel: str
    target: Path
    content: bytes
    old: bytes | None
    mode: int
    owner: tuple[int, int] | None  # (uid, gid) to give the temp file (root only), or None


def check_all(root: Path, changes: list[FileChange]) -> None:
    """Every check `write_all` makes before writing, without writing (nor locking): for
    a command that must know a write will be accepted before it does anything else."""
    _check_all(root, changes)


def _check_all(root: Path, changes: list[FileChange]) -> list[_Checked]:
    out: list[_Checked] = []
    seen: set[Path] = set()
    root_real = Path(os.path.realpath(root))
    for change in changes:
        item = _check(root, change, root_real)
        if item.target in seen:
            raise WriteRefused(f"{change.rel}: written twice in one change (a bug in strat); nothing was written")
        seen.add(item.target)
        out.append(item)
    return out


def _check(root: Path, change: FileChange, root_real: Path | None = None) -> _Checked:
    rel = change.rel
    target = target_path(root, rel, root_real)
    euid = os.geteuid()
    try:
        st: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteRefused(f"{rel}: cannot read it: {exc.strerror or exc}; nothing was written") from None
    current = None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise WriteRefused(f"{rel}: not a regular file; strat writes only files; nothing was written")
        current = _read(target, rel)
    if change.expected is None and current is not None:
        raise WriteRefused(f"{rel}: already exists; nothing was written")
    if current != change.expected:
        raise WriteRefused(f"{rel}: the file changed on disk while strat was working; "
                           "nothing was written, run the command again")
    owner = None
    if st is not None:
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o222 == 0 or not os.access(target, os.W_OK):
            raise WriteRefused(f"{rel}: read-only (mode {mode:04o}); strat does not replace a file you may not "
                               "write; nothing was written (make it writable first if it should change)")
        if euid == 0:
            owner = (st.st_uid, st.st_gid)
        elif st.st_uid != euid:
            raise WriteRefused(f"{rel}: belongs to another user (uid {st.st_uid}); replacing it would make it "
                               "yours, so strat does not; nothing was written")
        elif st.st_gid not in (os.getegid(), *os.getgroups()):
            raise WriteRefused(f"{rel}: belongs to group {st.st_gid}, which you are not in; replacing it would "
                               "change its group, so strat does not; nothing was written")
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    folder = target.parent
    while not os.path.lexists(folder):
        folder = folder.parent
    if not folder.is_dir():
        raise WriteRefused(f"{rel}: {folder} is not a folder; nothing was written")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteRefused(f"{rel}: cannot write in the folder {folder}; nothing was written")
    return _Checked(rel, target, change.content, current, mode, owner)


def _read(path: Path, rel: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise WriteRefused(f"{rel}: cannot read it: {exc.strerror or exc}; nothing was written") from None


# --- writing: journal, temp files, renames -----------------------------------------------------


def _temp_name(target: Path, token: str) -> Path:
    return target.with_name(f".{target.name[:100]}.{token}{journal.TEMP_SUFFIX}")


def _missing_folders(checked: list[_Checked]) -> list[Path]:
    """The folders to create, parents first."""
    out: list[Path] = []
    for item in checked:
        chain = []
        folder = item.target.parent
        while not os.path.lexists(folder):
            chain.append(folder)
            folder = folder.parent
        for f in reversed(chain):
            if f not in out:
                out.append(f)
    return out


def _commit(where: journal.Place, command: str, checked: list[_Checked]) -> None:
    token = secrets.token_hex(6)
    temps = [_temp_name(item.target, token) for item in checked]
    made = _missing_folders(checked)
    record: dict[str, Any] = {
        "version": journal.VERSION, "command": command, "pid": os.getpid(),
        "started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"), "state": "prepared",
        "made": [str(f) for f in made],
        "files": [{"target": str(item.target), "temp": str(temp),
                   "old": journal.sha256(item.old) if item.old is not None else None,
                   "new": journal.sha256(item.content)} for item, temp in zip(checked, temps)],
    }
    try:
        journal.save(where, record)
    except (OSError, JournalProblem) as exc:
        raise WriteRefused(f"cannot write the journal {where.journal}: {_why(exc)}; nothing was written") from None
    at = 0  # the change being written (for the message when it cannot be)
    try:
        for folder in made:
            os.mkdir(folder)
        for start in range(0, len(checked), SYNC_BATCH):
            fds: list[int] = []
            try:
                for at in range(start, min(start + SYNC_BATCH, len(checked))):
                    fds.append(_write_temp(temps[at], checked[at]))
                failed = _fsync_all(fds)
                if failed is not None:
                    at = start + failed[0]
                    raise failed[1]
            finally:
                for fd in fds:
                    os.close(fd)
        at = len(checked)
        record["state"] = "committed"
        journal.save(where, record)
    except BaseException as exc:
        _roll_back(where, temps, made)  # every temp name: one may exist without being written yet
        if isinstance(exc, (OSError, JournalProblem)):
            rel = checked[at].rel if at < len(checked) else "the journal"
            raise WriteRefused(f"{rel}: cannot write it: {_why(exc)}; nothing was written") from None
        raise
    _finish(where, checked, temps)


def _write_temp(temp: Path, item: _Checked) -> int:
    """Create the temp file with its content, mode and owner; its descriptor, still open,
    for `_fsync_all`."""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(item.content)
        while view:
            view = view[os.write(fd, view):]
        if item.owner is not None:
            os.fchown(fd, *item.owner)
        os.fchmod(fd, item.mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _fsync_all(fds: list[int]) -> tuple[int, OSError] | None:
    """fsync every file, all at once: each call still waits until its file is on disk,
    but calls made together share the file system's journal commits (one after another,
    each waited for a commit of its own: ~1.7 ms a file, most of a 1,000-file check-in
    batch's write). The first failure (its index, the error), or None."""
    if len(fds) == 1:
        try:
            os.fsync(fds[0])
        except OSError as exc:
            return 0, exc
        return None
    from concurrent.futures import ThreadPoolExecutor

    def sync(fd: int) -> OSError | None:
        try:
            os.fsync(fd)
        except OSError as exc:
            return exc
        return None

    with ThreadPoolExecutor(max_workers=min(SYNC_THREADS, len(fds))) as pool:
        errors = list(pool.map(sync, fds))
    return next(((i, e) for i, e in enumerate(errors) if e is not None), None)


def _roll_back(where: journal.Place, temps: list[Path], made: list[Path]) -> None:
    for temp in temps:
        try:
            os.unlink(temp)
        except OSError:
            pass
    for folder in reversed(made):
        try:
            os.rmdir(folder)
        except OSError:
            pass
    try:
        journal.remove(where)
    except OSError:
        pass


def _finish(where: journal.Place, checked: list[_Checked], temps: list[Path]) -> None:
    """The renames, after the point of no return. Interrupted (Ctrl-C, SIGTERM), they are
    completed before the interruption goes on; killed, the next strat command does it."""
    done = 0
    try:
        for item, temp in zip(checked, temps):
            os.replace(temp, item.target)
            done += 1
    except BaseException as exc:
        try:
            for item, temp in list(zip(checked, temps))[done:]:
                if os.path.lexists(temp):  # the interruption may have come just after a rename
                    os.replace(temp, item.target)
            _sync_and_close(where, checked)
        except (OSError, JournalProblem):
            pass  # the journal stays: the next strat command completes the write, or says what it could not
        if isinstance(exc, OSError):
            raise WriteRefused(f"{checked[done].rel}: cannot write it: {_why(exc)}; {done} of {len(checked)} "
                               f"files are written, the journal {where.journal} holds the rest: the next strat "
                               "command completes them") from None
        raise
    try:
        _sync_and_close(where, checked)
    except JournalProblem as problem:
        raise WriteRefused(str(problem)) from None


def _sync_and_close(where: journal.Place, checked: list[_Checked]) -> None:
    for folder in {item.target.parent for item in checked}:
        journal.fsync_dir(folder)
    journal.remove(where)


def _why(exc: BaseException) -> str:
    return (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)



# --- an output file the operator names (strat report --out/--pdf) ---------------------


def write_output(target: Path, content: bytes) -> None:
    """Write one output file the operator named on the command line (`--out`, `--pdf`),
    which may be anywhere they can write: a temp file beside it (same folder, so the rename
    is atomic), fsynced, with the mode of the file it replaces (else the umask's default),
    then renamed over it. A reader never sees half a file; on failure the old file stays
    and WriteRefused says why. Not for repository files: those take `transaction`."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise WriteRefused(f"{target}: is a folder, not a file")
    if not folder.is_dir():
        raise WriteRefused(f"{target}: the folder {folder} does not exist")
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
    except OSError as exc:
        raise WriteRefused(f"{target}: cannot read it: {_why(exc)}") from None
    temp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
        journal.fsync_dir(folder)
    except OSError as exc:
        try:
            temp.unlink()
        except OSError:
            pass
        raise WriteRefused(f"{target}: cannot write it: {_why(exc)}") from None


def unified_diff(changes: list[FileChange]) -> str:
    """The changes as one patch `git apply` takes (`--dry-run`, `--diff`): a new file from
    /dev/null; every line ends with a line break (a last line without one gets it)."""
    import difflib

    out: list[str] = []
    for change in changes:
        old = (change.expected or b"").decode("utf-8-sig").splitlines(keepends=True)
        new = change.content.decode("utf-8-sig").splitlines(keepends=True)
        out.extend(difflib.unified_diff(old, new, "/dev/null" if change.expected is None else f"a/{change.rel}",
                                        f"b/{change.rel}"))
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in out)
