"""The repository's `mkdocs.yml`, read as untrusted content.

`mkdocs.yml` arrives through pull requests like every other file, so `strat site build`
and `strat site serve` read it themselves and hand MkDocs a checked configuration, never
the file. Nothing in it may run code, read outside the repository or write outside the
output folder:

- **YAML tags.** MkDocs' own loader is PyYAML's unsafe one: `!!python/object/apply:os.system`
  in `mkdocs.yml` runs a command while the file is read. strat reads it with PyYAML's safe
  loader and a few tags of its own. `!ENV` is refused (it reads the environment of whoever
  builds the site, a CI secret could be published on a page). `!!python/name:` is accepted
  only for the functions material's and pymdown-extensions' documentation use
  (`PYTHON_NAMES`), and `!!python/object/apply:` only for the two factories they document
  (`PYTHON_FACTORIES`), with plain keyword arguments. Every other tag is refused.
  `!relative` is kept; `$config_dir/...` must stay in the repository and `$docs_dir/...`
  in the docs folder.
- **`INHERIT`** names a parent file read the same way, which must be a regular file of the
  repository (no `..` out, no absolute path, no symlink out); chains are followed up to
  `MAX_INHERIT` files and the merged result is checked.
- **`hooks:`** (Python files MkDocs imports) are refused.
- **Plugins** run code of their own on every page. Allowed: `search`, `tags` and `offline`
  (mkdocs-material's, or MkDocs' `search`), which read only the pages and write only into
  the output folder; `tags.export_file` must stay in it and `search.jieba_dict*` in the
  repository. Refused unless the operator names them with `--allow-plugin NAME`: `blog`,
  `meta` (both read more of the docs folder; fine, but not needed by a strategy site),
  `social` and `privacy` (download from the network, write a cache folder the config
  names), `optimize` (runs image tools, cache folder), `info` (zips the project for bug
  reports), `group` (turns on any plugin), `projects` (builds other projects) and every
  third-party plugin, whose behaviour strat cannot vouch for.
- **Markdown extensions** are imported by name: a name is code to run. (`python -m strat`
  also drops the working folder from the import path, see `strat/__main__.py`.) Allowed: Python-Markdown's own and pymdown-extensions' (all but
  `b64`, which embeds any image file a page names). `pymdownx.snippets` reads files: its
  `base_path` must be in the repository (relative paths are taken from the repository
  root, not the working folder), `restrict_base_path` stays on, `url_download` stays off,
  and a base folder holding a symlink that leads out of the repository is refused
  (snippets follow symlinks). Others are refused unless named with `--allow-extension NAME`.
- **Paths**: `docs_dir`, `site_dir`, `theme.custom_dir`, `extra_css`, `extra_javascript`,
  `extra_templates`, `watch`, and material's emoji `custom_icons` folders (read, symlinks
  followed, by the emoji index) stay in the repository (`..`, absolute paths and symlinks out
  are refused). `site_dir` is where the build writes and empties: outside the repository
  it is refused; the operator's `--out` may point anywhere and passes the output-folder
  checks either way.
- **Templates**: a repository's `theme.custom_dir` and `extra_templates` are Jinja
  templates, and Jinja outside its sandbox can reach Python (`{{ x.__class__ ... }}`);
  when the repository brings templates the theme is rendered in Jinja's sandbox.

A file past `MAX_BYTES`, or whose aliases expand past `MAX_NODES` values, is refused too.
A refusal is a `ConfigRefused` (exit 1) that names the setting, and for a YAML tag the
file and line; text from the repository in it is shown with its escapes visible."""

from __future__ import annotations

import importlib
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from strat import inert

MKDOCS_FILE = "mkdocs.yml"
MAX_BYTES = 1024 * 1024  # a configuration file, not a data file
MAX_INHERIT = 8
MAX_NODES = 100_000  # values in the configuration, aliases counted each time they are used

