"""The review pack on the site: each period's `strat report` page, published as a static
page beside the generated ones and linked from the period's page ("Review pack
(printable)").

The page is the very page `strat report PERIOD --format html --today D` writes (same
bytes, same `--today` as the build): one self-contained HTML file (inline CSS and SVG,
no script, no remote resource) that MkDocs copies as it is. What needs git ("what
changed since the period's start") is read from the repository's history when the
build has it; without history (not a git repository, a shallow clone) the page says so
in that section, as `strat report` does.

Every builder carries the file: `strat site build` (MkDocs copies files that are not
Markdown) and `strat site render` (written into the project's docs folder).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from strat.config import Config
from strat.model import is_slug
from strat.site import paths
from strat.site.escape import slug

LABEL = "Review pack (printable)"


def review_path(period: str) -> str:
    """The review page of a period (the id passes the slug check), relative to the docs folder."""
    return f"reviews/{slug(period)}.html"


def review_pages(root: Path, folder: Path, config: Config, today: dt.date, periods: list[str]) -> dict[str, str]:
    """{docs path: the period's review page} for every period whose id is a slug."""
    from strat.report import build_report, prepare
    from strat.report_html import to_html

    shown = [p for p in periods if is_slug(p)]
    if not shown:
        return {}
    shared = prepare(root, folder, config, today)  # loaded and linted once for every period
    return {review_path(p): to_html(build_report(root, folder, config, p, today, prepared=shared)) for p in shown}


def link_reviews(pages: dict[str, str], reviews: dict[str, str], periods: list[str]) -> None:
    """Add the link to each period's page, under its title (the first line)."""
    for period in periods:
        page, review = paths.period(period), review_path(period) if is_slug(period) else ""
        if page not in pages or review not in reviews:
            continue
        title, _, rest = pages[page].partition("\n")
        link = f"[{LABEL}]({paths.md_link(page, review)})"
        pages[page] = f"{title}\n\n{link}\n{rest}"
