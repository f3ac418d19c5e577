"""`strat new KIND`: one new entity file, from answers (prompts) or options.

What each kind asks (`KINDS`), how each answer is checked (`check_answer`: a number, an
existing id of the right kind with a did-you-mean, a fresh id, a period, a date, a
choice), the defaults the strategy suggests (`suggest`), and the file: where the kind
lives in this strategy (`place`), the editor's schema line (`modeline`), the YAML
(`render`, every text quoted when a YAML reader could read it as anything else, read
back and compared), and the lint of the strategy with the new file in it (`plan`).
Nothing here prompts or writes: `strat.new_prompts` asks, the CLI writes through
`strat.write`.

Kinds: Goal, Objective, Metric, Initiative, Decision, Team, Person, Department, Plan.
Not Strategy (one per repository, written by `strat init`) and not Readings (values
over time: `strat measure` and `strat checkin` add them).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from strat.new_kinds import (  # re-exported: the CLI and the prompts read them from here
    CHOICE, DATE, ID, KINDS, NUMBER, OPTION_HELP, PERIOD, REF, REFS, TEXT, VALUES, Field, Kind, all_options,
    metavar)

MAX_ID_FROM_TITLE = 60
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_MODELINE = re.compile(r"# yaml-language-server: \$schema=[A-Za-z0-9._/-]+")

if TYPE_CHECKING:  # imported where used: `strat --help` reads KINDS without loading YAML machinery
    from strat.config import Config
    from strat.diagnostics import Diagnostic
    from strat.load import LoadResult
    from strat.model import Model

__all__ = ["CHOICE", "DATE", "ID", "KINDS", "NUMBER", "OPTION_HELP", "PERIOD", "REF", "REFS", "TEXT", "VALUES", "Field",
           "Kind", "all_options", "metavar"]


# --- the strategy the new file joins ----------------------------------------------------------


@dataclass(slots=True)
class Strategy:
    root: Path
    folder: Path  # the strategy folder
    config: Config
    loaded: LoadResult
    model: Model
    today: dt.date
    me: str | None = None  # the Person whose email is git's user.email, if exactly one
    measured: Any = None  # strat.progress.Measures, built on first use

    def latest(self, metric: Any) -> float | None:
        """The metric's latest value on or before today, as `strat tree` shows it (strat.progress)."""
        if self.measured is None:
            from strat.progress import measures
            from strat.rules.context import RuleContext

            self.measured = measures(RuleContext(self.model, self.config, self.today))
        reading = self.measured.latest(metric)
        return reading.value if reading is not None else None

    @property
    def strategy_rel(self) -> str:
        return PurePosixPath(os.path.relpath(self.folder, self.root)).as_posix()


def open_strategy(root: Path, folder: Path, config: Config, today: dt.date, email: str | None) -> Strategy:
    from strat.lint import LintOptions, check
    from strat.load import load_tree
    from strat.model import Model

    loaded = load_tree(root, folder, config.include, config.exclude)
    result = check(loaded, config, LintOptions(select=("E", "S", "R"), use_git=False, today=today))
    model = result.model or Model([])
    me = None
    if email:
        from strat.checkin import people_with_email

        found = people_with_email(model, email)
        me = found[0] if len(found) == 1 else None
    return Strategy(root, folder, config, loaded, model, today, me)


# --- answers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """An answer that cannot be used: why, and the one correction strat would make."""

    message: str
    suggestion: str | None = None


