"""The one write path (strat.write, strat.journal): racing runs serialise and lose
nothing, a multi-file write is all or nothing under Ctrl-C, SIGTERM and SIGKILL (the next
strat command completes or rolls it back and says so, no temp file is left), and a file
the user may not write is refused, not replaced; the owner and mode of a replaced file
are kept.

Races and kills are real processes in bounded loops. The suite runs a share of each;
the full counts of the issue run with STRAT_RACE_PAIRS=200 STRAT_RACE_IMPORTS=50
STRAT_KILLS=30 (minutes on two cores)."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import strat
from helpers import copy_base, run_cli

GOAL = "strategy/goals/faster-activation.yaml"
CLI_DIR = str(Path(strat.__file__).resolve().parent.parent)
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [CLI_DIR, os.environ.get("PYTHONPATH")]))}


def _count(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def strat_process(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "strat", *args], cwd=root, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run_strat(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "strat", *args], cwd=root, env=ENV, text=True,
                          capture_output=True, timeout=300)


def leftovers(root: Path) -> list[str]:
    """Temp files and journals anywhere in the repository (hidden ones and .git too)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.name.endswith((".strat-tmp", "strat-journal.json", ".strat-journal.json", ".json.tmp")))


# --- races ------------------------------------------------------------------------------------


def test_racing_checkin_pairs_lose_nothing(tmp_path: Path) -> None:
    """Two `strat checkin` on the same goal started at the same moment: both land (the
    second plans again on top of the first). The old writer lost ~1 in 5 pairs."""
    pairs = _count("STRAT_RACE_PAIRS", 30)
    root = copy_base(tmp_path / "repo")
    dates = [f"{2000 + i // 300}-{(i // 25) % 12 + 1:02d}-{i % 25 + 1:02d}" for i in range(2 * pairs)]
    lost_runs = []
    for i in range(pairs):
        procs = [strat_process(root, "checkin", "faster-activation", "--value", f"0.{40 + k}", "--date", dates[2 * i + k])
                 for k in (0, 1)]
        for k, proc in enumerate(procs):
            out, err = proc.communicate(timeout=300)
            if proc.returncode != 0:
                lost_runs.append((dates[2 * i + k], proc.returncode, err))
    text = (root / GOAL).read_text(encoding="utf-8")
    missing = [d for d in dates if f"date: {d}" not in text]
    assert not lost_runs and not missing, f"{len(missing)} check-ins lost of {2 * pairs}; refused: {lost_runs[:3]}"
    assert run_cli(["lint", "--select", "E,S"], cwd=root).exit_code == 0
    assert leftovers(root) == []


def test_racing_imports_of_the_same_file_overwrite_nothing(tmp_path: Path) -> None:
    """Rounds of 5 `strat import csv` creating the same goal file at once: exactly one
    lands per round, the others are refused in words, and the file holds the content of
    the one that said it wrote it."""
    runs = _count("STRAT_RACE_IMPORTS", 15)
    root = copy_base(tmp_path / "repo")
    header = "id,title,owner,team,parent,period,metric,baseline,target\n"
    target = root / "strategy/goals/raced.yaml"
    done = 0
    round_no = 0
    while done < runs:
        size = min(5, runs - done)
        names = []
        for k in range(size):
            name = f"run{round_no}-{k}.csv"
            (root / name).write_text(header + f"raced,Race {round_no} {k},cwu,onboarding,grow-retention,2026-h2,"
                                              "activation-rate,0.3,0.5\n", encoding="utf-8")
            names.append(name)
        procs = [strat_process(root, "import", "csv", name, "--kind", "goal") for name in names]
        results = [(p, *p.communicate(timeout=300)) for p in procs]
        winners = [k for k, (p, out, err) in enumerate(results) if p.returncode == 0]
        assert len(winners) == 1, [(p.returncode, err[-300:]) for p, out, err in results]
        for k, (p, out, err) in enumerate(results):
            if k in winners:
                assert "Wrote 1 goal" in err
            else:
                assert p.returncode == 1 and "already exists" in err and "nothing was written" in err, err
                assert "Wrote" not in err
        assert f"title: Race {round_no} {winners[0]}\n" in target.read_text(encoding="utf-8")
        target.unlink()
        done += size
        round_no += 1
    assert leftovers(root) == []


# --- kills during a 990-file check-in --------------------------------------------------------


