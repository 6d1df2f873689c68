"""Several batches in flight at once, committed strictly in input order.

The runner's batches are independent until they are written: each runs its stages on a worker
thread (stages block on their backend calls; the HTTP backend serves every thread from one pool
of in-flight requests), and the main thread commits finished batches in the order they were
read, so the output files and checkpoint are byte for byte those of a one-batch-at-a-time run
and a resume is exact. A batch that finished early waits in memory for the ones before it;
at most ``window`` batches exist at once (being read, run or waiting), which bounds memory to
``window × batch_size`` records. When any batch fails, the run stops at once: nothing after the
last committed batch is written, the backends are asked to cancel what is in flight, and the
worker threads are joined before the exception goes on.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from alignscape.runtime import set_request_priority

MAX_WINDOW = 256


def window_size(concurrency: int, batch_size: int, concurrent: bool) -> int:
    """Batches in flight: enough for ``4 × concurrency`` records, so that while some batches
    wait for their slowest request (or a hedged hang, about one second) the others keep every
    request slot busy, even when a record sends only one request per stage. 1 when a backend
    cannot be called from several threads (local models, replay): today's sequential loop."""
    if not concurrent:
        return 1
    return max(2, min(MAX_WINDOW, math.ceil(4 * concurrency / max(1, batch_size))))


def run_ordered(batches: Iterable, work: Callable, commit: Callable, window: int,
                on_abort: Callable[[], None] = lambda: None,
                tick: Callable[[], None] = lambda: None, tick_seconds: float = 0.5,
                submit: Callable[[object], Future] | None = None) -> int:
    """``commit(batch, work(batch), last)`` for every batch, in order, with up to ``window``
    batches between being read and being committed; ``last`` is true for the final batch.
    ``tick`` is called on the main thread every ``tick_seconds`` while it waits. ``submit``
    (batch -> Future), when given, computes the batches instead of ``work`` on threads
    (forked.worker_pool's processes). Returns the number of batches committed."""
    if window <= 1 and submit is None:
        done = 0
        previous = _MISSING
        for batch in batches:
            if previous is not _MISSING:
                commit(previous, work(previous), False)
                done += 1
            previous = batch
        if previous is not _MISSING:
            commit(previous, work(previous), True)
            done += 1
        return done
    pending: deque[tuple[object, Future]] = deque()
    committed = 0
    pool = ThreadPoolExecutor(max_workers=window, thread_name_prefix="alignscape-batch") \
        if submit is None else None
    sequence = 0

    def start(batch) -> Future:
        nonlocal sequence
        if pool is None:
            return submit(batch)
        sequence += 1
        return pool.submit(_in_turn, work, batch, sequence)

    source = iter(batches)
    ahead = [next(source, _MISSING)]  # one batch read ahead: is the oldest one the last?
    try:
        while ahead[0] is not _MISSING or pending:
            while ahead[0] is not _MISSING and len(pending) < window:
                pending.append((ahead[0], start(ahead[0])))
                # Read the next one only when there is room for it, so that at most
                # ``window`` batches are ever held (read ahead, running or waiting).
                ahead[0] = next(source, _MISSING) if len(pending) < window else _AHEAD
            _wait_for_oldest(pending, tick, tick_seconds)
            while pending and pending[0][1].done():
                if ahead[0] is _AHEAD and len(pending) == 1:
                    ahead[0] = next(source, _MISSING)
                batch, future = pending.popleft()
                commit(batch, future.result(), ahead[0] is _MISSING and not pending)
                committed += 1
            if ahead[0] is _AHEAD and len(pending) < window:
                ahead[0] = next(source, _MISSING)
    except BaseException:
        on_abort()
        raise
    finally:
        for _, future in pending:
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return committed


def _in_turn(work: Callable, batch, sequence: int):
    # The oldest batch's requests go first (runtime.request_priority): it is the next to be
    # committed, and the window moves on only when it is.
    set_request_priority(sequence)
    return work(batch)


def _wait_for_oldest(pending: deque, tick, tick_seconds) -> None:
    """Until the oldest batch is done; raises at once when any batch failed."""
    while not pending[0][1].done():
        # Only the batches still running are waited for: a later one already done would end
        # every wait at once, a busy loop taking the CPU from the batches being computed.
        running = []
        for _, future in pending:
            if not future.done():
                running.append(future)
            elif future.exception() is not None:
                raise future.exception()  # a later batch failed: stop now, not in its turn
        wait(running, timeout=tick_seconds, return_when=FIRST_COMPLETED)
        tick()


class _Missing:
    pass


_MISSING = _Missing()
_AHEAD = _Missing()  # the next batch is not read yet (the window was full)


class Deferred:
    """Stands in for an object (the checkpoint, the progress bar) on a worker thread: every
    method call is recorded, and ``replay`` makes the same calls on the real object, in order,
    when the batch's turn to be committed comes."""

    def __init__(self):
        self._calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)

        def record(*args, **kwargs):
            # Lazy iterables (a map over the records) are consumed here, on the worker.
            args = tuple(list(a) if _lazy(a) else a for a in args)
            self._calls.append((name, args, kwargs))

        return record

    def replay(self, target) -> None:
        for name, args, kwargs in self._calls:
            getattr(target, name)(*args, **kwargs)


def _lazy(value) -> bool:
    return hasattr(value, "__next__")


class Serialized:
    """Every method call of the wrapped object under one lock (the per-stage counts that all
    batch threads add to)."""

    def __init__(self, target):
        self._target = target
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        value = getattr(self._target, name)
        if not callable(value):
            return value

        def locked(*args, **kwargs):
            with self._lock:
                return value(*args, **kwargs)

        return locked
