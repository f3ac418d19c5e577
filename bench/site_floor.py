"""Issue 14's site floor: a plain mkdocs-material site of one page per goal holding its
YAML in a code block, index-only navigation, search on.

    from site_floor import write_floor
    config = write_floor(repo, Path("/tmp/floor"))   # then: mkdocs build -q -f CONFIG

`write_floor` writes `docs/index.md` (a list of links to every goal page, the only page
in the navigation), `docs/goals/<path>.md` for every goal file under `strategy/goals/`
(a title and the file's text in a fenced `yaml` block, so Pygments highlights it as it
would in any documentation site) and `mkdocs.yml` (theme material without web fonts, as
strat builds, and the search plugin). The build is timed by the caller (bench/issue14.py)
in the same run as `strat site build`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_ID = re.compile(r"^id: *(\S+)", re.M)
_TICKS = re.compile(r"`+")


def goal_page(ident: str, text: str) -> str:
    """One goal's page: its id as the title and its YAML in a fence longer than any run
    of backticks in it."""
    fence = "`" * max(3, 1 + max((len(m) for m in _TICKS.findall(text)), default=0))
    body = text if text.endswith("\n") else text + "\n"
    return f"# {ident}\n\n{fence}yaml\n{body}{fence}\n"


def write_floor(repo: Path, out: Path) -> dict[str, Any]:
    """Write the floor's Markdown and mkdocs.yml into `out` (new or empty); the path of
    mkdocs.yml and the number of goal pages."""
    docs = out / "docs"
    (docs / "goals").mkdir(parents=True, exist_ok=True)
    goals = repo / "strategy" / "goals"
    links = []
    for path in sorted(goals.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found = _ID.search(text)
        ident = found.group(1) if found else path.stem
        rel = path.relative_to(goals).with_suffix(".md").as_posix()
        page = docs / "goals" / rel
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(goal_page(ident, text), encoding="utf-8")
        links.append(f"- [{ident}](goals/{rel})")
    (docs / "index.md").write_text("# Goals\n\n" + "\n".join(links) + "\n", encoding="utf-8")
    config = out / "mkdocs.yml"
    config.write_text("site_name: Floor\n"
                      f"docs_dir: {docs}\n"
                      f"site_dir: {out / 'site'}\n"
                      "theme:\n  name: material\n  font: false\n"
                      "plugins:\n  - search\n"
                      "nav:\n  - index.md\n"
                      "not_in_nav: |\n  /goals/\n", encoding="utf-8")
    return {"config": config, "site": out / "site", "pages": len(links)}
