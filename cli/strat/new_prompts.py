"""The questions of `strat new` on a terminal: one prompt per field not given as an
option, with the default the strategy suggests, the choices it has (listed, `?` lists
them all, Tab completes them), each answer checked as it is typed, and a did-you-mean
correction offered for a near miss (`alx` → `alex`?).

Everything shown that comes from the repository (ids, titles, names) goes through
`strat.inert`: a title cannot move the cursor or colour the terminal.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import click

from strat import inert
from strat.new import CHOICE, DATE, ID, NUMBER, PERIOD, REF, REFS, VALUES, Field, Kind, Strategy, check_answer, \
    choices, suggest

SHOWN_CHOICES = 8


def _say(text: str) -> None:
    click.echo(inert.lines(text))


def ask_all(kind: Kind, answers: dict[str, Any], st: Strategy) -> dict[str, Any]:
    """Ask for every field of `kind` not in `answers` (the options given, already
    checked); returns all answers. Ctrl-C or Ctrl-D aborts (click.Abort)."""
    answers = dict(answers)
    for f in kind.fields:
        if f.name in answers:
            continue
        required = f.required
        if f.after and f.after not in answers:
            continue  # a team's currency, when it states no cost
        if f.group:
            members = [g for g in kind.fields if g.group == f.group]
            if any(g.name in answers for g in members):
                continue  # the group is settled (a goal's team, an objective's period)
            required = f is members[-1]  # the last of the group, when none before was given
        value = ask(kind, f, answers, st, required)
        if value is not None:
            answers[f.name] = value
    return answers


def ask(kind: Kind, f: Field, answers: dict[str, Any], st: Strategy, required: bool) -> Any:
    """One field's answer, asked until it is a good one (None: skipped, when optional)."""
    options = choices(f, st)
    if f.hint:
        _say(f"  {f.hint}")
    if options and f.type != CHOICE:
        _show_choices(options, SHOWN_CHOICES)
    default = suggest(kind, f, answers, st)
    label = f.ask
    if f.type == CHOICE:
        label += f" ({'/'.join(f.choices)})"
    if not required and default is not None:  # Enter takes the default: `-` is the way to none
        label = label.replace("(empty: none)", "(- for none)").replace("(empty: not said)", "(- for not said)")
    while True:
        with _completion([i for i, _ in options], f.type in (REFS, VALUES)):
            text = click.prompt(inert.visible(label), default=default if default is not None else "",
                                show_default=default is not None, type=str)
        text = text.strip()
        if text == "-" and not required and default is not None:
            return None
        if text == "?" and options:
            _show_choices(options, len(options))
            continue
        if not text:
            if not required:
                return None
            _say(f"  {_what_is_needed(f)}")
            continue
        value, refusal = check_answer(f, text, st)
        if refusal is None:
            return value
        if refusal.suggestion is not None:
            better, again = check_answer(f, refusal.suggestion, st)
            _say(f"  {refusal.message}")
            if again is None and click.confirm(inert.visible(f"  did you mean {refusal.suggestion}?"), default=True):
                return better
            continue
        _say(f"  {refusal.message}")


def _what_is_needed(f: Field) -> str:
    return {NUMBER: "a number is needed, e.g. 1200 or 0.35", DATE: "a date is needed (YYYY-MM-DD)",
            ID: "an id is needed", PERIOD: "a period is needed", REF: "an id is needed (? lists them)",
            REFS: "at least one id is needed (? lists them)", VALUES: "at least one value is needed (? lists them)"
            }.get(f.type, "an answer is needed")


def _show_choices(options: list[tuple[str, str]], limit: int) -> None:
    for ident, words in options[:limit]:
        _say(f"    {ident}" + (f"  {words[:70]}" if words else ""))
    if len(options) > limit:
        _say(f"    ... {len(options) - limit} more: type ? to list them all, Tab completes")


@contextmanager
def _completion(words: list[str], several: bool) -> Iterator[None]:
    """Tab completes the strategy's ids while one prompt is open (readline, when the
    Python has it); the previous completer is put back after."""
    try:
        import readline
    except ImportError:  # no readline (Windows): prompts work, without Tab completion
        yield
        return
    previous, delims = readline.get_completer(), readline.get_completer_delims()

    def complete(text: str, state: int) -> str | None:
        found = [w for w in words if w.startswith(text)]
        return found[state] if state < len(found) else None

    readline.set_completer(complete)
    readline.set_completer_delims(" ,\t\n" if several else " \t\n")
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(previous)
        readline.set_completer_delims(delims)
