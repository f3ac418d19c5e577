"""A second process for a cold lint: parsing and schema validation of many files, shared
between this process and one helper, when there are enough of them to pay for starting it.

The loader (`strat.load`) reads every file itself (it hashes them for the lint cache and
keeps their text for ignore comments), then calls `parse_all` with the files that no cache
entry answered. This process parses them from the front of the list; the helper takes
chunks from the back, one chunk at a time, each only when it has sent back the one before,
so both stay busy to the end whatever the machine gives each. The helper gets the bytes
this process read (so it parses exactly what was hashed) and never touches the file
system; it sends back, for each file, the same plain data as a lint cache entry
(`strat.cache`: the documents' data, the loader's findings, each document's schema verdict
and findings), from which this process makes the documents, their positions left to
compute from the text where a finding asks for one, as for a cached file. The result is
the same as one process's, in the same order.

When: at least `MIN_FILES` files to parse, at least two CPUs this process may use, and a
load average below their number (on a busy machine a second process only competes with
the first). `STRAT_JOBS=1` turns it off, `STRAT_JOBS=2` on whatever the number of files
and the load (tests and benchmarks). Anything that goes wrong with the helper (it cannot start, dies, sends
something unexpected) only means this process parses the rest itself.

Safety: the helper is a new interpreter (multiprocessing's `spawn`: no fork of a process
holding open files or locks). It starts in an empty private temporary folder, not in the
working folder, which is usually the repository under review, so that nothing there can
be imported by the interpreter's start-up (multiprocessing's start command puts the
working folder first on the import path); its import path is then this process's own. It
does not run this process's main script again (which spawn does by default: a script
calling `strat.load` without an `if __name__ == "__main__"` guard would run twice).
What this process unpickles comes only from that helper; the lint cache on disk stays JSON.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import types
from typing import Any, Callable, Iterator

MIN_FILES = 3000  # below this, starting the helper (~0.3 s of CPU) costs about what it saves
CHUNK = 200  # files per message to the helper
WAIT_SECONDS = 120  # for the helper's last chunk, at most


def wanted(count: int) -> bool:
    """Whether `count` files to parse are worth a helper process on this machine now."""
    jobs = os.environ.get("STRAT_JOBS", "").strip()
    if jobs == "1" or count < 1:
        return False
    if jobs == "2":
        return True
    if count < MIN_FILES:
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return False
    try:
        return os.getloadavg()[0] < cpus
    except (AttributeError, OSError):
        return True  # no load average (Windows): assume the machine is free


class Helper:
    """The helper process and this end of its pipe; `ready` once it has said so."""

    def __init__(self, process: Any, conn: Any, folder: str) -> None:
        self.process, self.conn, self.folder = process, conn, folder
        self.ready = False

    def poll(self) -> bool:
        """Whether a message waits (never raises: a broken pipe reads as a message, whose
        receiving then fails)."""
        try:
            return bool(self.conn.poll())
        except (OSError, EOFError, ValueError):
            return True

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError, ValueError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()  # our own helper, by its handle
            self.process.join(2)
        with contextlib.suppress(OSError, ValueError):
            self.conn.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Helper | None:
    """Start the helper (it imports strat while this process reads the files); None when
    it cannot be started."""
    import multiprocessing

    try:
        folder = tempfile.mkdtemp(prefix="strat-helper-")
    except OSError:
        return None
    try:
        here = os.getcwd()
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs,), daemon=True, name="strat-lint-helper")
        main = sys.modules.get("__main__")
        # The helper starts in `folder`, and without re-running this process's main script
        # (multiprocessing's spawn imports it in the helper unless __main__ names no file):
        # see the module docstring.
        sys.modules["__main__"] = types.ModuleType("__main__")
        os.chdir(folder)
        try:
            process.start()
        finally:
            os.chdir(here)
            if main is not None:
                sys.modules["__main__"] = main
        theirs.close()
    except Exception:  # noqa: BLE001 - no helper (no way to start an interpreter, ...): one process does it all
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return Helper(process, mine, folder)


def parse_all(items: list[tuple[str, bytes]], helper: Helper | None,
              parse: Callable[[str, bytes], tuple[Any, list[Any]]],
              from_entry: Callable[[str, bytes, dict[str, Any]], tuple[Any, list[Any]] | None]) -> list[Any]:
    """(SourceFile | None, diagnostics) of each (rel, bytes) in `items`, in their order:
    `parse` here, from the front, and the helper's entries (made into the same by
    `from_entry`; None for an entry it cannot use) for the chunks it takes from the back."""
    out: list[Any] = [None] * len(items)
    if helper is None:
        for i, (rel, raw) in enumerate(items):
            out[i] = parse(rel, raw)
        return out
    front, back = 0, len(items)
    given: tuple[int, int] | None = None  # the chunk the helper has
    alive = True

    def receive() -> None:
        nonlocal given, alive
        try:
            message = helper.conn.recv()
        except Exception:  # noqa: BLE001 - the helper is gone, or sent what cannot be read: the rest is parsed here
            message = "gone"
        if message == "ready":
            helper.ready = True
            return
        if given is not None:
            lo, hi = given
            given = None
            if isinstance(message, list) and len(message) == hi - lo:
                for i, entry in zip(range(lo, hi), message):
                    rel, raw = items[i]
                    found = None
                    if isinstance(entry, dict):
                        with contextlib.suppress(TypeError, ValueError, KeyError, IndexError, AttributeError,
                                                 UnicodeDecodeError):
                            found = from_entry(rel, raw, entry)
                    out[i] = found if found is not None else parse(rel, raw)
            else:
                for i in range(lo, hi):
                    out[i] = parse(*items[i])
        if message == "gone" or not isinstance(message, list):
            alive = False

    def give() -> None:
        nonlocal back, given, alive
        if back - front < 2 * CHUNK:  # the rest is this process's: the helper would finish later
            return
        lo = back - CHUNK
        try:
            helper.conn.send(items[lo:back])
        except (OSError, ValueError):
            alive = False
            return
        given, back = (lo, back), lo

    while front < back:
        if alive and helper.poll():
            receive()
        if alive and helper.ready and given is None:
            give()
            if front >= back:
                break
        rel, raw = items[front]
        out[front] = parse(rel, raw)
        front += 1
    while alive and given is not None:
        if not helper.conn.poll(WAIT_SECONDS):
            break  # a helper that never answers: its chunk is parsed here
        receive()
    if given is not None:  # the helper died with a chunk
        for i in range(*given):
            out[i] = parse(*items[i])
    return out


def _serve(conn: Any) -> None:
    """The helper: for each chunk of (rel, bytes) it receives, the lint cache entry of each
    file (`strat.cache`), until it receives None."""
    import gc

    gc.disable()  # as while loading: many objects, no cycles
    from strat.cache import _to_entry
    from strat.load import parse_bytes
    from strat.validate import compiled, validate_documents

    compiled()  # build the validators before saying ready
    conn.send("ready")
    for chunk in _chunks(conn):
        out = []
        for rel, raw in chunk:
            source, diagnostics = parse_bytes(raw, rel)
            if source is not None:
                validate_documents(source.documents)
            out.append(_to_entry("", source, diagnostics))
        conn.send(out)


def _chunks(conn: Any) -> Iterator[list[tuple[str, bytes]]]:
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        yield chunk
