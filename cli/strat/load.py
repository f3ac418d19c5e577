"""YAML files → documents with source positions. The only module that reads YAML.

Strategy files come from pull requests, so this module treats them as hostile. It parses
with PyYAML's C parser at the *event* level and builds plain Python data itself, which
lets it refuse, before anything is constructed or expanded:

* anchors and aliases (E005: they hide content from reviewers, and an alias bomb that
  loads in milliseconds explodes in whatever walks the data next);
* explicit tags, ``%YAML``/``%TAG`` directives and ``<<`` merge keys (E007);
* nesting deeper than `MAX_DEPTH` and files larger than `MAX_FILE_BYTES` (E005);
* folders that are another git repository (a submodule, or a nested clone with its own
  ``.git``): one E006 for the folder, none of its files read. Their history is not this
  repository's, so a reviewer and `strat diff`/`strat history` would not see what they hold
  (found by `strat.discover`, which also keeps symlinks inside the repository).

Files that add nothing are named, not dropped in silence: a strategy file that holds no
document (empty, only whitespace, comments or `---`/`...` markers) is E008, a warning, at
its first comment; so is a file whose part after its last `---` holds only comments (a
goal commented out at the end of a multi-document file). A document that is `~`/`null`,
or empty between two `---` markers, is E004. A bare `---` at the end of a file is a
common, harmless habit and is not reported. (`strat.yaml` is read with the same parser
but without E008: an empty configuration means the defaults.)

Scalars resolve like YAML 1.2's core schema for numbers and null, except that YAML 1.1
booleans (``yes``/``no``/``on``/``off``) are kept as booleans so the schema reports them as
a wrong type at the right line rather than letting ``NO`` silently mean false somewhere
else. Dates stay strings. Every key and value gets a (line, column) position.

A Readings file's long tail of one-line readings (``  - {date: 2026-11-30, value: 0.41}``)
is read by `strat.flowtail` without the parser's events, with the same data and
positions, when every line fits its strict pattern; any other file, or tail, is parsed.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from strat.diagnostics import Diagnostic, Location, Severity
from strat.discover import (  # re-exported: callers import them from here
    YAML_SUFFIXES as YAML_SUFFIXES,
    find_files as find_files,
    glob_regex as glob_regex,
    relative_path as relative_path,
    selected as selected,
)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 400

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]


@dataclass(slots=True)
class Document:
    """One YAML document of a strategy file, as plain data plus positions."""

    path: str  # repo-relative POSIX path
    index: int  # 0-based position of the document in its file
    data: dict[str, Any]
    position: Position  # where the document's mapping starts
    # Where each value and key is. None: not computed yet (a document from the lint cache,
    # strat.cache): the file's text is parsed again the first time one is asked for.
    _values: dict[JsonPath, Position] | None = field(default_factory=dict)
    _keys: dict[JsonPath, Position] | None = field(default_factory=dict)
    valid: bool = True  # set False by schema validation; rules skip invalid documents
    # (kind known, schema findings): set by strat.validate, or by the cache for a file it knew.
    checked: tuple[bool, list[Diagnostic]] | None = field(default=None, compare=False)
    _later: Any = field(default=None, repr=False, compare=False)  # _LazyPositions of a cached file

    @property
    def values(self) -> dict[JsonPath, Position]:
        if self._values is None:
            self._fill()
        return self._values  # type: ignore[return-value]

    @property
    def keys(self) -> dict[JsonPath, Position]:
        if self._keys is None:
            self._fill()
        return self._keys  # type: ignore[return-value]

    def _fill(self) -> None:
        later = self._later
        if later is not None:
            later.fill()  # the documents it was made for
            if self._values is None:  # a copy of one of them (dataclasses.replace: the site's audience filter)
                twin = next((d for d in later.documents if d.index == self.index), None)
                if twin is not None:
                    self._values, self._keys = twin._values, twin._keys
            self._later = None
        if self._values is None:
            self._values = {}
        if self._keys is None:
            self._keys = {}

    @property
    def kind(self) -> Any:
        return self.data.get("kind")

    @property
    def id(self) -> Any:
        return self.data.get("id")

    def location(self, json_path: JsonPath = (), *, key: bool = False) -> Location:
        """The location of a value (or, with key=True, of its key) inside this document.
        Falls back to the nearest enclosing position that exists."""
        table = self.keys if key else self.values
        probe = tuple(json_path)
        while probe:
            pos = table.get(probe) or self.values.get(probe)
            if pos:
                break
            probe = probe[:-1]
        else:
            pos = self.position
        return Location(self.path, pos[0], pos[1], format_json_path(json_path))


@dataclass(slots=True)
class SourceFile:
    """A strategy file that was read: its text (for ignore comments) and documents."""

    path: str
    text: str
    documents: list[Document]
    empty_tail: int | None = None  # line of the `---` of an empty last document, if any


@dataclass(slots=True)
class LoadResult:
    files: list[SourceFile]
    diagnostics: list[Diagnostic]
    pack: Any = field(default=None, repr=False, compare=False)  # strat.cache.Pack to save once validated

    @property
    def documents(self) -> list[Document]:
        return [doc for f in self.files for doc in f.documents]


def format_json_path(path: JsonPath) -> str:
    """('joint', 0, 'owner') → 'joint[0].owner'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _LazyPositions:
    """The positions of a cached file's documents, computed from its text when first
    asked for (one parse for the whole file)."""

    __slots__ = ("text", "rel", "documents")

    def __init__(self, text: str, rel: str, documents: list[Document]) -> None:
        self.text, self.rel, self.documents = text, rel, documents

    def fill(self) -> None:
        if all(doc._values is not None and doc._keys is not None for doc in self.documents):
            return  # filled already (a copy of a document asks again)
        try:
            with no_gc():
                parsed, _ = _parse_text(self.text, self.rel, positions=True)
        except _Refused:
            parsed = []
        by_index = {doc.index: doc for doc in parsed}
        for doc in self.documents:
            found = by_index.get(doc.index)
            doc._values = found._values if found is not None else {}
            doc._keys = found._keys if found is not None else {}
            doc._later = None