def choices(f: Field, st: Strategy) -> list[tuple[str, str]]:
    """What an answer may be, from the strategy: (id, what it is) pairs, for the prompt's
    list and its Tab completion. Empty for free text and numbers."""
    from strat.model import is_slug

    model = st.model
    if f.type in (REF, REFS):
        out = []
        for kind in f.targets:
            for doc in model.of_kind(kind):
                if not is_slug(doc.id):
                    continue  # a malformed id (the schema reports it) is not offered
                words = doc.data.get("name") or doc.data.get("title") or ""
                out.append((doc.id, words if isinstance(words, str) else ""))
        return sorted(out)
    if f.type == PERIOD:
        return [(p.id, f"{p.start} to {p.end}") for p in model.periods.values() if is_slug(p.id)]
    if f.type == VALUES:
        strategy = model.strategy.data if model.strategy else {}
        names = {v.get("id"): v.get("name") for v in strategy.get("values", []) or [] if isinstance(v, dict)}
        return [(v, str(names.get(v) or "")) for v in model.values if is_slug(v)]
    if f.type == CHOICE:
        return [(c, "") for c in f.choices]
    return []


def check_answer(f: Field, text: str, st: Strategy) -> tuple[Any, Refusal | None]:
    """The value of an answer typed for `f`, or why it cannot be used."""
    from strat.inert import not_utf8

    text = text.strip()
    bad = not_utf8(text)
    if bad:
        return None, Refusal(bad)
    if not text:
        return None, Refusal("an answer is needed")
    if f.type == TEXT:
        if f.name == "email" and ("@" not in text or " " in text):
            return None, Refusal(f"`{text}` is not an e-mail address")
        if f.name == "currency":
            if not re.fullmatch(r"[A-Za-z]{3}", text):
                return None, Refusal(f"`{text}` is not a currency code: three letters, ISO 4217, e.g. USD or EUR")
            return text.upper(), None
        return text, None
    if f.type == NUMBER:
        return _number(text)
    if f.type == ID:
        return _fresh_id(text, st)
    if f.type == DATE:
        try:
            return dt.date.fromisoformat(text).isoformat(), None
        except ValueError:
            return None, Refusal(f"`{text}` is not a date: write it as YYYY-MM-DD, e.g. {st.today.isoformat()}")
    if f.type == CHOICE:
        if text.lower() in f.choices:
            return text.lower(), None
        return None, Refusal(f"`{text}` is not one of {', '.join(f.choices)}", _close(text.lower(), list(f.choices)))
    if f.type in (REFS, VALUES):
        items = [t.strip() for t in text.split(",") if t.strip()]
        values: list[str] = []
        for item in items:
            value, refusal = _one_ref(f, item, st)
            if refusal or value is None:
                refusal = refusal or Refusal(f"`{item}` is not an id")
                fixed = None
                if refusal.suggestion:
                    fixed = ", ".join([*values, refusal.suggestion, *items[len(values) + 1:]])
                return None, Refusal(refusal.message, fixed)
            if value in values:
                return None, Refusal(f"`{value}` is named twice")
            values.append(value)
        return values, None
    return _one_ref(f, text, st)


def _one_ref(f: Field, text: str, st: Strategy) -> tuple[str | None, Refusal | None]:
    from strat.refs import PeopleIndex

    known = [i for i, _ in choices(f, st)]
    if text in known:
        return text, None
    what = {PERIOD: "period of the Strategy", VALUES: "value of the Strategy"}.get(f.type) or " or ".join(f.targets)
    doc = st.model.by_id.get(text)
    if doc is not None:
        return None, Refusal(f"`{text}` is {article(doc.kind)} {doc.kind}, not {article(what)} {what}")
    if "Person" in f.targets:
        found = PeopleIndex(st.model).did_you_mean(text.lower(), known)
        suggestion = found[0] if found else None
    else:
        suggestion = _close(text.lower(), known)
    if not known:
        return None, Refusal(f"there is no {what} in the strategy yet; add one first (strat new "
                             f"{f.targets[0].lower() if f.targets else 'goal'})")
    return None, Refusal(f"no {what} `{text}`", suggestion)


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _close(word: str, candidates: list[str]) -> str | None:
    from strat.refs import did_you_mean

    found = did_you_mean(word, candidates)
    return found[0] if found else None


