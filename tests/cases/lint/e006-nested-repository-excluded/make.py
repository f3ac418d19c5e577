import subprocess
from pathlib import Path


def make(root: Path) -> None:
    # A clone (or `git init`) inside the strategy folder: its own .git folder, not a
    # submodule. Its broken YAML would be an E001 if strat read it.
    nested = root / "strategy" / "imported" / "emea"
    nested.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=nested, check=True, capture_output=True)
    (nested / "goals.yaml").write_text("kind: Goal\nid: [unclosed\n", encoding="utf-8")
    (nested / "deeper").mkdir()
    (nested / "deeper" / "more.yaml").write_text("- not a mapping\n", encoding="utf-8")
