"""Page-numbered lists (2008-08-01): a bounded window of later pages requested
concurrently, records in page order; and the pure decoding of their envelope."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from yarl import URL

from twilio_async import Client, PaginationLoopError, TwilioValidationError
from twilio_async.envelopes import PageDecodeError, PagingV2008, with_page_number
from twilio_async.hosts import Hosts, Product
from twilio_async.pagination import MAX_PAGE_WINDOW
from twilio_async.testing import FakeTwilio, Fault

from .conftest import client_tasks, wait_until

BASE = URL("https://api.twilio.com/2008-08-01/Accounts/AC1/IncomingPhoneNumbers?num=3")
HOSTS = Hosts.resolve()


def page_requests(fake: FakeTwilio) -> list[int]:
    """The page number of every list request the fake received, in arrival order."""
    return [
        int(r.query_dict().get("page", "0"))
        for r in fake.requests_to("GET", "/2008-08-01/")
        if r.path.endswith("/IncomingPhoneNumbers")
    ]


async def test_records_come_in_page_order_when_an_early_page_answers_last(
    client: Client, fake: FakeTwilio
) -> None:
    sids = fake.seed_numbers(100)
    fake.inject(Fault(latency=0.3, path="/2008-08-01/", skip=1))  # page 1 is slow
    numbers = client.api.v2008.incoming_phone_numbers
    assert [n.sid async for n in numbers.stream(page_size=10)] == sids
    assert sorted(page_requests(fake)) == list(range(10))


async def test_the_window_fills_up_and_no_further(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(200)
    fake.inject(Fault(latency=30.0, path="/2008-08-01/", skip=1, times=100))  # later pages
    numbers = client.api.v2008.incoming_phone_numbers
    async with contextlib.aclosing(numbers.stream(page_size=10)) as stream:  # type: ignore[type-var]
        async for _ in stream:
            await wait_until(lambda: fake.in_flight == MAX_PAGE_WINDOW)
            assert sorted(page_requests(fake)) == list(range(1 + MAX_PAGE_WINDOW))
            assert len(client_tasks()) == MAX_PAGE_WINDOW
            break
    assert client_tasks() == []
    assert len(page_requests(fake)) == 1 + MAX_PAGE_WINDOW  # nothing more was asked for


async def test_an_empty_later_page_ends_the_stream(fake: FakeTwilio) -> None:
    # The list shrank after page 0 said there were 5 pages: page 2 comes back empty, and
    # with page-number paging no page after an empty one can hold records.
    sids = fake.seed_numbers(50)
    empty = (
        '<?xml version="1.0" encoding="UTF-8"?><TwilioResponse><IncomingPhoneNumbers '
        'page="2" numpages="5" pagesize="10" total="20" start="20" end="20"/></TwilioResponse>'
    )
    fake.inject(Fault(status=200, body=empty, content_type="application/xml", skip=2))
    async with fake.client(max_concurrency=1) as client:  # one page ahead, in order
        got = [n.sid async for n in client.api.v2008.incoming_phone_numbers.stream(page_size=10)]
    assert got == sids[:20]
    assert page_requests(fake) == [0, 1, 2]


async def test_a_server_answering_another_page_number_is_a_loop(fake: FakeTwilio) -> None:
    # A server that ignores ?page= would answer page 0 for every page: duplicates forever.
    sids = fake.seed_numbers(30)
    page_0 = (
        '<?xml version="1.0" encoding="UTF-8"?><TwilioResponse><IncomingPhoneNumbers '
        'page="0" numpages="3" pagesize="10" total="30" start="0" end="9"/></TwilioResponse>'
    )
    fake.inject(Fault(status=200, body=page_0, content_type="application/xml", skip=1))
    got: list[str] = []

    async def consume(client: Client) -> None:
        async for number in client.api.v2008.incoming_phone_numbers.stream(page_size=10):
            got.append(number.sid)

    async with fake.client(max_concurrency=1) as client:  # a window of one page
        with pytest.raises(PaginationLoopError, match="asked for page 1, the server answered"):
            await consume(client)
    assert got == sids[:10]
    assert page_requests(fake) == [0, 1]


async def test_limit_requests_only_the_pages_it_needs(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(100)
    numbers = client.api.v2008.incoming_phone_numbers
    assert [n.sid async for n in numbers.stream(page_size=10, limit=25)] == sids[:25]
    assert sorted(page_requests(fake)) == [0, 1, 2]
    fake.requests.clear()
    assert [n.sid async for n in numbers.stream(page_size=10, limit=10)] == sids[:10]
    assert page_requests(fake) == [0]
    fake.requests.clear()
    assert [n.sid async for n in numbers.stream(page_size=10, limit=1000)] == sids
    assert sorted(page_requests(fake)) == list(range(10))


# -- PagingV2008: the envelope ------------------------------------------------------------


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
    later = list(data.later_page_urls)
    assert [str(u) for u in later] == [
        f"https://api.twilio.com/2008-08-01/Accounts/AC1/IncomingPhoneNumbers"
        f"?PhoneNumber=415%2A&page={n}&num=50"
        for n in (1, 2, 3)
    ]
    assert data.next_url == later[0]
    assert data.fetched_url == url
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
    assert list(last.later_page_urls) == []


def test_later_page_urls_are_built_lazily() -> None:
    # A list of a million pages costs no more than one of two until its pages are walked.
    body = envelope(page="0", numpages="1000000", pagesize="1")
    data = PagingV2008("r").decode(body, product=Product.API, hosts=HOSTS, url=BASE)
    urls = data.later_page_urls
    assert urls is not None
    assert [next(urls).query["page"] for _ in range(3)] == ["1", "2", "3"]


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


def test_with_page_number_keeps_other_pairs_byte_for_byte() -> None:
    url = URL("https://h/x?A=%2B1+2&page=7&num=9&B=%E2%82%AC", encoded=True)
    assert str(with_page_number(url, 8)) == "https://h/x?A=%2B1+2&num=9&B=%E2%82%AC&page=8"
    assert str(with_page_number(url, 0, 20)) == "https://h/x?A=%2B1+2&B=%E2%82%AC&page=0&num=20"
    assert str(with_page_number(URL("https://h/x"), 1)) == "https://h/x?page=1"


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
