"""IncomingPhoneNumbers, API 2010-04-01: the numbers on an account, and Local/TollFree/Mobile."""

from __future__ import annotations

from typing import Annotated, Literal

from typing_extensions import Doc, Required, TypedDict, Unpack

from ..envelopes import PagingV2010
from ..hosts import Product
from ..models import EmergencyStatus, IncomingPhoneNumber, VoiceReceiveMode
from ..pagination import Page, RecordStream, StreamCursor
from ..params import (
    E164,
    AreaCode,
    MaxLength,
    PhoneNumberPattern,
    Sid,
    Webhook,
    WebhookMethod,
    schema,
)
from .assigned_add_ons import AssignedAddOnList
from .base import AwaitedAlias, Collection, Deletable, Endpoint, ListResource

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


class NumberConfiguration(TypedDict, total=False):
    """Settings accepted by create and update alike. ``""`` clears a URL or SID."""

    api_version: Annotated[
        str,
        Doc(
            "The API version to use for incoming calls made to the new phone number. The "
            "default is `2010-04-01`."
        ),
    ]
    friendly_name: Annotated[
        str,
        MaxLength(64),
        Doc(
            "A descriptive string that you created to describe the new phone number. It can "
            "be up to 64 characters long. By default, this is a formatted version of the new "
            "phone number."
        ),
    ]
    voice_url: Annotated[
        Webhook,
        Doc(
            "The URL that we should call to answer a call to the new phone number. The "
            "`voice_url` will not be called if a `voice_application_sid` or a `trunk_sid` is "
            "set."
        ),
    ]
    voice_method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method that we should use to call `voice_url`. Can be: `GET` or `POST` "
            "and defaults to `POST`."
        ),
    ]
    voice_fallback_url: Annotated[
        Webhook,
        Doc(
            "The URL that we should call when an error occurs retrieving or executing the "
            "TwiML requested by `url`."
        ),
    ]
    voice_fallback_method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method that we should use to call `voice_fallback_url`. Can be: `GET` "
            "or `POST` and defaults to `POST`."
        ),
    ]
    voice_caller_id_lookup: Annotated[
        bool,
        Doc(
            "Whether to lookup the caller's name from the CNAM database and post it to your "
            "app. Can be: `true` or `false` and defaults to `false`."
        ),
    ]
    voice_application_sid: Annotated[
        str,
        Sid("AP"),
        Doc(
            "The SID of the application we should use to handle calls to the new phone "
            "number. If a `voice_application_sid` is present, we ignore all of the voice urls"
            " and use only those set on the application. Setting a `voice_application_sid` "
            "will automatically delete your `trunk_sid` and vice versa."
        ),
    ]
    voice_receive_mode: Annotated[
        VoiceReceiveMode | Literal["voice", "fax"],
        Doc(
            "The configuration parameter for the new phone number to receive incoming voice "
            "calls or faxes. Can be: `fax` or `voice` and defaults to `voice`."
        ),
    ]
    sms_url: Annotated[
        Webhook,
        Doc("The URL we should call when the new phone number receives an incoming SMS message."),
    ]
    sms_method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method that we should use to call `sms_url`. Can be: `GET` or `POST` "
            "and defaults to `POST`."
        ),
    ]
    sms_fallback_url: Annotated[
        Webhook,
        Doc(
            "The URL that we should call when an error occurs while requesting or executing "
            "the TwiML defined by `sms_url`."
        ),
    ]
    sms_fallback_method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method that we should use to call `sms_fallback_url`. Can be: `GET` or "
            "`POST` and defaults to `POST`."
        ),
    ]
    sms_application_sid: Annotated[
        str,
        Sid("AP"),
        Doc(
            "The SID of the application that should handle SMS messages sent to the new phone"
            " number. If an `sms_application_sid` is present, we ignore all of the "
            "`sms_*_url` urls and use those set on the application."
        ),
    ]
    status_callback: Annotated[
        Webhook,
        Doc(
            "The URL we should call using the `status_callback_method` to send status "
            "information to your application."
        ),
    ]
    status_callback_method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method we should use to call `status_callback`. Can be: `GET` or `POST`"
            " and defaults to `POST`."
        ),
    ]
    emergency_status: Annotated[
        EmergencyStatus | Literal["Active", "Inactive"],
        Doc(
            "The parameter displays if emergency calling is enabled for this number. Active "
            "numbers may place emergency calls by dialing valid emergency numbers for the "
            "country."
        ),
    ]
    emergency_address_sid: Annotated[
        str,
        Sid("AD"),
        Doc(
            "The SID of the emergency address configuration to use for emergency calling from"
            " the new phone number."
        ),
    ]
    trunk_sid: Annotated[
        str,
        Sid("TK"),
        Doc(
            "The SID of the Trunk we should use to handle calls to the new phone number. If a"
            " `trunk_sid` is present, we ignore all of the voice urls and voice applications "
            "and use only those set on the Trunk. Setting a `trunk_sid` will automatically "
            "delete your `voice_application_sid` and vice versa."
        ),
    ]
    identity_sid: Annotated[
        str,
        Sid("RI"),
        Doc(
            "The SID of the Identity resource that we should associate with the new phone "
            "number. Some regions require an identity to meet local regulations."
        ),
    ]
    address_sid: Annotated[
        str,
        Sid("AD"),
        Doc(
            "The SID of the Address resource we should associate with the new phone number. "
            "Some regions require addresses to meet local regulations."
        ),
    ]
    bundle_sid: Annotated[
        str,
        Sid("BU"),
        Doc(
            "The SID of the Bundle resource that you associate with the phone number. Some "
            "regions require a Bundle to meet local Regulations."
        ),
    ]


