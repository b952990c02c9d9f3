"""The official twilio package's spellings that mean exactly what ours do: ``.get(sid)``,
``client.marketplace.v1``, ``client.api.account`` / ``client.api.v2010.account``, and the
``*_async`` methods. Each is typed (mypy, in a subprocess) and does what it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.typecheck import mypy_errors
from twilio_async import Client
from twilio_async.resources import (
    assigned_add_ons,
    available_phone_numbers,
    incoming_phone_numbers,
    incoming_phone_numbers_v2008,
    marketplace,
)
from twilio_async.resources.base import AwaitedAlias, Deletable, Instance, ListResource
from twilio_async.testing import FakeTwilio

RESOURCE_MODULES = (
    incoming_phone_numbers,
    incoming_phone_numbers_v2008,
    assigned_add_ons,
    available_phone_numbers,
    marketplace,
)


def resource_classes() -> list[type]:
    return [
        cls
        for module in RESOURCE_MODULES
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, (ListResource, Instance))
    ]


def test_every_alias_is_the_method_of_its_own_class() -> None:
    """A class that declares its own page/stream/list/create/update declares the aliases
    next to them (an alias left to the base class would call the base's method)."""
    checked = 0
    for cls in resource_classes():
        for name in ("page", "list", "create", "update", "fetch"):
            if hasattr(cls, name):
                assert getattr(cls, f"{name}_async") is getattr(cls, name), (cls, name)
                checked += 1
        if issubclass(cls, ListResource):
            alias = cls.__dict__.get("stream_async") or cls.stream_async
            assert isinstance(alias, AwaitedAlias)
            assert alias.method is cls.stream, cls
        if issubclass(cls, Deletable):
            assert cls.delete_async is Deletable.delete_async
    assert checked > 40


async def test_get_is_the_call(client: Client, fake: FakeTwilio) -> None:
    (sid,) = fake.seed_numbers(1)
    numbers = client.incoming_phone_numbers
    assert (await numbers.get(sid).fetch()).sid == sid
    assert repr(numbers.get(sid)) == repr(numbers(sid))
    (number,) = await numbers.list()
    assert repr(numbers.get(number)) == repr(numbers(number))
    us = client.available_phone_numbers.get("us")
    assert us.country_code == "US"
    assert len(await us.local.list(area_code=415, limit=1)) == 1


async def test_marketplace_v1_is_the_marketplace(client: Client, fake: FakeTwilio) -> None:
    market = client.marketplace
    assert market.v1 is market
    catalog = await market.v1.available_add_ons.list()
    assert catalog == await market.available_add_ons.list()
    assert fake.requests[-1].path == "/v1/AvailableAddOns"
    with pytest.warns(DeprecationWarning, match="deprecated"):
        preview = client.preview.marketplace
    assert not hasattr(preview, "v1")  # the preview is not Marketplace v1


async def test_the_account_scope_spellings(client: Client, fake: FakeTwilio) -> None:
    (sid,) = fake.seed_numbers(1)
    assert client.api.account is client.api.v2010
    assert client.api.v2010.account is client.api.v2010
    assert [n.sid for n in await client.api.account.incoming_phone_numbers.list()] == [sid]
    assert [n.sid for n in await client.api.v2010.account.incoming_phone_numbers.list()] == [sid]
    sub = fake.create_subaccount()
    assert client.accounts(sub).api.account.account_sid == sub
    assert client.api.v2010.accounts(sub).account.account_sid == sub


async def test_the_async_spellings_do_what_they_name(client: Client, fake: FakeTwilio) -> None:
    numbers = client.incoming_phone_numbers
    created = await numbers.create_async(area_code="415")
    local = await numbers.local.create_async(phone_number="+14155550123")
    assert (await numbers(created.sid).fetch_async()).sid == created.sid
    updated = await numbers(created.sid).update_async(friendly_name="async")
    assert updated.friendly_name == "async"
    assert {n.sid for n in await numbers.list_async(limit=5)} == {created.sid, local.sid}
    assert [n.sid async for n in await numbers.stream_async(phone_number="+14155550123")] == [
        local.sid
    ]
    page = await numbers.page_async(page_size=1)
    assert len(page) == 1
    assert page.next_page_url is not None
    following = await numbers.get_page_async(target_url=page.next_page_url)
    assert len(following) == 1
    assert await numbers(local.sid).delete_async() is True
    assert local.sid not in fake.state.numbers


async def test_the_async_spellings_on_the_other_resources(client: Client, fake: FakeTwilio) -> None:
    legacy = client.api.v2008.incoming_phone_numbers
    line = await legacy.local.create_async(area_code="415")
    assert [n.sid async for n in await legacy.stream_async()] == [line.sid]
    assert (await legacy(line.sid).update_async(url="https://x.example/v")).url == (
        "https://x.example/v"
    )
    assert await legacy(line.sid).delete_async() is True
    toll_free = await legacy.toll_free.create_async(area_code="866")
    assert toll_free.sid.startswith("PN")

    found = await client.available_phone_numbers("US").local.list_async(area_code=510, limit=2)
    assert len(found) == 2

    catalog = await client.marketplace.available_add_ons.list_async()
    voicebase = next(a for a in catalog if a.friendly_name and "VoiceBase" in a.friendly_name)
    installed = await client.marketplace.installed_add_ons.create_async(
        available_add_on_sid=voicebase.sid,
        accept_terms_of_service=True,
        configuration={"bad_words": True},
    )
    install = client.marketplace.installed_add_ons(installed.sid)
    assert (await install.update_async(unique_name="renamed")).unique_name == "renamed"
    (extension, *_) = await install.extensions.list_async()
    assert (await install.extensions(extension.sid).update_async(enabled=True)).enabled is True
    (sid,) = fake.seed_numbers(1)
    assigned = await client.incoming_phone_numbers(sid).assigned_add_ons.create_async(
        installed_add_on_sid=installed.sid
    )
    assert await client.incoming_phone_numbers(sid).assigned_add_ons(assigned).delete_async()
    assert await install.delete_async() is True


SAMPLE = """\
from twilio_async import Client, IncomingPhoneNumber


async def main(client: Client) -> None:
    numbers = client.incoming_phone_numbers
    found: list[IncomingPhoneNumber] = await numbers.list_async(beta=True, limit=5)
    async for number in await numbers.stream_async(phone_number="+1415*"):
        print(number.sid)
    number = await numbers.get("PN" + "0" * 32).fetch_async()
    deleted: bool = await numbers.get(number).delete_async()
    await client.marketplace.v1.installed_add_ons.list_async()
    await client.api.v2010.account.incoming_phone_numbers.create_async(area_code="415")
    await numbers.list_async(betaa=True)
    await numbers.stream_async(phone_numbr="+1415*")
    await numbers.local.create_async(area_code="415")
"""


def test_the_aliases_are_typed_like_the_methods(tmp_path: Path) -> None:
    errors, output = mypy_errors(tmp_path, SAMPLE)
    assert len(errors) == 3, output
    assert errors[0].startswith('sample.py:13: error: Unexpected keyword argument "betaa"')
    assert errors[1].startswith('sample.py:14: error: Unexpected keyword argument "phone_numbr"')
    assert errors[2].startswith('sample.py:15: error: Unexpected keyword argument "area_code"')
