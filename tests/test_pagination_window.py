"""stream_records when every page URL is known from the first page, and PagingV2008.

Pure asyncio: the pages are coroutines with controlled delays, so completion order,
the number of fetches in flight and cancellation can be observed exactly.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import attrs
import pytest
from yarl import URL

from twilio_async import TwilioValidationError
from twilio_async.hosts import Hosts, Product
from twilio_async.pagination import (
    BUILD_CHUNK,
    PREFETCH_TASK_NAME,
    PageData,
    PageDecodeError,
    PagingV2008,
    stream_records,
    with_page_number,
)

BASE = URL("https://api.twilio.com/2008-08-01/Accounts/AC1/IncomingPhoneNumbers?num=3")
HOSTS = Hosts.resolve()


class Pages:
    """A page-numbered list of ``total`` records, ``size`` per page, served with delays."""

    def __init__(
        self,
        total: int,
        size: int,
        delays: Mapping[int, float] | None = None,
        *,
        links_only: bool = False,
    ) -> None:
        self.links_only = links_only  # like the 2010 API: only a link to the next page
        self.total = total
        self.size = size
        self.num_pages = max(1, -(-total // size))
        self.delays = dict(delays or {})
        self.requested: list[int] = []
        self.in_flight = 0
        self.peak = 0
        self.cancelled: list[int] = []
        self.failing: set[int] = set()
        self.decoded: list[int] = []

    def data(self, page: int) -> PageData:
        start = page * self.size
        ids = range(start, min(start + self.size, self.total))
        urls = [URL(f"https://x.test/p?page={n}") for n in range(page + 1, self.num_pages)]
        return PageData(
            records=[{"n": n} for n in ids],
            next_url=urls[0] if urls else None,
            page_number=page,
            page_size=self.size,
            later_page_urls=None if self.links_only else urls,
        )

    async def first(self) -> PageData:
        self.requested.append(0)
        return self.data(0)

    async def following(self, url: URL) -> Callable[[], PageData]:
        page = int(url.query["page"])
        self.requested.append(page)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delays.get(page, 0.001))
            if page in self.failing:
                raise RuntimeError(f"page {page} failed")
        except asyncio.CancelledError:
            self.cancelled.append(page)
            raise
        finally:
            self.in_flight -= 1

        def decode() -> PageData:
            self.decoded.append(page)
            return self.data(page)

        return decode

    def stream(self, *, limit: int | None = None, window: int = 4) -> AsyncIterator[int]:
        return stream_records(
            self.first, self.following, lambda r: int(r["n"]), limit=limit, window=window
        )


async def drain(stream: AsyncIterator[int], into: list[int]) -> None:
    async for n in stream:
        into.append(n)


def fetch_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == PREFETCH_TASK_NAME]


async def test_records_come_in_page_order_even_when_pages_finish_out_of_order() -> None:
    # Page 1 is the slowest: pages 2..4 finish first, yet nothing overtakes page 1.
    pages = Pages(total=30, size=3, delays={1: 0.05, 2: 0.001, 3: 0.02, 4: 0.0})
    got = [n async for n in pages.stream(window=4)]
    assert got == list(range(30))
    assert sorted(pages.requested) == list(range(10))
    assert pages.peak == 4


async def test_pages_are_decoded_in_page_order_when_the_consumer_reaches_them() -> None:
    pages = Pages(total=50, size=10, delays={1: 0.05, 2: 0.0, 3: 0.0, 4: 0.0})
    stream = pages.stream(window=4)
    assert await anext(stream) == 0
    await asyncio.sleep(0.02)  # pages 2..4 have arrived, page 1 has not
    assert sorted(pages.requested) == [0, 1, 2, 3, 4]
    assert pages.decoded == []  # arrived pages wait undecoded
    got = [n async for n in stream]
    assert got == list(range(1, 50))
    assert pages.decoded == [1, 2, 3, 4]


async def test_link_following_pages_are_decoded_as_they_arrive() -> None:
    pages = Pages(total=30, size=10, links_only=True)
    stream = pages.stream(window=4)
    assert await anext(stream) == 0
    await asyncio.sleep(0.02)
    assert pages.requested == [0, 1]  # one page ahead, whatever the window
    assert pages.decoded == [1]  # decoded while the consumer is still on page 0
    assert [n async for n in stream] == list(range(1, 30))


@pytest.mark.parametrize("links_only", [False, True])
async def test_requests_start_before_the_first_record_is_handed_over(links_only: bool) -> None:
    # A consumer that never awaits would otherwise hold the new requests back until the
    # end of the page.
    pages = Pages(total=100, size=10, links_only=links_only)
    stream = pages.stream(window=4)
    assert await anext(stream) == 0
    assert pages.requested == ([0, 1] if links_only else [0, 1, 2, 3, 4])
    await stream.aclose()  # type: ignore[attr-defined]
    assert fetch_tasks() == []


async def test_the_window_bounds_the_fetches_ahead() -> None:
    pages = Pages(total=100, size=5, delays=dict.fromkeys(range(20), 0.01))
    got = [n async for n in pages.stream(window=3)]
    assert got == list(range(100))
    assert pages.peak == 3


async def test_window_one_is_one_page_ahead() -> None:
    pages = Pages(total=20, size=5)
    assert [n async for n in pages.stream(window=1)] == list(range(20))
    assert pages.peak == 1


async def test_pages_waiting_in_memory_never_exceed_the_window() -> None:
    pages = Pages(total=200, size=10, delays=dict.fromkeys(range(20), 0.0))
    held: list[int] = []
    stream = pages.stream(window=4)
    async for n in stream:
        # Fetched-but-unconsumed pages, plus the one being yielded.
        fetched_ahead = len(set(pages.requested)) - (n // 10 + 1)
        held.append(fetched_ahead)
        await asyncio.sleep(0)  # let every fetch that may run, run
    assert max(held) <= 4


async def test_limit_fetches_only_the_pages_it_needs() -> None:
    pages = Pages(total=100, size=10)
    got = [n async for n in pages.stream(limit=25, window=8)]
    assert got == list(range(25))
    assert sorted(pages.requested) == [0, 1, 2]
    pages = Pages(total=100, size=10)
    assert [n async for n in pages.stream(limit=10, window=8)] == list(range(10))
    assert pages.requested == [0]
    pages = Pages(total=100, size=10)
    assert [n async for n in pages.stream(limit=0)] == []
    assert pages.requested == []


async def test_limit_larger_than_the_list() -> None:
    pages = Pages(total=22, size=10)
    assert [n async for n in pages.stream(limit=1000)] == list(range(22))
    assert sorted(pages.requested) == [0, 1, 2]


async def test_breaking_out_cancels_every_fetch_in_flight() -> None:
    pages = Pages(total=100, size=10, delays=dict.fromkeys(range(1, 10), 5.0))
    async with contextlib.aclosing(pages.stream(window=4)) as stream:  # type: ignore[type-var]
        async for n in stream:
            await asyncio.sleep(0.01)
            assert len(fetch_tasks()) == 4
            assert n == 0
            break
    assert fetch_tasks() == []
    assert sorted(pages.cancelled) == [1, 2, 3, 4]
    assert pages.in_flight == 0


async def test_a_failing_page_raises_in_order_and_cancels_the_rest() -> None:
    pages = Pages(total=100, size=10, delays={1: 0.0, 2: 0.0, 3: 0.05, 4: 5.0})
    pages.failing = {2}
    got: list[int] = []
    with pytest.raises(RuntimeError, match="page 2 failed"):
        await drain(pages.stream(window=4), got)
    # Pages 0 and 1 are delivered before page 2's failure surfaces.
    assert got == list(range(20))
    assert fetch_tasks() == []
    assert 4 in pages.cancelled


async def test_a_failure_ahead_of_the_consumer_is_retrieved_on_early_exit() -> None:
    # Page 3 fails while the consumer is still on page 0 and then stops: the failure must
    # not be reported as "Task exception was never retrieved" (warnings are errors here).
    pages = Pages(total=100, size=10, delays={3: 0.0})
    pages.failing = {3}
    async with contextlib.aclosing(pages.stream(window=4)) as stream:  # type: ignore[type-var]
        async for _ in stream:
            await asyncio.sleep(0.02)
            break
    assert fetch_tasks() == []


async def test_an_empty_later_page_ends_the_stream() -> None:
    # The list shrank after page 0 said there were 5 pages: page 2 comes back empty, and
    # with page-number paging no page after an empty one can hold records.
    pages = Pages(total=50, size=10)
    original = pages.data
    pages.data = lambda page: (  # type: ignore[method-assign]
        original(page) if page < 2 else attrs.evolve(original(page), records=[])
    )
    assert [n async for n in pages.stream(window=1)] == list(range(20))
    assert pages.requested == [0, 1, 2]
    assert fetch_tasks() == []


async def test_window_must_be_positive() -> None:
    with pytest.raises(ValueError, match="window"):
        await anext(Pages(total=1, size=1).stream(window=0))


# -- PagingV2008 --------------------------------------------------------------------------


def envelope(**attrs: str) -> dict[str, Any]:
    return {f"@{k}": v for k, v in attrs.items()}


def test_query_uses_page_and_num() -> None:
    paging = PagingV2008("incoming_phone_number")
    assert paging.query(page_size=None, page_number=None, page_token=None) == []
    assert paging.query(page_size=25, page_number=3, page_token=None) == [
        ("page", "3"),
        ("num", "25"),
    ]
    with pytest.raises(TwilioValidationError, match="page_token"):
        paging.query(page_size=None, page_number=None, page_token="PA1")


def test_decode_reads_the_attributes_and_builds_every_later_page_url() -> None:
    url = URL(
        "https://api.twilio.com/2008-08-01/Accounts/AC1/IncomingPhoneNumbers"
        "?PhoneNumber=415%2A&num=50",
        encoded=True,
    )
    body = {
        **envelope(page="0", numpages="4", pagesize="50", total="180", start="0", end="49"),
        "incoming_phone_number": [{"sid": "PN1"}, {"sid": "PN2"}],
    }
    data = PagingV2008("incoming_phone_number").decode(
        body, product=Product.API, hosts=HOSTS, url=url
    )
    assert [r["sid"] for r in data.records] == ["PN1", "PN2"]
    assert (data.page_number, data.page_size, data.total, data.num_pages) == (0, 50, 180, 4)
    assert data.later_page_urls is not None
    assert [str(u) for u in data.later_page_urls] == [
        f"https://api.twilio.com/2008-08-01/Accounts/AC1/IncomingPhoneNumbers"
        f"?PhoneNumber=415%2A&page={n}&num=50"
        for n in (1, 2, 3)
    ]
    assert data.next_url == data.later_page_urls[0]
    assert data.url == str(url)
    assert data.first_page_url is not None
    assert data.first_page_url.endswith("?PhoneNumber=415%2A&page=0&num=50")
    assert data.previous_page_url is None


def test_decode_of_a_middle_and_the_last_page() -> None:
    paging = PagingV2008("incoming_phone_number")
    url = with_page_number(BASE, 2, 3)
    body = {**envelope(page="2", numpages="4", pagesize="3"), "incoming_phone_number": {"a": "1"}}
    data = paging.decode(body, product=Product.API, hosts=HOSTS, url=url)
    assert data.records == [{"a": "1"}]  # a single child is one record
    assert data.next_url is not None
    assert data.next_url.query["page"] == "3"
    assert data.previous_page_url is not None
    assert data.previous_page_url.endswith("page=1&num=3")
    last = paging.decode(
        envelope(page="3", numpages="4", pagesize="3"), product=Product.API, hosts=HOSTS, url=url
    )
    assert last.records == []
    assert last.next_url is None
    assert last.later_page_urls is not None
    assert len(last.later_page_urls) == 0


def test_later_page_urls_are_lazy_and_sliceable() -> None:
    body = envelope(page="0", numpages="1000000", pagesize="1")
    data = PagingV2008("r").decode(body, product=Product.API, hosts=HOSTS, url=BASE)
    urls = data.later_page_urls
    assert urls is not None
    assert len(urls) == 999_999
    assert urls[-1].query["page"] == "999999"
    assert [u.query["page"] for u in urls[10:13]] == ["11", "12", "13"]


def test_without_pagesize_the_requested_num_is_kept() -> None:
    data = PagingV2008("r").decode(
        envelope(page="0", numpages="2"), product=Product.API, hosts=HOSTS, url=BASE
    )
    assert data.next_url is not None
    assert data.next_url.raw_query_string == "num=3&page=1"


@pytest.mark.parametrize(
    "body",
    [
        None,
        "text",
        {},
        envelope(page="0"),
        envelope(numpages="1"),
        envelope(page="-1", numpages="1"),
        envelope(page="0", numpages="x"),
        envelope(page="0", numpages="\u0661"),  # an Arabic-Indic digit is not ASCII
        {**envelope(page="0", numpages="1"), "r": None},  # <r/>: a record without fields
        {**envelope(page="0", numpages="1"), "r": ["text"]},
    ],
)
def test_decode_refuses_what_is_not_a_2008_list(body: Any) -> None:
    with pytest.raises(PageDecodeError):
        PagingV2008("r").decode(body, product=Product.API, hosts=HOSTS, url=BASE)


def test_decode_needs_the_page_url() -> None:
    with pytest.raises(TypeError, match="url"):
        PagingV2008("r").decode(envelope(page="0", numpages="1"), product=Product.API, hosts=HOSTS)


def test_with_page_number_keeps_other_pairs_byte_for_byte() -> None:
    url = URL("https://h/x?A=%2B1+2&page=7&num=9&B=%E2%82%AC", encoded=True)
    assert str(with_page_number(url, 8)) == "https://h/x?A=%2B1+2&num=9&B=%E2%82%AC&page=8"
    assert str(with_page_number(url, 0, 20)) == "https://h/x?A=%2B1+2&B=%E2%82%AC&page=0&num=20"
    assert str(with_page_number(URL("https://h/x"), 1)) == "https://h/x?page=1"


# --- linked pages: the page ahead is built in the event loop's idle time --------------------


def counting_stream(
    pages: Pages, built: list[int], *, bad: int | None = None, ahead: list[int] | None = None
) -> AsyncIterator[int]:
    """``built`` gets every record built; ``ahead`` those built by a page's builder task."""

    def make(record: Mapping[str, Any]) -> int:
        n = int(record["n"])
        if n == bad:
            raise ValueError(f"record {n} is bad")
        built.append(n)
        task = asyncio.current_task()
        if ahead is not None and task is not None and task.get_name() == PREFETCH_TASK_NAME:
            ahead.append(n)
        return n

    return stream_records(pages.first, pages.following, make)


