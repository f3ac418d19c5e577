"""Scores on the strategy site: what a period's close-out (`strat close`) wrote, shown on
the period's page and on each goal's page.

A mixin of the renderer's `_Site` (render.py), like `Measured`. Every score, final value,
note, average, distribution and carried link comes from `strat.scores` (`scores(ctx)`):
nothing here reads a goal's `result` or computes a score. Scores and averages are written
with `strat.numbers.number`, as `strat diff` says them ("scored 0.6").

What a reader sees (decisions, in plain words):

- A period page shows no score at all until one of its goals has a score. From then on,
  its goal table has a Score column (the score, and the final value under it) beside the
  forecast; a "Scores" section shows the period's average score, a chart of how many
  goals scored 0.0, 0.1, … 1.0, and per objective the average score of its goals in the
  period with how many were scored and how many not. Dropped goals are left out of the
  averages (as `strat.scores` counts them); goals still open count as "not scored".
- The chart's bars are coloured by the usual OKR reading of a score: 0.7 and above
  delivered (green), 0.4 to 0.6 progress but short (amber), below 0.4 missed (red). The
  colour only repeats what the axis says; the count is written above each bar, and the
  chart's description and the table under it say every number in words.
- A closed goal's page has a "Result" section before its progress: the date it was
  closed, the final value with its unit, the score, and the owner's note (repository
  text, shown as inert text). A goal carried into the next period says so, with a link,
  and the carried goal says where it comes from and what that goal scored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strat.facts import Facts
from strat.load import Document
from strat.model import mapping
from strat.numbers import measure, number
from strat.scores import BUCKETS, Average, result_of, scores
from strat.site import charts
from strat.site.escape import html_block
from strat.site.escape import text as esc
from strat.site.svg import INK, MUTED, _n, _text

# Bars by the OKR reading of a score (fill colours only; the text is in INK or MUTED).
MISSED, SHORT, DELIVERED = "#c62828", "#e08600", "#2e7d32"
AVERAGE_LINE = "#3949ab"
CHART_SIZES = {"wide": (560, 220, 12), "phone": (340, 200, 12)}  # width, height, font


def band(value: float) -> tuple[str, str]:
    """(colour, words) of a score's band."""
    if value >= 0.7:
        return DELIVERED, "delivered"
    if value >= 0.4:
        return SHORT, "progress, short of the target"
    return MISSED, "missed"


def score_text(value: float | None) -> str:
    return "–" if value is None else number(value)


def average_words(avg: Average, lead: bool = True) -> str:
    """'0.59 over 11 scored goals (2 not scored)' or 'no goal scored yet (3 not scored)';
    without the average itself (`lead=False`) where it is shown beside the words."""
    if avg.mean is None:
        text = "no goal scored yet"
    else:
        text = (f"{number(avg.mean)} " if lead else "") + \
            f"over {avg.scored} scored goal{'s' if avg.scored != 1 else ''}"
    if avg.unscored:
        text += f" ({avg.unscored} not scored)"
    return text


