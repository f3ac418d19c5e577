"""The reference section of the site, generated from strat's own sources so it cannot
drift from them: every kind and field (from the JSON Schemas), the settings of
`strat.yaml` (its schema), and every command, argument and option (from the Click
commands). The rules have their own generated pages (`rules/<code>.md`); the reference
index links them.

A pure function: `reference_pages()` returns {path relative to the docs folder:
Markdown} and touches no file. Text taken from the schemas and the help texts goes
through `escape.text` like every other text on the site; `code spans` in it become
`<code>` elements around escaped text, and preformatted help (Click's `\\b` paragraphs)
becomes a `<pre>` block of escaped lines.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Iterable

from strat import schemas
from strat.codes import CodeInfo
from strat.model import mapping
from strat.site import paths
from strat.site.escape import text as esc

INDEX = "reference/index.md"
CLI = "reference/cli.md"
CONFIG = "reference/config.md"
COMMAND_NAME = "strat"
COMPLETE_VAR = "_STRAT_COMPLETE"

# $defs of defs.schema.json that have a name a reader knows.
_NAMED_DEFS = {"id": "id", "date": "date (YYYY-MM-DD)", "currency": "currency code (ISO 4217)"}
_TYPE_WORDS = {"string": "text", "number": "number", "integer": "whole number", "boolean": "true or false",
               "array": "list", "object": "mapping", "null": "empty"}
_NAMESPACE_WORDS = {"value": "a value of the Strategy (`values[].id`)",
                    "period": "a period of the Strategy (`periods[].id`)"}


def kind_page(kind: str) -> str:
    """The reference page of a kind: `reference/kinds/goal.md`."""
    return f"reference/kinds/{kind.lower()}.md"


def reference_pages(codes: dict[str, CodeInfo] | None = None) -> dict[str, str]:
    """Every page of the reference section. `codes` defaults to `strat.codes.all_codes()`."""
    if codes is None:
        from strat.codes import all_codes

        codes = all_codes()
    pages = {INDEX: _index(codes), CLI: cli_page(), CONFIG: config_page()}
    for kind in schemas.kinds():
        pages[kind_page(kind)] = kind_reference(kind)
    return {path: text if text.endswith("\n") else text + "\n" for path, text in pages.items()}


def nav_section() -> tuple[str, list[Any]]:
    """The navigation of the reference section: (title, items) in MkDocs' nav shape."""
    kinds = [{kind: kind_page(kind)} for kind in schemas.kinds()]
    return ("Reference", [{"Overview": INDEX}, {"Command line": CLI}, {"strat.yaml": CONFIG}, {"Kinds": kinds}])


# --- small pieces ----------------------------------------------------------------------------


def inline(value: Any) -> str:
    """Text from a schema or a help text as one line of Markdown: escaped, with its
    `code spans` kept as <code> elements (their content escaped too)."""
    parts = " ".join(str(value or "").split()).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code spans at all
        return esc(" ".join(parts))
    return "".join(f"<code>{esc(p)}</code>" if i % 2 else _spaced(p) for i, p in enumerate(parts))


def _spaced(value: str) -> str:
    """Escaped text that keeps a space at either end (next to a code span)."""
    return (" " if value.startswith(" ") else "") + esc(value) + (" " if value.endswith(" ") and value.strip() else "")


def pre(lines: Iterable[str]) -> str:
    """Preformatted text (an example, an aligned help block): escaped line by line, every
    space kept."""
    body = "\n".join(" ".join(esc(word) for word in line.split(" ")) for line in lines)
    return f'<pre class="strat-pre"><code>{body}</code></pre>'


def code(value: Any) -> str:
    return f"<code>{esc(value)}</code>"


def table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return ""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _link(from_page: str, to_page: str, label: str) -> str:
    return f"[{label}]({paths.md_link(from_page, to_page)})"


# --- the index ---------------------------------------------------------------------------------


