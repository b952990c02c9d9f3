"""IncomingPhoneNumbers, legacy API 2008-08-01 (XML): the account's numbers, Local, TollFree.

Wire: ``/2008-08-01/Accounts/{AccountSid}/IncomingPhoneNumbers[/Local|/TollFree|/{Sid}]``
with no ``.json`` suffix; bodies are XML inside ``<TwilioResponse>``
(:class:`~twilio_async.xml.XmlCodec`). Parameters go under the PascalCase of their names
(``sms_fallback_url`` -> ``SmsFallbackUrl``), which is how this API spells them. Update is
an HTTP PUT and requires ``url``. Lists page by number (``page``, ``num``) and say how many
pages there are, so ``stream()`` fetches later pages concurrently (:class:`PagingV2008`).
"""

from __future__ import annotations

from typing import Annotated

from typing_extensions import Doc, Required, TypedDict, Unpack

from ..envelopes import PagingV2008
from ..hosts import Product
from ..models import IncomingPhoneNumberV2008
from ..pagination import Page, RecordStream, StreamCursor
from ..params import AreaCode, MaxLength, NationalNumber, Webhook, WebhookMethod, schema
from ..xml import XML
from .base import AwaitedAlias, Collection, Deletable, Endpoint, ListResource

__all__ = [
    "IncomingPhoneNumberContextV2008",
    "IncomingPhoneNumberFiltersV2008",
    "IncomingPhoneNumberListV2008",
    "IncomingPhoneNumberUpdateV2008",
    "LocalCreateV2008",
    "LocalListV2008",
    "SmsSettingsV2008",
    "TollFreeCreateV2008",
    "TollFreeListV2008",
    "VoiceSettingsV2008",
]


class VoiceSettingsV2008(TypedDict, total=False):
    """Settings every 2008 write accepts (besides ``url``). ``""`` clears a URL."""

    friendly_name: Annotated[
        str,
        MaxLength(64),
        Doc(
            "A human readable description of the new incoming phone number resource, with "
            "maximum length 64 characters. Ex.: 'Company Support Line'. Defaults to a nicely "
            "formatted version of the PhoneNumber."
        ),
    ]
    method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method that should be used to request the URL. Must be either GET or "
            "POST. Ex.: 'GET'. Defaults to POST."
        ),
    ]
    voice_fallback_url: Annotated[
        Webhook,
        Doc(
            "A URL that Twilio will request if an error occurs requesting or executing the "
            "TwiML defined by \"Url\". Ex : 'http://mycompany.com/errorHandler.php'"
        ),
    ]
    voice_fallback_method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method that should be used to request the VoiceFallbackUrl. Must be "
            "either GET or POST. Ex.: 'GET'. Defaults to POST."
        ),
    ]
    voice_caller_id_lookup: Annotated[
        bool,
        Doc(
            "Do a lookup of a caller's name from the CNAM database and post it to your app. "
            "true or false"
        ),
    ]


class SmsSettingsV2008(TypedDict, total=False):
    """The SMS webhooks. Toll-free numbers have none in this API."""

    sms_url: Annotated[
        Webhook,
        Doc(
            "The URL that Twilio should request when somebody sends an SMS to the new phone "
            "number. Ex: 'http://mycompany.com/handleSms.php'"
        ),
    ]
    sms_method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method that should be used to request the SmsUrl. Must be either GET or"
            " POST. Ex.: 'GET'. Defaults to POST."
        ),
    ]
    sms_fallback_url: Annotated[
        Webhook,
        Doc(
            "A URL that Twilio will request if an error occurs requesting or executing the "
            "TwiML defined by \"SmsUrl\". Ex : 'http://mycompany.com/errorHandler.php'"
        ),
    ]
    sms_fallback_method: Annotated[
        WebhookMethod,
        Doc(
            "The HTTP method that should be used to request the SmsFallbackUrl. Must be "
            "either GET or POST. Ex.: 'GET'. Defaults to POST."
        ),
    ]


class TollFreeCreateV2008(VoiceSettingsV2008, total=False):
    """Provision a toll-free number, in ``area_code`` (e.g. ``"866"``) or any if omitted."""

    area_code: Annotated[
        str,
        AreaCode,
        Doc(
            "The area code in which you'd like a new incoming phone number. Any three digit, "
            "US area code is valid. If not supplied, Twilio will find a phone number anywhere"
            " in the United States."
        ),
    ]
    url: Annotated[
        Webhook,
        Doc(
            "The URL that Twilio should request when somebody dials the new phone number. "
            "Ex.: 'http://mycompany.com/handleNewCall.php'"
        ),
    ]


class LocalCreateV2008(TollFreeCreateV2008, SmsSettingsV2008, total=False):
    """Provision a local number, in ``area_code`` (e.g. ``"415"``) or anywhere in the US."""


class IncomingPhoneNumberUpdateV2008(VoiceSettingsV2008, SmsSettingsV2008, total=False):
    """Change a number's settings; the 2008 API requires ``url`` on every update."""

    url: Required[
        Annotated[
            Webhook,
            Doc(
                "The URL that Twilio should request when somebody dials the new phone number. "
                "Ex.: 'http://mycompany.com/handleNewCall.php'"
            ),
        ]
    ]


class IncomingPhoneNumberFiltersV2008(TypedDict, total=False):
    """List filters: ``phone_number`` is the 10-digit number (``"4158675309"``)."""

    phone_number: Annotated[
        str,
        NationalNumber,
        Doc("Only the number with exactly these 10 digits (e.g. '4158675309')."),
    ]


