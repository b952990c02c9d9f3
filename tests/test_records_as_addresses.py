"""A record (a model) is accepted wherever its SID is, and is addressed where it lives:
under its own account. A SID string is addressed under the list's account, as before."""

from __future__ import annotations

from typing import Any

import pytest

from twilio_async import (
    AvailablePhoneNumberCountry,
    Client,
    IncomingPhoneNumber,
    InvalidSidError,
    NotFoundError,
    TwilioValidationError,
)
from twilio_async.testing import FakeTwilio


def numbers_path(fake: FakeTwilio, account_sid: str) -> str:
    return f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers"


async def test_a_number_listed_in_a_subaccount_is_updated_in_it(
    client: Client, fake: FakeTwilio
) -> None:
    sub = fake.create_subaccount()
    (sid,) = fake.seed_numbers(1, account_sid=sub)
    (number,) = await client.accounts(sub).incoming_phone_numbers.list()
    assert number.account_sid == sub

    # By SID, through the main account: not there (Twilio answers 404, code 20404).
    with pytest.raises(NotFoundError) as info:
        await client.incoming_phone_numbers(number.sid).update(friendly_name="by sid")
    assert info.value.code == 20404

    updated = await client.incoming_phone_numbers(number).update(friendly_name="by record")
    assert updated.friendly_name == "by record"
    assert fake.state.numbers[sid]["friendly_name"] == "by record"
    assert fake.requests[-1].path == f"{numbers_path(fake, sub)}/{sid}.json"

    assert (await client.incoming_phone_numbers(number).fetch()).sid == sid
    await client.incoming_phone_numbers(number).delete()
    assert sid not in fake.state.numbers


async def test_a_records_children_live_under_its_account(client: Client, fake: FakeTwilio) -> None:
    sub = fake.create_subaccount()
    (pn,) = fake.seed_numbers(1, account_sid=sub)
    xe = fake.install_add_on(account_sid=sub)
    fake.assign_add_on(pn, xe)
    (number,) = await client.accounts(sub).incoming_phone_numbers.list()

    (assigned,) = await client.incoming_phone_numbers(number).assigned_add_ons.list()
    assert fake.requests[-1].path == f"{numbers_path(fake, sub)}/{pn}/AssignedAddOns.json"
    assert (assigned.sid, assigned.account_sid, assigned.resource_sid) == (xe, sub, pn)

    # An assignment record carries its account and number: from a SID of the main account's
    # tree it is still addressed where it lives.
    fetched = await client.incoming_phone_numbers(pn).assigned_add_ons(assigned).fetch()
    assert fetched == assigned
    assert fake.requests[-1].path == f"{numbers_path(fake, sub)}/{pn}/AssignedAddOns/{xe}.json"
    extensions = client.incoming_phone_numbers(number).assigned_add_ons(assigned).extensions
    listed = await extensions.list()
    assert listed
    assert (await extensions(listed[0]).fetch()) == listed[0]


async def test_a_record_of_another_parent_is_refused(client: Client, fake: FakeTwilio) -> None:
    pn, other = fake.seed_numbers(2)
    xe = fake.install_add_on()
    fake.assign_add_on(pn, xe)
    (assigned,) = await client.incoming_phone_numbers(pn).assigned_add_ons.list()
    fake.requests.clear()
    with pytest.raises(TwilioValidationError) as info:
        client.incoming_phone_numbers(other).assigned_add_ons(assigned)
    assert info.value.param == "resource_sid"
    assert f"belongs to resource_sid {pn!r}, not to {other!r}" in str(info.value)
    assert fake.requests == []


async def test_a_sid_string_keeps_the_lists_account(client: Client, fake: FakeTwilio) -> None:
    sub = fake.create_subaccount()
    (sid,) = fake.seed_numbers(1, account_sid=sub)
    number = await client.accounts(sub).incoming_phone_numbers(sid).fetch()
    assert fake.requests[-1].path == f"{numbers_path(fake, sub)}/{sid}.json"
    assert number.sid == sid


def test_a_record_without_an_account_keeps_the_lists_account() -> None:
    client = Client("AC" + "0" * 32, "token", environ={})
    number = IncomingPhoneNumber(sid="PN" + "1" * 32)
    context = client.incoming_phone_numbers(number)
    assert context.sid == number.sid
    assert context._path["account_sid"] == client.account_sid


def test_a_malformed_account_in_a_record_is_refused() -> None:
    client = Client("AC" + "0" * 32, "token", environ={})
    number = IncomingPhoneNumber(sid="PN" + "1" * 32, account_sid="AC../../x")
    with pytest.raises(InvalidSidError) as info:
        client.incoming_phone_numbers(number)
    assert info.value.param == "account_sid"


def test_a_record_of_another_kind_is_refused_naming_what_is_taken() -> None:
    client = Client("AC" + "0" * 32, "token", environ={})
    country = AvailablePhoneNumberCountry(country_code="US")
    numbers: Any = client.incoming_phone_numbers
    with pytest.raises(InvalidSidError) as info:
        numbers(country)
    assert str(info.value) == (
        "sid must be a PN... SID string or a record of this list (IncomingPhoneNumber), "
        "got AvailablePhoneNumberCountry"
    )


async def test_marketplace_records_address_their_installs(client: Client, fake: FakeTwilio) -> None:
    fake.install_add_on()
    market = client.marketplace
    (installed,) = await market.installed_add_ons.list()
    assert (await market.installed_add_ons(installed).fetch()) == installed
    extensions = await market.installed_add_ons(installed).extensions.list()
    enabled = (
        await market.installed_add_ons(installed).extensions(extensions[0]).update(enabled=True)
    )
    assert enabled.enabled is True
    (catalog_entry, *_) = await market.available_add_ons.list()
    offered = await market.available_add_ons(catalog_entry).extensions.list()
    assert (await market.available_add_ons(catalog_entry).extensions(offered[0]).fetch()) == (
        offered[0]
    )


async def test_the_2008_api_routes_a_record_to_its_account(
    client: Client, fake: FakeTwilio
) -> None:
    sub = fake.create_subaccount()
    (sid,) = fake.seed_numbers(1, account_sid=sub)
    (number,) = await client.accounts(sub).api.v2008.incoming_phone_numbers.list()
    updated = await client.api.v2008.incoming_phone_numbers(number).update(
        url="https://example.com/v", friendly_name="legacy"
    )
    assert updated.friendly_name == "legacy"
    assert fake.requests[-1].path == f"/2008-08-01/Accounts/{sub}/IncomingPhoneNumbers/{sid}"


async def test_a_country_record_addresses_its_searches(client: Client, fake: FakeTwilio) -> None:
    countries = await client.available_phone_numbers.list()
    us = next(country for country in countries if country.country_code == "US")
    found = await client.available_phone_numbers(us).local.list(area_code=415, limit=2)
    assert len(found) == 2
    assert fake.requests[-1].path.endswith("/AvailablePhoneNumbers/US/Local.json")
