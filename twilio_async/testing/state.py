"""In-memory state of the fake Twilio: accounts, credentials and phone numbers.

Records are kept in the 2010-04-01 wire shape (snake_case keys, native Python values);
each API version renders them its own way. Every record carries a creation sequence
number, which is what page tokens point at, so paging stays stable while records are
added or removed between page requests.
"""

from __future__ import annotations

import secrets
from typing import Any

import attrs

from ..hosts import FAKE_SECRET_PREFIX
from .inventory import TOLL_FREE_AREA_CODES, AvailableInventory
from .marketplace import FakeMarketplace
from .records import Clock, new_sid

__all__ = ["FakeAccount", "FakeState", "number_type"]


@attrs.define
class FakeAccount:
    sid: str
    auth_token: str = attrs.field(repr=False)
    friendly_name: str = ""
    parent_sid: str | None = None


def new_secret() -> str:
    """An auth token or API key secret, marked as the fake's (a Client sends it only to a
    loopback host)."""
    return FAKE_SECRET_PREFIX + secrets.token_hex(16)


TOLL_FREE_PREFIXES = tuple("+1" + area_code for area_code in TOLL_FREE_AREA_CODES)


def number_type(phone_number: str) -> str:
    """``local``, ``tollfree`` or ``mobile``, the way the fake classifies numbers."""
    if phone_number.startswith(TOLL_FREE_PREFIXES):
        return "tollfree"
    if phone_number.startswith("+1"):
        return "local"
    return "mobile"


@attrs.define
class FakeState:
    """Everything the fake remembers. Tests may read and seed it directly."""

    accounts: dict[str, FakeAccount] = attrs.field(factory=dict)
    api_keys: dict[str, tuple[str, str]] = attrs.field(factory=dict)  # SK -> (secret, AC)
    numbers: dict[str, dict[str, Any]] = attrs.field(factory=dict)  # PN -> record
    # What AvailablePhoneNumbers searches offer (testing/inventory.py).
    inventory: AvailableInventory = attrs.field(factory=AvailableInventory, repr=False)
    clock: Clock = attrs.field(factory=Clock, repr=False)
    # Add-on catalog, installs and assignments (testing/marketplace.py).
    marketplace: FakeMarketplace = attrs.field(
        default=attrs.Factory(lambda state: FakeMarketplace(state.clock), takes_self=True),
        repr=False,
    )

    # -- accounts -----------------------------------------------------------------------

    def add_account(
        self,
        *,
        sid: str | None = None,
        auth_token: str | None = None,
        parent_sid: str | None = None,
    ) -> FakeAccount:
        """Create an account (a subaccount of ``parent_sid``, if given) and return it."""
        account = FakeAccount(
            sid=sid or new_sid("AC"),
            auth_token=auth_token or new_secret(),
            parent_sid=parent_sid,
        )
        self.accounts[account.sid] = account
        return account

    def add_api_key(self, account_sid: str) -> tuple[str, str]:
        """Create an API key for ``account_sid``: its ``SK…`` SID and secret."""
        key, secret = new_sid("SK"), new_secret()
        self.api_keys[key] = (secret, account_sid)
        return key, secret

    def authenticate(self, username: str, password: str) -> FakeAccount | None:
        """The account a Basic-auth pair belongs to, or None."""
        if username in self.api_keys:
            secret, account_sid = self.api_keys[username]
            return (
                self.accounts.get(account_sid) if secrets.compare_digest(secret, password) else None
            )
        account = self.accounts.get(username)
        if account is not None and secrets.compare_digest(account.auth_token, password):
            return account
        return None

    def can_access(self, principal: FakeAccount, account_sid: str) -> bool:
        """An account reaches itself and its subaccounts (as on Twilio)."""
        target = self.accounts.get(account_sid)
        return target is not None and (
            target.sid == principal.sid or target.parent_sid == principal.sid
        )

    # -- numbers --------------------------------------------------------------------------

    def owned_number(self, phone_number: str) -> dict[str, Any] | None:
        """The record of the owned number ``phone_number`` (E.164), or None."""
        return next((n for n in self.numbers.values() if n["phone_number"] == phone_number), None)

    @property
    def exhausted_area_codes(self) -> set[str]:
        """Area codes with no numbers to search or buy ("555" at first); add to it."""
        return self.inventory.exhausted_area_codes

    def add_number(self, account_sid: str, phone_number: str, **fields: Any) -> dict[str, Any]:
        """Provision ``phone_number`` on ``account_sid`` with Twilio's defaults (and what a
        search offered of it: type, capabilities...); it leaves the inventory for good."""
        sid = fields.pop("sid", None) or new_sid("PN")
        created = fields.pop("date_created", None) or self.clock.now()
        national = phone_number[2:] if phone_number.startswith("+1") else phone_number[1:]
        friendly = (
            f"({national[:3]}) {national[3:6]}-{national[6:]}"
            if phone_number.startswith("+1") and len(national) == 10
            else phone_number
        )
        record: dict[str, Any] = {
            "sid": sid,
            "phone_number": phone_number,
            "friendly_name": friendly,
            "date_created": created,
            "date_updated": created,
            "status": "in-use",
            "type": number_type(phone_number),
            "origin": "twilio",
            "beta": False,
            "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
            "api_version": "2010-04-01",
            "address_sid": None,
            "address_requirements": "none",
            "identity_sid": None,
            "bundle_sid": None,
            "trunk_sid": None,
            "voice_url": None,  # null when unset, as Twilio's examples show
            "voice_method": "POST",
            "voice_fallback_url": None,  # null when unset, as Twilio's examples show
            "voice_fallback_method": "POST",
            "voice_caller_id_lookup": False,
            "voice_application_sid": "",
            "voice_receive_mode": "voice",
            "sms_url": "",
            "sms_method": "POST",
            "sms_fallback_url": "",
            "sms_fallback_method": "POST",
            "sms_application_sid": "",
            "status_callback": "",
            "status_callback_method": "POST",
            "emergency_status": "Inactive",
            "emergency_address_sid": None,
            "emergency_address_status": "unregistered",
            "_seq": self.clock.next_sequence(),
        }
        _set_owner(record, account_sid)
        offer = self.inventory.offer(phone_number)
        record.update(offer.owned_fields() if offer is not None else {})
        record.update(fields)
        self.numbers[sid] = record
        self.inventory.gone.add(phone_number)
        return record

    def update_number(self, record: dict[str, Any], changes: dict[str, Any]) -> None:
        """Apply validated ``changes``; an ``account_sid`` among them moves the number."""
        owner = changes.pop("account_sid", record["account_sid"])
        record.update(changes)
        record["date_updated"] = self.clock.now()
        if owner != record["account_sid"]:
            _set_owner(record, owner)

    def release_number(self, sid: str) -> dict[str, Any] | None:
        """Release number ``sid`` (unassigning its Add-ons): its record, or None if not owned."""
        record = self.numbers.pop(sid, None)
        if record is not None:
            self.marketplace.number_released(record)
        return record

    def numbers_of(self, account_sid: str) -> list[dict[str, Any]]:
        """The records of the numbers ``account_sid`` owns."""
        return [n for n in self.numbers.values() if n["account_sid"] == account_sid]


def _set_owner(record: dict[str, Any], account_sid: str) -> None:
    """Give a number to ``account_sid``: its account and the URIs under that account."""
    uri_root = f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{record['sid']}"
    record["account_sid"] = account_sid
    record["uri"] = uri_root + ".json"
    record["subresource_uris"] = {"assigned_add_ons": uri_root + "/AssignedAddOns.json"}
