"""Pairwise comparison: the judge sees two candidates and says which is better, or a tie.

Which pairs: config ``pairs``: ``all`` (every unordered pair, default), ``anchor:MODEL`` (each
candidate against MODEL's, as AlpacaEval compares against a baseline) or ``adjacent``.
Bias controls: ``both_orders`` (the position_swap option, default true) judges (a, b) and
(b, a) and combines them (see ``combine``); otherwise ``randomize_order`` (the
order_randomization option) shows a seeded random order and undoes the swap after parsing.
A scoring backend as judge compares two scores (``tie_delta``, default 0, makes near-equal
scores a tie). Results go to ``record['comparisons']`` as {a, b, a_model, b_model, winner:
"a"|"b"|"tie"|None, consistent, p_a, judge}; a None winner means no verdict could be parsed,
and its raw answers are in ``record['judgements']``. Each candidate also gets a win-rate score
(ties count half) so that pairing rules that rank by score can use the comparisons."""

from __future__ import annotations

import itertools

from alignscape.stages.base import candidates, rng, set_score
from alignscape.stages.evaluation import judge_prompts, parsing
from alignscape.stages.evaluation._judge import (
    ask,
    is_scorer,
    judge_name,
    log,
    protocol_params,
    scores,
)
from alignscape.stages.registry import setting, stage

OPTION = "evaluation.protocol.pairwise_comparison"


def unswap(verdict: str | None) -> str | None:
    return {"A": "b", "B": "a", "tie": "tie"}.get(verdict) if verdict else None


def as_ab(verdict: str | None) -> str | None:
    return {"A": "a", "B": "b", "tie": "tie"}.get(verdict) if verdict else None


def combine(first: str | None, second: str | None) -> dict:
    """Position swapping (MT-Bench, RLAIF): the verdicts of the (a, b) order and of the
    swapped order, already mapped back to a/b ('a', 'b', 'tie' or None). Both agree -> that
    verdict; they disagree -> "tie" with ``consistent: false`` (the judge followed the
    position, not the content); one unparseable -> the other, ``consistent: null``,
    ``incomplete: true``; both unparseable -> None. Returns {winner, consistent, p_a}."""
    known = [v for v in (first, second) if v is not None]
    if not known:
        return {"winner": None, "consistent": None, "p_a": None}
    p_a = sum({"a": 1.0, "b": 0.0, "tie": 0.5}[v] for v in known) / len(known)
    if len(known) == 1:
        # Completeness: flagged (``incomplete``), and so is every pair made from it.
        return {"winner": known[0], "consistent": None, "p_a": p_a, "incomplete": True}
    if first == second:
        return {"winner": first, "consistent": True, "p_a": p_a}
    return {"winner": "tie", "consistent": False, "p_a": p_a}


def swapped(ctx, record: dict, a_id: str, b_id: str) -> bool:
    """Order randomisation: show the pair swapped? Seeded per prompt and pair (AlpacaEval)."""
    return rng(ctx, record, f"order|{a_id}|{b_id}").random() < 0.5


def pairs_to_judge(record: dict, spec: str = "all") -> list[tuple[dict, dict]]:
    cands = candidates(record)
    if spec == "all":
        return list(itertools.combinations(cands, 2))
    if spec == "adjacent":
        return list(zip(cands, cands[1:], strict=False))
    if spec.startswith("anchor:"):
        model = spec.split(":", 1)[1]
        anchors = [c for c in cands if c.get("model") == model]
        return [(anchors[0], c) for c in cands if anchors and c is not anchors[0]]
    raise ValueError(f"pairwise_comparison: pairs must be all, adjacent or anchor:MODEL, "
                     f"not {spec!r}")


