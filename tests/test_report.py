"""`strat report`: the review pack of a period.

On the example (`--today 2026-12-07`): the eight sections in order, in Markdown and HTML;
every objective's and goal's number as `strat tree -f json` says it, to the digit; the
breached guardrail and the stale metric the digest finds. After a real `strat close`:
each goal's score and each objective's average score, against a hand computation from the
written files. With a real git history: a target moved, a goal added and goals dropped
are all named, from the period's start or from --since REV; outside git, in a shallow
clone or with an unknown REV: a sentence or a usage error, never a crash. Hostile YAML:
the HTML passes the hostile scan and the Markdown renders to nothing active. `--pdf`:
at most six A4 pages, each rendered to PNG by pdftoppm, every objective's title in the
text layer; without a Chromium, the documented message and exit status 1.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import markdown as python_markdown
import pytest
import yaml

import helpers

sys.path.insert(0, str(Path(__file__).parent / "site"))
from sitetest import scan_html  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-12-07"
AFTER = "2027-01-10"  # the example's 2026-h2 ended on 2026-12-31
SECTIONS = ["North Star and objectives", "Goals by status", "Breached guardrails and stale data",
            "Initiatives shipped or killed", "Decisions taken", "Joint commitments", "ROI by team", "What changed"]
GOALS = "strategy/goals"


def _example(root: Path, when: str = "2026-12-01T09:00:00+00:00") -> Path:
    shutil.copytree(REPO / "strategy", root / "strategy")
    shutil.copy(REPO / "strat.yaml", root / "strat.yaml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    helpers.commit_all(root, when, "the example")
    return root


def report(root: Path, *args: str, code: int = 0) -> helpers.CliResult:
    result = helpers.run_cli(["report", *args], cwd=root)
    assert result.exit_code == code, result.stdout + result.stderr
    return result


def plain(text: str) -> str:
    """What a reader sees: tags dropped, references decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\xa0", " ").split())


def tree_nodes(node: object) -> dict[str, dict]:
    found: dict[str, dict] = {}
    if isinstance(node, dict):
        if node.get("kind") in ("objective", "goal"):
            found[node["id"]] = node
        for child in node.get("children") or []:
            found.update(tree_nodes(child))
    return found


def goals_under(node: dict) -> list[str]:
    out = []
    for child in node.get("children") or []:
        if child.get("kind") == "goal":
            out.append(child["id"])
        out += goals_under(child)
    return out


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _example(tmp_path_factory.mktemp("report") / "repo")


@pytest.fixture(scope="module")
def tree(example: Path) -> dict[str, dict]:
    result = helpers.run_cli(["tree", "-f", "json", "--today", TODAY], cwd=example)
    assert result.exit_code == 0, result.stderr
    return tree_nodes(result.json)


def _measure(value: float, unit: str | None) -> str:
    from strat.numbers import measure

    return measure(value, unit)


# --- the sections and the numbers ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_sections_in_order(example: Path, fmt: str) -> None:
    out = plain(report(example, "--today", TODAY, "--format", fmt).stdout)
    where = [out.find(f"{i + 1}. {name}") for i, name in enumerate(SECTIONS)]
    assert -1 not in where, where
    assert where == sorted(where)
    assert "Review pack: 2026-h2" in out  # the period containing --today
    assert "North Star: Weekly jobs completed in Fieldwise" in out


