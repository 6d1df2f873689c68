"""Deduplication within a prompt: a candidate whose normalised text (lower-case words) equals
an earlier one's, or whose word-set Jaccard similarity to one is at least ``threshold``
(default 0.9), is excluded. Cross-prompt deduplication needs the whole dataset and is left to
the consumer (e.g. datasets' ``unique``); decisions here stay per prompt so a resumed run
decides the same."""

from alignscape.stages.base import batched, candidates, trace, words

OPTION = "instantiation.filtering.deduplication"


@batched
def apply(records, config, ctx):
    bar = float(config.get("threshold", 0.9))
    for record in records:
        kept: list[tuple[str, tuple[str, set]]] = []
        for cand in candidates(record):
            toks = words(cand["text"])
            norm, bag = " ".join(toks), set(toks)
            dup = next((cid for cid, (n, b) in kept
                        if n == norm or (bag | b and len(bag & b) / len(bag | b) >= bar)), None)
            if dup is not None:
                cand["excluded"] = f"deduplication: duplicate of {dup}"
            else:
                kept.append((cand["id"], (norm, bag)))
        trace(record, OPTION)
    return records
