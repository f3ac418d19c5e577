"""Fixtures of the site tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import helpers
import sitetest


@pytest.fixture
def base(tmp_path: Path) -> sitetest.Loaded:
    """The base strategy of tests/cases, loaded as `strat site build` loads it."""
    return sitetest.load(helpers.copy_base(tmp_path / "base", git=False))
