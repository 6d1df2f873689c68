"""What a stage may ask of the run: the backend protocol and the context that holds backends.

This module sits below both ``alignscape.stages`` and ``alignscape.pipeline``: stages talk to
backends only through it, the pipeline builds backends (``alignscape.pipeline.backends``) and
contexts from it. It imports nothing from alignscape.

A backend answers a *list* of requests at once so it can run them concurrently (HTTP) or as
one padded batch (local models). It never raises for one bad request: the Response carries
the error, and the stage records it on the candidate or judgement it was for.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass, field

_calling = threading.local()


def request_priority() -> int:
    """The priority of requests sent from this thread now (lower goes first); the runner
    gives each batch in flight its sequence number, so that a backend with one pool of request
    slots serves the oldest batch first and batches finish (and are committed) in order."""
    return getattr(_calling, "priority", 0)


def set_request_priority(value: int) -> None:
    _calling.priority = value


# Roles a stage may ask for. Any role without its own backend falls back to "default".
ROLES = ("default", "policy", "reference", "teacher", "pool", "judge", "reward", "preference",
         "safety", "verifier")


class BackendError(Exception):
    """A backend cannot be used at all (bad configuration, missing files)."""


class RunAborted(Exception):
    """Requests fail systematically: the run stops with this one-line cause. Stages never
    catch it (the runner re-raises it past its per-record isolation)."""


def error_kind(error: str) -> str:
    """What two errors must share to be "the same error": the part before the first colon
    ("HTTP 501", "connection error (ConnectError", "timeout (ReadTimeout)")."""
    return error.split(":", 1)[0].strip()


@dataclass
class FailureGuard:
    """Watches every request's outcome and stops the run when they fail systematically:

    * the first ``first_n`` requests of the run all failed with the same error (a server
      answering 501 to everything, an unreachable address, a wrong model name);
    * or, once ``min_requests`` have finished, more than ``max_failure_rate`` of the last
      ``window`` requests failed (after their retries).

    ``max_failure_rate=1.0`` and ``first_n=0`` switch the checks off. Thread-safe: the runner
    keeps several batches in flight, each observing from its own thread."""

    first_n: int = 10
    max_failure_rate: float = 0.5
    window: int = 200
    min_requests: int = 50
    requests: int = 0
    failed: int = 0
    retries: int = 0
    errors: Counter = field(default_factory=Counter)
    _first: list = field(default_factory=list)
    _recent: deque = field(default_factory=deque)
    _ok_once: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def observe(self, responses) -> None:
        with self._lock:
            self._count(responses)
            self.check()

    def _count(self, responses) -> None:
        for resp in responses:
            self.requests += 1
            self.retries += max(0, int(getattr(resp, "attempts", 1) or 1) - 1)
            error = getattr(resp, "error", None)
            bad = error is not None
            if bad:
                self.failed += 1
                self.errors[error_kind(error)] += 1
            else:
                self._ok_once = True
            if self.first_n and not self._ok_once and len(self._first) < self.first_n:
                self._first.append(error_kind(error) if bad else None)
            self._recent.append(bad)
            if len(self._recent) > self.window:
                self._recent.popleft()

    def check(self) -> None:
        first = self._first
        if self.first_n and len(first) >= self.first_n and not self._ok_once \
                and len(set(first)) == 1 and first[0] is not None:
            raise RunAborted(f"the first {len(first)} requests all failed with the same error "
                             f"({first[0]}); check the server, its address and the model "
                             "name")
        if self.max_failure_rate < 1.0 and self.requests >= self.min_requests:
            rate = sum(self._recent) / len(self._recent)
            if rate > self.max_failure_rate:
                common = self.errors.most_common(1)[0][0] if self.errors else "unknown"
                raise RunAborted(f"{rate:.0%} of the last {len(self._recent)} requests failed "
                                 f"(more than --max-failure-rate {self.max_failure_rate:g}); "
                                 f"most common error: {common}")

    def stats(self) -> dict:
        return {"requests": self.requests, "requests_failed": self.failed,
                "retries": self.retries,
                "request_errors": dict(self.errors.most_common(10))}


@dataclass
class Request:
    messages: list[dict]
    model: str | None = None
    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int = 512
    seed: int | None = None
    stop: list[str] | None = None
    # What a replay backend looks responses up by (prompt_id, generator); ignored elsewhere.
    key: dict = field(default_factory=dict)


@dataclass
class Response:
    text: str | None
    model: str | None = None
    error: str | None = None
    attempts: int = 1
    meta: dict = field(default_factory=dict)
    # Per-token log-probabilities of the response's tokens, where the backend gives them
    # (``Backend.token_logprobs``); ``meta['tokens']`` may name the tokens and
    # ``meta['self_certainty']`` hold each position's KL(uniform || next-token distribution).
    logprobs: list[float] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


class Backend:
    """Generation (``generate``) and/or scoring (``score``); ``name`` goes into provenance."""

    name = "backend"
    can_generate = True
    can_score = False
    # Whether several threads may call it at once (the runner then keeps several batches in
    # flight); a backend that has not said so is called from one thread at a time.
    concurrent_callers = False
    in_flight = 0  # requests being answered now, for the progress display

    def generate(self, requests: list[Request]) -> list[Response]:
        raise BackendError(f"{self.name} cannot generate text")

    def score(self, prompts: list[str], responses: list[str]) -> list[Response]:
        """One Response per (prompt, response); ``meta['score']`` holds the float."""
        raise BackendError(f"{self.name} cannot score responses")

    def token_logprobs(self, requests: list[Request], responses: list[str]) -> list[Response]:
        """Teacher-forced log-probabilities: for each (request, response), the log-probability
        of every token of ``response`` following the request's messages, in
        ``Response.logprobs``. Raises BackendError when the backend cannot compute them (a
        chat-completions server returns log-probabilities only of tokens it samples)."""
        raise BackendError(f"{self.name} cannot give token log-probabilities of a given text")

    def cancel(self) -> None:
        """End the requests in flight soon (the run is stopping); calls may still return."""

    def close(self) -> None:
        pass


@dataclass
class Context:
    """Backends by role, model names by role, the run seed and the entry being run.

    A context manager: leaving the ``with`` block closes every backend once (a backend that
    serves several roles is closed once)."""

    backends: dict[str, Backend] = field(default_factory=dict)
    models: dict[str, object] = field(default_factory=dict)
    seed: int = 0
    entry: str | None = None
    guard: FailureGuard = field(default_factory=FailureGuard)

    def backend(self, role: str) -> Backend:
        found = self.backends.get(role) or self.backends.get("default")
        if found is None:
            raise BackendError(f"no backend for the {role!r} role: give --backend SPEC or "
                               f"--role {role}=SPEC")
        return found

    def model(self, role: str, default=None):
        return self.models.get(role, self.models.get("default", default))

    def generate(self, role: str, requests: list[Request]) -> list[Response]:
        if not requests:
            return []
        out = self.backend(role).generate(requests)
        self.guard.observe(out)
        return out

    def score(self, role: str, prompts: list[str], responses: list[str]) -> list[Response]:
        if not prompts:
            return []
        out = self.backend(role).score(prompts, responses)
        self.guard.observe(out)
        return out

    def token_logprobs(self, role: str, requests: list[Request],
                       responses: list[str]) -> list[Response]:
        """The role's teacher-forced token log-probabilities (``Backend.token_logprobs``);
        raises BackendError when its backend cannot give them."""
        if not requests:
            return []
        out = self.backend(role).token_logprobs(requests, responses)
        self.guard.observe(out)
        return out

    def concurrent(self) -> bool:
        """Whether every backend may be called from several threads at once."""
        return bool(self.backends) and all(getattr(b, "concurrent_callers", False)
                                           for b in self._unique())

    def in_flight(self) -> int:
        return sum(int(getattr(b, "in_flight", 0) or 0) for b in self._unique())

    def cancel(self) -> None:
        for backend in self._unique():
            if hasattr(backend, "cancel"):
                backend.cancel()

    def _unique(self) -> list[Backend]:
        return list({id(b): b for b in self.backends.values()}.values())

    def describe(self) -> dict:
        """Backend names per role, for provenance."""
        return {role: b.name for role, b in self.backends.items()}

    def close(self) -> None:
        for backend in self._unique():
            backend.close()

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
