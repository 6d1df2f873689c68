"""`python -m alignscape.bench` (make bench): timings against a baseline measured in the same run.

Each benchmark is an entry of BENCHMARKS below: a name, what it measures, and a function that
takes the shared Context (a synthetic catalog of a given size, generated once into a temporary
folder by alignscape.bench.synthetic) and returns Results. Add one by appending to the list
(sized=False for one that does not depend on the catalog's size: it runs once). Rows of work
that no registered benchmark measures yet (PENDING) are listed as "not measured in this run".

    python -m alignscape.bench                          # every benchmark, 200, 2,000, 10,000
    python -m alignscape.bench --entries 2000           # one size (make bench SIZES=2000)
    python -m alignscape.bench query --entries 200,2000 --readme

It prints one Markdown table and writes it with the machine it was measured on as JSON
(build/bench/latest.json); --readme also puts the table into README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alignscape.bench.context import Context, Result, launcher
from alignscape.bench.pipeline import bench_pipeline
from alignscape.bench.query import bench_query
from alignscape.bench.requests import bench_requests
from alignscape.bench.serve import bench_serve
from alignscape.bench.site import bench_site_build
from alignscape.bench.validation import bench_validation
from alignscape.paths import find_root

DEFAULT_SIZES = (200, 2_000, 10_000)
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


@dataclass
class Benchmark:
    name: str
    description: str
    run: Callable[[Context], list[Result]]
    sized: bool = True  # runs once per catalog size; False: once


BENCHMARKS: list[Benchmark] = [
    Benchmark("validate", "`alignscape validate` vs check-jsonschema; re-validation after an "
              "edit", bench_validation),
    Benchmark("query", "`alignscape query` from a cold process: cached, after an edit, "
              "re-parsing", bench_query),
    Benchmark("pipeline", "instantiation of 1,000,000 scored responses vs pandas",
              bench_pipeline, sized=False),
    Benchmark("site", "the full site build vs plain mkdocs-material on as many trivial pages",
              bench_site_build),
    Benchmark("serve", "`serve`'s live rebuild after one entry is edited", bench_serve),
    Benchmark("requests", "HTTP client CPU per request; a full run's throughput at 0.2 s "
              "latency, with and without hanging requests", bench_requests, sized=False),
]

# Work the report must cover, by the name of the benchmark that will measure it.
PENDING: dict[str, list[tuple[str, str]]] = {
    "site": [("build the site", "plain mkdocs-material build, same number of trivial pages "
              "(python -m alignscape.bench.site times generation and mkdocs)")],
    "serve": [("`serve` rebuild after editing one entry's summary", ""),
              ("`serve` rebuild after editing one entry's name or a stage option", "")],
    "pipeline": [("instantiation from 1,000,000 scored responses (pairwise, binary, listwise)",
                  "a straightforward pandas implementation")],
    "requests": [("pipeline client CPU per request, 64 and 256 concurrent",
                  "a bare httpx.AsyncClient loop against the same loopback server"),
                 ("UltraFeedback-style run at 0.2 s mean latency, concurrency 64",
                  "the 320 requests/s the latency allows"),
                 ("the same run with 2.5% of requests never answered", "the fault-free run")],
}


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            memory = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory_gb": memory,
            "system": platform.platform(), "python": platform.python_version(),
            "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}


def _seconds(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _ratio(result: Result) -> str:
    ratio = result.ratio
    if ratio is None:
        return "—"
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def _memory(result: Result) -> str:
    if result.peak_mb is None:
        return ""
    text = f"{result.peak_mb:.0f} MB"
    return text + (f" (baseline {result.baseline_peak_mb:.0f} MB)"
                   if result.baseline_peak_mb is not None else "")


def table(results: list[Result]) -> str:
    lines = ["| work | entries | alignscape | baseline in the same run | ratio | peak memory "
             "| goal | notes |",
             "| --- | ---: | ---: | --- | ---: | --- | --- | --- |"]
    for r in results:
        if r.seconds is None:
            value = "not measured in this run"
        elif r.unit == "s":
            value = _seconds(r.seconds)
        else:
            value = f"{r.seconds:.1f} {r.unit}"
        baseline = (f"{r.baseline}: {_seconds(r.baseline_seconds)}" if r.baseline_seconds
                    is not None else r.baseline)
        size = f"{r.entries:,}" if r.entries else ""
        cells = [r.label, size, value, baseline, _ratio(r) if r.seconds else "—", _memory(r),
                 r.goal, r.note]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.replace(" ", ",").split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of sizes: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive numbers of entries")
    return sizes


def write_readme(readme: Path, markdown: str, info: dict, command: str) -> None:
    """Replace the table between the bench markers of README.md (appended if absent)."""
    text = readme.read_text(encoding="utf-8")
    block = (f"{README_START}\nMeasured {info['date']} on {info['machine']['cpu']} "
             f"({info['machine']['cpus']} CPUs, {info['machine']['memory_gb']} GB, "
             f"Python {info['machine']['python']}, load average "
             f"{info['machine']['load_average']:.1f}) with `{command}`:\n\n{markdown}"
             f"{README_END}")
    if README_START in text and README_END in text:
        head, _, rest = text.partition(README_START)
        _, _, tail = rest.partition(README_END)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alignscape.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="benchmarks to run (default: all): "
                        + ", ".join(b.name for b in BENCHMARKS))
    parser.add_argument("--entries", type=_sizes, default=list(DEFAULT_SIZES),
                        metavar="N[,N...]",
                        help="sizes of the synthetic catalogs (default 200,2000,10000)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="where to write the results (default build/bench/latest.json)")
    parser.add_argument("--readme", action="store_true",
                        help="put the table into README.md (between the bench markers)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in {b.name for b in BENCHMARKS}]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}")
    chosen = [b for b in BENCHMARKS if not args.names or b.name in args.names]
    project = find_root()
    launcher()  # before anything grows this process: its children's peak memory starts there
    workdir = Path(tempfile.mkdtemp(prefix="alignscape-bench-"))
    info = {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "sizes": args.entries,
            "command": " ".join(["python -m alignscape.bench", *(argv if argv is not None
                                                                  else sys.argv[1:])])}
    results: list[Result] = []
    try:
        print(f"{info['machine']['cpus']} CPUs ({info['machine']['cpu']}), load average "
              f"{info['machine']['load_average']:.1f} (wall times grow with it); "
              f"work folder {workdir}", file=sys.stderr, flush=True)
        done_unsized: set[str] = set()
        for size in args.entries:
            context = Context(size, workdir, project)
            todo = [b for b in chosen if b.sized or b.name not in done_unsized]
            if not todo:
                continue  # only size-independent benchmarks, already run at the first size
            if any(b.sized for b in todo):
                started = time.perf_counter()
                context.synthetic_catalog()
                print(f"\n{size:,} entries: synthetic catalog generated in "
                      f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            for bench in todo:
                done_unsized.add(bench.name)
                print(f"  {bench.name}: {bench.description}", file=sys.stderr, flush=True)
                for result in bench.run(context):
                    if result.entries is None and bench.sized:
                        result.entries = size
                    results.append(result)
                    print(f"    {result.label}: {_seconds(result.seconds)} "
                          f"{_ratio(result)}", file=sys.stderr, flush=True)
            shutil.rmtree(workdir / f"catalog-{size}", ignore_errors=True)
        # The table always covers all the work: what this run left out is listed as such.
        registered = {b.name for b in BENCHMARKS}
        ran = {b.name for b in chosen}
        for name, rows in PENDING.items():
            if name not in ran:
                why = (f"`{name}` not run this time (python -m alignscape.bench {name})"
                       if name in registered else f"`{name}` benchmark not registered yet")
                results += [Result(label, None, why, baseline=baseline)
                            for label, baseline in rows]
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    markdown = table(results)
    print(markdown)
    out = args.json or project / "build" / "bench" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(info, rows=[r.as_dict() for r in results],
                                   markdown=markdown), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    if args.readme:
        write_readme(project / "README.md", markdown, info, info["command"])
        print(f"updated {project / 'README.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
