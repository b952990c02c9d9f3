"""A keyword an operation does not take is a plain TypeError that names the operation
called (``IncomingPhoneNumbers.local.create()``, not a shared schema's name) and the likely
fix: the place that takes it, or the accepted name it is closest to. Nothing is sent."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from twilio_async import Client, TwilioError
from twilio_async.params import unknown_keyword
from twilio_async.resources import assigned_add_ons, available_phone_numbers, marketplace
from twilio_async.resources import incoming_phone_numbers as numbers_2010
from twilio_async.resources import incoming_phone_numbers_v2008 as numbers_2008
from twilio_async.resources.base import Resource, resource_name
from twilio_async.testing import FakeTwilio

PN = "PN" + "1" * 32
XE = "XE" + "1" * 32
XF = "XF" + "1" * 32


# -- pure: names and messages -------------------------------------------------------------


def every_resource_class() -> list[type[Resource]]:
    modules = (numbers_2010, numbers_2008, assigned_add_ons, available_phone_numbers, marketplace)
    return [
        cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, Resource) and "_endpoint" in vars(cls)
    ]


def test_every_resource_is_named_as_a_user_reaches_it() -> None:
    names = {cls.__name__: resource_name(cls._endpoint.path) for cls in every_resource_class()}
    assert names == {
        "IncomingPhoneNumberList": "IncomingPhoneNumbers",
        "IncomingPhoneNumberContext": "IncomingPhoneNumbers(sid)",
        "LocalList": "IncomingPhoneNumbers.local",
        "TollFreeList": "IncomingPhoneNumbers.toll_free",
        "MobileList": "IncomingPhoneNumbers.mobile",
        "AssignedAddOnList": "IncomingPhoneNumbers(sid).assigned_add_ons",
        "AssignedAddOnContext": "IncomingPhoneNumbers(sid).assigned_add_ons(sid)",
        "AssignedAddOnExtensionList": "IncomingPhoneNumbers(sid).assigned_add_ons(sid).extensions",
        "AssignedAddOnExtensionContext": (
            "IncomingPhoneNumbers(sid).assigned_add_ons(sid).extensions(sid)"
        ),
        "IncomingPhoneNumberListV2008": "v2008.IncomingPhoneNumbers",
        "IncomingPhoneNumberContextV2008": "v2008.IncomingPhoneNumbers(sid)",
        "LocalListV2008": "v2008.IncomingPhoneNumbers.local",
        "TollFreeListV2008": "v2008.IncomingPhoneNumbers.toll_free",
        "AvailablePhoneNumberCountryList": "AvailablePhoneNumbers",
        "AvailablePhoneNumberCountryContext": "AvailablePhoneNumbers(country_code)",
        "AvailableLocalList": "AvailablePhoneNumbers(country_code).local",
        "AvailableTollFreeList": "AvailablePhoneNumbers(country_code).toll_free",
        "AvailableMobileList": "AvailablePhoneNumbers(country_code).mobile",
        "AvailableNationalList": "AvailablePhoneNumbers(country_code).national",
        "AvailableVoipList": "AvailablePhoneNumbers(country_code).voip",
        "AvailableSharedCostList": "AvailablePhoneNumbers(country_code).shared_cost",
        "AvailableMachineToMachineList": "AvailablePhoneNumbers(country_code).machine_to_machine",
        "AvailableAddOnList": "AvailableAddOns",
        "AvailableAddOnContext": "AvailableAddOns(sid)",
        "AvailableAddOnExtensionList": "AvailableAddOns(sid).extensions",
        "AvailableAddOnExtensionContext": "AvailableAddOns(sid).extensions(sid)",
        "InstalledAddOnList": "InstalledAddOns",
        "InstalledAddOnContext": "InstalledAddOns(sid)",
        "InstalledAddOnExtensionList": "InstalledAddOns(sid).extensions",
        "InstalledAddOnExtensionContext": "InstalledAddOns(sid).extensions(sid)",
    }


def test_the_message_prefers_where_the_keyword_is_accepted() -> None:
    error = unknown_keyword(
        "X.create", "area_code", ["address_sid", "area_codes"], {"area_code": "only Y takes it"}
    )
    assert (
        str(error) == "X.create() got an unexpected keyword argument 'area_code'; only Y takes it"
    )


def test_the_message_suggests_the_closest_accepted_name() -> None:
    error = unknown_keyword("X.update", "voice_ur", ["sms_url", "voice_url", "voice_method"])
    assert str(error).endswith("argument 'voice_ur'; did you mean 'voice_url'?")


def test_the_message_suggests_nothing_when_nothing_is_close() -> None:
    error = unknown_keyword("X.update", "zzz", ["voice_url"])
    assert str(error) == "X.update() got an unexpected keyword argument 'zzz'"
    assert type(error) is TypeError


# -- over HTTP: the real operation is named, nothing is sent -----------------------------


async def refused(fake: FakeTwilio, call: Any) -> str:
    """Run ``call()`` (a coroutine or a stream being built) and return the TypeError's text."""

    async def attempt() -> None:
        result = call()
        if inspect.isawaitable(result):
            await result

    with pytest.raises(TypeError) as info:
        await attempt()
    assert not isinstance(info.value, TwilioError)
    assert fake.requests == []
    return str(info.value)


