"""The renderer: golden pages of the base strategy, and the properties every page keeps."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from strat.codes import CodeInfo, all_codes
from strat.diagnostics import Diagnostic, Location, Severity
from strat.site import charts, onepager, paths, svg
from strat.facts import REF_LABELS, build_facts
from strat.site.render import render_site

import helpers
import sitetest
from sitetest import GOLDEN, check_golden

# Golden pages use a fixed finding and a fixed pair of codes, so that a reworded rule
# message elsewhere in strat does not change them.
CODES = {
    "A305": CodeInfo("A305", "unexplained-link", Severity.WARNING,
                     "A goal's metric has no drives path to its objective's metric.\n\n## What it checks\nThe link."),
    "A312": CodeInfo("A312", "customer-progress", Severity.INFO,
                     "A goal says nothing of the customer's progress.\n\n## What it checks\nThe field."),
}
FINDING = Diagnostic("A312", Severity.INFO, "goal `support-deflection` says nothing of the customer's progress",
                     Location("strategy/goals/support-deflection.yaml", 9, 1, "customer_progress"))


def test_pages_match_golden_files(base) -> None:
    pages = render_site(base.model, base.ctx, [FINDING], CODES)
    produced = set()
    for path, text in sorted(pages.items()):
        if not path.endswith(".md"):
            continue
        produced.add(path)
        check_golden(GOLDEN / "render" / path, text)
    stored = {p.relative_to(GOLDEN / "render").as_posix() for p in (GOLDEN / "render").rglob("*.md")}
    assert stored == produced, "golden files without a page (or pages without a golden file)"


def test_svg_matches_golden_files(base) -> None:
    facts = build_facts(base.ctx)
    drawings = onepager.one_pager(facts, paths.MAP)
    assert len(drawings) == 1, "the base strategy is small: one diagram"
    check_golden(GOLDEN / "svg" / "one-pager.svg", drawings[0].across + "\n")
    check_golden(GOLDEN / "svg" / "one-pager-down.svg", drawings[0].down + "\n")
    check_golden(GOLDEN / "svg" / "one-pager-print.svg", onepager.print_map(facts, paths.MAP) + "\n")
    objective = facts.get("cut-support-cost", "Objective")
    check_golden(GOLDEN / "svg" / "objective-cut-support-cost.svg",
                 svg.objective_map(facts, objective, paths.entity("Objective", "cut-support-cost")) + "\n")
    goal = facts.get("faster-activation", "Goal")
    progress = facts.progress[goal.id]
    check_golden(GOLDEN / "svg" / "chart-faster-activation.svg",
                 charts.progress_chart(progress, "ratio", base.ctx.today, "Outcome of the goal") + "\n")


def test_render_is_deterministic(base) -> None:
    assert render_site(base.model, base.ctx, [FINDING], CODES) == render_site(base.model, base.ctx, [FINDING], CODES)


def test_every_entity_and_index_has_a_page(base) -> None:
    pages = render_site(base.model, base.ctx, [], all_codes())
    for doc in base.model.by_id.values():
        if doc.kind != "Strategy":
            assert paths.entity(doc.kind, doc.id) in pages
    for kind in paths.FOLDERS:
        assert paths.index(kind) in pages
    for page in (paths.HOME, paths.MAP, paths.JOINT, paths.ROI, paths.HEALTH, paths.RULES):
        assert page in pages


def test_a_page_per_lint_code_from_its_documentation(base) -> None:
    codes = all_codes()
    pages = render_site(base.model, base.ctx, [], codes)
    for code, info in codes.items():
        page = pages[paths.rule(code)]
        assert page.startswith(f"# {code} ")
        assert info.summary in page


def test_no_front_matter_except_fixed_layout_hints(base) -> None:
    pages = render_site(base.model, base.ctx, [FINDING], CODES)
    for path, text in pages.items():
        if text.startswith("---"):
            assert path == paths.MAP
            assert text.startswith("---\nhide:\n  - navigation\n  - toc\n---\n")


def test_every_svg_is_well_formed_xml(base) -> None:
    pages = render_site(base.model, base.ctx, [FINDING], CODES)
    found = 0
    for text in pages.values():
        for match in re.finditer(r"<svg .*?</svg>", text, re.S):
            ET.fromstring(match.group())
            found += 1
    assert found >= 4


def test_markdown_links_point_at_pages_that_exist(base) -> None:
    import posixpath

    pages = render_site(base.model, base.ctx, [FINDING], CODES)
    for path, text in pages.items():
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            assert resolved in pages, f"{path}: link to {target}"


def test_status_follows_progress_time_and_confidence(base) -> None:
    facts = build_facts(base.ctx)
    # 33% of the way with 79% of the period gone: off track, whatever the confidence.
    assert facts.progress["faster-activation"].status == "off-track"
    # A goal whose period starts in 2027 has not started.
    assert facts.progress["support-deflection"].status == "not-started"


def test_roi_sorted_with_basis(base) -> None:
    facts = build_facts(base.ctx)
    rows = facts.roi_rows  # the same rows as `strat roi`
    ratios = [r.ratio for r in rows if r.ratio is not None]
    assert ratios == sorted(ratios, reverse=True)
    onboarding = next(r for r in rows if r.team == "onboarding")
    assert [g.goal for g in onboarding.goals] == ["faster-activation"] and onboarding.impact == {"EUR": 600000}


def test_split_map_for_a_big_strategy(base) -> None:
    """10 objectives with 60 goals: an overview plus one diagram per objective, none of
    them wider than the limit."""
    import copy

    from strat.load import Document
    from strat.model import build_model
    from strat.rules.context import RuleContext

    docs = [copy.deepcopy(d) for d in base.model.documents]
    template_goal = next(d for d in docs if d.id == "fewer-setup-tickets")
    template_objective = next(d for d in docs if d.id == "cut-support-cost")
    for o in range(10):
        objective = copy.deepcopy(template_objective)
        objective.data["id"] = f"objective-{o}"
        docs.append(objective)
        for g in range(6):
            goal = copy.deepcopy(template_goal)
            goal.data.update(id=f"goal-{o}-{g}", parent=f"objective-{o}", title=f"Goal {g} of objective {o}")
            docs.append(goal)
    model, _ = build_model(docs)
    ctx = RuleContext(model, base.ctx.config, base.ctx.today, None)
    facts = build_facts(ctx)
    drawings = onepager.one_pager(facts, paths.MAP)
    assert drawings[0].objective is None and len(drawings) == 1 + len(facts.entities["Objective"])
    for drawing in drawings:
        width = float(re.search(r'width="([0-9.]+)"', drawing.across).group(1))
        assert width <= svg.WIDE + 100
        assert re.search(r'width="([0-9.]+)"', drawing.down).group(1) == str(onepager.DOWN_WIDTH)
    assert isinstance(docs[0], Document)


def test_long_goal_lists_are_shortened_and_point_to_the_full_lists(base, monkeypatch) -> None:
    """A big strategy: each goal is listed in full on its objective's page and its
    holder's page; plans, metrics, departments and the goals index show the goals most in
    need of attention and link to where the rest are."""
    import posixpath

    from strat.site import render

    monkeypatch.setattr(render, "GOALS_SHOWN", 1)
    monkeypatch.setattr(render, "GOALS_INDEX_IN_FULL", 1)
    pages = render_site(base.model, base.ctx, [FINDING], CODES)
    facts = build_facts(base.ctx)
    index = pages[paths.index("Goal")]
    assert "## By objective" in index and "## Aligned to no objective" in index
    for o in facts.entities["Objective"]:
        assert paths.md_link(paths.index("Goal"), paths.entity("Objective", o.id)) in index
        objective_page = pages[paths.entity("Objective", o.id)]
        for g in facts.aligned.get(o.id, []):  # in full on the objective's page
            assert f'href="{paths.href(paths.entity("Objective", o.id), paths.entity("Goal", g))}"' in objective_page
    shortened = [p for p, text in pages.items() if "goals most in need of attention, of" in text]
    assert shortened, "some list is longer than one goal"
    for path in shortened:
        assert "Every goal is listed in full on its objective" in pages[path]
    for path, text in pages.items():
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            assert resolved in pages, f"{path}: link to {target}"


@pytest.mark.parametrize("title, lines", [
    ("Cut the time to a first full schedule for new accounts from eleven days to four", 2),
    ("Reduce support ticket volume per account by a third", 2),
    ("Grow annual recurring revenue", 1),
    ("Supercalifragilisticexpialidocious-onboarding-for-everyone", 2),
])
def test_node_titles_are_cut_between_words(title: str, lines: int) -> None:
    """A node title too long for its box ends with " …" after a whole word; a word is cut
    only when it alone is longer than a line."""
    wrapped = svg._wrap(title, 120, 11, lines)
    assert len(wrapped) <= lines
    limit = int(120 / (11 * svg.CHAR))
    assert all(len(line) <= limit for line in wrapped), wrapped
    if " ".join(wrapped) != title:
        last = wrapped[-1]
        assert last.endswith("…")
        kept = last.removesuffix("…").rstrip().split()
        words = title.split()
        if len(words) > 1 and kept:
            assert kept[-1] in words, wrapped  # the last kept word is whole


def test_lineage_names_each_entity_once_with_all_its_relations(base) -> None:
    """"Depends on" and "Used by" list each other entity once; two relations to the same
    entity (owner and check-in by) share its line."""
    pages = render_site(base.model, base.ctx, [], CODES)
    order = list(REF_LABELS.values())
    merged = 0
    for path, text in pages.items():
        for column in re.findall(r'<p class="strat-kicker">(?:Depends on|Used by)</p>(.*?)</div>', text):
            hrefs = re.findall(r'<li><span class="strat-kindtag">[^<]*</span> <a href="([^"]+)"', column)
            assert len(hrefs) == len(set(hrefs)), (path, hrefs)
            merged += len(re.findall(r'<span class="strat-muted">[^<]*, [^<]*</span></li>', column))
            # The closest relations first: owner, parent, team, plan, metrics, then the rest.
            ranks = [order.index(labels.split(", ")[0]) for labels in
                     re.findall(r'</a> <span class="strat-muted">([^<]*)</span></li>', column)]
            assert ranks == sorted(ranks), (path, ranks)
    assert merged > 0  # the base strategy has entities related in two ways


def test_lineage_of_a_hub_lists_a_few_and_counts_the_rest(tmp_path) -> None:
    """A metric that 20 goals name twice (outcome and key result): its "Used by" lists 12
    goals, each once with both relations, and says "and 8 more" once (a goal is never
    counted twice for its two relations)."""
    import helpers
    from sitetest import load

    root = helpers.copy_base(tmp_path / "repo", git=False)
    template = (root / "strategy" / "goals" / "fewer-setup-tickets.yaml").read_text(encoding="utf-8")
    for i in range(19):
        text = template.replace("id: fewer-setup-tickets", f"id: hub-goal-{i:02}")
        text += "key_results:\n  - {title: Fewer setup tickets, metric: setup-tickets, baseline: 1200, target: 900}\n"
        (root / "strategy" / "goals" / f"hub-goal-{i:02}.yaml").write_text(text, encoding="utf-8")
    loaded = load(root)
    page = render_site(loaded.model, loaded.ctx, [], CODES)["metrics/setup-tickets.md"]
    used_by = re.search(r'<p class="strat-kicker">Used by</p>(.*?)</div>', page).group(1)
    rows = re.findall(r'<span class="strat-kindtag">Goal</span> <a href="([^"]+)">.*?</a> '
                      r'<span class="strat-muted">([^<]*)</span>', used_by)
    goals = [href for href, _ in rows]
    assert len(goals) == len(set(goals)), goals
    outcome = [href for href, labels in rows if labels.startswith("outcome metric")]
    assert len(outcome) == 12 and all(labels == "outcome metric, key result metric"
                                      for href, labels in rows if "hub-goal" in href), rows
    # 21 goals have it as their outcome: 12 shown, 9 counted once, not again as key results.
    assert re.findall(r"and (\d+) more: goals \(([^)]*)\)", used_by) == [("9", "outcome metric")], used_by


def test_every_reference_to_an_entity_has_a_lineage_label() -> None:
    """"Depends on, used by" names each relation through REF_LABELS; a reference field of
    the schemas without a label would silently drop out of every page."""
    from strat import schemas
    from strat.facts import _label

    kinds = set(schemas.reference_fields())
    missing = [f"{kind}.{_label(ref.pattern)}" for kind, refs in schemas.reference_fields().items() for ref in refs
               if set(ref.targets) & kinds and _label(tuple(0 if p == "*" else p for p in ref.pattern)) not in REF_LABELS]
    assert missing == []


def test_decision_values_with_a_comma_and_a_proposed_decision(tmp_path: Path) -> None:
    """A value whose name holds a comma stays one value (a badge each in tables, a list on
    the decision's page), and a proposed decision is not shown as decided."""
    strategy = (helpers.BASE / "strategy/strategy.yaml").read_text()
    decision = (helpers.BASE / "strategy/decisions/no-card-trial.yaml").read_text()
    root = helpers.copy_base(tmp_path / "r", {
        "strategy/strategy.yaml": strategy.replace("name: Customer first", "name: Customer first, always"),
        "strategy/decisions/no-card-trial.yaml": decision.replace("status: accepted", "status: proposed"),
    }, git=False)
    loaded = sitetest.load(root)
    pages = render_site(loaded.model, loaded.ctx, [], all_codes())
    index, page, home = (pages[paths.index("Decision")], pages[paths.entity("Decision", "no-card-trial")],
                         pages[paths.HOME])
    first = '<span class="strat-tag">[Customer first&#44; always](../index.md#value-customer-first)</span>'
    second = '<span class="strat-tag">[Candour](../index.md#value-candour)</span>'
    assert f"{first} {second}" in index
    assert "- [Customer first&#44; always](../index.md#value-customer-first)\n- [Candour](../index.md#value-candour)" in page
    assert '<span class="strat-tag">[Customer first&#44; always](index.md#value-customer-first)</span>' in home
    facts = html.unescape(page.split("<dl", 1)[1].split("</dl>", 1)[0])
    assert "<dt>Proposed by</dt>" in facts and "Decided" not in facts
    assert "Decided by" not in index
    # an accepted decision is still "decided by"
    accepted = pages[paths.entity("Decision", "card-required-trial")]
    assert "<dt>Decided by</dt>" in accepted