def lazy_positions(text: str, rel: str, documents: list[Document]) -> None:
    """Give cached documents (positions None) the means to compute them from `text`."""
    later = _LazyPositions(text, rel, documents)
    for doc in documents:
        doc._later = later


def decode_text(raw: bytes) -> str:
    """The text of bytes `parse_bytes` decoded without a finding (the lint cache's files)."""
    return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


class _Refused(Exception):
    """Stops reading a file: carries the one diagnostic that explains why."""

    def __init__(self, code: str, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.column = code, message, line, column


# --- reading ---------------------------------------------------------------------------


def load_tree(root: Path, folder: Path, include: list[str] | None = None,
              exclude: list[str] | None = None, scan: Any = None) -> LoadResult:
    """Load every strategy file below `folder` (a folder or a single file) of the
    repository at `root`, filtered by `include`/`exclude` globs relative to `folder`.
    `scan`: the lint cache's look at the same folder (`strat.cache_scan.scan`), whose
    discovery and file stats are reused rather than done again."""
    with no_gc():
        return _load_tree(root, folder, include, exclude, scan)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Loading builds a few objects per YAML value and keeps them all, and none of them
    refer back to another: the cyclic garbage collector would only walk them again and
    again as they pile up (a third of the loading time of a repository with three years
    of daily readings). Reference counting still frees whatever is dropped."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def selected_files(root: Path, folder: Path, include: list[str] | None, exclude: list[str] | None,
                   diagnostics: list[Diagnostic]) -> list[tuple[Path, str]]:
    """The files `load_tree` reads: (absolute path, repo-relative path), sorted; discovery's
    findings go to `diagnostics`."""
    base = relative_path(root, folder) if folder.is_dir() else ""

    def inside(rel: str) -> str:
        return rel[len(base) + 1:] if base and base != "." and rel.startswith(base + "/") else rel

    def excluded_folder(rel_dir: str) -> bool:
        # A file directly in the folder stands for all of it: `vendor/**` and `vendor/*.yaml` both leave it out.
        return bool(base) and not selected(inside(rel_dir) + "/x.yaml", include, exclude)

    return [(abs_path, rel) for abs_path, rel in find_files(root, folder, diagnostics, excluded_folder)
            if not base or selected(inside(rel), include, exclude)]


