"""Expressions both engines are run on: hand-written ones covering every construct and error,
and a seeded random batch drawn from the grammar (plus deliberate junk)."""

from __future__ import annotations

import random

HAND_WRITTEN = [
    "evaluation.evaluators has llm_judge",
    "evaluators has llm_judge and synthesis.policy_relation = on_policy",
    "not (evaluators has human) and policy_relation = on_policy and bias_risk <= medium",
    "annotation_cost <= low and bias_risk < high",
    "iteration = online or paradigm has online_rl",
    "kind in (dataset, benchmark) and year in 2022..2023",
    "year >= 2024 and not kind = objective",
    'text ~ "reward model"',
    '"preference" and name ~ dpo',
    "structure has listwise or formats has groupwise",
    "bias_risk is unknown and reproducibility is known",
    "sources != policy_sampling and evaluators in (rule_verifier, execution_verifier)",
    "granularity in (step, token) and distribution_match >= high",
    "id in (dpo, kto, ipo) or text ~ 'self-play'",
    "(scalability >= high or annotation_cost = low) and not (label_noise > low)",
    "  KIND = Method AND YEAR < 2023 ",
    # errors
    "evaluator has llm_judge",
    "evaluators has llm-judge",
    "bias_risk < lowest",
    "(year > 2020",
    "year >",
    "evaluators < human",
    "kind = paper",
    "kind = dataset && year > 2020",
    "year in 2024..2022",
    'text ~ "unterminated',
    "iteration = onlin",
    "id = dpoo",
    "kind = dataset)",
    "",
]


def random_expressions(index: dict, count: int = 400, seed: int = 6) -> list[str]:
    rng = random.Random(seed)
    dims = index["dimensions"]
    tradeoffs = [d["id"] for d in index["tradeoffs"]["dimensions"]]
    levels = index["tradeoffs"]["levels"]
    kinds = ["method", "dataset", "system", "objective", "benchmark"]
    words = ["reward", "model", "preference", "judge", "RLHF", "self", "data", "policy"]

    def facet():
        dim = rng.choice(dims)
        name = dim["id"] if rng.random() < 0.5 else dim["id"].split(".", 1)[1]
        options = [o["id"] for o in dim["options"]]
        op = rng.choice(["has", "=", "!=", "in", "is"])
        if op == "in":
            return f"{name} in ({', '.join(rng.sample(options, min(2, len(options))))})"
        if op == "is":
            return f"{name} is {rng.choice(['known', 'unknown', 'not known'])}"
        return f"{name} {op} {rng.choice(options)}"

    def condition():
        roll = rng.random()
        if roll < 0.4:
            return facet()
        if roll < 0.65:
            op = rng.choice(["<", "<=", "=", "!=", ">", ">=", "in", "is"])
            name = rng.choice(tradeoffs)
            if op == "in":
                return f"{name} in ({', '.join(rng.sample(levels, 2))})"
            if op == "is":
                return f"{name} is {rng.choice(['known', 'unknown'])}"
            return f"{name} {op} {rng.choice(levels)}"
        if roll < 0.75:
            low = rng.randint(2017, 2025)
            return rng.choice([f"year >= {low}", f"year in {low}..{low + rng.randint(0, 3)}",
                               f"year < {low}", f"year = {low}"])
        if roll < 0.85:
            return f"kind {rng.choice(['=', '!='])} {rng.choice(kinds)}"
        if roll < 0.95:
            phrase = " ".join(rng.sample(words, rng.randint(1, 2)))
            return rng.choice([f'text ~ "{phrase}"', f"name ~ '{phrase}'", f'"{phrase}"'])
        return f"id = {rng.choice(index['entries'])['id']}"

    def expression(depth=0):
        roll = rng.random()
        if depth > 2 or roll < 0.4:
            return condition()
        if roll < 0.55:
            return f"not {expression(depth + 1)}"
        if roll < 0.7:
            return f"({expression(depth + 1)})"
        return f"{expression(depth + 1)} {rng.choice(['and', 'or', 'AND'])} {expression(depth + 1)}"

    def mangle(text):
        # Typos, cut-offs and stray characters: the errors must agree too.
        i = rng.randrange(len(text) + 1)
        kind = rng.random()
        if kind < 0.3:
            return text[:i]
        if kind < 0.6:
            return text[:i] + rng.choice("()&|!\"',.=<>~#") + text[i:]
        if kind < 0.8 and i < len(text):
            return text[:i] + text[i + 1:]
        return text[:i] + rng.choice(["x", "_", "-", " ", "and ", "not ", ".."]) + text[i:]

    out = []
    for _ in range(count):
        text = expression()
        out.append(mangle(text) if rng.random() < 0.3 else text)
    return out
