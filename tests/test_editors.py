"""Editors out of the box, checked with the real engine of VS Code's YAML support: the
`yaml-language-server` from npm (pinned in tests/node/package.json), driven over LSP on
stdio as an editor drives it (tests/yaml_lsp.py). One server per repository per module.

A repository made by `strat init` validates as you type in every document of every file
(modelines, and `.vscode/settings.json` for documents without one), shows each reference
field's own description on hover, completes a kind's fields, and says pattern failures in
words; this repository's example validates with its own modelines."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import pytest

import helpers
from helpers import run_cli
from strat import editors, schemas
from yaml_lsp import YamlLanguageServer

PROJECT = Path(__file__).resolve().parents[1]
BASE_SETTINGS = {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}
GENERIC_ID_TEXT = schemas.load_all()[schemas.DEFS_FILE]["$defs"]["id"]["description"]


@pytest.fixture(scope="module")
def server_package() -> Path:
    package = helpers.node_module("yaml-language-server")
    if package is None or shutil.which("node") is None:
        pytest.skip("Node.js and npm are needed to run yaml-language-server (.ci/run installs them)")
    return package


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editors") / "acme"
    result = run_cli(["init", str(root), "--company", "Acme"])
    assert result.exit_code == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def starter_server(server_package: Path, starter: Path) -> Iterator[YamlLanguageServer]:
    """An editor opened on the starter, with the settings the starter ships (as VS Code
    reads `.vscode/settings.json`: the `yaml.*` keys)."""
    shipped = json.loads((starter / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    yaml_settings = {**BASE_SETTINGS, "schemas": shipped["yaml.schemas"]}
    server = YamlLanguageServer(server_package, starter, {"yaml": yaml_settings})
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's example as a clone has it: `strategy/` beside `schemas/` (plus,
    for one test, the editor bundle in that folder and a copy of the strategy that names it)."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(PROJECT / "strategy", root / "strategy")
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    return root


@pytest.fixture(scope="module")
def example_server(server_package: Path, example: Path) -> Iterator[YamlLanguageServer]:
    """An editor with no settings at all: only the files' own modelines name schemas."""
    server = YamlLanguageServer(server_package, example, {"yaml": BASE_SETTINGS})
    yield server
    server.shutdown()


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and ".git" not in p.parts)


def documents(text: str) -> list[tuple[int, int]]:
    """(first line, end line) of each document of a file, 0-based, end exclusive."""
    lines = text.split("\n")
    starts = [0] + [i + 1 for i, line in enumerate(lines) if line == "---"]
    ends = [i for i, line in enumerate(lines) if line == "---"] + [len(lines)]
    return list(zip(starts, ends))


def with_unknown_field_in_every_document(text: str) -> tuple[str, list[int]]:
    """The text with a field no schema allows appended to each document, and the lines
    (0-based) where they landed."""
    out: list[str] = []
    marks = []
    lines = text.rstrip("\n").split("\n")
    for number, line in enumerate(lines + ["---"]):
        if line == "---":
            marks.append(len(out))
            out.append("zz-not-a-field: 1")
        if number < len(lines):
            out.append(line)
    return "\n".join(out) + "\n", marks


def messages(diagnostics: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(d["range"]["start"]["line"], d["message"]) for d in diagnostics]


def line_of(text: str, prefix: str, after: int = 0) -> int:
    lines = text.split("\n")
    return next(i for i in range(after, len(lines)) if lines[i].startswith(prefix))


# -- 0 diagnostics, and every document checked --

def test_every_file_of_a_new_repository_has_no_diagnostic(starter_server: YamlLanguageServer, starter: Path) -> None:
    files = yaml_files(starter)
    assert len(files) >= 15  # the strategy, strat.yaml, mkdocs.yml, the workflow, pre-commit
    found = starter_server.open_all({p: None for p in files})
    assert {p.relative_to(starter).as_posix(): messages(d) for p, d in found.items() if d} == {}


