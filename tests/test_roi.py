"""`strat roi`: team cost against the impact of its goals, from real repositories."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from helpers import copy_base, run_cli
from strat.loaded import load_strategy
from strat.roi import roi_rows

TEAM = "kind: Team\nid: {id}\nname: {name}\ndepartment: product\nlead: cwu\n"
GOAL = ("kind: Goal\nid: {id}\ntitle: {title}\nowner: cwu\nteam: {team}\nparent: grow-retention\nperiod: 2026-h2\n"
        "outcome: {{metric: activation-rate, baseline: 0.3, target: 0.4}}\n")


def team(ident: str, name: str, cost: str = "") -> str:
    return TEAM.format(id=ident, name=name) + cost


def goal(ident: str, team_id: str, impact: str = "", extra: str = "", title: str = "A goal") -> str:
    return GOAL.format(id=ident, title=title, team=team_id) + impact + extra


def roi(root: Path, *args: str):
    return run_cli(["roi", *args], cwd=root)


def extended(tmp_path: Path) -> Path:
    """The base teams plus: a mixed-currency team, a team paid in USD with EUR impact,
    a team without cost, a team without impact, a team whose only goal is dropped."""
    return copy_base(tmp_path / "repo", {
        "strategy/teams/mixed.yaml": team("mixed", "Mixed", "cost: {annual: 100000, currency: EUR}\n"),
        "strategy/goals/mixed-eur.yaml": goal("mixed-eur", "mixed", "impact: {annual: 50000, currency: EUR, "
                                              "basis: 'EUR part | with a pipe'}\n"),
        "strategy/goals/mixed-usd.yaml": goal("mixed-usd", "mixed", "impact: {annual: 80000, currency: USD, "
                                              "basis: US deals}\n"),
        "strategy/teams/dollars.yaml": team("dollars", "Dollars", "cost: {annual: 100000, currency: USD}\n"),
        "strategy/goals/dollars-goal.yaml": goal("dollars-goal", "dollars", "impact: {annual: 500000, "
                                                 "currency: EUR, basis: b}\n"),
        "strategy/teams/free.yaml": team("free", "Free lunch"),
        "strategy/teams/quiet.yaml": team("quiet", "Quiet", "cost: {annual: 200000, currency: EUR}\n"),
        "strategy/goals/quiet-goal.yaml": goal("quiet-goal", "quiet"),
        "strategy/teams/gone.yaml": team("gone", "Gone", "cost: {annual: 200000, currency: EUR}\n"),
        "strategy/goals/gone-goal.yaml": goal("gone-goal", "gone", "impact: {annual: 9000000, currency: EUR, "
                                              "basis: b}\n", "status: dropped\n"),
    })


def test_rows_are_sorted_by_roi_with_unknown_last(tmp_path: Path) -> None:
    root = extended(tmp_path)
    rows = roi_rows(load_strategy(root, root / "strategy").ctx)
    got = [(r.team, None if r.ratio is None else round(r.ratio, 4), r.partial, r.reason) for r in rows]
    assert got == [
        ("onboarding", 0.6667, False, None),
        ("mixed", 0.5, True, None),  # a tie: by name
        ("self-service", 0.5, False, None),
        ("dollars", None, False, "its goals' impact is in EUR and its cost in USD: strat does not convert currencies"),
        ("free", None, False, "no `cost` stated"),
        ("gone", None, False, "it holds no goals (that are not dropped)"),
        ("quiet", None, False, "none of its goals declares an `impact`"),
    ]
    mixed = next(r for r in rows if r.team == "mixed")
    assert mixed.impact == {"EUR": 50000, "USD": 80000}
    assert mixed.other_currencies == ["USD"]


def test_text_output(tmp_path: Path) -> None:
    result = roi(extended(tmp_path))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("ROI = the expected annual impact of a team's goals ÷ the team's annual cost.")
    lines = out.splitlines()
    table = lines[lines.index("Team                              Cost      Impact             ROI"):][:4]
    assert table == [
        "Team                              Cost      Impact             ROI",
        "Onboarding (onboarding)           EUR 900k  EUR 600k           0.7×",
        "Mixed (mixed)                     EUR 100k  EUR 50k + USD 80k  ≥ 0.5×",
        "Self-service Help (self-service)  EUR 300k  EUR 150k           0.5×",
    ]
    assert "    mixed-usd: USD 80,000 (US deals)" in lines
    assert "    not in the ratio: USD 80k (another currency than the cost; never converted)" in lines
    assert out.endswith(
        "ROI cannot be shown:\n"
        "  Dollars (dollars): its goals' impact is in EUR and its cost in USD: strat does not convert currencies; "
        "impact EUR 500k\n"
        "  Free lunch (free): no `cost` stated\n"
        "  Gone (gone): it holds no goals (that are not dropped)\n"
        "  Quiet (quiet): none of its goals declares an `impact`\n")


def test_markdown_output_escapes_yaml_text(tmp_path: Path) -> None:
    result = roi(extended(tmp_path), "--format", "markdown")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("## ROI by team\n")
    assert "| Team | Cost | Impact | ROI |" in out
    assert "| Mixed (`mixed`) | EUR 100k | EUR 50k + USD 80k | ≥ 0.5× |" in out
    # strat.inert.markdown: a character reference (not a backslash, which leaves @mentions
    # and #123 references live); the reason's own code spans stay, YAML text in them is inert.
    assert "  - `mixed-eur`: EUR 50,000 — EUR part &#124; with a pipe" in out
    assert "- **Free lunch** (`free`): no `cost` stated" in out


def test_json_output(tmp_path: Path) -> None:
    data = roi(extended(tmp_path), "-f", "json").json
    assert "never converted" in data["basis"]
    first = data["teams"][0]
    assert first == {
        "team": "onboarding", "name": "Onboarding", "cost": {"annual": 900000, "currency": "EUR"},
        "impact": {"EUR": 600000}, "ratio": 0.6667, "partial": False, "reason": None,
        "goals": [{"goal": "faster-activation", "title": "Half of new accounts send an invoice in week one",
                   "annual": 600000, "currency": "EUR",
                   "basis": "18 points more activation x 1,000 sign-ups a month x EUR 33 first-year value"}],
    }
    assert [t["team"] for t in data["teams"]][-1] == "quiet"
    assert data["teams"][-1]["cost"] == {"annual": 200000, "currency": "EUR"}
    free = next(t for t in data["teams"] if t["team"] == "free")
    assert free["cost"] is None and free["ratio"] is None


def test_a_team_with_lint_errors_is_left_out_with_a_note(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo", {"strategy/teams/broken.yaml": team("broken", "Broken", "budget: 1\n")})
    result = roi(root)
    assert result.exit_code == 0
    assert "broken" not in result.stdout
    assert "1 lint error(s)" in result.stderr


def test_a_checkin_does_not_change_roi_but_a_new_goal_does(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo")
    before = roi(root, "-f", "json").json
    assert run_cli(["checkin", "faster-activation", "--value", "0.4", "--date", dt.date.today().isoformat()],
                   cwd=root).exit_code == 0
    assert roi(root, "-f", "json").json == before
    (root / "strategy/goals/more.yaml").write_text(goal("more-activation", "onboarding",
                                                       "impact: {annual: 300000, currency: EUR, basis: b}\n"))
    after = roi(root, "-f", "json").json
    assert after["teams"][0]["team"] == "onboarding" and after["teams"][0]["ratio"] == 1.0


# --- one way to write amounts and ratios (strat.numbers), in the CLI and on the site ----------

SAME_EVERYWHERE = {
    # a ratio of 1.18: once `1.18×` in the CLI and `1.2×` on the site
    "strategy/teams/even.yaml": team("even", "Even", "cost: {annual: 1000000, currency: EUR}\n"),
    "strategy/goals/even-goal.yaml": goal("even-goal", "even", "impact: {annual: 1180000, currency: EUR, "
                                          "basis: b}\n"),
    # three significant digits: EUR 1.23M, never EUR 1.2M here and EUR 1,234,567 there
    "strategy/teams/precise.yaml": team("precise", "Precise", "cost: {annual: 1234567, currency: EUR}\n"),
    "strategy/goals/precise-goal.yaml": goal("precise-goal", "precise", "impact: {annual: 999950, currency: EUR, "
                                             "basis: b}\n"),
}


def _site_roi_rows(root: Path) -> dict[str, list[str]]:
    """The ROI page's table as the site renders it: team id → its cells."""
    from strat.site import paths

    loaded = load_strategy(root, root / "strategy")
    page = render_site_page(root)
    rows = {}
    for line in page.splitlines():
        cells = [html.unescape(c.strip()) for c in line.strip("|").split(" | ")]
        for r in roi_rows(loaded.ctx):
            if line.startswith("| ") and f"({paths.md_link(paths.ROI, paths.entity('Team', r.team))})" in cells[0]:
                rows[r.team] = cells
    return rows


