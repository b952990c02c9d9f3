"""What the 2010-04-01 and 2008-08-01 IncomingPhoneNumbers areas share: checking the
settings a number is provisioned or updated with, and finding, fetching, updating and
releasing one number. Each API version says how it renders a number and which
parameters it takes.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Collection, Mapping
from typing import Any

from aiohttp import web

from .area import ApiArea, current_form
from .wire import invalid, not_found, parse_bool

__all__ = ["IncomingNumbersArea", "SettingsTable", "check_setting", "settings_from"]

_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)

# Wire name -> (record key, kind). Kinds: str, name, url, method, bool, sid:XX, one of a|b,
# and "url or null": a URL that reads null when unset (Twilio's voice_url and
# voice_fallback_url, as its OpenAPI examples show; its other URLs read "").
SettingsTable = Mapping[str, tuple[str, str]]


def check_setting(wire: str, kind: str, value: str) -> Any:
    """Validate one setting as Twilio does; returns the value to store."""
    if kind == "bool":
        return parse_bool(wire, value)
    if value == "" and kind in ("url", "str"):
        return ""  # "" clears the field
    if value == "" and (kind == "url or null" or kind.startswith("sid:")):
        return None
    if kind in ("url", "url or null") and not _URL.match(value):
        raise invalid(f"{wire} is not a valid URL: {value}", 21502)
    if kind == "method" and value.upper() not in ("GET", "POST"):
        raise invalid(f"{wire} must be GET or POST, got {value!r}")
    if kind == "method":
        return value.upper()
    if kind == "name" and len(value) > 64:
        raise invalid(f"{wire} must be at most 64 characters")
    if kind.startswith("sid:") and not re.fullmatch(kind[4:] + "[0-9a-fA-F]{32}", value):
        raise invalid(f"{wire} must be a {kind[4:]} SID, got {value!r}")
    if kind.startswith("one of "):
        choices = kind[len("one of ") :].split("|")
        if value not in choices:
            raise invalid(f"{wire} must be one of {', '.join(choices)}, got {value!r}")
    return value


def settings_from(
    form: Mapping[str, str], table: SettingsTable, *, ignore: Collection[str] = ()
) -> dict[str, Any]:
    """The record changes the form asks for, each checked (``ignore``: wire names skipped)."""
    return {
        key: check_setting(wire, kind, form[wire])
        for wire, (key, kind) in table.items()
        if wire in form and wire not in ignore
    }


class IncomingNumbersArea(ApiArea):
    """Fetch, update and release of one number; subclasses render it and check updates."""

    @abstractmethod
    def render(self, record: Mapping[str, Any], status: int = 200) -> web.Response:
        """One number as this API version answers it."""

    @abstractmethod
    def changes(self, record: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
        """The validated changes an update form asks for (``account_sid`` moves it)."""

    def visible(self, record: Mapping[str, Any]) -> bool:
        """Whether this API version knows the number at all."""
        return True

    def find(self, request: web.Request) -> dict[str, Any]:
        account_sid = self.account(request)
        record = self.state.numbers.get(request.match_info["sid"])
        if record is None or record["account_sid"] != account_sid or not self.visible(record):
            raise not_found(request)
        return record

    async def fetch_number(self, request: web.Request) -> web.Response:
        return self.render(self.find(request))

    async def update_number(self, request: web.Request) -> web.Response:
        record = self.find(request)
        self.state.update_number(record, self.changes(record, current_form()))
        return self.render(record)

    async def delete_number(self, request: web.Request) -> web.Response:
        self.state.release_number(self.find(request)["sid"])
        return web.Response(status=204)
