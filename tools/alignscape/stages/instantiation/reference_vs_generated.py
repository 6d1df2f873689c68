"""Reference vs generated (SPIN): the reference or human-written answer is chosen over each
model-generated candidate of the prompt, whatever their scores."""

from alignscape.stages.base import candidates
from alignscape.stages.instantiation._pairs import pairing_stage

OPTION = "instantiation.pairing.reference_vs_generated"


def _is_reference(c):
    return c.get("is_reference") or c.get("origin") == "human_written"


def make_pairs(record, config, ctx):
    cands = candidates(record)
    refs = [c for c in cands if _is_reference(c)]
    return [{"chosen": r["id"], "rejected": g["id"], "margin": None, "tie": False}
            for r in refs[:1] for g in cands if not _is_reference(g)]


apply = pairing_stage(OPTION, make_pairs)