def _text_rows(out: str) -> dict[str, str]:
    return {line.split("(")[1].split(")")[0]: line for line in out.splitlines() if line.startswith(("Even", "Precise",
                                                                                                    "Onboarding"))}


def test_roi_and_amounts_read_the_same_in_the_cli_and_on_the_site(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "repo", SAME_EVERYWHERE)
    text = roi(root).stdout
    markdown = roi(root, "-f", "markdown").stdout
    site = _site_roi_rows(root)
    expected = {"even": ("EUR 1M", "EUR 1.18M", "1.2×"), "precise": ("EUR 1.23M", "EUR 1M", "0.8×"),
                "onboarding": ("EUR 900k", "EUR 600k", "0.7×")}
    for team_id, (cost, impact, ratio) in expected.items():
        assert site[team_id][2:5] == [cost, impact, f"**{ratio}**"], site[team_id]
        assert [c.strip() for c in _text_rows(text)[team_id].split("  ") if c.strip()][1:] == [cost, impact, ratio]
        assert f"| {cost} | {impact} | {ratio} |" in markdown
    # one goal's impact in full, the same in both
    page = html.unescape(render_site_page(root))
    assert "    even-goal: EUR 1,180,000 (b)" in text.splitlines()
    assert "EUR 1,180,000 — b" in page and "EUR 1,180,000 — b" in markdown


def render_site_page(root: Path) -> str:
    from strat.codes import all_codes
    from strat.site import paths
    from strat.site.render import render_site

    loaded = load_strategy(root, root / "strategy")
    return render_site(loaded.model, loaded.ctx, [], all_codes())[paths.ROI]
