"""The model → Markdown pages of the strategy site. A pure function: `render_site`
returns {relative path: text} and touches no file.

Rules every page follows:

* Text from YAML goes through `escape.text` / `escape.block` (numeric character
  references for everything but letters, digits and spaces), in headings, tables, link
  text, attributes and SVG alike. Ids reach paths only through `escape.slug`.
* No page has front matter with YAML text in it (MkDocs-material prints front matter
  titles into the navigation of every page, unescaped).
* Links between pages in Markdown use source paths (MkDocs checks and rewrites them);
  links inside raw HTML use the final relative URL from `paths.href`.
* Every entity page says what it depends on and what uses it.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any, Callable, Iterable, Iterator

from strat import numbers
from strat.codes import CodeInfo
from strat.diagnostics import Diagnostic, Severity
from strat.load import Document
from strat.model import Model, as_text, mapping
from strat.roi import ratio_text
from strat.rules.context import RuleContext
from strat.site import editlinks, paths, svg
from strat.site.editlinks import Repository
from strat.site.measured import Measured
from strat.site import paging
from strat.site.paging import Paged
from strat.site.scored import Scored
from strat.site import onepager
from strat.site.escape import block, html_block, slug
from strat.site.escape import text as esc
from strat.facts import (STATUS_LABELS, STATUS_ORDER, Facts, Progress, build_facts, measure, money,
                              number)

CSS_PATH = "stylesheets/strat.css"
LINEAGE_PER_KIND = 12  # entries of one kind and role in "Depends on, used by"
MAP_DIAGRAMS_UP_TO = 80  # goals: above this the one-pager shows the overview only
# Goal tables: every goal is listed in full on its objective's page and on its holder's
# page (team, person or department). Elsewhere (plans, metrics, departments, related
# goals, the goals index) a long list shows the goals most in need of attention and
# points to the full lists, so the site grows with the number of goals, not with it
# times the number of places a goal appears.
GOALS_SHOWN = 25
GOALS_INDEX_IN_FULL = 100  # goals: above this the goals index groups them by objective
KIND_LABELS = {"Objective": "Objective", "Plan": "Plan", "Goal": "Goal", "Metric": "Metric",
               "Initiative": "Initiative", "Team": "Team", "Department": "Department", "Person": "Person",
               "Decision": "Decision"}
INDEX_TITLES = {"Objective": "Objectives", "Plan": "Plans", "Goal": "Goals", "Metric": "Metrics",
                "Initiative": "Initiatives", "Team": "Teams", "Department": "Departments", "Person": "People",
                "Decision": "Decisions log"}

# (commit, entity changes) pairs, newest first: what strat.history.changelog returns.
Changelog = list[tuple[Any, list[Any]]]


def render_site(model: Model, ctx: RuleContext, diagnostics: list[Diagnostic], codes: dict[str, CodeInfo], *,
                directory_urls: bool = True, changelog: "Changelog | None" = None,
                repository: "Repository | None" = None, public: bool = False) -> dict[str, str]:
    """Every generated page of the site: {path relative to the docs folder: Markdown},
    plus the site's stylesheet. `ctx.today` dates the status of goals; `diagnostics` are
    the strategy's current lint findings (shown, never fatal here); `codes` documents
    every diagnostic code (`strat.codes.all_codes()`); `changelog` is the strategy's
    history from git (`strat.history.changelog`), None outside a git repository;
    `repository`, where the files live on a git host (`strat.site.editlinks`): entity pages
    then carry an "Edit" action (None: no edit link anywhere). A `public` site
    (`strat.audience`) is rendered from the filtered model, with no lint findings, and has
    no Lint health or Changelog page: their messages and commits name what the filter
    left out."""
    return dict(each_page(model, ctx, diagnostics, codes, directory_urls=directory_urls, changelog=changelog,
                          repository=repository, public=public))


def each_page(model: Model, ctx: RuleContext, diagnostics: list[Diagnostic], codes: dict[str, CodeInfo], *,
              directory_urls: bool = True, changelog: "Changelog | None" = None,
              repository: "Repository | None" = None, public: bool = False) -> Iterator[tuple[str, str]]:
    """The pages of `render_site`, one (path, text) at a time, so that a build can write
    each page and let it go before rendering the next (a big site's Markdown never sits
    in memory whole)."""
    site = _Site(model, build_facts(ctx), diagnostics, codes, directory_urls, changelog, public)
    site.repository = repository
    return site.each()


def nav_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """The navigation of the generated pages: sections of (title, page). Only index
    pages are listed, so every page's navigation stays the same small size however big
    the strategy is."""
    return [
        ("Strategy", [("Home", paths.HOME), ("Metrics one-pager", paths.MAP), ("Objectives", paths.index("Objective")),
                      ("Plans", paths.index("Plan")), ("Decisions log", paths.index("Decision"))]),
        ("Execution", [("Goals", paths.index("Goal")), ("Periods", paths.PERIODS), ("Joint goals", paths.JOINT),
                       ("Initiatives", paths.index("Initiative")), ("Metrics", paths.index("Metric"))]),
        ("Organisation", [("Departments", paths.index("Department")), ("Teams", paths.index("Team")),
                          ("People", paths.index("Person")), ("Return on investment", paths.ROI)]),
        ("Health", [("Lint health", paths.HEALTH), ("Changelog", paths.CHANGELOG), ("Rules reference", paths.RULES)]),
    ]


def stylesheet() -> str:
    return resources.files("strat.site").joinpath("strat.css").read_text(encoding="utf-8")


class _Site(Measured, Scored, Paged):
    def __init__(self, model: Model, facts: Facts, diagnostics: list[Diagnostic], codes: dict[str, CodeInfo],
                 directory_urls: bool, changelog: "Changelog | None" = None, public: bool = False) -> None:
        self.changelog = changelog
        self.public = public
        self.model = model
        self.f = facts
        self.diagnostics = diagnostics
        self.codes = codes
        self.dir_urls = directory_urls
        self.findings = _findings_by_entity(model, diagnostics)
        self.repository: Repository | None = None
        self.list_pages: dict[str, str] = {}  # site/paging.py: the further pages of long lists

    # --- assembly ------------------------------------------------------------------

    def pages(self) -> dict[str, str]:
        return dict(self.each())

    def each(self) -> Iterator[tuple[str, str]]:
        """Every page as (path, text), each text ending in a newline; the further pages of
        a long list (site/paging.py) right after the page they continue."""
        for path, text in self._each():
            yield path, text if text.endswith("\n") else text + "\n"
            while self.list_pages:
                yield self.list_pages.popitem()

    def _each(self) -> Iterator[tuple[str, str]]:
        yield CSS_PATH, stylesheet()
        home = self.home()
        yield paths.HOME, self.with_actions(self.model.strategy, home) if self.model.strategy is not None else home
        yield paths.MAP, self.map_page()
        yield paths.JOINT, self.joint_page()
        yield paths.ROI, self.roi_page()
        if not self.public:
            yield paths.HEALTH, self.health_page()
            yield paths.CHANGELOG, self.changelog_page()
        yield paths.RULES, self.rules_index()
        yield from self.period_pages().items()
        for code, info in self.codes.items():
            yield paths.rule(code), self.rule_page(info)
        renderers: dict[str, Callable[[Document, str], str]] = {
            "Objective": self.objective, "Plan": self.plan, "Goal": self.goal, "Metric": self.metric,
            "Initiative": self.initiative, "Team": self.team, "Department": self.department,
            "Person": self.person, "Decision": self.decision,
        }
        for kind, render in renderers.items():
            index = paths.index(kind)
            yield index, self.index_page(kind, index)
            for doc in self.f.entities.get(kind, []):
                page = paths.entity(kind, doc.id)
                yield page, self.with_actions(doc, render(doc, page))

    def with_actions(self, doc: Document, markdown: str) -> str:
        """An entity page with its "Edit" actions, when the repository is known."""
        if self.repository is None:
            return markdown
        metrics = [str(kr.get("metric")) for kr in doc.data.get("key_results") or []
                   if isinstance(kr, dict) and isinstance(kr.get("metric"), str) and _safe_id(kr.get("metric"))]
        readings = [editlinks.Source(r.path, r.position[0]) for r in self.model.of_kind("Readings")
                    if r.data.get("metric") == doc.id] if doc.kind == "Metric" else []
        title = self.f.title(doc) if doc.kind != "Strategy" else as_text(doc.data.get("company"))
        return editlinks.with_actions(markdown, editlinks.actions_html(self.repository, doc, title, metrics, readings))

    # --- small pieces ----------------------------------------------------------------

    def page_of(self, doc: Document) -> str:
        return paths.entity(doc.kind, doc.id)

    def link(self, page: str, ident: Any, kind: str | None = None, label: str | None = None) -> str:
        """A Markdown link to an entity's page, or the escaped id when it has none."""
        doc = self.f.get(ident, kind)
        if doc is None:
            return esc(ident)
        return f"[{esc(label if label is not None else self.f.title(doc))}]({paths.md_link(page, self.page_of(doc))})"

    def a(self, page: str, ident: Any, kind: str | None = None, label: str | None = None) -> str:
        """The same link as raw HTML, for use inside HTML blocks."""
        doc = self.f.get(ident, kind)
        if doc is None:
            return esc(ident)
        href = paths.href(page, self.page_of(doc), self.dir_urls)
        return f'<a href="{href}">{esc(label if label is not None else self.f.title(doc))}</a>'

    def href(self, page: str, target: str) -> str:
        return paths.href(page, target, self.dir_urls)

    def badge(self, status: str) -> str:
        return f'<span class="strat-badge strat-s-{status}">{STATUS_LABELS[status]}</span>'

    def day(self, value: Any) -> str:
        """A date that does not break across lines."""
        return f'<span class="strat-nowrap">{esc(value)}</span>'

    def tag(self, label: str, tone: str = "") -> str:
        return f'<span class="strat-tag{" strat-t-" + tone if tone else ""}">{esc(label)}</span>'

    def bar(self, progress: Progress) -> str:
        """A progress bar: the share of the way from baseline to target, with a tick at
        the share of the period gone by."""
        if progress.fraction is None:
            return '<span class="strat-bar strat-bar--empty"></span>'
        width = max(0.0, min(1.0, progress.fraction)) * 100
        tip = f"{progress.percent}% of the way from baseline to target"
        tick = ""
        if progress.elapsed is not None:
            tip += f"; {int(round(progress.elapsed * 100))}% of the period gone"
            tick = f'<span class="strat-bar__tick" style="left:{progress.elapsed * 100:.0f}%"></span>'
        return (f'<span class="strat-bar" title="{tip}"><span class="strat-bar__fill strat-s-{progress.status}" '
                f'style="width:{width:.0f}%"></span>{tick}</span>')

    def rollup(self, goal_ids: list[str]) -> str:
        """A stacked bar and counts of goals per status."""
        counts = self.f.rollup(goal_ids)
        total = sum(counts.values())
        if not total:
            return '<span class="strat-muted">no goals yet</span>'
        segments = "".join(f'<span class="strat-s-{s}" style="width:{100 * n / total:.2f}%" '
                           f'title="{esc(f"{n} {STATUS_LABELS[s].lower()}")}"></span>' for s, n in counts.items())
        words = ", ".join(f"{n} {STATUS_LABELS[s].lower()}" for s, n in counts.items())
        return f'<span class="strat-stack">{segments}</span> <span class="strat-muted">{esc(words)}</span>'

    def table(self, headers: list[str], rows: Iterable[list[str]]) -> str:
        rows = list(rows)
        if not rows:
            return ""
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
        return "\n".join(lines)

    def html_table(self, headers: list[str], rows: Iterable[list[str]]) -> str:
        """The same table as `table`, as one raw HTML block (cells already HTML: links
        from `a`, not `link`). Python-Markdown passes it through whole instead of parsing
        every cell for inline Markdown, which is most of the time a long table costs."""
        rows = list(rows)
        if not rows:
            return ""
        head = "".join(f"<th>{h}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def facts_box(self, items: list[tuple[str, str]]) -> str:
        """Key facts as a raw HTML block (values already HTML)."""
        cells = "".join(f'<div><dt>{esc(k)}</dt><dd>{v}</dd></div>' for k, v in items if v)
        return f'<dl class="strat-facts">{cells}</dl>'

    def callout(self, kind: str, title: str, body_html: str) -> str:
        """A material admonition as raw HTML (works without the admonition extension)."""
        return (f'<div class="admonition {kind}"><p class="admonition-title">{esc(title)}</p>{body_html}</div>')

    def kicker(self, label: str, page: str | None = None, kind: str | None = None) -> str:
        """The small label above a page's content; on an entity page, a link back to the
        index of its kind (entity pages are not in the navigation)."""
        if page is None or kind is None:
            return f'<p class="strat-kicker">{esc(label)}</p>'
        href = self.href(page, paths.index(kind))
        return (f'<p class="strat-kicker">{esc(label)} <span class="strat-muted">·</span> '
                f'<a href="{href}">{esc("all " + INDEX_TITLES[kind].lower())}</a></p>')

    def people(self, page: str, ids: Iterable[Any]) -> str:
        return ", ".join(self.a(page, i, "Person") for i in ids if isinstance(i, str))

    def date_range(self, progress: Progress) -> str:
        return f"{progress.start} to {progress.end}" if progress.start and progress.end else ""

    def goal_rows(self, page: str, goal_ids: Iterable[str], holder: bool = True, objective: bool = True,
                  limit: int | None = None, more: str = "") -> str:
        """A table of goals, worst status first. Who holds each goal and the objective it
        serves sit under its title, so the table stays readable in a narrow column. With
        `limit`, a longer list shows its first `limit` goals, then says how many there
        are and `more` (Markdown: where the full lists are)."""
        goals = [g for g in (self.f.get(i, "Goal") for i in dict.fromkeys(goal_ids)) if g is not None]
        goals.sort(key=lambda g: (STATUS_ORDER[self.f.progress[g.id].status], self.f.title(g).casefold()))
        note = ""
        if limit is not None and len(goals) > limit:
            note = (f"\n\nThese are the {limit} goals most in need of attention, of {len(goals)}."
                    + (f" {more}" if more else ""))
            goals = goals[:limit]
        rows = []
        for goal in goals:
            p = self.f.progress[goal.id]
            metric = self.f.get((goal.data.get("outcome") or {}).get("metric"), "Metric")
            unit = metric.data.get("unit") if metric else None
            context = []
            h = self.f.holder(goal) if holder else None
            if h:
                context.append(f"{esc(KIND_LABELS[h[0]].lower())} {self.a(page, h[1], h[0])}")
            target = self.f.objective.get(goal.id) if objective else None
            if target:
                context.append("for " + self.a(page, target, "Objective"))
            cell = self.a(page, goal.id, "Goal")
            if context:
                cell += '<br><span class="strat-sub">' + " · ".join(context) + "</span>"
            now = esc(measure(p.current, unit)) if p.current is not None else "–"
            rows.append([cell, self.badge(p.status), self.bar(p), now])
        return self.html_table(["Goal", "Status", "Progress", "Now"], rows) + note

    def full_lists(self, page: str, goal_ids: Iterable[str]) -> str:
        """Where the goals of a shortened list are listed in full: their objectives' pages
        (with how many of these goals each has), and the goals index for goals aligned to
        no objective."""
        counts: dict[str, int] = {}
        unaligned = 0
        for gid in dict.fromkeys(goal_ids):
            target = self.f.objective.get(gid)
            if target and self.f.get(target, "Objective") is not None:
                counts[target] = counts.get(target, 0) + 1
            else:
                unaligned += 1
        where = [f"{self.link(page, o, 'Objective')} ({n})" for o, n in
                 sorted(counts.items(), key=lambda x: self.f.title(self.f.get(x[0], "Objective")).casefold())]  # type: ignore[arg-type]
        if unaligned:
            where.append(f"[goals aligned to no objective]({paths.md_link(page, paths.index('Goal'))}) ({unaligned})")
        return ("Every goal is listed in full on its objective's page and on the page of its team, person or "
                "department: " + ", ".join(where) + ".") if where else ""

    def lineage(self, doc: Document, page: str) -> str:
        """What this entity depends on and what uses it (like dbt docs)."""
        def items(relations: list[Any], outgoing: bool) -> str:
            entries: dict[str, tuple[str, list[str]]] = {}  # each other entity once: its kind, every relation to it
            shown: dict[tuple[str, str], int] = {}
            hidden: dict[tuple[str, str], int] = {}
            hidden_ids: set[str] = set()
            for rel in relations:
                other = self.f.get(rel.target if outgoing else rel.source)
                if other is None or other.id in hidden_ids:
                    continue
                if other.id in entries:
                    if rel.label not in entries[other.id][1]:
                        entries[other.id][1].append(rel.label)
                    continue
                group = (other.kind, rel.label)
                # A hub (a metric measuring 300 goals) lists a few of each kind here; the
                # sections above list them all.
                if shown.get(group, 0) >= LINEAGE_PER_KIND:
                    hidden[group] = hidden.get(group, 0) + 1
                    hidden_ids.add(other.id)
                    continue
                shown[group] = shown.get(group, 0) + 1
                entries[other.id] = (other.kind, [rel.label])
            lis = [f'<li><span class="strat-kindtag">{KIND_LABELS[kind]}</span> '
                   f'{self.a(page, oid)} <span class="strat-muted">{", ".join(labels)}</span></li>'
                   for oid, (kind, labels) in entries.items()]
            for (kind, label), n in hidden.items():
                lis.append(f'<li class="strat-muted">and {n} more: {INDEX_TITLES[kind].lower()} ({label})</li>')
            return "<ul>" + "".join(lis) + "</ul>" if lis else '<p class="strat-muted">nothing</p>'

        depends = self.f.depends.get(doc.id, [])
        used = [r for r in self.f.used_by.get(doc.id, []) if r.source != "strategy"]
        star = any(r.source == "strategy" for r in self.f.used_by.get(doc.id, []))
        extra = '<p class="strat-muted">The Strategy names it as the North Star.</p>' if star else ""
        # Kept out of the search index: each name here is indexed on its own page, and a
        # search for a person should not return every goal she owns as a separate hit.
        # The mark is on each column: material's indexer ends an exclusion at the first
        # end tag of the same name, so one on the outer div would stop after "Depends on".
        return ("## Depends on, used by\n\n"
                '<div class="strat-lineage">'
                f'<div data-search-exclude><p class="strat-kicker">Depends on</p>{items(depends, True)}</div>'
                f'<div data-search-exclude><p class="strat-kicker">Used by</p>{extra}{items(used, False)}</div></div>')

    def lint_section(self, doc: Document, page: str) -> str:
        found = self.findings.get(doc.id, [])
        if not found:
            return ""
        rows = [[self.severity(d.severity), f"[{esc(d.code)}]({paths.md_link(page, paths.rule(d.code))})",
                 esc(f"{d.location.path}:{d.location.line}"), esc(d.message)] for d in found]
        return "## Lint findings\n\n" + self.table(["Severity", "Code", "Where", "Finding"], rows)

    def severity(self, severity: Severity) -> str:
        tone = {"error": "bad", "warning": "warn", "info": "info"}[severity.value]
        return self.tag(severity.value, tone)

    def join(self, *parts: str) -> str:
        return "\n\n".join(p for p in parts if p)

    # --- home --------------------------------------------------------------------------

    def home(self) -> str:
        page = paths.HOME
        strategy = self.model.strategy
        data = strategy.data if strategy is not None else {}
        company = data.get("company") or "Strategy"
        parts = [f"# {esc(company)}"]
        hero = '<div class="strat-hero">' + self.kicker("Mission")
        hero += f'<p class="strat-lead">{esc(data.get("mission"))}</p>'
        if data.get("vision"):
            hero += self.kicker("Vision") + html_block(data.get("vision"))
        parts.append(hero + "</div>")

        star = self.f.north_star()
        goals = [g.id for g in self.f.goals()]
        active = [g for g in goals if self.f.progress[g].status not in ("dropped", "done", "draft")]
        if star is not None:
            lines = [f'<p class="strat-star__name">{self.a(page, star.id)}</p>']
            if star.data.get("description"):
                lines.append(f"<p>{esc(star.data['description'])}</p>")
            lines.append(self.star_value(page, star))
            objectives = self.f.entities.get("Objective", [])
            lines.append(f"<p>{esc(f'{len(objectives)} business objectives ladder up to it; their {len(active)} active goals:')}</p>"
                         f"<p>{self.rollup(active)}</p>")
            parts.append("## North Star\n\n" + '<div class="strat-star">' + "".join(lines) + "</div>")

        objectives = self.f.entities.get("Objective", [])
        if objectives:
            parts.append("## Objectives\n\nThe core business objectives, with the status of the goals aligned to "
                         "each.\n\n" + self._index_objective(objectives, page))

        values = data.get("values") or []
        if values:
            cards = []
            for value in values:
                if not isinstance(value, dict) or not isinstance(value.get("id"), str):
                    continue
                vid = value["id"]
                anchor = f' id="value-{slug(vid)}"' if _safe_id(vid) else ""
                n = len(self.f.value_decisions.get(vid, []))
                cited = (f'<p class="strat-muted"><a href="{self.href(page, paths.index("Decision"))}">'
                         f'{esc(f"cited by {n} decision" + ("s" if n != 1 else ""))}</a></p>') if n else ""
                cards.append(f'<div class="strat-card"{anchor}><p class="strat-card__title">{esc(value.get("name"))}</p>'
                             f'{html_block(value.get("description"))}{cited}</div>')
            parts.append("## Values\n\n" + '<div class="strat-cards">' + "".join(cards) + "</div>")

        counts = [
            ("Objectives", len(self.f.entities.get("Objective", [])), paths.index("Objective")),
            ("Goals", len(goals), paths.index("Goal")),
            ("Initiatives running", sum(1 for i in self.f.entities.get("Initiative", [])
                                        if i.data.get("status") == "running"), paths.index("Initiative")),
            ("Teams", len(self.f.entities.get("Team", [])), paths.index("Team")),
            ("Joint goals", len(self.f.joint_goals()), paths.JOINT),
            *([] if self.public else [("Lint findings", len(self.diagnostics), paths.HEALTH)]),
        ]
        stats = "".join(f'<a class="strat-stat" href="{self.href(page, target)}"><span class="strat-stat__n">{n}</span>'
                        f'<span class="strat-stat__label">{esc(label)}</span></a>' for label, n, target in counts)
        parts.append("## At a glance\n\n" + f'<div class="strat-stats">{stats}</div>\n\n'
                     f"See the [metrics one-pager]({paths.md_link(page, paths.MAP)}) for the whole map, from the "
                     "North Star down to the initiatives.")

        attention = [g for g in active if self.f.progress[g].status in ("off-track", "at-risk")]
        if attention:
            parts.append("## Needs attention\n\n" + self.goal_rows(page, attention[:12], holder=True, objective=False))

        decisions = sorted(self.f.entities.get("Decision", []), key=lambda d: str(d.data.get("date")), reverse=True)
        if decisions:
            rows = [[self.day(d.data.get("date")), self.link(page, d.id), self.values_of(page, d)] for d in decisions[:5]]
            parts.append("## Latest decisions\n\n" + self.table(["Date", "Decision", "Upholds"], rows))
        return self.join(*parts)

    def values_of(self, page: str, decision: Document, listed: bool = False) -> str:
        """The values a decision upholds, each on its own so that a comma in a value's
        name never reads as two values: a badge each (for a table cell), or a Markdown
        list (`listed`, the decision's own page)."""
        names = self.value_names()
        out = []
        for v in decision.data.get("values") or []:
            shown = (f"[{esc(names[v])}]({paths.md_link(page, paths.HOME)}#value-{v})"
                     if isinstance(v, str) and v in names and _safe_id(v) else esc(v))
            out.append(f"- {shown}" if listed else f'<span class="strat-tag">{shown}</span>')
        return "\n".join(out) if listed else " ".join(out)

    def value_names(self) -> dict[str, str]:
        strategy = self.model.strategy
        values = strategy.data.get("values") if strategy is not None else None
        return {v["id"]: str(v.get("name") or v["id"]) for v in values or []
                if isinstance(v, dict) and isinstance(v.get("id"), str)}

    # --- the one-pager -----------------------------------------------------------------

    def map_page(self) -> str:
        page = paths.MAP
        big = len(self.f.goals()) > MAP_DIAGRAMS_UP_TO
        drawings = onepager.one_pager(self.f, page, self.dir_urls, per_objective=not big)
        split = bool(drawings) and not onepager.fits_one_diagram(self.f)
        parts = ["---\nhide:\n  - navigation\n  - toc\n---", "# Metrics one-pager",
                 "From the North Star through the business objectives, the metrics that drive them and the goals that "
                 "move those metrics, down to the initiatives that serve the goals. Every box is a link to its page."]
        if split and not big:
            parts.append("The whole map is too big to read as one drawing, so an overview of the objectives comes "
                         "first, then one diagram per objective.")
        elif split:
            parts.append("The whole map is too big to read as one drawing: this overview shows the objectives, and "
                         "each objective's page has the diagram of its metrics, goals and initiatives.")
        parts.append(self.legend())
        if not drawings:
            parts.append("Nothing to draw yet: add a North Star, objectives and goals.")
        for drawing in drawings:  # each drawn across (wide screens) and down (phones): CSS shows one
            if drawing.objective is not None:
                doc = self.f.get(drawing.objective, "Objective")
                parts.append(f"## {esc(self.f.title(doc))}" if doc else "")
            parts.append(f'<div class="strat-wide strat-scroll strat-across" data-search-exclude>{drawing.across}</div>')
            parts.append(f'<div class="strat-down" data-search-exclude>{drawing.down}</div>')
        if drawings:  # the whole map in one drawing, shown only in print, scaled to one A4 page
            parts.append(f'<div class="strat-print" data-search-exclude>{onepager.print_map(self.f, page, self.dir_urls, big)}'
                         "</div>")
        if split and big:
            rows = [[self.link(page, o.id), esc(len(self.f.aligned.get(o.id, []))),
                     self.rollup(self.f.aligned.get(o.id, []))] for o in self.f.entities.get("Objective", [])]
            parts.append("## Objectives\n\n" + self.table(["Objective", "Goals", "Status"], rows))
        parts.append(self.how_to_read())
        return self.join(*parts)

    def legend(self) -> str:
        keys = ["on-track", "at-risk", "off-track", "not-started", "no-data", "done", "draft"]
        items = "".join(f'<span class="strat-legend__item">{self.badge(k)}</span>' for k in keys)
        return (f'<div class="strat-legend">{items}<span class="strat-legend__item strat-muted">'
                f'{esc("bar: progress from baseline to target; tick: time elapsed in the period; red dashed line: a link with no drives path")}'
                "</span></div>")

    def how_to_read(self) -> str:
        return "## How to read it\n\n" + self.status_rules()

    # --- index pages -------------------------------------------------------------------

    def index_page(self, kind: str, page: str) -> str:
        title = INDEX_TITLES[kind]
        docs = self.f.entities.get(kind, [])
        body = getattr(self, f"_index_{kind.lower()}")(docs, page)
        intro = {
            "Objective": "The core business objectives leadership cares about. Every goal is one link away from one of them.",
            "Plan": "Product plans that execute the business strategy, each serving one or more objectives.",
            "Goal": "Every goal of a department, team or person: an outcome, a metric moving from a baseline to a target. "
                    "Worst status first.",
            "Metric": "The metric tree: leading metrics that teams can move, the lagging business metrics they drive, "
                      "and the North Star.",
            "Initiative": "Features framed as experiments: each serves a goal, with a hypothesis and kill criteria.",
            "Team": "Teams, their department, lead and cost.",
            "Department": "Departments and their leaders.",
            "Person": "Everyone named in the strategy.",
            "Decision": "Values-based decision records, newest first, with the values each decision upholds.",
        }[kind]
        return self.join(f"# {esc(title)}", intro, body or f"No {title.lower()} yet.")

    def _index_objective(self, docs: list[Document], page: str) -> str:
        rows = []
        for o in docs:
            metric = self.f.get(o.data.get("metric"), "Metric")
            unit = metric.data.get("unit") if metric else None
            sub = f"owner {self.a(page, o.data.get('owner'), 'Person')}"
            due = self.f.ctx.objective_due(o)
            if due:
                sub += f" · due {self.day(due)}"
            measure_cell = self.a(page, o.data.get("metric"), "Metric") + '<br><span class="strat-sub">' + \
                esc(f"{measure(o.data.get('baseline'), unit)} → {measure(o.data.get('target'), unit)}") + "</span>"
            number = self.f.measures.objective(o).number
            now = (self.now_text(number, unit) + f'<br>{self.badge(number.status)}'
                   + (f' <span class="strat-sub">{number.percent}%</span>' if number.percent is not None else ""))
            rows.append([self.a(page, o.id) + f'<br><span class="strat-sub">{sub}</span>', measure_cell, now,
                         self.forecast_cell(number, unit), self.rollup(self.f.aligned.get(o.id, []))])
        return self.grid(["Objective", "Metric", "Now", "Forecast", "Goals"], rows)

    def _index_plan(self, docs: list[Document], page: str) -> str:
        rows = [[self.link(page, p.id), self.link(page, p.data.get("owner"), "Person"), esc(p.data.get("period")),
                 ", ".join(self.link(page, o, "Objective") for o in p.data.get("objectives") or []),
                 esc(len(self.f.plan_goals.get(p.id, [])))] for p in docs]
        return self.table(["Plan", "Owner", "Period", "Objectives", "Goals"], rows)

    def _index_goal(self, docs: list[Document], page: str) -> str:
        ids = [g.id for g in docs]
        if len(ids) <= GOALS_INDEX_IN_FULL:
            return self.goal_table(page, ids)
        # A big strategy: one table of every goal would repeat the objectives' pages, which
        # list their goals in full; this page lists the goals aligned to no objective.
        by_objective: dict[str, list[str]] = {}
        unaligned = []
        for gid in ids:
            target = self.f.objective.get(gid)
            if target and self.f.get(target, "Objective") is not None:
                by_objective.setdefault(target, []).append(gid)
            else:
                unaligned.append(gid)
        rows = [[self.link(page, o.id), esc(len(by_objective.get(o.id, []))), self.rollup(by_objective.get(o.id, []))]
                for o in self.f.entities.get("Objective", [])]
        parts = [f"{len(ids)} goals. Each objective's page lists the goals aligned to it; each team's, person's and "
                 f"department's page lists the goals it holds (see [teams]({paths.md_link(page, paths.index('Team'))}), "
                 f"[people]({paths.md_link(page, paths.index('Person'))}) and "
                 f"[departments]({paths.md_link(page, paths.index('Department'))})).",
                 "## By objective\n\n" + self.table(["Objective", "Goals", "Status"], rows)]
        attention = [g for g in ids if self.f.progress[g].status in ("off-track", "at-risk")]
        if attention:
            parts.append("## Needs attention\n\n" + self.goal_rows(page, attention, limit=GOALS_SHOWN,
                                                                   more=self.full_lists(page, attention)))
        parts.append("## Aligned to no objective\n\n" + (self.paged(
            page, "unaligned", self.goal_order(unaligned), self.goal_table, "Goals", "goals aligned to no objective")
            if unaligned else "Every goal is aligned to an objective."))
        return self.join(*parts)

    def _index_metric(self, docs: list[Document], page: str) -> str:
        star = self.f.north_star()
        groups = [("North Star", [d for d in docs if star is not None and d.id == star.id]),
                  ("Lagging: business outcomes", [d for d in docs if d.data.get("type") == "lagging"
                                                  and (star is None or d.id != star.id)]),
                  ("Leading: customer and product behaviour", [d for d in docs if d.data.get("type") == "leading"
                                                               and (star is None or d.id != star.id)])]
        out = []
        for title, members in groups:
            if not members:
                continue
            rows = [[self.link(page, m.id), esc(m.data.get("unit")), esc({"up": "up ↑", "down": "down ↓"}.get(
                as_text(m.data.get("better")), m.data.get("better"))),
                ", ".join(self.link(page, t, "Metric") for t in self.f.ctx.drives.get(m.id, [])),
                esc(len(self.f.metric_goals.get(m.id, [])))] for m in members]
            out.append(f"## {esc(title)}\n\n" + self.table(["Metric", "Unit", "Better", "Drives", "Goals"], rows))
        return self.join(*out)

    def _index_initiative(self, docs: list[Document], page: str) -> str:
        order = {"running": 0, "proposed": 1, "shipped": 2, "killed": 3}
        docs = sorted(docs, key=lambda d: (order.get(as_text(d.data.get("status")), 9), self.f.title(d).casefold()))
        return self.paged(page, "all", docs, lambda here, docs: self.table(
            ["Initiative", "Status", "Goal", "Owner", "Review by"],
            [[self.link(here, i.id), self.initiative_status(i), self.link(here, i.data.get("goal"), "Goal"),
              self.link(here, i.data.get("owner"), "Person"), esc(i.data.get("review_by") or "")] for i in docs]),
            INDEX_TITLES["Initiative"], "initiatives")

    def _index_team(self, docs: list[Document], page: str) -> str:
        return self.paged(page, "all", docs, self._team_rows, INDEX_TITLES["Team"], "teams")

    def _team_rows(self, page: str, docs: list[Document]) -> str:
        rows = []
        for t in docs:
            cost = mapping(t.data, "cost")
            rows.append([self.link(page, t.id), self.link(page, t.data.get("department"), "Department"),
                         self.link(page, t.data.get("lead"), "Person"),
                         self.team_cost(cost),
                         self.rollup(self.f.holder_goals.get(t.id, []))])
        return self.table(["Team", "Department", "Lead", "Annual cost", "Goals"], rows)

    def _index_department(self, docs: list[Document], page: str) -> str:
        rows = [[self.link(page, d.id), self.link(page, d.data.get("leader"), "Person"),
                 esc(len(self.f.department_teams.get(d.id, []))), self.rollup(self.department_goals(d.id))]
                for d in docs]
        return self.table(["Department", "Leader", "Teams", "Goals"], rows)

    def _index_person(self, docs: list[Document], page: str) -> str:
        return self.paged(page, "all", docs, lambda here, docs: self.table(["Person", "Title", "Department"], [
            [self.link(here, p.id), esc(p.data.get("title") or ""), self.link(here, p.data.get("department"),
                                                                             "Department")] for p in docs]),
            INDEX_TITLES["Person"], "people")

    def _index_decision(self, docs: list[Document], page: str) -> str:
        docs = sorted(docs, key=lambda d: (str(d.data.get("date")), d.id), reverse=True)
        # "By": who decided it, or, while it is proposed, who proposes it (the Status column says which).
        return self.paged(page, "all", docs, lambda here, docs: self.table(
            ["Date", "Decision", "Status", "Values upheld", "By"],
            [[self.day(d.data.get("date")), self.link(here, d.id), self.decision_status(d), self.values_of(here, d),
              self.link(here, d.data.get("decided_by"), "Person")] for d in docs]),
            INDEX_TITLES["Decision"], "decisions")

    # --- entity pages --------------------------------------------------------------------

    def objective(self, o: Document, page: str) -> str:
        data = o.data
        metric = self.f.get(data.get("metric"), "Metric")
        unit = metric.data.get("unit") if metric else None
        chain = self.f.path_to_north_star(metric.id) if metric else []
        ladder = " → ".join(self.a(page, m, "Metric") for m in chain) if chain else \
            self.tag("not connected to the North Star", "bad")
        if chain and len(chain) == 1:
            ladder = self.tag("measured by the North Star itself", "good")
        period = data.get("period")
        due = self.f.ctx.objective_due(o) or ""
        box = self.facts_box([
            ("Owner", self.a(page, data.get("owner"), "Person")),
            ("Metric", self.a(page, data.get("metric"), "Metric")),
            ("From → to", esc(f"{measure(data.get('baseline'), unit)} → {measure(data.get('target'), unit)}")),
            ("Due", esc(due + (f" (period {period})" if period else ""))),
            ("Champions", self.people(page, data.get("champions") or [])),
            ("Link to the North Star", ladder),
        ])
        parts = [f"# {esc(self.f.title(o))}", self.kicker("Objective", page, "Objective"), box]
        if data.get("why"):
            parts.append(self.callout("quote", "Why", html_block(data["why"])))
        aligned = self.f.aligned.get(o.id, [])
        running = sum(1 for g in aligned for i in self.f.initiatives.get(g, [])
                      if (self.f.get(i, "Initiative") or o).data.get("status") == "running")
        counts = f"{len(aligned)} goal{'s' if len(aligned) != 1 else ''} aligned, {running} initiative" + \
                 ("s" if running != 1 else "") + " running"
        days = _days_until(due, self.f.today)
        if days is not None:
            counts += f"; due in {days} days" if days >= 0 else f"; due date passed {-days} days ago"
        parts.append("## Where it stands\n\n" + self.objective_number(page, o) +
                     f'\n\n<p class="strat-muted">{esc(counts)}</p>')
        rollup = self.objective_rollup(page, o)
        if rollup:
            parts.append(rollup)
        if aligned and len(aligned) > paging.MAP_GOALS_UP_TO:  # site/paging.py: a map of thousands of goals is unreadable
            parts.append("## Map\n\n" + esc(f"No map: the objective has {len(aligned):,} goals, and its map is drawn "
                                             f"up to {paging.MAP_GOALS_UP_TO} goals. The tables list them all."))
        elif aligned:
            drawing = svg.objective_map(self.f, o, page, self.dir_urls, width=640)
            parts.append("## Map\n\n" + f'<div class="strat-scroll" data-search-exclude>{drawing}</div>')
        children = {g.id for g in self.f.goals() if g.data.get("parent") == o.id}
        if not aligned:
            parts.append("## Goals\n\nNo goal aligns to this objective yet.")
        elif set(aligned) - children:
            parts.append("## Every goal aligned to it\n\nThe goals above and those aligned through a parent goal or "
                         "a plan.\n\n" + self.paged(page, "goals", self.goal_order(aligned), self.goal_table,
                                                    self.f.title(o), "goals aligned to it"))
        supporting = self.f.supported_by.get(o.id, [])
        if supporting:
            parts.append("## Goals that also support it\n\nSecondary links: shown here, never counted by the one-link "
                         "rule.\n\n" + self.goal_rows(page, supporting, limit=GOALS_SHOWN,
                                                  more=self.full_lists(page, supporting)))
        health = [h for h in data.get("health") or [] if isinstance(h, dict)]
        if health:
            rows = []
            for h in health:
                m = self.f.get(h.get("metric"), "Metric")
                u = m.data.get("unit") if m else None
                limit = "; ".join(f"{k} {measure(h[k], u)}" for k in ("min", "max") if k in h)
                rows.append([self.link(page, h.get("metric"), "Metric"), esc(limit)])
            parts.append("## Health checks\n\nGuardrails: KPIs that must hold while the objective is pursued.\n\n"
                         + self.table(["Metric", "Must stay"], rows))
        plans = [p for p in self.f.entities.get("Plan", []) if o.id in (p.data.get("objectives") or [])]
        if plans:
            parts.append("## Plans\n\n" + "\n".join(f"- {self.link(page, p.id)}" for p in plans))
        parts += [self.lint_section(o, page), self.lineage(o, page)]
        return self.join(*parts)

    def plan(self, p: Document, page: str) -> str:
        data = p.data
        box = self.facts_box([
            ("Owner", self.a(page, data.get("owner"), "Person")),
            ("Period", esc(data.get("period") or "")),
            ("Objectives", ", ".join(self.a(page, o, "Objective") for o in data.get("objectives") or [])),
        ])
        parts = [f"# {esc(self.f.title(p))}", self.kicker("Plan", page, "Plan"), box]
        if data.get("narrative"):
            parts.append("## Narrative\n\n" + block(data["narrative"]))
        goals = self.f.plan_goals.get(p.id, [])
        parts.append("## Goals in this plan\n\n" + (self.goal_rows(
            page, goals, limit=GOALS_SHOWN, more=self.full_lists(page, goals)) if goals else "None yet."))
        parts += [self.lint_section(p, page), self.lineage(p, page)]
        return self.join(*parts)

    def goal(self, g: Document, page: str) -> str:
        data = g.data
        p = self.f.progress[g.id]
        outcome = mapping(data, "outcome")
        metric = self.f.get(outcome.get("metric"), "Metric")
        unit = metric.data.get("unit") if metric else None
        holder = self.f.holder(g)
        objective = self.f.objective.get(g.id)
        links = self.f.ctx.links(g)
        parent = self.f.get(data.get("parent"))
        box = self.facts_box([
            ("Status", self.badge(p.status)),
            ("Held by", (esc(KIND_LABELS[holder[0]].lower()) + " " + self.a(page, holder[1], holder[0])) if holder else ""),
            ("Owner", self.a(page, data.get("owner"), "Person")),
            ("Objective", (self.a(page, objective, "Objective") +
                           (f' <span class="strat-muted">{esc(f"{links} links away")}</span>' if links > 1 else ""))
             if objective else self.tag("not aligned to an objective", "bad")),
            ("Parent goal", self.a(page, parent.id) if parent is not None and parent.kind == "Goal" else ""),
            ("Plan", self.a(page, data.get("plan"), "Plan") if data.get("plan") else ""),
            ("Period", self.period_link(page, data.get("period")) + (" " + esc(f"({self.date_range(p)})") if p.start else "")),
            ("Supports", ", ".join(self.a(page, s) for s in data.get("supports") or [])),
        ])
        parts = [f"# {esc(self.f.title(g))}", self.kicker("Goal", page, "Goal"), box]
        carried = self.carried_links(page, g)  # site/scored.py: carried from / into
        if carried:
            parts.append(carried)
        result = self.result_section(page, g)
        if result:
            parts.append(result)

        title = f'Outcome: {self.a(page, outcome.get("metric"), "Metric")}'
        parts.append("## Progress\n\n" + self.number_panel(page, p, unit, title) + self.kr_rollup_line(g))
        chart = self.chart(p, unit, f"Outcome of the goal {self.f.title(g)}")
        if chart:
            parts.append(chart)
        krs = self.key_results(page, g)
        if krs:
            parts.append(krs)

        if data.get("customer_progress"):
            parts.append("## Customer progress\n\n" + self.callout("quote", "The progress the customer makes",
                                                                    html_block(data["customer_progress"])))
        impact = data.get("impact") if isinstance(data.get("impact"), dict) else None
        if impact:
            parts.append("## Financial impact\n\n" + f'<div class="strat-panel"><p><strong>'
                         f'{esc(money(impact.get("annual"), impact.get("currency"), compact=False))}</strong> '
                         f'<span class="strat-muted">a year, expected</span></p>'
                         f'<p class="strat-kicker">Basis</p>{html_block(impact.get("basis"))}</div>')

        benefits = [b for b in data.get("benefits") or [] if isinstance(b, dict)]
        joints = [j for j in data.get("joint") or [] if isinstance(j, dict)]
        if benefits or joints:
            sub = []
            if benefits:
                sub.append(self.table(["Benefits", "Effect"], [[self.link(page, b.get("department"), "Department"),
                                                                esc(b.get("effect"))] for b in benefits]))
            if joints:
                sub.append("**Joint goals**: the partner department's leader co-owns the commitment to bank the "
                           "benefit.\n\n" + self.joint_cards(page, [(g, i, j) for i, j in enumerate(joints)], show_goal=False))
            parts.append("## Benefits and joint goals\n\n" + "\n\n".join(sub))

        if p.readings:
            rows = []
            for r in reversed(p.readings):
                rows.append([self.day(r.date), esc(measure(r.value, unit)),
                             esc(number(r.confidence)) if r.confidence is not None else "–",
                             esc(r.note or ""), self.a(page, r.by, "Person") if r.by else ""])
            parts.append("## Check-ins\n\n" + self.html_table(["Date", "Value", "Confidence", "Note", "By"], rows))
        else:
            parts.append("## Check-ins\n\nNo check-ins yet.")

        initiatives = self.f.initiatives.get(g.id, [])
        if initiatives:
            rows = [[self.a(page, i, "Initiative"), self.initiative_status(self.f.get(i, "Initiative")),
                     esc(self.f.get(i, "Initiative").data.get("hypothesis"))] for i in initiatives]  # type: ignore[union-attr]
            parts.append("## Initiatives\n\n" + self.html_table(["Initiative", "Status", "Hypothesis"], rows))
        children = self.f.children.get(g.id, [])
        if children:
            parts.append("## Goals aligned to this goal\n\n" + self.goal_rows(
                page, children, objective=False, limit=GOALS_SHOWN, more=self.full_lists(page, children)))
        supporting = self.f.supported_by.get(g.id, [])
        if supporting:
            parts.append("## Goals that support it\n\n" + self.goal_rows(
                page, supporting, limit=GOALS_SHOWN, more=self.full_lists(page, supporting)))
        parts += [self.lint_section(g, page), self.lineage(g, page)]
        return self.join(*parts)

    def joint_cards(self, page: str, entries: list[tuple[Document, int, dict[str, Any]]], show_goal: bool = True) -> str:
        cards = []
        for goal, _, j in entries:
            own = self.f.department_of(goal)
            metric = self.f.get(j.get("metric"), "Metric")
            unit = metric.data.get("unit") if metric else None
            head = ""
            if show_goal:
                head = f'<p class="strat-card__title">{self.a(page, goal.id, "Goal")}</p>'
            route = (f'<p>{self.a(page, own, "Department") if own else esc("?")} '
                     f'<span class="strat-muted">→</span> {self.a(page, j.get("department"), "Department")}</p>')
            lines = [f'<p class="strat-kicker">Commitment, co-owned by {self.a(page, j.get("owner"), "Person")}</p>',
                     html_block(j.get("commitment"))]
            if j.get("metric"):
                target = f": target {measure(j.get('target'), unit)}" if j.get("target") is not None else ""
                lines.append(f'<p class="strat-muted">Measured by {self.a(page, j.get("metric"), "Metric")}'
                             f"{esc(target)}</p>")
            benefit = [b for b in goal.data.get("benefits") or [] if isinstance(b, dict)
                       and b.get("department") == j.get("department")]
            if benefit and show_goal:
                lines.append(f'<p class="strat-kicker">The benefit</p>{html_block(benefit[0].get("effect"))}')
            cards.append(f'<div class="strat-card">{head}{route}{"".join(lines)}</div>')
        return '<div class="strat-cards strat-cards--wide">' + "".join(cards) + "</div>"

    def metric(self, m: Document, page: str) -> str:
        data = m.data
        star = self.f.north_star()
        is_star = star is not None and star.id == m.id
        chain = self.f.path_to_north_star(m.id)
        box = self.facts_box([
            ("Type", esc(f"{data.get('type')}: " + ("business outcome" if data.get("type") == "lagging"
                                                     else "customer or product behaviour"))),
            ("Better", esc({"up": "up ↑", "down": "down ↓"}.get(as_text(data.get("better")), data.get("better")))),
            ("Unit", esc(data.get("unit"))),
            ("Owner", self.a(page, data.get("owner"), "Person") if data.get("owner") else ""),
            ("Financial", esc("yes") if data.get("financial") else ""),
            ("Source", esc(data.get("source") or "")),
        ])
        parts = [f"# {esc(self.f.title(m))}", self.kicker("North Star metric" if is_star else "Metric", page, "Metric"), box]
        if data.get("description"):
            parts.append(block(data["description"]))
        if not is_star:
            parts.append("## Path to the North Star\n\n" + (
                " → ".join(self.link(page, x, "Metric") for x in chain) if chain else
                "No `drives` path leads from this metric to the North Star."))
        drives = [d for d in data.get("drives") or [] if isinstance(d, dict)]
        if drives:
            parts.append("## Drives\n\nMoving this metric moves these:\n\n" + self.table(
                ["Metric", "Hypothesis"], [[self.link(page, d.get("metric"), "Metric"), esc(d.get("hypothesis"))]
                                           for d in drives]))
        drivers = []
        for other in self.f.entities.get("Metric", []):
            for d in other.data.get("drives") or []:
                if isinstance(d, dict) and d.get("metric") == m.id:
                    drivers.append([self.link(page, other.id), esc(d.get("hypothesis"))])
        if drivers:
            parts.append("## Driven by\n\n" + self.table(["Metric", "Hypothesis"], drivers))
        measured = [o for o in self.f.entities.get("Objective", []) if o.data.get("metric") == m.id]
        guarded = [o for o in self.f.entities.get("Objective", [])
                   if any(isinstance(h, dict) and h.get("metric") == m.id for h in o.data.get("health") or [])]
        if measured or guarded:
            lines = [f"- {self.link(page, o.id)}: measured by this metric" for o in measured]
            lines += [f"- {self.link(page, o.id)}: health check" for o in guarded]
            parts.append("## Objectives\n\n" + "\n".join(lines))
        goals = self.f.metric_goals.get(m.id, [])
        if goals:
            parts.append("## Goals measured by it\n\n" + self.goal_rows(
                page, goals, limit=GOALS_SHOWN, more=self.full_lists(page, goals)))
        krs = [g for g in self.f.metric_krs.get(m.id, []) if g not in goals]
        if krs:
            parts.append("## Goals with a key result on it\n\n" + self.goal_rows(
                page, krs, limit=GOALS_SHOWN, more=self.full_lists(page, krs)))
        initiatives = [i for i in self.f.entities.get("Initiative", [])
                       if isinstance(i.data.get("expected"), dict) and i.data["expected"].get("metric") == m.id]
        if initiatives:
            parts.append("## Initiatives expected to move it\n\n" + self.paged(
                page, "initiatives", initiatives, lambda here, docs: self.table(
                    ["Initiative", "Status", "Expected change"],
                    [[self.link(here, i.id), self.initiative_status(i),
                      esc(_signed(i.data["expected"].get("delta"), data.get("unit")))] for i in docs]),
                self.f.title(m), "initiatives expected to move it"))
        parts += [self.lint_section(m, page), self.lineage(m, page)]
        return self.join(*parts)

    def initiative_status(self, i: Document | None) -> str:
        state = i.data.get("status") if i is not None else None
        tone = {"running": "info", "shipped": "good", "killed": "muted", "proposed": "muted"}.get(as_text(state), "")
        label = str(state or "")
        if i is not None and state == "running" and self.review_overdue(i):
            return self.tag(label, tone) + " " + self.tag("review overdue", "warn")
        return self.tag(label, tone)

    def review_overdue(self, i: Document) -> bool:
        review = i.data.get("review_by")
        try:
            return isinstance(review, str) and dt.date.fromisoformat(review) < self.f.today
        except ValueError:
            return False

    def initiative(self, i: Document, page: str) -> str:
        data = i.data
        goal = self.f.get(data.get("goal"), "Goal")
        objective = self.f.objective.get(goal.id) if goal else None
        expected = mapping(data, "expected")
        metric = self.f.get(expected.get("metric"), "Metric")
        cost = mapping(data, "cost")
        box = self.facts_box([
            ("Status", self.initiative_status(i)),
            ("Goal", self.a(page, data.get("goal"), "Goal")),
            ("Objective", self.a(page, objective, "Objective") if objective else ""),
            ("Owner", self.a(page, data.get("owner"), "Person")),
            ("Expected", (self.a(page, metric.id) + " " + esc(_signed(expected.get("delta"), metric.data.get("unit"))))
             if metric else ""),
            ("Review by", esc(data.get("review_by") or "")),
            ("Cost", esc(f"{number(cost.get('team_weeks'))} team-weeks") if cost.get("team_weeks") is not None else ""),
        ])
        parts = [f"# {esc(self.f.title(i))}", self.kicker("Initiative", page, "Initiative"), box,
                 "## Hypothesis\n\n" + block(data.get("hypothesis")),
                 "## Kill criteria\n\n" + block(data.get("kill_criteria"))]
        if data.get("result"):
            parts.append("## Result\n\n" + block(data["result"]))
        parts += [self.lint_section(i, page), self.lineage(i, page)]
        return self.join(*parts)

    def team(self, t: Document, page: str) -> str:
        data = t.data
        cost = mapping(data, "cost")
        row = next((r for r in self.f.roi_rows if r.team == t.id), None)
        box = self.facts_box([
            ("Department", self.a(page, data.get("department"), "Department")),
            ("Lead", self.a(page, data.get("lead"), "Person")),
            ("Members", self.people(page, data.get("members") or [])),
            ("Annual cost", self.team_cost(cost, compact=False)),
            ("Return", esc(self.ratio_text(row)) if row else ""),
        ])
        parts = [f"# {esc(self.f.title(t))}", self.kicker("Team", page, "Team"), box]
        if data.get("mission"):
            parts.append(self.callout("abstract", "Mission", html_block(data["mission"])))
        goals = self.f.holder_goals.get(t.id, [])
        title = self.f.title(t)
        parts.append("## Goals\n\n" + (self.paged(page, "goals", self.goal_order(goals), lambda here, ids: self.goal_table(
            here, ids, holder=False), title, "goals") if goals else "No goals yet."))
        initiatives = [i for g in goals for i in self.f.initiatives.get(g, [])]
        if initiatives:
            parts.append("## Initiatives\n\n" + self.paged(page, "initiatives", initiatives, lambda here, ids: self.table(
                ["Initiative", "Status", "Goal"],
                [[self.link(here, i, "Initiative"), self.initiative_status(self.f.get(i, "Initiative")),
                  self.link(here, self.f.get(i, "Initiative").data.get("goal"), "Goal")]  # type: ignore[union-attr]
                 for i in ids]), title, "initiatives"))
        if row is not None:
            parts.append("## Return on investment\n\n" + self.roi_basis(page, row))
        held = set(goals)
        joints = [(g, i, j) for g, i, j in self.f.joint_goals() if g.id in held]
        if joints:
            parts.append("## Joint goals\n\n" + self.paged(page, "joint-goals", joints, self.joint_cards, title,
                                                           "joint goals"))
        parts += [self.lint_section(t, page), self.lineage(t, page)]
        return self.join(*parts)

    def cost_unpublished(self) -> bool:
        """Team costs are left out of this (public) site: say so, never "no cost"."""
        return "cost" in self.model.withheld.get("Team", ())

    def team_cost(self, cost: dict[str, Any], compact: bool = True) -> str:
        if self.cost_unpublished():
            return '<span class="strat-muted">not published</span>'
        return esc(money(cost.get("annual"), cost.get("currency"), compact=compact))

    def ratio_text(self, row: Any) -> str:
        if row.ratio is None and self.cost_unpublished():
            return "not published"
        if row.ratio is None:
            return "cannot be shown (no cost, or no goal with an impact)"
        return f"{ratio_text(row)} its cost in expected annual impact"

    def roi_basis(self, page: str, row: Any) -> str:
        """A team's expected impact, goal by goal (paged past `paging.PAGE_ROWS` goals)."""
        title = self.f.title(self.f.get(row.team, "Team") or row.team) if self.f.get(row.team, "Team") else row.team

        def listed(entries: list[Any], line: Callable[[str, Any], str]) -> str:
            return self.paged(page, "impact", entries, lambda here, items: "\n".join(line(here, e) for e in items),
                              str(title), "goals with an expected impact")

        if self.cost_unpublished():
            lines = ["Not published: the team's cost is internal, so its return is not shown. Expected annual impact "
                     "of its goals:" if row.goals else "Not published: the team's cost is internal.", ""]
            if row.goals:
                lines.append(listed(row.goals, lambda here, g: f"- {self.link(here, g.goal, 'Goal')}: "
                                    f"{esc(money(g.annual, g.currency, compact=False))}"
                                    + (f" — {esc(g.basis)}" if g.basis else "")))
            return "\n".join(lines)
        counted = [g.goal for g in row.goals if g.currency == row.currency]
        other = [g.goal for g in row.goals if g.currency != row.currency]
        if not counted:
            return ("ROI cannot be shown: " + ("none of the team's goals declares an expected `impact`."
                                               if row.cost else "the team states no `cost`.")
                    + f" See [A310]({paths.md_link(page, paths.rule('A310'))}).")
        lines = [f"**{esc(money(row.impact.get(row.currency), row.currency, compact=False))}** expected annual impact against "
                 f"**{esc(money(row.cost, row.currency, compact=False))}** annual cost: **{esc(ratio_text(row))}**."
                 if row.cost else "The team states no `cost`.", "", "Basis, goal by goal:", ""]

        def line(here: str, entry: tuple[str, bool]) -> str:
            gid, same = entry
            g = self.f.get(gid, "Goal")
            impact = mapping(g.data, "impact") if g else {}
            return (f"- {self.link(here, gid, 'Goal')}: "
                    f"{esc(money(impact.get('annual'), impact.get('currency'), compact=False))}"
                    + (f" — {esc(impact.get('basis'))}" if same else
                       " (another currency than the team's cost: shown, not counted)"))

        lines.append(listed([(gid, True) for gid in counted] + [(gid, False) for gid in other], line))
        return "\n".join(lines)

    def department_goals(self, dep: str) -> list[str]:
        """Goals of the department itself, of its teams and of its people."""
        out = list(self.f.holder_goals.get(dep, []))
        for t in self.f.department_teams.get(dep, []):
            out += self.f.holder_goals.get(t, [])
        for p in self.f.department_people.get(dep, []):
            out += self.f.holder_goals.get(p, [])
        return list(dict.fromkeys(out))

    def department(self, d: Document, page: str) -> str:
        data = d.data
        teams = self.f.department_teams.get(d.id, [])
        people = self.f.department_people.get(d.id, [])
        box = self.facts_box([
            ("Leader", self.a(page, data.get("leader"), "Person")),
            ("Teams", esc(len(teams))),
            ("People", esc(len(people))),
        ])
        parts = [f"# {esc(self.f.title(d))}", self.kicker("Department", page, "Department"), box]
        if data.get("description"):
            parts.append(block(data["description"]))
        title = self.f.title(d)
        if teams:
            parts.append("## Teams\n\n" + self.paged(page, "teams", teams, self._department_teams, title, "teams"))
        goals = self.department_goals(d.id)
        parts.append("## Goals\n\nThe department's own goals and those of its teams and people.\n\n" +
                     (self.goal_rows(page, goals, objective=True, limit=GOALS_SHOWN,
                                     more=self.full_lists(page, goals)) if goals else "No goals yet."))
        partner = [(g, i, j) for g, i, j in self.f.joint_goals() if j.get("department") == d.id]
        if partner:
            parts.append("## Joint goals it co-owns\n\nGoals of other departments whose benefit lands here; this "
                         "department's leader co-owns the commitment to bank it.\n\n"
                         + self.paged(page, "joint-in", partner, self.joint_cards, title, "joint goals it co-owns"))
        held = set(goals)
        outgoing = [(g, i, j) for g, i, j in self.f.joint_goals() if g.id in held and j.get("department") != d.id]
        if outgoing:
            parts.append("## Joint goals with other departments\n\nThis department's goals whose benefit lands "
                         "elsewhere.\n\n" + self.paged(page, "joint-out", outgoing, self.joint_cards, title,
                                                         "joint goals with other departments"))
        if people:
            parts.append("## People\n\n" + self.paged(page, "people", people, lambda here, ids: "\n".join(
                f"- {self.link(here, p, 'Person')}" for p in ids), title, "people"))
        parts += [self.lint_section(d, page), self.lineage(d, page)]
        return self.join(*parts)

    def _department_teams(self, page: str, teams: list[str]) -> str:
        rows = []
        for tid in teams:
            t = self.f.get(tid, "Team")
            cost = mapping(t.data, "cost") if t else {}
            rows.append([self.link(page, tid, "Team"), self.link(page, t.data.get("lead") if t else None, "Person"),
                         self.team_cost(cost), self.rollup(self.f.holder_goals.get(tid, []))])
        return self.table(["Team", "Lead", "Annual cost", "Goals"], rows)

    def person(self, p: Document, page: str) -> str:
        data = p.data
        box = self.facts_box([
            ("Title", esc(data.get("title") or "")),
            ("Department", self.a(page, data.get("department"), "Department") if data.get("department") else ""),
            ("Email", esc(data.get("email") or "")),
            ("Teams", ", ".join(self.a(page, t, "Team") for t in self.f.person_teams.get(p.id, []))),
        ])
        parts = [f"# {esc(self.f.title(p))}", self.kicker("Person", page, "Person"), box]
        roles: dict[str, list[str]] = {}
        for rel in self.f.used_by.get(p.id, []):
            src = self.f.get(rel.source)
            if src is not None:
                roles.setdefault(src.id, [])
                if rel.label not in roles[src.id]:
                    roles[src.id].append(rel.label)
        if roles:
            docs = sorted((self.f.get(s) for s in roles), key=lambda d: (list(KIND_LABELS).index(d.kind),  # type: ignore[union-attr]
                                                                         self.f.title(d).casefold()))  # type: ignore[arg-type]
            parts.append("## Responsibilities\n\nEverything in the strategy that names this person.\n\n"
                         + self.paged(page, "responsibilities", docs, lambda here, docs: self.table(
                             ["Kind", "Entity", "Role"], [[esc(KIND_LABELS[d.kind]), self.link(here, d.id),
                                                          esc(", ".join(roles[d.id]))] for d in docs]),
                             self.f.title(p), "responsibilities"))
        owned = [g for g, labels in roles.items() if "owner" in labels and self.f.get(g, "Goal")]
        if owned:
            parts.append("## Goals owned\n\n" + self.paged(page, "goals", self.goal_order(owned), lambda here, ids:
                                                            self.goal_table(here, ids, owner=False),
                                                            self.f.title(p), "goals owned"))
        # What a person depends on (their department) is in the facts above and what
        # names them is the Responsibilities table, so no separate lineage section.
        parts.append(self.lint_section(p, page))
        return self.join(*parts)

    def decision_status(self, d: Document) -> str:
        state = d.data.get("status")
        tone = {"accepted": "good", "proposed": "info", "superseded": "muted"}.get(as_text(state), "")
        return self.tag(str(state or ""), tone)

    def decision(self, d: Document, page: str) -> str:
        data = d.data
        box = self.facts_box([
            ("Date", esc(data.get("date"))),
            ("Status", self.decision_status(d)),
            ("Proposed by" if data.get("status") == "proposed" else "Decided by",
             self.a(page, data.get("decided_by"), "Person") if data.get("decided_by") else ""),
            ("Supersedes", self.a(page, data.get("supersedes"), "Decision") if data.get("supersedes") else ""),
            ("Superseded by", ", ".join(self.a(page, x, "Decision") for x in self.f.superseded_by.get(d.id, []))),
        ])
        parts = [f"# {esc(self.f.title(d))}", self.kicker("Decision", page, "Decision"), box,
                 "## Values it upholds\n\n" + self.values_of(page, d, listed=True),
                 "## Context\n\n" + block(data.get("context")),
                 "## Decision\n\n" + block(data.get("decision"))]
        if data.get("consequences"):
            parts.append("## Consequences\n\n" + block(data["consequences"]))
        parts += [self.lint_section(d, page), self.lineage(d, page)]
        return self.join(*parts)

    # --- cross-cutting pages -------------------------------------------------------------

    def joint_page(self) -> str:
        page = paths.JOINT
        entries = self.f.joint_goals()
        parts = ["# Joint goals",
                 "When a goal's benefit lands in another department, that department's leader co-owns a joint goal "
                 "with a concrete commitment to bank the benefit (for example, to reallocate the capacity it saves). "
                 "Without one, the benefit is real but nobody collects it."]
        if not entries:
            parts.append("No joint goals yet.")
            return self.join(*parts)
        by_partner: dict[str, list[tuple[Document, int, dict[str, Any]]]] = {}
        for entry in entries:
            by_partner.setdefault(str(entry[2].get("department")), []).append(entry)
        def rows(here: str, entries: Any) -> str:
            out = []
            for g, _, j in entries:
                own = self.f.department_of(g)
                out.append([self.link(here, g.id, "Goal"), self.link(here, own, "Department") if own else "",
                            self.link(here, j.get("department"), "Department"),
                            self.link(here, j.get("owner"), "Person"), self.badge(self.f.progress[g.id].status)])
            return self.table(["Goal", "From", "Benefit lands in", "Co-owned by", "Goal status"], out)

        parts.append(self.paged(page, "goals", entries, rows, "Joint goals", "joint goals"))
        for dep in sorted(by_partner, key=lambda x: self.f.title(doc).casefold() if (doc := self.f.get(x)) else x):
            partner = self.f.get(dep)
            name = self.f.title(partner) if partner else dep
            if len(entries) > paging.PAGE_ROWS:  # site/paging.py: the cards are on each department's page
                parts.append(f"## Landing in {esc(name)}\n\n" + esc(f"{len(by_partner[dep]):,} joint goals:") + " " +
                             (self.link(page, dep, "Department", "their commitments") if partner else ""))
                continue
            parts.append(f"## Landing in {esc(name)}\n\n" + self.joint_cards(page, by_partner[dep]))
        return self.join(*parts)

    def changelog_page(self) -> str:
        """The strategy's changes from git history, newest first, in words."""
        page = paths.CHANGELOG
        parts = ["# Changelog",
                 "Every change to the strategy, newest first, as recorded in git: who changed what, when, and why "
                 "(the commit message). `strat history ID` shows the same for one entity in a terminal."]
        if self.changelog is None:
            parts.append("This site was built outside a git repository, so there is no history to show.")
            return self.join(*parts)
        if not self.changelog:
            parts.append("No commit has changed the strategy yet.")
            return self.join(*parts)
        shown = 40
        for commit, changes in self.changelog:
            if commit.cut:  # a shallow clone's boundary: its parents are missing
                parts.append(f"## {esc(commit.date)} · {esc(commit.subject or commit.sha[:10])}\n\n"
                             f"History stops here (commit {esc(commit.sha[:10])}): the site was built from a shallow "
                             "clone, so this commit's changes and everything before it are not shown. Build from a "
                             "full clone (`fetch-depth: 0` on actions/checkout) to see them.")
                continue
            items = []
            for change in changes:
                subject = (self.link(page, change.id, change.kind, change.id) if change.status != "removed"
                           else esc(change.id))
                if change.status == "added":
                    words = ["added" + (f" {change.context}" if change.context else "")]
                elif change.status == "removed":
                    words = ["removed"]
                else:
                    # Each sentence names the entity first ("goal `x`: …"); keep what follows.
                    words = [s.split(": ", 1)[1] if ": " in s else s.split(f"`{change.id}` ", 1)[-1]
                             for s in change.sentences()]
                for text in words:
                    items.append(f"- {esc(change.kind.lower())} {subject}: {esc(text.replace('`', ''))}")
            more = f"\n- … and {len(items) - shown} more" if len(items) > shown else ""
            heading = f"## {esc(commit.date)} · {esc(commit.subject or commit.sha[:10])}"
            byline = f"{esc(commit.author)} · commit {esc(commit.sha[:10])} · {len(changes)} change(s)"
            parts.append(heading + "\n\n" + byline + "\n\n" + "\n".join(items[:shown]) + more)
        return self.join(*parts)

    def roi_page(self) -> str:
        page = paths.ROI
        rows_data = self.f.roi_rows
        if self.cost_unpublished():
            return self.roi_unpublished(page, rows_data)
        parts = ["# Return on investment",
                 "Each team's back-of-the-envelope annual cost against the expected annual financial impact of its "
                 "goals, best return first, so product work reads in the language of the business.",
                 self.callout("info", "Basis",
                              "<p>" + esc("Cost is the team's fully loaded annual cost as stated in its file. Impact is "
                                          "the sum of the expected annual impact declared by the team's goals that are "
                                          "not dropped, each with its own basis (below). Amounts are not converted: an "
                                          "impact in another currency than the team's cost is shown but not counted. "
                                          "These are estimates for comparing bets, not accounting.") + "</p>")]
        best = max(((x.ratio or 0) for x in rows_data), default=0)

        def rows(here: str, teams: Any) -> str:
            out = []
            for r in teams:
                out.append([*self.team_cells(here, r.team),
                            esc(money(r.cost, r.currency)) if r.cost is not None else self.tag("no cost", "warn"),
                            esc(money(r.impact.get(r.currency), r.currency)) if r.currency in r.impact
                            else self.tag("no impact", "warn"), f"**{esc(ratio_text(r))}**", self.roi_bar(r.ratio, best)])
            return self.table(["Team", "Department", "Annual cost", "Expected impact", "Return", "vs. best"], out)

        parts.append(self.paged(page, "teams", rows_data, rows, "Return on investment", "teams") or "No teams yet.")
        details = self.roi_details(page, rows_data)
        if details:
            parts.append("## Basis per team\n\n" + "\n\n".join(details))
        return self.join(*parts)

    def team_cells(self, here: str, ident: str) -> list[str]:
        """An ROI row's first two cells: the team and its department, linked."""
        team = self.f.get(ident, "Team")
        dep = team.data.get("department") if team else None
        return [self.link(here, ident, "Team"), self.link(here, dep, "Department")]

    def roi_unpublished(self, page: str, rows_data: list[Any]) -> str:
        """The ROI page of a site that leaves team costs out: each team's expected impact
        (of its published goals), no cost and no return, nothing computed from them."""
        def rows(here: str, teams: Any) -> str:
            out = []
            for r in teams:
                out.append([*self.team_cells(here, r.team),
                            esc(" + ".join(money(v, c) for c, v in r.impact.items()) or "–"), self.team_cost({})])
            return self.table(["Team", "Department", "Expected impact", "Annual cost and return"], out)

        ordered = sorted(rows_data, key=lambda r: (self.f.title(self.f.get(r.team, "Team")).casefold(), r.team))  # type: ignore[arg-type]
        details = self.roi_details(page, rows_data)
        return self.join(
            "# Return on investment",
            self.callout("note", "Cost and return not published", "<p>" + esc(
                "This site leaves each team's cost out, so it shows no return on investment: only the expected "
                "annual impact of each team's goals, as the goals declare it. The internal site has the whole "
                "page.") + "</p>"),
            self.paged(page, "teams", ordered, rows, "Return on investment", "teams") or "No teams yet.",
            "## Expected impact per team\n\n" + "\n\n".join(details) if details else "")

    def roi_details(self, page: str, rows_data: list[Any]) -> list[str]:
        """Each team's basis, goal by goal; when that would list more than `PAGE_ROWS`
        goals in all (site/paging.py), the number of goals and a link to the team's page,
        which shows its basis."""
        whole = sum(len(r.goals) for r in rows_data) <= paging.PAGE_ROWS
        out = []
        for r in rows_data:
            head = f"### {esc(self.f.title(self.f.get(r.team, 'Team')))}\n\n"  # type: ignore[arg-type]
            if whole:
                out.append(head + self.roi_basis(page, r))
            else:
                n = len(r.goals)
                out.append(head + esc(f"{n} goal{'s' if n != 1 else ''} with an expected impact: the basis is on")
                           + " " + self.link(page, r.team, "Team", "the team's page") + ".")
        return out

    def roi_bar(self, ratio: float | None, best: float) -> str:
        if ratio is None or best <= 0:
            return ""
        tone = "on-track" if ratio >= 1 else "at-risk"  # below 1×: the cost exceeds the expected impact
        return (f'<span class="strat-bar strat-bar--roi" title="{esc(f"{numbers.ratio(ratio)} the annual cost")}">'
                f'<span class="strat-bar__fill strat-s-{tone}" style="width:{min(100.0, 100 * ratio / best):.0f}%">'
                "</span></span>")

    def health_page(self) -> str:
        page = paths.HEALTH
        counts = {s: sum(1 for d in self.diagnostics if d.severity == s) for s in Severity}
        parts = ["# Lint health",
                 "The findings of `strat lint` on the strategy as published, so gaps are visible to everyone. "
                 "Errors stop a pull request; warnings and infos do not, but each is a gap worth closing. Every code "
                 f"links to its [rule]({paths.md_link(page, paths.RULES)}).",
                 '<div class="strat-stats">' + "".join(
                     f'<div class="strat-stat"><span class="strat-stat__n">{counts[s]}</span>'
                     f'<span class="strat-stat__label">{esc(s.value + ("s" if counts[s] != 1 else ""))}</span></div>'
                     for s in Severity) + "</div>"]
        if not self.diagnostics:
            parts.append(self.callout("success", "All clear", "<p>No findings: the strategy passes every rule.</p>"))
            return self.join(*parts)
        entity_of = {}
        for ident, found in self.findings.items():
            for d in found:
                entity_of[id(d)] = ident
        by_code: dict[str, list[Diagnostic]] = {}
        for d in sorted(self.diagnostics, key=lambda d: (d.severity.rank, d.code, d.sort_key)):
            by_code.setdefault(d.code, []).append(d)
        summary = [[f"[{esc(code)}]({paths.md_link(page, paths.rule(code))})",
                    esc(self.codes[code].name if code in self.codes else ""), self.severity(found[0].severity),
                    esc(len(found))] for code, found in by_code.items()]
        parts.append("## By rule\n\n" + self.table(["Code", "Rule", "Severity", "Findings"], summary))

        def rows(here: str, found: Any) -> str:
            return self.table(["Severity", "Code", "Entity", "Where", "Finding"], [
                [self.severity(d.severity), f"[{esc(d.code)}]({paths.md_link(here, paths.rule(d.code))})",
                 self.link(here, entity_of[id(d)]) if id(d) in entity_of else "",
                 esc(f"{d.location.path}:{d.location.line}"), esc(d.message)] for d in found])

        every = [d for found in by_code.values() for d in found]
        parts.append("## Findings\n\n" + self.paged(page, "findings", every, rows, "Lint health", "findings"))
        return self.join(*parts)

    def rules_index(self) -> str:
        page = paths.RULES
        seen: dict[str, int] = {}
        for d in self.diagnostics:
            seen[d.code] = seen.get(d.code, 0) + 1
        rows = [[f"[{esc(c.code)}]({paths.md_link(page, paths.rule(c.code))})", esc(c.name),
                 self.severity(c.severity), esc(c.summary), *([] if self.public else [esc(seen.get(c.code, 0) or "")])]
                for c in self.codes.values()]
        return self.join("# Rules reference",
                         "Every finding `strat lint` can report, with its code, name and default severity. Codes are "
                         "stable: use them in `strat.yaml` and in `# strat: ignore[CODE] reason` comments. "
                         "`strat explain CODE` prints the same documentation in the terminal.",
                         self.table(["Code", "Name", "Default", "Summary", *([] if self.public else ["Now"])], rows))

    def rule_page(self, info: CodeInfo) -> str:
        page = paths.rule(info.code)
        # The documentation is strat's own Markdown (module docstrings), not YAML text.
        lines = info.doc.strip().splitlines()
        body = "\n".join(lines[1:]).strip()
        now = [d for d in self.diagnostics if d.code == info.code]
        current = (f"This strategy has {len(now)} finding{'s' if len(now) != 1 else ''} of this rule: see "
                   f"[Lint health]({paths.md_link(page, paths.HEALTH)}).") if now else ""
        return self.join(f"# {esc(info.code)} {esc(info.name)}",
                         f'{self.severity(info.severity)} <span class="strat-muted">default severity</span>',
                         f"**{lines[0].strip()}**" if lines else "", current, _no_titles(body))


def _no_titles(body: str) -> str:
    """Rule docs use `##` sections; a stray `#` line outside code would be a second page
    title, so it becomes a section."""
    out = []
    fence = False
    for line in body.splitlines():
        if line.startswith("```"):
            fence = not fence
        if not fence and line.startswith("# "):
            line = "#" + line
        out.append(line)
    return "\n".join(out)


def _signed(delta: Any, unit: Any) -> str:
    """A change, with its sign: '+5%', '-100'."""
    shown = measure(delta, unit)
    return "+" + shown if isinstance(delta, (int, float)) and not isinstance(delta, bool) and delta > 0 else shown


def _days_until(day: Any, today: dt.date) -> int | None:
    try:
        return (dt.date.fromisoformat(day) - today).days if isinstance(day, str) else None
    except ValueError:
        return None


def _safe_id(value: Any) -> bool:
    from strat.model import is_slug

    return is_slug(value)


def _findings_by_entity(model: Model, diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """Each finding attributed to the document whose text it points into: the last
    document of its file that starts at or before the finding's line."""
    starts: dict[str, list[tuple[int, str]]] = {}
    for doc in model.by_id.values():
        if isinstance(doc.id, str):
            starts.setdefault(doc.path, []).append((doc.position[0], doc.id))
    for items in starts.values():
        items.sort()
    out: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        candidates = starts.get(d.location.path, [])
        owner = None
        for line, ident in candidates:
            if line <= d.location.line:
                owner = ident
            else:
                break
        if owner is None and candidates:
            owner = candidates[0][1]
        if owner is not None:
            out.setdefault(owner, []).append(d)
    return out
