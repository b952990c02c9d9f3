"""Marketplace v1 (client.marketplace): every operation over HTTP against the fake."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

import pytest

from twilio_async import (
    AvailableAddOn,
    AvailableAddOnExtension,
    BadRequestError,
    Client,
    ConflictError,
    FrozenDict,
    InstalledAddOn,
    InstalledAddOnExtension,
    InvalidSidError,
    NotFoundError,
    TwilioValidationError,
)
from twilio_async.testing import FakeTwilio

VOICEBASE = "VoiceBase High Accuracy Transcription"
NOMOROBO = "Nomorobo Spam Score"


def catalog_sid(fake: FakeTwilio, name: str = VOICEBASE) -> str:
    sid: str = fake.state.marketplace.find_available(name)["sid"]
    return sid


async def install(client: Client, fake: FakeTwilio, **extra: Any) -> InstalledAddOn:
    params: dict[str, Any] = {
        "available_add_on_sid": catalog_sid(fake),
        "accept_terms_of_service": True,
        "configuration": {"bad_words": True},
    }
    params.update(extra)
    return await client.marketplace.installed_add_ons.create(**params)


# -- the catalog ----------------------------------------------------------------------------


async def test_catalog_lists_typed_add_ons_with_schema_and_links(
    client: Client, fake: FakeTwilio
) -> None:
    add_ons = await client.marketplace.available_add_ons.list()
    assert [a.friendly_name for a in add_ons] == [
        VOICEBASE,
        NOMOROBO,
        "IBM Watson Message Sentiment",
        "Whitepages Pro Caller Identity",
    ]
    voicebase = add_ons[0]
    assert isinstance(voicebase, AvailableAddOn)
    assert voicebase.sid == catalog_sid(fake)
    assert voicebase.pricing_type == "per minute"
    assert voicebase.configuration_schema is not None
    assert voicebase.configuration_schema["required"] == ("bad_words",)  # deep-frozen
    assert voicebase.configuration_schema["properties"]["bad_words"] == {"type": "boolean"}
    assert voicebase.url == f"{fake.url}/v1/AvailableAddOns/{voicebase.sid}"
    assert voicebase.links == {
        "extensions": f"{fake.url}/v1/AvailableAddOns/{voicebase.sid}/Extensions"
    }
    assert add_ons[3].configuration_schema is None  # JSON null reads as None
    (sent,) = fake.requests_to("GET", "/AvailableAddOns")
    assert sent.path == "/v1/AvailableAddOns"


async def test_fetch_available_add_on_matches_the_catalog(client: Client, fake: FakeTwilio) -> None:
    listed = (await client.marketplace.available_add_ons.list())[1]
    fetched = await client.marketplace.available_add_ons(listed.sid).fetch()
    assert fetched == listed
    assert fake.requests[-1].path == f"/v1/AvailableAddOns/{listed.sid}"


async def test_available_add_on_extensions_list_stream_page_and_fetch(
    client: Client, fake: FakeTwilio
) -> None:
    extensions = client.marketplace.available_add_ons(catalog_sid(fake)).extensions
    listed = await extensions.list()
    assert [e.unique_name for e in listed] == ["voice-incoming", "recording-verb", "recording-dial"]
    assert all(isinstance(e, AvailableAddOnExtension) for e in listed)
    assert {e.available_add_on_sid for e in listed} == {catalog_sid(fake)}
    assert listed[0].product_name == "Programmable Voice"
    assert listed[0].friendly_name == "Incoming Voice Call"
    streamed = [e async for e in extensions.stream(limit=2)]
    assert streamed == listed[:2]
    page = await extensions.page(page_size=2)
    assert page.records == listed[:2]
    assert page.has_next_page
    fetched = await extensions(listed[2].sid).fetch()
    assert fetched == listed[2]
    assert fake.requests[-1].path == (
        f"/v1/AvailableAddOns/{catalog_sid(fake)}/Extensions/{listed[2].sid}"
    )


async def test_catalog_pages_follow_meta_next_page_url_across_several_pages(
    client: Client, fake: FakeTwilio
) -> None:
    for i in range(7):
        fake.state.marketplace.add_available_add_on(f"Extra Add-on {i}")
    names = [
        a.friendly_name async for a in client.marketplace.available_add_ons.stream(page_size=3)
    ]
    assert len(names) == 11
    assert names[4:] == [f"Extra Add-on {i}" for i in range(7)]
    gets = fake.requests_to("GET", "/v1/AvailableAddOns")
    assert len(gets) == 4  # 3 + 3 + 3 + 2
    assert gets[0].query_dict() == {"PageSize": "3"}
    for n, request in enumerate(gets[1:], start=1):
        query = request.query_dict()
        assert query["Page"] == str(n)
        assert query["PageToken"].startswith("PA")


async def test_page_exposes_v1_meta_and_walks_to_the_end(client: Client, fake: FakeTwilio) -> None:
    for i in range(3):
        fake.state.marketplace.add_available_add_on(f"Extra Add-on {i}")
    first = await client.marketplace.available_add_ons.page(page_size=5)
    assert len(first) == 5
    assert first.page_number == 0
    assert first.page_size == 5
    assert first.url == f"{fake.url}/v1/AvailableAddOns?PageSize=5&Page=0"
    assert first.first_page_url == first.url
    assert first.previous_page_url is None
    assert first.next_page_url is not None
    assert first.next_page_url.startswith(f"{fake.url}/v1/AvailableAddOns?")
    second = await first.next_page()
    assert second is not None
    assert [a.friendly_name for a in second] == ["Extra Add-on 1", "Extra Add-on 2"]
    assert second.page_number == 1
    assert second.previous_page_url is not None
    assert not second.has_next_page
    assert await second.next_page() is None
    again = await client.marketplace.available_add_ons.get_page(first.next_page_url)
    assert again.records == second.records


# -- installs -------------------------------------------------------------------------------


async def test_install_sends_the_documented_form_and_returns_iso_dated_model(
    client: Client, fake: FakeTwilio
) -> None:
    installed = await install(
        client,
        fake,
        configuration={"bad_words": True, "callback_method": "POST"},
        unique_name="transcribe-calls",
    )
    (sent,) = fake.requests_to("POST", "/v1/InstalledAddOns")
    assert sent.path == "/v1/InstalledAddOns"
    assert sent.form == (
        ("AvailableAddOnSid", catalog_sid(fake)),
        ("AcceptTermsOfService", "true"),
        ("Configuration", '{"bad_words":true,"callback_method":"POST"}'),
        ("UniqueName", "transcribe-calls"),
    )
    assert isinstance(installed, InstalledAddOn)
    assert installed.sid.startswith("XE")
    assert installed.account_sid == fake.account_sid
    assert installed.friendly_name == VOICEBASE
    assert installed.configuration == {"bad_words": True, "callback_method": "POST"}
    assert installed.unique_name == "transcribe-calls"
    stored = fake.state.marketplace.installs[installed.sid]
    assert installed.date_created == stored["date_created"]
    assert isinstance(installed.date_created, datetime)
    assert installed.date_created.tzinfo is not None
    assert installed.date_created.utcoffset() == timezone.utc.utcoffset(None)
    assert installed.links == {
        "extensions": f"{fake.url}/v1/InstalledAddOns/{installed.sid}/Extensions",
        "available_add_on": f"{fake.url}/v1/AvailableAddOns/{catalog_sid(fake)}",
    }


async def test_installed_add_ons_list_stream_page_fetch(client: Client, fake: FakeTwilio) -> None:
    created = [await install(client, fake, unique_name=f"install-{i}") for i in range(5)]
    installs = client.marketplace.installed_add_ons
    assert await installs.list() == created
    assert [i async for i in installs.stream(page_size=2)] == created
    assert len(fake.requests_to("GET", "/v1/InstalledAddOns")) == 1 + 3  # list, then 3 pages
    page = await installs.page(page_size=4)
    assert page.records == created[:4]
    assert page.has_next_page
    assert await installs(created[3].sid).fetch() == created[3]
    assert fake.requests[-1].path == f"/v1/InstalledAddOns/{created[3].sid}"


async def test_update_replaces_configuration_and_renames(client: Client, fake: FakeTwilio) -> None:
    installed = await install(client, fake)
    updated = await client.marketplace.installed_add_ons(installed.sid).update(
        configuration={"bad_words": False, "include-topics": True}, unique_name="renamed"
    )
    (sent,) = fake.requests_to("POST", f"/v1/InstalledAddOns/{installed.sid}")
    assert sent.form == (
        ("Configuration", '{"bad_words":false,"include-topics":true}'),
        ("UniqueName", "renamed"),
    )
    assert updated.configuration == {"bad_words": False, "include-topics": True}
    assert updated.unique_name == "renamed"
    assert updated.date_created == installed.date_created
    assert updated.date_updated is not None
    assert installed.date_updated is not None
    assert updated.date_updated > installed.date_updated
    assert await client.marketplace.installed_add_ons(installed.sid).fetch() == updated


async def test_a_fetched_configuration_can_be_sent_back(client: Client, fake: FakeTwilio) -> None:
    installed = await install(client, fake, configuration={"bad_words": True, "callback_url": "x"})
    assert installed.configuration is not None
    again = await client.marketplace.installed_add_ons(installed.sid).update(
        configuration=installed.configuration  # a read-only mapping from the model
    )
    assert again.configuration == installed.configuration


async def test_delete_uninstalls(client: Client, fake: FakeTwilio) -> None:
    installed = await install(client, fake)
    await client.marketplace.installed_add_ons(installed.sid).delete()
    assert fake.requests[-1].method == "DELETE"
    assert fake.requests[-1].path == f"/v1/InstalledAddOns/{installed.sid}"
    assert installed.sid not in fake.state.marketplace.installs
    with pytest.raises(NotFoundError):
        await client.marketplace.installed_add_ons(installed.sid).fetch()
    assert await client.marketplace.installed_add_ons.list() == []


async def test_installed_extensions_start_disabled_and_toggle(
    client: Client, fake: FakeTwilio
) -> None:
    installed = await install(client, fake)
    extensions = client.marketplace.installed_add_ons(installed.sid).extensions
    listed = await extensions.list()
    assert [e.unique_name for e in listed] == ["voice-incoming", "recording-verb", "recording-dial"]
    assert all(isinstance(e, InstalledAddOnExtension) for e in listed)
    assert [e.enabled for e in listed] == [False, False, False]
    assert {e.installed_add_on_sid for e in listed} == {installed.sid}

    enabled = await extensions(listed[0].sid).update(enabled=True)
    assert enabled.enabled is True
    assert fake.requests[-1].form == (("Enabled", "true"),)
    assert (
        fake.requests[-1].path == f"/v1/InstalledAddOns/{installed.sid}/Extensions/{listed[0].sid}"
    )
    assert await extensions(listed[0].sid).fetch() == enabled
    assert [e.enabled for e in await extensions.list()] == [True, False, False]

    disabled = await extensions(listed[0].sid).update(enabled=False)
    assert disabled.enabled is False
    assert fake.requests[-1].form == (("Enabled", "false"),)
    page = await extensions.page(page_size=1)
    assert page.records == [disabled]
    assert page.has_next_page
    assert [e.sid async for e in extensions.stream(page_size=1)] == [e.sid for e in listed]


# -- what Twilio (the fake) refuses ---------------------------------------------------------


async def test_terms_of_service_not_accepted_is_a_400(client: Client, fake: FakeTwilio) -> None:
    with pytest.raises(BadRequestError, match="Terms of Service") as caught:
        await install(client, fake, accept_terms_of_service=False)
    assert caught.value.status == 400
    assert fake.requests_to("POST")[0].form_dict()["AcceptTermsOfService"] == "false"
    assert fake.state.marketplace.installs == {}


async def test_configuration_is_checked_against_the_schema(
    client: Client, fake: FakeTwilio
) -> None:
    with pytest.raises(BadRequestError, match="required property 'bad_words'"):
        await install(client, fake, configuration={"include-topics": True})
    with pytest.raises(BadRequestError, match="'bad_words' must be of type boolean"):
        await install(client, fake, configuration={"bad_words": "yes"})
    installed = await install(client, fake)
    with pytest.raises(BadRequestError, match="'callback_method' must be one of"):
        await client.marketplace.installed_add_ons(installed.sid).update(
            configuration={"bad_words": True, "callback_method": "PUT"}
        )
    assert (await client.marketplace.installed_add_ons(installed.sid).fetch()).configuration == {
        "bad_words": True
    }


async def test_unique_name_is_unique_per_account(client: Client, fake: FakeTwilio) -> None:
    first = await install(client, fake, unique_name="calls")
    with pytest.raises(ConflictError) as caught:
        await install(client, fake, unique_name="calls")
    assert (caught.value.status, caught.value.code) == (409, 20409)
    other = await install(client, fake, unique_name="other")
    with pytest.raises(ConflictError):
        await client.marketplace.installed_add_ons(other.sid).update(unique_name="calls")
    # Another account may use the same name.
    sub = fake.state.add_account(parent_sid=fake.account_sid)
    async with fake.client(account_sid=sub.sid, auth_token=sub.auth_token) as sub_client:
        theirs = await install(sub_client, fake, unique_name="calls")
    assert theirs.account_sid == sub.sid
    assert first.account_sid == fake.account_sid


async def test_installs_belong_to_the_authenticated_account(
    client: Client, fake: FakeTwilio
) -> None:
    mine = await install(client, fake)
    stranger = fake.state.add_account()
    async with fake.client(account_sid=stranger.sid, auth_token=stranger.auth_token) as theirs:
        assert await theirs.marketplace.installed_add_ons.list() == []
        with pytest.raises(NotFoundError):
            await theirs.marketplace.installed_add_ons(mine.sid).fetch()
        with pytest.raises(NotFoundError):
            await theirs.marketplace.installed_add_ons(mine.sid).delete()
        with pytest.raises(NotFoundError):
            await theirs.marketplace.installed_add_ons(mine.sid).extensions.list()
    assert await client.marketplace.installed_add_ons.list() == [mine]


async def test_unknown_sids_are_404(client: Client, fake: FakeTwilio) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.marketplace.available_add_ons("XB" + "0" * 32).fetch()
    assert caught.value.code == 20404
    with pytest.raises(NotFoundError):
        await (
            client.marketplace.available_add_ons(catalog_sid(fake))
            .extensions("XF" + "0" * 32)
            .fetch()
        )
    with pytest.raises(NotFoundError):
        await client.marketplace.installed_add_ons("XE" + "0" * 32).update(unique_name="x")


# -- local validation: nothing is sent ------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"accept_terms_of_service": True}, "available_add_on_sid"),
        ({"available_add_on_sid": "XB" + "1" * 32}, "accept_terms_of_service"),
        (
            {"available_add_on_sid": "XE" + "1" * 32, "accept_terms_of_service": True},
            "available_add_on_sid",
        ),
        (
            {"available_add_on_sid": "XB123", "accept_terms_of_service": True},
            "available_add_on_sid",
        ),
        ({"available_add_on_sid": "", "accept_terms_of_service": True}, "available_add_on_sid"),
        (
            {"available_add_on_sid": "XB" + "1" * 32, "accept_terms_of_service": "true"},
            "accept_terms_of_service",
        ),
        (
            {"available_add_on_sid": "XB" + "1" * 32, "accept_terms_of_service": 1},
            "accept_terms_of_service",
        ),
        (
            {"available_add_on_sid": "XB" + "1" * 32, "accept_terms_of_service": None},
            "accept_terms_of_service",
        ),
    ],
)
async def test_install_parameters_are_checked_before_sending(
    client: Client, fake: FakeTwilio, params: dict[str, Any], param: str
) -> None:
    with pytest.raises(TwilioValidationError) as caught:
        await client.marketplace.installed_add_ons.create(**params)
    assert caught.value.param == param
    assert fake.requests == []


@pytest.mark.parametrize(
    ("configuration", "message"),
    [
        ('{"bad_words": true}', "must be a mapping"),
        ([("bad_words", True)], "must be a mapping"),
        ({"bad_words": {1, 2}}, "not JSON-serialisable"),
        ({"threshold": math.nan}, "not JSON-serialisable"),
        ({"when": datetime(2020, 1, 1)}, "not JSON-serialisable"),
    ],
)
async def test_configuration_must_be_a_json_serialisable_mapping(
    client: Client, fake: FakeTwilio, configuration: Any, message: str
) -> None:
    with pytest.raises(TwilioValidationError, match=message) as caught:
        await client.marketplace.installed_add_ons.create(
            available_add_on_sid=catalog_sid(fake),
            accept_terms_of_service=True,
            configuration=configuration,
        )
    assert caught.value.param == "configuration"
    with pytest.raises(TwilioValidationError, match=message):
        await client.marketplace.installed_add_ons("XE" + "1" * 32).update(
            configuration=configuration
        )
    assert fake.requests == []


async def test_nested_configuration_is_sent_as_json(client: Client, fake: FakeTwilio) -> None:
    fake.state.marketplace.add_available_add_on(
        "Nested", configuration_schema={"properties": {"rules": {"type": "array"}}}
    )
    installed = await client.marketplace.installed_add_ons.create(
        available_add_on_sid=catalog_sid(fake, "Nested"),
        accept_terms_of_service=True,
        configuration={"rules": [{"match": "ünïcode", "score": 0.5}]},
    )
    sent = fake.requests_to("POST")[0].form_dict()["Configuration"]
    assert json.loads(sent) == {"rules": [{"match": "ünïcode", "score": 0.5}]}
    # Read back deep-frozen: objects are FrozenDicts, arrays tuples.
    assert installed.configuration == {"rules": ({"match": "ünïcode", "score": 0.5},)}
    assert isinstance(installed.configuration, FrozenDict)

    # ... and a frozen configuration goes back out as the same JSON.
    fake.requests.clear()
    again = await client.marketplace.installed_add_ons(installed.sid).update(
        configuration=installed.configuration
    )
    assert json.loads(fake.requests[0].form_dict()["Configuration"]) == json.loads(sent)
    assert again.configuration == installed.configuration


async def test_sid_prefixes_are_checked_before_sending(client: Client, fake: FakeTwilio) -> None:
    xb, xe, xf = "XB" + "1" * 32, "XE" + "1" * 32, "XF" + "1" * 32
    market = client.marketplace
    with pytest.raises(InvalidSidError):
        market.available_add_ons(xe)
    with pytest.raises(InvalidSidError):
        market.available_add_ons(xb).extensions(xe)
    with pytest.raises(InvalidSidError):
        market.installed_add_ons(xb)
    with pytest.raises(InvalidSidError):
        market.installed_add_ons(xf)
    with pytest.raises(InvalidSidError):
        market.installed_add_ons(xe).extensions(xb)
    with pytest.raises(InvalidSidError):
        market.installed_add_ons("XE" + "1" * 31 + "/")  # no path tricks
    assert fake.requests == []


async def test_update_parameters_are_checked_before_sending(
    client: Client, fake: FakeTwilio
) -> None:
    extension = client.marketplace.installed_add_ons("XE" + "1" * 32).extensions("XF" + "1" * 32)
    with pytest.raises(TwilioValidationError, match="requires enabled"):
        await extension.update()  # type: ignore[call-arg]
    with pytest.raises(TwilioValidationError, match="True or False"):
        await extension.update(enabled="true")  # type: ignore[typeddict-item]
    with pytest.raises(TypeError, match="unexpected keyword argument 'friendly_name'"):
        await client.marketplace.installed_add_ons("XE" + "1" * 32).update(friendly_name="x")  # type: ignore[call-arg]
    assert fake.requests == []


def test_marketplace_entry_point(client: Client) -> None:
    assert client.marketplace is client.marketplace
    assert repr(client.marketplace) == "<Marketplace marketplace/v1>"
    assert repr(client.marketplace.installed_add_ons("XE" + "a" * 32)) == (
        f"<InstalledAddOnContext sid='XE{'a' * 32}'>"
    )
