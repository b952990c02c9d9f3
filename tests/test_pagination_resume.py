"""Resumable streams: a cursor between records and on a stream's error, and
``stream(resume=...)`` going on exactly after the last record delivered."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twilio_async import (
    Client,
    StreamCursor,
    TwilioAPIError,
    TwilioValidationError,
    UnsafeURLError,
)
from twilio_async.pagination import RecordStream
from twilio_async.testing import FakeTwilio, Fault

from .conftest import client_tasks, wait_until


async def take(stream: RecordStream[Any], count: int) -> list[str]:
    return [(await anext(stream)).sid for _ in range(count)]


def list_requests(fake: FakeTwilio) -> list[dict[str, str]]:
    return [r.query_dict() for r in fake.requests_to("GET", "/IncomingPhoneNumbers")]


@pytest.mark.parametrize("taken", [0, 1, 9, 10, 11, 25, 29, 30])
async def test_resuming_between_records_repeats_and_skips_nothing(
    client: Client, fake: FakeTwilio, taken: int
) -> None:
    sids = fake.seed_numbers(30)
    numbers = client.incoming_phone_numbers
    async with contextlib.aclosing(numbers.stream(page_size=10)) as stream:
        got = await take(stream, taken)
        text = str(stream.cursor)  # what a job would store
    fake.requests.clear()
    rest = [n.sid async for n in numbers.stream(resume=text)]
    assert got + rest == sids
    queries = list_requests(fake)
    assert {q["PageSize"] for q in queries} == {"10"}  # the same page size
    assert len(queries) <= 4  # the page it stopped on again, then the rest


async def test_a_stream_that_failed_for_good_resumes_from_its_error(
    client: Client, fake: FakeTwilio
) -> None:
    sids = fake.seed_numbers(50)
    # Page 4 fails on every attempt the retry policy makes (FAST_RETRY: 1 + 3).
    fake.inject(Fault(status=500, path="/IncomingPhoneNumbers.json", skip=3, times=4))
    got: list[str] = []

    async def consume() -> None:
        async for number in client.incoming_phone_numbers.stream(page_size=10):
            got.append(number.sid)

    with pytest.raises(TwilioAPIError) as caught:
        await consume()
    assert got == sids[:30]
    cursor = caught.value.cursor
    assert cursor is not None
    assert (cursor.offset, cursor.sid) == (10, sids[29])
    assert "PageToken=" in cursor.page  # page 3, on which the last record was delivered
    fake.requests.clear()
    # Another client (another process would do the same with the text).
    async with fake.client() as other:
        rest = await other.incoming_phone_numbers.list(resume=StreamCursor.parse(str(cursor)))
    assert got + [n.sid for n in rest] == sids
    assert len(list_requests(fake)) == 3  # page 3 again (all of it delivered), 4, 5


async def test_resume_goes_on_after_the_last_record_even_if_records_before_it_went(
    client: Client, fake: FakeTwilio
) -> None:
    sids = fake.seed_numbers(20)
    stream = client.incoming_phone_numbers.stream(page_size=10)
    got = await take(stream, 15)
    cursor = stream.cursor
    await stream.aclose()
    for sid in sids[11:13]:  # released meanwhile, on the page the stream stopped on
        del fake.state.numbers[sid]
    # The page it stopped on has shifted by two: the cursor finds its record's SID on it.
    rest = [n.sid async for n in client.incoming_phone_numbers.stream(resume=cursor)]
    assert got == sids[:15]
    assert rest == sids[15:]


async def test_the_2008_api_resumes_by_page_and_num(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(45)
    numbers = client.api.v2008.incoming_phone_numbers
    async with contextlib.aclosing(numbers.stream(page_size=10)) as stream:
        got = await take(stream, 23)
        cursor = stream.cursor
    assert cursor.page.endswith("/IncomingPhoneNumbers?page=2&num=10")
    assert cursor.offset == 3
    fake.requests.clear()
    rest = [n.sid async for n in numbers.stream(resume=str(cursor))]
    assert got + rest == sids
    pages = sorted(int(r.query_dict()["page"]) for r in fake.requests)
    assert pages == [2, 3, 4]  # from the page it stopped on
    assert {r.query_dict()["num"] for r in fake.requests} == {"10"}


async def test_resume_with_a_limit_and_through_list(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(30)
    numbers = client.incoming_phone_numbers
    stream = numbers.stream(page_size=10)
    got = await take(stream, 5)
    await stream.aclose()
    more = await numbers.list(resume=stream.cursor, limit=12)
    assert got + [n.sid for n in more] == sids[:17]


async def test_the_cursor_is_a_small_text_that_reads_back(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(3000)
    stream = client.incoming_phone_numbers.stream(page_size=1000)
    await take(stream, 2500)
    cursor = stream.cursor
    await stream.aclose()
    text = str(cursor)
    assert len(text) < 300  # whatever the length of the walk
    assert StreamCursor.parse(text) == cursor
    assert text.startswith("c1:500:PN")


async def test_before_any_record_the_cursor_is_the_start(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(3)
    stream = client.incoming_phone_numbers.stream(page_size=2)
    assert stream.cursor.offset == 0
    assert stream.cursor.page.endswith("/IncomingPhoneNumbers.json?PageSize=2")
    assert fake.requests == []  # nothing is sent before the first iteration
    assert [n.sid async for n in client.incoming_phone_numbers.stream(resume=stream.cursor)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "c1:5::",
        "c2:5::/2010-04-01/x",
        "c1:-1::/x",
        "c1:5:PN 1:/x",
        "c1:99999999::/x",
        "PageToken=PA123",
    ],
)
async def test_a_malformed_cursor_is_refused_before_sending(
    client: Client, fake: FakeTwilio, text: str
) -> None:
    with pytest.raises(TwilioValidationError, match="cursor") as caught:
        client.incoming_phone_numbers.stream(resume=text)
    assert caught.value.param == "resume"
    assert fake.requests == []


async def test_a_tampered_cursor_cannot_leave_the_host_or_the_list(
    client: Client, fake: FakeTwilio
) -> None:
    numbers = client.incoming_phone_numbers
    root = f"/2010-04-01/Accounts/{fake.account_sid}"
    refused = (TwilioValidationError, UnsafeURLError)
    with pytest.raises(refused):
        numbers.stream(resume="c1:0::https://evil.example/steal")
    with pytest.raises(refused):
        numbers.stream(resume="c1:0:://evil.example/steal")
    with pytest.raises(UnsafeURLError):
        numbers.stream(resume=StreamCursor("https://evil.example/x", 0))
    with pytest.raises(UnsafeURLError):
        numbers.stream(resume=f"c1:0::{root}/IncomingPhoneNumbers.json?X=1\r\nX-Injected: 1")
    for elsewhere in (f"{root}/Calls.json", f"{root}/IncomingPhoneNumbers/Local.json"):
        with pytest.raises(TwilioValidationError, match="another list"):
            numbers.stream(resume=f"c1:0::{elsewhere}?PageSize=5")
    other_account = "/2010-04-01/Accounts/AC" + "f" * 32 + "/IncomingPhoneNumbers.json"
    with pytest.raises(TwilioValidationError, match="another list"):
        numbers.stream(resume=f"c1:0::{other_account}")
    assert fake.requests == []


async def test_resume_keeps_the_filters_and_page_size_of_its_stream(
    client: Client, fake: FakeTwilio
) -> None:
    numbers = client.incoming_phone_numbers
    cursor = numbers.stream(page_size=5).cursor
    with pytest.raises(TwilioValidationError, match="resume"):
        numbers.stream(resume=cursor, page_size=10)
    with pytest.raises(TwilioValidationError, match="resume"):
        numbers.stream(resume=cursor, friendly_name="x")
    assert fake.requests == []


async def test_a_stream_is_still_a_plain_async_iterator(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(25)
    stream = client.incoming_phone_numbers.stream(page_size=10)
    assert isinstance(stream, AsyncIterator)
    assert [n.sid async for n in stream] == sids
    assert stream.cursor.offset == 5
    async for _ in client.incoming_phone_numbers.stream(page_size=10):
        break  # the stream is dropped: asyncio closes it at once, in a task of its own
    await wait_until(lambda: client_tasks() == [])


@given(
    page=st.text("abcXYZ019-._~:/?#[]@!$&'()*+,;=%", max_size=80).map(lambda p: "/" + p),
    offset=st.integers(0, 9_999_999),
    sid=st.none() | st.text("abcdefABCDEF0123456789", min_size=1, max_size=64),
)
def test_a_cursor_reads_back_from_its_text(page: str, offset: int, sid: str | None) -> None:
    cursor = StreamCursor(page, offset, sid)
    assert StreamCursor.parse(str(cursor)) == cursor
