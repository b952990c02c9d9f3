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
    sms: bool | None = None
    mms: bool | None = None
    fax: bool | None = None


@model
class IncomingPhoneNumber:
    """A phone number on the account, with its voice, SMS and emergency configuration.

    Every field but ``sid`` may be ``None``: Twilio omits fields, sends ``null``, or sends
    ``""`` for an unset value, and all three read as ``None`` here.
    """

    sid: str
    account_sid: str | None = None
    phone_number: str | None = None
    friendly_name: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    status: str | None = None
    type: str | None = None
    origin: str | None = None
    beta: bool | None = None
    capabilities: PhoneNumberCapabilities | None = None
    api_version: str | None = None
    address_sid: str | None = None
    address_requirements: AddressRequirement | None = None
    identity_sid: str | None = None
    bundle_sid: str | None = None
    trunk_sid: str | None = None
    voice_url: str | None = None
    voice_method: HttpMethod | None = None
    voice_fallback_url: str | None = None
    voice_fallback_method: HttpMethod | None = None
    voice_caller_id_lookup: bool | None = None
    voice_application_sid: str | None = None
    voice_receive_mode: VoiceReceiveMode | None = None
    sms_url: str | None = None
    sms_method: HttpMethod | None = None
    sms_fallback_url: str | None = None
    sms_fallback_method: HttpMethod | None = None
    sms_application_sid: str | None = None
    status_callback: str | None = None
    status_callback_method: HttpMethod | None = None
    emergency_status: EmergencyStatus | None = None
    emergency_address_sid: str | None = None
    emergency_address_status: EmergencyAddressStatus | None = None
    uri: str | None = None
    subresource_uris: Mapping[str, str] | None = None
