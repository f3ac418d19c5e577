"""A check-in into a long history without reading the history twice.

A check-in reads the strategy (the goal's file parsed and validated, as `strat lint`
does). Planning the edit then composed the whole file again, and verifying it parsed the
whole new file again: at 50,000 check-ins, three full reads of 2 MB. This module lets
planning work on a *reduced* text instead: the goal's file with the old check-ins cut out,
all but the last one. The edit is planned and verified on that small text exactly as on
a whole file (composed, spliced, re-read by strat's loader, compared, validated), and the
cut lines are put back, unchanged, where they were.

Why that is safe. The cut is whole lines, from the line of the first check-in's `-` to
the line of the last check-in's `-` (both `-` at the same column, nothing but spaces
before them), taken from a file the loader has just read and validated. Every new
check-in is newer than every old one, so every edit lands outside the cut (after the last
check-in, or on `outcome.current`). A YAML parser reads left to right: the new file is
the planned small text with the same bytes inserted at a line start where, in the old
file, the parser stood at the same place of the same list (after `checkins:`, before an
item's `-` at that column, in block context). Before the cut the two files are identical
up to `outcome.current`'s value, which the re-read of the small text shows stayed one
scalar; the cut is parsed from the same state as before into the same items; after it
the parser is at the `-` of the last old check-in, as it was in the small text (where
that `-` started the list). So the new file reads as the old check-ins followed by what
the small text reads as. It is also checked that the reduced *old* text reads as the old
data minus the cut check-ins, and that the last old check-in is still the first item
after the edit.

Anything else takes the full path (compose and verify the whole file): a list shorter
than `MIN_ITEMS`, a flow list, a `-` on a line of its own, a lone CR line break, a back-dated
check-in, a date that is not YYYY-MM-DD, a file whose documents were not all valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MIN_ITEMS = 64  # shorter lists cost nothing to read twice: the full path

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DASH = re.compile(r"( *)- +")


@dataclass(frozen=True, slots=True)
class Cut:
    """The lines cut out of a goal's `checkins` (`lines`), which went at `at` in the text."""

    goal: str
    doc_index: int  # the index of the goal's document in the file
    at: int  # character index of the cut in the original text (a line start)
    lines: str  # the cut text
    kept_date: str  # the date of the last old check-in, the first item left in the list
    removed: int  # how many check-ins were cut


def find_cut(text: str, docs: list[Any], requested: dict[str, str]) -> Cut | None:
    """The cut for the longest check-in list of a goal of this file that is asked for
    check-ins only newer than all it has (`requested`: goal → earliest date asked), or
    None. `docs`: the file's documents as the loader read them from `text` (all valid)."""
    if "\r" in text.replace("\r\n", ""):
        return None  # a lone CR is a line break too: the line numbers below count LF only
    best: tuple[int, Any] | None = None
    for doc in docs:
        data = doc.data
        if data.get("kind") != "Goal" or data.get("id") not in requested:
            continue
        items = data.get("checkins")
        if not isinstance(items, list) or len(items) < MIN_ITEMS:
            continue
        if best is None or len(items) > best[0]:
            best = (len(items), doc)
    if best is None:
        return None
    count, doc = best
    items = doc.data["checkins"]
    earliest = requested[doc.data["id"]]
    dates = [item.get("date") if isinstance(item, dict) else None for item in items]
    if not _DATE.fullmatch(earliest) or not all(type(d) is str and _DATE.fullmatch(d) for d in dates):
        return None
    texts = [str(d) for d in dates[-1:]]  # every date is YYYY-MM-DD text (checked above)
    if max(str(d) for d in dates) >= earliest:
        return None  # a back-dated check-in, or a date already taken: the full path words it
    first, last = doc.values.get(("checkins", 0)), doc.values.get(("checkins", count - 1))
    if first is None or last is None or first[0] >= last[0]:
        return None
    starts = _line_starts(text, (first[0], last[0]))
    if starts is None:
        return None
    at, end = starts[first[0]], starts[last[0]]
    columns = []
    for line_no, column in (first, last):
        start = starts[line_no]
        line_end = text.find("\n", start)
        match = _DASH.match(text, start, len(text) if line_end < 0 else line_end)
        if match is None or match.end() - start != column - 1:
            return None  # the `-` is not on the item's line, or something else comes first
        columns.append(len(match.group(1)))
    if columns[0] != columns[1]:
        return None
    if ("\r\n" in text) != ("\r\n" in text[:at] + text[end:]):
        return None  # only the cut lines end in CRLF: the new lines would end otherwise than on the full path
    return Cut(doc.data["id"], doc.index, at, text[at:end], texts[0], count - 1)


def _line_starts(text: str, numbers: tuple[int, ...]) -> dict[int, int] | None:
    """{line number (1-based): the character index where that line starts}."""
    parts = text.split("\n", max(numbers) - 1)
    if len(parts) < max(numbers):
        return None
    return {n: sum(map(len, parts[:n - 1])) + n - 1 for n in numbers}


def reduce(text: str, cut: Cut) -> str:
    return text[:cut.at] + text[cut.at + len(cut.lines):]


def reduced_data(data: dict[str, Any], cut: Cut) -> dict[str, Any]:
    """A document's data as the reduced text must read: the cut check-ins left out."""
    out = dict(data)
    out["checkins"] = list(data["checkins"][cut.removed:])
    return out


def expand(text: str, cut: Cut) -> str | None:
    """Put the cut lines back into a planned reduced text: at the line start of the `-`
    of the list's first item, which must still be the last old check-in. None when the
    text does not have that shape (the caller then refuses or takes the full path)."""
    from strat.checkin_edit import EditProblem, _dash_index, _item_date, _line_start, compose_text, get_value
    from strat.yamlnodes import MappingNode, SequenceNode

    try:
        nodes = compose_text(text)
    except EditProblem:
        return None
    if cut.doc_index >= len(nodes) or not isinstance(nodes[cut.doc_index], MappingNode):
        return None
    found = get_value(nodes[cut.doc_index], "checkins")
    if found is None or not isinstance(found[1], SequenceNode) or found[1].flow_style or not found[1].value:
        return None
    item = found[1].value[0]
    if _item_date(item) != cut.kept_date:
        return None
    try:
        at = _line_start(text, _dash_index(text, item))
    except EditProblem:
        return None
    return text[:at] + cut.lines + text[at:]
