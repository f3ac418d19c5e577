"""`strat site build`: lint, render, assemble, run MkDocs (`strat site render` is in
`strat.site.portable`).

The build refuses a strategy with lint errors (the site never publishes a broken
strategy). Otherwise it renders the pages (`render.render_site`), assembles them with the
repository's hand-written pages in a temporary docs folder (copied without following
symlinks), derives the MkDocs configuration from the repository's `mkdocs.yml` (or a
built-in default) and runs MkDocs through its Python API. Whatever the repository's
configuration says, strat forces: its own docs and site folders, `theme.font: false`
(no fonts from another host), the theme `custom_dir` with the escaped page title, the
navigation of index pages, `not_in_nav` for entity pages, and its stylesheet.

Nothing is written outside the output folder except the temporary folder, which is
removed. MkDocs empties the output folder before a build, so strat only builds into a
folder that is empty, new, or a site it built before.

MkDocs is imported inside the functions that need it: `strat lint` never pays for it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import shutil
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

from strat import inert
from strat.config import Config
from strat.diagnostics import Severity
from strat.site import editlinks, mkdocs_config, paths
from strat.site.escape import site_name
from strat.site.mkdocs_config import ConfigRefused, Trust

MKDOCS_FILE = "mkdocs.yml"
DEFAULT_DOCS = "site"  # hand-written pages, when there is no mkdocs.yml
DEFAULT_OUT = "public"
MARKER = ".strat-site"  # left in a folder strat built, so a rebuild may empty it
USER_MAIN = "strat-user-main.html"
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
PROGRESS_FROM = 200  # pages: report progress page by page from this size on
SHORTCUTS = True  # False only in the test that proves the shortcuts (`_mkdocs_build`) change no byte of the site
RELEASE = True  # False only in the test that proves releasing generated pages early changes no byte of the site

DEFAULT_FEATURES = ["navigation.tabs", "navigation.sections", "navigation.top", "navigation.prune",
                    "navigation.footer", "toc.follow", "search.suggest", "search.highlight", "content.tooltips"]


class SiteProblem(Exception):
    """The site cannot be built as asked (exit 2): the message says why."""


@dataclass(slots=True)
class SiteOptions:
    out: Path | None = None  # default: mkdocs.yml's site_dir, else public/
    strict: bool = False  # MkDocs warnings fail the build
    today: dt.date | None = None  # the day statuses are computed for
    quiet: bool = False
    trust: Trust = field(default_factory=Trust)  # plugins and extensions the operator allowed
    audience: str | None = None  # public | internal; None: strat.yaml's site.audience, else public


@dataclass(slots=True)
class Rendered:
    pages: dict[str, str]
    diagnostics: list[Any]
    documents: int
    company: Any = None
    sources: dict[str, editlinks.Source] = field(default_factory=dict)  # entity page → its file and line
    public: bool = False
    audience_note: str = "an internal audience (everything published)"
    written: bool = False  # the pages are already in the docs folder; `pages` keeps their paths only


@dataclass(slots=True)
class _Layout:
    """Where things are for one build."""

    root: Path
    mkdocs_file: Path | None
    raw: dict[str, Any] = field(default_factory=dict)  # mkdocs.yml as written (or the default)
    hand_dir: Path | None = None
    out_dir: Path | None = None
    directory_urls: bool = True
    templates: bool = False  # the repository brings Jinja templates: render the theme sandboxed
    repository: editlinks.Repository | None = None  # where the files live on a git host: edit links
    notes: list[str] = field(default_factory=list)  # what the operator should know about the layout


# --- entry points ------------------------------------------------------------------------


def build_site(root: Path, folder: Path, config: Config, options: SiteOptions, err: TextIO | None = None) -> int:
    """Build the site. 0 built; 1 the strategy has lint errors; 2 cannot build."""
    err = err or sys.stderr
    say = _Say(err, options.quiet)
    started = time.monotonic()
    workspace: tempfile.TemporaryDirectory[str] | None = None
    try:
        layout = _layout(root, config, options.out, cwd=Path.cwd(), trust=options.trust)
        assert layout.out_dir is not None
        _check_out_dir(layout.out_dir, root, [p for p in (layout.hand_dir, folder, root / ".git") if p])
        for note in layout.notes:
            say(note)
        workspace = tempfile.TemporaryDirectory(prefix="strat-site-")
        tmp = Path(workspace.name)
        rendered = render_strategy(root, folder, config, options.today, layout.directory_urls, err, options.audience,
                                   repository=layout.repository, docs=tmp / "docs")
        if rendered is None:
            return EXIT_FINDINGS
        say(f"rendered {sum(1 for p in rendered.pages if p.endswith('.md'))} pages from {rendered.documents} documents "
            f"({_count(rendered.diagnostics, rendered.public)}) for {rendered.audience_note}; building with MkDocs "
            f"into {_show(layout.out_dir, root)}")
        _claim(layout.out_dir)
        try:
            built = _run_mkdocs(layout, rendered, tmp, options.strict, say, err)
        except SiteProblem as problem:
            raise SiteProblem(f"{problem}\nstrat site: {_show(layout.out_dir, root)} may hold part of a site; it is "
                              "still marked as strat's, so the next build replaces it") from None
    except ConfigRefused as refused:
        print(inert.lines(f"strat site: {refused}"), file=err)
        return EXIT_FINDINGS
    except SiteProblem as problem:
        print(inert.lines(f"strat site: {problem}"), file=err)
        return EXIT_USAGE
    finally:
        if workspace is not None:
            workspace.cleanup()
    say(f"built {built} pages in {time.monotonic() - started:.1f}s: {_show(layout.out_dir / 'index.html', root)}")
    return EXIT_OK


def render_strategy(root: Path, folder: Path, config: Config, today: dt.date | None, directory_urls: bool,
                    err: TextIO, audience: str | None = None,
                    repository: editlinks.Repository | None = None, docs: Path | None = None) -> Rendered | None:
    """Lint, and render when there are no errors; print the errors and return None
    otherwise. The pages are rendered for `audience` (`strat.audience`): a public build
    renders from the filtered copy of the model, without the lint findings, the
    changelog and the review packs (`SiteProblem` when the audience setting is wrong).
    With `repository`, entity pages carry their "Edit" actions. With `docs` (a new
    folder), each page is written there as soon as it is rendered and `pages` keeps only
    the paths (texts ""), so a big site's Markdown never sits in memory whole."""
    from strat.audience import AudienceProblem, audience as audience_of, filtered, mentions
    from strat.codes import all_codes
    from strat.formats import FORMATS, Report
    from strat.lint import LintOptions, lint
    from strat.rules.context import RuleContext
    from strat.site.reference import reference_pages
    from strat.site.render import each_page
    from strat.site.reviews import link_reviews, review_pages

    try:
        who = audience_of(config, audience)
    except AudienceProblem as problem:
        raise SiteProblem(str(problem)) from None
    options = LintOptions(today=today)
    result = lint(root, folder, config, options)
    errors = [d for d in result.diagnostics if d.severity == Severity.ERROR]
    if errors or result.model is None:
        err.write(FORMATS["text"](Report(errors, result.files, result.documents, color=False)))
        print("strat site: the strategy has lint errors; the site is not built until they are fixed "
              "(run `strat lint`)", file=err)
        return None
    model, hidden = filtered(result.model, who)
    named = mentions(result.model, model) if who.public else []
    if named:
        for mention in named:
            print(inert.lines(f"strat site: {mention.message()}"), file=err)
        print("strat site: the public site is not built while published text names an internal entity "
              "(or build for `--audience internal`)", file=err)
        return None
    ctx = RuleContext(model, config, today or dt.date.today(), None)
    reviews: dict[str, str] = {}
    periods = list(result.model.periods)
    if not who.public:  # a review pack loads the whole strategy on its own: internal sites only
        reviews = review_pages(root, folder, config, ctx.today, periods)
    pages: dict[str, str] = {}
    generated = each_page(model, ctx, [] if who.public else result.diagnostics, all_codes(),
                          directory_urls=directory_urls, changelog=None if who.public else _changelog(root, folder),
                          public=who.public, repository=repository)
    for rel, text in itertools.chain(generated, reference_pages(all_codes()).items(), reviews.items()):
        if reviews and rel.startswith(paths.PERIODS.rpartition("/")[0] + "/"):
            one = {rel: text}
            link_reviews(one, reviews, periods)
            text = one[rel]
        if docs is not None:
            if not docs.is_dir():
                docs.mkdir()
            safe_write(docs, rel, text)
            text = ""
        pages[rel] = text
    strategy = model.strategy
    sources = {}
    for kind in paths.FOLDERS:
        for doc in model.of_kind(kind):
            if isinstance(doc.id, str) and paths.entity(kind, doc.id) in pages:
                sources[paths.entity(kind, doc.id)] = editlinks.Source(doc.path, max(1, doc.position[0]))
    if strategy is not None:
        sources[paths.HOME] = editlinks.Source(strategy.path, max(1, strategy.position[0]))
    rendered = Rendered(pages, result.diagnostics, result.documents, strategy.data.get("company") if strategy else None,
                        sources=sources, public=who.public, written=docs is not None)
    if who.public:
        n = sum(len(ids) for ids in hidden.ids.values())
        left = [f"{kind}.{f}" for kind, fields in sorted(hidden.fields.items()) for f in fields]
        left += [f"{n} internal entit{'y' if n == 1 else 'ies'}"] if n else []
        rendered.audience_note = "a public audience (left out: " + (", ".join(left) or "nothing") + ")"
    return rendered


