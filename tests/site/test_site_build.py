"""`strat site build` and `strat site render`: real MkDocs builds of real repositories."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import helpers
from sitetest import html_files, scan_html, snapshot

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-23"


def build(root: Path, *args: str):
    """A build for the company itself (`--audience internal`: every page, the Lint health
    and Changelog pages included); tests/site/test_site_audience.py covers public builds."""
    audience = [] if "--audience" in args else ["--audience", "internal"]
    return helpers.run_cli(["site", "build", "--today", TODAY, *audience, *args], cwd=root)


def broken_links(site: Path, directory_urls: bool = True) -> list[str]:
    """Relative links, stylesheets, scripts and images of every page that point at no file."""
    broken = []
    attr = re.compile(r'<(?:a|link|script|img)\b[^>]*?\b(?:href|src)="([^"]*)"')
    for page in html_files(site):
        if page.name == "404.html":  # served from any path, so its links are root-absolute
            continue
        base = page.parent.relative_to(site).as_posix()
        for url in attr.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = posixpath.normpath(posixpath.join(base, parts.path))
            candidate = site / target
            if url.endswith("/") or candidate.is_dir():
                candidate = candidate / "index.html"
            if not candidate.exists():
                broken.append(f"{page.relative_to(site)}: {url}")
    return broken


@pytest.fixture(scope="module")
def base_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The base strategy, no mkdocs.yml (the built-in default), built once."""
    root = helpers.copy_base(tmp_path_factory.mktemp("site") / "repo", git=False)
    result = build(root)
    return root, result


