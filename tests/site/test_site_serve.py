"""`strat site serve`: the preview follows a change to a strategy file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import helpers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a local test server)
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, text: str, seconds: float = 40) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _get(url):
            return True
        time.sleep(0.3)
    return False


def test_serve_rerenders_when_a_goal_changes(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen([sys.executable, "-m", "strat", "site", "serve", "-a", f"127.0.0.1:{port}",
                             "--today", "2026-11-23"], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/goals/faster-activation/"
        assert _wait_for(url, "Half of new accounts send an invoice in week one"), proc.stderr
        goal = root / "strategy" / "goals" / "faster-activation.yaml"
        goal.write_text(goal.read_text(encoding="utf-8").replace("title: Half of new accounts",
                                                                 "title: Most new accounts"), encoding="utf-8")
        assert _wait_for(url, "Most new accounts send an invoice in week one")
        # A change with a lint error keeps the last good site up.
        goal.write_text(goal.read_text(encoding="utf-8").replace("parent: grow-retention", "parent: nowhere"),
                        encoding="utf-8")
        time.sleep(3)
        assert "Most new accounts send an invoice in week one" in _get(url)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "R201" in err and "not rebuilt" in err
    assert list(temp.iterdir()) == [], "the temporary site is removed on exit"
