"""The fake's IncomingPhoneNumbers routes, API 2010-04-01 (JSON).

Behaviour follows Twilio's documentation, including its test numbers: ``+15005550006``
always succeeds, ``+15005550000`` is unavailable (21422) and ``+15005550001`` is invalid
(21421). A purchase by ``PhoneNumber`` of a number that is gone from the available
inventory (bought or seeded before, or taken with ``fake.take_available``) is 21422; any
other well-formed number may be bought, listed by a search or not (lenient, so tests can
buy the numbers they like). A purchase by ``AreaCode`` takes the next number of that area
code's inventory; area codes in ``state.exhausted_area_codes`` have none (21452).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiohttp import web

from .area import Route, current_form, current_principal
from .phone_numbers import IncomingNumbersArea, settings_from
from .state import number_type
from .wire import envelope_2010, invalid, json_response, paginate, parse_bool, query_pairs

__all__ = ["NumbersApi", "render_number"]

ROOT = "/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers"

MAGIC_AVAILABLE = "+15005550006"
MAGIC_UNAVAILABLE = "+15005550000"
MAGIC_INVALID = "+15005550001"

_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
_KINDS = {"Local": "local", "TollFree": "tollfree", "Mobile": "mobile"}
_LIST_FILTERS = ("Beta", "FriendlyName", "PhoneNumber", "Origin")

CONFIG_FIELDS: dict[str, tuple[str, str]] = {
    "ApiVersion": ("api_version", "str"),
    "FriendlyName": ("friendly_name", "name"),
    "VoiceUrl": ("voice_url", "url or null"),
    "VoiceMethod": ("voice_method", "method"),
    "VoiceFallbackUrl": ("voice_fallback_url", "url or null"),
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

Predicate = Callable[[Mapping[str, Any]], bool]


def render_number(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored number as the 2010 API returns it (internal keys dropped)."""
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _configuration(form: Mapping[str, str]) -> dict[str, Any]:
    changes = settings_from(form, CONFIG_FIELDS)
    # Twilio: setting a trunk clears the voice application, and vice versa.
    if changes.get("trunk_sid"):
        changes["voice_application_sid"] = ""
    if changes.get("voice_application_sid"):
        changes["trunk_sid"] = None
    return changes


def _phone_pattern(pattern: str) -> re.Pattern[str]:
    if not re.fullmatch(r"\+?[0-9*]+", pattern):
        raise invalid(f"PhoneNumber filter {pattern!r} may hold only digits, '+' and '*'")
    return re.compile("".join("[0-9]" if c == "*" else re.escape(c) for c in pattern))


def _filters(params: Mapping[str, str]) -> list[Predicate]:
    """Predicates for Beta, FriendlyName, PhoneNumber (partial, '*' wildcard) and Origin."""
    predicates: list[Predicate] = []
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
            raise invalid(f"Origin must be twilio or hosted, got {origin!r}")
        predicates.append(lambda n: n["origin"] == origin)
    return predicates


class NumbersApi(IncomingNumbersArea):
    """``/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers[/Local|TollFree|Mobile]``."""

    def routes(self) -> Iterable[Route]:
        typed = ROOT + "/{kind:Local|TollFree|Mobile}.json"
        instance = ROOT + "/{sid:PN[0-9a-fA-F]{32}}.json"
        return (
            ("GET", ROOT + ".json", self.list_numbers),
            ("POST", ROOT + ".json", self.create_number),
            ("GET", typed, self.list_numbers),
            ("POST", typed, self.create_number),
            ("GET", instance, self.fetch_number),
            ("POST", instance, self.update_number),
            ("DELETE", instance, self.delete_number),
        )

    def render(self, record: Mapping[str, Any], status: int = 200) -> web.Response:
        return json_response(render_number(record), status)

    def changes(self, record: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
        changes = _configuration(form)
        if "AccountSid" in form:
            target = form["AccountSid"]
            if not self.state.can_access(current_principal(), target):
                raise invalid(f"AccountSid {target} is not this account or one of its subaccounts")
            changes["account_sid"] = target
        return changes

    async def list_numbers(self, request: web.Request) -> web.Response:
        account_sid = self.account(request)
        kind = _KINDS.get(request.match_info.get("kind", ""))
        pairs = query_pairs(request)
        params = dict(pairs)
        predicates = _filters(params)
        if kind is not None:
            predicates.append(lambda n: n["type"] == kind)
        owned = self.state.numbers_of(account_sid)
        window = paginate([n for n in owned if all(p(n) for p in predicates)], params)
        filters = [(k, v) for k, v in pairs if k in _LIST_FILTERS]
        items = [render_number(n) for n in window.records]
        return json_response(
            envelope_2010(request.path, filters, window, "incoming_phone_numbers", items)
        )

    async def create_number(self, request: web.Request) -> web.Response:
        account_sid = self.account(request)
        kind_name = request.match_info.get("kind")
        form = current_form()
        phone = self._number_to_buy(kind_name, form)
        changes = _configuration(form)
        if kind_name is not None:
            changes["type"] = _KINDS[kind_name]
        return self.render(self.state.add_number(account_sid, phone, **changes), 201)

    def _number_to_buy(self, kind_name: str | None, form: Mapping[str, str]) -> str:
        """The number a purchase names, or one found by ``AreaCode``; 400s as Twilio's."""
        phone = form.get("PhoneNumber") or None
        area_code = form.get("AreaCode") or None
        if kind_name is not None and area_code is not None:
            raise invalid("AreaCode is not supported on this resource; pass PhoneNumber", 21457)
        if phone is not None:
            if phone == MAGIC_INVALID or not _E164.match(phone):
                raise invalid(f"PhoneNumber {phone} is invalid", 21421)
            if phone == MAGIC_UNAVAILABLE or (
                phone != MAGIC_AVAILABLE and phone in self.state.inventory.gone
            ):
                raise invalid(f"PhoneNumber {phone} is not available", 21422)
            if kind_name is not None and number_type(phone) != _KINDS[kind_name]:
                raise invalid(f"PhoneNumber {phone} is not a {kind_name} number", 21458)
            return phone
        if area_code is None:
            raise invalid(
                "PhoneNumber is required" if kind_name else "A PhoneNumber or AreaCode is required"
            )
        if not re.fullmatch(r"[2-9][0-9]{2}", area_code):
            raise invalid(f"AreaCode {area_code} is not a valid area code", 21451)
        found = self.state.inventory.first_available(area_code)
        if found is None:
            raise invalid(f"No phone numbers found in area code {area_code}", 21452)
        return found