def _load_tree(root: Path, folder: Path, include: list[str] | None, exclude: list[str] | None,
               scan: Any) -> LoadResult:
    from strat import cache, parallel

    diagnostics: list[Diagnostic] = []
    files: list[SourceFile] = []
    if scan is not None:
        pack, found = scan.pack, scan.files
        diagnostics.extend(scan.discovered)
    else:
        pack = cache.open_pack(root, folder if folder.is_dir() else folder.parent)
        found = selected_files(root, folder, include, exclude, diagnostics)
        if pack is not None:
            pack.discovered = list(diagnostics)
    known = getattr(pack, "old", None) or {}  # the files the lint cache may answer: no helper for them
    helper = parallel.start() if parallel.wanted(sum(rel not in known for _, rel in found)) else None
    try:
        # Read every file (and look it up in the lint cache), then parse those it did not
        # answer, here and in the helper process if there is one (strat.parallel).
        results: list[tuple[SourceFile | None, list[Diagnostic]] | None] = []
        todo: list[tuple[str, bytes]] = []
        for abs_path, rel in found:
            raw, diags = read_file(abs_path, rel)
            answer = (None, diags) if raw is None else pack.lookup(rel, raw, abs_path) if pack is not None else None
            if answer is None:
                todo.append((rel, raw))  # type: ignore[arg-type]
            results.append(answer)
        if (helper is not None) != parallel.wanted(len(todo)):  # the cache answered more, or fewer, than it seemed
            if helper is None:
                helper = parallel.start()
            else:
                helper.close()
                helper = None
        parsed = iter(parallel.parse_all(todo, helper, _parse_item, cache._from_entry))
    finally:
        if helper is not None:
            helper.close()
    for (_, rel), answer in zip(found, results):
        if answer is None:
            answer = next(parsed)
            if pack is not None:
                pack.parsed(rel, *answer)
        source, diags = answer
        diagnostics.extend(diags)
        if source is not None:
            files.append(source)
    return LoadResult(files, diagnostics, pack)


def _parse_item(rel: str, raw: bytes) -> tuple[SourceFile | None, list[Diagnostic]]:
    return parse_bytes(raw, rel)


def load_sources(contents: dict[str, bytes], cache: dict[tuple[str, bytes], tuple[Any, list[Diagnostic]]] | None = None,
                 pack: Any = None, known: dict[str, tuple[Any, list[Diagnostic]]] | None = None) -> LoadResult:
    """Load files given as {repo-relative path: bytes} (e.g. blobs read from git). With
    a shared `cache`, a file with the same path and content is parsed once across calls
    (the two sides of a diff share most files); with the lint cache's `pack`
    (`strat.cache.Pack.peek`), a file with the bytes the working tree had when it was
    last linted is not parsed or validated at all. `known`: files already loaded, {path:
    (SourceFile | None, diagnostics)}, taken as they are (`strat.changes.load_revision`
    finds them by blob id without reading the blob)."""
    diagnostics: list[Diagnostic] = []
    files: list[SourceFile] = []
    known = known or {}
    for rel in sorted(set(contents) | set(known)):
        if rel in known:
            source, diags = known[rel]
            diagnostics.extend(diags)
            if source is not None:
                files.append(source)
            continue
        raw = contents[rel]
        if len(raw) > MAX_FILE_BYTES:
            diagnostics.append(Diagnostic("E005", Severity.ERROR,
                                          "file is larger than 2 MiB; split it into smaller files",
                                          Location(rel)))
            continue
        key = (rel, raw)
        found = cache.get(key) if cache is not None else None
        if found is None and pack is not None:
            found = pack.peek(rel, raw)
        if found is None:
            found = parse_bytes(raw, rel)
        if cache is not None:
            cache[key] = found
        source, diags = found
        diagnostics.extend(diags)
        if source is not None:
            files.append(source)
    return LoadResult(files, diagnostics)


