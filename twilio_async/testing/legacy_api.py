"""The fake's IncomingPhoneNumbers routes, legacy API 2008-08-01 (XML).

They serve the same in-memory inventory as the 2010-04-01 routes (``state.numbers``): a
number provisioned through one API shows up in the other. The rules:

* **Paths** ``/2008-08-01/Accounts/{AccountSid}/IncomingPhoneNumbers``, ``…/Local``,
  ``…/TollFree`` and ``…/{PN sid}``, no suffix. Bodies are XML inside ``<TwilioResponse>``;
  every error under ``/2008-08-01`` (auth failures, unknown paths and injected faults
  included) is ``<TwilioResponse><RestException>`` with ``Status``, ``Message``, ``Code``
  and ``MoreInfo``.
* **Which numbers** This API only knows US numbers: the account's ``+1`` numbers are
  listed, ``PhoneNumber`` as the 10 digits without ``+1``; other numbers do not exist here
  (not listed, 404 by SID). ``Local`` lists the numbers of type ``local``, ``TollFree``
  those of type ``tollfree`` (800/833/844/855/866/877/888).
* **Record** elements in the documented order, ``VoiceCallerIdLookup`` as ``0``/``1``,
  dates in RFC 2822 with the offset the stored date has. An unset value is an empty
  element, and so is a webhook method whose URL is unset (as in the docs' "No SMS or
  Fallback configured" example). Toll-free numbers have no SMS in this API: their records
  have no ``Sms*`` elements (as in the docs' toll-free example), and SMS parameters sent
  for them are ignored.
* **Lists** ``PhoneNumber`` filters on the exact 10-digit number. ``page`` (0-based,
  default 0) and ``num`` (1..1000, default 50) select the page; the list element carries
  ``page``, ``numpages`` (at least 1), ``pagesize``, ``total``, ``start`` and ``end`` (the
  index of the page's last record; ``start`` when the page is empty). A page past the end
  is empty.
* **Provisioning** ``POST …/Local`` or ``…/TollFree`` with an optional ``AreaCode``
  (three digits, first 2-9, else 400/21451). Without one, a number is found in any area
  code that has numbers left. Area codes in ``state.exhausted_area_codes``, a toll-free
  area code on ``Local`` and a non-toll-free one on ``TollFree`` have no numbers: 400
  with code 21452. The new record gets ``api_version`` ``2008-08-01``. Answer: 201.
* **Update** is ``PUT`` as documented; ``POST`` is accepted too. ``Url`` is required
  (400/20422 without it). ``DELETE`` releases the number (204).

**"Not Supported."** The docs describe each resource's methods in the order GET, POST,
PUT, DELETE and print "Not Supported." in place of each one that does not exist. Read
that way: the base list documents GET and then three "Not Supported." lines, so POST, PUT
and DELETE are not supported on it (provisioning is on Local/TollFree only); Local and
TollFree document GET and POST, then two "Not Supported." lines: PUT and DELETE. The
instance documents GET, an update (PUT) and a release (DELETE), and has no "Not
Supported." line. Every method read as not supported answers 405 with code 20004.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

from ..dates import format_rfc2822, parse_datetime
from .area import ErrorRenderer, Route, current_form
from .inventory import TOLL_FREE_AREA_CODES
from .phone_numbers import IncomingNumbersArea, settings_from
from .wire import FakeError, invalid, query_pairs

__all__ = ["ROOT", "LegacyNumbersApi", "render_number_2008", "xml_error"]

ROOT = "/2008-08-01/Accounts/{account_sid}/IncomingPhoneNumbers"

LOCAL_AREA_CODES = ("415", "212", "312", "206", "512", "617", "303", "404")
_KINDS = {"Local": "local", "TollFree": "tollfree"}
_NANP = re.compile(r"\+1[0-9]{10}")

# 2008 parameter -> (2010 record key, kind checked by phone_numbers.check_setting).
PARAMETERS: dict[str, tuple[str, str]] = {
    "FriendlyName": ("friendly_name", "name"),
    "Url": ("voice_url", "url or null"),
    "Method": ("voice_method", "method"),
    "VoiceFallbackUrl": ("voice_fallback_url", "url or null"),
    "VoiceFallbackMethod": ("voice_fallback_method", "method"),
    "SmsUrl": ("sms_url", "url"),
    "SmsMethod": ("sms_method", "method"),
    "SmsFallbackUrl": ("sms_fallback_url", "url"),
    "SmsFallbackMethod": ("sms_fallback_method", "method"),
    "VoiceCallerIdLookup": ("voice_caller_id_lookup", "bool"),
}
_SMS = frozenset({"SmsUrl", "SmsMethod", "SmsFallbackUrl", "SmsFallbackMethod"})

# The record's elements in the documented order: (element, record key, URL key when the
# element is a webhook method, which is empty while its URL is unset).
_ELEMENTS: tuple[tuple[str, str, str | None], ...] = (
    ("Sid", "sid", None),
    ("AccountSid", "account_sid", None),
    ("FriendlyName", "friendly_name", None),
    ("PhoneNumber", "phone_number", None),
    ("Url", "voice_url", None),
    ("Method", "voice_method", "voice_url"),
    ("SmsUrl", "sms_url", None),
    ("SmsMethod", "sms_method", "sms_url"),
    ("VoiceFallbackUrl", "voice_fallback_url", None),
    ("VoiceFallbackMethod", "voice_fallback_method", "voice_fallback_url"),
    ("SmsFallbackUrl", "sms_fallback_url", None),
    ("SmsFallbackMethod", "sms_fallback_method", "sms_fallback_url"),
    ("VoiceCallerIdLookup", "voice_caller_id_lookup", None),
    ("DateCreated", "date_created", None),
    ("DateUpdated", "date_updated", None),
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return format_rfc2822(value)
    return str(value)


def _date(value: Any) -> Any:
    # Tests may seed dates as text (either format); the API answers RFC 2822.
    return parse_datetime(value) if isinstance(value, str) and value else value


def render_number_2008(record: Mapping[str, Any]) -> str:
    """A stored number as the 2008-08-01 ``<IncomingPhoneNumber>`` element."""
    toll_free = record.get("type") == "tollfree"
    parts = ["<IncomingPhoneNumber>"]
    for element, key, url_key in _ELEMENTS:
        if toll_free and element in _SMS:
            continue
        value = record.get(key)
        if key == "phone_number":
            value = str(value)[2:]
        elif key.startswith("date_"):
            value = _date(value)
        elif url_key is not None and not record.get(url_key):
            value = None
        parts.append(f"<{element}>{escape(_text(value))}</{element}>")
    parts.append("</IncomingPhoneNumber>")
    return "".join(parts)


def xml_response(inner: str, status: int = 200) -> web.Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse>{inner}</TwilioResponse>\n'
    return web.Response(
        body=body.encode(), status=status, content_type="application/xml", charset="utf-8"
    )


def xml_error(status: int, code: int | None, message: str) -> web.Response:
    """Twilio's 2008-08-01 error body: ``<RestException>``."""
    fields = [f"<Status>{status}</Status>", f"<Message>{escape(message)}</Message>"]
    if code is not None:
        fields.append(f"<Code>{code}</Code>")
        fields.append(f"<MoreInfo>https://www.twilio.com/docs/errors/{code}</MoreInfo>")
    return xml_response(f"<RestException>{''.join(fields)}</RestException>", status)


