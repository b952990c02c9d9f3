"""IncomingPhoneNumbers, API 2010-04-01: the numbers on an account, and Local/TollFree/Mobile."""

from __future__ import annotations

from typing import Annotated, Literal

from typing_extensions import Required, TypedDict, Unpack

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

    api_version: str
    friendly_name: Annotated[str, MaxLength(64)]
    voice_url: Webhook
    voice_method: WebhookMethod
    voice_fallback_url: Webhook
    voice_fallback_method: WebhookMethod
    voice_caller_id_lookup: bool
    voice_application_sid: Annotated[str, Sid("AP")]
    voice_receive_mode: VoiceReceiveMode | Literal["voice", "fax"]
    sms_url: Webhook
    sms_method: WebhookMethod
    sms_fallback_url: Webhook
    sms_fallback_method: WebhookMethod
    sms_application_sid: Annotated[str, Sid("AP")]
    status_callback: Webhook
    status_callback_method: WebhookMethod
    emergency_status: EmergencyStatus | Literal["Active", "Inactive"]
    emergency_address_sid: Annotated[str, Sid("AD")]
    trunk_sid: Annotated[str, Sid("TK")]
    identity_sid: Annotated[str, Sid("RI")]
    address_sid: Annotated[str, Sid("AD")]
    bundle_sid: Annotated[str, Sid("BU")]


class IncomingPhoneNumberCreate(NumberConfiguration, total=False):
    """Provision a number: exactly one of ``phone_number`` (E.164) or ``area_code``."""

    phone_number: Annotated[str, E164]
    area_code: Annotated[str, AreaCode]


class IncomingPhoneNumberTypeCreate(NumberConfiguration, total=False):
    """Provision a Local, TollFree or Mobile number: ``phone_number`` is required."""

    phone_number: Required[Annotated[str, E164]]


class IncomingPhoneNumberUpdate(NumberConfiguration, total=False):
    """Change a number's settings; ``account_sid`` moves it to another (sub)account."""

    account_sid: Annotated[str, Sid("AC", clearable=False)]


class IncomingPhoneNumberFilters(TypedDict, total=False):
    """List filters. ``phone_number`` may be partial and use ``*`` for any digit."""

    beta: bool
    friendly_name: str
    phone_number: Annotated[str, PhoneNumberPattern]
    origin: Literal["twilio", "hosted"]


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
        return self._child(LocalList)

    @property
    def toll_free(self) -> TollFreeList:
        return self._child(TollFreeList)

    @property
    def mobile(self) -> MobileList:
        return self._child(MobileList)
