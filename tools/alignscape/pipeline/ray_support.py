"""Scale-out with Ray Data: the local runner's batches computed on a Ray cluster, committed as
parts, resumed exactly after a killed driver.

::

    from alignscape.pipeline.ray_support import run_ray

    report = run_ray(recipe, "prompts.jsonl", "out/", {"default": "openai:my-model"},
                     {"base_url": "http://vllm:8000/v1"}, RunOptions(batch_size=32))

The driver reads the prompts as the local runner does (pipeline/inputs.py: the same located
input errors, ids and duplicate checks; list-valued fields such as a messages prompt or given
responses are plain values, never Arrow columns) and cuts them into the runner's batches
(ray_parts.plan). Each batch travels to a Ray Data task as one pickled value and is run there
by the runner's own batch function (runner._process: the same stages, failure isolation,
failures rows and format rows), every format of the recipe in one pass. What it would have
written comes back to the driver, which commits it as one part (ray_parts.PartStore) and
replays the parts, in order, onto the folder's own checkpoint as the local runner commits its
batches; report.json comes from pipeline/report.py. So the folder holds exactly what the
local runner writes for the same input and batch size (records.jsonl, failures.jsonl,
input_errors.jsonl, one JSONL and Parquet file per format, checkpoint.jsonl, report.json) and
is a local runner's folder: the same call again resumes (committed batches skipped,
committed parts replayed, the rest computed), and the local runner resumes it too or redoes
its failures (--retry-failures). A resume keeps the batch size the folder was started with;
request counts in the report are this segment's, as the local runner's.

Backends are built once per Ray worker process from their specs (an HTTP client or a loaded
model is never shipped between processes). Batches are submitted ``window`` at a time, so the
driver holds at most that many batches of prompts.
"""

from __future__ import annotations

import json
import logging
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

from alignscape.pipeline.checkpoint import Checkpoint
from alignscape.pipeline.export import write_parquet
from alignscape.pipeline.forked import portable
from alignscape.pipeline.inputs import scan
from alignscape.pipeline.manifest import RunError, format_files, prepare
from alignscape.pipeline.ray_parts import Part, PartStore, Recorder, plan, replay
from alignscape.pipeline.recipe import Recipe
from alignscape.pipeline.report import summarise
from alignscape.pipeline.runner import RunOptions

RUN_FILES = ["records.jsonl", "failures.jsonl", "input_errors.jsonl"]
_WORKERS: dict = {}


def build_context(backends: dict, options: dict, recipe: Recipe, max_failure_rate: float):
    """A context with one backend per distinct spec, as `alignscape run` builds it."""
    from alignscape.pipeline.backends import make_backend
    from alignscape.runtime import Context, FailureGuard

    built = {spec: make_backend(spec, options) for spec in set(backends.values())}
    return Context(backends={role: built[spec] for role, spec in backends.items()},
                   models=dict(recipe.models), seed=recipe.seed,
                   entry=recipe.entry or recipe.name,
                   guard=FailureGuard(max_failure_rate=max_failure_rate))


def rebuild(data: dict) -> Recipe:
    """The recipe ``Recipe.as_dict`` described (every stage with its checked settings)."""
    from alignscape.pipeline.recipe import stage

    stages = [stage(s["use"], s["config"]) for s in data["stages"]]
    return Recipe(name=data["name"], stages=stages, entry=data.get("entry"),
                  seed=data.get("seed", 0), style=data.get("style", "standard"),
                  models=dict(data.get("models") or {}), backends=dict(data.get("backends")
                                                                        or {}),
                  notes=list(data.get("notes") or [])).check()


class _Quiet:
    """Stands in for the progress bar inside a worker."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix(self, **kwargs) -> None:
        pass

    def write(self, *args, **kwargs) -> None:
        pass


def _worker(spec: dict):
    """This process's recipe, context and per-stage counts for ``spec`` (built once)."""
    from alignscape.pipeline.runner import _StageCounts

    key = json.dumps(spec, sort_keys=True, default=str)
    if key not in _WORKERS:
        recipe = rebuild(spec["recipe"])
        if recipe.fingerprint() != spec["fingerprint"]:
            raise RunError("the recipe rebuilt in a Ray worker differs from the driver's")
        ctx = build_context(spec["backends"], spec["options"], recipe,
                            spec["max_failure_rate"])
        _WORKERS[key] = (recipe, ctx, _StageCounts())
    return _WORKERS[key]


def _guard_numbers(guard) -> tuple[int, int, int, Counter]:
    return guard.requests, guard.failed, guard.retries, Counter(guard.errors)


