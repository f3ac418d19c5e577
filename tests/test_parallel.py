"""Two processes for a cold lint (strat.parallel): the same output, in the same order, as
one process; the lint cache written the same; a helper that fails changes nothing; the
helper imports nothing from the working folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import helpers
from strat import cache, load, parallel

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(REPO / "bench"))
from test_cases import build_case  # noqa: E402

import gen  # noqa: E402

CASES = ["every-rule-fires-once", "s104-wrong-type", "e001-syntax-error", "e002-duplicate-key", "e003-latin1",
         "e004-empty-between-markers", "e005-alias", "e006-symlink-outside", "e007-tag", "e008-commented-out-at-end"]


def _items(root: Path) -> list[tuple[str, bytes]]:
    return [(rel, path.read_bytes()) for path, rel in load.find_files(root, root / "strategy", [])]


def _same(a: Any, b: Any) -> None:
    """Two (SourceFile | None, diagnostics) lists are the same, positions included."""
    assert len(a) == len(b)
    for (source_a, diags_a), (source_b, diags_b) in zip(a, b):
        assert diags_a == diags_b
        assert (source_a is None) == (source_b is None)
        if source_a is None:
            continue
        assert (source_a.path, source_a.text, source_a.empty_tail) == (source_b.path, source_b.text,
                                                                       source_b.empty_tail)
        for doc_a, doc_b in zip(source_a.documents, source_b.documents, strict=True):
            assert repr((doc_a.index, doc_a.data, doc_a.position, doc_a.values, doc_a.keys)) == \
                repr((doc_b.index, doc_b.data, doc_b.position, doc_b.values, doc_b.keys))


def _outputs(root: Path) -> dict[str, str]:
    folder = str(root / "strategy")
    out = {}
    for name, args in {"json": ["--format", "json"], "text": ["--no-color"], "sarif": ["--format", "sarif"]}.items():
        result = helpers.run_cli(["lint", folder, "--today", helpers.TODAY, *args])
        assert "Traceback" not in result.stderr
        out[name] = f"{result.exit_code}\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture
def slow_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """This process parses slowly (and counts its files), so that the helper surely takes
    a share however long it takes to start on a busy machine."""
    count = [0]
    parse = load._parse_item

    def slow(rel: str, raw: bytes) -> Any:
        count[0] += 1
        time.sleep(0.03)
        return parse(rel, raw)

    monkeypatch.setattr(load, "_parse_item", slow)
    monkeypatch.setattr(parallel, "CHUNK", 3)
    return count


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gen") / "repo"
    gen.generate(root, 60, today=dt.date(2026, 11, 23), git=False)
    return root


@pytest.fixture(scope="module")
def helper() -> Any:
    started = parallel.start()
    assert started is not None
    assert started.conn.poll(120)  # "ready" (received by parse_all)
    yield started
    started.close()


def _root(source: str, tmp_path: Path, generated: Path) -> Path:
    return {"example": REPO, "generated": generated}.get(source) or build_case(helpers.CASES / "lint" / source,
                                                                               tmp_path / "repo")


@pytest.mark.parametrize("source", ["example", "generated", *CASES])
def test_the_helper_parses_the_same(source: str, helper: Any, tmp_path: Path, generated: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    items = _items(_root(source, tmp_path, generated))
    count = [0]

    def parse(rel: str, raw: bytes) -> Any:
        count[0] += 1
        time.sleep(0.01)
        return load.parse_bytes(raw, rel)

    monkeypatch.setattr(parallel, "CHUNK", 2)
    both = parallel.parse_all(items, helper, parse, cache._from_entry)
    assert 0 < count[0] < len(items)  # each process parsed some of the files
    _same(both, [load.parse_bytes(raw, rel) for rel, raw in items])
    assert any(doc.checked is not None for source, _ in both if source for doc in source.documents)


@pytest.mark.parametrize("source", ["example", "generated", "every-rule-fires-once"])
def test_same_output_and_cache_in_two_processes(source: str, tmp_path: Path, generated: Path, slow_here: list[int],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = _root(source, tmp_path, generated)
    monkeypatch.setenv("STRAT_JOBS", "1")
    monkeypatch.setenv("STRAT_CACHE_DIR", str(tmp_path / "one"))
    one = _outputs(root)
    pack_one = json.loads(next((tmp_path / "one" / "packs").glob("*.json")).read_text(encoding="utf-8"))
    here_alone = slow_here[0]
    monkeypatch.setenv("STRAT_JOBS", "2")
    monkeypatch.setenv("STRAT_CACHE_DIR", str(tmp_path / "two"))
    two = _outputs(root)  # the first run is cold and writes the cache; the others read it
    pack_two = json.loads(next((tmp_path / "two" / "packs").glob("*.json")).read_text(encoding="utf-8"))
    assert two == one
    assert pack_two["files"] == pack_one["files"]
    if source != "every-rule-fires-once":  # (its few files may all be parsed before the helper is ready)
        assert slow_here[0] - here_alone < here_alone  # the helper parsed some of the files
    monkeypatch.setenv("STRAT_JOBS", "1")
    assert _outputs(root) == one  # the cache the two processes wrote, read by one


@pytest.mark.parametrize("failure", ["dies", "garbage", "short", "bad-entries"])
def test_a_failing_helper_changes_nothing(failure: str, generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = _items(generated)
    monkeypatch.setattr(parallel, "CHUNK", 5)

    class Conn:
        def __init__(self) -> None:
            self.sent: list[Any] = []
            self.replies: list[Any] = ["ready"]

        def poll(self, timeout: float = 0) -> bool:
            return bool(self.replies)

        def recv(self) -> Any:
            if not self.replies:
                raise EOFError
            return self.replies.pop(0)

        def send(self, chunk: Any) -> None:
            self.sent.append(chunk)
            if failure == "dies":
                self.replies.append(EOFError)
            elif failure == "garbage":
                self.replies.append({"not": "a list"})
            elif failure == "short":
                self.replies.append([{}])
            else:
                self.replies.append([{"parsed": True, "documents": "x"}] * len(chunk))

    conn = Conn()
    original = conn.recv

    def recv() -> Any:
        reply = original()
        if reply is EOFError:
            raise EOFError
        return reply

    conn.recv = recv  # type: ignore[method-assign]
    fake = parallel.Helper(None, conn, "")
    got = parallel.parse_all(items, fake, lambda rel, raw: load.parse_bytes(raw, rel), cache._from_entry)
    assert conn.sent  # the helper was given work
    _same(got, [load.parse_bytes(raw, rel) for rel, raw in items])


def test_when_a_helper_is_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRAT_JOBS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    assert parallel.wanted(parallel.MIN_FILES)
    assert not parallel.wanted(parallel.MIN_FILES - 1)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.5, 0.5, 0.5))
    assert not parallel.wanted(parallel.MIN_FILES)  # a busy machine
    monkeypatch.setattr(os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not parallel.wanted(parallel.MIN_FILES)  # one CPU
    monkeypatch.setenv("STRAT_JOBS", "2")
    assert parallel.wanted(1) and not parallel.wanted(0)
    monkeypatch.setenv("STRAT_JOBS", "1")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert not parallel.wanted(10 * parallel.MIN_FILES)


def test_the_helper_imports_nothing_from_the_working_folder(tmp_path: Path, generated: Path) -> None:
    marker = tmp_path / "ran"
    planted = f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit(3)\n"
    outputs = []
    for jobs in ("1", "2"):
        work = tmp_path / f"work{jobs}"
        work.mkdir()
        for name in ("multiprocessing", "yaml", "jsonschema", "click"):
            helpers.write_files(work, {f"{name}/__init__.py": planted})
        env = {**os.environ, "STRAT_JOBS": jobs, "PYTHONPATH": str(REPO / "cli"), "STRAT_NO_CACHE": "1"}
        done = subprocess.run([sys.executable, "-m", "strat", "lint", str(generated / "strategy"), "--format", "json",
                               "--today", helpers.TODAY], cwd=work, env=env, capture_output=True, text=True,
                              timeout=300)
        assert "Traceback" not in done.stderr
        outputs.append((done.returncode, done.stdout))
    assert not marker.exists()
    assert outputs[0] == outputs[1]