PLUGINS = {"search", "tags", "offline"}  # with or without the `material/` prefix
EXTENSIONS = {
    # Python-Markdown
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "meta", "nl2br",
    "sane_lists", "smarty", "tables", "toc", "wikilinks", "codehilite", "legacy_attrs", "legacy_em", "extra",
    # pymdown-extensions (not b64)
    "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.blocks.admonition", "pymdownx.blocks.caption",
    "pymdownx.blocks.definition", "pymdownx.blocks.details", "pymdownx.blocks.html", "pymdownx.blocks.tab",
    "pymdownx.bracketspan", "pymdownx.caret", "pymdownx.critic", "pymdownx.details", "pymdownx.emoji",
    "pymdownx.escapeall", "pymdownx.extra", "pymdownx.fancylists", "pymdownx.highlight", "pymdownx.inlinehilite",
    "pymdownx.keys", "pymdownx.magiclink", "pymdownx.mark", "pymdownx.pathconverter", "pymdownx.progressbar",
    "pymdownx.quotes", "pymdownx.saneheaders", "pymdownx.smartsymbols", "pymdownx.snippets", "pymdownx.striphtml",
    "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist", "pymdownx.tilde",
}
PYTHON_NAMES = {
    "material.extensions.emoji.twemoji", "material.extensions.emoji.to_svg",
    "pymdownx.emoji.twemoji", "pymdownx.emoji.emojione", "pymdownx.emoji.gemoji", "pymdownx.emoji.to_svg",
    "pymdownx.emoji.to_png", "pymdownx.emoji.to_svg_sprite", "pymdownx.emoji.to_png_sprite", "pymdownx.emoji.to_alt",
    "pymdownx.superfences.fence_code_format", "pymdownx.superfences.fence_div_format",
    "pymdownx.superfences.default_validator", "pymdownx.superfences.highlight_validator",
    "pymdownx.arithmatex.arithmatex_inline_format", "pymdownx.arithmatex.arithmatex_fenced_format",
    "markdown.extensions.toc.slugify", "markdown.extensions.toc.slugify_unicode",
}
PYTHON_FACTORIES = {"pymdownx.slugs.slugify", "pymdownx.arithmatex.arithmatex_inline_format",
                    "pymdownx.arithmatex.arithmatex_fenced_format"}
_PY = "tag:yaml.org,2002:python/"


class ConfigRefused(Exception):
    """The repository's mkdocs.yml asks for something strat will not do (exit 1)."""


@dataclass(frozen=True, slots=True)
class Relative:
    """A `!relative` tag, kept until MkDocs' configuration object exists."""

    prefix: str  # "", "$config_dir" or "$docs_dir"
    suffix: str


@dataclass(slots=True)
class Trust:
    """What the operator allowed on the command line."""

    plugins: set[str] = field(default_factory=set)
    extensions: set[str] = field(default_factory=set)


# --- reading -------------------------------------------------------------------------------


def read(root: Path, path: Path) -> dict[str, Any]:
    """`mkdocs.yml` (and the files it inherits from), merged as MkDocs merges them."""
    return _read(root, path, [])


