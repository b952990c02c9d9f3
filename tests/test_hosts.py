"""Products, region/edge routing, base-URL overrides and resolve_link (twilio_async.hosts)."""

from __future__ import annotations

import pytest
from yarl import URL

from twilio_async.errors import ConfigurationError, TwilioError, UnsafeURLError
from twilio_async.hosts import (
    ALLOW_UNKNOWN_REGION_VARIABLE,
    KNOWN_EDGES,
    KNOWN_REGIONS,
    Hosts,
    Product,
    allow_unknown_region_from,
    resolve_link,
)

ALL_PRODUCTS = list(Product)
PAGE_PATH = "/2010-04-01/Accounts/AC" + "a" * 32 + "/IncomingPhoneNumbers.json"
ENCODED_QUERY = "FriendlyName=a%20b+c&PhoneNumber=%2B19876543210&PageSize=50&PageToken=PA%2Fx%3D%3D"


def origins(hosts: Hosts) -> dict[Product, str]:
    return {product: str(hosts.origin(product)) for product in Product}


# --- Hosts.resolve -----------------------------------------------------------------------------


def test_defaults_are_the_public_hosts() -> None:
    hosts = Hosts.resolve()
    assert origins(hosts) == {
        Product.API: "https://api.twilio.com",
        Product.MARKETPLACE: "https://marketplace.twilio.com",
        Product.PREVIEW: "https://preview.twilio.com",
    }
    assert hosts.region is None
    assert hosts.edge is None


def test_region_only() -> None:
    assert origins(Hosts.resolve(region="ie1")) == {
        Product.API: "https://api.ie1.twilio.com",
        Product.MARKETPLACE: "https://marketplace.ie1.twilio.com",
        Product.PREVIEW: "https://preview.ie1.twilio.com",
    }


def test_edge_only_defaults_the_region_to_us1() -> None:
    hosts = Hosts.resolve(edge="sydney")
    assert str(hosts.origin(Product.API)) == "https://api.sydney.us1.twilio.com"
    assert str(hosts.origin(Product.MARKETPLACE)) == "https://marketplace.sydney.us1.twilio.com"


def test_edge_and_region() -> None:
    hosts = Hosts.resolve(region="au1", edge="sydney")
    assert str(hosts.origin(Product.API)) == "https://api.sydney.au1.twilio.com"
    assert str(hosts.origin(Product.PREVIEW)) == "https://preview.sydney.au1.twilio.com"
    assert (hosts.region, hosts.edge) == ("au1", "sydney")


def test_region_and_edge_are_normalised() -> None:
    hosts = Hosts.resolve(region=" IE1 ", edge="Dublin")
    assert str(hosts.origin(Product.API)) == "https://api.dublin.ie1.twilio.com"


def test_empty_region_and_edge_mean_none() -> None:
    assert origins(Hosts.resolve(region="", edge="")) == origins(Hosts.resolve())


@pytest.mark.parametrize(
    "label",
    ["ie1.evil.com", "ie1/", "-ie1", "ie1-", "ie 1", "ie1@x", "a" * 64, "ie_1", "ié1", "ie1\n."],
)
@pytest.mark.parametrize("kind", ["region", "edge"])
def test_invalid_labels_are_refused(kind: str, label: str) -> None:
    with pytest.raises(ConfigurationError, match=kind) as info:
        Hosts.resolve(**{kind: label})
    assert info.value.param == kind


