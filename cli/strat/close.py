"""`strat close PERIOD`: close the goals of a period, score them, carry what fell short.

Every goal of the period that is still `active` gets a `result` and `status: done`:

* `result.date`: `--date`, else the period's end when it is past, else today.
* `result.final`: the goal's current value as `strat.progress` measures it on `today`
  (the one computation: the value `strat tree --today` shows), so a check-in with the
  final value made after the period ended counts.
* `result.score`: the progress (final − baseline) / (target − baseline) clamped to 0..1
  and rounded half up to a multiple of 0.1, like an OKR grade.
* `result.note`: empty (`""`) for the owner to fill in the pull request.

A goal with no value at all cannot be scored: the close is refused and names it (check
in its final value, or set `status: dropped`). `draft` goals of the period were never
agreed: they are not scored, and the close is refused until `--drafts drop` (each gets
`status: dropped`) or `--drafts carry` (each gets `status: dropped` and continues as a
draft in the next period) says what to do with them.

`--carry` writes a `draft` goal in the next period (the Strategy's period that starts
next after this one; refused in words when there is none) for every goal of the period
whose score is below 1, in a new file beside the original: id `<id>-<next period>` (a
trailing `-<period>` replaced; `-2`, `-3` … when taken), `carried_from`, the same title,
owner, holder, parent (the carried parent when the parent goal is carried too), weight,
customer progress, metric and target, and `baseline` = the final value. Key results,
impact, benefits and joint commitments are the owner's to restate for the new period. A
goal whose objective is due before the next period ends is not carried (that would be
A308): the report says so, to be re-aligned by hand.

Edits keep every other byte of each file (`strat.checkin_edit`: the `status` value is
replaced, `result` appended to the goal's document); each new text is re-read and its
data compared with the old data plus the change, and all files are written together or
none (`strat.write`). A second run changes nothing: closed goals are skipped, and a goal
already carried (some goal names it in `carried_from`) is not carried again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

from strat.checkin_edit import (EditProblem, _content_end, _insert_lines, _newline, compose_text, find_doc,
                                get_value, splice)
from strat.load import Document, parse_bytes
from strat.model import mapping
from strat.progress import measures, parse_date
from strat.rules.context import RuleContext
from strat.write import FileChange, unified_diff

DRAFT_CHOICES = ("drop", "carry")


class CloseUsage(Exception):
    """The command cannot run as asked (unknown period, a date in the future): exit 2."""


@dataclass(frozen=True, slots=True)
class Closed:
    goal: str
    path: str
    final: float
    score: float


@dataclass(frozen=True, slots=True)
class Carried:
    goal: str  # the new draft's id
    source: str
    path: str
    score: float | None  # None: a draft carried, never scored


@dataclass(slots=True)
class ClosePlan:
    period: str
    date: str
    next_period: str | None = None
    changes: list[FileChange] = field(default_factory=list)
    closed: list[Closed] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    carried: list[Carried] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # goals not carried, and why
    problems: list[str] = field(default_factory=list)  # refusals: nothing is written

    def diff(self) -> str:
        return unified_diff(self.changes)


def score_of(fraction: float) -> float:
    """Progress clamped to 0..1, rounded half up to a multiple of 0.1."""
    clamped = min(1.0, max(0.0, fraction))
    return float(Decimal(repr(clamped)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def next_period(ctx: RuleContext, period: str) -> str | None:
    """The Strategy's period that starts next after `period` (by start date)."""
    periods = ctx.model.periods
    start = periods[period].start
    later = sorted((p.start, p.id) for p in periods.values() if p.start > start)
    return later[0][1] if later else None


