"""The streaming runner: prompts in, batches through the stages, rows out, checkpointed.

Records are read lazily and processed ``batch_size`` at a time; each batch's outputs are
committed atomically (see checkpoint.py), so memory stays flat and a killed run resumes at the
first uncommitted batch. Every stage decides per record (alignscape.stages.base), so batch
size and restart points never change the data.

A stage that raises a configuration error (ValueError, BackendError, FileNotFoundError) stops
the run with its message: every record would fail the same way. Any other exception is
isolated: the batch is retried record by record from a copy taken before the stage, and the
records that still fail are written to records.jsonl and failures.jsonl with the stage and
the error, while the rest go on.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from alignscape.pipeline.backends.base import BackendError
from alignscape.pipeline.checkpoint import Checkpoint
from alignscape.pipeline.inputs import InputError, count_lines, read_prompts
from alignscape.pipeline.recipe import Recipe

CONFIG_ERRORS = (ValueError, BackendError, FileNotFoundError)


class RunError(Exception):
    """The run cannot go on (bad configuration, an output folder of another recipe)."""


@dataclass
class RunOptions:
    batch_size: int = 16
    limit: int | None = None
    progress: bool = True
    restart: bool = False
    parquet: bool = True
    max_input_errors_shown: int = 20


@dataclass
class Report:
    data: dict = field(default_factory=dict)


def run(recipe: Recipe, prompts: str | Path, out: str | Path, ctx,
        options: RunOptions | None = None) -> dict:
    options = options or RunOptions()
    out = Path(out)
    prompts = Path(prompts)
    if not prompts.is_file():
        raise RunError(f"{prompts}: no such prompts file")
    _prepare(out, recipe, prompts, options, ctx.describe())
    formats = recipe.formats
    files = ["records.jsonl", "failures.jsonl", "input_errors.jsonl"] + \
        [f"{s.option}.jsonl" for s in formats]
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
        report["parquet"] = write_parquet(out, [f"{s.option}.jsonl" for s in formats])
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report


def _prepare(out: Path, recipe: Recipe, prompts: Path, options: RunOptions,
             backends: dict) -> None:
    manifest = out / "manifest.json"
    if options.restart and manifest.exists():
        # Only the files a run writes: --out may point at a folder that holds other data.
        old = json.loads(manifest.read_text())
        formats = {s["use"].rsplit(".", 1)[-1] for s in old.get("recipe", {}).get("stages", [])}
        names = {"records.jsonl", "failures.jsonl", "input_errors.jsonl", "checkpoint.jsonl",
                 "report.json", "manifest.json"}
        names |= {f"{f}.{ext}" for f in formats for ext in ("jsonl", "parquet")}
        for name in names:
            (out / name).unlink(missing_ok=True)
    if manifest.exists():
        old = json.loads(manifest.read_text())
        if old.get("fingerprint") != recipe.fingerprint():
            name = old.get("recipe", {}).get("name")
            raise RunError(f"{out} holds a run of another recipe ({name}); choose another "
                           "--out, or --restart to discard it")
        if old.get("prompts") != str(prompts.resolve()):
            raise RunError(f"{out} holds a run over {old.get('prompts')}, not {prompts}; choose "
                           "another --out, or --restart to discard it")
        if old.get("backends") != backends:
            # Resuming against another server address is legitimate; another judge is not,
            # but only the user knows which this is.
            print(f"alignscape: warning: resuming {out} with other backends than it started "
                  f"with ({old.get('backends')} -> {backends}); provenance records both",
                  file=sys.stderr)
        return
    out.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({
        "fingerprint": recipe.fingerprint(), "recipe": recipe.as_dict(), "backends": backends,
        "prompts": str(prompts.resolve()), "batch_size": options.batch_size,
        "limit": options.limit}, indent=2, default=str) + "\n")


def _progress(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=min(initial, total), unit="prompt", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True, desc="alignscape run")


def _run_stage(fn, records, config, ctx, use):
    """Run one stage; isolate per-record failures (see module docstring)."""
    saved = copy.deepcopy(records)
    try:
        return fn(records, config, ctx), []
    except Exception as first:  # noqa: BLE001 - retried per record below
        ok, failed = [], []
        for record in saved:
            try:
                ok += fn([copy.deepcopy(record)], config, ctx)
            except Exception as exc:  # noqa: BLE001 - recorded on the record
                record.setdefault("errors", []).append(
                    {"stage": use, "error": f"{type(exc).__name__}: {exc}", "fatal": True})
                failed.append(record)
        if not ok and isinstance(first, CONFIG_ERRORS):
            # Every record fails the same way: the configuration is wrong, not the data.
            raise RunError(f"stage {use}: {first}") from first
        return ok, failed


def _process(batch, input_errors, recipe: Recipe, ctx, ck: Checkpoint, bar) -> None:
    records = [dict(r) for r in batch]
    failed: list[dict] = []
    for st in recipe.stages:
        if st.is_format:
            continue
        records, lost = _run_stage(st.function(), records, st.config, ctx, st.use)
        failed += lost
    outputs: dict[str, list] = {}
    for st in recipe.formats:
        config = {"style": recipe.style, **st.config}
        rows = []
        for record in records:
            try:
                rows += st.function()([record], config, ctx)
            except Exception as exc:  # noqa: BLE001 - recorded on the record
                record.setdefault("errors", []).append(
                    {"stage": st.use, "error": f"{type(exc).__name__}: {exc}"})
        outputs[f"{st.option}.jsonl"] = rows
    everything = records + failed
    ck.write("records.jsonl", everything)
    ck.write("failures.jsonl", [f for f in map(failure_of, everything) if f])
    ck.write("input_errors.jsonl", input_errors)
    for name, rows in outputs.items():
        ck.write(name, rows)
    ck.commit([r["prompt_id"] for r in everything] + [e["key"] for e in input_errors])
    bar.update(len(everything))


def failure_of(record: dict) -> dict | None:
    """What went wrong for a record, or None. Carries prompt and prompt_id, so the failures
    file can be fed back as --prompts to redo them in a new output folder."""
    cand_errors = [{"candidate": c.get("id"), "model": c.get("model"), "origin": c.get("origin"),
                    "error": c["error"], "attempts": c.get("attempts")}
                   for c in record.get("candidates", []) if c.get("error")]
    judge_errors = [{k: j.get(k) for k in ("judge", "protocol", "candidate", "a", "b", "error",
                                           "parse_error", "raw") if j.get(k) is not None}
                    for j in record.get("judgements", [])
                    if j.get("error") or j.get("parse_error")]
    if not (record.get("errors") or cand_errors or judge_errors):
        return None
    return {"prompt_id": record.get("prompt_id"), "prompt": record.get("prompt"),
            "errors": record.get("errors", []), "candidate_errors": cand_errors,
            "judgement_errors": judge_errors}


def summarise(out: Path, recipe: Recipe, ctx, elapsed: float) -> dict:
    """The report, computed from the committed files (so it covers resumed segments too)."""
    counts = {"records": 0, "unique_prompt_ids": 0, "candidates": 0, "candidates_failed": 0,
              "judgements": 0, "judgements_unparsed": 0, "judgements_failed": 0,
              "records_failed": 0, "ties_dropped": 0, "unjudged_pairs": 0}
    seen = set()
    with open(out / "records.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            counts["records"] += 1
            seen.add(r["prompt_id"])
            counts["candidates"] += len(r.get("candidates", []))
            counts["candidates_failed"] += sum(1 for c in r.get("candidates", [])
                                               if c.get("error"))
            counts["judgements"] += len(r.get("judgements", []))
            counts["judgements_unparsed"] += sum(1 for j in r.get("judgements", [])
                                                 if j.get("parse_error"))
            counts["judgements_failed"] += sum(1 for j in r.get("judgements", [])
                                               if j.get("error"))
            counts["records_failed"] += any(e.get("fatal") for e in r.get("errors", []))
            counts["ties_dropped"] += r.get("ties_dropped", 0)
            counts["unjudged_pairs"] += r.get("unjudged_pairs", 0)
    counts["unique_prompt_ids"] = len(seen)

    def lines(name):
        path = out / name
        return sum(1 for _ in open(path, encoding="utf-8")) if path.exists() else 0

    report = {"recipe": recipe.name, "entry": recipe.entry, "seed": recipe.seed,
              "backends": ctx.describe(), "elapsed_seconds": round(elapsed, 2), **counts,
              "failures": lines("failures.jsonl"), "input_errors": lines("input_errors.jsonl"),
              "rows": {s.option: lines(f"{s.option}.jsonl") for s in recipe.formats},
              "notes": recipe.notes}
    for backend in ctx.backends.values():
        verdicts = getattr(backend, "verdicts", None)
        if verdicts:
            from alignscape.pipeline.agreement import measure

            recorded = verdicts()
            if recorded:
                report["judge_agreement"] = {
                    "reference": f"recorded verdicts of {backend.name}",
                    **measure(out / "records.jsonl", recorded)}
                break
    return report


def write_parquet(out: Path, names: list[str]) -> dict:
    """Parquet copies of the format files, written with datasets so that
    datasets.load_dataset reads them back; skipped (with the reason) without the extra."""
    try:
        from datasets import Dataset
    except ImportError:
        return {"skipped": "datasets is not installed (pip install 'alignscape[model]')"}
    written = {}
    for name in names:
        src = out / name
        if not src.exists() or src.stat().st_size == 0:
            written[name] = "empty: no Parquet written"
            continue
        target = src.with_suffix(".parquet")
        Dataset.from_json(str(src)).to_parquet(str(target))
        written[name] = target.name
    return written
