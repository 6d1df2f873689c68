"""Rules across entries: unique ids, references to other entries, lineage cycles, and the
taxonomy's examples naming real entries (rules X002, X005, X006)."""

from __future__ import annotations

import networkx as nx

from alignscape.catalog.findings import Finding
from alignscape.catalog.validation.entries import Parsed
from alignscape.catalog.validation.messages import expect
from alignscape.catalog.yamlsafe import LoadedYaml, dotted
from alignscape.taxonomy import Taxonomy

ENTRY_REFERENCES = (("builds_on",), ("uses_data",), ("training", "objectives"))


def cross_checks(parsed: list[Parsed], known_ids: set[str], taxonomy: Taxonomy,
                 taxonomy_file: LoadedYaml, taxonomy_shown: str) -> list[Finding]:
    out = []
    first: dict[str, Parsed] = {}
    for item in parsed:
        entry_id = item.data["id"]
        if entry_id in first:
            line, column = item.loaded.locate(("id",))
            out.append(Finding(item.shown, line, column, "X002", "id",
                               f"id {entry_id!r} is already used by {first[entry_id].shown}",
                               "a unique id"))
        else:
            first[entry_id] = item
    ids = list(first)
    graph = nx.DiGraph()
    for item in first.values():
        for path in ENTRY_REFERENCES:
            value = item.data
            for part in path:
                value = value.get(part, {}) if isinstance(value, dict) else {}
            for i, target in enumerate(value or []):
                if target not in known_ids:
                    line, column = item.loaded.locate((*path, i))
                    out.append(Finding(item.shown, line, column, "X005", dotted((*path, i)),
                                       f"no entry has id {target!r}",
                                       expect(target, ids, "an existing entry id")))
                elif path == ("builds_on",):
                    graph.add_edge(item.data["id"], target, index=i)
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            node = next(iter(component))
            if not graph.has_edge(node, node):
                continue
        members = sorted(component)
        for node in members:
            item = first[node]
            for target in graph.successors(node):
                if target in component:
                    index = graph.edges[node, target]["index"]
                    line, column = item.loaded.locate(("builds_on", index))
                    out.append(Finding(item.shown, line, column, "X006", f"builds_on[{index}]",
                                       f"lineage cycle through {' -> '.join(members)}",
                                       "builds_on must point to earlier work only"))
    out += _example_checks(known_ids, taxonomy, taxonomy_file, taxonomy_shown)
    return out


def _example_checks(known_ids: set[str], taxonomy: Taxonomy, loaded: LoadedYaml,
                    shown: str) -> list[Finding]:
    out = []
    for gi, group in enumerate(taxonomy.groups):
        for di, dim in enumerate(group.dimensions):
            for oi, option in enumerate(dim.options):
                for ei, example in enumerate(option.examples):
                    if example in known_ids:
                        continue
                    field_path = ("groups", gi, "dimensions", di, "options", oi, "examples", ei)
                    line, column = loaded.locate(field_path)
                    out.append(Finding(shown, line, column, "X005", dotted(field_path),
                                       f"example {example!r} is not an entry id",
                                       "an existing entry id"))
    return out