def run_part(records: list[dict], input_errors: list[dict], spec: dict) -> dict:
    """One batch through the runner's batch function, in this process: what it would write,
    what the stages saw and failed on, the requests it sent; or ``abort``, the one-line
    reason the run must stop (runner.RunError, or systematically failing requests)."""
    from alignscape.pipeline.runner import _process
    from alignscape.runtime import RunAborted

    recipe, ctx, counts = _worker(spec)
    before = _guard_numbers(ctx.guard)
    seen0, failed0 = dict(counts.seen), dict(counts.failed)
    recorder = Recorder()
    try:
        _process(records, input_errors, recipe, ctx, recorder, _Quiet(), counts,
                 RunOptions(every_record_limit=spec["every_record_limit"]))
    except RunAborted as exc:
        return {"abort": f"stopped: {exc}; the batches in progress were not written"}
    except RunError as exc:
        return {"abort": str(exc)}
    after = _guard_numbers(ctx.guard)
    stages = {}
    for use, seen in counts.seen.items():
        failed = counts.failed[use] - failed0.get(use, 0)
        stages[use] = {"seen": seen - seen0.get(use, 0), "failed": failed,
                       "first": portable(counts.first.get(use)) if failed else None}
    return {"calls": recorder.calls, "stages": stages,
            "requests": [after[i] - before[i] for i in range(3)],
            "request_errors": dict(after[3] - before[3])}


def _map_parts(batch: dict, spec: dict) -> dict:
    """The map_batches function: pickled (records, input errors) in, pickled results out."""
    results = []
    for payload in batch["payload"]:
        records, input_errors = pickle.loads(payload)
        results.append(pickle.dumps(run_part(records, input_errors, spec)))
    return {"part": list(batch["part"]), "result": results}


class _Totals:
    """What the parts computed in this segment did: stage counts (for the runner's check
    that a stage failing on every record stops the run) and requests."""

    def __init__(self):
        from alignscape.pipeline.runner import _StageCounts

        self.counts = _StageCounts()
        self.requests = [0, 0, 0]
        self.errors: Counter = Counter()

    def add(self, result: dict) -> None:
        for use, got in result["stages"].items():
            self.counts.add(use, got["seen"], [got["first"]] * got["failed"])
        self.requests = [a + b for a, b in zip(self.requests, result["requests"], strict=True)]
        self.errors.update(result["request_errors"])

    def stats(self) -> dict:
        return {"requests": self.requests[0], "requests_failed": self.requests[1],
                "retries": self.requests[2],
                "request_errors": dict(self.errors.most_common(10))}