def _number(text: str) -> tuple[int | float | None, Refusal | None]:
    if not _NUMBER.fullmatch(text):
        hint = " (a ratio: 45% is 0.45)" if text.endswith("%") else ""
        return None, Refusal(f"`{text}` is not a number: write it as 1200 or 0.35{hint}")
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        return None, Refusal(f"`{text}` is not a finite number")
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text), None
    return value, None


def _fresh_id(text: str, st: Strategy) -> tuple[str | None, Refusal | None]:
    from strat.model import is_slug

    if not is_slug(text):
        slug = slugify(text)
        return None, Refusal(f"`{text}` is not an id: lowercase letters, digits and dashes, starting with a letter "
                             "or digit, at most 80", slug if slug and text != slug and _free(slug, st) else None)
    taken = st.model.by_id.get(text)
    if taken is not None:
        return None, Refusal(f"`{text}` is already the id of the {taken.kind} at {taken.location(('id',))}; ids "
                             "are unique across the whole repository", _next_free(text, st))
    return text, None


def _free(ident: str, st: Strategy) -> bool:
    return ident not in st.model.by_id


def _next_free(base: str, st: Strategy) -> str:
    for n in range(2, 1000):
        candidate = f"{base[:76]}-{n}"
        if _free(candidate, st):
            return candidate
    return base


def slugify(text: str, limit: int = MAX_ID_FROM_TITLE) -> str:
    from strat.importcsv import slugify as csv_slugify

    return csv_slugify(text, limit)


# --- defaults the strategy suggests --------------------------------------------------------------


def suggest(kind: Kind, f: Field, answers: dict[str, Any], st: Strategy) -> str | None:
    """The default offered for `f`, given the answers so far (None: no default)."""
    model = st.model
    if f.type == ID:
        label = answers.get(kind.label)
        if not isinstance(label, str):
            return None
        slug = slugify(label)
        if not slug:
            return None
        return slug if _free(slug, st) else _next_free(slug, st)
    if f.name in ("owner", "lead", "leader") and st.me:
        return st.me
    if kind.kind == "Goal":
        owner = answers.get("owner")
        if f.name == "team" and isinstance(owner, str):
            teams = [t.id for t in model.of_kind("Team")
                     if t.data.get("lead") == owner or owner in (t.data.get("members") or [])]
            return teams[0] if len(teams) == 1 else None
        if f.name == "person":
            return owner if isinstance(owner, str) else None
        parent = model.by_id.get(answers.get("parent") or "")
        if f.name == "period":
            settled = parent.data.get("period") if parent is not None else None
            return settled if settled in model.periods else current_period(st)
        if f.name == "plan" and parent is not None and parent.kind == "Objective":
            plans = [p.id for p in model.of_kind("Plan") if parent.id in (p.data.get("objectives") or [])]
            return plans[0] if len(plans) == 1 else None
        if f.name == "plan" and parent is not None and isinstance(parent.data.get("plan"), str):
            return str(parent.data["plan"])
    if f.type == PERIOD and f.required:
        return current_period(st)
    if f.name == "period" and kind.kind == "Objective":
        return current_period(st)
    if f.name == "baseline":
        metric = answers.get("metric")
        value = st.latest(metric) if isinstance(metric, str) else None
        if isinstance(value, (int, float)) and value == value and abs(value) != float("inf"):
            return str(int(value)) if float(value).is_integer() else repr(float(value))
        return None
    if f.name == "date":
        return st.today.isoformat()
    if f.name == "currency":
        used = Counter(t.data["cost"].get("currency") for t in model.of_kind("Team")
                       if isinstance(t.data.get("cost"), dict))
        found = [c for c in used if isinstance(c, str) and re.fullmatch(r"[A-Z]{3}", c)]
        return found[0] if len(found) == 1 else None
    if f.name == "status":
        return "proposed"
    return None


def current_period(st: Strategy) -> str | None:
    """The one period today falls in (the shortest, when they nest), or the only period."""
    periods = list(st.model.periods.values())
    today = st.today.isoformat()
    now = [p for p in periods if str(p.start) <= today <= str(p.end)]
    if now:
        return sorted(now, key=lambda p: (_days(p), p.id))[0].id
    return periods[0].id if len(periods) == 1 else None


