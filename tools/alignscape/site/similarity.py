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
        self.ids = sorted(catalog.entries)
        self.row = {entry_id: n for n, entry_id in enumerate(self.ids)}
        entries = [catalog.entries[i] for i in self.ids]
        options = [entry.options for entry in entries]

        users: dict[str, int] = {}
        for chosen in options:
            for option in chosen:
                users[option] = users.get(option, 0) + 1
        nominating = sorted(o for o, count in users.items() if count <= cap)
        self.nominating = {o: n for n, o in enumerate(nominating)}
        # Column-major: an entry's count reads whole columns (the options it chose).
        self.nominate = np.zeros((len(entries), len(nominating)), dtype=np.int16, order="F")
        for n, chosen in enumerate(options):
            cols = [self.nominating[o] for o in chosen if o in self.nominating]
            self.nominate[n, cols] = 1

        columns = sorted({(d, o) for e in entries for d in compared for o in e.choices.get(d, ())},
                         key=lambda c: (compared.index(c[0]), c[1]))
        column = {c: n for n, c in enumerate(columns)}
        dims = [d for d in compared if any(c[0] == d for c in columns)]
        self.starts = np.array([next(n for n, c in enumerate(columns) if c[0] == d)
                                for d in dims], dtype=np.intp)
        self.choose = np.zeros((len(entries), len(columns)), dtype=np.uint8)
        self.sizes = np.zeros((len(entries), len(dims)), dtype=np.float64)
        for n, entry in enumerate(entries):
            for k, d in enumerate(dims):
                chosen = set(entry.choices.get(d, ()))
                self.sizes[n, k] = len(chosen)
                for o in chosen:
                    self.choose[n, column[(d, o)]] = 1

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


def similarity_index(ctx, cap: int) -> SimilarityIndex:
    """The build's index, made once (before stamping workers fork, see site/stamping.py)."""
    from alignscape.query.analysis import compared_dimensions

    found = getattr(ctx, "_similarity_index", None)
    if found is None:
        catalog = ctx.catalog
        found = ctx._similarity_index = SimilarityIndex(catalog, compared_dimensions(catalog),
                                                        cap)
    return found