def _changelog(root: Path, folder: Path) -> list | None:
    """The strategy's history for the changelog page, or None outside git."""
    from strat import git
    from strat.history import changelog
    from strat.load import relative_path

    if not git.is_repository(root):
        return None
    try:
        return changelog(root, relative_path(root, folder))
    except git.GitError:
        return []  # a repository with no commit yet


# --- configuration -------------------------------------------------------------------------


def _layout(root: Path, config: Config, out: Path | None, cwd: Path, trust: Trust | None = None) -> _Layout:
    """Where things are. With `trust` (build, serve), the whole configuration is checked
    (`mkdocs_config.vet`); without (render, which runs no MkDocs), it is only read safely
    and its folders confined."""
    mkdocs_file = root / MKDOCS_FILE
    if mkdocs_file.is_symlink():
        raise ConfigRefused(f"{MKDOCS_FILE} is a symlink; strat reads it only as a regular file")
    layout = _Layout(root, mkdocs_file if mkdocs_file.is_file() else None)
    if layout.mkdocs_file is not None:
        layout.raw = mkdocs_config.read(root, layout.mkdocs_file)
        if trust is not None:
            layout.raw = mkdocs_config.vet(root, layout.raw, trust)
            layout.templates = mkdocs_config.brings_templates(root, layout.raw)
    docs = layout.raw.get("docs_dir", DEFAULT_DOCS)
    layout.hand_dir = _inside(root, root / str(docs), "docs_dir")
    if layout.hand_dir is not None and not layout.hand_dir.is_dir():
        layout.hand_dir = None
    if out is not None:
        layout.out_dir = Path(os.path.abspath(cwd / out))
    else:
        site_dir = str(layout.raw.get("site_dir", DEFAULT_OUT))
        if layout.mkdocs_file is not None and "site_dir" not in layout.raw:
            site_dir = DEFAULT_OUT  # MkDocs' own default, site/, is where hand-written pages live
        layout.out_dir = Path(os.path.abspath(root / site_dir))
    layout.directory_urls = bool(layout.raw.get("use_directory_urls", True))
    docs_rel = layout.hand_dir.relative_to(Path(os.path.abspath(root))).as_posix() if layout.hand_dir else None
    layout.repository, layout.notes = editlinks.resolve(layout.raw, config.site, docs_rel)
    return layout


