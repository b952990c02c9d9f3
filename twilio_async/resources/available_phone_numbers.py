"""AvailablePhoneNumbers, API 2010-04-01: search for numbers to buy.

``client.available_phone_numbers`` lists the countries with numbers for sale;
``client.available_phone_numbers("US")`` is one country, and its ``local``, ``toll_free``,
``mobile``, ``national``, ``voip``, ``shared_cost`` and ``machine_to_machine`` searches
find numbers of that type. Buy one with ``client.incoming_phone_numbers.create(
phone_number=found.phone_number)``.

A search answers at most 30 numbers and has no further page: ``list()``/``stream()`` end
after that one page. Search again (with other filters, or after buying) for more.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Any

from typing_extensions import Doc, TypedDict, Unpack

from ..envelopes import PagingV2010
from ..errors import TwilioValidationError
from ..hosts import Product
from ..models import AvailablePhoneNumber, AvailablePhoneNumberCountry
from ..pagination import Page, RecordStream, StreamCursor
from ..params import E164, Range, schema
from .base import AwaitedAlias, Endpoint, Instance, ListResource

__all__ = [
    "AvailableLocalList",
    "AvailableMachineToMachineList",
    "AvailableMobileList",
    "AvailableNationalList",
    "AvailablePhoneNumberCountryContext",
    "AvailablePhoneNumberCountryList",
    "AvailablePhoneNumberFilters",
    "AvailableSharedCostList",
    "AvailableTollFreeList",
    "AvailableVoipList",
    "normalize_country_code",
]

_ROOT = "/2010-04-01/Accounts/{account_sid}/AvailablePhoneNumbers"
_COUNTRY = _ROOT + "/{country_code}"


# -- checks the shared params markers do not offer yet (duck-typed like params._Check) ----


class _SearchPattern:
    """``contains``: Twilio's documented pattern rules, checked in this order.

    2-16 characters of letters, digits and the meta-characters ``*`` (one character),
    ``%`` (any run), ``+`` (first: anchors the start) and ``$`` (last: anchors the end);
    wildcards only before or after the letters and digits, of which there are at least
    two; ``+``/``$`` not next to a wildcard (the meta-characters "can't be adjacent").
    """

    allows_blank = False
    what = "a pattern of 2-16 letters, digits and the wildcards * and %, '+' first, '$' last"
    _CHARACTERS = re.compile(r"[0-9A-Za-z*%+$]+")

    def check(self, param: str, value: str) -> None:
        anchored_start, anchored_end = value.startswith("+"), value.endswith("$")
        body = value[int(anchored_start) : len(value) - int(anchored_end)]
        core = body.strip("*%")
        rules = (  # (holds, what the pattern must be otherwise)
            (2 <= len(value) <= 16, f"2 to 16 characters long (got {len(value)})"),
            (
                self._CHARACTERS.fullmatch(value) is not None,
                "letters, digits and the meta-characters * % + $",
            ),
            ("+" not in body and "$" not in body, "'+' only at the start and '$' only at the end"),
            (
                "*" not in core and "%" not in core,
                "wildcards (* and %) only before or after the letters and digits",
            ),
            (len(core) >= 2, "at least two letters or digits"),
            (
                not (anchored_start and body[:1] in ("*", "%"))
                and not (anchored_end and body[-1:] in ("*", "%")),
                "'+' or '$' not next to a wildcard",
            ),
        )
        problem = next((what for holds, what in rules if not holds), None)
        if problem is not None:
            raise TwilioValidationError(f"{param} must be {problem}, got {value!r}", param=param)

    def __repr__(self) -> str:
        return "<check: search pattern>"


class _LatLong:
    """``near_lat_long``: ``"lat,long"`` in decimal degrees, e.g. ``"37.84,-122.46"``."""

    allows_blank = False
    what = "'latitude,longitude' in decimal degrees, no spaces, e.g. '37.840699,-122.461853'"
    _NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")

    def check(self, param: str, value: str) -> None:
        parts = value.split(",")
        valid = len(parts) == 2 and all(self._NUMBER.fullmatch(part) for part in parts)
        if valid:
            latitude, longitude = (float(part) for part in parts)
            valid = math.fabs(latitude) <= 90 and math.fabs(longitude) <= 180
        if not valid:
            raise TwilioValidationError(
                f"{param} must be 'latitude,longitude' in decimal degrees (latitude -90..90, "
                f"longitude -180..180, no spaces) such as '37.840699,-122.461853', "
                f"got {value!r}",
                param=param,
            )

    def __repr__(self) -> str:
        return "<check: latitude,longitude>"


class _Text:
    """A free-text filter (a place name, code or phone number): blank would match nothing."""

    allows_blank = False
    what = "not blank"

    def check(self, param: str, value: str) -> None:
        if not value.strip():
            raise TwilioValidationError(f"{param} must not be blank", param=param)

    def __repr__(self) -> str:
        return "<check: not blank>"


_LOCATION = Annotated[str, _Text()]

# NANP area codes (US, Canada) are three digits and never start with 0 or 1.
_AREA_CODE = Range(200, 999)


class AvailablePhoneNumberFilters(TypedDict, total=False):
    """Search filters, shared by every number type (as Twilio documents them).

    The location filters (``area_code``, ``near_*``, ``distance``, ``in_*``) apply to
    numbers in the US and Canada. ``distance`` (miles, default 25) needs ``near_number`` or
    ``near_lat_long``; ``in_rate_center`` needs ``in_lata``. ``beta`` defaults to true on
    Twilio's side.
    """

    area_code: Annotated[
        int,
        _AREA_CODE,
        Doc(
            "The area code of the phone numbers to read. Applies to only phone numbers in the"
            " US and Canada."
        ),
    ]
    contains: Annotated[
        str,
        _SearchPattern(),
        Doc(
            "Matching pattern to identify phone numbers. This pattern can be between 2 and 16"
            " characters long and allows all digits (0-9) and all non-diacritic latin "
            "alphabet letters (a-z, A-Z). It accepts four meta-characters: `*`, `%`, `+`, "
            "`$`. The `*` and `%` meta-characters can appear multiple times in the pattern. "
            "To match wildcards at the beginning or end of the pattern, use `*` to match any "
            "single character or `%` to match a sequence of characters. If you use the "
            "wildcard patterns, it must include at least two non-meta-characters, and "
            "wildcards cannot be used between non-meta-characters. To match the beginning of "
            "a pattern, start the pattern with `+`. To match the end of the pattern, append "
            "the pattern with `$`. These meta-characters can't be adjacent to each other."
        ),
    ]
    sms_enabled: Annotated[
        bool, Doc("Whether the phone numbers can receive text messages. Can be: `true` or `false`.")
    ]
    mms_enabled: Annotated[
        bool, Doc("Whether the phone numbers can receive MMS messages. Can be: `true` or `false`.")
    ]
    voice_enabled: Annotated[
        bool, Doc("Whether the phone numbers can receive calls. Can be: `true` or `false`.")
    ]
    fax_enabled: Annotated[
        bool, Doc("Whether the phone numbers can receive faxes. Can be: `true` or `false`.")
    ]
    exclude_all_address_required: Annotated[
        bool,
        Doc(
            "Whether to exclude phone numbers that require an "
            "[Address](https://www.twilio.com/docs/usage/api/address). Can be: `true` or "
            "`false` and the default is `false`."
        ),
    ]
    exclude_local_address_required: Annotated[
        bool,
        Doc(
            "Whether to exclude phone numbers that require a local "
            "[Address](https://www.twilio.com/docs/usage/api/address). Can be: `true` or "
            "`false` and the default is `false`."
        ),
    ]
    exclude_foreign_address_required: Annotated[
        bool,
        Doc(
            "Whether to exclude phone numbers that require a foreign "
            "[Address](https://www.twilio.com/docs/usage/api/address). Can be: `true` or "
            "`false` and the default is `false`."
        ),
    ]
    beta: Annotated[
        bool,
        Doc(
            "Whether to read phone numbers that are new to the Twilio platform. Can be: "
            "`true` or `false` and the default is `true`."
        ),
    ]
    near_number: Annotated[
        str,
        E164,
        Doc(
            "Given a phone number, find a geographically close number within `distance` "
            "miles. Distance defaults to 25 miles. Applies to only phone numbers in the US "
            "and Canada."
        ),
    ]
    near_lat_long: Annotated[
        str,
        _LatLong(),
        Doc(
            "Given a latitude/longitude pair `lat,long` find geographically close numbers "
            "within `distance` miles. Applies to only phone numbers in the US and Canada."
        ),
    ]
    distance: Annotated[
        int,
        Range(0, 500),
        Doc(
            "The search radius, in miles, for a `near_` query. Can be up to `500` and the "
            "default is `25`. Applies to only phone numbers in the US and Canada."
        ),
    ]
    in_postal_code: Annotated[
        _LOCATION,
        Doc(
            "Limit results to a particular postal code. Given a phone number, search within "
            "the same postal code as that number. Applies to only phone numbers in the US and"
            " Canada."
        ),
    ]
    in_region: Annotated[
        _LOCATION,
        Doc(
            "Limit results to a particular region, state, or province. Given a phone number, "
            "search within the same region as that number. Applies to only phone numbers in "
            "the US and Canada."
        ),
    ]
    in_rate_center: Annotated[
        _LOCATION,
        Doc(
            "Limit results to a specific rate center, or given a phone number search within "
            "the same rate center as that number. Requires `in_lata` to be set as well. "
            "Applies to only phone numbers in the US and Canada."
        ),
    ]
    in_lata: Annotated[
        _LOCATION,
        Doc(
            "Limit results to a specific local access and transport area "
            "([LATA](https://en.wikipedia.org/wiki/Local_access_and_transport_area)). Given a"
            " phone number, search within the same "
            "[LATA](https://en.wikipedia.org/wiki/Local_access_and_transport_area) as that "
            "number. Applies to only phone numbers in the US and Canada."
        ),
    ]
    in_locality: Annotated[
        _LOCATION,
        Doc(
            "Limit results to a particular locality or city. Given a phone number, search "
            "within the same Locality as that number."
        ),
    ]


_FILTERS = schema(
    AvailablePhoneNumberFilters,
    operation="AvailablePhoneNumbers(country_code).local.list",
    elsewhere={
        "phone_number": "a search matches digits with contains='...' (e.g. contains='867'), "
        "or numbers near one with near_number='+1...'",
    },
)


def check_search_filters(filters: Mapping[str, Any]) -> Mapping[str, Any]:
    """``filters`` once the rules between filters hold (each value is checked on encoding)."""
    if "distance" in filters and not ("near_number" in filters or "near_lat_long" in filters):
        raise TwilioValidationError(
            "distance is the radius of a near_number or near_lat_long search: give one of them",
            param="distance",
        )
    if "in_rate_center" in filters and "in_lata" not in filters:
        raise TwilioValidationError(
            "in_rate_center needs in_lata as well (Twilio requires both)", param="in_rate_center"
        )
    return filters


_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")


def normalize_country_code(value: object) -> str:
    """An ISO 3166-1 alpha-2 code in the upper case Twilio's paths use (``"us"`` -> ``"US"``).

    Raises :class:`~twilio_async.errors.TwilioValidationError` for anything but two ASCII
    letters. Whether Twilio sells numbers in that country is Twilio's answer (a 404).
    """
    if not isinstance(value, str) or not _COUNTRY_CODE.fullmatch(value):
        raise TwilioValidationError(
            "country_code must be an ISO 3166-1 alpha-2 code of two letters such as 'US', "
            f"got {value!r}",
            param="country_code",
        )
    return value.upper()


# -- the searches -------------------------------------------------------------------------


class _SearchList(ListResource[AvailablePhoneNumber]):
    """One number type's search; the seven types differ only in their endpoint."""

    __slots__ = ()

    _model = AvailablePhoneNumber
    _filters = _FILTERS
    _paging = PagingV2010("available_phone_numbers")

    async def page(
        self,
        *,
        page_size: int | None = None,
        page_number: int | None = None,
        page_token: str | None = None,
        **filters: Unpack[AvailablePhoneNumberFilters],
    ) -> Page[AvailablePhoneNumber]:
        """The numbers matching ``filters`` (at most 30, whatever ``page_size`` says)."""
        return await self._page(
            check_search_filters(filters),
            page_size=page_size,
            page_number=page_number,
            page_token=page_token,
        )

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        resume: StreamCursor | str | None = None,
        **filters: Unpack[AvailablePhoneNumberFilters],
    ) -> RecordStream[AvailablePhoneNumber]:
        """The numbers matching ``filters``, up to ``limit`` (a search has one page)."""
        return self._stream(
            check_search_filters(filters), limit=limit, page_size=page_size, resume=resume
        )

    async def list(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        resume: StreamCursor | str | None = None,
        **filters: Unpack[AvailablePhoneNumberFilters],
    ) -> list[AvailablePhoneNumber]:
        """The numbers matching ``filters`` (up to ``limit``; at most 30) in one list."""
        return await self._list(
            check_search_filters(filters), limit=limit, page_size=page_size, resume=resume
        )

    # The official twilio package's async spellings (see ListResource).
    page_async = page
    stream_async = AwaitedAlias(stream)
    list_async = list


