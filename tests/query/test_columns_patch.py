"""The column store after an edit: patching the earlier store equals building from scratch."""

from __future__ import annotations

import copy
import random

import pytest

from alignscape.query.columns import PATCH_LIMIT, build, patch


@pytest.fixture(scope="module")
def index(catalog):
    return catalog.index


def edited(index, seed, count):
    rng = random.Random(seed)
    new = copy.deepcopy(index)
    rows = new["entries"]
    dims = {d["id"]: [o["id"] for o in d["options"]] for d in index["dimensions"]}
    levels = new["tradeoffs"]["levels"]
    for n in rng.sample(range(len(rows)), count):
        row = rows[n]
        dim = rng.choice(sorted(dims))
        row["choices"][dim] = rng.sample(dims[dim], min(len(dims[dim]), rng.randint(0, 2)))
        for tdim in rng.sample(sorted(row["tradeoffs"]), 2):
            row["tradeoffs"][tdim] = rng.choice([*levels, None])
        row["kind"] = rng.choice(["method", "dataset", "brand_new_kind"])
        row["year"] = rng.choice([1999, 2023, row["year"]])
        row["name"] += " edited"
        row["summary"] = "An edited summary mentioning zanzibar."
        row["aliases"] = ["EDIT"]
    return new


@pytest.mark.parametrize("seed", range(8))
def test_patch_equals_build(index, seed):
    new = edited(index, seed, 1 + seed % 4)
    assert patch(build(index), new) == build(new)


def test_no_change_patches_to_the_same(index):
    assert patch(build(index), index) == build(index)


def test_what_cannot_be_patched_is_built(index):
    old = build(index)
    moved = copy.deepcopy(index)
    moved["entries"] = moved["entries"][1:]
    assert patch(old, moved) is None  # an entry added or removed: rows moved
    relabelled = copy.deepcopy(index)
    relabelled["dimensions"][0]["label"] += "!"
    assert patch(old, relabelled) is None
    assert patch(old, edited(index, 1, PATCH_LIMIT + 1)) is None
    stale = (dict(old[0]), old[1])
    del stale[0]["tokens"]
    assert patch(stale, index) is None