def _by_scores(records, ctx, role, config, name, todo):
    need = {id(c): (r, c) for r, a, b in todo for c in (a, b)}
    got = dict(zip(need, scores(ctx, role, [(r, c["text"]) for r, c in need.values()]),
                   strict=True))
    delta = float(config.get("tie_delta", 0.0))
    out = []
    for record, a, b in todo:
        ra, rb = got[id(a)], got[id(b)]
        sa, sb = ra.meta.get("score"), rb.meta.get("score")
        if sa is None or sb is None:
            winner = None
        else:
            winner = "tie" if abs(sa - sb) <= delta else ("a" if sa > sb else "b")
        log(record, judge=name, protocol="pairwise_comparison", a=a["id"], b=b["id"],
            raw=None, parsed=winner, scores=[sa, sb], error=ra.error or rb.error)
        out.append({"winner": winner, "consistent": None,
                    "p_a": None if winner is None else {"a": 1.0, "b": 0.0, "tie": 0.5}[winner],
                    "orders": 0})
    return out


def _by_text(records, ctx, role, config, name, todo):
    both = config["both_orders"]
    jobs, slots = [], []
    for i, (record, a, b) in enumerate(todo):
        orders = [False, True] if both else [
            config["randomize_order"] and swapped(ctx, record, a["id"], b["id"])]
        for flip in orders:
            first, second = (b, a) if flip else (a, b)
            jobs.append((record, judge_prompts.pairwise(record["prompt"], first["text"],
                                                        second["text"], config, record),
                         f"pair|{name}|{a['id']}|{b['id']}|{flip}"))
            slots.append((i, flip))
    verdicts: dict[int, list] = {}
    for (i, flip), (record, _, _), resp in zip(slots, jobs, ask(ctx, role, jobs, config),
                                               strict=True):
        raw = parsing.pairwise(resp.text) if resp.ok else None
        mapped = unswap(raw) if flip else as_ab(raw)
        a, b = todo[i][1], todo[i][2]
        log(record, judge=name, protocol="pairwise_comparison", a=a["id"], b=b["id"],
            swapped=flip, raw=resp.text, parsed=mapped, error=resp.error)
        verdicts.setdefault(i, []).append(mapped)
    out = []
    for i in range(len(todo)):
        got = verdicts.get(i, [])
        merged = combine(*got) if len(got) == 2 else combine(got[0] if got else None, None)
        if not both:
            merged.pop("incomplete", None)  # one order was all that was asked for
        out.append({**merged, "orders": len(got)})
    return out


def judge(records, ctx, role, config):
    name = judge_name(ctx, role, config)
    todo = [(r, a, b) for r in records for a, b in pairs_to_judge(r, config.get("pairs", "all"))]
    run = _by_scores if is_scorer(ctx, role) else _by_text
    for (record, a, b), result in zip(todo, run(records, ctx, role, config, name, todo),
                                      strict=True):
        record.setdefault("comparisons", []).append({
            "a": a["id"], "b": b["id"], "a_model": a.get("model"), "b_model": b.get("model"),
            "judge": name, **result})
    if config.get("scores_from_comparisons", True):
        for record in records:
            win_rates(record, name)


def win_rates(record: dict, name: str) -> None:
    games: dict[str, list[float]] = {}
    for comp in record.get("comparisons", []):
        if comp.get("judge") != name or comp.get("winner") is None:
            continue
        pa = {"a": 1.0, "b": 0.0, "tie": 0.5}[comp["winner"]]
        games.setdefault(comp["a"], []).append(pa)
        games.setdefault(comp["b"], []).append(1.0 - pa)
    for cand in candidates(record):
        if cand["id"] in games:
            set_score(cand, f"{name}|winrate", sum(games[cand["id"]]) / len(games[cand["id"]]))



@stage(OPTION, params=protocol_params())
def pairwise_comparison(records, config, ctx):
    """Which of two candidates is better, per pair (see the module docstring)."""
    judge(records, ctx, config["role"], config)
    return records


setting("evaluation.bias_controls.position_swap", "both_orders", True,
        "judge each pair in both orders and combine (both_orders: true of the judges)",
        implemented_by=combine)
setting("evaluation.bias_controls.order_randomization", "randomize_order", True,
        "show each pair judged once in a seeded random order (randomize_order: true of the "
        "judges)", implemented_by=swapped)
