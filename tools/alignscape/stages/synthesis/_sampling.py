"""Shared by the source stages: turn a record's decoding plan into requests and candidates."""

from __future__ import annotations

from alignscape.runtime import Request
from alignscape.stages.base import add_candidate, conversation, derived_seed, user_messages
from alignscape.stages.registry import Param

DEFAULT_PLAN = [{"temperature": 0.0}]

# Parameters of every stage that samples candidates.
SAMPLING_PARAMS = {
    "max_tokens": Param(int, 512, "longest answer, in tokens"),
    "decoding": Param(list, None, "decoding settings [{temperature, top_p, system, seed}] "
                      "when no sampling stage set a plan (default: one greedy answer)",
                      items=dict),
    "truncated": Param(str, "exclude", "answers cut at max_tokens (finish_reason 'length'): "
                       "exclude them from pairs and rows, or keep them flagged truncated: true",
                       choices=("exclude", "keep")),
}


def role_params(role: str) -> dict:
    return {"role": Param(str, role, "backend role that generates"),
            "model": Param(str, None, "model name to ask for (default: the role's model)")}


def plan(record: dict, config: dict) -> list[dict]:
    return record.get("decoding") or config.get("decoding") or DEFAULT_PLAN


def sample(records: list[dict], ctx, *, role: str, origin: str, models,
           config: dict, system: str | None = None, prompt_of=None, **meta) -> None:
    """One request per (record, model, decoding setting), sent as one batch to the role's
    backend; each answer (or its error) becomes a candidate. ``models`` is a list or a
    function of the record."""
    jobs, requests = [], []
    for record in records:
        prompt = prompt_of(record) if prompt_of else None
        for model in (models(record) if callable(models) else models):
            for i, setting in enumerate(plan(record, config)):
                seed = setting.get("seed")
                if seed is None:
                    seed = derived_seed(ctx, record, f"{origin}|{model}|{i}")
                sys_prompt = setting.get("system", system)
                requests.append(Request(
                    user_messages(prompt, sys_prompt) if prompt is not None else
                    conversation(record, sys_prompt), model=model,
                    temperature=setting.get("temperature", 0.0),
                    top_p=setting.get("top_p", 1.0),
                    max_tokens=int(config.get("max_tokens", 512)), seed=seed,
                    key={"prompt_id": record.get("prompt_id"), "generator": model}))
                jobs.append((record, model, {**setting, "seed": seed}))
    policy = config.get("truncated", "exclude")
    for (record, model, setting), resp in zip(jobs, ctx.generate(role, requests), strict=True):
        finish = resp.meta.get("finish_reason") if resp.meta else None
        cand = add_candidate(record, resp.text if resp.ok else None, origin,
                             model=resp.model or model, decoding=setting, error=resp.error,
                             attempts=resp.attempts, **meta)
        if finish is not None:
            cand["finish_reason"] = finish
        if finish == "length" and resp.ok:
            cand["truncated"] = True
            if policy == "exclude":
                cand["excluded"] = "truncated at max_tokens (finish_reason 'length')"
