"""An OpenAI-compatible chat-completions server on loopback for the tests: real HTTP, a
deterministic "model" that answers every alignscape prompt in a parseable way, and injectable
faults (429 with Retry-After, 500, timeouts, malformed bodies, 400)."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _section(text: str, name: str) -> str:
    m = re.search(rf"\[{re.escape(name)}\]\n(.*?)(?=\n\n\[|\n\nWhich|\n\nRate|\n\nRank|\Z)",
                  text, re.S)
    return m.group(1) if m else ""


def reply(messages: list[dict], seed=None, temperature=0.0, vary=False) -> str:
    """The fake model: prefers longer responses, consistently, whatever their position."""
    text = messages[-1]["content"]
    if '"[[A]]"' in text:
        a, b = _section(text, "Response A"), _section(text, "Response B")
        if len(a) == len(b):
            return "They are equally good. [[C]]"
        return f"Reasoning about both. [[{'A' if len(a) > len(b) else 'B'}]]"
    if "Ranking: [2] > [1] > [3]" in text:
        items = re.findall(r"\n\[(\d+)\]\n(.*?)(?=\n\n\[\d+\]\n|\n\nRank all)", text, re.S)
        order = sorted(items, key=lambda it: -len(it[1]))
        return "Ranking: " + " > ".join(f"[{i}]" for i, _ in order)
    if '"Verdict: yes"' in text:
        return "Verdict: " + ("yes" if _h(text) % 3 else "no")
    if "Rating: [[N]]" in text:
        resp = _section(text, "Response")
        return f"Some reasons.\nRating: [[{1 + _h(resp) % 5}]]"
    if text.startswith("Correct the response") or "Correct the response:" in text:
        return _section(text, "Response") + " Corrected."
    if "Identify specific ways" in text:
        return "The response could be more specific."
    if "Rewrite the response so that it addresses the critique" in text:
        revised = "A revised and more specific response. " + text[-60:].replace("\n", " ")
        # With varied answers, a revision states a final answer as a real model's revised
        # solution does, so an answer check can verify it (Step-DPO's rectified steps).
        return revised + (f" The answer is {_h(text) % 3 + 3}." if vary else "")
    if "Continue the solution" in text:
        return "Then we add the numbers.\n\nThe answer is " + ("4" if _h(text + str(seed)) % 2
                                                               else "5")
    if "Write one new, different task" in text or "Rewrite the following task" in text:
        return f"Explain topic number {_h(text) % 97} in simple terms."
    if "Write the instruction" in text:
        return "Describe the text."
    if "Rewrite the following response so that it contains one subtle" in text:
        return text.rsplit("\n\n", 1)[-1] + " (subtly wrong)"
    if "Answer carelessly" in messages[0]["content"]:
        # Told to answer carelessly (contrastive_prompting's negative prompt), it does, as a
        # real model would: shorter than any other answer, so worse to the judge.
        return "Whatever. The answer is 7."
    words = 5 + _h(f"{text}|{seed}|{temperature}") % 30
    answer = _h(text) % 3 + 3
    if vary and seed is not None and temperature:
        # Samples of one prompt reach different final answers, as a real model's do.
        answer = (_h(text) + _h(str(seed))) % 3 + 3
    return " ".join(["word"] * words) + f". The answer is {answer}."


class FakeServer:
    """Start with ``with FakeServer() as s:``; ``s.url`` is the base URL (…/v1).

    ``vary_answers``: seeded samples at a temperature above 0 reach different final answers
(otherwise the final answer depends on the prompt only).

faults: a function (request_number, body) -> None | "429" | "500" | "400" | "timeout" |
    "malformed" | "nocontent" | "length" (an answer cut at max_tokens); ``delay`` seconds are
    slept before answering."""

    def __init__(self, faults=None, delay: float = 0.0, timeout_sleep: float = 2.0,
                 vary_answers: bool = False):
        self.faults = faults or (lambda n, body: None)
        self.vary_answers = vary_answers
        self.delay = delay
        self.timeout_sleep = timeout_sleep
        self.count = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.log: list[tuple[int, str]] = []
        self.bodies: list[dict] = []

    def __enter__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
            # Headers and body are separate writes: without TCP_NODELAY each answer waits for
            # the client's delayed ACK (~40 ms), which real servers do not make it do.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length))
                with server.lock:
                    server.count += 1
                    n = server.count
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._answer(n, body)
                finally:
                    with server.lock:
                        server.in_flight -= 1

            def _answer(self, n, body):
                fault = server.faults(n, body)
                server.log.append((n, fault or "ok"))
                server.bodies.append(body)
                if server.delay:
                    time.sleep(server.delay)
                if fault == "timeout":
                    time.sleep(server.timeout_sleep)
                    fault = None
                if fault in ("429", "500", "400", "503"):
                    payload = b'{"error": {"message": "injected"}}'
                    self.send_response(int(fault))
                    if fault == "429":
                        self.send_header("Retry-After", "0")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault == "malformed":
                    payload = b'{"choices": [ this is not json'
                elif fault == "nocontent":
                    payload = json.dumps({"choices": []}).encode()
                else:
                    content = reply(body["messages"], body.get("seed"),
                                    body.get("temperature", 0.0), server.vary_answers)
                    payload = json.dumps({"model": body.get("model") or "fake", "choices": [
                        {"message": {"role": "assistant", "content": content},
                         "finish_reason": "length" if fault == "length" else "stop"}]}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class Server(ThreadingHTTPServer):
            # socketserver's default backlog of 5 drops the SYNs of a burst of new
            # connections, which the client then sees as a connect timeout a second later.
            request_queue_size = 256

            def handle_error(self, request, client_address):
                pass  # a client that hung up (a cancelled or hedged request) is not an error

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":  # used by the SIGKILL test as a separate process
    import sys

    with FakeServer(delay=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0) as s:
        print(s.url, flush=True)
        threading.Event().wait()
