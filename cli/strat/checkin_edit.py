"""The text edit of `strat checkin`: where a check-in goes in a goal's file, as edits.

`strat.yamlnodes` composes the file (libyaml events, with the start and end of every
node); the check-in is *inserted* as text at the place those positions give, and nothing
else in the file is touched (see `strat.checkin` for the layout rules). `checkin_edits`
returns the edits of one check-in against one composition, without applying them, so that many
check-ins into one file are planned from one composition and spliced back to front.
"""

from __future__ import annotations

from typing import Any

from strat.yamlnodes import ComposeError, MappingNode, ScalarNode, SequenceNode, compose_all


class EditProblem(Exception):
    """The file cannot be edited safely at this place (the message says why)."""


def add_checkin(text: str, goal: str, date: str, fields: list[tuple[str, str]],
                nodes: list[Any] | None = None, update_current: bool = True, kr: int | None = None,
                kind: str = "Goal") -> tuple[str, int, str | None]:
    """Insert one check-in into the goal's document in `text` (a whole file, without its
    BOM; `nodes`: the text composed, or a composition whose positions are still right up
    to this edit). Returns (new text, the check-in's index in `checkins` as `nodes` has
    it, the old text of `outcome.current` when it was updated, else None). Raises
    EditProblem."""
    edits, index, current_text = checkin_edits(text, nodes if nodes is not None else compose_text(text), goal, date, fields,
                                        update_current, kr, kind)
    return splice(text, edits), index, current_text


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, replacement) edits given against the same text, back to front;
    at one position, the edit listed first ends up last in the text."""
    out = []
    end_of_rest = len(text)
    for start, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        out.append(text[end:end_of_rest])
        out.append(replacement)
        end_of_rest = start
    out.append(text[:end_of_rest])
    return "".join(reversed(out))


def checkin_edits(text: str, nodes: list[Any], goal: str, date: str, fields: list[tuple[str, str]],
           update_current: bool, kr: int | None = None,
           kind: str = "Goal") -> tuple[list[tuple[int, int, str]], int, str | None]:
    """The edits that insert one check-in (see add_checkin), not yet applied: into the
    `checkins` of the document of `kind` and id `goal`, or, with `kr`, of its key result
    at that index in `key_results`."""
    doc = find_doc(nodes, kind, goal)
    holder = doc if kr is None else _key_result(doc, kr)
    newline = _newline(text)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied back to front
    found = get_value(holder, "checkins")
    if found is None:
        if holder is not doc and holder.flow_style:
            # A key result written `{metric: …, target: …}` gets `, checkins: [{…}]` inside its braces.
            at = _content_end(holder.value[-1][1])
            edits.append((at, at, ", checkins: [" + _flow_map(fields) + "]"))
        elif holder.flow_style:
            raise EditProblem("the document is written as one flow mapping `{…}`; add `checkins:` by hand")
        else:
            key_col = holder.value[0][0].start_mark.column
            dash_off, key_off = _list_style(doc, text)
            lines = [" " * key_col + "checkins:",
                     *_block_item(fields, key_col + dash_off, key_col + dash_off + key_off)]
            edits.append(_insert_lines(text, _content_end(holder), lines, newline))
        index, newest = 0, True
    else:
        items_node = found[1]
        if isinstance(items_node, ScalarNode):
            raise EditProblem("`checkins` is empty; write `checkins: []` or remove the key, then run strat checkin")
        if not isinstance(items_node, SequenceNode):
            raise EditProblem("`checkins` is not a list")
        items = items_node.value
        dates = [_item_date(item) for item in items]
        if date in dates:
            line = items[dates.index(date)].start_mark.line + 1
            raise EditProblem(f"already has a check-in dated {date} (line {line}); edit that one by hand")
        # Oldest first: after the last check-in dated on or before this one.
        index = len(items)
        while index > 0 and (dates[index - 1] or "") > date:
            index -= 1
        newest = index == len(items)
        flow_item = _flow_map(fields)
        if items_node.flow_style:
            if not items:
                at = items_node.start_mark.index + 1  # just inside `[`
                edits.append((at, at, flow_item))
            elif newest:
                at = items[-1].end_mark.index
                edits.append((at, at, ", " + flow_item))
            else:
                at = items[index].start_mark.index
                edits.append((at, at, flow_item + ", "))
        else:
            neighbour = items[index - 1] if newest else items[index]
            dash = _dash_index(text, neighbour)
            dash_col = dash - _line_start(text, dash)
            if isinstance(neighbour, MappingNode) and neighbour.flow_style:
                gap = neighbour.start_mark.index - dash - 1
                lines = [" " * dash_col + "-" + " " * max(gap, 1) + flow_item]
            elif isinstance(neighbour, MappingNode) and neighbour.value:
                lines = _block_item(fields, dash_col, neighbour.value[0][0].start_mark.column)
            else:
                raise EditProblem("the items of `checkins` are not mappings")
            if newest:
                edits.append(_insert_lines(text, _content_end(items[-1]), lines, newline))
            else:
                at = _line_start(text, dash)
                edits.append((at, at, "".join(line + newline for line in lines)))
    current_text = None
    if newest and update_current and kind == "Goal":  # an objective keeps no `current`
        outcome = get_value(doc, "outcome") if kr is None else (None, holder)
        current = get_value(outcome[1], "current") if outcome and isinstance(outcome[1], MappingNode) else None
        if current is not None and isinstance(current[1], ScalarNode):
            node = current[1]
            current_text = text[node.start_mark.index:node.end_mark.index]
            edits.append((node.start_mark.index, node.end_mark.index, dict(fields)["value"]))
    return edits, index, current_text


def compose_text(text: str) -> list[Any]:
    try:
        return compose_all(text)
    except ComposeError as exc:
        raise EditProblem(f"the file cannot be edited: {exc}") from None


def find_goal(documents: list[Any], goal: str) -> Any:
    return find_doc(documents, "Goal", goal)


def find_doc(documents: list[Any], kind: str, ident: str) -> Any:
    """The mapping node of the document of this kind and id."""
    for node in documents:
        if not isinstance(node, MappingNode):
            continue
        found_kind, found_id = get_value(node, "kind"), get_value(node, "id")
        if found_kind and found_id and found_kind[1].value == kind and found_id[1].value == ident:
            return node
    raise EditProblem(f"{kind.lower()} `{ident}` not found in its file")


def find_holder(documents: list[Any], kind: str, ident: str, kr: int | None) -> Any:
    """The mapping node that holds the `checkins` of a document or of its key result `kr`."""
    doc = find_doc(documents, kind, ident)
    return doc if kr is None else _key_result(doc, kr)


def _key_result(doc: Any, kr: int) -> Any:
    found = get_value(doc, "key_results")
    if found is None or not isinstance(found[1], SequenceNode) or not 0 <= kr < len(found[1].value):
        raise EditProblem(f"key result {kr + 1} not found in its file")
    node = found[1].value[kr]
    if not isinstance(node, MappingNode) or not node.value:
        raise EditProblem(f"key result {kr + 1} is not a mapping")
    return node


def get_value(node: Any, key: str) -> tuple[Any, Any] | None:
    """(key node, value node) of `key` in a mapping node."""
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def _item_date(item: Any) -> str | None:
    if isinstance(item, MappingNode):
        found = get_value(item, "date")
        if found and isinstance(found[1], ScalarNode):
            return str(found[1].value)
    return None


def _content_end(node: Any) -> int:
    """Where the last character of a node's content is: for a block collection, the end
    of its last scalar or flow collection (not the start of whatever follows, which is
    where the parser ends a block)."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark.index
    ends = [node.start_mark.index]
    for child in node.value:
        pair = child if isinstance(node, MappingNode) else (child,)
        ends.extend(_content_end(part) for part in pair)
    return max(ends)


