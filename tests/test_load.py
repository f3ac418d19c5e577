"""strat.load: YAML → documents with positions, hostile-input refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from strat.load import (
    MAX_FILE_BYTES,
    Document,
    find_files,
    format_json_path,
    load_file,
    load_tree,
    parse_bytes,
    resolve_plain,
)


def parse(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    source, diagnostics = parse_bytes(raw, "strategy/x.yaml")
    return source, diagnostics


def only_doc(text: str) -> Document:
    source, diagnostics = parse(text)
    assert diagnostics == []
    assert source is not None and len(source.documents) == 1
    return source.documents[0]


GOAL = """\
# a comment line
kind: Goal
id: g1
outcome:
  metric: activation-rate
  baseline: 0.3
  target:   0.4
joint:
  - department: support
    owner: bjones
supports: [a, b]
"""


def test_positions_of_keys_and_values() -> None:
    doc = only_doc(GOAL)
    assert doc.position == (2, 1)  # the mapping starts at its first key, after the comment
    assert doc.keys[("kind",)] == (2, 1)
    assert doc.values[("kind",)] == (2, 7)
    assert doc.keys[("outcome",)] == (4, 1)
    assert doc.values[("outcome",)] == (5, 3)  # a block mapping starts at its first key
    assert doc.keys[("outcome", "target")] == (7, 3)
    assert doc.values[("outcome", "target")] == (7, 13)
    assert doc.values[("joint", 0)] == (9, 5)
    assert doc.keys[("joint", 0, "owner")] == (10, 5)
    assert doc.values[("joint", 0, "owner")] == (10, 12)
    assert doc.values[("supports", 1)] == (11, 15)


def test_location_of_key_value_and_fallback() -> None:
    doc = only_doc(GOAL)
    value = doc.location(("outcome", "target"))
    assert (value.path, value.line, value.column, value.json_path) == ("strategy/x.yaml", 7, 13, "outcome.target")
    key = doc.location(("outcome", "target"), key=True)
    assert (key.line, key.column) == (7, 3)
    # a missing field falls back to the nearest enclosing node that exists
    missing = doc.location(("outcome", "current"))
    assert (missing.line, missing.column, missing.json_path) == (5, 3, "outcome.current")
    top = doc.location(("nothing", "here"))
    assert (top.line, top.column) == (2, 1)
    # list items have no key: key=True falls back to the value's position
    item = doc.location(("supports", 0), key=True)
    assert (item.line, item.column) == (11, 12)


def test_dates_stay_strings() -> None:
    doc = only_doc("kind: Decision\ndate: 2026-08-10\nwhen: 2026-08-10T10:00:00\n")
    assert doc.data["date"] == "2026-08-10"
    assert isinstance(doc.data["date"], str)
    assert doc.data["when"] == "2026-08-10T10:00:00"


@pytest.mark.parametrize("word", ["yes", "Yes", "YES", "on", "ON", "true", "True"])
def test_yaml11_true_words_are_booleans(word: str) -> None:
    assert only_doc(f"kind: X\nflag: {word}\n").data["flag"] is True


@pytest.mark.parametrize("word", ["no", "No", "NO", "off", "Off", "false", "FALSE"])
def test_yaml11_false_words_are_booleans(word: str) -> None:
    assert only_doc(f"kind: X\nflag: {word}\n").data["flag"] is False


@pytest.mark.parametrize("word", ["y", "Y", "n", "N"])
def test_single_letters_stay_text_as_in_pyyaml(word: str) -> None:
    assert only_doc(f"kind: X\nname: {word}\n").data["name"] == word


def test_quoted_scalars_stay_text() -> None:
    data = only_doc("kind: X\na: 'yes'\nb: \"12\"\nc: '2026-01-01'\nd: 'null'\n").data
    assert data == {"kind": "X", "a": "yes", "b": "12", "c": "2026-01-01", "d": "null"}


def test_numbers_and_nulls() -> None:
    data = only_doc(
        "kind: X\ni: 42\nneg: -7\nf: 0.45\nexp: 1e3\noct: 0o17\nhex: 0x1F\ninf: .inf\n"
        "nul: ~\nempty:\nword: NULL\nversion: 1.2.3\nlead: 007\n"
    ).data
    assert data["i"] == 42 and isinstance(data["i"], int)
    assert data["neg"] == -7
    assert data["f"] == 0.45 and isinstance(data["f"], float)
    assert data["exp"] == 1000.0
    assert data["oct"] == 15
    assert data["hex"] == 31
    assert data["inf"] == float("inf")
    assert data["nul"] is None and data["empty"] is None and data["word"] is None
    assert data["version"] == "1.2.3"
    assert data["lead"] == 7


def test_nan_is_a_float() -> None:
    value = only_doc("kind: X\nv: .nan\n").data["v"]
    assert isinstance(value, float) and value != value


def test_resolve_plain_directly() -> None:
    assert resolve_plain("12", 1, 1) == 12
    assert resolve_plain("-.5", 1, 1) == -0.5
    assert resolve_plain("abc", 1, 1) == "abc"
    assert resolve_plain("+1", 1, 1) == 1
    assert resolve_plain("-", 1, 1) == "-"


def test_keys_stay_text() -> None:
    data = only_doc("kind: X\non: push\n1: one\nnull: nothing\nyes: sure\n").data
    assert data == {"kind": "X", "on": "push", "1": "one", "null": "nothing", "yes": "sure"}
    assert all(isinstance(k, str) for k in data)


def test_several_documents_per_file() -> None:
    source, diagnostics = parse("kind: Person\nid: a\n---\nkind: Person\nid: b\n...\n---\nkind: Person\nid: c\n")
    assert diagnostics == []
    assert source is not None
    assert [d.id for d in source.documents] == ["a", "b", "c"]
    assert [d.index for d in source.documents] == [0, 1, 2]
    assert [d.position for d in source.documents] == [(1, 1), (4, 1), (8, 1)]
    assert all(d.path == "strategy/x.yaml" for d in source.documents)


def test_empty_documents_keep_their_index() -> None:
    # The empty first document (between two `---`) is E004 but still counts as document 0.
    source, diagnostics = parse("---\n---\nkind: Person\nid: a\n")
    assert [(d.code, d.location.line) for d in diagnostics] == [("E004", 1)]
    assert source is not None
    assert [(d.index, d.id) for d in source.documents] == [(1, "a")]


# Files that add nothing: (text, expected [(code, line, column)]). Each row a way a goal
# silently disappears today, or a harmless habit that must stay quiet.
NOTHING_TO_READ = [
    ("", [("E008", 1, 1)]),
    ("\n\n   \n", [("E008", 1, 1)]),
    ("\ufeff", [("E008", 1, 1)]),  # only a byte-order mark
    ("# kind: Goal\n# id: g1\n", [("E008", 1, 1)]),
    ("\n\n# kind: Goal\n", [("E008", 3, 1)]),  # at the first comment line
    ("\r\n# kind: Goal\r\n", [("E008", 2, 1)]),
    ("---\n", [("E008", 1, 1)]),
    ("--- # comment\n", [("E008", 1, 1)]),
    ("# header\n---\n", [("E008", 1, 1)]),
    ("...\n", [("E008", 1, 1)]),  # libyaml refuses a lone `...`; YAML 1.2 reads no document
    ("\n# c\n...\n", [("E008", 2, 1)]),
    ("---\n...\n", [("E008", 1, 1)]),
    ("~\n", [("E004", 1, 1)]),
    ("null\n", [("E004", 1, 1)]),
    ("---\n~\n", [("E004", 2, 1)]),  # `---` then `~` is a document
    ("---\n---\n", [("E004", 1, 1)]),  # empty between two markers
    ("kind: Person\nid: a\n--- ~\n", [("E004", 3, 5)]),
    ("kind: Person\nid: a\n---\n---\nkind: Person\nid: b\n", [("E004", 3, 1)]),
    ("kind: Person\nid: a\n---\n# kind: Goal\n# id: g1\n---\nkind: Person\nid: b\n", [("E004", 3, 1)]),
    ("kind: Person\nid: a\n---\n# kind: Goal\n# id: g1\n", [("E008", 4, 1)]),  # commented out at the end
    # Harmless: a trailing `---` with nothing after it, `...` endings, comments inside a document.
    ("kind: Person\nid: a\n---\n", []),
    ("kind: Person\nid: a\n---\n\n\n", []),
    ("---\nkind: Person\nid: a\n---\n", []),
    ("kind: Person\nid: a\n...\n", []),
    ("kind: Person\nid: a\n...\n---\n", []),
    ("kind: Person\nid: a\n---\n...\n", []),
    ("# header\n---\nkind: Person\nid: a\n# trailing comment\n", []),
]


@pytest.mark.parametrize(("text", "expected"), NOTHING_TO_READ)
def test_files_and_documents_that_add_nothing_are_named(text: str, expected: list) -> None:
    source, diagnostics = parse(text)
    assert source is not None
    assert [(d.code, d.location.line, d.location.column) for d in diagnostics] == expected
    severities = {"E004": "error", "E008": "warning"}
    assert all(d.severity.value == severities[d.code] for d in diagnostics)
    assert all(d.message for d in diagnostics)


def test_e008_message_says_what_to_do() -> None:
    _, [empty] = parse("")
    _, [comments] = parse("# kind: Goal\n")
    _, [tail] = parse("kind: Person\nid: a\n---\n# kind: Goal\n")
    assert "is empty" in empty.message and "delete the file" in empty.message
    assert "only comments" in comments.message and "restore" in comments.message
    assert "after the last `---` (line 3)" in tail.message and "uncomment" in tail.message


def test_strat_yaml_may_be_empty(tmp_path: Path) -> None:
    # The configuration is read by the same loader without E008: empty means the defaults.
    from strat.config import load_config

    for text in ("", "# all defaults\n"):
        (tmp_path / "strat.yaml").write_text(text)
        config, problems = load_config(tmp_path)
        assert problems == [] and config.strategy == "strategy"
    source, diagnostics = load_file(tmp_path / "strat.yaml", "strat.yaml", report_empty=False)
    assert source is not None and source.documents == [] and diagnostics == []


def test_text_is_kept_for_ignore_comments() -> None:
    source, _ = parse("kind: X  # strat: ignore[S101] demo\n")
    assert source is not None and "strat: ignore[S101]" in source.text


def test_utf8_bom_is_accepted() -> None:
    doc = only_doc("\ufeffkind: Person\nid: a\n")
    assert doc.data == {"kind": "Person", "id": "a"}
    assert doc.keys[("kind",)] == (1, 1)


def test_crlf_line_endings() -> None:
    doc = only_doc("kind: Person\r\nid: a\r\nname: A\r\n")
    assert doc.data == {"kind": "Person", "id": "a", "name": "A"}
    assert doc.values[("name",)] == (3, 7)


def test_non_mapping_documents_are_e004() -> None:
    source, diagnostics = parse("kind: Person\nid: a\n---\n- a\n- b\n---\njust text\n---\n42\n")
    assert source is not None and [d.id for d in source.documents] == ["a"]
    assert [(d.code, d.location.line) for d in diagnostics] == [("E004", 4), ("E004", 7), ("E004", 9)]
    assert "a list" in diagnostics[0].message
    assert "a text value" in diagnostics[1].message
    assert "a number" in diagnostics[2].message


def test_duplicate_key_keeps_the_first_value_and_names_both_lines() -> None:
    source, diagnostics = parse("kind: Person\nid: a\nname: A\nname: B\n")
    assert source is not None and source.documents[0].data["name"] == "A"
    [d] = diagnostics
    assert (d.code, d.location.line, d.location.column, d.location.json_path) == ("E002", 4, 1, "name")
    assert "first defined at line 3" in d.message
    assert [(r.line, r.column) for r in d.related] == [(3, 1)]


def test_duplicate_key_nested_and_in_flow_mappings() -> None:
    _, diagnostics = parse("kind: X\nouter:\n  a: 1\n  b: {c: 1, c: 2}\n  a: 3\n")
    assert sorted((d.code, d.location.line, d.location.json_path) for d in diagnostics) == [
        ("E002", 4, "outer.b.c"),
        ("E002", 5, "outer.a"),
    ]


def test_same_key_in_separate_documents_is_not_a_duplicate() -> None:
    _, diagnostics = parse("kind: X\nid: a\n---\nkind: X\nid: b\n")
    assert diagnostics == []


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("kind: X\nid: [a, b\nname: c\n", "E001", 2, 5),  # where the unclosed bracket opens
        ("kind: X\n  id: x\n", "E001", 2, 5),
        ("kind: X\n\tid: x\n", "E001", 2, 1),
        ("kind: X\na: &anchor 1\n", "E005", 2, 4),
        ("kind: X\na: *nothing\n", "E005", 2, 4),
        ("kind: X\na: !!str 1\n", "E007", 2, 4),
        ("kind: X\na: !custom 1\n", "E007", 2, 4),
        ("%YAML 1.2\n---\nkind: X\n", "E007", 1, 1),
        ("%TAG !e! tag:example.com,2000:\n---\nkind: X\n", "E007", 1, 1),
        ("kind: X\nb:\n  <<: {a: 1}\n", "E007", 3, 3),
        ("kind: X\n? [a, b]\n: c\n", "E007", 2, 3),
        ("kind: X\n? {a: 1}\n: c\n", "E007", 2, 3),
    ],
)
def test_refusals(text: str, code: str, line: int, column: int) -> None:
    source, diagnostics = parse(text)
    assert source is None  # a refused file yields no documents at all
    assert [(d.code, d.location.line, d.location.column) for d in diagnostics] == [(code, line, column)]
    assert diagnostics[0].location.path == "strategy/x.yaml"


def test_tab_message_names_the_tab() -> None:
    _, [d] = parse("kind: X\nouter:\n\tinner: 1\n")
    assert d.code == "E001" and "tab" in d.message


def test_tag_message_names_the_tag() -> None:
    _, [d] = parse("kind: X\na: !!python/object/apply:os.system ['true']\n")
    assert d.code == "E007" and "python/object/apply:os.system" in d.message


def test_latin1_byte_position() -> None:
    _, [d] = parse(b"kind: Person\nname: Zo\xeb\n")
    assert (d.code, d.location.line, d.location.column) == ("E003", 2, 9)
    assert "0xeb" in d.message


def test_lone_cr_line_breaks_count_as_lines_everywhere() -> None:
    # YAML (and the parser's positions) treat a lone CR as a line break: the E002 below is
    # on line 3. An E003 in the same kind of file must count lines the same way.
    _, [dup] = parse(b"kind: Person\rid: a\rid: b\r")
    assert (dup.code, dup.location.line) == ("E002", 3)
    _, [d] = parse(b"kind: Person\rid: a\rname: a\x00\r")
    assert (d.code, d.location.line, d.location.column) == ("E003", 3, 8)
    _, [d] = parse(b"kind: Person\rid: a\rname: a\xe9\r")
    assert (d.code, d.location.line, d.location.column) == ("E003", 3, 8)


def test_e003_column_counts_characters_like_other_diagnostics() -> None:
    # The parser's columns count characters; `ó` is one character (two bytes), so the bad
    # byte after "name: Dóra " is in column 12.
    _, [d] = parse("kind: Person\nname: Dóra ".encode() + b"\xe9\n")
    assert (d.code, d.location.line, d.location.column) == ("E003", 2, 12)
    _, [syntax] = parse("kind: Person\nname: [Dóra\n".encode())
    assert syntax.code == "E001"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_e003(encoding: str) -> None:
    _, [d] = parse("kind: Person\nid: a\n".encode(encoding))
    assert d.code == "E003" and "UTF-16 or UTF-32" in d.message


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"])
def test_control_characters_are_e003_at_their_position(char: str) -> None:
    _, [d] = parse(f"kind: Person\nname: ab{char}c\n")
    assert (d.code, d.location.line, d.location.column) == ("E003", 2, 9)
    assert f"U+{ord(char):04X}" in d.message


def test_tabs_inside_values_and_crlf_are_not_control_characters() -> None:
    doc = only_doc("kind: X\r\nnote: \"a\\tb\"\r\nother: a\tb\r\n")
    assert doc.data["note"] == "a\tb"
    assert doc.data["other"] == "a\tb"


def test_big_number_is_refused_small_one_is_not() -> None:
    _, [d] = parse("kind: X\nn: " + "9" * 5000 + "\n")
    assert (d.code, d.location.line, d.location.column) == ("E005", 2, 4)
    assert only_doc("kind: X\nn: " + "9" * 300 + "\n").data["n"] == int("9" * 300)
    # quoted, it is only text
    assert only_doc("kind: X\nn: '" + "9" * 5000 + "'\n").data["n"] == "9" * 5000


def test_nesting_limit_is_64() -> None:
    ok = "kind: X\nv: " + "[" * 63 + "]" * 63 + "\n"
    assert only_doc(ok).data["v"] is not None
    _, [d] = parse("kind: X\nv: " + "[" * 64 + "]" * 64 + "\n")
    assert (d.code, d.location.line, d.location.column) == ("E005", 2, 4 + 63)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), ""),
        (("kind",), "kind"),
        (("joint", 0, "owner"), "joint[0].owner"),
        (("outcome", "target"), "outcome.target"),
        (("a", 1, 2, "b"), "a[1][2].b"),
        ((0,), "[0]"),
        ((0, "x"), "[0].x"),
    ],
)
def test_format_json_path(path: tuple, expected: str) -> None:
    assert format_json_path(path) == expected


def test_find_files_sorted_skips_hidden_and_other_suffixes(tmp_path: Path) -> None:
    root = tmp_path
    for rel in ["strategy/b.yaml", "strategy/a/z.yml", "strategy/a/readme.md", "strategy/.hidden/x.yaml",
                "strategy/.x.yaml", "strategy/c.yaml.bak"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("kind: X\n")
    diagnostics: list = []
    found = find_files(root, root / "strategy", diagnostics)
    assert [rel for _, rel in found] == ["strategy/a/z.yml", "strategy/b.yaml"]
    assert diagnostics == []


def test_find_files_single_file(tmp_path: Path) -> None:
    (tmp_path / "strategy").mkdir()
    target = tmp_path / "strategy" / "one.yaml"
    target.write_text("kind: X\n")
    found = find_files(tmp_path, target, [])
    assert [rel for _, rel in found] == ["strategy/one.yaml"]


def test_symlink_inside_the_repo_is_followed(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "p.yaml").write_text("kind: Person\nid: p\nname: P\n")
    (tmp_path / "strategy").mkdir()
    os.symlink(tmp_path / "shared" / "p.yaml", tmp_path / "strategy" / "p.yaml")
    result = load_tree(tmp_path, tmp_path / "strategy")
    assert result.diagnostics == []
    assert [d.id for d in result.documents] == ["p"]
    assert result.files[0].path == "strategy/p.yaml"


def test_symlink_outside_the_repo_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "strategy").mkdir(parents=True)
    (tmp_path / "secret.yaml").write_text("kind: Person\nid: secret\nname: S\n")
    os.symlink(tmp_path / "secret.yaml", root / "strategy" / "secret.yaml")
    result = load_tree(root, root / "strategy")
    assert result.documents == []
    assert [(d.code, d.location.path) for d in result.diagnostics] == [("E006", "strategy/secret.yaml")]
    assert "outside the repository" in result.diagnostics[0].message


def test_load_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    source, [d] = load_file(path, "strategy/big.yaml")
    assert source is None
    assert (d.code, d.location.path, d.location.line) == ("E005", "strategy/big.yaml", 1)
    exactly = tmp_path / "exact.yaml"
    exactly.write_bytes(b"#" * (MAX_FILE_BYTES - 1) + b"\n")
    source, diagnostics = load_file(exactly, "strategy/exact.yaml")
    assert [d.code for d in diagnostics] == ["E008"] and source is not None  # within the limit: only comments


def test_unreadable_file_is_e006(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, who reads any file: simulate the permission error instead.
    path = tmp_path / "locked.yaml"
    path.write_text("kind: X\n")
    real_open = os.open

    def refuse(file, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    source, [d] = load_file(path, "strategy/locked.yaml")
    assert source is None
    assert (d.code, d.location.path) == ("E006", "strategy/locked.yaml")
    assert "permission" in d.message


# Another git repository inside the strategy tree: (where its `.git` is, what it is).
NESTED_REPOSITORIES = [
    ("strategy/vendor/.git", "file"),  # a submodule: `.git` is a file with `gitdir: ...`
    ("strategy/vendor/.git", "folder"),  # a clone or `git init` inside the tree
    ("strategy/a/b/vendor/.git", "folder"),
    ("strategy/.git", "file"),  # the whole strategy folder is a submodule of the repository
]


@pytest.mark.parametrize(("marker", "form"), NESTED_REPOSITORIES)
def test_a_nested_repository_is_one_e006_and_none_of_its_files_is_read(tmp_path: Path, marker: str,
                                                                         form: str) -> None:
    (tmp_path / ".git").mkdir()
    folder = (tmp_path / marker).parent
    folder.mkdir(parents=True, exist_ok=True)
    if form == "file":
        (tmp_path / marker).write_text("gitdir: ../.git/modules/vendor\n")
    else:
        (tmp_path / marker).mkdir()
    (folder / "broken.yaml").write_text("kind: Goal\nid: [unclosed\n")  # E001 if it were read
    (folder / "sub").mkdir()
    (folder / "sub" / "p.yaml").write_text("kind: Person\nid: nested\nname: N\n")
    (tmp_path / "strategy" / "p.yaml").write_text("kind: Person\nid: mine\nname: M\n")
    result = load_tree(tmp_path, tmp_path / "strategy")
    rel = folder.relative_to(tmp_path).as_posix()
    assert [(d.code, d.location.path, d.location.line) for d in result.diagnostics] == [("E006", rel, 1)]
    message = result.diagnostics[0].message
    assert f"`{rel}` is" in message and ("submodule" if form == "file" else "another git repository") in message
    assert "exclude" in message
    assert [d.id for d in result.documents] == ([] if rel == "strategy" else ["mine"])


def test_the_repository_itself_is_not_a_nested_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "p.yaml").write_text("kind: Person\nid: mine\nname: M\n")
    result = load_tree(tmp_path, tmp_path)
    assert result.diagnostics == [] and [d.id for d in result.documents] == ["mine"]


@pytest.mark.parametrize("exclude", [["vendor/**"], ["vendor/*.yaml"], ["**/vendor/**"]])
def test_an_excluded_nested_repository_is_not_reported(tmp_path: Path, exclude: list[str]) -> None:
    (tmp_path / "strategy" / "vendor" / ".git").mkdir(parents=True)
    (tmp_path / "strategy" / "vendor" / "broken.yaml").write_text("kind: [\n")
    result = load_tree(tmp_path, tmp_path / "strategy", exclude=exclude)
    assert result.diagnostics == [] and result.files == []


@pytest.mark.parametrize("target", ["strategy/vendor", "strategy/vendor/goals", "strategy/vendor/goals/g.yaml"])
def test_a_path_inside_a_nested_repository_gets_the_same_answer(tmp_path: Path, target: str) -> None:
    # `strat lint strategy/vendor/goals/g.yaml` must not read what `strat lint` refuses.
    (tmp_path / ".git").mkdir()
    (tmp_path / "strategy" / "vendor" / "goals").mkdir(parents=True)
    (tmp_path / "strategy" / "vendor" / ".git").write_text("gitdir: ../../.git/modules/vendor\n")
    (tmp_path / "strategy" / "vendor" / "goals" / "g.yaml").write_text("kind: Goal\nid: [unclosed\n")
    result = load_tree(tmp_path, tmp_path / target)
    assert [(d.code, d.location.path) for d in result.diagnostics] == [("E006", "strategy/vendor")]
    assert result.files == []
