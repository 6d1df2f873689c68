"""Model-based answer verifier (xVerify, CompassVerifier, TinyV): a verifier model (role
``verifier``, any text backend) reads the question, the record's reference answer and a
candidate, and says whether the candidate's final answer is equivalent to the reference —
accepting answers that exact-match rules reject (another form, units, a worded number).

The prompt ends with "Verdict: yes" / "Verdict: no" (parsed leniently: correct/incorrect,
pass/fail too). ``candidate['verified']`` is True/False, with a 1/0 score named
``verifier:<backend>`` (a yes/no score: pairs of such candidates get no margin); an
unparseable answer or a failed request gives ``verified: None``, a None score (so the
candidate is ``incomplete`` and not ranked) and the raw answer in ``record['judgements']``.
A record without a reference is skipped with a recorded error (nothing to verify against)."""

from __future__ import annotations

from alignscape.stages.base import add_error, candidates, set_score
from alignscape.stages.evaluation import parsing
from alignscape.stages.evaluation._judge import ask, log
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.model_verifier"
SYSTEM = ("You are a strict, careful answer checker. You compare the final answer of a "
          "response with a reference answer and decide whether they are equivalent.")
PROMPT = ("[Question]\n{prompt}\n\n[Reference answer]\n{reference}\n\n[Response]\n{response}"
          "\n\nIs the final answer of the response equivalent to the reference answer? Judge "
          "the final answer only, not the reasoning or the style; answers that differ only in "
          "form (a fraction and its decimal, units written out, a different but equivalent "
          "expression) are equivalent. End with \"Verdict: yes\" or \"Verdict: no\".")


@stage(OPTION, params={
    "role": Param(str, "verifier", "backend role of the verifier model"),
    "judge_name": Param(str, None, "verifier name in provenance (default verifier:backend)"),
    "judge_model": Param(str, None, "model name to ask for (default: the role's model)"),
    "judge_temperature": Param(float, 0.0, "sampling temperature of the verifier"),
    "judge_max_tokens": Param(int, 256, "longest verifier answer, in tokens"),
    "system": Param(str, SYSTEM, "system prompt of the verifier")})
def model_verifier(records, config, ctx):
    """A verifier model judges each candidate's final answer equivalent to the reference or
    not (see the module docstring)."""
    role = config["role"]
    name = config["judge_name"] or f"verifier:{ctx.backend(role).name}"
    jobs = []
    for record in records:
        if not record.get("reference"):
            if candidates(record):
                add_error(record, OPTION, "no reference answer to verify against")
            continue
        for cand in candidates(record):
            text = PROMPT.format(prompt=record["prompt"], reference=record["reference"],
                                 response=cand["text"])
            messages = [{"role": "system", "content": config["system"]},
                        {"role": "user", "content": text}]
            jobs.append((record, cand, messages))
    answers = ask(ctx, role, [(r, m, f"verify|{name}|{c['id']}") for r, c, m in jobs], config)
    for (record, cand, _), resp in zip(jobs, answers, strict=True):
        verdict = parsing.binary(resp.text) if resp.ok else None
        cand["verified"] = verdict
        set_score(cand, name, None if verdict is None else float(verdict), binary=True)
        log(record, judge=name, protocol="binary_judgement", candidate=cand["id"],
            raw=resp.text, parsed=verdict, error=resp.error)
    return records
