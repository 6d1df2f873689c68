"""A scratch project: a copy of the real catalog in a temporary folder, so commands that write
entries and references.bib never touch the checkout."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture
def scratch(project_root, tmp_path):
    shutil.copytree(project_root / "catalog", tmp_path / "catalog")
    return tmp_path
