"""`strat roi`: each team's annual cost against the expected annual impact of its goals.

The basis, stated with every output: a team's `cost.annual` (fully loaded, back of the
envelope, as its Team file says) against the sum of `impact.annual` over the goals the
team holds (`team:` on the goal) that are not dropped. Impacts are summed per currency
and never converted: the ratio uses the impact in the cost's currency, and a team whose
goals also declare impact in another currency is flagged (its ratio is a lower bound).
Teams whose ROI cannot be shown are listed last, with the reason.

`roi_rows` is a pure function over the rule context, for this command and the site;
`FORMATS` maps each `--format` to a pure function from rows to text. Amounts and ratios are
written by `strat.numbers` (ratio to one decimal, `1.2×`; money compact in tables, in full
per goal), as on the site.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import Any, Callable

from strat import inert, numbers
from strat.model import as_text, mapping
from strat.rules.context import RuleContext

BASIS = ("ROI = the expected annual impact of a team's goals ÷ the team's annual cost. Counted: the "
         "`impact.annual` of every goal the team holds that is not dropped, against `cost.annual` of the team. "
         "Currencies are never converted: only impact in the cost's currency enters the ratio.")
COST_NOT_PUBLISHED = "its cost is not published"


@dataclass(frozen=True, slots=True)
class GoalImpact:
    goal: str
    title: str
    annual: float
    currency: str
    basis: str


@dataclass(frozen=True, slots=True)
class RoiRow:
    """One team's ROI, or why it cannot be shown (`reason`)."""

    team: str
    name: str
    cost: float | None
    currency: str | None
    impact: dict[str, float]  # currency → summed annual impact
    goals: tuple[GoalImpact, ...]
    ratio: float | None
    reason: str | None

    @property
    def other_currencies(self) -> list[str]:
        """Currencies of impact left out of the ratio (not the cost's)."""
        return sorted(c for c in self.impact if c != self.currency)

    @property
    def partial(self) -> bool:
        """The ratio counts only part of the impact: the rest is in other currencies."""
        return self.ratio is not None and bool(self.other_currencies)


def _amount(value: Any) -> float | None:
    """A finite number as written (an int stays an int), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


def roi_rows(ctx: RuleContext) -> list[RoiRow]:
    """Every valid team's ROI, best first; teams whose ROI cannot be shown last (by name)."""
    held: dict[str, list[Any]] = {}
    for goal in ctx.entities("Goal"):
        team = goal.data.get("team")
        if isinstance(team, str) and goal.data.get("status") != "dropped":
            held.setdefault(team, []).append(goal)
    rows = []
    unpublished = "cost" in ctx.model.withheld.get("Team", ())  # a public site's copy left team costs out
    for team in ctx.entities("Team"):
        data = team.data
        name = as_text(data.get("name")) or team.id
        cost_data = mapping(data, "cost")
        cost, currency = _amount(cost_data.get("annual")), cost_data.get("currency")
        currency = currency if isinstance(currency, str) else None
        impacts = []
        for goal in sorted(held.get(team.id, []), key=lambda g: g.id):
            impact = goal.data.get("impact")
            if not isinstance(impact, dict):
                continue
            amount, cur = _amount(impact.get("annual")), impact.get("currency")
            if amount is None or not isinstance(cur, str):
                continue
            impacts.append(GoalImpact(goal.id, as_text(goal.data.get("title")) or goal.id, amount, cur,
                                      as_text(impact.get("basis"))))
        totals: dict[str, float] = {}
        for item in impacts:
            totals[item.currency] = totals.get(item.currency, 0) + item.annual
        ratio, reason = None, None
        if unpublished:
            reason = COST_NOT_PUBLISHED
        elif cost is None or currency is None:
            reason = "no `cost` stated"
        elif cost == 0:
            reason = "its cost is 0"
        elif not impacts:
            reason = ("none of its goals declares an `impact`" if held.get(team.id)
                      else "it holds no goals (that are not dropped)")
        elif currency not in totals:
            reason = (f"its goals' impact is in {', '.join(sorted(totals))} and its cost in {currency}: "
                      "strat does not convert currencies")
        else:
            ratio = totals[currency] / cost
        rows.append(RoiRow(team.id, name, cost, currency, dict(sorted(totals.items())), tuple(impacts), ratio,
                           reason))
    return sorted(rows, key=lambda r: (r.ratio is None, -(r.ratio or 0.0), r.name.casefold(), r.team))


# --- formats --------------------------------------------------------------------------------


def _money(amount: float | None, currency: str | None, compact: bool = True) -> str:
    return numbers.money(amount, currency, compact) if amount is not None else ""


