"""`mkdocs.yml` is repository content: nothing in it makes `strat site build` run code,
read outside the repository, or write outside the repository and the output folder.

Each hostile configuration is one row of `HOSTILE`. The repository sits in `tmp/repo`;
`tmp/outside` is a folder next to it holding a secret and a previous site; `{OUT}` in a
file's text is that folder, `{MARKER}` a file that code run by the build would create.
A row is built for real (MkDocs' own build, in process, and once as `python -m strat`,
where the working folder is on Python's import path) and must be refused with exit 1,
a message naming what is refused, no marker, and nothing outside the repository changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import helpers
from sitetest import snapshot

TODAY = "2026-11-23"
SECRET = "SECRET-OUTSIDE-THE-REPO-7f3a"
BASE = "site_name: X\ntheme: {name: material}\n"


@dataclass(frozen=True)
class Link:
    """A symlink to create, its target under `tmp/` (`{OUT}` allowed)."""

    target: str


@dataclass(frozen=True)
class Hostile:
    id: str
    files: dict[str, str | Link]
    refused: str  # a piece of the message
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


HOOK = "import pathlib\npathlib.Path('{MARKER}').write_text('ran')\n"
SSTI = ('{% extends "base.html" %}{% block announce %}'
        "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch {MARKER}') }}"
        "{% endblock %}\n")

EMOJI = """\
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
      options: {custom_icons: [ICONS]}