def _batch_repo(root: Path, goals: int) -> tuple[dict[Path, bytes], str]:
    base = (Path(__file__).parent / "cases/base" / GOAL).read_text(encoding="utf-8")
    files = {f"strategy/goals/batch/g{i:04d}.yaml": base.replace("id: faster-activation", f"id: g{i:04d}")
             for i in range(goals)}
    copy_base(root, files)
    rows = ["goal,date,value,confidence"]
    rows += [f"g{i:04d},2026-11-16,0.4,0.6" for i in range(goals)]
    rows += [f"g{i:04d},2026-11-17,0.41,0.6" for i in range(1000 - goals)]
    (root / "readings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    originals = {root / rel: text.encode("utf-8") for rel, text in files.items()}
    return originals, "readings.csv"


def test_a_killed_batch_checkin_is_all_or_nothing(tmp_path: Path) -> None:
    """SIGINT, SIGTERM and SIGKILL at random moments of a 1,000-row `checkin --csv` into 990
    goal files (a quarter at any moment, half into the temp files, a quarter into the
    renames): after the next strat command, either all 990 files changed or none, and no
    temp file or journal is left."""
    kills = _count("STRAT_KILLS", 6)
    root = tmp_path / "repo"
    originals, csv_name = _batch_repo(root, 990)
    batch = root / "strategy/goals/batch"
    rng = random.Random(int(os.environ.get("STRAT_KILL_SEED", "9")))

    def first_temp(proc: subprocess.Popen[str], limit: float) -> float | None:
        """Wait until the run has written its first temp file; when (monotonic)."""
        while proc.poll() is None and time.monotonic() < limit:
            with os.scandir(batch) as entries:
                if any(e.name.endswith(".strat-tmp") for e in entries):
                    return time.monotonic()
            time.sleep(0.002)
        return None

    started = time.monotonic()
    full = strat_process(root, "checkin", "--csv", csv_name)
    writing = first_temp(full, started + 600)
    full.communicate(timeout=600)
    ended = time.monotonic()
    duration, window = ended - started, ended - (writing or started)
    assert full.returncode == 0
    assert all(path.read_bytes() != old for path, old in originals.items())
    outcomes = []
    for n in range(kills):
        for path, old in originals.items():
            path.write_bytes(old)
        sig = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)[n % 3]
        proc = strat_process(root, "checkin", "--csv", csv_name)
        mode = n % 4
        if mode == 2:  # into the renames: as soon as the first file was replaced (a new inode)
            first, inode = sorted(originals)[0], sorted(originals)[0].stat().st_ino
            limit = time.monotonic() + duration * 3
            while proc.poll() is None and time.monotonic() < limit and first.stat().st_ino == inode:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.02))
        elif mode % 2:  # into the write: once the first temp file exists, after a random part of the write
            first_temp(proc, time.monotonic() + duration * 3)
            time.sleep(rng.uniform(0, window))
        else:  # any moment of the run
            time.sleep(rng.uniform(0, duration))
        proc.send_signal(sig)
        proc.communicate(timeout=300)
        after = run_strat(root, "explain", "E001")
        assert after.returncode == 0, after.stderr
        changed = sum(1 for path, old in originals.items() if path.read_bytes() != old)
        outcomes.append((sig.name, changed))
        assert changed in (0, len(originals)), f"kill {n} ({sig.name}): {changed} of {len(originals)} files changed"
        assert leftovers(root) == [], f"kill {n} ({sig.name})"
        if "interrupted" in after.stderr:
            assert ("completed" in after.stderr) == (changed == len(originals)), after.stderr
    assert {name for name, _ in outcomes} == {"SIGINT", "SIGTERM", "SIGKILL"} or kills < 3
    print("kills (signal, files changed):", outcomes)  # shown with pytest -s


