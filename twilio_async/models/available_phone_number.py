"""AvailablePhoneNumbers (API 2010-04-01): numbers Twilio offers for purchase, by country."""

from __future__ import annotations

from collections.abc import Mapping

from .common import model
from .incoming_phone_number import AddressRequirement, PhoneNumberCapabilities

__all__ = ["AvailablePhoneNumber", "AvailablePhoneNumberCountry"]


@model
class AvailablePhoneNumberCountry:
    """A country with numbers for sale, and where to search each type of number in it.

    ``subresource_uris`` names the searches this country offers (``local``, ``toll_free``,
    ``mobile``, ...): a type missing from it has no numbers there.
    """

    country_code: str
    country: str | None = None
    beta: bool | None = None
    uri: str | None = None
    subresource_uris: Mapping[str, str] | None = None


@model
class AvailablePhoneNumber:
    """One number a search found: buy it with
    ``client.incoming_phone_numbers.create(phone_number=n.phone_number)``.

    Every search type (Local, TollFree, Mobile, National, Voip, SharedCost,
    MachineToMachine) answers with this shape. The location fields are filled for the US
    and Canada only. ``latitude``/``longitude`` arrive as strings from Twilio (as numbers
    per its spec): both read as ``float``.
    """

    phone_number: str
    friendly_name: str | None = None
    iso_country: str | None = None
    lata: str | None = None
    locality: str | None = None
    rate_center: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    region: str | None = None
    postal_code: str | None = None
    address_requirements: AddressRequirement | None = None
    beta: bool | None = None
    capabilities: PhoneNumberCapabilities | None = None
