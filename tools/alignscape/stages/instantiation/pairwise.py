"""TRL preference rows: ``prompt``, ``chosen``, ``rejected`` (standard strings or
conversational messages), plus ``margin`` (score difference, null when the pair came from
construction or a verdict without strength), ``prompt_id``, ``chosen_model``,
``rejected_model``, ``tie``, the weighting columns of the pair and ``provenance``. One row per
pair in ``record['pairs']``; pairs naming an excluded candidate are not written."""

from alignscape.stages.instantiation._rows import (
    completion_value,
    format_stage,
    prompt_value,
    provenance,
    usable_by_id,
)

OPTION = "instantiation.formats.pairwise"


def rows(record, config, ctx):
    cands = usable_by_id(record)
    out = []
    for p in record.get("pairs", []):
        chosen, rejected = cands.get(p["chosen"]), cands.get(p["rejected"])
        if chosen is None or rejected is None:
            continue
        out.append({
            "prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
            "chosen": completion_value(chosen["text"], config),
            "rejected": completion_value(rejected["text"], config),
            "margin": p.get("margin"), "tie": bool(p.get("tie")),
            "chosen_model": chosen.get("model"), "rejected_model": rejected.get("model"),
            **p.get("columns", {}),
            "provenance": provenance(record, ctx, [chosen, rejected], rule=p.get("rule"),
                                     pair_judge=p.get("judge"))})
    return out


apply = format_stage(OPTION, rows)
