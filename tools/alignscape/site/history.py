"""When catalog entries were added, from git history (for the home page's "latest")."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from alignscape.model import Catalog, Entry


def git_added_times(root: Path) -> dict[str, float]:
    """catalog/entries/<id>.yaml -> when the commit that added it was made (one git call;
    empty outside a repository or when git is missing)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "--diff-filter=A", "--format=@%ct", "--name-only",
             "--", "catalog/entries"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    added: dict[str, float] = {}
    stamp = 0.0
    for line in result.stdout.splitlines():
        if line.startswith("@"):
            stamp = float(line[1:])
        elif line.strip():
            added.setdefault(line.strip(), stamp)  # log is newest first: keep the latest add
    return added


def latest_entries(catalog: Catalog, count: int) -> list[tuple[Entry, str]]:
    """The `count` most recently added entries with their dates, by the commit that added each
    file (files not yet committed count as newest, by modification time)."""
    added = git_added_times(catalog.root)
    stamps = []
    for entry in catalog:
        stamp = added.get(entry.source)
        if stamp is None:
            try:
                stamp = (catalog.root / entry.source).stat().st_mtime
            except OSError:
                stamp = 0.0
        stamps.append((stamp, entry))
    stamps.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [(entry, datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d"))
            for stamp, entry in stamps[:count]]
