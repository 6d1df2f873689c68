"""The output folder's manifest: what run it holds, so that starting the same run again
resumes it and starting another one there is refused (or, with --restart, discards only the
files a run writes)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

RUN_FILES = ("records.jsonl", "failures.jsonl", "input_errors.jsonl", "checkpoint.jsonl",
             "report.json", "manifest.json")


class RunError(Exception):
    """The run cannot go on (bad configuration, an output folder of another recipe)."""


def format_files(recipe) -> list[str]:
    return [f"{s.option}.jsonl" for s in recipe.formats]


def prepare(out: Path, recipe, prompts: Path, *, restart: bool, backends: dict,
            batch_size: int, limit: int | None) -> None:
    """Create the folder and its manifest, or check that it holds this very run."""
    manifest = out / "manifest.json"
    if restart and manifest.exists():
        # Only the files a run writes: --out may point at a folder that holds other data.
        old = _read(manifest, restart=True)
        formats = {s["use"].rsplit(".", 1)[-1] for s in old.get("recipe", {}).get("stages", [])}
        names = set(RUN_FILES) | {f"{f}.{ext}" for f in formats for ext in ("jsonl", "parquet")}
        for name in names:
            (out / name).unlink(missing_ok=True)
    if manifest.exists():
        old = _read(manifest, restart=False)
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
    _write_atomic(manifest, json.dumps({
        "fingerprint": recipe.fingerprint(), "recipe": recipe.as_dict(), "backends": backends,
        "prompts": str(prompts.resolve()), "batch_size": batch_size, "limit": limit},
        indent=2, default=str) + "\n")


def _read(manifest: Path, *, restart: bool) -> dict:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    except (ValueError, UnicodeDecodeError):
        pass
    if restart:
        return {}  # damaged: --restart discards the run files by their fixed names
    raise RunError(f"{manifest} is damaged (not a JSON object); --restart discards the run "
                   "in that folder")


def _write_atomic(path: Path, text: str) -> None:
    """Write beside, fsync, rename: a killed write never leaves a torn manifest."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
