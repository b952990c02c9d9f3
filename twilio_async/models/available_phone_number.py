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
    """The [ISO-3166-1](https://en.wikipedia.org/wiki/ISO_3166-1_alpha-2) country code of the
    country.
    """
    country: str | None = None
    """The name of the country."""
    beta: bool | None = None
    """Whether all phone numbers available in the country are new to the Twilio platform.
    `true` if they are and `false` if all numbers are not in the Twilio Phone Number Beta
    program.
    """
    uri: str | None = None
    """The URI of the Country resource, relative to `https://api.twilio.com`."""
    subresource_uris: Mapping[str, str] | None = None
    """A list of related AvailablePhoneNumber resources identified by their URIs relative to
    `https://api.twilio.com`.
    """


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
    """The phone number in [E.164](https://www.twilio.com/docs/glossary/what-e164) format,
    which consists of a + followed by the country code and subscriber number.
    """
    friendly_name: str | None = None
    """A formatted version of the phone number."""
    iso_country: str | None = None
    """The [ISO country code](https://en.wikipedia.org/wiki/ISO_3166-1_alpha-2) of this phone
    number.
    """
    lata: str | None = None
    """The [LATA](https://en.wikipedia.org/wiki/Local_access_and_transport_area) of this
    phone number. Available for only phone numbers from the US and Canada.
    """
    locality: str | None = None
    """The locality or city of this phone number's location."""
    rate_center: str | None = None
    """The [rate center](https://en.wikipedia.org/wiki/Telephone_exchange) of this phone
    number. Available for only phone numbers from the US and Canada.
    """
    latitude: float | None = None
    """The latitude of this phone number's location. Available for only phone numbers from
    the US and Canada.
    """
    longitude: float | None = None
    """The longitude of this phone number's location. Available for only phone numbers from
    the US and Canada.
    """
    region: str | None = None
    """The two-letter state or province abbreviation of this phone number's location.
    Available for only phone numbers from the US and Canada.
    """
    postal_code: str | None = None
    """The postal or ZIP code of this phone number's location. Available for only phone
    numbers from the US and Canada.
    """
    address_requirements: AddressRequirement | None = None
    """The type of [Address](https://www.twilio.com/docs/usage/api/address) resource the
    phone number requires. Can be: `none`, `any`, `local`, or `foreign`. `none` means no
    address is required. `any` means an address is required, but it can be anywhere in the
    world. `local` means an address in the phone number's country is required. `foreign`
    means an address outside of the phone number's country is required.
    """
    beta: bool | None = None
    """Whether the phone number is new to the Twilio platform. Can be: `true` or `false`."""
    capabilities: PhoneNumberCapabilities | None = None
    """The set of Boolean properties that indicate whether a phone number can receive calls
    or messages. Capabilities are: `Voice`, `SMS`, and `MMS` and each capability can be:
    `true` or `false`.
    """
