"""client.preview.marketplace: the v1 surface at preview.twilio.com/marketplace, deprecated."""

from __future__ import annotations

import warnings

import pytest

from twilio_async import (
    BadRequestError,
    Client,
    InstalledAddOn,
    InvalidSidError,
    RetryPolicy,
    TwilioConnectionError,
    TwilioValidationError,
)
from twilio_async.resources import Marketplace
from twilio_async.testing import FakeTwilio

VOICEBASE = "VoiceBase High Accuracy Transcription"


def catalog_sid(fake: FakeTwilio) -> str:
    sid: str = fake.state.marketplace.find_available(VOICEBASE)["sid"]
    return sid


def preview(client: Client) -> Marketplace:
    with pytest.deprecated_call():
        return client.preview.marketplace


def test_accessing_it_warns_at_the_callers_line_naming_the_v1_equivalent(client: Client) -> None:
    with pytest.warns(DeprecationWarning, match="deprecated by Twilio") as caught:
        market = client.preview.marketplace
    (warning,) = caught
    message = str(warning.message)
    assert "client.preview.marketplace" in message
    assert "client.marketplace" in message.replace("client.preview.marketplace", "")
    assert "marketplace.twilio.com/v1" in message
    assert warning.filename == __file__  # stacklevel points at the user's code
    assert isinstance(market, Marketplace)
    assert repr(market) == "<Marketplace preview/marketplace>"


def test_every_access_warns_and_client_preview_alone_does_not(client: Client) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        root = client.preview  # not deprecated by itself
    assert repr(root) == "<Preview>"
    with pytest.warns(DeprecationWarning, match="client.marketplace") as caught:
        markets = [root.marketplace for _ in range(2)]
    assert len(caught) == 2
    assert all(isinstance(m, Marketplace) for m in markets)


async def test_every_operation_goes_to_the_preview_paths(client: Client, fake: FakeTwilio) -> None:
    market = preview(client)
    xb = catalog_sid(fake)
    add_ons = await market.available_add_ons.list()
    assert add_ons[0].url == f"{fake.url}/marketplace/AvailableAddOns/{xb}"
    assert await market.available_add_ons(xb).fetch() == add_ons[0]
    extensions = await market.available_add_ons(xb).extensions.list()
    assert await market.available_add_ons(xb).extensions(extensions[0].sid).fetch() == extensions[0]

    installed = await market.installed_add_ons.create(
        available_add_on_sid=xb, accept_terms_of_service=True, configuration={"bad_words": True}
    )
    assert isinstance(installed, InstalledAddOn)
    assert installed.url == f"{fake.url}/marketplace/InstalledAddOns/{installed.sid}"
    assert installed.date_created is not None  # ISO 8601 on the preview too
    assert await market.installed_add_ons.list() == [installed]
    assert await market.installed_add_ons(installed.sid).fetch() == installed
    renamed = await market.installed_add_ons(installed.sid).update(unique_name="preview-install")
    assert renamed.unique_name == "preview-install"
    ext = market.installed_add_ons(installed.sid).extensions
    (first, *_) = await ext.list()
    assert (await ext(first.sid).update(enabled=True)).enabled is True
    assert (await ext(first.sid).fetch()).enabled is True
    await market.installed_add_ons(installed.sid).delete()

    xe, xf = installed.sid, first.sid
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", "/marketplace/AvailableAddOns"),
        ("GET", f"/marketplace/AvailableAddOns/{xb}"),
        ("GET", f"/marketplace/AvailableAddOns/{xb}/Extensions"),
        ("GET", f"/marketplace/AvailableAddOns/{xb}/Extensions/{xf}"),
        ("POST", "/marketplace/InstalledAddOns"),
        ("GET", "/marketplace/InstalledAddOns"),
        ("GET", f"/marketplace/InstalledAddOns/{xe}"),
        ("POST", f"/marketplace/InstalledAddOns/{xe}"),
        ("GET", f"/marketplace/InstalledAddOns/{xe}/Extensions"),
        ("POST", f"/marketplace/InstalledAddOns/{xe}/Extensions/{xf}"),
        ("GET", f"/marketplace/InstalledAddOns/{xe}/Extensions/{xf}"),
        ("DELETE", f"/marketplace/InstalledAddOns/{xe}"),
    ]
    assert fake.requests[4].form == (
        ("AvailableAddOnSid", xb),
        ("AcceptTermsOfService", "true"),
        ("Configuration", '{"bad_words":true}'),
    )


async def test_preview_and_v1_share_the_account_state(client: Client, fake: FakeTwilio) -> None:
    market = preview(client)
    via_preview = await market.installed_add_ons.create(
        available_add_on_sid=catalog_sid(fake),
        accept_terms_of_service=True,
        configuration={"bad_words": False},
    )
    via_v1 = await client.marketplace.installed_add_ons(via_preview.sid).fetch()
    assert via_v1.sid == via_preview.sid
    assert via_v1.configuration == via_preview.configuration
    assert via_v1.url == f"{fake.url}/v1/InstalledAddOns/{via_preview.sid}"
    await client.marketplace.installed_add_ons(via_preview.sid).update(unique_name="from-v1")
    assert (await market.installed_add_ons(via_preview.sid).fetch()).unique_name == "from-v1"


async def test_preview_pages_follow_meta_next_page_url(client: Client, fake: FakeTwilio) -> None:
    for i in range(4):
        fake.state.marketplace.add_available_add_on(f"Extra Add-on {i}")
    market = preview(client)
    names = [a.friendly_name async for a in market.available_add_ons.stream(page_size=3)]
    assert len(names) == 8
    gets = fake.requests_to("GET", "/AvailableAddOns")
    assert [r.path for r in gets] == ["/marketplace/AvailableAddOns"] * 3
    assert [r.query_dict().get("Page") for r in gets] == [None, "1", "2"]
    page = await market.available_add_ons.page(page_size=6)
    assert page.next_page_url is not None
    assert page.next_page_url.startswith(f"{fake.url}/marketplace/AvailableAddOns?")
    last = await page.next_page()
    assert last is not None
    assert len(last) == 2


async def test_preview_requests_use_the_preview_host(fake: FakeTwilio) -> None:
    # Marketplace v1 points at a closed port here: only the preview reaches the fake.
    async with fake.client(
        marketplace_base_url="http://127.0.0.1:9", retry=RetryPolicy(max_retries=0)
    ) as client:
        market = preview(client)
        for i in range(3):
            fake.state.marketplace.add_available_add_on(f"Extra Add-on {i}")
        assert len([a async for a in market.available_add_ons.stream(page_size=2)]) == 7
        with pytest.raises(TwilioConnectionError):
            await client.marketplace.available_add_ons.list()
    assert [r.path for r in fake.requests] == ["/marketplace/AvailableAddOns"] * 4


async def test_preview_errors_and_validation_match_v1(client: Client, fake: FakeTwilio) -> None:
    market = preview(client)
    with pytest.raises(InvalidSidError):
        market.installed_add_ons("XB" + "1" * 32)
    with pytest.raises(TwilioValidationError):
        await market.installed_add_ons.create(available_add_on_sid=catalog_sid(fake))  # type: ignore[call-arg]
    assert fake.requests == []
    with pytest.raises(BadRequestError, match="required property 'bad_words'"):
        await market.installed_add_ons.create(
            available_add_on_sid=catalog_sid(fake), accept_terms_of_service=True
        )
    assert fake.requests[-1].path == "/marketplace/InstalledAddOns"
