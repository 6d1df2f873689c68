"""The typed, validated catalog: what every downstream layer (query, graphs, site, pipeline)
reads. Nothing downstream re-reads YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alignscape.catalog.bibliography import Bibliography, Reference
from alignscape.taxonomy import LevelExplanation, Taxonomy, Tradeoffs

STAGES = ("synthesis", "evaluation", "instantiation")


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    name: str
    year: int
    cite: str
    summary: str
    pipeline: dict
    source: str  # path relative to the project root
    aliases: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    arxiv: str | None = None
    links: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    uses_data: tuple[str, ...] = ()
    builds_on: tuple[str, ...] = ()
    tradeoff_overrides: dict = field(default_factory=dict)
    run: dict = field(default_factory=dict)
    notes: str | None = None
    # group.dimension -> chosen option ids, derived dimensions included
    choices: dict = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict, source: str, taxonomy: Taxonomy) -> Entry:
        return cls(
            id=data["id"], kind=data["kind"], name=data["name"], year=data["year"],
            cite=data["cite"], summary=" ".join(data["summary"].split()),
            pipeline=data["pipeline"], source=source,
            aliases=tuple(data.get("aliases", ())), references=tuple(data.get("references", ())),
            arxiv=data.get("arxiv"), links=dict(data.get("links", {})),
            training=dict(data.get("training", {})), uses_data=tuple(data.get("uses_data", ())),
            builds_on=tuple(data.get("builds_on", ())),
            tradeoff_overrides=dict(data.get("tradeoffs", {})), run=dict(data.get("run", {})),
            notes=data.get("notes"), choices=_choices(data, taxonomy))

    def stage(self, name: str) -> dict:
        return self.pipeline.get(name) or {}

    def not_applicable(self, stage: str) -> str | None:
        return self.stage(stage).get("not_applicable")

    @property
    def options(self) -> frozenset[str]:
        """Every chosen option as group.dimension.option."""
        return frozenset(f"{dim}.{opt}" for dim, opts in self.choices.items() for opt in opts)

    @property
    def citations(self) -> tuple[str, ...]:
        keys = [self.cite, *self.references]
        for override in self.tradeoff_overrides.values():
            keys += override["cite"]
        return tuple(dict.fromkeys(keys))


def _choices(data: dict, taxonomy: Taxonomy) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for dim in taxonomy.written_dimensions():
        value = data
        for part in dim.entry_path:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        out[dim.qualified] = tuple(value) if isinstance(value, list) else (value,)
    for dim in taxonomy.dimensions.values():
        if dim.derived_from:
            source = taxonomy.dimensions[f"{dim.group}.{dim.derived_from}"]
            derived = [source.option(o).structure for o in out.get(source.qualified, ())]
            values = tuple(dict.fromkeys(v for v in derived if v))
            if values:
                out[dim.qualified] = values
    return out


class CatalogInvalid(Exception):
    def __init__(self, findings):
        self.findings = findings
        super().__init__(f"the catalog has {len(findings)} problem(s); "
                         "run `alignscape validate` to see them")


class Catalog:
    def __init__(self, root: Path, taxonomy: Taxonomy, tradeoffs: Tradeoffs,
                 bibliography: Bibliography, entries: dict[str, Entry], scenarios=()):
        self.root = root
        self.taxonomy = taxonomy
        self.tradeoffs = tradeoffs
        self.bibliography = bibliography
        self.entries = entries
        # Deployment scenarios of catalog/scenarios.yaml (alignscape.query.scenarios.Scenario)
        self.scenarios = tuple(scenarios)

    @classmethod
    def load(cls, root: Path | str | None = None, *, cache: bool = False) -> Catalog:
        """Load and validate the catalog; raise CatalogInvalid listing every problem.

        cache=True reuses the catalog validated by an earlier process when no catalog file,
        schema or loader code has changed since (alignscape.query.cache)."""
        from alignscape.paths import find_root

        if cache:
            from alignscape.query.cache import load_catalog

            return load_catalog(Path(root) if root else find_root())
        from alignscape.catalog.validate import validate_catalog

        result = validate_catalog(Path(root) if root else find_root())
        if result.errors:
            raise CatalogInvalid(result.errors)
        return result.catalog

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries.values())

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def query(self, expression: str) -> list[Entry]:
        """The entries matching a query expression, in catalog order (site/docs/query.md).

        Raises alignscape.query.QueryError, located at the offending token, if it is malformed."""
        from alignscape.query.engine import query

        return query(self, expression)

    def reference(self, key: str) -> Reference | None:
        return self.bibliography.get(key)

    def profile(self, entry: Entry | str) -> dict[str, LevelExplanation]:
        entry = self.entries[entry] if isinstance(entry, str) else entry
        return self.tradeoffs.profile(entry.options, entry.tradeoff_overrides)

    def built_upon_by(self, entry_id: str) -> list[Entry]:
        return [e for e in self if entry_id in e.builds_on]

    def using(self, option: str) -> list[Entry]:
        """Entries that choose `group.dimension.option`."""
        return [e for e in self if option in e.options]
