"""The streaming loop: prompts in, batches through the stages, rows out, checkpointed.

Records are read lazily and processed ``batch_size`` at a time; each batch's outputs are
committed atomically (see checkpoint.py), so memory stays flat and a killed run resumes at the
first uncommitted batch. Every stage decides per record (alignscape.stages.base), so batch
size and restart points never change the data. The manifest (manifest.py), the report
(report.py) and the Parquet export (export.py) live beside it.

Failure isolation. A per-record stage runs record by record: a record it raises on is marked
failed (the others go on). A batch stage (one that sends a batch of requests) runs on the
batch; if it raises, it is retried record by record from a copy taken before it (a plain
dict/list copy, only for batch stages). The run stops with a one-line RunError, not thousands
of identical "failures" with exit 0, when

* every record of a batch fails the same way with a configuration error (ValueError,
  BackendError, FileNotFoundError) or a programming error (AttributeError, TypeError, ...);
* a stage has raised on every record it has seen, for the first ``every_record_limit`` records
  of the run (or for the whole input when it is shorter): whatever the exception, that is the
  configuration or the code, not the data;
* requests fail systematically (runtime.FailureGuard: the same error for the first N
  requests, or more than ``--max-failure-rate`` of recent requests failing).

The batch being processed when the run stops is not written; earlier batches are committed,
so the same command resumes once the cause is fixed.
"""

from __future__ import annotations

import json
import math
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from alignscape.collector import few_collections
from alignscape.pipeline.checkpoint import Checkpoint
from alignscape.pipeline.export import write_parquet
from alignscape.pipeline.flow import Deferred, Serialized, run_ordered, window_size
from alignscape.pipeline.forked import EncodedWrites, portable, worker_count, worker_pool
from alignscape.pipeline.inputs import MAX_LINE_BYTES, InputError, read_prompts, record_of, scan
from alignscape.pipeline.manifest import RunError, format_files, prepare
from alignscape.pipeline.recipe import Recipe
from alignscape.pipeline.report import count_records, failure_of, stored_record, summarise
from alignscape.runtime import BackendError, RunAborted

__all__ = ["RunError", "RunOptions", "run", "failure_of", "summarise", "write_parquet"]

CONFIG_ERRORS = (ValueError, BackendError, FileNotFoundError)
PROGRAMMING_ERRORS = (AttributeError, TypeError, NameError, KeyError, IndexError,
                      AssertionError, NotImplementedError, ImportError, RecursionError)


@dataclass
class RunOptions:
    batch_size: int = 16
    limit: int | None = None
    progress: bool = True
    restart: bool = False
    parquet: bool = True
    max_input_errors_shown: int = 20
    every_record_limit: int = 10
    retry_failures: bool = False
    concurrency: int = 8  # the backends' request slots: sizes the window of batches
    window: int | None = None  # batches in flight (default: flow.window_size)
    max_line_bytes: int = MAX_LINE_BYTES  # a longer input line is an input error
    workers: int | None = None  # processes computing batches (default: forked.worker_count)


def run(recipe: Recipe, prompts: str | Path, out: str | Path, ctx,
        options: RunOptions | None = None) -> dict:
    """Run a checked recipe over a prompts file into ``out``; returns the report."""
    options = options or RunOptions()
    out = Path(out)
    prompts = Path(prompts)
    if not prompts.is_file():
        raise RunError(f"{prompts}: no such prompts file")
    recipe.check()  # settings changed since the recipe was built are checked too
    total, conversations = scan(prompts, options.max_line_bytes)
    if conversations and recipe.style == "standard":
        # A standard (string) prompt would keep one turn of a conversation: the rows are
        # written as TRL conversational prompts instead, every turn kept, for the whole run.
        recipe.style = "conversational"
        print(f"alignscape: {prompts} holds multi-turn conversations: rows are written in "
              "TRL's conversational style (every prior turn in the prompt)", file=sys.stderr)
    prepare(out, recipe, prompts, restart=options.restart, backends=ctx.describe(),
            batch_size=options.batch_size, limit=options.limit)
    files = ["records.jsonl", "failures.jsonl", "input_errors.jsonl"] + format_files(recipe)
    ck = Checkpoint(out, files)
    if options.retry_failures:
        redo = _failed_ids(out)
        removed = ck.drop(redo)
        print(f"alignscape: redoing {len(redo)} failed prompt(s) in place ({removed} output "
              "line(s) removed)", file=sys.stderr)
    if options.limit is not None:
        total = min(total, options.limit)
    workers = worker_count(options.workers, getattr(ctx, "backends", None),
                           math.ceil(total / options.batch_size))

    where = str(prompts)

    def compute(item):
        # In a worker process (forked.py): the batch's lines (checked by the main process)
        # are parsed again here, the rows encoded here, and the batch's stage counts go back
        # to be added, in input order, on the main process.
        batch = [record_of(where, n, raw) for n, raw in item[0]]
        sink, shown_bar, mine = EncodedWrites(), Deferred(), _StageCounts()
        _process(batch, item[1], recipe, ctx, sink, shown_bar, mine, options, check=False)
        return sink, shown_bar, mine.portable()

    with few_collections(), worker_pool(workers, compute) as submit:
        return _run(recipe, prompts, out, ctx, options, ck, total, submit, 2 * workers)


