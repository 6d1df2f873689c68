"""Pairwise comparison: the judge sees two candidates and says which is better, or a tie.

Which pairs: config ``pairs``: ``all`` (every unordered pair, default), ``anchor:MODEL`` (each
candidate against MODEL's, as AlpacaEval compares against a baseline) or ``adjacent``.
Bias controls: ``both_orders`` (position swap, default true) judges (a, b) and (b, a) and
combines them (see position_swap); otherwise ``randomize_order`` shows a seeded random order.
A scoring backend as judge compares two scores (``tie_delta``, default 0, makes near-equal
scores a tie). Results go to ``record['comparisons']`` as {a, b, a_model, b_model, winner:
"a"|"b"|"tie"|None, consistent, p_a, judge}; a None winner means no verdict could be parsed,
and its raw answers are in ``record['judgements']``. Each candidate also gets a win-rate score
(ties count half) so that pairing rules that rank by score can use the comparisons."""

from __future__ import annotations

import itertools

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation import judge_prompts, parsing
from alignscape.stages.evaluation._judge import (
    ask,
    is_scorer,
    judge_name,
    log,
    protocol_stage,
    scores,
)
from alignscape.stages.evaluation.order_randomization import swapped
from alignscape.stages.evaluation.position_swap import as_ab, combine, unswap

OPTION = "evaluation.protocol.pairwise_comparison"


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
    both = config.get("both_orders", True)
    jobs, slots = [], []
    for i, (record, a, b) in enumerate(todo):
        orders = [False, True] if both else [
            bool(config.get("randomize_order")) and swapped(ctx, record, a["id"], b["id"])]
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


apply = protocol_stage(OPTION, judge)
