"""A hostile strategy: every text field a pull request can write carries a payload, and
the built site must show each one as plain text. Nothing may run: no script the theme
did not put there, no event-handler attribute, no javascript: URL, no snippet include,
no template expansion, in pages, page titles, navigation or the search index."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

import helpers
from sitetest import ISSUE_PAYLOADS, html_files, scan_html

PAYLOADS = [
    *ISSUE_PAYLOADS,
    '--8<-- ".git/config"',
    "</title><script>alert(2)</script>",
    '"><svg onload=alert(3)>',
    "<a href=\"javascript:alert(4)\">click</a>",
    "&lt;script&gt;alert(5)&lt;/script&gt;",
    "![x](javascript:alert(6))",
    "<javascript:alert(7)>",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "    indented code <b>bold</b>",
    "# heading <i>x</i>",
    "\u202egnp.exe",
]
# Markup that must never appear literally in the HTML (the parser-based scan below also
# checks every attribute, decoded, for event handlers and javascript: URLs).
LIVE = ["<script>alert", "<img src=x", "<img/src", "<svg onload", "</title><script>", "<a href=\"javascript",
        "root:x:0:0", "SNIPPET-SECRET"]

TEXT_FIELDS = {
    "Strategy": ["company", "mission", "vision"],
    "Person": ["name", "title"],
    "Department": ["name", "description"],
    "Team": ["name", "mission"],
    "Metric": ["name", "description", "source", "unit"],
    "Objective": ["title", "why"],
    "Plan": ["title", "narrative"],
    "Goal": ["title", "customer_progress"],
    "Initiative": ["title", "hypothesis", "kill_criteria", "result"],
    "Decision": ["title", "context", "decision", "consequences"],
}


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _payloads() -> Iterator[str]:
    while True:
        yield from PAYLOADS


def poison(doc: dict[str, Any], payloads: Iterator[str]) -> None:
    """Put a payload into every free-text field of a document."""
    kind = doc.get("kind")
    for key in TEXT_FIELDS.get(kind, []):
        if key in doc or key in ("description", "source", "why", "narrative", "consequences", "mission", "title"):
            doc[key] = next(payloads)
    if kind == "Person":
        doc["email"] = "<img/src=x/onerror=alert(8)>@x"
    if kind == "Strategy":
        for value in doc.get("values", []):
            value["name"], value["description"] = next(payloads), next(payloads)
    if kind == "Metric":
        for edge in doc.get("drives", []):
            edge["hypothesis"] = next(payloads)
    if kind == "Goal":
        if "impact" in doc:
            doc["impact"]["basis"] = next(payloads)
        for entry in doc.get("benefits", []):
            entry["effect"] = next(payloads)
        for entry in doc.get("joint", []):
            entry["commitment"] = next(payloads)
        for entry in doc.get("checkins", []):
            entry["note"] = next(payloads)
        outcome = doc["outcome"]
        doc["key_results"] = [{"title": next(payloads), "metric": outcome["metric"], "baseline": outcome["baseline"],
                               "target": outcome["target"]}]
        doc["checkins"] = doc.get("checkins", []) + [
            {"date": "2026-10-01", "value": outcome["baseline"], "confidence": 0.5, "note": p} for p in PAYLOADS]


def hostile_repo(root: Path, mkdocs_yml: str | None) -> Path:
    helpers.copy_base(root, git=False)
    payloads = _payloads()
    for path in sorted((root / "strategy").rglob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
        for doc in docs:
            poison(doc, payloads)
        # allow_unicode=False: non-ASCII payloads (U+202E among them) arrive as \u escapes, the one
        # way a strategy file may carry a bidirectional control (raw ones are refused as E003).
        path.write_text(yaml.dump_all(docs, Dumper=_NoAliases, sort_keys=False, allow_unicode=False, width=1000),
                        encoding="utf-8")
    (root / ".git").mkdir(exist_ok=True)
    (root / ".git" / "config").write_text("[core]\n\tSNIPPET-SECRET = 1\n", encoding="utf-8")
    if mkdocs_yml is not None:
        (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    return root


# A repository that turns on everything that could interpret text: snippets (with the
# repository root as its base), attr_list, emoji, magic links, smart symbols.
LOADED_MKDOCS = """\
site_name: Hostile test
theme:
  name: material
