"""`strat.yaml` at the repository root: where the strategy is, rule severities and
thresholds. Read through the same hardened loader as strategy files and validated by
`schemas/config.schema.json`."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strat.diagnostics import Diagnostic, Severity

CONFIG_NAME = "strat.yaml"
ROOT_MARKERS = (CONFIG_NAME, ".git")


@dataclass(slots=True)
class Config:
    strategy: str = "strategy"
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)  # code → error|warning|info|off
    max_links: int = 1
    stale_after_days: int = 45
    stale_data_days: int = 14
    close_after_days: int = 14
    forecast_at_risk: float = 0.7
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → {url | url_env, timeout_seconds}
    site: dict[str, Any] = field(default_factory=dict)
    path: str | None = None  # repo-relative path of the file it came from


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `strat.yaml` or `.git`."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for folder in (current, *current.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return None


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """The repository's configuration, or the defaults when there is no `strat.yaml`."""
    from strat.load import load_file

    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(), []
    source, diagnostics = load_file(path, CONFIG_NAME, report_empty=False)  # empty: the defaults
    if source is None or diagnostics:
        return Config(path=CONFIG_NAME), diagnostics
    if not source.documents:
        return Config(path=CONFIG_NAME), []
    doc = source.documents[0]
    _off_means_off(doc.data)
    from strat.connections import secret_findings

    errors = _validate(doc) + secret_findings(doc)  # a password written in strat.yaml: refused at its line
    if errors and isinstance(data := doc.data, dict) and data.get("connections"):
        from dataclasses import replace

        from strat.connections import config_secrets, redact

        secrets = config_secrets(data)  # a finding that quotes a connection's value shows no secret
        errors = [replace(d, message=redact(d.message, secrets)) for d in errors]
    if errors:
        return Config(path=CONFIG_NAME), errors
    data = doc.data
    return Config(
        strategy=data.get("strategy", "strategy"),
        include=list(data.get("include", [])),
        exclude=list(data.get("exclude", [])),
        rules=dict(data.get("rules", {})),
        max_links=data.get("max_links", 1),
        stale_after_days=data.get("stale_after_days", 45),
        stale_data_days=data.get("stale_data_days", 14),
        close_after_days=data.get("close_after_days", 14),
        forecast_at_risk=data.get("forecast_at_risk", 0.7),
        connections={str(k): dict(v) for k, v in (data.get("connections") or {}).items()},
        site=dict(data.get("site", {})),
        path=CONFIG_NAME,
    ), []


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    from strat import schemas

    return Draft202012Validator(schemas.load_all()[schemas.CONFIG_FILE], registry=schemas.registry())


def _off_means_off(data: Any) -> None:
    """`A312: off` unquoted reads as the boolean false (strat reads YAML 1.1 booleans); in
    `rules` it can only mean the severity `off`, so it is taken as that."""
    rules = data.get("rules") if isinstance(data, dict) else None
    if isinstance(rules, dict):
        for code, value in rules.items():
            if value is False:
                rules[code] = "off"


@functools.cache
def _compiled() -> Any:
    """A compiled validator (jsonschema-rs) of the same schema, or None: it only decides
    that a configuration is valid; jsonschema makes the messages of one that is not (as
    `strat.validate.compiled` does for documents)."""
    try:
        import jsonschema_rs

        from strat import schemas

        return jsonschema_rs.Draft202012Validator(
            schemas.inline_refs(schemas.load_all()[schemas.CONFIG_FILE], schemas.CONFIG_FILE), validate_formats=False)
    except Exception:  # noqa: BLE001 - not installed, or a schema it cannot compile: jsonschema alone
        return None


def _validate(doc: Any) -> list[Diagnostic]:
    fast = _compiled()
    try:
        if fast is not None and fast.is_valid(doc.data):
            return []
    except Exception:  # noqa: BLE001 - a value it cannot convert: jsonschema decides
        pass
    from strat.validate import _explain

    out = []
    for error in _validator().iter_errors(doc.data):
        for code, path, message, key in _explain(error):
            code = "S104" if code == "S102" else code  # every setting is optional: a wrong value
            out.append(Diagnostic(code, Severity.ERROR, f"strat.yaml: {message}", doc.location(path, key=key)))
    return out
