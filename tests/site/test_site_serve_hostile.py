"""`strat site serve` as a real process over real HTTP: it keeps following a strategy
folder that is deleted and restored, answers only requests addressed to it (DNS
rebinding), and answers any request path with a page, a 400 or a 404, never a 500 or a
traceback."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import helpers

TODAY = "2026-11-23"
TITLE = "Half of new accounts send an invoice in week one"
GOAL = Path("strategy") / "goals" / "faster-activation.yaml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, path: str, host: str | None = "default", timeout: float = 5) -> tuple[int, str]:
    """One raw request: the path goes on the request line as given, the Host header as
    given (None: no Host header at all)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", f"127.0.0.1:{port}" if host == "default" else host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _wait_for(port: int, path: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, body = _request(port, path)
            if status == 200 and text in body:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


class Served:
    def __init__(self, root: Path, temp: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "strat", "site", "serve", "-a", f"127.0.0.1:{self.port}",
                                      "--today", TODAY], cwd=root, env={**os.environ, "TMPDIR": str(temp)},
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stop(self) -> str:
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=30)
        return err


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("serve")
    root = helpers.copy_base(base / "repo", git=False)
    (base / "tmp").mkdir()
    server = Served(root, base / "tmp")
    try:
        assert _wait_for(server.port, "/goals/faster-activation/", TITLE), "the preview did not come up"
        yield server
    finally:
        err = server.stop()
        assert "Traceback" not in err, err


def _retitle(root: Path, new: str) -> None:
    goal = root / GOAL
    text = goal.read_text(encoding="utf-8")
    goal.write_text(text.replace(f"title: {TITLE}", f"title: {new}"), encoding="utf-8")


@pytest.mark.parametrize("restore", ["copy", "move"])
def test_preview_follows_a_strategy_folder_deleted_and_restored(tmp_path: Path, restore: str) -> None:
    """`copy` restores a new folder (as `git checkout` does); `move` brings the same folder
    back (as `mv strategy x; mv x strategy` does)."""
    root = helpers.copy_base(tmp_path / "repo", git=False)
    (tmp_path / "tmp").mkdir()
    server = Served(root, tmp_path / "tmp")
    try:
        url = "/goals/faster-activation/"
        assert _wait_for(server.port, url, TITLE)
        folder, away = root / "strategy", tmp_path / "away"
        if restore == "copy":
            shutil.copytree(folder, away)
            shutil.rmtree(folder)
        else:
            folder.rename(away)
        time.sleep(2)  # long enough for the watcher to notice the folder is gone
        if restore == "copy":
            shutil.copytree(away, folder)
        else:
            away.rename(folder)
        time.sleep(1)
        _retitle(root, "Restored and still followed")
        assert _wait_for(server.port, url, "Restored and still followed"), "the preview stopped rebuilding"
    finally:
        err = server.stop()
    assert server.proc.returncode == 0, err
    assert "Traceback" not in err


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1.nip.io:{port}", "attacker.test", "localhost:1",
                                  "127.0.0.1:{port}0", "[::1]:9", "", None],
                         ids=["other-name", "name-resolving-to-localhost", "no-port", "wrong-port", "longer-port",
                              "v6-wrong-port", "empty", "missing"])
def test_requests_for_another_host_are_refused(served: Served, host: str | None) -> None:
    status, body = _request(served.port, "/goals/faster-activation/",
                            host=None if host is None else host.format(port=served.port))
    assert status in (400, 421)
    assert TITLE not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_requests_addressed_to_the_preview_are_answered(served: Served, host: str) -> None:
    status, body = _request(served.port, "/goals/faster-activation/", host=host.format(port=served.port))
    assert status == 200 and TITLE in body


BAD_PATHS = ["/%00", "/goals/%00/", "/..%2f..%2fetc/passwd", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
             "/%ff%fe", "/%c0%ae%c0%ae/", "/" + "a" * 5000, "/" + "a/" * 3000, "/goals/%0d%0aSet-Cookie:x=1",
             "/%1b[31m", "/livereload/x/y", "//etc/passwd",
             "/index.html%00.png", "/%", "/%zz"]


@pytest.mark.parametrize("path", BAD_PATHS, ids=range(len(BAD_PATHS)))
def test_odd_paths_get_a_plain_400_or_404(served: Served, path: str) -> None:
    status, body = _request(served.port, path, timeout=10)
    assert status in (400, 404), (status, body[:200])
    assert "Traceback" not in body and "root:x:0:0" not in body


def test_serve_refuses_a_hostile_mkdocs_yml_before_serving(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    root = helpers.copy_base(tmp_path / "repo", {
        "mkdocs.yml": "site_name: X\ntheme: {name: material}\nhooks: [evil.py]\n",
        "evil.py": f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"}, git=False)
    proc = subprocess.run([sys.executable, "-m", "strat", "site", "serve", "-a", f"127.0.0.1:{_free_port()}",
                           "--today", TODAY], cwd=root, capture_output=True, text=True, timeout=120)
    assert not marker.exists()
    assert proc.returncode == 1 and "hooks" in proc.stderr and "Traceback" not in proc.stderr


def test_a_hostile_mkdocs_yml_written_while_serving_is_refused(tmp_path: Path) -> None:
    """The preview reads mkdocs.yml again on every rebuild, through the same checks: a
    change that adds a hook is refused and the last accepted configuration is used."""
    marker = tmp_path / "marker"
    root = helpers.copy_base(tmp_path / "repo", {"mkdocs.yml": "site_name: X\ntheme: {name: material}\n"}, git=False)
    (tmp_path / "tmp").mkdir()
    server = Served(root, tmp_path / "tmp")
    try:
        url = "/goals/faster-activation/"
        assert _wait_for(server.port, url, TITLE)
        (root / "evil.py").write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n",
                                      encoding="utf-8")
        (root / "mkdocs.yml").write_text("site_name: X\ntheme: {name: material}\nhooks: [evil.py]\n", encoding="utf-8")
        time.sleep(2)
        _retitle(root, "Rebuilt with the last accepted configuration")
        assert _wait_for(server.port, url, "Rebuilt with the last accepted configuration")
    finally:
        err = server.stop()
    assert not marker.exists(), "the hook ran"
    assert "hooks" in err and "last accepted mkdocs.yml" in err and "Traceback" not in err