def load_file(abs_path: Path, rel: str, *, report_empty: bool = True) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Read one file safely: size limit first, then decoding, then parsing. With
    `report_empty` (strategy files), a file that adds nothing is E008 (see `parse_bytes`)."""
    raw, diagnostics = read_file(abs_path, rel)
    if raw is None:
        return None, diagnostics
    return parse_bytes(raw, rel, report_empty=report_empty)


def read_file(abs_path: Path, rel: str) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of one file, read safely (not through a link swapped in since discovery,
    not a FIFO, at most `MAX_FILE_BYTES`), or None and the finding that says why not."""
    try:
        # O_NOFOLLOW: the discovery step vetted symlinks; a file swapped for a link since
        # then is refused rather than followed.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open
        if not os.path.islink(abs_path):
            flags |= getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(abs_path, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, [Diagnostic("E006", Severity.ERROR,
                                         "not a regular file (a FIFO, socket or device); refusing to read it",
                                         Location(rel))]
            raw = _read_at_most(handle, os.fstat(fd).st_size, MAX_FILE_BYTES + 1)
    except PermissionError:
        return None, [Diagnostic("E006", Severity.ERROR, "permission denied: cannot read this file", Location(rel))]
    except OSError as exc:
        return None, [Diagnostic("E006", Severity.ERROR, f"cannot read this file: {exc.strerror or exc}", Location(rel))]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Diagnostic(
            "E005", Severity.ERROR,
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it into smaller files",
            Location(rel))]
    return raw, []


def _read_at_most(handle: Any, size: int, limit: int) -> bytes:
    """Up to `limit` bytes of an open file whose size is said to be `size`: one read of
    what is there (a read of `limit` bytes would allocate the whole limit for every
    small file), then more only if the file grew since its size was taken."""
    raw = handle.read(min(size, limit - 1) + 1)
    if len(raw) <= size:  # the end of the file, or `limit` bytes
        return raw
    return raw + handle.read(limit - len(raw))  # a buffered read: up to that many, or the end


