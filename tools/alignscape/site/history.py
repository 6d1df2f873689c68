"""When catalog entries were added and last changed, from the git history of each entry file
(one `git log` call for the whole catalog), for the home page's "latest" lists and the entry
pages' dates."""

from __future__ import annotations

import functools
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from alignscape.model import Catalog, Entry


@functools.cache
def git_file_history(root: Path) -> dict[str, dict]:
    """catalog/entries/<id>.yaml -> {"added": (time, subject), "modified": (time, subject)},
    from the commits that touched each file (renames followed by path; empty outside a
    repository or when git is missing)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "--format=@%ct\t%s", "--name-status",
             "--no-renames", "--", "catalog/entries"],
            capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    history: dict[str, dict] = {}
    stamp, subject = 0.0, ""
    for line in result.stdout.splitlines():
        if line.startswith("@"):
            when, _, subject = line[1:].partition("\t")
            stamp = float(when)
            continue
        status, _, path = line.partition("\t")
        if not path:
            continue
        item = history.setdefault(path.strip(), {})
        item.setdefault("modified", (stamp, subject))  # log is newest first
        if status.startswith("A"):
            item["added"] = (stamp, subject)  # the oldest add wins (re-added files)
    return history


def git_added_times(root: Path) -> dict[str, float]:
    """catalog/entries/<id>.yaml -> when the commit that added it was made."""
    return {path: item["added"][0] for path, item in git_file_history(root).items()
            if "added" in item}


def _day(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d")


def _stamps(catalog: Catalog, entry: Entry) -> dict:
    item = git_file_history(catalog.root).get(entry.source, {})
    if "added" in item:
        return item
    try:  # not committed yet: newest, by the file's modification time
        mtime = (catalog.root / entry.source).stat().st_mtime
    except OSError:
        mtime = 0.0
    return {"added": (mtime, "not committed yet"), "modified": (mtime, "not committed yet"),
            "uncommitted": True}


def entry_dates(catalog: Catalog) -> dict[str, dict]:
    """entry.source -> {"added": date, "modified": date, "change": last commit's subject}."""
    out = {}
    for entry in catalog:
        item = _stamps(catalog, entry)
        out[entry.source] = {"added": _day(item["added"][0]),
                             "modified": _day(item["modified"][0]),
                             "change": item["modified"][1]}
    return out


def latest_entries(catalog: Catalog, count: int) -> list[tuple[Entry, str]]:
    """The `count` most recently added entries with their dates, by the commit that added each
    file (files not yet committed count as newest, by modification time)."""
    stamps = [(_stamps(catalog, e)["added"][0], e) for e in catalog]
    stamps.sort(key=lambda pair: (-pair[0], pair[1].label.lower()))
    return [(entry, _day(stamp)) for stamp, entry in stamps[:count]]


def latest_changes(catalog: Catalog, count: int) -> list[tuple[Entry, str, str]]:
    """The `count` entries changed most recently after they were added: (entry, date, what the
    commit says)."""
    changed = []
    for entry in catalog:
        item = _stamps(catalog, entry)
        if item["modified"][0] > item["added"][0]:
            changed.append((item["modified"][0], item["modified"][1], entry))
    changed.sort(key=lambda row: (-row[0], row[2].label.lower()))
    return [(entry, _day(stamp), subject) for stamp, subject, entry in changed[:count]]
