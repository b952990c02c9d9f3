"""The fake's available inventory: the numbers AvailablePhoneNumbers searches offer.

Deterministic: the numbers of each (country, number type, area code or national prefix)
block are drawn from a generator seeded with the block's name, so every run offers the
same numbers in the same order, ``size`` per block (1,000 by default; set
``inventory.size``). The countries, their number types and the places their blocks stand
for are the data below (``COUNTRIES``); a US or Canadian area code the table does not list
still has a block (with no place), so any valid area code can be searched and bought from.

A number leaves the inventory for good when it is provisioned (any
``FakeState.add_number``: bought, seeded) or marked taken (:meth:`AvailableInventory.take`,
as if another customer had bought it); buying it then answers 21422. Area codes in
``exhausted_area_codes`` have no numbers at all.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

__all__ = [
    "COUNTRIES",
    "NUMBER_TYPES",
    "TOLL_FREE_AREA_CODES",
    "AvailableInventory",
    "AvailableNumber",
    "Country",
    "Place",
    "distance_miles",
    "place_of",
]

# The search resources' path segments -> the types' keys in a country's subresource_uris.
NUMBER_TYPES: Mapping[str, str] = {
    "Local": "local",
    "TollFree": "toll_free",
    "Mobile": "mobile",
    "National": "national",
    "Voip": "voip",
    "SharedCost": "shared_cost",
    "MachineToMachine": "machine_to_machine",
}

# Capabilities (voice, sms, mms, fax) a type's numbers have before per-number variation.
_CAPABILITIES: Mapping[str, tuple[bool, bool, bool, bool]] = {
    "local": (True, True, True, True),
    "toll_free": (True, True, False, True),
    "mobile": (True, True, True, False),
    "national": (True, True, False, False),
    "voip": (True, True, False, False),
    "shared_cost": (True, False, False, False),
    "machine_to_machine": (False, True, False, False),
}


@attrs.frozen
class Place:
    """Where a block's numbers are: the geographic fields of an available number."""

    locality: str
    region: str | None = None
    postal_code: str | None = None
    rate_center: str | None = None
    lata: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@attrs.frozen
class Country:
    """A country the fake sells numbers in: per number type, its blocks by prefix."""

    code: str
    name: str
    dialing_code: str
    national_digits: int  # digits after the dialing code
    blocks: Mapping[str, Mapping[str, Place | None]]  # type -> prefix -> place
    address_requirements: Mapping[str, str] = attrs.field(factory=dict)  # type -> "none"…
    beta: bool = False

    @property
    def nanp(self) -> bool:
        """North American numbering: area codes, and the US/Canada-only search filters."""
        return self.dialing_code == "1"


TOLL_FREE_AREA_CODES = ("800", "833", "844", "855", "866", "877", "888")

COUNTRIES: Mapping[str, Country] = {
    c.code: c
    for c in (
        Country(
            "US",
            "United States",
            "1",
            10,
            {
                "local": {
                    "415": Place(
                        "San Francisco", "CA", "94103", "SNFC CNTL", "722", 37.7749, -122.4194
                    ),
                    "510": Place("Oakland", "CA", "94612", "OKLD", "722", 37.8044, -122.2712),
                    "212": Place("New York", "NY", "10001", "NWYRCYZN01", "132", 40.7128, -74.0060),
                    "312": Place("Chicago", "IL", "60601", "CHICAGO", "358", 41.8781, -87.6298),
                    "206": Place("Seattle", "WA", "98101", "SEATTLE", "674", 47.6062, -122.3321),
                    "512": Place("Austin", "TX", "78701", "AUSTIN", "558", 30.2672, -97.7431),
                    "617": Place("Boston", "MA", "02108", "BOSTON", "128", 42.3601, -71.0589),
                    "303": Place("Denver", "CO", "80202", "DENVER", "656", 39.7392, -104.9903),
                    "404": Place("Atlanta", "GA", "30303", "ATLANTA", "438", 33.7490, -84.3880),
                    "808": Place("Hilo", "HI", "96720", "HILO", "834", 19.7200, -155.0900),
                },
                "toll_free": dict.fromkeys(TOLL_FREE_AREA_CODES),
            },
        ),
        Country(
            "CA",
            "Canada",
            "1",
            10,
            {
                "local": {
                    "416": Place("Toronto", "ON", "M5H", "TORONTO", None, 43.6532, -79.3832),
                    "604": Place("Vancouver", "BC", "V6B", "VANCOUVER", None, 49.2827, -123.1207),
                    "514": Place("Montreal", "QC", "H2Y", "MONTREAL", None, 45.5017, -73.5673),
                },
            },
        ),
        Country(
            "GB",
            "United Kingdom",
            "44",
            10,
            {
                "local": {"20": Place("London"), "161": Place("Manchester")},
                "mobile": {"7700": None},
                "national": {"330": None},
                "toll_free": {"800": None},
                "voip": {"56": None},
            },
            {"local": "local", "voip": "any"},
        ),
        Country(
            "AU",
            "Australia",
            "61",
            9,
            {
                "local": {"2": Place("Sydney"), "3": Place("Melbourne")},
                "mobile": {"4": None},
                "toll_free": {"1800": None},
            },
            {"local": "any", "mobile": "any"},
        ),
        Country(
            "FR",
            "France",
            "33",
            9,
            {
                "local": {"1": Place("Paris")},
                "mobile": {"6": None},
                "national": {"9": None},
                "shared_cost": {"81": None},
                "toll_free": {"80": None},
            },
            {"local": "local", "mobile": "any", "national": "foreign"},
        ),
        Country(
            "NL",
            "Netherlands",
            "31",
            9,
            {
                "local": {"20": Place("Amsterdam")},
                "mobile": {"6": None},
                "machine_to_machine": {"970": None},
                "toll_free": {"800": None},
            },
            {"local": "local", "mobile": "any"},
            beta=True,
        ),
    )
}


