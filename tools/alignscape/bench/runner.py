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
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from alignscape.paths import find_root


@dataclass
class Result:
    label: str
    seconds: float  # or a ratio, with unit="x"
    note: str = ""
    unit: str = "s"


@dataclass
class Context:
    entries: int
    workdir: Path
    source_root: Path
    _catalogs: dict = field(default_factory=dict)

    def synthetic_catalog(self, entries: int | None = None) -> Path:
        """A valid catalog of `entries` entries (the real ones plus generated ones) under the
        work folder, made once per size."""
        size = entries or self.entries
        if size not in self._catalogs:
            from alignscape.bench.synthetic import write_synthetic_catalog

            root = self.workdir / f"catalog-{size}"
            write_synthetic_catalog(self.source_root, root, size)
            self._catalogs[size] = root
        return self._catalogs[size]

    def cli(self, *args: str,
            env: dict | None = None) -> tuple[Timing, subprocess.CompletedProcess]:
        """Run `alignscape ARGS` in a new process: its wall and CPU time, and the process."""
        script = Path(sys.executable).with_name("alignscape")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "alignscape.cli"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([*command, *args], capture_output=True, text=True,
                              env=dict(os.environ, **(env or {})), timeout=3600)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise RuntimeError(f"alignscape {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return Timing(elapsed, cpu), done


@dataclass
class Timing:
    wall: float
    cpu: float  # user + system of the child: what the work costs on a busy machine too


@dataclass
class Benchmark:
    name: str
    description: str
    run: Callable[[Context], list[Result]]


def _query(context: Context) -> list[Result]:
    from alignscape.bench.query import bench_query

    return bench_query(context)


BENCHMARKS: list[Benchmark] = [
    Benchmark("query", "`alignscape query` from a cold process, cached vs uncached", _query),
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
