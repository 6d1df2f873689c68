"""Length columns for length-regularised objectives (R-DPO, SimPO's length normalisation):
``chosen_length`` / ``rejected_length`` in words (``length`` for one-completion rows). The
regulariser itself lives in the trainer; the data must carry what it needs."""

from alignscape.stages.base import words
from alignscape.stages.instantiation._columns import column_stage

OPTION = "instantiation.weighting.length_regularized"
apply = column_stage(
    OPTION,
    for_pair=lambda p, c, r, record, config, ctx: {"chosen_length": len(words(c["text"])),
                                                    "rejected_length": len(words(r["text"]))},
    for_candidate=lambda c, record, config, ctx: {"length": len(words(c["text"]))})