@attrs.frozen
class AvailableNumber:
    """One number of the inventory, with everything a search answers about it."""

    phone_number: str
    friendly_name: str
    iso_country: str
    number_type: str
    area_code: str | None  # US and Canada only
    place: Place | None
    address_requirements: str
    beta: bool
    voice: bool
    sms: bool
    mms: bool
    fax: bool

    def owned_fields(self) -> dict[str, Any]:
        """What an IncomingPhoneNumber bought from this offer keeps of it."""
        return {
            "friendly_name": self.friendly_name,
            "type": _OWNED_TYPES.get(self.number_type, self.number_type),
            "beta": self.beta,
            "address_requirements": self.address_requirements,
            "capabilities": {
                "voice": self.voice,
                "sms": self.sms,
                "mms": self.mms,
                "fax": self.fax,
            },
        }


# The IncomingPhoneNumber ``type`` of a number type, where the two names differ.
_OWNED_TYPES = {"toll_free": "tollfree"}


def _nanp_home(area_code: str) -> tuple[Country, str] | None:
    """The country and number type whose table lists a US/Canada area code."""
    for country in COUNTRIES.values():
        for number_type, prefixes in country.blocks.items():
            if country.nanp and area_code in prefixes:
                return country, number_type
    return None


def place_of(phone_number: str) -> Place | None:
    """Where a US or Canadian number is, by its area code (None when the table has no
    place for it): what ``NearNumber`` and an ``In…`` filter given a number refer to."""
    home = _nanp_home(phone_number[2:5]) if phone_number.startswith("+1") else None
    return None if home is None else home[0].blocks[home[1]][phone_number[2:5]]


def distance_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in miles."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 3958.8 * math.asin(math.sqrt(h))


def _block(country: Country, number_type: str, prefix: str, size: int) -> list[AvailableNumber]:
    """The ``size`` numbers of one block, the same in every run (a name-seeded generator)."""
    rng = random.Random(f"{country.code}/{number_type}/{prefix}")
    digits = country.national_digits - len(prefix)
    # North American subscriber numbers start with 2-9 (the exchange code).
    low = 2 * 10 ** (digits - 1) if country.nanp else 0
    base = _CAPABILITIES[number_type]
    numbers = []
    for subscriber in rng.sample(range(low, 10**digits), min(size, 10**digits - low)):
        national = f"{prefix}{subscriber:0{digits}d}"
        # Each capability a type has is missing on a deterministic few of its numbers.
        voice, sms, mms, fax = (
            has and rng.random() >= odds
            for has, odds in zip(base, (0.1, 0.2, 0.2, 0.2), strict=True)
        )
        numbers.append(
            AvailableNumber(
                phone_number=f"+{country.dialing_code}{national}",
                friendly_name=(
                    f"({national[:3]}) {national[3:6]}-{national[6:]}"
                    if country.nanp
                    else f"+{country.dialing_code}{national}"
                ),
                iso_country=country.code,
                number_type=number_type,
                area_code=prefix if country.nanp else None,
                place=country.blocks.get(number_type, {}).get(prefix),
                address_requirements=country.address_requirements.get(number_type, "none"),
                beta=rng.random() < 0.1,
                voice=voice,
                sms=sms,
                mms=mms,
                fax=fax,
            )
        )
    return numbers


@attrs.define
class _Block:
    numbers: list[AvailableNumber]
    first: int = 0  # every number before it is gone: where searches start
    _endings: dict[str, list[AvailableNumber]] | None = None  # by the last two digits

    def ending(self, digits: str) -> list[AvailableNumber]:
        """The block's numbers ending in ``digits`` (two), in inventory order."""
        if self._endings is None:
            self._endings = {}
            for number in self.numbers:
                self._endings.setdefault(number.phone_number[-2:], []).append(number)
        return self._endings.get(digits, [])


