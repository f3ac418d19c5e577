"""Edit from the site: links from a page to the file it comes from, in the git host's editor.

When the repository is named (`site.repository` in `strat.yaml`, else `repo_url` in
`mkdocs.yml`, else an absolute `edit_uri`), every entity page gets an "Edit" action that
opens that entity's YAML file at the entity's line, a "View at line N" link, and on pages
of what `strat checkin` accepts (goals, objectives) a "Propose a check-in" link that opens
a new issue prefilled with the `strat checkin` command and the fields to fill. Metric pages
also link to their Readings files. Hand-written pages keep their edit link to their own
Markdown source in the docs folder; a generated page never links to its generated Markdown.
Without a repository, no page has an edit link.

URL shapes (`BRANCH` and `PATH` percent-encoded, `/` kept; a `#`, `?`, space or non-ASCII
character in a file name or branch is encoded, never read as a fragment or query):

    host        edit                              view at a line               new issue
    github      /edit/BRANCH/PATH                 /blob/BRANCH/PATH#L12        /issues/new?title=&body=
    gitlab      /-/edit/BRANCH/PATH               /-/blob/BRANCH/PATH#L12      /-/issues/new?issue[title]=&issue[description]=
    bitbucket   /src/BRANCH/PATH?mode=edit        /src/BRANCH/PATH#lines-12    (the file edit instead)
    gitea       /_edit/BRANCH/PATH                /src/branch/BRANCH/PATH#L12  /issues/new?title=&body=

The edit link carries the line anchor as well (`#L12`, Bitbucket `#lines-12`): GitHub's
and GitLab's editors ignore it today and open at the top, so the "View at line" link next
to it shows the entity at its line. Gitea covers Forgejo (Codeberg).

The repository URL is untrusted text (mkdocs.yml and strat.yaml come through pull
requests): only `http(s)://host/...` is accepted, with no user name or password in it and
no character that means something in HTML (`"`, `'`, `<`, `>`, backslash, space, control
characters). Anything else is refused (`ConfigRefused`, the build stops and says why), so
a `javascript:` or `file:` address is never published. Every other part of a URL (branch,
path, ids, titles in the issue body) is percent-encoded here, and the page escapes the
whole URL again as an attribute value.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from strat import inert
from strat.site.mkdocs_config import ConfigRefused

HOSTS = ("github", "gitlab", "bitbucket", "gitea")
KNOWN_HOSTS = {"github.com": "github", "gitlab.com": "gitlab", "bitbucket.org": "bitbucket",
               "codeberg.org": "gitea", "gitea.com": "gitea"}
DEFAULT_BRANCH = "main"
MAX_URL = 2000  # a repository address, not a document
TITLE_IN_ISSUE = 120  # characters of an entity's title in an issue title
_BAD_URL_CHARS = re.compile(r"[\s\"'<>\\`{}|^\x00-\x1f\x7f]")
# What follows the repository in an edit_uri, by host: the branch comes next.
_EDIT_PREFIXES = {"github": ("edit/", "blob/", "tree/"), "gitlab": ("-/edit/", "-/blob/", "edit/", "blob/"),
                  "bitbucket": ("src/",), "gitea": ("_edit/", "src/branch/")}
CHECKIN_KINDS = ("Goal", "Objective")


@dataclass(frozen=True, slots=True)
class Repository:
    """Where the strategy's files live on a git host."""

    url: str  # https://github.com/org/repo: no trailing slash, no .git
    host: str  # one of HOSTS
    branch: str = DEFAULT_BRANCH
    folder: str = ""  # the strat repository's root inside the git repository ("" at its root)
    docs: str | None = None  # the hand-written pages' folder, strat-repository-relative; None: no edit link on them
    docs_base: str | None = None  # an edit_uri (or template) of mkdocs.yml for hand-written pages, made absolute
    docs_template: bool = False

    def path(self, rel: str) -> str:
        """A file of the strat repository as a path of the git repository."""
        return posixpath.join(self.folder, rel) if self.folder else rel


# --- URLs ---------------------------------------------------------------------------------


def _q(value: str) -> str:
    return quote(value, safe="/")


