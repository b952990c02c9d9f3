"""AvailablePhoneNumbers (API 2010-04-01): the query each filter becomes, local validation
(nothing sent), the resource tree, and decoding what Twilio answers."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest

from twilio_async import (
    AddressRequirement,
    AvailablePhoneNumber,
    AvailablePhoneNumberCountry,
    Client,
    TwilioValidationError,
)
from twilio_async.converter import record_structurer, records_structurer
from twilio_async.resources.available_phone_numbers import (
    AvailablePhoneNumberCountryContext,
    AvailablePhoneNumberCountryList,
    _SearchList,
    normalize_country_code,
)
from twilio_async.testing import FakeTwilio

AC = "AC" + "0" * 32
SUB = "AC" + "5" * 32
TYPES = ("local", "toll_free", "mobile", "national", "voip", "shared_cost", "machine_to_machine")

# Every documented filter with a valid value, and what it is on the wire, in that order.
EVERY_FILTER: dict[str, Any] = {
    "area_code": 510,
    "contains": "510555****",
    "sms_enabled": True,
    "mms_enabled": False,
    "voice_enabled": True,
    "fax_enabled": False,
    "exclude_all_address_required": True,
    "exclude_local_address_required": False,
    "exclude_foreign_address_required": True,
    "beta": False,
    "near_number": "+15105551234",
    "near_lat_long": "37.840699,-122.461853",
    "distance": 50,
    "in_postal_code": "94703",
    "in_region": "CA",
    "in_rate_center": "OKLD0099",
    "in_lata": "722",
    "in_locality": "Oakland",
}
EVERY_FILTER_ON_THE_WIRE = [
    ("AreaCode", "510"),
    ("Contains", "510555****"),
    ("SmsEnabled", "true"),
    ("MmsEnabled", "false"),
    ("VoiceEnabled", "true"),
    ("FaxEnabled", "false"),
    ("ExcludeAllAddressRequired", "true"),
    ("ExcludeLocalAddressRequired", "false"),
    ("ExcludeForeignAddressRequired", "true"),
    ("Beta", "false"),
    ("NearNumber", "+15105551234"),
    ("NearLatLong", "37.840699,-122.461853"),
    ("Distance", "50"),
    ("InPostalCode", "94703"),
    ("InRegion", "CA"),
    ("InRateCenter", "OKLD0099"),
    ("InLata", "722"),
    ("InLocality", "Oakland"),
]

FILTERS = _SearchList._filters
assert FILTERS is not None


def offline_client() -> Client:
    """A client whose requests could go nowhere (nothing listens on port 9)."""
    return Client(AC, "token", base_url="http://127.0.0.1:9")


# -- the query -----------------------------------------------------------------------------


def test_every_filter_has_its_documented_wire_name_and_encoding() -> None:
    assert FILTERS.encode(EVERY_FILTER) == EVERY_FILTER_ON_THE_WIRE


def test_filters_are_sent_in_declaration_order_whatever_order_they_are_given() -> None:
    shuffled = dict(reversed(list(EVERY_FILTER.items())))
    assert FILTERS.encode(shuffled) == EVERY_FILTER_ON_THE_WIRE


# -- the resource tree ---------------------------------------------------------------------


def test_the_tree_is_reachable_from_the_client_the_api_and_an_account() -> None:
    client = offline_client()
    countries = client.available_phone_numbers
    assert isinstance(countries, AvailablePhoneNumberCountryList)
    assert countries is client.api.v2010.available_phone_numbers
    assert repr(countries) == f"<AvailablePhoneNumberCountryList account_sid={AC!r}>"
    sub = client.accounts(SUB).available_phone_numbers
    assert repr(sub) == f"<AvailablePhoneNumberCountryList account_sid={SUB!r}>"
    assert repr(sub("GB").mobile) == (
        f"<AvailableMobileList account_sid={SUB!r}, country_code='GB'>"
    )


@pytest.mark.parametrize("number_type", TYPES)
def test_every_number_type_is_a_search_of_its_country(number_type: str) -> None:
    country = offline_client().available_phone_numbers("US")
    assert isinstance(country, AvailablePhoneNumberCountryContext)
    search = getattr(country, number_type)
    assert isinstance(search, _SearchList)
    assert repr(search).endswith(f"account_sid={AC!r}, country_code='US'>")


@pytest.mark.parametrize(("given", "sent"), [("US", "US"), ("us", "US"), ("gB", "GB")])
def test_country_code_is_normalised_to_upper_case(given: str, sent: str) -> None:
    assert normalize_country_code(given) == sent
    assert offline_client().available_phone_numbers(given).country_code == sent


@pytest.mark.parametrize("bad", ["USA", "U", "", "1A", "U1", "ÜS", "U S", "US\n", "../", None, 1])
def test_a_country_code_that_is_not_two_letters_is_refused(bad: Any) -> None:
    with pytest.raises(TwilioValidationError, match="two letters") as caught:
        offline_client().available_phone_numbers(bad)
    assert caught.value.param == "country_code"


# -- local validation: nothing is sent -----------------------------------------------------

BAD_FILTERS: list[tuple[dict[str, Any], str, str]] = [
    ({"area_code": 199}, "area_code", "200..999"),
    ({"area_code": 1000}, "area_code", "200..999"),
    ({"area_code": "510"}, "area_code", "integer"),
    ({"area_code": True}, "area_code", "integer"),
    ({"distance": -1, "near_number": "+15105551234"}, "distance", "0..500"),
    ({"distance": 501, "near_number": "+15105551234"}, "distance", "0..500"),
    ({"distance": 2.5, "near_number": "+15105551234"}, "distance", "integer"),
    ({"near_number": "5105551234"}, "near_number", "E.164"),
    ({"near_number": "+1 510 555 1234"}, "near_number", "E.164"),
    ({"near_lat_long": "37.84"}, "near_lat_long", "latitude,longitude"),
    ({"near_lat_long": "37.84, -122.46"}, "near_lat_long", "latitude,longitude"),
    ({"near_lat_long": "91,0"}, "near_lat_long", "latitude,longitude"),
    ({"near_lat_long": "0,-180.5"}, "near_lat_long", "latitude,longitude"),
    ({"near_lat_long": "nan,0"}, "near_lat_long", "latitude,longitude"),
    ({"near_lat_long": "1e3,0"}, "near_lat_long", "latitude,longitude"),
    ({"near_lat_long": "1,2,3"}, "near_lat_long", "latitude,longitude"),
    ({"near_lat_long": (37.8, -122.4)}, "near_lat_long", "string"),
    ({"contains": "5"}, "contains", "2 to 16"),
    ({"contains": "5" * 17}, "contains", "2 to 16"),
    ({"contains": "51-55"}, "contains", "letters, digits and the meta-characters"),
    ({"contains": "é5"}, "contains", "letters, digits and the meta-characters"),
    ({"contains": "51+55"}, "contains", "'+' only at the start"),
    ({"contains": "5$55"}, "contains", "'$' only at the end"),
    ({"contains": "*5*5"}, "contains", "wildcards (* and %) only before or after"),
    ({"contains": "55%55"}, "contains", "wildcards (* and %) only before or after"),
    ({"contains": "5***"}, "contains", "at least two letters or digits"),
    ({"contains": "+$"}, "contains", "at least two letters or digits"),
    ({"contains": "+*555"}, "contains", "'+' or '$' not next to a wildcard"),
    ({"contains": "555%$"}, "contains", "'+' or '$' not next to a wildcard"),
    ({"sms_enabled": "true"}, "sms_enabled", "True or False"),
    ({"beta": 1}, "beta", "True or False"),
    ({"in_region": ""}, "in_region", "blank"),
    ({"in_locality": "  "}, "in_locality", "blank"),
    ({"in_postal_code": 94703}, "in_postal_code", "string"),
    ({"in_lata": None}, "in_lata", "None is not accepted"),
    ({"distance": 10}, "distance", "near_number or near_lat_long"),
    ({"in_rate_center": "OKLD"}, "in_rate_center", "in_lata"),
]


@pytest.mark.parametrize(("filters", "param", "message"), BAD_FILTERS)
async def test_bad_filters_are_refused_before_anything_is_sent(
    client: Client, fake: FakeTwilio, filters: dict[str, Any], param: str, message: str
) -> None:
    search = client.available_phone_numbers("US").local
    message = re.escape(message)
    with pytest.raises(TwilioValidationError, match=message) as caught:
        await search.list(**filters)
    assert caught.value.param == param
    with pytest.raises(TwilioValidationError, match=message):
        await search.page(**filters)
    with pytest.raises(TwilioValidationError, match=message):
        search.stream(**filters)  # raises at the call, not at the first iteration
    assert fake.requests == []


@pytest.mark.parametrize(
    "good",
    [
        {"contains": "STORM"},
        {"contains": "+1510"},
        {"contains": "%2345"},
        {"contains": "555$"},
        {"contains": "**55**"},
        {"contains": "+15105551234$"},
        {"contains": "0123456789abcdef"},
        {"near_lat_long": "-90,180"},
        {"near_lat_long": "+37.5,-122"},
        {"distance": 0, "near_lat_long": "37.84,-122.46"},
        {"distance": 500, "near_number": "+15105551234"},
        {"area_code": 200},
        {"area_code": 999},
        {"in_rate_center": "OKLD", "in_lata": "722"},
    ],
)
def test_valid_edge_values_are_accepted(good: dict[str, Any]) -> None:
    assert FILTERS.encode(good)


@pytest.mark.parametrize("number_type", TYPES)
@pytest.mark.parametrize("unknown", ["phone_number", "page", "area", "in_lata_code"])
async def test_a_filter_a_search_does_not_take_is_a_type_error_naming_it(
    client: Client, fake: FakeTwilio, number_type: str, unknown: str
) -> None:
    search = getattr(client.available_phone_numbers("US"), number_type)
    with pytest.raises(TypeError, match=repr(unknown)):
        await search.list(**{unknown: "1"})
    with pytest.raises(TypeError, match=repr(unknown)):
        search.stream(**{unknown: "1"})
    assert fake.requests == []


async def test_the_countries_list_takes_no_filters(client: Client) -> None:
    countries: Any = client.available_phone_numbers
    with pytest.raises(TypeError):
        await countries.list(area_code=415)


# -- decoding ------------------------------------------------------------------------------

# A record as the spec's example shows it (latitude and longitude as strings, as Twilio sends).
RECORD: dict[str, Any] = {
    "address_requirements": "none",
    "beta": False,
    "capabilities": {"mms": True, "sms": False, "voice": True},
    "friendly_name": "(808) 925-1571",
    "iso_country": "US",
    "lata": "834",
    "latitude": "19.720000",
    "locality": "Hilo",
    "longitude": "-155.090000",
    "phone_number": "+18089251571",
    "postal_code": "96720",
    "rate_center": "HILO",
    "region": "HI",
}


def decode_one(record: dict[str, Any]) -> AvailablePhoneNumber:
    """Through both decoders a response takes (one record; a page of records): equal."""
    raw = json.loads(json.dumps(record))
    one = record_structurer(AvailablePhoneNumber)(raw)
    (many,) = records_structurer(AvailablePhoneNumber)([json.loads(json.dumps(record))])
    assert one == many
    return one


def test_a_search_result_decodes_every_field() -> None:
    number = decode_one(RECORD)
    assert number == AvailablePhoneNumber(
        phone_number="+18089251571",
        friendly_name="(808) 925-1571",
        iso_country="US",
        lata="834",
        locality="Hilo",
        rate_center="HILO",
        latitude=19.72,
        longitude=-155.09,
        region="HI",
        postal_code="96720",
        address_requirements=AddressRequirement.NONE,
        beta=False,
        capabilities=number.capabilities,
    )
    assert number.capabilities is not None
    caps = number.capabilities
    assert (caps.voice, caps.sms, caps.mms, caps.fax) == (True, False, True, None)


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        ("19.720000", "-155.090000", (19.72, -155.09)),  # what Twilio sends
        (19.72, -155.09, (19.72, -155.09)),  # what the spec says
        (19, -155, (19.0, -155.0)),
        (None, None, (None, None)),  # outside the US and Canada
        ("", "", (None, None)),
    ],
)
def test_latitude_and_longitude_read_as_floats_from_strings_numbers_or_null(
    latitude: Any, longitude: Any, expected: tuple[float | None, float | None]
) -> None:
    number = decode_one({**RECORD, "latitude": latitude, "longitude": longitude})
    assert (number.latitude, number.longitude) == expected
    for value in (number.latitude, number.longitude):
        assert value is None or isinstance(value, float)


def test_a_latitude_that_is_not_a_number_is_a_decode_error() -> None:
    with pytest.raises(ValueError, match="north"):
        record_structurer(AvailablePhoneNumber)({**RECORD, "latitude": "north"})


def test_fields_unknown_today_and_new_enum_values_do_not_crash() -> None:
    number = decode_one(
        {**RECORD, "address_requirements": "regional", "capabilities": {"fax": True}, "x": 1}
    )
    assert number.address_requirements == "regional"
    assert number.address_requirements is not None
    assert not number.address_requirements.is_known
    assert number.capabilities is not None
    assert number.capabilities.fax is True


def test_a_minimal_record_outside_north_america_decodes() -> None:
    number = decode_one({"phone_number": "+4759440374", "iso_country": "NO", "lata": None})
    assert number.phone_number == "+4759440374"
    assert (number.lata, number.latitude, number.region) == (None, None, None)


def test_a_search_result_without_a_phone_number_is_a_decode_error() -> None:
    with pytest.raises(ValueError, match="phone_number"):
        record_structurer(AvailablePhoneNumber)({**RECORD, "phone_number": None})


def test_a_country_decodes_with_its_searches() -> None:
    country = record_structurer(AvailablePhoneNumberCountry)(
        {
            "beta": False,
            "country": "United States",
            "country_code": "US",
            "subresource_uris": {
                "local": "/2010-04-01/Accounts/ACaa/AvailablePhoneNumbers/US/Local.json",
                "toll_free": "/2010-04-01/Accounts/ACaa/AvailablePhoneNumbers/US/TollFree.json",
            },
            "uri": "/2010-04-01/Accounts/ACaa/AvailablePhoneNumbers/US.json",
        }
    )
    assert country.country_code == "US"
    assert country.country == "United States"
    assert country.beta is False
    assert country.subresource_uris is not None
    assert set(country.subresource_uris) == {"local", "toll_free"}
    with pytest.raises(TypeError):
        country.subresource_uris["mobile"] = "x"  # type: ignore[index]


def test_models_are_frozen_and_compare_by_value() -> None:
    number = decode_one(RECORD)
    with pytest.raises(AttributeError):
        number.phone_number = "+1"  # type: ignore[misc]
    assert number == decode_one(RECORD)
    assert math.isclose(number.latitude or 0.0, 19.72)