@attrs.define
class AvailableInventory:
    """The available numbers of every country; reach it as ``fake.state.inventory``."""

    _size: int = 1000
    gone: set[str] = attrs.field(factory=set)  # provisioned or taken: never offered again
    exhausted_area_codes: set[str] = attrs.field(factory=lambda: {"555"})
    _blocks: dict[tuple[str, str, str], _Block] = attrs.field(factory=dict, repr=False)
    _offers: dict[str, AvailableNumber] = attrs.field(factory=dict, repr=False)  # by number

    @property
    def size(self) -> int:
        """Numbers per block (country, type, area code or prefix); 1,000 by default."""
        return self._size

    @size.setter
    def size(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("inventory size must be a whole number >= 0")
        self._size = value
        self._blocks.clear()  # rebuilt on demand; the same numbers come first
        self._offers.clear()

    def offer(self, phone_number: str) -> AvailableNumber | None:
        """The number as a search offered it (None if no search has met it)."""
        return self._offers.get(phone_number)

    def take(self, phone_numbers: Iterable[str]) -> None:
        """Mark numbers as gone, as if another customer had bought them."""
        self.gone.update(phone_numbers)

    def prefixes(self, country: Country, number_type: str, area_code: str | None) -> list[str]:
        """The blocks a search walks, in order: the country's blocks of that type, or the
        area code's. Any valid area code is a US local block unless the table puts it in
        Canada or makes it toll-free; other countries have no area codes."""
        listed = country.blocks.get(number_type, {})
        if area_code is not None and not country.nanp:
            return []
        if area_code is None or area_code in listed:
            return list(listed) if area_code is None else [area_code]
        if country.code == "US" and number_type == "local" and _nanp_home(area_code) is None:
            return [area_code]
        return []

    def available(
        self, country: Country, number_type: str, prefixes: Iterable[str]
    ) -> Iterator[AvailableNumber]:
        """The numbers still available in these blocks, in inventory order."""
        for prefix in prefixes:
            if prefix in self.exhausted_area_codes:
                continue
            block = self._unspent(country, number_type, prefix)
            numbers = block.numbers
            # By index, not over a slice's copy: 9% less CPU over 2,000 purchases from
            # one 10,000-number block (client and fake in one process).
            for i in range(block.first, len(numbers)):
                if numbers[i].phone_number not in self.gone:
                    yield numbers[i]

    def search(
        self,
        country: Country,
        number_type: str,
        prefixes: Iterable[str],
        keep: Callable[[AvailableNumber], bool],
        limit: int,
        ending: str | None = None,
    ) -> list[AvailableNumber]:
        """The first ``limit`` available numbers that ``keep`` accepts. ``ending``: two
        digits every number ``keep`` accepts ends with (a ``Contains`` such as ``"07$"``).

        A search runs on the fake's event loop, holding back every other answer while it
        scans. A bulk purchase searches by such endings (see twilio_async.bulk.buy), and
        scanning a block for one of them took a few milliseconds: with ``ending``, only the
        block's numbers with that ending are scanned (a hundredth of them)."""
        found: list[AvailableNumber] = []
        gone = self.gone
        for prefix in prefixes:
            if prefix in self.exhausted_area_codes:
                continue
            block = self._unspent(country, number_type, prefix)
            numbers: Iterable[AvailableNumber] = (
                itertools.islice(block.numbers, block.first, None)  # no copy of the block
                if ending is None
                else block.ending(ending)
            )
            for number in numbers:
                if number.phone_number not in gone and keep(number):
                    found.append(number)
                    if len(found) == limit:
                        return found
        return found

    def first_available(self, area_code: str) -> str | None:
        """The next number a purchase by US/Canada area code gets (a toll-free one for a
        toll-free code), or None when the area code has none left."""
        country, number_type = _nanp_home(area_code) or (COUNTRIES["US"], "local")
        prefixes = self.prefixes(country, number_type, area_code)
        number = next(self.available(country, number_type, prefixes), None)
        return None if number is None else number.phone_number

    def _unspent(self, country: Country, number_type: str, prefix: str) -> _Block:
        """The block, its ``first`` moved past the numbers gone at its start."""
        block = self._block(country, number_type, prefix)
        numbers, gone = block.numbers, self.gone
        while block.first < len(numbers) and numbers[block.first].phone_number in gone:
            block.first += 1
        return block

    def _block(self, country: Country, number_type: str, prefix: str) -> _Block:
        key = (country.code, number_type, prefix)
        block = self._blocks.get(key)
        if block is None:
            block = self._blocks[key] = _Block(_block(country, number_type, prefix, self._size))
            self._offers.update((n.phone_number, n) for n in block.numbers)
        return block