def parse_bytes(raw: bytes, rel: str, *, report_empty: bool = True) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Decode and parse the bytes of one file. Never raises. With `report_empty` (every
    strategy file; not `strat.yaml`), a file that holds no document, or only comments
    after its last `---`, gets an E008 warning."""
    tail: list[int] = []
    try:
        text = _decode(raw)
        documents, diagnostics = _parse_text(text, rel, tail)
    except _Refused as refused:
        return None, [Diagnostic(refused.code, Severity.ERROR, refused.message,
                                 Location(rel, refused.line, refused.column))]
    source = SourceFile(rel, text, documents, tail[0] if tail else None)
    if report_empty:
        diagnostics.extend(nothing_to_read(source, diagnostics))
    return source, diagnostics


def nothing_to_read(source: SourceFile, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """E008 for a file that adds nothing to the strategy: no document and no other
    finding (so not a `~` document, which is E004), or, after the documents, a last `---`
    followed only by comments. At the first comment line, where an ignore comment
    (`# strat: ignore[E008] why`) can keep a placeholder file quiet."""
    lines = source.text.split("\n")
    if not source.documents and not diagnostics:
        first = _first_comment(lines, 0)
        what = "holds only comments" if first else "is empty"
        return [Diagnostic("E008", Severity.WARNING, (
            f"this file {what}: it holds no document, so it adds nothing to the strategy (a goal commented out or "
            "emptied by a bad merge disappears without a word); restore its content, or delete the file"),
            Location(source.path, first or 1, 1))]
    if source.empty_tail is not None:
        first = _first_comment(lines, source.empty_tail)
        if first:
            return [Diagnostic("E008", Severity.WARNING, (
                f"after the last `---` (line {source.empty_tail}) this file holds only comments, which add nothing "
                "to the strategy: a document commented out is not read; uncomment it, or delete the `---` and the "
                "comments"), Location(source.path, first, 1))]
    return []


_COMMENT_LINE = re.compile(r"\s*(?:(?:---|\.\.\.)(?=\s|$))?\s*#")
_MARKERS_ONLY = re.compile(r"(?:(?:---|\.\.\.)(?=\s|$))?\s*(?:#.*)?")


def _first_comment(lines: list[str], after: int) -> int | None:
    """The 1-based number of the first comment line after line `after`, if any."""
    for number in range(after, len(lines)):
        if _COMMENT_LINE.match(lines[number]):
            return number + 1
    return None


_UTF16_32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
# C0 controls except tab/newline/carriage return, DEL, C1 controls, the Unicode line
# separators that YAML counts as line breaks (they would shift every reported line), and
# bidirectional controls, which make a pull request's diff show reviewers other text than
# the file holds ("Trojan Source"; write them as \u escapes in double quotes if needed).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
                      "\ufffe\uffff]")


def _decode(raw: bytes) -> str:
    if raw.startswith(_UTF16_32_BOMS) or (len(raw) >= 2 and (raw[0] == 0) != (raw[1] == 0)):
        raise _Refused("E003", "file is UTF-16 or UTF-32 encoded; save it as UTF-8", 1, 1)
    try:
        # YAML counts a lone CR as a line break; normalising keeps every position consistent.
        text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        line, column = _line_col_of_byte(raw, exc.start)
        raise _Refused("E003", f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded; save the file as UTF-8",
                       line, column) from None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise _Refused("E003", f"control character U+{ord(bad.group()):04X} is not allowed in strategy files",
                       line, column)
    return text


def _line_col_of_byte(raw: bytes, offset: int) -> Position:
    """Line and column (in characters, like every other position) of a byte offset."""
    before = raw[:offset].decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


# --- event-level building --------------------------------------------------------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# YAML 1.1 booleans as PyYAML reads them: without the single letters y/n, which no common
# tool treats as booleans (a name like "N" stays text).
_BOOLS = {
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}


def resolve_plain(value: str, line: int, column: int) -> Any:
    """The value of an unquoted scalar (see the module docstring for the rules)."""
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    first = value[0]
    if first.isdigit() and "-" in value and "e" not in value and "E" not in value:
        return value  # a date such as 2026-11-15: no number has `-` after its first character but in an exponent
    if first.isdigit() or first in "+-.":
        if len(value) > MAX_NUMBER_CHARS and _INT.fullmatch(value):
            raise _Refused("E005", f"number with {len(value)} digits is over the limit of {MAX_NUMBER_CHARS}",
                           line, column)
        if _INT.fullmatch(value):
            if value.startswith("0o"):
                return int(value[2:], 8)
            if value.startswith("0x"):
                return int(value[2:], 16)
            return int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
        if value in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value]
    return value


_SPECIALS: dict[str, Any] = {**dict.fromkeys(_NULLS), **_BOOLS}


def _parse_text(text: str, rel: str, tail: list[int] | None = None,
                positions: bool = False) -> tuple[list[Document], list[Diagnostic]]:
    """The documents of a file's text. Without `positions`, a file of the common shape is
    read by `strat.yamldata` and its documents compute their positions when first asked
    (`Document.values`); any other file, and every file with `positions`, by `_build`."""
    from strat import flowtail

    cut = flowtail.split(text)  # a Readings file's long tail of one-line readings
    if cut is not None:
        header, rest = cut
        try:
            documents, diagnostics = _parse_yaml(header, rel, [])
        except _Refused:
            documents = []
        if documents:
            last = documents[-1]
            if flowtail.attach(last.data, last.values, last.keys, rest, resolve_plain):
                return documents, diagnostics
    elif not positions:
        found = _quick_documents(text, rel)
        if found is not None:
            return found, []
    return _parse_yaml(text, rel, tail)


def _quick_documents(text: str, rel: str) -> list[Document] | None:
    """The documents of a file of the common shape, positions left to compute when asked
    (see `strat.yamldata`); None for any other file, or one the parser refuses."""
    import yaml

    from strat import yamldata

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        built = yamldata.build(iter(loader.get_event, None), _SPECIALS, resolve_plain, MAX_DEPTH,
                                 MAX_NUMBER_CHARS)
    except (_Refused, yaml.YAMLError, ValueError, AssertionError, TypeError, OverflowError, RecursionError):
        return None
    finally:
        loader.dispose()
    if built is None:
        return None
    documents = [Document(rel, index, data, position, None, None) for index, data, position in built]
    lazy_positions(text, rel, documents)
    return documents


def _parse_yaml(text: str, rel: str, tail: list[int] | None = None) -> tuple[list[Document], list[Diagnostic]]:
    import yaml  # PyYAML: its C parser gives events with positions, fast

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_cls(text)
        try:
            # One call per event (yaml.parse's generator costs two calls and a yield).
            return _build(iter(loader.get_event, None), rel, tail)
        finally:
            loader.dispose()
    except _Refused:
        raise
    except yaml.MarkedYAMLError as exc:
        if all(_MARKERS_ONLY.fullmatch(line) for line in text.split("\n")):
            return [], []  # only `...` markers and comments: YAML 1.2 reads no document (libyaml refuses)
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and exc.context in _AT_THE_START:
            mark = exc.context_mark  # where the quote, bracket or key that never ends begins
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if exc.problem and "maximum nesting depth" in exc.problem:
            raise _deeper_than_limit(text, exc.problem_mark, loader_cls, rel, line, column) from None
        if exc.problem == "found incompatible YAML document":
            raise _Refused("E007", "%YAML directives are not allowed in strategy files", line, column) from None
        raise _Refused("E001", _syntax_message(exc, text, line, column), line, column) from None
    except yaml.YAMLError as exc:
        raise _Refused("E001", f"not valid YAML: {exc}", 1, 1) from None
    except RecursionError:
        raise _Refused("E005", f"nesting is deeper than {MAX_DEPTH} levels", 1, 1) from None
    except (ValueError, AssertionError, TypeError, OverflowError, MemoryError) as exc:
        # Loader edge: anything the parser raises that is not a YAMLError still becomes
        # a diagnostic, never a traceback.
        raise _Refused("E001", f"not valid YAML: {type(exc).__name__}: {exc}", 1, 1) from None


def _deeper_than_limit(text: str, mark: Any, loader_cls: Any, rel: str, line: int, column: int) -> "_Refused":
    """PyYAML >= 6.0.4 stops deep flow nesting in its scanner, which reads ahead of the
    events our builder counts: the finding is placed where our own limit is crossed, by
    building the text up to the scanner's stop (short: at most its nesting cap)."""
    import yaml

    end = getattr(mark, "index", None)
    if isinstance(end, int) and 0 < end <= len(text):
        try:
            _build(yaml.parse(text[:end], Loader=loader_cls), rel)
        except _Refused as refused:
            if refused.code == "E005":
                return refused
        except yaml.YAMLError:
            pass
    return _Refused("E005", f"nesting is deeper than {MAX_DEPTH} levels", line, column)