def plan_close(root: Path, ctx: RuleContext, period: str, today: dt.date, date: str | None = None,
               carry: bool = False, drafts: str | None = None) -> ClosePlan:
    """The changes that close `period` (not written). Raises CloseUsage."""
    periods = ctx.model.periods
    if period not in periods:
        from strat.refs import did_you_mean

        close = did_you_mean(period, list(periods))
        hint = f"; did you mean `{close[0]}`?" if close else ""
        known = ", ".join(sorted(periods)) or "none"
        raise CloseUsage(f"no period `{period}` in the Strategy{hint} (periods: {known})")
    end = parse_date(periods[period].end)
    if date is not None:
        day = parse_date(date)
        if day is None:
            raise CloseUsage(f"--date must be a date written YYYY-MM-DD, got {date!r}")
        if day > today:
            raise CloseUsage(f"--date {date} is after today ({today.isoformat()}): a goal is closed on a past day")
    else:
        day = end if end is not None and end < today else today
    plan = ClosePlan(period, day.isoformat())
    goals = [g for g in ctx.entities("Goal") if g.data.get("period") == period]
    active = [g for g in goals if g.data.get("status", "active") == "active"]
    draft = [g for g in goals if g.data.get("status") == "draft"]
    if draft and drafts not in DRAFT_CHOICES:
        names = ", ".join(f"`{g.id}` ({g.path})" for g in draft)
        plan.problems.append(f"{len(draft)} draft goal{'s' if len(draft) > 1 else ''} in `{period}`: {names}; "
                             "say what to do with them: --drafts drop (status: dropped) or --drafts carry "
                             "(dropped here, a draft in the next period)")
    if carry or drafts == "carry":
        plan.next_period = next_period(ctx, period)
        if plan.next_period is None:
            plan.problems.append(f"`{period}` is the Strategy's last period: there is no next period to carry goals "
                                 "into; add one under `periods` in the Strategy, or close without --carry")
    progress = measures(ctx)
    edits: dict[str, list[tuple[Document, dict[str, Any]]]] = {}  # path → (goal, new fields)
    for goal in active:
        outcome = progress.goal(goal).outcome
        if outcome.current is None or outcome.fraction is None:
            why = "no value" if outcome.current is None else "a target equal to its baseline"
            plan.problems.append(f"{goal.path}: goal `{goal.id}` has {why}, so it cannot be scored; check in its "
                                 f"final value (strat checkin {goal.id} --value V) or set `status: dropped`")
            continue
        if "result" in goal.data:
            plan.problems.append(f"{goal.path}: goal `{goal.id}` is {goal.data.get('status', 'active')} but already "
                                 "has a `result`; set `status: done` by hand or remove the result")
            continue
        score = score_of(outcome.fraction)
        result = {"date": plan.date, "final": outcome.current, "score": score, "note": ""}
        edits.setdefault(goal.path, []).append((goal, {"status": "done", "result": result}))
        plan.closed.append(Closed(goal.id, goal.path, outcome.current, score))
    if drafts in DRAFT_CHOICES:
        for goal in draft:
            edits.setdefault(goal.path, []).append((goal, {"status": "dropped"}))
            plan.dropped.append(goal.id)
    if plan.problems:
        return plan
    for rel, pending in edits.items():
        try:
            plan.changes.append(_edit_file(root, rel, pending))
        except EditProblem as problem:
            plan.problems.append(f"{rel}: {problem}")
    if plan.next_period is not None:
        _carry(root, ctx, plan, goals, carry, drafts == "carry")
    return plan


# --- editing the goal files ------------------------------------------------------------


def _edit_file(root: Path, rel: str, pending: list[tuple[Document, dict[str, Any]]]) -> FileChange:
    raw = (root / rel).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3 if bom else 0:].decode("utf-8")
    nodes = compose_text(text)
    newline = _newline(text)
    all_edits: list[tuple[int, int, str]] = []
    for goal, fields in pending:
        doc = find_doc(nodes, "Goal", goal.id)
        if doc.flow_style:
            raise EditProblem(f"goal `{goal.id}` is written as one flow mapping `{{…}}`; close it by hand")
        key_col = doc.value[0][0].start_mark.column
        indent = _indent(doc)
        lines: list[str] = []
        found = get_value(doc, "status")
        if found is not None:
            node = found[1]
            all_edits.append((node.start_mark.index, node.end_mark.index, fields["status"]))
        else:
            lines.append(" " * key_col + f"status: {fields['status']}")
        result = fields.get("result")
        if result is not None:
            lines.append(" " * key_col + "result:")
            for key in ("date", "final", "score"):
                lines.append(" " * (key_col + indent) + f"{key}: {_number(result[key]) if key != 'date' else result[key]}")
            lines.append(" " * (key_col + indent) + 'note: ""')
        if lines:
            all_edits.append(_insert_lines(text, _content_end(doc), lines, newline))
    new_text = splice(text, all_edits)
    content = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    _verify(content, rel, raw, pending)
    return FileChange(rel, content, raw)


def _indent(doc: Any) -> int:
    """How far this document indents a nested mapping (2 when it has none)."""
    for key, value in doc.value:
        if getattr(value, "flow_style", True) is False and isinstance(getattr(value, "value", None), list) \
                and value.value and isinstance(value.value[0], tuple):
            step = value.value[0][0].start_mark.column - key.start_mark.column
            if step > 0:
                return int(step)
    return 2


