"""Starts the benchmarks' child processes from a small process of its own.

On Linux a child's peak memory (ru_maxrss, as os.wait4 reports it) starts at the resident size
of the process it was forked from: a command forked from the benchmark after it had generated
a million-response input reported that size (570 MB) for everything it ran afterwards. This
process is started before the benchmark has grown and stays small, so what it reports is the
command's own peak.

Protocol: one JSON request a line on stdin ({command, env, cwd, stdout, stderr}: the output
goes to those files), one JSON answer a line on stdout ({returncode, wall, cpu, maxrss_kb}).

    python -m alignscape.bench.launcher
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def serve(requests, answers) -> None:
    for line in requests:
        request = json.loads(line)
        started = time.perf_counter()
        with open(request["stdout"], "wb") as out, open(request["stderr"], "wb") as err:
            process = subprocess.Popen(request["command"], stdout=out, stderr=err,
                                       stdin=subprocess.DEVNULL, env=request["env"],
                                       cwd=request.get("cwd"))
            _, status, usage = os.wait4(process.pid, 0)
        answers.write(json.dumps({
            "returncode": os.waitstatus_to_exitcode(status),
            "wall": time.perf_counter() - started,
            "cpu": usage.ru_utime + usage.ru_stime,
            "maxrss_kb": usage.ru_maxrss}) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