_ROOT = "/2008-08-01/Accounts/{account_sid}/IncomingPhoneNumbers"
_FILTERS = schema(IncomingPhoneNumberFiltersV2008, operation="v2008.IncomingPhoneNumbers.list")
# Where a parameter an operation lacks is accepted, told with the TypeError for it.
_BY_AREA_CODE = (
    "the 2008-08-01 API buys by area_code (or any number); to buy a given phone_number, "
    "use API 2010-04-01: client.incoming_phone_numbers.create(phone_number=...)"
)
_NO_SMS = "toll-free numbers take no SMS settings in the 2008-08-01 API"


class IncomingPhoneNumberContextV2008(Deletable[IncomingPhoneNumberV2008]):
    """One number: ``client.api.v2008.incoming_phone_numbers("PN…")``."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + "/{sid}", codec=XML)
    _model = IncomingPhoneNumberV2008
    _sid_prefix = "PN"
    _update_params = schema(
        IncomingPhoneNumberUpdateV2008, operation="v2008.IncomingPhoneNumbers(sid).update"
    )
    _update_method = "PUT"

    async def update(
        self, **params: Unpack[IncomingPhoneNumberUpdateV2008]
    ) -> IncomingPhoneNumberV2008:
        """Change settings (an HTTP PUT); ``url`` is required, ``""`` clears another URL."""
        return await self._update(params)

    update_async = update  # the official twilio package's spelling


class _NumberListV2008(ListResource[IncomingPhoneNumberV2008]):
    """Listing shared by the main list and its Local/TollFree views."""

    __slots__ = ()

    _model = IncomingPhoneNumberV2008
    _filters = _FILTERS
    _paging = PagingV2008("incoming_phone_number")

    async def page(
        self,
        *,
        page_size: int | None = None,
        page_number: int | None = None,
        page_token: str | None = None,
        **filters: Unpack[IncomingPhoneNumberFiltersV2008],
    ) -> Page[IncomingPhoneNumberV2008]:
        """One page (``page_number`` counts from 0; ``page_size`` is the API's ``num``).

        The page knows ``total`` and ``num_pages``; ``next_page()`` follows it. This API
        has no page tokens: a ``page_token`` raises TwilioValidationError.
        """
        return await self._page(
            filters, page_size=page_size, page_number=page_number, page_token=page_token
        )

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        resume: StreamCursor | str | None = None,
        **filters: Unpack[IncomingPhoneNumberFiltersV2008],
    ) -> RecordStream[IncomingPhoneNumberV2008]:
        """Every matching number, in order. The first page says how many pages there are,
        so the later ones are fetched concurrently (a bounded window ahead of you).
        ``resume`` takes a ``stream.cursor`` (or ``error.cursor``) and goes on after it."""
        return self._stream(filters, limit=limit, page_size=page_size, resume=resume)

    async def list(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        resume: StreamCursor | str | None = None,
        **filters: Unpack[IncomingPhoneNumberFiltersV2008],
    ) -> list[IncomingPhoneNumberV2008]:
        """Every matching number (up to ``limit``) in one list."""
        return await self._list(filters, limit=limit, page_size=page_size, resume=resume)

    # The official twilio package's async spellings (see ListResource).
    page_async = page
    stream_async = AwaitedAlias(stream)
    list_async = list


class LocalListV2008(_NumberListV2008):
    """``client.api.v2008.incoming_phone_numbers.local``: local numbers only."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + "/Local", codec=XML)
    _create_params = schema(
        LocalCreateV2008,
        operation="v2008.IncomingPhoneNumbers.local.create",
        elsewhere={"phone_number": _BY_AREA_CODE},
    )

    async def create(self, **params: Unpack[LocalCreateV2008]) -> IncomingPhoneNumberV2008:
        """Provision a local number. Raises BadRequestError (code 21452) if none matches."""
        return await self._create(params)

    create_async = create  # the official twilio package's spelling


class TollFreeListV2008(_NumberListV2008):
    """``client.api.v2008.incoming_phone_numbers.toll_free``: toll-free numbers only."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + "/TollFree", codec=XML)
    _create_params = schema(
        TollFreeCreateV2008,
        operation="v2008.IncomingPhoneNumbers.toll_free.create",
        elsewhere={
            "phone_number": _BY_AREA_CODE,
            **dict.fromkeys(SmsSettingsV2008.__annotations__, _NO_SMS),
        },
    )

    async def create(self, **params: Unpack[TollFreeCreateV2008]) -> IncomingPhoneNumberV2008:
        """Provision a toll-free number (no SMS settings in this API). Raises
        BadRequestError (code 21452) if none matches."""
        return await self._create(params)

    create_async = create  # the official twilio package's spelling


class IncomingPhoneNumberListV2008(
    _NumberListV2008,
    Collection[IncomingPhoneNumberV2008, IncomingPhoneNumberContextV2008],
):
    """``client.api.v2008.incoming_phone_numbers``: every number of the account.

    Provisioning goes through :attr:`local` or :attr:`toll_free` (the 2008 API has no
    create on this list).
    """

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT, codec=XML)
    _instance = IncomingPhoneNumberContextV2008

    @property
    def local(self) -> LocalListV2008:
        """Local numbers only (``IncomingPhoneNumbers/Local``): list them, or buy one by
        ``area_code``."""
        return self._child(LocalListV2008)

    @property
    def toll_free(self) -> TollFreeListV2008:
        """Toll-free numbers only (``IncomingPhoneNumbers/TollFree``): list them, or buy one by
        ``area_code``."""
        return self._child(TollFreeListV2008)
