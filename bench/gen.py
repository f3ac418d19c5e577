"""A synthetic, realistic strategy repository for the benchmarks.

    from bench.gen import generate, add_commits
    counts = generate(Path("/tmp/repo"), goals=10_000, seed=1)
    history = add_commits(Path("/tmp/repo"), commits=200, seed=2)   # optional: N more commits

`generate` writes, deterministically for a given (goals, seed, today), a whole strategy
repository: one Strategy (values, periods, North Star), departments and their leaders,
a few hundred teams with people and costs, a metric tree (leading metrics with `drives`
edges up to the lagging business metrics and the North Star), core business
objectives, plans, about `goals` Goal files (~40 lines each), initiatives and decision
records, plus `strat.yaml` and `mkdocs.yml` at the root. It then runs `git init` and
makes one commit dated `today` (author and committer dates fixed too, so the commit
hash is reproducible).

Everything is valid against `schemas/*.schema.json` and written to pass the alignment
rules (one link to an objective, a `drives` path from each goal's metric to its
objective's metric, targets moving in the metric's `better` direction, joint goals owned
by the partner department's leader, team costs and goal impacts for ROI), except about 1%
of goal files, which carry exactly one deliberate error each, in rotation:

* ``wrong_type``: ``outcome.target: 45%`` (text where a number belongs)       -> S104
* ``unknown_field``: ``customer_progres:`` (a typo of a known field)          -> S103
* ``unknown_ref``: a misspelled id in ``parent``, ``owner`` or ``outcome.metric`` -> R201

The first two are schema errors (a pure JSON Schema validator sees them too); the third
needs the whole repository to find. The returned dict lists them under ``error_files``.

Only the standard library is used, and YAML is written as text (no YAML library), so
comments, block scalars and flow lists look like hand-written files.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# A fixed default "today": the generated repository (and its commit hash) depends only on
# (goals, seed, today). Benchmarks that exercise staleness rules may pass date.today().
ANCHOR = date(2026, 3, 2)
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false"]

ERROR_KINDS = ("wrong_type", "unknown_field", "unknown_ref")
ERROR_RATE = 0.01

# --- vocabulary ------------------------------------------------------------------------

FIRST = ("Ada Aisha Akira Alba Amara Ana Anders Andre Arjun Aroha Ben Bianca Bo Camila Carlos Chen "
         "Chiara Chloe Dara David Diego Dmitri Elena Elif Emeka Emma Esra Farah Felix Femi Fiona Gabriel "
         "Grace Hana Hugo Ines Ingrid Isaac Ivan Jamal Jana Javier Jin Joao Jonas Julia Kai Kamala Karim "
         "Kenji Lara Leila Lena Liam Lucia Luis Maya Mei Mateo Mira Nadia Naveen Nia Nils Noor Olga Omar "
         "Oskar Paula Priya Quinn Rafael Rania Ravi Rosa Sami Sara Sofia Tariq Thea Tomas Uma Victor Yara "
         "Yusuf Zara Zoe").split()
LAST = ("Abebe Adeyemi Alvarez Andersen Baker Banerjee Bauer Bergstrom Brennan Castro Chen Costa Dahl "
        "Diallo Dubois Eriksen Fischer Fontaine Garcia Gomez Haddad Hansen Hoffmann Ibrahim Ito Jensen "
        "Kaur Keller Khan Kim Kowalski Kumar Larsen Lopez Malik Martin Mendes Mensah Moreau Murphy "
        "Nakamura Nguyen Novak Obi Okafor Oliveira Park Patel Perez Petrov Quinn Reyes Rossi Santos "
        "Sato Schmidt Silva Singh Sorensen Suzuki Tan Tanaka Torres Ueda Varga Vogel Wagner Walsh "
        "Whitaker Wong Yilmaz Zhang Zimmer").split()

DEPARTMENTS = [
    # (id, name, gtm?)
    ("product-engineering", "Product & Engineering", False),
    ("customer-support", "Customer Support", False),
    ("sales", "Sales", True),
    ("marketing", "Marketing", True),
    ("finance", "Finance", False),
    ("customer-success", "Customer Success", True),
    ("platform", "Platform", False),
    ("data", "Data & Analytics", False),
    ("payments", "Payments", False),
    ("mobile", "Mobile", False),
    ("partnerships", "Partnerships", True),
    ("people-ops", "People Operations", False),
    ("security", "Security & Compliance", False),
    ("design", "Design", False),
    ("operations", "Business Operations", False),
    ("enterprise", "Enterprise", True),
]

TEAM_PREFIX = ("Scheduling Dispatch Routing Payments Invoicing Onboarding Mobile Sync Search Reporting "
               "Notifications Estimates Quotes Inventory Timesheets Maps Portal Billing Identity Growth "
               "Pricing Contracts Reviews Booking Messaging Analytics Integrations Fleet Parts Warranty "
               "Compliance Payroll Checkout Forms Calendar Workflow Documents Telephony Insights Trust").split()
TEAM_SUFFIX = ("Core Experience Platform Growth Foundations Insights Automation Quality Integrations "
               "Tools Reliability Activation").split()

SUBJECTS = ("dispatcher", "technician", "invoice", "trial account", "support ticket", "card payment",
            "route", "job", "estimate", "customer portal", "integration", "report", "parts order",
            "quote", "service contract", "review request", "online booking", "setup", "mobile app",
            "offline sync", "timesheet", "reminder", "recurring job", "membership plan", "photo upload")
# (name template, unit, better, baseline range, relative move range, integer?)
MEASURES = (
    ("{s} adoption rate", "%", "up", (8, 60), (0.15, 0.6), False),
    ("{s} completion rate", "%", "up", (30, 80), (0.05, 0.25), False),
    ("time to first {s}", "days", "down", (3, 21), (0.2, 0.5), False),
    ("{s} error rate", "%", "down", (1, 9), (0.2, 0.6), False),
    ("weekly {s} volume", "count", "up", (200, 9000), (0.1, 0.5), True),
    ("median {s} handling time", "minutes", "down", (6, 45), (0.15, 0.4), False),
    ("{s} satisfaction score", "points", "up", (62, 86), (0.03, 0.1), False),
)
SEGMENTS = ("", " in small accounts", " in mid-market accounts", " in multi-branch accounts",
            " in new accounts")

READING_NOTES = ("Restated after the billing fix", "Holiday: most customers closed",
                 "Outage in the afternoon, see the incident review", "New definition from this day on",
                 "Late data from the warehouse, backfilled")

PERSONAS = ("a dispatcher", "an office manager", "a technician", "the owner of a 12-van plumbing company",
            "a homeowner", "a bookkeeper", "a service manager", "the owner of an HVAC business")
PROGRESS = ("build tomorrow's schedule in ten minutes", "get paid before the van leaves the driveway",
            "close the job on the phone without calling the office", "know which technician is late and why",
            "send an estimate from the kitchen table", "answer a customer's question without a callback",
            "see every open invoice on one screen", "finish setup on the first day",
            "book the next visit while still on site", "trust the schedule on Monday morning")
PAINS = ("re-typing jobs into a spreadsheet", "chasing paper invoices for weeks",
         "a phone call to the office for every change", "waiting on hold for support",
         "guessing from a whiteboard", "losing a job when the signal drops")
THEMES = ("first-week", "self-serve", "multi-branch", "renewal", "on-site", "same-day", "no-callback",
          "paid-on-time", "calm-monday", "one-screen", "zero-retype", "fewer-tickets", "faster-setup",
          "at-the-door", "trusted-schedule", "mobile-first", "offline", "expansion", "win-back", "clean-data")
VERBS = {"up": ("Raise", "Grow", "Lift", "Increase", "Double down on"), "down": ("Cut", "Reduce", "Bring down", "Shrink")}
NOTES = ("Pilot live for 10% of accounts; early cohort looks good.", "Slower than planned: two releases slipped.",
         "Holiday week skews the number; trend is intact.", "New onboarding flow shipped to everyone.",
         "Data source fixed; earlier readings were 0.5 points low.", "On track after the pricing page change.",
         "Support macros rolled out to all agents.", "A/B test concluded; variant B kept.")
VALUES = [
    ("protect-the-day", "Protect the customer's day",
     "A schedule that works on Monday morning beats any new feature, and reliability work is never later."),
    ("earn-trust-plainly", "Earn trust, plainly",
     "Prices, contracts and product claims that an office manager understands in one read."),
    ("their-data-their-business", "Their data is their business",
     "Customer lists and job histories belong to our customers; exporting everything is one click."),
    ("small-bets-clear-kill-criteria", "Small bets, clear kill criteria",
     "Every feature is an experiment tied to a goal, with a hypothesis and the result that would make us stop."),
    ("humans-within-reach", "A human within reach",
     "Automation may make us faster, but a customer can always reach a person who can fix the problem."),
]

# The lagging business metrics and the North Star, with their drives edges. Every
# objective metric is reachable from the North Star (A307) through `drives`.
NORTH_STAR = "weekly-jobs-completed"
CORE_METRICS = [
    # id, name, unit, type, better, financial, drives, (baseline, target) for objectives
    (NORTH_STAR, "Weekly jobs completed", "jobs per week", "leading", "up", None,
     ["net-revenue-retention", "logo-churn"], None),
    ("net-revenue-retention", "Net revenue retention (trailing 12 months)", "%", "lagging", "up", True, ["arr"], (104, 109)),
    ("logo-churn", "Monthly logo churn", "%", "lagging", "down", False, ["net-revenue-retention"], (1.8, 1.4)),
    ("new-business-arr", "New business ARR (trailing 3 months)", "USD", "lagging", "up", True, ["arr"], None),
    ("arr", "Annual recurring revenue", "USD", "lagging", "up", True, ["gross-margin"], (48_000_000, 61_000_000)),
    ("support-cost-per-account", "Support cost per account per month", "USD", "lagging", "down", True,
     ["gross-margin"], None),
    ("gross-margin", "Gross margin", "%", "lagging", "up", True, [], (71, 74)),
]
OBJECTIVE_METRICS = {
    "net-revenue-retention": ("expand-and-retain", "Customers grow with us"),
    "logo-churn": ("cut-logo-churn", "Keep the customers we win"),
    "arr": ("grow-arr", "Grow recurring revenue"),
    "gross-margin": ("improve-gross-margin", "Every new dollar costs less to serve"),
}
# The guardrails objectives set on core metrics (`health`): the generated daily readings
# stay inside them, so the repository with readings has the findings of the one without.
GUARDRAILS = {"net-revenue-retention": ("min", 101), "gross-margin": ("min", 68), "logo-churn": ("max", 2.2)}
# Where a leading metric may point its `drives` edge (besides an earlier leading metric).
LEADING_TARGETS = (NORTH_STAR, "logo-churn", "net-revenue-retention", "new-business-arr", "support-cost-per-account")


# --- YAML writing ----------------------------------------------------------------------

_PLAIN_OK = re.compile(r"^[A-Za-z][^\n#:]*$")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def scalar(value: Any) -> str:
    """A YAML scalar: numbers bare, safe text plain, anything else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        return text if text not in ("", "-0") else "0"
    text = str(value)
    if _PLAIN_OK.match(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def folded(text: str, indent: int, width: int = 86) -> str:
    """`>-` block scalar lines for a long text (no trailing newline)."""
    pad = " " * indent
    lines, current = [], ""
    for word in text.split():
        if current and len(pad) + len(current) + 1 + len(word) > width:
            lines.append(pad + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(pad + current)
    return ">-\n" + "\n".join(lines)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].rstrip("-")


def flow_list(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


# --- the model being generated ---------------------------------------------------------

@dataclass
class Person:
    id: str
    name: str
    title: str
    department: str


@dataclass
class Team:
    id: str
    name: str
    department: str
    lead: str
    members: list[str]
    metrics: list[str] = field(default_factory=list)


@dataclass
class Metric:
    id: str
    name: str
    unit: str
    type: str
    better: str
    base: tuple[float, float] = (0, 1)
    move: tuple[float, float] = (0.1, 0.3)
    integer: bool = False
    department: str | None = None
    drives: list[str] = field(default_factory=list)


@dataclass
class Period:
    id: str
    start: date
    end: date


class _Ids:
    """Ids are unique across the whole repository, across kinds."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str) -> str:
        base = slug(wanted)[:74].rstrip("-") or "x"
        ident, n = base, 2
        while ident in self.used:
            ident, n = f"{base}-{n}", n + 1
        self.used.add(ident)
        return ident


def _half_periods(today: date) -> list[Period]:
    """The two halves before the current one, the current half and the next."""
    year, half = today.year, 1 if today.month <= 6 else 2
    out = []
    for back in (2, 1, 0, -1):
        y, h = year, half - back
        while h < 1:
            y, h = y - 1, h + 2
        while h > 2:
            y, h = y + 1, h - 2
        start = date(y, 1 if h == 1 else 7, 1)
        end = date(y, 6, 30) if h == 1 else date(y, 12, 31)
        out.append(Period(f"{y}-h{h}", start, end))
    return out


def _round(metric: Metric, value: float) -> float | int:
    if metric.integer or metric.unit == "USD":
        return int(round(value))
    return round(value, 1) if abs(value) >= 10 else round(value, 2)


# --- generation ------------------------------------------------------------------------

def generate(root: Path, goals: int, seed: int = 1, *, today: date = ANCHOR, git: bool = True,
             min_metrics: int = 0, readings: int = 0, readings_years: int = 3) -> dict[str, Any]:
    """Write a synthetic strategy repository with `goals` Goal files at `root` (created if
    needed; it should be empty). Returns counts of what was written, the relative paths of
    the files with deliberate errors (``error_files``: {path: error kind}), and the
    ``expected_findings`` those errors cause at least (one each).

    `min_metrics`: at least this many metrics (more leading metrics than `goals` alone
    calls for). `readings`: that many metrics (at least `min_metrics` is raised to it) get
    daily Readings over the last `readings_years` years up to `today`, one file per metric
    and calendar year, one reading a line in flow style. Readings are written last, from
    a random stream of their own, so the rest of the repository is byte-identical to the
    one generated with the same `min_metrics` and no readings."""
    if goals < 1:
        raise ValueError("goals must be at least 1")
    root = Path(root)
    gen = _Generator(root, goals, seed, today, max(min_metrics, readings), readings, readings_years)
    counts = gen.run()
    if git:
        git_init(root)
        counts["commit"] = commit(root, f"Strategy: {goals} goals across {counts['teams']} teams", when=today)
    return counts


class _Generator:
    def __init__(self, root: Path, goals: int, seed: int, today: date, min_metrics: int = 0,
                 readings: int = 0, readings_years: int = 3) -> None:
        self.root, self.n_goals, self.today = root, goals, today
        self.min_metrics, self.n_readings, self.readings_years = min_metrics, readings, readings_years
        self.seed = seed
        self.rng = random.Random(seed)
        self.ids = _Ids()
        self.s = root / "strategy"
        self.files = 0
        self.documents = 0
        self.counts: dict[str, Any] = {}
        self.people: dict[str, Person] = {}
        self.name_pool: list[tuple[str, str]] = [(f, l) for f in FIRST for l in LAST]
        self.rng.shuffle(self.name_pool)

    # helpers
    def write(self, rel: str, text: str, documents: int = 1) -> None:
        path = self.s / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.files += 1
        self.documents += documents

    def person(self, department: str, title: str) -> Person:
        if self.name_pool:
            first, last = self.name_pool.pop()
        else:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        ident = self.ids.take(f"{first[0]}{last}".lower())
        p = Person(ident, f"{first} {last}", title, department)
        self.people[ident] = p
        return p

    def run(self) -> dict[str, Any]:
        rng, n = self.rng, self.n_goals
        n_teams = max(4, round(n / 40))
        n_depts = max(3, min(len(DEPARTMENTS), n_teams // 20))
        n_leading = max(8, n_teams // 2, self.min_metrics - len(CORE_METRICS))
        self.periods = _half_periods(self.today)
        for p in self.periods:
            self.ids.used.add(p.id)  # period ids are a namespace of their own; keep them distinct anyway

        # departments and leaders
        self.departments = []
        for dept_id, name, gtm in DEPARTMENTS[:n_depts]:
            self.ids.used.add(dept_id)
        for dept_id, name, gtm in DEPARTMENTS[:n_depts]:
            leader = self.person(dept_id, f"VP {name}")
            self.departments.append((dept_id, name, gtm, leader.id))
        self.leader_of = {d[0]: d[3] for d in self.departments}

        # teams and their people
        self.teams: list[Team] = []
        names = [f"{a} {b}" for a in TEAM_PREFIX for b in TEAM_SUFFIX]
        rng.shuffle(names)
        for i in range(n_teams):
            dept = self.departments[i % n_depts][0]
            name = names[i] if i < len(names) else f"{names[i % len(names)]} {i // len(names) + 1}"
            team_id = self.ids.take(name)
            lead = self.person(dept, f"{name} Lead")
            members = [lead.id] + [self.person(dept, rng.choice(("Engineer", "Senior Engineer", "Product Manager",
                                                                  "Designer", "Analyst", "Specialist"))).id
                                   for _ in range(rng.randint(3, 6))]
            self.teams.append(Team(team_id, name, dept, lead.id, members))

        self._metrics(n_leading)
        self._strategy()
        self._people_files()
        self._department_files()
        self._objectives_and_plans()
        self._team_files()
        self._goals()
        self._initiatives()
        self._decisions()
        self._root_files()
        self._readings()
        self.counts.update(files=self.files, documents=self.documents, people=len(self.people),
                           departments=len(self.departments), teams=len(self.teams), periods=len(self.periods),
                           today=self.today.isoformat())
        return self.counts

    # metrics ---------------------------------------------------------------------------
    def _metrics(self, n_leading: int) -> None:
        rng = self.rng
        self.metrics: dict[str, Metric] = {}
        for mid, name, unit, mtype, better, financial, drives, _ in CORE_METRICS:
            self.ids.used.add(mid)
            self.metrics[mid] = Metric(mid, name, unit, mtype, better, drives=list(drives))
        combos = [(s, m, seg) for seg in SEGMENTS for s in SUBJECTS for m in MEASURES]
        # the plain (no segment) combinations first, shuffled, then segmented ones
        plain = [c for c in combos if not c[2]]
        rest = [c for c in combos if c[2]]
        rng.shuffle(plain)
        rng.shuffle(rest)
        combos = plain + rest
        leading: list[Metric] = []
        for i in range(n_leading):
            subject, (tmpl, unit, better, base, move, integer), seg = combos[i % len(combos)]
            name = (tmpl.format(s=subject) + seg)
            name = name[0].upper() + name[1:]
            if i >= len(combos):
                name += f" (cohort {i // len(combos) + 1})"
            mid = self.ids.take(name)
            dept = self.departments[i % len(self.departments)][0]
            targets = [rng.choice(LEADING_TARGETS)]
            if leading and rng.random() < 0.35:  # leading → earlier leading: acyclic by construction
                targets.append(rng.choice(leading).id)
            m = Metric(mid, name, unit, "leading", better, base, move, integer, dept, sorted(set(targets)))
            leading.append(m)
            self.metrics[mid] = m
        self.leading = leading
        # reachability through drives (for goal → objective alignment, A305)
        self.reach: dict[str, set[str]] = {}
        for mid in self.metrics:
            seen, stack = set(), [mid]
            while stack:
                for nxt in self.metrics[stack.pop()].drives:
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            self.reach[mid] = seen
        # each team owns a few leading metrics of its department
        by_dept: dict[str, list[Metric]] = {}
        for m in leading:
            by_dept.setdefault(m.department or "", []).append(m)
        for team in self.teams:
            pool = by_dept.get(team.department) or leading
            team.metrics = [m.id for m in rng.sample(pool, min(len(pool), rng.randint(2, 4)))]
        self.dept_metrics = {d: [m.id for m in ms] for d, ms in by_dept.items()}

        leaders = list(self.leader_of.values())
        for mid, name, unit, mtype, better, financial, drives, _ in CORE_METRICS:
            self._metric_file(self.metrics[mid], owner=rng.choice(leaders), financial=financial,
                              north_star=(mid == NORTH_STAR))
        team_of_dept = {}
        for t in self.teams:
            team_of_dept.setdefault(t.department, []).append(t)
        for m in leading:
            owner = rng.choice(team_of_dept.get(m.department or "", self.teams)).lead
            self._metric_file(m, owner=owner, financial=None, north_star=False)

    def _metric_file(self, m: Metric, owner: str, financial: bool | None, north_star: bool) -> None:
        rng = self.rng
        lines = ["# yaml-language-server: $schema=../../schemas/metric.schema.json"]
        if north_star:
            lines.append("# The North Star (see strategy.yaml).")
        lines += ["kind: Metric", f"id: {m.id}", f"name: {scalar(m.name)}", f"unit: {scalar(m.unit)}",
                  f"type: {m.type}", f"better: {m.better}", f"owner: {owner}"]
        if financial is not None:
            lines.append(f"financial: {scalar(financial)}")
        lines.append("description: " + folded(
            f"{m.name}, measured across all paying accounts and reported as the 4-week rolling average. "
            f"Test, demo and trial accounts are excluded unless the name says otherwise.", 2))
        lines.append(f"source: {scalar(rng.choice(['Snowflake: analytics.fct_jobs', 'ChartMogul', 'Looker: product usage', 'Zendesk Explore', 'NetSuite via FP&A']))}")
        if m.drives:
            lines.append("drives:")
            for target in m.drives:
                t = self.metrics[target]
                lines.append(f"  - metric: {target}")
                lines.append("    hypothesis: " + folded(
                    f"Accounts in the top quartile of {m.name.lower()} show {rng.randint(8, 40)}% better "
                    f"{t.name.lower()} than the bottom quartile, controlling for account size.", 6))
        self.write(f"metrics/{m.id}.yaml", "\n".join(lines) + "\n")
        self.counts["metrics"] = self.counts.get("metrics", 0) + 1

    # strategy, people, departments -------------------------------------------------------
    def _strategy(self) -> None:
        for vid, _, _ in VALUES:
            self.ids.used.add(vid)
        lines = ["# yaml-language-server: $schema=../schemas/strategy.schema.json",
                 "# Synthetic strategy generated by bench/gen.py for benchmarks.",
                 "kind: Strategy", "id: benchwise", "company: Benchwise, Inc.",
                 "mission: " + folded("Give every field-service business a full, calm and profitable day: the right "
                                      "technician at the right door, on time, with the job paid before the van leaves.", 2),
                 "vision: " + folded("By 2030 Benchwise is the operating system of North American trades businesses "
                                     "with 10 to 250 technicians.", 2),
                 f"north_star: {NORTH_STAR}", "values:"]
        self.ids.used.add("benchwise")
        for vid, name, desc in VALUES:
            lines += [f"  - id: {vid}", f"    name: {scalar(name)}", "    description: " + folded(desc, 6)]
        lines.append("periods:")
        for p in self.periods:
            lines += [f"  - id: {p.id}", f"    start: {p.start.isoformat()}", f"    end: {p.end.isoformat()}"]
        lines.append("review_cadence: monthly")
        self.write("strategy.yaml", "\n".join(lines) + "\n")

    def _people_files(self) -> None:
        by_dept: dict[str, list[Person]] = {}
        for p in self.people.values():
            by_dept.setdefault(p.department, []).append(p)
        for dept, people in by_dept.items():
            docs = []
            for p in people:
                first, last = p.name.split(" ", 1)
                docs.append("\n".join(["kind: Person", f"id: {p.id}", f"name: {scalar(p.name)}",
                                       f"title: {scalar(p.title)}", f"department: {dept}",
                                       f"email: {first.lower()}.{last.lower()}@benchwise.example"]))
            header = ("# yaml-language-server: $schema=../../schemas/person.schema.json\n#\n"
                      f"# {dept} people who own something in this repository.\n")
            self.write(f"people/{dept}.yaml", header + "\n---\n".join(docs) + "\n", documents=len(docs))

    def _department_files(self) -> None:
        for dept_id, name, _, leader in self.departments:
            self.write(f"departments/{dept_id}.yaml", "\n".join([
                "# yaml-language-server: $schema=../../schemas/department.schema.json",
                "kind: Department", f"id: {dept_id}", f"name: {scalar(name)}", f"leader: {leader}",
                f"description: {scalar(name + ' department of Benchwise.')}"]) + "\n")

    def _team_files(self) -> None:
        rng = self.rng
        for t in self.teams:
            annual = len(t.members) * rng.randint(150, 200) * 1000
            self.write(f"teams/{t.id}.yaml", "\n".join([
                "# yaml-language-server: $schema=../../schemas/team.schema.json",
                "kind: Team", f"id: {t.id}", f"name: {scalar(t.name)}", f"department: {t.department}",
                f"lead: {t.lead}", f"members: {flow_list(t.members)}",
                "cost:", f"  # {len(t.members)} people at a fully loaded back-of-the-envelope rate.",
                f"  annual: {annual}", "  currency: USD",
                f"mission: {scalar('Help every customer ' + rng.choice(PROGRESS) + '.')}",
            ]) + "\n")

    # objectives and plans ------------------------------------------------------------------
    def _objectives_and_plans(self) -> None:
        rng = self.rng
        leaders = list(self.leader_of.values())
        self.objectives: dict[str, list[tuple[str, str]]] = {}  # period → [(objective id, metric)]
        core = {c[0]: c for c in CORE_METRICS}
        n = 0
        for p in self.periods:
            self.objectives[p.id] = []
            for metric_id, (stem, title) in OBJECTIVE_METRICS.items():
                base, target = core[metric_id][7]
                oid = self.ids.take(f"{stem}-{p.id}")
                self.objectives[p.id].append((oid, metric_id))
                health = rng.sample([m for m in GUARDRAILS if m != metric_id], 1)[0]
                bound = GUARDRAILS[health]
                champions = rng.sample(leaders, min(3, len(leaders)))
                self.write(f"objectives/{oid}.yaml", "\n".join([
                    "# yaml-language-server: $schema=../../schemas/objective.schema.json",
                    "kind: Objective", f"id: {oid}", f"title: {scalar(f'{title} in {p.id}')}",
                    f"owner: {rng.choice(leaders)}", f"metric: {metric_id}",
                    f"baseline: {scalar(base)}", f"target: {scalar(target)}", f"period: {p.id}",
                    "why: " + folded(f"{title}: the board's first question every quarter, and the number our "
                                     f"plan for {p.id} is judged by.", 2),
                    f"champions: {flow_list(champions)}",
                    "health:", "  # guardrails: do not buy this objective with the health of another",
                    f"  - metric: {health}", f"    {bound[0]}: {bound[1]}",
                ]) + "\n")
                n += 1
        self.counts["objectives"] = n
        # plans: a product plan per period with every objective, and a go-to-market plan
        self.plan_for: dict[tuple[str, str], str] = {}
        plans = 0
        for p in self.periods:
            objs = self.objectives[p.id]
            product = self.ids.take(f"product-plan-{p.id}")
            gtm = self.ids.take(f"go-to-market-plan-{p.id}")
            gtm_objs = [o for o, m in objs if m in ("arr", "net-revenue-retention")]
            for pid, title, listed in ((product, f"{p.id} product plan", [o for o, _ in objs]),
                                       (gtm, f"{p.id} go-to-market plan", gtm_objs)):
                self.write(f"plans/{pid}.yaml", "\n".join([
                    "# yaml-language-server: $schema=../../schemas/plan.schema.json",
                    "kind: Plan", f"id: {pid}", f"title: {scalar(title)}", f"owner: {rng.choice(leaders)}",
                    f"objectives: {flow_list(listed)}", f"period: {p.id}",
                    "narrative: |",
                    f"  What we bet on in {p.id}, and why each bet moves an objective.",
                    "",
                    "  What we are not doing this half, though customers asked: each was estimated;",
                    "  none moves an objective as much as the bets above.",
                ]) + "\n")
                plans += 1
            for o, m in objs:
                self.plan_for[(p.id, o)] = product
                if o in gtm_objs:
                    self.plan_for[(p.id, o, "gtm")] = gtm  # type: ignore[index]
        self.counts["plans"] = plans

    # goals -----------------------------------------------------------------------------
    def _goals(self) -> None:
        rng, n = self.rng, self.n_goals
        n_err = max(len(ERROR_KINDS), round(n * ERROR_RATE)) if n >= 30 else min(n, 1)
        error_at = dict(zip(sorted(rng.sample(range(n), n_err)),
                            (ERROR_KINDS[i % len(ERROR_KINDS)] for i in range(n_err))))
        current, previous = self.periods[2], self.periods[1]
        gtm_depts = {d[0] for d in self.departments if d[2]}
        self.goal_list: list[dict[str, Any]] = []
        error_files: dict[str, str] = {}
        stats = {"team": 0, "person": 0, "department": 0, "with_benefits": 0}
        for i in range(n):
            team = self.teams[i % len(self.teams)]
            period = current if rng.random() < 0.85 else previous
            roll = rng.random()
            scope = "team" if roll < 0.96 else ("person" if roll < 0.985 else "department")
            if scope == "department":
                owner, holder = self.leader_of[team.department], ("department", team.department)
                folder = team.department
            elif scope == "person":
                owner = rng.choice(team.members)
                holder, folder = ("person", owner), team.id
            else:
                owner, holder, folder = rng.choice([team.lead, team.lead, *team.members]), ("team", team.id), team.id
            stats[scope] += 1
            metric = self.metrics[rng.choice(team.metrics)]
            candidates = [(o, m) for o, m in self.objectives[period.id] if m in self.reach[metric.id]]
            parent, parent_metric = rng.choice(candidates)
            plan = self.plan_for.get((period.id, parent, "gtm")) if team.department in gtm_depts else None  # type: ignore[call-overload]
            plan = plan or self.plan_for[(period.id, parent)]
            theme = rng.choice(THEMES)
            gid = self.ids.take(f"{team.id}-{theme}-{' '.join(metric.id.split('-')[:2])}-{period.id}")
            kind = error_at.get(i)
            text, info = self._goal_text(gid, team, owner, holder, parent, plan, period, metric, kind, stats)
            rel = f"goals/{folder}/{gid}.yaml"
            self.write(rel, text)
            self.goal_list.append({"id": gid, "team": team, "owner": owner, "metric": metric, "period": period,
                                   **info})
            if kind:
                error_files[f"strategy/{rel}"] = kind
        self.counts["goals"] = n
        self.counts["goal_scopes"] = stats
        self.counts["error_files"] = error_files
        by_kind = {k: sum(1 for v in error_files.values() if v == k) for k in ERROR_KINDS}
        self.counts["errors"] = by_kind
        self.counts["expected_findings"] = {
            "schema": by_kind["wrong_type"] + by_kind["unknown_field"],  # S104 + S103
            "reference": by_kind["unknown_ref"],  # R201
            "total_at_least": len(error_files),
        }

    def _measure(self, metric: Metric) -> tuple[float | int, float | int, float | int]:
        rng = self.rng
        base = rng.uniform(*metric.base)
        move = rng.uniform(*metric.move)
        target = base * (1 + move) if metric.better == "up" else base * (1 - move)
        b, t = _round(metric, base), _round(metric, target)
        if b == t:
            t = b + (1 if metric.better == "up" else -1) if metric.integer else _round(metric, t + (0.1 if metric.better == "up" else -0.1))
        progress = rng.uniform(0.1, 0.8)
        current = _round(metric, base + (target - base) * progress)
        return b, t, current

    def _goal_text(self, gid: str, team: Team, owner: str, holder: tuple[str, str], parent: str, plan: str,
                   period: Period, metric: Metric, error: str | None, stats: dict[str, int]) -> tuple[str, dict[str, Any]]:
        rng = self.rng
        b, t, cur = self._measure(metric)
        unit = "" if metric.unit in ("count",) else (metric.unit if metric.unit == "%" else f" {metric.unit}")
        verb = rng.choice(VERBS[metric.better])
        title = f"{verb} {metric.name[0].lower() + metric.name[1:]} from {scalar(b)}{unit} to {scalar(t)}{unit}"
        done = period is not self.periods[2]
        ref_error_field = None
        if error == "unknown_ref":
            ref_error_field = ("parent", "owner", "metric")[len(gid) % 3]

        def typo(ident: str) -> str:
            """Drop one letter (a realistic misspelling) so that the result names nothing."""
            for cut in range(max(1, len(ident) // 2), len(ident)):
                wrong = ident[:cut] + ident[cut + 1:]
                if wrong not in self.ids.used and wrong != ident:
                    return wrong
            return ident + "x"

        lines = ["# yaml-language-server: $schema=../../../schemas/goal.schema.json",
                 "kind: Goal", f"id: {gid}", f"title: {scalar(title)}",
                 f"owner: {typo(owner) if ref_error_field == 'owner' else owner}",
                 f"{holder[0]}: {holder[1]}",
                 f"parent: {typo(parent) if ref_error_field == 'parent' else parent}",
                 f"plan: {plan}", f"period: {period.id}"]
        if done:
            lines.append("status: done")
        progress = (f"As {rng.choice(PERSONAS)}, I {rng.choice(PROGRESS)} instead of "
                    f"{rng.choice(PAINS)}.")
        cp_key = "customer_progres" if error == "unknown_field" else "customer_progress"
        lines.append(f"{cp_key}: " + folded(progress, 2))
        target_text = "45%" if error == "wrong_type" else scalar(t)
        lines += ["outcome:",
                  f"  metric: {typo(metric.id) if ref_error_field == 'metric' else metric.id}",
                  f"  baseline: {scalar(b)}", f"  target: {target_text}", f"  current: {scalar(cur)}"]
        lines.append("key_results:")
        kr_pool = [m for m in team.metrics if m != metric.id] or team.metrics
        for k in range(2):
            km = self.metrics[kr_pool[k % len(kr_pool)]]
            kb, kt, kc = self._measure(km)
            lines += [f"  - title: {scalar(rng.choice(VERBS[km.better]) + ' ' + km.name[0].lower() + km.name[1:])}",
                      f"    metric: {km.id}", f"    baseline: {scalar(kb)}", f"    target: {scalar(kt)}"]
            if rng.random() < 0.3:
                lines.append(f"    current: {scalar(kc)}")
        delta = abs(t - b)
        pts = "points" if metric.unit == "%" else metric.unit
        accounts = rng.randint(40, 900)
        value = rng.randint(2, 40) * 100
        annual = max(1000, round(accounts * value * rng.uniform(0.5, 1.5), -3))
        lines += ["impact:", f"  annual: {int(annual)}", "  currency: USD",
                  f"  basis: {scalar(f'About {scalar(delta)} {pts} better keeps ~{accounts} accounts x ${value:,} a year')}"]
        benefits = None
        if rng.random() < 0.15:
            others = [d for d in self.departments if d[0] != team.department]
            if others:
                dept_id, dept_name, _, leader = rng.choice(others)
                stats["with_benefits"] += 1
                jm = self.dept_metrics.get(dept_id) or [metric.id]
                jmetric = self.metrics[rng.choice(jm)]
                _, jt, _ = self._measure(jmetric)
                benefits = dept_id
                lines += ["benefits:", f"  - department: {dept_id}",
                          f"    effect: {scalar(f'About {rng.randint(20, 400)} fewer hours a month of {dept_name} work')}",
                          "joint:", f"  - department: {dept_id}", f"    owner: {leader}",
                          "    commitment: " + folded(f"{dept_name} moves the saved capacity to proactive work "
                                                      f"and reports it in the monthly review.", 6, width=80),
                          f"    metric: {jmetric.id}", f"    target: {scalar(jt)}"]
        lines.append("checkins:")
        n_checkins = rng.randint(2, 3)
        end = min(self.today, period.end)
        span = max(n_checkins + 4, min(80, (end - period.start).days))  # stay inside the period when possible
        offsets = sorted(rng.sample(range(3, span), n_checkins), reverse=True)
        for k, off in enumerate(offsets):
            frac = (k + 1) / n_checkins
            value = cur if k == n_checkins - 1 else _round(metric, b + (cur - b) * frac)
            lines += [f"  - date: {(end - timedelta(days=off)).isoformat()}", f"    value: {scalar(value)}",
                      f"    confidence: {scalar(round(rng.uniform(0.4, 0.9), 2))}"]
            if rng.random() < 0.25:
                lines.append(f"    note: {scalar(rng.choice(NOTES))}")
            lines.append(f"    by: {rng.choice([owner, team.lead])}")
        return "\n".join(lines) + "\n", {"benefits": benefits, "target": t, "baseline": b}

    # readings --------------------------------------------------------------------------
    def _readings(self) -> None:
        """Daily readings of the first `n_readings` metrics (core metrics first) over the
        last `readings_years` x 365 days up to today: a random walk in the metric's range,
        one file per metric and calendar year, about 1% of readings with a note."""
        self.counts["readings"] = 0
        self.counts["readings_files"] = 0
        if not self.n_readings:
            return
        rng = random.Random(f"readings-{self.seed}")  # its own stream: the rest stays byte-identical
        days = 365 * self.readings_years
        first = self.today - timedelta(days=days - 1)
        core = {c[0]: c[7] for c in CORE_METRICS}
        for metric in list(self.metrics.values())[:self.n_readings]:
            if metric.base != (0, 1):
                value = rng.uniform(*metric.base)
            elif core.get(metric.id):
                value = float(core[metric.id][0])  # type: ignore[index]
            else:
                value = rng.uniform(500, 5000)
            drift = (1 if metric.better == "up" else -1) * rng.uniform(0.0, 0.3) / days  # relative, per day
            guard = GUARDRAILS.get(metric.id)
            by_year: dict[int, list[str]] = {}
            for d in range(days):
                day = first + timedelta(days=d)
                value = max(0.0, value * (1 + drift + rng.gauss(0, 0.004)))
                if guard is not None:  # reflect off the guardrail, with a margin kept by the rounding
                    side, bound = guard
                    edge = bound * (1.01 if side == "min" else 0.99)
                    if (value < edge) if side == "min" else (value > edge):
                        value = 2 * edge - value
                line = f"  - {{date: {day.isoformat()}, value: {scalar(_round(metric, value))}"
                if rng.random() < 0.01:
                    line += f", note: {json.dumps(rng.choice(READING_NOTES))}"  # quoted: commas end a flow value
                by_year.setdefault(day.year, []).append(line + "}")
            for year, lines in by_year.items():
                rid = self.ids.take(f"{metric.id}-{year}")
                self.write(f"readings/{metric.id}/{year}.yaml", "\n".join([
                    "# yaml-language-server: $schema=../../../schemas/readings.schema.json",
                    "kind: Readings", f"id: {rid}", f"metric: {metric.id}", "values:", *lines]) + "\n")
                self.counts["readings"] += len(lines)
                self.counts["readings_files"] += 1

    # initiatives and decisions ----------------------------------------------------------
    def _initiatives(self) -> None:
        rng = self.rng
        n = 0
        current = self.periods[2]
        for g in self.goal_list:
            if g["period"] is not current or rng.random() >= 0.25:
                continue
            team, metric = g["team"], g["metric"]
            status = rng.choices(("proposed", "running", "shipped", "killed"), (2, 5, 2, 1))[0]
            word = rng.choice(("wizard", "nudge", "redesign", "automation", "pilot", "checklist", "template"))
            iid = self.ids.take(f"{g['id'][:60]}-{word}")
            delta = _round(metric, abs(g["target"] - g["baseline"]) * rng.uniform(0.2, 0.6)) or 1
            if metric.better == "down":
                delta = -delta
            review = self.today + timedelta(days=rng.randint(14, 120))
            lines = ["# yaml-language-server: $schema=../../../schemas/initiative.schema.json",
                     "kind: Initiative", f"id: {iid}",
                     f"title: {scalar(f'{word.capitalize()} for {metric.name[0].lower() + metric.name[1:]}')}",
                     f"goal: {g['id']}", f"owner: {rng.choice(team.members)}", f"status: {status}",
                     "hypothesis: " + folded(f"If we ship this {word}, {rng.choice(PERSONAS)} can {rng.choice(PROGRESS)}, "
                                             f"and {metric.name.lower()} "
                                             f"moves by {scalar(abs(delta))} {metric.unit} within six weeks.", 2),
                     "kill_criteria: " + folded(f"No measurable move in {metric.name.lower()} after four weeks "
                                                f"at full rollout.", 2),
                     "expected:", f"  metric: {metric.id}", f"  delta: {scalar(delta)}",
                     f"review_by: {review.isoformat()}",
                     "cost:", f"  team_weeks: {rng.randint(1, 12)}"]
            if status in ("shipped", "killed"):
                lines.append("result: " + folded(
                    f"{'Kept' if status == 'shipped' else 'Stopped'}: measured move of "
                    f"{scalar(round(abs(delta) * rng.uniform(0.1, 1.4), 2))} {metric.unit} after six weeks.", 2))
            self.write(f"initiatives/{team.id}/{iid}.yaml", "\n".join(lines) + "\n")
            n += 1
        self.counts["initiatives"] = n

    def _decisions(self) -> None:
        rng = self.rng
        n_dec = max(5, self.n_goals // 250)
        leaders = list(self.leader_of.values())
        topics = ("price per active technician", "retire the legacy dispatch board", "no data resale to insurers",
                  "keep phone support for every plan", "kill the homeowner portal beta", "one-click full export",
                  "offline sync before new mobile features", "no dark patterns in cancellation",
                  "publish the status page", "partner API rate limits")
        made: list[tuple[str, date]] = []
        superseded: set[str] = set()
        start = self.today - timedelta(days=720)
        dates = sorted(start + timedelta(days=rng.randint(0, 700)) for _ in range(n_dec))
        records = []
        for k, when in enumerate(dates):
            topic = topics[k % len(topics)]
            did = self.ids.take(f"{topic} {when.year}")
            supersedes = None
            if made and rng.random() < 0.15:
                earlier = rng.choice(made)[0]
                if earlier not in superseded:
                    supersedes = earlier
                    superseded.add(earlier)
            made.append((did, when))
            records.append((did, when, topic, supersedes))
        for did, when, topic, supersedes in records:
            values = rng.sample([v[0] for v in VALUES], rng.randint(1, 2))
            status = "superseded" if did in superseded else rng.choices(("accepted", "proposed"), (9, 1))[0]
            lines = ["# yaml-language-server: $schema=../../schemas/decision.schema.json",
                     "kind: Decision", f"id: {did}", f"title: {scalar(topic.capitalize())}",
                     f"date: {when.isoformat()}", f"status: {status}", f"decided_by: {rng.choice(leaders)}",
                     f"values: {flow_list(values)}",
                     "context: " + folded(f"Customers and teams asked us about {topic}; the options had real costs.", 2),
                     "decision: " + folded(f"We decided on {topic}, and wrote down why.", 2),
                     "consequences: " + folded("Some revenue forgone this year; fewer support calls and more trust.", 2)]
            if supersedes:
                lines.append(f"supersedes: {supersedes}")
            self.write(f"decisions/{did}.yaml", "\n".join(lines) + "\n")
        self.counts["decisions"] = n_dec

    def _root_files(self) -> None:
        (self.root / "strat.yaml").write_text(
            "# strat configuration (generated by bench/gen.py)\n"
            "strategy: strategy\n"
            "stale_after_days: 45\n", encoding="utf-8")
        (self.root / "mkdocs.yml").write_text(
            "site_name: Benchwise strategy\n"
            "theme:\n  name: material\n", encoding="utf-8")


# --- git -------------------------------------------------------------------------------

def _git_env(when: date | None) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)
    if when is not None:
        stamp = f"{when.isoformat()}T12:00:00+00:00"
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
    return env


def git_init(root: Path) -> None:
    subprocess.run([*GIT, "init", "-q", str(root)], check=True, env=_git_env(None))


def commit(root: Path, message: str, when: date | None = None, paths: list[str] | None = None) -> str:
    """Stage `paths` (default: everything) and commit, dated `when` (noon UTC). Returns the
    commit hash. The building block for benchmarks that need history."""
    env = _git_env(when)
    subprocess.run([*GIT, "-C", str(root), "add", "-A", *(paths or ["."])], check=True, env=env)
    subprocess.run([*GIT, "-C", str(root), "commit", "-q", "--no-verify", "-m", message], check=True, env=env)
    out = subprocess.run([*GIT, "-C", str(root), "rev-parse", "HEAD"], check=True, env=env,
                         capture_output=True, text=True)
    return out.stdout.strip()


def _head_date(root: Path) -> date:
    out = subprocess.run([*GIT, "-C", str(root), "log", "-1", "--format=%cs"], check=True,
                         capture_output=True, text=True, env=_git_env(None))
    return date.fromisoformat(out.stdout.strip())


_OWNER = re.compile(r"^owner: (\S+)$", re.M)
_VALUE = re.compile(r"^    value: (\S+)$", re.M)
_TARGET = re.compile(r"^  target: (\S+)$", re.M)


def add_commits(root: Path, commits: int, seed: int = 2, *, goals_per_commit: int = 5,
                start: date | None = None, step_days: int = 1) -> dict[str, Any]:
    """Add `commits` commits to a repository made by `generate`: each appends a check-in
    to `goals_per_commit` random goal files (the `checkins` list is the last block of
    every generated goal, so appending text keeps the YAML valid) and, now and then,
    moves a goal's target. Commit i is dated `start + i * step_days` (default: the day
    after HEAD), so history-reading rules and `strat history`/`diff` have real history.
    To end the history at a given day, generate with an earlier `today`."""
    root = Path(root)
    rng = random.Random(seed)
    goal_files = sorted((root / "strategy" / "goals").rglob("*.yaml"))
    if not goal_files:
        raise ValueError(f"no goal files under {root / 'strategy' / 'goals'}")
    day = start or (_head_date(root) + timedelta(days=1))
    touched: set[str] = set()
    hashes = []
    for i in range(commits):
        when = day + timedelta(days=i * step_days)
        changed = []
        for path in rng.sample(goal_files, min(goals_per_commit, len(goal_files))):
            text = path.read_text(encoding="utf-8")
            owner = _OWNER.search(text)
            values = _VALUE.findall(text)
            try:
                last = float(values[-1]) if values else 0.0
            except ValueError:
                last = 0.0
            new = round(last * rng.uniform(0.98, 1.06), 2)
            entry = (f"  - date: {when.isoformat()}\n    value: {scalar(new)}\n"
                     f"    confidence: {scalar(round(rng.uniform(0.4, 0.9), 2))}\n")
            if owner:
                entry += f"    by: {owner.group(1)}\n"
            if rng.random() < 0.1:
                match = _TARGET.search(text)
                if match:
                    try:
                        old = float(match.group(1))
                        text = text[:match.start(1)] + scalar(round(old * 1.05, 2)) + text[match.end(1):]
                    except ValueError:
                        pass
            path.write_text(text + entry, encoding="utf-8")
            rel = path.relative_to(root).as_posix()
            changed.append(rel)
            touched.add(rel)
        hashes.append(commit(root, f"Check-ins for {when.isoformat()} ({len(changed)} goals)", when, changed))
    return {"commits": commits, "goals_touched": len(touched), "first": hashes[0] if hashes else None,
            "last": hashes[-1] if hashes else None}
