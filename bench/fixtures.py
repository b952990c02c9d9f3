"""Deterministic Twilio-shaped data shared by the bench server and the peers.

Record ``i`` of every inventory is the same, so the 10k, 20k and 100k inventories are
prefixes of one sequence, and a peer can compute which SIDs exist without asking the server.
The shapes follow the IncomingPhoneNumber resource of API 2010-04-01 (every property of the
OpenAPI schema plus ``subresource_uris``) and the legacy 2008-08-01 XML representation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

ACCOUNT_SID = "AC" + hashlib.md5(b"twilio_async bench account").hexdigest()
AUTH_TOKEN = "bench-auth-token"

API_2010 = "/2010-04-01"
API_2008 = "/2008-08-01"
LIST_PATH = f"{API_2010}/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"
LEGACY_LIST_PATH = f"{API_2008}/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers"

_AREA_CODES = ("415", "628", "650", "408", "510", "925", "707", "831", "209", "559")
_ADDRESS_REQUIREMENTS = ("none", "any", "local", "foreign")
_EMERGENCY_ADDRESS_STATUS = (
    "registered",
    "unregistered",
    "pending-registration",
    "registration-failure",
    "pending-unregistration",
    "unregistration-failure",
)
_TYPES = ("local", "local", "local", "mobile", "tollfree")
_EPOCH = dt.datetime(2015, 7, 30, 23, 19, 4, tzinfo=dt.timezone.utc)
_PACIFIC_2008 = dt.timezone(dt.timedelta(hours=-7))


def _hex32(kind: str, i: int) -> str:
    return hashlib.md5(f"{kind}:{i}".encode()).hexdigest()


def sid(i: int) -> str:
    """SID of inventory record ``i``."""
    return "PN" + _hex32("PN", i)


def national_number(i: int) -> str:
    """Ten-digit US number of record ``i``; unique for i < 8,000,000."""
    area = _AREA_CODES[i % len(_AREA_CODES)]
    rest = i // len(_AREA_CODES)
    exchange = 200 + (rest // 10_000) % 800
    line = rest % 10_000
    return f"{area}{exchange:03d}{line:04d}"


def _friendly(national: str) -> str:
    return f"({national[:3]}) {national[3:6]}-{national[6:]}"


def created_at(i: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=137 * i)


def updated_at(i: int) -> dt.datetime:
    return created_at(i) + dt.timedelta(hours=i % 97, minutes=i % 59)


def rfc2822(moment: dt.datetime) -> str:
    """'Thu, 30 Jul 2015 23:19:04 +0000', as Twilio writes dates."""
    return format_datetime(moment)


def _optional_sid(prefix: str, i: int, present: bool) -> str | None:
    return prefix + _hex32(prefix, i) if present else None


def record(
    i: int, *, sid_value: str | None = None, phone_number: str | None = None
) -> dict[str, Any]:
    """The 2010-04-01 JSON representation of inventory record ``i``.

    Values vary with ``i`` (dates, capabilities, optional SIDs, enums, nulls) so that a
    client cannot get away with caching one parse.
    """
    the_sid = sid_value or sid(i)
    national = national_number(i)
    e164 = phone_number or "+1" + national
    uri = f"{API_2010}/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{the_sid}.json"
    has_address = i % 4 != 0
    has_app = i % 6 == 0
    return {
        "account_sid": ACCOUNT_SID,
        "address_requirements": _ADDRESS_REQUIREMENTS[i % 4],
        "address_sid": _optional_sid("AD", i, has_address),
        "api_version": "2010-04-01",
        "beta": i % 7 == 0,
        "capabilities": {
            "voice": i % 11 != 0,
            "sms": i % 2 == 0,
            "mms": i % 3 == 0,
            "fax": i % 5 == 0,
        },
        "date_created": rfc2822(created_at(i)),
        "date_updated": rfc2822(updated_at(i)),
        "emergency_status": "Active" if i % 3 == 0 else "Inactive",
        "emergency_address_sid": _optional_sid("AD", i + 1, i % 3 == 0),
        "emergency_address_status": _EMERGENCY_ADDRESS_STATUS[i % 6],
        "friendly_name": _friendly(national) if i % 10 else f"Bench line {i}",
        "identity_sid": _optional_sid("RI", i, i % 5 == 0),
        "origin": "hosted" if i % 13 == 0 else "twilio",
        "phone_number": e164,
        "sid": the_sid,
        "sms_application_sid": "AP" + _hex32("APs", i % 50) if has_app else "",
        "sms_fallback_method": "POST",
        "sms_fallback_url": f"https://example.com/sms-fallback/{i % 100}" if i % 8 == 0 else "",
        "sms_method": "POST" if i % 2 else "GET",
        "sms_url": f"https://example.com/sms/{i % 1000}?line={i}" if not has_app else "",
        "status_callback": "https://example.com/status" if i % 9 == 0 else "",
        "status_callback_method": "POST",
        "trunk_sid": None,
        "uri": uri,
        "voice_application_sid": "AP" + _hex32("APv", i % 50) if has_app else "",
        "voice_caller_id_lookup": i % 4 == 1,
        "voice_fallback_method": "POST",
        "voice_fallback_url": (
            f"https://example.com/voice-fallback/{i % 100}" if i % 8 == 1 else None
        ),
        "voice_method": "POST",
        "voice_url": f"https://example.com/voice/{i % 1000}?line={i}" if not has_app else None,
        "bundle_sid": _optional_sid("BU", i, i % 2 == 1),
        "voice_receive_mode": "fax" if i % 17 == 0 else "voice",
        "status": "in-use",
        "type": _TYPES[i % len(_TYPES)],
        "subresource_uris": {
            "assigned_add_ons": uri[: -len(".json")] + "/AssignedAddOns.json",
        },
    }


# --- create burst ------------------------------------------------------------------------

CREATE_POOL = 2_000


def create_number(j: int) -> str:
    """E.164 number requested by create ``j``; area code 212 is not used by the inventory."""
    return f"+1212{300 + j // 10_000:03d}{j % 10_000:04d}"


def create_record(j: int) -> dict[str, Any]:
    """What the server answers to a create of ``create_number(j)``."""
    return record(1_000_000 + j, sid_value="PN" + _hex32("new", j), phone_number=create_number(j))


# --- legacy 2008-08-01 XML -----------------------------------------------------------------

_LEGACY_FIELDS = (
    "Sid",
    "AccountSid",
    "FriendlyName",
    "PhoneNumber",
    "Url",
    "Method",
    "SmsUrl",
    "SmsMethod",
    "VoiceFallbackUrl",
    "VoiceFallbackMethod",
    "SmsFallbackUrl",
    "SmsFallbackMethod",
    "VoiceCallerIdLookup",
    "DateCreated",
    "DateUpdated",
)


def legacy_record_xml(i: int) -> str:
    """One ``<IncomingPhoneNumber>`` element of the 2008-08-01 API for record ``i``."""
    national = national_number(i)
    sms = i % 3 != 0  # like the docs' second example, some numbers have no SMS configured
    values = (
        sid(i),
        ACCOUNT_SID,
        _friendly(national) if i % 10 else f"Bench line {i} & co",
        national,
        f"https://example.com/voice/{i % 1000}?line={i}&v=1",
        "GET" if i % 2 else "POST",
        f"https://example.com/sms/{i % 1000}" if sms else "",
        "POST" if sms else "",
        f"https://example.com/voice-fallback/{i % 100}" if i % 8 == 1 else "",
        "POST" if i % 8 == 1 else "",
        f"https://example.com/sms-fallback/{i % 100}" if sms and i % 8 == 0 else "",
        "POST" if sms and i % 8 == 0 else "",
        "1" if i % 4 == 1 else "0",
        rfc2822(created_at(i).astimezone(_PACIFIC_2008)),
        rfc2822(updated_at(i).astimezone(_PACIFIC_2008)),
    )
    inner = "".join(
        f"<{name}>{escape(value)}</{name}>"
        for name, value in zip(_LEGACY_FIELDS, values, strict=True)
    )
    return f"<IncomingPhoneNumber>{inner}</IncomingPhoneNumber>"
