"""Long lists of the site, paged so that no page grows with the whole strategy.

A list of at most `PAGE_ROWS` entries (goals of an objective, of a team or a period, the
rows of an index page, joint goals, lint findings) is shown in full on its page, exactly
as it always was. A longer one shows its first `PAGE_ROWS` entries there, in the same
order (worst status first for goals), with a pager under them; entries
`PAGE_ROWS + 1` onwards go to numbered list pages of `PAGE_ROWS` entries each, next to
the page: the goals of `objectives/grow-arr.md` continue on
`objectives/grow-arr_goals-2.md`, `objectives/grow-arr_goals-3.md` and so on (an id never
holds `_`, so a list page never takes an entity's name). Each list page has the same
table, a link back to its page and the pager.

The pager names the first and last pages and those around the current one, so it stays
the same small size however long the list is. Every entity keeps its own page, so the
search still finds each one by its title and id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from strat.facts import STATUS_ORDER
from strat.site import paths
from strat.site.escape import text as esc

PAGE_ROWS = 200  # entries of one list on one page
PAGER_AROUND = 2  # pages named on each side of the current one
MAP_GOALS_UP_TO = 200  # aligned goals: above this an objective's page draws no map of them


def list_page(page: str, name: str, number: int) -> str:
    """The source path of the `number`th (2, 3, ...) page of the list `name` of `page`."""
    if number == 1:
        return page
    stem = page[:-3] if page.endswith(".md") else page
    return f"{stem}_{name}-{number}.md"


def chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i:i + PAGE_ROWS] for i in range(0, len(items), PAGE_ROWS)] or [items]


class Paged:
    """The `_Site` mixin that pages long lists. The list pages it makes wait in
    `list_pages` until `_Site.pages` adds them to the site."""

    if TYPE_CHECKING:  # provided by _Site
        list_pages: dict[str, str]
        f: Any
        dir_urls: bool

    def goal_order(self, goal_ids: Iterable[str]) -> list[str]:
        """Goal ids, each once, known goals only, in the order every goal table shows
        them: worst status first, then by title."""
        goals = [g for g in (self.f.get(i, "Goal") for i in dict.fromkeys(goal_ids)) if g is not None]
        goals.sort(key=lambda g: (STATUS_ORDER[self.f.progress[g.id].status], self.f.title(g).casefold()))
        return [g.id for g in goals]

    def paged(self, page: str, name: str, items: Sequence[Any], table: Callable[[str, Any], str],
              title: str, what: str) -> str:
        """`table(page, items)` when the list fits on one page. Otherwise the table of its
        first `PAGE_ROWS` items and the pager; the other pages (`table(list_page, items)`
        for each further slice, so their links are relative to where they are) are kept
        in `list_pages`. `title` names the page the list belongs to, `what` the list
        ("goals aligned to it"): a list page is titled "{title}: {what}, page N of M"."""
        if len(items) <= PAGE_ROWS:
            return table(page, items)
        parts = chunks(items)
        sources = [list_page(page, name, n) for n in range(1, len(parts) + 1)]
        for n in range(2, len(parts) + 1):
            here = sources[n - 1]
            back = (f'<p class="strat-kicker">{esc(what[:1].upper() + what[1:])} <span class="strat-muted">·</span> '
                    f'<a href="{paths.href(here, page, self.dir_urls)}">{esc(title)}</a></p>')
            pager = self.pager(sources, n, len(items), what)
            self.list_pages[here] = "\n\n".join([f"# {esc(f'{title}: {what}, page {n} of {len(parts)}')}", back,
                                                 pager, table(here, parts[n - 1]), pager]) + "\n"
        return table(page, parts[0]) + "\n\n" + self.pager(sources, 1, len(items), what)

    def pager(self, sources: list[str], current: int, total: int, what: str) -> str:
        """"Goals aligned to it 201–400 of 5,123 · page 1 … 3 [4] 5 … 26" as Markdown
        links (MkDocs checks them); the current page in bold."""
        last = len(sources)
        first_row = (current - 1) * PAGE_ROWS + 1
        shown = sorted({1, last, *range(max(1, current - PAGER_AROUND), min(last, current + PAGER_AROUND) + 1)})
        here = sources[current - 1]
        items, previous = [], 0
        for n in shown:
            if n > previous + 1:
                items.append("…")
            items.append(f"**{n}**" if n == current else f"[{n}]({paths.md_link(here, sources[n - 1])})")
            previous = n
        steps = []
        if current > 1:
            steps.append(f"[previous]({paths.md_link(here, sources[current - 2])})")
        if current < last:
            steps.append(f"[next]({paths.md_link(here, sources[current])})")
        words = f"{what[:1].upper() + what[1:]} {first_row:,}–{min(total, current * PAGE_ROWS):,} of {total:,}"
        return f'{esc(words)} · page {" ".join(items)} · {" · ".join(steps)}'
