"""The review pack (`strat.report.Report`) as ONE self-contained printable HTML page.

Inline CSS (with print rules for A4), inline SVG charts drawn by the site's own chart
code (`strat.site.charts`: pure functions of `strat.progress` values, no script, no
font, no network), no script, no remote resource, no link out of the page. Every value
from the repository goes through `strat.site.escape.text`, which turns every character
that is not an ASCII letter, digit or space into a character reference: nothing from
YAML can be read as markup. strat's own sentences quote names in backticks; each quoted
name becomes a `<code>` element with its text escaped the same way.

`strat report --format html` writes this page, `--pdf` prints it through Chromium, and
the site publishes it per period (`strat.site.reviews`)."""

from __future__ import annotations

from strat.numbers import measure, money, number, ratio
from strat.report import GoalLine, Report, status_label
from strat.report_md import CHANGE_WORDS, SECTIONS, average_text, goal_figure
from strat.site.charts import Size, progress_chart, trend_chart
from strat.site.escape import text as esc
from strat.site.svg import STATUS_COLOURS, STATUS_INK

STAR_SIZE = Size(700, 150, 24, 11, 0)
OBJECTIVE_SIZE = Size(430, 130, 110, 10, 0)

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;
 background:#fff;margin:0}
main{max-width:1000px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:24px;margin:0 0 4px;line-height:1.2}
h2{font-size:17px;margin:22px 0 8px;padding-bottom:3px;border-bottom:2px solid #3949ab;color:#1a237e}
h3{font-size:14px;margin:12px 0 4px}
p{margin:4px 0}
.meta{color:#52606d;margin:0 0 8px}
.note{background:#fff8e1;border-left:4px solid #e08600;padding:6px 10px;margin:8px 0}
code{font:12px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f5;padding:0 3px;
 border-radius:3px;overflow-wrap:anywhere}
.star{border:1px solid #c5cae9;background:#f5f6fd;border-radius:6px;padding:8px 12px;margin:6px 0 10px}
.star strong{color:#1a237e}
.objectives{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.objective{border:1px solid #d9dee4;border-radius:6px;padding:8px 10px;break-inside:avoid}
.objective h3{margin:0 0 2px;font-size:13.5px}
.figures{display:flex;flex-wrap:wrap;gap:2px 12px;margin:2px 0}
.figures span b{font-weight:600}
svg{max-width:100%;height:auto;display:block}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:11.5px;font-weight:600;
 border:1px solid;white-space:nowrap}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{text-align:left;vertical-align:top;padding:3px 6px;border-bottom:1px solid #e4e7eb}
th{font-size:11.5px;text-transform:uppercase;letter-spacing:.03em;color:#52606d;border-bottom:1.5px solid #9aa5b1}
td.n,th.n{text-align:right;white-space:nowrap}
tr{break-inside:avoid}
ul{margin:4px 0 8px;padding-left:18px}
li{margin:3px 0;break-inside:avoid}
.muted{color:#52606d}
.small{font-size:.92em}
table.fixed{table-layout:fixed}
.w12{width:12%}.w16{width:16%}.w18{width:18%}.w22{width:22%}.w34{width:34%}.w38{width:38%}.w44{width:44%}
td code{overflow-wrap:normal;word-break:normal}
footer{margin-top:18px;color:#52606d;font-size:11.5px}
@media (max-width:700px){.objectives{grid-template-columns:1fr}main{padding:14px}
 th,td{padding:3px 3px;overflow-wrap:anywhere}td code{overflow-wrap:anywhere}th{letter-spacing:0}
 table.fixed,table.fixed tbody,table.fixed tr,table.fixed td{display:block;width:auto}
 table.fixed thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.fixed tr{padding:5px 0;border-bottom:1px solid #e4e7eb}table.fixed td{border:0;padding:1px 0}
 table.fixed td[data-label]::before{content:attr(data-label) ": ";color:#52606d}}
@page{size:A4;margin:13mm 12mm 14mm}
@media print{
 body{font-size:10.5px;line-height:1.35}
 main{max-width:none;padding:0}
 h1{font-size:19px}
 h2{font-size:14px;margin:12px 0 5px;break-after:avoid}
 h3{break-after:avoid}
 .objective{padding:5px 8px}
 code{font-size:9.5px}
 th{font-size:9.5px}
 .star,.objective,.note{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def said(sentence: str) -> str:
    """One of strat's sentences: names quoted in backticks become `<code>`; every part is
    escaped (an unpaired last backtick is text)."""
    parts = sentence.split("`")
    closed = len(parts) - (len(parts) % 2 == 0)
    out = []
    for i, part in enumerate(parts):
        if i % 2 and i < closed:
            out.append(f"<code>{esc(part)}</code>")
        else:
            out.append(esc(("`" if i % 2 else "") + part))
    return "".join(out)


def code(ident: str | None) -> str:
    return f"<code>{esc(ident)}</code>" if ident else "–"


def badge(status: str, label: str | None = None) -> str:
    stroke, fill = STATUS_COLOURS.get(status, STATUS_COLOURS["no-data"])
    ink = STATUS_INK.get(status, stroke)
    return (f'<span class="badge" style="color:{ink};background:{fill};border-color:{stroke}">'
            f"{esc(label or status_label(status))}</span>")


def _star(report: Report) -> str:
    star = report.star
    if star is None:
        return ""
    chart = trend_chart(star.trend, report.today, f"North Star: {star.title}", STAR_SIZE)
    return (f'<div class="star"><p><strong>North Star: {esc(star.title)}</strong> ({code(star.id)}): '
            f"{esc(star.said)}</p>{chart}</div>")


def _objectives(report: Report) -> str:
    cards = []
    for o in report.objectives:
        p = o.progress
        figures = [f"<span><b>{esc(measure(p.current, o.unit) if p.current is not None else 'no value')}</b>"
                   f" of {esc(measure(p.target, o.unit))}</span>",
                   f"<span>{esc(f'{p.percent}%' if p.percent is not None else '–')} of the way</span>"]
        if o.forecast:
            figures.append(f"<span>forecast <b>{esc(o.forecast)}</b>"
                           + (f" by {esc(p.forecast.date)}" if p.forecast else "") + "</span>")
        figures.append(badge(p.status))
        if o.goals_percent is not None:
            figures.append(f'<span class="muted">goals {o.goals_percent}% of the way</span>')
        average = average_text(o.average)
        if average:
            figures.append(f"<span>average score <b>{esc(average)}</b></span>")
        chart = progress_chart(p, o.unit, report.today, o.title, size=OBJECTIVE_SIZE)
        cards.append(f'<div class="objective"><h3>{esc(o.title)}</h3><p class="small muted">{code(o.id)}'
                     f"{' · owner ' + code(o.owner) if o.owner else ''}</p>"
                     f'<div class="figures">{"".join(figures)}</div>{chart}</div>')
    return f'<div class="objectives">{"".join(cards)}</div>' if cards else "<p>No objectives.</p>"


def _goal_row(g: GoalLine) -> str:
    note = ""
    if g.result is not None and g.result.note:
        note = f'<br><span class="muted small">{esc(g.result.note)}</span>'
    return (f'<tr><td>{esc(g.title)}<br>{code(g.id)}</td><td data-label="Objective">{code(g.objective)}</td>'
            f'<td data-label="Owner">{code(g.owner)}</td><td>{esc(goal_figure(g))}{note}</td></tr>')


def _goals(report: Report) -> str:
    out = []
    if report.closed:
        out.append(f"<p>Average score of the period: <b>{esc(average_text(report.period_average) or 'none')}</b>.</p>")
    for status, goals in report.goals_by_status():
        out.append(f"<h3>{badge(status)} {len(goals)} goal{'s' if len(goals) != 1 else ''}</h3>")
        out.append('<table class="fixed"><thead><tr><th scope="col" class="w38">Goal</th>'
                   '<th scope="col" class="w16">Objective</th><th scope="col" class="w12">Owner</th>'
                   '<th scope="col" class="w34">Where it stands</th></tr></thead><tbody>'
                   + "".join(_goal_row(g) for g in goals) + "</tbody></table>")
    if not report.goals:
        out.append(f"<p>No goal in {esc(report.period)}.</p>")
    return "".join(out)


def _findings(report: Report) -> str:
    if not report.findings:
        return "<p>None: every guardrail holds and every metric is fresh.</p>"
    items = [f"<li><b>{'Breached guardrail' if f.section == 'guardrail' else 'Stale data'}</b> "
             f"({esc(f.code)}): {esc(f.title)}: {said(f.message)} "
             f'<span class="muted small">{esc(f.path)}:{f.line}</span></li>' for f in report.findings]
    return f"<ul>{''.join(items)}</ul>"


def _initiatives(report: Report) -> str:
    if not report.initiatives:
        return "<p>No initiative of this period was shipped or killed.</p>"
    items = []
    for i in report.initiatives:
        colour = "on-track" if i.status == "shipped" else "dropped"
        goal = f" for goal {code(i.goal)}" if i.goal else ""
        items.append(f"<li>{badge(colour, i.status.capitalize())} <b>{esc(i.title)}</b> ({code(i.id)}{goal}): "
                     f"{esc(i.result or 'no result written')}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _decisions(report: Report) -> str:
    if not report.decisions:
        return f"<p>No decision dated inside {esc(report.period)}.</p>"
    items = []
    for d in report.decisions:
        cites = ", ".join(f"{esc(name)} ({code(v)})" for v, name in d.values) or "no value cited"
        by = f", decided by {code(d.decided_by)}" if d.decided_by else ""
        items.append(f"<li><b>{esc(d.title)}</b> ({code(d.id)}, {esc(d.date)}, {esc(d.status)}{by}). "
                     f"Values cited: {cites}.</li>")
    return f"<ul>{''.join(items)}</ul>"


def _joint(report: Report) -> str:
    if not report.joint:
        return "<p>No joint commitment in this period's goals.</p>"
    rows = []
    colours = {"banked": "on-track", "not yet": "at-risk", "not measured": "no-data"}
    for j in report.joint:
        value = measure(j.latest, j.unit) if j.latest is not None else "no value"
        when = f" on {j.latest_date}" if j.latest is not None and j.latest_date else ""
        target = measure(j.target, j.unit) if j.target is not None else "no target"
        rows.append(f"<tr><td>{badge(colours[j.banked], j.banked.capitalize())}</td>"
                    f"<td>{code(j.department)} for {code(j.goal)}</td>"
                    f'<td data-label="Measured by">{code(j.metric)}: {esc(value + when)} against {esc(target)}</td>'
                    f'<td class="small">{esc(j.commitment)}</td></tr>')
    return ('<table class="fixed"><thead><tr><th scope="col" class="w12">Banked?</th>'
            '<th scope="col" class="w22">Who, for which goal</th><th scope="col" class="w22">Measured by</th>'
            '<th scope="col" class="w44">Commitment</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def _roi(report: Report) -> str:
    shown = [r for r in report.roi if r.ratio is not None]
    out = []
    if shown:
        rows = [f"<tr><td>{esc(r.name)} {code(r.team)}</td>"
                f'<td class="n">{esc(money(r.cost, r.currency) if r.cost is not None else "–")}</td>'
                f'<td class="n">{esc(" + ".join(money(v, c) for c, v in r.impact.items()) or "–")}</td>'
                f'<td class="n"><b>{esc(ratio(r.ratio, r.partial))}</b></td></tr>' for r in shown]
        out.append('<table><thead><tr><th scope="col">Team</th><th scope="col" class="n">Annual cost</th>'
                   '<th scope="col" class="n">Expected annual impact</th><th scope="col" class="n">ROI</th></tr>'
                   "</thead><tbody>" + "".join(rows) + "</tbody></table>")
    unknown = [f"<li>{esc(r.name)} ({code(r.team)}): {said(r.reason or 'ROI cannot be shown')}</li>"
               for r in report.roi if r.ratio is None]
    if unknown:
        out.append(f"<ul>{''.join(unknown)}</ul>")
    return "".join(out) or "<p>No teams.</p>"


def _changes(report: Report) -> str:
    if report.base is None:
        note = report.changes_note
        return f"<p>{said(note[:1].upper() + note[1:])}.</p>"
    out = [f"<p>Since commit {code(report.base[:12])}, {said(report.base_label)}:</p>"]
    if not report.changes:
        out.append("<p>No target moved, no goal added or dropped.</p>")
        return "".join(out)
    items = [f"<li><b>{CHANGE_WORDS[c.kind]}</b>: {said(c.sentence)}"
             + (f" ({esc(c.title)})" if c.title and c.kind != "target" else "") + "</li>" for c in report.changes]
    out.append(f"<ul>{''.join(items)}</ul>")
    return "".join(out)


def to_html(report: Report, note: str = "") -> str:
    """The page. `note`: a sentence of strat's shown at the top (the site's build says
    there what it could not read, such as git history)."""
    title = f"Review pack: {report.period}" + (f", {report.company}" if report.company else "")
    parts = [_star(report) + _objectives(report), _goals(report), _findings(report), _initiatives(report),
             _decisions(report), _joint(report), _roi(report), _changes(report)]
    body = "".join(f'<section aria-labelledby="s{i + 1}"><h2 id="s{i + 1}">{i + 1}. {esc(SECTIONS[i])}</h2>'
                   f"{part}</section>" for i, part in enumerate(parts))
    notes = []
    if note:
        notes.append(f'<p class="note">{said(note)}</p>')
    if report.errors:
        notes.append(f'<p class="note">{report.errors} lint error(s): entities with errors are left out; '
                     "run <code>strat lint</code>.</p>")
    return ("<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta name=\"referrer\" content=\"no-referrer\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:\">"
            '<link rel="icon" href="data:,">'  # no request for /favicon.ico (a 404 on a site, a lookup offline)
            f"<title>{esc(title)}</title><style>{CSS}</style></head>\n<body><main>"
            f"<header><h1>{esc(title)}</h1>"
            f'<p class="meta">Period {esc(report.start)} to {esc(report.end)}, as of {esc(report.today.isoformat())}. '
            f"Every number is strat's: <code>strat tree</code> shows the same.</p>{''.join(notes)}</header>\n"
            f"{body}\n<footer>Made by <code>strat report {esc(report.period)} --today "
            f"{esc(report.today.isoformat())}</code> from the strategy repository.</footer></main></body></html>\n")
