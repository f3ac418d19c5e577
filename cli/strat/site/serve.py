"""`strat site serve`: a local preview that re-renders when the strategy changes.

The same steps as `strat site build`, into a temporary folder, served by MkDocs'
live-reload server. The server watches the strategy folder, the hand-written pages and
`mkdocs.yml`; any change re-lints, re-renders and rebuilds, and open browsers reload.
When a change introduces lint errors they are printed and the last good site stays up.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from strat.config import Config
from strat.site.build import EXIT_OK, EXIT_USAGE, SiteProblem, _layout, _run_mkdocs, _Say, render_strategy


def serve_site(root: Path, folder: Path, config: Config, *, host: str = "127.0.0.1", port: int = 8000,
               today: dt.date | None = None, err: TextIO | None = None) -> int:
    """Serve the site until interrupted. 0 after Ctrl-C; 2 when it cannot start."""
    from mkdocs.livereload import LiveReloadServer

    err = err or sys.stderr
    say = _Say(err, quiet=False)
    with tempfile.TemporaryDirectory(prefix="strat-serve-") as tmp:
        try:
            layout = _layout(root, config, None, cwd=Path.cwd())
        except SiteProblem as problem:
            print(f"strat site: {problem}", file=err)
            return EXIT_USAGE
        layout.out_dir = Path(tmp) / "site"
        layout.out_dir.mkdir()

        def builder() -> None:
            rendered = render_strategy(root, folder, config, today, layout.directory_urls, err)
            if rendered is None:
                say("not rebuilt: the preview shows the last version without lint errors")
                return
            with tempfile.TemporaryDirectory(dir=tmp) as work:
                try:
                    _run_mkdocs(layout, rendered.pages, rendered.company, Path(work), False, say, err)
                except SiteProblem as problem:
                    say(str(problem))
                    return
            say(f"rebuilt {sum(1 for p in rendered.pages if p.endswith('.md'))} pages")

        server = LiveReloadServer(builder=builder, host=host, port=port, root=str(layout.out_dir))
        builder()
        for path in (folder, layout.hand_dir, layout.mkdocs_file):
            if path is not None and path.exists():
                server.watch(str(path))
        say(f"serving on {server.url} (Ctrl-C to stop); watching {folder.name}/ for changes")
        _stop_on_sigterm()
        try:
            server.serve()
        except KeyboardInterrupt:
            say("stopped")
        except OSError as exc:
            print(f"strat site: cannot serve on {host}:{port}: {exc.strerror}", file=err)
            return EXIT_USAGE
        finally:
            server.shutdown()
    return EXIT_OK


def _stop_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so the temporary folder is removed either way."""
    import signal
    import threading

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
