"""IncomingPhoneNumber as the legacy 2008-08-01 API describes it (XML)."""

from __future__ import annotations

from datetime import datetime

from .common import HttpMethod, model

__all__ = ["IncomingPhoneNumberV2008"]


@model
class IncomingPhoneNumberV2008:
    """A phone number on the account, in the 2008-08-01 API's terms.

    ``phone_number`` is the 10-digit US number exactly as that API presents it
    (``"4158675309"``, no decoration); :attr:`e164` gives ``"+14158675309"``. ``url`` and
    ``method`` are the voice webhook (``voice_url``/``voice_method`` in the 2010 API).
    Every field but ``sid`` may be ``None``: an empty element (``<SmsUrl/>``) or a missing
    one means unset. Dates are timezone-aware, with the offset Twilio sent (``-0700``).
    """

    sid: str
    account_sid: str | None = None
    friendly_name: str | None = None
    phone_number: str | None = None
    url: str | None = None
    method: HttpMethod | None = None
    sms_url: str | None = None
    sms_method: HttpMethod | None = None
    voice_fallback_url: str | None = None
    voice_fallback_method: HttpMethod | None = None
    sms_fallback_url: str | None = None
    sms_fallback_method: HttpMethod | None = None
    voice_caller_id_lookup: bool | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None

    @property
    def e164(self) -> str | None:
        """``"+1"`` and the 10 digits, or ``None`` if ``phone_number`` is not 10 digits."""
        number = self.phone_number
        if number is not None and len(number) == 10 and number.isascii() and number.isdigit():
            return "+1" + number
        return None
