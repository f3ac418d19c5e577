"""The review pack (`strat.report.Report`) as Markdown, for a pull request or a wiki.

Every value from the repository (titles, ids, notes, results, commitments, decisions)
goes through `strat.inert`'s Markdown neutraliser: no link, image, raw HTML, heading,
@mention or #123 can come from YAML. strat's own sentences quote names in backticks
and go through `inert.markdown_sentence`. Numbers are written by `strat.numbers`, as
`strat tree` writes them."""

from __future__ import annotations

from strat import inert
from strat.numbers import measure, money, number, ratio
from strat.report import Average, GoalLine, Report, status_label

SECTIONS = (
    "North Star and objectives",
    "Goals by status",
    "Breached guardrails and stale data",
    "Initiatives shipped or killed",
    "Decisions taken",
    "Joint commitments",
    "ROI by team",
    "What changed",
)
CHANGE_WORDS = {"target": "Target moved", "added": "Goal added", "dropped": "Goal dropped"}


def _md(value: object) -> str:
    return inert.markdown(value)


def _say(sentence: str, cell: bool = False) -> str:
    return inert.markdown_sentence(sentence, cell=cell)


def _code(ident: str | None, cell: bool = False) -> str:
    return _say(f"`{ident}`", cell) if ident else "–"


def average_text(average: Average | None) -> str:
    if average is None or average.mean is None:
        return ""
    text = f"{average.mean:.2f} over {average.scored} goal{'s' if average.scored != 1 else ''}"
    return text + (f" ({average.unscored} not scored)" if average.unscored else "")


def goal_figure(goal: GoalLine) -> str:
    """A goal's number in words: its score once closed, else its progress and forecast."""
    if goal.result is not None and goal.result.score is not None:
        final = f", final {measure(goal.result.final, goal.unit)}" if goal.result.final is not None else ""
        return f"score {number(goal.result.score)}{final}"
    p = goal.progress
    if p.current is None:
        return "no value yet"
    words = f"{measure(p.current, goal.unit)}"
    if p.percent is not None:
        words += f", {p.percent}% of the way to {measure(p.target, goal.unit)}"
    if goal.forecast:
        words += f"; forecast {goal.forecast}" + (f" by {p.forecast.date}" if p.forecast else "")
    return words