def _int_param(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdecimal()) or not low <= int(raw) <= high:
        raise invalid(f"Invalid Parameter: {name} must be an integer in {low}..{high}")
    return int(raw)


def _settings(form: Mapping[str, str], *, toll_free: bool) -> dict[str, Any]:
    return settings_from(form, PARAMETERS, ignore=_SMS if toll_free else ())


def _list_element(records: list[dict[str, Any]], page: int, num: int) -> str:
    """One page of ``records`` as the ``<IncomingPhoneNumbers>`` element."""
    total = len(records)
    start = page * num
    chunk = records[start : start + num]
    attributes = {
        "page": page,
        "numpages": max(1, -(-total // num)),
        "pagesize": num,
        "total": total,
        "start": start,
        "end": start + max(len(chunk) - 1, 0),
    }
    opening = " ".join(f"{k}={quoteattr(str(v))}" for k, v in attributes.items())
    inner = "".join(render_number_2008(n) for n in chunk)
    return f"<IncomingPhoneNumbers {opening}>{inner}</IncomingPhoneNumbers>"


class LegacyNumbersApi(IncomingNumbersArea):
    """``/2008-08-01/Accounts/{AccountSid}/IncomingPhoneNumbers[/Local|/TollFree|/{Sid}]``."""

    def routes(self) -> Iterable[Route]:
        typed = ROOT + "/{kind:Local|TollFree}"
        instance = ROOT + "/{sid:PN[0-9a-fA-F]{32}}"
        return (
            ("GET", ROOT, self.list_numbers),
            ("POST", ROOT, self.not_supported),
            ("PUT", ROOT, self.not_supported),
            ("DELETE", ROOT, self.not_supported),
            ("GET", typed, self.list_numbers),
            ("POST", typed, self.create_number),
            ("PUT", typed, self.not_supported),
            ("DELETE", typed, self.not_supported),
            ("GET", instance, self.fetch_number),
            ("PUT", instance, self.update_number),
            ("POST", instance, self.update_number),
            ("DELETE", instance, self.delete_number),
        )

    def error_renderers(self) -> Iterable[tuple[str, ErrorRenderer]]:
        return (("/2008-08-01", xml_error),)

    def render(self, record: Mapping[str, Any], status: int = 200) -> web.Response:
        return xml_response(render_number_2008(record), status)

    def visible(self, record: Mapping[str, Any]) -> bool:
        return _NANP.fullmatch(record["phone_number"]) is not None

    def changes(self, record: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
        if not form.get("Url"):
            raise invalid("Url is required to update an incoming phone number")
        return _settings(form, toll_free=record["type"] == "tollfree")

    async def list_numbers(self, request: web.Request) -> web.Response:
        account_sid = self.account(request)
        kind = _KINDS.get(request.match_info.get("kind", ""))
        params = dict(query_pairs(request))
        page = _int_param(params, "page", 0, 0, 10**9)
        num = _int_param(params, "num", 50, 1, 1000)
        wanted = params.get("PhoneNumber")
        matching = [
            n
            for n in self.state.numbers_of(account_sid)
            if self.visible(n)
            and (kind is None or n["type"] == kind)
            and (wanted is None or n["phone_number"][2:] == wanted)
        ]
        return xml_response(_list_element(matching, page, num))

    async def create_number(self, request: web.Request) -> web.Response:
        account_sid = self.account(request)
        toll_free = _KINDS[request.match_info["kind"]] == "tollfree"
        form = current_form()
        phone = self._number_to_buy(form.get("AreaCode") or None, toll_free=toll_free)
        changes = _settings(form, toll_free=toll_free)
        record = self.state.add_number(account_sid, phone, api_version="2008-08-01", **changes)
        return self.render(record, 201)

    def _number_to_buy(self, area_code: str | None, *, toll_free: bool) -> str:
        if area_code is not None and not re.fullmatch(r"[2-9][0-9]{2}", area_code):
            raise invalid(f"AreaCode {area_code} is not a valid area code", 21451)
        candidates: tuple[str, ...]
        if area_code is None:
            candidates = TOLL_FREE_AREA_CODES if toll_free else LOCAL_AREA_CODES
        elif (area_code in TOLL_FREE_AREA_CODES) == toll_free:
            candidates = (area_code,)
        else:
            candidates = ()  # a toll-free area code has no local numbers, and vice versa
        phone = next(filter(None, map(self.state.inventory.first_available, candidates)), None)
        if phone is None:
            where = f"area code {area_code}" if area_code else "the United States"
            kind_name = "toll free" if toll_free else "local"
            raise invalid(f"No {kind_name} phone numbers found in {where}", 21452)
        return phone

    async def not_supported(self, request: web.Request) -> web.Response:
        self.account(request)
        raise FakeError(405, 20004, f"{request.method} is not supported on {request.path}")
