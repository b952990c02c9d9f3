"""Without ``page_size``, stream() and list() ask for the largest page every API allows
(1000), or for ``limit`` when that is smaller; page() leaves the size to Twilio."""

from __future__ import annotations

import pytest

from twilio_async import Client
from twilio_async.pagination import MAX_PAGE_SIZE
from twilio_async.resources.base import default_page_size
from twilio_async.testing import FakeTwilio

NUMBERS = "/IncomingPhoneNumbers.json"


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(None, 1000), (0, 1), (1, 1), (5, 5), (999, 999), (1000, 1000), (1001, 1000), (10**9, 1000)],
)
def test_default_page_size_is_the_maximum_or_the_limit(limit: int | None, expected: int) -> None:
    assert MAX_PAGE_SIZE == 1000
    assert default_page_size(limit) == expected


async def test_a_big_list_takes_one_request_per_thousand_numbers(
    client: Client, fake: FakeTwilio
) -> None:
    sids = fake.seed_numbers(2500)
    listed = await client.incoming_phone_numbers.list()
    assert [n.sid for n in listed] == sids
    sent = fake.requests_to("GET", NUMBERS)
    assert len(sent) == 3  # 1000 + 1000 + 500; at Twilio's default of 50 it would be 50
    assert sent[0].query_dict() == {"PageSize": "1000"}
    streamed = [n.sid async for n in client.incoming_phone_numbers.local.stream()]
    assert len(streamed) == 2500
    assert fake.requests_to("GET", "/IncomingPhoneNumbers/Local.json")[0].query == (
        ("PageSize", "1000"),
    )


async def test_a_limit_below_the_maximum_is_the_page_size(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(30)
    assert len(await client.incoming_phone_numbers.list(limit=7)) == 7
    (sent,) = fake.requests_to("GET", NUMBERS)
    assert sent.query_dict() == {"PageSize": "7"}


async def test_an_explicit_page_size_wins(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(30)
    assert len(await client.incoming_phone_numbers.list(page_size=20, limit=25)) == 25
    first, second = fake.requests_to("GET", NUMBERS)
    assert first.query_dict() == {"PageSize": "20"}
    assert second.query_dict()["PageSize"] == "20"


async def test_page_keeps_the_servers_default(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(60)
    page = await client.incoming_phone_numbers.page()
    assert len(page) == 50  # Twilio's (and the fake's) default
    (sent,) = fake.requests_to("GET", NUMBERS)
    assert sent.query == ()


async def test_marketplace_lists_ask_for_the_maximum(client: Client, fake: FakeTwilio) -> None:
    catalog = await client.marketplace.available_add_ons.list()
    assert catalog
    (sent,) = fake.requests_to("GET", "/v1/AvailableAddOns")
    assert sent.query_dict() == {"PageSize": "1000"}
    extensions = await client.marketplace.available_add_ons(catalog[0].sid).extensions.list()
    assert extensions
    assert fake.requests[-1].query_dict() == {"PageSize": "1000"}


async def test_the_2008_api_asks_for_the_maximum_num(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(1200)
    legacy = client.api.v2008.incoming_phone_numbers
    assert [n.sid async for n in legacy.stream()] == sids
    first, second = (r for r in fake.requests if r.path.endswith("/IncomingPhoneNumbers"))
    assert first.query_dict() == {"num": "1000"}
    assert second.query_dict() == {"page": "1", "num": "1000"}
