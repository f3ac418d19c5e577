"""paths: page locations and the relative URLs raw HTML links need."""

from __future__ import annotations

import pytest

from strat.site import paths


@pytest.mark.parametrize(("src", "dirs", "url"), [
    ("index.md", True, ""), ("goals/index.md", True, "goals/"), ("goals/x.md", True, "goals/x/"),
    ("map.md", True, "map/"), ("index.md", False, "index.html"), ("goals/x.md", False, "goals/x.html"),
    ("index.md#values", True, "#values"),
])
def test_url(src: str, dirs: bool, url: str) -> None:
    assert paths.url(src, dirs) == url


@pytest.mark.parametrize(("a", "b", "dirs", "href"), [
    ("index.md", "goals/x.md", True, "goals/x/"),
    ("goals/x.md", "metrics/y.md", True, "../../metrics/y/"),
    ("goals/x.md", "index.md", True, "../../"),
    ("goals/index.md", "goals/x.md", True, "x/"),
    ("goals/x.md", "goals/x.md", True, "./"),
    ("map.md", "index.md#values", True, "../#values"),
    ("goals/x.md", "metrics/y.md", False, "../metrics/y.html"),
    ("goals/x.md", "index.md", False, "../index.html"),
    ("index.md", "goals/x.md", False, "goals/x.html"),
])
def test_href(a: str, b: str, dirs: bool, href: str) -> None:
    assert paths.href(a, b, dirs) == href


def test_entity_pages_never_collide_with_index_pages() -> None:
    assert paths.entity("Goal", "index") != paths.index("Goal")
    with pytest.raises(ValueError):
        paths.entity("Goal", "../../etc/passwd")


def test_md_link() -> None:
    assert paths.md_link("goals/x.md", "metrics/y.md") == "../metrics/y.md"
    assert paths.md_link("index.md", "goals/x.md#a") == "goals/x.md#a"