"""

HOSTILE = [
    Hostile("hooks", {"mkdocs.yml": BASE + "hooks: [hooks/evil.py]\n", "hooks/evil.py": HOOK}, "hooks"),
    Hostile("python-object-apply", {"mkdocs.yml": BASE + "site_description: !!python/object/apply:os.system "
                                                         "['touch {MARKER}']\n"}, "python/object/apply:os.system"),
    Hostile("python-object-new", {"mkdocs.yml": BASE + "extra: !!python/object/new:subprocess.Popen "
                                                       "[['touch', '{MARKER}']]\n"}, "python/object/new"),
    Hostile("python-name", {"mkdocs.yml": BASE + "extra: {f: !!python/name:os.system}\n"}, "python/name:os.system"),
    Hostile("python-module", {"mkdocs.yml": BASE + "extra: {m: !!python/module:os}\n"}, "python/module"),
    Hostile("env-secret", {"mkdocs.yml": BASE + "site_description: !ENV STRAT_TEST_SECRET\n",
                           "site/notes.md": "# Notes\n\n{{ config.site_description }}\n"}, "!ENV",
            env={"STRAT_TEST_SECRET": SECRET}),
    Hostile("inherit-up", {"mkdocs.yml": "INHERIT: ../outside/parent.yml\n" + BASE}, "INHERIT"),
    Hostile("inherit-absolute", {"mkdocs.yml": "INHERIT: {OUT}/parent.yml\n" + BASE}, "INHERIT"),
    Hostile("inherit-symlink-out", {"mkdocs.yml": "INHERIT: base.yml\n" + BASE,
                                    "base.yml": Link("{OUT}/parent.yml")}, "INHERIT"),
    Hostile("inherit-chain-out", {"mkdocs.yml": "INHERIT: conf/a.yml\n" + BASE,
                                  "conf/a.yml": "INHERIT: ../../outside/parent.yml\n"}, "INHERIT"),
    Hostile("site-dir-old-site-outside", {"mkdocs.yml": BASE + "site_dir: ../outside\n"}, "site_dir"),
    Hostile("site-dir-new-folder-outside", {"mkdocs.yml": BASE + "site_dir: ../autostart\n"}, "site_dir"),
    Hostile("site-dir-absolute", {"mkdocs.yml": BASE + "site_dir: {OUT}/new\n"}, "site_dir"),
    Hostile("site-dir-symlink-out", {"mkdocs.yml": BASE + "site_dir: out\n", "out": Link("{OUT}")}, "site_dir"),
    Hostile("docs-dir-outside", {"mkdocs.yml": BASE + "docs_dir: ../outside\n"}, "docs_dir"),
    Hostile("docs-dir-symlink-out", {"mkdocs.yml": BASE + "docs_dir: docs\n", "docs": Link("{OUT}")}, "docs_dir"),
    Hostile("custom-dir-outside", {"mkdocs.yml": "site_name: X\ntheme: {name: material, custom_dir: ../outside}\n"},
            "custom_dir"),
    Hostile("custom-dir-symlink-out", {"mkdocs.yml": "site_name: X\ntheme: {name: material, custom_dir: theme}\n",
                                       "theme": Link("{OUT}")}, "custom_dir"),
    Hostile("plugin-unknown", {"mkdocs.yml": BASE + "plugins: [search, material/info]\n"}, "material/info"),
    Hostile("plugin-mapping", {"mkdocs.yml": BASE + "plugins: {search: {}, material/privacy: {cache_dir: ../x}}\n"},
            "material/privacy"),
    Hostile("tags-export-out", {"mkdocs.yml": BASE + "plugins: [{tags: {export_file: ../../tags.json}}]\n"},
            "export_file"),
    Hostile("extension-from-repo", {"mkdocs.yml": BASE + "markdown_extensions: [evil_ext]\n",
                                    "evil_ext.py": HOOK}, "evil_ext"),
    Hostile("extension-b64", {"mkdocs.yml": BASE + "markdown_extensions: [{pymdownx.b64: {base_path: /}}]\n"},
            "pymdownx.b64"),
    Hostile("snippets-base-up", {"mkdocs.yml": BASE + "markdown_extensions: [{pymdownx.snippets: "
                                                      "{base_path: [../outside]}}]\n"}, "base_path"),
    Hostile("snippets-relative-up", {"mkdocs.yml": BASE + "markdown_extensions: [{pymdownx.snippets: "
                                                          "{base_path: !relative $config_dir/../outside}}]\n"},
            "!relative"),
    Hostile("snippets-url", {"mkdocs.yml": BASE + "markdown_extensions: [{pymdownx.snippets: {url_download: true}}]\n"},
            "url_download"),
    Hostile("snippets-unrestricted", {"mkdocs.yml": BASE + "markdown_extensions: [{pymdownx.snippets: "
                                                           "{restrict_base_path: false}}]\n",
                                      "site/leak.md": "# Leak\n\n--8<-- \"../outside/secret.txt\"\n"},
            "restrict_base_path"),
    Hostile("snippets-symlink-out", {"mkdocs.yml": BASE + "markdown_extensions: [pymdownx.snippets]\n",
                                     "snips/secret.txt": Link("{OUT}/secret.txt"),
                                     "site/leak.md": "# Leak\n\n--8<-- \"snips/secret.txt\"\n"}, "symlink"),
    Hostile("superfences-callable", {"mkdocs.yml": BASE + "markdown_extensions: [{pymdownx.superfences: "
                                                          "{custom_fences: [{name: x, class: x, "
                                                          "format: !!python/name:os.system}]}}]\n"},
            "python/name:os.system"),
    Hostile("extra-css-up", {"mkdocs.yml": BASE + "extra_css: [../../outside/secret.txt]\n"}, "extra_css"),
    Hostile("extra-templates-up", {"mkdocs.yml": BASE + "extra_templates: [../../outside/secret.txt]\n"},
            "extra_templates"),
    Hostile("watch-out", {"mkdocs.yml": BASE + "watch: [{OUT}]\n"}, "watch"),
    Hostile("mkdocs-yml-symlink", {"mkdocs.yml": Link("{OUT}/parent.yml")}, "symlink"),
    Hostile("emoji-icons-outside", {"mkdocs.yml": BASE + EMOJI.replace("ICONS", "../outside"),
                                    "site/leak.md": "# Leak\n\n:strat-leak:\n"}, "custom_icons"),
    Hostile("emoji-icons-symlink-out", {"mkdocs.yml": BASE + EMOJI.replace("ICONS", "icons"),
                                        "icons/strat-leak.svg": Link("{OUT}/strat-leak.svg"),
                                        "site/leak.md": "# Leak\n\n:strat-leak:\n"}, "symlink"),
    Hostile("aliases-bomb", {"mkdocs.yml": BASE + "extra:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                             + "".join(f"  {chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
                                       for i in range(8))}, "aliases"),
    Hostile("custom-dir-relative-up", {"mkdocs.yml": "site_name: X\ntheme:\n  name: material\n"
                                                     "  custom_dir: !relative $config_dir/../outside\n"}, "!relative"),
]


def _outside(tmp: Path) -> Path:
    """A folder next to the repository: a secret, a parent config, and a site built before."""
    out = tmp / "outside"
    out.mkdir()
    (out / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (out / "strat-leak.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{SECRET}</text></svg>\n',
                                    encoding="utf-8")
    (out / "parent.yml").write_text(BASE + f"site_description: {SECRET}\n", encoding="utf-8")
    (out / "sitemap.xml").write_text("<urlset/>\n", encoding="utf-8")
    (out / "precious.txt").write_text("my only copy\n", encoding="utf-8")
    return out


def _fill(text: str, tmp: Path) -> str:
    return text.replace("{OUT}", str(tmp / "outside")).replace("{MARKER}", str(tmp / "marker"))


def _repo(tmp: Path, files: dict[str, str | Link]) -> Path:
    texts = {rel: _fill(value, tmp) for rel, value in files.items() if isinstance(value, str)}
    root = helpers.copy_base(tmp / "repo", texts, git=False)
    for rel, value in files.items():
        if isinstance(value, Link):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(_fill(value.target, tmp), root / rel)
    return root


def _published(root: Path, text: str) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and not p.is_symlink() and text.encode() in p.read_bytes()
            and "outside" not in p.relative_to(root).parts]


@pytest.mark.parametrize("case", HOSTILE, ids=[c.id for c in HOSTILE])
def test_hostile_mkdocs_yml_is_refused(tmp_path: Path, case: Hostile, monkeypatch: pytest.MonkeyPatch) -> None:
    _outside(tmp_path)
    root = _repo(tmp_path, case.files)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    before = snapshot(tmp_path, root)

    result = helpers.run_cli(["site", "build", "--today", TODAY, *case.args], cwd=root)

    assert not (tmp_path / "marker").exists(), "code named by the repository ran"
    assert snapshot(tmp_path, root) == before, "something outside the repository changed"
    assert _published(root, SECRET) == [], "a secret from outside the repository was published"
    assert not (root / "public").exists()
    assert result.exit_code == 1, result.stderr
    assert case.refused in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", [c for c in HOSTILE if c.id in ("hooks", "extension-from-repo",
                                                                   "python-object-apply")], ids=lambda c: c.id)
def test_hostile_mkdocs_yml_is_refused_as_a_process(tmp_path: Path, case: Hostile) -> None:
    """`python -m strat` puts the working folder (the repository) on Python's import path:
    a Markdown extension named by the repository would be imported from it."""
    _outside(tmp_path)
    root = _repo(tmp_path, case.files)
    before = snapshot(tmp_path, root)
    proc = subprocess.run([sys.executable, "-m", "strat", "site", "build", "--today", TODAY], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert not (tmp_path / "marker").exists(), "code named by the repository ran"
    assert snapshot(tmp_path, root) == before
    assert proc.returncode == 1, proc.stderr
    assert case.refused in proc.stderr and "Traceback" not in proc.stderr


def test_repository_templates_render_in_the_sandbox(tmp_path: Path) -> None:
    """A theme override from the repository is a Jinja template; outside Jinja's sandbox
    it could reach `os.system`."""
    root = _repo(tmp_path, {"mkdocs.yml": "site_name: X\ntheme: {name: material, custom_dir: overrides}\n",
                            "overrides/main.html": SSTI})
    result = helpers.run_cli(["site", "build", "--today", TODAY], cwd=root)
    assert not (tmp_path / "marker").exists(), "a template from the repository ran a command"
    assert result.exit_code == 2, result.stderr
    assert "SecurityError" in result.stderr and "Traceback" not in result.stderr


META = {"mkdocs.yml": BASE + "plugins: [search, {material/meta: {meta_file: meta.yml}}]\n",
        "site/notes/meta.yml": "title: META-PLUGIN-RAN\n",
        "site/notes/page.md": "Some notes.\n"}


def test_a_plugin_outside_the_list_needs_the_operators_flag(tmp_path: Path) -> None:
    root = _repo(tmp_path, META)
    refused = helpers.run_cli(["site", "build", "--today", TODAY], cwd=root)
    assert refused.exit_code == 1 and "'material/meta' is refused" in refused.stderr
    assert "--allow-plugin material/meta" in refused.stderr
    assert not (root / "public").exists()

    allowed = helpers.run_cli(["site", "build", "--today", TODAY, "--allow-plugin", "material/meta"], cwd=root)
    assert allowed.exit_code == 0, allowed.stderr
    page = (root / "public" / "notes" / "page" / "index.html").read_text(encoding="utf-8")
    assert "<title>META-PLUGIN-RAN - X</title>" in page  # the plugin really ran


def test_an_extension_outside_the_list_needs_the_operators_flag(tmp_path: Path) -> None:
    image = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    root = _repo(tmp_path, {"mkdocs.yml": BASE + "use_directory_urls: false\n"
                                          "markdown_extensions: [{pymdownx.b64: {base_path: site}}]\n",
                            "site/notes.md": "# Notes\n\n![dot](dot.png)\n"})
    import base64

    (root / "site" / "dot.png").write_bytes(base64.b64decode(image))
    assert helpers.run_cli(["site", "build", "--today", TODAY], cwd=root).exit_code == 1
    allowed = helpers.run_cli(["site", "build", "--today", TODAY, "--allow-extension", "pymdownx.b64"], cwd=root)
    assert allowed.exit_code == 0, allowed.stderr
    assert "data:image/png;base64," in (root / "public" / "notes.html").read_text(encoding="utf-8")


def test_documented_python_names_and_relative_paths_still_build(tmp_path: Path) -> None:
    """What material's and pymdown-extensions' documentation puts in mkdocs.yml builds."""
    config = BASE + """\
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - toc:
      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}
  - pymdownx.snippets:
      base_path: !relative $config_dir/snips
