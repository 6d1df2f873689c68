"""The query benchmark: a cold `alignscape query` with and without the cached catalog."""

from __future__ import annotations

import statistics

from alignscape.bench.context import Context, Result

QUERY = ("evaluators has llm_judge and policy_relation = on_policy and bias_risk <= medium "
         "or text ~ \"reward model\" and year >= 2024")


def bench_query(context: Context) -> list[Result]:
    """A query from a cold process: cached (median of five runs) against the uncached path
    that validates the YAML every time, on the same synthetic catalog, with the same answer."""
    root = context.synthetic_catalog()
    env = {"ALIGNSCAPE_CACHE_DIR": str(context.workdir / "cache")}
    args = ("--root", str(root), "query", "--format", "ids", QUERY)
    uncached, baseline = context.cli(*args, "--no-cache", env=env)
    build, _ = context.cli(*args, env=env)  # validates once and fills the cache
    runs = []
    for _ in range(5):
        timing, done = context.cli(*args, env=env)
        if done.stdout != baseline.stdout:
            raise RuntimeError("the cached query answered differently from the uncached one")
        runs.append(timing)
    wall = statistics.median(t.wall for t in runs)
    cpu = statistics.median(t.cpu for t in runs)
    matches = len(baseline.stdout.split())
    return [
        Result("uncached query (validate YAML, then query)", uncached.wall,
               f"CPU {uncached.cpu:.2f} s; {matches} matches"),
        Result("first query, filling the cache", build.wall, f"CPU {build.cpu:.2f} s"),
        Result("cached query, cold process (median of 5)", wall,
               f"CPU {cpu:.3f} s; wall min {min(t.wall for t in runs):.3f} s, "
               f"max {max(t.wall for t in runs):.3f} s"),
        Result("ratio uncached / cached", uncached.wall / wall,
               f"wall; {uncached.cpu / cpu:.0f}x in CPU time", unit="x"),
    ]