def _inside(root: Path, path: Path, what: str) -> Path | None:
    """`path` as an absolute path, refused when it leads outside the repository."""
    resolved = Path(os.path.abspath(path))
    real_root = Path(os.path.realpath(root))
    if os.path.realpath(resolved) != str(real_root) and real_root not in Path(os.path.realpath(resolved)).parents:
        raise ConfigRefused(f"{what} {path} is outside the repository")
    return resolved


def default_config(company: Any) -> dict[str, Any]:
    """The configuration of a repository without `mkdocs.yml`: mkdocs-material, site name
    from the Strategy, light and dark schemes, no fonts from the network."""
    return {
        "site_name": site_name(company),
        "theme": {
            "name": "material",
            "features": list(DEFAULT_FEATURES),
            "palette": [
                {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo",
                 "accent": "indigo", "toggle": {"icon": "material/weather-night", "name": "Dark mode"}},
                {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo",
                 "accent": "indigo", "toggle": {"icon": "material/weather-sunny", "name": "Light mode"}},
            ],
        },
        "markdown_extensions": ["admonition", "attr_list", "md_in_html", "tables", {"toc": {"permalink": True}}],
        "plugins": ["search"],
    }


def _nav(raw_nav: Any, generated: dict[str, str], hand_pages: list[str]) -> list[Any]:
    """The navigation: the generated index pages, then the repository's own `nav`
    (without generated pages it may name), or its hand-written pages, then the generated
    reference section."""
    from strat.site.reference import nav_section
    from strat.site.render import nav_sections

    nav: list[Any] = [{section: [{title: page} for title, page in items if page in generated]}
                      for section, items in nav_sections()]  # a public build has no Lint health or Changelog
    if isinstance(raw_nav, list):
        nav += [item for item in (_drop_generated(i, generated) for i in raw_nav) if item is not None]
    else:
        nav += [page for page in hand_pages if page.endswith(".md")]
    title, items = nav_section()
    nav.append({title: items})
    return nav


