"""`strat measure` against a real PostgreSQL server (tests/pgserver.py: a throwaway cluster,
started once per session), through SQLAlchemy and psycopg, the URL (with its password) given
in the environment of the run through `url_env`.

The same behaviours as the DuckDB tests: new readings appended, a second run adds nothing,
a restatement is listed and written only with --restate, bad rows are reported, a failing
query names its metric and connection while the other metrics go on (exit 1), a hanging query
is cancelled on the server in bounded time, every kind of write is refused by the read-only
transaction (the table is checked afterwards with psycopg directly), plus a connection refused
and a wrong password. In every case the password is absent from stdout, stderr and every file
of the repository."""

from __future__ import annotations

import json
import re
import secrets
import socket
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote, quote_plus

import pytest
import yaml

import pgserver
from helpers import CliResult, copy_base, run_cli

ENV = "STRAT_TEST_PG_URL"
CONNECTION = "warehouse"     # a distinctive name, so "names the connection" is checked for real
TODAY = "2026-11-20"

WINDOW_SQL = "SELECT day, value FROM daily WHERE day BETWEEN :start AND :end ORDER BY day"


def value_of(day: date) -> Decimal:
    return Decimal(pgserver.DAILY_BASE + (day - pgserver.DAILY_START).days)


def day(n: int) -> date:
    """2026-11-n."""
    return date(2026, 11, n)


def metric_doc(metric_id: str, sql: str, connection: str = CONNECTION) -> str:
    return (f"kind: Metric\nid: {metric_id}\nname: {metric_id} from PostgreSQL\nunit: count\n"
            f"type: lagging\nbetter: up\nquery:\n  connection: {connection}\n  sql: {json.dumps(sql)}\n")


def readings_doc(metric_id: str, values: list[tuple[date, Any]]) -> str:
    lines = "".join(f"  - {{date: {d.isoformat()}, value: {v}}}\n" for d, v in values)
    return (f"# Readings of {metric_id}, kept by hand until strat measure took over.\n"
            f"kind: Readings\nid: {metric_id}-readings\nmetric: {metric_id}\nvalues:\n{lines}")


def config(timeout: int = 20, connection: str = CONNECTION) -> str:
    return f"connections:\n  {connection}: {{url_env: {ENV}, timeout_seconds: {timeout}}}\n"


def readings_path(metric_id: str) -> str:
    return f"strategy/readings/{metric_id}.yaml"


@pytest.fixture
def pg(pg_server: pgserver.Server, monkeypatch: pytest.MonkeyPatch) -> pgserver.Server:
    """The session's server, its URL (with the password) in $STRAT_TEST_PG_URL for this test."""
    monkeypatch.setenv(ENV, pg_server.url())
    return pg_server


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    """`repo({metric_id: sql}, readings={metric_id: [(date, value)]}, timeout=20)` → a copy of
    the base strategy with those metrics (each with a `query` on the `warehouse` connection)
    and Readings files."""
    counter = iter(range(1000))

    def build(metrics: dict[str, str], readings: dict[str, list[tuple[date, Any]]] | None = None,
              timeout: int = 20) -> Path:
        files = {f"strategy/metrics/{mid}.yaml": metric_doc(mid, sql) for mid, sql in metrics.items()}
        for mid, values in (readings or {}).items():
            files[readings_path(mid)] = readings_doc(mid, values)
        return copy_base(tmp_path / f"repo{next(counter)}", files, config(timeout))

    return build


def measure(root: Path, *args: str) -> CliResult:
    return run_cli(["measure", "--today", TODAY, *args], cwd=root)


def output(result: CliResult) -> str:
    return result.stdout + result.stderr


