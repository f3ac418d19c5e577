"""A small Language Server Protocol client for the real `yaml-language-server` (npm),
driven over stdio the way an editor drives it: Content-Length framing, `initialize` with
a workspace folder, settings through `workspace/didChangeConfiguration` (and answers to
the server's `workspace/configuration` requests), `didOpen`, published diagnostics,
hover and completion. Every wait has a timeout, so a server that hangs fails the test
instead of stalling the suite."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

TIMEOUT = 30.0  # seconds for any one answer; the server answers in milliseconds when well


class ServerGone(RuntimeError):
    pass


class YamlLanguageServer:
    def __init__(self, package: Path, workspace: Path, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.process = subprocess.Popen(
            ["node", str(package / "bin" / "yaml-language-server"), "--stdio"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._next_id = 0
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._published: dict[str, list[dict[str, Any]]] = {}
        self._published_changed = threading.Condition()
        self._versions: dict[str, int] = {}
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        root = workspace.resolve().as_uri()
        self.request("initialize", {
            "processId": None, "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": workspace.name}],
            "capabilities": {
                "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
                "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]},
                                 "completion": {"completionItem": {"snippetSupport": True}},
                                 "publishDiagnostics": {"versionSupport": True}},
            },
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})
        # The server pulls its settings (workspace/configuration) and applies them
        # asynchronously; a code lens request waits for that, so files opened after it
        # are validated with the settings, not before them.
        self.request("textDocument/codeLens", {"textDocument": {"uri": (root + "/.settings-applied.yaml")}})

    # -- wire --
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read_loop(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self._closed()
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(out.read(length))
            if "id" in message and "method" in message:
                self._answer_server(message)
            elif "id" in message:
                with self._lock:
                    waiting = self._answers.get(message["id"])
                if waiting is not None:
                    waiting.put(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                with self._published_changed:
                    self._published[params["uri"]] = params["diagnostics"]
                    self._published_changed.notify_all()

    def _closed(self) -> None:
        with self._lock:
            for waiting in self._answers.values():
                waiting.put({"error": {"message": "the server exited"}})
        with self._published_changed:
            self._published_changed.notify_all()

    def _answer_server(self, message: dict[str, Any]) -> None:
        """The server's own requests: its settings, and registrations we accept."""
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section", ""), None) for item in message["params"]["items"]]
        self._send({"id": message["id"], "result": result})

    def request(self, method: str, params: dict[str, Any], timeout: float = TIMEOUT) -> Any:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            self._answers[ident] = queue.Queue()
        self._send({"id": ident, "method": method, "params": params})
        try:
            answer = self._answers[ident].get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"yaml-language-server did not answer {method} within {timeout} s") from None
        finally:
            with self._lock:
                self._answers.pop(ident, None)
        if "error" in answer:
            raise ServerGone(f"{method}: {answer['error']}")
        return answer.get("result")

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    # -- documents --
    def open(self, path: Path, text: str | None = None, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """Open a file (or replace its text, if open already) and return the diagnostics
        the server publishes for it."""
        return self.open_all({path: text}, timeout)[path]

    def open_all(self, files: dict[Path, str | None], timeout: float = TIMEOUT) -> dict[Path, list[dict[str, Any]]]:
        """Open several files at once ({path: text, or None to read the file}) and return
        each one's diagnostics. The server waits 200 ms after a change before validating
        a file, so opening them together costs that wait once."""
        uris = {path: path.resolve().as_uri() for path in files}
        with self._published_changed:
            for uri in uris.values():
                self._published.pop(uri, None)
        for path, text in files.items():
            uri = uris[path]
            content = path.read_text(encoding="utf-8") if text is None else text
            version = self._versions.get(uri)
            if version is None:
                self._versions[uri] = 1
                self.notify("textDocument/didOpen", {"textDocument": {
                    "uri": uri, "languageId": "yaml", "version": 1, "text": content}})
            else:
                self._versions[uri] = version + 1
                self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version + 1},
                                                       "contentChanges": [{"text": content}]})
        with self._published_changed:
            if not self._published_changed.wait_for(
                    lambda: all(u in self._published for u in uris.values()) or self.process.poll() is not None,
                    timeout):
                missing = [str(p) for p, u in uris.items() if u not in self._published]
                raise TimeoutError(f"no diagnostics within {timeout} s for {', '.join(missing)}")
            if not all(u in self._published for u in uris.values()):
                raise ServerGone("the server exited")
            return {path: self._published[uri] for path, uri in uris.items()}

    def close(self, path: Path) -> None:
        uri = path.resolve().as_uri()
        if self._versions.pop(uri, None) is not None:
            self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def hover(self, path: Path, line: int, character: int) -> str:
        """The hover text at a 0-based position, as Markdown ('' when none)."""
        result = self.request("textDocument/hover", {"textDocument": {"uri": path.resolve().as_uri()},
                                                     "position": {"line": line, "character": character}})
        if not result:
            return ""
        contents = result["contents"]
        return contents["value"] if isinstance(contents, dict) else str(contents)

    def completion(self, path: Path, line: int, character: int) -> list[dict[str, Any]]:
        result = self.request("textDocument/completion", {"textDocument": {"uri": path.resolve().as_uri()},
                                                          "position": {"line": line, "character": character}})
        if result is None:
            return []
        return result["items"] if isinstance(result, dict) else result

    def shutdown(self) -> None:
        try:
            if self.process.poll() is None:
                self.request("shutdown", {}, timeout=5)
                self.notify("exit", {})
                self.process.wait(timeout=5)
        except (TimeoutError, ServerGone, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=5)
