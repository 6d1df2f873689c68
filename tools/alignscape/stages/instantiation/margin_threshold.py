"""Margin threshold: keep only pairs whose score difference is at least ``min_margin``
(default 1.0). Filters the pairs made by the rules before it; if none ran, starts from all
pairs. Pairs without a margin are dropped (and counted in ``record['margin_unknown']``)."""

import itertools

from alignscape.stages.base import batched, trace
from alignscape.stages.instantiation._pairs import pair, ranked

OPTION = "instantiation.pairing.margin_threshold"


@batched
def apply(records, config, ctx):
    bar = float(config.get("min_margin", 1.0))
    for record in records:
        if "pairs" not in record:
            record["pairs"] = [pair(a, b, "all_pairs")
                               for a, b in itertools.combinations(ranked(record), 2)]
        kept = []
        for p in record["pairs"]:
            if p.get("margin") is None:
                record["margin_unknown"] = record.get("margin_unknown", 0) + 1
            elif p["margin"] >= bar:
                kept.append(p)
        record["pairs"] = kept
        trace(record, OPTION)
    return records
