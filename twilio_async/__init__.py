"""twilio_async: a typed asyncio client for Twilio's phone-number and add-on APIs."""

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .client import V2008, V2010, Account, Api, Client
from .errors import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    EventLoopError,
    InvalidSidError,
    MethodNotAllowedError,
    NotFoundError,
    PaginationLoopError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    TwilioAPIError,
    TwilioConnectionError,
    TwilioDecodeError,
    TwilioError,
    TwilioTimeoutError,
    TwilioTransportError,
    TwilioValidationError,
    UnsafeURLError,
)
from .retry import RetryPolicy

if TYPE_CHECKING:
    from .models import (
        AddressRequirement,
        AssignedAddOn,
        AssignedAddOnExtension,
        AvailableAddOn,
        AvailableAddOnExtension,
        AvailablePhoneNumber,
        AvailablePhoneNumberCountry,
        EmergencyAddressStatus,
        EmergencyStatus,
        FrozenDict,
        HttpMethod,
        IncomingPhoneNumber,
        IncomingPhoneNumberV2008,
        InstalledAddOn,
        InstalledAddOnExtension,
        PhoneNumberCapabilities,
        VoiceReceiveMode,
    )
    from .pagination import Page, StreamCursor


# The models and Page load on first access (PEP 562), with the resource tree they belong
# to, so that ``import twilio_async`` costs little; type checkers see the imports above.
# Every public name not imported eagerly lives in ``models``, except those of ``pagination``.
def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    paging = name in ("Page", "StreamCursor")
    module = importlib.import_module(".pagination" if paging else ".models", __name__)
    value = getattr(module, name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "V2008",
    "V2010",
    "Account",
    "AddressRequirement",
    "Api",
    "AssignedAddOn",
    "AssignedAddOnExtension",
    "AuthenticationError",
    "AvailableAddOn",
    "AvailableAddOnExtension",
    "AvailablePhoneNumber",
    "AvailablePhoneNumberCountry",
    "BadRequestError",
    "Client",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "EmergencyAddressStatus",
    "EmergencyStatus",
    "EventLoopError",
    "FrozenDict",
    "HttpMethod",
    "IncomingPhoneNumber",
    "IncomingPhoneNumberV2008",
    "InstalledAddOn",
    "InstalledAddOnExtension",
    "InvalidSidError",
    "MethodNotAllowedError",
    "NotFoundError",
    "Page",
    "PaginationLoopError",
    "PermissionDeniedError",
    "PhoneNumberCapabilities",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "StreamCursor",
    "TwilioAPIError",
    "TwilioConnectionError",
    "TwilioDecodeError",
    "TwilioError",
    "TwilioTimeoutError",
    "TwilioTransportError",
    "TwilioValidationError",
    "UnsafeURLError",
    "VoiceReceiveMode",
    "__version__",
]
