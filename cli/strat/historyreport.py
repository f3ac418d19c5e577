"""Renderers for `strat history`: pure functions from an EntityHistory to text.

Titles, paths, field changes and the commits' authors and subjects come from the
repository: each goes through `strat.inert` (`text` for the terminal, `json_dumps`)."""

from __future__ import annotations

from typing import Callable

from strat import inert
from strat.changes import MISSING, describe_field_change
from strat.history import EntityHistory
from strat.load import format_json_path


def render_text(found: EntityHistory) -> str:
    head = (f"{inert.text((found.kind or 'entity').lower())} `{inert.text(found.id)}`"
            + (f" — {inert.text(found.title)}" if found.title else ""))
    lines = [head, ""]
    for entry in found.entries:
        c = entry.commit
        lines.append("  ".join(inert.text(part) for part in (c.date, c.sha[:10], c.author, c.subject)))
        if entry.status == "added":
            lines.append(f"    created in {inert.text(entry.path)}")
        elif entry.status == "removed":
            lines.append(f"    removed from {inert.text(entry.path)}")
        if entry.old_path:
            lines.append(f"    moved from {inert.text(entry.old_path)} to {inert.text(entry.path)}")
        lines.extend(f"    {inert.text(describe_field_change(f))}" for f in entry.fields)
    lines.append(f"\n{len(found.entries)} change(s)")
    lines.extend(f"note: {inert.text(note)}" for note in found.notes)
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
    return inert.json_dumps(payload, indent=2, default=str) + "\n"


HISTORY_FORMATS: dict[str, Callable[[EntityHistory], str]] = {"text": render_text, "json": render_json}
