"""Parquet copies of the format files, written with datasets so that datasets.load_dataset
reads them back; skipped (with the reason) without the [model] extra."""

from __future__ import annotations

from pathlib import Path


def write_parquet(out: Path, names: list[str]) -> dict:
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
