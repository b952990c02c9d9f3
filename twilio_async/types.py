"""The parameter types: one ``TypedDict`` per operation, for code that builds keyword
dictionaries (rows of a CSV, a config file) and wants mypy to check them::

    from twilio_async.types import IncomingPhoneNumberUpdate

    row: IncomingPhoneNumberUpdate = {"voice_url": "https://example.com/v", "sms_url": ""}
    await client.incoming_phone_numbers(sid).update(**row)  # type-checks
    bad: IncomingPhoneNumberUpdate = {"voice_ur": "https://example.com/v"}  # mypy: error

Each is exactly what the operation's ``**params`` accept (every key optional unless
Twilio requires it); values are checked again when the call is made, before anything is
sent. Enums used as values (:class:`~twilio_async.HttpMethod`,
:class:`~twilio_async.EmergencyStatus`, :class:`~twilio_async.VoiceReceiveMode`) are in
:mod:`twilio_async`; their plain strings (``"GET"``, ``"POST"``) are accepted too.

- ``IncomingPhoneNumberCreate``: ``incoming_phone_numbers.create()``
- ``IncomingPhoneNumberTypeCreate``: ``incoming_phone_numbers.local.create()`` (also
  ``.toll_free``, ``.mobile``)
- ``IncomingPhoneNumberUpdate``: ``incoming_phone_numbers(sid).update()``
- ``NumberConfiguration``: the settings those three share
- ``IncomingPhoneNumberFilters``: ``incoming_phone_numbers.list()``, ``.stream()``,
  ``.page()`` (also of ``.local``, ``.toll_free``, ``.mobile``)
- ``AvailablePhoneNumberFilters``: ``available_phone_numbers("US").local.list()`` (and
  every other number type, stream and page)
- ``AssignedAddOnCreate``: ``incoming_phone_numbers(sid).assigned_add_ons.create()``
- ``InstalledAddOnCreate``: ``marketplace.installed_add_ons.create()``
- ``InstalledAddOnUpdate``: ``marketplace.installed_add_ons(sid).update()``
- ``InstalledAddOnExtensionUpdate``:
  ``marketplace.installed_add_ons(sid).extensions(sid).update()``
- ``LocalCreateV2008``, ``TollFreeCreateV2008``: ``api.v2008.incoming_phone_numbers.local``
  and ``.toll_free`` ``.create()``
- ``IncomingPhoneNumberUpdateV2008``: ``api.v2008.incoming_phone_numbers(sid).update()``
- ``IncomingPhoneNumberFiltersV2008``: ``api.v2008.incoming_phone_numbers.list()`` (and
  stream, page)
- ``VoiceSettingsV2008``, ``SmsSettingsV2008``: the settings every 2008-08-01 write takes,
  and its SMS webhooks (not on toll-free numbers)
- ``Webhook`` (an absolute http(s) URL, or ``""`` to clear it) and ``WebhookMethod``
  (``"GET"``, ``"POST"`` or an ``HttpMethod``): value types the dictionaries use

Importing this module loads the resource tree (what the first request loads anyway).
"""

from __future__ import annotations

from .params import Webhook, WebhookMethod
from .resources.assigned_add_ons import AssignedAddOnCreate
from .resources.available_phone_numbers import AvailablePhoneNumberFilters
from .resources.incoming_phone_numbers import (
    IncomingPhoneNumberCreate,
    IncomingPhoneNumberFilters,
    IncomingPhoneNumberTypeCreate,
    IncomingPhoneNumberUpdate,
    NumberConfiguration,
)
from .resources.incoming_phone_numbers_v2008 import (
    IncomingPhoneNumberFiltersV2008,
    IncomingPhoneNumberUpdateV2008,
    LocalCreateV2008,
    SmsSettingsV2008,
    TollFreeCreateV2008,
    VoiceSettingsV2008,
)
from .resources.marketplace import (
    InstalledAddOnCreate,
    InstalledAddOnExtensionUpdate,
    InstalledAddOnUpdate,
)

__all__ = [
    "AssignedAddOnCreate",
    "AvailablePhoneNumberFilters",
    "IncomingPhoneNumberCreate",
    "IncomingPhoneNumberFilters",
    "IncomingPhoneNumberFiltersV2008",
    "IncomingPhoneNumberTypeCreate",
    "IncomingPhoneNumberUpdate",
    "IncomingPhoneNumberUpdateV2008",
    "InstalledAddOnCreate",
    "InstalledAddOnExtensionUpdate",
    "InstalledAddOnUpdate",
    "LocalCreateV2008",
    "NumberConfiguration",
    "SmsSettingsV2008",
    "TollFreeCreateV2008",
    "VoiceSettingsV2008",
    "Webhook",
    "WebhookMethod",
]
