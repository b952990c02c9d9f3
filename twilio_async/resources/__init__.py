"""Resource classes: thin, declarative descriptions of Twilio endpoints."""

from .incoming_phone_numbers import (
    IncomingPhoneNumberContext,
    IncomingPhoneNumberCreate,
    IncomingPhoneNumberFilters,
    IncomingPhoneNumberList,
    IncomingPhoneNumberTypeCreate,
    IncomingPhoneNumberUpdate,
    LocalList,
    MobileList,
    NumberConfiguration,
    TollFreeList,
)

__all__ = [
    "IncomingPhoneNumberContext",
    "IncomingPhoneNumberCreate",
    "IncomingPhoneNumberFilters",
    "IncomingPhoneNumberList",
    "IncomingPhoneNumberTypeCreate",
    "IncomingPhoneNumberUpdate",
    "LocalList",
    "MobileList",
    "NumberConfiguration",
    "TollFreeList",
]