def _run(recipe: Recipe, prompts: Path, out: Path, ctx, options: RunOptions, ck: Checkpoint,
         total: int, submit, forked_window: int) -> dict:
    """The streaming loop of ``run``, with ``submit`` computing batches in worker processes
    (forked.worker_pool) or None (this process, on threads when the backends allow)."""
    done = ck.open()
    started = time.monotonic()
    bar = _progress(total, len(done), options.progress)
    counts = Serialized(_StageCounts())  # every batch thread adds to it
    concurrent = getattr(ctx, "concurrent", None)
    window = forked_window if submit else options.window or window_size(
        options.concurrency, options.batch_size, bool(concurrent and concurrent()))
    shown = 0

    def batches():
        nonlocal shown
        batch: list[dict] = []
        input_errors: list[dict] = []
        limit = options.limit
        # Worker processes get each record as its line: bytes pickle far faster than dicts.
        forked = submit is not None
        for i, item in enumerate(read_prompts(prompts, needs_prompt=True,
                                              max_line_bytes=options.max_line_bytes,
                                              lines=forked)):
            if limit is not None and i >= limit:
                break
            if isinstance(item, InputError):
                key = f"input-error:{item.path}:{item.line}"
                if key not in done:
                    if shown < options.max_input_errors_shown:
                        bar.write(f"alignscape: {item}", file=sys.stderr)
                        shown += 1
                    input_errors.append({"key": key, "where": f"{item.path}:{item.line}",
                                         "error": item.message})
                bar.update(1)
                continue
            if forked:
                item, n, raw = item
            if item["prompt_id"] in done:
                continue
            batch.append((n, raw) if forked else item)
            if len(batch) >= options.batch_size:
                yield batch, input_errors
                batch, input_errors = [], []
        if batch or input_errors:
            yield batch, input_errors

    def work(item):
        # The batch's writes and progress are recorded and made on the main thread in input
        # order (flow.py); the "every record failed so far" check of the last batch is made
        # there too, once every earlier batch has been counted.
        sink, shown_bar = Deferred(), Deferred()
        _process(item[0], item[1], recipe, ctx, sink, shown_bar, counts, options)
        return sink, shown_bar, None

    def commit(item, result, last):
        sink, shown_bar, batch_counts = result
        if batch_counts is not None:  # computed in a worker process
            counts.merge(batch_counts)
            counts.check(options.every_record_limit, last)
        elif last:
            counts.check(options.every_record_limit, True)
        sink.replay(ck)
        shown_bar.replay(bar)
        show()

    def show():
        g = getattr(ctx, "guard", None)
        if g is not None and not bar.disable:  # a hidden bar still formats its postfix
            bar.set_postfix(in_flight=getattr(ctx, "in_flight", int)(), requests=g.requests,
                            retries=g.retries, errors=g.failed, refresh=False)

    try:
        run_ordered(batches(), work, commit, window, on_abort=getattr(ctx, "cancel", lambda: None),
                     tick=show, submit=submit)
        counts.check(options.every_record_limit, True)
    except RunAborted as exc:
        raise RunError(f"stopped: {exc}; the batches in progress were not written") from None
    except BrokenProcessPool:
        raise RunError("a worker process ended unexpectedly; the batches in progress were not "
                       "written, and the same command resumes") from None
    finally:
        bar.close()
        total_elapsed = ck.total_elapsed()
        ck.close()
    report = summarise(out, recipe, ctx, total_elapsed)
    report["elapsed_this_segment_seconds"] = round(time.monotonic() - started, 2)
    if getattr(ctx, "guard", None) is not None:
        report.update(ctx.guard.stats())
    if options.parquet:
        report["parquet"] = write_parquet(out, format_files(recipe), options.progress)
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report


def _failed_ids(out: Path) -> set[str]:
    path = out / "failures.jsonl"
    if not path.exists():
        return set()
    with open(path, encoding="utf-8") as fh:
        return {str(json.loads(line)["prompt_id"]) for line in fh if line.strip()}


def _progress(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=min(initial, total), unit="prompt", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True, desc="alignscape run")


def _abort(use: str, exc: BaseException, scope: str = "every record of a batch") -> RunError:
    kind = ("a bug in the stage, not a problem of the data"
            if isinstance(exc, PROGRAMMING_ERRORS) else "its configuration or backend")
    message = " ".join(str(exc).split()) or "(no message)"
    return RunError(f"stage {use} failed on {scope} with "
                    f"{type(exc).__name__}: {message} ({kind}); the batch was not written")


