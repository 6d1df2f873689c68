"""The validated catalog as a value: entries, vocabulary, trade-off rules, bibliography and
scenarios. Loading and validation live one layer up (alignscape.catalog), so nothing here reads
a file."""

from __future__ import annotations

import weakref
from pathlib import Path

from alignscape.model.entry import Entry
from alignscape.model.index import explorer_index
from alignscape.querylang import Vocabulary, evaluate, parse
from alignscape.taxonomy import LevelExplanation, Taxonomy, Tradeoffs

# The explorer index of a catalog, computed once per Catalog object.
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class CatalogInvalid(Exception):
    def __init__(self, findings):
        self.findings = findings
        super().__init__(f"the catalog has {len(findings)} problem(s); "
                         "run `alignscape validate` to see them")


class Catalog:
    def __init__(self, root: Path, taxonomy: Taxonomy, tradeoffs: Tradeoffs, bibliography,
                 entries: dict[str, Entry], scenarios=()):
        self.root = root
        self.taxonomy = taxonomy
        self.tradeoffs = tradeoffs
        self.bibliography = bibliography
        self.entries = entries
        # Deployment scenarios of catalog/scenarios.yaml (alignscape.model.scenario.Scenario)
        self.scenarios = tuple(scenarios)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries.values())

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    @property
    def index(self) -> dict:
        """The explorer index (alignscape.model.index): what every query evaluates."""
        index = _INDEXES.get(self)
        if index is None:
            index = _INDEXES[self] = explorer_index(self)
        return index

    def query(self, expression: str) -> list[Entry]:
        """The entries matching a query expression, in catalog order (site/docs/query.md).

        Raises alignscape.querylang.QueryError, located at the offending token, if it is
        malformed."""
        tree = parse(expression, Vocabulary.from_index(self.index))
        return [self.entries[row["id"]] for row in self.index["entries"] if evaluate(tree, row)]

    def reference(self, key: str):
        return self.bibliography.get(key)

    def profile(self, entry: Entry | str) -> dict[str, LevelExplanation]:
        entry = self.entries[entry] if isinstance(entry, str) else entry
        return self.tradeoffs.profile(entry.options, entry.tradeoff_overrides, kind=entry.kind,
                                      open_stages=entry.open_stages,
                                      not_applicable=entry.not_applicable_stages)

    def built_upon_by(self, entry_id: str) -> list[Entry]:
        return [e for e in self if entry_id in e.builds_on]

    def using(self, option: str) -> list[Entry]:
        """Entries that choose `group.dimension.option`."""
        return [e for e in self if option in e.options]
