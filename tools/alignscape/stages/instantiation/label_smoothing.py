"""Noise-robust labels: each pair gets ``label_confidence`` in [0.5, 1], the probability that
its label is right as far as the judgements show: from a pairwise verdict's P(a) over both
orders (0.5 when the orders disagreed), or an ensemble's agreement, else ``default`` (0.9).
cDPO / robust DPO read 1 - label_confidence as the flip probability; TRL's DPOConfig
``label_smoothing`` takes one global value, e.g. the mean of this column."""

from alignscape.stages.instantiation._columns import column_stage

OPTION = "instantiation.weighting.label_smoothing"


def columns(p, chosen, rejected, record, config, ctx):
    conf = None
    for comp in record.get("comparisons", []):
        if {comp["a"], comp["b"]} != {p["chosen"], p["rejected"]}:
            continue
        if comp.get("p_a") is not None:
            p_chosen = comp["p_a"] if comp["a"] == p["chosen"] else 1 - comp["p_a"]
            conf = max(conf or 0.0, p_chosen)
        elif comp.get("agreement") is not None:
            conf = max(conf or 0.0, comp["agreement"])
    return {"label_confidence": conf if conf is not None else float(config.get("default", 0.9))}


apply = column_stage(OPTION, for_pair=columns)