plugins:
  - search
  - tags:
      export_file: tags.json
"""
    root = _repo(tmp_path, {"mkdocs.yml": config, "snips/part.md": "SNIPPET-INCLUDED\n",
                            "site/notes.md": "# Notes :smile:\n\n--8<-- \"part.md\"\n"})
    result = helpers.run_cli(["site", "build", "--today", TODAY, "--strict"], cwd=root)
    assert result.exit_code == 0, result.stderr
    page = (root / "public" / "notes" / "index.html").read_text(encoding="utf-8")
    assert "SNIPPET-INCLUDED" in page and "<svg" in page  # the snippet and the emoji


def test_inherit_inside_the_repository_is_merged(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"mkdocs.yml": "INHERIT: conf/base.yml\nsite_name: Child\n",
                            "conf/base.yml": "site_name: Parent\ntheme: {name: material}\nsite_dir: built\n"})
    result = helpers.run_cli(["site", "build", "--today", TODAY], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "<title>Child</title>" in (root / "built" / "index.html").read_text(encoding="utf-8") or \
        "- Child</title>" in (root / "built" / "index.html").read_text(encoding="utf-8")


def test_out_may_point_outside_the_repository(tmp_path: Path) -> None:
    """The operator's --out is trusted; it still gets the output-folder protections."""
    _outside(tmp_path)
    root = _repo(tmp_path, {"mkdocs.yml": BASE})
    ok = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(tmp_path / "published")], cwd=root)
    assert ok.exit_code == 0, ok.stderr
    assert (tmp_path / "published" / "index.html").exists()
    foreign = helpers.run_cli(["site", "build", "--today", TODAY, "--out", str(tmp_path / "outside")], cwd=root)
    assert foreign.exit_code == 2  # a folder holding other files, not a site strat built


