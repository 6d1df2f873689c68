"""The streaming loop: prompts in, batches through the stages, rows out, checkpointed.

Records are read lazily and processed ``batch_size`` at a time; each batch's outputs are
committed atomically (see checkpoint.py), so memory stays flat and a killed run resumes at the
first uncommitted batch. Every stage decides per record (alignscape.stages.base), so batch
size and restart points never change the data. The manifest (manifest.py), the report
(report.py) and the Parquet export (export.py) live beside it.

A stage that raises is retried record by record from a copy taken before it. If every record
of the batch fails the same way, the run stops with a one-line RunError: a configuration
error (ValueError, BackendError, FileNotFoundError) or a programming error (AttributeError,
TypeError, ...) is not the data's fault, and thousands of identical "failures" with exit 0
would hide it. Otherwise the records that still fail are written to records.jsonl and
failures.jsonl with the stage and the error, while the rest go on.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from alignscape.pipeline.checkpoint import Checkpoint
from alignscape.pipeline.export import write_parquet
from alignscape.pipeline.inputs import InputError, count_lines, read_prompts
from alignscape.pipeline.manifest import RunError, format_files, prepare
from alignscape.pipeline.recipe import Recipe
from alignscape.pipeline.report import failure_of, summarise
from alignscape.runtime import BackendError

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


def run(recipe: Recipe, prompts: str | Path, out: str | Path, ctx,
        options: RunOptions | None = None) -> dict:
    """Run a checked recipe over a prompts file into ``out``; returns the report."""
    options = options or RunOptions()
    out = Path(out)
    prompts = Path(prompts)
    if not prompts.is_file():
        raise RunError(f"{prompts}: no such prompts file")
    recipe.check()  # settings changed since the recipe was built are checked too
    prepare(out, recipe, prompts, restart=options.restart, backends=ctx.describe(),
            batch_size=options.batch_size, limit=options.limit)
    files = ["records.jsonl", "failures.jsonl", "input_errors.jsonl"] + format_files(recipe)
    ck = Checkpoint(out, files)
    done = ck.open()
    started = time.monotonic()
    total = count_lines(prompts)
    if options.limit is not None:
        total = min(total, options.limit)
    bar = _progress(total, len(done), options.progress)
    shown = 0
    try:
        batch: list[dict] = []
        input_errors: list[dict] = []
        for i, item in enumerate(read_prompts(prompts, needs_prompt=True)):
            if options.limit is not None and i >= options.limit:
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
            if item["prompt_id"] in done:
                continue
            batch.append(item)
            if len(batch) >= options.batch_size:
                _process(batch, input_errors, recipe, ctx, ck, bar)
                batch, input_errors = [], []
        if batch or input_errors:
            _process(batch, input_errors, recipe, ctx, ck, bar)
    finally:
        bar.close()
        ck.close()
    report = summarise(out, recipe, ctx, time.monotonic() - started)
    if options.parquet:
        report["parquet"] = write_parquet(out, format_files(recipe))
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report


def _progress(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=min(initial, total), unit="prompt", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True, desc="alignscape run")


def _abort(use: str, exc: BaseException) -> RunError:
    kind = ("a bug in the stage, not a problem of the data"
            if isinstance(exc, PROGRAMMING_ERRORS) else "its configuration or backend")
    message = " ".join(str(exc).split()) or "(no message)"
    return RunError(f"stage {use} failed on every record of a batch with "
                    f"{type(exc).__name__}: {message} ({kind}); the batch was not written")


def _run_stage(fn, records, config, ctx, use):
    """Run one stage; isolate per-record failures (see module docstring)."""
    saved = copy.deepcopy(records)
    try:
        return fn(records, config, ctx), []
    except Exception as first:  # noqa: BLE001 - retried per record below
        ok, failed, kinds = [], [], set()
        for record in saved:
            try:
                ok += fn([copy.deepcopy(record)], config, ctx)
            except Exception as exc:  # noqa: BLE001 - recorded on the record
                kinds.add(type(exc))
                record.setdefault("errors", []).append(
                    {"stage": use, "error": f"{type(exc).__name__}: {exc}", "fatal": True})
                failed.append(record)
        if not ok and (not saved or (len(kinds) == 1 and issubclass(
                next(iter(kinds)), CONFIG_ERRORS + PROGRAMMING_ERRORS))):
            # Every record fails the same way: the configuration or the code is wrong.
            raise _abort(use, first) from first
        return ok, failed


def _process(batch, input_errors, recipe: Recipe, ctx, ck: Checkpoint, bar) -> None:
    records = [dict(r) for r in batch]
    failed: list[dict] = []
    for st in recipe.stages:
        if st.is_format:
            continue
        records, lost = _run_stage(st.function, records, st.settings, ctx, st.use)
        failed += lost
    outputs: dict[str, list] = {}
    for st in recipe.formats:
        config = {**st.settings, "style": st.settings.get("style") or recipe.style}
        rows, errors = [], []
        for record in records:
            try:
                rows += st.function([record], config, ctx)
            except Exception as exc:  # noqa: BLE001 - recorded on the record
                errors.append(exc)
                record.setdefault("errors", []).append(
                    {"stage": st.use, "error": f"{type(exc).__name__}: {exc}"})
        if records and len(errors) == len(records) and \
                isinstance(errors[0], PROGRAMMING_ERRORS + CONFIG_ERRORS):
            raise _abort(st.use, errors[0])
        outputs[f"{st.option}.jsonl"] = rows
    everything = records + failed
    ck.write("records.jsonl", everything)
    ck.write("failures.jsonl", [f for f in map(failure_of, everything) if f])
    ck.write("input_errors.jsonl", input_errors)
    for name, rows in outputs.items():
        ck.write(name, rows)
    ck.commit([r["prompt_id"] for r in everything] + [e["key"] for e in input_errors])
    bar.update(len(everything))