def edit_url(repo: Repository, rel: str, line: int | None = None) -> str:
    """The git host's editor on a file of the strat repository (`rel`), with the line
    anchor when `line` is given."""
    branch, path = _q(repo.branch), _q(repo.path(rel))
    if repo.host == "gitlab":
        out = f"{repo.url}/-/edit/{branch}/{path}"
    elif repo.host == "bitbucket":
        out = f"{repo.url}/src/{branch}/{path}?mode=edit"
    elif repo.host == "gitea":
        out = f"{repo.url}/_edit/{branch}/{path}"
    else:
        out = f"{repo.url}/edit/{branch}/{path}"
    return out + (_line_anchor(repo, line) if line else "")


def view_url(repo: Repository, rel: str, line: int | None = None) -> str:
    """The file as the host shows it, scrolled to `line`."""
    branch, path = _q(repo.branch), _q(repo.path(rel))
    if repo.host == "gitlab":
        out = f"{repo.url}/-/blob/{branch}/{path}"
    elif repo.host == "bitbucket":
        out = f"{repo.url}/src/{branch}/{path}"
    elif repo.host == "gitea":
        out = f"{repo.url}/src/branch/{branch}/{path}"
    else:
        out = f"{repo.url}/blob/{branch}/{path}"
    return out + (_line_anchor(repo, line) if line else "")


def _line_anchor(repo: Repository, line: int) -> str:
    return f"#lines-{int(line)}" if repo.host == "bitbucket" else f"#L{int(line)}"


def issue_url(repo: Repository, title: str, body: str) -> str | None:
    """A new issue prefilled with `title` and `body`; None on Bitbucket (its issue
    tracker is optional and takes no prefilled fields: propose the file edit instead)."""
    t, b = quote(title, safe=""), quote(body, safe="")
    if repo.host == "gitlab":
        return f"{repo.url}/-/issues/new?issue%5Btitle%5D={t}&issue%5Bdescription%5D={b}"
    if repo.host == "bitbucket":
        return None
    return f"{repo.url}/issues/new?title={t}&body={b}"


def docs_edit_url(repo: Repository, src_uri: str) -> str | None:
    """The edit link of a hand-written page (its path in the docs folder)."""
    if repo.docs_base is not None:
        if repo.docs_template:
            noext = posixpath.splitext(src_uri)[0]
            return repo.docs_base.replace("{path}", _q(src_uri)).replace("{path_noext}", _q(noext))
        return repo.docs_base + _q(src_uri)
    if repo.docs is None:
        return None
    return edit_url(repo, posixpath.join(repo.docs, src_uri) if repo.docs not in ("", ".") else src_uri)


def checkin_text(doc: Any, title: str, rel: str, line: int, metrics: list[str]) -> tuple[str, str]:
    """The title and body of a "Propose a check-in" issue for a goal or an objective."""
    ident = str(doc.id)
    kind = str(doc.kind).lower()
    short = title if len(title) <= TITLE_IN_ISSUE else title[: TITLE_IN_ISSUE - 1] + "…"
    lines = [
        f"Check-in for the {kind} `{ident}`: {short}",
        f"File: `{rel}`, line {line}.",
        "",
        "Fill in the numbers; whoever picks this up runs (or you run, in a pull request):",
        "",
        "```sh",
        f"strat checkin {ident} --value VALUE --confidence 0.7 --note \"what moved the number\"",
        "```",
        "",
        "- Value (in the metric's unit): ",
        "- Confidence of reaching the target (0 to 1): ",
        "- Date of the reading (YYYY-MM-DD, default today): ",
        "- Note (what moved the number): ",
    ]
    if metrics:
        lines += ["", "A key result instead: add `--kr METRIC`, one of " + ", ".join(f"`{m}`" for m in metrics) + "."]
    return f"Check-in: {short}", "\n".join(lines) + "\n"


# --- the repository, from the configuration --------------------------------------------------


