"""Rubric or checklist judgement (Rubrics as Rewards, RLCF): each candidate is judged item by
item against the rubric written for its prompt, and the item verdicts are aggregated.

The rubric is the record's ``rubric`` field (``rubric_field``), else the ``checklist``
setting: a list of criteria, each a string or ``{criterion, weight}`` (``text``,
``description`` or ``item`` name the criterion too; weight default 1), or one string with a
criterion per line. The judge answers one request per (candidate, criterion) with "Verdict:
yes/no" (RaR's explicit aggregation). The score named ``<judge>|checklist`` is

    sum(weight * satisfied) / sum(positive weights)

the weighted mean of the satisfied criteria when every weight is positive (0..1); a
criterion with a negative weight (a pitfall) takes its weight off when it is met. Each
candidate keeps ``checklist``: [{criterion, weight, verdict}]. A criterion whose verdict is
unparseable or failed gives the candidate no checklist score (never a mean over a different
set of criteria than its rivals'); the raw answers are in ``record['judgements']``. A record
without a rubric is skipped with a recorded error; a scoring backend cannot judge criteria
and is refused the same way."""

from __future__ import annotations

from alignscape.stages.base import add_error, candidates, set_score
from alignscape.stages.evaluation import parsing
from alignscape.stages.evaluation._judge import ask, is_scorer, judge_name, log, protocol_params
from alignscape.stages.evaluation.judge_prompts import _context, _system
from alignscape.stages.registry import stage

OPTION = "evaluation.protocol.rubric_checklist"
NAMES = ("criterion", "text", "description", "item", "title")


def criteria(value) -> list[tuple[str, float]] | str:
    """[(criterion, weight)] from a rubric, or a message saying what is wrong with it."""
    if isinstance(value, str):
        value = [line.strip().lstrip("-*").strip() for line in value.splitlines()]
        value = [v for v in value if v]
    if not isinstance(value, list) or not value:
        return "the rubric must be a non-empty list of criteria"
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append((item, 1.0))
            continue
        text = next((item[k] for k in NAMES if isinstance(item, dict)
                     and isinstance(item.get(k), str)), None)
        weight = item.get("weight", 1.0) if isinstance(item, dict) else None
        if text is None or not isinstance(weight, int | float) or isinstance(weight, bool):
            return f"rubric item {i}: expected a string or {{criterion: str, weight: number}}"
        out.append((text, float(weight)))
    if not any(w > 0 for _, w in out):
        return "the rubric has no criterion with a positive weight"
    return out


def prompt(record, response, criterion, config) -> list[dict]:
    text = (f"{_context(record['prompt'], config, record)}\n\n[Response]\n{response}\n\n"
            f"[Criterion]\n{criterion}\n\nDoes the response satisfy this criterion? Judge this "
            'criterion only. End with "Verdict: yes" or "Verdict: no".')
    return _system(config) + [{"role": "user", "content": text}]


def aggregate(items: list[tuple[float, bool | None]]) -> float | None:
    if any(v is None for _, v in items):
        return None
    total = sum(w for w, _ in items if w > 0)
    return sum(w for w, v in items if v) / total


def judge(records, ctx, role, config):
    name = judge_name(ctx, role, config)
    field = config.get("rubric_field") or "rubric"
    jobs, todo = [], []
    for record in records:
        if not candidates(record):
            continue
        found = record.get(field)
        items = criteria(found if found is not None else config.get("checklist"))
        if found is None and not config.get("checklist"):
            add_error(record, OPTION, f"no rubric: the record has no {field!r} field and no "
                      "checklist is configured")
            continue
        if isinstance(items, str):
            add_error(record, OPTION, items)
            continue
        if is_scorer(ctx, role):
            add_error(record, OPTION, f"the {role!r} role is a scoring backend; judging "
                      "criteria needs a text model")
            continue
        for cand in candidates(record):
            todo.append((record, cand, items))
            jobs += [(record, cand, c) for c, _ in items]
    answers = iter(ask(ctx, role, [(r, prompt(r, c["text"], crit, config),
                                    f"rubric|{name}|{c['id']}|{crit}")
                                   for r, c, crit in jobs], config))
    for record, cand, items in todo:
        verdicts = []
        for criterion, weight in items:
            resp = next(answers)
            verdict = parsing.binary(resp.text) if resp.ok else None
            verdicts.append({"criterion": criterion, "weight": weight, "verdict": verdict})
            log(record, judge=name, protocol="rubric_checklist", candidate=cand["id"],
                criterion=criterion, raw=resp.text, parsed=verdict, error=resp.error)
        cand["checklist"] = verdicts
        set_score(cand, f"{name}|checklist",
                  aggregate([(v["weight"], v["verdict"]) for v in verdicts]))


@stage(OPTION, params=protocol_params())
def rubric_checklist(records, config, ctx):
    """Each candidate judged criterion by criterion against its prompt's rubric, the
    verdicts aggregated by weight (see the module docstring)."""
    judge(records, ctx, config["role"], config)
    return records