def _days(period: Any) -> int:
    try:
        return (dt.date.fromisoformat(str(period.end)) - dt.date.fromisoformat(str(period.start))).days
    except ValueError:
        return 1 << 30


# Defaults used without a prompt: those the strategy or the clock settles (a goal's period
# from its parent, a decision's date); a person, a team or a metric is never guessed.
SETTLED = frozenset({"id", "period", "date", "status", "currency"})


# --- the file --------------------------------------------------------------------------------


def place(kind: Kind, ident: str, st: Strategy) -> str:
    """Where the new file goes (repo-relative): beside most of the kind's files in this
    strategy, else the conventional folder under the strategy folder; named `<id>.yaml`."""
    folders = Counter(PurePosixPath(d.path).parent.as_posix() for d in st.model.of_kind(kind.kind))
    strategy_rel = st.strategy_rel
    inside = [(n, f) for f, n in folders.items()
              if f == strategy_rel or f.startswith(strategy_rel.rstrip("/") + "/") or strategy_rel == "."]
    folder = max(inside)[1] if inside else f"{strategy_rel}/{kind.folder}" if strategy_rel != "." else kind.folder
    return f"{folder}/{ident}.yaml"


def modeline(kind: Kind, rel: str, st: Strategy) -> str:
    """The editor's schema line, as `strat init` writes it: the bundled schema
    (`schemas/strat.schema.json`) relative to the file; a repository that has only the
    per-kind schemas (as `strat schema --export` wrote them before the bundle, or
    `strat import csv` names) gets the kind's own."""
    schemas = st.root / "schemas"
    name = "strat.schema.json"
    if not (schemas / name).is_file() and (schemas / f"{kind.kind.lower()}.schema.json").is_file():
        name = f"{kind.kind.lower()}.schema.json"
    folder = PurePosixPath(rel).parent
    up = "../" * len(folder.parts) if folder.as_posix() != "." else ""
    line = f"# yaml-language-server: $schema={up}schemas/{name}"
    return line if _MODELINE.fullmatch(line) else "# yaml-language-server: $schema=schemas/strat.schema.json"


def document(kind: Kind, answers: dict[str, Any]) -> dict[str, Any]:
    """The document's data, in the schema's field order."""
    data: dict[str, Any] = {"kind": kind.kind}
    for f in kind.fields:
        value = answers.get(f.name)
        if value is None or value == []:
            continue
        node = data
        for key in f.path[:-1]:
            node = node.setdefault(key, {})
        node[f.path[-1]] = value
    from strat import schemas

    order = list(schemas.schema_for(kind.kind).get("properties", {}))
    return {k: data[k] for k in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}


