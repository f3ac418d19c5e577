"""Edit from the site (strat.site.editlinks): the URL shapes of each git host, the
repository read from mkdocs.yml and strat.yaml, hostile addresses refused, and real
`strat site build` / `strat site render` runs of this repository's example strategy with
a GitHub and a GitLab `repo_url`, and without one.

Expected files and lines come from strat's own loader (`Document.path`, `position`), never
from numbers written here."""

from __future__ import annotations

import html.parser
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import helpers
from sitetest import load
from strat.site import editlinks, paths
from strat.site.editlinks import Repository, edit_url, issue_url, resolve, view_url
from strat.site.mkdocs_config import ConfigRefused

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-23"

# --- URL shapes -------------------------------------------------------------------------------

SHAPES = {  # host: (edit, view at line 12) for strategy/goals/a.yaml on main
    "github": ("https://h.example/o/r/edit/main/strategy/goals/a.yaml#L12",
               "https://h.example/o/r/blob/main/strategy/goals/a.yaml#L12"),
    "gitlab": ("https://h.example/o/r/-/edit/main/strategy/goals/a.yaml#L12",
               "https://h.example/o/r/-/blob/main/strategy/goals/a.yaml#L12"),
    "bitbucket": ("https://h.example/o/r/src/main/strategy/goals/a.yaml?mode=edit#lines-12",
                  "https://h.example/o/r/src/main/strategy/goals/a.yaml#lines-12"),
    "gitea": ("https://h.example/o/r/_edit/main/strategy/goals/a.yaml#L12",
              "https://h.example/o/r/src/branch/main/strategy/goals/a.yaml#L12"),
}


@pytest.mark.parametrize("host", editlinks.HOSTS)
def test_each_host_has_its_url_shape(host: str) -> None:
    repo = Repository("https://h.example/o/r", host)
    assert (edit_url(repo, "strategy/goals/a.yaml", 12), view_url(repo, "strategy/goals/a.yaml", 12)) == SHAPES[host]


ODD_PATHS = ["strategy/goals/q3 plan.yaml", "strategy/goals/é—ü.yaml", "strategy/goals/a#b.yaml",
             "strategy/goals/a?mode=x.yaml", "strategy/goals/100%.yaml", "strategy/goals/a&b=c.yaml"]


@pytest.mark.parametrize("host", editlinks.HOSTS)
@pytest.mark.parametrize("path", ODD_PATHS)
@pytest.mark.parametrize("branch", ["main", "release/2027-h1", "feat/été #2"])
def test_paths_and_branches_are_percent_encoded(host: str, path: str, branch: str) -> None:
    repo = Repository("https://h.example/o/r", host, branch=branch, folder="sub dir")
    for url in (edit_url(repo, path, 7), view_url(repo, path, 7)):
        parts = urlsplit(url)
        assert url.isascii() and " " not in url
        assert parts.fragment in ("L7", "lines-7")  # a # in the path never becomes the fragment
        assert parts.query in ("", "mode=edit")  # nor a ? the query
        assert unquote(parts.path).endswith(f"/{branch}/sub dir/{path}")
        assert "/" + branch.split("/")[0] + "/" in url  # the branch's / kept, not %2F


@pytest.mark.parametrize("host", ["github", "gitea", "gitlab"])
def test_a_check_in_issue_is_prefilled_and_round_trips(host: str) -> None:
    repo = Repository("https://h.example/o/r", host)
    title, body = "Check-in: Grow & <win> #1 ?x=1", "strat checkin g --value VALUE\n- note: \"a&b\"\n"
    url = issue_url(repo, title, body)
    assert url is not None
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    keys = ("issue[title]", "issue[description]") if host == "gitlab" else ("title", "body")
    assert parts.path == ("/o/r/-/issues/new" if host == "gitlab" else "/o/r/issues/new")
    assert (query[keys[0]], query[keys[1]]) == ([title], [body])
    assert not parts.fragment


def test_bitbucket_proposes_the_file_edit_instead_of_an_issue() -> None:
    assert issue_url(Repository("https://bitbucket.org/o/r", "bitbucket"), "t", "b") is None


# --- the repository from the configuration --------------------------------------------------