def _die_at(root: Path, where: str, after: int) -> subprocess.CompletedProcess[str]:
    """Write three files through strat.write in a process that SIGKILLs itself after
    `after` calls of `where` (the temp writer or os.replace)."""
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from strat import write
        calls = [0]
        def wrap(real):
            def inner(*args):
                wanted = {{"temp": "", "replace": ".strat-tmp", "journal": ".json.tmp"}}[{where!r}]
                if str(args[0]).endswith(wanted):
                    if calls[0] == {after}:
                        os.kill(os.getpid(), signal.SIGKILL)
                    calls[0] += 1
                return real(*args)
            return inner
        if {where!r} == "temp":
            write._write_temp = wrap(write._write_temp)
        else:
            write.os.replace = wrap(os.replace)
        root = Path(".")
        write.write_all(root, [write.FileChange(f"f{{i}}.txt", b"new", b"old") for i in range(3)], "test writer")
    """)
    return subprocess.run([sys.executable, "-c", script], cwd=root, env=ENV, text=True, capture_output=True)


@pytest.mark.parametrize("where, after, message, content", [
    ("temp", 2, "rolled back", b"old"),      # killed while writing temp files: nothing changed
    ("replace", 1, "completed", b"new"),     # killed between two renames: the rest are done
    ("replace", 0, "completed", b"new"),     # killed right after the commit point
    ("journal", 0, "", b"old"),              # killed writing the first journal: only its temp is left
])
def test_the_next_command_finishes_a_killed_write_and_says_so(tmp_path: Path, where: str, after: int,
                                                               message: str, content: bytes) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for i in range(3):
        (root / f"f{i}.txt").write_bytes(b"old")
    died = _die_at(root, where, after)
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert leftovers(root), "the kill came too late to leave anything behind"
    after_run = run_strat(root, "explain", "E001")
    if message:
        assert message in after_run.stderr and "`test writer`" in after_run.stderr, after_run.stderr
    assert [(root / f"f{i}.txt").read_bytes() for i in range(3)] == [content] * 3
    assert leftovers(root) == []
    again = run_strat(root, "explain", "E001")
    assert "interrupted" not in again.stderr


# --- permissions and ownership ----------------------------------------------------------------


def test_a_read_only_file_is_refused_and_untouched(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    path = root / GOAL
    before = path.read_bytes()
    path.chmod(0o444)
    result = run_cli(["checkin", "faster-activation", "--value", "0.4", "--date", "2026-11-20"], cwd=root)
    assert result.exit_code == 1
    assert "read-only" in result.stderr and "nothing was written" in result.stderr
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert leftovers(root) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
@pytest.mark.parametrize("mode", [0o664, 0o600, 0o640])
def test_root_keeps_the_owner_group_and_mode_of_a_replaced_file(tmp_path: Path, mode: int) -> None:
    root = copy_base(tmp_path / "repo")
    path = root / GOAL
    os.chown(path, 65534, 65534)
    path.chmod(mode)
    result = run_cli(["checkin", "faster-activation", "--value", "0.4", "--date", "2026-11-20"], cwd=root)
    assert result.exit_code == 0, result.stderr
    st = path.stat()
    assert "2026-11-20" in path.read_text(encoding="utf-8")
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="runs the writer as another user (needs root)")
def test_another_users_file_is_refused_not_taken_over() -> None:
    """A user who may write the folder and the file but does not own it: replacing it
    would make it theirs, so the write is refused and the file keeps its owner and bytes.
    (A forked child that drops to uid 65534 runs the writer.)"""
    import shutil
    import tempfile

    from strat import write

    folder = Path(tempfile.mkdtemp(prefix="strat-owner-"))
    try:
        folder.chmod(0o777)
        path = folder / "a.txt"
        path.write_bytes(b"old")
        path.chmod(0o666)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 3
            try:
                os.close(read_end)
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                write.write_all(folder, [write.FileChange("a.txt", b"new", b"old")])
                code = 0
            except write.WriteRefused as refused:
                os.write(write_end, str(refused).encode())
                code = 1
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                os.write(write_end, repr(exc).encode())
            finally:
                os._exit(code)
        os.close(write_end)
        _, status = os.waitpid(pid, 0)
        with os.fdopen(read_end, "rb") as handle:
            message = handle.read().decode()
        assert os.waitstatus_to_exitcode(status) == 1, message
        assert "belongs to another user" in message and "nothing was written" in message
        assert path.read_bytes() == b"old" and path.stat().st_uid == 0
        assert [p.name for p in folder.iterdir() if p.name.endswith((".strat-tmp", ".json"))] == []
    finally:
        shutil.rmtree(folder)


# --- the lock and journal are never followed through a link ------------------------------------


@pytest.mark.parametrize("name", ["strat.lock", "strat-journal.json"])
def test_a_planted_link_in_place_of_the_lock_or_journal_is_refused(tmp_path: Path, name: str) -> None:
    root = copy_base(tmp_path / "repo")
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    (root / ".git" / name).symlink_to(outside)
    before = (root / GOAL).read_bytes()
    result = run_cli(["checkin", "faster-activation", "--value", "0.4", "--date", "2026-11-20"], cwd=root)
    assert result.exit_code == 1 and "symbolic link" in result.stderr, result.stderr
    assert outside.read_bytes() == b"precious" and (root / GOAL).read_bytes() == before


@pytest.mark.parametrize("state", ["committed", "prepared"])
def test_a_journal_in_the_work_tree_is_repository_content_never_replayed(tmp_path: Path, state: str) -> None:
    """A pull request can add `.strat-journal.json` and a temp file beside a goal; inside a
    git work tree only the journal in `.git` counts, so no command (not even `strat
    lint`) renames anything on its word or removes a folder it names."""
    import hashlib
    import json

    root = copy_base(tmp_path / "repo")
    target = root / GOAL
    before = target.read_bytes()
    from strat.journal import TEMP_SUFFIX

    temp = target.with_name("." + target.name + ".x" + TEMP_SUFFIX)
    planted = b"kind: Goal\nid: planted\n"
    temp.write_bytes(planted)
    empty = tmp_path / "empty-outside"
    empty.mkdir()
    record = {"state": state, "command": "strat checkin", "pid": 1, "started": "2026-12-01T00:00:00",
              "made": [str(empty)],
              "files": [{"target": str(target), "temp": str(temp),
                         "old": hashlib.sha256(before).hexdigest(), "new": hashlib.sha256(planted).hexdigest()}]}
    (root / ".strat-journal.json").write_text(json.dumps(record))
    result = run_cli(["lint"], cwd=root)
    assert "interrupted" not in result.stderr, result.stderr
    assert target.read_bytes() == before and temp.read_bytes() == planted and empty.is_dir()


def test_a_refused_file_leaves_no_folder_behind(tmp_path: Path) -> None:
    """init --force with a README that is a link leading out: refused before anything,
    not after .github/ was made."""
    target = tmp_path / "new"
    target.mkdir()
    (tmp_path / "elsewhere.md").write_text("mine\n")
    (target / "README.md").symlink_to(tmp_path / "elsewhere.md")
    result = run_cli(["init", str(target), "--force"], cwd=tmp_path)
    assert result.exit_code == 1 and "outside" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["README.md"]
    assert (tmp_path / "elsewhere.md").read_text() == "mine\n"


def test_where_the_lock_and_journal_live(tmp_path: Path) -> None:
    """In the git folder (of a linked work tree too); never through a `.git` link or a
    `.git` file naming a folder that is not a git folder (a work tree cannot point
    strat elsewhere); else in the write root."""
    from strat.journal import place

    main = tmp_path / "main"
    subprocess.run(["git", "init", "-q", str(main)], check=True)
    subprocess.run(["git", "-C", str(main), "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q",
                    "--allow-empty", "-m", "x"], check=True)
    subprocess.run(["git", "-C", str(main), "worktree", "add", "-q", str(tmp_path / "linked")], check=True,
                   capture_output=True)
    assert place(main / "strategy").lock == main / ".git" / "strat.lock"
    assert place(tmp_path / "linked").folder == (main / ".git" / "worktrees" / "linked").resolve()
    target = tmp_path / "victim"
    target.mkdir()
    (target / "HEAD").write_text("x")
    for name, make in [("link", lambda d: (d / ".git").symlink_to(main / ".git")),
                       ("file", lambda d: (d / ".git").write_text(f"gitdir: {target}\n"))]:
        folder = tmp_path / name
        folder.mkdir()
        make(folder)
        assert place(folder).lock == folder / ".strat-lock", name


# --- fsyncs together --------------------------------------------------------------------------


def test_every_temp_file_is_on_disk_before_the_journal_says_committed(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Temp files are fsynced a batch at a time, together (strat.write._fsync_all), and
    still every one of them before the journal's `committed`."""
    from strat import journal, write

    names = [f"f{i}.txt" for i in range(7)]
    for name in names:
        (tmp_path / name).write_bytes(b"old")
    synced: list[str] = []
    states: list[tuple[str, list[str]]] = []
    real_fsync, real_save = os.fsync, journal.save

    def fsync(fd: int) -> None:
        real_fsync(fd)
        synced.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))

    def save(where: journal.Place, record: dict) -> None:
        states.append((record["state"], sorted(synced)))
        real_save(where, record)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd to name the file an fsync was for")
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(journal, "save", save)
    monkeypatch.setattr(write, "SYNC_BATCH", 3)
    write.write_all(tmp_path, [write.FileChange(n, f"new {n}".encode(), b"old") for n in names])
    assert [s for s, _ in states] == ["prepared", "committed"]
    assert states[0][1] == []
    temps = [n for n in states[1][1] if n.endswith(journal.TEMP_SUFFIX)]
    assert sorted(t.split(".")[1] for t in temps) == sorted(n.split(".")[0] for n in names)
    assert all((tmp_path / n).read_bytes() == f"new {n}".encode() for n in names)


def test_a_failed_fsync_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from strat import journal, write

    names = [f"f{i}.txt" for i in range(5)]
    for name in names:
        (tmp_path / name).write_bytes(b"old")
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".f3.txt."):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd to name the file an fsync was for")
    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(write.WriteRefused, match=r"^f3\.txt: cannot write it: Input/output error; nothing was written"):
        write.write_all(tmp_path, [write.FileChange(n, b"new", b"old") for n in names])
    assert all((tmp_path / n).read_bytes() == b"old" for n in names)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(journal.TEMP_SUFFIX) or "journal" in p.name]
