"""twilio_async.types: every parameter TypedDict in one public module, so that keyword
dictionaries built ahead of a call type-check (mypy, run on a sample in a subprocess)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from typing_extensions import is_typeddict

import twilio_async.types
from tests.typecheck import mypy_errors
from twilio_async import Client
from twilio_async.resources import (
    assigned_add_ons,
    available_phone_numbers,
    incoming_phone_numbers,
    incoming_phone_numbers_v2008,
    marketplace,
)
from twilio_async.testing import FakeTwilio
from twilio_async.types import IncomingPhoneNumberUpdate, InstalledAddOnCreate

SAMPLE = """\
from twilio_async import Client
from twilio_async.types import IncomingPhoneNumberCreate, IncomingPhoneNumberUpdate


async def apply(client: Client, rows: dict[str, IncomingPhoneNumberUpdate]) -> None:
    for sid, row in rows.items():
        await client.incoming_phone_numbers(sid).update(**row)


async def wrong_operation(client: Client, row: IncomingPhoneNumberCreate) -> None:
    await client.incoming_phone_numbers("PN" + "0" * 32).update(**row)


misspelt: IncomingPhoneNumberUpdate = {"voice_ur": "https://example.com/v"}
wrong_type: IncomingPhoneNumberUpdate = {"voice_caller_id_lookup": "yes"}
"""


def test_mypy_accepts_a_typed_row_and_flags_the_wrong_ones(tmp_path: Path) -> None:
    errors, output = mypy_errors(tmp_path, SAMPLE)
    assert len(errors) == 3, output
    assert errors[0].startswith("sample.py:11: error:")  # a create row given to update
    assert '"phone_number"' in errors[0]
    assert errors[1].startswith("sample.py:14: error:")
    assert '"voice_ur"' in errors[1]
    assert errors[2].startswith("sample.py:15: error:")
    assert "voice_caller_id_lookup" in errors[2]


def test_every_parameter_typeddict_is_exported() -> None:
    modules = (
        incoming_phone_numbers,
        incoming_phone_numbers_v2008,
        assigned_add_ons,
        available_phone_numbers,
        marketplace,
    )
    defined = {
        name
        for module in modules
        for name, value in vars(module).items()
        if is_typeddict(value) and value.__module__ == module.__name__
    }
    exported = set(twilio_async.types.__all__)
    assert defined <= exported
    assert exported - defined == {"Webhook", "WebhookMethod"}
    for name in defined:
        assert is_typeddict(getattr(twilio_async.types, name)), name


async def test_a_typed_row_is_what_the_call_takes(client: Client, fake: FakeTwilio) -> None:
    (sid,) = fake.seed_numbers(1)
    row: IncomingPhoneNumberUpdate = {"voice_url": "https://example.com/v", "sms_url": ""}
    number = await client.incoming_phone_numbers(sid).update(**row)
    assert number.voice_url == "https://example.com/v"
    assert fake.requests[-1].form_dict() == {"VoiceUrl": "https://example.com/v", "SmsUrl": ""}
    catalog = await client.marketplace.available_add_ons.list()
    voicebase = next(a for a in catalog if a.friendly_name and "VoiceBase" in a.friendly_name)
    install: InstalledAddOnCreate = {
        "available_add_on_sid": voicebase.sid,
        "accept_terms_of_service": True,
        "configuration": {"bad_words": True},
    }
    installed = await client.marketplace.installed_add_ons.create(**install)
    assert installed.sid.startswith("XE")


def test_the_module_documents_every_name() -> None:
    doc = textwrap.dedent(twilio_async.types.__doc__ or "")
    for name in twilio_async.types.__all__:
        assert f"``{name}``" in doc, name
