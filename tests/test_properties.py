"""Property tests: whatever bytes or YAML-shaped text a pull request holds, the loader
never raises, and `strat lint` ends with 0 or 1 and well-formed diagnostics."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from strat import schemas
from strat.load import parse_bytes

YAML_CHARS = st.sampled_from(list("abcz019 -:#&*!%|>'\"[]{},?@`\t\n\r.~\\") + ["\ufeff", "\x00", "é", "\u2028"])

yamlish_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(YAML_CHARS, max_size=300).map(lambda t: t.encode("utf-8")),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=100).map(lambda t: t.encode("utf-16")),
)


@settings(max_examples=200, deadline=None)
@given(yamlish_bytes)
def test_parse_bytes_never_raises_and_reports_only_file_codes(raw: bytes) -> None:
    source, diagnostics = parse_bytes(raw, "strategy/x.yaml")
    for d in diagnostics:
        assert d.code in {"E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008"}, d
        assert d.location.path == "strategy/x.yaml"
        assert d.location.line >= 1 and d.location.column >= 1
        assert d.message
    if source is None:
        assert len(diagnostics) == 1  # a refused file: exactly one reason
    else:
        assert all(isinstance(doc.data, dict) for doc in source.documents)
        for doc in source.documents:
            assert all(line >= 1 and column >= 1 for line, column in doc.values.values())
            assert all(isinstance(k, str) for k in doc.data)


# --- documents through the whole CLI -------------------------------------------------------

FIELD_NAMES = sorted({name for kind in schemas.kinds()
                      for name in schemas.schema_for(kind).get("properties", {})} | {"x-extra", "<<"})
KINDS = st.one_of(st.sampled_from(schemas.kinds()), st.text(max_size=8), st.integers(), st.none(),
                  st.lists(st.sampled_from(schemas.kinds()), max_size=2),
                  st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, width=32),
    st.text(max_size=12), st.sampled_from(["2026-02-30", "2026-07-01", "onboarding", "grow-retention",
                                           "activation-rate", "yes", "NO", "cwu", "2026-h2", "Bad_Id"]),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=8))
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=12,
)


@st.composite
def documents(draw: Any) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(values)  # sometimes not a mapping at all
    doc = draw(st.dictionaries(keys, values, max_size=8))
    if draw(st.booleans()):
        doc["kind"] = draw(KINDS)
    if draw(st.booleans()):
        doc["id"] = draw(st.one_of(st.sampled_from(["g1", "cwu", "grow-retention", "x"]), st.text(max_size=6)))
    return doc


MUTATIONS = st.sampled_from(["\t", "&a ", "*a", "!", "!!str ", "%", ":", ": ", "- ", "[", "{", "\n", "---\n",
                             "<<: ", "'", '"', "# strat: ignore[S103] why\n", "? ", "\x00", "9" * 500])


@st.composite
def yaml_files(draw: Any) -> str:
    docs = draw(st.lists(documents(), min_size=1, max_size=3))
    text = "---\n".join(yaml.safe_dump(d, allow_unicode=True, sort_keys=False) for d in docs)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(MUTATIONS) + text[at:]
    return text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(yaml_files(), min_size=1, max_size=3), st.booleans())
def test_lint_on_arbitrary_documents_ends_with_0_or_1_and_wellformed_findings(
        texts: list[str], with_base: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        files = {f"strategy/generated/f{i}.yaml": t for i, t in enumerate(texts)}
        if with_base:
            helpers.copy_base(root, files, git=False)
        else:
            helpers.make_repo(root, files, git=False)
        result = helpers.lint_json(root)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1), result.stderr
    payload = json.loads(result.stdout)
    for d in payload["diagnostics"]:
        assert d["code"] in helpers.KNOWN_CODES, d
        assert d["path"] and not d["path"].startswith("/"), d
        assert isinstance(d["line"], int) and d["line"] >= 1, d
        assert isinstance(d["column"], int) and d["column"] >= 1, d
        assert d["severity"] in ("error", "warning", "info"), d
        assert d["message"], d
    has_error = any(d["severity"] == "error" for d in payload["diagnostics"])
    assert result.exit_code == (1 if has_error else 0)
    assert payload["summary"]["error"] == sum(d["severity"] == "error" for d in payload["diagnostics"])
