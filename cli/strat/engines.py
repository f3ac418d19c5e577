"""Running a metric's SQL against a connection: DuckDB natively, anything else through
SQLAlchemy. The SQL comes from the repository and is untrusted: it runs read-only, with a
timeout, with `:start` and `:end` bound as parameters (never pasted into the text), and a
DuckDB query reads no file outside the repository.

DuckDB (`duckdb:///data/metrics.duckdb`: a path relative to the repository root;
`duckdb:////abs/path` only when it is inside the repository; `duckdb:///:memory:` for a
query that only reads the repository's CSV or Parquet files):

* The database file is opened `read_only` (an INSERT, CREATE TABLE, UPDATE is refused by
  DuckDB), with extension autoload and autoinstall off.
* Only one statement, and only a SELECT (`WITH`, `FROM`, `VALUES` included): COPY, ATTACH,
  INSTALL, LOAD, PRAGMA, SET are refused before anything runs.
* File access: `enable_external_access=false` with `allowed_paths` = the data files of the
  repository (`.csv`, `.tsv`, `.parquet`, `.json`, `.jsonl`, `.ndjson`, also `.gz`) whose real path
  is inside it and that git does not ignore (a credentials file a CI job wrote into the work
  tree, a local export: not part of what reviewers see), each by its absolute path and its
  path relative to the root, and
  `file_search_path` = the root: so `read_csv('data/events.csv')` reads the repository's file
  whatever folder strat runs from; `/etc/passwd`, `../x.csv`, an absolute path outside, a
  symlink leading outside, a URL, a glob are refused by DuckDB. Then `lock_configuration`, so
  the query cannot turn any of it back on.
* Timeout: a watchdog thread (one per engine) calls `interrupt()` after `timeout_seconds`;
  the query is cancelled.

SQLAlchemy (every other URL, with the dialect the user installs: `postgres` extra for
`postgresql://`, `snowflake-sqlalchemy`, `sqlalchemy-bigquery`, `sqlalchemy-redshift`,
`pymysql`…): one connection per run per connection name; each query runs in a transaction that
is rolled back, never committed; on PostgreSQL it is `READ ONLY` with `SET LOCAL
statement_timeout`; on SQLite the file must be inside the repository (a relative path is
relative to the root), opened read-only with `PRAGMA query_only`; on MySQL
`max_execution_time` bounds it (other dialects: the database's own limits). More than one
statement, or one that does not start with SELECT, WITH, VALUES or `(`, is refused before it
is sent (a `COMMIT;` would end the read-only transaction). That scan does not know every
quoting of every dialect (PostgreSQL's `$q$…$q$`), so through psycopg every query is also
prepared (`prepare_threshold = 0`): PostgreSQL then refuses a string of several statements
itself. (Behind PgBouncer in transaction mode that needs PgBouncer 1.21 or later with
`max_prepared_statements` set.) Every error text is redacted (`strat.connections.redact`).

The drivers are imported here only, lazily, when a query runs: `strat --help` and `strat lint`
never import them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Protocol

from strat.connections import redact, url_secrets

DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".json", ".jsonl", ".ndjson")
MAX_DATA_FILES = 20_000  # files DuckDB may read, listed once per run; a repository past it is refused
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})


class QueryProblem(Exception):
    """A connection or query that failed; the message holds no secret."""


class Engine(Protocol):
    def run(self, sql: str, start: dt.date, end: dt.date) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...

    def __enter__(self) -> "Engine": ...

    def __exit__(self, *exc: object) -> None: ...


def open_engine(url: str, root: Path, timeout_seconds: int, secrets: list[str] | None = None) -> Engine:
    """An engine for `url` (DuckDB or SQLAlchemy), connected. `secrets` (besides those in the
    URL) are redacted from every error. Raises QueryProblem."""
    hidden = [*url_secrets(url), *(secrets or [])]
    if url.startswith("duckdb:"):
        return DuckEngine(url, root, timeout_seconds, hidden)
    return AlchemyEngine(url, timeout_seconds, hidden, root)


# --- parameters and statement checks ---------------------------------------------------------

# Skipped when looking for parameters: quoted strings and identifiers, comments, `::` casts.
_LEXEME = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|::|:(start|end)\b", re.DOTALL)
_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)


def bind_names(sql: str) -> set[str]:
    """The parameters (`start`, `end`) the SQL uses as `:start` / `:end`."""
    return {m.group(1) for m in _LEXEME.finditer(sql) if m.group(1)}


def to_dollar(sql: str) -> str:
    """`:start`/`:end` written as DuckDB's `$start`/`$end`, outside strings and comments."""
    return _LEXEME.sub(lambda m: "$" + m.group(1) if m.group(1) else m.group(0), sql)


