"""The fake's Marketplace: a catalog of Add-ons, installs, and assignments to numbers.

State only (no HTTP): :mod:`.add_ons_api` enforces the rules and renders records for
Marketplace v1, the preview and API 2010-04-01. Reach it as ``fake.state.marketplace``.

* The catalog (:attr:`FakeMarketplace.available`) is seeded with Add-ons modelled on
  Twilio's documentation; :meth:`FakeMarketplace.add_available_add_on` adds more.
* An install (``XE…``) belongs to one account, copies its Add-on's name and description,
  holds a ``configuration`` checked against the Add-on's ``configuration_schema`` and has
  one switch per extension of the Add-on, all off after install.
* An assignment is keyed by (number ``PN…``, install ``XE…``) and has the install's SID;
  its extensions are the install's. Releasing a number drops its assignments.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .records import Clock, new_sid

__all__ = ["DEFAULT_CATALOG", "FakeMarketplace", "configuration_problem"]

# (unique_name, friendly_name, product_name), as in Twilio's table of extensions.
VOICE_INCOMING = ("voice-incoming", "Incoming Voice Call", "Programmable Voice")
SMS_INCOMING = ("sms-incoming", "Incoming SMS Message", "Programmable SMS")
LOOKUP = ("lookup-api", "Lookups", "Lookup")
RECORD_VERB = ("recording-verb", "Record Verb Recordings", "Programmable Voice")
RECORD_DIAL = ("recording-dial", "Dial Verb Recordings", "Programmable Voice")

DEFAULT_CATALOG: tuple[dict[str, Any], ...] = (
    {
        "friendly_name": "VoiceBase High Accuracy Transcription",
        "description": "Automatic Transcription and Keyword Extraction for recordings",
        "pricing_type": "per minute",
        "configuration_schema": {
            "type": "object",
            "properties": {
                "bad_words": {"type": "boolean"},
                "callback_url": {"type": "string"},
                "callback_method": {"type": "string", "enum": ["GET", "POST"]},
                "include-keywords": {"type": "boolean"},
                "include-topics": {"type": "boolean"},
            },
            "required": ["bad_words"],
        },
        "extensions": (VOICE_INCOMING, RECORD_VERB, RECORD_DIAL),
    },
    {
        "friendly_name": "Nomorobo Spam Score",
        "description": "Spam score of the caller, from 0 (not spam) to 1 (spam)",
        "pricing_type": "per lookup",
        "configuration_schema": {
            "type": "object",
            "properties": {"threshold": {"type": "integer"}},
            "additionalProperties": False,
        },
        "extensions": (LOOKUP, VOICE_INCOMING),
    },
    {
        "friendly_name": "IBM Watson Message Sentiment",
        "description": "Sentiment analysis of incoming messages",
        "pricing_type": "per message",
        "configuration_schema": {
            "type": "object",
            "properties": {"language": {"type": "string", "enum": ["en", "es", "fr"]}},
        },
        "extensions": (SMS_INCOMING,),
    },
    {
        "friendly_name": "Whitepages Pro Caller Identity",
        "description": "Caller name, address and carrier for a phone number",
        "pricing_type": "per lookup",
        "configuration_schema": None,
        "extensions": (LOOKUP,),
    },
)


def _stable_sid(prefix: str, *parts: str) -> str:
    """Catalog SIDs are derived from names, so they are the same in every fake."""
    return prefix + hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "add_on"


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "object": (dict,),
    "array": (list,),
}


def _has_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    types = _JSON_TYPES.get(kind)
    if types is None:
        return True  # a type this fake does not know: accept
    if isinstance(value, bool) and bool not in types:
        return False  # JSON true is not an integer
    return isinstance(value, types)


def configuration_problem(
    schema: Mapping[str, Any] | None, configuration: Mapping[str, Any]
) -> str | None:
    """What is wrong with ``configuration`` under ``schema`` (a JSON Schema subset:
    ``required``, property ``type`` and ``enum``, ``additionalProperties: false``)."""
    if not schema:
        return None
    properties: Mapping[str, Any] = schema.get("properties") or {}
    for key in schema.get("required") or ():
        if key not in configuration:
            return f"Configuration is missing the required property {key!r}"
    for key, value in configuration.items():
        spec = properties.get(key)
        if spec is None:
            if schema.get("additionalProperties") is False:
                return f"Configuration has an unknown property {key!r}"
            continue
        kind = spec.get("type")
        if isinstance(kind, str) and not _has_type(value, kind):
            return f"Configuration property {key!r} must be of type {kind}"
        if "enum" in spec and value not in spec["enum"]:
            allowed = ", ".join(map(repr, spec["enum"]))
            return f"Configuration property {key!r} must be one of {allowed}"
    return None


@attrs.define
class FakeMarketplace:
    """Marketplace state shared by the v1, preview and 2010 routes.

    The owner calls :meth:`number_released` when a number is released.
    """

    clock: Clock = attrs.field(repr=False)
    available: dict[str, dict[str, Any]] = attrs.field(factory=dict)  # XB -> Add-on
    extensions: dict[str, dict[str, Any]] = attrs.field(factory=dict)  # XF -> extension
    installs: dict[str, dict[str, Any]] = attrs.field(factory=dict)  # XE -> install
    assignments: dict[tuple[str, str], dict[str, Any]] = attrs.field(factory=dict)  # (PN, XE)

    def __attrs_post_init__(self) -> None:
        for entry in DEFAULT_CATALOG:
            self.add_available_add_on(**entry)

    # -- catalog --------------------------------------------------------------------------

    def add_available_add_on(
        self,
        friendly_name: str,
        *,
        description: str = "",
        pricing_type: str = "free",
        configuration_schema: Mapping[str, Any] | None = None,
        extensions: Sequence[tuple[str, str, str]] = (VOICE_INCOMING,),
        sid: str | None = None,
    ) -> dict[str, Any]:
        """Add an Add-on to the catalog; ``extensions`` are (unique, friendly, product) names."""
        sid = sid or _stable_sid("XB", friendly_name)
        record: dict[str, Any] = {
            "sid": sid,
            "friendly_name": friendly_name,
            "description": description,
            "pricing_type": pricing_type,
            "configuration_schema": configuration_schema,
            "_seq": self.clock.next_sequence(),
        }
        self.available[sid] = record
        for unique_name, friendly, product in extensions:
            extension_sid = _stable_sid("XF", sid, unique_name)
            self.extensions[extension_sid] = {
                "sid": extension_sid,
                "available_add_on_sid": sid,
                "friendly_name": friendly,
                "product_name": product,
                "unique_name": unique_name,
                "_seq": self.clock.next_sequence(),
            }
        return record

    def find_available(self, friendly_name: str) -> dict[str, Any]:
        return next(a for a in self.available.values() if a["friendly_name"] == friendly_name)

    def catalog(self) -> list[dict[str, Any]]:
        return sorted(self.available.values(), key=lambda a: a["_seq"])

    def extensions_of(self, available_add_on_sid: str) -> list[dict[str, Any]]:
        return sorted(
            (
                e
                for e in self.extensions.values()
                if e["available_add_on_sid"] == available_add_on_sid
            ),
            key=lambda e: e["_seq"],
        )

    # -- installs -------------------------------------------------------------------------

    def installs_of(self, account_sid: str) -> list[dict[str, Any]]:
        return sorted(
            (i for i in self.installs.values() if i["account_sid"] == account_sid),
            key=lambda i: i["_seq"],
        )

    def unique_name_owner(self, account_sid: str, unique_name: str) -> str | None:
        """The SID of the account's install called ``unique_name``, if any."""
        return next(
            (
                i["sid"]
                for i in self.installs.values()
                if i["account_sid"] == account_sid and i["unique_name"] == unique_name
            ),
            None,
        )

    def free_unique_name(self, account_sid: str, friendly_name: str) -> str:
        """Twilio's default: the Add-on's name as a slug, suffixed ``_1``, ``_2``… if taken."""
        base = candidate = _slug(friendly_name)
        n = 0
        while self.unique_name_owner(account_sid, candidate) is not None:
            n += 1
            candidate = f"{base}_{n}"
        return candidate

    def install(
        self,
        account_sid: str,
        available_add_on_sid: str,
        *,
        configuration: Mapping[str, Any] | None = None,
        unique_name: str | None = None,
    ) -> dict[str, Any]:
        """Install without any checks (the routes check); every extension starts disabled."""
        add_on = self.available[available_add_on_sid]
        now = self.clock.now()
        sid = new_sid("XE")
        record: dict[str, Any] = {
            "sid": sid,
            "account_sid": account_sid,
            "available_add_on_sid": available_add_on_sid,
            "friendly_name": add_on["friendly_name"],
            "description": add_on["description"],
            "configuration": dict(configuration or {}),
            "unique_name": unique_name
            or self.free_unique_name(account_sid, add_on["friendly_name"]),
            "date_created": now,
            "date_updated": now,
            "enabled": {e["sid"]: False for e in self.extensions_of(available_add_on_sid)},
            "_seq": self.clock.next_sequence(),
        }
        self.installs[sid] = record
        return record

    def assigned_numbers(self, installed_add_on_sid: str) -> list[str]:
        return [pn for (pn, xe) in self.assignments if xe == installed_add_on_sid]

    def uninstall(self, installed_add_on_sid: str) -> None:
        self.installs.pop(installed_add_on_sid, None)

    # -- assignments ----------------------------------------------------------------------

    def assign(self, number: Mapping[str, Any], installed_add_on_sid: str) -> dict[str, Any]:
        now = self.clock.now()
        record: dict[str, Any] = {
            "sid": installed_add_on_sid,
            "resource_sid": number["sid"],
            "account_sid": number["account_sid"],
            "date_created": now,
            "date_updated": now,
            "_seq": self.clock.next_sequence(),
        }
        self.assignments[(number["sid"], installed_add_on_sid)] = record
        return record

    def assignments_of(self, phone_number_sid: str) -> list[dict[str, Any]]:
        return sorted(
            (a for (pn, _), a in self.assignments.items() if pn == phone_number_sid),
            key=lambda a: a["_seq"],
        )

    def unassign(self, phone_number_sid: str, installed_add_on_sid: str) -> None:
        self.assignments.pop((phone_number_sid, installed_add_on_sid), None)

    def number_released(self, number: Mapping[str, Any]) -> None:
        """Drop the released number's assignments."""
        for key in [key for key in self.assignments if key[0] == number["sid"]]:
            del self.assignments[key]
