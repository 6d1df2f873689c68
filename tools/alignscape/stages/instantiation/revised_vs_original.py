"""Revised vs original: a revision (self-refinement) or correction is chosen over the candidate
it revises. Unchanged rewrites make no pair."""

from alignscape.stages.instantiation._lineage import parent_pairs
from alignscape.stages.instantiation._pairs import pairing_stage

OPTION = "instantiation.pairing.revised_vs_original"
apply = pairing_stage(OPTION, lambda record, config, ctx: parent_pairs(
    record, lambda c: c.get("origin") in ("self_refinement", "correction"), child_wins=True))
