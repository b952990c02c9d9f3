"""Where each Twilio product lives: default hosts, region/edge routing, overrides.

Pure configuration logic, no I/O. Twilio routes a request to a region and edge by rewriting
the host name: ``{product}.{edge}.{region}.twilio.com`` (an edge without a region implies
region ``us1``; a region without an edge gives ``{product}.{region}.twilio.com``).
"""

from __future__ import annotations

import enum
import ipaddress  # loaded by yarl already
import re
from collections.abc import Mapping

import attrs
from yarl import URL

from .errors import ConfigurationError, UnsafeURLError

__all__ = [
    "ALLOW_UNKNOWN_REGION_VARIABLE",
    "BASE_URL_VARIABLE",
    "FAKE_SECRET_PREFIX",
    "KNOWN_EDGES",
    "KNOWN_REGIONS",
    "Hosts",
    "Product",
    "allow_unknown_region_from",
    "base_url_from",
    "refuse_fake_secret_off_loopback",
    "resolve_link",
]

BASE_URL_VARIABLE = "TWILIO_BASE_URL"
"""The environment variable that sends every product to one origin (like ``base_url=``)."""

FAKE_SECRET_PREFIX = "fake-twilio-"
"""Every secret the bundled fake Twilio (:mod:`twilio_async.testing`) issues starts with
this; a real auth token (32 hex digits) or API key secret (32 letters and digits) cannot."""

ALLOW_UNKNOWN_REGION_VARIABLE = "TWILIO_ALLOW_UNKNOWN_REGION"
"""The environment variable that lets through a region or edge Twilio documents no name for
(like ``allow_unknown_region=True``): ``1``, ``true``, ``yes`` or ``on``."""

# Twilio's documented names (as of 2026-08), so that a typo fails at once instead of sending
# every request to a host that does not exist; allow_unknown_region lets a newer one through.
# Pages, under https://www.twilio.com/docs/: processing regions (us1 the default, ie1, au1,
# jp1) in global-infrastructure/understanding-twilio-regions and, with their edges (au1
# sydney, ie1 dublin, jp1 tokyo), twilio-cli/general-usage/regional; the legacy region IDs
# (once edges in api.{region}.twilio.com) and their Interconnect variants in
# global-infrastructure/edge-locations/legacy-regions; the public edges in
# global-infrastructure/edge-locations; the private Interconnect edges in
# interconnect/configure-your-application.
KNOWN_REGIONS = frozenset(
    {
        *("us1", "ie1", "au1", "jp1"),
        *("us2", "de1", "sg1", "br1", "gll"),
        *("us1-ix", "us2-ix", "ie1-ix", "de1-ix", "sg1-ix", "jp1-ix", "au1-ix"),
    }
)
KNOWN_EDGES = frozenset(
    {
        *("ashburn", "dublin", "frankfurt", "roaming", "sao-paulo", "singapore", "sydney"),
        *("tokyo", "umatilla"),
        *("ashburn-ix", "san-jose-ix", "sao-paulo-ix", "london-ix", "frankfurt-ix"),
        *("singapore-ix", "tokyo-ix", "sydney-ix"),
    }
)
_A = {"region": "a region", "edge": "an edge"}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# What a link may not hold: anything but the characters of a URI (RFC 3986: unreserved,
# reserved and "%"), such as spaces, CR/LF and other controls, quotes, a backslash or
# non-ASCII; and a "%" that does not start an escape. Two patterns: one with both in an
# alternation takes three times as long on every page link (4.9 us against 1.6 us).
_NOT_IN_A_URI = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class Product(enum.Enum):
    """A Twilio product domain; the value is its default host's first label."""

    API = "api"
    MARKETPLACE = "marketplace"
    PREVIEW = "preview"


def _check_label(kind: str, value: str | None, *, allow_unknown: bool) -> str | None:
    if value is None or value == "":
        return None
    value = value.strip().lower()
    if not _LABEL.match(value):
        raise ConfigurationError(f"invalid Twilio {kind} {value!r}", param=kind)
    known, other, other_kind = (
        (KNOWN_REGIONS, KNOWN_EDGES, "edge")
        if kind == "region"
        else (KNOWN_EDGES, KNOWN_REGIONS, "region")
    )
    if value in known or allow_unknown:
        return value
    if value in other:
        hint = f"{value!r} is {_A[other_kind]}, not {_A[kind]}: pass {other_kind}={value!r}"
    else:
        close = _closest(value, known)
        hint = f"did you mean {close!r}?" if close else f"Twilio's are {', '.join(sorted(known))}"
    raise ConfigurationError(
        f"unknown Twilio {kind} {value!r}: {hint} (for a {kind} Twilio added since, pass "
        f"allow_unknown_region=True or set {ALLOW_UNKNOWN_REGION_VARIABLE}=1)",
        param=kind,
    )


