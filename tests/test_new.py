"""`strat new KIND`: the options form for every kind, the questions on a real
pseudo-terminal (with did-you-mean corrections), the no-terminal error, --dry-run, ids
and files that exist, hostile titles. Every written file is read back with strat's own
loader, carries the editor's schema line, and leaves `strat lint` at exit 0 with no
error in it."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import helpers
from strat.load import parse_bytes

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-12-07"


def _example(root: Path) -> Path:
    shutil.copytree(REPO / "strategy", root / "strategy")
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copy(REPO / "strat.yaml", root / "strat.yaml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    helpers.commit_all(root, "2026-12-01T10:00:00+00:00", "example")
    return root


def _starter(root: Path) -> Path:
    done = helpers.run_cli(["init", str(root), "--company", "Example Co"])
    assert done.exit_code == 0, done.stderr
    assert (root / ".git").is_dir()  # strat init commits the starter
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "strategy").rglob("*")) if p.is_file()}


def _new(root: Path, *args: str) -> helpers.CliResult:
    return helpers.run_cli(["new", *args, "--today", TODAY], cwd=root)


def _lint(root: Path) -> helpers.CliResult:
    return helpers.run_cli(["lint", str(root / "strategy"), "--format", "json", "--today", TODAY])


def _errors(result: helpers.CliResult) -> list[dict]:
    return [d for d in result.diagnostics if d["severity"] == "error"]


def _read(path: Path) -> dict:
    source, problems = parse_bytes(path.read_bytes(), path.name)
    assert not problems and source is not None and len(source.documents) == 1
    return source.documents[0].data


def _assert_written_clean(root: Path, rel: str, schema: str) -> dict:
    """The file exists, names an existing schema on its first line, and lint stays at exit 0
    with no error anywhere."""
    path = root / rel
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target.name == schema and target.is_file(), first
    lint = _lint(root)
    assert lint.exit_code == 0, lint.stdout
    assert not _errors(lint)
    return _read(path)


# --- the options form, every kind ------------------------------------------------------------

OPTION_CASES = [
    ("goal", ["--title", "Android sync failures below 0.2%", "--owner", "kmurphy", "--team", "platform-reliability",
              "--parent", "improve-gross-margin", "--metric", "sync-failure-rate", "--baseline", "0.011",
              "--target", "0.002", "--period", "2027-h1"],
     "strategy/goals/android-sync-failures-below-0-2-percent.yaml",
     {"kind": "Goal", "id": "android-sync-failures-below-0-2-percent", "owner": "kmurphy", "team": "platform-reliability",
      "parent": "improve-gross-margin", "period": "2027-h1",
      "outcome": {"metric": "sync-failure-rate", "baseline": 0.011, "target": 0.002}}),
    ("objective", ["--title", "Win the multi-branch market", "--owner", "nhaddad", "--metric", "weekly-jobs-completed",
                   "--baseline", "1000", "--target", "1500", "--due", "2027-06-30"],
     "strategy/objectives/win-the-multi-branch-market.yaml",
     {"kind": "Objective", "owner": "nhaddad", "metric": "weekly-jobs-completed", "baseline": 1000, "target": 1500,
      "due": "2027-06-30"}),
    ("metric", ["--name", "Trial sign-ups", "--unit", "count", "--type", "leading", "--better", "up",
                "--owner", "nhaddad"],
     "strategy/metrics/trial-sign-ups.yaml",
     {"kind": "Metric", "id": "trial-sign-ups", "unit": "count", "type": "leading", "better": "up"}),
    ("initiative", ["--title", "Offline queue v2", "--goal", "fix-offline-sync", "--owner", "kmurphy",
                    "--hypothesis", "If the queue retries, fewer syncs fail", "--kill-criteria", "no drop in 4 weeks",
                    "--review-by", "2027-02-01"],
     "strategy/initiatives/offline-queue-v2.yaml",
     {"kind": "Initiative", "goal": "fix-offline-sync", "status": "proposed", "review_by": "2027-02-01"}),
    ("decision", ["--title", "No ads in the homeowner app", "--value", "protect-the-day", "--context", "Ad offers",
                  "--decision", "We show no ads", "--decided-by", "nhaddad"],
     "strategy/decisions/no-ads-in-the-homeowner-app.yaml",
     {"kind": "Decision", "date": TODAY, "status": "proposed", "values": ["protect-the-day"]}),
    ("team", ["--name", "Billing", "--department", "product-engineering", "--lead", "kmurphy",
              "--member", "kmurphy", "--member", "nhaddad"],
     "strategy/teams/billing.yaml",
     {"kind": "Team", "department": "product-engineering", "lead": "kmurphy", "members": ["kmurphy", "nhaddad"]}),
    ("person", ["--name", "Lena Park", "--id", "lena-analyst", "--title", "Analyst", "--department", "finance",
                "--email", "lena@example.com"],
     "strategy/people/lena-analyst.yaml",
     {"kind": "Person", "id": "lena-analyst", "name": "Lena Park", "title": "Analyst", "email": "lena@example.com"}),
    ("department", ["--name", "Legal", "--leader", "nhaddad"],
     "strategy/departments/legal.yaml", {"kind": "Department", "id": "legal", "leader": "nhaddad"}),
    ("plan", ["--title", "Margin plan", "--owner", "nhaddad", "--objective", "improve-gross-margin",
              "--period", "2027-h1"],
     "strategy/plans/margin-plan.yaml",
     {"kind": "Plan", "objectives": ["improve-gross-margin"], "period": "2027-h1"}),
]


@pytest.mark.parametrize(("kind", "args", "rel", "expected"), OPTION_CASES, ids=[c[0] for c in OPTION_CASES])
def test_options_write_one_clean_file(tmp_path: Path, kind: str, args: list[str], rel: str, expected: dict) -> None:
    root = _example(tmp_path / "ex")
    before = _snapshot(root)
    done = _new(root, kind, *args)
    assert done.exit_code == 0, done.stderr
    assert rel in done.stdout
    after = _snapshot(root)
    assert set(after) - set(before) == {rel} and all(after[k] == v for k, v in before.items())
    data = _assert_written_clean(root, rel, f"{kind}.schema.json")  # the example keeps per-kind schemas
    for key, value in expected.items():
        assert data[key] == value, key


def test_starter_gets_the_modeline_strat_init_writes(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    done = _new(root, "goal", "--title", "Half of new teams ship in week one", "--owner", "kim", "--team", "growth",
                "--parent", "grow-active-teams", "--metric", "activation-rate", "--baseline", "0.32",
                "--target", "0.5")
    assert done.exit_code == 0, done.stderr
    rel = "strategy/goals/half-of-new-teams-ship-in-week-one.yaml"
    first = (root / rel).read_text().splitlines()[0]
    assert first == (root / "strategy/goals/faster-activation.yaml").read_text().splitlines()[0]
    data = _assert_written_clean(root, rel, "strat.schema.json")
    assert data["period"] == "year-one"  # the parent's period is not set: the one today is in


def test_the_kind_lives_where_this_strategy_keeps_it(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    (root / "strategy/metrics").rename(root / "strategy/kpis")
    done = _new(root, "metric", "--name", "Churn", "--unit", "ratio", "--type", "lagging", "--better", "down")
    assert done.exit_code == 0, done.stderr
    _assert_written_clean(root, "strategy/kpis/churn.yaml", "strat.schema.json")


# --- without a terminal -------------------------------------------------------------------


def test_no_terminal_names_every_missing_option(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    before = _snapshot(root)
    env = {**os.environ, "PYTHONPATH": str(REPO / "cli")}
    done = subprocess.run([sys.executable, "-m", "strat", "new", "goal", "--owner", "kim"], cwd=root, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    for option in ("--title", "--parent", "--metric", "--baseline", "--target", "--team, --department or --person"):
        assert option in done.stderr
    assert "--owner" not in done.stderr.split("needs", 1)[1].split("(", 1)[0]
    assert _snapshot(root) == before


def test_wrong_values_are_usage_errors_with_did_you_mean(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    done = _new(root, "goal", "--title", "T", "--owner", "kimm", "--team", "growth", "--parent", "grow-active-team",
                "--metric", "activation-rate", "--baseline", "a lot", "--target", "0.5")
    assert done.exit_code == 2
    assert "did you mean `kim`" in done.stderr and "did you mean `grow-active-teams`" in done.stderr
    assert "`a lot` is not a number" in done.stderr
    assert not (root / "strategy/goals/t.yaml").exists()


def test_an_option_of_another_kind_is_refused(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    done = _new(root, "metric", "--name", "X", "--unit", "count", "--type", "leading", "--better", "up",
                "--parent", "grow-active-teams")
    assert done.exit_code == 2 and "--parent: not a field of a Metric" in done.stderr


# --- dry run, existing ids and files, lint refusal ------------------------------------------


def test_dry_run_prints_the_file_and_writes_nothing(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    before = _snapshot(root)
    done = _new(root, "department", "--name", "Finance", "--leader", "alex", "--dry-run")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("# yaml-language-server: $schema=../../schemas/strat.schema.json\n")
    assert "kind: Department\nid: finance\nname: Finance\nleader: alex\n" in done.stdout
    assert "strategy/departments/finance.yaml" in done.stderr
    assert _snapshot(root) == before


def test_an_existing_id_is_refused(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    before = _snapshot(root)
    done = _new(root, "metric", "--name", "Activation rate", "--id", "activation-rate", "--unit", "ratio",
                "--type", "leading", "--better", "up")
    assert done.exit_code == 2
    assert "already the id of the Metric" in done.stderr and "activation-rate-2" in done.stderr
    # a title whose slug is taken gets the next free id by default
    done = _new(root, "metric", "--name", "Activation rate", "--unit", "ratio", "--type", "leading",
                "--better", "up", "--dry-run")
    assert done.exit_code == 0 and "id: activation-rate-2\n" in done.stdout
    assert _snapshot(root) == before


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    (root / "strategy/departments/legal.yaml").write_text("# a note, no document yet\n")
    before = _snapshot(root)
    done = _new(root, "department", "--name", "Legal", "--leader", "alex")
    assert done.exit_code == 1 and "legal.yaml" in done.stderr
    assert _snapshot(root) == before


def test_a_file_that_would_add_a_lint_error_is_refused(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    before = _snapshot(root)
    # activation-rate is better up: a target below the baseline is not an outcome (A306)
    done = _new(root, "goal", "--title", "Fewer activations", "--owner", "kim", "--team", "growth",
                "--parent", "grow-active-teams", "--metric", "activation-rate", "--baseline", "0.5", "--target", "0.3")
    assert done.exit_code == 1
    assert "strategy/goals/fewer-activations.yaml:" in done.stderr and "A306" in done.stderr
    assert "Refused: strategy/goals/fewer-activations.yaml would add 1 lint error" in done.stderr
    assert _snapshot(root) == before
    # the same file with the target the right way round is written
    done = _new(root, "goal", "--title", "Fewer activations", "--owner", "kim", "--team", "growth",
                "--parent", "grow-active-teams", "--metric", "activation-rate", "--baseline", "0.3", "--target", "0.5")
    assert done.exit_code == 0, done.stderr


# --- hostile values ------------------------------------------------------------------------

HOSTILE = ["no: yes # x", "{a}", "[1, 2]", "- item", "yes", "~", "null", "0x1F", "1e3", "2026-12-07", "12:30",
           "'single'", '"double"', "&anchor", "*alias", "!tag x", "%YAML", "@at", "`tick`", "a #b", "a: b",
           "key:", "? q", "| bar", "> gt", "tab\there", "line\nbreak", "\x1b[31mred\x1b[0m", "\u202egnp.exe",
           "Ünïcödé ✓ 日本"]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_round_trip(tmp_path: Path, title: str) -> None:
    root = tmp_path / "s"
    if not root.exists():
        _starter(root)
    done = _new(root, "decision", "--title", title, "--id", "hostile", "--value", "candour", "--context", title,
                "--decision", "d")
    assert done.exit_code == 0, done.stderr
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    data = _assert_written_clean(root, "strategy/decisions/hostile.yaml", "strat.schema.json")
    assert data["title"] == title.strip() and data["context"] == title.strip()


# --- on a terminal -------------------------------------------------------------------------


class Terminal:
    """`strat new` on a real pseudo-terminal: send lines, wait for text."""

    def __init__(self, root: Path, *args: str) -> None:
        self.master, slave = os.openpty()
        env = {**os.environ, "PYTHONPATH": str(REPO / "cli"), "TERM": "dumb", "COLUMNS": "120"}
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "strat", "new", *args, "--today", TODAY], cwd=root,
                                     stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self.seen = ""
        self.at = 0

    def expect(self, text: str, timeout: float = 30) -> str:
        end = time.monotonic() + timeout
        while text not in self.seen[self.at:]:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {text!r} in:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.2))
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                if not chunk and self.proc.poll() is not None:
                    raise AssertionError(f"ended without {text!r}:\n{self.seen}")
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        start = self.at
        self.at = self.seen.index(text, self.at) + len(text)
        return self.seen[start:self.at]

    def send(self, line: str) -> None:
        os.write(self.master, line.encode("utf-8") + b"\r")

    def finish(self) -> int:
        try:
            while True:
                ready, _, _ = select.select([self.master], [], [], 0.2)
                if ready:
                    chunk = os.read(self.master, 4096)
                    if not chunk:
                        break
                    self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
                elif self.proc.poll() is not None:
                    break
        except OSError:
            pass
        code = self.proc.wait(timeout=30)
        os.close(self.master)
        return code


def test_interactive_goal_with_did_you_mean_corrections(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    term = Terminal(root, "goal")
    term.expect("Title (the outcome, in words): ")
    term.send("Half of teams ship: fast")
    term.expect("[half-of-teams-ship-fast]: ")  # the id, a slug of the title
    term.send("")
    shown = term.expect("Owner (the Person accountable): ")
    assert "kim  Kim Example" in shown and "alex  Alex Example" in shown  # the choices, from the strategy
    term.send("kimm")
    term.expect("no Person `kimm`")
    term.expect("did you mean kim? [Y/n]: ")
    term.send("y")
    term.expect("Team (empty: a department's or a person's goal) [growth]: ")  # kim's team
    term.send("")
    term.expect("Parent (the objective, or goal, it serves): ")
    term.send("grow-activ-teams")
    term.expect("did you mean grow-active-teams? [Y/n]: ")
    term.send("n")  # refused: asked again
    term.expect("Parent (the objective, or goal, it serves): ")
    term.send("activation-rate")  # a metric is not a parent
    term.expect("`activation-rate` is a Metric, not an Objective or Goal")
    term.expect("Parent (the objective, or goal, it serves): ")
    term.send("grow-active-teams")
    term.expect("Period [year-one]: ")
    term.send("")
    term.expect("Metric (what moves): ")
    term.send("activation-rate")
    term.expect("Baseline (the metric's value today): ")
    term.send("about a third")
    term.expect("is not a number")
    term.expect("Baseline (the metric's value today): ")
    term.send("0.3")
    term.expect("Target (the value at the end of the period): ")
    term.send("0.5")
    term.expect("Plan (- for none) [product-plan]: ")
    term.send("")
    term.expect("new Goal `half-of-teams-ship-fast`")
    assert term.finish() == 0
    data = _assert_written_clean(root, "strategy/goals/half-of-teams-ship-fast.yaml", "strat.schema.json")
    assert data == {"kind": "Goal", "id": "half-of-teams-ship-fast", "title": "Half of teams ship: fast",
                    "owner": "kim", "team": "growth", "parent": "grow-active-teams", "plan": "product-plan",
                    "period": "year-one", "outcome": {"metric": "activation-rate", "baseline": 0.3, "target": 0.5}}


def test_interactive_asks_only_what_options_leave_out_and_checks_the_id(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    term = Terminal(root, "metric", "--unit", "count", "--type", "leading", "--better", "down")
    term.expect("Name: ")
    term.send("Setup tickets")
    term.expect("[setup-tickets-2]: ")  # setup-tickets is taken: the next free id
    term.send("setup-tickets")
    term.expect("already the id of the Metric")
    term.expect("did you mean setup-tickets-2? [Y/n]: ")
    term.send("n")
    term.send("Tickets!")
    term.expect("did you mean tickets? [Y/n]: ")
    term.send("y")
    shown = term.expect("Owner (empty: none): ")
    assert "Unit" not in shown and "Type" not in shown
    term.send("")
    term.expect("Description (empty: none): ")
    term.send("")
    term.expect("new Metric `tickets`")
    assert term.finish() == 0
    data = _assert_written_clean(root, "strategy/metrics/tickets.yaml", "strat.schema.json")
    assert data == {"kind": "Metric", "id": "tickets", "name": "Setup tickets", "unit": "count", "type": "leading",
                    "better": "down"}


def test_interrupted_questions_write_nothing(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    before = _snapshot(root)
    term = Terminal(root, "department")
    term.expect("Name: ")
    term.send("Legal")
    term.expect("[legal]: ")
    os.killpg(term.proc.pid, signal.SIGINT)
    assert term.finish() != 0
    assert _snapshot(root) == before


def test_interactive_lists_completes_and_shows_repository_text_inert(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    objective = root / "strategy/objectives/grow-active-teams.yaml"
    objective.write_text(objective.read_text().replace(
        "title: Grow weekly active teams by a quarter in a year",
        'title: "Grow \\e[2J\\e]0;pwned\\a teams \\u202e"'))
    helpers.commit_all(root, "2026-12-02T10:00:00+00:00", "a hostile title")
    term = Terminal(root, "plan", "--title", "Second plan", "--id", "second-plan", "--owner", "alex")
    shown = term.expect("Objectives it executes (ids, comma-separated): ")
    assert "grow-active-teams  Grow" in shown
    term.send("?")  # lists them all
    term.expect("Objectives it executes (ids, comma-separated): ")
    os.write(term.master, b"grow-act\t")  # Tab completes the id
    term.expect("grow-active-teams")
    term.send("")
    term.expect("Period (empty: none): ")
    term.send("")
    term.expect("new Plan `second-plan`")
    assert term.finish() == 0
    assert "\x1b" not in term.seen and "\x07" not in term.seen and "\u202e" not in term.seen
    data = _assert_written_clean(root, "strategy/plans/second-plan.yaml", "strat.schema.json")
    assert data["objectives"] == ["grow-active-teams"]


def test_team_cost_takes_the_currency_every_team_uses(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    done = _new(root, "team", "--name", "Data", "--department", "product", "--lead", "alex", "--cost", "400000")
    assert done.exit_code == 0, done.stderr
    data = _assert_written_clean(root, "strategy/teams/data.yaml", "strat.schema.json")
    assert data["cost"] == {"annual": 400000, "currency": "USD"}
    done = _new(root, "team", "--name", "Ops", "--department", "product", "--lead", "alex", "--currency", "EUR")
    assert done.exit_code == 2 and "--currency EUR: only with --cost" in done.stderr
    done = _new(root, "team", "--name", "Ops", "--department", "product", "--lead", "alex", "--cost", "1",
                "--currency", "euro")
    assert done.exit_code == 2 and "not a currency code" in done.stderr


def test_a_person_may_be_named_by_name(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    done = _new(root, "department", "--name", "Legal", "--leader", "Sam")
    assert done.exit_code == 2 and "did you mean `sam`?" in done.stderr


# --- the how-to ----------------------------------------------------------------------------

PAGE = REPO / "site" / "guide" / "how-to" / "start-a-goal.md"


def test_the_how_to_shows_what_strat_new_prints(tmp_path: Path) -> None:
    """The options example of the how-to, run in a starter, prints the file the page shows."""
    import shlex

    assert "Start a goal by answering questions: guide/how-to/start-a-goal.md" in (REPO / "mkdocs.yml").read_text()
    text = PAGE.read_text(encoding="utf-8")
    block = text.split("## 2. Or give everything as options", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    command, shown = block.split("\n# yaml-language-server", 1)
    args = shlex.split(command.replace("\\\n", " ").removeprefix("$ "))
    assert args[:3] == ["strat", "new", "goal"] and "--dry-run" in args
    root = _starter(tmp_path / "s")
    done = helpers.run_cli(args[1:], cwd=root)
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "# yaml-language-server" + shown


def test_interactive_baseline_defaults_to_the_metrics_latest_reading(tmp_path: Path) -> None:
    root = _example(tmp_path / "ex")
    values = _read(root / "strategy/readings/logo-churn.yaml")["values"]
    latest = max((v for v in values if str(v["date"]) <= TODAY), key=lambda v: str(v["date"]))["value"]
    term = Terminal(root, "objective", "--title", "Happier customers", "--owner", "nhaddad", "--metric", "logo-churn",
                    "--target", "1.1", "--due", "2027-06-30")
    term.expect("[happier-customers]: ")
    term.send("")
    term.expect(f"Baseline (the metric's value today) [{latest}]: ")
    term.send("")
    term.expect("Why it matters (empty: none): ")
    term.send("Happy customers renew")
    term.expect("new Objective `happier-customers`")
    assert term.finish() == 0
    data = _assert_written_clean(root, "strategy/objectives/happier-customers.yaml", "objective.schema.json")
    assert data["baseline"] == latest and data["why"] == "Happy customers renew" and "period" not in data


def test_a_folder_strat_yaml_leaves_out_is_refused(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    (root / "strat.yaml").write_text((root / "strat.yaml").read_text() + "\nexclude: [\"departments/**\"]\n")
    before = _snapshot(root)
    done = _new(root, "department", "--name", "Legal", "--leader", "alex")
    assert done.exit_code == 1 and "include/exclude leave this file out" in done.stderr
    assert _snapshot(root) == before


def test_interactive_dash_declines_an_optional_default(tmp_path: Path) -> None:
    root = _starter(tmp_path / "s")
    term = Terminal(root, "goal", "--title", "No plan", "--owner", "kim", "--team", "growth", "--parent",
                    "grow-active-teams", "--period", "year-one", "--metric", "activation-rate", "--baseline", "0.3",
                    "--target", "0.4", "--dry-run")
    term.expect("[no-plan]: ")
    term.send("")
    term.expect("Plan (- for none) [product-plan]: ")
    term.send("-")
    term.expect("dry run: nothing written")
    assert term.finish() == 0
    assert "plan:" not in term.seen and "parent: grow-active-teams" in term.seen
    assert not (root / "strategy/goals/no-plan.yaml").exists()
