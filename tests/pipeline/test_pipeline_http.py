"""The OpenAI-compatible backend against a real HTTP server on loopback with injected faults."""

from __future__ import annotations

import time

import pytest
from fake_server import FakeServer

from alignscape.pipeline.backends.openai_http import OpenAIBackend
from alignscape.runtime import BackendError, Request


def _req(text="Say hi", **kw):
    return Request([{"role": "user", "content": text}], **kw)


def backend(url, **kw):
    kw = {"concurrency": 4, "timeout": 1.0, "max_retries": 3, "backoff": 0.01, **kw}
    return OpenAIBackend(model="fake", base_url=url, **kw)


@pytest.mark.parametrize("fault", ["429", "500", "503", "timeout", "malformed", "nocontent"])
def test_transient_faults_are_retried_until_success(fault):
    # Every request fails twice with the fault, then succeeds.
    seen = {}

    def faults(n, body):
        key = body["messages"][-1]["content"]
        seen[key] = seen.get(key, 0) + 1
        return fault if seen[key] <= 2 else None

    with FakeServer(faults, timeout_sleep=0.6) as s:
        b = backend(s.url, timeout=0.25)
        out = b.generate([_req(f"prompt {i}") for i in range(3)])
    assert all(r.ok for r in out), [r.error for r in out]
    assert [r.attempts for r in out] == [3, 3, 3]
    assert all(v == 3 for v in seen.values())


def test_a_request_that_keeps_failing_comes_back_with_its_error():
    with FakeServer(lambda n, body: "500" if "doomed" in str(body) else None) as s:
        out = backend(s.url, max_retries=2).generate([_req("fine"), _req("doomed")])
    assert out[0].ok
    assert not out[1].ok and out[1].text is None
    assert "HTTP 500" in out[1].error and out[1].attempts == 3


def test_client_errors_are_not_retried():
    with FakeServer(lambda n, body: "400") as s:
        out = backend(s.url).generate([_req()])
        assert s.count == 1
    assert "HTTP 400" in out[0].error and out[0].attempts == 1


def test_malformed_body_that_never_heals_is_recorded_not_raised():
    with FakeServer(lambda n, body: "malformed") as s:
        out = backend(s.url, max_retries=1).generate([_req()])
    assert out[0].error.startswith("malformed response body")


def test_concurrency_is_bounded_and_used():
    with FakeServer(delay=0.1) as s:
        b = backend(s.url, concurrency=3)
        start = time.monotonic()
        out = b.generate([_req(f"p{i}") for i in range(9)])
        elapsed = time.monotonic() - start
        assert s.max_in_flight == 3
    assert all(r.ok for r in out)
    assert elapsed < 0.9 * 0.1 * 9  # faster than one at a time


def test_connection_refused_is_an_error_per_request():
    with FakeServer() as s:
        url = s.url
    out = backend(url, max_retries=1).generate([_req()])
    assert out[0].error.startswith("connection error")


def test_missing_base_url_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(BackendError, match="--base-url"):
        OpenAIBackend(model="x")


def test_request_body_carries_decoding_settings():
    bodies = []

    def spy(n, body):
        bodies.append(body)

    with FakeServer(spy) as s:
        backend(s.url).generate([_req(temperature=0.7, top_p=0.9, seed=11, max_tokens=33,
                                      stop=["\n\n"])])
    assert bodies[0] | {} == {**bodies[0], "temperature": 0.7, "top_p": 0.9, "seed": 11,
                               "max_tokens": 33, "stop": ["\n\n"], "model": "fake"}
