"""Where things live: the catalog (a project folder holding catalog/taxonomy.yaml, found from
the working directory) and the package's own data (schemas), read as package resources so a
wheel install finds them."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def find_root(start: Path | None = None) -> Path:
    """The project root: $ALIGNSCAPE_ROOT, else the nearest parent of `start` (default: the
    current directory) holding catalog/taxonomy.yaml, else the checkout this package sits in
    (an editable install), else the current directory (where validation then says what is
    missing)."""
    env = os.environ.get("ALIGNSCAPE_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "catalog" / "taxonomy.yaml").is_file():
            return candidate
    checkout = PACKAGE_ROOT.parents[1]
    if (checkout / "catalog" / "taxonomy.yaml").is_file():
        return checkout
    return here


def schema_dir() -> Path:
    """The JSON Schemas (draft 2020-12), package data of alignscape."""
    return Path(str(files("alignscape") / "schema"))
