"""Where the site's sources are and where a build goes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SitePaths:
    """Where the site's sources are and where the build goes. `site_src` is normally
    <root>/site; a synthetic catalog elsewhere borrows the project's."""

    root: Path
    out: Path
    site_src: Path

    @classmethod
    def for_root(cls, root: Path, out: Path | None = None,
                 site_src: Path | None = None) -> SitePaths:
        root = root.resolve()
        return cls(root=root, out=(out or root / "build").resolve(),
                   site_src=(site_src or root / "site").resolve())

    @property
    def docs(self) -> Path:
        return self.out / "docs"

    @property
    def site(self) -> Path:
        return self.out / "site"

    @property
    def config(self) -> Path:
        return self.out / "mkdocs.yml"
