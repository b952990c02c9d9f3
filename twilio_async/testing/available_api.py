"""The fake's AvailablePhoneNumbers routes, API 2010-04-01 (JSON), as Twilio's OpenAPI
description (``twilio_api_v2010_numbers.json``) has them:

* ``GET …/AvailablePhoneNumbers.json``: ``{"countries": [...], "uri": ...}``, every
  country the fake sells in (the paging parameters are checked; the list is never cut,
  as its envelope has no page links);
* ``GET …/AvailablePhoneNumbers/{CountryCode}.json``: one country (any letter case), its
  ``subresource_uris`` naming the number types it has; an unknown country is 404 (20404);
* ``GET …/AvailablePhoneNumbers/{CountryCode}/{Type}.json``, ``Type`` one of ``Local``,
  ``TollFree``, ``Mobile``, ``National``, ``Voip``, ``SharedCost``, ``MachineToMachine``
  (404 for a type the country does not have): a search of the inventory
  (:mod:`.inventory`). As on Twilio, it answers one page of at most 30 numbers (fewer if
  ``PageSize`` asks for fewer) with no next page, in the 2010 list envelope under
  ``available_phone_numbers``; ``Page`` and ``PageToken`` are checked, nothing more.
  Numbers come in inventory order, so the same search gives the same numbers until some
  are gone.

Search filters, each checked as Twilio does (400 with code 20422, or 21451 for an area
code, naming the parameter):

* ``AreaCode``: three digits, the first 2-9 (US and Canada; elsewhere nothing matches);
* ``Contains``: 2 to 16 characters of digits, letters (read as keypad digits) and the
  meta-characters ``*`` (one digit), ``%`` (any run of digits), a leading ``+`` (anchors at
  the start of the number, country code included) and a trailing ``$`` (anchors at its
  end). Wildcards stand only before or after the digits and letters, which must be at
  least two; ``+``/``$`` may not touch a wildcard;
* ``SmsEnabled``, ``MmsEnabled``, ``VoiceEnabled``, ``FaxEnabled``: ``true`` keeps the
  numbers with that capability, ``false`` those without;
* ``ExcludeAllAddressRequired`` (any requirement), ``ExcludeLocalAddressRequired``,
  ``ExcludeForeignAddressRequired``; ``Beta=false`` leaves out numbers new to Twilio;
* ``NearNumber`` (E.164) or ``NearLatLong`` (``lat,long``) with ``Distance`` (whole miles,
  0-500, default 25): numbers whose place is that close. A number's place is its area
  code's, so a number the table has no place for is near nothing;
* ``InPostalCode``, ``InRegion``, ``InRateCenter`` (needs ``InLata``), ``InLata``,
  ``InLocality``: equal to the value (letter case ignored) or, given an E.164 number, to
  that number's place's.

The geographic fields and filters apply to US and Canadian numbers (``InLocality`` and the
``locality`` field to any number whose block has a place). ``latitude`` and ``longitude``
are strings, as real Twilio sends them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiohttp import web

from .area import ApiArea, Route
from .inventory import (
    COUNTRIES,
    NUMBER_TYPES,
    AvailableNumber,
    Country,
    Place,
    distance_miles,
    place_of,
)
from .wire import (
    Window,
    envelope_2010,
    invalid,
    json_response,
    not_found,
    page_size_from,
    paginate,
    parse_bool,
    query_pairs,
)

__all__ = ["MAX_RESULTS", "AvailableNumbersApi", "render_available_number"]

ROOT = "/2010-04-01/Accounts/{account_sid}/AvailablePhoneNumbers"
MAX_RESULTS = 30  # numbers one search answers, at most

Keep = Callable[[AvailableNumber], bool]

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_PAGING = ("PageSize", "Page", "PageToken")
_KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")

# Filters on what a number is: the parameter -> what it reads.
_CAPABILITY_FILTERS: Mapping[str, Callable[[AvailableNumber], bool]] = {
    "SmsEnabled": lambda n: n.sms,
    "MmsEnabled": lambda n: n.mms,
    "VoiceEnabled": lambda n: n.voice,
    "FaxEnabled": lambda n: n.fax,
}
# ``true`` leaves out the numbers that need such an address.
_ADDRESS_FILTERS: Mapping[str, frozenset[str]] = {
    "ExcludeAllAddressRequired": frozenset({"any", "local", "foreign"}),
    "ExcludeLocalAddressRequired": frozenset({"local"}),
    "ExcludeForeignAddressRequired": frozenset({"foreign"}),
}
# ``In…`` filters: the parameter -> the place field it compares.
_PLACE_FILTERS: Mapping[str, str] = {
    "InPostalCode": "postal_code",
    "InRegion": "region",
    "InRateCenter": "rate_center",
    "InLata": "lata",
    "InLocality": "locality",
}


def render_available_number(number: AvailableNumber) -> dict[str, Any]:
    """One available number, with the fields of the spec's ``available_phone_number_*``."""
    place = number.place or Place("")
    return {
        "friendly_name": number.friendly_name,
        "phone_number": number.phone_number,
        "lata": place.lata,
        "locality": place.locality or None,
        "rate_center": place.rate_center,
        "latitude": None if place.latitude is None else f"{place.latitude:.6f}",
        "longitude": None if place.longitude is None else f"{place.longitude:.6f}",
        "region": place.region,
        "postal_code": place.postal_code,
        "iso_country": number.iso_country,
        "address_requirements": number.address_requirements,
        "beta": number.beta,
        "capabilities": {
            "mms": number.mms,
            "sms": number.sms,
            "voice": number.voice,
            "fax": number.fax,
        },
    }


