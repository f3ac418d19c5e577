"""Every output is inert: one neutraliser per output kind, used by every command.

Everything strat prints or writes for people comes partly from the repository (titles,
notes, ids, file names, git author names and commit messages), and the repository is
untrusted. These pure functions turn such text into output that cannot act on whatever
shows it: a terminal, a CI log, a Markdown comment, a JSON or SARIF consumer.

How a hostile character is shown (the same in every text output):

- Line breaks and other ASCII control characters inside a value are shown as the escape a
  programmer would type: ``\\n``, ``\\r``, ``\\t``, and ``\\xNN`` for the others
  (ESC is ``\\x1b``, BEL ``\\x07``, DEL ``\\x7f``). A title holding a line break stays on
  its one line.
- Invisible or reordering Unicode characters (C1 controls U+0080–U+009F, bidirectional
  controls such as U+202E, zero-width and other format characters, the line and paragraph
  separators U+2028/U+2029) are shown as ``<U+202E>``. A zero-width joiner between two
  emoji is kept: it only joins them into one picture.
- Bytes of a file name or argument that are not UTF-8 (Python hands them over as lone
  surrogates) are shown as ``\\xNN``, the byte itself.
- A line never starts with ``::`` (after blanks) and never holds ``##[`` because of
  repository text: GitHub Actions reads those as workflow commands. The first colon is
  shown as ``\\x3a`` and ``##[`` as ``#\\x23[``.

The visible forms are for people: a title that really holds the four characters
``\\x1b`` looks the same as one holding ESC; `--format json` tells them apart.

Markdown (`markdown`) starts from the same visible form and adds numeric character
references (``&#35;``) for everything Markdown would act on (see `markdown`). GitHub
links @mentions and #123 references in the rendered text, where neither a backslash nor
a character reference stops it (github/cmark-gfm#181); an empty HTML comment between
the sign and the name does and shows nothing: ``@<!-- -->org/team``. JSON
(`json_dumps`) keeps every string exact, escaping invisible characters the JSON way
(``\\u202e``); only bytes that are not UTF-8 become the text ``\\xNN``, as JSON must be
UTF-8. A SARIF `uri` percent-encodes the bytes (`uri_path`).

Where it applies: the formatters (`strat.formats`, `diffreport`, `historyreport`, `roi`,
`tree`) pass each value through the function for their format before adding strat's own
markup or colours, and `cli.py` prints every line through `lines` (`_say`), so messages
that quote input are covered too.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote

# Character categories shown visibly: controls, format (invisible) characters, lone
# surrogates, line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ZWJ = "\u200d"
# Only characters outside printable ASCII can be hidden; the category decides.
_CANDIDATE = re.compile(r"[^\x20-\x7e]")
_CANDIDATE_SGR = re.compile(r"\x1b\[[0-9;]*m|[^\x20-\x7e]")
# GitHub's runner trims leading white space (.NET's definition, which str.isspace covers)
# before it looks for `::`; colour codes strat adds itself may precede it too.
_LEADING_COMMAND = re.compile(r"^((?:\s|\x1b\[[0-9;]*m)*):(?=:)")


def _shown(char: str) -> str:
    """The visible form of one hidden character."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"<U+{code:04X}>"


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def _emoji_joiner(text: str, i: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👩‍💻): kept."""
    if i == 0 or i + 1 >= len(text):
        return False
    before, after = unicodedata.category(text[i - 1]), unicodedata.category(text[i + 1])
    return before in ("So", "Sk", "Mn") and after == "So"


def visible(text: str, keep: str = "", keep_sgr: bool = False) -> str:
    """`text` with every hidden character but those in `keep` shown visibly (the
    convention above); with `keep_sgr`, colour codes (ESC [ … m) stay too."""
    if text.isprintable():
        return text

    def shown(match: re.Match[str]) -> str:
        char = match.group()
        if len(char) > 1 or char in keep or not _hidden(char):  # a colour code, or a visible character
            return char
        if char == _ZWJ and _emoji_joiner(text, match.start()):
            return char
        return _shown(char)

    return (_CANDIDATE_SGR if keep_sgr else _CANDIDATE).sub(shown, text)


def _no_workflow_command(line: str) -> str:
    """A line GitHub Actions cannot read as a workflow command."""
    return _LEADING_COMMAND.sub(r"\1\\x3a", line.replace("##[", "#\\x23["), count=1)


def text(value: object) -> str:
    """One value (a title, a note, a file name, an author) as one inert line of text for a
    terminal or a CI log. None is the empty string."""
    if value is None:
        return ""
    return _no_workflow_command(visible(str(value)))


def lines(document: str, keep_sgr: bool = False) -> str:
    """Output made of strat's own lines with values inside (a message, a report, a diff
    of a file): each line break and tab stays, every other hidden character is shown
    visibly, and no line can be read as a workflow command. With `keep_sgr`, the colour
    codes (ESC [ … m) strat adds on a terminal stay; values must then have gone through
    `text` before colouring."""
    return "\n".join(_no_workflow_command(visible(line, keep="\t", keep_sgr=keep_sgr))
                     for line in document.split("\n"))


# --- Markdown ---------------------------------------------------------------------------

# Numeric character references render as the character itself and are never markup.
_MD_REFS = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_~[]|#$"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# A value that opens a list item or table cell must not start a block of its own.
_MD_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")
# GitHub links @user, @org/team, #123 and GH-123 after rendering, in the text itself, so
# neither a backslash nor a character reference stops it; an empty HTML comment between
# the sign and the name does, and shows nothing.
_MENTION = re.compile(r"@(?=\S)")
_ISSUE = re.compile(r"(&#35;|\bGH-)(?=\d)", re.IGNORECASE)
_BREAK = "<!-- -->"


def markdown(value: object, mentions: bool = False) -> str:
    """One value as inline Markdown text (in a paragraph, a list item or a table cell)
    that renders as exactly that text: no line break of any kind (shown as ``\\n`` etc.),
    no heading, list, quote, table cell border, link, image, raw HTML, code span,
    emphasis, strike-through or math, and no @mention or #123 reference unless
    `mentions` is set. Characters are replaced by character references (``&#35;``)."""
    out = text(value).translate(_MD_REFS)
    out = _MD_BLOCK_START.sub(lambda m: m.group(1) + "".join(f"&#{ord(c)};" for c in m.group(2)), out, count=1)
    out = _ISSUE.sub(lambda m: m.group(1) + _BREAK, out)
    return out if mentions else _MENTION.sub("@" + _BREAK, out)


def markdown_sentence(sentence: str, mentions: bool = False, cell: bool = False) -> str:
    """A sentence of strat's that quotes names in backticks (goal `x`: title …): each
    backtick pair stays a code span, whose content is only made visible (code spans are
    literal; `cell` also escapes `|` for a table row), and the text between is `markdown`.
    A value holding backticks cannot open more than a code span of its own."""
    parts = sentence.split("`")
    closed = len(parts) - (len(parts) % 2 == 0)  # an unpaired last backtick is text
    out = []
    for i, part in enumerate(parts):
        if i % 2 and i < closed and part:
            code = text(part)
            out.append("`" + (code.replace("|", "\\|") if cell else code) + "`")
        elif i % 2:
            out.append("&#96;" + markdown(part, mentions) + ("&#96;" if i < closed else ""))
        else:
            out.append(markdown(part, mentions))
    return "".join(out)


# --- JSON and SARIF ----------------------------------------------------------------------

# Every code point of the hidden categories that JSON leaves raw (it escapes U+0000–U+001F
# itself): C1 controls and DEL, format characters, separators, surrogates. A test checks
# this list against the Unicode database of the running Python.
_JSON_HIDDEN = re.compile(
    "[\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if not _hidden(char):
        return char
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\\\x{code - 0xDC00:02x}"  # the text \xNN: JSON must be UTF-8
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_dumps(data: Any, **options: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, **options)` whose text is inert when shown:
    invisible and reordering characters are written as JSON escapes (the decoded strings
    are unchanged), bytes that are not UTF-8 as the text ``\\xNN``, and ``##[`` as
    ``#\\u0023[`` so a CI log cannot read a workflow command out of it."""
    raw = json.dumps(data, ensure_ascii=False, **options)
    return _JSON_HIDDEN.sub(_json_escape, raw).replace("##[", "#\\u0023[")


def uri_path(path: str) -> str:
    """A repository-relative path as a URI reference (RFC 3986), as SARIF requires: every
    byte outside the unreserved set and `/` percent-encoded, bytes that were not UTF-8
    included."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


# --- arguments ---------------------------------------------------------------------------


def not_utf8(value: str) -> str | None:
    """Why a command-line argument is not text strat can store or match (the first byte
    that is not UTF-8), or None when it is fine."""
    for i, char in enumerate(value):
        if 0xD800 <= ord(char) <= 0xDFFF:
            byte = f"0x{ord(char) - 0xDC00:02X}" if 0xDC80 <= ord(char) <= 0xDCFF else f"U+{ord(char):04X}"
            return (f"it is not valid UTF-8 text (byte {byte} at position {i + 1}); "
                    "strat reads and writes text as UTF-8")
    return None