def distribution_chart(counts: tuple[int, ...], mean: float | None, label: str, size: str = "wide") -> str:
    """How many goals scored 0.0, 0.1, … 1.0 as bars, with the count above each bar and
    the average as a dashed line; `role="img"` with a title and a description in words.
    "" when no goal has a score."""
    total = sum(counts)
    if not total:
        return ""
    width, height, font = CHART_SIZES[size]
    left, right, top, bottom = 10, 10, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / BUCKETS
    most = max(counts)
    desc = describe(counts, mean, label)
    out = [f'<svg class="strat-scores-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-size="{font}" role="img" aria-label="{esc(desc)}">',
           f"<title>{esc(label)}</title><desc>{esc(desc)}</desc>"]
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{_n(base)}" x2="{_n(left + plot_w)}" y2="{_n(base)}" stroke="{MUTED}"/>')
    for i, count in enumerate(counts):
        value = i / 10
        x = left + slot * i
        mid = x + slot / 2
        if count:
            colour, words = band(value)
            h = plot_h * count / most
            out.append(f'<rect class="strat-score-bar" data-score="{value:.1f}" data-count="{count}" '
                       f'x="{_n(x + slot * 0.15)}" y="{_n(base - h)}" width="{_n(slot * 0.7)}" height="{_n(h)}" '
                       f'fill="{colour}"><title>{esc(f"{count} scored {value:.1f} ({words})")}</title></rect>')
            out.append(_text(mid, base - h - 5, str(count), INK, font, anchor="middle", weight=700))
        out.append(_text(mid, base + font + 4, f"{value:.1f}", MUTED, font - 1, anchor="middle"))
    out.append(_text(left + plot_w / 2, height - 6, "score", MUTED, font - 1, anchor="middle"))
    if mean is not None:
        ax = left + slot * (mean * 10 + 0.5)
        out.append(f'<line class="strat-score-average" x1="{_n(ax)}" y1="{top - 18}" x2="{_n(ax)}" y2="{_n(base)}" '
                   f'stroke="{AVERAGE_LINE}" stroke-width="1.5" stroke-dasharray="5 3"/>')
        anchor = "end" if mean > 0.7 else "start"
        out.append(_text(ax + (-4 if anchor == "end" else 4), top - 22, f"average {number(mean)}", AVERAGE_LINE,
                         font - 1, anchor=anchor, weight=700))
    out.append("</svg>")
    return "".join(out)


def describe(counts: tuple[int, ...], mean: float | None, label: str) -> str:
    total = sum(counts)
    parts = [f"{n} scored {i / 10:.1f}" for i, n in enumerate(counts) if n]
    words = f"{label}: {total} goal{'s' if total != 1 else ''} scored; " + ", ".join(parts)
    if mean is not None:
        words += f"; average {number(mean)}"
    return words + "."


