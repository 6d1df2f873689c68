"""The candidates of every entry page's "similar entries", as arrays: which entries share the
most options with an entry, and the few of those that `alignscape similar` would rank first.

Counting shared options through Python dictionaries cost about 10 ms per entry page at 2,000
entries, more than rendering the page itself; with the choices as 0/1 matrices built once per
build (forked stamping workers inherit them) both steps are a few array operations per entry.

Two matrices, one row per entry in id order:
* nominate: one column per option chosen by at most `cap` entries (a popular option says
  little about likeness and would make the count quadratic); an entry's candidates are the
  entries sharing the most such options with it, ties by id;
* choose: one column per (dimension, option) of the compared dimensions, grouped by
  dimension, so that the options two entries share in each dimension are a row product summed
  per group. The score is `similar`'s (alignscape.query.analysis.compare): over the dimensions
  either entry records, the mean share of options in common (Jaccard), rounded to 12 places
  so that a tie stays a tie whatever order the shares were added in.
"""

from __future__ import annotations

import numpy as np


class SimilarityIndex:
    def __init__(self, catalog, compared: list[str], cap: int):
        self.cap = cap
        self.ids = sorted(catalog.entries)
        self.row = {entry_id: n for n, entry_id in enumerate(self.ids)}
        entries = [catalog.entries[i] for i in self.ids]
        self.users: dict[str, int] = {}
        for entry in entries:
            for option in entry.options:
                self.users[option] = self.users.get(option, 0) + 1
        nominating = sorted(o for o, count in self.users.items() if count <= cap)
        self.nominating = {o: n for n, o in enumerate(nominating)}
        # Column-major: an entry's count reads whole columns (the options it chose).
        self.nominate = np.zeros((len(entries), len(nominating)), dtype=np.int16, order="F")

        columns = sorted({(d, o) for e in entries for d in compared for o in e.choices.get(d, ())},
                         key=lambda c: (compared.index(c[0]), c[1]))
        self.column = {c: n for n, c in enumerate(columns)}
        self.dims = [d for d in compared if any(c[0] == d for c in columns)]
        self.starts = np.array([next(n for n, c in enumerate(columns) if c[0] == d)
                                for d in self.dims], dtype=np.intp)
        self.choose = np.zeros((len(entries), len(columns)), dtype=np.uint8)
        self.sizes = np.zeros((len(entries), len(self.dims)), dtype=np.float64)
        for n, entry in enumerate(entries):
            self._fill(n, entry)

    def _fill(self, n: int, entry) -> None:
        self.nominate[n, :] = 0
        self.nominate[n, [self.nominating[o] for o in entry.options
                          if o in self.nominating]] = 1
        self.choose[n, :] = 0
        for k, d in enumerate(self.dims):
            chosen = set(entry.choices.get(d, ()))
            self.sizes[n, k] = len(chosen)
            for o in chosen:
                self.choose[n, self.column[(d, o)]] = 1

    def updated(self, old, new, changed: list[str]) -> SimilarityIndex | None:
        """This index (made for catalog `old`) for catalog `new`, which differs from it only
        in the entries `changed`: a copy with their rows rewritten (serve's live rebuild), or
        None when the edit changes which options nominate or which columns exist (then the
        caller makes a new index)."""
        if sorted(new.entries) != self.ids:
            return None
        users = dict(self.users)
        for entry_id in changed:
            for option in old.entries[entry_id].options:
                users[option] -= 1
            for option in new.entries[entry_id].options:
                users[option] = users.get(option, 0) + 1
        users = {o: count for o, count in users.items() if count}
        if {o for o, count in users.items() if count <= self.cap} != set(self.nominating):
            return None
        # A compared dimension with no column yet has none of its options in self.column.
        if any((d, o) not in self.column for entry_id in changed for d in _compared_of(new)
               for o in new.entries[entry_id].choices.get(d, ())):
            return None
        copy = object.__new__(SimilarityIndex)
        copy.__dict__.update(self.__dict__)
        copy.users = users
        copy.nominate = self.nominate.copy(order="F")
        copy.choose, copy.sizes = self.choose.copy(), self.sizes.copy()
        for entry_id in changed:
            copy._fill(self.row[entry_id], new.entries[entry_id])
        return copy

    def candidates(self, entry_id: str, options, nominated: int, keep: int) -> list[str]:
        """The `keep` best-scoring of the `nominated` entries sharing most options with
        `entry_id` (best first, ties by id); [] when it shares none with any entry."""
        me = self.row[entry_id]
        cols = [self.nominating[o] for o in options if o in self.nominating]
        if not cols or not len(self.ids):
            return []
        counts = self.nominate[:, cols].sum(axis=1, dtype=np.int32)
        counts[me] = 0
        found = np.flatnonzero(counts)
        if not len(found):
            return []
        if len(found) > nominated:
            # Most shared first, then id order (the rows are in id order): one sortable key.
            key = (counts.max() - counts[found]).astype(np.int64) * len(self.ids) + found
            found = found[np.argpartition(key, nominated - 1)[:nominated]]
        shared = (self.choose[found] & self.choose[me]).astype(np.float64)
        common = np.add.reduceat(shared, self.starts, axis=1) if shared.shape[1] else shared
        union = self.sizes[found] + self.sizes[me] - common
        present = union > 0
        shares = np.divide(common, union, out=np.zeros_like(common), where=present)
        recorded = present.sum(axis=1)
        scores = np.divide(shares.sum(axis=1), recorded, out=np.zeros(len(found)),
                           where=recorded > 0)
        scores = np.round(scores, 12)
        order = np.lexsort((found, -scores))[:keep]
        return [self.ids[i] for i in found[order]]


def _compared_of(catalog) -> list[str]:
    from alignscape.query.analysis import compared_dimensions

    return compared_dimensions(catalog)


# The last index made, with its catalog: serve's next live rebuild updates it for the entries
# it changed instead of making one for the whole catalog again (half a second at 10,000).
_LAST: dict[str, tuple] = {}


def similarity_index(ctx, cap: int) -> SimilarityIndex:
    """The build's index, made once (before stamping workers fork, see site/stamping.py), or
    the last one updated when `ctx.previous_update` says which entries changed since."""
    found = getattr(ctx, "_similarity_index", None)
    if found is None:
        kept = _LAST.get("last")
        previous = getattr(ctx, "previous_update", None)
        if kept is not None and previous is not None and kept[0] is previous[0] and \
                kept[1].cap == cap:
            found = kept[1].updated(previous[0], ctx.catalog, previous[1])
        if found is None:
            found = SimilarityIndex(ctx.catalog, _compared_of(ctx.catalog), cap)
        ctx._similarity_index = found
        _LAST["last"] = (ctx.catalog, found)
    return found