@pytest.mark.parametrize(
    ("kind", "typo", "suggested"),
    [
        ("region", "au2x", "au1"),
        ("region", "ie2", "ie1"),
        ("region", "jp", "jp1"),
        ("edge", "sidney", "sydney"),
        ("edge", "dubln", "dublin"),
        ("edge", "saopaulo", "sao-paulo"),
        ("edge", "ashburn-x", "ashburn-ix"),
    ],
)
def test_an_unknown_region_or_edge_is_refused_with_the_close_match(
    kind: str, typo: str, suggested: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        Hosts.resolve(**{kind: typo})
    message = str(info.value)
    assert info.value.param == kind
    assert f"unknown Twilio {kind} {typo!r}" in message
    assert f"did you mean {suggested!r}?" in message
    assert "allow_unknown_region=True" in message
    assert ALLOW_UNKNOWN_REGION_VARIABLE in message


def test_a_name_with_no_close_match_lists_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="Twilio's are ashburn, ashburn-ix, dublin"):
        Hosts.resolve(edge="zzzzzz")


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"region": "sydney"}, "'sydney' is an edge, not a region: pass edge='sydney'"),
        ({"edge": "ie1"}, "'ie1' is a region, not an edge: pass region='ie1'"),
    ],
)
def test_an_edge_given_as_region_is_named_for_what_it_is(kwargs: dict[str, str], hint: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Hosts.resolve(**kwargs)
    assert hint in str(info.value)


def test_every_documented_name_is_accepted() -> None:
    for region in KNOWN_REGIONS:
        assert Hosts.resolve(region=region).region == region
    for edge in KNOWN_EDGES:
        assert Hosts.resolve(edge=edge, region="us1").edge == edge
    assert {"us1", "ie1", "au1", "jp1", "de1", "sg1", "br1", "us2"} <= KNOWN_REGIONS
    assert {"ashburn", "dublin", "frankfurt", "sao-paulo", "singapore", "sydney"} <= KNOWN_EDGES
    assert {"tokyo", "umatilla", "roaming"} <= KNOWN_EDGES


def test_allow_unknown_region_lets_a_new_name_through() -> None:
    hosts = Hosts.resolve(region="xy9", edge="atlantis", allow_unknown_region=True)
    assert str(hosts.origin(Product.API)) == "https://api.atlantis.xy9.twilio.com"
    # A malformed host label is refused all the same.
    with pytest.raises(ConfigurationError, match="invalid Twilio region"):
        Hosts.resolve(region="xy9.evil.com", allow_unknown_region=True)


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        *[("1", True), ("true", True), (" Yes ", True), ("ON", True)],
        *[("0", False), ("false", False), ("no", False), ("off", False), ("", False)],
    ],
)
def test_the_allow_unknown_region_variable(value: str, allowed: bool) -> None:
    assert allow_unknown_region_from(None, {ALLOW_UNKNOWN_REGION_VARIABLE: value}) is allowed
    assert allow_unknown_region_from(None, {}) is False
    # The argument wins over the environment.
    assert allow_unknown_region_from(not allowed, {ALLOW_UNKNOWN_REGION_VARIABLE: value}) is (
        not allowed
    )


def test_a_malformed_allow_unknown_region_variable_is_refused() -> None:
    with pytest.raises(ConfigurationError) as info:
        allow_unknown_region_from(None, {ALLOW_UNKNOWN_REGION_VARIABLE: "maybe"})
    assert info.value.param == ALLOW_UNKNOWN_REGION_VARIABLE
    assert "'maybe'" in str(info.value)


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8080", URL("http://127.0.0.1:8080/")])
def test_base_url_is_used_for_every_product(base_url: str | URL) -> None:
    hosts = Hosts.resolve(base_url=base_url, region="ie1", edge="dublin")
    for product in ALL_PRODUCTS:
        assert hosts.origin(product).host == "127.0.0.1"
        assert hosts.origin(product).port == 8080
        assert str(hosts.url(product, "/v1/X")) == "http://127.0.0.1:8080/v1/X"


def test_per_product_overrides_win_over_base_url() -> None:
    hosts = Hosts.resolve(
        base_url="http://127.0.0.1:8080",
        overrides={Product.MARKETPLACE: "https://mp.internal/proxy/", Product.PREVIEW: None},
    )
    assert str(hosts.url(Product.MARKETPLACE, "/v1/InstalledAddOns")) == (
        "https://mp.internal/proxy/v1/InstalledAddOns"
    )
    assert str(hosts.url(Product.API, "/2010-04-01/x.json")) == (
        "http://127.0.0.1:8080/2010-04-01/x.json"
    )
    assert (
        str(hosts.url(Product.PREVIEW, "/marketplace/x")) == "http://127.0.0.1:8080/marketplace/x"
    )


def test_overrides_win_over_region_routing() -> None:
    hosts = Hosts.resolve(region="ie1", overrides={Product.API: "http://localhost:9000"})
    assert str(hosts.origin(Product.API)) == "http://localhost:9000/"
    assert str(hosts.origin(Product.MARKETPLACE)) == "https://marketplace.ie1.twilio.com"


