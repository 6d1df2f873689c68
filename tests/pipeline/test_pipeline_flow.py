"""Continuous flow: several batches in flight, committed in input order, memory bounded by the
window, one pool of request slots shared by every caller, hung requests hedged. Correctness
only (counts and orders, never timings)."""

from __future__ import annotations

import threading

import pytest
from fake_server import FakeServer
from pipeline_helpers import read_jsonl
from test_pipeline_run import prompts, run_args

from alignscape.pipeline.backends.openai_http import OpenAIBackend
from alignscape.pipeline.flow import Deferred, run_ordered, window_size
from alignscape.runtime import Request


def _req(text):
    return Request([{"role": "user", "content": text}])


def test_batches_finishing_out_of_order_are_committed_in_order():
    last_done = threading.Event()
    committed = []

    def work(n):
        if n == 0:
            assert last_done.wait(10), "batch 0 never saw the others finish"
        if n == 3:
            last_done.set()
        return n * 10

    count = run_ordered(range(4), work, lambda b, r, last: committed.append((b, r, last)),
                        window=4)
    assert count == 4
    assert committed == [(0, 0, False), (1, 10, False), (2, 20, False), (3, 30, True)]


def test_the_window_bounds_the_batches_read_but_not_committed():
    read, committed, most = [], [], [0]

    def batches():
        for n in range(20):
            read.append(n)
            most[0] = max(most[0], len(read) - len(committed))
            yield n

    run_ordered(batches(), lambda n: n, lambda b, r, last: committed.append(b), window=3)
    assert committed == list(range(20))
    assert most[0] <= 3


def test_a_failing_batch_stops_the_flow_and_nothing_after_the_committed_prefix_is_written():
    committed, aborted = [], []

    def work(n):
        if n == 2:
            raise RuntimeError("boom")
        return n

    with pytest.raises(RuntimeError, match="boom"):
        run_ordered(range(50), work, lambda b, r, last: committed.append(b), window=4,
                    on_abort=lambda: aborted.append(True))
    assert committed == committed[:2] and set(committed) <= {0, 1}
    assert aborted == [True]


def test_window_is_one_for_backends_that_take_one_caller():
    assert window_size(64, 16, concurrent=False) == 1
    assert window_size(64, 16, concurrent=True) == 16
    assert window_size(1, 1000, concurrent=True) == 2


def test_deferred_replays_the_calls_in_order_and_reads_lazy_rows_once():
    sink = Deferred()
    sink.write("a", map(str, [1, 2]))
    sink.commit(["k"])
    seen = []

    class Target:
        def write(self, name, rows):
            seen.append((name, list(rows)))

        def commit(self, keys):
            seen.append(keys)

    sink.replay(Target())
    assert seen == [("a", ["1", "2"]), ["k"]]


def test_one_pool_of_slots_across_callers():
    release = threading.Event()

    def faults(n, body):
        if "held" in body["messages"][-1]["content"]:
            release.wait(20)

    with FakeServer(faults) as s:
        b = OpenAIBackend(model="fake", base_url=s.url, concurrency=4, timeout=30,
                          max_retries=0, hedge=False)
        held = []
        thread = threading.Thread(target=lambda: held.extend(b.generate([_req("held")])))
        thread.start()
        try:
            # Another caller's requests go through the three free slots while one is held.
            out = b.generate([_req(f"other {i}") for i in range(12)])
            assert all(r.ok for r in out)
            assert b.in_flight == 1 and not held
        finally:
            release.set()
            thread.join(20)
        assert held and held[0].ok
        assert s.max_in_flight <= 4
        b.close()


def test_a_hung_request_is_hedged_and_answered_by_the_duplicate():
    release = threading.Event()
    hung = {"n": 0}

    def faults(n, body):
        if "hang" in body["messages"][-1]["content"]:
            hung["n"] += 1
            if hung["n"] == 1:  # only the first send hangs, as a stuck server worker does
                release.wait(20)

    with FakeServer(faults) as s:
        b = OpenAIBackend(model="fake", base_url=s.url, concurrency=4, timeout=30,
                          max_retries=0, hedge_floor=0.05, hedge_min_samples=5)
        try:
            assert all(r.ok for r in b.generate([_req(f"warm {i}") for i in range(10)]))
            out = b.generate([_req("hang")])
            assert out[0].ok and out[0].attempts == 2
            assert hung["n"] == 2 and b.hedges == 1
        finally:
            release.set()
            b.close()


class _Stuck:
    """Server faults: the first `sends` sends of the "hang" request stick for up to 20 s, as a
    stuck server worker does; `gave_up` says the hold ran out (the client waited it out)."""

    def __init__(self, sends: int = 1):
        self.sends, self.seen = sends, 0
        self.release = threading.Event()
        self.gave_up: list[bool] = []

    def __call__(self, n, body):
        if "hang" in body["messages"][-1]["content"]:
            self.seen += 1
            if self.seen <= self.sends and not self.release.wait(20):
                self.gave_up.append(True)


