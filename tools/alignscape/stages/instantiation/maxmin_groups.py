"""Annotator groups for max-min RLHF: each pair carries ``annotator_group``, the judge or
annotator whose verdict made it (given pairs), or the record field named by ``group_field``
(e.g. a demographic or annotator-pool id supplied with the prompt), so a separate reward can
be learnt per group."""

from alignscape.stages.instantiation._columns import column_stage

OPTION = "instantiation.weighting.maxmin_groups"


def for_pair(p, chosen, rejected, record, config, ctx):
    field = config.get("group_field")
    group = record.get(field) if field else p.get("judge")
    return {"annotator_group": None if group is None else str(group)}


apply = column_stage(OPTION, for_pair=for_pair)