def run_ray(recipe: Recipe, prompts: str | Path, out: str | Path, backends: dict[str, str],
            backend_options: dict | None = None, options: RunOptions | None = None, *,
            max_failure_rate: float = 0.5, task_cpus: float = 1.0, window: int = 64,
            address: str | None = None, num_cpus: int | None = None) -> dict:
    """Run a checked recipe over a prompts file into ``out`` on Ray; returns the report.

    ``backends`` maps roles to backend specs (``replay:DIR``, ``openai:MODEL``, ...), built in
    every worker with ``backend_options`` (base_url, concurrency, ...). Uses the running Ray
    instance, or starts one (``address``, ``num_cpus``) and stops it at the end. Each batch's
    task reserves ``task_cpus`` CPUs; ``window`` batches are in flight at most.
    ``options.retry_failures`` is not supported here (the local runner redoes failures)."""
    try:
        import ray
    except ImportError:
        raise RunError("running on Ray needs Ray Data: pip install 'alignscape[ray]'") from None

    options = options or RunOptions()
    out, prompts = Path(out), Path(prompts)
    if not prompts.is_file():
        raise RunError(f"{prompts}: no such prompts file")
    if options.retry_failures:
        raise RunError("--retry-failures is not supported with Ray: run it without Ray on "
                       "the same --out (the folder holds the same files)")
    if window < 1 or task_cpus <= 0:
        raise RunError("window must be at least 1 and task_cpus above 0")
    recipe.check()
    total, conversations = scan(prompts)
    if conversations and recipe.style == "standard":
        # As the local runner: a standard prompt would keep one turn of a conversation.
        recipe.style = "conversational"
        print(f"alignscape: {prompts} holds multi-turn conversations: rows are written in "
              "TRL's conversational style (every prior turn in the prompt)", file=sys.stderr)
    ctx = build_context(backends, backend_options or {}, recipe, max_failure_rate)
    try:
        if options.restart:
            PartStore.discard(out)
        prepare(out, recipe, prompts, restart=options.restart, backends=ctx.describe(),
                batch_size=options.batch_size, limit=options.limit)
        if (out / "checkpoint.jsonl").exists() and not PartStore.exists(out):
            raise RunError(f"{out} holds a run of the local runner (checkpoint.jsonl); resume "
                           "it without Ray, or --restart to discard it")
        started = not ray.is_initialized()
        if started:
            ray.init(address=address, num_cpus=num_cpus, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
        try:
            return _drive(recipe, prompts, out, ctx, backends, backend_options or {},
                          options, max_failure_rate, task_cpus, window,
                          min(total, options.limit or total))
        finally:
            if started:
                ray.shutdown()
    finally:
        ctx.close()


def _drive(recipe, prompts, out, ctx, backends, backend_options, options, max_failure_rate,
           task_cpus, window, total) -> dict:
    from tqdm import tqdm

    store = PartStore(out)
    batch_size = store.batch_size(options.batch_size)
    store.open()
    ck = Checkpoint(out, RUN_FILES + format_files(recipe))
    done = ck.open()
    begun = time.monotonic()
    spec = {"recipe": recipe.as_dict(), "fingerprint": recipe.fingerprint(),
            "backends": dict(backends), "options": dict(backend_options),
            "max_failure_rate": max_failure_rate,
            "every_record_limit": options.every_record_limit}
    bar = tqdm(total=total, unit="prompt", file=sys.stderr, disable=not options.progress,
               dynamic_ncols=True, desc="alignscape run (ray)")
    run = _Assembly(store, ck, bar, options)
    try:
        pending: list[Part] = []
        for part in plan(prompts, batch_size, options.limit):
            run.count = part.index + 1
            keys = part.keys
            if done.issuperset(keys):
                run.ready[part.index] = None  # already in the output files
                bar.update(len(keys))
            elif done.intersection(keys):
                raise RunError(f"{out}: batch {part.index} is partly committed (the folder "
                               "was written with other batch boundaries); resume it the way "
                               "it was started, or --restart")
            elif store.load(part.index, keys) is not None:
                run.ready[part.index] = keys
                bar.update(len(keys))
            else:
                pending.append(part)
            run.advance()
            if len(pending) >= window:
                _compute(pending, spec, run, task_cpus)
                pending = []
        if pending:
            _compute(pending, spec, run, task_cpus)
        run.totals.counts.check(options.every_record_limit, True)
        if run.next != run.count:
            raise RunError(f"{out}: batch {run.next} was neither computed nor committed")
        elapsed = ck.total_elapsed()
    finally:
        bar.close()
        store.close()
        ck.close()
    report = summarise(out, recipe, ctx, elapsed)
    report["elapsed_this_segment_seconds"] = round(time.monotonic() - begun, 2)
    report.update(run.totals.stats())
    if options.parquet:
        report["parquet"] = write_parquet(out, format_files(recipe), options.progress)
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report


class _Assembly:
    """Committed parts waiting for their turn, and the next one to go into the output."""

    def __init__(self, store: PartStore, ck: Checkpoint, bar, options: RunOptions):
        self.store, self.ck, self.bar, self.options = store, ck, bar, options
        self.ready: dict[int, list | None] = {}
        self.next = 0
        self.count = 0
        self.totals = _Totals()
        self.shown = 0

    def commit(self, part: Part, result: dict) -> None:
        for error in part.input_errors:
            if self.shown < self.options.max_input_errors_shown:
                self.bar.write(f"alignscape: {error['where']}: {error['error']}",
                               file=sys.stderr)
                self.shown += 1
        self.store.commit(part, result["calls"])
        self.ready[part.index] = part.keys
        self.totals.add(result)
        self.bar.update(len(part.keys))
        t = self.totals.requests
        self.bar.set_postfix(requests=t[0], retries=t[2], errors=t[1], refresh=False)
        self.advance()
        self.totals.counts.check(self.options.every_record_limit, False)

    def advance(self) -> None:
        """Replay every committed part whose predecessors are all in the output files."""
        while self.next in self.ready:
            keys = self.ready.pop(self.next)
            if keys is not None:
                calls = self.store.load(self.next, keys)
                if calls is None:
                    raise RunError(f"{self.store.root}: part {self.next} changed while the "
                                   "run was using it")
                replay(calls, self.ck)
            self.store.forget(self.next)
            self.next += 1


def _compute(parts: list[Part], spec: dict, run: _Assembly, task_cpus: float) -> None:
    """Run ``parts`` as one Ray dataset, committing each as soon as it comes back."""
    import ray

    # The driver's bar is the progress; Ray Data's own bars and per-dataset log lines would
    # interleave with it once per window.
    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    by_index = {p.index: p for p in parts}
    ds = ray.data.from_items([{"part": p.index,
                               "payload": pickle.dumps((p.records, p.input_errors))}
                              for p in parts])
    ds = ds.map_batches(_map_parts, fn_kwargs={"spec": spec}, batch_size=1,
                        batch_format="numpy", num_cpus=task_cpus)
    try:
        for row in ds.iter_rows():
            result = pickle.loads(row["result"])
            if "abort" in result:
                raise RunError(result["abort"])
            run.commit(by_index[int(row["part"])], result)
    except ray.exceptions.RayError as exc:
        cause = _innermost(exc)
        message = " ".join(str(cause).split())[:300]
        raise RunError(f"a Ray task failed ({type(cause).__name__}: {message}); committed "
                       "batches are kept, the same call resumes") from None


def _innermost(exc: BaseException) -> BaseException:
    """The exception a Ray error wraps (a user-code error arrives wrapped two or three deep)."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "cause", None) or exc.__cause__
        if not isinstance(inner, BaseException):
            break
        exc = inner
    return exc