def contains_pattern(value: str) -> re.Pattern[str]:
    """A ``Contains`` value as a pattern over the number's digits (country code first)."""
    anchored_start, anchored_end = value.startswith("+"), value.endswith("$")
    body = value[int(anchored_start) : len(value) - int(anchored_end)]
    core = body.strip("*%")
    rules = (  # (holds, what is wrong otherwise), checked in order
        (2 <= len(value) <= 16, "must be 2 to 16 characters long"),
        (
            re.fullmatch(r"[0-9A-Za-z*%+$]+", value) is not None,
            "may hold only digits, letters, * % + $",
        ),
        ("+" not in body and "$" not in body, "may start with + and end with $ only"),
        ("*" not in core and "%" not in core, "may have wildcards only before or after the rest"),
        (len(core) >= 2, "needs at least two digits or letters"),
        (
            not (anchored_start and body[:1] in ("*", "%"))
            and not (anchored_end and body[-1:] in ("*", "%")),
            "may not put + or $ next to a wildcard",
        ),
    )
    problem = next((why for holds, why in rules if not holds), None)
    if problem is not None:
        raise invalid(f"Invalid Parameter: Contains {value!r} {problem}")
    pieces = {"*": "[0-9]", "%": "[0-9]*"}
    regex = "".join(pieces.get(c, c) for c in body.upper().translate(_KEYPAD))
    return re.compile(("^" if anchored_start else "") + regex + ("$" if anchored_end else ""))


def _lat_long(value: str) -> tuple[float, float]:
    parts = value.split(",")
    try:
        latitude, longitude = (float(part) for part in parts)
    except ValueError:
        latitude = longitude = float("nan")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise invalid(f"Invalid Parameter: NearLatLong {value!r} must be 'latitude,longitude'")
    return latitude, longitude


def _distance(params: Mapping[str, str]) -> int:
    raw = params.get("Distance", "25")
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 500:
        raise invalid(f"Invalid Parameter: Distance {raw!r} must be a whole number of miles, 0-500")
    return int(raw)


def _near(params: Mapping[str, str]) -> Keep | None:
    """``NearNumber``/``NearLatLong`` with ``Distance``: numbers whose place is close."""
    distance = _distance(params)
    if "NearNumber" in params:
        value = params["NearNumber"]
        if not _E164.fullmatch(value):
            raise invalid(f"Invalid Parameter: NearNumber {value!r} must be an E.164 number")
        place = place_of(value)
        if place is None or place.latitude is None or place.longitude is None:
            return lambda n: False
        center = (place.latitude, place.longitude)
    elif "NearLatLong" in params:
        center = _lat_long(params["NearLatLong"])
    else:
        return None

    def near(number: AvailableNumber) -> bool:
        place = number.place
        if place is None or place.latitude is None or place.longitude is None:
            return False
        return distance_miles(center, (place.latitude, place.longitude)) <= distance

    return near


def _in_place(field: str, value: str) -> Keep:
    """An ``In…`` filter: the place field equals the value, or the given number's."""
    if _E164.fullmatch(value):
        place = place_of(value)
        wanted = None if place is None else getattr(place, field)
    else:
        wanted = value
    if not wanted:
        return lambda n: False
    folded = wanted.casefold()
    return lambda n: n.place is not None and (getattr(n.place, field) or "").casefold() == folded


def _capability(has: Keep, wanted: bool) -> Keep:
    return lambda n: has(n) is wanted


def _address(needs: frozenset[str]) -> Keep:
    return lambda n: n.address_requirements not in needs


