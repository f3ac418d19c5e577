"""`strat import csv`: documents as YAML (`strat.importcsv`), written so that any YAML
reader reads back the same data, and checked by reading them back with strat's loader."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from decimal import Decimal
from typing import Any

from strat.importcsv_values import number_text
from strat.load import parse_bytes, resolve_plain

_YAML11_WORDS = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf"))
_YAML11_NUMBERISH = re.compile(r"[-+]?(0b[0-1_]+|0x[0-9a-f_]+|0o?[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)",
                               re.IGNORECASE)
_ID_LIKE = re.compile(r"[a-z0-9][a-z0-9-]*")
_ORDER = {
    "Goal": ("kind", "id", "title", "owner", "team", "department", "person", "parent", "plan", "period", "outcome",
             "customer_progress", "status", "impact"),
    "Objective": ("kind", "id", "title", "owner", "metric", "baseline", "target", "due", "period", "why",
                  "champions"),
    "Metric": ("kind", "id", "name", "unit", "type", "better", "owner", "description", "source", "financial",
               "drives"),
}


def _plain_ok(text: str) -> bool:
    """Whether `text` can be written unquoted and read back as the same text by any YAML
    reader (1.1 and 1.2): a letter first, or an id-like slug with a letter; nothing that
    starts a comment, a mapping or a special value."""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return False
    if _invisible(text, " "):
        return False
    if "#" in text or ": " in text or text.endswith(":") or "  " in text:
        return False
    if text.lower() in _YAML11_WORDS or _YAML11_NUMBERISH.fullmatch(text):
        return False
    if not (text[0].isalpha() or (_ID_LIKE.fullmatch(text) and re.search(r"[a-z]", text))):
        return False
    return resolve_plain(text, 1, 1) == text


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's), with every invisible or
    format character written as an escape a reviewer can see."""
    out = json.dumps(text, ensure_ascii=False)
    if not _invisible(out, " "):
        return out
    return "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " "
                   else (f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}") for ch in out)


def _literal_ok(text: str) -> bool:
    """Whether a multi-line text can be a `|-` block: no trailing spaces, no leading
    space on the first line, nothing invisible."""
    lines = text.split("\n")
    return ("\n" in text and not text.startswith((" ", "\n")) and not text.endswith("\n")
            and all(line == line.rstrip() for line in lines)
            and not _invisible(text, " \n"))


def _invisible(text: str, allowed: str) -> bool:
    """Whether `text` holds a control, format or separator character other than those
    `allowed` (" " or " \n"). ASCII text, the usual cell, is decided without looking at
    each character's Unicode category: its only such characters are the controls and
    the space, and `isprintable` says which."""
    if text.isascii():
        return not (text.replace("\n", "") if "\n" in allowed else text).isprintable()
    return any(unicodedata.category(ch)[0] in "CZ" and ch not in allowed for ch in text)


def scalar(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(Decimal(repr(value)))
    text = str(value)
    return text if _plain_ok(text) else _quoted(text)


def _emit(data: dict[str, Any], indent: int, out: list[str], literal: bool) -> None:
    pad = " " * indent
    for key, value in data.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            _emit(value, indent + 2, out, literal)
        elif isinstance(value, list):
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    inner: list[str] = []
                    _emit(item, indent + 4, inner, literal)
                    out.append(f"{pad}  - {inner[0].lstrip()}")
                    out.extend(inner[1:])
                else:
                    out.append(f"{pad}  - {scalar(item)}")
        elif literal and isinstance(value, str) and _literal_ok(value):
            out.append(f"{pad}{key}: |-")
            out.extend(f"{pad}  {line}" if line else "" for line in value.split("\n"))
        else:
            out.append(f"{pad}{key}: {scalar(value)}")


def _ordered(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    order = _ORDER[kind]
    known = [k for k in order if k in data]
    rest = [k for k in data if k not in order]
    out = {k: data[k] for k in known + rest}
    if isinstance(out.get("outcome"), dict):
        out["outcome"] = {k: out["outcome"][k] for k in ("metric", "baseline", "target", "current")
                          if k in out["outcome"]}
    return out


def render(kind: str, data: dict[str, Any], schema_folder: str, origin: str | None = None,
           literal: bool = True) -> str:
    """A document as YAML: the editor's schema line, where it came from, then the fields
    in the schema's order and the x- keys in the sheet's column order."""
    lines = [f"# yaml-language-server: $schema={schema_folder}/{kind.lower()}.schema.json"]
    if origin:
        lines.append(f"# Imported from {origin}.")
    _emit(_ordered(kind, data), 0, lines, literal)
    return "\n".join(lines) + "\n"


def render_checked(kind: str, data: dict[str, Any], schema_folder: str, csv_name: str, line: int,
                   path: str) -> tuple[str, list[str]]:
    """The YAML text of a document, read back with strat's loader (it must give exactly
    `data`) and validated against the kind's schema; else the problems."""
    from strat.validate import validate_documents

    origin = f"{_comment_safe(os.path.basename(csv_name))}, line {line}"
    text = ""
    for literal in (True, False):
        text = render(kind, data, schema_folder, origin, literal)
        source, diagnostics = parse_bytes(text.encode("utf-8"), path)
        if diagnostics or source is None or len(source.documents) != 1:
            continue
        if _same(source.documents[0].data, _ordered(kind, data)):
            break
    else:
        return text, ["internal error: the YAML written for this row does not read back as the row's data; nothing "
                      "was written (this is a bug in strat; please report it with the row)"]
    _, findings = validate_documents(source.documents)
    return text, [_schema_message(d.message) for d in findings]


def _schema_message(message: str) -> str:
    return f"{message} (the generated YAML would not be valid)"


def _comment_safe(name: str) -> str:
    return "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else "?" for ch in name)


def _same(a: Any, b: Any) -> bool:
    """Deep equality where 1 is not True and 1 is not 1.0, and key order counts."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
