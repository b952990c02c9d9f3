"""A Twilio-shaped HTTP/1.1 server for the benchmarks, meant to run in its own process.

It is a plain ``asyncio.Protocol`` with keep-alive. Every list page, every fetch answer and
every create answer is rendered to bytes at startup; a request costs a header parse, a dict
lookup and a ``transport.write``. One process can serve several *sites* on their own ports:
each site has an inventory size and a fixed latency (applied with ``loop.call_later``, so a
slow answer never blocks other connections).

Routes (any ``Authorization: Basic ...`` is accepted; none gives 401):

* ``GET  /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json?PageSize=N[&Page=i&PageToken=..]``
* ``GET  /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/{PN}.json``
* ``POST /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json`` (form body) -> 201
* ``GET  /2008-08-01/Accounts/{AC}/IncomingPhoneNumbers?page=i&num=N`` (XML)
* ``GET  /__bench__/stats`` (no auth): this process's CPU seconds and request counts.

Anything else gets a Twilio-style 404 JSON body. Filters of the list call (``Beta``,
``PhoneNumber``...) are ignored: the benchmarks do not send them.

Run: ``python -m bench.server --config '{"sites": [{"name": "s", "records": 20000}]}'``.
It prints one JSON line ``{"ports": {...}, "pid": ...}`` once it listens, and serves until
SIGTERM/SIGINT or, when its stdin is a pipe, until that pipe closes (so it dies with the
harness that started it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import stat
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from bench import fixtures

_COMPACT = (",", ":")
_MAX_HEAD = 64 * 1024
_REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    431: "Request Header Fields Too Large",
}

_LIST_2010 = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/IncomingPhoneNumbers\.json$")
_ONE_2010 = re.compile(
    r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/IncomingPhoneNumbers/(PN[0-9a-fA-F]{32})\.json$"
)
_LIST_2008 = re.compile(
    r"^/2008-08-01/Accounts/(AC[0-9a-fA-F]{32})/IncomingPhoneNumbers(?:\.xml)?$"
)


def http_response(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    """A complete keep-alive HTTP/1.1 response."""
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n"
        f"Content-Type: {content_type}; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=_COMPACT).encode()


def twilio_error(status: int, code: int, message: str) -> bytes:
    return http_response(
        status,
        _json_bytes(
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            }
        ),
    )


class Inventory:
    """``size`` records, rendered once; pages are rendered per page size on first use
    (the configured page sizes at startup)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.sids = [fixtures.sid(i) for i in range(size)]
        self.record_json = [_json_bytes(fixtures.record(i)) for i in range(size)]
        self.index = {s: i for i, s in enumerate(self.sids)}
        if len(self.index) != size:
            raise RuntimeError("duplicate SIDs in inventory")
        self._pages: dict[tuple[str, int], list[bytes]] = {}
        self._legacy_pages: dict[tuple[str, int], list[bytes]] = {}
        self._fetch: dict[str, bytes] = {}

    # 2010-04-01 JSON -----------------------------------------------------------------------
    def page_count(self, page_size: int) -> int:
        return max(1, -(-self.size // page_size))

    def pages(self, path: str, page_size: int) -> list[bytes]:
        key = (path, page_size)
        pages = self._pages.get(key)
        if pages is None:
            pages = [
                self._render_page(path, page_size, i) for i in range(self.page_count(page_size))
            ]
            self._pages[key] = pages
        return pages

    def page_token(self, page_size: int, page: int) -> str:
        """The PageToken a client must send for ``page`` (> 0): after the last SID before it."""
        return "PA" + self.sids[page * page_size - 1]

    def page_uri(self, path: str, page_size: int, page: int) -> str:
        uri = f"{path}?PageSize={page_size}&Page={page}"
        if page > 0:
            uri += f"&PageToken={self.page_token(page_size, page)}"
        return uri

    def _render_page(self, path: str, page_size: int, page: int) -> bytes:
        start = page * page_size
        stop = min(start + page_size, self.size)
        count = max(0, stop - start)
        last = page >= self.page_count(page_size) - 1
        head = {
            "end": start + count - 1 if count else start,
            "first_page_uri": f"{path}?PageSize={page_size}&Page=0",
        }
        tail = {
            "next_page_uri": None if last else self.page_uri(path, page_size, page + 1),
            "page": page,
            "page_size": page_size,
            "previous_page_uri": (
                f"{path}?PageSize={page_size}&Page={page - 1}&PageToken=PB{self.sids[start]}"
                if page > 0 and count
                else None
            ),
            "start": start,
            "uri": (
                self.page_uri(path, page_size, page)
                if page < self.page_count(page_size)
                else f"{path}?PageSize={page_size}&Page={page}"
            ),
        }
        body = b"".join(
            (
                _json_bytes(head)[:-1],
                b',"incoming_phone_numbers":[',
                b",".join(self.record_json[start:stop]),
                b"],",
                _json_bytes(tail)[1:],
            )
        )
        return http_response(200, body)

    def fetch_response(self, the_sid: str) -> bytes | None:
        cached = self._fetch.get(the_sid)
        if cached is None:
            i = self.index.get(the_sid)
            if i is None:
                return None
            cached = http_response(200, self.record_json[i])
            self._fetch[the_sid] = cached
        return cached

    def render_all_fetches(self) -> None:
        for s in self.sids:
            self.fetch_response(s)

    # 2008-08-01 XML --------------------------------------------------------------------------
    def legacy_pages(self, path: str, num: int) -> list[bytes]:
        key = (path, num)
        pages = self._legacy_pages.get(key)
        if pages is None:
            numpages = self.page_count(num)
            pages = [self._render_legacy_page(num, i, numpages) for i in range(numpages)]
            self._legacy_pages[key] = pages
        return pages

    def _render_legacy_page(self, num: int, page: int, numpages: int) -> bytes:
        start = page * num
        stop = min(start + num, self.size)
        end = max(start, stop - 1)
        items = "".join(fixtures.legacy_record_xml(i) for i in range(start, stop))
        body = (
            '<?xml version="1.0"?>\n<TwilioResponse>'
            f'<IncomingPhoneNumbers page="{page}" numpages="{numpages}" pagesize="{num}" '
            f'total="{self.size}" start="{start}" end="{end}">'
            f"{items}</IncomingPhoneNumbers></TwilioResponse>"
        )
        return http_response(200, body.encode(), "application/xml")


@dataclass
class Site:
    """One port: an inventory and a fixed latency."""

    name: str
    inventory: Inventory
    latency_s: float
    creates: dict[str, bytes]
    requests: int = 0
    by_route: dict[str, int] = field(default_factory=dict)
    fast: dict[bytes, bytes] = field(default_factory=dict)

    def count(self, route: str) -> None:
        self.by_route[route] = self.by_route.get(route, 0) + 1

    def warm(self, page_sizes: list[int], legacy_page_sizes: list[int], fetch: bool) -> None:
        """Render the configured pages and fill the exact-target fast path."""
        inv = self.inventory
        path = fixtures.LIST_PATH
        for size in page_sizes:
            pages = inv.pages(path, size)
            self.fast[f"{path}?PageSize={size}".encode()] = pages[0]
            for i, page in enumerate(pages):
                self.fast[inv.page_uri(path, size, i).encode()] = page
        if fetch:
            inv.render_all_fetches()
        for num in legacy_page_sizes:
            inv.legacy_pages(fixtures.LEGACY_LIST_PATH, num)

    def handle(self, method: bytes, target: bytes, body: bytes) -> bytes:
        """The full response for one authenticated request."""
        self.requests += 1
        if method == b"GET":
            hit = self.fast.get(target)
            if hit is not None:
                self.count("list" if b"IncomingPhoneNumbers.json" in target else "fetch")
                return hit
        path, _, query = target.decode("latin-1").partition("?")
        if _LIST_2010.match(path):
            if method == b"GET":
                self.count("list")
                return self._list(path, query)
            if method == b"POST":
                self.count("create")
                return self._create(path, body)
            return twilio_error(405, 20004, "Method not allowed")
        one = _ONE_2010.match(path)
        if one:
            if method != b"GET":
                return twilio_error(405, 20004, "Method not allowed")
            self.count("fetch")
            found = self.inventory.fetch_response(one.group(2))
            if found is not None:
                if len(self.fast) < 1_000_000:
                    self.fast[target] = found
                return found
        elif _LIST_2008.match(path):
            if method != b"GET":
                return twilio_error(405, 20004, "Method not allowed")
            self.count("legacy_list")
            return self._legacy_list(path, query)
        return twilio_error(404, 20404, f"The requested resource {path} was not found")

    def _list(self, path: str, query: str) -> bytes:
        params = parse_qs(query)
        try:
            size = min(1000, max(1, int(params.get("PageSize", ["50"])[0])))
            page = max(0, int(params.get("Page", ["0"])[0]))
        except ValueError:
            return twilio_error(400, 20001, "Invalid PageSize or Page")
        inv = self.inventory
        token = params.get("PageToken", [None])[0]
        if page > 0 and page < inv.page_count(size) and token != inv.page_token(size, page):
            return twilio_error(400, 20001, f"Invalid PageToken for page {page}")
        if page >= inv.page_count(size):
            return inv._render_page(path, size, page)
        return inv.pages(path, size)[page]

    def _create(self, path: str, body: bytes) -> bytes:
        form = parse_qs(body.decode())
        numbers = form.get("PhoneNumber") or form.get("AreaCode")
        if not numbers:
            return twilio_error(400, 21452, "A 'PhoneNumber' or 'AreaCode' parameter is required.")
        answer = self.creates.get(numbers[0])
        if answer is None:
            return twilio_error(400, 21422, f"Phone number {numbers[0]} is not available")
        return answer

    def _legacy_list(self, path: str, query: str) -> bytes:
        params = parse_qs(query)
        try:
            num = min(1000, max(1, int(params.get("num", ["50"])[0])))
            page = max(0, int(params.get("page", ["0"])[0]))
        except ValueError:
            return twilio_error(400, 20001, "Invalid page or num")
        pages = self.inventory.legacy_pages(fixtures.LEGACY_LIST_PATH, num)
        if page >= len(pages):
            return self.inventory._render_legacy_page(num, page, len(pages))
        return pages[page]


class Stats:
    def __init__(self, sites: list[Site]) -> None:
        self.sites = sites

    def response(self) -> bytes:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return http_response(
            200,
            _json_bytes(
                {
                    "cpu_s": usage.ru_utime + usage.ru_stime,
                    "maxrss_kb": usage.ru_maxrss,
                    "requests": {s.name: s.requests for s in self.sites},
                    "routes": {s.name: s.by_route for s in self.sites},
                }
            ),
        )


_UNAUTHORIZED = twilio_error(401, 20003, "Authenticate")
_BAD_REQUEST = twilio_error(400, 20001, "Bad request")
_NO_CHUNKED = twilio_error(411, 20001, "Send a Content-Length")
_HEAD_TOO_BIG = twilio_error(431, 20001, "Request head too large")


class HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive; answers go out in request order even when delayed."""

    def __init__(self, site: Site, stats: Stats) -> None:
        self.site = site
        self.stats = stats
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.pending: deque[tuple[bytes, bool]] = deque()
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.pending.clear()

    def data_received(self, data: bytes) -> None:
        buf = self.buffer
        buf += data
        while self.transport is not None:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > _MAX_HEAD:
                    self._send(_HEAD_TOO_BIG, keep_alive=False)
                return
            lines = bytes(buf[:end]).split(b"\r\n")
            request_line = lines[0].split(b" ")
            if len(request_line) != 3:
                self._send(_BAD_REQUEST, keep_alive=False)
                return
            method, target, version = request_line
            keep_alive = version == b"HTTP/1.1"
            length = 0
            authorized = False
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"authorization":
                    authorized = value.strip()[:6].lower() == b"basic "
                elif name == b"connection":
                    token = value.strip().lower()
                    keep_alive = token != b"close" and (keep_alive or token == b"keep-alive")
                elif name == b"transfer-encoding":
                    self._send(_NO_CHUNKED, keep_alive=False)
                    return
            total = end + 4 + length
            if len(buf) < total:
                return
            body = bytes(buf[end + 4 : total])
            del buf[:total]
            if target == b"/__bench__/stats":
                self._send(self.stats.response(), keep_alive, delay=False)
            elif not authorized:
                self._send(_UNAUTHORIZED, keep_alive)
            else:
                self._send(self.site.handle(method, target, body), keep_alive)

    def _send(self, response: bytes, keep_alive: bool, delay: bool = True) -> None:
        if not keep_alive:
            response = response.replace(b"Connection: keep-alive", b"Connection: close", 1)
        latency = self.site.latency_s if delay else 0.0
        if latency <= 0 and not self.pending:
            self._write(response, keep_alive)
            return
        # Every delayed answer of a connection has the same latency, so when any timer fires
        # the oldest pending answer is due: write that one (keeps HTTP/1.1 ordering).
        self.pending.append((response, keep_alive))
        self.loop.call_later(latency, self._flush_one)

    def _flush_one(self) -> None:
        if self.pending and self.transport is not None:
            response, keep_alive = self.pending.popleft()
            self._write(response, keep_alive)

    def _write(self, response: bytes, keep_alive: bool) -> None:
        transport = self.transport
        if transport is None:
            return
        transport.write(response)
        if not keep_alive:
            transport.close()
            self.transport = None


@dataclass
class SiteConfig:
    name: str
    records: int
    latency_ms: float = 0.0
    page_sizes: list[int] = field(default_factory=lambda: [50, 1000])
    legacy_page_sizes: list[int] = field(default_factory=list)
    fetch: bool = True


def build_sites(configs: list[SiteConfig]) -> list[Site]:
    inventories: dict[int, Inventory] = {}
    creates = {
        fixtures.create_number(j): http_response(201, _json_bytes(fixtures.create_record(j)))
        for j in range(fixtures.CREATE_POOL)
    }
    sites = []
    for cfg in configs:
        inv = inventories.get(cfg.records)
        if inv is None:
            inv = inventories[cfg.records] = Inventory(cfg.records)
        site = Site(cfg.name, inv, cfg.latency_ms / 1000.0, creates)
        site.warm(cfg.page_sizes, cfg.legacy_page_sizes, cfg.fetch)
        sites.append(site)
    return sites


async def serve(configs: list[SiteConfig], host: str = "127.0.0.1") -> None:
    sites = build_sites(configs)
    stats = Stats(sites)
    loop = asyncio.get_running_loop()
    servers = []
    ports: dict[str, int] = {}
    for site in sites:

        def factory(site: Site = site) -> HttpProtocol:
            return HttpProtocol(site, stats)

        server = await loop.create_server(factory, host, 0, backlog=1024)
        servers.append(server)
        ports[site.name] = server.sockets[0].getsockname()[1]

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    _watch_stdin(loop, stop.set)

    print(json.dumps({"pid": os.getpid(), "ports": ports}), flush=True)
    await stop.wait()
    for server in servers:
        server.close()


def _watch_stdin(loop: asyncio.AbstractEventLoop, on_eof: Callable[[], None]) -> None:
    """Stop when the parent goes away (its end of our stdin pipe closes)."""
    if sys.stdin is None:
        return
    fd = sys.stdin.fileno()
    if not stat.S_ISFIFO(os.fstat(fd).st_mode):
        return  # a terminal or /dev/null: rely on signals only

    def readable() -> None:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            loop.remove_reader(fd)
            on_eof()

    loop.add_reader(fd, readable)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--config",
        required=True,
        help='JSON: {"cpu": null|N, "sites": [{"name", "records", "latency_ms", ...}]}',
    )
    args = parser.parse_args(argv)
    raw = json.loads(args.config)
    if raw.get("cpu") is not None:
        os.sched_setaffinity(0, {raw["cpu"]})
    configs = [SiteConfig(**site) for site in raw["sites"]]
    asyncio.run(serve(configs))


if __name__ == "__main__":
    main()
