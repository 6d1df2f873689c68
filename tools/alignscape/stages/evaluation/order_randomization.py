"""Order randomisation: when a pair is judged once, show it in a random order (seeded per
prompt and pair, like AlpacaEval) and undo the swap after parsing."""

from __future__ import annotations

from alignscape.stages.base import rng

OPTION = "evaluation.bias_controls.order_randomization"


def swapped(ctx, record: dict, a_id: str, b_id: str) -> bool:
    return rng(ctx, record, f"order|{a_id}|{b_id}").random() < 0.5
