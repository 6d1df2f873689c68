"""Rewards from token log-probabilities: the policy's own confidence (intrinsic_confidence,
Intuitor) and a teacher's log-probabilities of the student's tokens (teacher_model, on-policy
distillation: GKD, MiniLLM).

Both ask a backend for teacher-forced log-probabilities of each candidate's text after the
record's prompt (``Context.token_logprobs``; the local transformers backend gives them, with
each position's self-certainty). A chat-completions server returns log-probabilities only of
the tokens it samples, so it cannot score a given text: a role served by one gets a clear
error on the record (stage, role, backend and what to use instead) and its candidates stay
unscored, never a made-up score. Per-request failures are kept on the candidate
(``logprob_error``) the same way.

A candidate that arrived with its own ``token_logprobs`` (a list of floats, e.g. from input
data written by a sampler that recorded them) needs no backend for ``measure: mean_logprob``.
"""

from __future__ import annotations

from alignscape.runtime import BackendError, Request
from alignscape.stages.base import add_error, candidates, set_score, user_messages
from alignscape.stages.evaluation._judge import log
from alignscape.stages.registry import Param, stage

INTRINSIC = "evaluation.evaluators.intrinsic_confidence"
TEACHER = "evaluation.evaluators.teacher_model"


def context_messages(record: dict) -> list[dict]:
    """What the candidate answered: every turn of a conversation prompt, else the prompt."""
    msgs = record.get("messages")
    if msgs:
        return [{"role": m["role"], "content": m["content"]} for m in msgs]
    return user_messages(record["prompt"])


def mean(values) -> float | None:
    values = [float(v) for v in values or ()]
    return sum(values) / len(values) if values else None


def token_logprobs(records, ctx, role: str, option: str, model: str | None = None,
                   wanted=lambda cand: True):
    """{(record index, candidate id): Response} for every usable candidate that is
    ``wanted``, or None for all of them when the role's backend cannot give log-probabilities
    (the error is then added to every record concerned)."""
    jobs = [(i, r, c) for i, r in enumerate(records) for c in candidates(r) if wanted(c)]
    if not jobs:
        return {}
    requests = [Request(context_messages(r), model=model or ctx.model(role),
                        key={"prompt_id": r.get("prompt_id"), "candidate": c["id"]})
                for _, r, c in jobs]
    try:
        got = ctx.token_logprobs(role, requests, [c["text"] for _, _, c in jobs])
    except BackendError as exc:
        message = (f"the {role!r} role cannot give token log-probabilities ({exc}); serve it "
                   f"with a local causal LM, e.g. --role {role}=transformers:PATH")
        for record in {id(r): r for _, r, _ in jobs}.values():
            add_error(record, option, message, role=role)
        return None
    return {(i, c["id"]): resp for (i, _, c), resp in zip(jobs, got, strict=True)}


def _fail(record, cand, name, option, error):
    cand["logprob_error"] = error
    set_score(cand, name, None)
    log(record, judge=name, protocol="pointwise_rating", candidate=cand["id"], raw=None,
        parsed=None, error=error)


@stage(INTRINSIC, params={
    "role": Param(str, "policy", "backend role of the policy whose confidence is the reward"),
    "model": Param(str, None, "model name to ask for (default: the role's model)"),
    "measure": Param(str, "self_certainty", "self_certainty: mean KL(uniform || next-token "
                     "distribution) over the response (Intuitor); mean_logprob: mean log-prob "
                     "of the response's tokens (what a server's sampled-token log-probs give)",
                     choices=("self_certainty", "mean_logprob"))})
