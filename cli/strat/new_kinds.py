"""What `strat new KIND` asks for each kind: the fields, in the order they are asked,
with the option that gives each, the prompt, the type of answer and where it goes in the
document. Read by `strat --help` (the options) without loading any YAML machinery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TEXT, NUMBER, REF, REFS, PERIOD, VALUES, DATE, CHOICE, ID = (
    "text", "number", "ref", "refs", "period", "values", "date", "choice", "id")


@dataclass(frozen=True, slots=True)
class Field:
    """One answer: the option (`--name`), where it goes in the document, what it is."""

    name: str  # the option's name, and the key in `answers` (dashes as in the option)
    path: tuple[str, ...]  # where the value goes in the document
    ask: str  # the prompt
    type: str
    targets: tuple[str, ...] = ()  # REF/REFS: the kinds it may name
    choices: tuple[str, ...] = ()  # CHOICE
    required: bool = True
    group: str = ""  # fields of one group: `Kind.groups` says how many of them to give
    after: str = ""  # asked, and then required, only when this other field has an answer
    hint: str = ""  # said once before the prompt

    @property
    def option(self) -> str:
        return f"--{self.name}"


@dataclass(frozen=True, slots=True)
class Kind:
    kind: str
    folder: str  # the conventional folder, when the strategy has none of this kind yet
    fields: tuple[Field, ...]
    groups: dict[str, tuple[bool, str]] = field(default_factory=dict)  # group → (exactly one?, words)

    @property
    def label(self) -> str:
        return "title" if any(f.name == "title" and f.path == ("title",) and f.required for f in self.fields) else "name"


def _f(name: str, ask: str, type_: str = TEXT, path: tuple[str, ...] | None = None, **more: Any) -> Field:
    return Field(name, path or (name.replace("-", "_"),), ask, type_, **more)


_ID = _f("id", "Id (a slug, unique in the repository)", ID)
_OWNER = _f("owner", "Owner (the Person accountable)", REF, targets=("Person",))

KINDS: dict[str, Kind] = {k.kind.lower(): k for k in (
    Kind("Goal", "goals", (
        _f("title", "Title (the outcome, in words)"),
        _ID,
        _OWNER,
        _f("team", "Team (empty: a department's or a person's goal)", REF, targets=("Team",), group="whose"),
        _f("department", "Department (empty: the owner's own goal)", REF, targets=("Department",), group="whose"),
        _f("person", "Person whose goal it is", REF, targets=("Person",), group="whose"),
        _f("parent", "Parent (the objective, or goal, it serves)", REF, targets=("Objective", "Goal")),
        _f("period", "Period", PERIOD),
        _f("metric", "Metric (what moves)", REF, ("outcome", "metric"), targets=("Metric",)),
        _f("baseline", "Baseline (the metric's value today)", NUMBER, ("outcome", "baseline")),
        _f("target", "Target (the value at the end of the period)", NUMBER, ("outcome", "target")),
        _f("plan", "Plan (empty: none)", REF, targets=("Plan",), required=False),
    ), {"whose": (True, "--team, --department or --person (whose goal it is: exactly one)")}),
    Kind("Objective", "objectives", (
        _f("title", "Title (the business objective, in words)"),
        _ID,
        _OWNER,
        _f("metric", "Metric (the business number)", REF, targets=("Metric",)),
        _f("baseline", "Baseline (the metric's value today)", NUMBER),
        _f("target", "Target", NUMBER),
        _f("period", "Period (empty: give a due date)", PERIOD, group="when"),
        _f("due", "Due date (YYYY-MM-DD)", DATE, group="when"),
        _f("why", "Why it matters (empty: none)", required=False),
    ), {"when": (False, "--period or --due (when it is due: at least one)")}),
    Kind("Metric", "metrics", (
        _f("name", "Name"),
        _ID,
        _f("unit", "Unit (USD, %, ratio, count, days, ...)"),
        _f("type", "Type", CHOICE, choices=("leading", "lagging"),
           hint="leading: customer or product behaviour a team can move; lagging: a business outcome"),
        _f("better", "Better when it goes", CHOICE, choices=("up", "down")),
        _f("owner", "Owner (empty: none)", REF, targets=("Person",), required=False),
        _f("description", "Description (empty: none)", required=False),
    )),
    Kind("Initiative", "initiatives", (
        _f("title", "Title"),
        _ID,
        _f("goal", "Goal it serves", REF, targets=("Goal",)),
        _OWNER,
        _f("status", "Status", CHOICE, choices=("proposed", "running", "shipped", "killed")),
        _f("hypothesis", "Hypothesis (if we ..., then ...)"),
        _f("kill-criteria", "Kill criteria (when we stop)"),
        _f("review-by", "Review by (YYYY-MM-DD; empty: none)", DATE, required=False),
    )),
    Kind("Decision", "decisions", (
        _f("title", "Title"),
        _ID,
        _f("date", "Date (YYYY-MM-DD)", DATE),
        _f("status", "Status", CHOICE, choices=("proposed", "accepted", "superseded")),
        _f("decided-by", "Decided by (empty: not said)", REF, targets=("Person",), required=False),
        _f("value", "Values it upholds (ids, comma-separated)", VALUES, ("values",)),
        _f("context", "Context (what made a decision necessary)"),
        _f("decision", "Decision (what we do)"),
        _f("consequences", "Consequences (empty: none)", required=False),
    )),
    Kind("Team", "teams", (
        _f("name", "Name"),
        _ID,
        _f("department", "Department", REF, targets=("Department",)),
        _f("lead", "Lead (a Person)", REF, targets=("Person",)),
        _f("member", "Members (Person ids, comma-separated; empty: none)", REFS, ("members",), targets=("Person",),
           required=False),
        _f("cost", "Annual cost, fully loaded (a number; empty: not said)", NUMBER, ("cost", "annual"),
           required=False, hint="with the impact of the team's goals, what `strat roi` compares"),
        _f("currency", "Currency (ISO 4217, e.g. USD)", TEXT, ("cost", "currency"), after="cost"),
    )),
    Kind("Person", "people", (
        _f("name", "Name"),
        _f("id", "Id (their user name on your git host, e.g. GitHub)", ID),
        _f("title", "Job title (empty: none)", required=False),
        _f("department", "Department (empty: none)", REF, targets=("Department",), required=False),
        _f("email", "E-mail (empty: none)", required=False),
    )),
    Kind("Department", "departments", (
        _f("name", "Name"),
        _ID,
        _f("leader", "Leader (a Person)", REF, targets=("Person",)),
    )),
    Kind("Plan", "plans", (
        _f("title", "Title"),
        _ID,
        _OWNER,
        _f("objective", "Objectives it executes (ids, comma-separated)", REFS, ("objectives",),
           targets=("Objective",)),
        _f("period", "Period (empty: none)", PERIOD, required=False),
    )),
)}


def metavar(name: str) -> str:
    """How an option's value is shown in --help: ID, NUMBER, DATE or TEXT."""
    found = [f for kind in KINDS.values() for f in kind.fields if f.name == name]
    if len({f.choices for f in found}) > 1:
        return "WORD"  # a status: each kind has its own (see the prompt)
    for f in found[:1]:
        return {REF: "ID", REFS: "ID", VALUES: "ID", PERIOD: "ID", ID: "ID", NUMBER: "NUMBER",
                DATE: "YYYY-MM-DD", CHOICE: "|".join(f.choices)}.get(f.type, "TEXT")
    return "TEXT"