def test_every_file_of_the_example_has_no_diagnostic(example_server: YamlLanguageServer, example: Path) -> None:
    files = yaml_files(example / "strategy")
    assert len(files) >= 80
    found = example_server.open_all({p: None for p in files})
    assert {p.relative_to(example).as_posix(): messages(d) for p, d in found.items() if d} == {}


@pytest.mark.parametrize("which", ["starter", "example"])
def test_every_document_of_every_strategy_file_is_checked(which: str, request: pytest.FixtureRequest) -> None:
    """A field no schema allows, added to each document of each file, is reported at its
    line: no document goes unchecked (the language server reads a modeline per document,
    so a file's second document needs its own, or the settings file)."""
    root: Path = request.getfixturevalue(which)
    server: YamlLanguageServer = request.getfixturevalue(f"{which}_server")
    files = yaml_files(root / "strategy")
    edited = {path: with_unknown_field_in_every_document(path.read_text(encoding="utf-8")) for path in files}
    found = server.open_all({path: text for path, (text, _) in edited.items()})
    unchecked = {}
    for path, (_, marks) in edited.items():
        flagged = {line for line, message in messages(found[path]) if "zz-not-a-field" in message}
        if flagged != set(marks):
            unchecked[path.relative_to(root).as_posix()] = (marks, messages(found[path]))
    server.open_all({path: None for path in files})  # back to the files as written
    assert unchecked == {}
    assert sum(len(marks) for _, marks in edited.values()) > len(files)  # multi-document files were among them


def test_the_example_also_validates_against_the_editor_schema(example_server: YamlLanguageServer,
                                                              example: Path) -> None:
    """The bundle accepts what strat accepts: the example, every modeline pointed at
    strat.schema.json, has no diagnostic either."""
    assert run_cli(["schema", "--export", str(example / "schemas")]).exit_code == 0
    texts = {}
    for path in yaml_files(example / "strategy"):
        copy_path = example / "strategy-bundle" / path.relative_to(example / "strategy")
        text = path.read_text(encoding="utf-8")
        texts[copy_path] = re.sub(r"schemas/[a-z]+\.schema\.json", "schemas/strat.schema.json", text)
        assert texts[copy_path] != text
        copy_path.parent.mkdir(parents=True, exist_ok=True)
        copy_path.write_text(texts[copy_path], encoding="utf-8")
    found = example_server.open_all(dict.fromkeys(texts))
    assert {p.relative_to(example).as_posix(): messages(d) for p, d in found.items() if d} == {}


# -- the right diagnostic at the right line, in a second document --

SECOND_DOCUMENT_MISTAKES = [
    # (name, edit of the second Person of people.yaml, line it must be reported at, words)
    ("typo", ("title: ", "titel: "), "titel: ", "Property titel is not allowed"),
    ("wrong type", ("department: support", "department: [support]"), "department: ", 'Incorrect type. Expected "string"'),
    ("missing field", ("name: Sam Example\n", ""), "kind: Person", 'Missing property "name"'),
]


@pytest.mark.parametrize("wiring", ["modeline", "settings file"])
@pytest.mark.parametrize("name, edit, at, words", SECOND_DOCUMENT_MISTAKES, ids=[m[0] for m in SECOND_DOCUMENT_MISTAKES])
def test_a_mistake_in_the_second_document_is_reported_at_its_line(
        starter_server: YamlLanguageServer, starter: Path, wiring: str, name: str, edit: tuple[str, str], at: str,
        words: str) -> None:
    path = starter / "strategy" / "people" / "people.yaml"
    text = path.read_text(encoding="utf-8")
    second = documents(text)[1]
    lines = text.split("\n")
    block = "\n".join(lines[second[0]:second[1]])
    if wiring == "settings file":  # a document added without the schema line: .vscode/settings.json covers it
        block = "\n".join(line for line in block.split("\n") if "yaml-language-server" not in line)
    assert edit[0] in block
    block = block.replace(edit[0], edit[1], 1)
    edited = "\n".join(lines[:second[0]] + block.split("\n") + lines[second[1]:])
    try:
        found = messages(starter_server.open(path, edited))
    finally:
        starter_server.open(path)
    assert [line for line, message in found if words in message] == [line_of(edited, at, after=second[0])], found
    assert all(line >= second[0] for line, _ in found), found  # nothing blamed on the first document


