"""escape: YAML text becomes inert, ids become paths only when they are slugs."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, strategies as st

from sitetest import ISSUE_PAYLOADS
from strat.site import escape

PAYLOADS = [
    *ISSUE_PAYLOADS,
    "    four spaces: a code block",
    "# not a heading",
    "R&D &amp; ü 日本",  # bidi controls are dropped: see the test below
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_keeps_only_letters_digits_and_spaces_literal(payload: str) -> None:
    out = escape.text(payload)
    literal = escape._UNSAFE.sub("", out.replace("&#", "").replace(";", ""))
    assert set(literal) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
    assert html.unescape(out) == " ".join(payload.split())


@given(st.text())
def test_text_round_trips_through_an_html_parser(value: str) -> None:
    out = escape.text(value)
    bare = re.sub(r"&#[0-9]+;", "", out)
    assert not set(bare) - set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
    assert html.unescape(out) == " ".join(escape._CONTROL.sub("", value).split())


def test_block_keeps_paragraphs_and_line_breaks() -> None:
    assert escape.block("one\ntwo\n\nthree") == "one<br>two\n\nthree"
    assert escape.html_block("a <b>\n\nc") == "<p>a &#60;b&#62;</p><p>c</p>"
    assert escape.text(None) == "" and escape.block(None) == ""


@pytest.mark.parametrize("ident", ["goal-1", "a", "x" * 80])
def test_slug_accepts_ids(ident: str) -> None:
    assert escape.slug(ident) == ident


@pytest.mark.parametrize("ident", ["../etc", "a/b", "-x", "A", "x" * 81, "", None, 3, "a.b", "a\n"])
def test_slug_refuses_anything_else(ident: object) -> None:
    with pytest.raises(ValueError):
        escape.slug(ident)


def test_site_name_is_html_escaped() -> None:
    assert escape.site_name("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert escape.site_name("") == "Strategy"


def test_bidirectional_controls_are_dropped_from_site_text() -> None:
    from strat.site.escape import text

    shown = text("invoice\u202egnp.exe\u2066x\u2069")
    assert "8238" not in shown and "8294" not in shown  # no &#8238; (U+202E) or &#8294; (U+2066)
    assert "gnp" in shown
