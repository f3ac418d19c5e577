"""The measured views of the strategy site: the North Star's value and trend on the home
page, each objective's number and its goals' roll-up, the key results of a goal, the goal
tables with period, owner, target, now and forecast, and a page per period.

A mixin of the renderer's `_Site` (render.py): it uses its helpers (links, badges,
bars, tables) and adds sections. Every number comes from `strat.progress` through the
facts (`facts.measures`, `facts.progress`): nothing here computes a current value,
progress, forecast or status. Values are written with `strat.numbers.measure` (forecasts
with `strat.progress.forecast_text`), so the site agrees to the digit with `strat tree`
and `strat diff`.

What a reader sees (decisions, in plain words):

- Goal tables list goals worst status first, with period, owner, the team (or
  department or person) holding the goal, target, now (value, date, progress bar and
  percentage), forecast (value and the date it is projected to) and status. A team's
  page leaves out the "Held by" column, a person's page the "Owner" column, a period's
  page the "Period" column: each would repeat the page itself.
- An objective's roll-up lists the goals whose `parent` is the objective (the ones
  strat.progress counts), each with its weight; the goals aligned only through a parent
  goal or a plan follow in a table of their own.
- A period (the Strategy's `periods`) has a page of its own under periods/, reached
  from each goal's Period and from the Execution menu. Once a goal of the period has a
  score (`strat close`), the page also shows the scores (site/scored.py).
- On a phone (narrower than 44em) those tables turn into one card per goal, each value
  labelled with its column; a wide chart is replaced by a copy drawn for a phone's
  width, so nothing scrolls sideways. Every chart has a table of its values under it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from strat.facts import STATUS_LABELS, STATUS_ORDER, Facts, Progress, measure, number
from strat.load import Document
from strat.model import Period, is_slug, mapping
from strat.progress import DOUBTFUL, MIN_FORECAST_VALUES, Rollup, forecast_text, percent
from strat.site import charts, paths
from strat.site.escape import text as esc

SOURCES = {"check-in": "check-in", "readings": "the metric's readings", "current": "the hand-written current value"}


class Measured:
    """Sections about numbers, for `_Site`."""

    f: Facts
    dir_urls: bool

    if TYPE_CHECKING:  # provided by _Site
        def a(self, page: str, ident: Any, kind: str | None = None, label: str | None = None) -> str: ...
        def link(self, page: str, ident: Any, kind: str | None = None, label: str | None = None) -> str: ...
        def href(self, page: str, target: str) -> str: ...
        def badge(self, status: str) -> str: ...
        def bar(self, progress: Progress) -> str: ...
        def day(self, value: Any) -> str: ...
        def html_table(self, headers: list[str], rows: Iterable[list[str]]) -> str: ...
        def rollup(self, goal_ids: list[str]) -> str: ...
        def join(self, *parts: str) -> str: ...
        def kicker(self, label: str, page: str | None = None, kind: str | None = None) -> str: ...
        def facts_box(self, items: list[tuple[str, str]]) -> str: ...
        def score_cell(self, g: Document) -> str: ...  # site/scored.py
        def any_scored(self, goals: list[Document]) -> bool: ...
        def period_scores(self, page: str, period: str) -> str: ...
        def goal_order(self, goal_ids: Iterable[str]) -> list[str]: ...  # site/paging.py
        def paged(self, page: str, name: str, items: Sequence[Any], table: Callable[[str, Any], str],
                  title: str, what: str) -> str: ...

    # --- small pieces --------------------------------------------------------------------

    def grid(self, headers: list[str], rows: Iterable[list[str]]) -> str:
        """A table of measured things (class `strat-grid`): compact cells on a wide
        screen; on a phone each row becomes a card whose cells carry their column's name
        (`data-label`), so the table is read downwards instead of scrolled sideways."""
        rows = list(rows)
        if not rows:
            return ""
        head = "".join(f"<th>{h}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f'<td data-label="{esc(h)}">{cell}</td>' for h, cell in zip(headers, row))
                       + "</tr>" for row in rows)
        return f'<table class="strat-grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def now_cell(self, p: Progress, unit: str | None) -> str:
        """The current value with its date, and the progress bar with its percentage."""
        return (self.now_text(p, unit) + f'<br>{self.bar(p)} <span class="strat-sub">{_pct(p.percent)}</span>')

    def unit_of(self, metric: Any) -> str | None:
        doc = self.f.get(metric, "Metric")
        unit = doc.data.get("unit") if doc is not None else None
        return unit if isinstance(unit, str) else None

    def now_text(self, p: Progress, unit: str | None) -> str:
        """The current value with its date: 'USD 44.1M on 2026-11-23'."""
        if p.current is None:
            return "–"
        shown = esc(measure(p.current, unit))
        return shown + (f' <span class="strat-sub">{self.day(p.current_date)}</span>' if p.current_date else "")

    def forecast_cell(self, p: Progress, unit: str | None) -> str:
        """Where the forecast lands: 'USD 52.3M by 2027-12-31', or why there is none."""
        if p.forecast is None:
            return '<span class="strat-muted">–</span>'
        return esc(forecast_text(p, unit)) + f' <span class="strat-sub">by {self.day(p.forecast.date)}</span>'

    def progress_words(self, p: Progress, unit: str | None, window: str = "period") -> str:
        """The facts of one measured thing in words: progress, forecast, how the status
        was judged, confidence."""
        words = []
        if p.percent is not None:
            words.append(f"{p.percent}% of the way from {measure(p.baseline, unit)} to {measure(p.target, unit)}")
        if p.elapsed is not None:
            words.append(f"{int(round(p.elapsed * 100))}% of the {window} gone")
        if p.forecast is not None:
            fc = p.forecast
            share = f" ({percent(fc.fraction)}% of the way)" if percent(fc.fraction) is not None else ""
            words.append(f"forecast {forecast_text(p, unit)} by {fc.date}{share}")
        if p.confidence is not None:
            words.append(f"confidence {number(p.confidence)}")
        basis = {"forecast": "status judged by the forecast",
                 "pace": f"status judged by pace (fewer than {MIN_FORECAST_VALUES} values in the {window})"}.get(p.basis)
        if basis and p.status not in ("no-data", "not-started"):
            words.append(basis)
        return "; ".join(words)

    def number_panel(self, page: str, p: Progress, unit: str | None, title: str, window: str = "period") -> str:
        """Baseline, now (with its date and source), target, the bar, status and the
        facts in words."""
        source = SOURCES.get(p.source or "", "")
        when = f"on {p.current_date}" if p.current_date else ""
        origin = " ".join(x for x in (when, f"from {source}" if source else "") if x)
        small = f'<small class="strat-muted">{esc(origin)}</small>' if origin else ""
        journey = (f'<div class="strat-journey"><div><span class="strat-muted">baseline</span>'
                   f'<strong>{esc(measure(p.baseline, unit)) or "–"}</strong></div>'
                   f'<div><span class="strat-muted">now</span><strong>{esc(measure(p.current, unit)) or "–"}</strong>'
                   f"{small}</div>"
                   f'<div><span class="strat-muted">target</span><strong>{esc(measure(p.target, unit)) or "–"}</strong>'
                   f"</div>")
        if p.forecast is not None:
            journey += (f'<div><span class="strat-muted">forecast</span><strong>{esc(forecast_text(p, unit))}'
                        f'</strong><small class="strat-muted">{esc("by " + p.forecast.date)}</small></div>')
        journey += "</div>"
        return (f'<div class="strat-panel"><p class="strat-kicker">{title}</p>{journey}<p>{self.bar(p)}</p>'
                f'<p>{self.badge(p.status)} <span class="strat-muted">{esc(self.progress_words(p, unit, window))}'
                "</span></p></div>")

    def rollup_words(self, rollup: Rollup, what: str, lead: bool = True) -> str:
        """'58% weighted progress of 3 goals (1 more with no data or not counted)'; without
        the percentage (`lead=False`) where it is shown beside the words."""
        if rollup.fraction is None:
            text = f"no weighted progress yet: none of its {what} has a value"
        else:
            text = (f"{rollup.percent}% " if lead else "") + \
                f"weighted progress of {rollup.counted} {what if rollup.counted != 1 else what[:-1]}"
        if rollup.left_out:
            text += f" ({rollup.left_out} more left out: no data, draft or dropped)"
        counts = ", ".join(f"{n} {STATUS_LABELS[s].lower()}" for s, n in rollup.counts.items())
        return text + (f"; {counts}" if counts else "")

    def chart(self, p: Progress, unit: str | None, label: str, small: bool = False) -> str:
        drawing = charts.progress_chart(p, unit, self.f.today, label, small)
        narrow = "" if small else charts.progress_chart(p, unit, self.f.today, label, size=charts.PHONE)
        table = charts.values_table(p.readings, unit, p.forecast, f"The values of the chart: {label}",
                                    forecast_text(p, unit))
        return charts.figure(drawing, table, narrow)

    # --- the North Star ------------------------------------------------------------------

    def star_value(self, page: str, star: Document) -> str:
        """The North Star's latest reading, its move over four weeks and since the start
        of the strategy's first period, and its trend chart."""
        trend = self.f.measures.trend(star.id)
        unit = trend.unit
        if trend.latest is None:
            return '<p class="strat-muted">No reading of the North Star yet: add a Readings file for its metric.</p>'
        moves = []
        if trend.change_4w is not None:
            moves.append(f"{charts.signed(trend.change_4w, unit)} over four weeks")
        if trend.change_start is not None and trend.start:
            moves.append(f"{charts.signed(trend.change_start, unit)} since {trend.start}")
        tone = {True: "good", False: "bad"}.get(trend.improving) if trend.improving is not None else None
        arrow = {"up": "↑", "down": "↓", "flat": "→"}.get(trend.direction or "", "")
        move = (f' <span class="strat-tag strat-t-{tone}">{esc(arrow + " " + moves[0])}</span>' if tone and moves
                else (f' <span class="strat-muted">{esc(moves[0])}</span>' if moves else ""))
        rest = f'<p class="strat-muted">{esc("; ".join(moves[1:]))}</p>' if len(moves) > 1 else ""
        head = (f'<p class="strat-star__value"><strong>{esc(measure(trend.latest.value, unit))}</strong> '
                f'<span class="strat-muted">{esc("on " + trend.latest.date)}</span>{move}</p>{rest}')
        label = f"The North Star, {self.f.title(star)}, over time"
        chart = charts.figure(charts.trend_chart(trend, self.f.today, label),
                              charts.values_table(trend.readings, unit, None, "The values of the chart"),
                              charts.trend_chart(trend, self.f.today, label, charts.TREND_PHONE))
        return head + chart

    # --- objectives --------------------------------------------------------------------

    def objective_number(self, page: str, o: Document) -> str:
        """The objective's own number (its metric), its trend chart and its goals'
        weighted roll-up with a table of its goals."""
        op = self.f.measures.objective(o)
        p, unit = op.number, op.unit
        metric = self.a(page, op.metric, "Metric") if op.metric else esc("no metric")
        title = f"The number: {metric}"
        parts = [self.number_panel(page, p, unit, title, window="time to the due date")]
        if p.readings:
            parts.append(self.chart(p, unit, f"{self.f.title(o)}: {self.f.title(self.f.get(op.metric, 'Metric') or o)}"))
        elif p.current is None:
            parts.append('<p class="strat-muted">No value of the number yet: check in on the objective '
                         "(<code>strat checkin OBJECTIVE</code>) or add a Readings file for its metric.</p>")
        return "\n\n".join(parts)

    def objective_rollup(self, page: str, o: Document) -> str:
        op = self.f.measures.objective(o)
        children = [g for g in self.f.goals() if g.data.get("parent") == o.id]
        if not children:
            return ""
        children.sort(key=lambda g: (STATUS_ORDER[self.f.progress[g.id].status], self.f.title(g).casefold()))

        def rows(here: str, goals: Sequence[Document]) -> str:
            out = []
            for g in goals:
                gp = self.f.measures.goal(g)
                unit = self.unit_of(mapping(g.data, "outcome").get("metric"))
                out.append([self.a(here, g.id, "Goal") + self.holder_sub(here, g), esc(number(gp.weight)),
                            esc(measure(gp.outcome.target, unit)) or "–", self.now_cell(gp.outcome, unit),
                            self.forecast_cell(gp.outcome, unit), self.badge(gp.outcome.status)])
            return self.grid(["Goal", "Weight", "Target", "Now", "Forecast", "Status"], out)

        bar = self.stack(op.goals.counts)
        return ("## Goals roll-up\n\n"
                f'<div class="strat-panel"><p class="strat-rollup"><strong>{esc(_pct(op.goals.percent))}</strong> {bar} '
                f'<span class="strat-muted">{esc(self.rollup_words(op.goals, "goals", lead=False))}</span></p></div>\n\n'
                "The goals whose parent is this objective, each counted with its weight; each progress is clamped to "
                "0 to 100% in the roll-up.\n\n"
                + self.paged(page, "roll-up", children, rows, self.f.title(o), "goals in the roll-up"))

    def stack(self, counts: dict[str, int]) -> str:
        total = sum(counts.values())
        if not total:
            return ""
        segments = "".join(f'<span class="strat-s-{s}" style="width:{100 * n / total:.2f}%" '
                           f'title="{esc(f"{n} {STATUS_LABELS[s].lower()}")}"></span>' for s, n in counts.items())
        return f'<span class="strat-stack">{segments}</span>'

    def holder_sub(self, page: str, g: Document) -> str:
        h = self.f.holder(g)
        if not h:
            return ""
        return f'<br><span class="strat-sub">{esc(h[0].lower())} {self.a(page, h[1], h[0])}</span>'

    # --- goals -------------------------------------------------------------------------

    def key_results(self, page: str, g: Document) -> str:
        """Each key result with its progress, weight and forecast, a small chart for
        those with values, and the weighted roll-up."""
        gp = self.f.measures.goal(g)
        if not gp.key_results:
            return ""
        rows, figures = [], []
        for kr in gp.key_results:
            p, unit = kr.progress, self.unit_of(kr.metric)
            metric = self.f.get(kr.metric, "Metric")
            name = kr.title or (self.f.title(metric) if metric is not None else kr.metric or f"key result {kr.index + 1}")
            rows.append([esc(name) + f'<br><span class="strat-sub">{self.a(page, kr.metric, "Metric")}</span>',
                         esc(number(kr.weight)), esc(f"{measure(p.baseline, unit)} → {measure(p.target, unit)}"),
                         self.now_cell(p, unit), self.forecast_cell(p, unit), self.badge(p.status)])
            if p.readings:
                figures.append(f'<div class="strat-kr"><p class="strat-kicker">{esc(name)}</p>'
                               + self.chart(p, unit, f"Key result: {name}", small=True) + "</div>")
        rollup = gp.key_result_rollup
        summary = (f'<p class="strat-rollup"><strong>{esc(_pct(rollup.percent))}</strong> '
                   f'<span class="strat-muted">{esc(self.rollup_words(rollup, "key results", lead=False))}</span></p>'
                   ) if rollup else ""
        out = ("## Key results\n\n" + summary + "\n\n"
               + self.grid(["Key result", "Weight", "From → to", "Now", "Forecast", "Status"], rows))
        if figures:
            out += "\n\n" + '<div class="strat-krs">' + "".join(figures) + "</div>"
        return out

    def kr_rollup_line(self, g: Document) -> str:
        """The key results' weighted progress, shown beside the outcome's."""
        rollup = self.f.measures.goal(g).key_result_rollup
        if rollup is None:
            return ""
        return (f'<p class="strat-muted">{esc("Key results: " + self.rollup_words(rollup, "key results"))}</p>')

    # --- goal tables -------------------------------------------------------------------

    def goal_table(self, page: str, goal_ids: Iterable[str], period: bool = True, owner: bool = True,
                   holder: bool = True, scored: bool = False) -> str:
        """Goals, worst status first, with period, owner, team (holder), target, now,
        forecast and status; with `scored`, a Score column beside the forecast once any of
        the goals has a score (`strat.scores`)."""
        goals = [g for g in (self.f.get(i, "Goal") for i in dict.fromkeys(goal_ids)) if g is not None]
        goals.sort(key=lambda g: (STATUS_ORDER[self.f.progress[g.id].status], self.f.title(g).casefold()))
        scored = scored and self.any_scored(goals)
        headers = ["Goal"] + (["Period"] if period else []) + (["Owner"] if owner else []) + \
            (["Held by"] if holder else []) + ["Target", "Now", "Forecast"] + (["Score"] if scored else []) + ["Status"]
        rows = []
        for g in goals:
            p = self.f.progress[g.id]
            unit = self.unit_of(mapping(g.data, "outcome").get("metric"))
            row = [self.a(page, g.id, "Goal")]
            if period:
                row.append(self.period_link(page, g.data.get("period")))
            if owner:
                row.append(self.a(page, g.data.get("owner"), "Person") if g.data.get("owner") else "")
            if holder:
                h = self.f.holder(g)
                row.append(self.a(page, h[1], h[0]) if h else "")
            row += [esc(measure(p.target, unit)) or "–", self.now_cell(p, unit), self.forecast_cell(p, unit)]
            row += ([self.score_cell(g)] if scored else []) + [self.badge(p.status)]
            rows.append(row)
        return self.grid(headers, rows)

    # --- periods -----------------------------------------------------------------------

    def periods(self) -> list[Period]:
        """The Strategy's periods with a page (their id is a slug), by start date."""
        return sorted((p for p in self.f.ctx.model.periods.values() if is_slug(p.id)), key=lambda p: (p.start, p.id))

    def period_link(self, page: str, ident: Any) -> str:
        period = self.f.ctx.model.periods.get(ident) if isinstance(ident, str) else None
        if period is None or not is_slug(period.id):
            return esc(ident)
        return f'<a class="strat-nowrap" href="{self.href(page, paths.period(period.id))}">{esc(period.id)}</a>'

    def period_goals(self, period: str) -> list[str]:
        return [g.id for g in self.f.goals() if g.data.get("period") == period]

    def period_pages(self) -> dict[str, str]:
        out = {paths.PERIODS: self.periods_index()}
        for period in self.periods():
            out[paths.period(period.id)] = self.period_page(period)
        return out

    def periods_index(self) -> str:
        page = paths.PERIODS
        rows = [[f'<a href="{self.href(page, paths.period(p.id))}">{esc(p.id)}</a>', self.day(p.start),
                 self.day(p.end), esc(self.when(p)), esc(len(self.period_goals(p.id))),
                 self.rollup(self.period_goals(p.id))] for p in self.periods()]
        body = self.html_table(["Period", "Start", "End", "When", "Goals", "Status"], rows) or "No periods yet."
        return self.join("# Periods", "The Strategy's periods (its `periods`), each with the goals set for it.", body)

    def when(self, period: Period) -> str:
        start, end = _date(period.start), _date(period.end)
        today = self.f.today
        if start is None or end is None:
            return ""
        if today < start:
            return f"starts in {(start - today).days} days"
        if today > end:
            return f"ended {(today - end).days} days ago"
        return f"{(end - today).days} days left"

    def period_page(self, period: Period) -> str:
        page = paths.period(period.id)
        goals = self.period_goals(period.id)
        box = self.facts_box([("Start", self.day(period.start)), ("End", self.day(period.end)),
                              ("When", esc(self.when(period))), ("Goals", esc(len(goals)))])
        kicker = (f'<p class="strat-kicker">Period <span class="strat-muted">·</span> '
                  f'<a href="{self.href(page, paths.PERIODS)}">all periods</a></p>')
        parts = [f"# Period {esc(period.id)}", kicker, box]
        if goals:
            parts.append(f"<p>{self.rollup(goals)}</p>")
            scored = self.period_scores(page, period.id)  # site/scored.py: "" until a goal is scored
            if scored:
                parts.append(scored)
            parts.append("## Goals\n\nEvery goal set for this period, worst status first: who owns it, the team (or "
                         "department or person) that holds it, its target, where it is now and where its forecast "
                         "lands by the end of the period" + (" and, once closed, its score" if scored else "")
                         + ".\n\n" + self.paged(page, "goals", self.goal_order(goals), lambda here, ids: self.goal_table(
                             here, ids, period=False, scored=True), f"Period {period.id}", "goals"))
        else:
            parts.append("No goal is set for this period.")
        return self.join(*parts)

    # --- how status is judged -----------------------------------------------------------

    def status_rules(self) -> str:
        """The rules of `strat.progress`, in words, with the thresholds it uses."""
        from strat import progress as P

        at_risk = int(round(self.f.measures.at_risk * 100))
        return (
            "A goal's **current value** is its latest check-in or, with none, the latest reading of its metric "
            "inside its period (else the hand-written `outcome.current`). Its **progress** is the share of the way "
            "from its baseline to its target that the current value covers. Its **status**:\n\n"
            f"- **With at least {P.MIN_FORECAST_VALUES} values in its period**, a least-squares line through them is "
            "projected to the end of the period (the **forecast**). **On track** when the forecast reaches the "
            f"target; **at risk** when it covers at least {at_risk}% of the way (`forecast_at_risk` in "
            "`strat.yaml`); **off track** below.\n"
            f"- **With fewer values**, the pace rule: progress against the share of the period gone by. **On "
            f"track** at most {int(P.BEHIND * 100)} points behind and confidence at least {number(P.CONFIDENT)} "
            f"(or not stated); **off track** more than {int(P.FAR_BEHIND * 100)} points behind or confidence "
            f"below {number(DOUBTFUL)}; **at risk** in between.\n"
            f"- Either way, a latest **confidence** below {number(DOUBTFUL)} makes a goal at least at risk.\n"
            "- **Not started**: its period has not begun. **No data**: no check-in, no reading and no current "
            "value. **Done**, **Draft** and **Dropped** are the goal's own `status`.\n\n"
            "An objective's number is judged the same way, from its own check-ins or its metric's readings, over "
            "the time from the start of its period (or of the strategy's first period) to its due date. Its goals "
            "roll up to their weighted mean progress (`weight`, 1 by default), each clamped to 0 to 100%; a "
            "goal's key results roll up the same way.\n\n"
            f"Status is computed when the site is built, as of {self.f.today.isoformat()}."
        )


def _pct(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