def _closest(value: str, names: frozenset[str]) -> str | None:
    """The documented name ``value`` most likely misspells, if any is close.

    difflib's ratio alone ranks ``au2x`` nearer ``us2-ix`` or ``us2`` than ``au1``: these
    are short codes whose first letters carry the meaning, so a shared prefix counts too,
    and an Interconnect name (``-ix``) is only suggested for a value with a ``-`` in it.
    """
    import difflib  # only on this error path: hosts is imported with the package

    def score(name: str) -> float:
        ratio = difflib.SequenceMatcher(None, value, name).ratio()
        pairs = zip(value, name, strict=False)
        prefix = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(value), len(name)))
        return ratio + 0.1 * prefix if ratio > 0.5 else 0.0

    pool = sorted(n for n in names if "-" in value or not n.endswith("-ix"))
    best = max(pool, key=score)
    return best if score(best) > 0 else None


def allow_unknown_region_from(argument: bool | None, environ: Mapping[str, str]) -> bool:
    """``allow_unknown_region=`` if given, else ``TWILIO_ALLOW_UNKNOWN_REGION`` (off)."""
    if argument is not None:
        return argument
    value = environ.get(ALLOW_UNKNOWN_REGION_VARIABLE, "").strip().lower()
    if value not in _TRUE + _FALSE:
        raise ConfigurationError(
            f"{ALLOW_UNKNOWN_REGION_VARIABLE} must be 1/true/yes/on or 0/false/no/off, "
            f"got {value!r}",
            param=ALLOW_UNKNOWN_REGION_VARIABLE,
        )
    return value in _TRUE


def _origin(value: str | URL, *, param: str) -> URL:
    url = URL(value) if isinstance(value, str) else value
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"{param} must be an absolute http(s) URL, got {str(value)!r}", param=param
        )
    if url.user or url.password:
        raise ConfigurationError(f"{param} must not embed credentials", param=param)
    if url.query_string or url.fragment:
        raise ConfigurationError(f"{param} must not have a query or fragment", param=param)
    # Keep an optional path prefix (a proxy mounted under /twilio), without trailing slash.
    return url.with_path(url.path.rstrip("/") or "/")


def base_url_from(argument: str | URL | None, environ: Mapping[str, str]) -> str | URL | None:
    """``base_url=`` if given, else ``TWILIO_BASE_URL`` (checked, and named if malformed)."""
    if argument is not None:
        return argument
    value = environ.get(BASE_URL_VARIABLE) or None
    return None if value is None else _origin(value, param=BASE_URL_VARIABLE)


def _is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_fake_secret_off_loopback(secret: str, hosts: Hosts) -> None:
    """Raise :class:`ConfigurationError` if ``secret`` was issued by the fake Twilio and
    any product would be sent to a host off this machine (the secret is never named)."""
    if not secret.startswith(FAKE_SECRET_PREFIX):
        return
    for product, origin in hosts.origins.items():
        if not _is_loopback(origin.host):
            raise ConfigurationError(
                f"these credentials were issued by the fake Twilio (twilio_async.testing) and "
                f"are only sent to it, on a loopback host, but the {product.value} base URL is "
                f"{origin.host!r}: set {BASE_URL_VARIABLE} (or base_url=) to the fake's URL",
                param="base_url",
            )


def regional_origin(product: Product, *, region: str | None, edge: str | None) -> URL:
    """The public origin of ``product`` for a region/edge pair."""
    if edge and not region:
        region = "us1"
    labels = [product.value, edge, region, "twilio", "com"]
    return URL(f"https://{'.'.join(label for label in labels if label)}")


