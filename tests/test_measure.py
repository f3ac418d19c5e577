"""`strat measure` on real DuckDB files in throwaway repositories (no mocks): windows,
checked rows, new readings appended byte-preserving or a new Readings file, idempotence,
restatements, failing and hanging queries, writes and files outside the repository refused,
secrets refused in strat.yaml and redacted from every output."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

duckdb = pytest.importorskip("duckdb")

from helpers import BASE, TESTS, copy_base, lint_json, run_cli  # noqa: E402

TODAY = "2026-11-23"
METRIC = "paid-invoices-weekly"
METRIC_FILE = f"strategy/metrics/{METRIC}.yaml"
OTHER = "setup-tickets"
OTHER_FILE = f"strategy/metrics/{OTHER}.yaml"
CONFIG = 'connections:\n  default: {url: "duckdb:///data/metrics.duckdb", timeout_seconds: 5}\n'


def metric_with(metric_file: str, sql: str, connection: str | None = None) -> str:
    text = (BASE / metric_file).read_text(encoding="utf-8").rstrip("\n") + "\n"
    text += "query:\n  sql: " + json.dumps(sql) + "\n"
    if connection:
        text += f"  connection: {connection}\n"
    return text


def database(root: Path, *statements: str, name: str = "data/metrics.duckdb") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return path


DAILY = ("CREATE TABLE paid AS SELECT (DATE '2026-11-01' + i::INTEGER) AS day, 100 + i * 3 AS n "
         "FROM range(40) t(i)")
SQL = "SELECT day, n FROM paid WHERE day BETWEEN :start AND :end ORDER BY day"


def repo(tmp_path: Path, files: dict[str, Any] | None = None, config: str = CONFIG, sql: str = SQL,
         *db: str) -> Path:
    root = copy_base(tmp_path / "repo", {METRIC_FILE: metric_with(METRIC_FILE, sql), **(files or {})}, config)
    database(root, *(db or (DAILY,)))
    return root


def measure(root: Path, *args: str) -> Any:
    return run_cli(["measure", "--today", TODAY, *args], cwd=root)


def readings_text(root: Path, rel: str = f"strategy/readings/{METRIC}.yaml") -> str:
    return (root / rel).read_text(encoding="utf-8")


def latest_value(root: Path, metric: str) -> Any:
    from strat.config import load_config
    from strat.loaded import load_strategy
    from strat.progress import measures

    config, _ = load_config(root)
    loaded = load_strategy(root, root / "strategy", config, dt.date.fromisoformat(TODAY))
    return measures(loaded.ctx).latest(metric)


# --- new file, idempotence, the result lints and reads back ---------------------------------


def test_first_run_creates_a_readings_file_that_lints_clean_and_progress_reads(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = measure(root, "--since", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    text = readings_text(root)
    assert text.startswith("# yaml-language-server: $schema=../../schemas/readings.schema.json\n")
    lines = [line for line in text.splitlines() if line.startswith("  - ")]
    assert lines == [f"  - {{date: 2026-11-{d}, value: {100 + (d - 1) * 3}}}" for d in range(16, 24)]
    assert "id: paid-invoices-weekly-readings" in text
    assert "measuring 1/1: paid-invoices-weekly" in result.stderr
    assert lint_json(root).diagnostics == []
    latest = latest_value(root, METRIC)
    assert (latest.date, latest.value) == ("2026-11-23", 166)


def test_without_readings_or_since_the_window_looks_back_a_year(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = measure(root, "--format", "json")
    assert result.exit_code == 0, result.stderr
    window = result.json["metrics"][0]["window"]
    assert window == {"start": "2025-11-23", "end": TODAY}
    assert len(result.json["metrics"][0]["new"]) == 23  # 2026-11-01..2026-11-23; the rest is after --today


def test_a_second_run_adds_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path)
    assert measure(root, "--since", "2026-11-01").exit_code == 0
    before = readings_text(root)
    again = measure(root)
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "up to date" in again.stdout
    assert readings_text(root) == before
    overlap = measure(root, "--since", "2026-11-01", "--format", "json")  # re-runs the whole window
    assert overlap.exit_code == 0
    assert overlap.json["metrics"][0]["new"] == [] and overlap.json["metrics"][0]["restatements"] == []
    assert readings_text(root) == before


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = measure(root, "--since", "2026-11-20", "--dry-run")
    assert result.exit_code == 0
    assert "+ 2026-11-23  166" in result.stdout and "dry run: nothing written" in result.stdout
    assert not (root / "strategy/readings").exists()


# --- appending: the file holding the latest reading, every other byte kept ---------------------


def readings_doc(ident: str, rows: list[tuple[str, int]], newline: str = "\n", bom: bool = False) -> bytes:
    lines = ["# yaml-language-server: $schema=../../schemas/readings.schema.json",
             "# Hand-kept history; a comment with odd spacing   and a trailing one.  ",
             "kind: Readings", f"id: {ident}", f"metric: {METRIC}", "values:",
             *(f"    -   {{date: {d}, value: {v}}}   # kept" for d, v in rows)]
    return (("\ufeff" if bom else "") + newline.join(lines) + newline).encode("utf-8")


def test_new_readings_go_to_the_file_holding_the_latest_reading_byte_for_byte(tmp_path: Path) -> None:
    old = readings_doc("paid-2025", [("2025-12-29", 7)])
    newer = readings_doc("paid-2026", [("2026-11-01", 100), ("2026-11-02", 103)], newline="\r\n", bom=True)
    root = repo(tmp_path, {"strategy/readings/paid-2025.yaml": old, "strategy/readings/paid-2026.yaml": newer})
    result = measure(root)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (root / "strategy/readings/paid-2025.yaml").read_bytes() == old
    after = (root / "strategy/readings/paid-2026.yaml").read_bytes()
    added = "".join(f"    -   {{date: 2026-11-{d:02d}, value: {100 + (d - 1) * 3}}}\r\n" for d in range(3, 24))
    assert after == newer + added.encode("utf-8")  # BOM, CRLF, comments, indentation all kept
    assert lint_json(root).diagnostics == []
    assert latest_value(root, METRIC).value == 166


def test_a_back_dated_reading_goes_into_its_place(tmp_path: Path) -> None:
    newer = readings_doc("paid-2026", [("2026-11-01", 100), ("2026-11-03", 106)])
    root = repo(tmp_path, {"strategy/readings/paid-2026.yaml": newer})
    result = measure(root, "--since", "2026-11-01", "--today", "2026-11-04")
    assert result.exit_code == 0, result.stdout + result.stderr
    text = (root / "strategy/readings/paid-2026.yaml").read_text(encoding="utf-8")
    dates = [line.split("date: ")[1][:10] for line in text.splitlines() if "date: " in line]
    assert dates == ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"]


# --- restatements ------------------------------------------------------------------------------


def test_a_restatement_is_listed_and_written_only_with_restate(tmp_path: Path) -> None:
    stored = readings_doc("paid-2026", [("2026-11-01", 100), ("2026-11-02", 999)])
    root = repo(tmp_path, {"strategy/readings/paid-2026.yaml": stored})
    listed = measure(root, "--since", "2026-11-01", "--today", "2026-11-02")
    assert listed.exit_code == 1
    assert "restated 2026-11-02: 999 → 103" in listed.stdout and "not written" in listed.stdout
    assert (root / "strategy/readings/paid-2026.yaml").read_bytes() == stored
    written = measure(root, "--since", "2026-11-01", "--today", "2026-11-02", "--restate")
    assert written.exit_code == 0, written.stdout + written.stderr
    after = (root / "strategy/readings/paid-2026.yaml").read_bytes()
    assert after == stored.replace(b"value: 999}", b"value: 103}")
    assert measure(root, "--since", "2026-11-01", "--today", "2026-11-02").exit_code == 0  # settled


# --- rows --------------------------------------------------------------------------------------


BAD_ROWS = ("CREATE TABLE bad AS SELECT * FROM (VALUES "
            "('2026-11-20'::VARCHAR, 1::DOUBLE), ('not a date', 2), ('2026-11-21', NULL), ('2026-11-22', 'nan'::DOUBLE)"
            ") t(day, n)")


def test_bad_rows_name_the_metric_and_row_and_nothing_is_written_for_it(tmp_path: Path) -> None:
    files = {OTHER_FILE: metric_with(OTHER_FILE, "SELECT day, n FROM paid WHERE day BETWEEN :start AND :end")}
    root = repo(tmp_path, files, CONFIG, "SELECT day, n FROM bad", DAILY, BAD_ROWS)
    result = measure(root, "--since", "2026-11-20", "--format", "json")
    assert result.exit_code == 1
    by_metric = {m["metric"]: m for m in result.json["metrics"]}
    problems = by_metric[METRIC]["problems"]
    assert any(p.startswith("row 2:") and "not a date" in p for p in problems), problems
    assert any(p.startswith("row 3:") and "NULL" in p for p in problems), problems
    assert any(p.startswith("row 4:") and "finite" in p for p in problems), problems
    assert not (root / f"strategy/readings/{METRIC}.yaml").exists()
    assert len(by_metric[OTHER]["new"]) == 4  # the other metric goes on
    assert (root / f"strategy/readings/{OTHER}.yaml").exists()
    text = measure(root, METRIC, "--since", "2026-11-20")
    assert "paid-invoices-weekly" in text.stdout and "row 2" in text.stdout


def test_a_row_with_three_columns_or_text_values_is_bad(tmp_path: Path) -> None:
    root = repo(tmp_path, sql="SELECT DATE '2026-11-20', 1, 2 UNION ALL SELECT DATE '2026-11-21', '5', 0")
    result = measure(root, "--since", "2026-11-20", "--format", "json")
    assert result.exit_code == 1
    problems = result.json["metrics"][0]["problems"]
    assert problems[0].startswith("row 1: 3 columns")


def test_rows_outside_the_window_and_in_the_future_are_ignored(tmp_path: Path) -> None:
    root = repo(tmp_path, sql="SELECT day, n FROM paid")  # ignores :start and :end
    result = measure(root, "--since", "2026-11-20", "--format", "json")
    assert result.exit_code == 0
    run = result.json["metrics"][0]
    assert [r["date"] for r in run["new"]] == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    assert run["ignored_rows"] == 36
    assert "2026-11-24" not in readings_text(root)


def test_timestamps_decimals_and_text_dates_are_readings(tmp_path: Path) -> None:
    sql = ("SELECT TIMESTAMP '2026-11-20 13:45:00', 12.50::DECIMAL(10,2) UNION ALL "
           "SELECT '2026-11-21', 0.000001::DOUBLE UNION ALL SELECT DATE '2026-11-22', 123456789012::BIGINT")
    root = repo(tmp_path, sql=sql)
    assert measure(root, "--since", "2026-11-20").exit_code == 0
    text = readings_text(root)
    assert "{date: 2026-11-20, value: 12.5}" in text
    assert "{date: 2026-11-21, value: 0.000001}" in text
    assert "{date: 2026-11-22, value: 123456789012}" in text
    assert lint_json(root).diagnostics == []


# --- failures: a query, a connection, the timeout ------------------------------------------------


def test_a_failing_query_names_metric_and_connection_and_the_others_go_on(tmp_path: Path) -> None:
    files = {OTHER_FILE: metric_with(OTHER_FILE, SQL)}
    root = repo(tmp_path, files, CONFIG, "SELECT day, n FROM no_such_table")
    result = measure(root, "--since", "2026-11-22")
    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if "no_such_table" in line)
    assert METRIC_FILE in line and "connection `default`" in line
    assert f"{METRIC} (" in result.stdout and "FAILED" in result.stdout
    assert not (root / f"strategy/readings/{METRIC}.yaml").exists()
    assert "2026-11-23" in readings_text(root, f"strategy/readings/{OTHER}.yaml")


def test_a_missing_database_fails_every_metric_of_the_connection(tmp_path: Path) -> None:
    config = 'connections:\n  default: {url: "duckdb:///data/missing.duckdb"}\n'
    root = repo(tmp_path, config=config)
    result = measure(root, "--format", "json")
    assert result.exit_code == 1
    assert "no DuckDB database at data/missing.duckdb" in result.json["metrics"][0]["problems"][0]


def test_a_query_past_the_timeout_is_cancelled(tmp_path: Path) -> None:
    config = 'connections:\n  default: {url: "duckdb:///data/metrics.duckdb", timeout_seconds: 1}\n'
    slow = "SELECT DATE '2026-11-20', count(*) FROM range(1000000000) a, range(1000000000) b"
    files = {OTHER_FILE: metric_with(OTHER_FILE, SQL)}
    root = repo(tmp_path, files, config, slow)
    began = time.monotonic()
    result = measure(root, "--since", "2026-11-22")
    assert time.monotonic() - began < 30
    assert result.exit_code == 1
    assert "ran past the timeout of 1 s and was cancelled" in result.stdout
    assert "2026-11-23" in readings_text(root, f"strategy/readings/{OTHER}.yaml")  # the connection goes on


# --- read-only, no file outside the repository ---------------------------------------------------


@pytest.mark.parametrize("sql", [
    "INSERT INTO paid VALUES (DATE '2026-11-20', 1)",
    "CREATE TABLE sneaky AS SELECT 1",
    "COPY paid TO 'data/copy.csv'",
    "COPY paid TO '/tmp/strat-measure-copy.csv'",
    "ATTACH 'data/other.duckdb'",
    "UPDATE paid SET n = 0",
    "SELECT day, n FROM paid; DROP TABLE paid",
    "SET enable_external_access = true",
])
def test_a_write_attempt_is_refused(tmp_path: Path, sql: str) -> None:
    root = repo(tmp_path, sql=sql)
    db = root / "data/metrics.duckdb"
    before = db.read_bytes()
    result = measure(root, "--since", "2026-11-20", "--format", "json")
    assert result.exit_code == 1
    problem = result.json["metrics"][0]["problems"][0]
    assert "only a SELECT" in problem or "statements" in problem, problem
    assert db.read_bytes() == before
    assert not (root / "data/copy.csv").exists() and not (root / "data/other.duckdb").exists()
    assert not Path("/tmp/strat-measure-copy.csv").exists()


def test_a_query_cannot_read_files_outside_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("day,n\n2026-11-20,731953.25\n", encoding="utf-8")  # a value no temp path holds
    root = repo(tmp_path, {"data/inside.csv": "day,n\n2026-11-20,7\n"})
    os.symlink(outside, root / "data/link.csv")
    for path in ("/etc/passwd", "../outside.csv", str(outside), "data/link.csv", "data/../../outside.csv",
                 "data/*.csv", "https://example.invalid/x.csv"):
        sql = f"SELECT day, n FROM read_csv('{path}')"
        (root / METRIC_FILE).write_text(metric_with(METRIC_FILE, sql), encoding="utf-8")
        result = measure(root, "--since", "2026-11-20", "--format", "json")
        assert result.exit_code == 1, path
        problem = result.json["metrics"][0]["problems"][0]
        assert "refused" in problem and "inside" not in problem.split("refused")[0], (path, problem)
        assert "repository" in problem, problem
        assert "731953" not in result.stdout
    # the repository's own CSV, by a path relative to its root, whatever folder strat runs from
    (root / METRIC_FILE).write_text(metric_with(METRIC_FILE, "SELECT day, n FROM read_csv('data/inside.csv')"),
                                    encoding="utf-8")
    result = run_cli(["measure", "--today", TODAY, "--since", "2026-11-20"], cwd=root / "strategy")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "{date: 2026-11-20, value: 7}" in readings_text(root)


def test_an_in_memory_connection_reads_the_repository_csv(tmp_path: Path) -> None:
    config = 'connections:\n  files: {url: "duckdb:///:memory:"}\n'
    files = {"data/inside.csv": "day,n\n2026-11-21,8\n"}
    root = copy_base(tmp_path / "repo", {METRIC_FILE: metric_with(METRIC_FILE, "FROM read_csv('data/inside.csv')",
                                                                  "files"), **files}, config)
    assert run_cli(["measure", "--today", TODAY, "--since", "2026-11-20"], cwd=root).exit_code == 0
    assert "{date: 2026-11-21, value: 8}" in readings_text(root)


def test_a_database_outside_the_repository_is_refused(tmp_path: Path) -> None:
    outside = database(tmp_path, DAILY, name="elsewhere.duckdb")
    config = f'connections:\n  default: {{url: "duckdb:///{outside}"}}\n'
    root = repo(tmp_path, config=config)
    result = measure(root, "--format", "json")
    assert result.exit_code == 1
    assert "outside the repository" in result.json["metrics"][0]["problems"][0]


# --- connections and secrets --------------------------------------------------------------------


def test_an_unknown_connection_is_a_finding_with_did_you_mean(tmp_path: Path) -> None:
    config = 'connections:\n  warehouse: {url: "duckdb:///data/metrics.duckdb"}\n'
    root = copy_base(tmp_path / "repo", {METRIC_FILE: metric_with(METRIC_FILE, SQL, "warehose")}, config)
    database(root, DAILY)
    result = measure(root)
    assert result.exit_code == 1
    line = len((BASE / METRIC_FILE).read_text(encoding="utf-8").splitlines()) + 3
    assert f"{METRIC_FILE}:{line}: connection `warehose` is not under `connections` in strat.yaml; did you mean " \
           "`warehouse`?" in result.stdout


@pytest.mark.parametrize("url, shown", [
    ("postgresql://strat:Hunter2Secret@db.example.invalid/metrics", "password"),
    ("snowflake://strat@acct/db?password=Hunter2Secret", "`password=***`"),
    ("bigquery://project/dataset?credentials_base64=Hunter2Secret", "`credentials_base64=***`"),
    ("postgresql://db.example.invalid/metrics?sslmode=require&access_token=Hunter2Secret", "`access_token=***`"),
    ("duckdb:///data/metrics.duckdb?api_key=Hunter2Secret", "`api_key=***`"),
])
def test_a_secret_written_in_strat_yaml_is_refused_at_its_line(tmp_path: Path, url: str, shown: str) -> None:
    config = f"# connections\nconnections:\n  default:\n    url: \"{url}\"\n"
    root = repo(tmp_path, config=config)
    for args in (["measure", "--today", TODAY], ["lint", "--today", TODAY]):
        result = run_cli(args, cwd=root)
        assert result.exit_code == 1
        out = result.stdout + result.stderr
        assert "strat.yaml:4" in out and "S104" in out and shown in out, out
        assert "Hunter2Secret" not in out


@pytest.mark.parametrize("connections", [
    'default: "postgresql://strat:Hunter2Secret@db.example.invalid/metrics"',
    'default: {url: "postgresql://strat:Hunter2Secret@h/db", url_env: X}',
    'default: {url: ["postgresql://strat:Hunter2Secret@h/db"]}',
    'default: {password: Hunter2Secret, url_env: X}',
    'default: {url: "snowflake://a/b?token=Hunter2Secret", timeout_seconds: 0}',
])
def test_a_finding_about_a_connection_never_quotes_its_secret(tmp_path: Path, connections: str) -> None:
    root = repo(tmp_path, config=f"connections:\n  {connections}\n")
    for args in (["measure", "--today", TODAY], ["lint", "--today", TODAY], ["lint", "--format", "json"]):
        result = run_cli(args, cwd=root)
        assert result.exit_code == 1
        assert "strat.yaml:2" in result.stdout + result.stderr or '"line": 2' in result.stdout
        assert "Hunter2Secret" not in result.stdout + result.stderr


def test_a_url_without_a_secret_is_accepted(tmp_path: Path) -> None:
    config = 'connections:\n  default: {url: "duckdb:///data/metrics.duckdb?access_mode=read_only"}\n'
    root = repo(tmp_path, config=config)
    assert [d for d in lint_json(root).diagnostics if d["code"] == "S104" or d["path"] == "strat.yaml"] == []
    assert measure(root, "--since", "2026-11-23").exit_code == 0


def test_an_unset_url_env_names_the_variable(tmp_path: Path) -> None:
    config = "connections:\n  default: {url_env: STRAT_TEST_UNSET_URL}\n"
    root = repo(tmp_path, config=config)
    os.environ.pop("STRAT_TEST_UNSET_URL", None)
    result = measure(root)
    assert result.exit_code == 1
    assert "the environment variable STRAT_TEST_UNSET_URL is not set" in result.stdout


def test_the_password_of_a_url_from_the_environment_appears_nowhere(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    secret = "S3cr3t-Pa55word"
    config = "connections:\n  default: {url_env: STRAT_TEST_WAREHOUSE_URL, timeout_seconds: 3}\n"
    root = repo(tmp_path, config=config)
    # Port 1 on this machine: nothing listens. The driver's own message quotes the bad sslmode
    # value, here the password itself: only redaction keeps it out.
    urls = [f"postgresql+psycopg://strat:{secret}@127.0.0.1:1/metrics?application_name={secret}",
            f"postgresql+psycopg://strat:{secret}@127.0.0.1:1/metrics?sslmode={secret}"]
    script = ("import sys; sys.path.insert(0, %r); sys.path.insert(0, %r); from helpers import run_cli; "
              "r = run_cli(['measure', '--today', %r]); print(r.exit_code); print(r.stdout); print(r.stderr, "
              "file=sys.stderr)") % (str(TESTS), str(TESTS.parent / "cli"), TODAY)
    for url, fmt in [(u, f) for u in urls for f in ("text", "json", "markdown")]:
        done = subprocess.run([sys.executable, "-c", script.replace("'--today'", f"'--format', '{fmt}', '--today'")],
                              cwd=root, env={**os.environ, "STRAT_TEST_WAREHOUSE_URL": url},
                              capture_output=True, text=True, timeout=60)
        out = done.stdout + done.stderr
        assert done.stdout.splitlines()[0] == "1", out
        assert "connection `default`" in out or "connection default" in out, out
        assert METRIC in out
        assert secret not in out, out
        assert url not in out


def test_redact_masks_every_form_of_a_secret() -> None:
    from strat.connections import redact, url_secrets

    url = "postgresql://u:p%40ss%2Fw0rd@h/db?token=T0ken-1&x=1"
    secrets = url_secrets(url, whole=True)
    message = f"failed for {url}; password p@ss/w0rd; p%40ss%2Fw0rd; token T0ken-1"
    shown = redact(message, secrets)
    for leak in ("p@ss/w0rd", "p%40ss%2Fw0rd", "T0ken-1", url):
        assert leak not in shown


# --- usage, formats, start-up cost -------------------------------------------------------------


# --- long histories: the tail appended as is; another writer between the load and the lock ----

LONG = [((dt.date(2026, 11, 19) - dt.timedelta(days=i)).isoformat(), 1000 + i) for i in range(120)][::-1]


def long_readings(ident: str = f"{METRIC}-history") -> bytes:
    lines = ["# yaml-language-server: $schema=../../schemas/readings.schema.json", "kind: Readings",
             f"id: {ident}", f"metric: {METRIC}", "values:", *(f"  - {{date: {d}, value: {v}}}" for d, v in LONG)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_new_readings_after_a_long_history_are_appended_byte_for_byte(tmp_path: Path) -> None:
    old = long_readings()
    root = repo(tmp_path, {"strategy/readings/paid-history.yaml": old})
    result = measure(root, "--format", "json")
    assert result.exit_code == 0, result.json
    after = (root / "strategy/readings/paid-history.yaml").read_bytes()
    added = "".join(f"  - {{date: 2026-11-{d}, value: {100 + (d - 1) * 3}}}\n" for d in range(20, 24))
    assert after == old + added.encode("utf-8")
    assert [d for d in lint_json(root).diagnostics if d["severity"] == "error"] == []
    assert measure(root, "--format", "json").json["metrics"][0]["status"] == "up to date"


def test_the_tail_shortcut_plans_the_same_bytes_as_composing_the_file(tmp_path: Path) -> None:
    from strat.load import parse_bytes
    from strat.measure import Change, MetricRun
    from strat.measure_write import _append_to_tail, _edit_file

    rel = "strategy/readings/paid-history.yaml"
    (tmp_path / "strategy/readings").mkdir(parents=True)
    (tmp_path / rel).write_bytes(long_readings())
    run = MetricRun(METRIC, "", "default")
    items = [(run, "new", Change(d, v, float(v))) for d, v in (("2026-11-21", "7.25"), ("2026-11-20", "-3"))]
    source, _ = parse_bytes(long_readings(), rel)
    assert _append_to_tail(long_readings().decode(), items, source) is not None  # the shortcut applies
    fast = _edit_file(tmp_path, rel, items, source)
    composed = _edit_file(tmp_path, rel, items, None)
    assert fast == composed
    assert fast.content.endswith(b"  - {date: 2026-11-20, value: -3}\n  - {date: 2026-11-21, value: 7.25}\n")


def test_a_file_written_by_another_run_after_the_load_is_read_again_under_the_lock(tmp_path: Path) -> None:
    from strat.config import load_config
    from strat.measure import measure as run_measure

    stored = readings_doc(f"{METRIC}-2026", [("2026-11-19", 154)])
    root = repo(tmp_path, {"strategy/readings/paid-2026.yaml": stored})
    config, _ = load_config(root)
    landed = stored + b"    -   {date: 2026-11-20, value: 157}   # kept\n"

    def another_writer(_: str) -> None:  # runs while the queries run, after the strategy was read
        (root / "strategy/readings/paid-2026.yaml").write_bytes(landed)

    result = run_measure(root, root / "strategy", config, today=dt.date.fromisoformat(TODAY),
                         progress=another_writer)
    assert result.exit_code == 0, (result.problems, [r.problems for r in result.runs])
    (run,) = result.runs
    assert [c.date for c in run.new] == ["2026-11-21", "2026-11-22", "2026-11-23"]  # 11-20 landed meanwhile
    after = (root / "strategy/readings/paid-2026.yaml").read_bytes()
    assert after.startswith(landed) and after.count(b"2026-11-20") == 1


# --- files that cannot be loaded ---------------------------------------------------------------

BROKEN_FILE = "strategy/metrics/broken.yaml"
BROKEN = "kind: Metric\nid: broken\nname: Broken\nquery:\n  sql: [SELECT day, n FROM paid\n"  # E001 at line 4


def test_a_metric_file_that_does_not_parse_is_reported_and_fails_the_run(tmp_path: Path) -> None:
    root = repo(tmp_path, {BROKEN_FILE: BROKEN})
    result = measure(root, "--since", "2026-11-20")
    assert result.exit_code == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    e001 = [line for line in lines if line.startswith(f"{BROKEN_FILE}:") and ": E001 error " in line]
    assert len(e001) == 1, result.stdout  # strat lint's format: path:line:col: CODE severity message
    assert "could not be loaded" in result.stdout
    assert "2026-11-23" in readings_text(root)  # the others are measured and written
    data = measure(root, "--since", "2026-11-20", "--format", "json", "--dry-run")
    assert data.exit_code == 1
    assert [(e["path"], e["code"]) for e in data.json["load_errors"]] == [(BROKEN_FILE, "E001")]
    assert data.json["load_errors"][0]["line"] >= 4
    md = measure(root, "--format", "markdown", "--dry-run")
    assert md.exit_code == 1 and "Files that could not be loaded" in md.stdout and "E001" in md.stdout


def test_a_named_metric_in_a_file_that_does_not_parse_fails_with_exit_1(tmp_path: Path) -> None:
    root = repo(tmp_path, {BROKEN_FILE: BROKEN})
    result = measure(root, "broken", "--format", "json")
    assert result.exit_code == 1, result.stdout + result.stderr  # not 2: it may be in the broken file
    (run,) = result.json["metrics"]
    assert run["metric"] == "broken" and run["status"] == "failed"
    assert BROKEN_FILE in run["problems"][0]
    assert not (root / f"strategy/readings/{METRIC}.yaml").exists()


def test_a_metric_or_readings_document_with_a_schema_error_is_not_measured(tmp_path: Path) -> None:
    stored = readings_doc(f"{METRIC}-2026", [("2026-11-20", 1)]).replace(b"values:", b"colour: red\nvalues:")
    root = repo(tmp_path, {"strategy/readings/paid-2026.yaml": stored})
    result = measure(root, "--format", "json")
    assert result.exit_code == 1
    assert any(e["code"] == "S103" and e["path"] == "strategy/readings/paid-2026.yaml"
               for e in result.json["load_errors"]), result.json["load_errors"]
    (run,) = [m for m in result.json["metrics"] if m["metric"] == METRIC]
    assert run["status"] == "failed" and "not measured" in run["problems"][0]
    assert (root / "strategy/readings/paid-2026.yaml").read_bytes() == stored  # nothing written for it
    assert not (root / f"strategy/readings/{METRIC}.yaml").exists()


def test_a_named_metric_whose_document_has_a_schema_error_fails_with_exit_1(tmp_path: Path) -> None:
    root = repo(tmp_path, {OTHER_FILE: metric_with(OTHER_FILE, SQL) + "  colour: red\n"})
    result = measure(root, OTHER, "--format", "json")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert [(e["path"], e["code"]) for e in result.json["load_errors"]] == [(OTHER_FILE, "S103")]
    (run,) = result.json["metrics"]
    assert run["metric"] == OTHER and run["status"] == "failed" and "its Metric document" in run["problems"][0]
    assert not (root / f"strategy/readings/{OTHER}.yaml").exists()


def test_an_error_in_a_goal_file_is_left_to_strat_lint(tmp_path: Path) -> None:
    root = repo(tmp_path)
    goal = next((root / "strategy" / "goals").glob("*.yaml"))
    goal.write_text(goal.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    result = measure(root, "--format", "json", "--dry-run")
    assert result.exit_code == 0, result.json
    assert result.json["load_errors"] == []


def test_an_unknown_metric_is_a_usage_error_with_did_you_mean(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = measure(root, "paid-invoices-weekyl")
    assert result.exit_code == 2
    assert "did you mean `paid-invoices-weekly`" in result.stderr
    assert measure(root, OTHER).exit_code == 2  # a metric without a query


def test_markdown_is_a_pull_request_body_with_the_move_since_the_last_reading(tmp_path: Path) -> None:
    stored = readings_doc("paid-2026", [("2026-11-20", 157)])
    root = repo(tmp_path, {"strategy/readings/paid-2026.yaml": stored})
    result = measure(root, "--format", "markdown", "--dry-run")
    assert result.exit_code == 0
    body = result.stdout
    assert body.startswith("## strat measure: 3 new readings (to 2026-11-23)")
    assert "| paid&#45;invoices&#45;weekly | 3 | 166 on 2026-11-23 | +9 (+5.7 %) since 2026-11-20 |" in body \
        or "| paid-invoices-weekly | 3 | 166 on 2026-11-23 | +9 (+5.7 %) since 2026-11-20 |" in body
    assert "- 2026-11-21: 160" in body


def test_json_prints_text_from_a_failing_query_inert(tmp_path: Path) -> None:
    root = repo(tmp_path, sql="SELECT error('::error::owned' || chr(8238) || '##[group]x')")
    result = measure(root, "--format", "json")
    assert result.exit_code == 1
    assert "\u202e" not in result.stdout and "##[" not in result.stdout
    assert not any(line.lstrip().startswith("::") for line in result.stdout.splitlines())
    (run,) = [m for m in result.json["metrics"] if m["metric"] == METRIC]
    assert "::error::owned\u202e" in run["problems"][0]  # the decoded text is unchanged


def test_markdown_neutralises_text_from_a_failing_query(tmp_path: Path) -> None:
    root = repo(tmp_path, sql="SELECT error('<img src=x onerror=alert(1)> @org/team [x](http://e.invalid) #1')")
    result = measure(root, "--format", "markdown")
    assert result.exit_code == 1
    assert "<img" not in result.stdout and "](http" not in result.stdout and "@org/team" not in result.stdout


def test_strat_help_and_lint_do_not_import_the_engines() -> None:
    code = ("import sys; sys.argv = ['strat', '--help']\n"
            "from strat.cli import main\n"
            "try:\n    main(['lint', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('duckdb', 'sqlalchemy', 'psycopg', 'strat.engines') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(TESTS.parent / "cli")})
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


# --- SQLAlchemy (SQLite here; PostgreSQL has its own tests) --------------------------------------


def sqlite_repo(tmp_path: Path, sql: str) -> Path:
    import sqlite3

    config = 'connections:\n  default: {url: "sqlite:///data/metrics.sqlite"}\n'
    root = copy_base(tmp_path / "repo", {METRIC_FILE: metric_with(METRIC_FILE, sql)}, config)
    (root / "data").mkdir()
    con = sqlite3.connect(root / "data/metrics.sqlite")
    con.execute("CREATE TABLE paid (day TEXT, n REAL)")
    con.executemany("INSERT INTO paid VALUES (?, ?)", [(f"2026-11-{d:02d}", 100 + d) for d in range(1, 31)])
    con.commit()
    con.close()
    return root


def test_sqlalchemy_binds_start_and_end_and_appends(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    root = sqlite_repo(tmp_path, "SELECT day, n FROM paid WHERE day BETWEEN :start AND :end ORDER BY day")
    result = measure(root, "--since", "2026-11-21")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert [line for line in readings_text(root).splitlines() if "date:" in line][-1] == \
        "  - {date: 2026-11-23, value: 123}"
    assert measure(root).exit_code == 0 and "up to date" in measure(root).stdout


@pytest.mark.parametrize("sql", ["DELETE FROM paid", "ATTACH DATABASE 'data/x.sqlite' AS x",
                                 "WITH d AS (SELECT 1) DELETE FROM paid", "PRAGMA query_only = OFF",
                                 "SELECT day, n FROM paid; COMMIT; DELETE FROM paid"])
def test_sqlalchemy_refuses_a_write(tmp_path: Path, sql: str) -> None:
    pytest.importorskip("sqlalchemy")
    root = sqlite_repo(tmp_path, sql)
    before = (root / "data/metrics.sqlite").read_bytes()
    result = measure(root, "--format", "json")
    assert result.exit_code == 1
    assert (root / "data/metrics.sqlite").read_bytes() == before
    assert not (root / "data/x.sqlite").exists()


def test_a_sqlite_file_outside_the_repository_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    root = sqlite_repo(tmp_path, SQL)
    (root / "strat.yaml").write_text('connections:\n  default: {url: "sqlite:///../elsewhere.sqlite"}\n',
                                     encoding="utf-8")
    result = measure(root, "--format", "json")
    assert result.exit_code == 1
    assert "outside the repository" in result.json["metrics"][0]["problems"][0]


def test_start_and_end_are_bound_never_pasted() -> None:
    from strat.engines import bind_names, to_alchemy, to_dollar

    sql = "SELECT ':start', \":end\" -- :end\n/* :start */ FROM t WHERE d >= :start::date AND d <= :end AND x::int > 0"
    assert bind_names(sql) == {"start", "end"}
    assert to_dollar(sql) == ("SELECT ':start', \":end\" -- :end\n/* :start */ FROM t WHERE d >= $start::date "
                              "AND d <= $end AND x::int > 0")
    assert to_alchemy(sql).endswith("WHERE d >= (:start)::date AND d <= :end AND x::int > 0")
    assert bind_names("SELECT 1") == set()


def test_text_that_looks_like_a_parameter_stays_text_in_duckdb(tmp_path: Path) -> None:
    sql = "SELECT day, n FROM paid WHERE day BETWEEN :start AND :end AND ':start' <> '' -- :end"
    root = repo(tmp_path, sql=sql)
    assert measure(root, "--since", "2026-11-22").exit_code == 0
    assert "{date: 2026-11-22, value: 163}" in readings_text(root)


def test_a_readings_file_that_cannot_be_edited_safely_fails_only_its_metric(tmp_path: Path) -> None:
    flow = (f"kind: Readings\nid: paid-2026\nmetric: {METRIC}\nvalues: [{{date: 2026-11-01, value: 100}}]\n")
    files = {"strategy/readings/paid-2026.yaml": flow, OTHER_FILE: metric_with(OTHER_FILE, SQL)}
    root = repo(tmp_path, files)
    result = measure(root, "--format", "json")
    assert result.exit_code == 1
    by_metric = {m["metric"]: m for m in result.json["metrics"]}
    assert "flow list" in by_metric[METRIC]["problems"][0]
    assert (root / "strategy/readings/paid-2026.yaml").read_text(encoding="utf-8") == flow
    assert result.json["written"] == [f"strategy/readings/{OTHER}.yaml"]


@pytest.mark.parametrize("ignore", ["gha-creds-1.json\n", "ci/\n", "*.csv\n!data/inside.csv\n"])
def test_a_file_git_ignores_cannot_be_read(tmp_path: Path, ignore: str) -> None:
    creds = '{"day": "2026-11-20", "n": 4242}\n'
    files = {".gitignore": ignore, "gha-creds-1.json": creds, "ci/gha-creds-1.json": creds,
             "ci/leak.csv": "day,n\n2026-11-20,8675309.5\n", "data/inside.csv": "day,n\n2026-11-21,7\n"}
    root = repo(tmp_path, files)
    target = {"gha-creds-1.json\n": "gha-creds-1.json", "ci/\n": "ci/gha-creds-1.json"}.get(ignore, "ci/leak.csv")
    reader = "read_json" if target.endswith(".json") else "read_csv"
    (root / METRIC_FILE).write_text(metric_with(METRIC_FILE, f"SELECT day, n FROM {reader}('{target}')"),
                                    encoding="utf-8")
    result = measure(root, "--since", "2026-11-20", "--format", "json")
    assert result.exit_code == 1
    assert "refused" in result.json["metrics"][0]["problems"][0]
    assert "8675309" not in result.stdout
    (root / METRIC_FILE).write_text(metric_with(METRIC_FILE, "SELECT day, n FROM read_csv('data/inside.csv')"),
                                    encoding="utf-8")
    assert measure(root, "--since", "2026-11-20").exit_code == 0  # not ignored, even if not committed yet
