"""Run untrusted code with limits: a separate Python process (isolated mode, empty
environment, fresh temporary directory as cwd) under resource.setrlimit limits on CPU time,
address space, file size, open files and processes, and a wall-clock timeout that kills the
whole process group.

Not enforced (documented, not pretended): network access (no namespace isolation without
root-only tools such as unshare/bwrap, so code that opens sockets can), and filesystem reads
outside the temporary directory. Run untrusted candidates inside a container or VM when that
matters.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Outcome:
    passed: bool
    status: str  # passed | failed | timeout | memory | error
    detail: str = ""


def _limits(cpu_seconds: int, memory_mb: int):
    def apply():
        import resource

        os.setsid()
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        mem = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (10 * 1024 * 1024, 10 * 1024 * 1024))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_NPROC, (64, 64))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_tests(code: str, tests: str, *, timeout: float = 10.0, memory_mb: int = 512) -> Outcome:
    """Run ``code`` followed by ``tests`` (asserts, or a check() the tests call)."""
    with tempfile.TemporaryDirectory(prefix="alignscape-sandbox-") as tmp:
        script = Path(tmp) / "candidate.py"
        script.write_text(f"{code}\n\n{tests}\n", encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(script)], cwd=tmp, env={"PATH": "/usr/bin:/bin"},
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            preexec_fn=_limits(max(1, int(timeout)), memory_mb))
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return Outcome(False, "timeout", f"no result within {timeout}s")
    tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    if proc.returncode == 0:
        return Outcome(True, "passed")
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return Outcome(False, "timeout", f"killed by signal {-proc.returncode}")
    if "MemoryError" in tail[0]:
        return Outcome(False, "memory", tail[0])
    return Outcome(False, "failed", tail[0][:500])