# Parser contexts whose finding is best shown where the construct began: an unclosed quote
# or bracket is noticed at the end of the file, a key without a colon on the next line.
_AT_THE_START = {"while scanning a quoted scalar", "while parsing a flow sequence", "while parsing a flow mapping",
                 "while scanning a simple key"}


def _syntax_message(exc: Any, text: str, line: int, column: int) -> str:
    problem = exc.problem or "syntax error"
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source_line[: max(column, 1)] or (column - 1 < len(source_line) and source_line[column - 1:column] == "\t"):
        return "not valid YAML: a tab character; YAML indentation must use spaces"
    context = f" ({exc.context})" if exc.context else ""
    char = source_line[column - 1:column]
    hint = _syntax_hint(problem, exc.context or "", char)
    return f"not valid YAML: {problem}{context}" + (f"; {hint}" if hint else "")


def _syntax_hint(problem: str, context: str, char: str) -> str:
    """What to do about the syntax errors people make most, in their words."""
    if problem.startswith("mapping values are not allowed"):
        return ("a value that contains `: ` must be in quotes (title: \"Launch: phase one\"); otherwise this line "
                "is indented deeper than the key above it")
    if problem.startswith("found character that cannot start any token") and char in "`@%|>!&*":
        shown = "a backtick" if char == "`" else f"`{char}`"
        return f"a value cannot start with {shown} unless it is in quotes: put the whole value in quotes"
    if context == "while scanning an alias":
        return "a value cannot start with `*` unless it is in quotes: put the whole value in quotes"
    if context == "while scanning a quoted scalar":
        return "the quote that starts here is never closed: close it at the end of the value"
    if context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        closing = "]" if "sequence" in context else "}"
        return (f"the bracket that opens here is not closed on its line: add `{closing}`, or put an item that "
                "contains a comma or bracket in quotes")
    if problem.startswith("could not find expected ':'"):
        return ("a key needs a colon and a space after it (`title: Launch`); a line that continues the value "
                "above must be indented under its key")
    if problem.startswith("did not find expected key") or problem.startswith("did not find expected '-'"):
        return ("check this line's indentation: the keys of one mapping, and the `- ` items of one list, line up "
                "exactly; a value that starts with a quote must also end with it")
    return ""