markdown_extensions:
  - attr_list
  - md_in_html
  - admonition
  - pymdownx.snippets:
      base_path: ["."]
      check_paths: false
  - pymdownx.magiclink
  - pymdownx.smartsymbols
  - pymdownx.emoji
  - pymdownx.superfences
  - toc:
      permalink: true
"""


def build(root: Path) -> Path:
    result = helpers.run_cli(["site", "build", "--today", "2026-11-23", "--audience", "internal"], cwd=root)  # every page
    assert result.exit_code == 0, result.stderr + result.stdout
    return root / "public"


def _normalise(script: str) -> str:
    """Theme scripts differ between pages only by their relative paths."""
    return re.sub(r"(\.\./)+|\"\.\.(/\.\.)*\"|\"\.\"", "REL", script)


_CLEAN: dict[str | None, tuple[set[str], set[str]]] = {}


def clean_scripts(tmp_path: Path, config: str | None) -> tuple[set[str], set[str]]:
    """The scripts and event handlers the theme itself puts into a clean build of the
    base strategy with the same mkdocs.yml."""
    if config not in _CLEAN:
        root = helpers.copy_base(tmp_path / "clean", git=False)
        if config is not None:
            (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        scripts: set[str] = set()
        handlers: set[str] = set()
        for page in html_files(build(root)):
            scan = scan_html(page.read_text(encoding="utf-8"))
            scripts |= {_normalise(s) for s in scan.scripts}
            handlers |= set(scan.handlers)
        _CLEAN[config] = (scripts, handlers)
    return _CLEAN[config]


@pytest.mark.parametrize("config", [None, LOADED_MKDOCS], ids=["default-config", "every-extension"])
def test_payloads_render_as_plain_text(tmp_path: Path, config: str | None) -> None:
    root = hostile_repo(tmp_path / "repo", config)
    lint = helpers.run_cli(["lint", "--format", "json", "--today", "2026-11-23"], cwd=root)
    assert lint.exit_code == 0, lint.stdout  # hostile text is still a valid strategy
    site = build(root)
    theme_scripts, theme_handlers = clean_scripts(tmp_path, config)

    pages = html_files(site)
    assert len(pages) > 50
    for page in pages:
        text = page.read_text(encoding="utf-8")
        scan = scan_html(text)
        where = page.relative_to(site)
        assert {_normalise(s) for s in scan.scripts} <= theme_scripts, where
        assert set(scan.handlers) <= theme_handlers, where
        assert scan.js_urls == [], where
        assert scan.remote == [], where
        for live in LIVE:
            assert live not in text, f"{where}: {live!r} is live"
        titles = re.findall(r"<title>(.*?)</title>", text, re.S)
        assert titles and not any("<" in t for t in titles), f"{where}: title {titles!r}"  # page and SVG titles

    # The payload text is there, as text, on the pages it was written for.
    goal = (site / "goals" / "faster-activation" / "index.html").read_text(encoding="utf-8")
    assert "&#60;script&#62;alert&#40;1&#41;&#60;&#47;script&#62;" in goal
    assert "&#123;&#123; config &#125;&#125;" in goal
    # The table with a | in a cell keeps its columns.
    assert "Left &#124; right &#124; cell" in goal

    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for entry in index["docs"]:
        for field in ("title", "text"):
            value = entry.get(field, "")
            assert "<script" not in value and "<img" not in value and "<svg" not in value, (entry["location"], value)


def test_the_company_name_is_escaped_in_the_default_site_name(tmp_path: Path) -> None:
    root = hostile_repo(tmp_path / "repo", None)
    strategy = root / "strategy" / "strategy.yaml"
    data = yaml.safe_load(strategy.read_text(encoding="utf-8"))
    data["company"] = '"><script>alert(9)</script>'
    strategy.write_text(yaml.dump(data, Dumper=_NoAliases, sort_keys=False), encoding="utf-8")
    site = build(root)
    for page in html_files(site):
        text = page.read_text(encoding="utf-8")
        assert "alert(9)</script>" not in text and '"><script>' not in text
