"""`strat site serve`: a local preview that re-renders when the strategy changes.

The same steps as `strat site build`, into a temporary folder, served by MkDocs'
live-reload server. The server watches the strategy folder, the hand-written pages and
`mkdocs.yml`; any change re-lints, re-renders and rebuilds, and open browsers reload.
When a change introduces lint errors they are printed and the last good site stays up.
`mkdocs.yml` is read again, through `mkdocs_config`'s checks, on every rebuild; a version
it refuses is reported and the last accepted one is used.

MkDocs' file watcher gives up on a folder that is deleted (a `git checkout` or `git stash`
may delete and restore `strategy/`), so a small thread checks every watched path twice a
second and watches it again when it comes back (a new folder, a new file), then rebuilds.

The server answers only requests addressed to it: the Host header must name the bound
address, `localhost` or an IP address, with the port (a page on another site cannot reach
the preview through a DNS name it points at 127.0.0.1: "DNS rebinding"); others get 421.
A request path that is not UTF-8, holds a control character or is overlong gets 400,
never a traceback.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable, TextIO

from strat import inert
from strat.config import Config
from strat.site.build import (EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, SiteProblem, _layout, _Layout, _run_mkdocs, _Say,
                              render_strategy)
from strat.site.mkdocs_config import ConfigRefused, Trust

MAX_PATH = 2048  # characters of a request path; the site's own paths are far shorter
POLL = 0.5  # seconds between checks that the watched paths are still the ones watched


def serve_site(root: Path, folder: Path, config: Config, *, host: str = "127.0.0.1", port: int = 8000,
               today: dt.date | None = None, err: TextIO | None = None, trust: Trust | None = None,
               audience: str | None = None) -> int:
    """Serve the site until interrupted. 0 after Ctrl-C; 1 mkdocs.yml is refused; 2 when it
    cannot start."""
    err = err or sys.stderr
    trust = trust or Trust()
    say = _Say(err, quiet=False)
    with tempfile.TemporaryDirectory(prefix="strat-serve-") as tmp:
        try:
            _check_audience(config, audience)
            layout = _layout(root, config, None, cwd=Path.cwd(), trust=trust)
        except ConfigRefused as refused:
            print(inert.lines(f"strat site: {refused}"), file=err)
            return EXIT_FINDINGS
        except SiteProblem as problem:
            print(inert.lines(f"strat site: {problem}"), file=err)
            return EXIT_USAGE
        site_dir = Path(tmp) / "site"
        site_dir.mkdir()
        current: list[_Layout] = [layout]

        def builder() -> None:
            try:
                _rebuild(root, folder, config, today, trust, current, site_dir, Path(tmp), say, err, audience)
            except Exception as exc:  # never a traceback: the last good site stays up
                say(f"not rebuilt: {type(exc).__name__}: {exc}")

        server = _server_class()(builder=builder, host=host, port=port, root=str(site_dir))
        builder()
        watched = [p for p in (folder, layout.hand_dir, layout.mkdocs_file or root / "mkdocs.yml") if p is not None]
        keeper = _Rewatch(server, watched)
        say(f"serving on {server.url} (Ctrl-C to stop); watching {folder.name}/ for changes")
        _stop_on_sigterm()
        try:
            keeper.start()
            server.serve()
        except KeyboardInterrupt:
            say("stopped")
        except OSError as exc:
            print(inert.lines(f"strat site: cannot serve on {host}:{port}: {exc.strerror}"), file=err)
            return EXIT_USAGE
        finally:
            keeper.stop.set()
            server.shutdown()
    return EXIT_OK


def _check_audience(config: Config, audience: str | None) -> None:
    """A wrong audience setting stops the preview before it starts (the preview shows the
    site for the audience a build would publish to)."""
    from strat.audience import AudienceProblem, audience as audience_of

    try:
        audience_of(config, audience)
    except AudienceProblem as problem:
        raise SiteProblem(str(problem)) from None


def _rebuild(root: Path, folder: Path, config: Config, today: dt.date | None, trust: Trust, current: list[_Layout],
             site_dir: Path, tmp: Path, say: _Say, err: TextIO, audience: str | None = None) -> None:
    """One build of the preview: mkdocs.yml read again (a refused one keeps the last
    accepted), the strategy linted and rendered, MkDocs run."""
    try:
        layout = _layout(root, config, None, cwd=Path.cwd(), trust=trust)
        current[0] = layout
    except (ConfigRefused, SiteProblem) as refused:
        say(f"{refused}; building with the last accepted mkdocs.yml")
        layout = current[0]
    layout.out_dir = site_dir
    if not folder.is_dir():
        say(f"not rebuilt: {folder.name}/ is gone; the preview shows the last version until it is back")
        return
    rendered = render_strategy(root, folder, config, today, layout.directory_urls, err, audience,
                               repository=layout.repository)
    if rendered is None:
        say("not rebuilt: the preview shows the last version without lint errors")
        return
    with tempfile.TemporaryDirectory(dir=tmp) as work:
        try:
            _run_mkdocs(layout, rendered, Path(work), False, say, err)
        except SiteProblem as problem:
            say(str(problem))
            return
    say(f"rebuilt {sum(1 for p in rendered.pages if p.endswith('.md'))} pages")


def _server_class() -> type:
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        """MkDocs' live-reload server, answering only requests addressed to it and plain
        400s for request paths it cannot serve."""

        def __init__(self, *, builder: Any, host: str, port: int, root: str) -> None:
            super().__init__(builder=builder, host=host, port=port, root=root)
            self.bound_host = host.strip("[]").lower()
            self.port = port

        def request_rebuild(self) -> None:
            with self._rebuild_cond:  # MkDocs 1.6's own trigger, as its file watcher pulls it
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        def serve_request(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            status = self.refusal(environ)
            if status is not None:
                body = status.encode("ascii") + b"\n"
                start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                                        ("Content-Length", str(len(body)))])
                return [body]
            return super().serve_request(environ, start_response)  # type: ignore[no-any-return]

        def refusal(self, environ: dict[str, Any]) -> str | None:
            if not self.host_allowed(environ.get("HTTP_HOST")):
                return "421 Misdirected Request"
            raw = environ.get("PATH_INFO", "")
            try:
                path = raw.encode("latin-1").decode("utf-8")
            except UnicodeError:
                return "400 Bad Request"
            if len(path) > MAX_PATH or any(ord(c) < 32 or ord(c) == 127 for c in path):
                return "400 Bad Request"
            return None

        def host_allowed(self, header: str | None) -> bool:
            if not header:
                return False
            name, port = _split_host(header.strip().lower())
            if port is None:
                port = 80
            if port != self.port:
                return False
            if name in ("localhost", self.bound_host):
                return True
            try:
                ipaddress.ip_address(name)  # an address, not a name someone's DNS could point here
            except ValueError:
                return False
            return True

    return Server


def _split_host(value: str) -> tuple[str, int | None]:
    """`host:port`, `[v6]:port`, or a bare host; (name, port or None); an invalid port
    gives port -1."""
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
    elif value.count(":") == 1:
        name, port = value.split(":")
    else:
        name, port = value, None
    if port is None:
        return name, None
    return name, int(port) if port.isdigit() and len(port) <= 5 else -1


class _Rewatch(threading.Thread):
    """Watches each path again when it disappears and comes back (a new folder or file
    in its place), and asks for a rebuild when it does."""

    def __init__(self, server: Any, paths: list[Path]) -> None:
        super().__init__(daemon=True, name="strat-rewatch")
        self.server, self.paths = server, [str(p) for p in paths]
        self.stop = threading.Event()
        self.seen: dict[str, tuple[int, int] | None] = {}
        for path in self.paths:
            self.seen[path] = _identity(path)
            if self.seen[path] is not None:
                server.watch(path)

    def run(self) -> None:
        while not self.stop.wait(POLL):
            for path in self.paths:
                now = _identity(path)
                if now == self.seen[path] and (now is None or self.watching(path)):
                    continue
                try:
                    if self.seen[path] is not None:
                        self.server.unwatch(path)
                    if now is not None:
                        self.server.watch(path)
                except Exception:  # a watcher that cannot be set up now is tried again next time
                    continue
                self.seen[path] = now
                self.server.request_rebuild()

    def watching(self, path: str) -> bool:
        """Whether a live watcher of MkDocs' observer still follows `path` (it stops for
        good when the path disappears, even for a moment)."""
        observer = self.server.observer
        if not observer.is_alive():
            return True  # not started yet: its watchers start with it
        return any(e.watch.path == os.path.abspath(path) and e.is_alive() for e in observer.emitters)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _stop_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so the temporary folder is removed either way."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
