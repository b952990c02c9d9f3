"""The fake's AvailablePhoneNumbers routes and inventory, checked with raw HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from yarl import URL

from twilio_async.testing import FakeTwilio

# The fields of the spec's available_phone_number_* schemas and of the search envelope.
NUMBER_FIELDS = {
    "friendly_name",
    "phone_number",
    "lata",
    "locality",
    "rate_center",
    "latitude",
    "longitude",
    "region",
    "postal_code",
    "iso_country",
    "address_requirements",
    "beta",
    "capabilities",
}
ENVELOPE = {
    "available_phone_numbers",
    "end",
    "first_page_uri",
    "next_page_uri",
    "page",
    "page_size",
    "previous_page_uri",
    "start",
    "uri",
}


@pytest.fixture
async def http(fake: FakeTwilio) -> AsyncIterator[aiohttp.ClientSession]:
    async with fake.session() as session:
        yield session


def root(fake: FakeTwilio) -> str:
    return f"/2010-04-01/Accounts/{fake.account_sid}/AvailablePhoneNumbers"


async def get(session: aiohttp.ClientSession, path: str, **params: str) -> tuple[int, Any]:
    # Encoded here: yarl would take the "%" of a Contains pattern for an escape.
    url = URL(f"{path}?{urlencode(params)}" if params else path, encoded=True)
    async with session.get(url) as response:
        return response.status, await response.json()


async def search(
    session: aiohttp.ClientSession, fake: FakeTwilio, where: str = "US/Local", **params: str
) -> list[dict[str, Any]]:
    status, body = await get(session, f"{root(fake)}/{where}.json", **params)
    assert status == 200, body
    numbers: list[dict[str, Any]] = body["available_phone_numbers"]
    return numbers


async def buy(session: aiohttp.ClientSession, fake: FakeTwilio, **form: str) -> tuple[int, Any]:
    path = f"/2010-04-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers.json"
    async with session.post(path, data=form) as response:
        return response.status, await response.json()


# -- countries ----------------------------------------------------------------------------


async def test_the_countries_list_and_one_country(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    status, body = await get(http, root(fake) + ".json")
    assert status == 200
    assert set(body) == {"countries", "uri"}
    assert body["uri"] == root(fake) + ".json"
    codes = [c["country_code"] for c in body["countries"]]
    assert codes[:2] == ["US", "CA"]
    assert {"GB", "AU", "FR", "NL"} <= set(codes)
    status, us = await get(http, root(fake) + "/us.json")  # any letter case
    assert status == 200
    assert us == body["countries"][0]
    assert us == {
        "country_code": "US",
        "country": "United States",
        "uri": f"{root(fake)}/US.json",
        "beta": False,
        "subresource_uris": {
            "local": f"{root(fake)}/US/Local.json",
            "toll_free": f"{root(fake)}/US/TollFree.json",
        },
    }
    _, fr = await get(http, root(fake) + "/FR.json")
    assert set(fr["subresource_uris"]) == {
        "local",
        "mobile",
        "national",
        "shared_cost",
        "toll_free",
    }
    _, nl = await get(http, root(fake) + "/NL.json")
    assert "machine_to_machine" in nl["subresource_uris"]
    every_type = set()
    for country in body["countries"]:
        every_type |= set(country["subresource_uris"])
    assert every_type == {
        "local",
        "toll_free",
        "mobile",
        "national",
        "voip",
        "shared_cost",
        "machine_to_machine",
    }


async def test_unknown_countries_and_types_are_404(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    for path in ("/XX.json", "/XX/Local.json", "/US/Mobile.json", "/US/Foo.json"):
        status, body = await get(http, root(fake) + path)
        assert (status, body["code"]) == (404, 20404), path
    status, body = await get(http, root(fake) + ".json", PageSize="0")
    assert (status, body["code"]) == (400, 20422)


# -- searches -----------------------------------------------------------------------------


async def test_a_search_answers_the_spec_envelope_with_at_most_30_numbers(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    status, body = await get(http, root(fake) + "/US/Local.json", AreaCode="415")
    assert status == 200
    assert set(body) == ENVELOPE
    numbers = body["available_phone_numbers"]
    assert len(numbers) == 30
    assert (body["next_page_uri"], body["previous_page_uri"]) == (None, None)
    assert body["uri"].startswith(root(fake) + "/US/Local.json?AreaCode=415")
    first = numbers[0]
    assert set(first) == NUMBER_FIELDS
    assert set(first["capabilities"]) == {"voice", "sms", "mms", "fax"}
    assert first["phone_number"].startswith("+1415")
    national = first["phone_number"][2:]
    assert first["friendly_name"] == f"({national[:3]}) {national[3:6]}-{national[6:]}"
    assert (first["iso_country"], first["region"], first["locality"]) == (
        "US",
        "CA",
        "San Francisco",
    )
    assert (first["latitude"], first["longitude"]) == ("37.774900", "-122.419400")  # strings
    assert len({n["phone_number"] for n in numbers}) == 30
    fewer = await search(http, fake, AreaCode="415", PageSize="5")
    assert fewer == numbers[:5]


async def test_the_inventory_is_the_same_in_every_fake(http: aiohttp.ClientSession) -> None:
    async with FakeTwilio() as other, other.session() as session:
        theirs = await search(session, other, "US/TollFree")
        again = await search(session, other, "US/TollFree")
    assert theirs == again
    assert len(theirs) == 30
    assert all(n["phone_number"].startswith("+1800") for n in theirs)
    assert all(n["lata"] is None and n["latitude"] is None for n in theirs)


async def test_numbers_outside_us_and_canada(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    mobile = await search(http, fake, "GB/Mobile")
    assert mobile[0]["phone_number"].startswith("+447700")
    assert mobile[0]["friendly_name"] == mobile[0]["phone_number"]
    assert all(n["region"] is None and n["lata"] is None for n in mobile)
    london = await search(http, fake, "GB/Local", InLocality="london")
    assert london
    assert all(n["locality"] == "London" for n in london)
    assert all(n["phone_number"].startswith("+4420") for n in london)
    assert await search(http, fake, "GB/Local", AreaCode="212") == []  # US and Canada only
    m2m = await search(http, fake, "NL/MachineToMachine")
    assert all(not n["capabilities"]["voice"] for n in m2m)
    assert len(await search(http, fake, "FR/SharedCost")) == 30
    assert len(await search(http, fake, "GB/Voip")) == 30
    assert len(await search(http, fake, "GB/National")) == 30


# -- filters ------------------------------------------------------------------------------


async def test_capability_filters(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    every = await search(http, fake, AreaCode="212")
    for name, key in (
        ("SmsEnabled", "sms"),
        ("MmsEnabled", "mms"),
        ("VoiceEnabled", "voice"),
        ("FaxEnabled", "fax"),
    ):
        assert any(not n["capabilities"][key] for n in every), key  # the filter has work
        with_it = await search(http, fake, AreaCode="212", **{name: "true"})
        without = await search(http, fake, AreaCode="212", **{name: "false"})
        assert with_it
        assert all(n["capabilities"][key] for n in with_it), name
        assert without
        assert not any(n["capabilities"][key] for n in without), name


async def test_address_and_beta_filters(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    gb_local = await search(http, fake, "GB/Local")
    assert {n["address_requirements"] for n in gb_local} == {"local"}
    assert await search(http, fake, "GB/Local", ExcludeLocalAddressRequired="true") == []
    assert await search(http, fake, "GB/Local", ExcludeAllAddressRequired="true") == []
    assert await search(http, fake, "GB/Local", ExcludeForeignAddressRequired="true") == gb_local
    assert await search(http, fake, "GB/Local", ExcludeLocalAddressRequired="false") == gb_local
    assert await search(http, fake, "FR/National", ExcludeForeignAddressRequired="true") == []
    assert await search(http, fake, "AU/Local", ExcludeAllAddressRequired="true") == []
    assert len(await search(http, fake, "AU/Local", ExcludeLocalAddressRequired="true")) == 30
    every = await search(http, fake, AreaCode="312")
    assert any(n["beta"] for n in every)
    not_beta = await search(http, fake, AreaCode="312", Beta="false")
    assert len(not_beta) == 30
    assert not any(n["beta"] for n in not_beta)
    assert await search(http, fake, AreaCode="312", Beta="true") == every


async def test_contains_patterns(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    def digits(numbers: list[dict[str, Any]]) -> list[str]:
        assert numbers, "the pattern should match something"
        return [n["phone_number"][1:] for n in numbers]

    assert all("77" in d for d in digits(await search(http, fake, Contains="77")))
    assert all(d.startswith("1415") for d in digits(await search(http, fake, Contains="+1415")))
    assert all(d.endswith("00") for d in digits(await search(http, fake, Contains="00$")))
    ending = digits(await search(http, fake, AreaCode="415", Contains="+14157**"))
    assert all(d.startswith("14157") for d in ending)
    # Letters are keypad digits: "JO" is 56.
    assert all("56" in d for d in digits(await search(http, fake, Contains="jo")))
    spread = digits(await search(http, fake, Contains="%99"))
    assert all("99" in d for d in spread)


@pytest.mark.parametrize(
    "value",
    ["7", "1234567890123456789", "12-3", "1+2", "1$2", "5*5", "*5", "+*55", "55%$", "+$"],
)
async def test_bad_contains_patterns_are_400(
    fake: FakeTwilio, http: aiohttp.ClientSession, value: str
) -> None:
    status, body = await get(http, root(fake) + "/US/Local.json", Contains=value)
    assert (status, body["code"]) == (400, 20422), value
    assert "Contains" in body["message"]


async def test_near_and_place_filters(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    near_sf = await search(http, fake, NearNumber="+14155550100", PageSize="30")
    localities = {n["locality"] for n in near_sf}
    assert localities <= {"San Francisco", "Oakland"}
    oakland = await search(http, fake, NearNumber="+14155550100", AreaCode="510")
    assert oakland
    assert all(n["locality"] == "Oakland" for n in oakland)  # 8 miles away
    assert await search(http, fake, NearNumber="+14155550100", AreaCode="510", Distance="5") == []
    # Hilo, Hawaii, is 2,400 miles from San Francisco; 500 is the largest Distance.
    assert (
        await search(http, fake, NearLatLong="37.77,-122.42", Distance="500", AreaCode="808") == []
    )
    hilo = await search(http, fake, NearLatLong="19.7,-155.1", Distance="0", AreaCode="808")
    assert hilo == []  # 1.5 miles from the block's place
    hilo = await search(http, fake, NearLatLong="19.7,-155.1", Distance="2")
    assert hilo
    assert all(n["locality"] == "Hilo" for n in hilo)
    assert await search(http, fake, NearNumber="+19795550100") == []  # no known place
    for name, value, field, expected in (
        ("InPostalCode", "10001", "postal_code", "10001"),
        ("InRegion", "wa", "region", "WA"),
        ("InLocality", "+15125550100", "locality", "Austin"),  # the number's place
        ("InLata", "722", "lata", "722"),
    ):
        found = await search(http, fake, **{name: value})
        assert found
        assert {n[field] for n in found} == {expected}, name
    centers = await search(http, fake, InRateCenter="OKLD", InLata="722")
    assert centers
    assert {n["locality"] for n in centers} == {"Oakland"}
    toronto = await search(http, fake, "CA/Local", InRegion="ON")
    assert toronto
    assert all(n["phone_number"].startswith("+1416") for n in toronto)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"AreaCode": "41"}, 21451),
        ({"AreaCode": "abc"}, 21451),
        ({"AreaCode": "155"}, 21451),
        ({"SmsEnabled": "yes"}, 20422),
        ({"MmsEnabled": "maybe"}, 20422),
        ({"VoiceEnabled": ""}, 20422),
        ({"FaxEnabled": "2"}, 20422),
        ({"ExcludeAllAddressRequired": "x"}, 20422),
        ({"ExcludeLocalAddressRequired": "x"}, 20422),
        ({"ExcludeForeignAddressRequired": "x"}, 20422),
        ({"Beta": "x"}, 20422),
        ({"NearNumber": "4155550100"}, 20422),
        ({"NearLatLong": "37.7"}, 20422),
        ({"NearLatLong": "91,0"}, 20422),
        ({"NearLatLong": "0,181"}, 20422),
        ({"NearLatLong": "a,b"}, 20422),
        ({"NearLatLong": "37.7,-122.4", "Distance": "501"}, 20422),
        ({"NearLatLong": "37.7,-122.4", "Distance": "-1"}, 20422),
        ({"NearLatLong": "37.7,-122.4", "Distance": "2.5"}, 20422),
        ({"InRateCenter": "OKLD"}, 20422),
        ({"PageSize": "0"}, 20422),
        ({"PageSize": "1001"}, 20422),
        ({"Page": "-1"}, 20422),
        ({"PageToken": "bogus"}, 20422),
    ],
)
async def test_bad_filter_values_are_400_naming_the_parameter(
    fake: FakeTwilio, http: aiohttp.ClientSession, params: dict[str, str], code: int
) -> None:
    status, body = await get(http, root(fake) + "/US/Local.json", **params)
    assert (status, body["code"]) == (400, code), params
    assert any(name in body["message"] for name in params), body["message"]


# -- the inventory shrinks as numbers are bought ------------------------------------------


async def test_a_bought_number_leaves_the_inventory(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    found = await search(http, fake, AreaCode="617")
    wanted = found[3]["phone_number"]
    status, body = await buy(http, fake, PhoneNumber=wanted)
    assert status == 201
    assert body["phone_number"] == wanted
    after = await search(http, fake, AreaCode="617")
    assert wanted not in {n["phone_number"] for n in after}
    assert after[:3] == found[:3]
    assert after[3:29] == found[4:]  # the rest moves up; one more comes in at the end
    status, body = await buy(http, fake, PhoneNumber=wanted)
    assert (status, body["code"]) == (400, 21422)
    owned = fake.state.owned_number(wanted)  # released, it does not come back
    assert owned is not None
    fake.state.release_number(owned["sid"])
    assert wanted not in {n["phone_number"] for n in await search(http, fake, AreaCode="617")}
    assert (await buy(http, fake, PhoneNumber=wanted))[1]["code"] == 21422


async def test_numbers_taken_by_another_customer(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    found = await search(http, fake, AreaCode="303")
    taken = [n["phone_number"] for n in found[::4]]
    fake.take_available(taken)
    remaining = {n["phone_number"] for n in await search(http, fake, AreaCode="303")}
    assert remaining.isdisjoint(taken)
    assert len(remaining) == 30
    for number in taken:
        status, body = await buy(http, fake, PhoneNumber=number)
        assert (status, body["code"]) == (400, 21422)
    assert fake.state.numbers == {}


async def test_purchases_by_area_code_draw_from_the_inventory_in_order(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    found = await search(http, fake, AreaCode="206")
    bought = [(await buy(http, fake, AreaCode="206"))[1]["phone_number"] for _ in range(3)]
    assert bought == [n["phone_number"] for n in found[:3]]
    toll_free = await search(http, fake, "US/TollFree", AreaCode="888")
    status, body = await buy(http, fake, AreaCode="888")
    assert (status, body["phone_number"], body["type"]) == (
        201,
        toll_free[0]["phone_number"],
        "tollfree",
    )
    # A valid area code the table does not list still has numbers (with no place).
    status, body = await buy(http, fake, AreaCode="979")
    assert status == 201
    assert body["phone_number"].startswith("+1979")
    # Any well-formed number that is not gone can still be bought (lenient).
    assert (await buy(http, fake, PhoneNumber="+14155552344"))[0] == 201


async def test_the_inventory_size_is_configurable(http: aiohttp.ClientSession) -> None:
    async with FakeTwilio(inventory_size=4) as small, small.session() as session:
        found = await search(session, small, AreaCode="404")
        assert len(found) == 4
        for _ in range(4):
            assert (await buy(session, small, AreaCode="404"))[0] == 201
        assert await search(session, small, AreaCode="404") == []
        status, body = await buy(session, small, AreaCode="404")
        assert (status, body["code"]) == (400, 21452)
        small.inventory.size = 10  # the same numbers come first; gone ones stay gone
        assert len(await search(session, small, AreaCode="404")) == 6
    with pytest.raises(ValueError, match="size"):
        FakeTwilio(inventory_size=-1)


async def test_exhausted_area_codes_have_nothing(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    assert await search(http, fake, AreaCode="555") == []
    fake.state.exhausted_area_codes.add("415")
    assert await search(http, fake, AreaCode="415") == []
    assert all(
        not n["phone_number"].startswith("+1415") for n in await search(http, fake, PageSize="30")
    )


async def test_a_bought_number_keeps_what_the_search_said_of_it(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    no_sms = (await search(http, fake, AreaCode="512", SmsEnabled="false"))[0]
    status, body = await buy(http, fake, PhoneNumber=no_sms["phone_number"])
    assert status == 201
    assert body["capabilities"] == no_sms["capabilities"]
    assert body["capabilities"]["sms"] is False
    assert (body["type"], body["friendly_name"]) == ("local", no_sms["friendly_name"])
    london = (await search(http, fake, "GB/Local"))[0]
    status, body = await buy(http, fake, PhoneNumber=london["phone_number"])
    assert (status, body["type"], body["address_requirements"]) == (201, "local", "local")
    mobile = (await search(http, fake, "GB/Mobile"))[0]
    assert (await buy(http, fake, PhoneNumber=mobile["phone_number"]))[1]["type"] == "mobile"
