"""Original vs perturbed: the unmodified candidate is chosen over each copy that perturbation
corrupted."""

from alignscape.stages.instantiation._lineage import parent_pairs
from alignscape.stages.instantiation._pairs import pairing_stage

OPTION = "instantiation.pairing.original_vs_perturbed"
apply = pairing_stage(OPTION, lambda record, config, ctx: parent_pairs(
    record, lambda c: c.get("origin") == "perturbation", child_wins=False))
