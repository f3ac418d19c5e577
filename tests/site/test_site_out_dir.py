"""The output folder: a build that failed half-way does not lock the folder for ever, and
a folder is only emptied when strat claimed it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import helpers

TODAY = "2026-11-23"


def build(root: Path, *args: str) -> helpers.CliResult:
    return helpers.run_cli(["site", "build", "--today", TODAY, *args], cwd=root)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 512 KiB tmpfs: too small for the site (material's assets alone are larger)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_build_that_failed_on_a_full_disk_is_replaced_by_the_next(tmp_path: Path, small_disk: Path) -> None:
    root = helpers.copy_base(tmp_path / "repo", git=False)
    out = small_disk / "public"

    failed = build(root, "--out", str(out))
    assert failed.exit_code == 2, failed.stderr
    assert "No space left on device" in failed.stderr
    assert "next build replaces it" in failed.stderr and "Traceback" not in failed.stderr
    assert [p for p in out.iterdir() if p.name != ".strat-site"], "the failed build left part of a site"

    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)  # space freed
    again = build(root, "--out", str(out))
    assert again.exit_code == 0, again.stderr
    assert (out / "index.html").is_file() and (out / "goals" / "faster-activation" / "index.html").is_file()


@pytest.mark.parametrize("files", [{"sitemap.xml": "<urlset/>\n", "precious.txt": "my only copy\n"},
                                   {"thesis.docx": "my only copy\n"}], ids=["with-a-sitemap", "plain"])
def test_a_folder_strat_did_not_build_is_refused_in_words(tmp_path: Path, files: dict[str, str]) -> None:
    """A sitemap.xml proves nothing: the folder may be another site, or anything."""
    root = helpers.copy_base(tmp_path / "repo", git=False)
    out = tmp_path / "elsewhere"
    helpers.write_files(out, files)
    result = build(root, "--out", str(out))
    assert result.exit_code == 2
    for name in files:
        assert name in result.stderr  # what is in the way
        assert (out / name).read_text(encoding="utf-8") == files[name]
    assert "no .strat-site file" in result.stderr and "not a site strat built" in result.stderr