def _index(codes: dict[str, CodeInfo]) -> str:
    page = INDEX
    kinds = [[_link(page, kind_page(k), esc(k)), inline(schemas.schema_for(k).get("description", ""))]
             for k in schemas.kinds()]
    rules = [[_link(page, paths.rule(c.code), esc(c.code)), esc(c.name), esc(c.severity.value), inline(c.summary)]
             for c in codes.values()]
    return join(
        "# Reference",
        "Generated from strat's own sources when the site is built, so it always matches the version of strat "
        "that built it: the fields from the JSON Schemas that `strat lint` validates against, the commands from "
        "the command line itself, the rules from their documentation.",
        "## Kinds and fields",
        "Every document in `strategy/` has a `kind` and an `id`. Each kind's page lists every field: its type, "
        "whether it is required, what it means, an example, and which kinds an id in it may name. "
        f"`strat schema KIND` prints the same schema as JSON. The settings file has a page of its own: "
        f"{_link(page, CONFIG, 'strat.yaml')}.",
        table(["Kind", "What it is"], kinds),
        "## Commands",
        f"Every command, argument and option: {_link(page, CLI, 'the command line')}.",
        "## Rules",
        f"Every code `strat lint` can report, with its default severity; each page says what the rule checks, why "
        f"it matters, and shows failing and passing examples. The same text is printed by `strat explain CODE`. "
        f"See also the {_link(page, paths.RULES, 'rules reference')} with this strategy's current findings.",
        table(["Code", "Name", "Default", "Summary"], rules),
    )


# --- kinds and fields ----------------------------------------------------------------------


class _Field:
    """One row of a field table, and the sub-table it may open."""

    def __init__(self, label: str, node: dict[str, Any], raw: dict[str, Any], required: str, file: str) -> None:
        self.label = label  # e.g. outcome.metric, checkins[].date
        self.node = node  # resolved schema node (for an array: the array itself)
        self.raw = raw  # as written, before $ref resolution
        self.required = required
        self.file = file  # the schema file the resolved node's own $refs are relative to


def kind_reference(kind: str) -> str:
    """The reference page of one kind, from its schema."""
    page = kind_page(kind)
    schema = schemas.schema_for(kind)
    file_name = schemas.kind_files()[kind]
    parts = [f"# {esc(kind)}", inline(schema.get("description", ""))]
    parts.append(f"Schema: {code(file_name)} (`strat schema {kind.lower()}` prints it). The fields of a "
                 f"{esc(kind)} document, then the fields of each mapping inside it.")
    parts += _object_sections(page, schema, file_name, "", 2)
    examples = schema.get("examples") or []
    if examples:
        parts.append("## Example")
        parts.append(pre(_yaml(examples[0]).splitlines()))
    return join(*parts)


def config_page() -> str:
    """The reference page of `strat.yaml`, from the config schema."""
    page = CONFIG
    schema = schemas.load_all()[schemas.CONFIG_FILE]
    parts = ["# strat.yaml", inline(schema.get("description", "")),
             f"Schema: {code(schemas.CONFIG_FILE)} (`strat schema --export DIR` writes it). strat reads "
             "`strat.yaml` at the root of the repository (the folder that holds it, or else the top of the git "
             "repository, is the root). An invalid setting stops `strat lint` with the file and line."]
    parts += _object_sections(page, schema, schemas.CONFIG_FILE, "", 2)
    examples = schema.get("examples") or []
    if examples:
        parts.append("## Example")
        parts.append(pre(_yaml(examples[0]).splitlines()))
    return join(*parts)