NumberToBuy = Annotated[
    str,
    E164,
    Doc(
        "The phone number to purchase specified in "
        "[E.164](https://www.twilio.com/docs/glossary/what-e164) format. E.164 phone "
        "numbers consist of a + followed by the country code and subscriber number "
        "without punctuation characters. For example, +14155551234."
    ),
]
"""``phone_number`` of a purchase (any type, or Local/TollFree/Mobile where it is required)."""


class IncomingPhoneNumberCreate(NumberConfiguration, total=False):
    """Provision a number: exactly one of ``phone_number`` (E.164) or ``area_code``."""

    phone_number: NumberToBuy
    area_code: Annotated[
        str,
        AreaCode,
        Doc(
            "The desired area code for your new incoming phone number. Can be any "
            "three-digit, US or Canada area code. We will provision an available phone number"
            " within this area code for you. **You must provide an `area_code` or a "
            "`phone_number`.** (US and Canada only)."
        ),
    ]


class IncomingPhoneNumberTypeCreate(NumberConfiguration, total=False):
    """Provision a Local, TollFree or Mobile number: ``phone_number`` is required."""

    phone_number: Required[NumberToBuy]


class IncomingPhoneNumberUpdate(NumberConfiguration, total=False):
    """Change a number's settings; ``account_sid`` moves it to another (sub)account."""

    account_sid: Annotated[
        str,
        Sid("AC", clearable=False),
        Doc(
            "The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that "
            "created the IncomingPhoneNumber resource to update. For more information, see "
            "[Exchanging Numbers Between "
            "Subaccounts](https://www.twilio.com/docs/iam/api/subaccounts#exchanging-numbers)."
        ),
    ]


class IncomingPhoneNumberFilters(TypedDict, total=False):
    """List filters. ``phone_number`` may be partial and use ``*`` for any digit."""

    beta: Annotated[
        bool,
        Doc(
            "Whether to include phone numbers new to the Twilio platform. Can be: `true` or "
            "`false` and the default is `true`."
        ),
    ]
    friendly_name: Annotated[
        str, Doc("A string that identifies the IncomingPhoneNumber resources to read.")
    ]
    phone_number: Annotated[
        str,
        PhoneNumberPattern,
        Doc(
            "The phone numbers of the IncomingPhoneNumber resources to read. You can specify "
            "partial numbers and use '*' as a wildcard for any digit."
        ),
    ]
    origin: Annotated[
        Literal["twilio", "hosted"],
        Doc(
            "Whether to include phone numbers based on their origin. Can be: `twilio` or "
            "`hosted`. By default, phone numbers of all origin are included."
        ),
    ]


_ROOT = "/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers"

# Where a parameter an operation lacks is accepted, told with the TypeError for it.
_INTO_A_SUBACCOUNT = (
    "buy into a subaccount through client.accounts(sid).incoming_phone_numbers; "
    "IncomingPhoneNumbers(sid).update(account_sid=...) moves a number you have"
)
_FILTERS = schema(
    IncomingPhoneNumberFilters,
    operation="IncomingPhoneNumbers.list",
    elsewhere={
        "area_code": "your numbers in an area code match phone_number='+1415*'; "
        "numbers to buy are searched by AvailablePhoneNumbers(country_code).local.list("
        "area_code=...)",
    },
)
_TYPE_CREATE = schema(
    IncomingPhoneNumberTypeCreate,
    operation="IncomingPhoneNumbers.local.create",
    elsewhere={
        "area_code": "only the main list, IncomingPhoneNumbers.create(), buys by area_code; "
        "a Local, TollFree or Mobile purchase names its phone_number",
        "account_sid": _INTO_A_SUBACCOUNT,
    },
)


