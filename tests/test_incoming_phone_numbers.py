"""IncomingPhoneNumbers (API 2010-04-01): every operation and filter, over HTTP to the fake."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from twilio_async import (
    BadRequestError,
    Client,
    EmergencyStatus,
    HttpMethod,
    IncomingPhoneNumber,
    NotFoundError,
    TwilioValidationError,
    VoiceReceiveMode,
)
from twilio_async.testing import FakeTwilio

AP = "AP" + "1" * 32
TK = "TK" + "2" * 32
AD = "AD" + "3" * 32
RI = "RI" + "4" * 32
BU = "BU" + "5" * 32


async def test_create_by_phone_number_sends_documented_form(
    client: Client, fake: FakeTwilio
) -> None:
    number = await client.incoming_phone_numbers.create(
        phone_number="+14155552344",
        friendly_name="Main line",
        voice_url="https://example.com/voice",
        voice_method="GET",
        voice_caller_id_lookup=True,
        sms_url="",
        status_callback_method=HttpMethod.POST,
    )
    assert isinstance(number, IncomingPhoneNumber)
    assert number.sid.startswith("PN")
    assert len(number.sid) == 34
    assert number.phone_number == "+14155552344"
    assert number.friendly_name == "Main line"
    assert number.voice_url == "https://example.com/voice"
    assert number.voice_method is HttpMethod.GET
    assert number.voice_caller_id_lookup is True
    assert number.sms_url is None  # "" on the wire reads as unset

    (sent,) = fake.requests_to("POST", "/IncomingPhoneNumbers.json")
    assert sent.form == (
        ("FriendlyName", "Main line"),
        ("VoiceUrl", "https://example.com/voice"),
        ("VoiceMethod", "GET"),
        ("VoiceCallerIdLookup", "true"),
        ("SmsUrl", ""),
        ("StatusCallbackMethod", "POST"),
        ("PhoneNumber", "+14155552344"),
    )
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"


async def test_create_by_area_code_provisions_in_that_area(client: Client) -> None:
    number = await client.incoming_phone_numbers.create(area_code="415")
    assert number.phone_number is not None
    assert number.phone_number.startswith("+1415")


async def test_every_documented_field_round_trips_through_create(client: Client) -> None:
    number = await client.incoming_phone_numbers.create(
        phone_number="+14155550100",
        api_version="2008-08-01",
        voice_fallback_url="https://example.com/fallback",
        voice_fallback_method="GET",
        voice_application_sid=AP,
        voice_receive_mode="fax",
        sms_method="GET",
        sms_fallback_url="https://example.com/sms-fallback",
        sms_fallback_method="GET",
        sms_application_sid=AP,
        status_callback="https://example.com/status",
        emergency_status="Active",
        emergency_address_sid=AD,
        identity_sid=RI,
        address_sid=AD,
        bundle_sid=BU,
    )
    assert number.api_version == "2008-08-01"
    assert number.voice_fallback_url == "https://example.com/fallback"
    assert number.voice_fallback_method is HttpMethod.GET
    assert number.voice_application_sid == AP
    assert number.voice_receive_mode is VoiceReceiveMode.FAX
    assert number.sms_method is HttpMethod.GET
    assert number.sms_fallback_url == "https://example.com/sms-fallback"
    assert number.sms_application_sid == AP
    assert number.status_callback == "https://example.com/status"
    assert number.emergency_status is EmergencyStatus.ACTIVE
    assert (number.emergency_address_sid, number.identity_sid) == (AD, RI)
    assert (number.address_sid, number.bundle_sid) == (AD, BU)


async def test_fetch_returns_typed_model_with_rfc2822_dates(client: Client) -> None:
    created = await client.incoming_phone_numbers.create(phone_number="+14155552344")
    fetched = await client.incoming_phone_numbers(created.sid).fetch()
    assert fetched == created
    assert isinstance(fetched.date_created, datetime)
    assert fetched.date_created.tzinfo is not None
    assert fetched.date_created.utcoffset() == timezone.utc.utcoffset(None)
    assert fetched.capabilities is not None
    assert fetched.capabilities.voice is True
    assert fetched.subresource_uris is not None
    assert fetched.subresource_uris["assigned_add_ons"].endswith(
        f"/IncomingPhoneNumbers/{created.sid}/AssignedAddOns.json"
    )


async def test_update_changes_fields_and_empty_string_clears(
    client: Client, fake: FakeTwilio
) -> None:
    created = await client.incoming_phone_numbers.create(
        phone_number="+14155552344", sms_url="https://example.com/sms"
    )
    updated = await client.incoming_phone_numbers(created.sid).update(
        voice_url="https://example.com/new", sms_url=""
    )
    assert updated.voice_url == "https://example.com/new"
    assert updated.sms_url is None
    assert updated.date_updated is not None
    assert created.date_updated is not None
    assert updated.date_updated > created.date_updated
    (sent,) = fake.requests_to("POST", f"/{created.sid}.json")
    assert sent.form == (("VoiceUrl", "https://example.com/new"), ("SmsUrl", ""))
    assert (await client.incoming_phone_numbers(created.sid).fetch()).sms_url is None


async def test_trunk_and_voice_application_replace_each_other(client: Client) -> None:
    number = await client.incoming_phone_numbers.create(
        phone_number="+14155552344", voice_application_sid=AP
    )
    with_trunk = await client.incoming_phone_numbers(number.sid).update(trunk_sid=TK)
    assert with_trunk.trunk_sid == TK
    assert with_trunk.voice_application_sid is None


async def test_update_account_sid_moves_number_to_subaccount(
    client: Client, fake: FakeTwilio
) -> None:
    sub = fake.create_subaccount()
    number = await client.incoming_phone_numbers.create(phone_number="+14155552344")
    moved = await client.incoming_phone_numbers(number.sid).update(account_sid=sub)
    assert moved.account_sid == sub
    assert moved.uri is not None
    assert f"/Accounts/{sub}/" in moved.uri
    with pytest.raises(NotFoundError):
        await client.incoming_phone_numbers(number.sid).fetch()
    in_sub = await client.accounts(sub).incoming_phone_numbers(number.sid).fetch()
    assert in_sub.sid == number.sid
    assert [n.sid for n in await client.accounts(sub).incoming_phone_numbers.list()] == [number.sid]


async def test_update_to_a_foreign_account_is_refused_by_twilio(client: Client) -> None:
    number = await client.incoming_phone_numbers.create(phone_number="+14155552344")
    with pytest.raises(BadRequestError):
        await client.incoming_phone_numbers(number.sid).update(account_sid="AC" + "f" * 32)


async def test_delete_releases_the_number(client: Client, fake: FakeTwilio) -> None:
    number = await client.incoming_phone_numbers.create(phone_number="+14155552344")
    await client.incoming_phone_numbers(number.sid).delete()
    assert number.sid not in fake.state.numbers
    with pytest.raises(NotFoundError) as excinfo:
        await client.incoming_phone_numbers(number.sid).delete()
    assert excinfo.value.code == 20404


async def test_twilio_test_numbers(client: Client) -> None:
    numbers = client.incoming_phone_numbers
    first = await numbers.create(phone_number="+15005550006")
    second = await numbers.create(phone_number="+15005550006")  # always available
    assert first.sid != second.sid
    with pytest.raises(BadRequestError) as unavailable:
        await numbers.create(phone_number="+15005550000")
    assert unavailable.value.code == 21422
    with pytest.raises(BadRequestError) as invalid:
        await numbers.create(phone_number="+15005550001")
    assert invalid.value.code == 21421


async def test_buying_an_owned_number_is_unavailable(client: Client) -> None:
    await client.incoming_phone_numbers.create(phone_number="+14155552344")
    with pytest.raises(BadRequestError) as excinfo:
        await client.incoming_phone_numbers.create(phone_number="+14155552344")
    assert excinfo.value.code == 21422
    assert excinfo.value.status == 400


async def test_area_code_without_inventory(client: Client) -> None:
    with pytest.raises(BadRequestError) as excinfo:
        await client.incoming_phone_numbers.create(area_code="555")
    assert excinfo.value.code == 21452


async def test_list_filters(client: Client, fake: FakeTwilio) -> None:
    fake.state.add_number(fake.account_sid, "+14158675310", friendly_name="Support")
    fake.state.add_number(fake.account_sid, "+14158675311", beta=True)
    fake.state.add_number(fake.account_sid, "+12125550123", origin="hosted")
    numbers = client.incoming_phone_numbers

    exact = await numbers.list(phone_number="+14158675310")
    assert [n.phone_number for n in exact] == ["+14158675310"]
    partial = await numbers.list(phone_number="867")
    assert {n.phone_number for n in partial} == {"+14158675310", "+14158675311"}
    wildcard = await numbers.list(phone_number="+1415867531*")
    assert {n.phone_number for n in wildcard} == {"+14158675310", "+14158675311"}
    assert [n.friendly_name for n in await numbers.list(friendly_name="Support")] == ["Support"]
    assert {n.phone_number for n in await numbers.list(beta=False)} == {
        "+14158675310",
        "+12125550123",
    }
    assert len(await numbers.list(beta=True)) == 3
    assert [n.phone_number for n in await numbers.list(origin="hosted")] == ["+12125550123"]

    sent = fake.requests_to("GET", "/IncomingPhoneNumbers.json")
    assert sent[0].query_dict() == {"PhoneNumber": "+14158675310", "PageSize": "1000"}
    assert ("Beta", "false") in sent[4].query
    assert ("Origin", "hosted") in sent[6].query


async def test_filters_are_carried_to_following_pages(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(7, friendly_name="Batch A")
    fake.seed_numbers(5, friendly_name="Batch B")
    names = [
        n.friendly_name
        async for n in client.incoming_phone_numbers.stream(friendly_name="Batch A", page_size=2)
    ]
    assert names == ["Batch A"] * 7
    pages = fake.requests_to("GET", "/IncomingPhoneNumbers.json")
    assert len(pages) == 4
    assert all(("FriendlyName", "Batch A") in r.query for r in pages)


async def test_local_toll_free_and_mobile_views(client: Client, fake: FakeTwilio) -> None:
    numbers = client.incoming_phone_numbers
    local = await numbers.local.create(phone_number="+14155552344")
    toll_free = await numbers.toll_free.create(phone_number="+18005550100", friendly_name="TF")
    mobile = await numbers.mobile.create(phone_number="+447700900123")
    assert (local.type, toll_free.type, mobile.type) == ("local", "tollfree", "mobile")
    assert [n.sid for n in await numbers.local.list()] == [local.sid]
    assert [n.sid for n in await numbers.toll_free.list()] == [toll_free.sid]
    assert [n.sid async for n in numbers.mobile.stream()] == [mobile.sid]
    assert len(await numbers.list()) == 3
    page = await numbers.toll_free.page(page_size=5)
    assert [n.friendly_name for n in page] == ["TF"]
    assert fake.requests_to("POST", "/TollFree.json")[0].form_dict()["PhoneNumber"] == (
        "+18005550100"
    )


async def test_typed_views_require_a_phone_number_and_refuse_mismatches(client: Client) -> None:
    with pytest.raises(TwilioValidationError, match="phone_number"):
        await client.incoming_phone_numbers.local.create(friendly_name="x")  # type: ignore[call-arg]
    with pytest.raises(BadRequestError) as excinfo:
        await client.incoming_phone_numbers.toll_free.create(phone_number="+14155552344")
    assert excinfo.value.code == 21458


async def test_subaccount_numbers_are_separate(client: Client, fake: FakeTwilio) -> None:
    sub = fake.create_subaccount()
    mine = await client.incoming_phone_numbers.create(phone_number="+14155552344")
    theirs = await client.accounts(sub).incoming_phone_numbers.create(phone_number="+14155552345")
    assert theirs.account_sid == sub
    assert [n.sid for n in await client.incoming_phone_numbers.list()] == [mine.sid]
    assert [n.sid for n in await client.api.v2010.accounts(sub).incoming_phone_numbers.list()] == [
        theirs.sid
    ]
    with pytest.raises(NotFoundError):
        await client.incoming_phone_numbers(theirs.sid).fetch()


async def test_shortcut_is_the_same_object_as_the_versioned_path(client: Client) -> None:
    assert client.incoming_phone_numbers is client.api.v2010.incoming_phone_numbers
    assert client.api.v2010.account_sid == client.account_sid


async def test_unknown_fields_and_enum_values_from_the_server_do_not_crash(
    client: Client, fake: FakeTwilio
) -> None:
    (sid,) = fake.seed_numbers(
        1,
        emergency_status="PendingActivation",
        voice_method="PATCH",
        brand_new_field={"nested": [1, 2]},
        voice_receive_mode="",
        status_callback=None,
    )
    number = await client.incoming_phone_numbers(sid).fetch()
    assert number.emergency_status == "PendingActivation"
    assert number.emergency_status is not None
    assert not number.emergency_status.is_known
    assert number.voice_method == "PATCH"
    assert number.voice_receive_mode is None
    assert number.status_callback is None
    assert not hasattr(number, "brand_new_field")