def stored(root: Path, metric_id: str) -> dict[date, Decimal]:
    """The readings of `metric_id` in every Readings file of the repository (strat may create
    one where it likes), as exact decimals; a date stored twice fails the test."""
    found: dict[date, Decimal] = {}
    for path in sorted((root / "strategy").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not isinstance(doc, dict) or doc.get("kind") != "Readings" or doc.get("metric") != metric_id:
                continue
            for reading in doc.get("values") or []:
                when = reading["date"]
                assert when not in found, f"{when} stored twice for {metric_id} ({path})"
                found[when] = Decimal(str(reading["value"]))
    return found


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def assert_no_secret(result: CliResult, root: Path, *secret_values: str) -> None:
    """No password in stdout, stderr or any file under `root` (the git folder included): not
    as written, nor URL-encoded, nor any run of 8 or more letters and digits from it (the
    random part of every test password, which survives any encoding)."""
    needles = {s for value in secret_values
               for s in (value, quote(value, safe=""), quote_plus(value), *re.findall(r"[A-Za-z0-9]{8,}", value))}
    for needle in needles:
        assert needle not in result.stdout, "a secret in stdout"
        assert needle not in result.stderr, "a secret in stderr"
        for path in root.rglob("*"):
            if path.is_file():
                assert needle.encode() not in path.read_bytes(), f"a secret in {path.relative_to(root)}"


def table_state(server: pgserver.Server) -> list[tuple[Any, ...]]:
    """What the tests' table and schema hold, read with psycopg directly (as the superuser)."""
    rows = server.query("SELECT day, value FROM daily ORDER BY day")
    tables = server.query("SELECT table_schema, table_name FROM information_schema.tables "
                          "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")
    sequences = server.query("SELECT sequence_name FROM information_schema.sequences ORDER BY 1")
    ((large_objects,),) = server.query("SELECT count(*) FROM pg_largeobject_metadata")
    return [*rows, ("tables", *tables), ("sequences", *sequences), ("large objects", large_objects)]


EXPECTED_TABLE = [(d, Decimal(v)) for d, v in pgserver.daily_rows()]
UNTOUCHED = [*EXPECTED_TABLE, ("tables", ("public", "daily")), ("sequences",), ("large objects", 0)]


# --- the server itself ------------------------------------------------------------------------

def test_server_answers_with_a_password_and_only_with_it(pg_server: pgserver.Server) -> None:
    """The fixture: a real server on 127.0.0.1, SCRAM password logins, the daily table there,
    the test role not a superuser (so its rights are those a warehouse reader would have,
    plus ownership of the table, which only a read-only transaction stops from writing)."""
    import psycopg

    with pg_server.connect() as conn:
        assert conn.execute("SELECT count(*), min(day), max(day) FROM daily").fetchone() == (
            pgserver.DAILY_DAYS, pgserver.DAILY_START,
            pgserver.DAILY_START + timedelta(days=pgserver.DAILY_DAYS - 1))
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)
        assert conn.execute("SELECT current_setting('password_encryption')").fetchone() == ("scram-sha-256",)
    assert table_state(pg_server)[:pgserver.DAILY_DAYS] == EXPECTED_TABLE
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(host=pg_server.host, port=pg_server.port, dbname=pg_server.database,
                        user=pg_server.user, password="not-" + pg_server.password, connect_timeout=10)
    assert pg_server.started_seconds < pgserver.START_TIMEOUT


# --- readings ---------------------------------------------------------------------------------

def test_new_readings_appended_byte_preserving_then_a_second_run_adds_nothing(
        pg: pgserver.Server, repo: Callable[..., Path]) -> None:
    before = [(day(n), value_of(day(n))) for n in range(1, 11)]
    root = repo({"pg-daily": WINDOW_SQL}, {"pg-daily": before})
    old = (root / readings_path("pg-daily")).read_bytes()

    first = measure(root)
    assert first.exit_code == 0, output(first)
    text = (root / readings_path("pg-daily")).read_bytes()
    assert text.startswith(old), "the readings already there are kept byte for byte"
    added = text[len(old):].decode()
    assert re.fullmatch(r"(  - \{date: 2026-11-\d\d, value: [0-9.]+\}\n){10}", added), added
    assert stored(root, "pg-daily") == {day(n): value_of(day(n)) for n in range(1, 21)}
    assert_no_secret(first, root, pg.password)

    files = snapshot(root)
    second = measure(root)
    assert second.exit_code == 0, output(second)
    assert snapshot(root) == files, "a second run adds nothing"
    assert_no_secret(second, root, pg.password)


