"""Critique then revise: each candidate is critiqued and rewritten, optionally under written
principles (Constitutional AI). The revision becomes a new candidate with ``parent`` set, so
``revised_vs_original`` can pair it with the original. If a record
has no candidate yet, one is sampled first."""

from __future__ import annotations

from alignscape.runtime import Request
from alignscape.stages.base import add_candidate, candidates, rng, user_messages
from alignscape.stages.registry import Param, stage
from alignscape.stages.synthesis._sampling import SAMPLING_PARAMS, sample

OPTION = "synthesis.sources.self_refinement"

CRITIQUE = ("Here is a request and a response to it.\n\nRequest:\n{prompt}\n\nResponse:\n"
            "{response}\n\nIdentify specific ways in which the response is unhelpful, wrong, "
            "harmful or unclear{principle}. Write the critique only.")
REVISE = ("Request:\n{prompt}\n\nResponse:\n{response}\n\nCritique:\n{critique}\n\nRewrite the "
          "response so that it addresses the critique. Write the revised response only.")


def _ask(ctx, role, texts, config):
    reqs = [Request(user_messages(t), max_tokens=config["max_tokens"])
            for t in texts]
    return ctx.generate(role, reqs)


@stage(OPTION, params={
    "role": Param(str, "policy", "backend role that critiques and revises"), **SAMPLING_PARAMS,
    "principles": Param(list, None, "written principles; one is drawn per candidate (seeded)",
                        items=str),
    "rounds": Param(int, 1, "critique-and-revise rounds")})
def self_refinement(records, config, ctx):
    """Critique then revise every candidate; revisions are new candidates with ``parent``."""
    role = config["role"]
    principles = config["principles"] or []
    empty = [r for r in records if not candidates(r)]
    if empty:
        sample(empty, ctx, role=role, origin="self_refinement_initial",
               models=[ctx.model(role)], config=config)
    for _ in range(config["rounds"]):
        todo = [(r, c) for r in records for c in candidates(r)
                if not c.get("revised") and c["origin"] != "self_refinement"]
        chosen = [rng(ctx, r, f"principle|{c['id']}").choice(principles) if principles else None
                  for r, c in todo]
        crit = _ask(ctx, role, [CRITIQUE.format(
            prompt=r["prompt"], response=c["text"],
            principle=f", judged against this principle: {p}" if p else "")
            for (r, c), p in zip(todo, chosen, strict=True)], config)
        revise_jobs = [(r, c, p, cr) for (r, c), p, cr in zip(todo, chosen, crit, strict=True)]
        revisions = _ask(ctx, role, [REVISE.format(prompt=r["prompt"], response=c["text"],
                                                   critique=cr.text or "")
                                     for r, c, _, cr in revise_jobs if cr.ok], config)
        it = iter(revisions)
        for record, cand, principle, cr in revise_jobs:
            cand["revised"] = True
            if not cr.ok:
                add_candidate(record, None, "self_refinement", parent=cand["id"],
                              error=f"critique failed: {cr.error}")
                continue
            rev = next(it)
            add_candidate(record, rev.text if rev.ok else None, "self_refinement",
                          parent=cand["id"], critique=cr.text, principle=principle,
                          model=rev.model, error=rev.error)
    return records
