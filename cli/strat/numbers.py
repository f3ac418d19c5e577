"""How strat writes numbers for people: one rule for every output (`strat roi`, `strat tree`,
the site), so the same amount or ratio reads the same everywhere.

- **Plain numbers** (`number`): thousands separators, at most four decimals, trailing zeros
  dropped: 1234567 → `1,234,567`; 0.375 → `0.375`; 5.50 → `5.5`.
- **Money, compact** (`money`, tables and lists): at most three significant digits with
  k, M or B, the suffix chosen after rounding: 420000 USD → `USD 420k`; 1,234,567 →
  `USD 1.23M`; 12,345 → `USD 12.3k`; 999,950 → `USD 1M` (never `USD 1000k`). Below 1,000:
  the amount with at most two decimals (`USD 950`, `USD 12.5`).
- **Money, in full** (`money(..., compact=False)`, one goal's impact, a team's cost in a
  sentence): every digit with thousands separators, at most two decimals:
  `USD 1,234,567`, `EUR 1,234.57`.
- **Ratios** (`ratio`, ROI): always one decimal and `×`, with thousands separators:
  1.18 → `1.2×`; 3 → `3.0×`; 12.46 → `12.5×`; a lower bound (part of the impact is in another currency, not
  counted) is prefixed `≥ `. A positive ratio that would round to 0.0 reads `< 0.1×`, so it
  never looks like nothing. JSON keeps the exact value; only the words round.

Rounding is half away from zero on the decimal digits shown (1.25 → 1.3, not Python's 1.2).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any


def finite(value: Any) -> float | None:
    """A finite int or float as a float; None for anything else (bools included, and a
    whole number too large for a float: the loader lets up to 400 digits through)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value) if math.isfinite(value) else None
    except OverflowError:
        return None


def _round(value: float, places: int) -> Decimal:
    """`value` rounded half away from zero to `places` decimals, from its shortest repr
    (so 1.25 is 1.25, not the binary 1.2499999…). The precision is what the digits need:
    the default 28 digits would refuse a reading of 1e26 or 1.8e308 (an internal error)."""
    exact = Decimal(repr(value))
    digits = max(exact.adjusted(), 0) + places + 2
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=max(28, digits)))


def _fixed(value: float, places: int) -> str:
    """Thousands separators, at most `places` decimals, trailing zeros dropped."""
    rounded = _round(value, places)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(value: Any) -> str:
    """1234567 → '1,234,567'; 0.375 → '0.375'; 5.50 → '5.5'."""
    v = finite(value)
    if v is None:
        return "" if value is None else str(value)
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    return _fixed(v, 4)


def money(amount: Any, currency: Any, compact: bool = True) -> str:
    """420000, 'USD' → 'USD 420k' (compact: three significant digits) or 'USD 420,000'."""
    v = finite(amount)
    if v is None:
        return ""
    cur = currency if isinstance(currency, str) else ""
    size = abs(v)
    if compact and size >= 1000:
        places = 2 - math.floor(math.log10(size))  # three significant digits
        rounded = float(_round(size, places))
        if math.isinf(rounded):  # the largest floats round up past the largest float
            rounded = size
        for unit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if rounded >= unit:  # chosen after rounding: 999,950 → 1M
                return f"{cur} {'-' if v < 0 else ''}{_fixed(rounded / unit, 2)}{suffix}".strip()
    return f"{cur} {_fixed(v, 2)}".strip()


def ratio(value: float | None, lower_bound: bool = False) -> str:
    """1.18 → '1.2×'; 3 → '3.0×'; a lower bound → '≥ 1.2×'; None → '–'."""
    if value is None or not math.isfinite(value):
        return "–"
    shown = "< 0.1" if 0 < value < 0.05 else f"{_round(value, 1):,.1f}"
    return f"{'≥ ' if lower_bound else ''}{shown}×"


def measure(value: Any, unit: Any) -> str:
    """A metric value with its unit: '57%', '5.5 days', 'USD 1.2k', '0.38'."""
    shown = number(value)
    if not shown or not isinstance(unit, str):
        return shown
    if unit == "%":
        return shown + "%"
    if len(unit) == 3 and unit.isalpha() and unit.isupper():  # an ISO 4217 currency
        return money(value, unit)
    if unit.lower() in ("count", "ratio", "number", "score", "index", ""):
        return shown
    return f"{shown} {unit}"
