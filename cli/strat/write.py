"""Writing files: the only module that changes files in a user's repository.

Every write is atomic and all-or-nothing across files: each new content goes to a temp
file in the target's own folder (same file system, so the rename is atomic), is flushed
and fsynced, takes the permission bits of the file it replaces, and only when every temp
file is ready are they renamed over their targets with `os.replace`. A file that changed
on disk since it was read is not overwritten, and no path may lead outside the
repository, through a symlink or otherwise.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path


class WriteRefused(Exception):
    """A write that strat will not do; nothing was written."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """New content for one file. `expected` is the content it was planned against (None:
    the file must not exist yet); a file that no longer holds it is not overwritten."""

    rel: str  # repo-relative POSIX path, for messages
    content: bytes
    expected: bytes | None


def target_path(root: Path, rel: str) -> Path:
    """The real file a change to `rel` writes: a symlink inside the repository is written
    through (the link stays a link); anything that resolves outside `root` is refused."""
    root_real = Path(os.path.realpath(root))
    path = Path(os.path.realpath(root / rel))
    if path != root_real and root_real not in path.parents:
        raise WriteRefused(f"{rel}: leads outside the repository ({path}); strat writes only inside it")
    return path


def write_all(root: Path, changes: list[FileChange]) -> None:
    """Write every change or none (see the module docstring). Raises WriteRefused."""
    prepared: list[tuple[str, Path]] = []  # (temp file, target)
    try:
        for change in changes:
            target = target_path(root, change.rel)
            current = _read_or_none(target)
            if change.expected is None and current is not None:
                raise WriteRefused(f"{change.rel}: already exists; nothing was written")
            if current != change.expected:
                raise WriteRefused(f"{change.rel}: the file changed on disk while strat was working; "
                                   "nothing was written, run the command again")
            prepared.append((_temp_copy(target, change.content, change.rel), target))
    except BaseException:
        for temp, _ in prepared:
            _unlink_quietly(temp)
        raise
    done_dirs: set[Path] = set()
    for temp, target in prepared:
        os.replace(temp, target)
        done_dirs.add(target.parent)
    for folder in done_dirs:
        _fsync_dir(folder)


def _read_or_none(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteRefused(f"{path}: cannot read it: {exc.strerror or exc}") from None


def _temp_copy(target: Path, content: bytes, rel: str) -> str:
    """A fsynced temp file beside `target` holding `content`, with `target`'s mode."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".strat-tmp", dir=target.parent)
    except OSError as exc:
        raise WriteRefused(f"{rel}: cannot write beside it: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
    except BaseException as exc:
        _unlink_quietly(temp)
        if isinstance(exc, OSError):
            raise WriteRefused(f"{rel}: cannot write it: {exc.strerror or exc}") from None
        raise
    return temp


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable (best effort: not every platform can open a folder)."""
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