@pytest.mark.parametrize("shadow", ["yaml.py", "click/__init__.py", "material/__init__.py", "pymdownx/__init__.py",
                                    "jinja2/__init__.py"])
def test_python_m_strat_never_imports_a_package_from_the_repository(tmp_path: Path, shadow: str) -> None:
    """`python -m strat` puts the working folder (the repository) first on Python's import
    path; a package of the same name as one strat or MkDocs imports must not run."""
    root = _repo(tmp_path, {"mkdocs.yml": BASE + "markdown_extensions: [pymdownx.snippets]\n", shadow: HOOK})
    proc = subprocess.run([sys.executable, "-m", "strat", "site", "build", "--today", TODAY], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert not (tmp_path / "marker").exists(), f"{shadow} from the repository ran"
    assert proc.returncode == 0, proc.stderr


def test_render_reads_mkdocs_yml_safely_too(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"mkdocs.yml": BASE + "site_description: !!python/object/apply:os.system "
                                                 "['touch {MARKER}']\n"})
    result = helpers.run_cli(["site", "render", str(tmp_path / "md"), "--today", TODAY], cwd=root)
    assert not (tmp_path / "marker").exists()
    assert result.exit_code == 1 and "python/object/apply:os.system" in result.stderr


def test_theme_overrides_may_be_named_relative_to_the_config(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"mkdocs.yml": "site_name: X\ntheme:\n  name: material\n"
                                          "  custom_dir: !relative $config_dir/overrides\n",
                            "overrides/main.html": '{% extends "base.html" %}{% block announce %}FROM-OVERRIDES'
                                                   '{% endblock %}\n'})
    result = helpers.run_cli(["site", "build", "--today", TODAY], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "FROM-OVERRIDES" in (root / "public" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("config", ['plugins: ["\\e]0;owned\\a\\e[2J"]\n',
                                    'markdown_extensions: ["x\\u202eexe.py"]\n',
                                    "extra: !!python/name:os.%1b[31m\n"], ids=["plugin", "extension", "tag"])
def test_refusals_show_escapes_visibly(tmp_path: Path, config: str) -> None:
    root = _repo(tmp_path, {"mkdocs.yml": BASE + config})
    result = helpers.run_cli(["site", "build", "--today", TODAY], cwd=root)
    assert result.exit_code == 1, result.stderr
    assert not any(c in result.stderr for c in "\x1b\x07\u202e"), result.stderr
    assert "\\x1b" in result.stderr or "\\u202e" in result.stderr
