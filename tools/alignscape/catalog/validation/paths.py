"""File paths as findings show them."""

from __future__ import annotations

import os
from pathlib import Path


def shown_path(path: Path) -> str:
    """Paths as a contributor would type them: relative to the working directory if inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def relative_to(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
