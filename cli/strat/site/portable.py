"""`strat site render DIR`: a project that any MkDocs-compatible builder publishes safely.

`strat site build` runs MkDocs itself and adds what makes the site safe and whole (a
theme override for the page title, the stylesheet, `font: false`, the navigation).
`render` writes the same pages for another builder (MkDocs with any theme, ProperDocs,
Zensical, or a build pipeline of one's own), so everything they need must be in the files:

    DIR/mkdocs.yml   a configuration written by strat (never the repository's own copied)
    DIR/docs/        the generated pages, the repository's hand-written pages, the stylesheet
    DIR/.strat-render   marks DIR as strat's, so the next render may replace DIR/docs

Every generated page starts with front matter `title:` (`escape.title_text`): a title
that stays text whatever a theme does with it, so no theme override is needed. Themes
print the page title into `<title>`, and some decode character references first
(mkdocs-material and Zensical print `page.title | striptags`, which does): a heading
escaped as references would come back as live markup there.

The configuration holds only what strat knows to be data: the site name, the theme's
plain settings (never `custom_dir`: templates are code; no address on another host),
strat's Markdown extensions, the search plugin, the stylesheets (strat's, and the
repository's own among its hand-written pages), `font: false` and `highlightjs: false`
(no fonts or scripts from other hosts), the navigation and the page-address style the
links were written for.
Plugins, hooks and extensions that the repository's `mkdocs.yml` names are left out: a
pull request must not be able to choose code that another builder imports.

When the repository is named (`strat.site.editlinks`), the entity pages carry their
"Edit" actions in the page itself, so they work with any builder. The configuration names
no `repo_url`: another builder would give every generated page an edit link to its
generated Markdown (which is in no repository), and mkdocs-material would ask the git
host's API for the repository's stars from every reader's browser.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

import yaml

from strat import inert
from strat.config import Config
from strat.site import build
from strat.site.escape import title_text
from strat.site.mkdocs_config import ConfigRefused
from strat.site.render import CSS_PATH

CONFIG_FILE = "mkdocs.yml"
DOCS = "docs"
MARKER = ".strat-render"
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", {"toc": {"permalink": True}}]
THEME_DROPPED = {"custom_dir", "font", "highlightjs"}  # templates are code; the other two strat sets
_HEADING = re.compile(r"^# (.+)$", re.M)
_TAG = re.compile(r"<[^>]*>")
_REMOTE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*:|[/\\]{2})")


def render_only(root: Path, folder: Path, config: Config, out: Path, today: dt.date | None = None,
                err: TextIO | None = None, directory_urls: bool | None = None, audience: str | None = None) -> int:
    """Write the project into `out`. 0 written; 1 lint errors or a refused mkdocs.yml;
    2 cannot write."""
    err = err or sys.stderr
    try:
        layout = build._layout(root, config, None, cwd=Path.cwd())
        urls = layout.directory_urls if directory_urls is None else directory_urls
        for note in layout.notes:
            print(inert.lines(f"strat site: {note}"), file=err)
        rendered = build.render_strategy(root, folder, config, today, urls, err, audience, repository=layout.repository)
        if rendered is None:
            return build.EXIT_FINDINGS
        protected = [p for p in (layout.hand_dir, folder, root / ".git") if p]
        _claim(out, root, protected)
        docs = out / DOCS
        hand: list[str] = []
        if layout.hand_dir is not None:
            def skipped(rel: str) -> None:
                print(inert.lines(f"strat site: skipped {rel}: symlinks are never followed or copied"), file=err)

            hand = build.copy_tree(layout.hand_dir, docs, skipped, exclude=set(rendered.pages))
        for rel, text in sorted(rendered.pages.items()):
            build.safe_write(docs, rel, with_title(text) if rel.endswith(".md") else text)
        raw = layout.raw if layout.mkdocs_file is not None else {}
        build.safe_write(out, CONFIG_FILE, config_text(raw, rendered.company, rendered.pages, sorted(hand), urls))
    except ConfigRefused as refused:
        print(inert.lines(f"strat site: {refused}"), file=err)
        return build.EXIT_FINDINGS
    except build.SiteProblem as problem:
        print(inert.lines(f"strat site: {problem}"), file=err)
        return build.EXIT_USAGE
    pages = sum(1 for rel in [*rendered.pages, *hand] if rel.endswith(".md"))
    print(inert.lines(f"strat site: wrote {pages} pages and {CONFIG_FILE} to {out}; build with e.g. "
                      f"`mkdocs build -f {out / CONFIG_FILE}`"), file=err)
    return build.EXIT_OK


# --- pages -----------------------------------------------------------------------------------


def page_title(markdown: str) -> str | None:
    """The text of a page's first `# ` heading, as a reader sees it (strat's markup
    dropped, character references decoded)."""
    match = _HEADING.search(markdown)
    if match is None:
        return None
    return html.unescape(_TAG.sub("", match.group(1))).strip() or None


def with_title(markdown: str) -> str:
    """The page with its title in front matter (merged into front matter it has)."""
    title = page_title(markdown)
    if title is None:
        return markdown
    line = f'title: "{title_text(title)}"\n'
    if markdown.startswith("---\n"):
        return "---\n" + line + markdown[4:]
    return "---\n" + line + "---\n\n" + markdown


# --- configuration -----------------------------------------------------------------------------


def config_text(raw: dict[str, Any], company: Any, pages: dict[str, str], hand: list[str], directory_urls: bool) -> str:
    """The configuration for another builder, as YAML text."""
    name = raw.get("site_name")
    theme_raw = raw.get("theme")
    if isinstance(theme_raw, str):
        theme_raw = {"name": theme_raw}
    theme = {key: value for key, value in _plain(theme_raw or {}, local=True).items() if key not in THEME_DROPPED}
    if not theme.get("name"):
        theme = {**build.default_config(company)["theme"], **theme}
    theme.update({"font": False, "highlightjs": False})
    config = {
        "site_name": name if isinstance(name, str) and name.strip() else (title_text(company) or "Strategy"),
        "docs_dir": DOCS,
        "use_directory_urls": directory_urls,
        "theme": theme,
        "markdown_extensions": EXTENSIONS,
        "plugins": ["search"],
        "extra_css": [*(v for v in _plain(raw.get("extra_css") or []) if v in hand), CSS_PATH],
        "nav": build._nav(_plain(raw.get("nav")), pages, [p for p in hand if p.endswith(".md")]),
        "not_in_nav": build._not_in_nav(raw.get("not_in_nav")),
    }
    description = raw.get("site_description")
    if isinstance(description, str):
        config = {"site_name": config["site_name"], "site_description": description, **config}
    head = ("# Written by `strat site render`; it is replaced on every render.\n"
            "# Build with: mkdocs build (or properdocs build, or zensical build) in this folder.\n"
            "# The page titles are safe with any theme; font: false and highlightjs: false keep\n"
            "# fonts and scripts from other hosts out of the site.\n")
    return head + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


class _Dumper(yaml.SafeDumper):
    """Text of several lines (`not_in_nav`) as a literal block."""


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def _plain(value: Any, local: bool = False) -> Any:
    """Plain YAML data only: strings, numbers, booleans, lists and string-keyed mappings.
    Anything else (a Python name, a `!relative` path) is left out; with `local`, so is a
    string that is an address on another host (a theme's `logo` would load from there)."""
    if isinstance(value, str):
        return None if local and _REMOTE.match(value) else value
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, list):
        return [v for v in (_plain(x, local) for x in value) if v is not None]
    if isinstance(value, dict):
        return {k: v for k, v in ((k, _plain(x, local)) for k, x in value.items() if isinstance(k, str))
                if v is not None}
    return None


# --- the folder --------------------------------------------------------------------------------


def _claim(out: Path, root: Path, protected: list[Path]) -> None:
    """Accept a new or empty folder, or one strat rendered into before (its docs folder
    is then replaced, so a page deleted from the strategy leaves the site)."""
    real = build._protect(out, root, protected)
    if real.is_dir() and not (real / MARKER).is_file():
        entries = sorted(p.name for p in real.iterdir())
        if entries:
            shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
            raise build.SiteProblem(f"{out} is not empty ({shown}) and has no {MARKER} file, so it is not a folder "
                                    "strat rendered into; give an empty or new folder")
    docs = out / DOCS
    if docs.is_symlink() or (docs.exists() and not docs.is_dir()):
        raise build.SiteProblem(f"{docs} is not a folder; refusing to replace it")
    if docs.is_dir():
        shutil.rmtree(docs)  # never follows a symlink inside
    out.mkdir(parents=True, exist_ok=True)
    build.safe_write(out, MARKER, "Written by `strat site render`; docs/ and mkdocs.yml are replaced on every render.\n")
    os.makedirs(docs, exist_ok=True)