def to_alchemy(sql: str) -> str:
    """`:start::date` written `(:start)::date`: SQLAlchemy's `text()` does not read a name
    followed by `::` as a parameter (PostgreSQL casts are common right after one)."""
    def bind(m: re.Match[str]) -> str:
        if m.group(1) and sql.startswith("::", m.end()):
            return f"(:{m.group(1)})"
        return m.group(0)
    return _LEXEME.sub(bind, sql)


def _first_word(sql: str) -> str:
    rest = sql[_LEADING.match(sql).end():]  # type: ignore[union-attr]
    if rest.startswith("("):
        return "("
    word = re.match(r"[A-Za-z]+", rest)
    return word.group(0).upper() if word else ""


_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.DOTALL)


def _not_a_select(sql: str) -> str | None:
    """Why a statement may not be sent: more than one statement (a `COMMIT; …` would end the
    read-only transaction), or one that is not a SELECT."""
    bare = _QUOTED.sub(" ", sql).rstrip().rstrip(";")
    if ";" in bare:
        return "the SQL holds more than one statement; give exactly one SELECT"
    word = _first_word(sql)
    if word in ("SELECT", "WITH", "VALUES", "("):
        return None
    return f"only a SELECT may run (this statement starts with {word or 'nothing'!r}); strat reads, never writes"


# --- DuckDB ----------------------------------------------------------------------------------


def duckdb_path(url: str, root: Path) -> str:
    """The database file of a `duckdb:` URL, inside the repository (or `:memory:`).
    Raises QueryProblem."""
    rest = url[len("duckdb:"):]
    rest = rest[2:] if rest.startswith("//") else rest
    rest = rest.split("?", 1)[0]
    if rest in ("", "/", "/:memory:", ":memory:"):
        return ":memory:"
    rel = rest[1:] if rest.startswith("/") else rest  # duckdb:///data/x.duckdb → data/x.duckdb
    path = Path(rel) if rel.startswith("/") else root / rel
    real, root_real = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    if real != root_real and root_real not in real.parents:
        raise QueryProblem(f"the DuckDB database {rel} is outside the repository; strat reads only files inside it")
    if not real.is_file():
        raise QueryProblem(f"no DuckDB database at {real.relative_to(root_real)} (the path in the URL is relative to "
                           "the repository root)")
    return str(real)


def data_files(root: Path) -> list[str]:
    """The repository's data files DuckDB may read: absolute and root-relative paths of every
    file with a data suffix whose real path stays inside the repository."""
    from strat import git

    root_real = os.path.realpath(root)
    try:
        ignored = git.ignored_paths(Path(root_real))
    except git.GitError as problem:
        raise QueryProblem(f"cannot tell which files git ignores: {problem}") from None
    ignored_files = {p for p in ignored if not p.endswith("/")}
    ignored_dirs = tuple(p for p in ignored if p.endswith("/"))
    out: list[str] = []
    for folder, dirs, files in os.walk(root_real):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not os.path.islink(os.path.join(folder, d)))
        for name in files:
            base = name.lower()[:-3] if name.lower().endswith(".gz") else name.lower()
            if not base.endswith(DATA_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            real = os.path.realpath(path)
            if not real.startswith(root_real + os.sep) or not os.path.isfile(real):
                continue  # a symlink leading outside (or nowhere)
            rel = os.path.relpath(path, root_real)
            posix = Path(rel).as_posix()
            if posix in ignored_files or posix.startswith(ignored_dirs):
                continue  # not part of what reviewers see: a CI job's credentials, a local export
            out += [path, rel, "./" + rel]
            if len(out) > 3 * MAX_DATA_FILES:
                raise QueryProblem(f"the repository holds more than {MAX_DATA_FILES} data files; DuckDB queries "
                                   "can read at most that many")
    return out


class Watchdog:
    """One thread per engine that calls `interrupt()` when a query runs past `timeout`
    seconds (a thread a query cost a few milliseconds each to start beside DuckDB's own)."""

    def __init__(self, timeout: float, interrupt: Any) -> None:
        self.timeout, self.interrupt = timeout, interrupt
        self._cond = threading.Condition()
        self._deadline: float | None = None
        self._closed = False
        self._thread: threading.Thread | None = None

    def arm(self) -> None:
        with self._cond:
            self._deadline = time.monotonic() + self.timeout
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="strat-query-timeout", daemon=True)
                self._thread.start()
            self._cond.notify()

    def disarm(self) -> None:
        with self._cond:
            self._deadline = None
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed, self._deadline = True, None
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _watch(self) -> None:
        with self._cond:
            while not self._closed:
                if self._deadline is None:
                    self._cond.wait()
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                self._deadline = None
                self.interrupt()


