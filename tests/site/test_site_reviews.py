"""The review pack on the site: `strat site build` publishes each period's `strat report`
page (the same bytes as `strat report PERIOD --format html --today D`) and links it from
the period's page; `strat site render` carries the file for other builders; the page
passes the hostile scan and axe-core (no serious or critical violation) in a real
Chromium, and a phone never scrolls it sideways."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin

import pytest

import helpers
from sitetest import scan_html
from test_site_browser import (  # noqa: F401 (browser: a fixture used by name)
    Served, _needs_axe, axe_violations, browser, recorded, serve, severe, visit,
)

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-12-07"
PERIODS = ("2026-h2", "2027-h1", "2027-h2")
LINK = re.compile(r'<a href="([^"]+)">Review pack \(printable\)</a>')


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example strategy with this repository's site configuration, committed."""
    root = tmp_path_factory.mktemp("reviews") / "repo"
    root.mkdir()
    for name in ("strategy", "site"):
        shutil.copytree(REPO / name, root / name)
    for name in ("strat.yaml", "mkdocs.yml"):
        shutil.copy(REPO / name, root / name)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    helpers.commit_all(root, "2026-06-20T09:00:00+00:00", "the example")
    return root


@pytest.fixture(scope="module")
def built(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    out = tmp_path_factory.mktemp("reviews-site") / "public"
    result = helpers.run_cli(["site", "build", "--strict", "--today", TODAY, "--out", str(out)], cwd=repo)
    assert result.exit_code == 0, result.stderr + result.stdout
    with serve(out, repo) as served:
        yield served


def test_each_period_has_its_review_pack_linked_from_its_page(built: Served, repo: Path) -> None:
    for period in PERIODS:
        page = built.site / "periods" / period / "index.html"
        found = LINK.search(page.read_text(encoding="utf-8"))
        assert found, period
        target = urljoin(built.url_of(page), found.group(1))
        assert target == f"{built.url}reviews/{period}.html"
        review = built.site / "reviews" / f"{period}.html"
        cli = helpers.run_cli(["report", period, "--today", TODAY, "--format", "html"], cwd=repo)
        assert cli.exit_code == 0, cli.stderr
        assert review.read_text(encoding="utf-8") == cli.stdout  # the same bytes
        scan = scan_html(cli.stdout)
        assert not scan.scripts and not scan.handlers and not scan.js_urls and not scan.remote
    assert "Since commit" in (built.site / "reviews" / "2026-h2.html").read_text()


def test_site_render_carries_the_review_pages(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "project"
    result = helpers.run_cli(["site", "render", str(out), "--today", TODAY], cwd=repo)
    assert result.exit_code == 0, result.stderr
    for period in PERIODS:
        assert (out / "docs" / "reviews" / f"{period}.html").read_text().startswith("<!DOCTYPE html>")
        assert f"(../reviews/{period}.html)" in (out / "docs" / "periods" / f"{period}.md").read_text()


def test_the_review_page_passes_axe_and_fits_a_phone(built: Served, browser) -> None:  # noqa: F811
    _needs_axe()
    for width in (1280, 390):
        # The page's Content-Security-Policy (default-src 'none') blocks any script, axe's too.
        ctx = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block", bypass_csp=True)
        try:
            rec = recorded(ctx)
            page = ctx.new_page()
            visit(page, rec, f"{built.url}reviews/2026-h2.html")
            assert page.locator("svg").count() >= 5  # the North Star and every objective drawn
            found = severe(axe_violations(page, f"review pack at {width}px"))
            assert not found, "\n".join(map(str, found))
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (width, wide)
            assert rec.problems() == []
        finally:
            ctx.close()