def _object_sections(page: str, node: dict[str, Any], current: str, prefix: str, level: int) -> list[str]:
    """The table of an object's fields, then a section for each field that is itself a
    mapping (or a list of mappings), depth first."""
    fields = list(_fields(node, current, prefix))
    rows = [[code(f.label), _type(page, f), f.required, _describe(page, f)] for f in fields]
    for pattern, sub in (node.get("patternProperties") or {}).items():
        if pattern == "^x-":
            continue
        rows.append([f"{code(_pattern_label(prefix, pattern))}", _type(page, _Field("", sub, sub, "", current)), "no",
                     inline(sub.get("description", "")) + f" (a key matching {code(pattern)})"])
    out = [table(["Field", "Type", "Required", "Description"], rows)]
    notes = _notes(node, prefix)
    if notes:
        out.append(notes)
    for f in fields:
        inner, inner_file = _object_of(f.node, f.file)
        if inner is not None and (inner.get("properties") or inner.get("patternProperties")):
            if _only_extensions(inner):
                continue
            out.append(f"{'#' * min(level, 6)} {code(f.label)}")
            out.append(inline(inner.get("description", "")))
            out += _object_sections(page, inner, inner_file, f.label, level + 1)
    return out


def _only_extensions(node: dict[str, Any]) -> bool:
    return not node.get("properties") and set(node.get("patternProperties") or {}) <= {"^x-"}


def _pattern_label(prefix: str, pattern: str) -> str:
    name = {"^[A-Z][0-9]{3}$": "CODE"}.get(pattern, "KEY")
    return f"{prefix}.{name}" if prefix else name


def _fields(node: dict[str, Any], current: str, prefix: str) -> Iterable[_Field]:
    required = set(node.get("required") or [])
    choice = _choices(node)
    for name, raw in (node.get("properties") or {}).items():
        resolved, file_name = schemas.resolve_local(raw, current)
        label = f"{prefix}.{name}" if prefix else name
        if name in required:
            need = "yes"
        elif name in choice:
            need = choice[name]
        else:
            need = "no"
        if resolved.get("type") == "array":
            label += "[]" if _object_of(resolved, file_name)[0] is not None else ""
        yield _Field(label, resolved, raw, need, file_name)


def _choices(node: dict[str, Any]) -> dict[str, str]:
    """Fields required through `oneOf` / `anyOf` of single-field branches."""
    out: dict[str, str] = {}
    for keyword, word in (("oneOf", "exactly one of"), ("anyOf", "at least one of")):
        names = _choice_names(node.get(keyword))
        for name in names:
            out[name] = f"{word} " + ", ".join(f"`{n}`" for n in names)
    return {k: inline(v) for k, v in out.items()}


def _choice_names(branches: Any) -> list[str]:
    if not isinstance(branches, list):
        return []
    names = [b["required"][0] for b in branches
             if isinstance(b, dict) and set(b) == {"required"} and len(b.get("required", [])) == 1]
    return names if len(names) == len(branches) else []


def _notes(node: dict[str, Any], prefix: str) -> str:
    notes = []
    for keyword, word in (("oneOf", "exactly one of"), ("anyOf", "at least one of")):
        names = _choice_names(node.get(keyword))
        if names:
            notes.append(f"Give {word} " + ", ".join(f"`{n}`" for n in names) + ".")
    if node.get("additionalProperties") is False:
        if "^x-" in (node.get("patternProperties") or {}):
            notes.append("Any other key is an error (S103), except keys that start with `x-`, which are free for "
                         "your own data.")
        else:
            notes.append("Any other key is an error (S103).")
    return inline(" ".join(notes)) if notes else ""


def _object_of(node: dict[str, Any], current: str) -> tuple[dict[str, Any] | None, str]:
    """The mapping schema a (resolved) field holds: itself, or its list items, with the
    file its own references are relative to. None for scalars."""
    target, file_name = node, current
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        target, file_name = schemas.resolve_local(node["items"], current)
    if target.get("type") == "object":
        return target, file_name
    return None, current


def _type(page: str, f: _Field) -> str:
    node, raw = f.node, f.raw
    if node.get("type") == "array":
        items = mapping(node, "items")
        inner, _ = schemas.resolve_local(items, f.file)
        word = _scalar_type(page, inner, items)
        out = f"list of {word}"
        if node.get("minItems"):
            out += f", at least {esc(node['minItems'])}"
        if node.get("uniqueItems"):
            out += ", no repeats"
        return out
    return _scalar_type(page, node, raw)


