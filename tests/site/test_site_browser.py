"""The built site in a real browser: headless Chromium (Debian's `chromium`) driven by
Playwright, against the site served over HTTP on 127.0.0.1.

* This repository's own example strategy: every page loads with no console error, no
  page error, no failed request and no request to any host but the test server (the
  site works offline); the one-pager's diagrams are visible and every node is a link to
  a page that loads; screenshots of the main pages go to tests/screenshots/ (git-ignored)
  for a person to look at.
* Accessibility: axe-core (npm, pinned in tests/node) on every kind of page, the
  search dialog opened, in the light and the dark scheme (switched with the theme's
  palette toggle, as a reader does): no serious or critical violation. The diagrams
  carry a text alternative and every box is a link with a name. A page broken on
  purpose (a low-contrast line, an unnamed button, links no longer underlined) shows
  that the check sees what it must.
* A hostile strategy (the payloads of test_site_hostile.py in every text field, and in
  commit subjects and an author name for the changelog), built with the default
  configuration and with every text-interpreting extension turned on: on every page, no
  dialog opens (no script from YAML or git runs), nothing adds an event handler or a
  javascript: link to the live DOM, tables keep their columns, and each entity's hostile
  title, every check-in note and the commit subjects are shown as text.

Playwright drives the system Chromium (`executable_path`); `playwright install` is never
needed. The tests skip only when there is no Chromium binary (set STRAT_CHROMIUM to use
another one); `.ci/run` installs it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

import helpers
from sitetest import html_files

CHROMIUM = os.environ.get("STRAT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("no Chromium binary (install Debian's `chromium`, or set STRAT_CHROMIUM): the browser tests "
                "need a real browser", allow_module_level=True)

try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
except ImportError as exc:  # a Chromium but not the test extra: say what to install, do not skip
    raise ImportError("the browser tests need Playwright's Python package: pip install -e '.[test]' (never "
                      "`playwright install`: the tests drive the system Chromium)") from exc

from test_site_hostile import LOADED_MKDOCS, PAYLOADS, hostile_repo  # noqa: E402
import measuredcase  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "tests" / "screenshots"
TODAY = "2026-11-23"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
        "--disable-domain-reliability", "--no-pings", "--disable-breakpad"]
VIEWPORT = {"width": 1280, "height": 800}
LOCAL = "127.0.0.1"
NO_NETWORK = ("data", "blob", "about")  # schemes that never leave the browser


# --- serving and recording ------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@dataclass
class Served:
    site: Path
    url: str  # http://127.0.0.1:PORT/
    root: Path | None = None  # the repository it was built from
    name: str = ""

    def url_of(self, html: Path) -> str:
        rel = html.relative_to(self.site).as_posix()
        return self.url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


@contextlib.contextmanager
def serve(site: Path, root: Path | None = None, name: str = "") -> Iterator[Served]:
    """The folder over HTTP on 127.0.0.1, on a free port, from a thread."""
    server = ThreadingHTTPServer((LOCAL, 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site, f"http://{LOCAL}:{server.server_address[1]}/", root, name)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def status_of(url: str) -> int:
    """The HTTP status of a URL of the test server (redirects followed)."""
    assert urlsplit(url).hostname == LOCAL, url
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the local test server)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass
class Record:
    """Everything the browser did in one context."""

    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # requests to another host (blocked)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # console errors and uncaught page errors
    dialogs: list[str] = field(default_factory=list)
    where: str = ""  # the page being visited, for messages
    inflight: dict[Any, str] = field(default_factory=dict)  # requests sent and not yet finished or failed
    last_change: float = field(default_factory=time.monotonic)

    def started(self, request: Any) -> None:
        self.requests.append(request.url)
        self.inflight[request] = request.url
        self.last_change = time.monotonic()

    def ended(self, request: Any) -> None:
        self.inflight.pop(request, None)
        self.last_change = time.monotonic()

    def problems(self) -> list[str]:
        return self.foreign + self.failed + self.bad_status + self.errors + self.dialogs


def recorded(context: BrowserContext) -> Record:
    """Record every request, failure, console error, page error and dialog of the
    context. A request to any host but the test server is recorded and aborted, so a
    test never reaches the network even when the site is wrong."""
    rec = Record()

    def route(r: Any) -> None:
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme in NO_NETWORK or parts.hostname == LOCAL:
            r.continue_()
        else:
            rec.foreign.append(f"{rec.where}: request to another host: {url}")
            r.abort()

    def failed(request: Any) -> None:
        # A request cut short by the next navigation is not the site's fault.
        if request.failure != "net::ERR_ABORTED" or urlsplit(request.url).hostname != LOCAL:
            rec.failed.append(f"{rec.where}: {request.url} failed: {request.failure}")

    def console(message: Any) -> None:
        if message.type == "error":
            rec.errors.append(f"{rec.where}: console error: {message.text} ({message.location})")

    def dialog(d: Any) -> None:
        rec.dialogs.append(f"{rec.where}: a {d.type} dialog opened: {d.message!r}")
        d.dismiss()

    def page(p: Page) -> None:
        p.on("pageerror", lambda exc: rec.errors.append(f"{rec.where}: page error: {exc}"))
        p.on("console", console)
        p.on("dialog", dialog)

    context.route("**/*", route)
    context.on("request", rec.started)
    context.on("requestfinished", rec.ended)
    context.on("requestfailed", failed)
    context.on("requestfailed", rec.ended)
    context.on("response", lambda response: response.status >= 400 and rec.bad_status.append(
        f"{rec.where}: HTTP {response.status} for {response.url}"))
    context.on("page", page)
    return rec


def settle(page: Page, rec: Record, quiet: float = 0.5, timeout: float = 30.0) -> None:
    """Wait until every request the context sent has finished or failed and nothing new
    started for `quiet` seconds, so late requests (the search index) are recorded too.

    Counted from the context's own request events rather than Playwright's
    `networkidle`, which can be lost for good when a request finishes before
    DOMContentLoaded (microsoft/playwright#42598) and then hangs until its timeout."""
    deadline = time.monotonic() + timeout
    while rec.inflight or time.monotonic() - rec.last_change < quiet:
        assert time.monotonic() < deadline, f"{rec.where}: requests still running after {timeout} s: " \
            f"{sorted(rec.inflight.values())}"
        page.wait_for_timeout(50)  # lets Playwright deliver the events


def visit(page: Page, rec: Record, url: str, settle_down: bool = False) -> None:
    """Open a page and check it loaded (HTTP 200). With `settle_down`, wait until the
    network is quiet (see `settle`)."""
    rec.where = url
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    if settle_down:
        settle(page, rec)


def off_host(rec: Record) -> list[str]:
    return [u for u in rec.requests if urlsplit(u).scheme not in NO_NETWORK and urlsplit(u).hostname != LOCAL]


def text_of(page: Page, selector: str = "article") -> str:
    """The rendered text of an element, whitespace collapsed."""
    return " ".join(page.locator(selector).first.inner_text().split())


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[tuple[BrowserContext, Record]]:
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block", color_scheme="light")
    rec = recorded(ctx)
    try:
        yield ctx, rec
    finally:
        ctx.close()


def _build(root: Path, out: Path) -> Path:
    """The whole site (`--audience internal`: Lint health and Changelog included)."""
    result = helpers.run_cli(["site", "build", "--today", TODAY, "--audience", "internal", "--out", str(out)], cwd=root)
    assert result.exit_code == 0, result.stderr + result.stdout
    assert (out / "index.html").is_file()
    return out


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """This repository's own strategy, mkdocs.yml and hand-written pages, built once."""
    site = _build(REPO, tmp_path_factory.mktemp("example") / "public")
    with serve(site) as served:
        yield served


# Commit subjects and an author name for the changelog page (git drops < and > from names).
HISTORY = [("<script>alert(1)</script> | the base strategy", "{{ config }} | Mallory", "2026-10-01T12:00:00+00:00"),
           ('<img src=x onerror=alert(1)> [x](javascript:alert(1)) --8<-- "/etc/passwd"',
            'Grow ARR { onclick="alert(1)" }', "2026-11-02T12:00:00+00:00")]


def _commit(root: Path, subject: str, author: str, when: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.invalid", "GIT_AUTHOR_DATE": when,
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_COMMITTER_DATE": when}
    for args in (["add", "-A"], ["-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", subject]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


@pytest.fixture(scope="module", params=[None, LOADED_MKDOCS], ids=["default-config", "every-extension"])
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The hostile strategy of test_site_hostile.py, built once per configuration, in a
    git repository whose history (the base strategy, then the payloads) carries payloads
    in commit subjects and author names, for the changelog page."""
    base = tmp_path_factory.mktemp("hostile")
    root = helpers.copy_base(base / "repo", git=True)
    _commit(root, *HISTORY[0])
    git_config = (root / ".git" / "config").read_text(encoding="utf-8")
    hostile_repo(root, request.param)  # poisons every file; writes a snippet bait into .git/config
    bait = (root / ".git" / "config").read_text(encoding="utf-8")
    (root / ".git" / "config").write_text(git_config + bait, encoding="utf-8")
    _commit(root, *HISTORY[1])
    site = _build(root, base / "public")
    with serve(site, root, "default-config" if request.param is None else "every-extension") as served:
        yield served


def _first_with(site: Path, folder: str, marker: str) -> Path:
    """The first entity page of a folder (by name) that contains `marker`."""
    for page in sorted((site / folder).glob("*/index.html")):
        if marker in page.read_text(encoding="utf-8"):
            return page
    raise AssertionError(f"no page in {folder}/ contains {marker!r}")


# --- the example strategy --------------------------------------------------------------------


def test_every_page_loads_offline_without_errors(example: Served, context) -> None:
    """Every page of the example: HTTP 200, no console or page error, no failed request,
    and no request to any host but the test server (the site works with no network)."""
    ctx, rec = context
    page = ctx.new_page()
    pages = html_files(example.site)
    assert len(pages) > 100
    visit(page, rec, example.url, settle_down=True)  # once with the network idle: the search index loads
    for html in pages:
        visit(page, rec, example.url_of(html))
    settle(page, rec)
    assert rec.problems() == []
    assert off_host(rec) == []
    assert any(u.endswith("search/search_index.json") for u in rec.requests), "the search index was not loaded"
    assert any(u.endswith(".css") for u in rec.requests) and any(u.endswith(".js") for u in rec.requests)


def test_one_pager_diagram_is_visible_and_every_node_links_to_a_page(example: Served, context) -> None:
    ctx, rec = context
    page = ctx.new_page()
    visit(page, rec, example.url + "map/", settle_down=True)

    # On a wide screen the drawings across are shown; the outlines for phones and the
    # drawing for print are not (display: none: neither seen nor read out).
    diagrams = page.locator("article .strat-across svg.strat-map")
    assert diagrams.count() >= 1
    for i in range(diagrams.count()):
        diagram = diagrams.nth(i)
        diagram.scroll_into_view_if_needed()
        box = diagram.bounding_box()
        assert diagram.is_visible() and box is not None and box["width"] > 200 and box["height"] > 100, (i, box)
    hidden = page.locator("article .strat-down svg, article .strat-print svg")
    assert hidden.count() == diagrams.count() + 1
    assert not any(hidden.nth(i).is_visible() for i in range(hidden.count()))

    links = page.locator("article .strat-across svg.strat-map a")
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href') || e.getAttribute('xlink:href'))")
    # A node per objective, metric, goal and initiative in the example, plus the North Star.
    assert len(hrefs) >= 30, hrefs
    assert all(hrefs), "an <a> in the diagram has no href"
    targets = sorted({urljoin(page.url, h) for h in hrefs})
    assert all(urlsplit(t).hostname == LOCAL for t in targets), targets
    broken = [t for t in targets if status_of(t) != 200]
    assert broken == []
    # Every goal and objective of the example is a node of the one-pager.
    for folder in ("goals", "objectives"):
        pages = {example.url_of(p) for p in (example.site / folder).glob("*/index.html")}
        assert pages <= set(targets), f"{folder} missing from the one-pager: {sorted(pages - set(targets))}"

    # A click on a goal node opens the goal's page.
    goal = page.locator("article .strat-across svg.strat-map a[href*='goals/']").first
    href = goal.get_attribute("href")
    assert href
    with page.expect_navigation() as navigation:
        goal.click()
    assert navigation.value is not None and navigation.value.status == 200
    assert page.url == urljoin(example.url + "map/", href) and "/goals/" in page.url
    assert page.locator("article h1").first.is_visible()
    assert rec.problems() == []

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_one_pager_is_drawn_down_and_never_scrolls_sideways(example: Served, browser: Browser) -> None:
    """At a phone's width (390 px) the one-pager shows each diagram as an outline, one box
    a row (the drawings across are hidden): the page never scrolls sideways, every outline
    is visible and inside the screen, and its boxes are the same links as across."""
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, service_workers="block",
                              color_scheme="light")
    try:
        rec = recorded(ctx)
        page = ctx.new_page()
        visit(page, rec, example.url + "map/", settle_down=True)
        width, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert inner == PHONE["width"] and width <= inner, (width, inner)
        across = page.locator("article .strat-across svg.strat-map")
        down = page.locator("article .strat-down svg.strat-map")
        assert down.count() == across.count() >= 1
        assert not any(across.nth(i).is_visible() for i in range(across.count()))
        for i in range(down.count()):
            drawing = down.nth(i)
            drawing.scroll_into_view_if_needed()
            box = drawing.bounding_box()
            assert drawing.is_visible() and box is not None, i
            _assert_named(drawing, ("phone", i))
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] > 100, (i, box)
        hrefs = "els => els.map(e => e.getAttribute('href'))"
        assert sorted(down.locator("a").evaluate_all(hrefs)) == sorted(across.locator("a").evaluate_all(hrefs))
        assert len(down.locator("a").evaluate_all(hrefs)) >= 30
        assert down.first.locator("a").first.locator("text").first.text_content() == "NORTH STAR"  # read top down
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "one-pager-phone.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        assert rec.problems() == []
    finally:
        ctx.close()


def _pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF: its page objects (/Type /Page, not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def test_the_one_pager_prints_on_one_a4_page(example: Served, browser: Browser, tmp_path: Path) -> None:
    """Printed (Chromium's own --print-to-pdf, as a reader's print dialog does), the
    one-pager is one portrait A4 page; in print the drawing for print is the one shown,
    with a box for every goal and objective, and the page has no console error."""
    pdf = tmp_path / "one-pager.pdf"
    done = subprocess.run([CHROMIUM, "--headless", *ARGS, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                           example.url + "map/"], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
    data = pdf.read_bytes()
    assert _pdf_pages(data) == 1, f"the one-pager prints on {_pdf_pages(data)} pages"
    boxes = {tuple(round(float(v)) for v in b.split()) for b in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes == {(0, 0, 595, 842)}, boxes  # A4 portrait, in points
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, SHOTS / "one-pager.pdf")

    ctx = browser.new_context(viewport={"width": 794, "height": 1123}, service_workers="block",
                              color_scheme="light")
    try:
        rec = recorded(ctx)
        page = ctx.new_page()
        page.emulate_media(media="print")
        visit(page, rec, example.url + "map/", settle_down=True)
        printed = page.locator("article .strat-print svg.strat-map")
        assert printed.count() == 1 and printed.is_visible()
        assert page.locator("article .strat-across svg, article .strat-down svg").evaluate_all(
            "els => els.filter(e => e.getBoundingClientRect().width > 0).length") == 0
        hrefs = {urljoin(page.url, h) for h in printed.locator("a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")}
        for folder in ("goals", "objectives"):
            pages = {example.url_of(p) for p in (example.site / folder).glob("*/index.html")}
            assert pages <= hrefs, sorted(pages - hrefs)
        page.screenshot(path=str(SHOTS / "one-pager-print.png"), full_page=True)
        assert rec.problems() == []
    finally:
        ctx.close()


def test_goal_pages_show_their_chart_and_objective_pages_their_diagram(example: Served, context) -> None:
    ctx, rec = context
    page = ctx.new_page()
    for html, selector in [(_first_with(example.site, "goals", "strat-chart"), "article svg.strat-chart"),
                           (_first_with(example.site, "objectives", "strat-map"), "article svg.strat-map")]:
        visit(page, rec, example.url_of(html))
        svg = page.locator(selector).first
        svg.scroll_into_view_if_needed()
        box = svg.bounding_box()
        assert svg.is_visible() and box is not None and box["width"] > 100 and box["height"] > 50, (html, box)
        for href in svg.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
            assert status_of(urljoin(page.url, href)) == 200, (html, href)
    assert rec.problems() == []


def test_screenshots_of_the_main_pages(example: Served, context) -> None:
    """Full-page screenshots into tests/screenshots/ (git-ignored), for a person to look
    at: the checks here are only that each page rendered something of a sensible size."""
    ctx, rec = context
    page = ctx.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    goal = _first_with(example.site, "goals", "strat-chart")
    objective = _first_with(example.site, "objectives", "strat-map")
    shots = {
        "home": example.site / "index.html",
        "one-pager": example.site / "map" / "index.html",
        f"goal-{goal.parent.name}": goal,
        f"objective-{objective.parent.name}": objective,
        "roi": example.site / "roi" / "index.html",
    }
    for name, html in shots.items():
        visit(page, rec, example.url_of(html), settle_down=True)
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 20_000, path
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"], \
            f"{name}: the page scrolls sideways"
    assert rec.problems() == []


# --- accessibility (axe-core) ------------------------------------------------------------------

SEVERE = ("serious", "critical")
# One page of every kind the site has: (name, how to find it in the built site). A finder
# returns the page's path below the site; "search" is the home page with the search
# dialog opened on a query that has results.
PAGE_KINDS: list[tuple[str, Any]] = [
    ("home", lambda site: site / "index.html"),
    ("metrics one-pager", lambda site: site / "map" / "index.html"),
    ("objective", lambda site: _first_with(site, "objectives", "strat-map")),
    ("plan", lambda site: _first_with(site, "plans", "strat-s-at-risk")),
    ("team", lambda site: _first_with(site, "teams", "strat-s-at-risk")),
    ("department", lambda site: _first_with(site, "departments", "strat-card")),
    ("person", lambda site: _first_with(site, "people", "strat-s-at-risk")),
    ("goal", lambda site: _first_with(site, "goals", "strat-s-at-risk")),
    ("period", lambda site: _first_with(site, "periods", "strat-grid")),
    ("metric", lambda site: _first_with(site, "metrics", "strat-facts")),
    ("initiative", lambda site: _first_with(site, "initiatives", "strat-tag")),
    ("decision", lambda site: _first_with(site, "decisions", "strat-facts")),
    ("joint goals", lambda site: site / "joint-goals" / "index.html"),
    ("ROI", lambda site: site / "roi" / "index.html"),
    ("decisions log", lambda site: site / "decisions" / "index.html"),
    ("rule", lambda site: _first_with(site, "rules", "<h1")),
    ("lint health", lambda site: site / "health" / "index.html"),
    ("changelog", lambda site: site / "changelog" / "index.html"),
    ("guide page", lambda site: site / "guide" / "getting-started" / "index.html"),
    ("about", lambda site: site / "about" / "index.html"),
    ("reference", lambda site: site / "reference" / "kinds" / "goal" / "index.html"),
    ("search dialog", lambda site: site / "index.html"),
]
SCHEMES = {"light": "default", "dark": "slate"}  # the palette's scheme names in mkdocs.yml


@dataclass
class Violation:
    """One axe-core rule broken on one element."""

    page: str
    rule: str
    impact: str
    target: str
    summary: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) at {self.target}: {self.summary}"


@functools.lru_cache(maxsize=1)
def axe_script() -> Path | None:
    folder = helpers.node_module("axe-core")
    return folder / "axe.min.js" if folder is not None and (folder / "axe.min.js").is_file() else None


def axe_violations(page: Page, where: str) -> list[Violation]:
    """axe-core's violations on the page as it is now (every rule axe runs by default:
    WCAG 2.x A and AA, and its best practices), one per rule and element."""
    script = axe_script()
    assert script is not None
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(script))
    found = page.evaluate("""async () => {
      const result = await axe.run(document, {resultTypes: ['violations']});
      return result.violations.flatMap(v => v.nodes.map(n => [v.id, v.impact || n.impact || '',
        n.target.join(' '), (n.failureSummary || v.help).replace(/\\s+/g, ' ').trim()]));
    }""")
    return [Violation(where, *row) for row in found]


def severe(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in SEVERE]


def _axe_path() -> Path:
    script = axe_script()
    assert script is not None
    return script


def _needs_axe() -> None:
    if axe_script() is None:
        pytest.skip("axe-core needs Node.js and npm (tests/node/package.json); `.ci/run` installs them")


@dataclass
class Schemed:
    page: Page
    rec: Record
    scheme: str


@pytest.fixture(scope="module", params=list(SCHEMES))
def schemed(request: pytest.FixtureRequest, browser: Browser, example: Served) -> Iterator[Schemed]:
    """One context per colour scheme, its pages visited in sequence. The dark one is
    switched with the palette toggle in the header, as a reader does; the theme keeps
    the choice (in localStorage) for every page after."""
    _needs_axe()
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block", color_scheme="light")
    try:
        ctx.add_init_script(path=_axe_path())  # axe-core in every page, loaded once
        rec = recorded(ctx)
        page = ctx.new_page()
        visit(page, rec, example.url)
        if request.param == "dark":
            page.locator("form[data-md-component=palette] label:visible").first.click()
            page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        yield Schemed(page, rec, request.param)
    finally:
        ctx.close()


# The search index is ready when the theme says "Type to start searching" (in the site's
# language: the theme's own translation, from its configuration in the page).
SEARCH_READY = """() => {
  const words = JSON.parse(document.getElementById('__config').textContent).translations['search.result.placeholder'];
  return document.querySelector('.md-search-result__meta').innerText.trim() === words;
}"""


def open_search(page: Page, query: str = "activation") -> None:
    """Open the theme's search dialog and type a query, once the search index is ready
    (a query typed earlier is dropped), until results are listed."""
    page.wait_for_function(SEARCH_READY, timeout=30_000)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially(query)  # the theme reads the query on keyup
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=30_000)
    # The theme fades results in and colours a hovered one: with the pointer off the list and
    # every transition finished, axe measures the colours a reader sees, not a frame of the
    # fade (which a loaded CI machine once caught at 2.6:1).
    page.mouse.move(0, 0)
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')",
                           timeout=10_000)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("kind", [k for k, _ in PAGE_KINDS])
def test_no_serious_accessibility_violation(example: Served, schemed: Schemed, kind: str) -> None:
    """axe-core on one page of each kind, in the light and the dark scheme: no serious or
    critical violation (colour contrast, links told apart by colour alone, unnamed
    controls and dialogs, ...). Each violation is reported with its rule, impact,
    element and page."""
    html = dict(PAGE_KINDS)[kind](example.site)
    page, rec = schemed.page, schemed.rec
    visit(page, rec, example.url_of(html))
    if kind == "search dialog":
        open_search(page)
    scheme = page.evaluate("document.body.dataset.mdColorScheme")
    assert scheme == SCHEMES[schemed.scheme], f"{kind}: the page is in scheme {scheme!r}, not {schemed.scheme}"
    where = f"{kind} ({schemed.scheme}, {html.relative_to(example.site).as_posix()})"
    found = severe(axe_violations(page, where))
    assert not found, "\n".join(map(str, found))
    assert rec.problems() == []


# Elements that break the rules on purpose, added to a real page of the site.
BROKEN = [
    ("a low-contrast line", "color-contrast",
     "() => { const p = document.createElement('p'); p.textContent = 'Pale text on white';"
     " p.style.color = '#c8c8c8'; document.querySelector('article').prepend(p); }"),
    ("an unnamed button", "button-name",
     "() => { document.querySelector('article').prepend(document.createElement('button')); }"),
    ("an unnamed dialog", "aria-dialog-name",
     "() => { document.querySelector('.md-search').removeAttribute('aria-label'); }"),
    ("links no longer underlined", "link-in-text-block",
     "() => { const s = document.createElement('style');"
     " s.textContent = '.md-typeset a { text-decoration: none !important }'; document.head.append(s); }"),
    ("the theme's pale tabs back", "color-contrast",
     "() => { const s = document.createElement('style');"
     " s.textContent = '.md-tabs__link { opacity: .7 !important }'; document.head.append(s); }"),
]


@pytest.fixture(scope="module")
def about_page(browser: Browser, example: Served) -> Iterator[tuple[Page, Record, str]]:
    """A context for the broken-on-purpose checks, and the page they break, which passes
    the check as it is."""
    _needs_axe()
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block", color_scheme="light")
    try:
        ctx.add_init_script(path=_axe_path())
        page = ctx.new_page()
        rec = recorded(ctx)
        url = example.url + "about/"
        visit(page, rec, url)
        assert severe(axe_violations(page, "about")) == []
        yield page, rec, url
    finally:
        ctx.close()


@pytest.mark.parametrize(("what", "rule", "script"), BROKEN, ids=[b[0] for b in BROKEN])
def test_the_accessibility_check_sees_a_broken_page(about_page: tuple[Page, Record, str], what: str, rule: str,
                                                     script: str) -> None:
    """The check fails when the page is broken on purpose: `axe_violations` reports the
    rule, as serious or critical, on a page that passes without the change."""
    page, rec, url = about_page
    visit(page, rec, url)  # a fresh copy of the page, without the last case's change
    page.evaluate(script)
    page.wait_for_timeout(400)  # the theme animates opacity (tabs) for .25 s
    found = severe(axe_violations(page, f"about, with {what}"))
    assert rule in {v.rule for v in found}, [str(v) for v in found]


def _aria_nodes(tree: Any, depth: int = 99) -> list[str]:
    """The "role \"name\"" of each node of an ARIA snapshot (parsed), in order."""
    out: list[str] = []
    for item in tree if isinstance(tree, list) else []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for key, children in item.items():
                if not str(key).startswith("/"):  # "/url" and the like are properties
                    out.append(str(key))
                    if depth > 1:
                        out += _aria_nodes(children, depth - 1)
    return out


def test_diagrams_have_a_text_alternative(example: Served, context) -> None:
    """Every diagram (the one-pager's maps, an objective's map, a goal's chart) has a
    name in the accessibility tree (a group of links or an image, named by its title),
    and every box of a map is a link with its own name, as Chromium computes them."""
    ctx, rec = context
    page = ctx.new_page()
    for html in (example.site / "map" / "index.html", _first_with(example.site, "objectives", "strat-map"),
                 _first_with(example.site, "goals", "strat-chart")):
        visit(page, rec, example.url_of(html))
        # Only the drawings shown: a wide chart's copy for a phone, the one-pager's outlines
        # (for phones) and its drawing for print are display: none here.
        svgs = page.locator("article svg.strat-map:visible, article svg.strat-chart:visible")
        assert svgs.count() >= 1, html
        for i in range(svgs.count()):
            _assert_named(svgs.nth(i), (html, i))
    assert rec.problems() == []


def _assert_named(svg: Any, where: Any) -> None:
    """The diagram is a named group (or image) in the accessibility tree, and each of its
    boxes a link with a name of its own."""
    tree = yaml.safe_load(svg.aria_snapshot())  # Playwright's ARIA snapshot is YAML
    (top,) = _aria_nodes(tree, depth=1)
    assert re.fullmatch(r'(group|img) "[^"]{8,}"', top), (where, top)
    names = [n for n in _aria_nodes(tree) if n.startswith("link")]
    assert len(names) == svg.locator("a").count(), (where, names)
    assert all(re.fullmatch(r'link "[^"]*\w[^"]*"', n) for n in names), (where, names)


# --- the measured views (tests/site/measuredcase.py) ------------------------------------------------

PHONE = {"width": 390, "height": 844}
# The pages with charts and measured tables: home (the North Star's trend), an objective
# (its number and roll-up), a goal (forecast and confidence, key results), a period.
MEASURED_PAGES = ["", "objectives/cut-support-cost/", "goals/faster-activation/", "periods/2026-h2/"]


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("measured")
    root = measuredcase.measured_repo(base / "repo")
    site = _build(root, base / "public")
    with serve(site, root, "measured") as served:
        yield served


def _shown_charts(page: Page) -> list[dict[str, Any]]:
    """Each chart the page shows: its box, its name in the accessibility tree, and how
    many of its value dots are drawn."""
    out = []
    charts = page.locator("article svg.strat-chart:visible")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        tree = yaml.safe_load(chart.aria_snapshot())
        out.append({"box": chart.bounding_box(), "aria": _aria_nodes(tree, depth=1),
                    "dots": chart.locator("circle").count(), "forecast": chart.locator("line.strat-forecast").count()})
    return out


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_measured_charts_are_visible_named_and_fit(measured: Served, browser: Browser, viewport: dict) -> None:
    """On a desktop and on a 390 px phone: every page with numbers shows its charts (a
    real size, dots drawn), each an image named by its description in the accessibility
    tree, inside the screen's width; the page does not scroll sideways; no console error."""
    ctx = browser.new_context(viewport=viewport, service_workers="block", color_scheme="light")
    try:
        rec = recorded(ctx)
        page = ctx.new_page()
        forecasts = 0
        for path in MEASURED_PAGES:
            visit(page, rec, measured.url + path)
            charts = _shown_charts(page)
            assert charts or path.startswith("periods/"), path  # a period's page is a table, no chart
            for chart in charts:
                box = chart["box"]
                assert box is not None and box["width"] > 200 and box["height"] > 80, (path, box)
                assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (path, box)
                (top,) = chart["aria"]
                assert re.fullmatch(r'img "[^"]{20,}"', top), (path, top)
                assert chart["dots"] >= 2, path
                forecasts += chart["forecast"]
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
            # The values behind the charts open and show a row per value.
            if charts:
                details = page.locator("article details.strat-values").first
                details.locator("summary").click()
                assert details.locator("tbody tr").first.is_visible(), path
        assert forecasts >= 2, "no forecast line shown"
        assert rec.problems() == []
    finally:
        ctx.close()


def test_measured_tables_read_as_cards_on_a_phone(measured: Served, browser: Browser) -> None:
    """On a 390 px phone the goals of a period are cards: every cell in view, labelled
    with its column's name; on a desktop the same table shows every column in a row."""
    for viewport in (VIEWPORT, PHONE):
        ctx = browser.new_context(viewport=viewport, service_workers="block", color_scheme="light")
        try:
            rec = recorded(ctx)
            page = ctx.new_page()
            visit(page, rec, measured.url + "periods/2026-h2/")
            cells = page.evaluate("""() => [...document.querySelectorAll('article table.strat-grid td')].map(td => {
                const r = td.getBoundingClientRect();
                return [td.dataset.label, r.left, r.right, getComputedStyle(td, '::before').content];
            })""")
            assert len(cells) >= 14, cells
            assert all(0 <= left and right <= viewport["width"] for _, left, right, _ in cells), cells
            labelled = [label for label, _, _, before in cells if before.strip('"') == label]
            if viewport is PHONE:
                assert set(labelled) == {"Owner", "Held by", "Target", "Now", "Forecast", "Status"}, labelled
            else:
                assert labelled == [], labelled
            assert rec.problems() == []
        finally:
            ctx.close()


def test_screenshots_of_the_measured_pages(measured: Served, browser: Browser) -> None:
    """Full-page screenshots of the measured pages, desktop and phone, into
    tests/screenshots/ (git-ignored), for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", VIEWPORT), ("phone", PHONE)):
        ctx = browser.new_context(viewport=viewport, service_workers="block", color_scheme="light")
        try:
            rec = recorded(ctx)
            page = ctx.new_page()
            for path in MEASURED_PAGES:
                visit(page, rec, measured.url + path, settle_down=True)
                shot = SHOTS / f"measured-{path.strip('/').replace('/', '-') or 'home'}-{name}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 20_000, shot
            assert rec.problems() == []
        finally:
            ctx.close()


# --- the hostile strategy -----------------------------------------------------------------------

# In the live DOM (after the theme's scripts ran), the page content must carry no
# event-handler attribute and no javascript: (or vbscript:/data:) link.
LIVE_DOM = """() => {
  const found = [];
  for (const el of document.querySelectorAll('article *, title, .md-header *, .md-nav *')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\x00-\\x20]/g, '').toLowerCase();
      if (a.name.startsWith('on')) found.push(`<${el.tagName} ${a.name}="${a.value}">`);
      if (/^(javascript|vbscript|data):/.test(v) && /(href|src|action|data)$/.test(a.name))
        found.push(`<${el.tagName} ${a.name}="${a.value}">`);
    }
  }
  for (const s of document.querySelectorAll('article script, article iframe, article object, article embed'))
    found.push(`<${s.tagName}> in the content`);
  return found;
}"""

# Every row of every table in the content has as many cells as the table's header.
TABLE_SHAPES = """() => [...document.querySelectorAll('article table')].flatMap((t, i) => {
  const rows = [...t.rows];
  const width = rows.length ? rows[0].cells.length : 0;
  return rows.filter(r => r.cells.length !== width).map(r => `table ${i}: ${r.cells.length} cells, not ${width}: ${r.innerText.slice(0, 80)}`);
})"""

TITLE_FIELD = {"Goal": "title", "Objective": "title", "Plan": "title", "Initiative": "title", "Decision": "title",
               "Team": "name", "Department": "name", "Person": "name", "Metric": "name"}
FOLDER = {"Goal": "goals", "Objective": "objectives", "Plan": "plans", "Initiative": "initiatives",
          "Decision": "decisions", "Team": "teams", "Department": "departments", "Person": "people",
          "Metric": "metrics"}


def _titles(root: Path) -> dict[str, str]:
    """{page path below the site: the entity's hostile title or name} from the YAML."""
    out = {}
    for path in sorted((root / "strategy").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc and doc.get("kind") in TITLE_FIELD and isinstance(doc.get(TITLE_FIELD[doc["kind"]]), str):
                out[f"{FOLDER[doc['kind']]}/{doc['id']}/index.html"] = doc[TITLE_FIELD[doc["kind"]]]
    return out


def _plain(text: str) -> str:
    """The text as a reader sees it: whitespace collapsed, and bidirectional controls
    dropped (the site removes them so U+202E cannot flip "gnp.exe" into "exe.png")."""
    return " ".join(re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text).split())


def test_no_script_from_yaml_runs_on_any_page(hostile: Served, context) -> None:
    """Every page of the hostile site: no dialog, no console or page error (a live
    `<img src=x>` would be a failed request), no request off the test server, no event
    handler or javascript: link in the live DOM, and tables keep their columns (a `|`
    in a title does not split a cell)."""
    ctx, rec = context
    page = ctx.new_page()
    pages = html_files(hostile.site)
    assert len(pages) > 50
    live: list[str] = []
    tables: list[str] = []
    visit(page, rec, hostile.url, settle_down=True)
    for html in pages:
        visit(page, rec, hostile.url_of(html))
        where = html.relative_to(hostile.site).as_posix()
        live += [f"{where}: {x}" for x in page.evaluate(LIVE_DOM)]
        tables += [f"{where}: {x}" for x in page.evaluate(TABLE_SHAPES)]
    settle(page, rec)
    assert rec.dialogs == []
    assert rec.problems() == []
    assert off_host(rec) == []
    assert live == []
    assert tables == []


def test_payloads_are_shown_as_text(hostile: Served, context) -> None:
    """Each entity page shows its hostile title as text; a goal page shows every payload
    of its check-in notes as text; the home page shows the mission as text."""
    ctx, rec = context
    page = ctx.new_page()
    assert hostile.root is not None
    titles = _titles(hostile.root)
    assert len(titles) > 15
    missing = []
    for rel, title in titles.items():
        html = hostile.site / rel
        assert html.is_file(), rel
        visit(page, rec, hostile.url_of(html))
        if _plain(title) not in text_of(page):
            missing.append(f"{rel}: {title!r}")
        if rel.startswith("goals/"):
            shown = text_of(page)
            missing += [f"{rel}: check-in note {p!r}" for p in PAYLOADS if _plain(p) not in shown]
    assert missing == []

    visit(page, rec, hostile.url + "changelog/")
    shown = text_of(page)
    for subject, author, _ in HISTORY:
        assert _plain(subject) in shown and _plain(author) in shown, (subject, author)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"hostile-changelog-{hostile.name}.png"), full_page=True)

    strategy = yaml.safe_load((hostile.root / "strategy" / "strategy.yaml").read_text(encoding="utf-8"))
    visit(page, rec, hostile.url)
    mission = page.get_by_text(_plain(strategy["mission"]), exact=False).first
    assert mission.is_visible(), strategy["mission"]
    shot = hostile.name
    page.screenshot(path=str(SHOTS / f"hostile-home-{shot}.png"), full_page=True)
    visit(page, rec, hostile.url + "goals/faster-activation/")
    page.get_by_text("<script>alert(1)</script>").first.scroll_into_view_if_needed()
    assert page.get_by_text("<script>alert(1)</script>").first.is_visible()
    page.screenshot(path=str(SHOTS / f"hostile-goal-{shot}.png"), full_page=True)
    assert rec.problems() == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_measured_pages_have_no_serious_accessibility_violation(measured: Served, browser: Browser,
                                                                scheme: str) -> None:
    """axe-core on the measured pages (North Star trend, objective number and roll-up,
    goal forecast and key results, period), on a desktop and a 390 px phone (where the
    tables are cards and the charts their narrow copies), in both colour schemes."""
    _needs_axe()
    found: list[Violation] = []
    for viewport in (VIEWPORT, PHONE):
        ctx = browser.new_context(viewport=viewport, service_workers="block",
                                  color_scheme="dark" if scheme == "dark" else "light")
        try:
            ctx.add_init_script(path=_axe_path())
            rec = recorded(ctx)
            page = ctx.new_page()
            visit(page, rec, measured.url)
            if scheme == "dark":
                page.locator("form[data-md-component=palette] label").first.dispatch_event("click")
                page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
            for path in MEASURED_PAGES:
                visit(page, rec, measured.url + path)
                found += severe(axe_violations(page, f"{path or 'home'} ({scheme}, {viewport['width']} px)"))
            assert rec.problems() == []
        finally:
            ctx.close()
    assert not found, "\n".join(map(str, found))


