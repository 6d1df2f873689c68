"""Executable verification: the candidate's code runs against the record's unit tests
(``tests``: Python asserts) in a sandboxed subprocess with time and memory limits (see
sandbox.py for what is and is not enforced). Code is taken from the last fenced code block,
else the whole response. Sets ``verified``, a 1/0 score and ``execution`` (status, detail)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from alignscape.stages.base import add_error, candidates, set_score
from alignscape.stages.evaluation._judge import log
from alignscape.stages.evaluation.sandbox import run_tests
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.execution_verifier"
_FENCE = re.compile(r"```(?:python|py)?\s*\n(.*?)```", re.S)


def extract_code(text: str) -> str:
    blocks = _FENCE.findall(text)
    return blocks[-1] if blocks else text


@stage(OPTION, params={
    "timeout": Param(float, 10.0, "wall-clock limit per candidate, in seconds"),
    "memory_mb": Param(int, 512, "address-space limit per candidate, in MB"),
    "workers": Param(int, 2, "parallel subprocesses")})
def execution_verifier(records, config, ctx):
    """Run each candidate's code against the record's tests in the sandbox."""
    jobs = []
    for record in records:
        if not record.get("tests"):
            add_error(record, OPTION, "record has no 'tests' to run")
        else:
            jobs += [(record, c) for c in candidates(record)]
    timeout, mem = config["timeout"], config["memory_mb"]
    with ThreadPoolExecutor(max_workers=config["workers"]) as pool:
        outcomes = list(pool.map(lambda job: run_tests(extract_code(job[1]["text"]),
                                                       job[0]["tests"], timeout=timeout,
                                                       memory_mb=mem), jobs))
    for (record, cand), out in zip(jobs, outcomes, strict=True):
        cand["verified"] = out.passed
        cand["execution"] = {"status": out.status, "detail": out.detail}
        set_score(cand, "execution", float(out.passed), binary=True)
        log(record, judge="execution", protocol="binary_judgement", candidate=cand["id"],
            raw=out.detail or None, parsed=out.passed, status=out.status)
    return records
