"""A fast OpenAI-compatible loopback server for the request benchmarks, in its own process so
that its CPU is never counted as the client's:

    python -m alignscape.bench.loopback [--latency MEAN] [--hang FRACTION] [--seed N]

prints its base URL and serves until killed. Each answer comes after a latency drawn uniformly
from [0.5, 1.5] x MEAN (0: at once); a FRACTION of requests, drawn per request (a retry or a
hedge of the same body is a new draw, as with a stuck server worker), is never answered.
Judge prompts asking for "Rating: [[N]]" get a rating, pairwise ones a verdict, anything else a
short answer. Plain asyncio protocol code (no HTTP framework is installed): one request at a
time per keep-alive connection, Content-Length bodies only, which is all an HTTP/1.1 client
sends here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import zlib


def _answer(body: bytes) -> bytes:
    if b"Rating: [[N]]" in body:
        content = f"Some reasons.\nRating: [[{1 + zlib.crc32(body) % 5}]]"
    elif b'"[[A]]"' in body:
        content = f"Reasons. [[{'AB'[zlib.crc32(body) % 2]}]]"
    else:
        content = "word " * (5 + zlib.crc32(body) % 20) + "The answer is 3."
    payload = json.dumps({"model": "loopback", "choices": [
        {"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]})
    data = payload.encode()
    return (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
            + str(len(data)).encode() + b"\r\n\r\n" + data)


class _Connection(asyncio.Protocol):
    def __init__(self, latency: float, hang: float, rng: random.Random):
        self.latency, self.hang, self.rng = latency, hang, rng
        self.buffer = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes):
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15:head.find(b"\r\n", at) if head.find(b"\r\n", at) > 0
                              else None]) if at >= 0 else 0
            end = head_end + 4 + length
            if len(self.buffer) < end:
                return
            body, self.buffer = self.buffer[head_end + 4:end], self.buffer[end:]
            self._respond(body)

    def _respond(self, body: bytes):
        if self.hang and self.rng.random() < self.hang:
            return  # never answered: the client's deadline or hedge must deal with it
        reply = _answer(body)
        if self.latency:
            delay = self.latency * (0.5 + self.rng.random())
            asyncio.get_running_loop().call_later(delay, self._send, reply)
        else:
            self._send(reply)

    def _send(self, reply: bytes):
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(reply)

    def connection_lost(self, exc):
        self.transport = None


async def serve(latency: float, hang: float, seed: int) -> None:
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Connection(latency, hang, rng), "127.0.0.1", 0,
                                      backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}/v1", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alignscape.bench.loopback",
                                     description=__doc__)
    parser.add_argument("--latency", type=float, default=0.0, help="mean seconds (0)")
    parser.add_argument("--hang", type=float, default=0.0, help="share never answered (0)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.latency, args.hang, args.seed))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