def _contains(value: str) -> Keep:
    pattern = contains_pattern(value)
    return lambda n: pattern.search(n.phone_number[1:]) is not None


def _ending(params: Mapping[str, str]) -> str | None:
    """The last two digits of every number a search keeps, when its ``Contains`` ends in
    two digits or more anchored at the end (``"07$"``): the inventory scans only those."""
    value = params.get("Contains")
    regex = "" if value is None else contains_pattern(value).pattern
    tail = regex[-3:-1]
    return tail if regex.endswith("$") and len(tail) == 2 and tail.isdigit() else None


def search_filter(params: Mapping[str, str]) -> Keep:
    """Every filter of a search but ``AreaCode``, checked, as one predicate."""
    keep = [
        _capability(has, parse_bool(name, params[name]))
        for name, has in _CAPABILITY_FILTERS.items()
        if name in params
    ]
    keep += [
        _address(needs)
        for name, needs in _ADDRESS_FILTERS.items()
        if name in params and parse_bool(name, params[name])
    ]
    if "Beta" in params and not parse_bool("Beta", params["Beta"]):
        keep.append(lambda n: not n.beta)
    if "Contains" in params:
        keep.append(_contains(params["Contains"]))
    if "InRateCenter" in params and "InLata" not in params:
        raise invalid("Invalid Parameter: InRateCenter requires InLata")
    keep += [
        _in_place(field, params[name]) for name, field in _PLACE_FILTERS.items() if name in params
    ]
    near = _near(params)
    if near is not None:
        keep.append(near)
    if len(keep) <= 1:  # the usual case: no all() over a generator per number scanned
        return keep[0] if keep else _keep_all
    return lambda n: all(k(n) for k in keep)


def _keep_all(number: AvailableNumber) -> bool:
    return True


def _area_code(params: Mapping[str, str]) -> str | None:
    area_code = params.get("AreaCode")
    if area_code is not None and not re.fullmatch(r"[2-9][0-9]{2}", area_code):
        raise invalid(f"AreaCode {area_code} is not a valid area code", 21451)
    return area_code


class AvailableNumbersApi(ApiArea):
    """``/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers[/{CountryCode}[/{Type}]]``."""

    def routes(self) -> Iterable[Route]:
        kinds = "|".join(NUMBER_TYPES)
        return (
            ("GET", ROOT + ".json", self.list_countries),
            ("GET", ROOT + "/{country_code}.json", self.fetch_country),
            ("GET", ROOT + "/{country_code}/{kind:" + kinds + "}.json", self.search),
        )

    def country(self, request: web.Request) -> Country:
        country = COUNTRIES.get(request.match_info["country_code"].upper())
        if country is None:
            raise not_found(request)
        return country

    def render_country(self, account_sid: str, country: Country) -> dict[str, Any]:
        root = ROOT.format(account_sid=account_sid) + "/" + country.code
        return {
            "country_code": country.code,
            "country": country.name,
            "uri": root + ".json",
            "beta": country.beta,
            "subresource_uris": {
                key: f"{root}/{segment}.json"
                for segment, key in NUMBER_TYPES.items()
                if key in country.blocks
            },
        }

    async def list_countries(self, request: web.Request) -> web.Response:
        account_sid = self.account(request)
        paginate([], dict(query_pairs(request)))  # checks the paging parameters
        countries = [self.render_country(account_sid, c) for c in COUNTRIES.values()]
        return json_response({"countries": countries, "uri": request.path})

    async def fetch_country(self, request: web.Request) -> web.Response:
        account_sid = self.account(request)
        return json_response(self.render_country(account_sid, self.country(request)))

    async def search(self, request: web.Request) -> web.Response:
        self.account(request)
        country = self.country(request)
        number_type = NUMBER_TYPES[request.match_info["kind"]]
        if number_type not in country.blocks:
            raise not_found(request)
        pairs = query_pairs(request)
        params = dict(pairs)
        paginate([], params)  # checks the paging parameters
        size = page_size_from(params)
        area_code = _area_code(params)
        keep = search_filter(params)
        inventory = self.state.inventory
        prefixes = inventory.prefixes(country, number_type, area_code)
        filters = [(k, v) for k, v in pairs if k not in _PAGING]
        limit = min(size, MAX_RESULTS)
        found = inventory.search(country, number_type, prefixes, keep, limit, _ending(params))
        items = [render_available_number(n) for n in found]
        window = Window(items, page=0, size=size, start=0, next_token=None, previous_token=None)
        body = envelope_2010(request.path, filters, window, "available_phone_numbers", items)
        return json_response(body)
