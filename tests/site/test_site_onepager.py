"""The metrics one-pager's drawings (strat.site.onepager): every box of a goal, an
objective, a metric and the North Star names its owner, as the Person's name, in each of
the three drawings (across for wide screens, down for phones, and the one for print).
The owners are read here from the YAML files themselves, not through strat.facts, so a
box that shows the wrong person, the handle instead of the name, or no owner fails."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from strat.facts import build_facts
from strat.model import build_model
from strat.rules.context import RuleContext
from strat.progress import forecast_text
from strat.site import onepager, paths

import helpers
import sitetest

REPO = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"
OWNED = {"goals": "Goal", "objectives": "Objective", "metrics": "Metric"}


def _documents(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        out += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(d, dict)]
    return out


def _owners(root: Path) -> dict[tuple[str, str], str]:
    """(folder, id) → the owner's name, from strategy/people and the owned kinds' files."""
    names = {d["id"]: d["name"] for d in _documents(root / "strategy" / "people") if d.get("kind") == "Person"}
    out = {}
    for folder in OWNED:
        for doc in _documents(root / "strategy" / folder):
            if doc.get("owner") in names:
                out[(folder, doc["id"])] = names[doc["owner"]]
    return out


def _boxes(drawing: str) -> list[tuple[str, str, list[str]]]:
    """(folder, id, the texts drawn in the box) for each box of a drawing."""
    out = []
    for a in ET.fromstring(drawing).iter(f"{SVG}a"):
        folder, ident = [p for p in a.attrib["href"].split("/") if p and p != ".."][-2:]
        out.append((folder, ident, ["".join(t.itertext()) for t in a.iter(f"{SVG}text")]))
    return out


def _drawings(loaded: sitetest.Loaded) -> dict[str, list[str]]:
    facts = build_facts(loaded.ctx)
    drawings = onepager.one_pager(facts, paths.MAP)
    return {"across": [d.across for d in drawings], "down": [d.down for d in drawings],
            "print": [onepager.print_map(facts, paths.MAP)]}


@pytest.fixture(params=["base", "example"])
def strategy(request: pytest.FixtureRequest, tmp_path: Path) -> sitetest.Loaded:
    root = helpers.copy_base(tmp_path / "base", git=False) if request.param == "base" else REPO
    return sitetest.load(root)


@pytest.mark.parametrize("which", ["across", "down", "print"])
def test_every_box_shows_its_owners_name(strategy: sitetest.Loaded, which: str) -> None:
    owners = _owners(strategy.root)
    assert len(owners) >= 8, "the strategy has owners to show"
    assert all(len(name) <= 20 for name in owners.values()), "a name this short is never shortened with …"
    shown: set[tuple[str, str]] = set()
    for drawing in _drawings(strategy)[which]:
        for folder, ident, texts in _boxes(drawing):
            if (folder, ident) in owners:
                owner = owners[(folder, ident)]
                assert owner in texts or f"owner {owner}" in texts, (which, folder, ident, texts)
                shown.add((folder, ident))
    # Every owned goal and objective is in the drawings (dropped goals are not drawn).
    dropped = {("goals", d["id"]) for d in _documents(strategy.root / "strategy" / "goals")
               if d.get("status") == "dropped"}
    expected = {k for k in owners if k[0] in ("goals", "objectives")} - dropped
    assert expected and expected <= shown, sorted(expected - shown)


def test_the_owner_is_the_persons_name_not_the_handle(tmp_path: Path) -> None:
    """A Person renamed: the boxes follow the Person's name; an owner with no Person is
    shown as written."""
    root = helpers.copy_base(tmp_path / "base", git=False)
    owners = _owners(root)
    goal_id, person = next((i, n) for (f, i), n in owners.items() if f == "goals")
    handle = next(d["owner"] for d in _documents(root / "strategy" / "goals") if d["id"] == goal_id)
    for path in (root / "strategy" / "people").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if f"name: {person}" in text:
            path.write_text(text.replace(f"name: {person}", "name: Zoë Renamed"), encoding="utf-8")
    drawings = _drawings(sitetest.load(root))
    for which, svgs in drawings.items():
        texts = [t for s in svgs for f, i, ts in _boxes(s) if (f, i) == ("goals", goal_id) for t in ts]
        assert "Zoë Renamed" in texts and person not in texts and handle not in texts, (which, texts)


READINGS = """\
kind: Readings
id: net-revenue-retention-2026
metric: net-revenue-retention
values:
  - {date: 2026-08-31, value: 105}
  - {date: 2026-09-30, value: 105.5}
  - {date: 2026-10-31, value: 106}
