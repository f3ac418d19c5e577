"""Hostile input: strategy files come from pull requests. Each case must produce the right
diagnostic at the right line, never a traceback or an internal error, and finish quickly
(the time bound is a guard against hangs and blow-ups, not a benchmark)."""

from __future__ import annotations

import os
import threading
import tracemalloc
import uuid
from pathlib import Path
from typing import Callable

import pytest

import helpers

LIMIT_SECONDS = 1.0
# Linting 5,000 goal documents is linear work dominated by schema validation (about a
# second on a laptop); the bound still catches anything quadratic or a hang.
LIMIT_SECONDS_5000_DOCUMENTS = 5.0

PERSON = "kind: Person\nid: dora\nname: Dora Diaz\n"


@pytest.fixture(scope="module", autouse=True)
def warm_up(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Import and compile everything once, so the timed runs measure the input."""
    helpers.lint_json(helpers.copy_base(tmp_path_factory.mktemp("warm") / "repo"))


def cpu_seconds() -> float:
    """CPU time of this process and its waited-for children: the bounds guard against
    quadratic work and hangs, and CPU time does not grow when a busy machine (CI running
    tests in parallel) gives the process less of a core, as wall-clock time does."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def lint_timed(root: Path, limit: float = LIMIT_SECONDS) -> helpers.CliResult:
    start = cpu_seconds()
    result = helpers.lint_json(root)
    elapsed = cpu_seconds() - start
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    assert elapsed < limit, f"took {elapsed:.2f}s"
    return result


@pytest.fixture
def hostile(base_repo) -> Callable[..., helpers.CliResult]:
    """Lint the base strategy plus the given files; returns the CLI result."""

    def run(files: dict[str, str | bytes], limit: float = LIMIT_SECONDS) -> helpers.CliResult:
        return lint_timed(base_repo(files), limit)

    return run


def only(result: helpers.CliResult, path: str, line: int, code: str, column: int | None = None) -> dict:
    """The run reported exactly this one finding (the base strategy is clean)."""
    assert result.findings() == {(path, line, code)}, result.diagnostics
    assert result.exit_code == 1
    [d] = result.diagnostics
    if column is not None:
        assert d["column"] == column, d
    return d


F = "strategy/people/hostile.yaml"


# --- syntax, duplicates, encodings -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("kind: Person\nid: dora\nname: [Dora\n", 3),   # unclosed flow sequence (reported where it opens)
        ("kind: Person\nid: dora\n  name: Dora\n", 3),  # bad indentation
        ("kind: Person\nid: 'dora\nname: D\n", 2),      # unterminated quote (reported where it opens)
        ("kind: Person\n- dora\n", 2),                  # mapping then sequence
        ("kind: Person\nid: dora\nname: {a: 1\n", 3),
        ("]\n", 1),
        ("kind: Person\nid: dora\nname: a: b\n", 3),
    ],
)
def test_syntax_errors(hostile, text: str, line: int) -> None:
    d = only(hostile({F: text}), F, line, "E001")
    assert d["message"].startswith("not valid YAML")


def test_duplicate_keys(hostile) -> None:
    result = hostile({F: "kind: Person\nid: dora\nname: Dora\nname: Eve\ntitle: a\ntitle: b\n"})
    assert result.findings() == {(F, 4, "E002"), (F, 6, "E002")}