# -- hover, completion, words --

REFERENCE_FIELDS = [
    # (line prefix in the starter's goal, the field's path in the Goal schema)
    ("owner: ", ("owner",)),
    ("team: ", ("team",)),
    ("parent: ", ("parent",)),
    ("plan: ", ("plan",)),
    ("period: ", ("period",)),
    ("  metric: ", ("outcome", "metric")),
    ("    owner: ", ("joint", "owner")),
    ("    by: ", ("checkins", "by")),
]


def own_description(kind: str, field: tuple[str, ...]) -> str:
    node: Any = schemas.inlined(kind)
    for name in field:
        node = node["properties"][name] if "properties" in node else node["items"]["properties"][name]
    return node["description"]


@pytest.mark.parametrize("prefix, field", REFERENCE_FIELDS, ids=[".".join(f) for _, f in REFERENCE_FIELDS])
def test_hover_on_a_reference_field_shows_its_own_description(
        starter_server: YamlLanguageServer, starter: Path, prefix: str, field: tuple[str, ...]) -> None:
    path = starter / "strategy" / "goals" / "faster-activation.yaml"
    text = path.read_text(encoding="utf-8")
    starter_server.open(path)
    line = line_of(text, prefix)
    shown = starter_server.hover(path, line, len(prefix) - len(prefix.lstrip()) + 1)
    description = own_description("Goal", field)
    assert description != GENERIC_ID_TEXT
    assert description.replace("`", "\\`") in shown or description in shown, shown
    assert GENERIC_ID_TEXT not in shown


def test_completion_offers_the_kinds_fields(starter_server: YamlLanguageServer, starter: Path) -> None:
    """In a Goal, the Goal's fields not yet written; in a Team added as a second document
    of the same file, the Team's."""
    path = starter / "strategy" / "goals" / "faster-activation.yaml"
    text = path.read_text(encoding="utf-8")
    goal_fields = set(schemas.schema_for("Goal")["properties"])
    written = {line.split(":")[0] for line in text.split("\n") if re.match(r"[a-z_]+:", line)}
    edited = text + "\n---\nkind: Team\n\n"
    try:
        starter_server.open(path, edited)
        in_goal = {item["label"] for item in starter_server.completion(path, line_of(edited, "---") - 1, 0)}
        in_team = {item["label"] for item in starter_server.completion(path, len(edited.split("\n")) - 2, 0)}
    finally:
        starter_server.open(path)
    assert goal_fields - written - {"kind"} <= in_goal, in_goal
    assert in_goal <= goal_fields | {"x-"}, in_goal - goal_fields
    team_fields = set(schemas.schema_for("Team")["properties"]) - {"kind"}
    assert team_fields <= in_team, in_team
    assert not in_team & (goal_fields - team_fields), in_team


PATTERN_MISTAKES = [
    # (line prefix in the starter's goal, the new value, words the message must hold)
    ("owner: ", "Kim Example", "Expected an id: a lowercase slug of letters, digits and dashes"),
    ("  currency: ", "usd", "Expected a three-letter ISO 4217 currency code"),
    ("  - date: ", "12/03/2026", "Expected a calendar date written as YYYY-MM-DD"),
]


@pytest.mark.parametrize("prefix, value, words", PATTERN_MISTAKES, ids=[p.strip(" -:") for p, _, _ in PATTERN_MISTAKES])
def test_a_pattern_failure_reads_in_words(starter_server: YamlLanguageServer, starter: Path, prefix: str, value: str,
                                          words: str) -> None:
    path = starter / "strategy" / "goals" / "faster-activation.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    line = line_of("\n".join(lines), prefix)
    lines[line] = prefix + value
    try:
        found = messages(starter_server.open(path, "\n".join(lines)))
    finally:
        starter_server.open(path)
    assert len(found) == 1 and found[0][0] == line, found
    assert found[0][1].startswith(words), found
    assert "[" not in found[0][1] and "\\d" not in found[0][1], found  # no raw regular expression