async def test_a_local_purchase_by_area_code_names_the_list_that_takes_it(
    client: Client, fake: FakeTwilio
) -> None:
    local: Any = client.incoming_phone_numbers.local
    message = await refused(fake, lambda: local.create(area_code="415"))
    assert message == (
        "IncomingPhoneNumbers.local.create() got an unexpected keyword argument 'area_code'; "
        "only the main list, IncomingPhoneNumbers.create(), buys by area_code; a Local, "
        "TollFree or Mobile purchase names its phone_number"
    )
    toll_free: Any = client.incoming_phone_numbers.toll_free
    message = await refused(fake, lambda: toll_free.create(area_code="800"))
    assert message.startswith("IncomingPhoneNumbers.toll_free.create() got an unexpected")


async def test_a_misspelt_setting_gets_the_close_match(client: Client, fake: FakeTwilio) -> None:
    mobile: Any = client.incoming_phone_numbers.mobile
    message = await refused(
        fake, lambda: mobile.create(phone_number="+14155550100", voice_ur="https://x.example/")
    )
    assert message == (
        "IncomingPhoneNumbers.mobile.create() got an unexpected keyword argument 'voice_ur'; "
        "did you mean 'voice_url'?"
    )
    number: Any = client.incoming_phone_numbers(PN)
    message = await refused(fake, lambda: number.update(sms_fallback_metod="GET"))
    assert message.startswith("IncomingPhoneNumbers(sid).update() got an unexpected keyword")
    assert message.endswith("did you mean 'sms_fallback_method'?")


async def test_settings_of_another_operation_say_where_they_go(
    client: Client, fake: FakeTwilio
) -> None:
    numbers: Any = client.incoming_phone_numbers
    message = await refused(
        fake, lambda: numbers.create(area_code="415", account_sid="AC" + "1" * 32)
    )
    assert "IncomingPhoneNumbers.create() got an unexpected keyword argument 'account_sid'" in (
        message
    )
    assert "client.accounts(sid).incoming_phone_numbers" in message
    message = await refused(fake, lambda: numbers(PN).update(phone_number="+14155550100"))
    assert message.endswith(
        "a number's phone_number never changes: buy another with IncomingPhoneNumbers.create()"
    )