def _read(root: Path, path: Path, chain: list[Path]) -> dict[str, Any]:
    import mergedeep  # type: ignore[import-untyped]

    shown = inert.text(_rel(root, path))
    try:
        with open(path, "rb") as fd:
            data = fd.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigRefused(f"cannot read {shown}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise ConfigRefused(f"{shown} is larger than {MAX_BYTES // 1024} KiB; it is a configuration file")
    try:
        loader = _Loader(data)
        loader.name = shown
        try:
            result = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigRefused(f"cannot read {shown}: {exc}") from None
    if result is None:
        return {}
    if not isinstance(result, dict):
        raise ConfigRefused(f"{shown} is not a mapping")
    if _too_big(result, [MAX_NODES]):
        raise ConfigRefused(f"{shown} expands to more than {MAX_NODES:,} values (YAML aliases used over and over?); "
                            "it is a configuration file")
    parent_name = result.pop("INHERIT", None)
    if parent_name is None:
        return result
    if not isinstance(parent_name, str) or not parent_name:
        raise ConfigRefused(f"{shown}: INHERIT must name a file of the repository")
    if len(chain) >= MAX_INHERIT:
        raise ConfigRefused(f"{shown}: INHERIT chain longer than {MAX_INHERIT} files (a loop?)")
    parent = confine(root, path.parent, parent_name, f"{shown}: INHERIT")
    if not parent.is_file():
        raise ConfigRefused(f"{shown}: INHERIT {parent_name!r} is not a file of the repository")
    if parent in chain or parent == path:
        raise ConfigRefused(f"{shown}: INHERIT {parent_name!r} inherits from itself")
    return mergedeep.merge(_read(root, parent, [*chain, path]), result)


def _too_big(value: Any, budget: list[int]) -> bool:
    """Whether walking `value` visits more than the budget's values (an alias counts each
    time it is used: that is how MkDocs walks it)."""
    budget[0] -= 1
    if budget[0] < 0:
        return True
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_too_big(item, budget) for item in items)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, plus the few tags mkdocs.yml files use that strat can vouch for."""

    name = MKDOCS_FILE

    def where(self, node: yaml.Node) -> str:
        return f"{self.name} line {node.start_mark.line + 1}"

    def refuse(self, node: yaml.Node, why: str) -> ConfigRefused:
        return ConfigRefused(f"{self.where(node)}: {why}")


def _env(loader: _Loader, node: yaml.Node) -> Any:
    raise loader.refuse(node, "`!ENV` is refused: it reads the environment of whoever builds the site, and a "
                              "secret of the CI could be published on a page. Write the value in mkdocs.yml")


def _relative(loader: _Loader, node: yaml.Node) -> Relative:
    value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(value, str):
        raise loader.refuse(node, "`!relative` takes a path")
    prefix, _, suffix = value.partition("/")
    if not value:
        return Relative("", "")
    if prefix not in ("$config_dir", "$docs_dir"):
        raise loader.refuse(node, f"`!relative {value}`: expected nothing, $config_dir/... or $docs_dir/...")
    if not _plain_relative(suffix):
        raise loader.refuse(node, f"`!relative {value}` leads out of {prefix}")
    return Relative(prefix, suffix)


def _python_name(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if suffix not in PYTHON_NAMES:
        raise loader.refuse(node, f"`!!python/name:{inert.text(suffix)}` is refused: mkdocs.yml may name only "
                                  "the functions material and pymdown-extensions document")
    return _import(suffix)


def _python_apply(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if suffix not in PYTHON_FACTORIES:
        raise loader.refuse(node, f"`!!python/object/apply:{inert.text(suffix)}` is refused: it would call Python "
                                  "code named by the repository")
    kwds: Any = {}
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
        if set(value) - {"kwds"}:
            raise loader.refuse(node, f"`!!python/object/apply:{suffix}` takes only `kwds`")
        kwds = value.get("kwds") or {}
    elif not (isinstance(node, yaml.SequenceNode) and not node.value):
        raise loader.refuse(node, f"`!!python/object/apply:{suffix}` takes only `kwds`")
    if not isinstance(kwds, dict) or not all(isinstance(k, str) and isinstance(v, (str, bool, int, float))
                                             for k, v in kwds.items()):
        raise loader.refuse(node, f"`!!python/object/apply:{suffix}`: `kwds` must be plain values")
    return _import(suffix)(**kwds)


def _python_other(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    raise loader.refuse(node, f"the tag `!!python/{inert.text(suffix)}` is refused: it would import or run Python code "
                              "named by the repository")


def _unknown(loader: _Loader, node: yaml.Node) -> Any:
    raise loader.refuse(node, f"unknown YAML tag {node.tag!r}")


_Loader.add_constructor("!ENV", _env)
_Loader.add_constructor("!relative", _relative)
_Loader.add_multi_constructor(_PY + "name:", _python_name)
_Loader.add_multi_constructor(_PY + "object/apply:", _python_apply)
_Loader.add_multi_constructor(_PY, _python_other)
_Loader.add_constructor(None, _unknown)


def _import(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


# --- checking ----------------------------------------------------------------------------


def vet(root: Path, raw: dict[str, Any], trust: Trust) -> dict[str, Any]:
    """Refuse what the configuration may not do; return it with repository paths made
    absolute (so the working folder never matters)."""
    cfg = dict(raw)
    _relatives(root, cfg)
    if cfg.get("hooks"):
        raise ConfigRefused(f"{MKDOCS_FILE}: `hooks:` is refused: MkDocs would import and run the Python files it "
                            "names. strat never runs code from the repository")
    for key in ("docs_dir", "site_dir"):
        if key in cfg:
            _confined_value(root, cfg[key], key)
    theme = cfg.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir") is not None:
        _confined_value(root, theme["custom_dir"], "theme.custom_dir")
    for key in ("extra_css", "extra_javascript", "extra_templates", "watch"):
        for item in _listed(cfg.get(key)):
            path = item.get("path") if isinstance(item, dict) else item
            if isinstance(path, str) and "://" in path and key in ("extra_css", "extra_javascript"):
                continue  # a link on the pages, not a file strat reads
            if key == "watch":
                _confined_value(root, path, key)
            elif not isinstance(path, str) or not _plain_relative(path):
                raise ConfigRefused(f"{MKDOCS_FILE}: {key} {path!r} leads out of the docs folder")
    cfg["plugins"] = _plugins(root, cfg.get("plugins"), trust)
    cfg["markdown_extensions"] = _extensions(root, cfg.get("markdown_extensions"), trust)
    return cfg


def _plugins(root: Path, value: Any, trust: Trust) -> Any:
    items = _named(value, "plugins")
    for name, conf in items:
        short = name.removeprefix("material/")
        if short not in PLUGINS and name not in trust.plugins and short not in trust.plugins:
            raise ConfigRefused(f"{MKDOCS_FILE}: the plugin {name!r} is refused: a plugin runs code of its own on "
                                f"every page, and strat allows only {', '.join(sorted(PLUGINS))} by default. If "
                                f"you trust it, build with `--allow-plugin {inert.text(name)}`")
        if short == "tags" and isinstance(conf, dict) and "export_file" in conf:
            target = conf["export_file"]
            if not isinstance(target, str) or not _plain_relative(target):
                raise ConfigRefused(f"{MKDOCS_FILE}: tags.export_file {target!r} leads out of the output folder")
        if short == "search" and isinstance(conf, dict):
            for key in ("jieba_dict", "jieba_dict_user"):
                if conf.get(key) is not None:
                    conf[key] = str(_confined_value(root, conf[key], f"search.{key}"))
    return value


def _extensions(root: Path, value: Any, trust: Trust) -> Any:
    items = _named(value, "markdown_extensions")
    out: list[Any] = []
    for name, conf in items:
        short = name.removeprefix("markdown.extensions.")
        if short not in EXTENSIONS and name not in trust.extensions:
            raise ConfigRefused(f"{MKDOCS_FILE}: the Markdown extension {name!r} is refused: strat allows "
                                "Python-Markdown's and pymdown-extensions' own (not pymdownx.b64). If you trust "
                                f"it, build with `--allow-extension {inert.text(name)}`")
        if name == "pymdownx.snippets":
            conf = _snippets(root, dict(conf) if isinstance(conf, dict) else {})
        if name == "pymdownx.emoji" and isinstance(conf, dict) and isinstance(conf.get("options"), dict):
            conf = _emoji(root, conf)
        out.append({name: conf} if conf is not None else name)
    return out


def _snippets(root: Path, conf: dict[str, Any]) -> dict[str, Any]:
    where = f"{MKDOCS_FILE}: pymdownx.snippets"
    if conf.get("url_download"):
        raise ConfigRefused(f"{where}: url_download is refused: the build would fetch what pages name")
    if conf.get("restrict_base_path") is False:
        raise ConfigRefused(f"{where}: restrict_base_path: false is refused: pages could include any file")
    bases = conf.get("base_path", ["."])
    bases = [bases] if isinstance(bases, (str, Relative)) else bases
    if not isinstance(bases, list):
        raise ConfigRefused(f"{where}: base_path must be a path or a list of paths")
    checked: list[Any] = []
    for base in bases:
        if isinstance(base, Relative):
            checked.append(base)  # the docs folder strat assembles, or the repository root
            continue
        path = _confined_value(root, base, "pymdownx.snippets base_path")
        if path.is_dir():
            _no_symlink_out(root, path)
        checked.append(str(path))
    conf["base_path"] = checked
    conf["restrict_base_path"] = True
    conf["url_download"] = False
    return conf


def _emoji(root: Path, conf: dict[str, Any]) -> dict[str, Any]:
    """material's emoji index reads every `*.svg` below `options.custom_icons` (and
    follows symlinks): each folder must be in the repository, with no symlink out."""
    options = dict(conf["options"])
    icons = options.get("custom_icons")
    if icons is None:
        return conf
    if not isinstance(icons, list):
        raise ConfigRefused(f"{MKDOCS_FILE}: pymdownx.emoji custom_icons must be a list of folders")
    checked = []
    for folder in icons:
        path = _confined_value(root, folder, "pymdownx.emoji custom_icons")
        if path.is_dir():
            _no_symlink_out(root, path, "pymdownx.emoji custom_icons")
        checked.append(str(path))
    options["custom_icons"] = checked
    return {**conf, "options": options}


def _no_symlink_out(root: Path, base: Path, what: str = "pymdownx.snippets base_path") -> None:
    real_root = os.path.realpath(root)
    for current, dirs, files in os.walk(base, followlinks=False):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in [*dirs, *files]:
            path = os.path.join(current, name)
            if os.path.islink(path) and not _below(os.path.realpath(path), real_root):
                shown = inert.text(_rel(root, Path(path)))
                raise ConfigRefused(f"{MKDOCS_FILE}: {what} holds {shown}, a symlink that leads out of the "
                                    "repository; the extension would follow it")


def _relatives(root: Path, value: Any) -> Any:
    """Turn `!relative $config_dir/...` into a path of the repository; the others wait
    for `resolve_relatives`."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _relatives(root, item)
    elif isinstance(value, list):
        value[:] = [_relatives(root, item) for item in value]
    elif isinstance(value, Relative) and value.prefix == "$config_dir":
        return str(_confined_value(root, value.suffix or ".", "!relative $config_dir"))
    return value


