"""Keep ``k`` (default 4) candidates that differ most from each other: greedy farthest-point
selection under word-set Jaccard distance, starting from the best-scored (or first)
candidate."""

from alignscape.stages.base import candidates, words
from alignscape.stages.synthesis._select import exclude, scored, selection_stage

OPTION = "synthesis.selection.diversity_based"


def jaccard_distance(a: set, b: set) -> float:
    return 1.0 - len(a & b) / len(a | b) if a | b else 0.0


def select(record, config, ctx):
    pool = scored(record) or candidates(record)
    pool += [c for c in candidates(record) if c not in pool]
    k = int(config.get("k", 4))
    if len(pool) <= k:
        return
    bags = {c["id"]: set(words(c["text"])) for c in pool}
    kept = [pool[0]]
    while len(kept) < k:
        best = max((c for c in pool if c not in kept),
                   key=lambda c: min(jaccard_distance(bags[c["id"]], bags[k_["id"]])
                                     for k_ in kept))
        kept.append(best)
    for cand in pool:
        if cand not in kept:
            exclude(cand, "too similar to kept candidates")


apply = selection_stage(OPTION, select)
