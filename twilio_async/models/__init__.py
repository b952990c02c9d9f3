"""Typed response models. Every model is a frozen, slotted attrs class."""

from .common import FrozenDict, HttpMethod, OpenEnum
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
    "FrozenDict",
    "HttpMethod",
    "IncomingPhoneNumber",
    "OpenEnum",
    "PhoneNumberCapabilities",
    "VoiceReceiveMode",
]