def test_latin1(hostile) -> None:
    d = only(hostile({F: b"kind: Person\nid: dora\nname: Dor\xe1\n"}), F, 3, "E003", column=10)
    assert "0xe1" in d["message"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(hostile, encoding: str) -> None:
    d = only(hostile({F: PERSON.encode(encoding)}), F, 1, "E003")
    assert "UTF-16" in d["message"]


def test_utf8_bom_is_accepted(hostile) -> None:
    result = hostile({F: b"\xef\xbb\xbf" + PERSON.encode()})
    assert result.diagnostics == [] and result.exit_code == 0
    assert result.json["summary"]["documents"] == 24


def test_tabs(hostile) -> None:
    d = only(hostile({F: "kind: Person\nid: dora\nx-extra:\n\tname: Dora\n"}), F, 4, "E001")
    assert "tab" in d["message"]


@pytest.mark.parametrize(("text", "line"), [("", 1), ("\n\n", 1), ("\n# nothing here yet\n", 2), ("---\n", 1),
                                          ("---\n...\n", 1), ("...\n", 1)])
def test_empty_and_comment_only_files_are_a_warning(hostile, text: str, line: int) -> None:
    # The file adds nothing (a goal commented out or emptied by a merge): named, but not an error.
    result = hostile({F: text})
    assert result.findings() == {(F, line, "E008")}, result.diagnostics
    assert result.diagnostics[0]["severity"] == "warning" and result.exit_code == 0
    assert result.json["summary"]["documents"] == 23


@pytest.mark.parametrize(
    ("text", "line", "word"),
    [
        ("- kind: Person\n  id: dora\n", 1, "a list"),
        ("just some words\n", 1, "a text value"),
        ("# header\n\n42\n", 3, "a number"),
        ("kind: Person\nid: dora\nname: D\n---\n[1, 2]\n", 5, "a list"),
        ("true\n", 1, "a boolean"),
    ],
)
def test_non_mapping_documents(hostile, text: str, line: int, word: str) -> None:
    d = only(hostile({F: text}), F, line, "E004")
    assert word in d["message"]


# --- resource limits --------------------------------------------------------------------


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "kind: Person\nid: dora\nx-laughs:\n" + "".join(f"  {line}\n" for line in lines)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        (billion_laughs(), 4, 7),
        ("kind: Person\nid: dora\nx-a: &a [*a]\n", 3, 6),
        ("kind: Person\nid: dora\nname: *nothing\n", 3, 7),
    ],
    ids=["billion-laughs", "recursive-alias", "undefined-alias"],
)
def test_aliases_are_refused_in_bounded_time_and_memory(base_repo, text: str, line: int, column: int) -> None:
    root = base_repo({F: text})
    d = only(lint_timed(root), F, line, "E005", column=column)
    assert "anchors and aliases are not allowed" in d["message"]
    tracemalloc.start()
    try:
        helpers.lint_json(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.parametrize(
    ("body", "column"),
    [
        ("[" * 20_000, 3 + 63),              # flow sequences: E005 at the 64th bracket
        ("{a: " * 20_000, 3 + 63 * 4),       # flow mappings
        ("- " * 20_000 + "x", None),         # block sequences, all on one line
    ],
    ids=["flow-lists", "flow-mappings", "block-lists"],
)
def test_deep_nesting_20000_levels(base_repo, body: str, column: int | None) -> None:
    root = base_repo({F: "kind: Person\nid: dora\nx-deep:\n  " + body + "\n"})
    start = cpu_seconds()
    d = only(lint_timed(root), F, 4, "E005")
    assert cpu_seconds() - start < LIMIT_SECONDS
    assert "nesting is deeper than 64" in d["message"]
    if column is not None:
        assert d["column"] == column


def test_deep_block_mappings(hostile) -> None:
    body = "".join("  " * depth + f"k{depth}:\n" for depth in range(100))
    d = only(hostile({F: "kind: Person\nid: dora\nname: D\nx-deep:\n" + "".join(
        "  " + line + "\n" for line in body.splitlines())}), F, 4 + 64, "E005")
    assert "nesting" in d["message"]


def test_5000_digit_integer(hostile) -> None:
    d = only(hostile({F: "kind: Person\nid: dora\nname: D\nx-n: " + "7" * 5000 + "\n"}), F, 4, "E005", column=6)
    assert "5000 digits" in d["message"]


def test_file_over_the_size_limit(hostile) -> None:
    from strat.load import MAX_FILE_BYTES

    text = "kind: Person\nid: dora\nname: D\n" + "# padding padding padding\n" * (MAX_FILE_BYTES // 26 + 2)
    d = only(hostile({F: text}), F, 1, "E005")
    assert "larger than" in d["message"]


# --- tags, directives: never constructed --------------------------------------------------


def test_python_object_tag_is_never_constructed(hostile, tmp_path: Path) -> None:
    marker = Path("/tmp") / f"strat-pwned-{uuid.uuid4().hex}"
    text = f'kind: Person\nid: dora\nname: D\nx-run: !!python/object/apply:os.system ["touch {marker}"]\n'
    d = only(hostile({F: text}), F, 4, "E007", column=8)
    assert "python/object/apply:os.system" in d["message"]
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!foo", "!!binary", "!<tag:example.com:x>", "!!python/name:os.system"])
def test_unknown_and_explicit_tags(hostile, tag: str) -> None:
    only(hostile({F: f"kind: Person\nid: dora\nname: {tag} Dora\n"}), F, 3, "E007", column=7)


@pytest.mark.parametrize(
    "directive", ["%YAML 1.3", "%YAML 1.1", "%YAML 2.0", "%TAG !e! tag:example.com,2000:"])
def test_directives(hostile, directive: str) -> None:
    d = only(hostile({F: f"{directive}\n---\n{PERSON}"}), F, 1, "E007")
    assert "directive" in d["message"]


def test_merge_key(hostile) -> None:
    only(hostile({F: "kind: Person\nid: dora\nname: D\nx-a:\n  <<: {b: 1}\n"}), F, 5, "E007")


# --- characters ---------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x9b", "\u2028"])
def test_control_characters(hostile, char: str) -> None:
    d = only(hostile({F: f"kind: Person\nid: dora\nname: Do{char}ra\n"}), F, 3, "E003", column=9)
    assert f"U+{ord(char):04X}" in d["message"]


def test_nul_bytes_at_the_start(hostile) -> None:
    only(hostile({F: b"\x00\x00\x00\x00kind: Person\n"}), F, 1, "E003")


# --- filesystem ---------------------------------------------------------------------------


def test_symlink_outside_is_refused_and_its_target_never_opened(base_repo, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.yaml"
    # Were it read, this would add a syntax error (E001) to the findings.
    secret.write_text("kind: Person\nid: [unclosed\n")
    root = base_repo()
    os.symlink(secret, root / "strategy/people/secret.yaml")
    opened: list[str] = []
    real_open = os.open

    def spy(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(os.path.realpath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    d = only(lint_timed(root), "strategy/people/secret.yaml", 1, "E006")
    assert "outside the repository" in d["message"]
    assert str(secret.resolve()) not in opened
    assert any(p.endswith("people.yaml") for p in opened)  # the spy does see the reads


def load_in_thread(root: Path, fifo: Path, seconds: float = 3.0):  # type: ignore[no-untyped-def]
    """`load_tree` in a worker thread: returns (result, blocked). Opening a FIFO for reading
    blocks until a writer comes; if the worker blocks, open the write end to release it,
    so a regression fails the test instead of hanging the suite."""
    from strat.load import load_tree

    box: dict = {}
    worker = threading.Thread(target=lambda: box.update(result=load_tree(root, root / "strategy")), daemon=True)
    worker.start()
    worker.join(seconds)
    blocked = worker.is_alive()
    if blocked:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(seconds)
    return box.get("result"), blocked


def test_symlink_outside_to_a_fifo_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    root = helpers.copy_base(tmp_path / "repo", git=False)
    os.symlink(fifo, root / "strategy/people/pipe.yaml")
    result, blocked = load_in_thread(root, fifo)
    assert not blocked, "strat opened a FIFO outside the repository"
    assert [(d.code, d.location.path) for d in result.diagnostics] == [("E006", "strategy/people/pipe.yaml")]
    assert "outside the repository" in result.diagnostics[0].message


def test_symlinked_folder_outside_is_refused(base_repo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "p.yaml").write_text("kind: Person\nid: [unclosed\n")
    root = base_repo()
    os.symlink(outside, root / "strategy/more")
    only(lint_timed(root), "strategy/more", 1, "E006")


def test_symlink_loop(base_repo) -> None:
    root = base_repo()
    os.symlink("b.yaml", root / "strategy/a.yaml")
    os.symlink("a.yaml", root / "strategy/b.yaml")
    result = lint_timed(root)
    assert result.findings() == {("strategy/a.yaml", 1, "E006"), ("strategy/b.yaml", 1, "E006")}


def test_broken_symlink(base_repo) -> None:
    root = base_repo()
    os.symlink("missing.yaml", root / "strategy/gone.yaml")
    only(lint_timed(root), "strategy/gone.yaml", 1, "E006")


def test_symlinked_directory_loops_are_read_once(base_repo) -> None:
    root = base_repo()
    os.symlink(".", root / "strategy/again")
    os.symlink("..", root / "strategy/people/up")
    os.symlink("../../strategy", root / "strategy/goals/strategy-again")
    result = lint_timed(root)
    # every file read once: no duplicate ids (R202), no extra files
    assert result.diagnostics == [] and result.exit_code == 0
    assert result.json["summary"]["files"] == 21


def test_symlink_inside_the_repo_is_read(base_repo) -> None:
    root = base_repo({"shared/dora.yaml": PERSON})
    os.symlink("../../shared/dora.yaml", root / "strategy/people/dora.yaml")
    result = lint_timed(root)
    assert result.diagnostics == [] and result.json["summary"]["documents"] == 24


def test_fifo_inside_the_strategy_folder_does_not_block(tmp_path: Path) -> None:
    """A FIFO (or other non-regular file) named *.yaml must be reported (E006: cannot be
    read safely), not opened: opening it for reading blocks until a writer appears."""
    root = helpers.copy_base(tmp_path / "repo", git=False)
    fifo = root / "strategy/people/pipe.yaml"
    os.mkfifo(fifo)
    result, blocked = load_in_thread(root, fifo)
    assert not blocked, "strat blocked opening a FIFO named pipe.yaml"
    assert [(d.code, d.location.path) for d in result.diagnostics] == [("E006", "strategy/people/pipe.yaml")]


# --- schema-level surprises --------------------------------------------------------------


def test_impossible_date(hostile) -> None:
    text = (helpers.BASE / "strategy/decisions/no-card-trial.yaml").read_text().replace(
        "date: 2026-08-10", "date: 2026-13-45")
    d = only(hostile({"strategy/decisions/no-card-trial.yaml": text}),
             "strategy/decisions/no-card-trial.yaml", 4, "S104", column=7)
    assert "2026-13-45" in d["message"]


def test_boolean_surprise(hostile) -> None:
    text = (helpers.BASE / "strategy/goals/fewer-setup-tickets.yaml").read_text() + "status: NO\n"
    d = only(hostile({"strategy/goals/fewer-setup-tickets.yaml": text}),
             "strategy/goals/fewer-setup-tickets.yaml", 22, "S104", column=9)
    assert "boolean" in d["message"]


@pytest.mark.parametrize("kind", ["[Person]", "{is: Person}"])
def test_kind_that_is_not_text(hostile, kind: str) -> None:
    d = only(hostile({F: f"kind: {kind}\nid: dora\nname: D\n"}), F, 1, "S101", column=7)
    assert "kind" in d["message"]


# --- graph size ---------------------------------------------------------------------------


def _chain_goal(i: int, parent: str) -> str:
    return (f"kind: Goal\nid: chain-{i}\ntitle: Link {i}\nowner: cwu\nteam: onboarding\nparent: {parent}\n"
            "period: 2026-h2\noutcome: {metric: activation-rate, baseline: 0.3, target: 0.4}\n"
            "customer_progress: Faster.\n")


def _chain_file(n: int, first_parent: str) -> str:
    return "---\n".join([_chain_goal(0, first_parent)] + [_chain_goal(i, f"chain-{i - 1}") for i in range(1, n)])


def test_5000_long_parent_chain(hostile) -> None:
    result = hostile({"strategy/goals/chain.yaml": _chain_file(5000, "grow-retention")},
                     limit=LIMIT_SECONDS_5000_DOCUMENTS)
    assert result.json["summary"]["documents"] == 23 + 5000
    # no file, schema or reference finding; only the alignment rules may speak (one-link)
    assert not [d for d in result.diagnostics if d["code"][0] in "ESR"], result.diagnostics[:5]


def test_5000_long_parent_cycle_is_one_r204(hostile) -> None:
    result = hostile({"strategy/goals/chain.yaml": _chain_file(5000, "chain-4999")},
                     limit=LIMIT_SECONDS_5000_DOCUMENTS)
    [d] = result.diagnostics
    assert (d["path"], d["line"], d["code"]) == ("strategy/goals/chain.yaml", 6, "R204")
    assert "(5000 links)" in d["message"]
    assert len(d["message"]) < 1000


def test_metric_drives_clique_is_one_r204(hostile) -> None:
    nodes = [f"m{i:02d}" for i in range(40)]
    files: dict[str, str | bytes] = {}
    for a in nodes:
        drives = "".join(f"  - metric: {b}\n    hypothesis: h\n" for b in nodes if b != a)
        files[f"strategy/metrics/clique/{a}.yaml"] = (
            f"kind: Metric\nid: {a}\nname: M {a}\nunit: count\ntype: leading\nbetter: up\ndrives:\n{drives}")
    result = hostile(files)
    assert [d["code"] for d in result.diagnostics if d["code"][0] in "ESR"] == ["R204"]
    [d] = [d for d in result.diagnostics if d["code"] == "R204"]
    assert d["path"] == "strategy/metrics/clique/m00.yaml"
    assert "m00 → m01 → m00" in d["message"]


def test_bidirectional_override_in_the_file_is_refused() -> None:
    # "Trojan Source": the diff a reviewer reads would show other text than the file holds.
    from strat.load import parse_bytes

    source, [d] = parse_bytes("kind: Goal\nid: g\ntitle: invoice\u202egnp.exe\n".encode(), "g.yaml")
    assert source is None and (d.code, d.location.line, d.location.column) == ("E003", 3, 15)
    assert "U+202E" in d.message