class Scored:
    """Score sections, for `_Site`."""

    f: Facts

    if TYPE_CHECKING:  # provided by _Site
        def a(self, page: str, ident: Any, kind: str | None = None, label: str | None = None) -> str: ...
        def day(self, value: Any) -> str: ...
        def unit_of(self, metric: Any) -> str | None: ...
        def grid(self, headers: list[str], rows: Any) -> str: ...

    def any_scored(self, goals: list[Document]) -> bool:
        return any(r is not None and r.score is not None for r in map(result_of, goals))

    def score_cell(self, g: Document) -> str:
        """The score in a goal table, with the final value under it; "–" while open."""
        found = result_of(g)
        if found is None or found.score is None:
            return '<span class="strat-muted">–</span>'
        colour_words = band(found.score)[1]
        unit = self.unit_of(mapping(g.data, "outcome").get("metric"))
        final = (f'<br><span class="strat-sub">{esc("final " + measure(found.final, unit))}</span>'
                 if found.final is not None else "")
        return (f'<strong class="strat-score" title="{esc(colour_words)}">{esc(score_text(found.score))}</strong>'
                + final)

    # --- the period page ------------------------------------------------------------------

    def period_scores(self, page: str, period: str) -> str:
        """The period's average score, the distribution chart and the averages per
        objective; "" while no goal of the period has a score."""
        s = scores(self.f.ctx)
        if not s.closed(period):
            return ""
        average = s.period_average(period)
        counts = s.period_distribution(period)
        label = f"Scores of the goals of {period}"
        chart = charts.figure(distribution_chart(counts, average.mean, label),
                              self.distribution_table(page, period),
                              distribution_chart(counts, average.mean, label, "phone"))
        head = (f'<div class="strat-panel"><p class="strat-rollup"><span class="strat-muted">average score</span> '
                f'<strong class="strat-score-average">{esc(score_text(average.mean))}</strong> '
                f'<span class="strat-muted">{esc(average_words(average, lead=False))}</span></p></div>')
        rows = []
        by_objective = s.by_objective(period)
        for key in sorted(by_objective, key=lambda k: (k is None, self._objective_title(k))):
            avg = by_objective[key]
            name = self.a(page, key, "Objective") if key is not None else esc("Not aligned to an objective")
            rows.append([name, f"<strong>{esc(score_text(avg.mean))}</strong>", esc(avg.scored), esc(avg.unscored)])
        table = self.grid(["Objective", "Average score", "Scored", "Not scored"], rows)
        return ("## Scores\n\n" + head + "\n\n"
                "How many goals scored 0.0, 0.1, … 1.0 (a score is the goal's progress when the period was closed, "
                "clamped to 0 to 1 and rounded to a tenth; 0.7 and above is read as delivered). Dropped goals are "
                "left out of the averages; goals not closed yet count as not scored.\n\n"
                + chart + "\n\n### By objective\n\n"
                "The average score of the period's goals under each objective.\n\n" + table)

    def _objective_title(self, key: str | None) -> str:
        doc = self.f.get(key, "Objective") if key is not None else None
        return self.f.title(doc).casefold() if doc is not None else ""

    def distribution_table(self, page: str, period: str) -> str:
        """The chart's values: each score with its goals, as a table in a `<details>`."""
        by_score: dict[str, list[str]] = {}
        for g in scores(self.f.ctx).closed(period):
            found = result_of(g)
            assert found is not None and found.score is not None
            by_score.setdefault(f"{found.score:.1f}", []).append(self.a(page, g.id, "Goal"))
        rows = "".join(f"<tr><td>{esc(key)}</td><td>{len(links)}</td><td>{', '.join(links)}</td></tr>"
                       for key, links in sorted(by_score.items()))
        total = sum(len(v) for v in by_score.values())
        return (f'<details class="strat-values"><summary>{esc(f"The scores of the chart ({total} goals)")}</summary>'
                f"<table><thead><tr><th>Score</th><th>Goals</th><th>Which</th></tr></thead><tbody>{rows}</tbody>"
                "</table></details>")

    # --- the goal page --------------------------------------------------------------------

    def carried_links(self, page: str, g: Document) -> str:
        """'Carried from X (scored 0.6)' and 'Carried into Y', as a line under the facts."""
        s = scores(self.f.ctx)
        lines = []
        source = s.carried_from(g)
        if source is not None:
            found = result_of(source)
            scored = (f" (scored {score_text(found.score)})" if found is not None and found.score is not None
                      else " (not scored)")
            lines.append(f'Carried from {self.a(page, source.id, "Goal")} '
                         f'<span class="strat-muted">{esc(_period(source) + scored)}</span>')
        into = [self.f.get(i, "Goal") for i in s.carried_into.get(g.id or "", ())]
        for target in (t for t in into if t is not None):
            lines.append(f'Carried into {self.a(page, target.id, "Goal")} '
                         f'<span class="strat-muted">{esc(_period(target))}</span>')
        return "".join(f'<p class="strat-carried">{line}</p>' for line in lines)

    def result_section(self, page: str, g: Document) -> str:
        """The closed goal's result: date, final value, score and the owner's note."""
        found = result_of(g)
        if found is None:
            return ""
        unit = self.unit_of(mapping(g.data, "outcome").get("metric"))
        target = mapping(g.data, "outcome").get("target")
        cells = [("closed", esc(found.date) if found.date else "–"),
                 ("final", esc(measure(found.final, unit)) if found.final is not None else "–"),
                 ("score", esc(score_text(found.score))),
                 ("target", esc(measure(target, unit)) or "–")]
        journey = "".join(f'<div><span class="strat-muted">{name}</span><strong>{value}</strong></div>'
                          for name, value in cells)
        words = (f"scored {score_text(found.score)}: {band(found.score)[1]}" if found.score is not None
                 else "no score in the result")
        note = (f'<p class="strat-kicker">The owner\'s note</p><blockquote class="strat-note">'
                f"{html_block(found.note)}</blockquote>" if found.note.strip()
                else '<p class="strat-muted">No note from the owner yet (<code>result.note</code>).</p>')
        return ("## Result\n\n"
                f'<div class="strat-panel strat-result"><div class="strat-journey">{journey}</div>'
                f'<p class="strat-muted">{esc(words)}</p>{note}</div>')


def _period(goal: Document) -> str:
    period = goal.data.get("period")
    return f"in {period}" if isinstance(period, str) else ""
