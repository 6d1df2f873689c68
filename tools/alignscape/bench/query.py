"""The query benchmark: a cold `alignscape query` from the cache against re-parsing the YAML
(--no-cache), and the query right after one entry was edited (the cache rebuilt from the entry
memo: one file parsed, checked and indexed again)."""

from __future__ import annotations

import statistics

from alignscape.bench.context import Context, Result
from alignscape.bench.validation import EDITS, edit_entry

QUERY = ("evaluators has llm_judge and policy_relation = on_policy and bias_risk <= medium "
         "or text ~ \"reward model\" and year >= 2024")


def bench_query(context: Context) -> list[Result]:
    root = context.synthetic_catalog()
    size = context.entries
    env = {"ALIGNSCAPE_CACHE_DIR": str(context.workdir / f"cache-query-{size}")}
    args = ("--root", str(root), "query", "--format", "ids", QUERY)
    uncached, baseline = context.cli(*args, "--no-cache", env=env)
    context.cli(*args, env=env)  # validates once and fills the cache
    context.cli(*args, env=env)  # settles the stat memo of just-written files
    runs = []
    for _ in range(5):
        timing, done = context.cli(*args, env=env)
        if done.stdout != baseline.stdout:
            raise RuntimeError("the cached query answered differently from the uncached one")
        runs.append(timing)
    edits = []
    for n in range(EDITS):
        edit_entry(root, 100 + n)
        timing, done = context.cli(*args, env=env)
        edits.append(timing)
    _, fresh = context.cli(*args, "--no-cache", env=env)
    if done.stdout != fresh.stdout:
        raise RuntimeError("the query after an edit answered differently from an uncached one")
    wall = statistics.median(t.wall for t in runs)
    matches = len(baseline.stdout.split())
    return [
        Result("cold cached query (median of 5)", wall,
               f"{matches} matches; CPU {statistics.median(t.cpu for t in runs):.3f} s",
               baseline="the same query re-parsing the YAML (--no-cache)",
               baseline_seconds=uncached.wall, peak_mb=max(t.peak_mb for t in runs),
               baseline_peak_mb=uncached.peak_mb, entries=size),
        Result("query after editing one entry (cache rebuilt)",
               statistics.median(t.wall for t in edits),
               f"median of {EDITS} edits; CPU {statistics.median(t.cpu for t in edits):.2f} s; "
               "same answer as --no-cache",
               baseline="the same query re-parsing the YAML (--no-cache)",
               baseline_seconds=uncached.wall, peak_mb=max(t.peak_mb for t in edits),
               baseline_peak_mb=uncached.peak_mb, goal="< 1.5 s at 10,000", entries=size),
    ]
