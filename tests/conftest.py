"""Shared fixtures: the real project root and the real catalog, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def catalog():
    from alignscape.catalog.loader import load_catalog

    return load_catalog(ROOT)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is not present")
    return SHARED_DATA


# Markers follow from what a test needs, so a new test is marked without anyone remembering to.
_MARK_BY_FIXTURE = {"browser": "browser", "page": "browser", "site_build": "slow",
                    "site_dir": "slow", "site_url": "slow"}


def pytest_collection_modifyitems(items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for fixture, marker in _MARK_BY_FIXTURE.items():
            if fixture in fixtures:
                item.add_marker(getattr(pytest.mark, marker))
        if "test_query_browser" in item.nodeid or "test_site_browser" in item.nodeid:
            item.add_marker(pytest.mark.browser)
