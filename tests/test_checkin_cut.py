"""`strat checkin` into a long history plans on the goal's file with the old check-ins cut
out (strat.checkin_cut). The file it writes must be byte for byte the one the full path
(compose and verify the whole file) writes, on every layout; layouts and requests the
shortcut cannot prove safe take the full path. Each case plans both ways in-process, on a
real copy of the base strategy, and compares the bytes and the problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import copy_base

from strat import checkin as ck
from strat.checkin_cut import MIN_ITEMS

GOAL = "strategy/goals/faster-activation.yaml"
TODAY = dt.date(2026, 12, 7)
N = MIN_ITEMS + 36

HEAD = """kind: Goal
id: faster-activation
title: Half of new accounts send an invoice in week one
owner: cwu
team: onboarding
parent: grow-retention
period: 2026-h2
outcome:
  metric: activation-rate
  baseline: 0.32
  target: 0.5
  current: 0.38
"""


def day(i: int) -> str:
    return (dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat()


def block(i: int, dash: str = "  - ", key: str = "    ") -> str:
    return f"{dash}date: {day(i)}\n{key}value: 0.{i % 90 + 10}\n"


def items(fn) -> str:
    return "".join(fn(i) for i in range(N))


LAST_NOTE_KEEP = "".join(block(i) for i in range(N - 1)) + (
    f"  - date: {day(N - 1)}\n    value: 0.4\n    note: |+\n      kept line\n\n\n")
LAST_NOTE_FOLDED = "".join(block(i) for i in range(N - 1)) + (
    f"  - date: {day(N - 1)}\n    value: 0.4\n    note: >\n      folded\n      text\n")
MULTILINE_PLAIN = "".join(block(i) for i in range(N - 1)) + (
    f"  - date: {day(N - 1)}\n    value: 0.4\n    note: a note that\n      goes on\n")
# A double-quoted note may go on at any indentation: its lines look like check-ins, but
# are text (hostile: a check that trusted the look of the lines would be fooled).
SPANNING = '    note: "first line\n  - date: 2026-12-30\n    value: 9"\n'


def spanning_at(where: int) -> str:
    return "".join(block(i) + (SPANNING if i == where else "") for i in range(N))


FIRST_ON_OWN_LINE = f"  -\n    date: {day(0)}\n    value: 0.1\n" + "".join(block(i) for i in range(1, N))
ITEM_LIKE_TEXT = "".join(block(i) for i in range(N - 1)) + (
    f"  - date: {day(N - 1)}\n    value: 0.4\n    note: |\n      - date: 2026-12-30\n        value: 9\n")

# (name, file text, whether the shortcut may be taken)
LAYOUTS = [
    ("block", HEAD + "checkins:\n" + items(block), True),
    ("indentless", HEAD + "checkins:\n" + items(lambda i: block(i, "- ", "  ")), True),
    ("wide dash", HEAD + "checkins:\n" + items(lambda i: block(i, "  -   ", "      ")), True),
    ("flow items", HEAD + "checkins:\n" + items(lambda i: f"  - {{date: {day(i)}, value: 0.5}}\n"), True),
    ("comments and blank lines", HEAD + "checkins:\n  # history\n"
     + items(lambda i: block(i) + ("\n  # a comment\n" if i % 7 == 0 else "")) + "# the end\n", True),
    ("block scalar that looks like items", HEAD + "checkins:\n" + ITEM_LIKE_TEXT + "  # - date: 2026-12-31\n", True),
    ("quoted text like items in the last item", HEAD + "checkins:\n" + spanning_at(N - 1), True),
    ("quoted text like items, no final newline", HEAD + "checkins:\n" + spanning_at(N - 1).rstrip("\n"), True),
    ("quoted text like items in the first item", HEAD + "checkins:\n" + spanning_at(0), True),
    ("quoted text like items before the last", HEAD + "checkins:\n" + spanning_at(N - 2), True),
    ("no final newline", HEAD + "checkins:\n" + items(block).rstrip("\n"), True),
    ("keep-chomped block scalar last", HEAD + "checkins:\n" + LAST_NOTE_KEEP, True),
    ("folded block scalar last", HEAD + "checkins:\n" + LAST_NOTE_FOLDED, True),
    ("multi-line plain scalar last", HEAD + "checkins:\n" + MULTILINE_PLAIN, True),
    ("checkins before outcome", HEAD.split("outcome:")[0] + "checkins:\n" + items(block)
     + "outcome:" + HEAD.split("outcome:")[1], True),
    ("quoted title", HEAD.replace("title: Half", "title: 'Half") .replace("week one", "week one'")
     + "checkins:\n" + items(block), True),
    ("no current", HEAD.replace("  current: 0.38\n", "") + "checkins:\n" + items(block), True),
    ("document end marker", HEAD + "checkins:\n" + items(block) + "...\n", True),
    ("second document after", HEAD + "checkins:\n" + items(block)
     + "---\nkind: Goal\nid: second-goal\ntitle: Another\nowner: cwu\nteam: onboarding\nparent: grow-retention\n"
       "period: 2026-h2\noutcome:\n  metric: activation-rate\n  baseline: 0.1\n  target: 0.2\n", True),
    ("BOM", "\ufeff" + HEAD + "checkins:\n" + items(block), True),
    # The shortcut refuses these; the full path handles them as before.
    ("CRLF", (HEAD + "checkins:\n" + items(block)).replace("\n", "\r\n"), True),
    ("CRLF only in the check-ins", HEAD + "checkins:\n" + items(block).replace("\n", "\r\n"), True),
    ("CRLF only in the lines cut", HEAD + "checkins:\n" + "".join(block(i) for i in range(N - 1)).replace("\n", "\r\n")
     + block(N - 1), False),
    ("a lone CR", (HEAD + "checkins:\n" + items(block)).replace("team: onboarding\n", "team: onboarding\r"), False),
    ("flow list", HEAD + "checkins: [" + ", ".join(f"{{date: {day(i)}, value: 0.5}}" for i in range(N)) + "]\n",
     False),
    ("first dash on its own line", HEAD + "checkins:\n" + FIRST_ON_OWN_LINE, False),
    ("current quoted: not valid", HEAD.replace("current: 0.38", "current: '0.38'") + "checkins:\n" + items(block),
     False),
    ("short list", HEAD + "checkins:\n" + "".join(block(i) for i in range(MIN_ITEMS - 1)), False),
]

NEWEST = [ck.Request("faster-activation", "0.5", "2026-12-01")]
WITH_FIELDS = [ck.Request("faster-activation", "0.5", "2026-12-01", "0.7", 'said: "yes"\nand more', "cwu")]
BATCH = [ck.Request("faster-activation", "0.5", "2026-12-03", where="a.csv:2"),
         ck.Request("faster-activation", "0.6", "2026-12-01", where="a.csv:3"),
         ck.Request("fewer-setup-tickets", "900", "2026-12-02", where="a.csv:4")]
BACKDATED = [ck.Request("faster-activation", "0.5", "2025-12-15"),
             ck.Request("faster-activation", "0.5", "2026-12-01")]
DUPLICATE = [ck.Request("faster-activation", "0.5", day(N - 1))]
BAD_DATE = [ck.Request("faster-activation", "0.5", "2026-13-01")]


def both(tmp_path: Path, text: str, requests: list[ck.Request]) -> tuple[ck.CheckinPlan, ck.CheckinPlan]:
    root = copy_base(tmp_path / "repo", {GOAL: text.encode("utf-8")}).resolve()
    model, found = ck.load_checked(root, root / "strategy")
    fast = ck.plan_checkins(root, model, requests, TODAY, found)
    full = ck._plan(root, model, requests, TODAY, found, fast=False)
    return fast, full


def same(fast: ck.CheckinPlan, full: ck.CheckinPlan) -> None:
    assert [str(p) for p in fast.problems] == [str(p) for p in full.problems]
    assert [(c.rel, c.content, c.expected) for c in fast.changes] == \
        [(c.rel, c.content, c.expected) for c in full.changes]
    assert fast.added == full.added


@pytest.mark.parametrize("name,text,shortcut", LAYOUTS, ids=[case[0] for case in LAYOUTS])
@pytest.mark.parametrize("requests", [NEWEST, WITH_FIELDS, BATCH], ids=["newest", "all fields", "csv batch"])
def test_same_bytes_as_the_full_path(tmp_path: Path, name: str, text: str, shortcut: bool,
                                     requests: list[ck.Request]) -> None:
    fast, full = both(tmp_path, text, requests)
    assert not fast.problems, fast.problems
    same(fast, full)
    assert fast.cut_used is shortcut
    assert not full.cut_used


@pytest.mark.parametrize("requests", [BACKDATED, DUPLICATE, BAD_DATE], ids=["back-dated", "duplicate", "bad date"])
def test_requests_the_shortcut_cannot_take(tmp_path: Path, requests: list[ck.Request]) -> None:
    fast, full = both(tmp_path, LAYOUTS[0][1], requests)
    same(fast, full)
    assert not fast.cut_used
    if requests is BACKDATED:
        assert not fast.problems and fast.changes
    else:
        assert fast.problems


def test_an_invalid_sibling_document_takes_the_full_path(tmp_path: Path) -> None:
    text = LAYOUTS[0][1] + "---\nkind: Goal\nid: broken-goal\ntitle: 5\n"
    fast, full = both(tmp_path, text, NEWEST)
    same(fast, full)
    assert not fast.cut_used


def test_a_reduced_text_that_does_not_verify_is_planned_again_in_full(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """If the cut lines could not be put back (the planned reduced text lost the kept
    check-in), the plan is made again on the whole file: same bytes, no problem shown."""
    import strat.checkin_cut as cut

    monkeypatch.setattr(cut, "expand", lambda text, c: None)
    fast, full = both(tmp_path, LAYOUTS[0][1], NEWEST)
    same(fast, full)
    assert not fast.problems and fast.changes


# --- property: any mix of item layouts gives the full path's bytes -------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_EXTRAS = st.sampled_from([
    "", "    confidence: 0.5\n", "    note: plain words\n", "    note: 'single: quoted'\n",
    '    note: "two\n      lines"\n', "    note: |\n      kept\n\n", "    note: >-\n      folded\n",
    '    note: "looks like\n  - date: 2026-12-31\n    value: 1"\n', "  # a comment\n", "\n", "    by: cwu # who\n",
])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dash=st.sampled_from(["  - ", "- ", "  -   "]), extras=st.lists(_EXTRAS, min_size=N, max_size=N),
       crlf=st.booleans(), final_newline=st.booleans(), flow_last=st.booleans())
def test_any_layout_same_bytes(tmp_path_factory: pytest.TempPathFactory, dash: str, extras: list[str],
                               crlf: bool, final_newline: bool, flow_last: bool) -> None:
    key = " " * len(dash)
    body = []
    for i, extra in enumerate(extras):
        if flow_last and i == N - 1:
            body.append(f"{dash}{{date: {day(i)}, value: 0.5}}\n")
            continue
        extra = extra.replace("\n    ", "\n" + key).replace("\n      ", "\n" + key + "  ")
        if extra.startswith("    "):
            extra = key + extra[4:]
        body.append(block(i, dash, key) + extra)
    text = HEAD + "checkins:\n" + "".join(body)
    if not final_newline:
        text = text.rstrip("\n")
    if crlf:
        text = text.replace("\n", "\r\n")
    fast, full = both(tmp_path_factory.mktemp("p"), text, WITH_FIELDS)
    same(fast, full)
    # Every layout drawn here is one the shortcut takes; when the plan is refused (the
    # full path refuses a block scalar that ends the file without a line break: the
    # check-in would change its text), the refusal is the full path's own.
    assert fast.cut_used is not bool(full.problems)
