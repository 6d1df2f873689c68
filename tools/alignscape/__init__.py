"""alignscape: an open atlas of alignment-data pipelines for large language models.

    >>> import alignscape
    >>> catalog = alignscape.load_catalog()     # validated; raises CatalogInvalid otherwise
"""

from alignscape.version import __version__

__all__ = ["Catalog", "CatalogInvalid", "Entry", "__version__", "load_catalog"]


def __getattr__(name):
    # Imported lazily so that `alignscape --help` and small tools stay fast. Nothing inside the
    # package imports this module, so these imports cannot form a cycle.
    if name == "load_catalog":
        from alignscape.catalog.loader import load_catalog

        return load_catalog
    if name in ("Catalog", "CatalogInvalid", "Entry"):
        import alignscape.model

        return getattr(alignscape.model, name)
    raise AttributeError(name)
