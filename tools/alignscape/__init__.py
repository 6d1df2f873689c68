"""alignscape: an open atlas of alignment-data pipelines for large language models."""

__all__ = ["Catalog", "Entry"]
__version__ = "0.1.0"


def __getattr__(name):
    # Imported lazily so that `alignscape --help` and small tools stay fast.
    if name in __all__:
        from alignscape.catalog import model

        return getattr(model, name)
    raise AttributeError(name)
