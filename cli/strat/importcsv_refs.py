"""`strat import csv`: references in cells (`strat.importcsv`): ids, names, titles and
e-mail addresses of the repository's strategy and of the sheet's own rows."""

from __future__ import annotations

import itertools
import re
import unicodedata

from strat.importcsv_read import TITLE_FIELD, Row
from strat.importcsv_values import SLUG, one_line as _one_line, slugify
from strat.model import Model

_SPACES = re.compile(r"\s+")

_KIND_WORDS = {"Person": "person", "Team": "team", "Department": "department", "Objective": "objective",
               "Goal": "goal", "Plan": "plan", "Metric": "metric"}
_NAME_FIELDS = {"Person": ("name", "email"), "Team": ("name",), "Department": ("name",), "Objective": ("title",),
                "Goal": ("title",), "Plan": ("title",), "Metric": ("name",)}


class Refs:
    """Ids of the repository's strategy and of the sheet's rows, found by id, name,
    title or e-mail address (public: `strat.importokr` matches owners with it)."""

    def __init__(self, model: Model | None, sheet_kind: str) -> None:
        self.model, self.sheet_kind = model, sheet_kind
        self.ids: dict[str, set[str]] = {}  # kind → ids
        self.names: dict[str, dict[str, tuple[str, ...]]] = {}  # kind → folded name → ids (a tuple: one row's
        # title is one small object, where a set was four times its size)
        self.shown: dict[str, str] = {}  # id → its name, for did-you-mean
        self.skipped: dict[str, dict[str, int]] = {}  # kind → id or folded title → line
        if model is not None:
            for kind in _NAME_FIELDS:
                for doc in model.of_kind(kind):
                    if isinstance(doc.id, str):
                        names = [doc.data.get(f) for f in _NAME_FIELDS[kind]]
                        self._add(kind, doc.id, [n for n in names if isinstance(n, str)])

    def _add(self, kind: str, ident: str, names: list[str]) -> None:
        self.ids.setdefault(kind, set()).add(ident)
        by_name = self.names.setdefault(kind, {})
        for name in names:
            folded = _fold(name)
            found = by_name.get(folded, ())
            if ident not in found:
                by_name[folded] = (*found, ident)
        if names:
            self.shown.setdefault(ident, names[0])

    def add_row(self, row: Row, ident: str | None, skipped: bool) -> None:
        if ident is None:
            return
        title = _one_line(row.cells.get(TITLE_FIELD[self.sheet_kind], ""))
        if skipped:
            where = self.skipped.setdefault(self.sheet_kind, {})
            where[ident] = row.line
            if title:
                where[_fold(title)] = row.line
            return
        self._add(self.sheet_kind, ident, [title] if title else [])

    def resolve(self, kinds: tuple[str, ...], text: str) -> tuple[str | None, str | None]:
        word = " or ".join(_KIND_WORDS[k] for k in kinds)
        probe = text[1:] if text.startswith("@") and len(text) > 1 else text
        for candidate in (probe, probe.lower()):
            for kind in kinds:
                if candidate in self.ids.get(kind, ()):
                    return candidate, None
        folded = _fold(probe)
        matches = sorted({i for kind in kinds for i in self.names.get(kind, {}).get(folded, ())})
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, f"`{text}` names more than one {word}: {', '.join(f'`{m}`' for m in matches)}; use the id"
        slug = slugify(probe)
        for kind in kinds:
            if slug in self.ids.get(kind, ()):
                return slug, None
        for kind in kinds:
            line = self.skipped.get(kind, {}).get(probe.lower()) or self.skipped.get(kind, {}).get(folded)
            if line:
                return None, f"`{text}` is the {_KIND_WORDS[kind]} on line {line}, which is not imported"
        if self.model is None:
            if SLUG.match(probe.lower()):
                return probe.lower(), None
            return None, (f"`{text}` is not an id, and outside a strategy repository strat cannot look up "
                          f"which {word} it names: write the id")
        candidates = sorted({i for kind in kinds for i in self.ids.get(kind, ())})
        names = {self.shown[i].lower(): i for i in candidates if i in self.shown}
        close = _did_you_mean(probe.lower(), candidates + list(names))
        hint = ""
        if close:
            ident = names.get(close, close)
            hint = f"; did you mean `{ident}`" + (f" ({self.shown[ident]})" if ident in self.shown else "") + "?"
        return None, f"no {word} `{text}` (by id{', name or e-mail' if 'Person' in kinds else ' or name'}){hint}"

    def period(self, text: str) -> tuple[str | None, str | None]:
        model = self.model
        slug = slugify(text)
        if model is None:
            return (slug, None) if slug and SLUG.match(slug) else (None, f"`{text}` gives no period id")
        known = list(model.periods)
        if text in known:
            return text, None
        tokens = re.findall(r"[a-z]+[0-9]*|[0-9]+", text.lower())
        candidates = [slug]
        if 1 < len(tokens) <= 3:
            candidates += ["-".join(p) for p in itertools.permutations(tokens)]
        for candidate in candidates:
            if candidate in model.periods:
                return candidate, None
        close = _did_you_mean(slug, known)
        hint = f"; did you mean `{close}`?" if close else f" (periods: {', '.join(known) or 'none'})"
        return None, f"no period `{text}` in the Strategy{hint}"


_Refs = Refs


def _did_you_mean(word: str, candidates: list[str]) -> str | None:
    from strat.refs import did_you_mean

    found = did_you_mean(word, candidates)
    return found[0] if found else None


def _fold(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
