"""Binary desirable / undesirable labels for KTO: TRL's unpaired preference rows ``prompt``,
``completion``, ``label`` (bool). The label comes from, in order: a verifier (``verified``),
a binary judgement (``label``), the record's pairs (chosen True, rejected False, as TRL's
unpair_preference_dataset does), or ``score >= threshold`` when config ``threshold`` is set.
Candidates with none of these are not labelled (and not written)."""

from alignscape.stages.base import score_of
from alignscape.stages.instantiation._pointwise import completion_rows
from alignscape.stages.instantiation._rows import format_stage

OPTION = "instantiation.formats.binary_label"


def rows(record, config, ctx):
    in_pairs = {}
    for p in record.get("pairs", []):
        if not p.get("tie"):
            in_pairs.setdefault(p["chosen"], True)
            in_pairs.setdefault(p["rejected"], False)

    def label(c):
        for value in (c.get("verified"), c.get("label"), in_pairs.get(c["id"])):
            if isinstance(value, bool):
                return {"label": value}
        if config.get("threshold") is not None and score_of(c) is not None:
            return {"label": score_of(c) >= float(config["threshold"])}
        return None

    return completion_rows(record, config, ctx, label)


apply = format_stage(OPTION, rows)
