"""Margin weighting: the pair's score margin, times ``scale`` (default 1.0), goes into the
``margin`` column that TRL's reward trainer (and OpenRLHF) read as a margin in the loss, and
that adaptive-beta DPO variants use per pair. Pairs without a known margin get ``default``
(default 0.0) and ``margin_known: false`` rather than being dropped."""

from alignscape.stages.instantiation._columns import column_stage

OPTION = "instantiation.weighting.margin_weighted"


def columns(p, chosen, rejected, record, config, ctx):
    known = p.get("margin") is not None
    value = p["margin"] * float(config.get("scale", 1.0)) if known else \
        float(config.get("default", 0.0))
    p["margin"] = value
    return {"margin_known": known}


apply = column_stage(OPTION, for_pair=columns)
