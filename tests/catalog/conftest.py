"""Catalog tests: a private cache, so validation's entry memo never touches the developer's."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    previous = os.environ.get("ALIGNSCAPE_CACHE_DIR")
    os.environ["ALIGNSCAPE_CACHE_DIR"] = str(tmp_path_factory.mktemp("alignscape-cache"))
    yield
    if previous is None:
        os.environ.pop("ALIGNSCAPE_CACHE_DIR", None)
    else:
        os.environ["ALIGNSCAPE_CACHE_DIR"] = previous
