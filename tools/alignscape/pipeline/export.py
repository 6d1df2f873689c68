"""Parquet copies of the format files, written with datasets so that datasets.load_dataset
reads them back; skipped (with the reason) without the [model] extra."""

from __future__ import annotations

from pathlib import Path


def write_parquet(out: Path, names: list[str], progress: bool = True) -> dict:
    try:
        from datasets import Dataset
        from datasets.utils import logging as ds_logging
    except ImportError:
        return {"skipped": "datasets is not installed (pip install 'alignscape[model]')"}
    if not progress:
        ds_logging.disable_progress_bar()
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
