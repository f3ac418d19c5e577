"""A throwaway PostgreSQL server for the tests: a real cluster, no mocks.

`start()` finds the server binaries (`initdb`, `pg_ctl`, `postgres`: `$STRAT_TEST_PG_BINDIR`,
`pg_config --bindir`, Debian's /usr/lib/postgresql/<version>/bin, newest first, then PATH),
runs `initdb` in a fresh temporary folder as an unprivileged user (PostgreSQL refuses to run as
root: when the tests run as root, the folder is handed to the `postgres` system user, else
`nobody`, and the binaries are run through `setpriv`), with password (SCRAM) authentication for
every connection, and starts the server on 127.0.0.1 on a free port, its Unix socket inside the
folder. A login role `strat` (with a random password, not a superuser) owns a database `metrics`
holding a table `daily (day date, value numeric)`. `Server.stop()` stops the cluster
(`pg_ctl stop -m immediate`) and removes the folder.

The fixture in conftest.py is session-scoped: one cluster for the whole test session, stopped
even when tests fail. It skips, saying why, only when no PostgreSQL binaries exist at all (or
psycopg is not installed); under CI (`CI` set, as `.ci/run` runs) it fails instead, because
`.ci/run` installs both.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

PROGRAMS = ("initdb", "pg_ctl", "postgres")

# The database every test reads: one value a day from DAILY_START for DAILY_DAYS days; the value
# of day i is DAILY_BASE + i (exact in numeric, so every comparison is by string).
DAILY_START = date(2026, 11, 1)
DAILY_DAYS = 30
DAILY_BASE = 100

# Bounds: how long the cluster may take to come up, and each helper command.
START_TIMEOUT = 60
COMMAND_TIMEOUT = 120


class Unavailable(Exception):
    """No PostgreSQL server binaries (or no client library) on this machine."""


def _version_key(path: str) -> tuple[int, ...]:
    found = re.search(r"/postgresql/([0-9.]+)/", path)
    return tuple(int(part) for part in found.group(1).split(".") if part) if found else (0,)


def find_bindir() -> Path:
    """The folder holding initdb, pg_ctl and postgres; `Unavailable` when there is none."""
    candidates: list[str] = []
    if os.environ.get("STRAT_TEST_PG_BINDIR"):
        candidates.append(os.environ["STRAT_TEST_PG_BINDIR"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=30)
            if done.returncode == 0 and done.stdout.strip():
                candidates.append(done.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for folder in candidates:
        if all(os.access(Path(folder, name), os.X_OK) for name in PROGRAMS):
            return Path(folder)
    raise Unavailable("no PostgreSQL server binaries (initdb, pg_ctl, postgres) in $STRAT_TEST_PG_BINDIR, "
                      "`pg_config --bindir`, /usr/lib/postgresql/*/bin or PATH; `.ci/run` installs "
                      "Debian's `postgresql`")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    bindir: Path
    folder: Path            # the temporary folder: data/, the Unix socket, the log
    port: int
    user: str               # the login role the tests' queries use (owns the database)
    password: str = field(repr=False)
    database: str = ""
    admin_password: str = field(default="", repr=False)   # of the superuser `postgres`
    run_as: tuple[int, int] | None = None   # (uid, gid) when started by root
    started_seconds: float = 0.0
    _stopped: bool = field(default=False, repr=False)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, *, password: str | None = None, port: int | None = None, user: str | None = None,
            database: str | None = None, driver: str = "postgresql+psycopg") -> str:
        """A SQLAlchemy URL for the test role (or another password, port, role or database)."""
        secret = self.password if password is None else password
        return (f"{driver}://{quote(user or self.user, safe='')}:{quote(secret, safe='')}"
                f"@{self.host}:{self.port if port is None else port}/{database or self.database}")

    def connect(self, *, admin: bool = False, autocommit: bool = True) -> Any:
        """A psycopg connection straight to the server (the tests' own checks)."""
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, dbname=self.database,
                               user="postgres" if admin else self.user,
                               password=self.admin_password if admin else self.password,
                               autocommit=autocommit, connect_timeout=10)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.connect(admin=True) as conn:
            return list(conn.execute(sql, params).fetchall())

    def logins(self, user: str | None = None) -> int:
        """How many times `user` (the test role by default) has logged in so far."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return len(re.findall(rf"connection authorized: user={re.escape(user or self.user)} ", text))

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            if (self.data / "postmaster.pid").exists():
                _run(self.run_as, [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                   "-w", "-t", "30", "stop"], self.folder, check=False)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _unprivileged() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when we are root; None when we are not."""
    if os.geteuid() != 0:
        return None
    for name in (os.environ.get("STRAT_TEST_PG_USER", ""), "postgres", "nobody"):
        if not name:
            continue
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return entry.pw_uid, entry.pw_gid
    raise Unavailable("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


def _temp_parent(run_as: tuple[int, int] | None) -> str | None:
    """The system's temporary folder, unless the server's user could not reach a folder made
    there (a private $TMPDIR): then /tmp."""
    if run_as is None:
        return None
    parent = Path(tempfile.gettempdir()).resolve()
    if all(folder.stat().st_mode & 0o001 for folder in (parent, *parent.parents)):
        return str(parent)
    return "/tmp"


def _run(run_as: tuple[int, int] | None, argv: list[str], cwd: Path, *, check: bool = True,
         timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess[str]:
    if run_as is not None:
        uid, gid = run_as
        setpriv = shutil.which("setpriv")
        if setpriv:
            argv = [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *argv]
        else:
            runuser = shutil.which("runuser")
            if not runuser:
                raise Unavailable("running as root and neither setpriv nor runuser is installed")
            argv = [runuser, "-u", pwd.getpwuid(uid).pw_name, "--", *argv]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C", "TZ": "UTC",
           "HOME": str(cwd)}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _pg_start(server: Server) -> subprocess.CompletedProcess[str]:
    options = " ".join([
        f"-p {server.port}",
        "-c listen_addresses=127.0.0.1",
        f"-c unix_socket_directories={server.folder}",
        # A throwaway cluster: no durability needed, so start and writes are quick.
        "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
        "-c max_connections=40", "-c shared_buffers=16MB",
        # Every login in server.log: the tests count how many connections a run opens.
        "-c log_connections=on", "-c log_disconnections=on",
    ])
    return _run(server.run_as, [str(server.bindir / "pg_ctl"), "-D", str(server.data), "-l", str(server.log),
                                "-o", options, "-w", "-t", str(START_TIMEOUT), "start"],
                server.folder, check=False, timeout=START_TIMEOUT + 30)


def start() -> Server:
    """Start a throwaway cluster (see the module docstring); the caller must `stop()` it."""
    bindir = find_bindir()
    try:
        import psycopg  # noqa: F401  (the set-up below and the tests' checks use it)
    except ImportError as missing:
        raise Unavailable(f"psycopg is not installed ({missing}); the `test` extra brings it") from None
    run_as = _unprivileged()
    began = time.monotonic()
    # Not under pytest's tmp_path: that is private to the user running the tests, and the server
    # runs as another one. mkdtemp gives a fresh folder only we (then that user) can enter.
    folder = Path(tempfile.mkdtemp(prefix="strat-pg-", dir=_temp_parent(run_as)))
    server = Server(bindir=bindir, folder=folder, port=0, user="strat",
                    password="pw-" + secrets.token_hex(16), database="metrics",
                    admin_password="admin-" + secrets.token_hex(16), run_as=run_as)
    try:
        if run_as is not None:
            os.chown(folder, *run_as)
        pwfile = folder / "pwfile"
        pwfile.write_text(server.admin_password + "\n", encoding="utf-8")
        if run_as is not None:
            os.chown(pwfile, *run_as)
        os.chmod(pwfile, 0o600)
        _run(run_as, [str(bindir / "initdb"), "-D", str(server.data), "-U", "postgres",
                      f"--pwfile={pwfile}", "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C",
                      "--no-sync", "--no-instructions"], folder)
        pwfile.unlink()
        for _attempt in range(5):   # a free port may be taken between the probe and the start
            server.port = free_port()
            done = _pg_start(server)
            if done.returncode == 0:
                break
            log = server.log.read_text(encoding="utf-8", errors="replace") if server.log.exists() else ""
            if "already in use" not in log and "could not bind" not in log:
                raise RuntimeError(f"pg_ctl start failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{log}")
        else:
            raise RuntimeError("pg_ctl start failed five times on a port taken meanwhile")
        _wait_ready(server)
        _populate(server)
        server.started_seconds = time.monotonic() - began
        return server
    except BaseException:
        server.stop()
        raise


def _wait_ready(server: Server) -> None:
    """`pg_ctl -w` waited for the socket; wait (bounded) until a password login works too."""
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with psycopg.connect(host=server.host, port=server.port, dbname="postgres", user="postgres",
                                 password=server.admin_password, connect_timeout=5):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def daily_rows() -> list[tuple[date, int]]:
    return [(DAILY_START + timedelta(days=i), DAILY_BASE + i) for i in range(DAILY_DAYS)]


def restore(server: Server) -> None:
    """Put the database back as `start()` left it (after a test that a write got through)."""
    from psycopg import sql

    with server.connect(admin=True) as conn:
        for schema, table in conn.execute(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema "
                "NOT IN ('pg_catalog', 'information_schema') AND table_name <> 'daily'").fetchall():
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}.{} CASCADE").format(sql.Identifier(schema),
                                                                              sql.Identifier(table)))
        for (name,) in conn.execute("SELECT sequence_name FROM information_schema.sequences").fetchall():
            conn.execute(sql.SQL("DROP SEQUENCE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute("SELECT lo_unlink(oid) FROM pg_largeobject_metadata")
    with server.connect() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS daily (day date PRIMARY KEY, value numeric NOT NULL)")
        conn.execute("DELETE FROM daily")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO daily (day, value) VALUES (%s, %s)", daily_rows())


def _populate(server: Server) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=server.host, port=server.port, dbname="postgres", user="postgres",
                         password=server.admin_password, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(server.user), sql.Literal(server.password)))
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(server.database), sql.Identifier(server.user)))
    # The test role owns the table, so only the read-only transaction strat opens stops a write
    # (not a missing privilege): a test of that refusal can fail.
    with server.connect() as conn:
        conn.execute("CREATE TABLE daily (day date PRIMARY KEY, value numeric NOT NULL)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO daily (day, value) VALUES (%s, %s)", daily_rows())