def _list_style(doc: Any, text: str) -> tuple[int, int]:
    """How this document indents a list of mappings: (dash column − key column, item key
    column − dash column), read from a list it already has; else from its nested
    mappings' indentation; else 2 and 2."""
    for key, value in doc.value:
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            item = value.value[0]
            if isinstance(item, MappingNode) and not item.flow_style and item.value:
                dash = _dash_index(text, item)
                dash_col = dash - _line_start(text, dash)
                return dash_col - key.start_mark.column, item.value[0][0].start_mark.column - dash_col
    for key, value in doc.value:
        if isinstance(value, MappingNode) and not value.flow_style and value.value:
            indent = value.value[0][0].start_mark.column - key.start_mark.column
            if indent > 0:
                return indent, 2
    return 2, 2


def _block_item(fields: list[tuple[str, str]], dash_col: int, key_col: int) -> list[str]:
    gap = max(key_col - dash_col - 1, 1)
    lines = [f"{key}: {value}" for key, value in fields]
    return [" " * dash_col + "-" + " " * gap + lines[0], *(" " * (dash_col + 1 + gap) + line for line in lines[1:])]


def _flow_map(fields: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in fields) + "}"


def _dash_index(text: str, item: Any) -> int:
    """The index of the `-` that introduces a block sequence item."""
    at = item.start_mark.index - 1
    while at >= 0 and text[at] in " \t\r\n":
        at -= 1
    if at < 0 or text[at] != "-":
        raise EditProblem("cannot find the `-` of a `checkins` item")
    return at


def _line_start(text: str, index: int) -> int:
    return max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1


def _newline(text: str) -> str:
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text and "\n" not in text:
        return "\r"
    return "\n"


def _insert_lines(text: str, after: int, lines: list[str], newline: str) -> tuple[int, int, str]:
    """An edit inserting whole lines after the line holding index `after`."""
    at = after
    if at > 0 and text[at - 1] not in "\r\n":
        breaks = [i for i in (text.find("\n", at), text.find("\r", at)) if i >= 0]
        if not breaks:  # the last line has no line break: keep it that way
            return len(text), len(text), "".join(newline + line for line in lines)
        at = min(breaks)
        at += 2 if text.startswith("\r\n", at) else 1
    return at, at, "".join(line + newline for line in lines)
