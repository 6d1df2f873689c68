"""What every benchmark receives and returns: the shared synthetic catalogs, a way to time a
CLI process, and the rows of the report."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    label: str
    seconds: float  # or a ratio, with unit="x"
    note: str = ""
    unit: str = "s"


@dataclass
class Context:
    entries: int
    workdir: Path
    source_root: Path
    _catalogs: dict = field(default_factory=dict)

    def synthetic_catalog(self, entries: int | None = None) -> Path:
        """A valid catalog of `entries` entries (the real ones plus generated ones) under the
        work folder, made once per size."""
        size = entries or self.entries
        if size not in self._catalogs:
            from alignscape.bench.synthetic import write_synthetic_catalog

            root = self.workdir / f"catalog-{size}"
            write_synthetic_catalog(self.source_root, root, size)
            self._catalogs[size] = root
        return self._catalogs[size]

    def cli(self, *args: str,
            env: dict | None = None) -> tuple[Timing, subprocess.CompletedProcess]:
        """Run `alignscape ARGS` in a new process: its wall and CPU time, and the process."""
        script = Path(sys.executable).with_name("alignscape")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "alignscape.cli"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([*command, *args], capture_output=True, text=True,
                              env=dict(os.environ, **(env or {})), timeout=3600)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise RuntimeError(f"alignscape {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return Timing(elapsed, cpu), done


@dataclass
class Timing:
    wall: float
    cpu: float  # user + system of the child: what the work costs on a busy machine too
