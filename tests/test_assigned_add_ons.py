"""AssignedAddOns (API 2010-04-01): add-ons assigned to one number, over HTTP to the fake."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from twilio_async import (
    AssignedAddOn,
    AssignedAddOnExtension,
    BadRequestError,
    Client,
    InstalledAddOn,
    InvalidSidError,
    NotFoundError,
    TwilioValidationError,
)
from twilio_async.testing import FakeTwilio

VOICEBASE = "VoiceBase High Accuracy Transcription"


def catalog_sid(fake: FakeTwilio, name: str = VOICEBASE) -> str:
    sid: str = fake.state.marketplace.find_available(name)["sid"]
    return sid


async def install(client: Client, fake: FakeTwilio, name: str = VOICEBASE) -> InstalledAddOn:
    add_on = fake.state.marketplace.find_available(name)
    schema = add_on["configuration_schema"] or {}
    configuration = dict.fromkeys(schema.get("required", ()), True)
    return await client.marketplace.installed_add_ons.create(
        available_add_on_sid=add_on["sid"],
        accept_terms_of_service=True,
        configuration=configuration,
    )


@pytest.fixture
async def number_sid(fake: FakeTwilio) -> str:
    (sid,) = fake.seed_numbers(1)
    return sid


def assigned_path(fake: FakeTwilio, number_sid: str, suffix: str = ".json") -> str:
    numbers = f"/2010-04-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers"
    return f"{numbers}/{number_sid}/AssignedAddOns{suffix}"


async def test_assign_sends_the_documented_form_and_returns_rfc2822_dated_model(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    installed = await install(client, fake)
    assigned = await client.incoming_phone_numbers(number_sid).assigned_add_ons.create(
        installed_add_on_sid=installed.sid
    )
    (sent,) = fake.requests_to("POST", "/AssignedAddOns")
    assert sent.path == assigned_path(fake, number_sid)
    assert sent.form == (("InstalledAddOnSid", installed.sid),)
    assert isinstance(assigned, AssignedAddOn)
    assert assigned.sid == installed.sid  # addressed by the installed Add-on's SID
    assert assigned.resource_sid == number_sid
    assert assigned.account_sid == fake.account_sid
    assert assigned.friendly_name == VOICEBASE
    assert assigned.description == installed.description
    assert assigned.configuration == {"bad_words": True}
    assert assigned.unique_name == installed.unique_name
    stored = fake.state.marketplace.assignments[(number_sid, installed.sid)]
    assert assigned.date_created == stored["date_created"]
    assert isinstance(assigned.date_created, datetime)
    assert assigned.date_created.utcoffset() == timezone.utc.utcoffset(None)
    assert assigned.uri == assigned_path(fake, number_sid, f"/{installed.sid}.json")
    assert assigned.subresource_uris == {
        "extensions": assigned_path(fake, number_sid, f"/{installed.sid}/Extensions.json")
    }


async def test_list_stream_page_fetch_and_delete(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    names = [a["friendly_name"] for a in fake.state.marketplace.catalog()]
    assigned = client.incoming_phone_numbers(number_sid).assigned_add_ons
    created = []
    for name in names:
        installed = await install(client, fake, name)
        created.append(await assigned.create(installed_add_on_sid=installed.sid))
    assert await assigned.list() == created

    fake.requests.clear()
    assert [a async for a in assigned.stream(page_size=3)] == created
    gets = fake.requests_to("GET", "/AssignedAddOns.json")
    assert len(gets) == 2  # 3 + 1, following the relative next_page_uri
    assert gets[1].query_dict()["PageToken"].startswith("PA")

    page = await assigned.page(page_size=2)
    assert page.records == created[:2]
    assert page.url is not None
    assert page.url.startswith(fake.url + assigned_path(fake, number_sid))
    second = await page.next_page()
    assert second is not None
    assert second.records == created[2:]
    assert second.page_number == 1

    assert await assigned(created[1].sid).fetch() == created[1]
    assert fake.requests[-1].path == assigned_path(fake, number_sid, f"/{created[1].sid}.json")
    await assigned(created[1].sid).delete()
    assert fake.requests[-1].method == "DELETE"
    with pytest.raises(NotFoundError):
        await assigned(created[1].sid).fetch()
    assert [a.sid for a in await assigned.list()] == [
        c.sid for i, c in enumerate(created) if i != 1
    ]
    assert created[1].sid in fake.state.marketplace.installs  # unassigned, still installed


async def test_extensions_mirror_the_installed_add_on(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    installed = await install(client, fake)
    await client.incoming_phone_numbers(number_sid).assigned_add_ons.create(
        installed_add_on_sid=installed.sid
    )
    extensions = (
        client.incoming_phone_numbers(number_sid).assigned_add_ons(installed.sid).extensions
    )
    listed = await extensions.list()
    assert all(isinstance(e, AssignedAddOnExtension) for e in listed)
    assert [e.unique_name for e in listed] == ["voice-incoming", "recording-verb", "recording-dial"]
    assert [e.enabled for e in listed] == [False, False, False]
    assert {(e.assigned_add_on_sid, e.resource_sid, e.account_sid) for e in listed} == {
        (installed.sid, number_sid, fake.account_sid)
    }
    installed_extensions = await client.marketplace.installed_add_ons(
        installed.sid
    ).extensions.list()
    assert [e.sid for e in listed] == [e.sid for e in installed_extensions]

    await (
        client.marketplace.installed_add_ons(installed.sid)
        .extensions(listed[1].sid)
        .update(enabled=True)
    )
    fetched = await extensions(listed[1].sid).fetch()
    assert fetched.enabled is True
    assert fetched.product_name == "Programmable Voice"
    assert fetched.uri == assigned_path(
        fake, number_sid, f"/{installed.sid}/Extensions/{listed[1].sid}.json"
    )
    assert fake.requests[-1].path == fetched.uri
    assert [e.enabled async for e in extensions.stream()] == [False, True, False]


async def test_extensions_page_across_several_pages(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    many = [(f"ext-{i}", f"Extension {i}", "Programmable Voice") for i in range(5)]
    fake.state.marketplace.add_available_add_on("Many Extensions", extensions=many)
    installed = await install(client, fake, "Many Extensions")
    assigned = client.incoming_phone_numbers(number_sid).assigned_add_ons
    await assigned.create(installed_add_on_sid=installed.sid)
    extensions = assigned(installed.sid).extensions
    fake.requests.clear()
    assert [e.unique_name async for e in extensions.stream(page_size=2)] == [
        f"ext-{i}" for i in range(5)
    ]
    assert len(fake.requests_to("GET", "/Extensions.json")) == 3
    page = await extensions.page(page_size=4)
    assert len(page) == 4
    last = await page.next_page()
    assert last is not None
    assert [e.unique_name for e in last] == ["ext-4"]
    assert not last.has_next_page


async def test_subaccount_numbers_use_the_subaccount_path(client: Client, fake: FakeTwilio) -> None:
    sub = fake.create_subaccount()
    (number,) = fake.seed_numbers(1, account_sid=sub)
    assert await client.accounts(sub).incoming_phone_numbers(number).assigned_add_ons.list() == []
    assert fake.requests[-1].path == (
        f"/2010-04-01/Accounts/{sub}/IncomingPhoneNumbers/{number}/AssignedAddOns.json"
    )


# -- what Twilio (the fake) refuses ---------------------------------------------------------


async def test_only_an_installed_add_on_can_be_assigned(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    assigned = client.incoming_phone_numbers(number_sid).assigned_add_ons
    with pytest.raises(BadRequestError, match="not an Add-on installed on this account"):
        await assigned.create(installed_add_on_sid="XE" + "0" * 32)
    installed = await install(client, fake)
    await assigned.create(installed_add_on_sid=installed.sid)
    with pytest.raises(BadRequestError, match="already assigned"):
        await assigned.create(installed_add_on_sid=installed.sid)
    assert len(await assigned.list()) == 1


async def test_uninstall_is_refused_while_assigned(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    installed = await install(client, fake)
    assigned = client.incoming_phone_numbers(number_sid).assigned_add_ons
    await assigned.create(installed_add_on_sid=installed.sid)
    with pytest.raises(BadRequestError, match="assigned to 1 phone number") as caught:
        await client.marketplace.installed_add_ons(installed.sid).delete()
    assert caught.value.status == 400
    assert await client.marketplace.installed_add_ons(installed.sid).fetch() == installed
    await assigned(installed.sid).delete()
    await client.marketplace.installed_add_ons(installed.sid).delete()
    assert fake.state.marketplace.installs == {}


async def test_releasing_a_number_removes_its_assignments(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    (other_number,) = fake.seed_numbers(1)
    installed = await install(client, fake)
    for sid in (number_sid, other_number):
        await client.incoming_phone_numbers(sid).assigned_add_ons.create(
            installed_add_on_sid=installed.sid
        )
    await client.incoming_phone_numbers(number_sid).delete()
    assert list(fake.state.marketplace.assignments) == [(other_number, installed.sid)]
    with pytest.raises(NotFoundError):  # the number itself is gone
        await client.incoming_phone_numbers(number_sid).assigned_add_ons.list()
    with pytest.raises(BadRequestError):  # still assigned to the other number
        await client.marketplace.installed_add_ons(installed.sid).delete()
    await client.incoming_phone_numbers(other_number).delete()
    await client.marketplace.installed_add_ons(installed.sid).delete()


async def test_unknown_number_or_assignment_is_404(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    with pytest.raises(NotFoundError):
        await client.incoming_phone_numbers("PN" + "0" * 32).assigned_add_ons.list()
    with pytest.raises(NotFoundError):
        await client.incoming_phone_numbers(number_sid).assigned_add_ons("XE" + "0" * 32).fetch()
    with pytest.raises(NotFoundError):
        await (
            client.incoming_phone_numbers(number_sid)
            .assigned_add_ons("XE" + "0" * 32)
            .extensions.list()
        )


# -- local validation: nothing is sent ------------------------------------------------------


async def test_parameters_and_sids_are_checked_before_sending(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    assigned = client.incoming_phone_numbers(number_sid).assigned_add_ons
    with pytest.raises(TwilioValidationError, match="requires installed_add_on_sid"):
        await assigned.create()  # type: ignore[call-arg]
    for bad in ("XB" + "1" * 32, "XE123", "", None, 42):
        with pytest.raises(TwilioValidationError) as caught:
            await assigned.create(installed_add_on_sid=bad)  # type: ignore[arg-type]
        assert caught.value.param == "installed_add_on_sid"
    with pytest.raises(InvalidSidError):
        client.incoming_phone_numbers("XE" + "1" * 32)
    with pytest.raises(InvalidSidError):
        assigned("XB" + "1" * 32)
    with pytest.raises(InvalidSidError):
        assigned("XE" + "1" * 32).extensions("XE" + "1" * 32)
    with pytest.raises(InvalidSidError):
        assigned("XE" + "1" * 32).extensions("XF" + "1" * 30)
    assert fake.requests == []
