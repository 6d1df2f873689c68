"""`python -m alignscape.bench` (make bench): timings against a baseline measured in the same run.

Each benchmark is an entry of BENCHMARKS below: a name, what it measures, and a function that
takes the shared Context (a synthetic catalog of a given size, generated once into a temporary
folder by alignscape.bench.synthetic) and returns Results. Add one by appending to the list.

    python -m alignscape.bench                      # every benchmark, 10,000 entries
    python -m alignscape.bench query --entries 2000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alignscape.bench.context import Context, Result
from alignscape.bench.query import bench_query
from alignscape.paths import find_root


@dataclass
class Benchmark:
    name: str
    description: str
    run: Callable[[Context], list[Result]]


BENCHMARKS: list[Benchmark] = [
    Benchmark("query", "`alignscape query` from a cold process, cached vs uncached", bench_query),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alignscape.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="benchmarks to run (default: all): "
                        + ", ".join(b.name for b in BENCHMARKS))
    parser.add_argument("--entries", type=int, default=10_000,
                        help="size of the synthetic catalog (default 10000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in {b.name for b in BENCHMARKS}]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}")
    chosen = [b for b in BENCHMARKS if not args.names or b.name in args.names]
    workdir = Path(tempfile.mkdtemp(prefix="alignscape-bench-"))
    context = Context(args.entries, workdir, find_root())
    try:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"synthetic catalog: {args.entries:,} entries in {workdir}; "
              f"{os.cpu_count()} CPUs, load average {load:.1f} (wall times grow with it)",
              flush=True)
        started = time.perf_counter()
        context.synthetic_catalog()
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
        for bench in chosen:
            print(f"\n{bench.name}: {bench.description}", flush=True)
            for result in bench.run(context):
                note = f"  ({result.note})" if result.note else ""
                value = (f"{result.seconds:8.3f} s" if result.unit == "s"
                         else f"{result.seconds:8.0f} {result.unit}")
                print(f"  {result.label:44} {value}{note}", flush=True)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