def render(data: dict[str, Any], line: str) -> str:
    from strat.importcsv import scalar

    out = [line]

    def emit(node: dict[str, Any], pad: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                out.append(f"{pad}{key}:")
                emit(value, pad + "  ")
            elif isinstance(value, list):
                out.append(f"{pad}{key}: [{', '.join(scalar(v) for v in value)}]")
            else:
                out.append(f"{pad}{key}: {scalar(value)}")

    emit(data, "")
    return "\n".join(out) + "\n"


# --- the plan: the file, read back, linted with the strategy ----------------------------------------


@dataclass(slots=True)
class Planned:
    rel: str
    text: str
    errors: list[str]  # the file would add these errors: refused
    warnings: list[str]  # shown, not refused


def plan(kind: Kind, answers: dict[str, Any], st: Strategy) -> Planned:
    from strat.diagnostics import Severity
    from strat.importcsv import _same  # one definition of "the same data, types and key order"
    from strat.lint import LintOptions, check
    from strat.load import LoadResult, SourceFile, parse_bytes

    data = document(kind, answers)
    rel = place(kind, str(answers["id"]), st)
    text = render(data, modeline(kind, rel, st))
    source, problems = parse_bytes(text.encode("utf-8"), rel)
    if problems or source is None or len(source.documents) != 1 or not _same(source.documents[0].data, data):
        return Planned(rel, text, ["internal error: the YAML written does not read back as the answers; nothing "
                                   "was written (this is a bug in strat; please report it with the answers)"], [])
    if not _read_by_lint(rel, st):
        return Planned(rel, text, [f"{rel}: strat.yaml's include/exclude leave this file out, so strat lint and the "
                                   "site would never read it; nothing was written (give the kind a folder they read, "
                                   "or change include/exclude)"], [])
    options = LintOptions(use_git=False, today=st.today)
    before = check(st.loaded, st.config, options).diagnostics
    files: list[SourceFile] = [f for f in st.loaded.files if f.path != rel]
    after = check(LoadResult([*files, source], list(st.loaded.diagnostics)), st.config, options).diagnostics
    old = Counter(_key(d) for d in before)
    errors, warnings = [], []
    for d in after:
        if old[_key(d)] > 0:
            old[_key(d)] -= 1
            continue
        shown = f"{d.location}: {d.code} {d.severity.value} {d.message}"
        if d.severity is Severity.ERROR:
            errors.append(shown)
        elif d.severity is Severity.WARNING:
            warnings.append(shown)
    return Planned(rel, text, errors, warnings)


def _read_by_lint(rel: str, st: Strategy) -> bool:
    from strat.discover import selected

    strategy_rel = st.strategy_rel
    in_folder = rel if strategy_rel == "." else rel.removeprefix(strategy_rel.rstrip("/") + "/")
    return selected(in_folder, st.config.include, st.config.exclude)


def _key(d: Diagnostic) -> tuple[str, str, str]:
    return (d.code, str(d.location), d.message)


# --- options without prompts ---------------------------------------------------------------


def from_options(kind: Kind, given: dict[str, str], st: Strategy
                 ) -> tuple[dict[str, Any], list[str], list[str]]:
    """Answers from options alone: (answers, the missing options' words, problems)."""
    answers: dict[str, Any] = {}
    problems: list[str] = []
    for f in kind.fields:
        text = given.get(f.name)
        if f.after and f.after not in given:
            if text is not None:
                problems.append(f"{f.option} {text}: only with --{f.after}")
            continue
        if text is None and f.name in SETTLED and (f.required and not f.group or _first_of_open_group(kind, f, given)):
            text = suggest(kind, f, answers, st)
        if text is None:
            continue
        value, refusal = check_answer(f, text, st)
        if refusal:
            mean = f"; did you mean `{refusal.suggestion}`?" if refusal.suggestion else ""
            problems.append(f"{f.option} {text}: {refusal.message}{mean}")
        else:
            answers[f.name] = value
    missing = [f.option for f in kind.fields if f.required and not f.group and f.name not in given
               and (not f.after or f.after in given)
               and f.name not in answers and not any(p.startswith(f.option + " ") for p in problems)
               and not (f.type == ID and kind.label not in given)]  # the id follows from the title or name
    for group, (exactly, words) in kind.groups.items():
        named = [f.name for f in kind.fields if f.group == group and f.name in given]
        if not named and any(f.group == group and f.name in answers for f in kind.fields):
            continue  # settled without an option (an objective's period: the one today is in)
        if not named:
            missing.append(words)
        elif exactly and len(named) > 1:
            problems.append(f"{', '.join('--' + n for n in named)}: give only one ({words})")
    return answers, missing, problems


def _first_of_open_group(kind: Kind, f: Field, given: dict[str, str]) -> bool:
    members = [g for g in kind.fields if g.group == f.group] if f.group else []
    return bool(members) and members[0] is f and not any(g.name in given for g in members)


def unknown_options(kind: Kind, given: dict[str, str]) -> list[str]:
    """Options given that are not fields of `kind`."""
    names = {f.name for f in kind.fields}
    return [f"--{n}" for n in given if n not in names]


