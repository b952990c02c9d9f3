"""Typed response models. Every model is a frozen, slotted attrs class."""

from .common import HttpMethod, OpenEnum
from .incoming_phone_number import (
    AddressRequirement,
    EmergencyAddressStatus,
    EmergencyStatus,
    IncomingPhoneNumber,
    PhoneNumberCapabilities,
    VoiceReceiveMode,
)

__all__ = [
    "AddressRequirement",
    "EmergencyAddressStatus",
    "EmergencyStatus",
    "HttpMethod",
    "IncomingPhoneNumber",
    "OpenEnum",
    "PhoneNumberCapabilities",
    "VoiceReceiveMode",
]