class DuckEngine:
    def __init__(self, url: str, root: Path, timeout_seconds: int, secrets: list[str]) -> None:
        self.timeout = timeout_seconds
        self.secrets = secrets
        try:
            import duckdb
        except ImportError:
            raise QueryProblem("DuckDB is not installed: pip install 'strategy-as-code[duckdb]'") from None
        self._duckdb = duckdb
        database = duckdb_path(url, root)
        try:
            con = duckdb.connect(database, read_only=database != ":memory:",
                                 config={"autoload_known_extensions": False, "autoinstall_known_extensions": False})
        except duckdb.Error as exc:
            raise QueryProblem(self._clean(f"cannot open the DuckDB database: {exc}")) from None
        try:
            root_real = os.path.realpath(root)
            con.execute("SET allowed_paths = $paths", {"paths": data_files(root) or [os.path.join(root_real, ".")]})
            con.execute("SET file_search_path = $root", {"root": root_real})
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except duckdb.Error as exc:
            con.close()
            raise QueryProblem(self._clean(f"cannot confine the DuckDB database: {exc}")) from None
        except QueryProblem:
            con.close()
            raise
        self.con = con
        self._watchdog = Watchdog(self.timeout, con.interrupt)

    def _clean(self, text: str) -> str:
        return redact(text, self.secrets)

    def run(self, sql: str, start: dt.date, end: dt.date) -> list[tuple[Any, ...]]:
        duckdb = self._duckdb
        try:
            statements = self.con.extract_statements(to_dollar(sql))
        except duckdb.Error as exc:
            raise QueryProblem(self._clean(f"the SQL does not parse: {_first_line(exc)}")) from None
        if len(statements) != 1:
            raise QueryProblem(f"the SQL holds {len(statements)} statements; give exactly one SELECT")
        if statements[0].type != duckdb.StatementType.SELECT:
            kind = str(statements[0].type).rsplit(".", 1)[-1]
            raise QueryProblem(f"only a SELECT may run (this is {kind}); strat reads, never writes")
        names = bind_names(sql)
        values = {name: {"start": start, "end": end}[name] for name in names}
        self._watchdog.arm()
        try:
            return [tuple(row) for row in self.con.execute(to_dollar(sql), values).fetchall()]
        except duckdb.InterruptException:
            raise QueryProblem(f"the query ran past the timeout of {self.timeout} s and was cancelled "
                               "(timeout_seconds in strat.yaml)") from None
        except duckdb.PermissionException as exc:
            raise QueryProblem(self._clean(
                f"refused: {_first_line(exc)} (a query reads only the repository's own data files, by a path "
                "relative to the repository root)")) from None
        except duckdb.Error as exc:
            raise QueryProblem(self._clean(f"the query failed: {_first_line(exc)}")) from None
        finally:
            self._watchdog.disarm()

    def close(self) -> None:
        self._watchdog.close()
        self.con.close()

    def __enter__(self) -> "DuckEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --- SQLAlchemy ------------------------------------------------------------------------------


