"""Partitioned, crash-safe output of a Ray run: one committed part per batch of the plan,
assembled in plan order into the local runner's files.

A Ray run cuts the prompts into the local runner's batches (``plan``: the same reading,
validation, ids and batch boundaries). Batches are computed anywhere on the cluster and
finish in any order; what the runner's batch function would have written for a batch (its
calls on the checkpoint, in order) comes back to the driver, which commits it as a part::

    OUT/ray_parts/plan.json          the batch size the parts were cut with
    OUT/ray_parts/parts.jsonl        one line per committed part (index, size, CRC): the commit
    OUT/ray_parts/part-000012.jsonl  that batch's checkpoint calls, one JSON line each

A part is written under a temporary name and renamed into place, then its line is appended to
parts.jsonl and fsync'ed; a part file without a commit line (a driver killed in between) is
deleted on resume and its batch computed again, a torn last line is ignored, and a part whose
size or CRC does not match its line is computed again rather than trusted.

As soon as the parts 0..k are all committed, they are replayed, in order, onto the output
folder's own Checkpoint (checkpoint.py), exactly as the local runner commits its batches, and
their part files are deleted. So OUT holds what the local runner writes (records.jsonl,
failures.jsonl, input_errors.jsonl, one file per format, checkpoint.jsonl), whichever parts a
killed driver had finished: a batch is in the output files once (its prompt ids are in the
checkpoint) or in exactly one part file (replayed on resume) or nowhere (computed again).
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from alignscape.pipeline.inputs import InputError, read_prompts

PARTS = "ray_parts"
MANIFEST = "parts.jsonl"
PLAN = "plan.json"


@dataclass
class Part:
    """One batch of the plan: the records and the input errors met since the previous one."""

    index: int
    records: list[dict] = field(default_factory=list)
    input_errors: list[dict] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        """What the batch commits, as the local runner names them."""
        return [r["prompt_id"] for r in self.records] + [e["key"] for e in self.input_errors]


def plan(prompts: Path, batch_size: int, limit: int | None = None):
    """The local runner's batches of ``prompts``, in order: ``batch_size`` good records each,
    every input error in the batch it was met in (a trailing one in the last batch), the
    first ``limit`` lines only."""
    part = Part(0)
    for i, item in enumerate(read_prompts(prompts, needs_prompt=True)):
        if limit is not None and i >= limit:
            break
        if isinstance(item, InputError):
            part.input_errors.append({"key": f"input-error:{item.path}:{item.line}",
                                      "where": f"{item.path}:{item.line}",
                                      "error": item.message})
            continue
        part.records.append(item)
        if len(part.records) >= batch_size:
            yield part
            part = Part(part.index + 1)
    if part.records or part.input_errors:
        yield part


class Recorder:
    """Stands in for the Checkpoint a batch function writes to: keeps its calls (write, note,
    commit, ...) in order, iterators turned into lists, to be replayed on a real one."""

    def __init__(self):
        self.calls: list[tuple[str, list, dict]] = []

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        def record(*args, **kwargs):
            args = [list(a) if isinstance(a, Iterator) else a for a in args]
            self.calls.append((name, args, kwargs))
            return len(args[0]) if name == "write" and len(args) > 1 and \
                isinstance(args[1], list) else None
        return record


def replay(calls: list, ck) -> None:
    for name, args, kwargs in calls:
        getattr(ck, name)(*args, **kwargs)


def _encode(value) -> bytes:
    # The json module's text (as checkpoint.py's encoders write it back: numbers, strings and
    # anything else as its str), so replaying decoded calls writes the same bytes.
    return json.dumps(value, ensure_ascii=False, default=str).encode()


def _name(index: int) -> str:
    return f"part-{index:06d}.jsonl"


class PartStore:
    """The committed parts of one output folder (see the module docstring)."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.root = self.out / PARTS
        self.committed: dict[int, dict] = {}
        self._manifest = None

    @staticmethod
    def exists(out: Path) -> bool:
        return (Path(out) / PARTS / PLAN).exists()

    @staticmethod
    def discard(out: Path) -> None:
        """Remove every part (``--restart``)."""
        import shutil

        shutil.rmtree(Path(out) / PARTS, ignore_errors=True)

    def batch_size(self, wanted: int) -> int:
        """The batch size of the parts already cut (a resume keeps it: other boundaries would
        not match the committed batches), else ``wanted``, which is recorded."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / PLAN
        try:
            kept = json.loads(path.read_text(encoding="utf-8")).get("batch_size")
        except (OSError, ValueError, AttributeError):
            kept = None
        if isinstance(kept, int) and kept >= 1:
            if kept != wanted:
                print(f"alignscape: {self.out} was cut into batches of {kept} prompts; the "
                      f"resume keeps {kept} (not {wanted}) so its committed batches are "
                      "reused", file=sys.stderr)
            return kept
        _write_synced(path, _encode({"batch_size": wanted}))
        return wanted

    def open(self) -> set[int]:
        """Read the commits, drop a torn last line and every part file without a commit;
        returns the committed part indexes."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / MANIFEST
        good = 0
        if path.exists():
            with open(path, "rb") as fh:
                for raw in fh:
                    if not raw.endswith(b"\n"):
                        break
                    try:
                        entry = json.loads(raw)
                        self.committed[int(entry["part"])] = entry
                    except (ValueError, KeyError, TypeError):
                        break
                    good += len(raw)
            with open(path, "r+b") as fh:
                fh.truncate(good)
        names = {_name(i) for i in self.committed}
        for item in self.root.iterdir():
            if item.name.startswith(("part-", ".part-")) and item.name not in names:
                item.unlink()
        self._manifest = open(path, "ab")
        return set(self.committed)

    def load(self, index: int, keys: list[str]) -> list | None:
        """The committed calls of part ``index``, or None when it is not committed, its file
        does not match its commit line, or it was cut from other input (not ``keys``)."""
        entry = self.committed.get(index)
        path = self.root / _name(index)
        if entry is None or not path.exists():
            return None
        data = path.read_bytes()
        if len(data) != entry.get("size") or zlib.crc32(data) != entry.get("crc"):
            return None
        lines = data.splitlines()
        try:
            head = json.loads(lines[0])
            calls = [tuple(json.loads(line)) for line in lines[1:]]
        except (ValueError, IndexError):
            return None
        if head.get("keys") != keys:
            return None
        return calls

    def commit(self, part: Part, calls: list) -> None:
        """Write the part beside, rename it into place, then append and fsync its line."""
        data = b"".join([_encode({"part": part.index, "keys": part.keys}) + b"\n"] +
                        [_encode(list(call)) + b"\n" for call in calls])
        path = self.root / _name(part.index)
        tmp = self.root / ("." + _name(part.index))
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        entry = {"part": part.index, "prompts": len(part.keys), "size": len(data),
                 "crc": zlib.crc32(data)}
        self._manifest.write(_encode(entry) + b"\n")
        self._manifest.flush()
        os.fsync(self._manifest.fileno())
        self.committed[part.index] = entry

    def forget(self, index: int) -> None:
        """The part is in the output files: its file is no longer needed."""
        (self.root / _name(index)).unlink(missing_ok=True)

    def close(self) -> None:
        if self._manifest is not None:
            self._manifest.close()
            self._manifest = None


def _write_synced(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
