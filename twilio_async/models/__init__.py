"""Typed response models. Every model is a frozen, slotted attrs class."""

from .add_ons import (
    AssignedAddOn,
    AssignedAddOnExtension,
    AvailableAddOn,
    AvailableAddOnExtension,
    InstalledAddOn,
    InstalledAddOnExtension,
)
from .available_phone_number import AvailablePhoneNumber, AvailablePhoneNumberCountry
from .common import FrozenDict, HttpMethod, OpenEnum
from .incoming_phone_number import (
    AddressRequirement,
    EmergencyAddressStatus,
    EmergencyStatus,
    IncomingPhoneNumber,
    PhoneNumberCapabilities,
    VoiceReceiveMode,
)
from .incoming_phone_number_v2008 import IncomingPhoneNumberV2008

__all__ = [
    "AddressRequirement",
    "AssignedAddOn",
    "AssignedAddOnExtension",
    "AvailableAddOn",
    "AvailableAddOnExtension",
    "AvailablePhoneNumber",
    "AvailablePhoneNumberCountry",
    "EmergencyAddressStatus",
    "EmergencyStatus",
    "FrozenDict",
    "HttpMethod",
    "IncomingPhoneNumber",
    "IncomingPhoneNumberV2008",
    "InstalledAddOn",
    "InstalledAddOnExtension",
    "OpenEnum",
    "PhoneNumberCapabilities",
    "VoiceReceiveMode",
]