def _section(text: str, number: int) -> str:
    start = text.find(f"{number}. {SECTIONS[number - 1]}")
    end = text.find(f"{number + 1}. {SECTIONS[number]}") if number < len(SECTIONS) else len(text)
    return text[start:end]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_numbers_agree_with_the_tree_to_the_digit(example: Path, tree: dict[str, dict], fmt: str) -> None:
    from strat.progress import STATUS_LABELS

    out = report(example, "--today", TODAY, "--format", fmt).stdout
    text = plain(out)
    objectives = _section(text, 1)
    checked = 0
    for ident, node in tree.items():
        if node["kind"] != "objective":
            continue
        number, unit = node["number"], node.get("unit")
        # The objective's row (Markdown) or card (HTML): from its id to the next objective.
        at = objectives.find(ident)
        assert at != -1, ident
        row = objectives[at:at + 400]
        assert _measure(number["current"], unit) in row, (ident, row)
        assert f"{number['percent']}%" in row, (ident, row)
        assert _measure(number["forecast"]["shown"], unit) in row, (ident, row)
        assert STATUS_LABELS[number["status"]] in row, (ident, row)
        checked += 1
    assert checked == 4
    goals = _section(text, 2)
    for ident, node in tree.items():
        if node["kind"] != "goal" or node.get("period") != "2026-h2" or node["current"] is None:
            continue
        at = goals.find(ident)
        assert at != -1, ident
        row = goals[at:at + 300]
        unit = node.get("unit")
        assert _measure(node["current"], unit) in row, (ident, row)
        assert f"{node['percent']}%" in row, (ident, row)
        if node["forecast"] is not None:
            assert f"forecast {_measure(node['forecast']['shown'], unit)}" in row, (ident, row)
        # Under the heading of its status.
        heading = max(goals.rfind(label, 0, at) for label in STATUS_LABELS.values())
        assert goals[heading:].startswith(STATUS_LABELS[node["status"]]), (ident, goals[heading:heading + 20])
        checked += 1
    assert checked >= 12


def test_guardrails_stale_data_initiatives_decisions_joint_and_roi(example: Path) -> None:
    text = plain(report(example, "--today", TODAY).stdout)
    found = _section(text, 3)
    assert "A313" in found and "guardrail `gross-margin` of objective `expand-and-retain` is breached" in found
    assert "A314" in found and "metric `support-csat` has stale data" in found
    initiatives = _section(text, 4)
    for ident in ("guided-import-wizard", "offline-first-sync-engine", "ai-first-line-pilot",
                  "sample-schedule-sandbox"):
        assert ident in initiatives
    assert "tap-to-pay-on-site" not in initiatives  # running
    assert "Shipped to all new accounts on 2026-09-02" in initiatives  # its result
    decisions = _section(text, 5)
    assert "ai-suggests-humans-answer" in decisions and "annual-terms-for-large-accounts" in decisions
    assert "price-per-active-technician" not in decisions  # 2025-11-18: before the period
    assert "A human within reach (`humans-within-reach`)" in decisions
    joint = _section(text, 6)
    # tickets-per-100-accounts is better down: 126 is at or below the target 130.
    assert re.search(r"Banked\*\*: `customer-support` for goal `fix-offline-sync`.*?126 tickets per month "
                     r"against 130 tickets per month", joint)
    assert re.search(r"Not yet\*\*: `sales` for goal `payments-at-the-door`.*?13\.1% on 2026-11-16 against 15%", joint)
    roi = _section(text, 7)
    assert "Growth Marketing (`growth-marketing`) | USD 1.4M | USD 1.65M | 1.2×" in roi


def test_the_period_defaults_and_an_unknown_one_is_a_usage_error(example: Path) -> None:
    assert "Review pack: 2027-h1" in report(example, "--today", "2027-02-01").stdout
    assert "Review pack: 2027-h2" in report(example, "--today", "2031-01-01").stdout  # the latest that started
    assert "Review pack: 2026-h2" in report(example, "--today", "2020-01-01").stdout  # none started: the first
    bad = report(example, "2026-h3", "--today", TODAY, code=2)
    assert "no period `2026-h3`" in bad.stderr and "did you mean `2026-h2`?" in bad.stderr


