"""Renderers for `strat history`: pure functions from an EntityHistory to text."""

from __future__ import annotations

import json
from typing import Callable

from strat.changes import MISSING, describe_field_change
from strat.history import EntityHistory
from strat.load import format_json_path


def render_text(found: EntityHistory) -> str:
    head = f"{(found.kind or 'entity').lower()} `{found.id}`" + (f" — {found.title}" if found.title else "")
    lines = [head, ""]
    for entry in found.entries:
        c = entry.commit
        lines.append(f"{c.date}  {c.sha[:10]}  {c.author}  {c.subject}")
        if entry.status == "added":
            lines.append(f"    created in {entry.path}")
        elif entry.status == "removed":
            lines.append(f"    removed from {entry.path}")
        if entry.old_path:
            lines.append(f"    moved from {entry.old_path} to {entry.path}")
        lines.extend(f"    {describe_field_change(f)}" for f in entry.fields)
    lines.append(f"\n{len(found.entries)} change(s)")
    lines.extend(f"note: {note}" for note in found.notes)
    return "\n".join(lines) + "\n"


def render_json(found: EntityHistory) -> str:
    def value(v: object) -> object:
        return None if v is MISSING else v

    payload = {
        "id": found.id, "kind": found.kind, "title": found.title, "notes": found.notes,
        "changes": [
            {"commit": e.commit.sha, "date": e.commit.date, "timestamp": e.commit.timestamp,
             "author": e.commit.author, "email": e.commit.email, "subject": e.commit.subject,
             "status": e.status, "path": e.path, "old_path": e.old_path,
             "fields": [{"path": format_json_path(f.path), "old": value(f.old), "new": value(f.new),
                         "words": describe_field_change(f)} for f in e.fields]}
            for e in found.entries
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"


HISTORY_FORMATS: dict[str, Callable[[EntityHistory], str]] = {"text": render_text, "json": render_json}
