"""Any OpenAI-compatible chat-completions server: vLLM, llama.cpp's server, a hosted API.

One pool of in-flight requests. The backend owns one asyncio event loop on a background
thread with one pool of kept-alive HTTP/1.1 connections (http1.py: httpx costs ten times the
CPU per request, see there); every caller (the runner keeps several batches in
flight on worker threads, each calling ``generate`` from its own thread) submits its whole list
of requests with one ``run_coroutine_threadsafe`` and waits on one future. All requests of all
callers share one semaphore of ``concurrency`` slots, so a batch waiting for its slowest request
never idles the other slots, and nothing spawns a thread per request. Callers on other threads
(Ray workers, code that runs its own event loop) are unaffected: the loop is the backend's.

Deadlines. Every attempt has a total deadline of ``timeout`` seconds (connect, send, wait and
read together, not a per-read timeout, which a server trickling bytes never trips).
Hangs are answered by hedging rather than by a short timeout: once ``hedge_min_samples``
answers have been seen, an attempt still unanswered after ``hedge_factor`` times the recent
95th-percentile latency (never less than ``hedge_floor`` seconds, never once the deadline is
that close), counted from when it got its slot and not while it queued for one, gets a
duplicate sent beside it (outside the slots, see _hedged); if neither answers within another such
delay, another, up to ``max_hedges``. Whichever answers first wins and the rest are cancelled.
Attempts sent before the latency is known are hedged as soon as it is. A legitimately long
generation is therefore never cut off (it keeps running up to ``timeout``), while a stuck one
costs about one hedge delay instead of the whole deadline.
Hedges are capped at ``hedge_budget`` of all attempts, so a server that is slow for everyone
(overloaded) is not sent twice the load. A hedge counts as an attempt in
``Response.attempts``. The default deadline stays 60 s: long answers of real models take tens of
seconds, and the hedge, not the deadline, is what keeps hangs cheap.

Retries: 429, 5xx, timeouts, connection errors and malformed bodies are retried with
exponential backoff and jitter, honouring Retry-After; other 4xx fail at once. The backoff
sleep holds no slot. A request that still fails comes back as a Response with its error and the
number of attempts: the stage records it, the runner writes it to failures.jsonl, nothing is
dropped. ``cancel`` (the runner calls it when a run stops) ends every request in flight at once
with the error "cancelled".
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import os
import random
import threading
import time
from collections import deque

from alignscape.pipeline.backends.http1 import HTTPError, Pool
from alignscape.runtime import Backend, BackendError, Request, Response, request_priority

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
_RECHECK = 0.25  # seconds between looks at a hedge delay not yet known
_encode = json.JSONEncoder(ensure_ascii=False).encode


class OpenAIBackend(Backend):
    concurrent_callers = True

    def __init__(self, model: str | None = None, base_url: str | None = None,
                 api_key: str | None = None, concurrency: int = 8, timeout: float = 60.0,
                 max_retries: int = 5, backoff: float = 0.5, max_backoff: float = 30.0,
                 hedge: bool = True, hedge_factor: float = 3.0, hedge_floor: float = 1.0,
                 hedge_min_samples: int = 20, hedge_budget: float = 0.1,
                 max_hedges: int = 2):
        base_url = base_url or os.environ.get("OPENAI_BASE_URL")
        if not base_url:
            raise BackendError("openai backend: give --base-url (or set OPENAI_BASE_URL), e.g. "
                               "http://127.0.0.1:8000/v1 for a local vLLM server")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.concurrency = max(1, int(concurrency))
        self.timeout = float(timeout)
        self.max_retries = max(0, int(max_retries))
        self.backoff, self.max_backoff = float(backoff), float(max_backoff)
        self.hedge, self.hedge_factor, self.hedge_floor = hedge, hedge_factor, hedge_floor
        self.hedge_min_samples, self.hedge_budget = hedge_min_samples, hedge_budget
        self.max_hedges = max(0, int(max_hedges))
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self._headers = {"content-type": "application/json",
                         **({"Authorization": f"Bearer {key}"} if key else {})}
        # The backend's identity, not its address: a run resumed against another address of
        # the same server keeps one judge name in its dataset.
        self.name = f"openai:{model or 'server-default'}"
        self.base_url = base_url
        self.in_flight = 0  # attempts holding a slot now (the progress display shows it)
        self.attempts = 0
        self.hedges = 0
        self._latencies: deque[float] = deque(maxlen=200)
        self._p95: float | None = None
        self._since_p95 = 0
        self._tasks: set[asyncio.Task] = set()
        self._cancelled = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="alignscape-http")
        self._thread.start()
        self._slots: _Slots = self._call(self._setup())

    async def _setup(self) -> _Slots:
        # Created on the loop: the connections and the slots belong to it.
        self.client = Pool(self.url, self._headers, connect_timeout=min(10.0, self.timeout))
        return _Slots(self.concurrency)

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def generate(self, requests: list[Request]) -> list[Response]:
        if not requests:
            return []
        return self._call(self._many([self._body(r) for r in requests], request_priority()))

    async def _many(self, bodies: list[dict], priority: int) -> list[Response]:
        tasks = [asyncio.ensure_future(self._one(b, priority)) for b in bodies]
        self._tasks.update(tasks)
        try:
            return list(await asyncio.gather(*tasks))
        finally:
            self._tasks.difference_update(tasks)

    def _body(self, req: Request) -> dict:
        body = {"model": req.model or self.model, "messages": req.messages,
                "temperature": req.temperature, "top_p": req.top_p,
                "max_tokens": req.max_tokens}
        if req.seed is not None:
            body["seed"] = req.seed
        if req.stop:
            body["stop"] = req.stop
        return {k: v for k, v in body.items() if v is not None}

    async def _one(self, body: dict, priority: int) -> Response:
        model = body.get("model")
        payload = _encode(body).encode()
        error, attempt = "not attempted", 0
        try:
            while attempt <= self.max_retries:
                if self._cancelled:
                    return Response(None, model, error="cancelled", attempts=attempt)
                result, error, retry_after, retryable, used = await self._hedged(payload, model,
                                                                            priority)
                attempt += used
                if result is not None:
                    result.attempts = attempt
                    return result
                if not retryable:
                    return Response(None, model, error=error, attempts=attempt)
                if attempt <= self.max_retries:
                    delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
                    await asyncio.sleep(max(retry_after or 0.0,
                                            delay * (0.5 + random.random() / 2)))
        except asyncio.CancelledError:
            return Response(None, model, error="cancelled", attempts=max(1, attempt))
        return Response(None, model, error=error, attempts=attempt)

    async def _hedged(self, payload: bytes, model, priority: int):
        """One attempt, plus hedges while it stays unanswered past the hedge delay; returns
        (Response | None, error, retry_after, retryable, attempts used)."""
        on_wire = asyncio.Event()
        first = asyncio.ensure_future(self._attempt(payload, model, priority, on_wire))
        racing = {first}
        try:
            if not self.hedge:
                await asyncio.wait(racing)
                return (*first.result(), 1)
            # The hedge clock starts when the request holds a slot: time spent queued behind
            # other requests says nothing about this one being stuck.
            sent = asyncio.ensure_future(on_wire.wait())
            await asyncio.wait({first, sent}, return_when=asyncio.FIRST_COMPLETED)
            sent.cancel()
            if first.done():
                return (*first.result(), 1)
            loop = asyncio.get_running_loop()
            clock = loop.time()
            used, outcome = 1, None
            while racing:
                delay = self._hedge_delay() if used <= self.max_hedges else None
                # No delay yet (too few answers seen, budget spent): look again shortly, so
                # the first requests of a run are hedged once the latency is known.
                wait = _RECHECK if delay is None else max(0.0, clock + delay - loop.time())
                done, racing = await asyncio.wait(racing, timeout=wait,
                                                  return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    outcome = task.result()
                    if outcome[0] is not None:
                        return (*outcome, used)
                if done and not racing:
                    break  # every attempt failed: the caller retries with backoff
                if not done and delay is not None and loop.time() >= clock + delay:
                    self.hedges += 1
                    used += 1
                    clock = loop.time()
                    # A hedge takes no slot: the stuck attempt holds one it does not use, and
                    # queued behind the others the hedge would not end the wait it exists to
                    # end. The budget bounds how far past `concurrency` hedges can go.
                    racing.add(asyncio.ensure_future(
                        self._attempt(payload, model, priority, slotted=False)))
            return (*outcome, used)
        finally:
            # A cancelled caller or the winner of the race leaves nothing running behind.
            for task in racing:
                task.cancel()

    def _hedge_delay(self) -> float | None:
        if not self.hedge or self._p95 is None or \
                self.hedges >= self.hedge_budget * max(1, self.attempts):
            return None
        delay = max(self.hedge_floor, self.hedge_factor * self._p95)
        return delay if delay < 0.8 * self.timeout else None

    def _observe(self, seconds: float) -> None:
        self._latencies.append(seconds)
        self._since_p95 += 1
        if len(self._latencies) >= self.hedge_min_samples and \
                (self._p95 is None or self._since_p95 >= 20):
            ordered = sorted(self._latencies)
            self._p95 = ordered[int(0.95 * (len(ordered) - 1))]
            self._since_p95 = 0

    async def _attempt(self, payload: bytes, model, priority: int,
                       on_wire: asyncio.Event | None = None, slotted: bool = True):
        """(Response | None, error, retry_after, retryable) of one HTTP request."""
        if slotted:
            await self._slots.acquire(priority)
        if on_wire is not None:
            on_wire.set()
        try:
            self.in_flight += 1
            self.attempts += 1
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.timeout):
                    resp = await self.client.post(payload)
            except TimeoutError:
                return None, f"timeout (no answer within {self.timeout:g} s)", None, True
            except HTTPError as exc:
                return None, f"connection error ({exc})", None, True
            finally:
                self.in_flight -= 1
        finally:
            if slotted:
                self._slots.release()
        if resp.status != 200:
            error = f"HTTP {resp.status}: {resp.text[:200]}"
            return (None, error, _retry_after(resp.headers.get("retry-after")),
                    resp.status in RETRY_STATUS)
        try:
            data = json.loads(resp.content)
            choice = data["choices"][0]
            text = choice["message"]["content"]
            if not isinstance(text, str):
                raise TypeError("content is not a string")
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            return None, f"malformed response body ({type(exc).__name__}: {exc})", None, True
        self._observe(time.monotonic() - started)
        return (Response(text, data.get("model") or model,
                         meta={"finish_reason": choice.get("finish_reason")}),
                None, None, False)

    def cancel(self) -> None:
        """End every request in flight now (each comes back with the error "cancelled")."""
        self._cancelled = True

        def stop():
            for task in list(self._tasks):
                task.cancel()

        if self._loop.is_running():
            self._loop.call_soon_threadsafe(stop)

    def close(self) -> None:
        if not self._loop.is_running():
            return
        self.cancel()
        try:
            self._call(self.client.close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop.close()


class _Slots:
    """A semaphore whose waiters go in priority order (lower first, then first come)."""

    def __init__(self, size: int):
        self.free = size
        self._waiting: list = []
        self._order = itertools.count()

    async def acquire(self, priority: int) -> None:
        if self.free > 0 and not self._waiting:
            self.free -= 1
            return
        ticket = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), ticket))
        try:
            await ticket
        except asyncio.CancelledError:
            if ticket.done() and not ticket.cancelled():
                self.release()  # handed a slot in the same instant it was cancelled
            raise

    def release(self) -> None:
        while self._waiting:
            _, _, ticket = heapq.heappop(self._waiting)
            if not ticket.done():
                ticket.set_result(None)
                return
        self.free += 1


def _retry_after(value: str | None) -> float | None:
    try:
        return min(60.0, float(value)) if value else None
    except ValueError:
        return None
