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


@pytest.mark.parametrize(("before", "after"), [
    ("iteration: single_round", "iteration: iterative"),  # an existing option: rows rewritten
    ("summary:", "summary:"),  # nothing the index reads
])
def test_an_updated_index_answers_as_a_new_one(tmp_path, catalog, before, after):
    """serve's live rebuild updates the last index for the edited entries; every entry's
    candidates must be those of an index made afresh for the edited catalog."""
    import shutil

    from alignscape.catalog.loader import load_catalog

    root = tmp_path
    shutil.copytree(catalog.root / "catalog", root / "catalog")
    entry = root / "catalog" / "entries" / "dpo.yaml"
    text = entry.read_text()
    assert before in text
    entry.write_text(text.replace(before, after, 1))
    edited = load_catalog(root)
    compared = compared_dimensions(catalog)
    old = SimilarityIndex(catalog, compared, cap=40)
    updated = old.updated(catalog, edited, ["dpo"])
    assert updated is not None
    fresh = SimilarityIndex(edited, compared, cap=40)
    for entry in edited:
        assert updated.candidates(entry.id, entry.options, 25, 8) == \
            fresh.candidates(entry.id, entry.options, 25, 8), entry.id
    # The index it was made from still answers for the catalog it was made for.
    me = catalog.entries["dpo"]
    assert old.candidates("dpo", me.options, 25, 8) == \
        SimilarityIndex(catalog, compared, cap=40).candidates("dpo", me.options, 25, 8)


def test_an_edit_that_changes_which_options_nominate_makes_a_new_index(catalog):
    compared = compared_dimensions(catalog)
    users: dict[str, int] = {}
    for entry in catalog:
        for option in entry.options:
            users[option] = users.get(option, 0) + 1
    # A cap equal to the popularity of one of dpo's options: dpo dropping it moves it under.
    option = next(o for o in sorted(catalog.entries["dpo"].options) if users[o] > 1)
    index = SimilarityIndex(catalog, compared, cap=users[option] - 1)
    assert option not in index.nominating

    class Edited:
        entries = dict(catalog.entries)

    class Without:
        options = catalog.entries["dpo"].options - {option}
        choices = catalog.entries["dpo"].choices

    Edited.entries["dpo"] = Without
    assert index.updated(catalog, Edited, ["dpo"]) is None
