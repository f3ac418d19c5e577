"""`strat init`: a new strategy repository that works at once.

The files are package data under `strat/templates/init/` (shipped in the wheel): a small
example strategy that lints clean (every rule satisfied, no finding at all), `strat.yaml`,
`mkdocs.yml` with a hand-written page, the CI workflow (`.github/workflows/strategy.yml`,
safe for pull requests from forks), the scheduled `strat measure` workflow
(`.github/workflows/strat-measure.yml`), the weekly `strat digest` workflow
(`.github/workflows/strat-digest.yml`) and a pre-commit config. Templates are plain files
with tokens: `__TODAY__`, `__LAST_WEEK__`, `__PERIOD_START__`, `__PERIOD_END__` and
`__REVIEW_BY__` (the example's year-long period starts this month, so its dates, check-in
and progress are current; the check-in is a week old, so the `strat checkin` the README
suggests works on the first day), `__COMPANY__`, and `__STRAT_VERSION__` (so CI installs
the strat that made the repository).

`starter_files` is pure (templates → {path: bytes}); `plan` finds the files that already
exist; the CLI writes through `strat.write`, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from strat import __version__, editors

DEFAULT_COMPANY = "Example Co"
SCHEMAS_FOLDER = "schemas"


def _templates() -> Traversable:
    return resources.files("strat") / "templates" / "init"


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name == "__pycache__":
            continue
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            out.extend(_walk(child, rel + "/"))
        else:
            out.append((rel, child))
    return out


def starter_files(today: dt.date, company: str = DEFAULT_COMPANY) -> dict[str, bytes]:
    """Every file of the starter repository: {repo-relative path: content}."""
    start = today.replace(day=1)
    end = _months_later(start, 12) - dt.timedelta(days=1)
    review = _months_later(start, 3) - dt.timedelta(days=1)
    out = {}
    for rel, node in _walk(_templates()):
        text = node.read_text(encoding="utf-8")
        # In YAML the company sits inside double quotes: escape it as JSON does (YAML's
        # double-quoted escapes are a superset), so any name stays one valid string.
        name = json.dumps(company, ensure_ascii=False)[1:-1] if rel.endswith((".yaml", ".yml")) else company
        for token, value in (("__TODAY__", today.isoformat()),
                             ("__LAST_WEEK__", (today - dt.timedelta(days=7)).isoformat()),
                             ("__PERIOD_START__", start.isoformat()),
                             ("__PERIOD_END__", end.isoformat()), ("__REVIEW_BY__", review.isoformat()),
                             ("__COMPANY__", name), ("__STRAT_VERSION__", __version__)):
            text = text.replace(token, value)
        out[rel] = text.encode("utf-8")
    out.update(schema_files())
    return out


def schema_files() -> dict[str, bytes]:
    """Editor support, generated rather than templated: the schemas folder as `strat schema
    --export schemas` writes it. Every document of the starter's YAML files names
    `schemas/strat.schema.json` on its first line and `.vscode/settings.json` maps
    `strategy/**` to it, so editors validate (and hover, and complete) at once."""
    return {f"{SCHEMAS_FOLDER}/{name}": content for name, content in editors.export_files().items()}


def _months_later(first_of_month: dt.date, months: int) -> dt.date:
    index = first_of_month.month - 1 + months
    return dt.date(first_of_month.year + index // 12, index % 12 + 1, 1)


def existing(target: Path, files: dict[str, bytes]) -> list[str]:
    """The starter's paths that already exist in `target` (as files, folders or links)."""
    return [rel for rel in files if os.path.lexists(target / rel)]



def current(target: Path, rel: str) -> bytes:
    """The bytes of an existing starter path that --force replaces, read only when it is
    inside `target` (a link leading out is refused by strat.write, not read)."""
    from strat.write import WriteRefused, target_path

    path = target_path(target, rel)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise WriteRefused(f"{rel}: cannot read it: {exc.strerror or exc}; nothing was written") from None