@attrs.frozen
class Hosts:
    """The origin (scheme, host, port and optional path prefix) of every product."""

    origins: Mapping[Product, URL]
    region: str | None = None
    edge: str | None = None
    # Each origin as text without its trailing slash, which every request's URL starts with.
    _origin_texts: Mapping[Product, str] = attrs.field(init=False, repr=False, eq=False)

    @_origin_texts.default
    def _texts(self) -> Mapping[Product, str]:
        return {product: str(url).rstrip("/") for product, url in self.origins.items()}

    @classmethod
    def resolve(
        cls,
        *,
        region: str | None = None,
        edge: str | None = None,
        base_url: str | URL | None = None,
        overrides: Mapping[Product, str | URL | None] | None = None,
        allow_unknown_region: bool = False,
    ) -> Hosts:
        """Work out every product's origin.

        ``base_url`` sends every product to one origin (the path roots ``/2010-04-01``,
        ``/2008-08-01``, ``/v1`` and ``/marketplace`` do not overlap); ``overrides`` set a
        single product's origin and win over ``base_url``, which wins over region/edge.
        ``region`` and ``edge`` must be names Twilio documents (:data:`KNOWN_REGIONS`,
        :data:`KNOWN_EDGES`) unless ``allow_unknown_region`` is true; a malformed host label
        is refused either way.
        """
        region = _check_label("region", region, allow_unknown=allow_unknown_region)
        edge = _check_label("edge", edge, allow_unknown=allow_unknown_region)
        common = _origin(base_url, param="base_url") if base_url is not None else None
        origins: dict[Product, URL] = {}
        for product in Product:
            override = (overrides or {}).get(product)
            if override is not None:
                origins[product] = _origin(override, param=f"{product.value}_base_url")
            elif common is not None:
                origins[product] = common
            else:
                origins[product] = regional_origin(product, region=region, edge=edge)
        return cls(origins=origins, region=region, edge=edge)

    def origin(self, product: Product) -> URL:
        return self.origins[product]

    def url(self, product: Product, path: str, query: str = "") -> URL:
        """Absolute URL of an already-encoded ``path`` (starting with ``/``) and raw query."""
        # Built as text so that the path and query go out byte for byte as given.
        text = self._origin_texts[product] + path
        return URL(f"{text}?{query}" if query else text, encoded=True)


def _same_origin(a: URL, b: URL) -> bool:
    return (a.scheme, a.host, a.explicit_port or a.port) == (
        b.scheme,
        b.host,
        b.explicit_port or b.port,
    )


def _is_public_host_of(product: Product, host: str | None) -> bool:
    """True for ``{product}.twilio.com`` and its regional/edge variants."""
    if host is None:
        return False
    labels = host.lower().split(".")
    return (
        len(labels) in (3, 4, 5) and labels[0] == product.value and labels[-2:] == ["twilio", "com"]
    )


def resolve_link(link: str, *, product: Product, hosts: Hosts) -> URL:
    """Turn a pagination link from a response into the URL to request, exactly as given.

    Relative links (``next_page_uri`` in the 2010 API) are resolved against the product's
    configured origin. Absolute links (``meta.next_page_url`` in v1) are followed when they
    point at the configured origin; when they name Twilio's public host for the product
    (what Twilio answers even behind a proxy or a ``base_url``), the path and query are
    kept exactly and the configured origin is used. Any other host raises
    :class:`UnsafeURLError` rather than send credentials there.

    A link holding anything a URI cannot (a space, CR/LF or another control character,
    non-ASCII, ...) is refused with :class:`UnsafeURLError`, not percent-encoded: Twilio
    sends valid URIs, so such a link comes from a broken or hostile server, and guessing
    an encoding would change the link, or let the server shape the request line.
    """
    bad = _NOT_IN_A_URI.search(link)
    if bad is None and "%" in link:
        bad = _BAD_ESCAPE.search(link)
    if bad is not None:
        raise UnsafeURLError(
            f"refusing to follow a link holding {bad.group()!r} (at {bad.start()}): {link[:200]!r}"
        )
    if link[:1] == "/" and link[1:2] != "/":
        # A root-relative link (the usual case) is appended to the origin's text and parsed
        # once; a fragment never goes to the server.
        return hosts.url(product, link.partition("#")[0])
    origin = hosts.origin(product)
    url = URL(link, encoded=True)
    if not url.is_absolute():
        raise UnsafeURLError(f"refusing to follow a link without a root path: {link!r}")
    if url.scheme not in ("http", "https"):
        raise UnsafeURLError(f"refusing to follow a non-HTTP link {link!r}")
    if url.raw_user or url.raw_password:
        raise UnsafeURLError("refusing to follow a link that embeds credentials")
    if _same_origin(url, origin):
        return url
    if url.scheme == "https" and _is_public_host_of(product, url.host):
        return hosts.url(product, url.raw_path, url.raw_query_string)
    raise UnsafeURLError(
        f"refusing to send credentials to {url.host!r}: the pagination link does not point at "
        f"the configured {product.value} host {origin.host!r}"
    )
