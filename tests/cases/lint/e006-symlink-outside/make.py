import os
from pathlib import Path


def make(root: Path) -> None:
    # The link's target lies outside the repository and is itself broken YAML: were it
    # read, an E001 would appear instead of (or beside) the E006.
    outside = root.parent / f"{root.name}-outside.yaml"
    outside.write_text("kind: Goal\nid: [unclosed\n", encoding="utf-8")
    os.symlink(outside, root / "strategy" / "goals" / "linked.yaml")