def _scalar_type(page: str, node: dict[str, Any], raw: dict[str, Any]) -> str:
    targets = node.get(schemas.REF_KEYWORD) or raw.get(schemas.REF_KEYWORD)
    if targets:
        return "id of " + " or ".join(_target(page, t) for t in targets)
    ref = raw.get("$ref", "")
    name = ref.rpartition("/")[2] if "#/$defs/" in ref else ""
    if name in _NAMED_DEFS:
        return esc(_NAMED_DEFS[name])
    if "const" in node:
        return "always " + code(node["const"])
    if "enum" in node:
        return "one of " + ", ".join(code(v) for v in node["enum"])
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(esc(_TYPE_WORDS.get(k, k)) for k in kind)
    if kind:
        word = esc(_TYPE_WORDS.get(kind, kind))
        bounds = []
        if "minimum" in node:
            bounds.append(f"at least {esc(node['minimum'])}")
        if "maximum" in node:
            bounds.append(f"at most {esc(node['maximum'])}")
        return word + (f" ({', '.join(bounds)})" if bounds else "")
    return "any"


def _target(page: str, target: str) -> str:
    if target in _NAMESPACE_WORDS:
        return _link(page, kind_page("Strategy"), inline(_NAMESPACE_WORDS[target]))
    if target in schemas.kind_files():
        return _link(page, kind_page(target), esc(f"a {target}" if target[0] not in "AEIOU" else f"an {target}"))
    return esc(target)


def _describe(page: str, f: _Field) -> str:
    node = f.node
    parts = [inline(node.get("description", ""))]
    if "default" in node:
        parts.append(f"Default: {code(_short(node['default']))}.")
    examples = node.get("examples") or []
    if examples and (not isinstance(examples[0], (dict, list)) or _small(examples[0])):
        parts.append(f"Example: {code(_short(examples[0]))}")
    return " ".join(p for p in parts if p)


def _small(value: Any) -> bool:
    return len(_short(value)) <= 60


def _short(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _yaml(value: Any) -> str:
    import yaml

    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100).rstrip("\n")


# --- the command line -------------------------------------------------------------------------


def cli_page() -> str:
    """Every command, subcommand, argument and option of `strat`, from the Click objects."""
    import click

    from strat.cli import cli

    page = CLI
    root_ctx = click.Context(cli, info_name=COMMAND_NAME)
    commands = list(_walk(cli, root_ctx))
    overview = [[f"{code(ctx.command_path)}", inline(cmd.get_short_help_str(limit=120))]
                for cmd, ctx in commands[1:]]
    parts = ["# Command line",
             "Every command of `strat`, its arguments and options, generated from the command line itself: the "
             "text is what `strat COMMAND --help` prints.",
             "Exit codes are the same everywhere: `0` success (no errors), `1` findings that fail the run (lint "
             "errors, a refused change), `2` a usage or internal error.",
             table(["Command", "What it does"], overview)]
    for cmd, ctx in commands:
        parts.append(_command_section(page, cmd, ctx))
    parts.append(_completion_section())
    return join(*parts)


def _walk(command: Any, ctx: Any) -> Iterable[tuple[Any, Any]]:
    import click

    yield command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            yield from _walk(sub, click.Context(sub, info_name=name, parent=ctx))


