"""The only module that talks to git. Plain functions; every call that carries a value
from the user ends git's options first (`--end-of-options` / `--`) so a revision or path
can never be read as an option.

The rules every call follows (the repository and its history are untrusted; the
operator's environment is trusted, but strat reads the repository it was pointed at):

* The repository is named on every call (`git -C ROOT`), and the environment variables
  that would point git at another repository, index or object store (`GIT_DIR`,
  `GIT_WORK_TREE`, `GIT_INDEX_FILE`, … see `_REDIRECTING_ENV`) are removed.
* Every command that lists paths uses `-z`; names are decoded as the loader decodes
  file names (`os.fsdecode`: UTF-8, other bytes kept by surrogateescape), so a name
  with non-ASCII bytes, quotes, tabs or line breaks is the same string on both sides.
  Pathspecs are `:(top,literal)`: never globs, always from the top of the work tree.
* Nothing configured for the repository runs: `core.fsmonitor` is off, diffs never use
  an external diff or a textconv driver, submodules are never entered, and settings that
  change the output strat parses (relative paths, colour, signatures, `log.follow`…)
  are pinned on the command line. The operator's own configuration (global config,
  `GIT_CONFIG_*`) is kept: it is trusted, and the pinned settings come after it. Nothing
  of the repository's content configures git: `.gitattributes` drivers need local
  configuration and strat asks for no diff text; `.gitmodules` and `.mailmap` are not used.
* A revision from the user is refused when it looks like an option, a range or a
  negation, and resolves to exactly one commit; every failure is a sentence in words.
* Gitlinks (submodules, mode 160000) are never read: they are reported so the caller can
  say so. A shallow clone's boundary commits are marked: history before them is missing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strat import inert


class GitError(Exception):
    """git is missing, the folder is not a repository, or a command failed."""


class RevisionError(GitError):
    """A revision that cannot be used: refused, unknown, or missing from a shallow clone."""


# Variables that would make git read another repository, index or object store, or
# read pathspecs differently, or run an external diff. Cleared on every call.
_REDIRECTING_ENV = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_GRAFT_FILE", "GIT_REPLACE_REF_BASE",
    "GIT_QUARANTINE_PATH", "GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS",
    "GIT_ICASE_PATHSPECS", "GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_PAGER", "GIT_NOTES_REF",
)

# Settings pinned on every call: nothing configured runs, and the output strat parses
# keeps its shape whatever the operator's or the repository's configuration says.
_PINNED_CONFIG = (
    "core.fsmonitor=false", "core.quotePath=false", "diff.relative=false", "diff.ignoreSubmodules=none",
    "log.showSignature=false", "log.showRoot=true", "log.follow=false", "color.ui=false",
    "i18n.logOutputEncoding=UTF-8", "submodule.recurse=false", "status.relativePaths=false",
)

# Options for every diff-producing command: no external diff, no textconv driver.
_NO_DRIVERS = ("--no-ext-diff", "--no-textconv", "--no-color")

_SHA = re.compile(r"\A(?:[0-9a-f]{40}|[0-9a-f]{64})\Z")
_ZERO = re.compile(r"\A0+\Z")
_GITLINK = "160000"
_SYMLINK = "120000"
_YAML = (".yaml", ".yml")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTING_ENV}
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    env["GIT_OPTIONAL_LOCKS"] = "0"  # never take locks from a read-only command
    return env


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    pinned = [opt for setting in _PINNED_CONFIG for opt in ("-c", setting)]
    try:
        return subprocess.run(["git", "-C", str(root), *pinned, *args], input=stdin, capture_output=True,
                              check=False, env=_env())
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


def _reason(stderr: bytes) -> str:
    """git's own reason, one line, without its `fatal:` prefix and with control
    characters shown as escapes (it may quote repository content)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    line = next((x for x in reversed(lines) if x.startswith(("fatal:", "error:"))), lines[-1] if lines else "")
    line = line.split(":", 1)[1].strip() if line.startswith(("fatal:", "error:")) else line
    return inert.text(line)[:300]


