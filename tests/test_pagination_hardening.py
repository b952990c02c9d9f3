"""Paging against servers that misbehave: pagination loops, links that would shape the
request line, and unreadable records (named with their page, resumable after)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from twilio_async import (
    Client,
    PaginationLoopError,
    TwilioDecodeError,
    TwilioError,
    UnsafeURLError,
)
from twilio_async.testing import FakeTwilio, Fault

from .conftest import FAST_RETRY, client_tasks

AC = "AC" + "0" * 32
LIST_PATH = f"/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json"


def number(n: int) -> dict[str, Any]:
    return {"sid": f"PN{n:032x}", "phone_number": f"+1415555{n:04d}"}


async def drain(stream: AsyncIterator[Any], into: list[str]) -> None:
    """Take records until the stream ends or fails, keeping their SIDs."""
    async for record in stream:
        into.append(record.sid)


def page_body(first: int, count: int, next_page_uri: str | None) -> bytes:
    records = [number(n) for n in range(first, first + count)]
    body = {"incoming_phone_numbers": records, "next_page_uri": next_page_uri, "page_size": count}
    return json.dumps(body).encode()


class RawServer:
    """A bare HTTP/1.1 server on 127.0.0.1: answers a GET with the body given for its
    target (200), anything else with a 404, and keeps every request head as received."""

    def __init__(self, bodies: Mapping[str, bytes]) -> None:
        self.bodies = dict(bodies)
        self.heads: list[bytes] = []
        self.url = ""
        self._server: asyncio.Server | None = None

    @property
    def request_lines(self) -> list[bytes]:
        return [head.split(b"\r\n", 1)[0] for head in self.heads]

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            for _ in range(100):  # requests on one connection; far more than any test sends
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head)
                target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
                body = self.bodies.get(target)
                status = b"200 OK" if body is not None else b"404 Not Found"
                body = body if body is not None else b'{"code": 20404, "status": 404}'
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def raw_client(bodies: Mapping[str, bytes]) -> AsyncIterator[tuple[RawServer, Client]]:
    async with RawServer(bodies) as server:
        client = Client(AC, "token", base_url=server.url, retry=FAST_RETRY)
        async with client:
            yield server, client


# -- point 4: the server must not shape the request line -------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        " HTTP/1.1\r\nX-Injected: yes\r\n\r\nGET /smuggled",
        "\r\nX-Injected: yes",
        "\nX-Injected: yes",
        "\tX-Injected",
        "\x00",
        "\x7f",
        " ",
        "\u00e9",  # non-ASCII
        '"<>',
    ],
)
async def test_a_link_that_would_shape_the_request_line_is_refused(tail: str) -> None:
    first = f"{LIST_PATH}?PageSize=2"
    hostile = f"{LIST_PATH}?PageSize=2&Page=1&PageToken=PA1{tail}"
    async with raw_client({first: page_body(0, 2, hostile)}) as (server, client):
        got: list[str] = []
        with pytest.raises(UnsafeURLError, match="refusing to follow a link") as caught:
            await drain(client.incoming_phone_numbers.stream(page_size=2), got)
    assert got == [number(0)["sid"], number(1)["sid"]]  # page 1 was delivered first
    # On the wire: the first page's request only, one well-formed request line.
    assert server.request_lines == [f"GET {first} HTTP/1.1".encode()]
    assert b"Injected" not in b"".join(server.heads)
    assert "\r" not in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_get_page_refuses_such_a_link_before_sending() -> None:
    async with raw_client({}) as (server, client):
        with pytest.raises(UnsafeURLError):
            await client.incoming_phone_numbers.get_page(f"{LIST_PATH}?Page=1 HTTP/1.1\r\nX: y")
    assert server.heads == []


# -- point 3: pagination loops ------------------------------------------------------------


async def test_a_page_linking_to_itself_fails_after_its_records() -> None:
    first = f"{LIST_PATH}?PageSize=2"
    async with raw_client({first: page_body(0, 2, first)}) as (server, client):
        got: list[str] = []
        with pytest.raises(PaginationLoopError, match="already read") as caught:
            await drain(client.incoming_phone_numbers.stream(page_size=2), got)
    assert got == [number(0)["sid"], number(1)["sid"]]
    assert caught.value.url == server.url + first  # the page holding the link
    assert first in str(caught.value)  # ... and the link
    assert server.request_lines == [f"GET {first} HTTP/1.1".encode()]


async def test_a_cycle_of_pages_is_followed_once() -> None:
    pages = [f"{LIST_PATH}?PageSize=2"] + [
        f"{LIST_PATH}?PageSize=2&PageToken=PA{n}" for n in (1, 2)
    ]
    bodies = {
        pages[0]: page_body(0, 2, pages[1]),
        pages[1]: page_body(2, 2, pages[2]),
        pages[2]: page_body(4, 2, pages[1]),  # back to the second page
    }
    async with raw_client(bodies) as (server, client):
        with pytest.raises(PaginationLoopError) as caught:
            await client.incoming_phone_numbers.list(page_size=2)
    assert [line.split(b" ")[1].decode() for line in server.request_lines] == pages
    assert caught.value.url == server.url + pages[2]
    assert pages[1] in str(caught.value)
    # Everything before the loop was delivered once; resuming meets the same loop.
    assert caught.value.cursor is not None
    assert caught.value.cursor.offset == 2


async def test_a_loop_through_the_fake_is_refused_with_two_requests(
    client: Client, fake: FakeTwilio
) -> None:
    fake.seed_numbers(6)
    numbers = client.incoming_phone_numbers
    first = f"/2010-04-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers.json?PageSize=2"
    loop_back = {"incoming_phone_numbers": [], "next_page_uri": first, "page_size": 2}
    fake.inject(Fault(status=200, body=loop_back, skip=1))  # page 2 links back to page 1
    got: list[str] = []
    with pytest.raises(PaginationLoopError):
        await drain(numbers.stream(page_size=2), got)
    assert len(got) == 2
    assert [r.query_dict().get("Page") for r in fake.requests] == [None, "1"]


# -- point 6 and bad records: the right page named, and a way past it ---------------------


async def test_an_unreadable_record_names_its_page_and_itself(
    client: Client, fake: FakeTwilio
) -> None:
    good = fake.seed_numbers(34)
    (bad,) = fake.seed_numbers(1, beta="maybe")  # record 5 of page 4
    rest = fake.seed_numbers(5)
    got: list[str] = []
    with pytest.raises(TwilioDecodeError) as caught:
        await drain(client.incoming_phone_numbers.stream(page_size=10), got)
    assert got == good
    page_4 = fake.requests_to("GET", "/IncomingPhoneNumbers.json")[3]
    assert caught.value.url.endswith(f"Page=3&PageToken={page_4.query_dict()['PageToken']}")
    text = str(caught.value)
    assert f"record 4 of the page ({bad})" in text
    assert "not a boolean: 'maybe'" in text
    # Its cursor resumes just after it: nothing repeated, only the bad record skipped.
    assert caught.value.cursor is not None
    after = [r.sid async for r in client.incoming_phone_numbers.stream(resume=caught.value.cursor)]
    assert after == rest
    assert client_tasks() == []


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("date_created", "2015/07/30 23:19:04", "2015/07/30 23:19:04"),
        ("capabilities", "voice", "must be an object"),
    ],
)
async def test_a_bad_field_in_a_2008_or_2010_list_is_resumable(
    client: Client, fake: FakeTwilio, field: str, value: str, why: str
) -> None:
    before = fake.seed_numbers(3)
    fake.seed_numbers(1, **{field: value})
    after = fake.seed_numbers(3)
    stream = client.incoming_phone_numbers.stream(page_size=2)
    got: list[str] = []
    with pytest.raises(TwilioDecodeError, match=why) as caught:
        await drain(stream, got)
    assert got == before
    assert stream.cursor == caught.value.cursor  # the stream tells the same
    assert [r.sid for r in await client.incoming_phone_numbers.list(resume=stream.cursor)] == after


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "it is empty"),
        (b"[]", "not an object"),
        (b'"text"', "not an object"),
        (b'{"sid": "PN1", "capabilities": []}', "PhoneNumberCapabilities must be an object"),
    ],
)
async def test_decode_errors_of_fetch_create_and_update_read_as_words(
    client: Client, fake: FakeTwilio, body: bytes, why: str
) -> None:
    (sid,) = fake.seed_numbers(1)
    numbers = client.incoming_phone_numbers
    calls = (
        lambda: numbers(sid).fetch(),
        lambda: numbers.create(phone_number="+14155550100"),
        lambda: numbers(sid).update(friendly_name="x"),
    )
    for call in calls:
        fake.inject(Fault(status=200, body=body, content_type="application/json"))
        with pytest.raises(TwilioDecodeError) as caught:
            await call()
        text = str(caught.value)
        assert f"cannot read IncomingPhoneNumber from the response: {why}" in text
        for internal in ("NoneType", "attribute", "object has no", "'list' object"):
            assert internal not in text


async def test_every_error_of_a_stream_carries_its_cursor(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(10)
    fake.inject(Fault(status=400, path="/IncomingPhoneNumbers.json", skip=2))
    with pytest.raises(TwilioError) as caught:
        await client.incoming_phone_numbers.list(page_size=3)
    assert caught.value.cursor is not None
    assert caught.value.cursor.offset == 3
    plain = TwilioError("not from a stream")
    assert plain.cursor is None
