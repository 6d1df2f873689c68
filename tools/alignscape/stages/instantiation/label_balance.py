"""Label balancing: every pair gets a presentation order, ``chosen_position`` "first" or
"second" (for judge-training data, where the label is "first is better" or "second is
better"). Pairs that came from a judged comparison keep the order they were judged in;
others get a coin flip seeded per prompt and pair, so the two labels are equally likely.
Within a prompt, surplus pairs of the majority label are then dropped (counted in
``pairs_filtered``) so that no prompt teaches a position prior. Across prompts the balance is
in expectation; for exact balance over a finished dataset subsample the ``chosen_position``
column (e.g. with datasets' ``filter``)."""

from alignscape.stages.base import batched, rng, trace

OPTION = "instantiation.filtering.label_balance"


def position(pair, record, ctx) -> str:
    for comp in record.get("comparisons", []):
        if (comp["a"], comp["b"]) == (pair["chosen"], pair["rejected"]):
            return "first"
        if (comp["a"], comp["b"]) == (pair["rejected"], pair["chosen"]):
            return "second"
    coin = rng(ctx, record, f"balance|{pair['chosen']}|{pair['rejected']}").random()
    return "first" if coin < 0.5 else "second"


@batched
def apply(records, config, ctx):
    for record in records:
        pairs = record.get("pairs", [])
        for p in pairs:
            p.setdefault("columns", {})["chosen_position"] = position(p, record, ctx)
        firsts = [p for p in pairs if p["columns"]["chosen_position"] == "first"]
        seconds = [p for p in pairs if p["columns"]["chosen_position"] == "second"]
        if firsts and seconds:
            n = min(len(firsts), len(seconds))
            kept = firsts[:n] + seconds[:n]
            if len(kept) < len(pairs):
                counts = record.setdefault("pairs_filtered", {})
                counts["label_balance"] = len(pairs) - len(kept)
            record["pairs"] = [p for p in pairs if any(p is k for k in kept)]
        trace(record, OPTION)
    return records