def test_the_configuration_file_is_checked_too(starter_server: YamlLanguageServer, starter: Path) -> None:
    path = starter / "strat.yaml"
    text = path.read_text(encoding="utf-8")
    try:
        found = messages(starter_server.open(path, text.replace("max_links: 1", "max_links: one")))
    finally:
        starter_server.open(path)
    assert found == [(line_of(text, "max_links:"), 'Incorrect type. Expected "integer".')]


# -- the bundle and its export, without Node --

def test_the_editor_schema_accepts_and_refuses_what_strat_does() -> None:
    """Every kind's own examples are valid against the bundle; the same example with a
    wrong kind, an unknown field or a missing required field is not."""
    bundle = editors.bundle()
    jsonschema.Draft202012Validator.check_schema(bundle)
    check = jsonschema.Draft202012Validator(bundle, format_checker=jsonschema.FormatChecker())
    for kind in schemas.kinds():
        canonical = schemas.schema_for(kind)
        for example in canonical["examples"]:
            assert list(check.iter_errors(example)) == [], kind
            assert list(check.iter_errors({**example, "zz-unknown": 1})), kind
            for field in canonical["required"]:
                assert list(check.iter_errors({k: v for k, v in example.items() if k != field})), (kind, field)
        assert list(check.iter_errors({**canonical["examples"][0], "kind": kind + "s"}))
    assert "$ref" not in json.dumps(bundle)  # self-contained: hover shows each field's own text


def test_export_writes_the_bundle_and_refreshes_it(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    out.mkdir()
    (out / editors.BUNDLE_FILE).write_text("{}\n")
    (out / "mine.json").write_text("{}\n")
    result = run_cli(["schema", "--export", str(out)])
    assert result.exit_code == 0, result.stderr
    assert json.loads((out / editors.BUNDLE_FILE).read_text()) == editors.bundle()
    assert (out / "mine.json").read_text() == "{}\n"  # nothing else is touched
    for name, content in schemas.load_all().items():
        assert json.loads((out / name).read_text()) == content
    # A new repository carries the same files.
    starter = tmp_path / "repo"
    assert run_cli(["init", str(starter)]).exit_code == 0
    assert {p.name: p.read_bytes() for p in (starter / "schemas").iterdir()} == editors.export_files()


LINKS_OUT = [
    # (what is a link to the outside, the folder given to --export, relative to the repository)
    ("the bundle", "schemas"),
    ("the folder", "schemas"),
    ("a folder on the way", "editor/schemas"),
]


@pytest.mark.parametrize("link, folder", LINKS_OUT, ids=[link for link, _ in LINKS_OUT])
def test_export_never_writes_through_a_link_out_of_the_repository(tmp_path: Path, link: str, folder: str) -> None:
    outside = tmp_path / "outside"
    (outside / "schemas").mkdir(parents=True)
    (outside / editors.BUNDLE_FILE).write_text("keep\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    if link == "the bundle":
        (repo / folder).mkdir(parents=True)
        (repo / folder / editors.BUNDLE_FILE).symlink_to(outside / editors.BUNDLE_FILE)
    elif link == "the folder":
        (repo / folder).symlink_to(outside)
    else:
        (repo / "editor").symlink_to(outside)
    before = sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*"))
    result = run_cli(["schema", "--export", folder], cwd=repo)
    assert result.exit_code == 1, result.stderr
    assert "link" in result.stderr or "outside" in result.stderr
    assert (outside / editors.BUNDLE_FILE).read_text() == "keep\n"
    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*")) == before  # all or nothing


def test_every_pattern_in_the_editor_schema_fails_in_words() -> None:
    patterned = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                patterned.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(editors.bundle())
    assert len(patterned) > 20
    for node in patterned:
        words = node.get("patternErrorMessage", "")
        assert words.startswith("Expected ") and node["pattern"] not in words, node
        assert not re.search(r"[\[\]^$\\]", words), words  # nothing of the regular expression