class IncomingPhoneNumberContext(Deletable[IncomingPhoneNumber]):
    """One number: ``client.incoming_phone_numbers("PN…")``."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + "/{sid}.json")
    _model = IncomingPhoneNumber
    _sid_prefix = "PN"
    _update_params = schema(
        IncomingPhoneNumberUpdate,
        operation="IncomingPhoneNumbers(sid).update",
        elsewhere={
            "phone_number": "a number's phone_number never changes: buy another with "
            "IncomingPhoneNumbers.create()",
        },
    )

    async def update(self, **params: Unpack[IncomingPhoneNumberUpdate]) -> IncomingPhoneNumber:
        """Change settings; pass ``""`` to clear a URL or SID, ``account_sid`` to move it."""
        return await self._update(params)

    update_async = update  # the official twilio package's spelling

    @property
    def assigned_add_ons(self) -> AssignedAddOnList:
        """The installed Add-ons assigned to this number."""
        return self._child(AssignedAddOnList, resource_sid=self.sid)


class _NumberList(ListResource[IncomingPhoneNumber]):
    """Listing shared by the main list and its Local/TollFree/Mobile views."""

    __slots__ = ()

    _model = IncomingPhoneNumber
    _filters = _FILTERS
    _paging = PagingV2010("incoming_phone_numbers")

    async def page(
        self,
        *,
        page_size: int | None = None,
        page_number: int | None = None,
        page_token: str | None = None,
        **filters: Unpack[IncomingPhoneNumberFilters],
    ) -> Page[IncomingPhoneNumber]:
        """One page of numbers matching ``filters``."""
        return await self._page(
            filters, page_size=page_size, page_number=page_number, page_token=page_token
        )

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        resume: StreamCursor | str | None = None,
        **filters: Unpack[IncomingPhoneNumberFilters],
    ) -> RecordStream[IncomingPhoneNumber]:
        """Every matching number, one page request ahead of the consumer. ``stream.cursor``
        (or a failed stream's ``error.cursor``) passed as ``resume`` goes on after it."""
        return self._stream(filters, limit=limit, page_size=page_size, resume=resume)

    async def list(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        resume: StreamCursor | str | None = None,
        **filters: Unpack[IncomingPhoneNumberFilters],
    ) -> list[IncomingPhoneNumber]:
        """Every matching number (up to ``limit``) in one list."""
        return await self._list(filters, limit=limit, page_size=page_size, resume=resume)

    # The official twilio package's async spellings (see ListResource).
    page_async = page
    stream_async = AwaitedAlias(stream)
    list_async = list


class _TypedNumberList(_NumberList):
    __slots__ = ()

    _create_params = _TYPE_CREATE

    async def create(self, **params: Unpack[IncomingPhoneNumberTypeCreate]) -> IncomingPhoneNumber:
        """Provision ``phone_number`` (E.164) of this type."""
        return await self._create(params)

    create_async = create  # the official twilio package's spelling


class LocalList(_TypedNumberList):
    """``client.incoming_phone_numbers.local``: local numbers only."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _ROOT + "/Local.json")


class TollFreeList(_TypedNumberList):
    """``client.incoming_phone_numbers.toll_free``: toll-free numbers only."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _ROOT + "/TollFree.json")


class MobileList(_TypedNumberList):
    """``client.incoming_phone_numbers.mobile``: mobile numbers only."""

    __slots__ = ()
    _endpoint = Endpoint(Product.API, _ROOT + "/Mobile.json")


class IncomingPhoneNumberList(
    _NumberList, Collection[IncomingPhoneNumber, IncomingPhoneNumberContext]
):
    """``client.incoming_phone_numbers``: the account's numbers."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + ".json")
    _instance = IncomingPhoneNumberContext
    _create_params = schema(
        IncomingPhoneNumberCreate,
        operation="IncomingPhoneNumbers.create",
        one_of=[("phone_number", "area_code")],
        elsewhere={"account_sid": _INTO_A_SUBACCOUNT},
    )

    async def create(self, **params: Unpack[IncomingPhoneNumberCreate]) -> IncomingPhoneNumber:
        """Provision a number: ``phone_number="+1…"`` or ``area_code="415"`` (one of them)."""
        return await self._create(params)

    create_async = create  # the official twilio package's spelling

    @property
    def local(self) -> LocalList:
        """Local numbers only (``IncomingPhoneNumbers/Local``): list them, or buy one by
        ``phone_number``."""
        return self._child(LocalList)

    @property
    def toll_free(self) -> TollFreeList:
        """Toll-free numbers only (``IncomingPhoneNumbers/TollFree``): list them, or buy one by
        ``phone_number``."""
        return self._child(TollFreeList)

    @property
    def mobile(self) -> MobileList:
        """Mobile numbers only (``IncomingPhoneNumbers/Mobile``): list them, or buy one by
        ``phone_number``."""
        return self._child(MobileList)