def _sqlite_inside(url: str, root: Path) -> str:
    """A SQLite URL whose file is inside the repository (a relative path is relative to the
    root, like DuckDB's), opened read-only; a file outside is refused like DuckDB's."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        return url
    if database.startswith("file:"):
        raise QueryProblem("a SQLite `file:` URI is not supported; give the database's path in the repository")
    path = Path(database) if os.path.isabs(database) else root / database
    real, root_real = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    if root_real not in real.parents:
        raise QueryProblem(f"the SQLite database {database} is outside the repository; strat reads only files "
                           "inside it")
    if not real.is_file():
        raise QueryProblem(f"no SQLite database at {real.relative_to(root_real)} (the path in the URL is "
                           "relative to the repository root)")
    from urllib.parse import quote

    return f"sqlite:///file:{quote(str(real))}?mode=ro&uri=true"


_PSYCOPG_ONLY = ("strat reads PostgreSQL only through psycopg 3 (postgresql+psycopg://), not {driver}: with "
                 "psycopg a query is one statement and cannot leave the read-only transaction")


class AlchemyEngine:
    def __init__(self, url: str, timeout_seconds: int, secrets: list[str], root: Path | None = None) -> None:
        self.timeout = timeout_seconds
        self.secrets = secrets
        try:
            import sqlalchemy
            from sqlalchemy.pool import NullPool
        except ImportError:
            raise QueryProblem("SQLAlchemy is not installed: pip install 'strategy-as-code[postgres]' (or "
                               "sqlalchemy and your database's dialect)") from None
        self._sa = sqlalchemy
        try:
            args: dict[str, Any] = {}
            scheme = url.split(":", 1)[0].lower()
            if scheme.startswith("postgresql") or scheme == "postgres":
                args["connect_timeout"] = max(1, min(timeout_seconds, 60))
            if scheme.startswith("sqlite") and root is not None:
                url = _sqlite_inside(url, root)
            if scheme.partition("+")[0] in ("postgresql", "postgres"):
                # Plain `postgresql://` means psycopg 3 here whatever SQLAlchemy's default
                # (psycopg2 before 2.1); no other driver (see below for why).
                from sqlalchemy.engine import make_url

                named = scheme.partition("+")[2] or "psycopg"
                if named != "psycopg":
                    raise QueryProblem(_PSYCOPG_ONLY.format(driver=named))
                target: Any = make_url(url).set(drivername="postgresql+psycopg")
            else:
                target = url
            self.engine = sqlalchemy.create_engine(target, poolclass=NullPool, connect_args=args, hide_parameters=True)
            self.dialect = self.engine.dialect.name
            if self.dialect == "postgresql" and self.engine.dialect.driver != "psycopg":
                raise QueryProblem(_PSYCOPG_ONLY.format(driver=self.engine.dialect.driver))
            self.conn = self.engine.connect()
            if self.dialect == "postgresql" and self.engine.dialect.driver == "psycopg":
                # psycopg (the driver of `postgresql+psycopg://`, and of `postgresql://` from
                # SQLAlchemy 2.1) sends a query with no bound parameter by the simple protocol,
                # which runs every statement of the string: `SELECT 1; COMMIT; DELETE FROM t`
                # would leave the read-only transaction. Prepared, a query is one statement.
                raw_connection: Any = self.conn.connection.driver_connection
                if raw_connection is not None:
                    raw_connection.prepare_threshold = 0
        except QueryProblem:
            raise
        except Exception as exc:  # the driver's own errors, of any class
            raise QueryProblem(self._clean(f"cannot connect: {_first_line(exc)}")) from None

    def _clean(self, text: str) -> str:
        return redact(text, self.secrets)

    def run(self, sql: str, start: dt.date, end: dt.date) -> list[tuple[Any, ...]]:
        sa = self._sa
        why = _not_a_select(sql)
        if why:
            raise QueryProblem(why)
        names = bind_names(sql)
        values = {name: {"start": start, "end": end}[name] for name in names}
        tx = self.conn.begin()
        try:
            self._read_only()
            rows = self.conn.execute(sa.text(to_alchemy(sql)), values).fetchall()
            return [tuple(row) for row in rows]
        except Exception as exc:
            message = _first_line(getattr(exc, "orig", None) or exc)
            if "statement timeout" in message or "canceling statement" in message or "max_execution_time" in message:
                raise QueryProblem(f"the query ran past the timeout of {self.timeout} s and was cancelled "
                                   "(timeout_seconds in strat.yaml)") from None
            raise QueryProblem(self._clean(f"the query failed: {message}")) from None
        finally:
            try:
                tx.rollback()  # never commit: nothing a query did stays
            except Exception:
                pass

    def _read_only(self) -> None:
        ms = int(self.timeout * 1000)
        if self.dialect == "postgresql":
            self.conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            self.conn.exec_driver_sql(f"SET LOCAL statement_timeout = {ms}")
        elif self.dialect == "sqlite":
            self.conn.exec_driver_sql("PRAGMA query_only = ON")
        elif self.dialect in ("mysql", "mariadb"):
            self.conn.exec_driver_sql(f"SET SESSION max_execution_time = {ms}")

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            self.engine.dispose()

    def __enter__(self) -> "AlchemyEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["open_engine", "Engine", "QueryProblem", "DuckEngine", "AlchemyEngine", "bind_names", "to_dollar"]