def _run_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    done = _git(root, *args, stdin=stdin)
    if done.returncode != 0:
        raise GitError(f"git {args[0]} failed: {_reason(done.stderr) or f'exit status {done.returncode}'}")
    return done.stdout


def _run(root: Path, *args: str) -> str:
    return os.fsdecode(_run_bytes(root, *args))


def _line(out: bytes) -> str:
    """One value printed on a line: only the final line break is removed (a folder name
    may end in spaces)."""
    return os.fsdecode(out[:-1] if out.endswith(b"\n") else out)


def _name(raw: bytes) -> str:
    """A path as git printed it with -z, named as the loader names files."""
    return os.fsdecode(raw)


def _spec(prefix: str, folder: str) -> str:
    """A literal pathspec from the top of the work tree (never a glob, whatever the cwd)."""
    folder = "" if folder == "." else folder
    joined = f"{prefix}/{folder}" if prefix and folder else (prefix or folder)
    return f":(top,literal){joined}" if joined else ":(top)"


def _relative(prefix: str, path: str) -> str | None:
    """A top-relative path as a root-relative one (None when outside `root`)."""
    if not prefix:
        return path
    return path[len(prefix) + 1:] if path.startswith(prefix + "/") else None


# --- the repository ------------------------------------------------------------------------