def _drop_generated(item: Any, generated: dict[str, str]) -> Any:
    if isinstance(item, str):
        return None if item in generated else item
    if isinstance(item, dict) and len(item) == 1:
        (title, value), = item.items()
        if isinstance(value, list):
            kept = [x for x in (_drop_generated(v, generated) for v in value) if x is not None]
            return {title: kept} if kept else None
        if isinstance(value, str) and value in generated:
            return None
    return item


def _theme(raw_theme: Any, layout: _Layout, theme_dir: Path) -> dict[str, Any]:
    """The theme: material, strat's templates over the repository's own, no fonts from
    another host; with a known repository, the theme's edit button (`content.action.edit`)."""
    theme = dict(raw_theme) if isinstance(raw_theme, dict) else {"name": raw_theme or "material"}
    if theme.get("name") != "material":
        raise SiteProblem(f"the strategy site is built with mkdocs-material; {MKDOCS_FILE} sets theme "
                          f"{theme.get('name')!r} (set `theme: {{name: material}}`)")
    user_dir = theme.get("custom_dir")
    parent = "base.html"
    if user_dir:
        source = _inside(layout.root, layout.root / str(user_dir), "theme.custom_dir")
        if source is not None and source.is_dir() and not source.is_symlink():
            copy_tree(source, theme_dir, lambda rel: None)
            if (theme_dir / "main.html").exists():
                (theme_dir / "main.html").rename(theme_dir / USER_MAIN)
                parent = USER_MAIN
    from importlib import resources

    template = resources.files("strat.site").joinpath("overrides/main.html").read_text(encoding="utf-8")
    theme_dir.mkdir(parents=True, exist_ok=True)
    (theme_dir / "main.html").write_text(template.replace("STRAT_PARENT_TEMPLATE", f'"{parent}"'), encoding="utf-8")
    partial = resources.files("strat.site").joinpath("overrides/partials/source.html").read_text(encoding="utf-8")
    safe_write(theme_dir, "partials/source.html", partial)  # the repository link, with no request to its host
    theme["custom_dir"] = str(theme_dir)
    theme["font"] = False
    if layout.repository is not None:
        raw_features = theme.get("features")
        features: list[Any] = list(raw_features) if isinstance(raw_features, list) else []
        theme["features"] = features + (["content.action.edit"] if "content.action.edit" not in features else [])
    return theme


