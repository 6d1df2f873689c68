"""Verified correct vs incorrect: a candidate that passed a correctness check (``verified``
true: reference answer, unit tests, a known label) is chosen over one that failed it
(``verified`` false) for the same prompt. Unverifiable candidates make no pair. Every
correct/incorrect combination is paired unless ``max_pairs`` caps them (taken in candidate
order)."""

from alignscape.stages.base import candidates
from alignscape.stages.instantiation._pairs import pairing_stage

OPTION = "instantiation.pairing.correct_vs_incorrect"


def make_pairs(record, config, ctx):
    cands = candidates(record)
    good = [c for c in cands if c.get("verified") is True]
    bad = [c for c in cands if c.get("verified") is False]
    pairs = [{"chosen": g["id"], "rejected": b["id"], "margin": None, "tie": False}
             for g in good for b in bad]
    cap = config.get("max_pairs")
    return pairs[:int(cap)] if cap else pairs


apply = pairing_stage(OPTION, make_pairs)
