"""Edit from the site, in a real browser (headless Chromium through Playwright, as in
test_site_browser.py): this repository's example strategy built with a GitHub `repo_url`.

* Every entity page's Edit action, and the theme's edit button, point to that entity's
  YAML file at its line in the right repository (expected from strat's loader); the
  "View at line" and "Propose a check-in" links too; clicking Edit sends the browser to
  the editor of that file (the request is recorded and stopped: the test never leaves
  the machine), and no page asks the git host's API for anything.
* Built without a repository, no page has an edit link.
* axe-core: no serious or critical violation on a goal and a metric page with the
  actions, in the light and the dark scheme.
* Screenshots of a goal page with its actions, desktop and 390 px phone, in
  tests/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from test_site_browser import (SHOTS, VIEWPORT, Served, _axe_path, _needs_axe, axe_violations, browser,  # noqa: F401
                               off_host, recorded, serve, settle, severe, visit)
from test_site_editlinks import build, entity_pages, example_copy
from sitetest import html_files, load
from strat.site import paths

REPO_URL = "https://github.com/fieldwise/strategy"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = example_copy(tmp_path_factory.mktemp("hosted") / "repo", f"repo_url: {REPO_URL}\n")
    out = root.parent / "public"
    result = build(root, out)
    assert result.exit_code == 0, result.stderr
    with serve(out, root) as served:
        yield served


@pytest.fixture(scope="module")
def unhosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = example_copy(tmp_path_factory.mktemp("unhosted") / "repo")
    out = root.parent / "public"
    result = build(root, out)
    assert result.exit_code == 0, result.stderr
    with serve(out, root) as served:
        yield served


ACTIONS = """() => ({
  edit: [...document.querySelectorAll('a[rel=edit]')].map(a => a.href),
  actions: [...document.querySelectorAll('.strat-actions a')].map(a => [a.innerText.trim(), a.href]),
  visible: [...document.querySelectorAll('.strat-actions a')].every(a => a.offsetWidth > 0 && a.offsetHeight > 0),
})"""


def test_every_entity_page_edits_its_file_at_its_line(hosted: Served, browser) -> None:  # noqa: F811
    assert hosted.root is not None
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block")
    rec = recorded(ctx)
    page = ctx.new_page()
    try:
        pages = entity_pages(hosted.root)
        readings = load(hosted.root).model.of_kind("Readings")
        assert len(pages) > 50
        visit(page, rec, hosted.url, settle_down=True)
        for src, doc in pages:
            visit(page, rec, hosted.url + paths.url(src))
            found = page.evaluate(ACTIONS)
            line = doc.position[0]
            expected = f"{REPO_URL}/edit/main/{doc.path}#L{line}"
            assert found["edit"] == [expected, expected], src
            assert found["visible"], src
            actions = dict(found["actions"])
            assert actions["Edit"] == expected
            assert actions[f"View at line {line}"] == f"{REPO_URL}/blob/main/{doc.path}#L{line}"
            if doc.kind in ("Goal", "Objective"):
                issue = urlsplit(actions["Propose a check-in"])
                assert (issue.netloc, issue.path) == ("github.com", "/fieldwise/strategy/issues/new")
                assert f"strat checkin {doc.id} " in parse_qs(issue.query)["body"][0]
            if doc.kind == "Metric":
                mine = [r for r in readings if r.data.get("metric") == doc.id]
                assert sorted(h for t, h in found["actions"] if t.startswith("Edit readings")) == \
                       sorted(f"{REPO_URL}/edit/main/{r.path}#L{r.position[0]}" for r in mine), src
        settle(page, rec)
        assert rec.problems() == []
        assert off_host(rec) == []  # the header's repository link asks no API for stars

        # Clicking Edit on a goal sends the browser to the editor of its file.
        goal_src, goal = next((s, d) for s, d in pages if d.kind == "Goal")
        visit(page, rec, hosted.url + paths.url(goal_src))
        page.locator(".strat-actions a", has_text="Edit").first.click()
        page.wait_for_timeout(500)
        assert rec.foreign and rec.foreign[-1].endswith(f"{REPO_URL}/edit/main/{goal.path}"), rec.foreign
    finally:
        ctx.close()


def test_without_a_repository_no_page_has_an_edit_link(unhosted: Served, browser) -> None:  # noqa: F811
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block")
    rec = recorded(ctx)
    page = ctx.new_page()
    try:
        pages = html_files(unhosted.site)
        assert len(pages) > 100
        # test_site_editlinks.py reads every page's HTML for edit links; here the browser runs
        # the theme's scripts on one page of each section (the home page, each entity kind,
        # the generated indexes and the guide), which is where a script could add one.
        sample = {p.relative_to(unhosted.site).parts[0] if len(p.relative_to(unhosted.site).parts) > 1 else p.name: p
                  for p in reversed(pages)}
        assert len(sample) >= 10, sorted(sample)
        for html in sorted(sample.values()):
            visit(page, rec, unhosted.url_of(html))
            count = page.evaluate("document.querySelectorAll('a[rel=edit], .strat-actions, .md-source').length")
            assert count == 0, html
        assert rec.problems() == []
    finally:
        ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation_with_the_actions(hosted: Served, browser, scheme: str) -> None:  # noqa: F811
    _needs_axe()
    assert hosted.root is not None
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block", color_scheme="light")
    try:
        ctx.add_init_script(path=_axe_path())
        rec = recorded(ctx)
        page = ctx.new_page()
        visit(page, rec, hosted.url)
        if scheme == "dark":
            page.locator("form[data-md-component=palette] label:visible").first.click()
            page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        pages = dict((d.kind, s) for s, d in reversed(entity_pages(hosted.root)))
        for kind in ("Goal", "Metric"):
            visit(page, rec, hosted.url + paths.url(pages[kind]))
            assert page.locator(".strat-actions a").count() >= 2
            found = severe(axe_violations(page, f"{kind} page with actions ({scheme})"))
            assert not found, "\n".join(map(str, found))
        assert rec.problems() == []
    finally:
        ctx.close()


def test_screenshots_of_a_goal_page_with_its_actions(hosted: Served, browser) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = hosted.url + paths.url(paths.entity("Goal", "fix-offline-sync"))
    for name, viewport in (("desktop", VIEWPORT), ("phone", PHONE)):
        ctx = browser.new_context(viewport=viewport, service_workers="block", device_scale_factor=1)
        rec = recorded(ctx)
        page = ctx.new_page()
        try:
            visit(page, rec, target)
            actions = page.locator(".strat-actions")
            box = actions.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], name
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
            page.screenshot(path=str(Path(SHOTS) / f"editlinks-goal-{name}.png"))
            assert rec.problems() == []
        finally:
            ctx.close()
