"""IncomingPhoneNumber (API 2010-04-01): a number provisioned on, ported or hosted to Twilio."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from .common import HttpMethod, OpenEnum, model

__all__ = [
    "AddressRequirement",
    "EmergencyAddressStatus",
    "EmergencyStatus",
    "IncomingPhoneNumber",
    "PhoneNumberCapabilities",
    "VoiceReceiveMode",
]


class AddressRequirement(OpenEnum):
    """Whether the number needs an Address registered with Twilio."""

    NONE = "none"
    ANY = "any"
    LOCAL = "local"
    FOREIGN = "foreign"


class EmergencyStatus(OpenEnum):
    """Whether emergency calling is enabled for the number."""

    ACTIVE = "Active"
    INACTIVE = "Inactive"


class EmergencyAddressStatus(OpenEnum):
    """Registration state of the number's emergency address."""

    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    PENDING_REGISTRATION = "pending-registration"
    REGISTRATION_FAILURE = "registration-failure"
    PENDING_UNREGISTRATION = "pending-unregistration"
    UNREGISTRATION_FAILURE = "unregistration-failure"


class VoiceReceiveMode(OpenEnum):
    """Whether incoming calls are treated as voice or fax."""

    VOICE = "voice"
    FAX = "fax"


@model(interned=True)
class PhoneNumberCapabilities:
    """What the number can receive. ``None`` means Twilio did not say."""

    voice: bool | None = None
    """Whether the number can receive calls."""
    sms: bool | None = None
    """Whether the number can receive SMS messages."""
    mms: bool | None = None
    """Whether the number can receive MMS messages."""
    fax: bool | None = None
    """Whether the number can receive faxes."""


@model
class IncomingPhoneNumber:
    """A phone number on the account, with its voice, SMS and emergency configuration.

    Every field but ``sid`` may be ``None``: Twilio omits fields, sends ``null``, or sends
    ``""`` for an unset value, and all three read as ``None`` here.
    """

    sid: str
    """The unique string that that we created to identify this IncomingPhoneNumber resource."""
    account_sid: str | None = None
    """The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created
    this IncomingPhoneNumber resource.
    """
    phone_number: str | None = None
    """The phone number in [E.164](https://www.twilio.com/docs/glossary/what-e164) format,
    which consists of a + followed by the country code and subscriber number.
    """
    friendly_name: str | None = None
    """The string that you assigned to describe the resource."""
    date_created: datetime | None = None
    """The date and time in GMT that the resource was created specified in [RFC
    2822](https://www.ietf.org/rfc/rfc2822.txt) format.
    """
    date_updated: datetime | None = None
    """The date and time in GMT that the resource was last updated specified in [RFC
    2822](https://www.ietf.org/rfc/rfc2822.txt) format.
    """
    status: str | None = None
    """The number's status as Twilio reports it, such as ``in-use``."""
    type: str | None = None
    """The phone number type."""
    origin: str | None = None
    """The phone number's origin. `twilio` identifies Twilio-owned phone numbers and `hosted`
    identifies hosted phone numbers.
    """
    beta: bool | None = None
    """Whether the phone number is new to the Twilio platform. Can be: `true` or `false`."""
    capabilities: PhoneNumberCapabilities | None = None
    """The set of Boolean properties that indicate whether a phone number can receive calls
    or messages. Capabilities are `Voice`, `SMS`, and `MMS` and each capability can be:
    `true` or `false`.
    """
    api_version: str | None = None
    """The API version used to start a new TwiML session."""
    address_sid: str | None = None
    """The SID of the Address resource associated with the phone number."""
    address_requirements: AddressRequirement | None = None
    """Whether the phone number requires an
    [Address](https://www.twilio.com/docs/usage/api/address) registered with Twilio. Can
    be: `none`, `any`, `local`, or `foreign`.
    """
    identity_sid: str | None = None
    """The SID of the Identity resource that we associate with the phone number. Some regions
    require an Identity to meet local regulations.
    """
    bundle_sid: str | None = None
    """The SID of the Bundle resource that you associate with the phone number. Some regions
    require a Bundle to meet local Regulations.
    """
    trunk_sid: str | None = None
    """The SID of the Trunk that handles calls to the phone number. If a `trunk_sid` is
    present, we ignore all of the voice urls and voice applications and use those set on
    the Trunk. Setting a `trunk_sid` will automatically delete your
    `voice_application_sid` and vice versa.
    """
    voice_url: str | None = None
    """The URL we call when the phone number receives a call. The `voice_url` will not be
    used if a `voice_application_sid` or a `trunk_sid` is set.
    """
    voice_method: HttpMethod | None = None
    """The HTTP method we use to call `voice_url`. Can be: `GET` or `POST`."""
    voice_fallback_url: str | None = None
    """The URL that we call when an error occurs retrieving or executing the TwiML requested
    by `url`.
    """
    voice_fallback_method: HttpMethod | None = None
    """The HTTP method we use to call `voice_fallback_url`. Can be: `GET` or `POST`."""
    voice_caller_id_lookup: bool | None = None
    """Whether we look up the caller's caller-ID name from the CNAM database ($0.01 per look
    up). Can be: `true` or `false`.
    """
    voice_application_sid: str | None = None
    """The SID of the application that handles calls to the phone number. If a
    `voice_application_sid` is present, we ignore all of the voice urls and use those set
    on the application. Setting a `voice_application_sid` will automatically delete your
    `trunk_sid` and vice versa.
    """
    voice_receive_mode: VoiceReceiveMode | None = None
    """Whether incoming calls are answered as ``voice`` (the default) or ``fax``."""
    sms_url: str | None = None
    """The URL we call when the phone number receives an incoming SMS message."""
    sms_method: HttpMethod | None = None
    """The HTTP method we use to call `sms_url`. Can be: `GET` or `POST`."""
    sms_fallback_url: str | None = None
    """The URL that we call when an error occurs while retrieving or executing the TwiML from
    `sms_url`.
    """
    sms_fallback_method: HttpMethod | None = None
    """The HTTP method we use to call `sms_fallback_url`. Can be: `GET` or `POST`."""
    sms_application_sid: str | None = None
    """The SID of the application that handles SMS messages sent to the phone number. If an
    `sms_application_sid` is present, we ignore all `sms_*_url` values and use those of
    the application.
    """
    status_callback: str | None = None
    """The URL we call using the `status_callback_method` to send status information to your
    application.
    """
    status_callback_method: HttpMethod | None = None
    """The HTTP method we use to call `status_callback`. Can be: `GET` or `POST`."""
    emergency_status: EmergencyStatus | None = None
    """The parameter displays if emergency calling is enabled for this number. Active numbers
    may place emergency calls by dialing valid emergency numbers for the country.
    """
    emergency_address_sid: str | None = None
    """The SID of the emergency address configuration that we use for emergency calling from
    this phone number.
    """
    emergency_address_status: EmergencyAddressStatus | None = None
    """The status of address registration with emergency services. A registered emergency
    address will be used during handling of emergency calls from this number.
    """
    uri: str | None = None
    """The URI of the resource, relative to `https://api.twilio.com`."""
    subresource_uris: Mapping[str, str] | None = None
    """The relative URIs of the number's subresources (``assigned_add_ons``)."""
