"""Contrastive-prompt pair (RLCD): the candidate written under the positive prompt is chosen
over the one written under the negative prompt (matched by order of generation)."""

from alignscape.stages.base import candidates
from alignscape.stages.instantiation._pairs import pairing_stage

OPTION = "instantiation.pairing.contrastive_pair"


def make_pairs(record, config, ctx):
    cands = [c for c in candidates(record) if c.get("origin") == "contrastive_prompting"]
    pos = [c for c in cands if c.get("polarity") == "positive"]
    neg = [c for c in cands if c.get("polarity") == "negative"]
    return [{"chosen": p["id"], "rejected": n["id"], "margin": None, "tie": False}
            for p, n in zip(pos, neg, strict=False)]


apply = pairing_stage(OPTION, make_pairs)