def test_repo_url_names_the_host_and_edit_uri_the_branch_with_a_slash() -> None:
    repo, notes = resolve({"repo_url": "https://gitlab.com/acme/strategy.git/",
                           "edit_uri": "-/edit/release/2027/site/"}, {}, "site")
    assert notes == [] and repo is not None
    assert (repo.url, repo.host, repo.branch) == ("https://gitlab.com/acme/strategy", "gitlab", "release/2027")
    assert editlinks.docs_edit_url(repo, "guide/a b.md") == \
        "https://gitlab.com/acme/strategy/-/edit/release/2027/site/guide/a%20b.md"


def test_strat_yaml_wins_and_names_a_self_hosted_host() -> None:
    site = {"repository": "https://git.acme.internal/strategy/okr", "branch": "trunk", "repository_host": "gitea",
            "repository_folder": "company/strategy"}
    repo, _ = resolve({"repo_url": "https://github.com/acme/other"}, site, "site")
    assert repo is not None
    assert edit_url(repo, "strategy/goals/g.yaml", 3) == \
        "https://git.acme.internal/strategy/okr/_edit/trunk/company/strategy/strategy/goals/g.yaml#L3"
    assert editlinks.docs_edit_url(repo, "about.md") == \
        "https://git.acme.internal/strategy/okr/_edit/trunk/company/strategy/site/about.md"


def test_an_absolute_edit_uri_names_the_repository() -> None:
    repo, _ = resolve({"edit_uri": "https://github.com/acme/strategy/edit/develop/site/"}, {}, "site")
    assert repo is not None and (repo.url, repo.host, repo.branch) == ("https://github.com/acme/strategy", "github",
                                                                      "develop")


def test_an_edit_uri_template_places_the_encoded_path() -> None:
    repo, _ = resolve({"repo_url": "https://github.com/o/r", "edit_uri_template": "blob/main/site/{path}?plain=1"},
                      {}, "site")
    assert repo is not None
    assert editlinks.docs_edit_url(repo, "a b#c.md") == "https://github.com/o/r/blob/main/site/a%20b%23c.md?plain=1"
    with pytest.raises(ConfigRefused):
        resolve({"repo_url": "https://github.com/o/r", "edit_uri_template": 'x/{path}"onclick="alert(1)'}, {}, "site")


def test_an_unknown_host_builds_without_edit_links_and_says_why() -> None:
    repo, notes = resolve({"repo_url": "https://code.acme.internal/strategy"}, {}, "site")
    assert repo is None and "repository_host" in notes[0]


def test_no_repository_no_links() -> None:
    assert resolve({"site_name": "x", "edit_uri": "edit/main/site/"}, {}, "site") == (None, [])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "javascript://github.com/%0aalert(1)", "file:///etc/passwd",
                                 "data:text/html,<script>alert(1)</script>", "//github.com/o/r", "github.com/o/r",
                                 'https://github.com/o/r"onmouseover="alert(1)', "https://github.com/o/r><script>",
                                 "https://tok:secret@github.com/o/r", "https://github.com/o/r x", 42, ""])
@pytest.mark.parametrize("where", ["mkdocs", "strat"])
def test_a_hostile_repository_address_is_refused(url: object, where: str) -> None:
    raw, site = ({"repo_url": url}, {}) if where == "mkdocs" else ({}, {"repository": url})
    if url == "" and where == "mkdocs":
        assert resolve(raw, site, "site") == (None, [])  # MkDocs' "no repository"
        return
    with pytest.raises(ConfigRefused) as refused:
        resolve(raw, site, "site")
    assert ("repo_url" if where == "mkdocs" else "site.repository") in str(refused.value)
    assert "secret" not in str(refused.value)


def test_a_hostile_edit_uri_or_branch_is_refused() -> None:
    with pytest.raises(ConfigRefused):
        resolve({"repo_url": "https://github.com/o/r", "edit_uri": "javascript:alert(1)//"}, {}, "site")
    with pytest.raises(ConfigRefused):
        resolve({"repo_url": "https://github.com/o/r", "edit_uri": 'edit/main/"><b>/'}, {}, "site")
    with pytest.raises(ConfigRefused):
        resolve({}, {"repository": "https://github.com/o/r", "repository_folder": "../../etc"}, "site")
    repo, _ = resolve({}, {"repository": "https://github.com/o/r", "branch": 'x"><script>'}, "site")
    assert repo is not None and '"' not in edit_url(repo, "a.yaml", 1) and "<" not in edit_url(repo, "a.yaml", 1)


