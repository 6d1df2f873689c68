"""Natural-language critique: the judge writes what is wrong or right, then a rating. The
critique is kept on the candidate (``critique``) for natural-language-feedback formats and the
rating becomes a score. An answer with a critique but no rating keeps the critique and logs
the missing rating."""

from __future__ import annotations

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation import judge_prompts, parsing
from alignscape.stages.evaluation._judge import ask, judge_name, log, protocol_params
from alignscape.stages.registry import stage

OPTION = "evaluation.protocol.critique"


def judge(records, ctx, role, config):
    name = judge_name(ctx, role, config)
    lo, hi = config.get("scale", (1, 5))
    jobs = [(r, c) for r in records for c in candidates(r)]
    answers = ask(ctx, role, [(r, judge_prompts.critique(r["prompt"], c["text"], config, r),
                               f"critique|{name}|{c['id']}") for r, c in jobs], config)
    for (record, cand), resp in zip(jobs, answers, strict=True):
        value = parsing.score(resp.text, lo, hi) if resp.ok else None
        if resp.ok:
            cand["critique"] = resp.text.strip()
        set_score(cand, f"{name}|critique", value)
        log(record, judge=name, protocol="critique", candidate=cand["id"], raw=resp.text,
            parsed=value, error=resp.error)



@stage(OPTION, params=protocol_params())
def critique(records, config, ctx):
    """A written critique and a rating per candidate (see the module docstring)."""
    judge(records, ctx, config["role"], config)
    return records