def _command_section(page: str, command: Any, ctx: Any) -> str:
    import click

    level = "#" * min(2 + ctx.command_path.count(" ") - 1, 4) if ctx.parent else "##"
    usage = command.get_usage(ctx).removeprefix("Usage:").strip()
    parts = [f"{level} {esc(ctx.command_path)}", pre([usage]), _help_text(command.help or "")]
    arguments = [p for p in command.get_params(ctx) if isinstance(p, click.Argument)]
    options = [p for p in command.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]
    if arguments:
        parts.append(table(["Argument", "Required", "Value"],
                           [[code(a.make_metavar(ctx)), "yes" if a.required else "no",
                             _param_type(a, ctx) + (", one or more" if a.nargs == -1 else "")] for a in arguments]))
    if options:
        parts.append(table(["Option", "Value", "Default", "Description"],
                           [[_option_names(o), _option_value(o, ctx), _option_default(o, ctx), _option_help(o)]
                            for o in options]))
    if isinstance(command, click.Group):
        subs = [name for name in command.list_commands(ctx) if not getattr(command.get_command(ctx, name), "hidden", False)]
        parts.append("Commands: " + ", ".join(code(f"{ctx.command_path} {name}") for name in subs) + ".")
    return join(*parts)


def _help_text(raw: str) -> str:
    """A Click help text as Markdown: paragraphs rewrapped, `\\b` paragraphs kept as written."""
    text = inspect.cleandoc(raw).split("\f")[0]
    out = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.splitlines()
        if not lines:
            continue
        if lines[0].strip() == "\b":
            out.append(pre(lines[1:]))
        else:
            out.append(inline(" ".join(line.strip() for line in lines)))
    return join(*out)


def _option_names(option: Any) -> str:
    names = ", ".join(code(n) for n in option.opts)
    if option.secondary_opts:
        names += " / " + ", ".join(code(n) for n in option.secondary_opts)
    return names


def _param_type(param: Any, ctx: Any) -> str:
    import click

    if isinstance(param.type, click.Choice):
        return "one of " + ", ".join(code(c) for c in param.type.choices)
    return esc(param.type.name)


def _option_value(option: Any, ctx: Any) -> str:
    import click

    if option.is_flag:
        return "flag"
    if isinstance(option.type, click.Choice):
        return "one of " + ", ".join(code(c) for c in option.type.choices)
    return code(option.make_metavar(ctx))


def _option_default(option: Any, ctx: Any) -> str:
    if not option.expose_value:  # --help, --version
        return ""
    default = option.get_default(ctx, call=False)
    if callable(default) or default is None or default == "" or default == () or _unset(default):
        return ""
    if option.is_flag:
        if option.secondary_opts:
            return code(option.opts[-1] if default else option.secondary_opts[-1])
        return "off" if not default else "on"
    return code(default)


def _unset(value: Any) -> bool:
    """Click 8.3 marks an option without a default with its own sentinel."""
    import enum

    return isinstance(value, enum.Enum) and value.name == "UNSET"


def _option_help(option: Any) -> str:
    parts = [inline(option.help or "")]
    if option.required:
        parts.append("Required.")
    if option.envvar:
        names = option.envvar if isinstance(option.envvar, (list, tuple)) else [option.envvar]
        parts.append("Environment variable: " + ", ".join(code(n) for n in names) + ".")
    if option.multiple:
        parts.append("May be given more than once.")
    return " ".join(p for p in parts if p)


def _completion_section() -> str:
    shells = [("bash", "~/.bashrc", "bash_source"), ("zsh", "~/.zshrc", "zsh_source"),
              ("fish", "~/.config/fish/completions/strat.fish", "fish_source")]
    rows = []
    for shell, where, source in shells:
        if shell == "fish":
            line = f"{COMPLETE_VAR}={source} {COMMAND_NAME} | source"
        else:
            line = f'eval "$({COMPLETE_VAR}={source} {COMMAND_NAME})"'
        rows.append([esc(shell), code(line), code(where)])
    return join(
        "## Shell completion",
        f"strat completes its commands, options and their choices in bash (4.4 or later), zsh and fish, through "
        f"Click's completion: the environment variable `{COMPLETE_VAR}` makes `strat` print the completion script "
        f"for a shell instead of running. Add the line for your shell to its start-up file:",
        table(["Shell", "Line", "In"], rows),
    )
