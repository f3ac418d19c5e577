"""The generated reference section: every kind and field, every command and option, every
code, generated from the sources (so a new field or option shows up by itself), escaped
like every other text on the site, and part of the built site and its navigation."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Iterator

import click
import pytest

import helpers
from strat import schemas
from strat.cli import cli
from strat.codes import all_codes
from strat.site import reference
from strat.site.escape import text as esc


def field_labels(node: dict[str, Any], current: str, prefix: str = "") -> Iterator[str]:
    """Every field of a schema as the reference labels it: `outcome.metric`,
    `checkins[].date` (a list of mappings is `name[]`), walked independently of the
    renderer."""
    node, current = schemas.resolve_local(node, current)
    for name, sub in node.get("properties", {}).items():
        sub, sub_file = schemas.resolve_local(sub, current)
        label = f"{prefix}.{name}" if prefix else name
        if sub.get("type") == "array" and isinstance(sub.get("items"), dict):
            items, items_file = schemas.resolve_local(sub["items"], sub_file)
            if items.get("type") == "object":
                yield label + "[]"
                yield from field_labels(items, items_file, label + "[]")
                continue
        yield label
        if sub.get("type") == "object":
            yield from field_labels(sub, sub_file, label)


def commands() -> Iterator[tuple[click.Command, click.Context]]:
    def walk(command: click.Command, ctx: click.Context) -> Iterator[tuple[click.Command, click.Context]]:
        yield command, ctx
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                yield from walk(sub, click.Context(sub, info_name=name, parent=ctx))

    yield from walk(cli, click.Context(cli, info_name="strat"))


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return reference.reference_pages()


def test_every_kind_has_a_page_with_every_field(pages: dict[str, str]) -> None:
    assert len(schemas.kinds()) == 11
    for kind in schemas.kinds():
        page = pages[reference.kind_page(kind)]
        assert page.startswith(f"# {kind}\n")
        labels = list(field_labels(schemas.schema_for(kind), schemas.kind_files()[kind]))
        assert "kind" in labels and "id" in labels
        for label in labels:
            assert f"<code>{esc(label)}</code>" in page, f"{kind}: field {label} is not on its reference page"
        assert f"[{esc(kind)}](kinds/{kind.lower()}.md)" in pages[reference.INDEX]


def test_nested_fields_are_sub_tables(pages: dict[str, str]) -> None:
    goal = pages[reference.kind_page("Goal")]
    for label in ("outcome", "impact", "joint[]", "checkins[]", "key_results[]", "benefits[]"):
        assert f"\n## <code>{esc(label)}</code>\n" in goal
    assert "id of [a Person](person.md)" in goal  # x-strat-ref targets link to their kind
    assert "exactly one of <code>team</code>&#44; <code>department</code>&#44; <code>person</code>" in goal
    objective = pages[reference.kind_page("Objective")]
    assert "at least one of <code>due</code>&#44; <code>period</code>" in objective


def test_config_page_has_every_setting(pages: dict[str, str]) -> None:
    page = pages[reference.CONFIG]
    for label in field_labels(schemas.load_all()[schemas.CONFIG_FILE], schemas.CONFIG_FILE):
        assert f"<code>{esc(label)}</code>" in page
    assert f"<code>{esc('rules.CODE')}</code>" in page


def test_every_command_argument_and_option(pages: dict[str, str]) -> None:
    page = pages[reference.CLI]
    seen = 0
    for command, ctx in commands():
        seen += 1
        assert f"{esc(ctx.command_path)}\n" in page, ctx.command_path
        usage = command.get_usage(ctx).removeprefix("Usage:").strip()
        assert esc(usage.split(" ")[-1]) in page
        for param in command.get_params(ctx):
            if isinstance(param, click.Option):
                for name in [*param.opts, *param.secondary_opts]:
                    assert f"<code>{esc(name)}</code>" in page, f"{ctx.command_path} {name}"
                if isinstance(param.type, click.Choice):
                    for choice in param.type.choices:
                        assert f"<code>{esc(choice)}</code>" in page
            else:
                assert f"<code>{esc(param.make_metavar(ctx))}</code>" in page, f"{ctx.command_path} {param.name}"
    assert seen >= 15  # strat, 11 commands, site and its 3 subcommands
    assert "_STRAT_COMPLETE=bash_source strat" in page.replace("&#95;", "_").replace("&#61;", "=")


def test_every_code_is_linked(pages: dict[str, str]) -> None:
    index = pages[reference.INDEX]
    for code in all_codes():
        assert f"[{esc(code)}](../rules/{code.lower()}.md)" in index
    assert "(../rules/index.md)" in index


def test_a_new_field_changes_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page is read from the schema at render time: add a field to the Goal schema
    and it appears, with its description, examples and reference target."""
    before = reference.kind_reference("Goal")
    shipped = schemas.load_all()
    patched = copy.deepcopy(shipped)
    goal = patched[schemas.kind_files()["Goal"]]
    goal["properties"]["sponsor"] = {"$ref": "defs.schema.json#/$defs/id", "x-strat-ref": ["Person"],
                                     "description": "The executive sponsor <script>alert(1)</script>.",
                                     "examples": ["mchen"]}
    goal["properties"]["outcome"] = {**goal["properties"]["outcome"]}
    monkeypatch.setattr(schemas, "load_all", lambda: patched)
    after = reference.kind_reference("Goal")
    assert after != before
    assert f"<code>{esc('sponsor')}</code> | id of [a Person](person.md) | no |" in after
    assert "<script>" not in after and "&#60;script&#62;" in after
    assert "sponsor" not in before


def test_help_text_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help texts are our own, but they go through the site's escaping like any text."""
    command = cli.commands["explain"]
    monkeypatch.setattr(command, "help", "Explain <b>a</b> `<i>code</i>` {{ x }}\n\n\b\n  <tt>aligned</tt>")
    page = reference.cli_page()
    assert "<b>" not in page and "<i>" not in page and "<tt>" not in page and "{{" not in page
    assert "<code>&#60;i&#62;code&#60;&#47;i&#62;</code>" in page
    assert "  &#60;tt&#62;aligned&#60;&#47;tt&#62;" in page


def test_reference_is_built_and_in_the_navigation(tmp_path: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    out = tmp_path / "public"
    result = helpers.run_cli(["site", "build", "--strict", "--today", helpers.TODAY, "--out", str(out)], cwd=root)
    assert result.exit_code == 0, result.stderr
    for page in ["reference/index.md", "reference/cli.md", "reference/config.md",
                 *(reference.kind_page(k) for k in schemas.kinds())]:
        built = out / page.removesuffix("index.md").removesuffix(".md") / "index.html"
        assert built.is_file(), page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="reference/"' in home and "Reference" in home
