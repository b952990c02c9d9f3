"""Pages and streams over HTTP: links followed as given, one page ahead, clean early exit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import pytest

from twilio_async import Client, TwilioDecodeError, TwilioValidationError, UnsafeURLError
from twilio_async.pagination import PREFETCH_TASK_NAME
from twilio_async.testing import FakeTwilio, Fault


async def wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


def pages_requested(fake: FakeTwilio) -> int:
    return len(fake.requests_to("GET", "/IncomingPhoneNumbers.json"))


def prefetch_tasks() -> list[asyncio.Task[object]]:
    """The client's page fetches still running (the fake's own handlers excluded)."""
    return [t for t in asyncio.all_tasks() if t.get_name() == PREFETCH_TASK_NAME]


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


async def test_stream_is_at_most_one_page_ahead(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(50)
    stream = client.incoming_phone_numbers.stream(page_size=10)
    await anext(stream)
    await wait_until(lambda: pages_requested(fake) == 2)
    await asyncio.sleep(0.1)
    assert pages_requested(fake) == 2
    for _ in range(10):  # finish page 1, take the first record of page 2
        await anext(stream)
    await wait_until(lambda: pages_requested(fake) == 3)
    await asyncio.sleep(0.05)
    assert pages_requested(fake) == 3
    await stream.aclose()  # type: ignore[attr-defined]


async def test_breaking_out_cancels_the_prefetch_and_leaves_no_task(
    client: Client, fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    fake.seed_numbers(30)
    fake.inject(Fault(latency=5.0, path="/IncomingPhoneNumbers.json", skip=1))  # the prefetch
    async with contextlib.aclosing(client.incoming_phone_numbers.stream(page_size=10)) as stream:  # type: ignore[type-var]
        async for _ in stream:
            await wait_until(lambda: pages_requested(fake) == 2)
            assert len(prefetch_tasks()) == 1
            break
    assert prefetch_tasks() == []
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
        await wait_until(lambda: prefetch_tasks() == [])
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


async def test_the_page_ahead_is_built_into_models_before_the_consumer_reaches_it(
    client: Client, fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Page n + 1 is decoded and built into models in the event loop's idle time while the
    # consumer is still on page n (here: awaiting): a slow consumer overlaps that work.
    import twilio_async.resources.base as base

    built: list[str] = []
    real = base.records_structurer

    def counting(model: type[object]) -> Callable[[list[dict[str, object]]], list[object]]:
        make_many = real(model)

        def counted(records: list[dict[str, object]]) -> list[object]:
            built.extend(str(record["sid"]) for record in records)
            return make_many(records)

        return counted

    monkeypatch.setattr(base, "records_structurer", counting)
    sids = fake.seed_numbers(30)
    stream = client.incoming_phone_numbers.stream(page_size=10)
    assert (await anext(stream)).sid == sids[0]
    await wait_until(lambda: pages_requested(fake) == 2 and prefetch_tasks() == [])
    # Page 1 was built when the consumer reached it (one chunk holds the whole page);
    # page 2 is ready; page 3 is not asked for yet.
    assert built == sids[:20]
    assert pages_requested(fake) == 2
    rest = [n.sid async for n in stream]
    assert rest == sids[1:]
    assert sorted(built) == sorted(sids)  # each record built exactly once


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
    assert prefetch_tasks() == []
