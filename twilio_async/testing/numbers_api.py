"""The fake's IncomingPhoneNumbers routes, API 2010-04-01 (JSON).

Behaviour follows Twilio's documentation, including its test numbers: ``+15005550006``
always succeeds, ``+15005550000`` is unavailable (21422) and ``+15005550001`` is invalid
(21421). Area codes in ``state.exhausted_area_codes`` have no numbers (21452).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .server import (
    FakeError,
    check_account,
    envelope_2010,
    json_response,
    paginate,
    parse_bool,
    query_pairs,
    request_form,
    request_principal,
)
from .state import number_type

if TYPE_CHECKING:
    from .server import FakeTwilio

__all__ = ["register", "render_number"]

ROOT = "/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers"

MAGIC_AVAILABLE = "+15005550006"
MAGIC_UNAVAILABLE = "+15005550000"
MAGIC_INVALID = "+15005550001"

_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
_KINDS = {"Local": "local", "TollFree": "tollfree", "Mobile": "mobile"}

# Wire name -> (record key, kind). Kinds: str, url, method, bool, sid:XX, one of a|b.
CONFIG_FIELDS: dict[str, tuple[str, str]] = {
    "ApiVersion": ("api_version", "str"),
    "FriendlyName": ("friendly_name", "name"),
    "VoiceUrl": ("voice_url", "url"),
    "VoiceMethod": ("voice_method", "method"),
    "VoiceFallbackUrl": ("voice_fallback_url", "url"),
    "VoiceFallbackMethod": ("voice_fallback_method", "method"),
    "VoiceCallerIdLookup": ("voice_caller_id_lookup", "bool"),
    "VoiceApplicationSid": ("voice_application_sid", "sid:AP"),
    "VoiceReceiveMode": ("voice_receive_mode", "one of voice|fax"),
    "SmsUrl": ("sms_url", "url"),
    "SmsMethod": ("sms_method", "method"),
    "SmsFallbackUrl": ("sms_fallback_url", "url"),
    "SmsFallbackMethod": ("sms_fallback_method", "method"),
    "SmsApplicationSid": ("sms_application_sid", "sid:AP"),
    "StatusCallback": ("status_callback", "url"),
    "StatusCallbackMethod": ("status_callback_method", "method"),
    "EmergencyStatus": ("emergency_status", "one of Active|Inactive"),
    "EmergencyAddressSid": ("emergency_address_sid", "sid:AD"),
    "TrunkSid": ("trunk_sid", "sid:TK"),
    "IdentitySid": ("identity_sid", "sid:RI"),
    "AddressSid": ("address_sid", "sid:AD"),
    "BundleSid": ("bundle_sid", "sid:BU"),
}


def render_number(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored number as the 2010 API returns it (internal keys dropped)."""
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _invalid(message: str, code: int = 20422) -> FakeError:
    return FakeError(400, code, message)