"""


def test_an_objectives_box_shows_its_number_from_strat_progress(tmp_path: Path) -> None:
    """grow-retention goes from 104 to 112; with readings 105, 105.5 and 106 its box says "now
    106% · 25% of the way", the forecast and the status strat.progress gives, in each of
    the three drawings."""
    root = helpers.copy_base(tmp_path / "base", git=False)
    (root / "strategy" / "readings").mkdir()
    (root / "strategy" / "readings" / "net-revenue-retention.yaml").write_text(READINGS, encoding="utf-8")
    loaded = sitetest.load(root)
    facts = build_facts(loaded.ctx)
    measured = facts.measures.objective(facts.get("grow-retention", "Objective"))
    number = measured.number
    assert (number.current, number.percent) == (106, 25)
    assert number.forecast is not None
    for which, svgs in _drawings(loaded).items():
        texts = [t for s in svgs for f, i, ts in _boxes(s) if (f, i) == ("objectives", "grow-retention") for t in ts]
        assert "now 106% · 25% of the way" in texts, (which, texts)
        assert f"forecast {forecast_text(number, measured.unit)}" in texts and number.label in texts, (which, texts)


def _big(base: sitetest.Loaded, objectives: int, goals: int) -> sitetest.Loaded:
    """The base strategy with `objectives` more objectives of `goals` goals each."""
    docs = [copy.deepcopy(d) for d in base.model.documents]
    goal = next(d for d in docs if d.id == "fewer-setup-tickets")
    objective = next(d for d in docs if d.id == "cut-support-cost")
    for o in range(objectives):
        docs.append(copy.deepcopy(objective))
        docs[-1].data["id"] = f"objective-{o}"
        for g in range(goals):
            docs.append(copy.deepcopy(goal))
            docs[-1].data.update(id=f"goal-{o}-{g}", parent=f"objective-{o}", title=f"Goal {g} of objective {o}")
    model, _ = build_model(docs)
    return sitetest.Loaded(base.root, model, RuleContext(model, base.ctx.config, base.ctx.today, None))


@pytest.mark.parametrize(("objectives", "goals", "whole"), [(0, 0, True), (3, 4, True), (12, 6, False)])
def test_the_print_drawing_is_the_whole_map_unless_it_would_print_too_small(
        base: sitetest.Loaded, objectives: int, goals: int, whole: bool) -> None:
    """The drawing for print holds every objective, and every goal while the map prints
    at PRINT_MIN_SCALE or more; a bigger map prints as the overview (no goal boxes)."""
    facts = build_facts(_big(base, objectives, goals).ctx)
    drawing = onepager.print_map(facts, paths.MAP)
    width, height = map(float, re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', drawing).groups())
    scale = min(onepager.PRINT_BOX[0] / width, onepager.PRINT_BOX[1] / height)
    boxes = {(folder, ident) for folder, ident, _ in _boxes(drawing)}
    assert {("objectives", o.id) for o in facts.entities["Objective"]} <= boxes
    drawn_goals = {i for f, i in boxes if f == "goals"}
    if whole:
        assert drawn_goals == {g.id for g in facts.goals() if g.data.get("status") != "dropped"}
        assert scale >= onepager.PRINT_MIN_SCALE, scale
    else:
        assert drawn_goals == set() and scale >= onepager.PRINT_MIN_SCALE, scale
        assert onepager.print_map(facts, paths.MAP, overview=True) == drawing
