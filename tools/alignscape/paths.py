"""Where the catalog lives: the repository that contains catalog/taxonomy.yaml."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def find_root(start: Path | None = None) -> Path:
    """The project root: $ALIGNSCAPE_ROOT, else the nearest parent of `start` (default: the
    current directory) holding catalog/taxonomy.yaml, else the checkout this package sits in."""
    env = os.environ.get("ALIGNSCAPE_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "catalog" / "taxonomy.yaml").is_file():
            return candidate
    return PACKAGE_ROOT.parents[1]


def schema_dir() -> Path:
    """The JSON Schemas; shipped with the checkout (schema/) next to tools/."""
    return PACKAGE_ROOT.parents[1] / "schema"