def test_a_request_hung_before_the_latency_is_known_is_hedged_once_it_is():
    """No warm-up: the hung request is sent with the first ones, before any latency was seen;
    the answers of the others make the hedge delay known, and the hung one is hedged then
    instead of waiting out its 30 s deadline (the test's 20 s server hold would fail it)."""
    stuck = _Stuck()
    with FakeServer(stuck) as s:
        b = OpenAIBackend(model="fake", base_url=s.url, concurrency=4, timeout=30,
                          max_retries=0, hedge_floor=0.05, hedge_min_samples=5)
        try:
            out = b.generate([_req("hang")] + [_req(f"other {i}") for i in range(12)])
            assert all(r.ok for r in out)
            assert out[0].attempts == 2 and b.hedges == 1 and not stuck.gave_up
        finally:
            stuck.release.set()
            b.close()


def test_a_hung_hedge_is_hedged_again():
    stuck = _Stuck(sends=2)  # the first send and its first hedge both stick
    with FakeServer(stuck) as s:
        b = OpenAIBackend(model="fake", base_url=s.url, concurrency=4, timeout=30,
                          max_retries=0, hedge_floor=0.05, hedge_min_samples=5,
                          hedge_budget=1.0)
        try:
            assert all(r.ok for r in b.generate([_req(f"warm {i}") for i in range(10)]))
            out = b.generate([_req("hang")])
            assert out[0].ok and out[0].attempts == 3 and b.hedges == 2
            assert not stuck.gave_up
        finally:
            stuck.release.set()
            b.close()


def test_a_hedge_needs_no_free_slot():
    """With one slot, held by the stuck request, a hedge that queued for a slot would wait for
    the very request it exists to replace."""
    stuck = _Stuck()
    with FakeServer(stuck) as s:
        b = OpenAIBackend(model="fake", base_url=s.url, concurrency=1, timeout=30,
                          max_retries=0, hedge_floor=0.05, hedge_min_samples=5)
        try:
            assert all(r.ok for r in b.generate([_req(f"warm {i}") for i in range(10)]))
            out = b.generate([_req("hang")])
            assert out[0].ok and out[0].attempts == 2 and not stuck.gave_up
        finally:
            stuck.release.set()
            b.close()


def test_time_queued_for_a_slot_does_not_count_towards_the_hedge_delay():
    """One slot, six requests of 0.2 s each: the last queues about 1 s, longer than the 0.6 s
    hedge delay, but none is on the wire that long, so none is hedged."""
    slow = threading.Event()

    def faults(n, body):
        if slow.is_set():
            threading.Event().wait(0.2)

    with FakeServer(faults) as s:
        b = OpenAIBackend(model="fake", base_url=s.url, concurrency=1, timeout=30,
                          max_retries=0, hedge_floor=0.6, hedge_factor=1.0,
                          hedge_min_samples=5)
        try:
            assert all(r.ok for r in b.generate([_req(f"warm {i}") for i in range(10)]))
            slow.set()
            out = b.generate([_req(f"queued {i}") for i in range(6)])
            assert all(r.ok and r.attempts == 1 for r in out) and b.hedges == 0
        finally:
            b.close()


def test_cancel_ends_requests_in_flight():
    release = threading.Event()
    with FakeServer(lambda n, body: release.wait(20) and None) as s:
        b = OpenAIBackend(model="fake", base_url=s.url, concurrency=2, timeout=30,
                          max_retries=0, hedge=False)
        got = []
        thread = threading.Thread(target=lambda: got.extend(b.generate([_req("x")] * 3)))
        thread.start()
        while b.in_flight < 2:
            threading.Event().wait(0.01)
        b.cancel()
        thread.join(20)
        release.set()
        assert [r.error for r in got] == ["cancelled"] * 3
        b.close()


def test_a_held_request_does_not_hold_other_batches(tmp_path, cli, monkeypatch):
    """Prompt p0's first generation request is held by the server until the judge requests of
    every prompt of the other batches (p4-p15; batches of 4) have arrived: with one batch at a
    time that never happens (the server gives up after 20 s and the test fails on the flag it
    sets); with the flow it does. Hedging is off, so only the flow can let the others by."""
    monkeypatch.setattr(OpenAIBackend, "_hedge_delay", lambda self: None)
    prompts(tmp_path, 16)
    judged: set[str] = set()
    released = threading.Event()
    gave_up = []
    held_once = []

    def faults(n, body):
        text = body["messages"][-1]["content"]
        if "Rating" in text:
            for i in range(4, 16):
                if f"Question {i}:" in text:
                    judged.add(f"p{i}")
            if len(judged) == 12:
                released.set()
        elif text.startswith("Question 0:") and not held_once:
            held_once.append(n)
            if not released.wait(20):
                gave_up.append(True)

    with FakeServer(faults) as s:
        code, _, err = cli(*run_args(tmp_path, s.url, tmp_path / "out", "--timeout", "60",
                                     "--concurrency", "8", "--batches-in-flight", "4"))
    assert code == 0, err
    assert held_once and not gave_up
    ids = [r["prompt_id"] for r in read_jsonl(tmp_path / "out" / "records.jsonl")]
    assert ids == [f"p{i}" for i in range(16)]  # committed in input order all the same
