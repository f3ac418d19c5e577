"""The same strategy outside git: A311 is skipped with one info note."""

import shutil
from pathlib import Path


def make(root: Path) -> None:
    shutil.rmtree(root / ".git")