# --- real builds ----------------------------------------------------------------------------


def example_copy(root: Path, mkdocs_extra: str = "", strat_extra: str = "") -> Path:
    """This repository's example strategy, hand-written pages and configuration."""
    for name in ("strategy", "site", "schemas"):
        shutil.copytree(REPO / name, root / name)
    (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8") + mkdocs_extra, encoding="utf-8")
    config = (REPO / "strat.yaml").read_text(encoding="utf-8")
    if strat_extra.startswith("site:\n") and "\nsite:\n" in config:  # into the example's own `site:`
        config, strat_extra = config.replace("\nsite:\n", "\nsite:\n" + strat_extra[len("site:\n"):], 1), ""
    (root / "strat.yaml").write_text(config + strat_extra, encoding="utf-8")
    return root


def build(root: Path, out: Path) -> helpers.CliResult:
    return helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(out), "-q"], cwd=root)


class Links(html.parser.HTMLParser):
    """The edit links of a page: the theme's edit button and strat's actions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.edit: list[str] = []  # every <a rel="edit">
        self.actions: list[tuple[str, str]] = []  # (label, href) inside .strat-actions
        self.hrefs: list[str] = []
        self._in_actions = 0
        self._href: str | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and "strat-actions" in (a.get("class") or "").split():
            self._in_actions = 1
        elif tag == "div" and self._in_actions:
            self._in_actions += 1
        if tag == "a":
            self.hrefs.append(a.get("href") or "")
            if a.get("rel") == "edit":
                self.edit.append(a.get("href") or "")
            if self._in_actions:
                self._href, self._label = a.get("href") or "", ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._label += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.actions.append((self._label.strip(), self._href))
            self._href = None
        if tag == "div" and self._in_actions:
            self._in_actions -= 1


def links_of(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def built_page(site: Path, src: str) -> Path:
    return site / paths.url(src) / "index.html"


def entity_pages(root: Path) -> list[tuple[str, object]]:
    loaded = load(root)
    return [(paths.entity(kind, doc.id), doc) for kind in paths.FOLDERS for doc in loaded.model.of_kind(kind)]


HOSTS = {"github": ("https://github.com/fieldwise/strategy", "edit/main/site/", "/edit/main/", "/blob/main/"),
         "gitlab": ("https://gitlab.com/fieldwise/strategy", "-/edit/main/site/", "/-/edit/main/", "/-/blob/main/")}


@pytest.fixture(scope="module", params=sorted(HOSTS))
def hosted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    host = request.param
    url, edit_uri = HOSTS[host][:2]
    root = example_copy(tmp_path_factory.mktemp(host) / "repo", f"repo_url: {url}\nedit_uri: {edit_uri}\n")
    out = root.parent / "public"
    result = build(root, out)
    assert result.exit_code == 0, result.stderr
    return host, root, out


def test_every_entity_page_edits_its_own_yaml_at_its_line(hosted: tuple[str, Path, Path]) -> None:
    host, root, out = hosted
    url, _, edit, view = HOSTS[host]
    pages = entity_pages(root)
    assert len(pages) > 50
    for src, doc in pages:
        line = doc.position[0]
        links = links_of(built_page(out, src))
        expected = f"{url}{edit}{doc.path}#L{line}"
        assert links.edit == [expected, expected], src  # the theme's button and strat's Edit action
        labels = dict(links.actions)
        assert labels["Edit"] == expected
        assert labels[f"View at line {line}"] == f"{url}{view}{doc.path}#L{line}"
        if doc.kind in ("Goal", "Objective"):
            issue = urlsplit(labels["Propose a check-in"])
            body = parse_qs(issue.query)["issue[description]" if host == "gitlab" else "body"][0]
            assert f"strat checkin {doc.id} --value" in body and doc.path in body
        else:
            assert "Propose a check-in" not in labels
        if doc.kind == "Metric":
            readings = [r for r in load(root).model.of_kind("Readings") if r.data.get("metric") == doc.id]
            assert {h for label, h in links.actions if label.startswith("Edit readings")} == \
                   {f"{url}{edit}{r.path}#L{r.position[0]}" for r in readings}


def test_hand_written_pages_edit_their_markdown_and_generated_pages_never_theirs(hosted: tuple[str, Path, Path]) -> None:
    host, root, out = hosted
    url, _, edit, _ = HOSTS[host]
    hand = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*.md"))
    assert hand
    for rel in hand:
        assert links_of(built_page(out, rel)).edit == [f"{url}{edit}site/{rel}"], rel
    for page in [*out.rglob("*.html")]:
        for href in links_of(page).hrefs:
            if href.startswith(url) and href.endswith(".md"):
                assert "/site/" in href, (page, href)  # only a hand-written page's source
    for src in (paths.HEALTH, paths.index("Goal"), paths.MAP, paths.RULES):
        assert links_of(built_page(out, src)).edit == [], src


def test_the_header_links_the_repository_without_asking_its_api(hosted: tuple[str, Path, Path]) -> None:
    host, _, out = hosted
    text = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{HOSTS[host][0]}"' in text and 'class="md-source"' in text
    assert 'data-md-component="source"' not in text


def test_without_a_repository_no_page_has_an_edit_link(tmp_path: Path) -> None:
    root = example_copy(tmp_path / "repo", "edit_uri: edit/main/site/\n")  # an edit_uri alone names no repository
    out = tmp_path / "public"
    result = build(root, out)
    assert result.exit_code == 0, result.stderr
    pages = list(out.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert 'rel="edit"' not in text and "strat-actions" not in text and "md-source" not in text, page


@pytest.mark.parametrize("setting", ['repo_url: "javascript:alert(1)"\n', 'repo_url: "file:///etc/passwd"\n',
                                     "repo_url: 'https://github.com/o/r\"><script>alert(1)</script>'\n"])
def test_a_hostile_repo_url_stops_the_build(tmp_path: Path, setting: str) -> None:
    root = example_copy(tmp_path / "repo", setting)
    out = tmp_path / "public"
    result = build(root, out)
    assert result.exit_code == 1
    assert "repo_url" in result.stderr and "refused" in result.stderr
    assert not (out / "index.html").exists()


def test_a_hostile_repo_name_is_shown_as_text(tmp_path: Path) -> None:
    root = example_copy(tmp_path / "repo", "repo_url: https://github.com/o/r\n"
                                           "repo_name: '<img src=x onerror=alert(1)>'\n")
    out = tmp_path / "public"
    assert build(root, out).exit_code == 0
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_a_hostile_strat_yaml_repository_is_a_config_finding(tmp_path: Path) -> None:
    root = example_copy(tmp_path / "repo", "", "site:\n  repository: \"javascript:alert(1)\"\n")
    result = build(root, tmp_path / "public")
    assert result.exit_code != 0
    assert "site" in result.stderr and "strat.yaml" in result.stderr
    assert not (tmp_path / "public" / "index.html").exists()


def test_render_for_other_builders_carries_the_actions_and_no_repo_url(tmp_path: Path) -> None:
    root = example_copy(tmp_path / "repo", "", "site:\n  repository: https://bitbucket.org/fieldwise/strategy\n"
                                                "  branch: release/2027\n")
    out = tmp_path / "rendered"
    result = helpers.run_cli(["site", "render", str(out), "--today", TODAY], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "repo_url" not in (out / "mkdocs.yml").read_text(encoding="utf-8")
    for src, doc in entity_pages(root):
        text = (out / "docs" / src).read_text(encoding="utf-8")
        expected = f"https://bitbucket.org/fieldwise/strategy/src/release/2027/{doc.path}?mode=edit#lines-{doc.position[0]}"
        assert f'href="{expected}"' in text, src
    hand = (out / "docs" / "about.md").read_text(encoding="utf-8")
    assert "strat-actions" not in hand


def test_the_schema_and_the_code_know_the_same_hosts() -> None:
    import json

    schema = json.loads((REPO / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
    site = schema["properties"]["site"]["properties"]
    assert tuple(site["repository_host"]["enum"]) == editlinks.HOSTS
    assert all(value.get("description") for value in site.values())


def test_the_actions_stay_out_of_the_search_index(hosted: tuple[str, Path, Path]) -> None:
    import json

    _, _, out = hosted
    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    generated = tuple(f"{folder}/" for folder in paths.FOLDERS.values())
    entries = [doc for doc in index["docs"] if doc["location"].startswith(generated) or doc["location"] == ""]
    assert len(entries) > 50
    text = " ".join(doc["text"] for doc in entries)
    assert "Propose a check-in" not in text and "View at line" not in text and ".yaml, line" not in text