async def test_list_calls_name_the_method_called(client: Client, fake: FakeTwilio) -> None:
    numbers: Any = client.incoming_phone_numbers
    message = await refused(fake, lambda: numbers.stream(page_szie=1000))
    assert message == (
        "IncomingPhoneNumbers.stream() got an unexpected keyword argument 'page_szie'; "
        "did you mean 'page_size'?"
    )
    message = await refused(fake, lambda: numbers.local.list(limt=5))
    assert message.startswith("IncomingPhoneNumbers.local.list() got an unexpected")
    assert message.endswith("did you mean 'limit'?")
    message = await refused(fake, lambda: numbers.page(page_tokn="PA1"))
    assert message.startswith("IncomingPhoneNumbers.page() got an unexpected")
    assert message.endswith("did you mean 'page_token'?")
    message = await refused(fake, lambda: numbers.list(area_code="415"))
    assert "phone_number='+1415*'" in message
    assert "AvailablePhoneNumbers(country_code).local.list(area_code=...)" in message


async def test_lists_without_filters_name_themselves(client: Client, fake: FakeTwilio) -> None:
    installed: Any = client.marketplace.installed_add_ons
    message = await refused(fake, lambda: installed.list(limt=5))
    assert message == (
        "InstalledAddOns.list() got an unexpected keyword argument 'limt'; did you mean 'limit'?"
    )
    extensions: Any = client.marketplace.installed_add_ons(XE).extensions
    message = await refused(fake, lambda: extensions.stream(friendly_name="x"))
    assert message == (
        "InstalledAddOns(sid).extensions.stream() got an unexpected keyword argument "
        "'friendly_name'"
    )
    countries: Any = client.available_phone_numbers
    message = await refused(fake, lambda: countries.page(area_code=415))
    assert message.startswith("AvailablePhoneNumbers.page() got an unexpected keyword")


async def test_searches_name_their_number_type(client: Client, fake: FakeTwilio) -> None:
    search: Any = client.available_phone_numbers("US").toll_free
    message = await refused(fake, lambda: search.stream(are_code=800))
    assert message == (
        "AvailablePhoneNumbers(country_code).toll_free.stream() got an unexpected keyword "
        "argument 'are_code'; did you mean 'area_code'?"
    )
    message = await refused(fake, lambda: search.list(phone_number="+1800"))
    assert "contains='867'" in message


async def test_the_2008_api_says_what_it_lacks(client: Client, fake: FakeTwilio) -> None:
    legacy: Any = client.api.v2008.incoming_phone_numbers
    message = await refused(fake, lambda: legacy.toll_free.create(sms_url="https://x.example/"))
    assert message == (
        "v2008.IncomingPhoneNumbers.toll_free.create() got an unexpected keyword argument "
        "'sms_url'; toll-free numbers take no SMS settings in the 2008-08-01 API"
    )
    message = await refused(fake, lambda: legacy.local.create(phone_number="+14155550100"))
    assert "client.incoming_phone_numbers.create(phone_number=...)" in message
    message = await refused(fake, lambda: legacy(PN).update(url="https://x.example/", methd="GET"))
    assert message.startswith("v2008.IncomingPhoneNumbers(sid).update() got an unexpected")
    assert message.endswith("did you mean 'method'?")


async def test_marketplace_and_its_preview_use_the_same_names(
    client: Client, fake: FakeTwilio
) -> None:
    extension: Any = client.marketplace.installed_add_ons(XE).extensions(XF)
    message = await refused(fake, lambda: extension.update(enabled=True, enable=True))
    assert message.startswith("InstalledAddOns(sid).extensions(sid).update() got an unexpected")
    with pytest.warns(DeprecationWarning, match="deprecated"):
        preview: Any = client.preview.marketplace
    message = await refused(
        fake,
        lambda: preview.installed_add_ons(XE).update(available_add_on_sid="XB" + "1" * 32),
    )
    assert message.startswith("InstalledAddOns(sid).update() got an unexpected keyword")
    assert message.endswith("install another with InstalledAddOns.create()")
    assigned: Any = client.incoming_phone_numbers(PN).assigned_add_ons
    message = await refused(fake, lambda: assigned.create(installed_add_on=XE))
    assert message == (
        "IncomingPhoneNumbers(sid).assigned_add_ons.create() got an unexpected keyword "
        "argument 'installed_add_on'; did you mean 'installed_add_on_sid'?"
    )