def test_base_url_with_a_path_prefix() -> None:
    hosts = Hosts.resolve(base_url="https://proxy.example.com/twilio/")
    assert str(hosts.url(Product.API, PAGE_PATH)) == "https://proxy.example.com/twilio" + PAGE_PATH


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("http://user:secret@127.0.0.1:8080", "credentials"),
        ("http://user@127.0.0.1:8080", "credentials"),
        ("http://127.0.0.1:8080/?token=x", "query"),
        ("http://127.0.0.1:8080/#frag", "fragment"),
        ("ftp://127.0.0.1", "http"),
        ("/relative", "http"),
        ("127.0.0.1:8080", "http"),
        ("http://", "http"),
    ],
)
def test_bad_base_urls_are_refused(base_url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as info:
        Hosts.resolve(base_url=base_url)
    assert info.value.param == "base_url"


def test_a_bad_override_is_refused_naming_the_product() -> None:
    with pytest.raises(ConfigurationError, match="marketplace_base_url"):
        Hosts.resolve(overrides={Product.MARKETPLACE: "http://u:p@mp.example.com"})


def test_refused_base_url_message_does_not_echo_credentials() -> None:
    with pytest.raises(ConfigurationError) as info:
        Hosts.resolve(base_url="http://user:hunter2@127.0.0.1:8080")
    assert "hunter2" not in str(info.value)


# --- URL building ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url", [None, "http://127.0.0.1:8080", "https://proxy.example.com/twilio"]
)
def test_url_keeps_the_encoded_path_and_query_byte_for_byte(base_url: str | None) -> None:
    hosts = Hosts.resolve(base_url=base_url)
    path = "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN%2F..%2F.json"
    url = hosts.url(Product.API, path, ENCODED_QUERY)
    origin = str(hosts.origin(Product.API)).rstrip("/")
    assert str(url) == f"{origin}{path}?{ENCODED_QUERY}"
    assert url.raw_query_string == ENCODED_QUERY
    assert url.raw_path.endswith(path)


def test_url_without_a_query_has_no_question_mark() -> None:
    assert str(Hosts.resolve().url(Product.API, "/2010-04-01/x.json")) == (
        "https://api.twilio.com/2010-04-01/x.json"
    )


# --- resolve_link ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        (None, "https://api.twilio.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://proxy.example.com/twilio/", "https://proxy.example.com/twilio"),
    ],
)
def test_relative_link_is_joined_to_the_configured_origin_exactly(
    base_url: str | None, origin: str
) -> None:
    link = f"{PAGE_PATH}?{ENCODED_QUERY}"
    resolved = resolve_link(link, product=Product.API, hosts=Hosts.resolve(base_url=base_url))
    assert str(resolved) == origin + link
    assert "%252B" not in str(resolved)  # not double-encoded
    assert resolved.raw_query_string == ENCODED_QUERY


def test_same_origin_absolute_link_is_kept() -> None:
    hosts = Hosts.resolve(base_url="http://127.0.0.1:8080")
    link = "http://127.0.0.1:8080/v1/InstalledAddOns?PageSize=50&Page=1&PageToken=PA%2Bx"
    assert str(resolve_link(link, product=Product.MARKETPLACE, hosts=hosts)) == link


@pytest.mark.parametrize(
    "public",
    [
        "https://marketplace.twilio.com",
        "https://marketplace.ie1.twilio.com",
        "https://marketplace.dublin.ie1.twilio.com",
        "https://MARKETPLACE.TWILIO.COM",
        "https://marketplace.twilio.com:443",
    ],
)
@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8080", "https://proxy.example.com/twilio", None]
)
def test_public_host_link_is_rebased_onto_the_configured_origin(
    public: str, base_url: str | None
) -> None:
    hosts = Hosts.resolve(base_url=base_url, region="ie1", edge="dublin")
    rest = "/v1/InstalledAddOns?PageSize=50&Page=1&PageToken=PA%2Bx%3D"
    resolved = resolve_link(public + rest, product=Product.MARKETPLACE, hosts=hosts)
    origin = str(hosts.origin(Product.MARKETPLACE)).rstrip("/")
    assert str(resolved) == origin + rest


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.com/v1/InstalledAddOns?Page=1",
        "https://marketplace.twilio.com.evil.com/v1/x",
        "https://marketplace.twilio.com@evil.com/v1/x",
        "https://api.twilio.com/v1/x",  # another product's public host
        "https://twilio.com/v1/x",
        "https://marketplace.a.b.c.twilio.com/v1/x",
        "http://marketplace.twilio.com/v1/x",  # downgrade of the public host
        "http://127.0.0.2:8080/v1/x",
        "http://127.0.0.1:8081/v1/x",  # same host, other port
        "https://127.0.0.1:8080/v1/x",  # same host and port, other scheme
    ],
)
def test_links_off_the_configured_host_are_refused(link: str) -> None:
    hosts = Hosts.resolve(base_url="http://127.0.0.1:8080")
    with pytest.raises(UnsafeURLError):
        resolve_link(link, product=Product.MARKETPLACE, hosts=hosts)