def all_options() -> list[str]:
    """Every option name any kind takes, in first-seen order."""
    seen: dict[str, None] = {}
    for kind in KINDS.values():
        for f in kind.fields:
            seen.setdefault(f.name, None)
    return list(seen)


OPTION_HELP = {
    "title": "The title (of a person: the job title).",
    "id": "The new id (default: a slug of the title or name, unused).",
    "owner": "The Person accountable.",
    "team": "A goal's team.",
    "department": "The Department (a goal's, a team's, a person's).",
    "person": "A person's own goal: whose.",
    "parent": "A goal's parent: the Objective or Goal it serves.",
    "period": "A period of the Strategy (a goal's default: its parent's, or the one today is in).",
    "metric": "The Metric (a goal's outcome, an objective's number).",
    "baseline": "The metric's value today (a number).",
    "target": "The value to reach (a number).",
    "plan": "A goal's Plan.",
    "due": "An objective's due date (YYYY-MM-DD).",
    "why": "Why the objective matters.",
    "name": "The name (metric, team, person, department).",
    "unit": "A metric's unit: USD, %, ratio, count, days, ...",
    "type": "A metric's type: leading or lagging.",
    "better": "A metric is better when it goes up or down.",
    "description": "A metric's description.",
    "goal": "An initiative's Goal.",
    "status": "An initiative's or decision's status (default: proposed).",
    "hypothesis": "An initiative's hypothesis.",
    "kill-criteria": "When an initiative stops.",
    "review-by": "An initiative's review date (YYYY-MM-DD).",
    "date": "A decision's date (default: today).",
    "decided-by": "The Person who decided.",
    "value": "A value of the Strategy a decision upholds (repeat, or comma-separated).",
    "context": "A decision's context.",
    "decision": "What was decided.",
    "consequences": "A decision's consequences.",
    "lead": "A team's lead (Person).",
    "member": "A team member (Person; repeat, or comma-separated).",
    "email": "A person's e-mail address.",
    "leader": "A department's leader (Person).",
    "cost": "A team's annual cost, fully loaded (a number).",
    "currency": "The cost's currency, ISO 4217 (default: the one every team uses).",
    "objective": "An Objective a plan executes (repeat, or comma-separated).",
}
