"""Loading the catalog: validated from its YAML and BibTeX, or from the content-keyed cache."""

from __future__ import annotations

from pathlib import Path

from alignscape.catalog.cache import CatalogCache
from alignscape.catalog.validation import validate_catalog
from alignscape.model import Catalog, CatalogInvalid
from alignscape.paths import find_root


def load_catalog(root: Path | str | None = None, *, cache: bool = False) -> Catalog:
    """The validated catalog at `root` (default: the project around the current directory).
    Raises CatalogInvalid listing every problem.

    cache=True reuses the catalog validated by an earlier process when no catalog file,
    schema or loader code has changed since, and otherwise re-checks only the entries that
    changed (alignscape.catalog.cache); cache=False reads and checks every file."""
    root = Path(root) if root else find_root()
    if cache:
        return CatalogCache(root).catalog()
    result = validate_catalog(root, memo=False)
    if result.errors:
        raise CatalogInvalid(result.errors)
    return result.catalog