class AvailableLocalList(_SearchList):
    """``client.available_phone_numbers("US").local``: geographic numbers."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _COUNTRY + "/Local.json")


class AvailableTollFreeList(_SearchList):
    """``client.available_phone_numbers("US").toll_free``: toll-free numbers."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _COUNTRY + "/TollFree.json")


class AvailableMobileList(_SearchList):
    """``client.available_phone_numbers("GB").mobile``: mobile numbers."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _COUNTRY + "/Mobile.json")


class AvailableNationalList(_SearchList):
    """``client.available_phone_numbers("GB").national``: non-geographic national numbers."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _COUNTRY + "/National.json")


class AvailableVoipList(_SearchList):
    """``client.available_phone_numbers("GB").voip``: VoIP numbers."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _COUNTRY + "/Voip.json")


class AvailableSharedCostList(_SearchList):
    """``client.available_phone_numbers("GB").shared_cost``: shared-cost numbers."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _COUNTRY + "/SharedCost.json")


class AvailableMachineToMachineList(_SearchList):
    """``client.available_phone_numbers("SE").machine_to_machine``: M2M numbers."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _COUNTRY + "/MachineToMachine.json")


# -- countries ----------------------------------------------------------------------------


class AvailablePhoneNumberCountryContext(Instance[AvailablePhoneNumberCountry]):
    """``client.available_phone_numbers("US")``: one country and its searches.

    A search of a type the country does not offer answers 404; ``fetch()`` tells which it
    offers (``subresource_uris``).
    """

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _COUNTRY + ".json")
    _model = AvailablePhoneNumberCountry
    _sid_key = "country_code"

    @property
    def country_code(self) -> str:
        """The upper-case ISO 3166-1 alpha-2 code."""
        return self.sid

    @property
    def local(self) -> AvailableLocalList:
        """Search local (geographic) numbers for sale in this country."""
        return self._child(AvailableLocalList)

    @property
    def toll_free(self) -> AvailableTollFreeList:
        """Search toll-free numbers for sale in this country."""
        return self._child(AvailableTollFreeList)

    @property
    def mobile(self) -> AvailableMobileList:
        """Search mobile numbers for sale in this country."""
        return self._child(AvailableMobileList)

    @property
    def national(self) -> AvailableNationalList:
        """Search national numbers for sale in this country."""
        return self._child(AvailableNationalList)

    @property
    def voip(self) -> AvailableVoipList:
        """Search VoIP numbers for sale in this country."""
        return self._child(AvailableVoipList)

    @property
    def shared_cost(self) -> AvailableSharedCostList:
        """Search shared-cost numbers for sale in this country."""
        return self._child(AvailableSharedCostList)

    @property
    def machine_to_machine(self) -> AvailableMachineToMachineList:
        """Search machine-to-machine numbers for sale in this country."""
        return self._child(AvailableMachineToMachineList)


class AvailablePhoneNumberCountryList(ListResource[AvailablePhoneNumberCountry]):
    """``client.available_phone_numbers``: the countries with numbers for sale.

    ``list()``/``stream()``/``page()`` read them; call it with a country code for one.
    """

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + ".json")
    _model = AvailablePhoneNumberCountry
    _paging = PagingV2010("countries")

    def __call__(
        self, country_code: str | AvailablePhoneNumberCountry
    ) -> AvailablePhoneNumberCountryContext:
        """One country by its ISO 3166-1 alpha-2 code, any case (``"US"``, ``"us"``), or a
        country this list returned."""
        if isinstance(country_code, AvailablePhoneNumberCountry):
            country_code = country_code.country_code
        return self._child(
            AvailablePhoneNumberCountryContext, country_code=normalize_country_code(country_code)
        )

    def get(
        self, country_code: str | AvailablePhoneNumberCountry
    ) -> AvailablePhoneNumberCountryContext:
        """The same as ``available_phone_numbers(country_code)``: the official twilio
        package's spelling."""
        return self(country_code)
