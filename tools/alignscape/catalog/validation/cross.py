"""Rules across entries: unique ids, references to other entries, lineage cycles, and the
taxonomy's examples naming real entries (rules X002, X005, X006)."""

from __future__ import annotations

from alignscape.catalog.findings import Finding
from alignscape.catalog.validation.messages import expect
from alignscape.catalog.yamlsafe import LoadedYaml, dotted
from alignscape.taxonomy import Taxonomy

ENTRY_REFERENCES = (("builds_on",), ("uses_data",), ("training", "objectives"))


class CrossRecord:
    """What the cross-entry rules read of one entry that passed its own rules: its id, the
    entry ids it names and where each is written. Small, so an incremental run keeps one per
    entry and the rules always see the whole catalog."""

    __slots__ = ("id", "id_at", "refs", "shown")

    def __init__(self, entry_id: str, id_at: tuple, refs: tuple, shown: str = ""):
        self.id, self.id_at, self.refs, self.shown = entry_id, id_at, refs, shown

    @classmethod
    def of(cls, data: dict, loaded: LoadedYaml, shown: str = "") -> CrossRecord:
        refs = []
        for path in ENTRY_REFERENCES:
            value = data
            for part in path:
                value = value.get(part, {}) if isinstance(value, dict) else {}
            refs.append(tuple((target, loaded.locate((*path, i)))
                              for i, target in enumerate(value or [])))
        return cls(data["id"], loaded.locate(("id",)), tuple(refs), shown)

    def plain(self) -> tuple:
        return self.id, self.id_at, self.refs

    @classmethod
    def from_plain(cls, plain, shown: str) -> CrossRecord:
        return cls(*plain, shown)


def cross_checks(records: list[CrossRecord], known_ids: set[str], taxonomy: Taxonomy,
                 taxonomy_file: LoadedYaml, taxonomy_shown: str) -> list[Finding]:
    out = []
    first: dict[str, CrossRecord] = {}
    for item in records:
        entry_id = item.id
        if entry_id in first:
            line, column = item.id_at
            out.append(Finding(item.shown, line, column, "X002", "id",
                               f"id {entry_id!r} is already used by {first[entry_id].shown}",
                               "a unique id"))
        else:
            first[entry_id] = item
    ids = None
    edges: dict[str, dict[str, int]] = {}  # builds_on, in file order: node -> target -> index
    for item in first.values():
        for path, refs in zip(ENTRY_REFERENCES, item.refs, strict=True):
            for i, (target, (line, column)) in enumerate(refs):
                if target not in known_ids:
                    if ids is None:
                        ids = list(first)
                    out.append(Finding(item.shown, line, column, "X005", dotted((*path, i)),
                                       f"no entry has id {target!r}",
                                       expect(target, ids, "an existing entry id")))
                elif path == ("builds_on",):
                    edges.setdefault(item.id, {})[target] = i  # the last of a repeat, as before
    for component in _cycles(edges):
        members = sorted(component)
        for node in members:
            item = first[node]
            for target, index in edges.get(node, {}).items():
                if target in component:
                    line, column = _nth(item.refs[0], index)
                    out.append(Finding(item.shown, line, column, "X006", f"builds_on[{index}]",
                                       f"lineage cycle through {' -> '.join(members)}",
                                       "builds_on must point to earlier work only"))
    out += _example_checks(known_ids, taxonomy, taxonomy_file, taxonomy_shown)
    return out


def _nth(refs: tuple, index: int) -> tuple[int, int]:
    return refs[index][1]


def _cycles(edges: dict[str, dict[str, int]]) -> list[set[str]]:
    """The strongly connected components of the builds_on graph that hold a cycle (more than
    one node, or a node naming itself): Tarjan's algorithm, iterative so that a long lineage
    chain cannot exhaust the stack. networkx's strongly_connected_components answers the same;
    this one saves importing networkx (a tenth of a second) on every validation."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out = []
    counter = 0
    nodes = list(edges)
    for targets in edges.values():
        nodes += targets
    for root in dict.fromkeys(nodes):
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for target in successors:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges.get(target, ()))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, {}):
                    out.append(component)
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
