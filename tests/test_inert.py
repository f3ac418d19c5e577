"""`strat.inert`, the one neutraliser per output kind: a table of hostile payloads, each
checked against every output kind (terminal text, CI log lines, Markdown, JSON, SARIF
URIs), plus the exact visible form of each convention."""

from __future__ import annotations

import html
import json
import re
import unicodedata

import pytest

from strat import inert

# Hostile payloads as data: what a title, a note, a file name or a git author may hold.
HOSTILE = {
    "csi clear screen": "a\x1b[2Jb",
    "csi colour": "\x1b[31mred\x1b[0m",
    "osc window title": "\x1b]0;pwned\x07",
    "osc 8 hyperlink": "\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\",
    "bel": "ding\x07",
    "carriage return": "ok\r## No strategy change",
    "crlf": "one\r\ntwo",
    "line feed workflow command": "title\n::warning::x",
    "indented workflow command": "  ::error file=a::b",
    "unicode space workflow command": "\u3000\u00a0::notice::x",
    "legacy workflow command": "a ##[stop-commands]token",
    "bidi override": "invoice\u202egnp.exe",
    "bidi isolates": "\u2066a\u2069\u2067b\u2069\u2068c\u2069",
    "bidi marks": "\u200e\u200f\u061c",
    "zero width": "a\u200bb\ufeffc\u2060d\u00ade",
    "line separator": "a\u2028b\u2029c",
    "next line": "a\x85b",
    "vertical tab and form feed": "a\x0bb\x0cc",
    "c1 csi": "\x9b31mred",
    "del and nul": "a\x7fb\x00c",
    "non-utf-8 bytes": "bad\udcff\udc80name.yaml",
    "mention": "ping @org/team and @user",
    "issue reference": "fixes #123 and GH-45",
    "html": "<img src=x onerror=alert(1)>",
    "link": "[click](javascript:alert(1))",
    "link tail": "](javascript:alert(1))",
    "image": "![x](https://evil.example/p.png)",
    "table breaker": "| a | b |",
    "code span": "`code` and ``more``",
    "emphasis": "*bold* _it_ ~~gone~~",
    "heading at start": "# Heading",
    "list at start": "- item",
    "ordered list at start": "1. item",
    "quote at start": "> quoted",
    "math": "$x^2$",
    "entity": "&#64;user &lt;",
    "backslash escape": "\\*not emphasis\\*",
}
CASES = list(HOSTILE.items())
IDS = list(HOSTILE)

# What no terminal or CI log may receive from repository text.
FORBIDDEN_CHARS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
                             "\ud800-\udfff]")


def is_workflow_command(line: str) -> bool:
    """What GitHub's runner reads as a command: `::` after leading white space, or the
    legacy `##[` anywhere in the line."""
    return line.lstrip().startswith("::") or "##[" in line


@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_text_is_one_inert_line(name: str, value: str) -> None:
    shown = inert.text(value)
    assert not FORBIDDEN_CHARS.search(shown), shown
    assert "\n" not in shown
    assert not is_workflow_command(shown)
    shown.encode("utf-8")  # strict: no lone surrogate left


@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_lines_keep_the_structure_and_nothing_else(name: str, value: str) -> None:
    document = f"first line\n  value: {value}\n{value}\nlast line"
    shown = inert.lines(document)
    assert not FORBIDDEN_CHARS.search(shown)
    assert not any(is_workflow_command(line) for line in shown.split("\n"))
    assert shown.startswith("first line\n") and shown.endswith("\nlast line")


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[2J", "\\x1b[2J"),
    ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    ("a\r\nb\tc", "a\\r\\nb\\tc"),
    ("\x7f\x00", "\\x7f\\x00"),
    ("invoice\u202egnp.exe", "invoice<U+202E>gnp.exe"),
    ("\x9b31m", "<U+009B>31m"),
    ("a\u2028b", "a<U+2028>b"),
    ("\U000e0041", "<U+E0041>"),
    ("bad\udcff.yaml", "bad\\xff.yaml"),
    ("\ud800", "<U+D800>"),
    ("::warning::x", "\\x3a:warning::x"),
    ("  ::x::y", "  \\x3a:x::y"),
    ("a ##[error]b", "a #\\x23[error]b"),
    ("a :: b", "a :: b"),  # not at the start of a line: not a command
    ("Ünïcødé — “quotes” 日本語 ✓", "Ünïcødé — “quotes” 日本語 ✓"),
    ("👩\u200d💻 team", "👩\u200d💻 team"),  # a joiner inside an emoji only joins it
    ("a\u200db", "a<U+200D>b"),
    (None, ""),
])
def test_text_convention(raw: str | None, shown: str) -> None:
    assert inert.text(raw) == shown


def test_lines_keep_only_colour_codes_strat_adds() -> None:
    coloured = "\x1b[1mstrategy/x.yaml\x1b[0m: \x1b[31mA301\x1b[0m \\x1b]0;t\\x07"
    assert inert.lines(coloured, keep_sgr=True) == coloured
    assert inert.lines("\x1b[1m::warning::x\x1b[0m", keep_sgr=True) == "\x1b[1m\\x3a:warning::x\x1b[0m"
    assert inert.lines("\x1b]0;t\x07\x1b[31m", keep_sgr=True) == "\\x1b]0;t\\x07\x1b[31m"
    assert inert.lines("\x1b[31m") == "\\x1b[31m"


