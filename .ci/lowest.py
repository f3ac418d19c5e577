"""Print a pip requirements file that installs this project (editable) with every direct
dependency of pyproject.toml, the runtime ones and the `test` extra's, at the lowest
version it allows.

`.ci/run` installs it into a second environment and runs the tests again there, so that a
lower bound in pyproject.toml is a promise the suite keeps: a machine whose resolver picks
an old release (or a user who has one) gets a strat that works. Indirect dependencies are
left to the resolver (pip's newest that fits, as `uv pip install --resolution
lowest-direct` does).

Every requirement must name its lowest version (`>=X` or `==X`); one without is an error,
since "any version" is a promise nobody tests. The test tools in LEFT_OUT are not
installed there, for the reason given.

    python3 .ci/lowest.py > lowest.txt && pip install -r lowest.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;]*?)\s*(?:;.*)?$")
# Test-extra packages the lowest run leaves out: no test imports or runs them.
LEFT_OUT = {
    # bench/lint.py compares against it (and skips its row without it). Every release
    # pins one exact ruamel.yaml (0.28.0: ==0.18.5), so it cannot sit beside ours at 0.18.0.
    "check-jsonschema": "bench only",
}
LOWEST = re.compile(r"(?:^|,)\s*(?:>=|==)\s*(?P<version>[0-9][A-Za-z0-9.+!-]*)\s*(?=,|$)")


def lowest(requirements: list[str]) -> list[str]:
    """`name==lowest` for each requirement, in order."""
    pins = []
    for requirement in requirements:
        match = REQUIREMENT.match(requirement)
        bound = LOWEST.search(match.group("spec")) if match else None
        if match is None or bound is None:
            raise SystemExit(f".ci/lowest.py: {requirement!r} names no lowest version (>=X or ==X)")
        pins.append(f"{match.group('name')}=={bound.group('version')}")
    return pins


def requirements(project: dict) -> list[str]:
    """The lines of the requirements file: the project itself, then the pins."""
    test = [r for r in project.get("optional-dependencies", {}).get("test", [])
            if re.split(r"[^A-Za-z0-9._-]", r.strip(), maxsplit=1)[0] not in LEFT_OUT]
    return ["-e .", *lowest(project["dependencies"] + test)]


def main() -> None:
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    sys.stdout.write("".join(f"{line}\n" for line in requirements(project)))


if __name__ == "__main__":
    main()