def _snapshot(value):
    """A structural copy of JSON-like records (much cheaper than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snapshot(v) for v in value]
    return value


class _StageCounts:
    """Per stage: records seen, records it raised on, the first exception."""

    def __init__(self):
        self.seen: dict[str, int] = {}
        self.failed: dict[str, int] = {}
        self.first: dict[str, BaseException] = {}

    def merge(self, other: _StageCounts) -> None:
        """Add another batch's counts (a worker process's)."""
        for use, seen in other.seen.items():
            self.seen[use] = self.seen.get(use, 0) + seen
            self.failed[use] = self.failed.get(use, 0) + other.failed[use]
            if use in other.first:
                self.first.setdefault(use, other.first[use])

    def portable(self) -> _StageCounts:
        """These counts with exceptions that survive pickling (forked.portable)."""
        self.first = {use: portable(exc) for use, exc in self.first.items()}
        return self

    def add(self, use: str, seen: int, failed: list[BaseException]) -> None:
        self.seen[use] = self.seen.get(use, 0) + seen
        self.failed[use] = self.failed.get(use, 0) + len(failed)
        if failed:
            self.first.setdefault(use, failed[0])

    def check(self, limit: int, final: bool) -> None:
        for use, seen in self.seen.items():
            if seen and self.failed[use] == seen and (seen >= limit or final):
                raise _abort(use, self.first[use], f"every record so far ({seen})")


def _fail_record(record: dict, use: str, exc: BaseException) -> None:
    record.setdefault("errors", []).append(
        {"stage": use, "error": f"{type(exc).__name__}: {exc}", "fatal": True})


def _systematic(use: str, records: list, errors: list[BaseException]) -> bool:
    kinds = {type(e) for e in errors}
    return bool(records) and len(errors) == len(records) and len(kinds) == 1 and \
        issubclass(next(iter(kinds)), CONFIG_ERRORS + PROGRAMMING_ERRORS)


def _run_stage(st, records, ctx, counts: _StageCounts):
    """Run one stage; isolate per-record failures (see module docstring)."""
    fn, config, use = st.function, st.settings, st.use
    option = fn.option if fn.trace else None
    ok, failed, errors = [], [], []
    if fn.per_record:
        for record in records:
            try:
                fn.fn(record, config, ctx)
            except RunAborted:
                raise
            except Exception as exc:  # noqa: BLE001 - recorded on the record
                errors.append(exc)
                _fail_record(record, use, exc)
                failed.append(record)
                continue
            if option:
                record.setdefault("trace", []).append(option)
            ok.append(record)
    else:
        saved = _snapshot(records)
        try:
            ok = fn.fn(records, config, ctx)
        except RunAborted:
            raise
        except Exception as first:  # noqa: BLE001 - retried per record below
            ok = []
            for record in saved:
                try:
                    ok += fn.fn([_snapshot(record)], config, ctx)
                except RunAborted:
                    raise
                except Exception as exc:  # noqa: BLE001 - recorded on the record
                    errors.append(exc)
                    _fail_record(record, use, exc)
                    failed.append(record)
            if not ok and not saved:
                raise _abort(use, first) from first
        if option:
            for record in ok:
                record.setdefault("trace", []).append(option)
    if not ok and _systematic(use, records, errors):
        # Every record fails the same way: the configuration or the code is wrong.
        raise _abort(use, errors[0]) from errors[0]
    counts.add(use, len(records), errors)
    return ok, failed


def _process(batch, input_errors, recipe: Recipe, ctx, ck: Checkpoint, bar,
             counts: _StageCounts, options: RunOptions, final: bool = False,
             check: bool = True) -> None:
    """One batch through the stages and formats, written to ``ck``. ``check``: whether to
    stop here when a stage failed on every record so far (a worker process leaves it to the
    main process, which has the counts of every earlier batch)."""
    records = batch
    failed: list[dict] = []
    for st in recipe.stages:
        if st.is_format:
            continue
        records, lost = _run_stage(st, records, ctx, counts)
        failed += lost
    outputs: dict[str, list] = {}
    for st in recipe.formats:
        config = {**st.settings, "style": st.settings.get("style") or recipe.style}
        rows, errors = [], []
        fn = st.function.fn
        for record in records:
            try:
                rows += fn(record, config, ctx)
            except RunAborted:
                raise
            except Exception as exc:  # noqa: BLE001 - recorded on the record
                errors.append(exc)
                record.setdefault("errors", []).append(
                    {"stage": st.use, "error": f"{type(exc).__name__}: {exc}"})
        if _systematic(st.use, records, errors):
            raise _abort(st.use, errors[0])
        counts.add(st.use, len(records), errors)
        outputs[f"{st.option}.jsonl"] = rows
    if check:
        counts.check(options.every_record_limit, final)
    everything = records + failed
    ck.write("records.jsonl", map(stored_record, everything))
    ck.write("failures.jsonl", [f for f in map(failure_of, everything) if f])
    ck.write("input_errors.jsonl", input_errors)
    for name, rows in outputs.items():
        ck.write(name, rows)
    ck.note(count_records(everything))
    ck.commit([r["prompt_id"] for r in everything] + [e["key"] for e in input_errors])
    bar.update(len(everything))
    g = getattr(ctx, "guard", None)
    if g is not None:
        bar.set_postfix(requests=g.requests, retries=g.retries, errors=g.failed, refresh=False)