async def test_consumer_takes_over_a_half_built_page_where_its_builder_stopped() -> None:
    pages = Pages(total=600, size=200, links_only=True)
    built: list[int] = []
    ahead: list[int] = []
    stream = counting_stream(pages, built, ahead=ahead)
    assert await anext(stream) == 0
    for _ in range(1000):  # page 2 arrives; its builder does one chunk or so
        if len(built) >= 1 + BUILD_CHUNK:
            break
        await asyncio.sleep(0)
    assert built[0] == 0
    assert 200 in built  # page 2's first chunk was built before the consumer got there
    assert len(built) < 1 + 200  # ... but not the whole page
    got = [0, *[n async for n in stream]]
    assert got == list(range(600))
    assert sorted(built) == list(range(600))  # every record built once, whoever built it
    assert ahead[:BUILD_CHUNK] == list(range(200, 200 + BUILD_CHUNK))
    assert fetch_tasks() == []


async def test_a_consumer_that_never_waits_builds_every_page_itself() -> None:
    pages = Pages(total=300, size=100, delays={1: 0.0, 2: 0.0}, links_only=True)
    built: list[int] = []
    ahead: list[int] = []
    got = [n async for n in counting_stream(pages, built, ahead=ahead)]
    assert got == list(range(300))
    assert built == list(range(300))
    assert ahead == []  # the loop was never idle: no builder got a turn before the consumer


