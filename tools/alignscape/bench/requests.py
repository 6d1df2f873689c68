"""The request benchmarks: the HTTP client's CPU per request, and the throughput of a whole
`alignscape run` against a loopback server with latency and hangs (alignscape.bench.loopback,
always a separate process, so its CPU is never the client's).

* client CPU per request at 64 and 256 concurrent requests, against a server that answers at
  once: the backend (OpenAIBackend, called from 4 threads as the runner's batches call it)
  vs a bare httpx.AsyncClient loop with a semaphore, each in its own process, CPU measured
  with getrusage around the requests only (imports and start-up excluded);
* an UltraFeedback-style run (4 sampled completions and a pointwise judge rating of each per
  prompt: 8 requests a prompt) at 0.2 s mean latency and --concurrency 64, vs the 320
  requests/s that latency allows;
* the same run with 2.5% of requests never answered, vs the fault-free run.

    python -m alignscape.bench requests
    python -m alignscape.bench.requests client alignscape|httpx URL N CONCURRENCY
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
from pathlib import Path

from alignscape.bench.context import Context, Result

CLIENT_REQUESTS = 10_000
RUN_PROMPTS = 400
LATENCY = 0.2
CONCURRENCY = 64
HANG = 0.025
RECIPE = """\
name: ultrafeedback_style_bench
seed: 0
stages:
  - use: synthesis.sampling.repeated_sampling
    config: {n: 4, temperature: 0.8}
  - use: synthesis.sources.policy_sampling
  - use: evaluation.evaluators.llm_judge
    config: {protocols: [pointwise_rating]}
  - use: instantiation.pairing.best_vs_worst
  - use: instantiation.formats.pairwise
"""
BODY = {"model": "loopback", "messages": [{"role": "user", "content": "Say something."}],
        "temperature": 0.0, "top_p": 1.0, "max_tokens": 64}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def client_alignscape(url: str, n: int, concurrency: int) -> float:
    from alignscape.pipeline.backends.openai_http import OpenAIBackend
    from alignscape.runtime import Request

    backend = OpenAIBackend(model="loopback", base_url=url, concurrency=concurrency,
                            max_retries=0, hedge=False)
    request = Request(BODY["messages"], max_tokens=64)
    backend.generate([request])  # connection set up outside the measurement
    callers, chunk = 4, max(concurrency, 128)
    share = n // callers
    failed = []

    def caller():
        left = share
        while left > 0:
            out = backend.generate([request] * min(chunk, left))
            failed.extend(r.error for r in out if not r.ok)
            left -= chunk

    threads = [threading.Thread(target=caller) for _ in range(callers)]
    started = _cpu()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spent = _cpu() - started
    backend.close()
    if failed:
        raise RuntimeError(f"{len(failed)} requests failed: {failed[0]}")
    return spent / (share * callers)


def client_httpx(url: str, n: int, concurrency: int) -> float:
    import asyncio

    import httpx

    async def main() -> float:
        limits = httpx.Limits(max_connections=concurrency,
                              max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            target = url.rstrip("/") + "/chat/completions"
            await client.post(target, json=BODY)
            slots = asyncio.Semaphore(concurrency)

            async def one():
                async with slots:
                    resp = await client.post(target, json=BODY)
                    resp.json()["choices"][0]["message"]["content"]

            started = _cpu()
            await asyncio.gather(*(one() for _ in range(n)))
            return (_cpu() - started) / n

    return asyncio.run(main())


class _Server:
    def __init__(self, latency: float = 0.0, hang: float = 0.0, seed: int = 0):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "alignscape.bench.loopback", "--latency", str(latency),
             "--hang", str(hang), "--seed", str(seed)], stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.close()
            raise RuntimeError("the loopback server did not start")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def _client(context: Context, kind: str, url: str, concurrency: int) -> float:
    _, done = context.run([sys.executable, "-m", "alignscape.bench.requests", "client", kind,
                           url, str(CLIENT_REQUESTS), str(concurrency)])
    return float(done.stdout.strip().splitlines()[-1])


def _prompts(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"prompt_id": f"p{i}", "prompt": f"Question {i}: explain "
                                 + "why " * (i % 7)}) + "\n")


def _run(context: Context, work: Path, name: str, hang: float):
    server = _Server(LATENCY, hang, seed=1)
    try:
        out = work / name
        timing, _ = context.cli(
            "run", "--recipe", str(work / "recipe.yaml"), "--prompts", str(work / "prompts.jsonl"),
            "--out", str(out), "--backend", "openai:loopback", "--base-url", server.url,
            "--concurrency", str(CONCURRENCY), "--no-progress", "--no-parquet")
    finally:
        server.close()
    report = json.loads((out / "report.json").read_text())
    return timing, report


def bench_requests(context: Context) -> list[Result]:
    results = []
    server = _Server()
    try:
        for concurrency in (64, 256):
            ours = _client(context, "alignscape", server.url, concurrency)
            bare = _client(context, "httpx", server.url, concurrency)
            results.append(Result(
                f"pipeline client CPU per request, {concurrency} concurrent", ours * 1e6,
                f"{CLIENT_REQUESTS:,} requests to a loopback server answering at once (own "
                f"process); {bare / ours:.1f}x less CPU than the bare httpx loop",
                unit="µs", baseline=f"a bare httpx.AsyncClient loop: {bare * 1e6:.0f} µs",
                goal="< 200 µs"))
    finally:
        server.close()
    work = context.workdir / "requests"
    work.mkdir(parents=True, exist_ok=True)
    (work / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    _prompts(work / "prompts.jsonl", RUN_PROMPTS)
    bound = CONCURRENCY / LATENCY
    clean, clean_report = _run(context, work, "clean", 0.0)
    rate = clean_report["requests"] / clean.wall
    results.append(Result(
        f"UltraFeedback-style run, {LATENCY:g} s mean latency, concurrency {CONCURRENCY}",
        clean.wall, f"{RUN_PROMPTS} prompts, {clean_report['requests']:,} requests: "
        f"{rate:.0f} requests/s = {rate / bound:.0%} of the {bound:.0f}/s the latency allows; "
        f"CPU {clean.cpu:.1f} s", baseline=f"the latency bound: {bound:.0f} requests/s",
        goal=">= 90% of the bound"))
    hung, hung_report = _run(context, work, "hangs", HANG)
    results.append(Result(
        f"the same run with {HANG:.1%} of requests never answered", hung.wall,
        f"{hung_report['requests']:,} requests, {hung_report.get('retries', 0)} retries or "
        f"hedges; {hung.wall / clean.wall:.2f}x the fault-free time",
        baseline="the fault-free run", baseline_seconds=clean.wall, goal="<= 1.5x"))
    return results


def main(argv: list[str]) -> int:
    if len(argv) == 5 and argv[0] == "client" and argv[1] in ("alignscape", "httpx"):
        fn = client_alignscape if argv[1] == "alignscape" else client_httpx
        print(fn(argv[2], int(argv[3]), int(argv[4])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