def _build(events: Iterator[Any], rel: str, tail: list[int] | None = None) -> tuple[list[Document], list[Diagnostic]]:
    """Turn parser events into documents. Iterative: depth is bounded by MAX_DEPTH, not by
    Python's recursion limit. A document that holds nothing (`~`, or empty between two
    `---`) is E004; the line of an empty last document's `---` is appended to `tail`."""
    documents: list[Document] = []
    diagnostics: list[Diagnostic] = []
    empty_at: Position | None = None  # the `---` of the last document, when it held nothing
    doc_start: Position = (1, 1)
    # Stack frames: [container, json_path, pending_key, key_position, key_positions_seen]
    stack: list[list[Any]] = []
    values: dict[JsonPath, Position] = {}
    keys: dict[JsonPath, Position] = {}
    root: Any = None
    root_empty = False
    root_pos: Position = (1, 1)
    index = 0

    import yaml

    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    collection_ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    document_start, document_end, alias_event = yaml.DocumentStartEvent, yaml.DocumentEndEvent, yaml.AliasEvent
    no_key = _NO_KEY
    for event in events:
        cls = type(event)
        if cls is scalar_event:
            # The hot path (most events of a long file), the same steps as below, inlined.
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if event.anchor:
                raise _Refused("E005", f"anchor `&{event.anchor}`: anchors and aliases are not allowed "
                               "(they hide content from reviewers and can expand without bound)", line, column)
            tag, implicit = event.tag, event.implicit
            if tag is not None and tag != "!" and not any(implicit):
                raise _Refused("E007", f"explicit tag `{tag}` is not allowed; write plain values (quote text if "
                               "needed)", line, column)
            frame = stack[-1] if stack else None
            parent = frame[0] if frame is not None else None
            is_key = type(parent) is dict and frame[2] is no_key  # type: ignore[index]
            if is_key or not (implicit[0] and not event.style):
                value = event.value  # keys are always text: `on:` means the word
            else:
                value = resolve_plain(event.value, line, column)
            if type(parent) is list:
                path = frame[1] + (len(parent),)  # type: ignore[index]
                parent.append(value)
                values[path] = (line, column)
            elif is_key:
                if value == "<<":
                    raise _Refused("E007", "merge keys (`<<`) are not allowed; write the fields out", line, column)
                frame[2], frame[3] = value, (line, column)  # type: ignore[index]
            elif type(parent) is dict and frame[2] not in frame[4]:  # type: ignore[index]
                key = frame[2]  # type: ignore[index]
                frame[2] = no_key  # type: ignore[index]
                path = frame[1] + (key,)  # type: ignore[index]
                frame[4][key] = frame[3]  # type: ignore[index]
                parent[key] = value
                keys[path] = frame[3]  # type: ignore[index]
                values[path] = (line, column)
            else:
                _add(stack, value, (line, column), rel, values, keys, diagnostics)
            if not stack:
                root, root_pos = value, (line, column)
                root_empty = event.value == "" and bool(implicit[0]) and not event.style
            continue
        if cls in collection_ends:
            stack.pop()
            continue
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if cls is document_start:
            if getattr(event, "version", None) or getattr(event, "tags", None):
                raise _Refused("E007", "%YAML and %TAG directives are not allowed in strategy files", line, column)
            if empty_at is not None:  # the document before this one held nothing
                diagnostics.append(Diagnostic("E004", Severity.ERROR, _EMPTY_BETWEEN, Location(rel, *empty_at)))
                empty_at = None
            values, keys, root, doc_start = {}, {}, None, (line, column)
            root_empty = False
            continue
        if cls is document_end:
            if isinstance(root, dict):
                documents.append(Document(rel, index, root, root_pos, values, keys))
            elif root is None and root_empty:
                empty_at = doc_start
            elif root is None:
                diagnostics.append(Diagnostic("E004", Severity.ERROR, _NULL_DOCUMENT, Location(rel, *root_pos)))
            else:
                diagnostics.append(Diagnostic(
                    "E004", Severity.ERROR,
                    f"a document must be a mapping with `kind` and `id`, got {_type_word(root)}",
                    Location(rel, *root_pos)))
            index += 1
            continue
        if cls is alias_event:
            raise _Refused("E005", f"alias `*{event.anchor}`: anchors and aliases are not allowed "
                           "(they hide content from reviewers and can expand without bound)", line, column)
        if cls is not mapping_start and cls is not sequence_start:
            continue  # the stream's start and end
        if getattr(event, "anchor", None):
            raise _Refused("E005", f"anchor `&{event.anchor}`: anchors and aliases are not allowed "
                           "(they hide content from reviewers and can expand without bound)", line, column)
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and not _implicit(event):
            raise _Refused("E007", f"explicit tag `{tag}` is not allowed; write plain values (quote text if needed)",
                           line, column)
        if len(stack) >= MAX_DEPTH:
            raise _Refused("E005", f"nesting is deeper than {MAX_DEPTH} levels", line, column)
        container: Any = {} if cls is mapping_start else []
        path = _add(stack, container, (line, column), rel, values, keys, diagnostics)
        if not stack:
            root, root_pos = container, (line, column)
        stack.append([container, path, no_key, None, {}])
    if empty_at is not None and tail is not None:
        tail.append(empty_at[0])
    return documents, diagnostics


