"""What is published to whom (`strat site build --audience public|internal`): real MkDocs
builds scanned file by file, and the filtered model (`strat.audience`) on hostile cases.

The main case is a copy of this repository's example (Fieldwise) with one goal and one
initiative marked `visibility: internal`, built for both audiences. Every file of the
public site (HTML, the search index, the sitemap, SVG, JSON, text) is read back, decoded
as a browser or a search box would read it, and must name no team cost, no e-mail and no
internal entity; the internal site must still have each of them, so the scan is proven
to find what it looks for."""

from __future__ import annotations

import gzip
import html
import json
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import helpers
import sitetest
from strat import numbers
from strat.audience import AudienceProblem, Audience, audience, filtered, mentions
from strat.config import Config
from strat.load import load_file

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-12-07"
INTERNAL_GOAL = "qualified-trials-from-switchers"  # team growth-marketing, with an impact; named in no prose
INTERNAL_INITIATIVE = "tap-to-pay-on-site"  # of a goal that stays public
CASCADED = "switching-guides"  # an initiative of the internal goal: hidden with it
COST_BUMP = 17  # team costs made unmistakable (1400017): no other figure, rule example or date has them
SCANNED = (".html", ".json", ".xml", ".svg", ".txt", ".js", ".gz")


def _mark_internal(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ident = path.stem
    assert f"\nid: {ident}\n" in text
    path.write_text(text.replace(f"\nid: {ident}\n", f"\nid: {ident}\nvisibility: internal\n", 1), encoding="utf-8")


def _example_copy(root: Path) -> Path:
    shutil.copytree(REPO / "strategy", root / "strategy")
    # The example's own strat.yaml, without its `site` setting (it builds the demo for the
    # company): this copy publishes with the defaults a company gets.
    config = (REPO / "strat.yaml").read_text(encoding="utf-8")
    (root / "strat.yaml").write_text(config.split("\nsite:")[0] + "\n", encoding="utf-8")
    _mark_internal(root / "strategy" / "goals" / f"{INTERNAL_GOAL}.yaml")
    _mark_internal(root / "strategy" / "initiatives" / f"{INTERNAL_INITIATIVE}.yaml")
    for team in (root / "strategy" / "teams").glob("*.yaml"):
        text = team.read_text(encoding="utf-8")
        team.write_text(re.sub(r"(?m)^(  annual: )(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + COST_BUMP}", text),
                        encoding="utf-8")
    return root


def _entities(root: Path, kind_dir: str) -> list[dict]:
    out = []
    for path in sorted((root / "strategy" / kind_dir).glob("*.yaml")):
        source, problems = load_file(path, path.name)
        assert source is not None and not problems
        out += [d.data for d in source.documents]
    return out


def _readable(path: Path) -> str:
    """A built file as a reader or a search box gets it: gzip opened, JSON strings
    decoded, character references resolved."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8")
    if path.suffix == ".json":
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(html.unescape(text))  # a search index holds page HTML, itself escaped


def _files(site: Path) -> dict[str, str]:
    found = {p.relative_to(site).as_posix(): _readable(p) for p in sorted(site.rglob("*"))
             if p.is_file() and p.suffix in SCANNED and "assets/javascripts" not in p.as_posix()}
    assert any(rel.endswith("search_index.json") for rel in found) and "sitemap.xml" in found
    return found


def _broken_links(site: Path) -> list[str]:
    broken = []
    attr = re.compile(r'<(?:a|link|script|img)\b[^>]*?\b(?:href|src)="([^"]*)"')
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        base = page.parent.relative_to(site).as_posix()
        for url in attr.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(html.unescape(url))
            if parts.scheme or parts.netloc or not parts.path:
                continue
            candidate = site / posixpath.normpath(posixpath.join(base, parts.path))
            if url.endswith("/") or candidate.is_dir():
                candidate = candidate / "index.html"
            if not candidate.exists():
                broken.append(f"{page.relative_to(site)}: {url}")
    return broken


class Built:
    def __init__(self, root: Path, public: Path, internal: Path) -> None:
        self.root, self.public, self.internal = root, public, internal
        self.pub_files, self.int_files = _files(public), _files(internal)
        self.teams = _entities(root, "teams")
        self.people = [p for p in _entities(root, "people") if p.get("email")]
        goals = {g["id"]: g for g in _entities(root, "goals")}
        initiatives = {i["id"]: i for i in _entities(root, "initiatives")}
        self.hidden = {INTERNAL_GOAL: goals[INTERNAL_GOAL]["title"],
                       INTERNAL_INITIATIVE: initiatives[INTERNAL_INITIATIVE]["title"],
                       CASCADED: initiatives[CASCADED]["title"]}
        self.goals, self.initiatives = goals, initiatives


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("audience")
    root = _example_copy(base / "repo")
    public = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(base / "public"), "--strict"], cwd=root)
    assert public.exit_code == 0, public.stderr
    assert "for a public audience (left out: Person.email, Team.cost, 3 internal entities)" in public.stderr
    internal = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(base / "internal"), "--audience",
                                "internal", "-q"], cwd=root)
    assert internal.exit_code == 0, internal.stderr
    return Built(root, base / "public", base / "internal")


def _cost_forms(team: dict) -> list[str]:
    annual, currency = team["cost"]["annual"], team["cost"]["currency"]
    return [str(annual), f"{annual:,}", numbers.money(annual, currency, False)]


def test_no_team_cost_anywhere_in_a_public_build(built: Built) -> None:
    assert len(built.teams) >= 5 and all("cost" in t for t in built.teams)
    for team in built.teams:
        for form in _cost_forms(team):
            leaks = [rel for rel, text in built.pub_files.items() if form in text]
            assert not leaks, f"team {team['id']} cost {form!r} in {leaks}"
        # the internal site shows it (the scan finds what it looks for)
        assert numbers.money(team["cost"]["annual"], team["cost"]["currency"], False) in \
            built.int_files[f"teams/{team['id']}/index.html"]
        # compact, where a cost was shown: the team's page, the indexes, departments, ROI
        compact = numbers.money(team["cost"]["annual"], team["cost"]["currency"])
        shown = [rel for rel, text in built.int_files.items() if compact in text]
        assert f"teams/index.html" in shown
        for rel in shown:
            if rel in built.pub_files and rel.startswith(("teams/", "departments/", "roi/")):
                assert compact not in built.pub_files[rel], (team["id"], rel)


def test_no_email_anywhere_in_a_public_build(built: Built) -> None:
    assert len(built.people) >= 8
    domain = built.people[0]["email"].split("@")[1]
    for rel, text in built.pub_files.items():
        assert "@" + domain not in text, rel
        for person in built.people:
            assert person["email"] not in text, (rel, person["id"])
    assert any(built.people[0]["email"] in text for text in built.int_files.values())


def test_no_internal_entity_anywhere_in_a_public_build(built: Built) -> None:
    for ident, title in built.hidden.items():
        word = re.compile(rf"(?<![a-z0-9-]){re.escape(ident)}(?![a-z0-9-])")
        for rel, text in built.pub_files.items():
            assert not word.search(text), (ident, rel)
            assert title not in text, (title, rel)
        assert any(word.search(text) for text in built.int_files.values()), ident
        assert any(title in text for text in built.int_files.values()), title
    pages = {p.relative_to(built.public).as_posix() for p in built.public.rglob("index.html")}
    assert f"goals/{INTERNAL_GOAL}/index.html" not in pages
    assert f"initiatives/{INTERNAL_INITIATIVE}/index.html" not in pages
    assert f"goals/{INTERNAL_GOAL}/index.html" in {p.relative_to(built.internal).as_posix()
                                                   for p in built.internal.rglob("index.html")}


def test_the_hidden_goals_figures_are_gone_too(built: Built) -> None:
    """Its impact (a figure only it has) is on no public page; it is on the internal ROI."""
    impact = built.goals[INTERNAL_GOAL]["impact"]
    full = numbers.money(impact["annual"], impact["currency"], False)
    assert full in built.int_files[f"goals/{INTERNAL_GOAL}/index.html"]
    assert not [rel for rel, text in built.pub_files.items() if full in text]


def test_no_link_to_a_hidden_page_and_no_lint_or_changelog(built: Built) -> None:
    assert _broken_links(built.public) == []
    assert not (built.public / "health").exists() and not (built.public / "changelog").exists()
    assert (built.internal / "health" / "index.html").exists() and (built.internal / "changelog" / "index.html").exists()
    assert not (built.public / "reviews").exists() and list((built.internal / "reviews").glob("*.html"))
    for rel, text in built.pub_files.items():
        assert "health/" not in text.replace("strat-health", "") or rel.startswith("rules/"), rel
        assert "changelog/" not in text and "Review pack" not in text, rel
    home = built.pub_files["index.html"]
    assert "Lint findings" not in home and "Lint findings" in built.int_files["index.html"]


def test_counts_are_of_what_is_shown(built: Built) -> None:
    def stat(text: str, label: str) -> int:
        found = re.search(r'strat-stat__n">(\d+)</span><span class="strat-stat__label">' + label, text)
        assert found, label
        return int(found.group(1))

    assert stat(built.pub_files["index.html"], "Goals") == stat(built.int_files["index.html"], "Goals") - 1
    assert stat(built.pub_files["index.html"], "Goals") == len(built.goals) - 1


def test_roi_says_not_published_and_counts_only_visible_impact(built: Built) -> None:
    roi = built.pub_files["roi/index.html"]
    assert "Not published" in roi and "×" not in roi
    rows = re.findall(r"<tr>(.*?)</tr>", roi, re.S)[1:]
    assert len(rows) == len(built.teams)
    for row in rows:
        assert row.count("not published") == 1  # cost and return
    # the growth team's impact without the internal goal's: its other goals declare none
    held = [g for g in built.goals.values() if g.get("team") == "growth-marketing" and g["id"] != INTERNAL_GOAL
            and g.get("status") != "dropped" and g.get("impact")]
    growth = next(r for r in rows if "Growth Marketing" in r)
    if not held:
        assert "<td>–</td>" in growth
    internal = built.int_files["roi/index.html"]
    assert "not published" not in internal and "×" in internal
    team_page = built.pub_files["teams/growth-marketing/index.html"]
    assert "not published" in team_page and "cannot be shown" not in team_page


# --- the filtered model ----------------------------------------------------------------------


def _base(tmp_path: Path, marks: list[str], config: str = "", extra: dict[str, str] | None = None) -> sitetest.Loaded:
    root = helpers.copy_base(tmp_path / "base", files=extra, config=config, git=False)
    for rel in marks:
        _mark_internal(root / "strategy" / rel)
    return sitetest.load(root)


PUBLIC = Audience("public", {"Team": (("cost",),), "Person": (("email",),)})


def test_an_internal_objective_takes_what_hangs_on_it(tmp_path: Path) -> None:
    loaded = _base(tmp_path, ["objectives/cut-support-cost.yaml"])
    model, hidden = filtered(loaded.model, PUBLIC)
    assert sorted(hidden.ids["Objective"]) == ["cut-support-cost"]
    assert sorted(hidden.ids["Goal"]) == ["fewer-setup-tickets", "support-deflection"]  # parent hidden
    assert hidden.ids["Initiative"] == ["help-centre-search"]  # its goal hidden
    plan = model.get("plan-2026-h2")
    assert plan is not None and plan.data["objectives"] == ["grow-retention"]  # a secondary link: dropped
    assert loaded.model.get("plan-2026-h2").data["objectives"] == ["grow-retention", "cut-support-cost"]  # copy
    assert "cost" not in model.get("onboarding").data and "cost" in loaded.model.get("onboarding").data
    assert all("email" not in d.data for d in model.of_kind("Person"))
    assert model.withheld == {"Team": frozenset({"cost"}), "Person": frozenset({"email"})}


def test_an_internal_metric_hides_its_goals_and_readings_and_leaves_the_tree(tmp_path: Path) -> None:
    readings = ("kind: Readings\nid: setup-tickets-readings\nmetric: setup-tickets\nvalues:\n"
                "  - {date: 2026-11-02, value: 1100}\n")
    loaded = _base(tmp_path, ["metrics/setup-tickets.yaml"], extra={"strategy/readings/setup.yaml": readings})
    model, hidden = filtered(loaded.model, PUBLIC)
    assert hidden.ids["Metric"] == ["setup-tickets"]
    assert hidden.ids["Readings"] == ["setup-tickets-readings"]
    assert sorted(hidden.ids["Goal"]) == ["faster-activation", "fewer-setup-tickets", "support-deflection"]
    assert model.get("support-cost") is not None


def test_internal_north_star_and_superseded_decision_are_dropped_links(tmp_path: Path) -> None:
    loaded = _base(tmp_path, ["metrics/paid-invoices-weekly.yaml", "decisions/card-required-trial.yaml"])
    model, _ = filtered(loaded.model, PUBLIC)
    assert model.strategy is not None and "north_star" not in model.strategy.data
    decision = model.get("no-card-trial")
    assert decision is not None and "supersedes" not in decision.data
    assert loaded.model.get("no-card-trial").data["supersedes"] == "card-required-trial"


def test_internal_audience_is_the_model_itself(tmp_path: Path) -> None:
    loaded = _base(tmp_path, ["goals/faster-activation.yaml"])
    model, hidden = filtered(loaded.model, Audience("internal"))
    assert model is loaded.model and hidden.ids == {}


def test_published_text_naming_a_hidden_entity_is_found(tmp_path: Path) -> None:
    loaded = _base(tmp_path, ["initiatives/setup-wizard.yaml"], extra={"strategy/decisions/wizard.yaml": (
        "kind: Decision\nid: wizard-call\ntitle: Keep the wizard\ndate: 2026-10-01\nstatus: accepted\n"
        "decided_by: asmith\nvalues: [candour]\ncontext: The Guided setup wizard (setup-wizard) did well.\n"
        "decision: Keep it.\n")})
    model, _ = filtered(loaded.model, PUBLIC)
    found = mentions(loaded.model, model)
    assert [(m.ident, m.where.path) for m in found] == [("setup-wizard", "strategy/decisions/wizard.yaml")]
    assert "strategy/decisions/wizard.yaml:" in found[0].message()


@pytest.mark.parametrize(("site", "needle"), [
    ({"public": {"leave_out": ["Person.emial"]}}, "has no field 'emial'"),
    ({"public": {"leave_out": ["Person"]}}, "not `Kind.field`"),
    ({"public": {"leave_out": ["Persons.email"]}}, "not `Kind.field`"),
    ({"public": {"leave_out": ["Goal.id"]}}, "cannot be left out"),
    ({"public": {"leave_out": ["Goal.checkins.nope"]}}, "has no field 'checkins.nope'"),
    ({"public": {"kinds": ["Team"]}}, "cannot be left out"),
    ({"audience": "everyone"}, "not one of"),
], ids=["typo", "no-field", "no-kind", "id", "nested-typo", "kind", "audience"])
def test_a_wrong_setting_is_refused_never_ignored(site: dict, needle: str) -> None:
    with pytest.raises(AudienceProblem, match=re.escape(needle)):
        audience(Config(site=site))


def test_settings_and_defaults() -> None:
    assert audience(Config()).public  # the default must not leak
    assert audience(Config()).fields == {"Team": (("cost",),), "Person": (("email",),)}
    assert not audience(Config(site={"audience": "internal"})).public
    assert audience(Config(site={"audience": "internal"}), "public").public  # --audience wins
    chosen = audience(Config(site={"public": {"leave_out": ["Goal.checkins.note", "Goal.impact"], "kinds": ["Decision"]}}))
    assert chosen.fields == {"Goal": (("checkins", "note"), ("impact",))} and chosen.kinds == {"Decision"}


# --- the command ---------------------------------------------------------------------------


def test_public_build_refuses_text_that_names_an_internal_entity(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False, files={"strategy/decisions/wizard.yaml": (
        "kind: Decision\nid: wizard-call\ntitle: Keep the wizard\ndate: 2026-10-01\nstatus: accepted\n"
        "decided_by: asmith\nvalues: [candour]\ncontext: The setup-wizard did well.\ndecision: Keep it.\n")})
    _mark_internal(root / "strategy" / "initiatives" / "setup-wizard.yaml")
    out = tmp_path / "public"
    result = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(out)], cwd=root)
    assert result.exit_code == 1
    assert "strategy/decisions/wizard.yaml:8:10: published text names the internal initiative `setup-wizard`" \
        in result.stderr
    assert not (out / "index.html").exists()
    internal = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(out), "--audience", "internal", "-q"],
                               cwd=root)
    assert internal.exit_code == 0, internal.stderr


def test_a_misspelt_field_stops_the_build(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False, config="site:\n  public:\n    leave_out: [Person.emial]\n")
    result = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(tmp_path / "public")], cwd=root)
    assert result.exit_code == 2
    assert "a Person has no field 'emial'" in result.stderr
    assert not (tmp_path / "public" / "index.html").exists()


def test_a_wrong_audience_in_strat_yaml_is_a_config_error(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False, config="site:\n  audience: everyone\n")
    result = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(tmp_path / "public")], cwd=root)
    assert result.exit_code == 1 and "strat.yaml" in result.stderr and "audience" in result.stderr


def test_a_wrong_visibility_is_a_schema_error(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    path = root / "strategy" / "goals" / "faster-activation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nid: faster-activation\n",
                                                             "\nid: faster-activation\nvisibility: secret\n"))
    result = helpers.lint_json(root)
    codes = {d["code"] for d in json.loads(result.stdout)["diagnostics"]}
    assert result.exit_code == 1 and codes & {"S102", "S103", "S104"}, result.stdout


def test_render_for_another_builder_filters_the_same_way(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    _mark_internal(root / "strategy" / "goals" / "support-deflection.yaml")
    out = tmp_path / "project"
    result = helpers.run_cli(["site", "render", str(out), "--today", TODAY], cwd=root)
    assert result.exit_code == 0, result.stderr
    docs = {p.relative_to(out / "docs").as_posix(): p.read_text(encoding="utf-8") for p in (out / "docs").rglob("*.md")}
    assert "goals/support-deflection.md" not in docs and "health.md" not in docs
    text = html.unescape("\n".join(docs.values()))
    assert "support-deflection" not in text and "alice.smith@ledgerly.example" not in text
    assert "not published" in docs["teams/index.md"] and "not published" in docs["roi.md"]
    assert "health.md" not in (out / "mkdocs.yml").read_text(encoding="utf-8")


def test_a_title_is_found_in_any_case_an_id_only_as_written(tmp_path: Path) -> None:
    loaded = _base(tmp_path, ["initiatives/setup-wizard.yaml"], extra={"strategy/decisions/wizard.yaml": (
        "kind: Decision\nid: wizard-call\ntitle: Keep the wizard\ndate: 2026-10-01\nstatus: accepted\n"
        "decided_by: asmith\nvalues: [candour]\ncontext: We shipped the GUIDED SETUP WIZARD.\n"
        "decision: The SETUP-WIZARD-2 and setup-wizards are other things.\n")})
    model, _ = filtered(loaded.model, PUBLIC)
    found = mentions(loaded.model, model)
    assert [(m.ident, m.by_title, m.where.line) for m in found] == [("setup-wizard", True, 8)]


def test_fields_through_lists_and_whole_kinds(tmp_path: Path) -> None:
    loaded = _base(tmp_path, [])
    who = audience(Config(site={"public": {"leave_out": ["Goal.checkins.note"], "kinds": ["Decision"]}}))
    model, hidden = filtered(loaded.model, who)
    assert sorted(hidden.ids["Decision"]) == ["card-required-trial", "no-card-trial"] and not model.of_kind("Decision")
    noted = [c for g in loaded.model.of_kind("Goal") for c in g.data.get("checkins", []) if "note" in c]
    assert noted  # the base has check-in notes, and the copy has none
    assert not [c for g in model.of_kind("Goal") for c in g.data.get("checkins", []) if "note" in c]
    assert all("value" in c or "confidence" in c for g in model.of_kind("Goal") for c in g.data.get("checkins", []))
    assert "cost" in model.get("onboarding").data  # leave_out replaced the default list
