"""The export formats `strat import FORMAT` reads: which header names mean which field,
and which words in a row's type column mean an objective, a key result or a check-in.

One engine (`strat.importokr`) reads them all; a format is only its vocabulary. Where a
product documents its export's columns, the names below are those; where it does not,
the names are the product's own field labels from its documentation, and the how-to
"Move from an OKR tool" says which is which, with the sources. Header names are
compared after `strat.importcsv.norm_header` (case, punctuation and brackets off).

Fields (what the engine does with each):
  type          objective | key result | check-in (per row); without a type column a row
                is a key result when it names one, a check-in when it has a check-in
                date, else an objective
  id            the row's own id in the tool (links key results and check-ins to it)
  parent_id     the id of the row it belongs to (a key result's objective, a check-in's
                key result)
  objective     the title of the objective (on key-result rows: the objective it
                belongs to; on objective rows: its title when there is no title column)
  key_result    the title of the key result (on key-result rows)
  title         the row's own title
  owner, owner_email, owner_name   the accountable person, matched by e-mail, then name
  objective_owner                  the objective's owner on key-result rows (wide sheets)
  team          the team (or department) whose goal it is
  period        the tool's period (quarter, time period, timeframe, session)
  start_date, end_date             dates of the row (the end date settles the period)
  metric, unit  the metric a key result measures, and its unit
  baseline, target, current        a key result's numbers
  status, description, weight
  checkin_date, checkin_value, checkin_note, checkin_by, confidence   progress history
"""

from __future__ import annotations

from dataclasses import dataclass, field

OBJECTIVE, KEY_RESULT, CHECKIN = "objective", "key result", "check-in"

# Words a type column uses, normalised (norm_header), for every format.
TYPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("objective", "objectives", "o", "company objective", "team objective", "okr objective",
                     "big rock", "goal"), OBJECTIVE),
    **dict.fromkeys(("key result", "key results", "kr", "result", "okr key result", "kpi", "outcome", "metric"),
                    KEY_RESULT),
    **dict.fromkeys(("check in", "checkin", "check ins", "progress update", "update", "progress"), CHECKIN),
}
# Types a tool has that strat does not import from an OKR export: the row is reported.
NOT_IMPORTED: dict[str, str] = {
    **dict.fromkeys(("project", "initiative", "task", "milestone", "action"),
                    "is a project, initiative or task; strat's Initiative needs a hypothesis and kill criteria a tool's "
                    "export does not have: write it with the team (strat schema initiative)"),
}

_COMMON: dict[str, tuple[str, ...]] = {
    "type": ("type", "row type", "level", "kind", "object type", "item type", "okr type"),
    "id": ("id", "ref", "okr id", "row id", "key"),
    "parent_id": ("parent id", "parent", "parent ref", "parent okr", "aligned to", "belongs to", "parent ids"),
    "objective": ("objective", "objective title", "objective name"),
    "key_result": ("key result", "kr", "key result title", "kr title", "key result name"),
    "title": ("title", "name"),
    "owner": ("owner", "dri", "accountable", "assignee", "owners"),
    "owner_email": ("owner email", "owner e mail", "email", "e mail", "assignee email"),
    "owner_name": ("owner name", "assignee name"),
    "objective_owner": ("objective owner", "objective owner email", "objective lead"),
    "team": ("team", "squad", "team name", "teams", "department"),
    "period": ("period", "quarter", "cycle", "time period", "timeframe", "okr period", "okr cycle"),
    "start_date": ("start date",),
    "end_date": ("end date", "due date", "due", "deadline", "target date"),
    "metric": ("metric", "kpi", "metric id", "measure"),
    "unit": ("unit", "units", "metric unit", "unit of measure", "uom"),
    "baseline": ("baseline", "start", "start value", "starting value", "initial value", "from", "baseline value"),
    "target": ("target", "target value", "goal value", "to"),
    "current": ("current", "current value", "actual", "actual value", "latest value"),
    "status": ("status", "state"),
    "description": ("description", "details"),
    "weight": ("weight",),
    "checkin_date": ("check in date", "checkin date", "date", "update date", "as of", "checked in"),
    "checkin_value": ("value", "check in value", "reading"),
    "checkin_note": ("note", "comment", "check in note", "update note"),
    "checkin_by": ("check in by", "checked in by", "updated by", "check in owner", "by"),
    "confidence": ("confidence",),
}


@dataclass(frozen=True)
class Format:
    """One tool's export: its name on the command line, its title in messages, the
    header names of each field (best first) and what it says about the file."""

    name: str
    title: str
    columns: dict[str, tuple[str, ...]]
    source: str  # where the column names come from (shown in --help and the docs)
    status_words: dict[str, str] = field(default_factory=dict)  # extra status words → strat status

    def lookup(self) -> dict[str, str]:
        """Normalised header name → field (the first field naming it wins)."""
        out: dict[str, str] = {}
        for fld, names in self.columns.items():
            for name in names:
                out.setdefault(name, fld)
        return out


