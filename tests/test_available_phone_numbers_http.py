"""AvailablePhoneNumbers over real HTTP against the fake: what each call puts on the wire,
one page of at most 30 numbers, and searching then buying."""

from __future__ import annotations

import pytest

from twilio_async import (
    AvailablePhoneNumber,
    BadRequestError,
    Client,
    NotFoundError,
)
from twilio_async.testing import FakeTwilio

from .test_available_phone_numbers import EVERY_FILTER, EVERY_FILTER_ON_THE_WIRE

# A country of the fake's inventory that offers each number type, and the type's segment.
WHERE = {
    "local": ("US", "Local"),
    "toll_free": ("US", "TollFree"),
    "mobile": ("GB", "Mobile"),
    "national": ("GB", "National"),
    "voip": ("GB", "Voip"),
    "shared_cost": ("FR", "SharedCost"),
    "machine_to_machine": ("NL", "MachineToMachine"),
}


def root(fake: FakeTwilio, account_sid: str | None = None) -> str:
    return f"/2010-04-01/Accounts/{account_sid or fake.account_sid}/AvailablePhoneNumbers"


@pytest.mark.parametrize("number_type", list(WHERE))
async def test_every_filter_goes_on_the_wire_under_its_documented_name(
    client: Client, fake: FakeTwilio, number_type: str
) -> None:
    country, segment = WHERE[number_type]
    search = getattr(client.available_phone_numbers(country.lower()), number_type)
    assert await search.list(**EVERY_FILTER) == []  # no number meets them all
    (sent,) = fake.requests
    assert (sent.method, sent.path) == ("GET", f"{root(fake)}/{country}/{segment}.json")
    # list() asks for the most a page holds; a search answers 30 at most anyway
    assert list(sent.query) == [*EVERY_FILTER_ON_THE_WIRE, ("PageSize", "1000")]
    assert (sent.handled, sent.status) == (True, 200)  # the fake checks each as Twilio does


async def test_a_search_is_one_request_of_at_most_30_numbers(
    client: Client, fake: FakeTwilio
) -> None:
    local = client.available_phone_numbers("US").local
    found = await local.list(area_code=510)
    assert len(found) == 30
    assert len({n.phone_number for n in found}) == 30
    assert [n async for n in local.stream(area_code=510)] == found
    page = await local.page(area_code=510, page_size=1000)
    assert list(page) == found
    assert page.next_page_url is None
    assert await page.next_page() is None
    page = await local.page(area_code=510)  # page() leaves the size to Twilio
    assert list(page) == found
    assert [r.query for r in fake.requests] == [
        (("AreaCode", "510"), ("PageSize", "1000")),
        (("AreaCode", "510"), ("PageSize", "1000")),
        (("AreaCode", "510"), ("PageSize", "1000")),
        (("AreaCode", "510"),),
    ]


async def test_a_limit_asks_for_no_more_than_it_needs(client: Client, fake: FakeTwilio) -> None:
    found = await client.available_phone_numbers("US").local.list(area_code=415, limit=5)
    assert len(found) == 5
    (sent,) = fake.requests
    assert sent.query == (("AreaCode", "415"), ("PageSize", "5"))


async def test_the_answers_are_typed_and_match_the_filters(client: Client) -> None:
    us = client.available_phone_numbers("US")
    oakland = await us.local.list(area_code=510, sms_enabled=True, contains="510%")
    assert oakland
    for number in oakland:
        assert isinstance(number, AvailablePhoneNumber)
        assert number.phone_number.startswith("+1510")
        assert (number.locality, number.region, number.iso_country) == ("Oakland", "CA", "US")
        assert number.capabilities is not None
        assert number.capabilities.sms is True
        assert (number.latitude, number.longitude) == (37.8044, -122.2712)  # sent as strings

    near = await us.local.list(near_lat_long="37.8044,-122.2712", distance=15)
    assert {n.locality for n in near} <= {"Oakland", "San Francisco"}
    assert near

    abroad = await client.available_phone_numbers("GB").mobile.list(limit=3)
    assert len(abroad) == 3
    assert all(n.phone_number.startswith("+447700") for n in abroad)
    assert all(n.latitude is None and n.lata is None for n in abroad)


async def test_a_bought_number_is_gone_from_the_next_search(
    client: Client, fake: FakeTwilio
) -> None:
    local = client.available_phone_numbers("US").local
    before = await local.list(area_code=415)
    bought = await client.incoming_phone_numbers.create(phone_number=before[0].phone_number)
    assert bought.phone_number == before[0].phone_number
    assert bought.sid.startswith("PN")

    after = await local.list(area_code=415)
    assert before[0].phone_number not in {n.phone_number for n in after}
    assert after[:29] == before[1:]  # the same inventory, in the same order, one further on
    assert fake.purchases_per_number() == {before[0].phone_number: 1}


async def test_buying_a_number_taken_since_the_search_is_21422_and_not_retried(
    client: Client, fake: FakeTwilio
) -> None:
    (candidate, spare) = await client.available_phone_numbers("US").local.list(
        area_code=212, limit=2
    )
    fake.take_available([candidate.phone_number])  # another customer was faster

    with pytest.raises(BadRequestError) as caught:
        await client.incoming_phone_numbers.create(phone_number=candidate.phone_number)
    assert caught.value.code == 21422
    assert len(fake.requests_to("POST", "/IncomingPhoneNumbers.json")) == 1

    again = await client.available_phone_numbers("US").local.list(area_code=212)
    assert again[0] == spare
    bought = await client.incoming_phone_numbers.local.create(phone_number=spare.phone_number)
    assert bought.phone_number == spare.phone_number


async def test_countries_and_one_country(client: Client, fake: FakeTwilio) -> None:
    countries = await client.available_phone_numbers.list()
    codes = [c.country_code for c in countries]
    assert {"US", "GB", "NL"} <= set(codes)
    assert len(set(codes)) == len(codes)
    assert [c async for c in client.available_phone_numbers.stream()] == countries
    assert len(fake.requests) == 2  # one page each: the countries list has no page links

    us = await client.available_phone_numbers("us").fetch()
    assert us == next(c for c in countries if c.country_code == "US")
    assert us.country == "United States"
    assert us.subresource_uris is not None
    assert us.subresource_uris["local"] == f"{root(fake)}/US/Local.json"
    assert fake.requests[-1].path == f"{root(fake)}/US.json"


async def test_a_country_or_type_not_for_sale_is_not_found(client: Client) -> None:
    with pytest.raises(NotFoundError):
        await client.available_phone_numbers("ZZ").fetch()
    with pytest.raises(NotFoundError):
        await client.available_phone_numbers("US").mobile.list()


async def test_a_subaccount_searches_under_its_own_path(client: Client, fake: FakeTwilio) -> None:
    sub = fake.create_subaccount()
    found = await client.accounts(sub).available_phone_numbers("CA").local.list(area_code=416)
    assert found
    assert all(n.phone_number.startswith("+1416") for n in found)
    (sent,) = fake.requests
    assert sent.path == f"{root(fake, sub)}/CA/Local.json"
