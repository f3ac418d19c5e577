"""The quick way from the C parser's events to documents' data: no positions, and only
for the common shape of a strategy file.

`strat.load`'s builder records a (line, column) for every key and value, which costs
about as much as building the data itself, and almost none of them is ever read: a
position is wanted only where a finding is reported. `build` makes the same data without
them and gives up (None) at anything out of the ordinary: an anchor, alias, tag, merge
key, duplicate key, a key that is not text, deep nesting, a document that is empty, null
or not a mapping, a ``%YAML``/``%TAG`` directive, a Readings document (whose readings'
lines are always read), or a scalar `resolve` refuses. `strat.load` then reads the file
with its full builder, which reports whatever it is in the usual words; for a file `build`
did read, it computes the positions from the text the first time one is asked for
(`Document.values`), exactly as the full builder would have given them.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

# Plain scalars that are not text (YAML 1.2 core nulls, YAML 1.1 booleans, as
# `strat.load.resolve_plain` reads them); every other plain scalar whose first character
# is not one of NUMBER_START is text as written.
NUMBER_START = frozenset("0123456789+-.")
DIGITS = frozenset("0123456789")


def build(events: Iterator[Any], specials: dict[str, Any], resolve: Callable[[str, int, int], Any],
          max_depth: int, max_digits: int) -> list[tuple[int, dict[str, Any], tuple[int, int]]] | None:
    """[(index, data, position of the document's mapping)] of every document, or None when
    the file is not of the common shape (see the module docstring). `specials` maps the
    plain words that are null or a boolean to their value; `resolve` reads a plain scalar
    that may be a number (it may raise: the caller then reads the file the full way); a
    plain whole number of at most `max_digits` digits is read here, as `resolve` would."""
    import yaml

    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    document_start, document_end, alias_event = yaml.DocumentStartEvent, yaml.DocumentEndEvent, yaml.AliasEvent
    number_start, digits = NUMBER_START, DIGITS
    out: list[tuple[int, dict[str, Any], tuple[int, int]]] = []
    stack: list[tuple[Any, Any, bool]] = []  # (container, pending key, is a mapping) of each open parent
    container: Any = None
    key: Any = None  # the pending key of the mapping `container`; None: a key comes next
    is_map = False
    root: Any = None
    root_pos = (1, 1)
    limit = max_depth - 1  # one short of the full builder's limit: it reports the deep file
    for event in events:
        cls = type(event)
        if cls is scalar_event:
            if event.anchor is not None:
                return None
            if is_map and key is None:
                key = event.value  # keys are always text, as in the full builder
                if event.tag is not None or key == "<<" or key in container:
                    return None
                continue
            value = event.value
            style, implicit = event.style, event.implicit
            if event.tag is not None and event.tag != "!" and not implicit[0] and not implicit[1]:
                return None
            if not style and implicit[0]:
                if value in specials:
                    value = specials[value]
                elif value[0] in number_start:
                    if value.isdigit() and value.isascii() and len(value) <= max_digits:
                        value = int(value)  # what `resolve` makes of a plain whole number
                    elif not (value[0] in digits and "-" in value and "e" not in value and "E" not in value):
                        # (a date such as 2026-11-15 stays text, as in `resolve`)
                        mark = event.start_mark
                        value = resolve(value, mark.line + 1, mark.column + 1)
            if is_map:
                container[key] = value
                key = None
            elif container is not None:
                container.append(value)
            else:
                return None  # a document that is a single value (or null, or empty)
            continue
        if cls is mapping_start or cls is sequence_start:
            if event.anchor is not None or (event.tag is not None and not event.implicit) or len(stack) >= limit:
                return None
            new: Any = {} if cls is mapping_start else []
            if is_map:
                if key is None:
                    return None  # a list or mapping as a key
                container[key] = new
            elif container is not None:
                container.append(new)
            elif cls is mapping_start:
                root = new
                mark = event.start_mark
                root_pos = (mark.line + 1, mark.column + 1)
            else:
                return None  # a document that is a list
            stack.append((container, key, is_map))
            container, key, is_map = new, None, cls is mapping_start
            continue
        if cls is mapping_end or cls is sequence_end:
            container, key, is_map = stack.pop()
            key = None
            continue
        if cls is document_start:
            if event.version or event.tags:
                return None
            root = None
            continue
        if cls is document_end:
            if root is None or root.get("kind") == "Readings":
                return None
            out.append((len(out), root, root_pos))
            continue
        if cls is alias_event:
            return None
    return out