def to_markdown(report: Report) -> str:
    title = f"Review pack: {report.period}" + (f", {report.company}" if report.company else "")
    out = [f"# {_md(title)}", "",
           _md(f"Period {report.start} to {report.end}, as of {report.today.isoformat()}. "
               "Every number is strat's (strat tree shows the same)."), ""]
    if report.errors:
        out += [f"> {report.errors} lint error(s): entities with errors are left out; run `strat lint`.", ""]
    out += [f"## 1. {SECTIONS[0]}", ""]
    if report.star is not None:
        out += [f"**North Star: {_md(report.star.title)}** ({_code(report.star.id)}): {_md(report.star.said)}", ""]
    if report.objectives:
        out += ["| Objective | Number | Progress | Forecast | Status | Goals | Average score |",
                "|---|---:|---:|---:|---|---:|---:|"]
        for o in report.objectives:
            p = o.progress
            now = measure(p.current, o.unit) if p.current is not None else "–"
            way = f"{p.percent}%" if p.percent is not None else "–"
            rolled = f"{o.goals_percent}%" if o.goals_percent is not None else "–"
            out.append(f"| {_md(o.title)} ({_code(o.id, True)}) | {_md(now)} → {_md(measure(p.target, o.unit))} "
                       f"| {way} | {_md(o.forecast or '–')} | {p.label} | {rolled} | {_md(average_text(o.average) or '–')} |")
        out.append("")
    out += [f"## 2. {SECTIONS[1]}", ""]
    if report.closed:
        out += [_md(f"Average score of the period: {average_text(report.period_average) or 'none'}."), ""]
    for status, goals in report.goals_by_status():
        out += [f"### {status_label(status)} ({len(goals)})", ""]
        for g in goals:
            owner = f", owner {_code(g.owner)}" if g.owner else ""
            out.append(f"- **{_md(g.title)}** ({_code(g.id)}{owner}): {_md(goal_figure(g))}")
        out.append("")
    if not report.goals:
        out += [_md(f"No goal in {report.period}."), ""]
    out += [f"## 3. {SECTIONS[2]}", ""]
    for f in report.findings:
        out.append(f"- {f.code} **{_md(f.title)}** ({_md(f.path)}:{f.line}): {_say(f.message)}")
    if not report.findings:
        out.append(_md("None: every guardrail holds and every metric is fresh."))
    out.append("")
    out += [f"## 4. {SECTIONS[3]}", ""]
    for i in report.initiatives:
        goal = f" for goal {_code(i.goal)}" if i.goal else ""
        out.append(f"- **{i.status.capitalize()}: {_md(i.title)}** ({_code(i.id)}{goal}): "
                   f"{_md(i.result or 'no result written')}")
    if not report.initiatives:
        out.append(_md("No initiative of this period was shipped or killed."))
    out += ["", f"## 5. {SECTIONS[4]}", ""]
    for d in report.decisions:
        cites = ", ".join(f"{_md(name)} ({_code(v)})" for v, name in d.values) or "no value cited"
        by = f", decided by {_code(d.decided_by)}" if d.decided_by else ""
        out.append(f"- **{_md(d.title)}** ({_code(d.id)}, {_md(d.date)}, {_md(d.status)}{by}). "
                   f"Values cited: {cites}.")
    if not report.decisions:
        out.append(_md(f"No decision dated inside {report.period}."))
    out += ["", f"## 6. {SECTIONS[5]}", ""]
    for j in report.joint:
        value = (f"{measure(j.latest, j.unit)} on {j.latest_date}" if j.latest is not None and j.latest_date
                 else measure(j.latest, j.unit) if j.latest is not None else "no value")
        target = measure(j.target, j.unit) if j.target is not None else "no target"
        metric = f" on {_code(j.metric)}" if j.metric else ""
        out.append(f"- **{j.banked.capitalize()}**: {_code(j.department)} for goal {_code(j.goal)}{metric}, "
                   f"{_md(value)} against {_md(target)}. {_md(j.commitment)}")
    if not report.joint:
        out.append(_md("No joint commitment in this period's goals."))
    out += ["", f"## 7. {SECTIONS[6]}", ""]
    shown = [r for r in report.roi if r.ratio is not None]
    if shown:
        out += ["| Team | Cost | Impact | ROI |", "|---|---:|---:|---:|"]
        for r in shown:
            impact = " + ".join(money(v, c) for c, v in r.impact.items()) or "–"
            out.append(f"| {_md(r.name)} ({_code(r.team, True)}) | {_md(money(r.cost, r.currency) if r.cost is not None else '–')} "
                       f"| {_md(impact)} | {ratio(r.ratio, r.partial)} |")
        out.append("")
    for r in report.roi:
        if r.ratio is None:
            out.append(f"- {_md(r.name)} ({_code(r.team)}): {_say(r.reason or 'ROI cannot be shown')}")
    if not report.roi:
        out.append(_md("No teams."))
    out += ["", f"## 8. {SECTIONS[7]}", ""]
    if report.base is not None:
        out += [_say(f"Since commit `{report.base[:12]}`, ") + _say(f"{report.base_label}:") + "", ""]
        for c in report.changes:
            out.append(f"- **{CHANGE_WORDS[c.kind]}**: {_say(c.sentence)}"
                       + (f" ({_md(c.title)})" if c.title and c.kind != "target" else ""))
        if not report.changes:
            out.append(_md("No target moved, no goal added or dropped."))
    else:
        note = report.changes_note
        out.append(_say(note[:1].upper() + note[1:] + "."))
    return "\n".join(out).rstrip("\n") + "\n"
