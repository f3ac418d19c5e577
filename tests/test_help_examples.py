"""Every example in every `--help` runs as written, in a repository made by `strat init`.

The convention for examples in help texts (what this test reads):

- Examples sit in a block Click prints verbatim: a `\\b` line, then a heading line
  `Example:`, `Examples:` or `Start here:`, then the example lines, indented, until a blank
  line or a line back at the heading's indent.
- Each example line is a shell command, optionally followed by two or more spaces and a
  short description. A line indented deeper than the commands continues a description.
- Examples name only ids of the starter that `strat init` writes (`faster-activation`,
  `grow-active-teams`, …) and files the starter has, or the input files listed in
  `GIVEN_FILES` below (a CSV to import or check in).

The test walks the whole Click command tree (`strat.cli.cli`), reads each command's help as
a user sees it (so a paragraph Click rewraps into its neighbour is caught: the word
`Example:` anywhere but on a heading line fails), and runs the examples of one help in
order, with a shell, in a fresh committed starter (so `strat codeowners` runs before
`strat codeowners --check`, as a reader would). Each must exit 0. `strat site serve`
runs until stopped: it must answer on the address it prints, then stop on Ctrl-C (SIGINT)
with exit 0.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
import pytest

from strat.cli import cli

HEADING = re.compile(r"^(?P<indent> *)(Examples?|Start here):$")
BIN = Path(sys.executable).parent

# Input files the examples name, as a user would have them next to the starter.
GIVEN_FILES = {
    "kpis.csv": "name,unit,type,better,owner,description\n"
                "Monthly recurring revenue,USD,lagging,up,alex,Recurring revenue billed each month\n",
    "okrs.csv": "id,title,owner,team,objective,period,metric,baseline,target\n"
                "fewer-setup-tickets,Fewer setup tickets,sam,growth,grow-active-teams,year-one,"
                "setup-tickets,900,600\n",
    # OKR tools' exports (strat import FORMAT), owners by name: the starter's people have no e-mail
    "viva-goals.csv": "ID,Type,Title,Owner,Teams,Metric Name,Metric Unit,Start,Target,Current Value,Parent IDs\n"
                      "1,Objective,New teams get going in week one,Kim Example,Growth,,,,,,\n"
                      "2,Key Result,Teams that invite a teammate in week one,Kim Example,,,%,30,45,32,1\n",
    "perdoo.csv": "Type,Name,Objective,Owner,Lead,Start value,Current value,Target value\n"
                  "Objective,Fewer setup questions,,Growth,Sam Example,,,\n"
                  "Key Result,Setup tickets per month,Fewer setup questions,Growth,Sam Example,900,800,600\n",
    "quantive.csv": "Type,ID,Goal ID,Name,Owner,Team,Initial value,Actual,Target\n"
                    "Goal,g1,,Setup takes one sitting,Kim Example,Growth,,,\n"
                    "Metric,m1,g1,Week-one activation rate,Kim Example,,0.3,0.33,0.45\n",
    "tability.csv": "Objective,Outcome,Owner,Start value,Target,Current value\n"
                    "Teams plan their first week,,Kim Example,,,\n"
                    "Teams plan their first week,Teams with a plan on day one,Kim Example,10,40,12\n",
    "okr-sheet.csv": "Type,Objective,Key result,Owner,Team,Baseline,Target,Current\n"
                     "Objective,Support answers itself,,Sam Example,Growth,,,\n"
                     "Key result,Support answers itself,Setup tickets per month,Sam Example,,900,600,850\n",
    # dated yesterday: the `strat checkin` example before it checks in today
    "readings.csv": f"goal,date,value,confidence,note\nfaster-activation,{dt.date.today() - dt.timedelta(days=1)},"
                    "0.35,0.6,guided setup live\n",
}


def _commands() -> list[tuple[str, click.Context]]:
    out: list[tuple[str, click.Context]] = []

    def walk(cmd: click.Command, ctx: click.Context) -> None:
        out.append((ctx.command_path, ctx))
        if isinstance(cmd, click.Group):
            for name in sorted(cmd.commands):
                sub = cmd.commands[name]
                walk(sub, click.Context(sub, info_name=name, parent=ctx, terminal_width=80))

    # The group's own settings (`-h`, the width), as `strat` runs: a context without them
    # would also make Click cache a help option without `-h` on the command objects.
    walk(cli, click.Context(cli, info_name="strat", terminal_width=80, **cli.context_settings))
    return out


COMMANDS = _commands()


def help_examples(text: str) -> list[str]:
    """The example command lines of one rendered help text."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = HEADING.match(lines[i])
        i += 1
        if not match:
            continue
        base, column = len(match["indent"]), None
        while i < len(lines) and lines[i].strip():
            indent = len(lines[i]) - len(lines[i].lstrip(" "))
            if indent <= base:
                break
            column = indent if column is None else column
            if indent == column:
                out.append(re.split(r" {2,}", lines[i].strip())[0])
            i += 1
    return out


