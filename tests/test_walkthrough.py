"""The Getting started page, followed literally, so the documentation cannot rot.

The test reads `site/guide/getting-started.md` and runs the commands of its ```console
blocks, in order, in one bash shell started in an empty temporary folder (so `cd`
carries from one command to the next, as it does for a reader), with the `strat` under
test first on PATH, HOME set to the temporary folder, and a git identity in the
environment. Nothing reaches the network: the page's "first pull request" pushes to a
bare repository next to the strategy repository.

The conventions of the page, which a writer keeps:

* Only ```console blocks run. A line starting with `$ ` is a command; the lines after it,
  up to the next command or the end of the block, are the output the page shows. A
  command ending in a here-document (`<<'EOF'`) takes the lines up to its delimiter.
  ```sh blocks are snippets for the reader and never run (`strat site serve`, lines for
  a shell's start-up file).
* A command must exit 0, unless its comment says otherwise: `strat lint   # exits 1: …`.
* Every output line shown must appear in the command's output (stdout and stderr
  together; runs of spaces count as one). `…` in a line stands for any text, and a line
  that is only `…` stands for lines the page leaves out. Blank lines are not checked.
* A console block right after an HTML comment starting `<!-- walkthrough: skip` does not
  run. The install block uses it: instead of `pip install strategy-as-code`, the test puts the
  strat it is testing (this environment's) first on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "site" / "guide" / "getting-started.md"
SKIP_MARK = "<!-- walkthrough: skip"
HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1\s*$")
EXITS = re.compile(r"#.*\bexits (\d+)\b")


@dataclass
class Step:
    command: str
    expect_exit: int = 0
    output: list[str] = field(default_factory=list)
    line: int = 0  # line of the page, for messages


def parse(page: str) -> list[Step]:
    """The runnable commands of the page, in order."""
    steps: list[Step] = []
    lines = page.splitlines()
    skip_next = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith(SKIP_MARK):
            skip_next = True
        fence = line.strip()
        if fence.startswith("```") and fence != "```":
            lang = fence[3:].strip()
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
            if lang == "console" and not skip_next:
                steps += _block(lines[i + 1:end], i + 2)
            if lang == "console":
                skip_next = False
            i = end + 1
            continue
        i += 1
    return steps


def _block(lines: list[str], first_line: int) -> list[Step]:
    steps: list[Step] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = line[2:]
            step = Step(command, line=first_line + i)
            heredoc = HEREDOC.search(command)
            if heredoc:
                body = []
                i += 1
                while i < len(lines) and lines[i] != heredoc.group(2):
                    body.append(lines[i])
                    i += 1
                step.command = "\n".join([command, *body, heredoc.group(2)])
            else:
                found = EXITS.search(command)
                step.expect_exit = int(found.group(1)) if found else 0
            steps.append(step)
        elif steps and line.strip():
            steps[-1].output.append(line)
        i += 1
    return steps


def _squash(text: str) -> str:
    return " ".join(text.split())


def shown(expected: str, actual_lines: list[str]) -> bool:
    """Whether an output line of the page appears in the actual output."""
    want = _squash(expected)
    if want == "…":
        return True
    pattern = re.compile("^" + ".*".join(re.escape(part) for part in want.split("…")) + "$")
    return any(pattern.match(_squash(line)) for line in actual_lines)


def strat_bin() -> Path | None:
    here = Path(sys.executable).parent / "strat"
    if here.exists():
        return here.parent
    found = shutil.which("strat")
    return Path(found).parent if found else None


def environment(home: Path, bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "STRAT_", "GITHUB_"))}
    env.update({
        "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        "HOME": str(home),
        "GIT_AUTHOR_NAME": "Kim Example", "GIT_AUTHOR_EMAIL": "kim@example.com",
        "GIT_COMMITTER_NAME": "Kim Example", "GIT_COMMITTER_EMAIL": "kim@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PYTHONUTF8": "1",  # the tree's box-drawing characters, whatever the locale
    })
    return env


def run_steps(steps: list[Step], cwd: Path, env: dict[str, str]) -> list[tuple[str, int]]:
    """Run every step in one bash process; (output, exit code) per step."""
    script = ["exec </dev/null"]
    for n, step in enumerate(steps):
        script += [f"echo '@@walkthrough {n} start@@'", step.command, f"echo \"@@walkthrough {n} exit $?@@\""]
    done = subprocess.run(["bash", "-c", "\n".join(script) + "\n"], cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=600)
    text = done.stdout.decode("utf-8", "replace")
    out = []
    for n in range(len(steps)):
        match = re.search(rf"@@walkthrough {n} start@@\n(.*?)@@walkthrough {n} exit (\d+)@@", text, re.S)
        assert match, f"step {n} ({steps[n].command.splitlines()[0]}) never finished; the shell said:\n{text[-3000:]}"
        out.append((match.group(1), int(match.group(2))))
    return out


def test_the_page_has_the_steps_it_promises() -> None:
    steps = parse(PAGE.read_text(encoding="utf-8"))
    commands = [s.command.splitlines()[0] for s in steps]
    for needed in ("strat --version", "strat init acme-strategy", "strat lint", "strat site build",
                   "git init -q --bare", "git switch -q -c", "strat checkin", "strat diff main"):
        assert any(c.startswith(needed) for c in commands), needed
    assert not any("pip install" in c for c in commands), "the install block must be marked walkthrough: skip"
    assert [s.expect_exit for s in steps if s.command.startswith("strat lint ")] == [1]


def test_getting_started_works_as_written(tmp_path: Path) -> None:
    bin_dir = strat_bin()
    if bin_dir is None:
        pytest.skip("no `strat` command installed in this environment")
    if shutil.which("git") is None or shutil.which("bash") is None:
        pytest.skip("the walkthrough needs git and bash")
    steps = parse(PAGE.read_text(encoding="utf-8"))
    work = tmp_path / "reader"
    work.mkdir()
    results = run_steps(steps, work, environment(tmp_path, bin_dir))
    for step, (output, code) in zip(steps, results):
        where = f"{PAGE.name}:{step.line}: `{step.command.splitlines()[0]}`"
        assert code == step.expect_exit, f"{where} exited {code}, the page expects {step.expect_exit}:\n{output}"
        lines = output.splitlines()
        for expected in step.output:
            assert shown(expected, lines), f"{where}: the page shows\n  {expected}\nbut the output was:\n{output}"
    repo = work / "acme-strategy"
    assert (repo / "public" / "index.html").is_file()
    log = subprocess.run(["git", "log", "--format=%s", "origin/weekly-checkin"], cwd=repo, capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert log[:3] == ["faster-activation: weekly check-in", "Support's goal: fewer setup tickets", "Starter strategy"]


def test_shell_completion_as_documented(tmp_path: Path) -> None:
    """`_STRAT_COMPLETE=…_source strat` prints each shell's script, and the page's bash
    line registers the completion."""
    bin_dir = strat_bin()
    if bin_dir is None:
        pytest.skip("no `strat` command installed in this environment")
    env = environment(tmp_path, bin_dir)
    marks = {"bash": "complete -o nosort -F _strat_completion strat", "zsh": "#compdef strat",
             "fish": "complete --no-files --command strat"}
    for shell, mark in marks.items():
        done = subprocess.run(["strat"], env={**env, "_STRAT_COMPLETE": f"{shell}_source"}, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0 and mark in done.stdout, (shell, done.stdout, done.stderr)
    page = PAGE.read_text(encoding="utf-8")
    line = 'eval "$(_STRAT_COMPLETE=bash_source strat)"'
    assert line in page
    if shutil.which("bash"):
        done = subprocess.run(["bash", "-c", f"{line}\ncomplete -p strat"], env=env, capture_output=True,
                              text=True, timeout=60)
        assert "_strat_completion" in done.stdout, done.stderr
    # Values complete too: rule codes for `strat explain`, kinds for `strat schema`.
    for words, want in (("strat explain A30", "A301"), ("strat schema go", "goal"), ("strat li", "lint")):
        done = subprocess.run(["strat"], env={**env, "_STRAT_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                              "COMP_CWORD": str(len(words.split()) - 1)},
                              capture_output=True, text=True, timeout=60)
        assert f"plain,{want}" in done.stdout.splitlines(), (words, done.stdout)


def test_the_parser_follows_the_conventions() -> None:
    page = "\n".join([
        "<!-- walkthrough: skip -->", "```console", "$ pip install strategy-as-code", "```",
        "```sh", "strat site serve", "```",
        "```console", "$ strat lint   # exits 1: a finding", "a.yaml:1:1: …", "", "$ cat > f <<'EOF'",
        "$ not a command", "EOF", "$ echo done", "done", "```",
    ])
    steps = parse(page)
    assert [(s.command, s.expect_exit, s.output) for s in steps] == [
        ("strat lint   # exits 1: a finding", 1, ["a.yaml:1:1: …"]),
        ("cat > f <<'EOF'\n$ not a command\nEOF", 0, []),
        ("echo done", 0, ["done"]),
    ]
    assert shown("a.yaml:1:1: …", ["a.yaml:1:1: R201 error x"])
    assert shown("x  y", ["x y"]) and not shown("x y", ["x z"])
