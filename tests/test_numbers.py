"""strat.numbers: the one rule for amounts and ratios in every output (see its docstring)."""

from __future__ import annotations

import math

import pytest

from strat.numbers import measure, money, number, ratio

MONEY = [
    # amount, compact, in full
    (420000, "USD 420k", "USD 420,000"),
    (1234567, "USD 1.23M", "USD 1,234,567"),
    (1250000, "USD 1.25M", "USD 1,250,000"),
    (12345, "USD 12.3k", "USD 12,345"),
    (12350, "USD 12.4k", "USD 12,350"),         # half away from zero, not to even
    (999950, "USD 1M", "USD 999,950"),          # the suffix is chosen after rounding
    (999499, "USD 999k", "USD 999,499"),
    (999.5, "USD 999.5", "USD 999.5"),
    (950, "USD 950", "USD 950"),
    (1234.567, "USD 1.23k", "USD 1,234.57"),
    (2.675, "USD 2.68", "USD 2.68"),            # 2.675 is 2.67499… in binary; shown as written
    (-1234567, "USD -1.23M", "USD -1,234,567"),
    (0, "USD 0", "USD 0"),
    (3e9, "USD 3B", "USD 3,000,000,000"),
]


@pytest.mark.parametrize(("amount", "compact", "full"), MONEY)
def test_money(amount: float, compact: str, full: str) -> None:
    assert money(amount, "USD") == compact
    assert money(amount, "USD", compact=False) == full


@pytest.mark.parametrize("bad", [None, True, "12", math.nan, math.inf])
def test_money_of_a_non_number_is_empty(bad: object) -> None:
    assert money(bad, "USD") == ""


RATIOS = [
    (1.18, False, "1.2×"), (1.25, False, "1.3×"), (3, False, "3.0×"), (12.46, False, "12.5×"),
    (1234.56, False, "1,234.6×"), (0.04, False, "< 0.1×"), (0, False, "0.0×"), (0.5, True, "≥ 0.5×"),
    (None, False, "–"), (math.inf, False, "–"),
]


@pytest.mark.parametrize(("value", "lower", "shown"), RATIOS)
def test_ratio(value: float | None, lower: bool, shown: str) -> None:
    assert ratio(value, lower) == shown


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (1234567, None, "1,234,567"), (0.375, None, "0.375"), (5.5, "days", "5.5 days"), (57, "%", "57%"),
    (1234, "EUR", "EUR 1.23k"), (0.38, "ratio", "0.38"), (1.23456789, None, "1.2346"),
])
def test_measure_and_number(value: float, unit: str | None, shown: str) -> None:
    assert measure(value, unit) == shown
    if unit is None:
        assert number(value) == shown


@pytest.mark.parametrize("value", [1e26, -1e26, 99999999999999999999999999, 1.7976931348623157e308,
                                   -1.7976931348623157e308, 5e-324])
def test_every_finite_number_can_be_written(value: float) -> None:
    """A reading may be any finite number the schema accepts: writing it never fails
    (Decimal's default 28 digits refused 1e26 with four decimals: an internal error)."""
    for unit in (None, "EUR", "%", "days"):
        shown = measure(value, unit)
        assert shown and shown.replace("-", "").strip()
    assert number(value).replace(",", "").lstrip("-").split(".")[0].isdigit()
    assert money(value, "USD") and money(value, "USD", compact=False)
    assert ratio(value).endswith("×")


FINITE = [
    (5, 5.0), (-0.5, -0.5), (True, None), (False, None), (math.nan, None), (math.inf, None), (-math.inf, None),
    ("5", None), (None, None), (10 ** 399, None), (-(10 ** 399), None), (10 ** 300, 1e300),
]


@pytest.mark.parametrize(("value", "expected"), FINITE, ids=[str(i) for i in range(len(FINITE))])
def test_finite_takes_any_value_the_loader_gives(value: object, expected: float | None) -> None:
    """A Readings value may be a whole number of up to 400 digits (the loader's limit):
    too large for a float, it is no value, not a crash of every view that reads it."""
    from strat.numbers import finite

    assert finite(value) == expected