def _number(value: float) -> str:
    """A number as YAML reads it back exactly (26.5, 1080, 0.6)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _verify(content: bytes, rel: str, raw: bytes, pending: list[tuple[Document, dict[str, Any]]]) -> None:
    """The new file reads back as the old data plus exactly the change, goal by goal."""
    before, _ = parse_bytes(raw, rel)
    after, problems = parse_bytes(content, rel, report_empty=False)
    if after is None or before is None or problems:
        raise EditProblem("the edited file would not read back cleanly; close this goal by hand")
    changed = {goal.id: fields for goal, fields in pending}
    if len(before.documents) != len(after.documents):
        raise EditProblem("the edit would change the documents of the file; close this goal by hand")
    for old, new in zip(before.documents, after.documents):
        expected = dict(old.data) if isinstance(old.data, dict) else old.data
        if old.kind == "Goal" and old.id in changed:
            expected.update(changed[old.id])
        if not _same(expected, new.data):
            raise EditProblem(f"the edit would change more than `status` and `result` of `{old.id}`; close it by hand")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))
    return bool(a == b) and (numbers or type(a) is type(b))


# --- carrying goals into the next period ------------------------------------------------


def _carry(root: Path, ctx: RuleContext, plan: ClosePlan, goals: list[Document], carry: bool,
           carry_drafts: bool) -> None:
    nxt = plan.next_period
    assert nxt is not None
    already = {g.data.get("carried_from") for g in ctx.model.of_kind("Goal")}
    taken = set(ctx.model.by_id)
    scored = {c.goal: c for c in plan.closed}
    todo: list[tuple[Document, float | None, float | None]] = []  # (goal, baseline, score)
    for goal in goals:
        if goal.id in already:
            continue
        if goal.id in scored and carry:
            if scored[goal.id].score < 1:
                todo.append((goal, scored[goal.id].final, scored[goal.id].score))
        elif goal.id in plan.dropped and carry_drafts:
            current = measures(ctx).goal(goal).outcome.current
            todo.append((goal, current, None))
        elif carry and goal.data.get("status") == "done" and isinstance(goal.data.get("result"), dict):
            result = goal.data["result"]  # closed by an earlier run without --carry
            if isinstance(result.get("score"), (int, float)) and result["score"] < 1:
                todo.append((goal, result.get("final"), float(result["score"])))
    new_ids: dict[str, str] = {}
    for goal, _, _ in todo:
        new_ids[goal.id] = _fresh_id(goal.id, plan.period, nxt, taken)
        taken.add(new_ids[goal.id])
    next_end = ctx.period_end(nxt)
    for goal, baseline, score in todo:
        objective = ctx.objective_of(goal)
        due = ctx.objective_due(objective) if objective is not None else None
        if isinstance(due, str) and isinstance(next_end, str) and due < next_end:
            plan.notes.append(f"goal `{goal.id}` not carried: its objective `{objective.id}` is due on {due}, "  # type: ignore[union-attr]
                              f"before `{nxt}` ends ({next_end}); re-align it and carry it by hand")
            continue
        ident = new_ids[goal.id]
        rel = str(Path(goal.path).parent / f"{ident}.yaml")
        if (root / rel).exists() or any(c.rel == rel for c in plan.changes):
            plan.problems.append(f"{rel} already exists: cannot write the carried goal `{ident}` there")
            continue
        content = _draft(root, goal, ident, nxt, baseline, new_ids).encode("utf-8")
        parsed, problems = parse_bytes(content, rel)
        if parsed is None or problems:  # never expected: the text is dumped by a YAML emitter
            plan.problems.append(f"{rel}: the carried goal would not read back cleanly")
            continue
        plan.changes.append(FileChange(rel, content, None))
        plan.carried.append(Carried(ident, goal.id, rel, score))


def _fresh_id(ident: str, period: str, nxt: str, taken: set[str]) -> str:
    stem = ident[: -len(period) - 1] if ident.endswith("-" + period) else ident
    base = f"{stem}-{nxt}"[:80].rstrip("-")
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: 80 - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate


_HOLDERS = ("team", "department", "person")


def _draft(root: Path, goal: Document, ident: str, period: str, baseline: Any, new_ids: dict[str, str]) -> str:
    data = goal.data
    doc: dict[str, Any] = {"kind": "Goal", "id": ident, "title": data.get("title"), "owner": data.get("owner")}
    for key in _HOLDERS:
        if key in data:
            doc[key] = data[key]
    parent = data.get("parent")
    doc["parent"] = new_ids.get(parent, parent) if isinstance(parent, str) else parent
    doc["period"] = period
    doc["status"] = "draft"
    doc["carried_from"] = goal.id
    if "weight" in data:
        doc["weight"] = data["weight"]
    if isinstance(data.get("customer_progress"), str):
        doc["customer_progress"] = data["customer_progress"]
    outcome = mapping(data, "outcome")
    base = outcome.get("baseline") if baseline is None else baseline
    if isinstance(base, float) and base.is_integer() and abs(base) < 1e15:
        base = int(base)  # 19, as `result.final` writes it, not 19.0
    doc["outcome"] = {"metric": outcome.get("metric"), "baseline": base, "target": outcome.get("target")}
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return _schema_comment(root, goal) + f"# Carried from goal {goal.id} by strat close: a draft for the owner to agree.\n" + body


_SCHEMA_LINE = re.compile(r"# yaml-language-server: \$schema=[A-Za-z0-9./_-]+\.schema\.json")


def _schema_comment(root: Path, goal: Document) -> str:
    """The original's editor schema line (a plain relative path only), kept for the copy."""
    with open(root / goal.path, "rb") as handle:
        first = handle.readline(300).decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r\n")
    return first + "\n" if _SCHEMA_LINE.fullmatch(first) else ""
