import subprocess
from pathlib import Path

ENV = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "protocol.file.allow=always"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *ENV, *args], cwd=cwd, check=True, capture_output=True)


def make(root: Path) -> None:
    # A real submodule: another repository whose files would be read as strategy (and
    # whose broken YAML would be an E001) if strat went into it.
    other = root.parent / f"{root.name}-vendor"
    other.mkdir()
    git(other, "init", "-q")
    (other / "goals.yaml").write_text("kind: Goal\nid: [unclosed\n", encoding="utf-8")
    (other / "people.yaml").write_text("kind: Person\nid: vendor-person\nname: V\n", encoding="utf-8")
    git(other, "add", ".")
    git(other, "commit", "-q", "-m", "vendor strategy")
    git(root, "submodule", "add", "-q", str(other), "strategy/vendor")
