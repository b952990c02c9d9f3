"""A small raw HTTP/1.1 server on 127.0.0.1, for the faults aiohttp.web cannot produce.

It reads each request itself (request line, headers, a Content-Length body), records it,
and hands it to a test's handler, which answers through :class:`Reply`: a normal answer,
raw bytes, a body streamed or trickled in chunks, a reset after the request was read, or a
stall that never answers. Connections are kept alive between requests unless the handler
ends them, so the client's connection reuse is exercised as in production.

The server counts what arrived (per method and path, with the raw request lines), and
:meth:`RawServer.wait_for` waits for a count without polling. It runs in the test's event
loop (``async with RawServer(handler)``) or in a thread of its own
(``with RawServer(handler).in_thread()``), for tests that run several event loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import attrs

__all__ = ["RawServer", "Received", "Reply", "json_body"]


@attrs.frozen
class Received:
    """One request as it arrived on the wire."""

    line: bytes  # the request line, as sent (no CRLF)
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # names in lower case
    body: bytes
    connection: int  # the n-th connection the server accepted (1-based)

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]


def json_body(data: Any) -> bytes:
    return json.dumps(data).encode()


class Reply:
    """How a handler answers one request."""

    def __init__(
        self, server: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._server = server
        self._reader = reader
        self._writer = writer
        self.ended = False  # the connection is gone: the server stops reading from it

    async def send(
        self,
        status: int = 200,
        body: bytes = b"",
        *,
        reason: str = "OK",
        headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),),
    ) -> None:
        """A complete answer with a Content-Length; the connection stays open."""
        head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in headers]
        await self.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    async def write(self, data: bytes) -> None:
        """Raw bytes, exactly as given."""
        self._writer.write(data)
        await self._writer.drain()
        self._server.bytes_sent += len(data)

    async def stream(
        self,
        total: int,
        *,
        chunk: int = 64 * 1024,
        content_length: bool = True,
        pause: float = 0.0,
    ) -> None:
        """A 200 body of ``total`` bytes written ``chunk`` at a time (one buffer reused, so
        the server holds no more than a chunk), with or without a Content-Length; without
        one, the body ends when the connection closes. ``pause`` trickles it. Stops when
        the client goes away."""
        length = f"Content-Length: {total}\r\n" if content_length else "Connection: close\r\n"
        block = b"x" * chunk
        try:
            await self.write(
                f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}\r\n".encode()
            )
            left = total
            while left > 0:
                await self.write(block if left >= chunk else block[:left])
                left -= chunk
                if pause:
                    await asyncio.sleep(pause)
        except (ConnectionError, OSError):
            self.ended = True
            return
        if not content_length:
            self.close()

    def close(self) -> None:
        """End the connection with a FIN, answering nothing more."""
        self.ended = True
        self._writer.close()

    def reset(self) -> None:
        """End the connection with a TCP RST (SO_LINGER 0), answering nothing."""
        sock = self._writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.ended = True
        self._writer.transport.abort()

    async def stall(self) -> None:
        """Never answer: wait until the client closes the connection (or the server
        stops)."""
        self._server.stalled += 1
        self._server._changed()
        with contextlib.suppress(ConnectionError, OSError):
            while await self._reader.read(65536):
                pass
        self.ended = True


Handler = Callable[[Received, Reply], Awaitable[None]]


class RawServer:
    """A scripted HTTP/1.1 server on 127.0.0.1 that records every request."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Received] = []
        self.connections = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.stalled = 0  # requests answered with stall()
        self.bytes_sent = 0
        self.url = ""
        self._server: asyncio.Server | None = None
        self._waiters: list[asyncio.Future[None]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    # -- what arrived ------------------------------------------------------------------

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """Requests that arrived, optionally only one method and/or a path ending."""
        return sum(
            1
            for r in self.requests
            if (method is None or r.method == method) and (path is None or r.path.endswith(path))
        )

    @property
    def lines(self) -> list[bytes]:
        return [r.line for r in self.requests]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``condition()`` holds (checked each time the server's state changes),
        at most ``timeout`` seconds. Only from the server's own event loop."""

        async def wait() -> None:
            while not condition():
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                await waiter

        await asyncio.wait_for(wait(), timeout)

    # -- running -----------------------------------------------------------------------

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        # Closing each connection ends its handler (a stall sees end of file, a stream a
        # failed write); cancelling the tasks instead would make asyncio log each one.
        for writer in self._writers:
            writer.close()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
        await self._server.wait_closed()

    @contextlib.contextmanager
    def in_thread(self) -> Iterator[RawServer]:
        """Serve from a thread with its own event loop, for tests that run several."""
        loop = asyncio.new_event_loop()
        started = threading.Event()
        stop: asyncio.Future[None] | None = None

        async def serve() -> None:
            nonlocal stop
            stop = loop.create_future()
            async with self:
                started.set()
                await stop

        thread = threading.Thread(target=loop.run_until_complete, args=(serve(),))
        thread.start()
        try:
            assert started.wait(10), "the raw server did not start"
            yield self
        finally:
            loop.call_soon_threadsafe(lambda: stop is not None and stop.set_result(None))
            thread.join(10)
            loop.close()

    def _changed(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        self.connections += 1
        connection = self.connections
        self._changed()
        try:
            while True:
                request = await self._read(reader, connection)
                if request is None:
                    break
                self.requests.append(request)
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
                self._changed()
                reply = Reply(self, reader, writer)
                try:
                    await self.handler(request, reply)
                finally:
                    self.in_flight -= 1
                    self._changed()
                if reply.ended:
                    break
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            writer.close()

    @staticmethod
    async def _read(reader: asyncio.StreamReader, connection: int) -> Received | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None  # the client closed the connection between requests
        line, *header_lines = head[:-4].split(b"\r\n")
        headers: dict[str, str] = {}
        for raw in header_lines:
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        method, target, _version = line.decode("latin-1").split(" ", 2)
        return Received(line, method, target, headers, body, connection)