def resolve(raw: dict[str, Any], site: dict[str, Any], docs_dir: str | None) -> tuple[Repository | None, list[str]]:
    """The repository named by `strat.yaml`'s `site` settings or `mkdocs.yml` (`raw`), and
    notes for the operator (a host strat cannot tell). `docs_dir` is the hand-written
    pages' folder relative to the strat repository's root (None: there is none).
    Raises `ConfigRefused` for an address strat will not publish."""
    notes: list[str] = []
    site = site if isinstance(site, dict) else {}
    edit_uri = raw.get("edit_uri")
    template = raw.get("edit_uri_template")
    if site.get("repository") is not None:
        url, what = site.get("repository"), "strat.yaml: site.repository"
    elif raw.get("repo_url") not in (None, ""):
        url, what = raw.get("repo_url"), "mkdocs.yml: repo_url"
    elif isinstance(edit_uri, str) and "://" in edit_uri:
        url, what = _repo_of_edit_uri(edit_uri), "mkdocs.yml: edit_uri"
    else:
        return None, notes
    url = checked_url(url, what)
    host = site.get("repository_host") or KNOWN_HOSTS.get(urlsplit(url).hostname or "") or _host_of(edit_uri)
    if host not in HOSTS:
        if site.get("repository_host") is not None:
            raise ConfigRefused(f"strat.yaml: site.repository_host {inert.text(repr(host))} is not one of "
                                f"{', '.join(HOSTS)}")
        notes.append(f"{inert.text(what)} names a host strat does not know ({inert.text(urlsplit(url).hostname)}); "
                     f"set `site: {{repository_host: {'|'.join(HOSTS)}}}` in strat.yaml for edit links. The site "
                     "is built without them")
        return None, notes
    folder = _folder(site.get("repository_folder"))
    docs = docs_dir  # relative to the strat repository; `Repository.path` puts the folder in front
    in_git = posixpath.join(folder, docs_dir) if (folder and docs_dir is not None) else docs_dir
    branch = site.get("branch") or _branch_of(edit_uri, host, in_git) or DEFAULT_BRANCH
    if not isinstance(branch, str) or not branch.strip() or "\x00" in branch or ".." in branch:
        raise ConfigRefused(f"strat.yaml: site.branch {inert.text(repr(branch))} is not a branch name")
    base: str | None = None
    is_template = False
    if isinstance(template, str) and template:
        base, is_template = urljoin(url + "/", template), True
        checked_url(base.replace("{path}", "x").replace("{path_noext}", "x"), "mkdocs.yml: edit_uri_template")
    elif isinstance(edit_uri, str):
        if edit_uri == "":
            docs = None  # MkDocs' way of saying: no edit link on the hand-written pages
        else:
            base = checked_url(urljoin(url + "/", edit_uri.rstrip("/")), "mkdocs.yml: edit_uri") + "/"
    return Repository(url, host, branch.strip(), folder, docs, base, is_template), notes


def checked_url(value: Any, what: str) -> str:
    """A repository address strat publishes: http(s), a host, no credentials, nothing that
    means something in HTML. Trailing `/` and `.git` dropped."""
    shown = inert.text(repr(value))[:200]
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise ConfigRefused(f"{what} {shown} is not an address (expected https://host/owner/repository)")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ConfigRefused(f"{what} {shown} is not an address") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigRefused(f"{what} {shown} is refused: only http:// and https:// repository addresses are "
                            "published (a javascript:, data: or file: address would run or read something on the "
                            "reader's side)")
    if parts.username is not None or parts.password is not None:
        raise ConfigRefused(f"{what} is refused: it holds a user name or password, which the site would publish")
    if _BAD_URL_CHARS.search(value):
        raise ConfigRefused(f"{what} {shown} is refused: it holds a space, a quote, <, > or another character an "
                            "address never has (percent-encode it)")
    out = value.rstrip("/")
    return out[:-4] if out.endswith(".git") and "{" not in out else out


def _repo_of_edit_uri(edit_uri: str) -> str:
    for marker in ("/-/edit/", "/-/blob/", "/_edit/", "/src/branch/", "/edit/", "/blob/", "/src/"):
        if marker in edit_uri:
            return edit_uri.split(marker, 1)[0]
    return edit_uri


def _host_of(edit_uri: Any) -> str | None:
    if not isinstance(edit_uri, str):
        return None
    if "-/edit/" in edit_uri or "-/blob/" in edit_uri:
        return "gitlab"
    if "_edit/" in edit_uri or "src/branch/" in edit_uri:
        return "gitea"
    return None