def _check_value(wire: str, kind: str, value: str) -> Any:
    """Validate one configuration parameter; returns the value to store."""
    if kind == "bool":
        return parse_bool(wire, value)
    if value == "" and (kind in ("url", "str") or kind.startswith("sid:")):
        return None if kind.startswith("sid:") else ""  # "" clears the field
    if kind == "url" and not _URL.match(value):
        raise _invalid(f"{wire} is not a valid URL: {value}", 21502)
    if kind == "method" and value.upper() not in ("GET", "POST"):
        raise _invalid(f"{wire} must be GET or POST, got {value!r}")
    if kind == "method":
        return value.upper()
    if kind == "name" and len(value) > 64:
        raise _invalid(f"{wire} must be at most 64 characters")
    if kind.startswith("sid:") and not re.fullmatch(kind[4:] + "[0-9a-fA-F]{32}", value):
        raise _invalid(f"{wire} must be a {kind[4:]} SID, got {value!r}")
    if kind.startswith("one of "):
        choices = kind[len("one of ") :].split("|")
        if value not in choices:
            raise _invalid(f"{wire} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _configuration(form: Mapping[str, str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for wire, (key, kind) in CONFIG_FIELDS.items():
        if wire in form:
            changes[key] = _check_value(wire, kind, form[wire])
    # Twilio: setting a trunk clears the voice application, and vice versa.
    if changes.get("trunk_sid"):
        changes["voice_application_sid"] = ""
    if changes.get("voice_application_sid"):
        changes["trunk_sid"] = None
    return changes


def _phone_pattern(pattern: str) -> re.Pattern[str]:
    if not re.fullmatch(r"\+?[0-9*]+", pattern):
        raise _invalid(f"PhoneNumber filter {pattern!r} may hold only digits, '+' and '*'")
    return re.compile("".join("[0-9]" if c == "*" else re.escape(c) for c in pattern))


def _filters(params: Mapping[str, str]) -> list[Any]:
    """Predicates for Beta, FriendlyName, PhoneNumber (partial, '*' wildcard) and Origin."""
    predicates = []
    if "Beta" in params and not parse_bool("Beta", params["Beta"]):
        predicates.append(lambda n: not n["beta"])
    if "FriendlyName" in params:
        name = params["FriendlyName"]
        predicates.append(lambda n: n["friendly_name"] == name)
    if "PhoneNumber" in params:
        pattern = _phone_pattern(params["PhoneNumber"])
        predicates.append(lambda n: pattern.search(n["phone_number"]) is not None)
    if "Origin" in params:
        origin = params["Origin"]
        if origin not in ("twilio", "hosted"):
            raise _invalid(f"Origin must be twilio or hosted, got {origin!r}")
        predicates.append(lambda n: n["origin"] == origin)
    return predicates


def register(fake: FakeTwilio) -> None:
    state = fake.state

    def find(request: web.Request) -> dict[str, Any]:
        account_sid = check_account(fake, request)
        record = state.numbers.get(request.match_info["sid"])
        if record is None or record["account_sid"] != account_sid:
            raise FakeError(404, 20404, f"The requested resource {request.path} was not found")
        return record

    async def list_numbers(request: web.Request) -> web.Response:
        account_sid = check_account(fake, request)
        kind = _KINDS.get(request.match_info.get("kind", ""))
        pairs = query_pairs(request)
        params = dict(pairs)
        predicates = _filters(params)
        if kind is not None:
            predicates.append(lambda n: n["type"] == kind)
        matching = [n for n in state.numbers_of(account_sid) if all(p(n) for p in predicates)]
        window = paginate(matching, params)
        filters = [
            (k, v) for k, v in pairs if k in ("Beta", "FriendlyName", "PhoneNumber", "Origin")
        ]
        body = envelope_2010(
            request.path,
            filters,
            window,
            "incoming_phone_numbers",
            [render_number(n) for n in window.records],
        )
        return json_response(body)

    async def create_number(request: web.Request) -> web.Response:
        account_sid = check_account(fake, request)
        kind = _KINDS.get(request.match_info.get("kind", ""))
        form = request_form()
        phone = form.get("PhoneNumber") or None
        area_code = form.get("AreaCode") or None
        if kind is not None and area_code is not None:
            raise _invalid("AreaCode is not supported on this resource; pass PhoneNumber", 21457)
        if phone is None and area_code is None:
            raise _invalid(
                "PhoneNumber is required" if kind else "A PhoneNumber or AreaCode is required"
            )
        if phone is not None:
            if phone == MAGIC_INVALID or not _E164.match(phone):
                raise _invalid(f"PhoneNumber {phone} is invalid", 21421)
            if phone == MAGIC_UNAVAILABLE or (
                phone != MAGIC_AVAILABLE and state.owned_number(phone) is not None
            ):
                raise _invalid(f"PhoneNumber {phone} is not available", 21422)
            if kind is not None and number_type(phone) != kind:
                raise _invalid(
                    f"PhoneNumber {phone} is not a {request.match_info['kind']} number", 21458
                )
        else:
            assert area_code is not None
            if not re.fullmatch(r"[2-9][0-9]{2}", area_code):
                raise _invalid(f"AreaCode {area_code} is not a valid area code", 21451)
            phone = state.free_number_in(area_code)
            if phone is None:
                raise _invalid(f"No phone numbers found in area code {area_code}", 21452)
        changes = _configuration(form)
        if kind is not None:
            changes["type"] = kind
        record = state.add_number(account_sid, phone, **changes)
        return json_response(render_number(record), 201)

    async def fetch_number(request: web.Request) -> web.Response:
        return json_response(render_number(find(request)))

    async def update_number(request: web.Request) -> web.Response:
        record = find(request)
        form = request_form()
        changes = _configuration(form)
        if "AccountSid" in form:
            target = form["AccountSid"]
            if not state.can_access(request_principal(), target):
                raise _invalid(f"AccountSid {target} is not this account or one of its subaccounts")
        record.update(changes)
        record["date_updated"] = state.now()
        if "AccountSid" in form and form["AccountSid"] != record["account_sid"]:
            state.move_number(record, form["AccountSid"])
        return json_response(render_number(record))

    async def delete_number(request: web.Request) -> web.Response:
        record = find(request)
        state.release_number(record["sid"])
        return web.Response(status=204)

    typed = ROOT + "/{kind:Local|TollFree|Mobile}.json"
    instance = ROOT + "/{sid:PN[0-9a-fA-F]{32}}.json"
    fake.route("GET", ROOT + ".json", list_numbers)
    fake.route("POST", ROOT + ".json", create_number)
    fake.route("GET", typed, list_numbers)
    fake.route("POST", typed, create_number)
    fake.route("GET", instance, fetch_number)
    fake.route("POST", instance, update_number)
    fake.route("DELETE", instance, delete_number)