def test_out_writes_the_file_atomically_keeping_its_mode(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    target.write_text("old")
    target.chmod(0o640)
    report(example, "--today", TODAY, "--format", "html", "--out", str(target))
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["review.html"]  # no temp file left
    stdout = report(example, "--today", TODAY, "--format", "html").stdout
    assert target.read_text() == stdout
    missing = report(example, "--today", TODAY, "--out", str(tmp_path / "nowhere" / "r.md"), code=1)
    assert "does not exist" in missing.stderr


# --- scores once closed ---------------------------------------------------------------------


def test_scores_and_average_after_a_real_close(tmp_path: Path) -> None:
    root = _example(tmp_path / "ex", "2027-01-05T10:00:00+00:00")
    closed = helpers.run_cli(["close", "2026-h2", "--today", AFTER], cwd=root)
    assert closed.exit_code == 0, closed.stdout + closed.stderr
    helpers.commit_all(root, "2027-01-06T10:00:00+00:00", "close 2026-h2")
    scores: dict[str, float] = {}
    for path in (root / GOALS).glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        if data.get("period") == "2026-h2" and isinstance(data.get("result"), dict):
            scores[data["id"]] = data["result"]["score"]
    assert len(scores) >= 10
    tree_json = helpers.run_cli(["tree", "-f", "json", "--today", AFTER], cwd=root).json
    nodes = tree_nodes(tree_json)
    out = report(root, "2026-h2", "--today", AFTER).stdout
    text = plain(out)
    goals = _section(text, 2)
    for ident, value in scores.items():
        at = goals.find(f"`{ident}`")
        assert at != -1, ident
        assert f"score {value:g}" in goals[at:at + 200], (ident, goals[at:at + 200])
    mean = round(statistics.mean(scores.values()), 2)
    assert f"Average score of the period: {mean:.2f} over {len(scores)} goals" in goals
    objectives = _section(text, 1)
    averaged = 0
    for ident, node in nodes.items():
        if node["kind"] != "objective":
            continue
        mine = [scores[g] for g in goals_under(node) if g in scores]
        row = objectives[objectives.find(f"`{ident}`"):]
        row = row[:row.find("|", row.find("|", 1) + 1) + 400].split(" | ")
        if mine:
            hand = round(sum(mine) / len(mine), 2)
            assert any(cell.startswith(f"{hand:.2f} over {len(mine)} goal") for cell in row), (ident, hand, row)
            averaged += 1
    assert averaged >= 3
    page = plain(report(root, "2026-h2", "--today", AFTER, "--format", "html").stdout)
    assert f"Average score of the period: {mean:.2f}" in page


# --- what changed: from git ---------------------------------------------------------------


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example committed before 2026-h2 began; then, in the period, a target moved, a
    goal added, a goal removed and a goal set to dropped."""
    root = _example(tmp_path_factory.mktemp("history") / "repo", "2026-06-20T09:00:00+00:00")
    goal = root / GOALS / "auto-schedule-by-default.yaml"
    text = goal.read_text()
    assert "  target: 32 " in text
    goal.write_text(text.replace("  target: 32 ", "  target: 34 ", 1))
    source = (root / GOALS / "ivolkova-billing-answers.yaml").read_text()
    added = source.replace("id: ivolkova-billing-answers", "id: billing-answers-in-app", 1)
    (root / GOALS / "billing-answers-in-app.yaml").write_text(added)
    (root / GOALS / "ivolkova-billing-answers.yaml").unlink()
    dropped = root / GOALS / "dmensah-guided-large-trials.yaml"
    assert "status: active\n" in dropped.read_text()
    dropped.write_text(dropped.read_text().replace("status: active\n", "status: dropped\n", 1))
    helpers.commit_all(root, "2026-08-01T09:00:00+00:00", "mid-period changes")
    return root


def _changes(out: str) -> str:
    """Section 8 as words: code spans (Markdown backticks, HTML <code>) read as text."""
    return re.sub(r" ([:,)])", r"\1", _section(plain(out), 8).replace("`", "").replace("**", ""))


def test_since_the_periods_start_names_every_change(history: Path) -> None:
    base = subprocess.run(["git", "-C", str(history), "rev-parse", "HEAD~1"], capture_output=True, text=True,
                          check=True).stdout.strip()
    for fmt in ("markdown", "html"):
        changes = _changes(report(history, "--today", TODAY, "--format", fmt).stdout)
        assert base[:12] in changes and "the last commit before the period's start (2026-07-01)" in changes
        assert "Target moved: goal auto-schedule-by-default: outcome.target 32 → 34" in changes, changes
        assert "Goal added: new goal billing-answers-in-app" in changes or "new goal billing-answers-in-app" in changes
        assert "goal ivolkova-billing-answers removed" in changes
        assert "goal dmensah-guided-large-trials: status active → dropped" in changes
    since = _changes(report(history, "--since", "HEAD~1", "--today", TODAY).stdout)
    assert "Since commit" in since and "HEAD~1" in since and "outcome.target 32 → 34" in since and "billing-answers-in-app" in since
    quiet = _changes(report(history, "--since", "HEAD", "--today", TODAY).stdout)
    assert "No target moved, no goal added or dropped." in quiet


def test_an_unknown_revision_is_said_not_a_crash(history: Path) -> None:
    for fmt in ("markdown", "html"):
        out = report(history, "--since", "no-such-tag", "--today", TODAY, "--format", fmt)
        changes = _changes(out.stdout)
        assert "Git could not read the history" in changes and "no-such-tag" in changes, changes
        assert "--since" in out.stderr and "no-such-tag" in out.stderr


def test_outside_git_and_in_a_shallow_clone_a_sentence(history: Path, tmp_path: Path) -> None:
    plain_copy = tmp_path / "plain"
    shutil.copytree(history, plain_copy, ignore=shutil.ignore_patterns(".git"))
    changes = _changes(report(plain_copy, "--today", TODAY).stdout)
    assert "Not a git repository" in changes
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history}", str(shallow)], check=True)
    changes = _changes(report(shallow, "--today", TODAY).stdout)
    assert "Shallow clone" in changes and "fetch-depth: 0" in changes
    assert "Shallow clone" in _changes(report(shallow, "--today", TODAY, "--format", "html").stdout)


# --- hostile YAML ----------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "@everyone see #12",
    "::error::owned",
    "![i](https://evil.example/x.png) <a href='https://evil.example'>a</a>",
    "`code` **bold** | cell\n## Injected heading",
]


def _hostile(root: Path, payload: str) -> None:
    """Put the payload in every kind of text the report shows."""
    quoted = json.dumps(payload)

    def edit(rel: str, pattern: str, value: str = quoted) -> None:
        path = root / rel
        text, count = re.subn(pattern, lambda m: m.group(1) + value, path.read_text(), count=1, flags=re.M)
        assert count == 1, (rel, pattern)
        path.write_text(text)

    edit("strategy/objectives/grow-new-business.yaml", r"^(title: ).*$")
    edit(f"{GOALS}/payments-at-the-door.yaml", r"^(title: ).*$")
    edit(f"{GOALS}/payments-at-the-door.yaml", r"^(    commitment: )>-\n(?:      .*\n)+", quoted + "\n")
    edit("strategy/initiatives/guided-import-wizard.yaml", r"^(title: ).*$")
    edit("strategy/initiatives/guided-import-wizard.yaml", r"^(result: )>-\n(?:  .*\n)+", quoted + "\n")
    edit("strategy/decisions/ai-suggests-humans-answer.yaml", r"^(title: ).*$")
    edit("strategy/metrics/support-csat.yaml", r"^(name: ).*$")
    edit("strategy/teams/growth-marketing.yaml", r"^(name: ).*$")
    edit("strategy/strategy.yaml", r"^(company: ).*$")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_inert(tmp_path: Path, payload: str) -> None:
    root = _example(tmp_path / "ex")
    _hostile(root, payload)
    helpers.commit_all(root, "2026-12-02T09:00:00+00:00", "hostile")
    page = report(root, "--today", TODAY, "--format", "html").stdout
    scan = scan_html(page)
    assert not scan.scripts and not scan.handlers and not scan.js_urls and not scan.remote, scan.__dict__
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<a " not in page.lower()
    shown = plain(page)
    for line in payload.splitlines():
        assert line.strip() in shown  # shown as text
    out = report(root, "--today", TODAY).stdout
    rendered = python_markdown.markdown(out, extensions=["tables"])
    scanned = scan_html(rendered)
    assert not scanned.scripts and not scanned.handlers and not scanned.js_urls and not scanned.remote
    assert not re.search(r"<(script|img|a|iframe)\b", rendered)
    assert "](javascript:" not in out and "@everyone" not in out and "\n::" not in out and not out.startswith("::")
    assert not re.search(r"(?<![&\w])#12", out)
    assert "\n## Injected" not in out
    assert "<h2>Injected" not in rendered


# --- PDF ---------------------------------------------------------------------------------------

CHROMIUM = os.environ.get("STRAT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
POPPLER = all(shutil.which(tool) for tool in ("pdfinfo", "pdftoppm", "pdftotext"))


@pytest.mark.skipif(not CHROMIUM or not POPPLER, reason="needs Chromium and poppler-utils (.ci/run installs them)")
def test_pdf_fits_six_pages_renders_and_holds_every_objective(example: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "review.pdf"
    result = report(example, "--today", TODAY, "--pdf", str(pdf))
    assert result.stdout == "" and "wrote" in result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 1 <= pages <= 6, pages
    assert re.search(r"^Page size:.*\(A4\)", info, re.M), info
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages and all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 5000 for p in pngs)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for path in sorted((example / "strategy/objectives").glob("*.yaml")):
        title = yaml.safe_load(path.read_text())["title"]
        assert " ".join(title.split()) in text, title
    assert "What changed" in text


def test_without_chromium_a_clear_message_and_exit_1(example: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = tmp_path / "review.pdf"
    monkeypatch.setenv("STRAT_CHROMIUM", "/nonexistent/chromium")
    result = report(example, "--today", TODAY, "--pdf", str(pdf), code=1)
    assert "STRAT_CHROMIUM=/nonexistent/chromium: no such program" in result.stderr
    assert not pdf.exists()
    monkeypatch.delenv("STRAT_CHROMIUM")
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "git").symlink_to(shutil.which("git"))  # git stays: the report reads history
    monkeypatch.setenv("PATH", str(bare))
    result = report(example, "--today", TODAY, "--pdf", str(pdf), code=1)
    assert "no Chromium found to print the PDF" in result.stderr and "STRAT_CHROMIUM" in result.stderr
    assert not pdf.exists()


def test_a_failing_chromium_is_said_and_nothing_written(example: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "broken-chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("STRAT_CHROMIUM", str(fake))
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(b"%PDF old")
    result = report(example, "--today", TODAY, "--pdf", str(pdf), code=1)
    assert "could not print the PDF (exit 3): cannot open display" in result.stderr
    assert pdf.read_bytes() == b"%PDF old"  # the old file stays


def test_a_broken_file_is_left_out_and_counted_not_a_crash(tmp_path: Path) -> None:
    root = _example(tmp_path / "ex")
    (root / GOALS / "broken.yaml").write_text("kind: Goal\nid: broken\ntitle: [unclosed\n")
    goal = root / GOALS / "payments-at-the-door.yaml"
    goal.write_text(goal.read_text().replace("parent: ", "parent: no-such-objective # ", 1))
    for fmt in ("markdown", "html"):
        out = report(root, "--today", TODAY, "--format", fmt).stdout
        assert "lint error(s): entities with errors are left out" in plain(out)
        assert "8. What changed" in plain(out)