def _not_in_nav(raw: Any) -> str:
    ours = [f"/{folder}/*.md" for folder in paths.FOLDERS.values()] + ["/rules/*.md"]
    theirs = raw if isinstance(raw, str) else ""
    return "\n".join([*theirs.splitlines(), *ours])


# --- assembling and running ------------------------------------------------------------------


def _run_mkdocs(layout: _Layout, rendered: Rendered, tmp: Path, strict: bool, say: "_Say", err: TextIO) -> int:
    """Assemble the docs folder in `tmp` and run MkDocs. Returns the number of pages built."""
    pages, company = rendered.pages, rendered.company
    docs = tmp / "docs"
    docs.mkdir(exist_ok=rendered.written)
    hand_pages: list[str] = []
    if layout.hand_dir is not None:
        def skipped(rel: str) -> None:
            say(f"skipped {rel} in {_show(layout.hand_dir, layout.root)}: symlinks are never followed or copied")

        for rel in copy_tree(layout.hand_dir, docs, skipped, exclude=set(pages)):
            hand_pages.append(rel)
        for rel in sorted(set(pages) & set(_walk_files(layout.hand_dir))):
            say(f"{_show(layout.hand_dir / rel, layout.root)} is replaced by the generated page of the same path")
    for rel, text in pages.items() if not rendered.written else ():
        safe_write(docs, rel, text)

    raw = layout.raw if layout.mkdocs_file is not None else default_config(company)
    overrides = {
        "docs_dir": str(docs),
        "site_dir": str(layout.out_dir),
        "theme": _theme(raw.get("theme"), layout, tmp / "theme"),
        "nav": _nav(raw.get("nav"), pages, sorted(hand_pages)),
        "not_in_nav": _not_in_nav(raw.get("not_in_nav")),
        "extra_css": [*(raw.get("extra_css") or []), "stylesheets/strat.css"],
        "strict": strict,
        # strat sets every page's edit link itself (StratPlugin): MkDocs' own would send a
        # generated page to its generated Markdown, which is in no repository.
        "repo_url": layout.repository.url if layout.repository else None,
        "edit_uri": "",
        "edit_uri_template": None,
    }
    total = sum(1 for rel in [*pages, *hand_pages] if rel.endswith(".md"))  # pages, not stylesheets or images
    # MkDocs never reads mkdocs.yml itself: it gets the checked configuration, with the
    # repository root as the folder of the configuration file.
    options = {key: value for key, value in raw.items() if key not in overrides}
    options.update(overrides)
    edit = _edit_links(layout.repository, rendered, hand_pages)
    return _mkdocs_build(layout.root / MKDOCS_FILE, options, layout.templates, set(pages), total, say, err, edit)


def _edit_links(repo: editlinks.Repository | None, rendered: Rendered, hand_pages: list[str]) -> dict[str, str]:
    """Each page's edit link: an entity page's YAML file at its line, a hand-written page's
    Markdown source; none on the other generated pages (index pages, health, rules)."""
    if repo is None:
        return {}
    links = {page: editlinks.edit_url(repo, s.path, s.line) for page, s in rendered.sources.items()}
    for rel in hand_pages:
        url = editlinks.docs_edit_url(repo, rel) if rel.endswith(".md") else None
        if url is not None:
            links[rel] = url
    return links


