"""What needs attention now, grouped by owner: the data of `strat digest`.

Nothing here is judged twice. The findings are the lint rules' own, run through the lint
engine (so `strat.yaml` severities of `off` and `# strat: ignore[...]` comments apply):

- **missing check-in**: A311 (stale goal): an active goal with no check-in, and no change
  to its file, in `stale_after_days` (strat.yaml, default 45). The digest uses that one
  setting rather than a second "reminder" threshold, so the digest and `strat lint` never
  disagree about which goal is stale.
- **breached guardrail**: A313; **stale data**: A314 (`stale_data_days`, default 14);
- **initiative past review**: A309's finding at `review_by` (a running initiative past
  its review date).

Goals at risk or off track are those whose status from `strat.progress` (the one
computation of progress, forecast and status) is `at-risk` or `off-track`, said with
`strat.progress.sentence`. New cross-department commitments are the `joint` entries of
goals that the strategy at the last commit before `since` did not have (from git).

Each item goes to the owner of the document it is about: the goal's, objective's,
metric's or initiative's `owner`; a joint commitment to the joint entry's `owner` (the
person in the other department who committed), else the goal's. Items with no owner are
grouped under `None`. Formatters are in `strat.digest_format`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strat.config import Config
from strat.diagnostics import Diagnostic
from strat.load import Document
from strat.model import Model, is_slug

# Rule code → the digest's section for its findings.
RULE_SECTIONS = {"A311": "missing-checkin", "A313": "guardrail", "A314": "stale-data", "A309": "review"}
# Sections in the order an owner's list shows them: the most urgent first.
SECTIONS = {
    "guardrail": "Breached guardrails",
    "off-track": "Goals off track",
    "at-risk": "Goals at risk",
    "missing-checkin": "Missing check-ins",
    "stale-data": "Stale data",
    "review": "Initiatives past their review date",
    "joint": "New cross-department commitments",
}


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to look at: its section, the entity it is about and what to say."""

    section: str
    kind: str  # the entity's kind (Goal, Objective, Metric, Initiative)
    entity: str  # its id
    title: str  # the name people know it by
    message: str  # a sentence of strat's; names quoted in backticks
    path: str
    line: int
    code: str | None = None  # the lint rule, when the item is a finding


@dataclass(slots=True)
class Digest:
    today: dt.date
    since: dt.date | None
    owners: dict[str | None, list[Item]] = field(default_factory=dict)  # owner → items, by section
    people: set[str] = field(default_factory=set)  # owners that are Person documents (may be @-mentioned)
    since_note: str = ""  # why new commitments could not be listed (no git, no history)
    checkin_note: str = ""  # why missing check-ins could not be judged (A311's note: no git, shallow clone)
    errors: int = 0  # lint errors: entities with errors are left out

    @property
    def items(self) -> list[Item]:
        return [i for items in self.owners.values() for i in items]


def build_digest(root: Path, folder: Path, config: Config, today: dt.date | None = None,
                 since: dt.date | None = None) -> Digest:
    """The digest of the strategy below `folder` of the repository at `root`, as of `today`."""
    from strat.diagnostics import Severity
    from strat.lint import LintOptions, lint
    from strat.rules.context import RuleContext

    today = today or dt.date.today()
    codes = tuple(RULE_SECTIONS)
    whole = lint(root, folder, config, LintOptions(select=("E", "S", "R", *codes), today=today))
    model = whole.model
    assert model is not None
    digest = Digest(today, since)
    digest.errors = sum(1 for d in whole.diagnostics if d.severity is Severity.ERROR)
    ctx = RuleContext(model, config, today)
    items: list[tuple[str | None, Item]] = []
    for diagnostic in whole.diagnostics:
        section = RULE_SECTIONS.get(diagnostic.code)
        if section is None:
            continue
        if diagnostic.severity is Severity.INFO:  # A311's "not a git repository" / "shallow clone" note
            digest.checkin_note = diagnostic.message if diagnostic.code == "A311" else digest.checkin_note
            continue
        if diagnostic.code == "A309" and not diagnostic.location.json_path.startswith("review_by"):
            continue  # A309's other finding (shipped without a result) is not about a date
        doc = document_at(model, diagnostic)
        if doc is None:
            continue
        items.append((_owner(doc), _item(section, doc, diagnostic.message, diagnostic)))
    items.extend(_at_risk(ctx))
    if since is not None:
        found, digest.since_note = _new_joint(root, folder, config, ctx, since)
        items.extend(found)
    order = {s: i for i, s in enumerate(SECTIONS)}
    items.sort(key=lambda pair: (order[pair[1].section], pair[1].path, pair[1].line, pair[1].entity))
    for owner, item in items:
        digest.owners.setdefault(owner, []).append(item)
    digest.owners = dict(sorted(digest.owners.items(), key=lambda kv: (kv[0] is None, kv[0] or "")))
    digest.people = {o for o in digest.owners if o is not None and ctx.get(o, "Person") is not None}
    return digest


