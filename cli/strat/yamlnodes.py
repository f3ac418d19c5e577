"""YAML text → a light node tree with the start and end of every node, for editing a
file as text (`strat checkin` splices a check-in in at the place these positions give).

Built from PyYAML's C parser events (libyaml), so the cost is the C parser's plus one
small object per node: a file of 50,000 check-ins composes in a fraction of a second
(ruamel.yaml's pure-Python composer took half a minute). Positions are character
indices into the text, like ruamel's marks. Aliases are refused (strat's loader refuses
them in every strategy file anyway).
"""

from __future__ import annotations

from typing import Any


class Node:
    __slots__ = ("value", "start_mark", "end_mark", "flow_style")

    def __init__(self, value: Any, start_mark: Any, end_mark: Any, flow_style: bool = False) -> None:
        self.value = value
        self.start_mark = start_mark  # .index, .line, .column (0-based)
        self.end_mark = end_mark
        self.flow_style = flow_style


class ScalarNode(Node):
    """`value` is the scalar's text."""


class SequenceNode(Node):
    """`value` is the list of item nodes."""


class MappingNode(Node):
    """`value` is the list of (key node, value node) pairs, in file order."""


class ComposeError(Exception):
    """The text is not YAML this module composes (the message says why)."""


def compose_all(text: str) -> list[Node]:
    """The root node of every document of `text`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    new = object.__new__
    documents: list[Node] = []
    top: list[Any] = documents  # the list the next node is added to
    stack: list[Node] = []
    check, get = loader.check_event, loader.get_event
    try:
        while check():
            event = get()
            kind = type(event)
            if kind is scalar_event:
                node: Node = new(ScalarNode)
                node.value, node.start_mark, node.end_mark, node.flow_style = \
                    event.value, event.start_mark, event.end_mark, False
                top.append(node)
            elif kind is mapping_start or kind is sequence_start:
                node = new(MappingNode if kind is mapping_start else SequenceNode)
                node.value, node.start_mark, node.end_mark, node.flow_style = \
                    [], event.start_mark, None, bool(event.flow_style)
                stack.append(node)
                top = node.value
            elif kind in ends:
                node = stack.pop()
                node.end_mark = event.end_mark
                if type(node) is MappingNode:
                    flat = node.value
                    node.value = list(zip(flat[0::2], flat[1::2]))
                top = stack[-1].value if stack else documents
                top.append(node)
            elif kind is alias_event:
                raise ComposeError("the file uses an alias (*name); strat does not edit it")
    except yaml.YAMLError as exc:
        raise ComposeError(str(exc)) from None
    finally:
        loader.dispose()
    return documents
