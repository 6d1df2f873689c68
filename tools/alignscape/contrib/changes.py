"""What changed since a git base: the entry files and shared catalog files to validate."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ENTRIES_DIR = "catalog/entries"
SHARED_FILES = ("catalog/taxonomy.yaml", "catalog/tradeoffs.yaml", "catalog/references.bib",
                "catalog/scenarios.yaml")


class GitError(Exception):
    """git is missing, the folder is not a work tree, or the base does not resolve."""


@dataclass
class ChangeSet:
    base: str
    entries: list[Path] = field(default_factory=list)   # changed entry files that exist
    deleted: list[str] = field(default_factory=list)    # entry files removed since the base
    shared: list[str] = field(default_factory=list)     # shared files changed since the base

    @property
    def needs_whole_catalog(self) -> bool:
        """A deleted entry, or a changed vocabulary or bibliography, can break any entry."""
        return bool(self.deleted or self.shared)


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout


def default_base(root: Path) -> str:
    """origin/main if the repository has it, else HEAD."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "origin/main^{commit}")
        return "origin/main"
    except GitError:
        return "HEAD"


def changed_since(root: Path, base: str | None = None) -> ChangeSet:
    """Files under catalog/ changed between `base` (its merge base with HEAD when there is one,
    so commits that landed on main meanwhile are not counted) and the work tree, plus staged
    and untracked entry files."""
    root = root.resolve()
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip()).resolve()
    base = base or default_base(root)
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except GitError as exc:
        raise GitError(f"{base!r} is not a commit in this repository") from exc
    against = base
    try:
        against = _git(root, "merge-base", base, "HEAD").strip() or base
    except GitError:
        pass
    names: set[str] = set()
    for args in (("diff", "--name-only", "--no-renames", against),
                 ("diff", "--name-only", "--no-renames", "--cached", against)):
        names.update(_git(top, *args, "--", "catalog").splitlines())
    names.update(_git(top, "ls-files", "--others", "--exclude-standard", "--",
                      "catalog").splitlines())
    prefix = root.relative_to(top).as_posix() if root != top else ""
    changes = ChangeSet(base=base)
    for name in sorted(n for n in names if n):
        rel = name[len(prefix) + 1:] if prefix and name.startswith(prefix + "/") else name
        path = root / rel
        if rel.startswith(ENTRIES_DIR + "/") and rel.endswith(".yaml") and "/" not in rel[
                len(ENTRIES_DIR) + 1:]:
            if path.exists() or path.is_symlink():
                changes.entries.append(path)
            else:
                changes.deleted.append(rel)
        elif rel in SHARED_FILES:
            changes.shared.append(rel)
    return changes