def _with(extra: dict[str, tuple[str, ...]], drop: dict[str, tuple[str, ...]] | None = None
          ) -> dict[str, tuple[str, ...]]:
    """The common columns with a format's own names first (and some names removed)."""
    out = {k: tuple(n for n in v if n not in (drop or {}).get(k, ())) for k, v in _COMMON.items()}
    for key, names in extra.items():
        out[key] = names + tuple(n for n in out.get(key, ()) if n not in names)
    taken = {n for names in extra.values() for n in names}
    return {k: tuple(n for n in v if k in extra or n not in taken) for k, v in out.items()}


OKR_SHEET = Format(
    "okr-sheet", "OKR sheet", dict(_COMMON),
    "strat's own generic layout: one row per objective and per key result (a type column, or "
    "Objective and Key result columns), optional check-in rows",
)

VIVA_GOALS = Format(
    "viva-goals", "Viva Goals",
    _with({
        # Explorer export (Actions > Export, CSV or XLSX; the exporter picks the fields)
        "type": ("object type", "type"),
        "title": ("title",),
        "team": ("teams", "team"),
        "period": ("time period",),
        "start_date": ("start date",),
        "end_date": ("end date", "due date"),
        # field names of the Viva Goals data export (objectives and check-ins)
        "id": ("id",),
        "parent_id": ("parent ids", "parent id", "okr id", "alignment"),
        "metric": ("metric name",),
        "unit": ("metric unit",),
        "baseline": ("start",),
        "target": ("target",),
        "current": ("current value",),
        "checkin_date": ("checkin date", "check in date"),
        "checkin_note": ("check in note",),
        "checkin_by": ("check in owner",),
    }),
    "Viva Goals Explorer export (CSV or XLSX; fields chosen when exporting: type, title, owner, team, time "
    "period, start date, due date, progress, status, tags) and the names of the Viva Goals data export "
    "(ID, Title, Type, Owner, Teams, Time Period, Start Date, End Date, Metric Name, Metric Unit, Start, "
    "Target, Parent IDs; check-ins: OKR ID, CheckIn Date, Current Value, Check In Note, Check In Owner)",
    {"closed": "done", "postponed": "draft", "reopened": "active", "not started": "active"},
)

PERDOO = Format(
    "perdoo", "Perdoo",
    # Perdoo's Owner is a team (a group owns a goal) and its Lead is the person.
    _with({
        "owner": ("lead", "lead name"),
        "owner_email": ("lead email", "lead e mail"),
        "team": ("owner", "owner team", "group", "team"),
        "period": ("timeframe", "time frame"),
        "title": ("name", "title"),
        "baseline": ("start value", "starting value"),
        "current": ("current value",),
        "target": ("target value", "target"),
        "unit": ("metric unit", "unit"),
    }, drop={"owner": ("owner",), "owner_email": ("owner email", "owner e mail"), "owner_name": ("owner name",)}),
    "Perdoo's field labels (Name, Type, Objective, Owner = the team, Lead = the person, Timeframe, Start value, "
    "Current value, Target value, Metric unit, Status, Progress, Description); Perdoo's help documents the export "
    "but not its column names",
    {"accomplished": "done", "needs attention": "active", "off track": "active", "on track": "active"},
)

QUANTIVE = Format(
    "quantive", "Quantive",
    # In Quantive (formerly Gtmhub) an objective is a "goal" and a key result a "metric".
    _with({
        "objective": ("objective", "goal", "goal name", "objective name", "objective title"),
        "key_result": ("key result", "metric name", "key result name", "metric"),
        "parent_id": ("goal id", "objective id", "parent id", "goalid"),
        "id": ("id", "metric id", "key result id", "metricid"),
        "period": ("session", "session title", "session name", "planning session"),
        "end_date": ("session end", "end date", "due date", "due"),
        "start_date": ("session start", "start date"),
        "baseline": ("initial value", "initialvalue", "initial"),
        "current": ("actual", "actual value", "current value"),
        "unit": ("unit", "format", "metric unit"),
        "owner": ("owner", "owners", "assignee", "owner ids"),
    }, drop={"metric": ("metric",)}),
    "Quantive Results' objects (goals = objectives with name, description, owner, session; metrics = key results "
    "with name, goal id, initial value, target, actual); the Import/Export utility's column names are not "
    "documented",
    {"closed": "done", "archived": "dropped"},
)

TABILITY = Format(
    "tability", "Tability",
    # Tability calls a key result an "outcome".
    _with({
        "key_result": ("outcome", "outcome title", "key result", "kr"),
        "period": ("plan", "plan period", "period", "timeframe"),
        "baseline": ("start value", "initial value", "from", "baseline"),
        "current": ("current value", "current", "latest value"),
        "target": ("target", "target value"),
    }),
    "no Tability export documentation was found; the names are Tability's own terms (objective, outcome, owner, "
    "start value, target, current value, check-ins) matched like the generic sheet",
    {"off track": "active", "at risk": "active", "on track": "active", "achieved": "done"},
)

FORMATS: dict[str, Format] = {f.name: f for f in (VIVA_GOALS, PERDOO, QUANTIVE, TABILITY, OKR_SHEET)}
