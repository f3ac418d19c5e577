"""strat.flowtail reads a Readings file's long tail of one-line readings without the YAML
parser: what it gives must be exactly what the parser gives (data, every position, the
order of the tables, findings, refusals), and on anything it is not sure of it must leave
the file to the parser."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strat import flowtail
from strat.load import parse_bytes

HEADER = "# yaml-language-server: $schema=../../schemas/readings.schema.json\nkind: Readings\nid: arr-2026\nmetric: arr\n"


def readings(n: int, indent: str = "  ", note_every: int = 7) -> list[str]:
    out = []
    for i in range(n):
        value = ["0", "-3", "44100000", "0.412", "-0.5", "12.25", "7"][i % 7]
        line = f"{indent}- {{date: 2026-{i // 28 % 12 + 1:02d}-{i % 28 + 1:02d}, value: {value}"
        if i % note_every == 3:
            line += ', note: "Restated after the billing fix, see #12"'
        out.append(line + "}")
    return out


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, bool]:
    """(with the shortcut, through the YAML parser only, whether the shortcut was taken)."""
    taken = []
    attach = flowtail.attach

    def spy(*args: Any) -> bool:
        taken.append(attach(*args))
        return taken[-1]

    with monkeypatch.context() as m:
        m.setattr(flowtail, "attach", spy)
        fast = snapshot(*parse_bytes(text.encode(), "strategy/readings/arr/2026.yaml"))
    with monkeypatch.context() as m:
        m.setattr(flowtail, "split", lambda text: None)
        slow = snapshot(*parse_bytes(text.encode(), "strategy/readings/arr/2026.yaml"))
    return fast, slow, any(taken)


def snapshot(source: Any, diagnostics: list[Any]) -> Any:
    findings = [(d.code, d.message, d.location) for d in diagnostics]
    if source is None:
        return None, findings
    docs = [(d.index, d.data, d.position, list(d.values.items()), list(d.keys.items())) for d in source.documents]
    return (docs, source.empty_tail), findings


VALID = {
    "two-space indent": HEADER + "values:\n" + "\n".join(readings(100)) + "\n",
    "no indent": HEADER + "values:\n" + "\n".join(readings(100, "")) + "\n",
    "four-space indent": HEADER + "values:\n" + "\n".join(readings(100, "    ")) + "\n",
    "no final newline": HEADER + "values:\n" + "\n".join(readings(100)),
    "second document": "kind: Readings\nid: a\nmetric: arr\nvalues: []\n---\n" + HEADER + "values:\n"
                       + "\n".join(readings(80)) + "\n",
    "header with a finding": HEADER + "metric: again\nvalues:\n" + "\n".join(readings(80)) + "\n",
    "empty note and odd dates": HEADER + "values:\n" + "\n".join(
        f'  - {{date: 2026-13-{i % 99:02d}, value: {i}, note: ""}}' for i in range(70)) + "\n",
    "after a key with no value": HEADER + "meta:\nvalues:\n" + "\n".join(readings(70)) + "\n",
    "block scalar ends at values": HEADER + "description: |\n  text\nvalues:\n" + "\n".join(readings(70)) + "\n",
}

# Each must go to the YAML parser (or give the parser's answer): a change the pattern
# does not know, or a header in which `values:` is not the document's last key.
LEFT_TO_YAML = {
    "comment in the tail": readings(70)[:40] + ["  # a comment"] + readings(70)[40:],
    "extension key": readings(69) + ["  - {date: 2026-01-01, value: 1, x-src: a}"],
    "keys in another order": readings(69) + ["  - {value: 1, date: 2026-01-01}"],
    "exponent": readings(69) + ["  - {date: 2026-01-01, value: 1e5}"],
    "leading zero": readings(69) + ["  - {date: 2026-01-01, value: 007}"],
    "plus sign": readings(69) + ["  - {date: 2026-01-01, value: +7}"],
    "sixteen digits": readings(69) + ["  - {date: 2026-01-01, value: 1234567890123456}"],
    "escape in the note": readings(69) + ['  - {date: 2026-01-01, value: 1, note: "a\\"b"}'],
    "tab in the note": readings(69) + ['  - {date: 2026-01-01, value: 1, note: "a\tb"}'],
    "trailing space": readings(69) + ["  - {date: 2026-01-01, value: 1} "],
    "mixed indentation": readings(69) + ["    - {date: 2026-01-01, value: 1}"],
    "document marker": readings(69) + ["---"],
    "string value": readings(69) + ["  - {date: 2026-01-01, value: yes}"],
    "tabs for indentation": readings(69) + ["\t- {date: 2026-01-01, value: 1}"],
}
HEADERS_LEFT_TO_YAML = {
    "duplicate values key": HEADER + "values: []\nvalues:\n",
    "inside a quoted title": "kind: Readings\nid: a\nmetric: arr\ntitle: \"started\nvalues:\n",
    "values with a comment": HEADER + "values:  # daily\n",
    "nested values": HEADER + "meta:\n  x: 1\n  values:\n",
    "values not at the start": HEADER + "  values:\n",
    "root is a list": "- a\nvalues:\n",
    "values is null": HEADER + "values: ~\n",
    "anchor in the header": HEADER.replace("id: arr-2026", "id: &a arr-2026") + "values:\n",
    "flow mapping open": "{kind: Readings, id: a,\nvalues:\n",
}


@pytest.mark.parametrize("name", list(VALID))
def test_the_shortcut_gives_what_the_parser_gives(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, taken = both_ways(VALID[name], monkeypatch)
    assert taken, "the shortcut was not taken"
    assert fast == slow
    assert slow[0] is not None and len(slow[0][0][-1][1]["values"]) >= flowtail.MIN_LINES


@pytest.mark.parametrize("name", list(LEFT_TO_YAML))
def test_a_tail_the_pattern_does_not_know_goes_to_the_parser(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = HEADER + "values:\n" + "\n".join(LEFT_TO_YAML[name]) + "\n"
    fast, slow, taken = both_ways(text, monkeypatch)
    assert not taken
    assert fast == slow


@pytest.mark.parametrize("name", list(HEADERS_LEFT_TO_YAML))
def test_a_header_not_ending_in_the_documents_values_key_goes_to_the_parser(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = HEADERS_LEFT_TO_YAML[name] + "\n".join(readings(80)) + "\n"
    fast, slow, taken = both_ways(text, monkeypatch)
    assert not taken
    assert fast == slow


def test_a_short_tail_goes_to_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    text = HEADER + "values:\n" + "\n".join(readings(flowtail.MIN_LINES - 1)) + "\n"
    fast, slow, taken = both_ways(text, monkeypatch)
    assert not taken and fast == slow


LINE_PARTS = st.sampled_from([
    "  - {date: 2026-01-01, value: 1}", "  - {date: 2026-01-02, value: -0.5}", "  - {date: 2026-01-02, value: 0}",
    '  - {date: 2026-01-03, value: 3, note: "x, y: z"}', '  - {date: 2026-01-03, value: 3, note: "#"}',
    "  - {date: 2026-01-04, value: 1.0}", "  - {date: 2026-02-30, value: 99}", "  - {date: 2026-01-01, value: -0}",
    "", "  - {date: 2026-01-01, value: .5}", "  - {date: 2026-01-01, value: 1.}", "  - {date: 2026-01-01}",
    "  - {date: 2026-01-01, value: 1, value: 2}", "  -  {date: 2026-01-01, value: 1}", "  - [1, 2]",
    '  - {date: 2026-01-01, value: 1, note: "}', "  - {date: 2026-01-01, value: 1}}", "   - {date: 2026-01-01, value: 1}",
])
HEADER_PARTS = st.sampled_from(list(HEADERS_LEFT_TO_YAML.values()) + [HEADER + "values:\n", "values:\n",
                                                                       "---\n" + HEADER + "values:\n"])


@settings(max_examples=150, deadline=None)
@given(header=HEADER_PARTS, common=st.integers(60, 90), odd=st.lists(st.tuples(st.integers(0, 90), LINE_PARTS),
                                                                     max_size=3))
def test_any_mix_reads_the_same_both_ways(header: str, common: int, odd: list[tuple[int, str]]) -> None:
    lines = readings(common)
    for at, line in odd:
        lines.insert(min(at, len(lines)), line)
    text = header + "\n".join(lines) + "\n"
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow, _ = both_ways(text, monkeypatch)
    assert fast == slow
