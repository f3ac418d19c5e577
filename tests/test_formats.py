"""The CI output formats: `--format github` (workflow commands read by the Actions
runner), `--format sarif` (validated against the official OASIS schema) and the Markdown
job summary written to `$GITHUB_STEP_SUMMARY`.

Strategy files arrive in pull requests, so text from them (keys, values, file names)
must reach each format as data: it must not become a second workflow command, break a
SARIF URI or turn into Markdown or HTML in the job summary."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pytest

import helpers
from strat.codes import all_codes
from strat.diagnostics import Diagnostic, Location, Severity
from strat.formats import github, markdown
from strat.formats.report import Report
from test_cases import build_case

SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared/data/sarif-schema-2.1.0.json"

# A file name and a YAML key carrying everything the formats must neutralise: the
# property separators of a workflow command, a percent sign, line breaks (LF and CR),
# the runner's legacy `##[command]` form, Markdown table pipes, backticks and HTML.
HOSTILE_FILE = "strategy/people/odd, name: 100%|`x`<script>.yaml"
HOSTILE_KEY = "k\\n::warning file=README.md::injected\\r|`<script>alert(1)</script>`##[stop-commands]tok 5%"
HOSTILE_KEY_TEXT = "k\n::warning file=README.md::injected\r|`<script>alert(1)</script>`##[stop-commands]tok 5%"
HOSTILE_PERSON = f'kind: Person\nid: odd-person\nname: Odd\n"{HOSTILE_KEY}": 1\n'


def lint(root: Path, fmt: str, *extra: str) -> helpers.CliResult:
    return helpers.run_cli(["lint", str(root / "strategy"), "--format", fmt, "--today", helpers.TODAY, *extra])


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The acceptance case where every alignment rule fires once (errors, warnings and
    an info), built on the base strategy."""
    return build_case(helpers.CASES / "lint" / "every-rule-fires-once", tmp_path_factory.mktemp("showcase"))


