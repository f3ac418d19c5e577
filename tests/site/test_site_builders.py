"""`strat site render` output, built by other builders as a user would build it: MkDocs
with the stock `mkdocs` theme and with mkdocs-material (without strat's theme override),
ProperDocs, and Zensical. The example strategy and the hostile strategy of
test_site_hostile are each rendered once, then built once per builder, and every page is
scanned as the hostile site tests scan strat's own build: no script but the theme's own,
no event handler, no javascript: URL, nothing loaded from another host (fonts!), a page
title without markup, every payload shown as text, the generated index pages in the
navigation and strat's stylesheet linked.

ProperDocs comes with the `test` extra (its own module, command and entry points, beside
mkdocs). Zensical 0.1.1 is installed into a venv of its own under tests/.builders-venv
(git-ignored) the first time it is needed; where it cannot be installed, its tests skip
and say why (it needs `zensical-ui`, which not every package index serves), unless
STRAT_TEST_ZENSICAL names a `zensical` command to use instead."""

from __future__ import annotations

import html
import html.parser
import os
import posixpath
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Callable

import pytest
import yaml

import helpers
from sitetest import html_files, scan_html
from test_site_hostile import LIVE, PAYLOADS, _normalise, hostile_repo

from strat.site.escape import _CONTROL
from strat.site.render import CSS_PATH, nav_sections

REPO = Path(__file__).resolve().parents[2]
VENVS = REPO / "tests" / ".builders-venv"
ZENSICAL = "zensical==0.1.1"
TIMEOUT = 600


# --- the builders ------------------------------------------------------------------------------


def _tool(name: str) -> Path | None:
    found = Path(sys.executable).parent / name
    return found if found.exists() else None


_ZENSICAL: dict[str, object] = {}


def _zensical() -> Path:
    """The `zensical` command of a venv of its own, made once (and kept between runs), or
    the one named by STRAT_TEST_ZENSICAL (for a machine whose package index lacks it)."""
    given = os.environ.get("STRAT_TEST_ZENSICAL")
    if given:
        return Path(given)
    if "path" not in _ZENSICAL:
        folder = VENVS / "zensical"
        command = folder / "bin" / "zensical"
        if not command.exists():
            shutil.rmtree(folder, ignore_errors=True)
            venv.create(folder, with_pip=True)
            done = subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q", ZENSICAL],
                                  capture_output=True, text=True, timeout=TIMEOUT)
            if done.returncode != 0:
                shutil.rmtree(folder, ignore_errors=True)
                _ZENSICAL["path"] = None
                errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")] or [done.stderr[-500:]]
                _ZENSICAL["why"] = f"{ZENSICAL} cannot be installed here: " + " ".join(errors)
        if _ZENSICAL.get("why") is None:
            _ZENSICAL["path"] = command
    if _ZENSICAL["path"] is None:
        pytest.skip(str(_ZENSICAL["why"]))
    return _ZENSICAL["path"]  # type: ignore[return-value]


def _with_theme(name: str) -> Callable[[Path], None]:
    def edit(config: Path) -> None:  # what a user does: change the theme's name in the file
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        data["theme"]["name"] = name
        config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return edit


def _mkdocs() -> list[str]:
    return [sys.executable, "-m", "mkdocs"]


def _properdocs() -> list[str]:
    tool = _tool("properdocs")
    if tool is None:
        pytest.fail("properdocs is missing: install the test extra (pip install -e '.[test]')")
    return [str(tool)]


BUILDERS: dict[str, tuple[Callable[[], list[str]], Callable[[Path], None] | None]] = {
    "mkdocs-theme-mkdocs": (_mkdocs, _with_theme("mkdocs")),
    "mkdocs-theme-material": (_mkdocs, None),
    "properdocs-material": (_properdocs, None),
    "zensical": (lambda: [str(_zensical())], None),
}