def test_example_builds_strictly(tmp_path: Path) -> None:
    """This repository's own strategy, mkdocs.yml and site/ pages: `--strict` means any
    MkDocs warning (a broken link, a missing page) fails the build."""
    out = tmp_path / "public"
    result = build(REPO, "--strict", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "mkdocs: warning" not in result.stderr
    assert (out / "index.html").exists() and (out / "about" / "index.html").exists()
    assert (out / "map" / "index.html").exists()
    assert broken_links(out) == []
    assert not any(p.name == "index.md" for p in out.rglob("*")), "Markdown sources are not published"


def test_default_config_needs_no_mkdocs_yml(base_site) -> None:
    root, result = base_site
    assert result.exit_code == 0, result.stderr
    site = root / "public"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Ledgerly</title>" in home
    assert "Help small businesses get paid on time" in home
    assert (site / ".strat-site").exists()
    assert broken_links(site) == []
    assert "rendered" in result.stderr and "built" in result.stderr  # progress on stderr
    assert result.stdout == ""


def test_every_kind_of_page_is_built(base_site) -> None:
    root, _ = base_site
    site = root / "public"
    for page in ["objectives/grow-retention", "plans/plan-2026-h2", "teams/onboarding", "departments/support",
                 "people/bjones", "goals/faster-activation", "metrics/activation-rate", "initiatives/setup-wizard",
                 "decisions/no-card-trial", "joint-goals", "roi", "decisions", "health", "rules", "rules/a301", "map"]:
        assert (site / page / "index.html").exists(), page


def test_works_offline(base_site) -> None:
    root, _ = base_site
    site = root / "public"
    for page in html_files(site):
        scan = scan_html(page.read_text(encoding="utf-8"))
        assert scan.remote == [], page
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis" not in text and "@import url(http" not in text
    assert "fonts.gstatic" not in (site / "index.html").read_text(encoding="utf-8")


def test_navigation_lists_index_pages_not_entities(base_site) -> None:
    """Page size must not grow with the number of entities: the navigation carries the
    index pages only."""
    root, _ = base_site
    page = (root / "public" / "goals" / "faster-activation" / "index.html").read_text(encoding="utf-8")
    nav = re.findall(r'class="md-nav__link[^"]*"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*class="md-nav__link', page)
    targets = {a or b for a, b in nav}
    assert not any("goals/" in t and t.rstrip("/").split("/")[-1] not in ("goals", "..") for t in targets)


def test_lint_errors_refuse_the_build(tmp_path: Path) -> None:
    goal = (helpers.BASE / "strategy/goals/faster-activation.yaml").read_text(encoding="utf-8")
    root = helpers.copy_base(tmp_path / "repo", {"strategy/goals/faster-activation.yaml":
                                                 goal.replace("parent: grow-retention", "parent: grow-retentoin")},
                             git=False)
    result = build(root)
    assert result.exit_code == 1
    assert "R201" in result.stderr and "not built" in result.stderr
    assert not (root / "public").exists()
    assert helpers.run_cli(["site", "render", str(tmp_path / "md")], cwd=root).exit_code == 1


def test_warnings_do_not_fail_the_build_and_are_published(base_site) -> None:
    root, result = base_site
    health = (root / "public" / "health" / "index.html").read_text(encoding="utf-8")
    lint = helpers.run_cli(["lint", "--format", "json", "--today", TODAY], cwd=root)
    codes = {d["code"] for d in lint.json["diagnostics"]}
    assert codes, "the base strategy has at least one warning or info"
    for code in codes:
        assert code in health


def test_mkdocs_failure_is_exit_2_with_its_message(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", {"mkdocs.yml": "site_name: X\ntheme: {name: material}\n"
                                                               "plugins: [no-such-plugin]\n"}, git=False)
    result = build(root, "--allow-plugin", "no-such-plugin")  # allowed by strat, then unknown to MkDocs
    assert result.exit_code == 2
    assert "MkDocs failed" in result.stderr and "no-such-plugin" in result.stderr


def test_another_theme_is_refused(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", {"mkdocs.yml": "site_name: X\ntheme: readthedocs\n"}, git=False)
    result = build(root)
    assert result.exit_code == 2 and "mkdocs-material" in result.stderr


def test_strict_fails_on_a_broken_link_in_a_hand_written_page(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", {"site/notes.md": "# Notes\n\nSee [this](missing.md).\n"}, git=False)
    assert build(root).exit_code == 0
    result = build(root, "--strict")
    assert result.exit_code == 2 and "missing.md" in result.stderr


def test_repository_mkdocs_yml_nav_and_theme_overrides_apply(tmp_path: Path) -> None:
    files = {
        "mkdocs.yml": "site_name: Ledgerly strategy\ndocs_dir: docs\nsite_dir: out\n"
                      "theme:\n  name: material\n  custom_dir: overrides\n"
                      "nav:\n  - Handbook: handbook.md\n  - index.md\n",
        "docs/handbook.md": "# Handbook\n\nHow we work.\n",
        "overrides/main.html": '{% extends "base.html" %}\n{% block announce %}HELLO-FROM-USER{% endblock %}\n',
    }
    root = helpers.copy_base(tmp_path / "repo", files, git=False)
    result = build(root, "--strict")
    assert result.exit_code == 0, result.stderr
    page = (root / "out" / "goals" / "faster-activation" / "index.html").read_text(encoding="utf-8")
    assert "HELLO-FROM-USER" in page
    assert "<title>Half of new accounts send an invoice in week one - Ledgerly strategy</title>" in page
    assert (root / "out" / "handbook" / "index.html").exists()
    assert "Handbook" in page  # in the navigation, after the generated sections


def test_use_directory_urls_false(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", {"mkdocs.yml": "site_name: X\nuse_directory_urls: false\n"
                                                               "theme: {name: material}\n"}, git=False)
    result = build(root, "--strict")
    assert result.exit_code == 0, result.stderr
    site = root / "public"
    assert (site / "goals" / "faster-activation.html").exists()
    assert broken_links(site) == []
    svg_links = re.findall(r'<a href="([^"]+)" class="strat-node', (site / "map.html").read_text(encoding="utf-8"))
    assert svg_links and all(link.endswith(".html") for link in svg_links)


def test_nothing_is_written_outside_the_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # the build's temporary folder goes here
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nSECRET-OUTSIDE-THE-REPO\n", encoding="utf-8")
    (outside / "dir").mkdir()
    (outside / "dir" / "page.md").write_text("# Also secret\n\nSECRET-IN-A-LINKED-FOLDER\n", encoding="utf-8")
    root = helpers.copy_base(tmp_path / "repo", {"site/notes.md": "# Notes\n\nHand-written.\n"}, git=False)
    os.symlink(outside / "secret.md", root / "site" / "leak.md")
    os.symlink(outside / "dir", root / "site" / "linked")
    os.symlink("/etc/passwd", root / "site" / "passwd.md")
    out = root / "public"
    before = snapshot(tmp_path, out)

    result = build(root, "--strict")

    assert result.exit_code == 0, result.stderr
    assert snapshot(tmp_path, out) == before  # the temporary folder is gone too
    assert (out / "notes" / "index.html").exists()
    for name in ("leak", "linked", "passwd"):
        assert not (out / name).exists()
        assert f"skipped {name}" in result.stderr or f"skipped {name}.md" in result.stderr
    for page in out.rglob("*"):
        assert not page.is_symlink()
        if page.is_file():
            data = page.read_bytes()
            assert b"SECRET-OUTSIDE-THE-REPO" not in data and b"SECRET-IN-A-LINKED-FOLDER" not in data
            assert b"root:x:0:0" not in data


@pytest.mark.parametrize("where", [".", "site", "strategy/out", "..", "site/out"])
def test_output_folder_that_would_overwrite_sources_is_refused(tmp_path: Path, where: str) -> None:
    root = helpers.copy_base(tmp_path / "repo", {"site/notes.md": "# Notes\n"}, git=False)
    before = snapshot(tmp_path, tmp_path / "nothing")
    result = build(root, "--out", where)
    assert result.exit_code == 2, result.stderr
    assert snapshot(tmp_path, tmp_path / "nothing") == before


def test_a_foreign_non_empty_output_folder_is_refused(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    (root / "public").mkdir()
    (root / "public" / "thesis.docx").write_text("my only copy", encoding="utf-8")
    result = build(root)
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert (root / "public" / "thesis.docx").read_text(encoding="utf-8") == "my only copy"


def test_rebuild_into_its_own_output_folder(base_site) -> None:
    root, _ = base_site
    stale = root / "public" / "stale.html"
    stale.write_text("old", encoding="utf-8")
    result = build(root, "--quiet")
    assert result.exit_code == 0 and result.stderr == ""
    assert not stale.exists()


def test_output_folder_as_a_symlink_is_refused(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", root / "public")
    result = build(root)
    assert result.exit_code == 2 and "symlink" in result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_render_writes_markdown_only(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    out = tmp_path / "markdown"
    result = helpers.run_cli(["site", "render", str(out), "--today", TODAY, "--audience", "internal"], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert (out / "docs" / "index.md").read_text(encoding="utf-8").startswith('---\ntitle: "Ledgerly')
    assert (out / "docs" / "goals" / "faster-activation.md").exists()
    assert (out / "docs" / "stylesheets" / "strat.css").exists()
    assert (out / "mkdocs.yml").is_file()
    # Only Markdown, but the review packs: each period's `strat report` page, self-contained HTML.
    assert sorted(p.relative_to(out / "docs").as_posix() for p in out.rglob("*.html")) == \
        ["reviews/2026-h2.html", "reviews/2027-h1.html"]


def test_render_refuses_to_write_through_a_symlink(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    out = tmp_path / "markdown"
    out.mkdir()
    (out / ".strat-render").write_text("", encoding="utf-8")  # a folder strat rendered into before
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.md").write_text("mine", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", out / "docs")
    result = helpers.run_cli(["site", "render", str(out), "--today", TODAY], cwd=root)
    assert result.exit_code == 2 and "not a folder" in result.stderr
    assert [p.name for p in (tmp_path / "elsewhere").iterdir()] == ["keep.md"]


def test_build_is_reproducible(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    assert build(root, "--out", "a").exit_code == 0
    assert build(root, "--out", "b").exit_code == 0
    for page in ("goals/faster-activation/index.html", "map/index.html", "index.html"):
        assert (root / "a" / page).read_bytes() == (root / "b" / page).read_bytes()
    shutil.rmtree(root / "a")


def test_progress_counts_pages_up_to_the_number_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large builds report "wrote N/TOTAL pages" on stderr; the count ends at the total,
    which counts pages only (not the stylesheet or other assets)."""
    from strat.site import build as site_build

    monkeypatch.setattr(site_build, "PROGRESS_FROM", 10)
    out = tmp_path / "public"
    result = build(REPO, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    counts = re.findall(r"wrote (\d+)/(\d+) pages", result.stderr)
    assert counts, result.stderr
    done, total = map(int, counts[-1])
    built = int(re.search(r"built (\d+) pages", result.stderr).group(1))
    assert done == total == built


def test_search_index_leaves_out_the_lineage_lists(base_site) -> None:
    """The "Depends on, used by" lists are not indexed (every name there has its own page);
    the rest of an entity page is."""
    import json

    root, result = base_site
    assert result.exit_code == 0, result.stderr
    docs = json.loads((root / "public" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    lineage = [d for d in docs if d["location"].endswith("#depends-on-used-by")]
    assert lineage and all(d["text"] == "" for d in lineage), lineage[:2]
    progress = [d for d in docs if d["location"].startswith("goals/") and d["location"].endswith("#progress")]
    assert progress and all(d["text"] for d in progress)
