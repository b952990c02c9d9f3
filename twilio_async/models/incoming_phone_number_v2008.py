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
    """A 34 character string that uniquely idetifies this resource."""
    account_sid: str | None = None
    """The id of the account with which this resource is associated."""
    friendly_name: str | None = None
    """A human readable descriptive text for this resource, up to 64 characters long. By
    default, the FriendlyName is a nicely formatted version of the PhoneNumber.
    """
    phone_number: str | None = None
    """The 10 digit incoming phone number. Always presented as a 10 digit number, with no
    "decoration" (like dashes, parentheses, etc.)
    """
    url: str | None = None
    """The URL Twilio will request when phone number is called."""
    method: HttpMethod | None = None
    """The HTTP method to use when requesting the above URL. Either GET or POST."""
    sms_url: str | None = None
    """The URL Twilio will request when receiving an incoming SMS message to this number."""
    sms_method: HttpMethod | None = None
    """The HTTP method to use when requesting the sms URL. Either GET or POST."""
    voice_fallback_url: str | None = None
    """The URL that Twilio will request if an error occurs retrieving or executing the TwiML
    requested by "Url".
    """
    voice_fallback_method: HttpMethod | None = None
    """The HTTP method to use when requesting the voice fallback URL. Either GET or POST."""
    sms_fallback_url: str | None = None
    """The URL that Twilio will request if an error occurs retrieving or executing the
    "SmsUrl" TwiML.
    """
    sms_fallback_method: HttpMethod | None = None
    """The HTTP method to use when requesting the above URL. Either GET or POST."""
    voice_caller_id_lookup: bool | None = None
    """Look up the Caller's caller-ID name from the CNAM database (additional charges apply)"""
    date_created: datetime | None = None
    """The date that this resource was created, given in RFC 2822 format."""
    date_updated: datetime | None = None
    """The date that this resource was last updated, given in RFC 2822 format."""

    @property
    def e164(self) -> str | None:
        """``"+1"`` and the 10 digits, or ``None`` if ``phone_number`` is not 10 digits."""
        number = self.phone_number
        if number is not None and len(number) == 10 and number.isascii() and number.isdigit():
            return "+1" + number
        return None
