"""Shared by the pairing rules that pair a candidate with the one it was made from."""

from alignscape.stages.base import by_id, candidates


def parent_pairs(record, child_is, child_wins: bool):
    """(chosen, rejected) pairs of each child (``child_is(c)``) and its usable parent."""
    usable = {c["id"] for c in candidates(record)}
    parents = by_id(record)
    out = []
    for child in candidates(record):
        parent = parents.get(child.get("parent"))
        if not child_is(child) or parent is None or parent["id"] not in usable \
                or child.get("unchanged"):
            continue
        win, lose = (child, parent) if child_wins else (parent, child)
        out.append({"chosen": win["id"], "rejected": lose["id"], "margin": None, "tie": False})
    return out
