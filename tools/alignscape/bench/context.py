"""What every benchmark receives and returns: the shared synthetic catalogs, a way to time a
process (wall, CPU and its own peak memory), and the rows of the report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Result:
    """One row of the report. `seconds` is what alignscape took (or a ratio, with unit="x");
    a row measured against a baseline in the same run names it and gives its time, and the
    report shows the ratio baseline / alignscape. peak_mb is the peak resident memory of the
    process measured (the baseline's in baseline_peak_mb). A row that was not measured says so
    in `note` with seconds=None."""
    label: str
    seconds: float | None  # or a ratio, with unit="x"
    note: str = ""
    unit: str = "s"
    baseline: str = ""
    baseline_seconds: float | None = None
    peak_mb: float | None = None
    baseline_peak_mb: float | None = None
    goal: str = ""
    entries: int | None = None

    @property
    def ratio(self) -> float | None:
        if self.seconds and self.baseline_seconds:
            return self.baseline_seconds / self.seconds
        return None

    def as_dict(self) -> dict:
        return dict(asdict(self), ratio=self.ratio)


@dataclass
class Timing:
    wall: float
    cpu: float  # user + system of the child: what the work costs on a busy machine too
    peak_mb: float = 0.0  # the child's own peak resident memory


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

    def run(self, command: list[str], *, env: dict | None = None, cwd: Path | None = None,
            check: bool = True) -> tuple[Timing, subprocess.CompletedProcess]:
        """Run `command` in a new process: its wall and CPU time and its own peak memory
        (started by the small launcher process, see bench/launcher.py, and reaped with
        os.wait4: the rusage of that child alone)."""
        out = self.workdir / ".child-stdout"
        err = self.workdir / ".child-stderr"
        answer = launcher().run(command, dict(os.environ, **(env or {})), cwd, out, err)
        done = subprocess.CompletedProcess(
            command, answer["returncode"], out.read_text(encoding="utf-8", errors="replace"),
            err.read_text(encoding="utf-8", errors="replace"))
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:3])} ... failed:\n{done.stderr[-2000:]}")
        timing = Timing(answer["wall"], answer["cpu"], answer["maxrss_kb"] / 1024)
        return timing, done

    def cli(self, *args: str, env: dict | None = None,
            check: bool = True) -> tuple[Timing, subprocess.CompletedProcess]:
        """Run `alignscape ARGS` in a new process (see run)."""
        script = Path(sys.executable).with_name("alignscape")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "alignscape.cli"]
        return self.run([*command, *args], env=env, check=check)


class _Launcher:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", "alignscape.bench.launcher"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)

    def run(self, command, env, cwd, out: Path, err: Path) -> dict:
        request = {"command": [str(c) for c in command], "env": env,
                   "cwd": str(cwd) if cwd else None, "stdout": str(out), "stderr": str(err)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark's launcher process ended")
        return json.loads(line)


_LAUNCHER: list[_Launcher] = []


def launcher() -> _Launcher:
    """The one launcher of this process; the runner starts it first, while it is small."""
    if not _LAUNCHER:
        _LAUNCHER.append(_Launcher())
    return _LAUNCHER[0]
