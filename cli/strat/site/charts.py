"""The charts of the strategy site: a measured thing's values over time, drawn as SVG by
our own code (no script, no fonts, no network), like the one-pager.

Every number a chart shows comes from `strat.progress` (through `strat.facts`): the
values, the baseline and target, the window, the least-squares forecast and the
confidences. This module only places them on a plane; it computes no progress, forecast
or status. Values are written with `strat.numbers.measure`, as `strat tree` and
`strat diff` write them.

What a chart shows:

- the values (check-ins or the metric's readings) as a line with a dot per value (up to
  `DOTS` values; a longer series is a line with its latest value marked);
- the baseline and the target as dashed horizontal lines, labelled on the right, and the
  straight path from the baseline at the window's start to the target at its end;
- the forecast: the least-squares line from its first value to the end of the window
  (a goal's period end, an objective's due date), dashed, labelled "forecast";
- a marker for today;
- the owner's confidence over time (0 to 1) in a strip under the plot, when check-ins
  state one, with the 0.4 line below which a goal is at least at risk.

Text alternative: each chart is `role="img"` with an `aria-label`, a `<title>` and a
`<desc>` that say the same in words, and `figure()` puts the values themselves in a
table inside a `<details>` element beside the drawing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable

from strat.numbers import measure, number
from strat.progress import DOUBTFUL, Forecast, Progress, Reading, Trend, forecast_text
from strat.site.escape import text as esc
from strat.site.svg import MUTED, STATUS_COLOURS, STATUS_INK, _n, _text

DOTS = 30  # values drawn with a dot each; a longer series (a year of weekly readings) is a line
STAR = "#3949ab"  # the North Star's line: indigo, 6.9:1 on white
TARGET, PATH, GRID, PLOT = "#2e7d32", "#9aa5b1", "#e4e7eb", "#fafbfc"
CONFIDENCE = "#5c6bc0"


@dataclass(frozen=True, slots=True)
class Size:
    width: int
    height: int
    right: int  # room for the labels on the right
    font: int
    strip: int  # height of the confidence strip (when there are confidences)


FULL = Size(640, 220, 132, 11, 40)
SMALL = Size(360, 130, 104, 10, 28)
PHONE = Size(340, 190, 100, 10, 30)  # the narrow copy a phone shows instead of FULL
TREND = Size(640, 220, 24, 11, 0)  # no labels on the right: more room for the line
TREND_PHONE = Size(340, 170, 16, 10, 0)
LEFT, TOP, BOTTOM, GAP = 12, 18, 24, 10


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def progress_chart(progress: Progress, unit: str | None, today: dt.date, label: str, small: bool = False,
                   size: Size | None = None) -> str:
    """A goal's outcome, a key result or an objective's number over time: values,
    baseline, target, forecast, today and confidence. "" when there is no value."""
    if not progress.readings:
        return ""
    return _chart(progress.readings, unit, today, label, _describe(label, progress, unit),
                  baseline=progress.baseline, target=progress.target, start=progress.start, end=progress.end,
                  forecast=progress.forecast, forecast_shown=forecast_text(progress, unit),
                  colour=STATUS_COLOURS.get(progress.status, STATUS_COLOURS["no-data"])[0],
                  ink=STATUS_INK.get(progress.status, STATUS_COLOURS.get(progress.status, ("#616161",))[0]),
                  confidences=progress.confidences, size=size or (SMALL if small else FULL))


def trend_chart(trend: Trend, today: dt.date, label: str, size: Size = TREND) -> str:
    """The North Star (or any metric) over time. "" when it has no reading."""
    if not trend.readings:
        return ""
    latest = trend.readings[-1]
    words = [f"{label}: {len(trend.readings)} readings from {trend.readings[0].date} to {latest.date}",
             f"latest {measure(latest.value, trend.unit)} on {latest.date}"]
    if trend.change_4w is not None:
        words.append(f"{signed(trend.change_4w, trend.unit)} over four weeks")
    return _chart(trend.readings, trend.unit, today, label, "; ".join(words) + ".", colour=STAR, ink=STAR,
                  size=size)


def signed(value: float, unit: str | None) -> str:
    """A change with its sign: '+120', '-0.5%', '+USD 1.2M'."""
    shown = measure(abs(value), unit)
    return ("+" if value > 0 else "-" if value < 0 else "±") + shown


def _describe(label: str, progress: Progress, unit: str | None) -> str:
    readings = progress.readings
    latest = readings[-1]
    words = [f"{label}: {len(readings)} value{'s' if len(readings) != 1 else ''} from {readings[0].date} to "
             f"{latest.date}, latest {measure(latest.value, unit)}"]
    if progress.baseline is not None and progress.target is not None:
        window = f" by {progress.end}" if progress.end else ""
        words.append(f"baseline {measure(progress.baseline, unit)}, target {measure(progress.target, unit)}{window}")
    if progress.forecast is not None:
        words.append(f"forecast {forecast_text(progress, unit)} by {progress.forecast.date} "
                     f"(least-squares line through {progress.forecast.points} values)")
    if progress.confidences:
        words.append(f"latest confidence {number(progress.confidences[-1][1])}")
    return "; ".join(words) + "."


def _chart(readings: tuple[Reading, ...], unit: str | None, today: dt.date, label: str, desc: str, *,
           colour: str, ink: str, size: Size, baseline: float | None = None, target: float | None = None,
           start: str | None = None, end: str | None = None, forecast: Forecast | None = None,
           forecast_shown: str = "",
           confidences: tuple[tuple[str, float], ...] = ()) -> str:
    dates = [dt.date.fromisoformat(r.date) for r in readings]
    first, last = _day(start), _day(end)
    fc_from, fc_to = (_day(forecast.first_date), _day(forecast.date)) if forecast else (None, None)
    days = [d for d in (*dates, first, last, fc_from, fc_to) if d is not None]
    lo_d, hi_d = min(days), max(days)
    if hi_d == lo_d:
        lo_d, hi_d = lo_d - dt.timedelta(days=15), hi_d + dt.timedelta(days=15)
    values = [r.value for r in readings] + [v for v in (baseline, target) if v is not None]
    if forecast is not None:
        values += [forecast.value, forecast.first_value]
    lo_v, hi_v = min(values), max(values)
    if hi_v == lo_v:
        lo_v, hi_v = lo_v - 1, hi_v + 1
    pad = (hi_v - lo_v) * 0.1
    lo_v, hi_v = lo_v - pad, hi_v + pad * 1.6  # room above the top value for its label

    strip = size.strip if confidences else 0
    # Room on the right for the longest label (baseline, target, forecast), so that
    # "forecast USD 52.3M" is never cut at the drawing's edge.
    names = [f"baseline {measure(baseline, unit)}" if baseline is not None else "",
             f"target {measure(target, unit)}" if target is not None else "",
             f"forecast {forecast_shown}" if forecast is not None else ""]
    room = max(size.right, min(int(size.width * 0.45), 10 + int(max(map(len, names)) * size.font * 0.6)))
    plot_w = size.width - LEFT - room
    plot_h = size.height - TOP - BOTTOM - (strip + GAP if strip else 0)
    right = LEFT + plot_w

    def px(day: dt.date) -> float:
        return LEFT + plot_w * (day - lo_d).days / (hi_d - lo_d).days

    def py(value: float) -> float:
        return TOP + plot_h * (1 - (value - lo_v) / (hi_v - lo_v))

    font = size.font
    out = [f'<svg class="strat-chart" xmlns="http://www.w3.org/2000/svg" width="{size.width}" height="{size.height}" '
           f'viewBox="0 0 {size.width} {size.height}" font-size="{font}" role="img" aria-label="{esc(desc)}">',
           f"<title>{esc(label)}</title><desc>{esc(desc)}</desc>",
           f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="{PLOT}" stroke="{GRID}"/>']
    labels: list[tuple[float, str, str]] = []  # (y, text, colour) on the right
    for name, value, line, text_colour in (("baseline", baseline, PATH, MUTED), ("target", target, TARGET, TARGET)):
        if value is None:
            continue
        y = py(value)
        out.append(f'<line class="strat-{name}" x1="{LEFT}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" '
                   f'stroke="{line}" stroke-dasharray="4 3"/>')
        labels.append((y, f"{name} {measure(value, unit)}", text_colour))
    if baseline is not None and target is not None and first and last:
        out.append(f'<line class="strat-path" x1="{_n(px(first))}" y1="{_n(py(baseline))}" x2="{_n(px(last))}" '
                   f'y2="{_n(py(target))}" stroke="#cbd2d9" stroke-dasharray="2 3">'
                   f"<title>{esc('the straight path from baseline to target over the window')}</title></line>")
    if lo_d <= today <= hi_d:
        tx = px(today)
        out.append(f'<line class="strat-today" x1="{_n(tx)}" y1="{TOP}" x2="{_n(tx)}" y2="{_n(TOP + plot_h)}" '
                   f'stroke="#7b8794"/>')
        out.append(_text(tx, TOP - 5, "today", MUTED, font - 1, anchor="middle"))
    if forecast is not None and fc_from is not None and fc_to is not None:
        tip = (f"forecast: the least-squares line through {forecast.points} values, "
               f"{forecast_shown} by {forecast.date}")
        out.append(f'<line class="strat-forecast" data-from="{esc(forecast.first_date)}" data-to="{esc(forecast.date)}" '
                   f'x1="{_n(px(fc_from))}" y1="{_n(py(forecast.first_value))}" x2="{_n(px(fc_to))}" '
                   f'y2="{_n(py(forecast.value))}" stroke="{colour}" stroke-width="1.6" stroke-dasharray="7 4">'
                   f"<title>{esc(tip)}</title></line>")
        out.append(f'<circle cx="{_n(px(fc_to))}" cy="{_n(py(forecast.value))}" r="3.5" fill="{colour}">'
                   f"<title>{esc(tip)}</title></circle>")
        labels.append((py(forecast.value), f"forecast {forecast_shown}", ink))
    points = " ".join(f"{_n(px(d))},{_n(py(r.value))}" for d, r in zip(dates, readings))
    out.append(f'<polyline class="strat-values" points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
    shown = list(zip(dates, readings)) if len(readings) <= DOTS else [(dates[-1], readings[-1])]
    for day, reading in shown:
        out.append(f'<circle cx="{_n(px(day))}" cy="{_n(py(reading.value))}" r="{3.5 if size.width > 400 else 3}" '
                   f'fill="#ffffff" stroke="{colour}" stroke-width="2"><title>{esc(_tip(reading, unit))}</title></circle>')
    latest = readings[-1]
    lx, ly = px(dates[-1]), py(latest.value)
    anchor = "end" if lx > LEFT + plot_w * 0.8 else "start"
    out.append(_text(lx + (-7 if anchor == "end" else 7), ly - 7 if ly > TOP + 14 else ly + 16,
                     measure(latest.value, unit), ink, font, anchor=anchor, weight=700))
    out += _right_labels(labels, right + 6, font, TOP, TOP + plot_h)
    if strip:
        out += _confidence_strip(confidences, px, TOP + plot_h + GAP, strip, plot_w, right, font)
    base = size.height - 7
    out.append(_text(LEFT, base, lo_d.isoformat(), MUTED, font - 1))
    out.append(_text(right, base, hi_d.isoformat(), MUTED, font - 1, anchor="end"))
    out.append("</svg>")
    return "".join(out)


def _tip(reading: Reading, unit: str | None) -> str:
    tip = f"{reading.date}: {measure(reading.value, unit)}"
    if reading.confidence is not None:
        tip += f" (confidence {number(reading.confidence)})"
    if reading.note:
        tip += f" — {reading.note}"
    return tip


def _right_labels(labels: list[tuple[float, str, str]], x: float, font: int, top: float, bottom: float) -> list[str]:
    """The labels on the right, top to bottom, pushed apart so that none overlaps."""
    out, last = [], top - font
    for y, content, colour in sorted(labels):
        y = max(y + font / 3, last + font + 2)
        out.append(_text(x, y, content, colour, font))
        last = y
    return out


def _confidence_strip(confidences: Iterable[tuple[str, float]], px: Callable[[dt.date], float], top: float, height: int, plot_w: int,
                      right: float, font: int) -> list[str]:
    """The confidence (0..1) over time under the plot, with the 0.4 line."""
    items = [(dt.date.fromisoformat(d), c) for d, c in confidences]

    def cy(value: float) -> float:
        return top + height * (1 - max(0.0, min(1.0, value)))

    to_x = px
    out = [f'<g class="strat-confidence"><rect x="{LEFT}" y="{_n(top)}" width="{plot_w}" height="{height}" '
           f'fill="{PLOT}" stroke="{GRID}"/>',
           f'<line x1="{LEFT}" y1="{_n(cy(DOUBTFUL))}" x2="{_n(right)}" y2="{_n(cy(DOUBTFUL))}" stroke="#c62828" '
           f'stroke-dasharray="2 3"><title>{esc(f"confidence below {number(DOUBTFUL)}: at least at risk")}</title></line>']
    points = " ".join(f"{_n(to_x(d))},{_n(cy(c))}" for d, c in items)
    out.append(f'<polyline points="{points}" fill="none" stroke="{CONFIDENCE}" stroke-width="1.5"/>')
    for d, c in items:
        out.append(f'<circle cx="{_n(to_x(d))}" cy="{_n(cy(c))}" r="2.5" fill="{CONFIDENCE}">'
                   f"<title>{esc(f'{d.isoformat()}: confidence {number(c)}')}</title></circle>")
    out.append(_text(right + 6, top + height / 2 - 2, "confidence", "#3949ab", font - 1))
    out.append(_text(right + 6, top + height / 2 + font, number(items[-1][1]) if items else "", "#3949ab", font,
                     weight=700))
    out.append("</g>")
    return out


def values_table(readings: tuple[Reading, ...], unit: str | None, forecast: Forecast | None = None,
                 summary: str = "The values", forecast_shown: str = "") -> str:
    """The values behind a chart, newest first, as a table in a `<details>` element (the
    chart's text alternative in full), with the forecast as its last line."""
    with_confidence = any(r.confidence is not None for r in readings)
    head = "<th>Date</th><th>Value</th>" + ("<th>Confidence</th>" if with_confidence else "") + "<th>Source</th>"
    rows = []
    for r in reversed(readings):
        source = "check-in" if r.source == "check-in" else "reading"
        cells = [esc(r.date), esc(measure(r.value, unit))]
        if with_confidence:
            cells.append(esc(number(r.confidence)) if r.confidence is not None else "–")
        cells.append(esc(source + (f": {r.note}" if r.note else "")))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if forecast is not None:
        shown = forecast_shown or measure(forecast.value, unit)
        cells = [esc(forecast.date), esc(shown)] + (["–"] if with_confidence else []) + \
            [esc(f"forecast: least-squares line through {forecast.points} values")]
        rows.insert(0, '<tr class="strat-forecast-row">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    count = f" ({len(readings)})"
    return (f'<details class="strat-values"><summary>{esc(summary + count)}</summary>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></details>")


def figure(chart: str, table: str = "", narrow: str = "") -> str:
    """A chart and its values as one raw HTML block (kept out of the search index: the
    values are numbers, and the page's text says them in words). With `narrow`, a copy
    drawn for a phone's width: the style sheet shows one of the two (the hidden one is
    `display: none`, so a screen reader meets one chart, not two)."""
    if not chart:
        return ""
    if not narrow:
        return f'<div class="strat-figure" data-search-exclude><div class="strat-scroll">{chart}</div>{table}</div>'
    return (f'<div class="strat-figure" data-search-exclude><div class="strat-scroll strat-figure__wide">{chart}</div>'
            f'<div class="strat-figure__narrow">{narrow}</div>{table}</div>')
