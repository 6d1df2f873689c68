"""The typed model every downstream layer reads: entries, the catalog value, scenarios and the
explorer index shape. It imports only the vocabulary and the query-language leaf."""

from alignscape.model.catalog import Catalog, CatalogInvalid
from alignscape.model.entry import STAGES, Entry

__all__ = ["STAGES", "Catalog", "CatalogInvalid", "Entry"]