# --- rendering and building, once per session --------------------------------------------------


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`strat site render` of the example strategy (this repository) and of the hostile
    strategy, each once."""
    base = tmp_path_factory.mktemp("render")
    hostile = hostile_repo(base / "hostile-repo", None)
    out: dict[str, Path] = {}
    for name, root in (("example", REPO), ("hostile", hostile)):
        result = helpers.run_cli(["site", "render", str(base / name), "--today", helpers.TODAY, "--audience",
                                  "internal"], cwd=root)  # the whole site: Lint health and Changelog included
        assert result.exit_code == 0, result.stderr
        out[name] = base / name
    return out


_BUILT: dict[tuple[str, str], Path] = {}


def built(projects: dict[str, Path], strategy: str, builder: str, tmp_root: Path) -> Path:
    """The site `builder` makes of the rendered project, as a user runs it: in a copy of
    the folder `render` wrote, `<tool> build -f mkdocs.yml`."""
    key = (strategy, builder)
    if key not in _BUILT:
        command, edit = BUILDERS[builder]
        tool = command()
        project = tmp_root / f"{strategy}-{builder}"
        shutil.copytree(projects[strategy], project)
        if edit is not None:
            edit(project / "mkdocs.yml")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
        done = subprocess.run([*tool, "build", "-f", "mkdocs.yml"], cwd=project, capture_output=True, text=True,
                              timeout=TIMEOUT, env=env)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        _BUILT[key] = project / "site"
    return _BUILT[key]


@pytest.fixture(scope="session")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("builds")


# --- what a page shows -------------------------------------------------------------------------


class _Text(html.parser.HTMLParser):
    """The text a reader sees (character references decoded; scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def shown(payload: str) -> str:
    """A payload as the site shows it: one line, control and bidirectional characters
    dropped (as `escape.text` does)."""
    return " ".join(_CONTROL.sub("", payload).split())


class _NavLinks(html.parser.HTMLParser):
    """The links inside the navigation: <nav> elements, and the `navbar` of the mkdocs
    theme (a <div>)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        inside = any(nav for _, nav in self.stack)
        if tag == "a" and values.get("href") is not None and inside:  # "" is the page itself
            self.hrefs.append(values["href"] or "")
        if tag not in self.VOID:
            self.stack.append((tag, tag == "nav" or "navbar" in (values.get("class") or "").split()))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def nav_targets(page: str, url: str) -> set[str]:
    """The pages the navigation of the page at `url` links to, as addresses from the root."""
    parser = _NavLinks()
    parser.feed(page)
    return {posixpath.normpath(posixpath.join(url, h.split("#")[0])) + "/" for h in parser.hrefs
            if not h.startswith("#")}


def _url(source: str) -> str:
    """A page's address from the root, with directory URLs (`goals/index.md` → `goals/`)."""
    return "./" if source == "index.md" else re.sub(r"(/index\.md|\.md)$", "/", source)


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("builder", list(BUILDERS))
def test_the_hostile_strategy_stays_text_with_every_builder(projects: dict[str, Path], build_root: Path,
                                                           builder: str) -> None:
    site = built(projects, "hostile", builder, build_root)
    clean = built(projects, "example", builder, build_root)
    theme_scripts: set[str] = set()
    for page in html_files(clean):
        theme_scripts |= {_normalise(s) for s in scan_html(page.read_text(encoding="utf-8")).scripts}

    pages = html_files(site)
    assert len(pages) > 50
    seen = ""
    for page in pages:
        text = page.read_text(encoding="utf-8")
        scan = scan_html(text)
        where = f"{builder}: {page.relative_to(site)}"
        assert {_normalise(s) for s in scan.scripts} <= theme_scripts, where
        assert scan.handlers == [], where
        assert scan.js_urls == [], where
        assert scan.remote == [], where  # no web fonts, no script from a CDN
        for live in LIVE:
            assert live not in text, f"{where}: {live!r} is live"
        titles = re.findall(r"<title>(.*?)</title>", text, re.S)
        assert titles and not any("<" in t for t in titles), f"{where}: title {titles!r}"
        seen += visible_text(text) + "\n"
    for payload in PAYLOADS:
        assert shown(payload) in seen, f"{builder}: {payload!r} is not shown as text"


@pytest.mark.parametrize("builder", list(BUILDERS))
@pytest.mark.parametrize("strategy", ["example", "hostile"])
def test_the_site_is_whole_with_every_builder(projects: dict[str, Path], build_root: Path, builder: str,
                                              strategy: str) -> None:
    """The generated index pages are in the navigation, strat's stylesheet is there and
    linked from every page, no page loads anything from another host, and (for the
    example) the hand-written pages are published too."""
    site = built(projects, strategy, builder, build_root)
    for _section, items in nav_sections():
        for _title, source in items:
            url = _url(source)
            page = (site / url / "index.html").read_text(encoding="utf-8")
            assert url in nav_targets(page, url), f"{builder}: {source} is not in the navigation"
    assert (site / CSS_PATH).is_file()
    for page in html_files(site):
        text = page.read_text(encoding="utf-8")
        review = page.relative_to(site).parts[0] == "reviews"  # a review pack: one self-contained page
        assert review or CSS_PATH in text, f"{builder}: {page.relative_to(site)} does not link strat.css"
        assert scan_html(text).remote == [], f"{builder}: {page.relative_to(site)}"
    if strategy == "example":
        for hand in ("about/index.html", "guide/threat-model/index.html"):
            assert (site / hand).is_file(), f"{builder}: hand-written page {hand} is missing"
        assert "about/" in nav_targets((site / "about" / "index.html").read_text(encoding="utf-8"), "about/"), \
            f"{builder}: the hand-written pages are not in the navigation"


# --- the rendered project itself -----------------------------------------------------------------


def test_render_replaces_its_own_pages_and_refuses_a_folder_of_someone_else(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    out = tmp_path / "project"
    assert helpers.run_cli(["site", "render", str(out), "--today", helpers.TODAY], cwd=root).exit_code == 0
    stale = out / "docs" / "goals" / "deleted-goal.md"
    stale.write_text("# Gone from the strategy\n", encoding="utf-8")
    assert helpers.run_cli(["site", "render", str(out), "--today", helpers.TODAY], cwd=root).exit_code == 0
    assert not stale.exists(), "a page of the previous render stayed"

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("keep", encoding="utf-8")
    result = helpers.run_cli(["site", "render", str(theirs), "--today", helpers.TODAY], cwd=root)
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert [p.name for p in theirs.iterdir()] == ["notes.txt"]


def test_render_copies_no_code_from_the_repositorys_mkdocs_yml(tmp_path: Path) -> None:
    """Plugins, hooks, extensions and templates named by the repository's mkdocs.yml are
    not passed on to another builder, nor addresses on other hosts; its name, navigation,
    theme settings and own stylesheets are."""
    root = helpers.copy_base(tmp_path / "repo", git=False, files={
        "mkdocs.yml": "site_name: Ours\ndocs_dir: site\ntheme:\n  name: material\n  custom_dir: overrides\n"
                      "  language: de\n  logo: https://tracker.example/logo.png\n"
                      "plugins:\n  - search\n  - macros\nhooks:\n  - hooks.py\n"
                      "markdown_extensions:\n  - pymdownx.snippets\n  - evil.extension\n"
                      "extra_css:\n  - https://tracker.example/x.css\n  - ours.css\n"
                      "nav:\n  - Our page: ours.md\n",
        "site/ours.md": "# Ours\n",
        "site/ours.css": "p {}\n",
    })
    out = tmp_path / "project"
    result = helpers.run_cli(["site", "render", str(out), "--today", helpers.TODAY], cwd=root)
    assert result.exit_code == 0, result.stderr
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Ours" and config["theme"]["language"] == "de"
    assert "custom_dir" not in config["theme"] and config["theme"]["font"] is False
    assert "hooks" not in config and config["plugins"] == ["search"]
    assert "evil.extension" not in str(config["markdown_extensions"])
    assert "logo" not in config["theme"] and config["extra_css"] == ["ours.css", "stylesheets/strat.css"]
    assert {"Our page": "ours.md"} in config["nav"]
    assert (out / "docs" / "ours.md").read_text(encoding="utf-8") == "# Ours\n"


@pytest.mark.parametrize("payload", PAYLOADS + ["AT&T &amp; co", "a\\b", "&#x3c;script&#x3e;", "&lt"])
def test_a_render_title_is_text_even_when_a_theme_decodes_it(payload: str) -> None:
    """What `striptags` (or any decoding) makes of the front matter title holds no markup,
    no quote that could end an attribute, no template tag and no character reference."""
    from strat.site.escape import text, title_text
    from strat.site.portable import with_title

    title = title_text(payload)
    for decoded in (title, html.unescape(title), html.unescape(html.unescape(title))):
        assert not set(decoded) & set("<>\"'`{}\\"), (payload, decoded)
    assert not re.search(r"&[A-Za-z0-9#]", title)
    page = with_title(f"# {text(payload)}\n\nBody.\n")  # the heading as the renderer writes it
    front, body = page.split("---\n")[1:]
    assert yaml.safe_load(front) == {"title": title} and body == f"\n# {text(payload)}\n\nBody.\n"