def _impact(row: RoiRow) -> str:
    return " + ".join(_money(v, c) for c, v in row.impact.items()) or "–"


def ratio_text(row: RoiRow) -> str:
    """The team's ROI in words, the same in every output: '1.2×', '≥ 1.2×' (a lower bound), '–'."""
    return numbers.ratio(row.ratio, row.partial)


def _clean(value: object) -> str:
    return inert.text(value)


def render_text(rows: list[RoiRow]) -> str:
    shown = [r for r in rows if r.ratio is not None]
    unknown = [r for r in rows if r.ratio is None]
    out = [textwrap.fill(BASIS, 88), ""]
    if shown:
        table = [("Team", "Cost", "Impact", "ROI")] + [
            (f"{_clean(r.name)} ({_clean(r.team)})", _clean(_money(r.cost, r.currency)), _clean(_impact(r)), ratio_text(r))
            for r in shown]
        widths = [max(len(line[i]) for line in table) for i in range(4)]
        for line in table:
            out.append("  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(line)).rstrip())
        out.append("")
        out.append("Where the impact comes from:")
        for r in shown:
            out.append(f"  {_clean(r.name)} ({_clean(r.team)}):")
            for g in r.goals:
                out.append(f"    {_clean(g.goal)}: {_clean(_money(g.annual, g.currency, compact=False))}"
                           + (f" ({_clean(g.basis)})" if g.basis else ""))
            if r.partial:
                out.append(f"    {_clean(_not_in_ratio(r))}")
    if unknown:
        if shown:
            out.append("")
        out.append("ROI cannot be shown:")
        for r in unknown:
            out.append(f"  {_clean(r.name)} ({_clean(r.team)}): {_clean(r.reason)}"
                       + (f"; impact {_clean(_impact(r))}" if r.impact else ""))
    if not rows:
        out.append("No teams.")
    return "\n".join(out) + "\n"


def _not_in_ratio(r: RoiRow) -> str:
    """The impact in other currencies than the team's cost: shown, never converted."""
    left = " + ".join(_money(r.impact[c], c) for c in r.other_currencies)
    return f"not in the ratio: {left} (another currency than the cost; never converted)"


def _md(value: str) -> str:
    """Text from YAML, inert in Markdown (a pull request comment, a job summary)."""
    return inert.markdown(value)


def _code(ident: str, cell: bool = False) -> str:
    """An id as a code span; an id holding a backtick cannot leave it."""
    return inert.markdown_sentence(f"`{ident}`", cell=cell)


def render_markdown(rows: list[RoiRow]) -> str:
    shown = [r for r in rows if r.ratio is not None]
    unknown = [r for r in rows if r.ratio is None]
    out = ["## ROI by team", "", inert.markdown_sentence(BASIS), ""]
    if shown:
        out += ["| Team | Cost | Impact | ROI |", "|---|---:|---:|---:|"]
        out += [f"| {_md(r.name)} ({_code(r.team, cell=True)}) | {_md(_money(r.cost, r.currency))} | {_md(_impact(r))} "
                f"| {ratio_text(r)} |" for r in shown]
        out += ["", "### Where the impact comes from", ""]
        for r in shown:
            out.append(f"- **{_md(r.name)}**")
            for g in r.goals:
                out.append(f"  - {_code(g.goal)}: {_md(_money(g.annual, g.currency, compact=False))}"
                           + (f" — {_md(g.basis)}" if g.basis else ""))
            if r.partial:
                out.append(f"  - {_md(_not_in_ratio(r))}")
    if unknown:
        out += ["", "### ROI cannot be shown", ""]
        out += [f"- **{_md(r.name)}** ({_code(r.team)}): {inert.markdown_sentence(r.reason or '')}" for r in unknown]
    return "\n".join(out) + "\n"


def to_json(rows: list[RoiRow]) -> dict[str, Any]:
    return {
        "basis": BASIS,
        "teams": [{
            "team": r.team, "name": r.name,
            "cost": {"annual": r.cost, "currency": r.currency} if r.cost is not None else None,
            "impact": r.impact, "ratio": None if r.ratio is None else round(r.ratio, 4), "partial": r.partial, "reason": r.reason,
            "goals": [{"goal": g.goal, "title": g.title, "annual": g.annual, "currency": g.currency,
                       "basis": g.basis} for g in r.goals],
        } for r in rows],
    }


def render_json(rows: list[RoiRow]) -> str:
    return inert.json_dumps(to_json(rows), indent=2) + "\n"


FORMATS: dict[str, Callable[[list[RoiRow]], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
