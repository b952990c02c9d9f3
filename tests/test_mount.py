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


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("PN0123abcdEF", "/x/PN0123abcdEF.json"),  # plain ASCII letters and digits: as is
        ("../AC1", "/x/..%2FAC1.json"),  # never a new path segment
        ("a b/c?d#e", "/x/a%20b%2Fc%3Fd%23e.json"),
        ("\u00e9", "/x/%C3%A9.json"),  # non-ASCII letters are quoted too
        ("\u0661", "/x/%D9%A1.json"),  # ... and non-ASCII digits
    ],
)
def test_endpoint_url_quotes_every_placeholder_value_but_plain_ascii(value: str, path: str) -> None:
    url = Endpoint(Product.API, "/x/{sid}.json").url(Hosts.resolve(), {"sid": value})
    assert url.raw_path == path


def test_endpoint_url_query_keeps_the_wildcard_and_quotes_the_rest() -> None:
    url = Endpoint(Product.API, "/x.json").url(
        Hosts.resolve(), {}, [("PhoneNumber", "+1415*"), ("PageSize", "50"), ("A&B", "c=d")]
    )
    assert url.raw_query_string == "PhoneNumber=%2B1415*&PageSize=50&A%26B=c%3Dd"
