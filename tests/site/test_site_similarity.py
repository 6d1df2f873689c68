"""site/similarity.py against the rule it implements, written out plainly with sets and dicts,
on the real catalog with bounds small enough that both the popularity cap and the candidate
cut (and their tie-breaking by id) decide the answers."""

from __future__ import annotations

import pytest

from alignscape.query.analysis import compare, compared_dimensions
from alignscape.site.similarity import SimilarityIndex


def _reference(catalog, entry_id, cap, nominated, keep):
    users: dict[str, set[str]] = {}
    for entry in catalog:
        for option in entry.options:
            users.setdefault(option, set()).add(entry.id)
    counts: dict[str, int] = {}
    for option in catalog.entries[entry_id].options:
        if len(users[option]) > cap:
            continue
        for other in users[option] - {entry_id}:
            counts[other] = counts.get(other, 0) + 1
    pool = sorted(counts, key=lambda i: (-counts[i], i))[:nominated]
    me = catalog.entries[entry_id]
    scored = {i: round(compare(catalog, me, catalog.entries[i]).score, 12) for i in pool}
    return sorted(pool, key=lambda i: (-scored[i], i))[:keep]


@pytest.mark.parametrize(("cap", "nominated"), [(1000, 1000), (40, 25), (12, 5)])
def test_candidates_follow_the_written_rule(catalog, cap, nominated):
    index = SimilarityIndex(catalog, compared_dimensions(catalog), cap)
    checked = 0
    for entry in catalog:
        got = index.candidates(entry.id, entry.options, nominated, keep=8)
        assert got == _reference(catalog, entry.id, cap, nominated, 8), entry.id
        checked += bool(got)
    assert checked > len(catalog) // 2  # most entries have candidates under every bound


def test_an_entry_sharing_no_uncapped_option_has_no_candidates(catalog):
    index = SimilarityIndex(catalog, compared_dimensions(catalog), cap=0)
    assert all(index.candidates(e.id, e.options, 10, 4) == [] for e in catalog)
