"""Length filter: exclude candidates shorter than ``min_words`` or longer than ``max_words``,
and remove pairs whose chosen answer is more than ``max_ratio`` times longer than the
rejected one (so length cannot be what the pair teaches)."""

from alignscape.stages.base import batched, by_id, candidates, trace, words

OPTION = "instantiation.filtering.length_filter"


@batched
def apply(records, config, ctx):
    lo, hi, ratio = config.get("min_words"), config.get("max_words"), config.get("max_ratio")
    for record in records:
        for cand in candidates(record):
            n = len(words(cand["text"]))
            if (lo is not None and n < int(lo)) or (hi is not None and n > int(hi)):
                cand["excluded"] = f"length_filter: {n} words"
        if ratio is not None and record.get("pairs"):
            n_words = {cid: max(1, len(words(c["text"] or "")))
                       for cid, c in by_id(record).items()}
            record["pairs"] = [p for p in record["pairs"]
                               if n_words[p["chosen"]] <= float(ratio) * n_words[p["rejected"]]]
        trace(record, OPTION)
    return records
