"""Helpers of the site tests: loading a strategy as `strat site` does, golden files, and
scanning built HTML for anything that could run. (A module of its own, not conftest.py:
tests/conftest.py already owns that module name.)"""

from __future__ import annotations

import datetime as dt
import html.parser
import os
import re
from dataclasses import dataclass, field
from pathlib import Path


from strat.config import load_config
from strat.lint import LintOptions, lint
from strat.rules.context import RuleContext

TODAY = dt.date(2026, 11, 23)
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("STRAT_UPDATE_GOLDEN") == "1"


@dataclass
class Loaded:
    root: Path
    model: object
    ctx: RuleContext
    diagnostics: list = field(default_factory=list)


def load(root: Path, today: dt.date = TODAY) -> Loaded:
    """Lint the repo at `root` (as `strat site build` does) and return its model."""
    config, problems = load_config(root)
    assert not problems
    result = lint(root, root / "strategy", config, LintOptions(today=today, use_git=False))
    assert result.model is not None
    return Loaded(root, result.model, RuleContext(result.model, config, today, None), result.diagnostics)


def check_golden(path: Path, actual: str) -> None:
    """Compare with a golden file; STRAT_UPDATE_GOLDEN=1 rewrites it instead."""
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run with STRAT_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs from its golden file; if the change is intended, " \
                               "regenerate with STRAT_UPDATE_GOLDEN=1 and review the diff"


class Scan(html.parser.HTMLParser):
    """What an HTML page could run: script elements, event-handler attributes, and
    javascript: URLs (attribute values are decoded, as a browser decodes them)."""

    URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.remote: list[str] = []
        self.title = ""
        self._in_script = False
        self._in_title = False
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._in_script = True
            self._current = [f"src={values.get('src')}"]
        if tag == "title" and not self.title:
            self._in_title = True
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRS and value:
                compact = re.sub(r"[\x00-\x20]", "", value).lower()
                if compact.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.js_urls.append(f"<{tag} {name}={value!r}>")
        # What the browser fetches by itself: scripts, images, stylesheets, and hosts a
        # link tells it to connect to ahead of time (web fonts announce theirs that way).
        rel = (values.get("rel") or "").lower().split()
        fetches = values.get("src") if tag in ("script", "img", "iframe", "embed", "source") else \
            values.get("href") if tag == "link" and {"stylesheet", "preconnect", "preload", "dns-prefetch",
                                                     "prefetch", "modulepreload", "icon"} & set(rel) else None
        if fetches and re.match(r"^\s*(https?:)?//", fetches, re.I):
            self.remote.append(f"<{tag} {fetches}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self.scripts.append("".join(self._current))
            self._in_script = False
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self._current.append(data)
        if self._in_title:
            self.title += data


def scan_html(text: str) -> Scan:
    scan = Scan()
    scan.feed(text)
    scan.close()
    return scan


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


# The payloads the site issue names: each must render as plain text wherever YAML text
# reaches a page. Test modules extend this list with their own cases.
ISSUE_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    'Grow ARR { onclick="alert(1)" }',
    '--8<-- "/etc/passwd"',
    "{{ config }}",
    "Left | right | cell",
]
