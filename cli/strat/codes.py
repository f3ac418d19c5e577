"""Every diagnostic code strat can report, with its name, default severity and
documentation: the file/schema/reference codes from `strat.code_docs`, the alignment
rules from their own modules. `strat explain`, `strat rules` and the site read this."""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass

from strat.diagnostics import Severity


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    name: str
    severity: Severity
    doc: str  # Markdown: a one-line summary, then What / Why / Fails / Passes

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip()


_DEFAULT_SEVERITY = {"I001": Severity.WARNING, "E008": Severity.WARNING}


@functools.cache
def all_codes() -> dict[str, CodeInfo]:
    from strat.code_docs import CODE_DOCS
    from strat.rules import RULES

    out = {
        code: CodeInfo(code, name, _DEFAULT_SEVERITY.get(code, Severity.ERROR), inspect.cleandoc(doc))
        for code, (name, doc) in CODE_DOCS.items()
    }
    for code, module in RULES.items():
        out[code] = CodeInfo(code, module.NAME, module.SEVERITY, inspect.cleandoc(module.__doc__ or ""))
    return dict(sorted(out.items(), key=lambda item: ("ESRAI".index(item[0][0]), item[0])))


def matches(code: str, selectors: tuple[str, ...]) -> bool:
    """`A3` selects A301–A315; `A304` selects itself; `ALL` selects everything."""
    return any(s == "ALL" or code.startswith(s) for s in selectors)