async def test_a_bad_record_in_a_page_built_ahead_is_raised_in_order() -> None:
    pages = Pages(total=300, size=100, links_only=True)
    built: list[int] = []
    got: list[int] = []
    stream = counting_stream(pages, built, bad=150)
    got.append(await anext(stream))
    await asyncio.sleep(0.05)  # page 2 arrives; its builder stops at the bad record
    assert max(built) == 149
    with pytest.raises(ValueError, match="record 150 is bad"):
        await drain(stream, got)
    assert got == list(range(150))
    assert fetch_tasks() == []


def test_decode_without_links_keeps_the_later_pages_only() -> None:
    paging = PagingV2008("incoming_phone_number")
    url = with_page_number(BASE, 2, 3)
    body = {**envelope(page="2", numpages="4", pagesize="3"), "incoming_phone_number": {"a": "1"}}
    lean = paging.decode(body, product=Product.API, hosts=HOSTS, url=url, links=False)
    full = paging.decode(body, product=Product.API, hosts=HOSTS, url=url)
    assert lean.records == full.records
    assert lean.later_page_urls is not None
    assert full.later_page_urls is not None
    assert list(lean.later_page_urls) == list(full.later_page_urls)
    assert (lean.num_pages, lean.total) == (full.num_pages, full.total)
    assert (lean.url, lean.first_page_url, lean.previous_page_url) == (None, None, None)


