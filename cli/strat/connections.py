"""The databases `strat measure` reads, named under `connections` in `strat.yaml`, and the
one rule about their secrets: they come only from the environment and never appear in any
output, error or log.

* A connection gives its URL in `url` (no secret in it) or names the environment variable
  that holds it in `url_env`. The schema checks the shape (with line numbers);
  `secret_findings` refuses a URL written in `strat.yaml` that carries a password
  (`user:pass@host`) or a query parameter such as `password`, `token`, `key`, `secret`,
  `access_token` or `credentials` (S104 at its line; the message shows the parameter's name,
  never its value).
* `resolve_url` reads `url_env` from the environment the operator gave (trusted).
* `redact` replaces every secret of a URL (the whole URL from the environment, its password,
  its user:password pair, the values of secret query parameters, in plain and %-encoded
  form) by `***`. Every text a driver produces passes through it before strat shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from strat.diagnostics import Diagnostic, Severity

DEFAULT_CONNECTION = "default"
DEFAULT_TIMEOUT = 60
MASK = "***"
# Query parameter names that carry a secret (compared lower-case, `-` read as `_`).
_SECRET_WORDS = ("password", "passwd", "pwd", "token", "secret", "key", "credential", "signature", "sig")


class ConnectionProblem(Exception):
    """A connection that cannot be used (the message names it and holds no secret)."""


@dataclass(frozen=True, slots=True)
class Connection:
    name: str
    url: str | None
    url_env: str | None
    timeout_seconds: int = DEFAULT_TIMEOUT


def connections(config: Any) -> dict[str, Connection]:
    """The connections of a `strat.Config`, by name (already validated by the schema)."""
    out = {}
    for name, spec in (getattr(config, "connections", None) or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        url, env = spec.get("url"), spec.get("url_env")
        timeout = spec.get("timeout_seconds", DEFAULT_TIMEOUT)
        out[str(name)] = Connection(str(name), url if isinstance(url, str) else None,
                                    env if isinstance(env, str) else None,
                                    timeout if isinstance(timeout, int) and not isinstance(timeout, bool)
                                    else DEFAULT_TIMEOUT)
    return out


def resolve_url(conn: Connection, environ: Mapping[str, str]) -> str:
    """The connection's URL: `url`, else the value of the environment variable `url_env`.
    Raises ConnectionProblem (naming the connection and the variable, never a value)."""
    if conn.url_env:
        value = environ.get(conn.url_env)
        if not value or not value.strip():
            raise ConnectionProblem(f"connection `{conn.name}`: the environment variable {conn.url_env} "
                                    "is not set (it holds the connection URL)")
        return value.strip()
    if conn.url:
        return conn.url
    raise ConnectionProblem(f"connection `{conn.name}` has neither `url` nor `url_env` in strat.yaml")


def environment_secrets(config: Any, environ: Mapping[str, str]) -> list[str]:
    """The secrets of every connection URL that comes from the environment (each whole URL,
    its password, its secret parameters): what any text strat shows is redacted with."""
    out: list[str] = []
    for conn in connections(config).values():
        value = environ.get(conn.url_env) if conn.url_env else None
        if value and value.strip():
            out += url_secrets(value.strip(), whole=True) + url_secrets(value, whole=True)
    return out


def config_secrets(data: Any) -> list[str]:
    """The secrets written anywhere under `connections` in strat.yaml's data (passwords and
    secret parameters of every text that reads as a URL, the value of any key named like a
    secret): a finding about that part of the file must not quote them."""
    out: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            out.extend(url_secrets(node))
            if _secret_name(key):
                out.append(node)

    walk(data.get("connections") if isinstance(data, dict) else None)
    return out


def _secret_name(name: str) -> bool:
    word = name.lower().replace("-", "_")
    return any(part in word for part in _SECRET_WORDS)


def url_secrets(url: str, whole: bool = False) -> list[str]:
    """The secrets in a URL: its password (and user:password), the values of secret query
    parameters; with `whole`, the URL itself too (a URL from the environment is secret)."""
    found: list[str] = [url] if whole else []
    try:
        parts = urlsplit(url)
        password = parts.password
        userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:  # a malformed URL: nothing finer to find; the whole of it is masked when secret
        return found
    if password:
        found += [password, unquote(password), userinfo]
    found += [value for name, value in query if value and _secret_name(name)]
    if whole and "?" in url:
        found.append(url.split("?", 1)[1])
    return found


def redact(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """`text` with every secret (and its %-encoded and unencoded forms) replaced by `***`,
    longest first, so a password inside a URL inside a message is masked either way."""
    variants: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        variants.update({secret, unquote(secret), quote(secret, safe=""), quote(secret, safe="@:/")})
    for variant in sorted((v for v in variants if v), key=len, reverse=True):
        text = text.replace(variant, MASK)
    return text


def secret_problem(url: str) -> str | None:
    """Why a URL written in strat.yaml holds a secret (naming the part, never its value), or None."""
    try:
        parts = urlsplit(url)
        password = parts.password
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return None
    if password is not None:
        return "holds a password (`user:***@`)"
    names = sorted({name for name, value in query if _secret_name(name)})
    if names:
        return "holds a secret in its query (" + ", ".join(f"`{re.sub(r'[^A-Za-z0-9_.-]', '?', n)}=***`"
                                                           for n in names) + ")"
    return None


def secret_findings(config_doc: Any) -> list[Diagnostic]:
    """S104 for every `connections.NAME.url` in strat.yaml (a `strat.load.Document`) that holds
    a secret, at the line of the URL. The message never contains the secret."""
    out: list[Diagnostic] = []
    data = getattr(config_doc, "data", None)
    found = data.get("connections") if isinstance(data, dict) else None
    if not isinstance(found, dict):
        return out
    for name, spec in found.items():
        url = spec.get("url") if isinstance(spec, dict) else None
        if not isinstance(url, str):
            continue
        why = secret_problem(url)
        if why:
            out.append(Diagnostic(
                "S104", Severity.ERROR,
                f"strat.yaml: connections.{name}.url {why}; secrets come only from the environment: put the "
                f"URL in an environment variable and name it with `url_env` (remove the secret from git history "
                "too, and change it)",
                config_doc.location(("connections", str(name), "url"))))
    return out


__all__ = ["Connection", "ConnectionProblem", "connections", "resolve_url", "redact", "secret_findings",
           "url_secrets", "secret_problem", "environment_secrets", "config_secrets", "DEFAULT_CONNECTION"]
