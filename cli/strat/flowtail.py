"""Reading a long tail of one-line readings without building it event by event.

A Readings file is a short header and then a list of thousands of lines such as
``  - {date: 2026-11-30, value: 0.412}`` (one a day for years). PyYAML's C parser hands
each line to `strat.load` as six events, each a Python object with two position objects:
about ten microseconds a line, which made the readings of 200 metrics over three years
cost as much as a quarter of a 10,000-goal lint.

`split` cuts such a file in two: the header, which `strat.load` parses as before, and the
tail, which `attach` turns into the same data and positions that parser would have given.
It applies only when nothing about the tail can be read two ways:

* the header's last line is exactly ``values:`` (no indentation, no comment), and parsing
  the header alone gives a last document whose root mapping ends with that key and an
  empty value (so it is a key of the document's block mapping, not text inside a quoted
  or block scalar, and not a duplicate key);
* every line after it, to the end of the file, matches one strict pattern: the same
  indentation, ``- {date: YYYY-MM-DD, value: NUMBER}`` with an optional
  ``, note: "TEXT"`` (double quotes, no backslash, quote or tab inside), no trailing
  space; NUMBER is a plain decimal with at most 15 digits before and after the point
  (no sign but ``-``, no leading zero, no exponent);
* there are at least `MIN_LINES` of them.

Anything else (a comment between readings, an extension key, another order of keys, a
value the pattern does not know) and the whole file goes through the YAML parser as
before: the shortcut never decides what a file means, it only skips the parser where the
answer is certain. tests/test_flowtail.py compares both ways on many files, hostile ones
included.
"""

from __future__ import annotations

import re
from typing import Any

MIN_LINES = 64  # shorter tails are left to the YAML parser

KEY = "values"
_LINE = re.compile(
    r'( *)- \{date: ([0-9]{4}-[0-9]{2}-[0-9]{2}), value: (-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?)'
    r'(?:, note: "([^"\\\t\ufeff]*)")?\}')


class Tail:
    """The tail of a file: its matches and the 1-based line of the first of them."""

    __slots__ = ("matches", "first_line")

    def __init__(self, matches: list[re.Match[str]], first_line: int) -> None:
        self.matches, self.first_line = matches, first_line


def split(text: str) -> tuple[str, Tail] | None:
    """(header text, tail) when the file ends with a long tail of reading lines under a
    ``values:`` line, else None. The header keeps its last newline."""
    if len(text) < MIN_LINES * 30 or "\nvalues:\n" not in text:
        return None
    cut = text.rfind("\nvalues:\n")
    body = text[cut + len("\nvalues:\n"):]
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) < MIN_LINES:
        return None
    fullmatch = _LINE.fullmatch
    matches = []
    for line in lines:
        m = fullmatch(line)
        if m is None:
            return None
        matches.append(m)
    indent = matches[0].group(1)
    if any(m.group(1) != indent for m in matches):
        return None
    header = text[:cut + len("\nvalues:\n")]
    return header, Tail(matches, header.count("\n") + 1)


def attach(data: dict[str, Any], values: dict[Any, Any], keys: dict[Any, Any], tail: Tail,
           resolve: Any) -> bool:
    """Put the tail's readings into the header's last document (its `data` and position
    tables), as the YAML parser would have; False (and nothing changed) when that document
    does not end with an empty ``values:`` key at the line before the tail. `resolve` is
    `strat.load.resolve_plain`, so numbers mean exactly what they mean elsewhere."""
    values_line = tail.first_line - 1
    if keys.get((KEY,)) != (values_line, 1) or data.get(KEY) is not None or next(reversed(data), None) != KEY:
        return False
    items: list[dict[str, Any]] = []
    indent = len(tail.matches[0].group(1))
    values[(KEY,)] = (tail.first_line, indent + 1)
    line = tail.first_line
    for i, m in enumerate(tail.matches):
        path = (KEY, i)
        date, number, note = m.group(2, 3, 4)
        item: dict[str, Any] = {"date": date, "value": resolve(number, line, m.start(3) + 1)}
        values[path] = (line, indent + 3)
        date_path, value_path = (KEY, i, "date"), (KEY, i, "value")  # one tuple for both tables, as the parser
        keys[date_path] = (line, indent + 4)
        values[date_path] = (line, indent + 10)
        keys[value_path] = (line, m.start(3) - 6)
        values[value_path] = (line, m.start(3) + 1)
        if note is not None:
            item["note"] = note
            note_path = (KEY, i, "note")
            keys[note_path] = (line, m.start(4) - 6)
            values[note_path] = (line, m.start(4))
        items.append(item)
        line += 1
    data[KEY] = items
    return True