def test_http_downgrade_of_the_default_public_host_is_refused() -> None:
    with pytest.raises(UnsafeURLError, match=r"marketplace\.twilio\.com"):
        resolve_link(
            "http://marketplace.twilio.com/v1/x", product=Product.MARKETPLACE, hosts=Hosts.resolve()
        )


@pytest.mark.parametrize(
    "link",
    [
        "//evil.com/x",
        "//api.twilio.com/2010-04-01/x.json",
        "2010-04-01/Accounts/x.json",
        "?Page=2",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://api.twilio.com/x",
        "data:text/plain,hi",
    ],
)
def test_non_http_scheme_relative_and_rootless_links_are_refused(link: str) -> None:
    with pytest.raises(UnsafeURLError):
        resolve_link(link, product=Product.API, hosts=Hosts.resolve())


def test_unsafe_url_error_is_a_twilio_error() -> None:
    assert issubclass(UnsafeURLError, TwilioError)


def test_a_link_embedding_credentials_is_refused_even_on_the_configured_host() -> None:
    hosts = Hosts.resolve(base_url="http://127.0.0.1:8080")
    with pytest.raises(UnsafeURLError, match="credentials"):
        resolve_link("http://user:pass@127.0.0.1:8080/v1/x", product=Product.API, hosts=hosts)


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/v1/@evil.com/x?Page=1", "http://127.0.0.1:8080/v1/@evil.com/x?Page=1"),
        ("/v1/x?Page=1#evil.com", "http://127.0.0.1:8080/v1/x?Page=1"),  # fragment dropped
        ("/v1/x?Next=http://evil.com/", "http://127.0.0.1:8080/v1/x?Next=http://evil.com/"),
    ],
)
def test_root_relative_links_always_stay_on_the_configured_host(link: str, expected: str) -> None:
    hosts = Hosts.resolve(base_url="http://127.0.0.1:8080")
    resolved = resolve_link(link, product=Product.API, hosts=hosts)
    assert (resolved.host, resolved.port) == ("127.0.0.1", 8080)
    assert str(resolved) == expected


@pytest.mark.parametrize(
    "link",
    [
        "/x?PageToken=PA1 HTTP/1.1\r\nX-Injected: yes",
        "/x?a=1\r\nX: y",
        "/x?a=1\nX: y",
        "/x?a=\t1",
        "/x\x00",
        "/x\x7f",
        "/x y",
        "/\\evil.com/x",  # a backslash: some servers read it as "/"
        "/caf\u00e9",
        '/x?a="1"',
        "/x?a=<1>",
        "/x?a=%zz",
        "/x?a=%2",
        "https://api.twilio.com/x?a=1 HTTP/1.1",
        "http://127.0.0.1:8080/x\r\n",
    ],
)
def test_a_link_holding_what_a_uri_cannot_is_refused_not_encoded(link: str) -> None:
    hosts = Hosts.resolve(base_url="http://127.0.0.1:8080")
    with pytest.raises(UnsafeURLError, match="refusing to follow a link holding") as caught:
        resolve_link(link, product=Product.API, hosts=hosts)
    # The text names the link with control characters escaped: no log line can be forged.
    assert not any(ch in str(caught.value) for ch in "\r\n\t\x00")


def test_every_uri_character_is_kept_as_given() -> None:
    hosts = Hosts.resolve(base_url="http://127.0.0.1:8080")
    link = "/v1/x-._~:@!$&'()*+,;=?PageToken=PA%2B%3D&q=[1]/?"
    assert str(resolve_link(link, product=Product.API, hosts=hosts)) == (
        "http://127.0.0.1:8080" + link
    )
