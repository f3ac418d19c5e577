"""Formats of a `strat measure` run (`strat.measure.MeasureRun`): pure functions, one per
`--format` choice, in `FORMATS`. The text goes through `strat.cli._say` (terminal/CI-log
safe); Markdown is a pull request body whose every repository value is neutralised with
`strat.inert.markdown`; JSON is for tools."""

from __future__ import annotations

from typing import Any, Callable

from strat import inert


def _move(run: Any) -> tuple[str, float | None, float | None]:
    """(latest new date, change since the previous reading, relative change) or blanks."""
    if not run.new:
        return "", None, None
    last = max(run.new, key=lambda c: c.date)
    if run.previous is None:
        return last.date, None, None
    delta = last.number - run.previous[1]
    return last.date, delta, (delta / abs(run.previous[1]) if run.previous[1] else None)


def _num(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 1000 else f"{value:,.6g}"


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + _num(value)


def _status(run: Any, result: Any) -> str:
    if run.failed:
        return "failed"
    if run.up_to_date:
        return "up to date"
    if run.restatements and not result.restate:
        return "restatements not written"
    return "ok"


def _not_loaded(result: Any) -> str:
    files = len({d.location.path for d in result.load_errors})
    return (f"strat measure: {len(result.load_errors)} error{'' if len(result.load_errors) == 1 else 's'} in "
            f"{files} strategy file{'' if files == 1 else 's'} that could not be loaded or may hide a metric or its "
            "readings: fix them (see `strat lint`); the run exits 1")


def text(result: Any) -> str:
    from strat.formats.text import finding_lines

    out: list[str] = []
    if result.load_errors:
        out += [*finding_lines(result.load_errors), _not_loaded(result)]
    if not result.runs:
        out.append("No metric has a `query`: nothing to measure (see `query` in a Metric, `connections` in "
                   "strat.yaml).")
    for run in result.runs:
        head = f"{run.metric} ({run.where}, connection {run.connection})"
        if run.failed:
            out.append(f"{head}: FAILED, nothing written for it")
            out.extend(f"  {run.where}: {problem}" for problem in run.problems)
            continue
        if run.up_to_date:
            out.append(f"{head}: up to date (latest reading {run.previous[0] if run.previous else '-'})")
            continue
        target = f" → {run.file}" if run.file and run.new else ""
        out.append(f"{head}: {run.start}..{run.end}: {len(run.new)} new reading{'' if len(run.new) == 1 else 's'}"
                   f"{target}")
        out.extend(f"  + {c.date}  {c.value}" for c in run.new)
        for c in run.restatements:
            state = "written" if result.restate else "not written (--restate writes it)"
            out.append(f"  restated {c.date}: {_num(c.old)} → {c.value} ({c.where}), {state}")
        if run.ignored:
            out.append(f"  {run.ignored} row{'' if run.ignored == 1 else 's'} outside the window ignored")
    out.extend(f"strat measure: {p}" for p in result.problems)
    new = sum(len(r.new) for r in result.runs if not r.failed)
    failed = sum(1 for r in result.runs if r.failed)
    if result.dry_run:
        tail = "dry run: nothing written"
    elif result.written:
        tail = "written: " + ", ".join(result.written)
    else:
        tail = "nothing written"
    out.append(f"{new} new reading{'' if new == 1 else 's'} for {len(result.runs)} metric"
               f"{'' if len(result.runs) == 1 else 's'}, {failed} failed; {tail}.")
    return "\n".join(out) + "\n"


def markdown(result: Any) -> str:
    md = inert.markdown
    new = sum(len(r.new) for r in result.runs if not r.failed)
    out = [f"## strat measure: {new} new reading{'' if new == 1 else 's'} (to {result.today})", ""]
    if result.load_errors:
        out += ["### Files that could not be loaded", "", md(_not_loaded(result)), ""]
        out += [f"- {md(str(d.location))}: {md(d.code)} {md(d.message)}" for d in result.load_errors]
        out.append("")
    rows = [r for r in result.runs if not r.failed and (r.new or r.restatements)]
    if rows:
        out += ["| Metric | New readings | Latest | Move since the last reading |", "|---|---:|---|---|"]
        for run in rows:
            day, delta, rel = _move(run)
            latest = f"{md(_num(max(run.new, key=lambda c: c.date).number))} on {day}" if run.new else "-"
            if delta is None:
                move = "first reading" if run.new and run.previous is None else "-"
            else:
                assert run.previous is not None
                move = _signed(delta) + (f" ({rel * 100:+.1f} %)" if rel is not None else "") + \
                    f" since {md(run.previous[0])}"
            out.append(f"| {md(run.metric)} | {len(run.new)} | {latest} | {move} |")
        out.append("")
    for run in rows:
        out += [f"### {md(run.metric)}", ""]
        if run.file and run.new:
            out += [f"Into {md(run.file)}:", ""]
        out += [f"- {c.date}: {md(c.value)}" for c in run.new]
        for c in run.restatements:
            state = "written" if result.restate else "not written (run with --restate to write it)"
            out.append(f"- restated {c.date}: {md(_num(c.old))} → {md(c.value)}, {state}")
        out.append("")
    failed = [r for r in result.runs if r.failed]
    if failed or result.problems:
        out += ["### Failed", ""]
        for run in failed:
            out += [f"- {md(run.metric)} (connection {md(run.connection)}, {md(run.where)}): {md(p)}"
                    for p in run.problems]
        out += [f"- {md(p)}" for p in result.problems]
        out.append("")
    quiet = [r for r in result.runs if not r.failed and not r.new and not r.restatements]
    if quiet:
        out += ["Nothing new for " + ", ".join(md(r.metric) for r in quiet) + ".", ""]
    return "\n".join(out)


def as_data(result: Any) -> dict[str, Any]:
    def change(c: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"date": c.date, "value": c.number}
        if c.old is not None:
            data.update(old=c.old, where=c.where)
        return data

    return {
        "today": result.today, "dry_run": result.dry_run, "restate": result.restate,
        "exit_code": result.exit_code, "written": result.written, "problems": result.problems,
        "load_errors": [{"path": d.location.path, "line": d.location.line, "column": d.location.column,
                         "code": d.code, "severity": d.severity.value, "message": d.message}
                        for d in result.load_errors],
        "metrics": [{
            "metric": r.metric, "where": r.where, "connection": r.connection, "status": _status(r, result),
            "window": {"start": r.start, "end": r.end}, "file": r.file,
            "previous": {"date": r.previous[0], "value": r.previous[1]} if r.previous else None,
            "new": [change(c) for c in r.new], "restatements": [change(c) for c in r.restatements],
            "ignored_rows": r.ignored, "problems": r.problems,
        } for r in result.runs],
    }


def json_text(result: Any) -> str:
    return inert.json_dumps(as_data(result), indent=2) + "\n"


FORMATS: dict[str, Callable[[Any], str]] = {"text": text, "markdown": markdown, "json": json_text}
