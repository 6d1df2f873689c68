"""Executable verification: the candidate's code runs against the record's unit tests
(``tests``: Python asserts) in a sandboxed subprocess with time and memory limits (see
sandbox.py for what is and is not enforced). Code is taken from the last fenced code block,
else the whole response. Sets ``verified``, a 1/0 score and ``execution`` (status, detail).
config: timeout (10 s), memory_mb (512), workers (parallel subprocesses, default 2)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from alignscape.stages.base import add_error, batched, candidates, set_score, trace
from alignscape.stages.evaluation._judge import log
from alignscape.stages.evaluation.sandbox import run_tests

OPTION = "evaluation.evaluators.execution_verifier"
_FENCE = re.compile(r"```(?:python|py)?\s*\n(.*?)```", re.S)


def extract_code(text: str) -> str:
    blocks = _FENCE.findall(text)
    return blocks[-1] if blocks else text


@batched
def apply(records, config, ctx):
    jobs = []
    for record in records:
        if not record.get("tests"):
            add_error(record, OPTION, "record has no 'tests' to run")
        else:
            jobs += [(record, c) for c in candidates(record)]
    timeout, mem = float(config.get("timeout", 10)), int(config.get("memory_mb", 512))
    with ThreadPoolExecutor(max_workers=int(config.get("workers", 2))) as pool:
        outcomes = list(pool.map(lambda job: run_tests(extract_code(job[1]["text"]),
                                                       job[0]["tests"], timeout=timeout,
                                                       memory_mb=mem), jobs))
    for (record, cand), out in zip(jobs, outcomes, strict=True):
        cand["verified"] = out.passed
        cand["execution"] = {"status": out.status, "detail": out.detail}
        set_score(cand, "execution", float(out.passed))
        log(record, judge="execution", protocol="binary_judgement", candidate=cand["id"],
            raw=out.detail or None, parsed=out.passed, status=out.status)
    for record in records:
        trace(record, OPTION)
    return records
