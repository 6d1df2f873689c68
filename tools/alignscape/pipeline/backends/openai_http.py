"""Any OpenAI-compatible chat-completions server: vLLM, llama.cpp's server, a hosted API.

httpx rather than the stdlib: one pooled, thread-safe client with separate connect/read
timeouts and connection limits, which urllib cannot give without hand-written pooling. Requests
of a batch run on a thread pool bounded by ``concurrency`` (threads, not asyncio, so the
backend also works inside Ray workers and callers that already run an event loop).

Retries: 429, 5xx, timeouts, connection errors and malformed bodies are retried with
exponential backoff and jitter, honouring Retry-After; other 4xx fail at once. A request that
still fails comes back as a Response with its error and the number of attempts: the stage
records it, the runner writes it to failures.jsonl, nothing is dropped.
"""

from __future__ import annotations

import os
import random
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from alignscape.runtime import Backend, BackendError, Request, Response

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class OpenAIBackend(Backend):
    def __init__(self, model: str | None = None, base_url: str | None = None,
                 api_key: str | None = None, concurrency: int = 8, timeout: float = 60.0,
                 max_retries: int = 5, backoff: float = 0.5, max_backoff: float = 30.0):
        base_url = base_url or os.environ.get("OPENAI_BASE_URL")
        if not base_url:
            raise BackendError("openai backend: give --base-url (or set OPENAI_BASE_URL), e.g. "
                               "http://127.0.0.1:8000/v1 for a local vLLM server")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.concurrency = max(1, int(concurrency))
        self.max_retries = max(0, int(max_retries))
        self.backoff, self.max_backoff = float(backoff), float(max_backoff)
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = httpx.Client(
            headers=headers, timeout=httpx.Timeout(float(timeout), connect=min(10.0, timeout)),
            limits=httpx.Limits(max_connections=self.concurrency,
                                max_keepalive_connections=self.concurrency))
        # The backend's identity, not its address: a run resumed against another address of
        # the same server keeps one judge name in its dataset.
        self.name = f"openai:{model or 'server-default'}"
        self.base_url = base_url

    def generate(self, requests: list[Request]) -> list[Response]:
        if len(requests) <= 1 or self.concurrency == 1:
            return [self._one(r) for r in requests]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            return list(pool.map(self._one, requests))

    def _body(self, req: Request) -> dict:
        body = {"model": req.model or self.model, "messages": req.messages,
                "temperature": req.temperature, "top_p": req.top_p,
                "max_tokens": req.max_tokens}
        if req.seed is not None:
            body["seed"] = req.seed
        if req.stop:
            body["stop"] = req.stop
        return {k: v for k, v in body.items() if v is not None}

    def _one(self, req: Request) -> Response:
        body = self._body(req)
        error = "not attempted"
        for attempt in range(1, self.max_retries + 2):
            retry_after = None
            try:
                resp = self.client.post(self.url, json=body)
                if resp.status_code == 200:
                    try:
                        data = resp.json()
                        text = data["choices"][0]["message"]["content"]
                        if not isinstance(text, str):
                            raise TypeError("content is not a string")
                        return Response(text, data.get("model") or body.get("model"),
                                        attempts=attempt,
                                        meta={"finish_reason":
                                              data["choices"][0].get("finish_reason")})
                    except (ValueError, KeyError, IndexError, TypeError) as exc:
                        error = f"malformed response body ({type(exc).__name__}: {exc})"
                else:
                    error = f"HTTP {resp.status_code}: {resp.text[:200]}"
                    if resp.status_code not in RETRY_STATUS:
                        return Response(None, body.get("model"), error=error, attempts=attempt)
                    retry_after = _retry_after(resp.headers.get("retry-after"))
            except httpx.TimeoutException as exc:
                error = f"timeout ({type(exc).__name__})"
            except httpx.TransportError as exc:
                error = f"connection error ({type(exc).__name__}: {exc})"
            if attempt <= self.max_retries:
                delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
                time.sleep(max(retry_after or 0.0, delay * (0.5 + random.random() / 2)))
        return Response(None, body.get("model"), error=error, attempts=self.max_retries + 1)

    def close(self) -> None:
        self.client.close()


def _retry_after(value: str | None) -> float | None:
    try:
        return min(60.0, float(value)) if value else None
    except ValueError:
        return None
