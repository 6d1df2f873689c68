"""Crash-safe, append-only outputs: a run killed at any instant (SIGKILL included) resumes
without losing or duplicating a row.

Every output file is only appended to. After a batch's lines are written and flushed, one
line {"keys": [prompt ids], "offsets": {file: size}, "crc": {file: crc32 of the batch's
bytes}} is appended to checkpoint.jsonl and fsync'ed: that line is the commit, and the one
fsync of the batch. (The output files are not fsync'ed one by one: after a power loss the
operating system may have kept the commit line but not all of the data, so on resume every
committed segment is checked against its CRC and the commit stops at the first one that does
not hold; a killed process loses nothing, since its writes are in the page cache.) On resume
the last good checkpoint line is found, every output file is truncated back to its committed
size (dropping a half-written batch), and the committed prompt ids are skipped. A torn
checkpoint line (killed mid-write) is ignored, so the batch it described is redone. Nothing is
cached between processes but these files, so a resume cannot hang waiting for a lock or a
cache entry.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from pathlib import Path

from alignscape.stages.instantiation.encoding import line as encode_line
from alignscape.stages.instantiation.encoding import lines as encode_lines

CHECKPOINT = "checkpoint.jsonl"
DROPPING = "dropping.json"


class Checkpoint:
    def __init__(self, directory: Path, files: list[str]):
        self.directory = Path(directory)
        self.files = list(files)
        self.handles: dict[str, object] = {}
        self.done: set[str] = set()
        self.batches = 0
        self.elapsed = 0.0   # seconds of every committed segment, across resumes
        self._crc: dict[str, int] = {}
        self._lines: dict[str, int] = {}
        self._counts: dict | None = None
        self._base, self._t0 = 0.0, time.monotonic()

    def open(self) -> set[str]:
        """Recover committed state, truncate uncommitted output, open files for appending.
        Returns the committed prompt ids."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._finish_drop()
        offsets: dict[str, int] = {}
        path = self.directory / CHECKPOINT
        if path.exists():
            good = 0
            readers: dict[str, object] = {}
            try:
                with open(path, "rb") as fh:
                    for raw in fh:
                        if not raw.endswith(b"\n"):
                            break  # torn last line: its batch was never committed
                        try:
                            entry = json.loads(raw)
                        except ValueError:
                            break
                        if not self._holds(entry, offsets, readers):
                            break  # data lost after a power cut: redo from here
                        self.done.update(entry["keys"])
                        offsets.update(entry["offsets"])
                        self.batches += 1
                        self.elapsed = float(entry.get("elapsed", self.elapsed))
                        good += len(raw)
            finally:
                for reader in readers.values():
                    reader.close()
            with open(path, "r+b") as fh:
                fh.truncate(good)
        for name in self.files:
            target = self.directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            size = offsets.get(name, 0)
            if target.exists() and target.stat().st_size > size:
                with open(target, "r+b") as fh:
                    fh.truncate(size)
            elif not target.exists() and size:
                raise RuntimeError(f"{target} is missing but the checkpoint says it held "
                                   f"{size} bytes; start again with --restart")
            self.handles[name] = open(target, "ab")
        self.handles[CHECKPOINT] = open(path, "ab")
        self._base, self._t0 = self.elapsed, time.monotonic()
        return set(self.done)

    def total_elapsed(self) -> float:
        """Seconds of the committed segments before this one plus this one so far."""
        return self._base + time.monotonic() - self._t0

    def _holds(self, entry: dict, offsets: dict, readers: dict) -> bool:
        """Whether the output files hold the segment that ``entry`` committed (checked
        against its CRCs; lines of old runs without CRCs are trusted)."""
        for name, end in entry["offsets"].items():
            crc = (entry.get("crc") or {}).get(name)
            if crc is None:
                continue
            start = offsets.get(name, 0)
            target = self.directory / name
            if name not in readers:
                if not target.exists():
                    return False
                readers[name] = open(target, "rb")
            reader = readers[name]
            reader.seek(start)
            got, left = 0, end - start
            while left > 0:
                chunk = reader.read(min(left, 1 << 20))
                if not chunk:
                    return False
                got = zlib.crc32(chunk, got)
                left -= len(chunk)
            if got != crc:
                return False
        return True

    def write(self, name: str, rows) -> int:
        """Append ``rows`` (JSON-able) as lines of ``name``: one write and one CRC per batch.
        Lines are appended to one buffer as they are encoded: a list of a batch's encoded
        lines, joined at the end, keeps thousands of fresh allocations alive, and touching
        that memory costs several times the encoding."""
        buf = bytearray()
        return self.append(name, buf, encode_lines(rows, buf))

    def append(self, name: str, buf, n: int, crc: int | None = None) -> int:
        """Append ``n`` lines already encoded in ``buf``; ``crc`` is its CRC when the
        encoder took it (a worker process: forked.EncodedWrites)."""
        if not n:
            return 0
        self.handles[name].write(buf)
        if crc is None or name in self._crc:  # a second write of the batch: CRC of both
            crc = zlib.crc32(buf, self._crc.get(name, 0))
        self._crc[name] = crc
        self._lines[name] = self._lines.get(name, 0) + n
        return n

    def note(self, counts: dict) -> None:
        """Counts of the batch being written (what the report sums over the run,
        report.count_records): the commit line keeps them with the batch's lines per file, so
        the report never re-reads the outputs."""
        self._counts = counts

    def commit(self, keys: list[str], elapsed: float | None = None) -> None:
        offsets, crcs, lines = {}, {}, {}
        for name in self.files:
            fh = self.handles[name]
            fh.flush()
            offsets[name] = fh.tell()
            crcs[name] = self._crc.get(name, 0)
            lines[name] = self._lines.get(name, 0)
        self._crc, self._lines = {}, {}
        entry = {"keys": keys, "offsets": offsets, "crc": crcs, "lines": lines,
                 "elapsed": round(self.total_elapsed() if elapsed is None else elapsed, 3)}
        if self._counts is not None:
            entry["counts"], self._counts = self._counts, None
        line = encode_line(entry) + b"\n"
        ck = self.handles[CHECKPOINT]
        ck.write(line)
        ck.flush()
        os.fsync(ck.fileno())
        self.done.update(keys)
        self.batches += 1

    def drop(self, ids: set[str]) -> int:
        """Un-commit the prompts ``ids``: every output line with one of those prompt ids is
        removed and the ids leave the committed set, so the next run redoes them (in place,
        without duplicates). Crash-safe: the filtered files and the new checkpoint are
        written beside the old ones, a marker lists them, then each is renamed over its old
        file; ``open`` finishes an interrupted swap. Call before ``open``; returns the number
        of lines removed."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._finish_drop()
        path = self.directory / CHECKPOINT
        keys: list[str] = []
        if path.exists():
            with open(path, "rb") as fh:
                for raw in fh:
                    if not raw.endswith(b"\n"):
                        break
                    try:
                        keys += json.loads(raw)["keys"]
                    except ValueError:
                        break
        offsets, removed, swaps = {}, 0, []
        for name in self.files:
            target = self.directory / name
            if not target.exists():
                continue
            tmp = target.with_name(target.name + ".dropping")
            with open(target, "rb") as src, open(tmp, "wb") as dst:
                for raw in src:
                    try:
                        pid = json.loads(raw).get("prompt_id")
                    except ValueError:
                        pid = None
                    if pid is not None and str(pid) in ids:
                        removed += 1
                        continue
                    dst.write(raw)
                dst.flush()
                os.fsync(dst.fileno())
                offsets[name] = dst.tell()
            swaps.append(name)
        tmp = path.with_name(CHECKPOINT + ".dropping")
        with open(tmp, "wb") as fh:
            fh.write(json.dumps({"keys": [k for k in keys if k not in ids],
                                 "offsets": offsets}).encode() + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        swaps.append(CHECKPOINT)
        marker = self.directory / DROPPING
        staged = marker.with_name(DROPPING + ".tmp")
        with open(staged, "w") as fh:
            json.dump(swaps, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(staged, marker)  # from here on, open() completes the swap
        self._finish_drop()
        return removed

    def _finish_drop(self) -> None:
        marker = self.directory / DROPPING
        if not marker.exists():
            return
        for name in json.loads(marker.read_text()):
            tmp = self.directory / (name + ".dropping")
            if tmp.exists():
                os.replace(tmp, self.directory / name)
        marker.unlink()

    def close(self) -> None:
        for fh in self.handles.values():
            fh.close()
        self.handles.clear()