def _branch_of(edit_uri: Any, host: str, docs: str | None) -> str | None:
    """The branch in an edit_uri such as `edit/main/site/` (`edit/release/2027/site/`
    with docs folder `site`: `release/2027`)."""
    if not isinstance(edit_uri, str) or not edit_uri:
        return None
    rest = edit_uri
    if "://" in rest:
        path = urlsplit(rest).path
        rest = path.split("/", 3)[3] if path.count("/") >= 3 else ""  # drop /owner/repository/
    rest = rest.lstrip("/")
    for prefix in _EDIT_PREFIXES.get(host, ()):
        if rest.startswith(prefix):
            rest = rest[len(prefix):].strip("/")
            break
    else:
        return None
    if docs and rest.endswith("/" + docs.strip("/")):
        return rest[: -len(docs.strip("/")) - 1] or None
    return rest.split("/", 1)[0] or None


def _folder(value: Any) -> str:
    if value is None or value in ("", "."):
        return ""
    if not isinstance(value, str):
        raise ConfigRefused("strat.yaml: site.repository_folder must be a folder path")
    normal = posixpath.normpath(value.replace("\\", "/")).strip("/")
    if value.startswith("/") or normal == ".." or normal.startswith("../") or "\x00" in value:
        raise ConfigRefused(f"strat.yaml: site.repository_folder {inert.text(repr(value))} must be a path inside "
                            "the git repository")
    return "" if normal == "." else normal


# --- on the page ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """Where an entity is written: its file (strat-repository-relative) and line."""

    path: str
    line: int


def actions_html(repo: Repository, doc: Any, title: str, metrics: list[str] | None = None,
                 readings: list[Source] | None = None) -> str:
    """The "Edit" action of an entity page (and "View at line", "Propose a check-in",
    the metric's Readings files), as a raw HTML block. Every URL is percent-encoded by
    the functions above and escaped again here as an attribute value."""
    from strat.site.escape import text as esc

    where = Source(doc.path, max(1, int(doc.position[0])))
    kind = str(doc.kind).lower()
    links = [_a(edit_url(repo, where.path, where.line), "Edit", "md-button md-button--primary",
                f"Edit this {kind} in {HOST_NAMES[repo.host]}: {where.path}, line {where.line}", rel="edit"),
             _a(view_url(repo, where.path, where.line), f"View at line {where.line}", "md-button",
                f"{where.path} in {HOST_NAMES[repo.host]}, at line {where.line}")]
    if doc.kind in CHECKIN_KINDS:
        issue_title, body = checkin_text(doc, title, repo.path(where.path), where.line, metrics or [])
        issue = issue_url(repo, issue_title, body)
        if issue is not None:
            links.append(_a(issue, "Propose a check-in", "md-button",
                            f"Open a new issue in {HOST_NAMES[repo.host]} with the check-in to fill in"))
        else:
            links.append(_a(edit_url(repo, where.path, where.line), "Propose a check-in", "md-button",
                            f"Edit the file in {HOST_NAMES[repo.host]} and add the check-in under check_ins"))
    for source in readings or []:
        name = posixpath.basename(source.path)
        links.append(_a(edit_url(repo, source.path, source.line), f"Edit readings {name}", "md-button",
                        f"Add a reading to {source.path}"))
    shown = f'<span class="strat-actions-file">{esc(repo.path(where.path))}, line {where.line}</span>'
    # Out of the search index (the theme's indexer skips `data-search-exclude`): every
    # page would otherwise match "edit", "line" and its own file name.
    return (f'<div class="strat-actions" role="group" aria-label="{esc("Change this " + kind)}" '
            f'data-search-exclude>' + "".join(links) + shown + "</div>")


HOST_NAMES = {"github": "GitHub", "gitlab": "GitLab", "bitbucket": "Bitbucket", "gitea": "Gitea"}


def _a(url: str, label: str, css: str, title: str, rel: str = "") -> str:
    from strat.site.escape import text as esc

    rel_attr = f' rel="{rel}"' if rel else ""
    return (f'<a class="{css}" href="{html.escape(url, quote=True)}"{rel_attr} title="{esc(title)}">'
            f"{esc(label)}</a>")


def with_actions(markdown: str, actions: str) -> str:
    """The page with its actions after its kicker line (else after its title)."""
    head, sep, rest = markdown.partition("\n\n")
    if rest.startswith('<p class="strat-kicker">'):
        kicker, sep2, tail = rest.partition("\n\n")
        return head + sep + kicker + "\n\n" + actions + "\n\n" + tail
    return head + "\n\n" + actions + "\n\n" + rest
