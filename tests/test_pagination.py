"""Linked pages over HTTP: links followed as given, one page request ahead of the consumer,
bounded memory, and nothing left running after a break, a cancellation or an error."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import tracemalloc

import pytest

from twilio_async import (
    Client,
    TwilioAPIError,
    TwilioDecodeError,
    TwilioValidationError,
    UnsafeURLError,
)
from twilio_async.testing import FakeTwilio, Fault

from .conftest import client_tasks, wait_until


def pages_requested(fake: FakeTwilio) -> int:
    return len(fake.requests_to("GET", "/IncomingPhoneNumbers.json"))


async def test_stream_walks_every_page_in_order(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(2345)
    streamed = [n.sid async for n in client.incoming_phone_numbers.stream(page_size=100)]
    assert streamed == sids
    assert pages_requested(fake) == 24


async def test_next_page_links_are_followed_exactly_as_given(
    client: Client, fake: FakeTwilio
) -> None:
    fake.seed_numbers(5)
    [n async for n in client.incoming_phone_numbers.stream(page_size=2, phone_number="+1415*")]
    first, second, third = fake.requests_to("GET", "/IncomingPhoneNumbers.json")
    assert first.query == (("PhoneNumber", "+1415*"), ("PageSize", "2"))
    # Pages after the first use the server's next_page_uri verbatim, PageToken included.
    assert second.query_dict()["PageToken"].startswith("PA")
    assert second.query_dict()["Page"] == "1"
    assert third.query_dict()["Page"] == "2"


async def test_next_page_is_requested_while_the_consumer_works(
    client: Client, fake: FakeTwilio
) -> None:
    fake.seed_numbers(30)
    stream = client.incoming_phone_numbers.stream(page_size=10)
    first = await anext(stream)
    assert first is not None
    # The consumer is "busy" on page 1; page 2 must already be on its way.
    await wait_until(lambda: pages_requested(fake) == 2)
    await stream.aclose()  # type: ignore[attr-defined]


async def test_stream_is_one_page_request_ahead_of_the_consumer(
    client: Client, fake: FakeTwilio
) -> None:
    sids = fake.seed_numbers(50)
    fake.latency = 0.01  # requests take a while: one ahead would overlap with a second
    got: list[str] = []
    async for number in client.incoming_phone_numbers.stream(page_size=10):
        got.append(number.sid)
        page = (len(got) - 1) // 10  # 0-based page the consumer is on
        if len(got) % 10 == 1 and page < 4:  # the first record of a page that has a next
            await wait_until(lambda: pages_requested(fake) == page + 2)  # noqa: B023
        assert pages_requested(fake) <= page + 2  # never more than one page ahead
    assert got == sids
    assert pages_requested(fake) == 5
    assert fake.peak_in_flight == 1


async def test_breaking_out_cancels_the_prefetch_and_leaves_no_task(
    client: Client, fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    fake.seed_numbers(30)
    fake.inject(Fault(latency=5.0, path="/IncomingPhoneNumbers.json", skip=1))  # the prefetch
    async with contextlib.aclosing(client.incoming_phone_numbers.stream(page_size=10)) as stream:  # type: ignore[type-var]
        async for _ in stream:
            await wait_until(lambda: pages_requested(fake) == 2)
            assert len(client_tasks()) == 1  # the request for page 2
            break
    assert client_tasks() == []
    assert "exception was never retrieved" not in caplog.text


async def test_abandoned_stream_cleans_up_when_collected(
    client: Client, fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    fake.seed_numbers(30)
    fake.inject(Fault(latency=5.0, path="/IncomingPhoneNumbers.json", skip=1))  # the prefetch
    with caplog.at_level(logging.WARNING, logger="asyncio"):
        async for _ in client.incoming_phone_numbers.stream(page_size=10):
            await wait_until(lambda: pages_requested(fake) == 2)
            break
        # The generator is collected at once; asyncio closes it in a task of its own.
        await wait_until(lambda: client_tasks() == [])
    assert caplog.text == ""


async def test_limit_stops_fetching_as_soon_as_met(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(100)
    got = [n async for n in client.incoming_phone_numbers.stream(page_size=10, limit=25)]
    assert len(got) == 25
    assert pages_requested(fake) == 3
    fake.requests.clear()
    assert len(await client.incoming_phone_numbers.list(page_size=10, limit=20)) == 20
    assert pages_requested(fake) == 2  # page 3 never asked for


async def test_limit_sets_a_small_page_size(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(100)
    assert len(await client.incoming_phone_numbers.list(limit=5)) == 5
    (request,) = fake.requests
    assert request.query_dict()["PageSize"] == "5"
    assert await client.incoming_phone_numbers.list(limit=0) == []
    assert len(fake.requests) == 1


async def test_page_and_next_page(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(5)
    page = await client.incoming_phone_numbers.page(page_size=2)
    assert [n.sid for n in page] == sids[:2]
    assert len(page) == 2
    assert page[1].sid == sids[1]
    assert page.page_number == 0
    assert page.page_size == 2
    assert page.has_next_page
    assert page.next_page_url is not None
    assert page.next_page_url.startswith(fake.url)
    assert page.first_page_url is not None
    assert page.previous_page_url is None
    second = await page.next_page()
    assert second is not None
    assert [n.sid for n in second] == sids[2:4]
    assert second.previous_page_url is not None
    third = await second.next_page()
    assert third is not None
    assert [n.sid for n in third] == sids[4:]
    assert not third.has_next_page
    assert await third.next_page() is None


async def test_resume_from_a_saved_page_url_or_token(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(6)
    page = await client.incoming_phone_numbers.page(page_size=2)
    assert page.next_page_url is not None
    resumed = await client.incoming_phone_numbers.get_page(page.next_page_url)
    assert [n.sid for n in resumed] == sids[2:4]
    token = fake.requests[-1].query_dict()["PageToken"]
    by_token = await client.incoming_phone_numbers.page(page_size=2, page_token=token)
    assert [n.sid for n in by_token] == sids[2:4]


async def test_a_link_to_another_host_is_refused(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(1)
    evil = {
        "incoming_phone_numbers": [],
        "next_page_uri": "https://evil.example/2010-04-01/steal.json",
        "page": 0,
        "page_size": 1,
    }
    fake.inject(Fault(status=200, body=evil))
    with pytest.raises(UnsafeURLError, match=r"evil\.example"):
        await client.incoming_phone_numbers.page(page_size=1)
    with pytest.raises(UnsafeURLError):
        await client.incoming_phone_numbers.get_page("https://evil.example/x")
    assert len(fake.requests) == 1


async def test_get_page_only_fetches_pages_of_its_own_list(
    client: Client, fake: FakeTwilio
) -> None:
    root = f"{fake.url}/2010-04-01/Accounts/{fake.account_sid}"
    for elsewhere in (f"{root}/IncomingPhoneNumbers/Local.json", f"{root}.json", "/x.json"):
        with pytest.raises(TwilioValidationError, match="another list") as caught:
            await client.incoming_phone_numbers.get_page(elsewhere)
        assert caught.value.param == "url"
    assert fake.requests == []


async def test_paging_arguments_are_validated_before_sending(
    client: Client, fake: FakeTwilio
) -> None:
    numbers = client.incoming_phone_numbers
    for bad in (0, 1001, -1, True, 2.5, "50"):
        with pytest.raises(TwilioValidationError, match="page_size"):
            numbers.stream(page_size=bad)  # type: ignore[arg-type]
        with pytest.raises(TwilioValidationError, match="page_size"):
            await numbers.page(page_size=bad)  # type: ignore[arg-type]
    with pytest.raises(TwilioValidationError, match="limit"):
        await numbers.list(limit=-1)
    with pytest.raises(TwilioValidationError, match="phone_number"):
        numbers.stream(phone_number="415-867")
    with pytest.raises(TypeError, match="unexpected keyword argument 'area_code'"):
        await numbers.list(area_code="415")  # type: ignore[call-arg]
    assert fake.requests == []


async def test_iso8601_dates_are_read_as_well(client: Client, fake: FakeTwilio) -> None:
    (sid,) = fake.seed_numbers(
        1, date_created="2016-04-07T23:52:28Z", date_updated="2016-04-08T01:02:03+02:00"
    )
    number = await client.incoming_phone_numbers(sid).fetch()
    assert number.date_created is not None
    assert number.date_created.isoformat() == "2016-04-07T23:52:28+00:00"
    assert number.date_updated is not None
    assert number.date_updated.utcoffset() is not None
    assert number.date_updated.isoformat() == "2016-04-08T01:02:03+02:00"


async def test_a_malformed_record_in_a_stream_is_a_decode_error(
    client: Client, fake: FakeTwilio
) -> None:
    fake.seed_numbers(3)
    fake.seed_numbers(1, date_created="not a date")
    with pytest.raises(TwilioDecodeError, match="IncomingPhoneNumber") as excinfo:
        [n async for n in client.incoming_phone_numbers.stream(page_size=2)]
    assert excinfo.value.method == "GET"
    assert "/IncomingPhoneNumbers.json" in excinfo.value.url
    with pytest.raises(TwilioDecodeError):
        await client.incoming_phone_numbers.page(page_size=10)


async def test_records_before_a_malformed_one_are_yielded_first(
    client: Client, fake: FakeTwilio
) -> None:
    good = fake.seed_numbers(13)
    fake.seed_numbers(1, date_created="not a date")
    fake.seed_numbers(5)
    received: list[str] = []

    async def consume() -> None:
        async for number in client.incoming_phone_numbers.stream(page_size=5):
            received.append(number.sid)

    with pytest.raises(TwilioDecodeError, match="IncomingPhoneNumber"):
        await consume()
    assert received == good  # two whole pages, then the three records before the bad one
    assert client_tasks() == []


async def test_cancelling_the_consumer_cancels_the_request_ahead(
    client: Client, fake: FakeTwilio
) -> None:
    fake.seed_numbers(30)
    fake.inject(Fault(latency=30.0, path="/IncomingPhoneNumbers.json", skip=1))  # page 2
    first_record = asyncio.Event()

    async def consume() -> None:
        async for _ in client.incoming_phone_numbers.stream(page_size=10):
            first_record.set()
            await asyncio.Event().wait()  # the consumer works forever on page 1

    consumer = asyncio.create_task(consume())
    await first_record.wait()
    await wait_until(lambda: pages_requested(fake) == 2 and len(client_tasks()) == 2)
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    # The abandoned generator is closed by asyncio in a task of its own, at once.
    await wait_until(lambda: client_tasks() == [])


async def test_a_failing_page_is_raised_after_the_pages_before_it(
    client: Client, fake: FakeTwilio
) -> None:
    sids = fake.seed_numbers(30)
    fake.inject(Fault(status=404, path="/IncomingPhoneNumbers.json", skip=2))  # page 3
    got: list[str] = []

    async def consume() -> None:
        async for number in client.incoming_phone_numbers.stream(page_size=10):
            got.append(number.sid)

    with pytest.raises(TwilioAPIError) as caught:
        await consume()
    assert got == sids[:20]
    assert "PageToken" in caught.value.url
    assert client_tasks() == []


async def walk_and_trace(client: Client, page_size: int) -> int:
    """Peak memory traced while streaming every number (the fake's share included)."""
    gc.collect()
    tracemalloc.start()
    try:
        count = 0
        async for _ in client.incoming_phone_numbers.stream(page_size=page_size):
            count += 1
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_memory_held_by_a_stream_is_a_few_pages_whatever_the_length(
    client: Client, fake: FakeTwilio
) -> None:
    fake.seed_numbers(600)
    short = await walk_and_trace(client, page_size=200)  # 3 pages
    fake.seed_numbers(1800)
    long = await walk_and_trace(client, page_size=200)  # 12 pages
    # Four times the records, about the same memory: it is held per page, not per record.
    assert long < 1.3 * short


async def test_a_page_s_records_are_released_as_the_stream_moves_through_it(
    client: Client, fake: FakeTwilio
) -> None:
    # Each record's decoded dicts are freed once its model exists, not with the whole page:
    # memory held falls through a page of 1000 (about 3 MB of decoded records).
    fake.seed_numbers(2000)
    held: dict[int, int] = {}
    gc.collect()
    tracemalloc.start()
    try:
        count = 0
        async for _ in client.incoming_phone_numbers.stream(page_size=1000):
            count += 1
            if count in (1, 1000):  # the first and last record of page 1
                held[count] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert count == 2000
    assert held[1000] < 0.7 * held[1]