_NO_KEY = object()
_NULL_DOCUMENT = ("this document is `~` (null): it holds no goal, metric or decision and adds nothing; write its "
                  "fields (`kind`, `id`, ...) or delete it together with its `---`")
_EMPTY_BETWEEN = ("empty document between two `---` markers (nothing, or only comments): a goal commented out or "
                  "cut by a merge is not read; restore its fields, or delete the extra `---`")


def _implicit(event: Any) -> bool:
    implicit = getattr(event, "implicit", False)
    if isinstance(implicit, tuple):
        return any(implicit)
    return bool(implicit)


def _type_word(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a text value"


def _add(stack: list[list[Any]], value: Any, pos: Position, rel: str,
         values: dict[JsonPath, Position], keys: dict[JsonPath, Position],
         diagnostics: list[Diagnostic]) -> JsonPath:
    """Attach a new node to its parent; returns the node's JSON path."""
    if not stack:
        values[()] = pos
        return ()
    frame = stack[-1]
    parent, parent_path = frame[0], frame[1]
    if isinstance(parent, list):
        path = parent_path + (len(parent),)
        parent.append(value)
        values[path] = pos
        return path
    if frame[2] is _NO_KEY:  # this node is a key
        if isinstance(value, (dict, list)):
            raise _Refused("E007", "a mapping key must be plain text, not a list or mapping", *pos)
        key = value
        if key == "<<":
            raise _Refused("E007", "merge keys (`<<`) are not allowed; write the fields out", *pos)
        frame[2], frame[3] = key, pos
        return parent_path
    key, key_pos = frame[2], frame[3]
    frame[2] = _NO_KEY
    path = parent_path + (key,)
    first = frame[4].get(key)
    if first is not None:
        diagnostics.append(Diagnostic(
            "E002", Severity.ERROR,
            f"duplicate key `{key}` (first defined at line {first[0]}); the second value would silently win",
            Location(rel, key_pos[0], key_pos[1], format_json_path(path)),
            (Location(rel, first[0], first[1], format_json_path(path)),)))
        return path + ("<duplicate>",)
    frame[4][key] = key_pos
    parent[key] = value
    keys[path] = key_pos
    values[path] = pos
    return path
