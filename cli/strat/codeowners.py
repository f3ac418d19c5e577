"""`strat codeowners`: a CODEOWNERS block that makes the people responsible for each
entity required reviewers of the file that holds it.

Who reviews a file (Person ids are the git host's user names, written `@id`):

| kind | reviewers |
|---|---|
| Goal | its `owner`, and for each joint goal the partner department's `leader` and the joint `owner` |
| Objective, Plan, Initiative, Metric | its `owner` |
| Team | its `lead` |
| Department | its `leader` |
| Person | the person themselves |
| Decision | `decided_by` |
| Strategy | the leaders of every department: the leadership team |

A file with several documents gets the union. References that name no Person (a typo
`strat lint` reports as R201) are left out. On GitHub, a line's owners are alternatives:
one approval from any of them satisfies the rule.

Only the block between `# BEGIN strat` and `# END strat` is strat's: lines outside it are
the user's and are kept as they are. A file without the block gets it appended (later
lines win in CODEOWNERS, so strat's lines take precedence over a catch-all above them).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from strat.load import Document
from strat.model import Model

BEGIN = "# BEGIN strat"
END = "# END strat"
# Where GitHub looks for the file, in its order; a new file goes to the first.
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
# Characters that gitignore-style patterns treat specially: escaped with a backslash.
_SPECIAL = set("\\ #*?[]!")
# What an owner may be: a user name or `org/team` of the git host, nothing else. A
# Person id with a space, a line break or an `@` would add owners or a whole rule.
_HANDLE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)?\Z")
# Line breaks and controls of every kind (C0, DEL, C1, the Unicode line and paragraph
# separators): no CODEOWNERS pattern can carry them.
_UNWRITABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class CodeownersProblem(Exception):
    """The existing CODEOWNERS file cannot be updated safely (the message says why)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A reviewer left out: `path` names `ident` in `field`, and it is not a Person."""

    path: str
    field: str
    ident: str


def reviewers(doc: Document, model: Model) -> tuple[list[str], list[Skipped]]:
    """The Person ids that review the file holding `doc`, in the order named, and the
    references left out because they name no Person."""
    data = doc.data
    named: list[tuple[str, Any]] = []
    kind = doc.kind
    if kind in ("Goal", "Objective", "Plan", "Initiative", "Metric"):
        named.append(("owner", data.get("owner")))
    if kind == "Goal":
        for i, entry in enumerate(data.get("joint") or []):
            if not isinstance(entry, dict):
                continue
            department = model.get(entry.get("department"), "Department")
            if department is not None:
                named.append((f"joint[{i}].department → leader", department.data.get("leader")))
            named.append((f"joint[{i}].owner", entry.get("owner")))
    elif kind == "Team":
        named.append(("lead", data.get("lead")))
    elif kind == "Department":
        named.append(("leader", data.get("leader")))
    elif kind == "Person":
        named.append(("id", doc.id))
    elif kind == "Decision":
        named.append(("decided_by", data.get("decided_by")))
    elif kind == "Strategy":
        for department in sorted(model.of_kind("Department"), key=lambda d: str(d.id)):
            named.append((f"department {department.id} → leader", department.data.get("leader")))
    people: list[str] = []
    skipped: list[Skipped] = []
    for field, ident in named:
        if not isinstance(ident, str) or not ident:
            continue
        if model.get(ident, "Person") is None:
            skipped.append(Skipped(doc.path, field, ident))
        elif ident not in people:
            people.append(ident)
    return people, skipped


def owners_by_file(model: Model) -> tuple[dict[str, list[str]], list[Skipped]]:
    """Repo-relative path → the reviewers of that file (sorted), over every document."""
    found: dict[str, set[str]] = {}
    skipped: list[Skipped] = []
    for doc in model.documents:
        if not isinstance(doc.kind, str):
            continue
        people, left_out = reviewers(doc, model)
        skipped.extend(left_out)
        if people:
            found.setdefault(doc.path, set()).update(people)
    return {path: sorted(found[path]) for path in sorted(found)}, skipped


def escape_path(path: str) -> str | None:
    """A repo-relative path as an anchored CODEOWNERS pattern (`/strategy/a\\ b.yaml`),
    or None when it holds a character no pattern can carry (a line break, a control)."""
    if _UNWRITABLE.search(path):
        return None
    return "/" + "".join("\\" + c if c in _SPECIAL else c for c in path)


def render_block(owners: dict[str, list[str]], prefix: str = "", source: str = "strategy/") -> tuple[str, list[str]]:
    """The managed block (markers included, lines ending in "\\n") and the paths that could
    not be written. `prefix` is the strat repository's folder inside the git repository
    (CODEOWNERS paths are relative to the git root)."""
    lines = [BEGIN,
             f"# Managed by `strat codeowners` from {source}: each entity's owner (and each joint goal's",
             "# partner leader) reviews changes to its file. Edit the YAML, not these lines; lines",
             "# outside this block are yours and stay as they are."]
    unwritable = []
    for path, people in owners.items():
        full = f"{prefix}/{path}" if prefix else path
        pattern = escape_path(full)
        if pattern is None:
            unwritable.append(full)
            continue
        bad = [p for p in people if not _HANDLE.match(p)]
        if bad:  # the strategy's errors are refused before this; never write one anyway
            raise CodeownersProblem(f"{full}: {bad[0]!r} is not a user name of the git host (letters, digits, "
                                    "`-`, `_`, `.`); nothing was written")
        lines.append(f"{pattern} {' '.join('@' + p for p in people)}")
    lines.append(END)
    return "".join(line + "\n" for line in lines), unwritable


def merge(existing: str | None, block: str) -> str:
    """The whole CODEOWNERS text: `existing` with its strat block replaced by `block`,
    or with `block` appended when it has none. Raises CodeownersProblem when the markers
    are not one BEGIN followed by one END."""
    if existing is None or not existing.strip():
        return block
    newline = "\r\n" if "\r\n" in existing else "\n"
    lines = existing.splitlines(keepends=True)
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    block = block.replace("\n", newline)
    if not begins and not ends:
        text = existing if existing.endswith(("\n", "\r")) else existing + newline
        return text + newline + block
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise CodeownersProblem(f"the file must hold exactly one `{BEGIN}` line followed by one `{END}` line "
                                f"(found {len(begins)} and {len(ends)}); fix the markers by hand")
    return "".join(lines[:begins[0]]) + block + "".join(lines[ends[0] + 1:])


def diff(old: str | None, new: str, shown: str) -> str:
    """A unified diff from the file on disk to the wanted file."""
    lines = difflib.unified_diff((old or "").splitlines(keepends=True), new.splitlines(keepends=True),
                                 f"a/{shown}", f"b/{shown}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def default_output(git_root: Path) -> Path:
    """The CODEOWNERS file GitHub reads: the first that exists, else `.github/CODEOWNERS`."""
    for rel in LOCATIONS:
        if (git_root / rel).is_file():
            return git_root / rel
    return git_root / LOCATIONS[0]


def describe_skipped(skipped: Iterable[Skipped]) -> list[str]:
    return [f"{s.path}: `{s.field}` names `{s.ident}`, which is not a Person; left out of CODEOWNERS"
            for s in skipped]


# --- the command: read the current file, compare, write ------------------------------------


@dataclass(slots=True)
class Outcome:
    git_root: Path
    path: Path  # the CODEOWNERS file
    shown: str  # its path relative to the git root, for messages
    old: str | None
    new: str
    files: int  # strategy files with reviewers
    notes: list[str]  # references left out, paths that cannot be written

    @property
    def up_to_date(self) -> bool:
        return self.old == self.new


def plan(root: Path, folder: Path, config: Any, output: Path | None) -> Outcome:
    """Compute the wanted CODEOWNERS file for the strategy below `folder` (nothing is
    written). Raises CodeownersProblem."""
    from strat import git
    from strat.load import relative_path
    from strat.loaded import load_strategy
    from strat.write import WriteRefused, target_path

    git_root = git.toplevel(root).resolve() if git.is_repository(root) else root
    prefix = relative_path(git_root, root) if root != git_root else ""
    path = Path(output).resolve() if output is not None else default_output(git_root)
    shown = relative_path(git_root, path)
    try:
        target_path(git_root, shown)
    except WriteRefused as refused:
        raise CodeownersProblem(str(refused)) from None
    if path.is_dir():
        raise CodeownersProblem(f"{shown} is a folder; --output names the CODEOWNERS file")
    loaded = load_strategy(root, folder, config)
    owners, skipped = owners_by_file(loaded.model)
    _refuse_errors(loaded, owners)
    source = relative_path(root, folder).rstrip("/") + "/"
    block, unwritable = render_block(owners, prefix, source)
    try:
        old = path.read_bytes().decode("utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodeownersProblem(f"cannot read {shown}: {exc}") from None
    notes = describe_skipped(skipped)
    notes += [f"{p}: a path with a line break or control character cannot be written in CODEOWNERS; left out"
              for p in unwritable]
    return Outcome(git_root, path, shown, old, merge(old, block), len(owners), notes)


def _refuse_errors(loaded: Any, owners: dict[str, list[str]]) -> None:
    """Refuse a strategy whose file or schema errors (E…, S…) touch CODEOWNERS: in a file
    that gets a line, or in the file of a Person named as a reviewer. A Person id that
    fails the schema (a line break in it, say) is exactly such an error."""
    from strat.diagnostics import Severity

    model = loaded.model
    touched = set(owners)
    for people in owners.values():
        for ident in people:
            person = model.get(ident, "Person")
            if person is not None:
                touched.add(person.path)
    errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR and d.code[:1] in ("E", "S")
              and d.location.path in touched]
    if errors:
        shown = "\n  ".join(f"{d.location}: {d.code} {d.message}" for d in errors[:10])
        more = f"\n  and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise CodeownersProblem(f"the strategy has errors in files CODEOWNERS is made from; fix them first "
                                f"(strat lint), nothing was written:\n  {shown}{more}")


def write(outcome: Outcome, tx: Any = None) -> None:
    """Write the planned file through strat.write (in the transaction `tx` when given,
    else taking the lock itself). Raises WriteRefused."""
    from strat.write import FileChange, write_all

    expected = outcome.old.encode("utf-8") if outcome.old is not None else None
    changes = [FileChange(outcome.shown, outcome.new.encode("utf-8"), expected)]
    if tx is not None:
        tx.write_all(changes, outcome.git_root)
    else:
        write_all(outcome.git_root, changes, "strat codeowners")
