"""Where each page lives, and the URLs between pages.

Pages are addressed by their source path (`goals/faster-activation.md`). Markdown links
use source paths and MkDocs rewrites and checks them; links inside raw HTML (the SVG
diagrams, cards) are not rewritten, so this module computes the final relative URL,
honouring `use_directory_urls`."""

from __future__ import annotations

import posixpath

from strat.site.escape import slug

FOLDERS = {
    "Objective": "objectives",
    "Plan": "plans",
    "Team": "teams",
    "Department": "departments",
    "Person": "people",
    "Goal": "goals",
    "Metric": "metrics",
    "Initiative": "initiatives",
    "Decision": "decisions",
}

HOME = "index.md"
MAP = "map.md"
JOINT = "joint-goals.md"
ROI = "roi.md"
HEALTH = "health.md"
CHANGELOG = "changelog.md"
RULES = "rules/index.md"
ABOUT_STATUS = "map.md#how-to-read-it"
PERIODS = "periods/index.md"


def index(kind: str) -> str:
    """The index page of a kind: `goals/index.md`."""
    return f"{FOLDERS[kind]}/index.md"


def entity(kind: str, ident: str) -> str:
    """The page of one entity. The id passes the slug check; `index` (a valid id) would
    collide with the folder's index page, so it gets a name no id can have."""
    name = slug(ident)
    if name == "index":
        name = "index_"
    return f"{FOLDERS[kind]}/{name}.md"


def period(ident: str) -> str:
    """The page of one of the Strategy's periods (the id passes the slug check)."""
    name = slug(ident)
    return f"periods/{'index_' if name == 'index' else name}.md"


def rule(code: str) -> str:
    return f"rules/{code.lower()}.md"


def url(src: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a page, relative to the site root ('' for the home page)."""
    path, _, anchor = src.partition("#")
    stem = path[:-3] if path.endswith(".md") else path
    if directory_urls:
        if stem == "index":
            out = ""
        elif stem.endswith("/index"):
            out = stem[: -len("index")]
        else:
            out = stem + "/"
    else:
        out = stem + ".html"
    return out + (f"#{anchor}" if anchor else "")


def href(from_src: str, to_src: str, directory_urls: bool = True) -> str:
    """The relative URL from one page to another, as a browser resolves it."""
    here = url(from_src, directory_urls)
    there_path, _, anchor = url(to_src, directory_urls).partition("#")
    if directory_urls:  # every page URL is a folder: goals/x/
        rel = _relpath(there_path.rstrip("/") or ".", here.rstrip("/") or ".")
        rel = "./" if rel == "." else rel + "/"
    else:
        rel = _relpath(there_path, posixpath.dirname(here) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def md_link(from_src: str, to_src: str) -> str:
    """The relative source path for a Markdown link (MkDocs resolves and checks it)."""
    path, _, anchor = to_src.partition("#")
    rel = _relpath(path, posixpath.dirname(from_src) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def _relpath(path: str, start: str) -> str:
    """`posixpath.relpath` for two paths relative to the same root, without its calls
    to `os.getcwd` (the renderer computes some 200,000 links for a 5,000-goal site)."""
    target = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".")]
    base = [p for p in posixpath.normpath(start).split("/") if p not in ("", ".")]
    if ".." in target or ".." in base:  # not below the root: let posixpath decide
        return posixpath.relpath(path, start)
    common = 0
    while common < min(len(target), len(base)) and target[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + target[common:]) or "."
