"""Mount: one resource declaration served from several hosts and path roots (pure)."""

from __future__ import annotations

import pytest

from twilio_async.codecs import JSON
from twilio_async.hosts import Hosts, Product
from twilio_async.resources.base import Endpoint, Mount

PREVIEW = Mount(Product.MARKETPLACE, "/v1", Product.PREVIEW, "/marketplace")
HOSTS = Hosts.resolve()


def test_mount_moves_product_and_root_and_keeps_the_rest() -> None:
    declared = Endpoint(Product.MARKETPLACE, "/v1/InstalledAddOns/{sid}")
    moved = PREVIEW.apply(declared)
    assert moved == Endpoint(Product.PREVIEW, "/marketplace/InstalledAddOns/{sid}", JSON)
    url = moved.url(HOSTS, {"sid": "XE" + "a" * 32}, [("PageSize", "5")])
    assert str(url) == "https://preview.twilio.com/marketplace/InstalledAddOns/XE" + "a" * 32 + (
        "?PageSize=5"
    )
    assert declared.url(HOSTS, {"sid": "XE" + "a" * 32}).host == "marketplace.twilio.com"


def test_mount_leaves_endpoints_of_other_products_alone() -> None:
    numbers = Endpoint(Product.API, "/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers.json")
    assert PREVIEW.apply(numbers) is numbers


def test_mount_refuses_an_endpoint_outside_its_root() -> None:
    with pytest.raises(ValueError, match="not under '/v1'"):
        PREVIEW.apply(Endpoint(Product.MARKETPLACE, "/v2/Things"))
    with pytest.raises(ValueError, match="not under '/v1'"):
        PREVIEW.apply(Endpoint(Product.MARKETPLACE, "/v1Things"))  # a prefix, not a root
