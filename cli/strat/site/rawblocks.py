"""Raw HTML blocks of generated pages go straight to Python-Markdown's stash.

Most of a generated page is raw HTML that `render.py` wrote: tables, panels, cards, the
check-in chart. Python-Markdown finds such blocks by running an HTML parser over the
whole page, and MkDocs runs a second one over it to collect anchor ids; for a
5,000-goal strategy those two parses were about 40% of the build. On a generated page
strat knows where its raw blocks are, so this preprocessor stores each one in
`md.htmlStash` (the same stash and the same placeholder paragraph Python-Markdown's own
`html_block` preprocessor would give it) before either parser runs. The HTML that comes
out is the same byte for byte: a test builds real sites both ways and compares every
file.

A block here is a run of non-blank lines between blank lines, outside fenced code,
whose first line opens a block-level tag at column 0 and whose last line ends with that
tag's end tag. On a generated page every `<` at the start of a line is strat's own
markup: text from YAML reaches a page only through `escape.esc`, which turns `<` into
`&#60;`. Hand-written pages are never touched (`active` is False for them).
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

PRIORITY = 25  # after `normalize_whitespace` (30); before MkDocs' `mkdocs_raw_html` (21) and `html_block` (20)
_OPENS = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


class GeneratedRawHtml(Extension):
    """Registers the preprocessor; `active` says whether the page being converted is
    one strat generated (the build's plugin sets it before each page)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.active = False

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.preprocessors.register(_StashRawBlocks(md, self), "strat_raw_blocks", PRIORITY)


class _StashRawBlocks(Preprocessor):
    def __init__(self, md: Markdown, ext: GeneratedRawHtml) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        if not self.ext.active:
            return lines
        assert self.md is not None
        out: list[str] = []
        fence: str | None = None  # the open fence's marker, inside fenced code
        block: list[str] = []
        for line in [*lines, ""]:
            if fence is None and (m := _FENCE.match(line)):
                fence = m.group(1)[0] * 3
            elif fence is not None and line.lstrip().startswith(fence):
                fence = None
            if line.strip() or fence is not None:
                block.append(line)
                continue
            if block and raw_block(block, self.md):
                out.append(self.md.htmlStash.store("\n".join(block) + "\n"))
            else:
                out.extend(block)
            block = []
            out.append(line)
        out.pop()  # the blank line added above
        return out


def raw_block(block: list[str], md: Markdown) -> bool:
    """Whether the lines are one raw HTML block as Python-Markdown reads it: opened by a
    block-level tag at the start of the first line, closed by its end tag at the end of
    the last."""
    m = _OPENS.match(block[0])
    if m is None or not md.is_block_level(m.group(1)):
        return False
    return block[-1].rstrip().endswith(f"</{m.group(1)}>")