def test_the_parser_reads_blocks_and_rejects_run_on_examples() -> None:
    text = ("  Examples:\n    strat lint                 check it\n    strat tree x\n"
            "                               more description\n  Exit status: 0\n")
    assert help_examples(text) == ["strat lint", "strat tree x"]
    # The old `strat history --help`: Click had rewrapped the example into the exit codes.
    assert help_examples("  Example: strat history x Exit status: 0 shown\n") == []


def test_every_help_example_is_found() -> None:
    """Every command that shows examples shows them in the block format; at least the
    commands users start with have some."""
    found = {path: help_examples(ctx.command.get_help(ctx)) for path, ctx in COMMANDS}
    for path, ctx in COMMANDS:
        for line in ctx.command.get_help(ctx).splitlines():
            if re.search(r"\bExamples?:", line):
                assert HEADING.match(line), f"{path} --help: an example outside a block: {line!r}"
    for path in ("strat", "strat lint", "strat tree", "strat history", "strat explain", "strat diff"):
        assert found[path], f"{path} --help shows no example"


def _starter(tmp_path: Path, env: dict[str, str]) -> Path:
    subprocess.run([str(BIN / "strat"), "init", "repo"], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    repo = tmp_path / "repo"
    for name, text in GIVEN_FILES.items():
        (repo / name).write_text(text, encoding="utf-8")
    git = ["git", "-C", str(repo)]
    subprocess.run(git + ["add", "-A"], env=env, check=True, capture_output=True)
    subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "starter"], env=env, check=True,
                   capture_output=True)
    # What a clone has: a `main` branch and its remote-tracking ref.
    subprocess.run(git + ["branch", "-f", "main", "HEAD"], env=env, capture_output=True)
    subprocess.run(git + ["update-ref", "refs/remotes/origin/main", "HEAD"], env=env, check=True)
    return repo


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


def _serve(command: str, repo: Path, env: dict[str, str], url: str) -> None:
    host, port = url.split("//")[1].rstrip("/").split(":")
    if not _port_free(host, int(port)):
        pytest.skip(f"{url} is taken by another process; `{command}` needs it")
    proc = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=repo, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"`{command}` ended early:\n{proc.stdout.read().decode() if proc.stdout else ''}"
            try:
                with urllib.request.urlopen(url, timeout=2) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, f"`{command}`: nothing answered on {url}"
                time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS])
def test_help_examples_run_as_written(path: str, tmp_path: Path) -> None:
    ctx = dict(COMMANDS)[path]
    help_text = ctx.command.get_help(ctx)
    examples = help_examples(help_text)
    if not examples:
        pytest.skip(f"{path} --help has no examples")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "NO_COLOR": "1"}
    repo = _starter(tmp_path, env)
    for command in examples:
        assert command.split()[0] in ("strat", "mkdocs"), f"{path} --help: {command!r} is not a command"
        if command.startswith("strat site serve"):
            url = re.search(r"http://[0-9.]+:[0-9]+", help_text)
            assert url, f"{path} --help says no address to open"
            _serve(command, repo, env, url.group(0))
            continue
        done = subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, (
            f"`{command}` (from `{path} --help`) exited {done.returncode}\n"
            f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}")
        if ">>" in command:
            assert Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8").strip()