def resolve_relatives(value: Any, mkdocs_config: Any) -> Any:
    """The remaining `!relative` tags as MkDocs' own placeholders, bound to the
    configuration being built (the docs folder is the one strat assembles)."""
    from mkdocs.utils.yaml import DocsDirPlaceholder, RelativeDirPlaceholder

    if isinstance(value, dict):
        return {key: resolve_relatives(item, mkdocs_config) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_relatives(item, mkdocs_config) for item in value]
    if isinstance(value, Relative):
        if value.prefix == "$docs_dir":
            return DocsDirPlaceholder(mkdocs_config, value.suffix)
        return RelativeDirPlaceholder(mkdocs_config)
    return value


def brings_templates(root: Path, cfg: dict[str, Any]) -> bool:
    """Whether the repository supplies Jinja templates (then the theme renders sandboxed)."""
    theme = cfg.get("theme")
    return bool(cfg.get("extra_templates")) or (isinstance(theme, dict) and bool(theme.get("custom_dir")))


def sandbox_theme(theme: Any) -> None:
    """Render `theme`'s templates in Jinja's sandbox: no attribute starting with `_`, no
    unsafe callables, whatever a template from the repository says."""
    import types

    import jinja2
    from jinja2.sandbox import SandboxedEnvironment
    from mkdocs import localization
    from mkdocs.utils import templates

    def get_env(self: Any) -> jinja2.Environment:
        env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(self.dirs), auto_reload=False)
        env.filters["url"] = templates.url_filter
        env.filters["script_tag"] = templates.script_tag_filter
        localization.install_translations(env, self.locale, self.dirs)
        return env

    theme.get_env = types.MethodType(get_env, theme)