# --- scores: the example closed by `strat close` (site/scored.py) ---------------------------------

# A closed period's page (Score column, average, distribution chart, averages by
# objective), a closed goal's page (its Result, "Carried into") and the goal carried from it.
CLOSED_PAGES = ["periods/2026-h2/", "goals/auto-schedule-by-default/", "goals/auto-schedule-by-default-2027-h1/"]


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The example strategy closed with `strat close 2026-h2 --carry`, built after the close."""
    base = tmp_path_factory.mktemp("closed")
    root = base / "repo"
    shutil.copytree(REPO / "strategy", root / "strategy")
    shutil.copy(REPO / "strat.yaml", root / "strat.yaml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    helpers.commit_all(root, "2027-01-05T10:00:00+00:00", "before the close")
    result = helpers.run_cli(["close", "2026-h2", "--carry", "--today", "2027-01-10"], cwd=root)
    assert result.exit_code == 0, result.output + result.stderr
    built = helpers.run_cli(["site", "build", "--today", "2027-01-10", "--out", str(base / "public")], cwd=root)
    assert built.exit_code == 0, built.stderr + built.stdout
    with serve(base / "public", root, "closed") as served:
        yield served


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_closed_pages_show_their_scores_and_fit(closed: Served, browser: Browser, viewport: dict) -> None:
    """On a desktop and a 390 px phone: the closed period shows one score chart (the one
    drawn for the screen's width), named in the accessibility tree, inside the screen; the
    goal pages show their result and carried links; nothing scrolls sideways; screenshots
    of each page go to tests/screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "desktop" if viewport is VIEWPORT else "phone"
    ctx = browser.new_context(viewport=viewport, service_workers="block", color_scheme="light")
    try:
        rec = recorded(ctx)
        page = ctx.new_page()
        for path in CLOSED_PAGES:
            visit(page, rec, closed.url + path, settle_down=path == CLOSED_PAGES[0])
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
            shot = SHOTS / f"closed-{path.strip('/').replace('/', '-')}-{name}.png"
            page.screenshot(path=str(shot), full_page=True)
        visit(page, rec, closed.url + CLOSED_PAGES[0])
        charts = page.locator("article svg.strat-scores-chart:visible")
        assert charts.count() == 1
        box = charts.first.bounding_box()
        assert box is not None and box["width"] > 300 and box["x"] + box["width"] <= viewport["width"], box
        (top,) = _aria_nodes(yaml.safe_load(charts.first.aria_snapshot()), depth=1)
        assert re.fullmatch(r'img "Scores of the goals of 2026-h2: 11 goals scored; [^"]+"', top), top
        assert "Average score" in text_of(page)
        visit(page, rec, closed.url + CLOSED_PAGES[1])
        shown = text_of(page)
        assert "Carried into" in shown and re.search(r"CLOSED 2026-12-31 FINAL 26.5% SCORE 0.6", shown, re.I), shown
        visit(page, rec, closed.url + CLOSED_PAGES[2])
        assert "Carried from" in text_of(page) and "(scored 0.6)" in text_of(page)
        assert rec.problems() == []
    finally:
        ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_closed_pages_have_no_serious_accessibility_violation(closed: Served, browser: Browser, scheme: str) -> None:
    """axe-core on the closed period's page and the closed and carried goals' pages, on a
    desktop and a 390 px phone, in both colour schemes."""
    _needs_axe()
    found: list[Violation] = []
    for viewport in (VIEWPORT, PHONE):
        ctx = browser.new_context(viewport=viewport, service_workers="block",
                                  color_scheme="dark" if scheme == "dark" else "light")
        try:
            ctx.add_init_script(path=_axe_path())
            rec = recorded(ctx)
            page = ctx.new_page()
            visit(page, rec, closed.url)
            if scheme == "dark":
                page.locator("form[data-md-component=palette] label").first.dispatch_event("click")
                page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
            for path in CLOSED_PAGES:
                visit(page, rec, closed.url + path)
                found += severe(axe_violations(page, f"{path} ({scheme}, {viewport['width']} px)"))
            assert rec.problems() == []
        finally:
            ctx.close()
    assert not found, "\n".join(map(str, found))