def is_repository(root: Path) -> bool:
    try:
        return _run(root, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except GitError:
        return False


def ignored_paths(root: Path) -> tuple[str, ...]:
    """The files and folders (ending in `/`) under `root` that git ignores, relative to
    `root`; empty outside a git work tree. `strat measure` lets no query read them: an
    ignored file is not part of what reviewers see (a CI job's credentials file, `.env`)."""
    if not is_repository(root):
        return ()
    out = _run_bytes(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
    return tuple(_name(raw) for raw in out.split(b"\0") if raw)


def repository_problem(root: Path) -> str | None:
    """Why `root` cannot be read as a git work tree, in words (None when it can)."""
    try:
        done = _git(root, "rev-parse", "--is-inside-work-tree")
    except GitError as problem:
        return f"{problem}; strat reads history with git, so install git"
    if done.returncode == 0 and done.stdout.strip() == b"true":
        return None
    err = done.stderr.decode("utf-8", "replace")
    if "dubious ownership" in err:
        return (f"git refuses to read {root}: the repository is owned by another user (add it to git's "
                "safe.directory list if you trust it)")
    if done.returncode == 0:
        return f"{root} is inside a git directory but not in a work tree; run strat in a checkout"
    return (f"{root} is not in a git repository; strat reads the strategy's history from git (run it inside "
            "a clone, or `git init` and commit the strategy first)")


def toplevel(root: Path) -> Path:
    return Path(_line(_run_bytes(root, "rev-parse", "--show-toplevel")))


def prefix_of(root: Path) -> str:
    """`root`'s path inside its git work tree ('' at the top)."""
    return _line(_run_bytes(root, "rev-parse", "--show-prefix")).rstrip("/")


def has_commits(root: Path) -> bool:
    return _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").returncode == 0


def shallow_boundary(root: Path) -> frozenset[str]:
    """The commits a shallow clone was cut at (their parents are missing); empty when the
    clone holds the whole history."""
    try:
        where = _line(_run_bytes(root, "rev-parse", "--git-path", "shallow"))
    except GitError:
        return frozenset()
    try:
        text = (Path(root) / where).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(line for line in text.split() if _SHA.match(line))


def is_shallow(root: Path) -> bool:
    try:
        return _run(root, "rev-parse", "--is-shallow-repository").strip() == "true"
    except GitError:
        return False


def history_cut_since(root: Path, since: dt.date) -> bool:
    """Whether a shallow clone is cut at a commit made on or after `since`: the history of
    that window is then incomplete (a depth-1 clone of an active repository). A clone cut
    before the window holds every commit of it."""
    boundary = shallow_boundary(root)
    if not boundary:
        return False
    out = _run(root, "log", "--no-walk=unsorted", "--format=%ct", "--end-of-options", *sorted(boundary))
    cutoff = dt.datetime.combine(since - dt.timedelta(days=1), dt.time(), dt.timezone.utc).timestamp()
    return any(int(stamp) >= cutoff for stamp in out.split() if stamp.isdigit())


# --- revisions --------------------------------------------------------------------------------


_RANGE = re.compile(r"\.\.|\^[@!-]|\A\^")


def resolve(root: Path, revision: str) -> str:
    """The commit id a user-given revision names, or a RevisionError that says in words
    what is wrong: an option, a range, not a repository, no commits yet, ambiguous, a
    tree or blob, further back than the history (a shallow clone says how to fetch)."""
    if not revision or revision.startswith("-"):
        raise RevisionError(f"refusing revision {revision!r}: it must name a commit, not an option")
    if any(not c.isprintable() for c in revision):
        raise RevisionError(f"refusing revision {revision!r}: it holds control characters or bytes that are not "
                            "text; no branch, tag or commit id strat reads has those")
    if _RANGE.search(revision):
        raise RevisionError(
            f"{revision!r} names a range or excludes commits; give one revision (a branch, tag or commit id); "
            "`strat diff` takes the two ends as two arguments: strat diff BASE HEAD")
    done = _git(root, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")
    out = done.stdout.decode("ascii", "replace").split()
    err = done.stderr.decode("utf-8", "replace")
    if "is ambiguous" in err:
        raise RevisionError(
            f"ambiguous revision {revision!r}: more than one branch, tag or object has that name; use a full "
            "name (refs/heads/…, refs/tags/…) or a longer commit id")
    if done.returncode == 0 and len(out) == 1 and _SHA.match(out[0]):
        return out[0]
    raise RevisionError(_revision_problem(root, revision)) from None


def _revision_problem(root: Path, revision: str) -> str:
    problem = repository_problem(root)
    if problem is not None:
        return problem
    if not has_commits(root):
        return f"unknown revision {revision!r}: the repository has no commits yet; commit the strategy first"
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", revision)
    sha = found.stdout.decode("ascii", "replace").strip()
    kind = _git(root, "cat-file", "-t", sha).stdout.decode("ascii", "replace").strip() if _SHA.match(sha) else ""
    if found.returncode == 0 and kind in ("tree", "blob", "tag"):  # a full id passes --verify even when missing
        what = "a tag that does not lead to a commit" if kind == "tag" else f"a {kind} (a folder or file), not a commit"
        return f"{revision!r} names {what}; give a branch, tag or commit id"
    if is_shallow(root):
        return (f"unknown revision {revision!r}: this is a shallow clone and it may not hold that commit; fetch the "
                "history first (`git fetch --unshallow`, or `fetch-depth: 0` on actions/checkout)")
    back = re.match(r"\A(.+?)((?:[~^]\d*)+)\Z", revision)
    if back and _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                     f"{back.group(1)}^{{commit}}").returncode == 0:
        return (f"unknown revision {revision!r}: {back.group(1)!r} exists but its history does not go back "
                f"{back.group(2)!r} commits")
    if revision.startswith("@{"):
        return f"unknown revision {revision!r}: the reflog holds no such entry in this repository"
    return f"unknown revision {revision!r}: no commit by that name in this repository"


# --- trees and blobs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tree:
    files: dict[str, str]  # root-relative *.yaml / *.yml path → blob id
    submodules: tuple[str, ...]  # root-relative paths of gitlinks (never read)


@functools.lru_cache(maxsize=32)
def _cached_tree(root: str, commit: str, folder: str) -> Tree:
    return _read_tree(Path(root), commit, folder)


def tree(root: Path, commit: str, folder: str) -> Tree:
    """The strategy files and submodules below `folder` at `commit`. A commit given by
    its full id is read once per process (objects never change)."""
    if _SHA.match(commit):
        return _cached_tree(str(root), commit, folder)
    return _read_tree(root, commit, folder)


def _read_tree(root: Path, commit: str, folder: str) -> Tree:
    prefix = prefix_of(root)
    out = _run_bytes(root, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit, "--",
                     _spec(prefix, folder))
    files: dict[str, str] = {}
    links: list[str] = []
    for entry in out.split(b"\0"):
        meta, tab, raw = entry.partition(b"\t")
        parts = meta.split()
        if not tab or len(parts) != 3:
            continue
        mode, kind, sha = (p.decode("ascii", "replace") for p in parts)
        rel = _relative(prefix, _name(raw))
        if rel is None:
            continue
        if mode == _GITLINK:
            links.append(rel)
        elif kind == "blob" and mode != _SYMLINK and rel.endswith(_YAML):
            files[rel] = sha
    return Tree(files, tuple(links))


def list_tree(root: Path, commit: str, folder: str) -> dict[str, str]:
    """{root-relative path: blob id} of the *.yaml / *.yml files below `folder` at `commit`.
    Symlinks (mode 120000) and submodules (160000) are left out: strat follows neither."""
    return dict(tree(root, commit, folder).files)


def read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """Read many blobs with one `git cat-file --batch` process."""
    unique = [s for s in dict.fromkeys(shas) if _SHA.match(s)]
    if not unique:
        return {}
    data = _run_bytes(root, "cat-file", "--batch", stdin=("\n".join(unique) + "\n").encode())
    out: dict[str, bytes] = {}
    pos = 0
    for sha in unique:
        end = data.find(b"\n", pos)
        if end < 0:
            raise GitError("git cat-file ended early: the repository's objects could not all be read")
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        if not header[2].isdigit() or pos + int(header[2]) > len(data):
            raise GitError(f"git cat-file gave a short object for {sha}: the repository may be damaged")
        size = int(header[2])
        out[sha] = data[pos:pos + size]
        pos += size + 1
    return out


# --- the working tree ----------------------------------------------------------------------------


def worktree_changes(root: Path, base: str, folder: str) -> set[str]:
    """Root-relative paths below `folder` that differ between `base` and the working
    tree, untracked files included (submodules are not entered)."""
    prefix = prefix_of(root)
    spec = _spec(prefix, folder)
    changed = _run_bytes(root, "diff", "--name-only", "-z", "--no-renames", *_NO_DRIVERS,
                         "--ignore-submodules=all", "--end-of-options", base, "--", spec)
    untracked = _run_bytes(root, "ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--", spec)
    out = set()
    for raw in (changed + b"\0" + untracked).split(b"\0"):
        rel = _relative(prefix, _name(raw)) if raw else None
        if rel:
            out.add(rel)
    return out


def worktree_submodules(root: Path, folder: str) -> tuple[str, ...]:
    """Root-relative paths of the submodules (gitlinks) in the index below `folder`."""
    prefix = prefix_of(root)
    out = _run_bytes(root, "ls-files", "--stage", "-z", "--full-name", "--", _spec(prefix, folder))
    links = []
    for entry in out.split(b"\0"):
        meta, tab, raw = entry.partition(b"\t")
        if tab and meta.startswith(_GITLINK.encode() + b" "):
            rel = _relative(prefix, _name(raw))
            if rel is not None and rel not in links:
                links.append(rel)
    return tuple(links)


def recently_changed(root: Path, since: dt.date, folder: str, memo: Any = None) -> set[str]:
    """Root-relative paths under `folder` changed on the main line (first parents; a
    merge counts as changing what it changes against its first parent) by a commit made
    on or after `since`, plus files with uncommitted changes. `memo` (the lint cache's
    `git_fact`/`remember_git_fact`) keeps the history's part by what it is a function of:
    the commit checked out, the day, the folder and a shallow clone's boundary."""
    prefix = prefix_of(root)
    spec = _spec(prefix, folder)
    names: list[str] = []
    done = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    head = done.stdout.decode("ascii", "replace").strip() if done.returncode == 0 else ""
    if _SHA.match(head):
        key = json.dumps(["recently_changed", head, since.isoformat(), spec, prefix, sorted(shallow_boundary(root))])
        logged = memo.git_fact(key) if memo is not None else None
        if not (type(logged) is list and all(type(n) is str for n in logged)):
            out = _run_bytes(root, "log", "--first-parent", "-m", f"--since={since.isoformat()}", "--raw", "-z",
                             "--no-abbrev", "--no-renames", *_NO_DRIVERS, "--format=%x01%H%x00", "--", spec)
            logged = [path for record in _records(out, 1) for path, _, _ in record.entries]
            if memo is not None:
                memo.remember_git_fact(key, logged)
        names.extend(logged)
    status = _run_bytes(root, "status", "--porcelain", "-z", "--no-renames", "--untracked-files=all",
                        "--ignore-submodules=all", "--", spec)
    for entry in status.split(b"\0"):
        if len(entry) > 3:
            names.append(_name(entry[3:]))
    return {rel for rel in (_relative(prefix, n) for n in names) if rel}


# --- history -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    timestamp: int
    author: str
    email: str
    subject: str
    # (root-relative path, blob in the first parent or None, blob after or None)
    files: tuple[tuple[str, str | None, str | None], ...]
    # A merge: for each entry of `files`, the blob in every parent (first parent first).
    # git lists only the files that differ from every parent: what the merge resolved.
    parent_blobs: tuple[tuple[str | None, ...], ...] = ()
    submodules: tuple[str, ...] = ()  # gitlinks the commit changed (never read)
    cut: bool = False  # a shallow clone's boundary: its parents, and so its real diff, are missing

    @property
    def date(self) -> str:
        return dt.datetime.fromtimestamp(self.timestamp, dt.timezone.utc).strftime("%Y-%m-%d")

    @property
    def is_merge(self) -> bool:
        return bool(self.parent_blobs)


@dataclass(slots=True)
class _Record:
    header: list[bytes]
    entries: list[tuple[str, list[str | None], str | None]]  # (top-relative path, parent blobs, blob after)
    gitlinks: list[str]


_META = re.compile(rb"\A(:+)((?:[0-7]{6} )+)((?:[0-9a-f]{40,64} )+)([A-Z]+)\d*\Z")


def _records(out: bytes, fields: int) -> list[_Record]:
    """Parse `git log -z --raw` output whose format is `%x01` followed by `fields`
    NUL-terminated fields. Positional: a header's fields and each entry's path are taken
    by position, so no byte of a subject or path is read as structure."""
    tokens = out.split(b"\0")
    records: list[_Record] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if token.startswith(b"\x01"):
            header = [token[1:], *tokens[i + 1:i + fields]]
            records.append(_Record(header, [], []))
            i += fields
            continue
        meta = _META.match(token)
        if meta and records and i + 1 < len(tokens):
            parents = len(meta.group(1))
            modes = meta.group(2).split()
            shas = [s.decode("ascii") for s in meta.group(3).split()]
            path = _name(tokens[i + 1])
            i += 2
            if len(modes) != parents + 1 or len(shas) != parents + 1:
                continue
            if _GITLINK.encode() in modes:
                records[-1].gitlinks.append(path)
                continue
            if any(m == _SYMLINK.encode() for m in modes[-1:]) or not path.endswith(_YAML):
                continue
            blobs: list[str | None] = [None if _ZERO.match(s) or m == _SYMLINK.encode() else s
                                       for s, m in zip(shas[:-1], modes[:-1])]
            records[-1].entries.append((path, blobs, None if _ZERO.match(shas[-1]) else shas[-1]))
            continue
        i += 1
    return records


_LOG_FORMAT = "--format=%x01%H%x00%at%x00%an%x00%ae%x00%s%x00"


def log(root: Path, folder: str, revision: str = "HEAD", limit: int | None = None) -> list[Commit]:
    """Every commit reachable from `revision` that touched `folder`, newest first, with
    the blobs each changed: one `git log` process for the whole history. A merge lists
    the files it resolved (different from every parent, `-c`), with each parent's blob;
    a clean merge lists none, so it never repeats its branch's commits."""
    prefix = prefix_of(root)
    args = ["log", "--no-renames", "--raw", "-c", "--no-abbrev", "-z", *_NO_DRIVERS, _LOG_FORMAT]
    if limit:
        args.append(f"--max-count={limit}")
    out = _run_bytes(root, *args, "--end-of-options", revision, "--", _spec(prefix, folder))
    boundary = shallow_boundary(root)
    commits = []
    for record in _records(out, 5):
        sha, stamp, author, email, subject = (f.decode("utf-8", "replace") for f in record.header[:5])
        if not _SHA.match(sha) or not stamp.isdigit():
            continue
        files, parents = [], []
        for path, before, after in record.entries:
            rel = _relative(prefix, path)
            if rel is None:
                continue
            files.append((rel, before[0] if before else None, after))
            parents.append(tuple(before))
        links = tuple(r for r in (_relative(prefix, p) for p in record.gitlinks) if r)
        merge = any(len(p) > 1 for p in parents)
        commits.append(Commit(sha, int(stamp), author, email, subject, tuple(files),
                              tuple(parents) if merge else (), links, sha in boundary))
    return commits


def init_repository(path: Path) -> None:
    """A new repository in `path` (for `strat init`), on a branch named main: the branch
    the starter's CI workflow publishes from."""
    try:
        _run(path, "init", "--quiet", "--initial-branch=main")
    except GitError:  # git before 2.28 has no --initial-branch
        _run(path, "init", "--quiet")


# --- the first commit (strat init) and the operator's identity ---------------------------------

# Asked of git wherever strat needs the operator's identity: an author is taken from the
# configuration (`user.name`, `user.email`) or from GIT_AUTHOR_* / GIT_COMMITTER_*, never
# guessed from the login name and the host name.
_CONFIG_ONLY = ("-c", "user.useConfigOnly=true")


class NoIdentity(GitError):
    """git cannot name an author or a committer without guessing one."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing  # the settings to give: user.name and/or user.email
        super().__init__(f"git does not know who you are ({' and '.join(missing)} not set)")


def config_value(root: Path, key: str) -> str | None:
    """A setting as git resolves it for `root` (`git config --get KEY`: the operator's
    system and global configuration, GIT_CONFIG_*, the repository's own .git/config);
    None when it is not set or git cannot be run."""
    try:
        done = _git(root, "config", "--get", key)
    except GitError:
        return None
    value = _line(done.stdout).strip() if done.returncode == 0 else ""
    return value or None


def identity_missing(root: Path) -> tuple[str, ...]:
    """What git lacks to name the author and the committer of a commit in `root` without
    guessing (`user.useConfigOnly`): () when it can, else the settings to give."""
    for var in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        if _git(root, *_CONFIG_ONLY, "var", var).returncode != 0:
            missing = tuple(key for key in ("user.name", "user.email") if config_value(root, key) is None)
            return missing or ("user.name", "user.email")
    return ()


@dataclass(frozen=True, slots=True)
class Committed:
    sha: str
    author: str  # `Name <email>`


def commit_files(root: Path, paths: list[str], message: str) -> Committed:
    """Stage `paths` (relative to `root`) and commit what is staged: `strat init`'s first
    commit, in the repository it has just created (so the index holds nothing else).
    Raises NoIdentity, with the files staged, when git has no identity to commit with
    (strat never invents one), GitError when git refuses (a hook, signing)."""
    prefix = prefix_of(root)
    _run_bytes(root, "add", "--", *(_spec(prefix, path) for path in paths))
    missing = identity_missing(root)
    if missing:
        raise NoIdentity(missing)
    _run_bytes(root, *_CONFIG_ONLY, "commit", "--quiet", "-m", message)
    sha, _, author = _line(_run_bytes(root, "log", "-1", "--format=%H%x00%an <%ae>", "HEAD")).partition("\0")
    return Committed(sha, author)
