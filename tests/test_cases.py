"""Acceptance cases as data: every folder under tests/cases/lint/ is an overlay on the
valid base strategy (tests/cases/base/). Its files replace or add to a copy of the base;
an optional `make.py` with `make(root)` creates what plain files cannot (bytes, symlinks);
`expected.txt` lists the exact findings, one `<path>:<line> <CODE>` per line (or
`<path>:<line>:<column> <CODE>`, and then the column is checked too), with an optional
first line `# exit: N` (default 1 when findings are expected, else 0)."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

import helpers

CASE_ROOT = helpers.CASES / "lint"
SPECIAL = {"expected.txt", "make.py"}
LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+)(?::(?P<column>\d+))? (?P<code>[A-Z]\d{3})$")


def case_dirs() -> list[Path]:
    return sorted(p for p in CASE_ROOT.iterdir() if p.is_dir())


def read_expected(case: Path) -> tuple[set[tuple[str, int, str]], int]:
    expected: set[tuple[str, int, str]] = set()
    exit_code: int | None = None
    for raw in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            match = re.fullmatch(r"#\s*exit:\s*(\d+)", line)
            if match:
                exit_code = int(match.group(1))
            continue
        parsed = LINE.match(line)
        assert parsed, f"{case.name}/expected.txt: cannot read {raw!r}"
        expected.add((parsed["path"], int(parsed["line"]), parsed["code"]))
    if exit_code is None:
        exit_code = 1 if expected else 0
    return expected, exit_code


def expected_columns(case: Path) -> dict[tuple[str, int, str], int]:
    """The columns `expected.txt` gives (`<path>:<line>:<column> <CODE>` lines)."""
    out = {}
    for raw in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        parsed = LINE.match(raw.strip())
        if parsed and parsed["column"]:
            out[(parsed["path"], int(parsed["line"]), parsed["code"])] = int(parsed["column"])
    return out


def build_case(case: Path, root: Path) -> Path:
    helpers.copy_base(root)
    for src in sorted(case.rglob("*")):
        rel = src.relative_to(case)
        if src.is_dir() or rel.as_posix() in SPECIAL or "__pycache__" in rel.parts:
            continue
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    maker = case / "make.py"
    if maker.exists():
        spec = importlib.util.spec_from_file_location(f"case_make_{case.name.replace('-', '_')}", maker)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.make(root)
    return root


def test_every_case_has_expectations() -> None:
    cases = case_dirs()
    assert len(cases) >= 20
    for case in cases:
        assert (case / "expected.txt").is_file(), f"{case.name} has no expected.txt"


def test_base_lints_clean(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo")
    result = helpers.lint_json(root)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.diagnostics == []
    assert result.json["summary"]["documents"] == 23
    assert result.json["summary"]["files"] == 21


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_case(case: Path, tmp_path: Path) -> None:
    expected, exit_code = read_expected(case)
    root = build_case(case, tmp_path / "repo")
    result = helpers.lint_json(root)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    actual = result.findings()
    report = "\n".join(f"{d['path']}:{d['line']}:{d['column']} {d['code']} {d['message']}"
                       for d in result.diagnostics)
    assert actual == expected, f"findings differ:\n{report}"
    columns = {(d["path"], d["line"], d["code"]): d["column"] for d in result.diagnostics}
    for where, column in expected_columns(case).items():
        assert columns[where] == column, f"{where}: column {columns[where]}, expected {column}\n{report}"
    assert result.exit_code == exit_code, report