def test_since_and_a_new_readings_file_and_dry_run(pg: pgserver.Server, repo: Callable[..., Path]) -> None:
    root = repo({"pg-fresh": WINDOW_SQL})
    files = snapshot(root)
    dry = measure(root, "--since", "2026-11-15", "--dry-run")
    assert dry.exit_code == 0, output(dry)
    assert snapshot(root) == files, "--dry-run writes nothing"
    assert "2026-11-17" in dry.stdout, "the dry run lists the readings it would add"

    done = measure(root, "--since", "2026-11-15", "pg-fresh")
    assert done.exit_code == 0, output(done)
    assert stored(root, "pg-fresh") == {day(n): value_of(day(n)) for n in range(15, 21)}
    assert_no_secret(done, root, pg.password)


def test_through_the_unix_socket(pg: pgserver.Server, repo: Callable[..., Path],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The same server through its Unix socket (`?host=/folder`): a URL with no host part."""
    monkeypatch.setenv(ENV, f"postgresql+psycopg://{pg.user}:{pg.password}@/{pg.database}?host={pg.folder}"
                            f"&port={pg.port}")
    root = repo({"pg-socket": WINDOW_SQL}, {"pg-socket": [(day(15), value_of(day(15)))]})
    result = measure(root)
    assert result.exit_code == 0, output(result)
    assert stored(root, "pg-socket") == {day(n): value_of(day(n)) for n in range(15, 21)}
    assert_no_secret(result, root, pg.password)


def test_restatement_listed_and_written_only_with_restate(pg: pgserver.Server, repo: Callable[..., Path]) -> None:
    before = [(day(n), 999 if n == 5 else value_of(day(n))) for n in range(1, 11)]
    root = repo({"pg-restated": "SELECT day, value FROM daily WHERE day <= :end ORDER BY day"},
                {"pg-restated": before})
    files = snapshot(root)

    listed = measure(root, "--since", "2026-11-01", "--dry-run")
    assert listed.exit_code in (0, 1), output(listed)
    assert snapshot(root) == files
    plain = measure(root, "--since", "2026-11-01")
    assert plain.exit_code == 1, output(plain)
    for result in (listed, plain):
        assert "2026-11-05" in result.stdout and "999" in result.stdout and "104" in result.stdout, result.stdout
    assert stored(root, "pg-restated")[day(5)] == 999, "a restatement is not written without --restate"

    restated = measure(root, "--since", "2026-11-01", "--restate")
    assert restated.exit_code == 0, output(restated)
    assert stored(root, "pg-restated") == {day(n): value_of(day(n)) for n in range(1, 21)}
    assert_no_secret(restated, root, pg.password)
    again = measure(root, "--since", "2026-11-01")
    assert again.exit_code == 0, output(again)


# Rows that are not (a date, a number): each a finding naming the metric.
BAD_ROWS = {
    "null-date": ("SELECT NULL::date, 5::numeric", None),
    "null-value": ("SELECT DATE '2026-11-12', NULL::numeric", "2026-11-12"),
    "text-value": ("SELECT DATE '2026-11-13', 'twelve'::text", "twelve"),
    "nan-value": ("SELECT DATE '2026-11-14', 'NaN'::numeric", "2026-11-14"),
    "infinite-value": ("SELECT DATE '2026-11-15', 'Infinity'::float8", "2026-11-15"),
    "text-date": ("SELECT 'yesterday'::text, 3::numeric", "yesterday"),
    "one-column": ("SELECT DATE '2026-11-16'", None),
    "three-columns": ("SELECT DATE '2026-11-17', 1::numeric, 2::numeric", None),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_rows_are_findings_naming_the_metric(pg: pgserver.Server, repo: Callable[..., Path],
                                                  case: str) -> None:
    sql, shown = BAD_ROWS[case]
    metric = f"pg-bad-{case}"
    root = repo({metric: sql, "pg-good": WINDOW_SQL},
                {metric: [(day(1), 1)], "pg-good": [(day(10), value_of(day(10)))]})
    result = measure(root)
    assert result.exit_code == 1, output(result)
    assert metric in result.stdout, result.stdout
    if shown:
        assert shown in result.stdout, f"the finding shows what was wrong: {result.stdout}"
    assert stored(root, metric) == {day(1): 1}, "nothing of a bad row is written"
    assert stored(root, "pg-good") == {day(n): value_of(day(n)) for n in range(10, 21)}, "the others go on"
    assert_no_secret(result, root, pg.password)


# --- failures name the metric and the connection; the other metrics go on -------------------

FAILING = {
    "a-syntax": "SELEC day, value FROM daily",
    "b-missing-table": "SELECT day, value FROM no_such_table WHERE day BETWEEN :start AND :end",
    "c-missing-column": "SELECT day, amount FROM daily",
    "d-division": "SELECT day, value / 0 FROM daily WHERE day BETWEEN :start AND :end",
}


def test_failing_queries_name_metric_and_connection_and_the_others_go_on(
        pg: pgserver.Server, repo: Callable[..., Path]) -> None:
    """The failing metrics sort before the good one, so a run that kept using an aborted
    transaction for the next metric would fail the good one too."""
    start = [(day(10), value_of(day(10)))]
    root = repo({**FAILING, "z-good": WINDOW_SQL}, {mid: start for mid in [*FAILING, "z-good"]})
    before = {mid: (root / readings_path(mid)).read_bytes() for mid in FAILING}
    result = measure(root)
    assert result.exit_code == 1, output(result)
    for mid in FAILING:
        lines = [line for line in output(result).splitlines() if mid in line]
        assert lines, f"{mid} is named: {output(result)}"
        assert any(CONNECTION in line for line in lines), f"{mid}'s failure names the connection: {lines}"
        assert (root / readings_path(mid)).read_bytes() == before[mid], "nothing written for a failing metric"
    assert stored(root, "z-good") == {day(n): value_of(day(n)) for n in range(10, 21)}
    assert_no_secret(result, root, pg.password)


def _active(server: pgserver.Server, marker: str) -> list[tuple[Any, ...]]:
    return server.query("SELECT pid, state, query FROM pg_stat_activity "
                        "WHERE query LIKE %s AND pid <> pg_backend_pid()", (f"%{marker}%",))


def test_a_hanging_query_is_cancelled_on_the_server_in_bounded_time(
        pg: pgserver.Server, repo: Callable[..., Path]) -> None:
    marker = "hang_" + secrets.token_hex(4)
    hang = f"SELECT DATE '2026-11-19' AS {marker}, 1 FROM pg_sleep(30)"
    root = repo({"a-hang": hang, "b-after": WINDOW_SQL},
                {"a-hang": [(day(1), 1)], "b-after": [(day(10), value_of(day(10)))]}, timeout=1)
    began = time.monotonic()
    result = measure(root)
    took = time.monotonic() - began
    assert result.exit_code == 1, output(result)
    assert took < 12, f"a 1-second timeout ended the run after {took:.1f} s"
    assert any("a-hang" in line and CONNECTION in line for line in output(result).splitlines()), output(result)
    assert stored(root, "a-hang") == {day(1): 1}
    assert stored(root, "b-after") == {day(n): value_of(day(n)) for n in range(10, 21)}, "the others go on"
    # Cancelled on the server, not merely abandoned by the client.
    deadline = time.monotonic() + 5
    while (running := [row for row in _active(pg, marker) if row[1] == "active"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running == [], "the query still runs on the server"
    assert_no_secret(result, root, pg.password)


# Every way a query might write: each must be refused by the read-only transaction (the test
# role owns the table, so nothing else stops it), and the table must be unchanged.
WRITES = {
    "insert": "INSERT INTO daily VALUES (DATE '2027-01-01', 1) RETURNING day, value",
    "create-table-as": "CREATE TABLE stolen AS SELECT day, value FROM daily",
    "delete": "DELETE FROM daily RETURNING day, value",
    "update": "UPDATE daily SET value = 0 RETURNING day, value",
    "writable-cte": "WITH gone AS (DELETE FROM daily RETURNING day, value) SELECT day, value FROM gone",
    "truncate": "TRUNCATE daily",
    "drop": "DROP TABLE daily",
    "create-sequence": "CREATE SEQUENCE stolen_seq",
    "select-for-update": "SELECT day, value FROM daily FOR UPDATE",
    "lock": "LOCK TABLE daily IN ACCESS EXCLUSIVE MODE",
    "do-block": "DO $$BEGIN DELETE FROM daily; END$$",
    # Escapes from the transaction, sent with no bound parameter (psycopg may then use the
    # simple protocol, which runs several statements in one string) and with them.
    "commit-then-delete": "COMMIT; DELETE FROM daily",
    "rollback-then-delete": "ROLLBACK; DELETE FROM daily RETURNING day, value",
    "read-write-then-delete": "SET TRANSACTION READ WRITE; DELETE FROM daily RETURNING day, value",
    "setting-off-then-delete": "SET transaction_read_only = off; DELETE FROM daily RETURNING day, value",
    "begin-read-write": "END; BEGIN READ WRITE; DELETE FROM daily; COMMIT",
    "select-then-delete-bound": ("SELECT day, value FROM daily WHERE day BETWEEN :start AND :end; "
                                 "DELETE FROM daily"),
    # The same escapes behind a leading SELECT, WITH, parenthesis or comment (a check of the
    # first word alone lets them through; only one statement per query, or the read-only
    # transaction, stops them).
    "select-commit-delete": "SELECT day, value FROM daily; COMMIT; DELETE FROM daily",
    "select-commit-setting-delete": ("SELECT DATE '2026-11-19', 1; COMMIT; "
                                     "SET default_transaction_read_only = off; DELETE FROM daily"),
    "with-end-delete": "WITH d AS (SELECT 1) SELECT DATE '2026-11-19', 1 FROM d; END; DELETE FROM daily",
    "paren-commit-create": "(SELECT day, value FROM daily); COMMIT; CREATE TABLE stolen (x int)",
    "comment-rollback-delete": "/* measure */ SELECT DATE '2026-11-19', 1; ROLLBACK; DELETE FROM daily",
    # A dollar-quoted string holding a quote: a scanner that knows only '…' strings sees the
    # semicolons as inside a string; PostgreSQL runs four statements.
    "dollar-quote-hides-semicolons": "SELECT DATE '2026-11-19', $q$'$q$; COMMIT; DELETE FROM daily; SELECT '1'",
    "dollar-quote-hides-setting": ("SELECT DATE '2026-11-19', $x$'$x$; END; SET default_transaction_read_only = off;"
                                   " CREATE TABLE stolen AS SELECT * FROM daily; SELECT '1'"),
    # Writes from inside one SELECT: only the read-only transaction stops these.
    "function-that-deletes": "SELECT DATE '2026-11-19', strat_test_wipe()",
    # PostgreSQL lets a read-only transaction create a large object: only the rollback strat
    # ends every query with keeps it from staying (the row it returns is a reading like any).
    "large-object": "SELECT DATE '2026-11-19', lo_create(0)",
}
NOT_REFUSED = {"large-object"}


ESCAPES = sorted(case for case in WRITES if ";" in WRITES[case])


@pytest.mark.parametrize(("case", "driver"), [*((case, "postgresql+psycopg") for case in sorted(WRITES)),
                                              # SQLAlchemy's default PostgreSQL driver
                                              *((case, "postgresql") for case in ESCAPES)])
def test_a_write_is_refused_and_the_table_is_unchanged(pg: pgserver.Server, repo: Callable[..., Path],
                                                      monkeypatch: pytest.MonkeyPatch, case: str,
                                                      driver: str) -> None:
    monkeypatch.setenv(ENV, pg.url(driver=driver))
    metric = f"pg-write-{case}"
    root = repo({metric: WRITES[case]}, {metric: [(day(1), 1)]})
    files = snapshot(root)
    with pg.connect() as conn:   # a function the test role owns that deletes every row
        conn.execute("CREATE OR REPLACE FUNCTION strat_test_wipe() RETURNS integer LANGUAGE sql "
                     "AS 'DELETE FROM daily; SELECT 1'")
    try:
        result = measure(root)
        state = table_state(pg)
    finally:
        with pg.connect() as conn:
            conn.execute("DROP FUNCTION IF EXISTS strat_test_wipe()")
        if table_state(pg) != UNTOUCHED:
            pgserver.restore(pg)   # so the tests after this one see the table as it was
    assert state == UNTOUCHED, f"{case} wrote to the database"
    if case in NOT_REFUSED:
        return
    assert result.exit_code == 1, output(result)
    assert any(metric in line and CONNECTION in line for line in output(result).splitlines()), output(result)
    assert snapshot(root) == files
    assert_no_secret(result, root, pg.password)


def test_one_connection_per_run_closed_at_the_end(pg: pgserver.Server, repo: Callable[..., Path]) -> None:
    """Three metrics on one connection name (one of them failing): one login for the run,
    and no session of the test role left open when it ends."""
    root = repo({"pg-one": WINDOW_SQL, "pg-two": WINDOW_SQL, "pg-three-fails": "SELECT day FROM nowhere"},
                {"pg-one": [(day(10), value_of(day(10)))], "pg-two": [(day(10), value_of(day(10)))],
                 "pg-three-fails": [(day(10), 1)]})
    before = pg.logins()
    result = measure(root)
    assert result.exit_code == 1, output(result)
    assert stored(root, "pg-two") == {day(n): value_of(day(n)) for n in range(10, 21)}
    deadline = time.monotonic() + 5   # the log is written by the server, a moment later
    while pg.logins() - before < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pg.logins() - before == 1
    sessions = "SELECT count(*) FROM pg_stat_activity WHERE usename = %s"
    deadline = time.monotonic() + 5   # a closed session leaves the view a moment later
    while pg.query(sessions, (pg.user,)) != [(0,)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pg.query(sessions, (pg.user,)) == [(0,)], "the run left a session open"


# --- connection failures ----------------------------------------------------------------------

def closed_port() -> int:
    """A port nothing listens on (bound and released: free at this moment)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_connection_refused_names_metric_and_connection(pg: pgserver.Server, repo: Callable[..., Path],
                                                        monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setenv(ENV, pg.url(port=closed_port()))
    root = repo({"pg-refused": WINDOW_SQL}, {"pg-refused": [(day(10), value_of(day(10)))]})
    files = snapshot(root)
    began = time.monotonic()
    result = measure(root, "--format", fmt)
    assert time.monotonic() - began < 20
    assert result.exit_code == 1, output(result)
    assert "pg-refused" in output(result) and CONNECTION in output(result), output(result)
    assert snapshot(root) == files
    assert_no_secret(result, root, pg.password)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_wrong_password_is_reported_and_never_shown(pg: pgserver.Server, repo: Callable[..., Path],
                                                    monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    wrong = "wrong-" + secrets.token_hex(12)
    monkeypatch.setenv(ENV, pg.url(password=wrong))
    root = repo({"pg-locked-out": WINDOW_SQL, "pg-also": WINDOW_SQL},
                {"pg-locked-out": [(day(10), 1)], "pg-also": [(day(10), 1)]})
    files = snapshot(root)
    result = measure(root, "--format", fmt)
    assert result.exit_code == 1, output(result)
    assert "pg-locked-out" in output(result) and CONNECTION in output(result), output(result)
    assert snapshot(root) == files
    assert_no_secret(result, root, wrong, pg.password)


# A password pasted into the URL without %-encoding it: the URL then splits in the wrong
# place, and the driver's message quotes the piece it took for a host name or a database.
UNENCODED = {
    "at-sign": "{user}:top@{secret}@{host}:{port}/{db}",
    "slash": "{user}:top/{secret}@{host}:{port}/{db}",
    "colon-and-at": "{user}:{secret}:x@y@{host}:{port}/{db}",
    "hash": "{user}:top#{secret}@{host}:{port}/{db}",
    "question-mark": "{user}:top?{secret}@{host}:{port}/{db}",
}


@pytest.mark.parametrize("case", sorted(UNENCODED))
def test_a_password_pasted_unencoded_is_never_shown(pg: pgserver.Server, repo: Callable[..., Path],
                                                    monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    secret = "s3cr" + secrets.token_hex(8)
    url = "postgresql+psycopg://" + UNENCODED[case].format(user=pg.user, secret=secret, host=pg.host,
                                                             port=pg.port, db=pg.database)
    monkeypatch.setenv(ENV, url)
    root = repo({"pg-unencoded": WINDOW_SQL}, {"pg-unencoded": [(day(10), value_of(day(10)))]})
    for fmt in ("text", "markdown", "json"):
        result = measure(root, "--format", fmt)
        assert result.exit_code == 1, output(result)
        assert "pg-unencoded" in output(result) and CONNECTION in output(result), output(result)
        assert_no_secret(result, root, secret)


ODD_PASSWORDS = {
    # URL-special characters, percent-encoded in the URL: neither form may be shown.
    "url-special": "p@ss:w/rd?#%[]" + secrets.token_hex(6),
    "quotes-and-spaces": "it's \"a\" pass word " + secrets.token_hex(6),
}


@pytest.fixture
def odd_role(pg: pgserver.Server, request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    from psycopg import sql

    name, password = "strat_odd_" + secrets.token_hex(4), ODD_PASSWORDS[request.param]
    with pg.connect(admin=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
        conn.execute(sql.SQL("GRANT SELECT ON daily TO {}").format(sql.Identifier(name)))
    try:
        yield name, password
    finally:
        with pg.connect(admin=True) as conn:
            conn.execute(sql.SQL("REVOKE ALL ON daily FROM {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


@pytest.mark.parametrize("odd_role", sorted(ODD_PASSWORDS), indirect=True)
def test_a_password_with_url_special_characters_works_and_is_never_shown(
        pg: pgserver.Server, repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        odd_role: tuple[str, str]) -> None:
    name, password = odd_role
    monkeypatch.setenv(ENV, pg.url(user=name, password=password))
    root = repo({"pg-odd": WINDOW_SQL, "pg-odd-fails": "SELECT day, value FROM no_such_table"},
                {"pg-odd": [(day(10), value_of(day(10)))], "pg-odd-fails": [(day(10), 1)]})
    result = measure(root)
    assert result.exit_code == 1, output(result)
    assert stored(root, "pg-odd") == {day(n): value_of(day(n)) for n in range(10, 21)}
    assert_no_secret(result, root, password)

    monkeypatch.setenv(ENV, pg.url(user=name, password=password + "x"))
    wrong = measure(root, "--format", "json")
    assert wrong.exit_code == 1, output(wrong)
    assert_no_secret(wrong, root, password, password + "x")


@pytest.mark.parametrize("driver", ["postgresql+psycopg2", "postgresql+pg8000", "postgres+asyncpg"])
def test_only_psycopg_3_is_used_for_postgresql(pg: pgserver.Server, repo: Callable[..., Path],
                                               monkeypatch: pytest.MonkeyPatch, driver: str) -> None:
    """With psycopg2 a query string runs every statement in it (`SELECT 1; COMMIT; DELETE …`
    would leave the read-only transaction): another PostgreSQL driver is refused by name,
    before anything connects, and plain `postgresql://` goes through psycopg 3."""
    monkeypatch.setenv(ENV, pg.url(driver=driver))
    root = repo({"pg-other-driver": WINDOW_SQL}, {"pg-other-driver": [(day(10), value_of(day(10)))]})
    files = snapshot(root)
    result = measure(root)
    assert result.exit_code == 1, output(result)
    assert "only through psycopg 3" in output(result) and driver.partition("+")[2] in output(result)
    assert snapshot(root) == files
    assert_no_secret(result, root, pg.password)

    monkeypatch.setenv(ENV, pg.url(driver="postgresql"))
    result = measure(root)
    assert result.exit_code == 0, output(result)
    assert snapshot(root) != files
