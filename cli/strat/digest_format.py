"""The digest as Markdown (for a scheduled issue), text (a terminal) and JSON (tools):
pure functions of a `strat.digest.Digest`, chosen from `FORMATS`.

Markdown: every value from the repository (titles, ids, notes, commitments) goes through
`strat.inert`'s Markdown neutraliser, which also breaks any @mention or #123 in it. An
owner is @-mentioned by their Person id (the handle on the git host) only with
`mention=True`, and only when the owner is a Person of the strategy; otherwise the id is
shown as plain text."""

from __future__ import annotations

from typing import Any, Callable

from strat import inert
from strat.digest import SECTIONS, Digest, Item

NO_OWNER = "No owner"


def _sections(items: list[Item]) -> list[tuple[str, list[Item]]]:
    out: list[tuple[str, list[Item]]] = []
    for item in items:
        if not out or out[-1][0] != item.section:
            out.append((item.section, []))
        out[-1][1].append(item)
    return out


def _summary(digest: Digest) -> str:
    count = len(digest.items)
    if not count:
        return f"Nothing needs attention as of {digest.today.isoformat()}."
    people = len(digest.owners)
    return (f"{count} thing{'s' if count != 1 else ''} need{'s' if count == 1 else ''} attention as of "
            f"{digest.today.isoformat()}, for {people} owner{'s' if people != 1 else ''}.")


def _notes(digest: Digest) -> list[str]:
    notes = []
    if digest.checkin_note:
        notes.append(f"Missing check-ins were not judged: {digest.checkin_note}.")
    if digest.since_note:
        notes.append(f"New commitments since {digest.since}: {digest.since_note}.")
    if digest.errors:
        notes.append(f"{digest.errors} lint error(s): entities with errors are left out; run `strat lint`.")
    return notes


def to_markdown(digest: Digest, mention: bool = False) -> str:
    lines = [f"# strat digest, {digest.today.isoformat()}", "", inert.markdown_sentence(_summary(digest)), ""]
    for owner, items in digest.owners.items():
        if owner is None:
            heading = NO_OWNER
        elif mention and owner in digest.people:
            heading = f"@{owner}"  # a Person id: a slug, safe as it is
        else:
            heading = inert.markdown(owner)
        lines += [f"## {heading}", ""]
        for section, entries in _sections(items):
            lines += [f"### {SECTIONS[section]}", ""]
            for item in entries:
                lines.append(f"- **{inert.markdown(item.title)}** ({inert.markdown(item.path)}:{item.line}): "
                             f"{inert.markdown_sentence(item.message)}")
            lines.append("")
    for note in _notes(digest):
        lines += [f"> {inert.markdown_sentence(note)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_text(digest: Digest, mention: bool = False) -> str:
    lines = [_summary(digest)]
    for owner, items in digest.owners.items():
        name = NO_OWNER if owner is None else (f"@{owner}" if mention and owner in digest.people else owner)
        lines += ["", f"{inert.text(name)}:"]
        for section, entries in _sections(items):
            lines.append(f"  {SECTIONS[section]}:")
            for item in entries:
                # One line per item, whatever line breaks a title holds.
                lines.append(inert.text(f"    {item.path}:{item.line}: {item.title}: {item.message}"))
    notes = _notes(digest)
    if notes:
        lines += ["", *notes]
    return inert.lines("\n".join(lines)) + "\n"


def to_json(digest: Digest, mention: bool = False) -> str:
    data: dict[str, Any] = {
        "today": digest.today.isoformat(),
        "since": digest.since.isoformat() if digest.since else None,
        "owners": [
            {"owner": owner, "person": owner in digest.people,
             "items": [{"section": i.section, "code": i.code, "kind": i.kind, "id": i.entity, "title": i.title,
                        "message": i.message, "path": i.path, "line": i.line} for i in items]}
            for owner, items in digest.owners.items()],
        "notes": _notes(digest),
    }
    return inert.json_dumps(data, indent=2) + "\n"


FORMATS: dict[str, Callable[[Digest, bool], str]] = {"markdown": to_markdown, "text": to_text, "json": to_json}
