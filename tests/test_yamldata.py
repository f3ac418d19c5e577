"""strat.yamldata, the quick builder without positions: for every file it reads, the same
data as strat.load's full builder, and the same positions once asked for; every file out of
the ordinary is left to the full builder (and so reported in the same words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from strat import load

REPO = Path(__file__).resolve().parents[1]

SCALARS = [
    "1", "0", "007", "-3", "+4", "1.5", "-0.25", ".5", "1e3", "1E-3", "2026-11-15", "2026-11", "1-2", "2e-5-1",
    "0x1F", "0o17", "0b101", ".inf", "-.Inf", ".nan", "~", "null", "Null", "", "true", "False", "yes", "NO", "on",
    "Off", "y", "n", "N", "text", "٣", "²", "1_000", "12:30", "+", ".", "..", "1.2.3", "9" * 400,
    "'quoted 1'", '"2"', "! 5", "|\n  block\n", ">-\n  folded 3\n",
]
FILES = [
    "kind: Goal\nid: a\n" + "".join(f"k{i}: {v}\n" for i, v in enumerate(SCALARS)),
    "kind: Goal\nid: a\nlist:\n" + "".join(f"  - {v}\n" for v in SCALARS if "\n" not in v),
    "kind: Goal\nid: a\nflow: {a: 1, b: [2, 3.5, x, {c: ~}]}\nempty: {}\nnone: []\n",
    "kind: Goal\nid: a\nnested:\n  - a: 1\n    b:\n      - [1, 2]\n      - {x: y}\n  - - deep\n",
    "---\nkind: Goal\nid: a\n---\nkind: Goal\nid: b\n...\n---\n# comment\nkind: Goal\nid: c\n",
    "# only a comment\n",
    "",
    "---\n",
    "kind: Goal\nid: a\n---\n",
    "---\n---\nkind: Goal\nid: a\n",
    "~\n",
    "- a\n- b\n",
    "just text\n",
    "kind: Goal\nid: a\nid: b\n",
    "kind: Goal\nx: &anchor 1\ny: *anchor\n",
    "kind: Goal\nx: !!str 1\n",
    "kind: Goal\nx: !custom {a: 1}\n",
    "kind: Goal\n<<: {a: 1}\n",
    "kind: Goal\n? [a, b]\n: 1\n",
    "kind: Goal\n!!str k: 1\n",
    "%YAML 1.2\n---\nkind: Goal\n",
    "kind: Goal\nx: " + "9" * 401 + "\n",
    "kind: Readings\nmetric: m\nvalues:\n  - {date: 2026-01-01, value: 1}\n",
    "kind: Goal\nx: [unclosed\n",
    "kind: Goal\n  bad: indent\n",
    "kind: Goal\n" + "x:\n" + "".join("  " * i + "- \n" for i in range(1, 70)),
    "kind: Goal\nx: " + "[" * 70 + "]" * 70 + "\n",
    "...\n# only markers\n...\n",
]


def _full(text: str) -> tuple[list[tuple[object, ...]], list[object]] | str:
    try:
        documents, diagnostics = load._parse_yaml(text, "f.yaml", [])
    except load._Refused as refused:
        return f"{refused.code} {refused.line}:{refused.column} {refused.message}"
    return [(d.index, d.data, d.position, d._values, d._keys) for d in documents], diagnostics


@pytest.mark.parametrize("text", FILES)
def test_the_quick_builder_reads_the_same_or_leaves_it(text: str) -> None:
    quick = load._quick_documents(text, "f.yaml")
    full = _full(text)
    if quick is None:
        return  # left to the full builder, which gives `full` as before
    assert not isinstance(full, str) and full[1] == []
    # repr: 1 and 1.0 and True are not the same value; nan is equal to itself here
    assert repr([(d.index, d.data, d.position, d.values, d.keys) for d in quick]) == repr(full[0])


def test_the_common_files_are_read_quickly() -> None:
    assert load._quick_documents(FILES[0], "f.yaml") is not None
    assert load._quick_documents(FILES[2], "f.yaml") is not None
    assert load._quick_documents(FILES[4], "f.yaml") is not None
    assert load._quick_documents(FILES[5], "f.yaml") == []
    for shape in ("---\n", "~\n", "- a\n", "kind: Goal\nid: a\nid: b\n", "kind: Goal\nx: &a 1\n", "kind: Goal\nx: !!str 1\n",
                  "kind: Goal\n<<: {a: 1}\n", "kind: Readings\nmetric: m\n", "kind: Goal\nx: " + "9" * 401 + "\n"):
        assert load._quick_documents(shape, "f.yaml") is None, shape


def test_every_file_of_the_repository_reads_the_same() -> None:
    count = 0
    for path in sorted([*REPO.joinpath("strategy").rglob("*.yaml"), *REPO.joinpath("tests", "cases").rglob("*.yaml")]):
        raw = path.read_bytes()
        try:
            text = load._decode(raw)
        except load._Refused:
            continue
        quick = load._quick_documents(text, "f.yaml")
        if quick is None:
            continue
        count += 1
        full = _full(text)
        assert not isinstance(full, str) and full[1] == [], path
        assert repr([(d.index, d.data, d.position, d.values, d.keys) for d in quick]) == repr(full[0]), path
    assert count > 100


def test_positions_are_computed_once_and_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    build = load._build
    monkeypatch.setattr(load, "_build", lambda *a, **k: calls.append(1) or build(*a, **k))
    source, diagnostics = load.parse_bytes(b"---\nkind: Goal\nid: a\nx: 1\n---\nkind: Goal\nid: b\n", "g.yaml")
    assert source is not None and diagnostics == [] and calls == []
    first, second = source.documents
    assert first.location(("x",)).line == 4 and len(calls) == 1
    assert second.location(("id",)).line == 7 and second.keys[("id",)] == (7, 1) and len(calls) == 1