def _mkdocs_build(config_path: Path, options: dict[str, Any], sandboxed: bool, generated: set[str], total: int,
                  say: "_Say", err: TextIO, edit: dict[str, str] | None = None) -> int:
    """Run MkDocs with strat's plugin: progress on large builds and, on generated pages,
    shortcuts that leave every output byte as it would be: pages of a known shape go to
    HTML without Python-Markdown (`fastpage`), raw HTML blocks of the others are stashed
    without an HTML parse (`rawblocks`), and the search index is made without the blocks
    it skips (`searchview`) and with a tokenizer of strat's own (`fastsearch`)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException
    from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

    from strat.site.fastpage import FastPages
    from strat.site.fastsearch import index_page, search_index_of
    from strat.site.rawblocks import GeneratedRawHtml
    from strat.site.searchview import for_search

    raw_blocks = GeneratedRawHtml()

    class StratPlugin(BasePlugin):  # type: ignore[type-arg]
        """Tells the raw-block stash which pages are generated; counts pages as MkDocs
        renders them and, on large builds, says how far it got."""

        def __init__(self) -> None:
            self.done = 0
            self.step = max(1, total // 10)
            self.whole: str | None = None  # a page's content while the search indexer reads less of it
            self.fast: FastPages | None = None  # generated pages of a known shape, straight to HTML
            self.pending: tuple[Any, str, Any] | None = None  # (page, its Markdown, its HTML) until on_page_content
            self.packed: dict[str, tuple[bytes, bytes]] = {}  # generated pages between MkDocs' two passes

        @event_priority(-100)  # after every other plugin: the page as they left it is what is kept
        def _pack(self, html: str, page: Any, config: Any, files: Any) -> str:
            """MkDocs converts every page before it writes any: a generated page's HTML and
            Markdown wait compressed until the page's turn comes (`_unpack`)."""
            if RELEASE and page.file.src_uri in generated:
                self.packed[page.file.src_uri] = (zlib.compress(html.encode("utf-8"), 1),
                                                  zlib.compress((page.markdown or "").encode("utf-8"), 1))
                page.markdown = ""
                return ""
            return html

        @event_priority(200)  # before every other plugin sees the page again
        def _unpack(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
            packed = self.packed.pop(page.file.src_uri, None)
            if packed is not None:
                page.content = zlib.decompress(packed[0]).decode("utf-8")
                page.markdown = zlib.decompress(packed[1]).decode("utf-8")
            return context

        @event_priority(-100)  # last: the page's Markdown as every other plugin left it
        def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
            raw_blocks.active = SHORTCUTS and page.file.src_uri in generated
            page.edit_url = (edit or {}).get(page.file.src_uri)  # percent-encoded: the theme prints it as is
            if raw_blocks.active:
                if self.fast is None:
                    self.fast = FastPages(config.markdown_extensions, config.mdx_configs, raw_blocks)
                done = self.fast.render(markdown)
                if done is not None:  # MkDocs converts nothing; on_page_content hands it the page
                    self.pending = (page, markdown, done)
                    return ""
            return markdown

        @event_priority(100)  # first: other plugins see the page's HTML as they would have
        def _fast_content(self, html: str, page: Any, config: Any, files: Any) -> str:
            if self.pending is None or self.pending[0] is not page:
                return html
            _, page.markdown, done = self.pending
            self.pending = None
            page.toc, page.present_anchor_ids, page._title_from_render = done.toc, done.anchors, done.title
            return done.html

        on_page_content = CombinedEvent(_fast_content, _pack)

        @event_priority(100)  # before mkdocs-material's search indexer (priority 0)
        def _search_view(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
            if not (SHORTCUTS and page.file.src_uri in generated):
                return context
            whole = page.content
            slim = for_search(whole)
            index = search_index_of(config.plugins)
            if index is not None and index_page(index, page, whole if slim is None else slim):
                self.whole, page.content = whole, ""  # indexed: the plugin's own parser gets nothing to add
            elif slim is not None:
                self.whole, page.content = whole, slim
            return context

        @event_priority(-100)  # after it: the page is written whole
        def _whole_page(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
            if self.whole is not None:
                page.content, self.whole = self.whole, None
            return context

        on_page_context = CombinedEvent(_unpack, _search_view, _whole_page)

        def _count(self, output: str, page: Any, config: Any) -> str:
            self.done += 1
            if total >= PROGRESS_FROM and (self.done % self.step == 0 or self.done == total):
                say.progress(f"wrote {self.done}/{total} pages")
            return output

        @event_priority(-100)  # after every other plugin: a generated page written is let go
        def _release(self, output: str, page: Any, config: Any) -> str:
            if RELEASE and page.file.src_uri in generated:
                page.content = page.markdown = None
            return output

        on_post_page = CombinedEvent(_count, _release)

    handler = _MkDocsLog(err)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    plugin = StratPlugin()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        cfg = _load_config(config_path, options)
        if sandboxed:
            mkdocs_config.sandbox_theme(cfg.theme)
        cfg.plugins["strat"] = plugin
        cfg.markdown_extensions.append(raw_blocks)  # an instance, as mkdocs-autorefs adds its own
        build(cfg)
    except MkDocsException as exc:
        raise SiteProblem(f"MkDocs failed: {exc}") from None
    except Exception as exc:  # a theme template error, a plugin crash: MkDocs' failure, said plainly
        raise SiteProblem(f"MkDocs failed: {type(exc).__name__}: {exc}") from None
    finally:
        logger.removeHandler(handler)
        say.end_progress()
    return plugin.done


def _load_config(config_path: Path, options: dict[str, Any]) -> Any:
    """MkDocs' `load_config`, from a checked dictionary instead of a file."""
    from mkdocs import exceptions
    from mkdocs.config.defaults import MkDocsConfig

    cfg = MkDocsConfig(config_file_path=str(config_path))
    cfg.load_dict(mkdocs_config.resolve_relatives(options, cfg))
    errors, warnings = cfg.validate()
    log = logging.getLogger("mkdocs.config")
    for name, warning in warnings:
        log.warning(f"Config value '{name}': {warning}")
    for name, error in errors:
        log.error(f"Config value '{name}': {error}")
    if errors:
        raise exceptions.Abort("Aborted with a configuration error!")
    if cfg.strict and warnings:
        raise exceptions.Abort(f"Aborted with {len(warnings)} configuration warnings in 'strict' mode!")
    return cfg


class _MkDocsLog(logging.Handler):
    """MkDocs' warnings and errors, on stderr with their level."""

    def __init__(self, err: TextIO) -> None:
        super().__init__(logging.WARNING)
        self.err = err

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(inert.lines(f"mkdocs: {record.levelname.lower()}: {record.getMessage()}"), file=self.err)
        except Exception:  # never let logging break the build
            pass


# --- files -------------------------------------------------------------------------------


def copy_tree(source: Path, dest: Path, skipped: Callable[[str], None], exclude: set[str] | None = None) -> list[str]:
    """Copy the regular files below `source` into `dest`, never following or copying a
    symlink (each one is reported through `skipped`). Hidden files and folders are left
    out. Returns the relative paths copied."""
    copied = []
    exclude = exclude or set()
    for current, dirs, files in os.walk(source, followlinks=False):
        here = Path(current)
        rel_dir = here.relative_to(source).as_posix()
        for name in sorted(list(dirs)):
            if name.startswith(".") or (here / name).is_symlink():
                if (here / name).is_symlink():
                    skipped(_join(rel_dir, name))
                dirs.remove(name)
        dirs.sort()
        for name in sorted(files):
            path = here / name
            rel = _join(rel_dir, name)
            if name.startswith("."):
                continue
            if path.is_symlink():
                skipped(rel)
                continue
            if not path.is_file() or rel in exclude:
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target, follow_symlinks=False)
            copied.append(rel)
    return copied


def _walk_files(source: Path) -> list[str]:
    out = []
    for current, dirs, files in os.walk(source, followlinks=False):
        rel_dir = Path(current).relative_to(source).as_posix()
        out += [_join(rel_dir, f) for f in files]
    return out


def _join(rel_dir: str, name: str) -> str:
    return name if rel_dir in ("", ".") else f"{rel_dir}/{name}"


def safe_write(base: Path, rel: str, text: str) -> None:
    """Write `base/rel`, refusing a path that leaves `base` or passes through a symlink."""
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts:
        raise SiteProblem(f"refusing to write {rel!r}")
    current = base
    for part in parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise SiteProblem(f"{current} is a symlink; refusing to write through it")
        current.mkdir(exist_ok=True)
    target = current / parts[-1]
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except OSError as exc:
        raise SiteProblem(f"cannot write {target}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _protect(out: Path, root: Path, protected: list[Path]) -> Path:
    if out.is_symlink():
        raise SiteProblem(f"the output folder {out} is a symlink; give a real folder")
    real = Path(os.path.realpath(out))
    for place in [root, *protected]:
        place_real = Path(os.path.realpath(place))
        if real == place_real or real in place_real.parents:
            raise SiteProblem(f"the output folder {out} would contain {place}; give a folder of its own, e.g. public/")
        if place != root and place_real in real.parents:
            raise SiteProblem(f"the output folder {out} is inside {place}; give a folder outside it, e.g. public/")
    if real.exists() and not real.is_dir():
        raise SiteProblem(f"the output folder {out} is a file")
    return real


def _check_out_dir(out: Path, root: Path, protected: list[Path]) -> None:
    """MkDocs empties its output folder: only accept a new or empty folder, or one strat
    claimed before (its `MARKER` file; a `sitemap.xml` proves nothing: any site, or any
    folder, may hold one)."""
    real = _protect(out, root, protected)
    if not real.is_dir() or (real / MARKER).is_file():
        return
    entries = sorted(inert.text(p.name) for p in real.iterdir())
    if entries:
        shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
        raise SiteProblem(f"the output folder {out} is not empty ({shown}) and has no {MARKER} file, so it is not a "
                          "site strat built; a build empties its output folder, so strat will not build there. Give "
                          "an empty or new folder, or delete this one if what it holds is not needed")


def _claim(out: Path) -> None:
    """Mark the output folder as strat's before MkDocs writes into it (MkDocs keeps
    hidden files when it empties a folder), so a build that fails half-way, on a full
    disk say, leaves a folder the next build accepts."""
    out.mkdir(parents=True, exist_ok=True)
    safe_write(out, MARKER, "Built by `strat site build`; it empties this folder on every build.\n")


# --- messages ------------------------------------------------------------------------------


class _Say:
    """Progress on stderr: one line per step; page counts overwrite themselves on a
    terminal."""

    def __init__(self, err: TextIO, quiet: bool) -> None:
        self.err, self.quiet = err, quiet
        self.tty = hasattr(err, "isatty") and err.isatty()
        self.open_line = False

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        self.end_progress()
        print(inert.lines(f"strat site: {message}"), file=self.err)

    def progress(self, message: str) -> None:
        if self.quiet:
            return
        if self.tty:
            self.err.write("\r" + inert.text(f"strat site: {message}"))
            self.err.flush()
            self.open_line = True
        else:
            print(inert.lines(f"strat site: {message}"), file=self.err)

    def end_progress(self) -> None:
        if self.open_line:
            self.err.write("\n")
            self.open_line = False


def _count(diagnostics: list[Any], public: bool = False) -> str:
    n = len(diagnostics)
    if public:
        return f"{n} lint finding{'s' if n != 1 else ''}, not published" if n else "no lint findings"
    return f"{n} lint finding{'s' if n != 1 else ''}, shown on the Lint health page" if n else "no lint findings"


def _show(path: Path | None, root: Path) -> str:
    """A path as the user reads it: relative to the working folder when inside it."""
    if path is None:
        return ""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)