def document_at(model: Model, diagnostic: Diagnostic) -> Document | None:
    """The document a finding is inside: the last one of its file starting at or before it."""
    found = None
    for doc in model.documents:
        if doc.path == diagnostic.location.path and doc.position[0] <= diagnostic.location.line:
            if found is None or doc.position[0] >= found.position[0]:
                found = doc
    return found


def _title(doc: Document) -> str:
    value = doc.data.get("title") if doc.kind in ("Objective", "Goal", "Initiative") else doc.data.get("name")
    return value if isinstance(value, str) and value.strip() else str(doc.id)


def _owner(doc: Document, data: dict[str, Any] | None = None) -> str | None:
    owner = (data if data is not None else doc.data).get("owner")
    return owner if is_slug(owner) else None


def _item(section: str, doc: Document, message: str, diagnostic: Diagnostic | None = None) -> Item:
    location = diagnostic.location if diagnostic is not None else doc.location(("id",))
    return Item(section, str(doc.kind), str(doc.id), _title(doc), message, location.path, location.line,
                diagnostic.code if diagnostic is not None else None)


def _at_risk(ctx: Any) -> list[tuple[str | None, Item]]:
    """Goals whose status (strat.progress) is at risk or off track, said in one sentence."""
    from strat.progress import measures, sentence

    facts = measures(ctx)
    out = []
    for goal in ctx.entities("Goal"):
        if not is_slug(goal.id):
            continue
        progress = facts.goal_progress(goal)
        if progress.status not in ("at-risk", "off-track"):
            continue
        metric = goal.data.get("outcome", {}).get("metric") if isinstance(goal.data.get("outcome"), dict) else None
        found = ctx.metric(metric) if isinstance(metric, str) else None
        unit = found.data.get("unit") if found is not None else None
        text = sentence(f"goal `{goal.id}`", progress, unit)
        out.append((_owner(goal), _item(progress.status, goal, text)))
    return out


def _joint_keys(documents: list[Document]) -> set[tuple[str, str]]:
    keys = set()
    for doc in documents:
        if doc.kind == "Goal" and is_slug(doc.id):
            for entry in doc.data.get("joint") or []:
                if isinstance(entry, dict) and isinstance(entry.get("department"), str):
                    keys.add((doc.id, entry["department"]))
    return keys


def base_before(root: Path, folder: str, since: dt.date) -> tuple[str | None, str]:
    """The last commit touching the strategy folder dated (author date, UTC) before `since`:
    (sha or None when every commit is on or after it, note when git cannot tell)."""
    from strat import git

    if not git.is_repository(root) or not git.has_commits(root):
        return None, "not a git repository (or no commit yet): new commitments since a date need its history"
    commits = git.log(root, folder)
    day = since.isoformat()
    for commit in commits:  # newest first
        if commit.date < day:
            return commit.sha, ""
        if commit.cut:
            return None, ("shallow clone: the history before the cut is missing, so new commitments cannot be "
                          "told from old ones; fetch with `fetch-depth: 0`")
    return None, ""


def _new_joint(root: Path, folder: Path, config: Config, ctx: Any,
               since: dt.date) -> tuple[list[tuple[str | None, Item]], str]:
    """The joint entries of goals now that the strategy did not have before `since`."""
    from strat import git
    from strat.changes import load_revision
    from strat.load import relative_path

    rel = relative_path(root, folder)
    try:
        base, note = base_before(root, rel, since)
        if note:
            return [], note
        before = (_joint_keys(load_revision(root, base, rel, None, {}, config.include, config.exclude).documents)
                  if base is not None else set())
    except git.GitError as problem:
        return [], f"git could not read the history: {problem}"
    out = []
    for goal in ctx.entities("Goal"):
        if not is_slug(goal.id):
            continue
        for i, entry in enumerate(goal.data.get("joint") or []):
            if not isinstance(entry, dict) or not isinstance(entry.get("department"), str):
                continue
            if (goal.id, entry["department"]) in before:
                continue
            department = entry["department"]
            holder = ctx.goal_department(goal)
            text = (f"goal `{goal.id}`" + (f" of `{holder}`" if isinstance(holder, str) else "")
                    + f": joint commitment with `{department}` added since {since.isoformat()}")
            commitment = entry.get("commitment")
            if isinstance(commitment, str) and commitment.strip():
                text += f": {' '.join(commitment.split())}"
            location = goal.location(("joint", i))
            item = Item("joint", "Goal", goal.id, _title(goal), text, location.path, location.line)
            out.append((_owner(goal, entry) or _owner(goal), item))
    return out, ""