def intrinsic_confidence(records, config, ctx):
    """Intrinsic confidence: the policy's own certainty about each candidate is its reward
    (score ``intrinsic:<measure>``), with no label, verifier or judge. The per-token values
    are kept on the candidate (``token_logprobs``, ``self_certainty``)."""
    measure, role = config["measure"], config["role"]
    name = f"intrinsic:{measure}"

    def own(cand):
        given = cand.get("token_logprobs")
        return measure == "mean_logprob" and isinstance(given, list) and bool(given)

    for record in records:
        for cand in filter(own, candidates(record)):
            value = mean(cand["token_logprobs"])
            set_score(cand, name, value)
            log(record, judge=name, protocol="pointwise_rating", candidate=cand["id"],
                raw=None, parsed=value, error=None, source="the candidate's token_logprobs")
    got = token_logprobs(records, ctx, role, INTRINSIC, config["model"],
                         wanted=lambda c: not own(c))
    if got is None:
        return records
    for i, record in enumerate(records):
        for cand in candidates(record):
            resp = got.get((i, cand["id"]))
            if resp is None:  # scored from its own token_logprobs above
                continue
            if resp.error or resp.logprobs is None:
                _fail(record, cand, name, INTRINSIC, resp.error or "no log-probabilities")
                continue
            cand["token_logprobs"] = resp.logprobs
            certainty = (resp.meta or {}).get("self_certainty")
            if certainty is not None:
                cand["self_certainty"] = certainty
            if measure == "self_certainty" and certainty is None:
                _fail(record, cand, name, INTRINSIC, f"the {role!r} backend gives "
                      "log-probabilities of the sampled tokens only, not the whole next-token "
                      "distribution that self-certainty needs; use measure: mean_logprob")
                continue
            value = mean(certainty if measure == "self_certainty" else resp.logprobs)
            set_score(cand, name, value)
            log(record, judge=name, protocol="pointwise_rating", candidate=cand["id"],
                raw=None, parsed=value, error=None, tokens=len(resp.logprobs))
    return records


@stage(TEACHER, params={
    "role": Param(str, "teacher", "backend role of the teacher"),
    "model": Param(str, None, "teacher model name to ask for (default: the role's model)"),
    "signal": Param(str, "teacher_logprob", "teacher_logprob: the teacher's mean token "
                    "log-prob of the candidate; reverse_kl: its mean of log p_teacher - log "
                    "p_student per token (the negative reverse-KL estimate of on-policy "
                    "distillation; the student is the policy_role)",
                    choices=("teacher_logprob", "reverse_kl")),
    "policy_role": Param(str, "policy", "backend role of the student (signal reverse_kl)")})
def teacher_model(records, config, ctx):
    """Teacher log-probabilities: a teacher scores the student's own candidates token by
    token. Each candidate keeps the per-token values (``teacher_logprobs``; with
    ``reverse_kl`` also ``student_logprobs`` and ``token_advantages``, the per-token
    distillation signal) and their mean as the score ``teacher:<signal>``."""
    name = f"teacher:{config['signal']}"
    teacher = token_logprobs(records, ctx, config["role"], TEACHER, config["model"])
    if teacher is None:
        return records
    student = None
    if config["signal"] == "reverse_kl":
        student = token_logprobs(records, ctx, config["policy_role"], TEACHER)
        if student is None:
            return records
    for i, record in enumerate(records):
        for cand in candidates(record):
            t = teacher[(i, cand["id"])]
            if t.error or t.logprobs is None:
                _fail(record, cand, name, TEACHER, t.error or "no log-probabilities")
                continue
            cand["teacher_logprobs"] = t.logprobs
            per_token = t.logprobs
            if student is not None:
                s = student[(i, cand["id"])]
                if s.error or s.logprobs is None:
                    _fail(record, cand, name, TEACHER, s.error or "no student log-probabilities")
                    continue
                if len(s.logprobs) != len(t.logprobs):
                    _fail(record, cand, name, TEACHER, f"teacher and student tokenise the "
                          f"candidate differently ({len(t.logprobs)} vs {len(s.logprobs)} "
                          "tokens): per-token differences need one tokenizer")
                    continue
                cand["student_logprobs"] = s.logprobs
                per_token = [a - b for a, b in zip(t.logprobs, s.logprobs, strict=True)]
                cand["token_advantages"] = per_token
            value = mean(per_token)
            set_score(cand, name, value)
            log(record, judge=name, protocol="pointwise_rating", candidate=cand["id"],
                raw=None, parsed=value, error=None, tokens=len(per_token))
    return records