@pytest.fixture(scope="module")
def showcase_json(showcase: Path) -> list[dict]:
    result = lint(showcase, "json")
    assert result.exit_code == 1, result.stderr
    return result.diagnostics


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base strategy plus one person whose file name and unknown key are hostile."""
    return helpers.copy_base(tmp_path_factory.mktemp("hostile") / "repo", {HOSTILE_FILE: HOSTILE_PERSON})


def many_errors(root: Path, n: int, extra: dict[str, str] | None = None) -> Path:
    """The base strategy plus `n` people with one unknown field each: n S103 errors."""
    files = {f"strategy/people/p{i:02d}.yaml": f"kind: Person\nid: p{i:02d}\nname: P\nbogus: 1\n" for i in range(n)}
    return helpers.copy_base(root, {**files, **(extra or {})})


def diag(code: str = "S103", severity: Severity = Severity.ERROR, message: str = "m",
         path: str = "strategy/a.yaml", line: int = 3, column: int = 5) -> Diagnostic:
    return Diagnostic(code, severity, message, Location(path, line, column))


# --- the Actions runner's reading of a log line ---------------------------------------
# A model of actions/runner's ActionCommand parsing: the `::name props::data` form at the
# start of a line (after leading blanks), else the legacy `##[name props]data` form
# anywhere in the line. Unescaping follows the runner's tables, `%25` last.

RUNNER_COMMANDS = {"error", "warning", "notice", "debug", "group", "endgroup", "add-mask", "add-matcher",
                   "remove-matcher", "echo", "set-output", "save-state", "set-env", "add-path", "stop-commands"}


@dataclass
class Command:
    name: str
    properties: dict[str, str] = field(default_factory=dict)
    data: str = ""


def _unescape(text: str, property: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if property else []) + [("%25", "%")]
    for escaped, raw in pairs:
        text = text.replace(escaped, raw)
    return text


def runner_parse(line: str) -> Command | None:
    """The workflow command the runner would read from one log line, or None."""
    stripped = line.lstrip()
    if stripped.startswith("::"):
        end = stripped.find("::", 2)
        if end >= 0:
            info = stripped[2:end]
            name, _, props = info.partition(" ")
            if name in RUNNER_COMMANDS:
                command = Command(name, data=_unescape(stripped[end + 2:], property=False))
                for part in filter(None, props.strip().split(",")):
                    key, sep, value = part.partition("=")
                    if sep and key and value:
                        command.properties[key] = _unescape(value, property=True)
                return command
    start = line.find("##[")
    if start >= 0:
        close = line.find("]", start)
        if close >= 0:
            name = line[start + 3:close].partition(" ")[0]
            if name in RUNNER_COMMANDS:
                return Command(name, data=line[close + 1:])
    return None


def commands(output: str) -> list[Command]:
    """Every workflow command in `output`, read line by line as the runner does (it
    splits the log at LF; a lone CR also ends a line in the log viewer, so split there too)."""
    found = []
    for line in re.split(r"\r\n|\r|\n", output):
        command = runner_parse(line)
        if command is not None:
            found.append(command)
    return found


# --- --format github: escaping ---------------------------------------------------------

@pytest.mark.parametrize(("raw", "escaped"), [
    ("100%", "100%25"),
    ("a\nb", "a%0Ab"),
    ("a\rb", "a%0Db"),
    ("a\r\nb", "a%0D%0Ab"),
    ("%0A stays text", "%250A stays text"),  # `%` first, or a literal %0A would decode to LF
    ("a: b, c", "a: b, c"),  # `:` and `,` are only special in properties
])
def test_escape_data(raw: str, escaped: str) -> None:
    assert github.escape_data(raw) == escaped
    assert _unescape(escaped, property=False) == raw


@pytest.mark.parametrize(("raw", "escaped"), [
    ("strategy/a, b.yaml", "strategy/a%2C b.yaml"),
    ("C:/x", "C%3A/x"),
    ("100%", "100%25"),
    ("a\r\nb", "a%0D%0Ab"),
    ("%3A", "%253A"),
])
def test_escape_property(raw: str, escaped: str) -> None:
    assert github.escape_property(raw) == escaped
    assert _unescape(escaped, property=True) == raw


def test_annotation_is_one_command_that_reads_back_exactly() -> None:
    path = "strategy/goals/odd, name: 100%.yaml"
    message = "first line\nsecond: 50%, third\r\n::error::not a command"
    out = github.render(Report([diag("A301", Severity.ERROR, message, path, 12, 7)], files=1, documents=1))
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=strategy/goals/odd%2C name%3A 100%25.yaml,line=12,col=7,title=A301 (error)"
        "::A301 first line%0Asecond: 50%25, third%0D%0A::error::not a command")
    found = commands(out)
    assert len(found) == 1
    assert found[0].name == "error"
    assert found[0].properties == {"file": path, "line": "12", "col": "7", "title": "A301 (error)"}
    assert found[0].data == f"A301 {message}"


def test_severity_maps_to_error_warning_notice() -> None:
    report = Report([diag("A301", Severity.ERROR, path="strategy/e.yaml"),
                     diag("A304", Severity.WARNING, path="strategy/w.yaml"),
                     diag("A312", Severity.INFO, path="strategy/i.yaml")], files=3, documents=3)
    found = commands(github.render(report))
    assert [(c.name, c.properties["file"], c.properties["title"]) for c in found] == [
        ("error", "strategy/e.yaml", "A301 (error)"),
        ("warning", "strategy/w.yaml", "A304 (warning)"),
        ("notice", "strategy/i.yaml", "A312 (info)"),
    ]


def test_clean_run_prints_only_the_summary() -> None:
    out = github.render(Report([], files=4, documents=5))
    assert commands(out) == []
    assert out == "strat: 0 error(s), 0 warning(s), 0 info in 5 documents\n"


# --- --format github: the CLI on real strategies ---------------------------------------

def test_github_annotates_every_finding_of_the_showcase(showcase: Path, showcase_json: list[dict]) -> None:
    result = lint(showcase, "github")
    assert result.exit_code == 1
    level = {"error": "error", "warning": "warning", "info": "notice"}
    expected = sorted((level[d["severity"]], d["path"], d["line"], d["column"], d["code"], d["message"])
                      for d in showcase_json)
    got = sorted((c.name, c.properties["file"], int(c.properties["line"]), int(c.properties["col"]),
                  c.data.split(" ", 1)[0], c.data.split(" ", 1)[1]) for c in commands(result.stdout))
    assert got == expected
    assert {name for name, *_ in got} == {"error", "warning", "notice"}
    assert result.stdout.splitlines()[-1].startswith("strat: ")


def test_github_hostile_file_name_and_key_stay_inside_one_annotation(hostile: Path) -> None:
    result = lint(hostile, "github")
    assert result.exit_code == 1
    found = commands(result.stdout)
    assert len(found) == 1, result.stdout
    assert found[0].name == "error"
    assert found[0].properties["file"] == HOSTILE_FILE
    assert found[0].properties["line"] == "4"
    assert HOSTILE_KEY_TEXT in found[0].data
    assert len(result.stdout.splitlines()) == 2  # the annotation and the summary line


def test_github_note_when_more_findings_than_github_shows(tmp_path: Path) -> None:
    root = many_errors(tmp_path / "repo", 12)
    result = lint(root, "github")
    assert result.exit_code == 1
    found = commands(result.stdout)
    # The note comes first, so it is shown even when the notices themselves overflow.
    note = found[0]
    assert note.name == "notice" and note.properties == {"title": "strat"}
    assert "12 findings" in note.data and "2 " in note.data and "log" in note.data
    assert [c.name for c in found[1:]] == ["error"] * 12
    # Every finding is also in the log as a plain line that is not a command.
    plain = [line for line in result.stdout.splitlines() if runner_parse(line) is None]
    for i in range(12):
        assert any(line.startswith(f"strategy/people/p{i:02d}.yaml:4:1: S103 error") for line in plain), plain


def test_github_no_note_at_exactly_ten_per_level(tmp_path: Path) -> None:
    report = Report([diag(path=f"strategy/e{i}.yaml") for i in range(10)]
                    + [diag("A304", Severity.WARNING, path=f"strategy/w{i}.yaml") for i in range(10)]
                    + [diag("A312", Severity.INFO, path=f"strategy/i{i}.yaml") for i in range(10)],
                    files=30, documents=30)
    out = github.render(report)
    found = commands(out)
    assert Counter(c.name for c in found) == {"error": 10, "warning": 10, "notice": 10}
    assert all(c.properties.get("title") != "strat" for c in found)
    assert len(out.splitlines()) == 31


def test_github_note_counts_the_notice_it_takes_itself() -> None:
    # 11 errors overflow; the note is one of the 10 notices GitHub shows, so of the 10
    # info findings one is pushed out of view as well: 1 + 1 hidden.
    report = Report([diag(path=f"strategy/e{i:02d}.yaml") for i in range(11)]
                    + [diag("A312", Severity.INFO, path=f"strategy/i{i}.yaml") for i in range(10)],
                    files=21, documents=21)
    found = commands(github.render(report))
    assert found[0].properties == {"title": "strat"}
    assert "21 findings" in found[0].data and "so 2 " in found[0].data


def test_github_log_lines_after_the_note_are_not_commands(tmp_path: Path) -> None:
    # Past GitHub's cap every finding is repeated as a plain log line: those lines carry
    # YAML text too, and must neither start a `::` command nor hold a legacy `##[` one.
    root = many_errors(tmp_path / "repo", 11, {HOSTILE_FILE: HOSTILE_PERSON})
    result = lint(root, "github")
    found = commands(result.stdout)
    assert Counter(c.name for c in found) == {"error": 12, "notice": 1}, result.stdout
    assert not any(c.name in {"warning", "stop-commands"} for c in found)
    hostile = [c for c in found if c.properties.get("file") == HOSTILE_FILE]
    assert len(hostile) == 1 and HOSTILE_KEY_TEXT in hostile[0].data


@pytest.mark.parametrize("text", ["::error::x", "  ::warning::y", "##[error]z", "a ##[stop-commands]t b"])
def test_github_log_line_never_reads_as_a_command(text: str) -> None:
    report = Report([diag(path=f"strategy/e{i:02d}.yaml") for i in range(10)]
                    + [diag(message=text, path="strategy/z.yaml")], files=11, documents=11)
    out = github.render(report)
    assert Counter(c.name for c in commands(out)) == {"error": 11, "notice": 1}
    assert any(line.startswith("strategy/z.yaml:3:5: S103 error ") for line in out.splitlines())


# --- --format sarif -----------------------------------------------------------------------

def sarif_schema() -> dict:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the OASIS SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (it lives beside the project, "
                    "in shared/data/, and is not copied into it)")
    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))


def assert_valid_sarif(log: dict) -> None:
    import jsonschema

    schema = sarif_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


# RFC 3986 URI-reference characters: unreserved, reserved and %XX escapes. jsonschema
# only checks `format: uri-reference` with an optional package, and GitHub's upload-sarif
# rejects a log whose artifact URI is not one, so the test checks it itself.
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")


def assert_uri_reference_for(uri: str, path: str) -> None:
    assert URI_REFERENCE.match(uri), f"not an RFC 3986 URI reference: {uri!r}"
    first_segment = uri.split("/", 1)[0]
    assert ":" not in first_segment, f"{uri!r} would read as a URI scheme"
    assert unquote(uri) == path


def test_sarif_validates_against_the_oasis_schema(showcase: Path, showcase_json: list[dict]) -> None:
    result = lint(showcase, "sarif")
    assert result.exit_code == 1
    log = result.json
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "strat"
    rules = driver["rules"]
    results = run["results"]
    assert len(results) == len(showcase_json)

    # ruleId and ruleIndex agree; every rule is used and listed once.
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    assert set(ids) == {res["ruleId"] for res in results}

    # Levels and locations match the JSON format, finding by finding.
    level = {"error": "error", "warning": "warning", "info": "note"}
    expected = sorted((d["code"], level[d["severity"]], d["path"], d["line"], d["column"], d["message"])
                      for d in showcase_json)
    got = []
    for res in results:
        (loc,) = res["locations"]
        physical = loc["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        got.append((res["ruleId"], res["level"], unquote(uri), physical["region"]["startLine"],
                    physical["region"]["startColumn"], res["message"]["text"]))
    assert sorted(got) == expected
    assert {res["level"] for res in results} == {"error", "warning", "note"}


def test_sarif_rules_carry_metadata_and_help(showcase: Path) -> None:
    log = lint(showcase, "sarif").json
    codes = all_codes()
    level = {"error": "error", "warning": "warning", "info": "note"}
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        info = codes[rule["id"]]
        assert rule["name"] and re.fullmatch(r"[A-Z][A-Za-z0-9]*", rule["name"])
        assert rule["shortDescription"]["text"] == info.summary
        assert rule["help"]["text"].strip() == info.doc.strip()
        assert rule["help"]["markdown"].strip() == info.doc.strip()
        assert "## " in rule["help"]["markdown"]  # the sectioned documentation, not just a title
        assert rule["defaultConfiguration"]["level"] == level[info.severity.value]


def test_sarif_clean_run_is_valid_and_empty(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo")
    result = lint(root, "sarif")
    assert result.exit_code == 0
    assert_valid_sarif(result.json)
    run = result.json["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_sarif_hostile_file_name_is_a_valid_uri_reference(hostile: Path) -> None:
    result = lint(hostile, "sarif")
    log = result.json
    assert_valid_sarif(log)
    (res,) = log["runs"][0]["results"]
    assert_uri_reference_for(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], HOSTILE_FILE)
    assert HOSTILE_KEY_TEXT in res["message"]["text"]


@pytest.mark.parametrize("path", ["strategy/a b.yaml", "strategy/ä.yaml", "a:b.yaml", "strategy/#1?.yaml"])
def test_sarif_uri_of_odd_paths(path: str) -> None:
    from strat.formats import sarif

    log = json.loads(sarif.render(Report([diag(path=path)], files=1, documents=1)))
    assert_valid_sarif(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert_uri_reference_for(uri, path)


def test_sarif_related_locations(tmp_path: Path) -> None:
    # A duplicate id (R202) names the first definition as a related location.
    person = "kind: Person\nid: twin\nname: Twin\n"
    root = helpers.copy_base(tmp_path / "repo", {"strategy/people/twin-a.yaml": person,
                                                  "strategy/people/twin-b.yaml": person})
    log = lint(root, "sarif").json
    assert_valid_sarif(log)
    (res,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "R202"]
    related = res["relatedLocations"]
    assert related and all(r["physicalLocation"]["artifactLocation"]["uri"].startswith("strategy/") for r in related)


# --- the Markdown job summary ----------------------------------------------------------

def table_rows(summary: str) -> list[str]:
    return [line for line in summary.splitlines() if line.startswith("| ") and not line.startswith("| |")]


def test_job_summary_is_appended_when_github_step_summary_is_set(
        showcase: Path, showcase_json: list[dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "summary.md"
    target.write_text("## an earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    result = lint(showcase, "github")
    assert result.exit_code == 1
    summary = target.read_text(encoding="utf-8")
    assert summary.startswith("## an earlier step\n## strat lint\n")
    rows = table_rows(summary)
    assert len(rows) == len(showcase_json)
    for d in showcase_json:
        assert any(f"| {d['code']} | {d['path']}:{d['line']}:{d['column']} |" in row for row in rows), d
    counts = Counter(d["severity"] for d in showcase_json)
    assert f"**{counts['error']}** errors, **{counts['warning']}** warnings, **{counts['info']}** info" in summary
    # Appending twice keeps both runs: the file is the whole job's summary.
    lint(showcase, "json")
    assert target.read_text(encoding="utf-8").count("## strat lint") == 2


def test_job_summary_escapes_yaml_text(hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    lint(hostile, "text")
    summary = target.read_text(encoding="utf-8")
    (row,) = table_rows(summary)
    assert "\r" not in summary
    assert "<script" not in summary and "</script" not in summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert "`" not in row and "&#96;" in row
    # The row keeps its four cells: the only real pipes are the five cell borders.
    assert row.count("|") == 5 and "&#124;" in row
    assert row.startswith("| 🔴 | S103 | strategy/people/odd, name: 100%&#124;&#96;x&#96;&lt;script&gt;.yaml:4:1 |")


def test_job_summary_not_written_without_the_variable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    root = helpers.copy_base(tmp_path / "repo")
    before = sorted(p.relative_to(root) for p in root.rglob("*") if ".git" not in p.parts)
    result = lint(root, "github")
    assert result.exit_code == 0
    assert sorted(p.relative_to(root) for p in root.rglob("*") if ".git" not in p.parts) == before


def test_job_summary_clean_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    root = helpers.copy_base(tmp_path / "repo")
    assert lint(root, "github").exit_code == 0
    summary = target.read_text(encoding="utf-8")
    assert summary.startswith("## strat lint\n") and "All clear" in summary and "|" not in summary


def test_job_summary_unwritable_target_warns_and_keeps_the_exit_code(
        showcase: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory: cannot be opened for append
    result = lint(showcase, "github")
    assert result.exit_code == 1
    assert "cannot write the job summary" in result.stderr


def test_markdown_cell_neutralises_markup() -> None:
    from strat import inert

    # Line breaks are shown as \r and \n (the one convention of strat.inert), no longer as spaces.
    cell = inert.markdown("a|b `c` <img src=x onerror=y> [link](http://e) & d\r\ne\rf")
    assert cell == ("a&#124;b &#96;c&#96; &lt;img src=x onerror=y&gt; &#91;link&#93;(http://e) &amp; "
                    "d&#92;r&#92;ne&#92;rf")


def test_markdown_summary_is_capped() -> None:
    report = Report([diag(path=f"strategy/e{i}.yaml") for i in range(5)], files=5, documents=5)
    summary = markdown.render(report, limit=3)
    assert len(table_rows(summary)) == 3
    assert "… and 2 more; see the job log." in summary


def test_text_and_json_cannot_carry_workflow_commands(tmp_path: Path) -> None:
    import json as jsonlib

    goal = 'kind: Goal\nid: g\n"x\\n::error::owned ##[stop-commands]tok": 1\n'
    root = helpers.copy_base(tmp_path / "repo", {"strategy/goals/g.yaml": goal})
    text = helpers.run_cli(["lint", str(root / "strategy"), "--today", helpers.TODAY]).stdout
    assert "##[" not in text
    assert not any(line.startswith("::") for line in text.splitlines())
    raw = helpers.run_cli(["lint", str(root / "strategy"), "--format", "json", "--today", helpers.TODAY]).stdout
    assert "##[" not in raw
    messages = [d["message"] for d in jsonlib.loads(raw)["diagnostics"]]
    assert any("##[stop-commands]" in m for m in messages)  # the data itself is intact
