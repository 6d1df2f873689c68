"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for the OpenAI-compatible backend.

Why not httpx.AsyncClient: measured by ``python -m alignscape.bench requests``, httpx spends
3-5 ms of CPU per request at 64-256 concurrent requests on this project's machines, more than
ten times the 0.2 ms the pipeline may spend; this client does the one thing the backend needs
(POST a JSON body, read a JSON answer, keep connections alive) in a few tens of microseconds.
It speaks http:// and https:// (ssl from the standard library), answers with Content-Length,
chunked or close-delimited bodies, and reopens a kept-alive connection the server had closed.
No proxies, no redirects, no HTTP/2: a chat-completions server needs none of them.
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit


class HTTPError(Exception):
    """The connection failed or the answer is not HTTP (the backend retries it)."""


class Answer:
    __slots__ = ("status", "headers", "content")

    def __init__(self, status: int, headers: dict[str, str], content: bytes):
        self.status, self.headers, self.content = status, headers, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class Pool:
    """Kept-alive connections to one origin; ``post`` is safe for many concurrent tasks of one
    event loop (each takes its own connection; the caller bounds how many)."""

    def __init__(self, url: str, headers: dict[str, str], connect_timeout: float = 10.0):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url}: expected an http:// or https:// URL")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self.connect_timeout = connect_timeout
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = parts.netloc.rpartition("@")[2]
        lines = [f"POST {path} HTTP/1.1", f"host: {host}", "connection: keep-alive",
                 *(f"{k}: {v}" for k, v in headers.items())]
        self._head = ("\r\n".join(lines) + "\r\ncontent-length: ").encode("latin-1")
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, payload: bytes) -> Answer:
        request = self._head + str(len(payload)).encode() + b"\r\n\r\n" + payload
        while self._idle:
            conn = self._idle.pop()
            try:
                return await self._exchange(conn, request)
            except _Stale:
                continue  # the server closed it while idle: try the next, or a new one
        try:
            conn = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, ssl=self.ssl, limit=1 << 24),
                self.connect_timeout)
        except TimeoutError:
            raise HTTPError(f"connect timeout to {self.host}:{self.port}") from None
        except OSError as exc:
            raise HTTPError(f"cannot connect to {self.host}:{self.port}: "
                            f"{exc.strerror or exc}") from None
        try:
            return await self._exchange(conn, request)
        except _Stale as exc:
            raise HTTPError(f"the server closed the connection ({exc})") from None

    async def _exchange(self, conn, request: bytes) -> Answer:
        reader, writer = conn
        keep = False
        started = False
        try:
            writer.write(request)
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if not exc.partial:
                    raise _Stale("closed before answering") from None
                raise
            started = True
            status, headers = _parse_head(head)
            length = headers.get("content-length")
            if length is not None:
                content = await reader.readexactly(int(length))
            elif "chunked" in headers.get("transfer-encoding", ""):
                content = await _chunked(reader)
            else:
                content = await reader.read()
                headers["connection"] = "close"
            keep = headers.get("connection", "").lower() != "close"
            return Answer(status, headers, content)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError, OSError) as exc:
            if not started and isinstance(exc, ConnectionError):
                raise _Stale(type(exc).__name__) from None
            raise HTTPError(f"{type(exc).__name__}: {exc}") from None
        finally:
            if keep:
                self._idle.append(conn)
            else:
                writer.close()  # cancelled, failed or closed by the server: never reused

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()


class _Stale(Exception):
    pass


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise ValueError(f"not an HTTP answer: {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    out = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return b"".join(out)
        out.append(await reader.readexactly(size))
        await reader.readexactly(2)
