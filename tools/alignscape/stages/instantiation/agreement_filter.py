"""Agreement filter: remove judgements the judges disagree on. Pairs from comparisons whose
two orders disagreed (``consistent: false``) or whose ensemble agreement is below
``min_agreement`` (default 1.0: unanimous) are removed; candidates whose binary labels differ
between judges are excluded."""

from alignscape.stages.base import batched, candidates, trace

OPTION = "instantiation.filtering.agreement_filter"


@batched
def apply(records, config, ctx):
    bar = float(config.get("min_agreement", 1.0))
    for record in records:
        doubtful = {tuple(sorted((c["a"], c["b"]))) for c in record.get("comparisons", [])
                    if c.get("consistent") is False or c.get("agreement", 1.0) < bar}
        before = len(record.get("pairs", []))
        record["pairs"] = [p for p in record.get("pairs", [])
                           if tuple(sorted((p["chosen"], p["rejected"]))) not in doubtful]
        if before > len(record["pairs"]):
            record["pairs_filtered"] = {**record.get("pairs_filtered", {}),
                                        "agreement_filter": before - len(record["pairs"])}
        for cand in candidates(record):
            labels = {v for v in (cand.get("labels_by_judge") or {}).values() if v is not None}
            if len(labels) > 1:
                cand["excluded"] = "agreement_filter: judges disagree on the label"
        # Comparisons stay in the record (for the audit trail); pairing made later skips them.
        record["disagreements"] = sorted(map(list, doubtful))
        trace(record, OPTION)
    return records