# --- Markdown ---------------------------------------------------------------------------

MARKUP = re.compile(r"[<>\[\]`*_~|#\\$]")
REFERENCE = re.compile(r"&(#\d+|amp|lt|gt);")


@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_markdown_is_plain_inline_text(name: str, value: str) -> None:
    shown = inert.markdown(value)
    assert not FORBIDDEN_CHARS.search(shown)
    assert "\n" not in shown and "\r" not in shown
    # Every markup character is a character reference; the only raw `<`, `>` are the empty
    # comments that break @mentions and #123 references.
    assert not MARKUP.search(REFERENCE.sub("", shown.replace("<!-- -->", ""))), shown
    # GitHub links mentions and references in the rendered text, where references are
    # decoded and a comment splits the text: no piece of it may hold one.
    for piece in shown.split("<!-- -->"):
        rendered = html.unescape(piece)
        assert not re.search(r"@[\w-]", rendered), shown
        assert not re.search(r"(#|GH-)\d", rendered, re.IGNORECASE), shown
    assert not re.match(r"\s*([-+=>]|\d+[.)])", shown)  # cannot open a block at the start of a list item


@pytest.mark.parametrize(("raw", "shown"), [
    ("@org/team", "@<!-- -->org/team"),
    ("#123", "&#35;<!-- -->123"),
    ("gh-7", "gh-<!-- -->7"),
    ("a|b", "a&#124;b"),
    ("<b>&amp;", "&lt;b&gt;&amp;amp;"),
    ("[x](y)", "&#91;x&#93;(y)"),
    ("x\r## No strategy change", "x&#92;r&#35;&#35; No strategy change"),
    ("- item", "&#45; item"),
    ("12. item", "&#49;&#50;. item"),
    ("plain words, 50% done.", "plain words, 50% done."),
])
def test_markdown_convention(raw: str, shown: str) -> None:
    assert inert.markdown(raw) == shown


def test_markdown_mentions_only_when_asked() -> None:
    assert inert.markdown("@org/team #12", mentions=True) == "@org/team &#35;<!-- -->12"


@pytest.mark.parametrize(("sentence", "shown"), [
    ("goal `x`: title “a” → “b”", "goal `x`: title “a” → “b”"),
    ("goal `x`: title “@u <b>” → “#1”", "goal `x`: title “@<!-- -->u &lt;b&gt;” → “&#35;<!-- -->1”"),
    # a backtick inside a value cannot close strat's code span and expose the rest as markup
    ("goal `x`: title “a`b @u” → c", "goal `x`: title “a&#96;b @<!-- -->u” → c"),
    ("goal `a\nb`", "goal `a\\nb`"),
    ("``", "&#96;&#96;"),
])
def test_markdown_sentence(sentence: str, shown: str) -> None:
    assert inert.markdown_sentence(sentence) == shown


def test_markdown_sentence_in_a_table_cell_keeps_its_borders() -> None:
    assert inert.markdown_sentence("id `a|b` and c|d", cell=True) == "id `a\\|b` and c&#124;d"


# --- JSON and SARIF -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_json_is_exact_utf8_and_inert(name: str, value: str) -> None:
    raw = inert.json_dumps({"title": value, value: [value]}, indent=2)
    raw.encode("utf-8")  # strict
    assert not FORBIDDEN_CHARS.search(raw.replace("\n", " "))
    assert not any(is_workflow_command(line) for line in raw.splitlines())
    back = json.loads(raw)
    if not any(0xDC80 <= ord(c) <= 0xDCFF for c in value):
        assert back == {"title": value, value: [value]}  # every string exactly as it was
    else:
        assert back["title"] == inert.text(value) or "\\x" in back["title"]


def test_json_shows_non_utf8_bytes_as_text() -> None:
    assert json.loads(inert.json_dumps("a\udcffb")) == "a\\xffb"
    assert inert.json_dumps("\U000e0041") == '"\\udb40\\udc41"'  # astral format character: a surrogate pair


@pytest.mark.parametrize(("path", "uri"), [
    ("strategy/goals/a.yaml", "strategy/goals/a.yaml"),
    ("strategy/odd, name: 100%.yaml", "strategy/odd%2C%20name%3A%20100%25.yaml"),
    ("strategy/\udcff\x1b.yaml", "strategy/%FF%1B.yaml"),
    ("strategy/é.yaml", "strategy/%C3%A9.yaml"),
])
def test_uri_path(path: str, uri: str) -> None:
    assert inert.uri_path(path) == uri


def test_not_utf8() -> None:
    assert inert.not_utf8("fine — ünïcødé") is None
    assert "0xFF at position 4" in (inert.not_utf8("bad\udcff") or "")


def test_every_hidden_category_is_covered() -> None:
    # One sample of each category the convention shows visibly.
    for char in ("\x01", "\u200b", "\u2028", "\u2029", "\udcff", "\x85"):
        assert unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs"}
        assert char not in inert.text(f"a{char}b")


def test_json_escapes_every_hidden_code_point_of_this_unicode_database() -> None:
    # json_dumps finds hidden characters with a fixed list (fast); the Unicode database of
    # the running Python must hold none outside it: each is written as an escape, never raw.
    hidden = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in {"Cc", "Cf", "Cs", "Zl", "Zp"}]
    raw = [f"U+{ord(c):04X}" for c in hidden if c in inert.json_dumps(c)]
    assert not raw, raw[:20]
