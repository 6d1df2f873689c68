"""Batches computed in forked worker processes, for recipes that call no backend.

Such a run is all computation (parsing, stages, formats, JSON encoding), so on one process it
uses one core however many the machine has; worker threads would not help (the GIL). Here each
batch runs in a worker process forked from the runner: the workers inherit the checked recipe
and the context, so nothing but the batch's records travels to them, and what comes back is
what the batch would write, already encoded (bytes and their CRC, see ``EncodedWrites``), its
progress-bar calls and its per-stage counts. The main process keeps everything that decides
what a run is: reading and validating the input, the batch boundaries, the committed ids, the
commits (one write and one fsync per batch, in input order, through flow.run_ordered) and the
"a stage failed on every record so far" check, made on the counts of the batches in order. So
the folder holds byte for byte what a one-process run writes, and a killed run resumes alike.

A recipe that calls a backend is never forked: its batches wait on requests (the runner's
worker threads serve those), and a loaded model or an open connection is not to be shared
between processes.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
import signal
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from alignscape.pipeline.flow import Deferred
from alignscape.stages.instantiation.encoding import lines as encode_lines

MAX_WORKERS = 8
# What the workers inherit, by pool: set just before a pool forks its workers.
_INHERITED: dict[int, object] = {}


def worker_count(wanted: int | None, backends: dict | None, batches: int) -> int:
    """Worker processes for a run: none (1: the batches run in this process) when a backend
    may be called (``backends`` not an empty dict) or fork is not available; else
    ``wanted``, by default one per CPU this process may use (at most MAX_WORKERS), or 1 for an
    input of a single batch (forking would cost more than it saves)."""
    if backends != {} or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if wanted is not None:
        return max(1, wanted)
    if batches < 2:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cpus or 1))


@contextmanager
def worker_pool(workers: int, compute: Callable):
    """``submit(batch) -> Future`` of ``compute(batch)`` in one of ``workers`` forked
    processes, or None when ``workers`` is 1. ``compute`` is inherited, never pickled: it may
    be a closure over the recipe and the context. The processes are started at once, before
    the caller starts threads of its own (the progress bar's): a fork copies only the thread
    that calls it, and a lock another thread held would stay held in the child."""
    if workers <= 1:
        yield None
        return
    key = id(compute)
    _INHERITED[key] = compute
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(
        "fork"), initializer=_start_worker, initargs=(os.getpid(),))
    try:
        pool.submit(int).result()  # a fork-context pool forks all its workers on first use
        yield functools.partial(pool.submit, _run_inherited, key)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        del _INHERITED[key]


def _start_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the main process stops the run (and this pool);
    # a worker's own KeyboardInterrupt would only add tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    """End this worker once the main process is gone (killed with SIGKILL, say): the workers
    hold both ends of the pool's task pipe, so none would ever read its end of file."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _run_inherited(key: int, batch):
    # The pool's task: a module-level function, so that it pickles by name.
    return _INHERITED[key](batch)


class EncodedWrites(Deferred):
    """A Deferred checkpoint whose rows are encoded where ``write`` is called (in the worker):
    what travels back to the main process is one buffer per file and its CRC, which the
    checkpoint appends (Checkpoint.append) instead of encoding the rows again."""

    def write(self, name: str, rows) -> None:
        buf = bytearray()
        n = encode_lines(rows, buf)
        if n:
            self._calls.append(("append", (name, buf, n, zlib.crc32(buf)), {}))


def portable(exc):
    """The exception itself when it survives pickling, else a RuntimeError saying what it
    was (only its type name and message are ever shown)."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any unpicklable exception is replaced
        return RuntimeError(f"{type(exc).__name__}: {exc}")