# --- paths ---------------------------------------------------------------------------------


def confine(root: Path, base: Path, value: str, what: str) -> Path:
    """`base/value` as an absolute path, refused when it (or a symlink on the way) leads
    out of the repository."""
    if "\x00" in value:
        raise ConfigRefused(f"{what} {value!r} is not a path")
    path = Path(os.path.abspath(base / value))
    real_root = os.path.realpath(root)
    if not _below(os.path.realpath(path), real_root) or not _below(str(path), os.path.abspath(root)):
        raise ConfigRefused(f"{what} {value!r} leads outside the repository; strat reads and writes only inside it "
                            "(the output folder may be anywhere with --out)")
    return path


def _confined_value(root: Path, value: Any, what: str) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigRefused(f"{MKDOCS_FILE}: {what} must be a path, got {value!r}")
    return confine(root, root, value, f"{MKDOCS_FILE}: {what}")


def _below(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _plain_relative(path: str) -> bool:
    """A relative path that stays below its base: no absolute path, no `..` out."""
    if not path or path.startswith(("/", "\\")) or "\x00" in path or (len(path) > 1 and path[1] == ":"):
        return not path  # "" is the base itself
    normal = posixpath.normpath(path.replace("\\", "/"))
    return normal != ".." and not normal.startswith("../")


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _named(value: Any, key: str) -> list[tuple[str, Any]]:
    """The names and settings of a `plugins` or `markdown_extensions` list (or mapping)."""
    if value is None:
        return []
    items = list(value.items()) if isinstance(value, dict) else None
    if items is None:
        if not isinstance(value, list):
            raise ConfigRefused(f"{MKDOCS_FILE}: {key} must be a list")
        items = []
        for item in value:
            if isinstance(item, str):
                items.append((item, None))
            elif isinstance(item, dict) and len(item) == 1:
                items.append(next(iter(item.items())))
            else:
                raise ConfigRefused(f"{MKDOCS_FILE}: {key}: unexpected entry {item!r}")
    for name, _ in items:
        if not isinstance(name, str):
            raise ConfigRefused(f"{MKDOCS_FILE}: {key}: unexpected name {name!r}")
    return items


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