async def test_a_page_arriving_as_the_stream_closes_starts_no_builder() -> None:
    # The page ahead completes just as the consumer leaves: whatever the order in which
    # the loop runs the fetch's done-callbacks, nothing is built after the stream ended.
    pages = Pages(total=300, size=100, delays={1: 0.0}, links_only=True)
    built: list[int] = []
    stream = counting_stream(pages, built)
    assert await anext(stream) == 0
    (fetch,) = fetch_tasks()
    for _ in range(1000):  # the first turn after the fetch completes
        if fetch.done():
            break
        await asyncio.sleep(0)
    assert fetch.done()
    await stream.aclose()  # type: ignore[attr-defined]
    at_close = list(built)
    for _ in range(10):
        await asyncio.sleep(0)
    assert fetch_tasks() == []
    assert built == at_close


class _Record(dict[str, Any]):
    """A decoded record that can be watched with a weak reference."""


async def test_records_are_released_as_soon_as_their_models_are_built() -> None:
    import weakref

    size = 3 * BUILD_CHUNK
    watched: dict[int, weakref.ref[_Record]] = {}

    def page(number: int) -> PageData:
        records = [_Record(n=n) for n in range(number * size, (number + 1) * size)]
        for record in records:
            watched[record["n"]] = weakref.ref(record)
        more = number == 0
        return PageData(records=records, next_url=URL("https://x.test/p?page=1") if more else None)

    async def first() -> PageData:
        return page(0)

    async def following(url: URL) -> Callable[[], PageData]:
        return lambda: page(1)

    stream = stream_records(first, following, lambda r: int(r["n"]))
    got = [await anext(stream) for _ in range(BUILD_CHUNK + 1)]
    assert got == list(range(BUILD_CHUNK + 1))
    # The first chunk's records are gone while their page is still being yielded; the
    # records not built yet are still there.
    assert all(watched[n]() is None for n in range(BUILD_CHUNK))
    assert all(watched[n]() is not None for n in range(2 * BUILD_CHUNK, size))
    rest = [n async for n in stream]
    assert got + rest == list(range(2 * size))
