"""Page envelopes: how each API version asks for a page, and how its page body decodes.

A :class:`Paging` builds the query that asks for a page and decodes a page body (already
parsed by the endpoint's codec) into :class:`PageData`: the records, still plain data, and
the way to the following pages. Pure: no I/O. Links are resolved onto the configured host
(:func:`~.hosts.resolve_link`) exactly as the server gave them. The 2008-08-01 API has no
links: :class:`PagingV2008` builds its documented ``page``/``num`` query from the URL of
the page it decodes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Protocol

import attrs
from yarl import URL

from .errors import TwilioValidationError, UnsafeURLError
from .hosts import Hosts, Product, resolve_link

__all__ = ["PageData", "PageDecodeError", "Paging", "PagingV1", "PagingV2008", "PagingV2010"]

Pairs = list[tuple[str, str]]


class PageDecodeError(ValueError):
    """The body is not the page envelope the endpoint returns."""


@attrs.frozen
class PageData:
    """One page as decoded from the wire, before its records become models."""

    fetched_url: URL  # where this page was fetched from
    records: list[Any]
    next_url: URL | None
    page_number: int | None = None
    page_size: int | None = None
    # The server's own links, for Page; None in streams, which never read them.
    url: str | None = None
    first_page_url: str | None = None
    previous_page_url: str | None = None
    total: int | None = None
    num_pages: int | None = None
    # Every later page's URL, in order, when the first page tells them all (2008-08-01
    # ``numpages``); None when only ``next_url`` is known. Built lazily, read once.
    later_page_urls: Iterator[URL] | None = attrs.field(default=None, repr=False, eq=False)
    # Why the next-page link must not be followed: raised by whoever would follow it (a
    # stream: once this page's records are delivered).
    next_error: UnsafeURLError | None = attrs.field(default=None, repr=False, eq=False)


class Paging(Protocol):
    """How a list endpoint pages: the query that asks for a page, and the envelope.

    ``decode`` is given the URL the page was fetched from. With ``links=False`` it leaves
    out the server's informational links (``url``, ``first_page_url``,
    ``previous_page_url``), which a stream never reads: only the way forward is resolved.
    """

    def query(
        self, *, page_size: int | None, page_number: int | None, page_token: str | None
    ) -> Pairs: ...

    def decode(
        self, body: Any, *, url: URL, product: Product, hosts: Hosts, links: bool = True
    ) -> PageData: ...


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _informational(value: Any, *, product: Product, hosts: Hosts) -> str | None:
    """A page's own link on the configured host, or None if it is not safe there (it is
    never followed, so it is dropped rather than raised on)."""
    text = _str(value)
    try:
        return None if text is None else str(resolve_link(text, product=product, hosts=hosts))
    except UnsafeURLError:
        return None


@attrs.frozen
class _JsonPaging:
    """A JSON list envelope: records under a key; page metadata with links named
    ``next_page_<link>``, ``first_page_<link>``, ``previous_page_<link>`` and ``<link>``."""

    list_key: str
    link: ClassVar[str]

    def query(
        self, *, page_size: int | None, page_number: int | None, page_token: str | None
    ) -> Pairs:
        named = (("PageSize", page_size), ("Page", page_number), ("PageToken", page_token))
        return [(name, str(value)) for name, value in named if value is not None]

    def _meta(self, body: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
        """Where the metadata lives, and the key of the records."""
        raise NotImplementedError

    def decode(
        self, body: Any, *, url: URL, product: Product, hosts: Hosts, links: bool = True
    ) -> PageData:
        if not isinstance(body, Mapping):
            raise PageDecodeError("page is not a JSON object")
        meta, key = self._meta(body)
        records = body.get(key)
        if not isinstance(records, list):
            raise PageDecodeError(f"page has no {key!r} list")
        link, next_link = self.link, _str(meta.get(f"next_page_{self.link}"))
        next_url = next_error = None
        try:
            if next_link is not None:
                next_url = resolve_link(next_link, product=product, hosts=hosts)
        except UnsafeURLError as exc:
            next_error = exc

        def informational(name: str) -> str | None:
            return _informational(meta.get(name), product=product, hosts=hosts) if links else None

        return PageData(
            fetched_url=url,
            records=records,
            next_url=next_url,
            page_number=_int(meta.get("page")),
            page_size=_int(meta.get("page_size")),
            url=informational(link),
            first_page_url=informational(f"first_page_{link}"),
            previous_page_url=informational(f"previous_page_{link}"),
            next_error=next_error,
        )


@attrs.frozen
class PagingV2010(_JsonPaging):
    """API 2010-04-01: records under ``list_key``; metadata at the top level with relative
    ``*_uri`` links."""

    link: ClassVar[str] = "uri"

    def _meta(self, body: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
        return body, self.list_key


@attrs.frozen
class PagingV1(_JsonPaging):
    """Marketplace v1 and preview: a ``meta`` object with absolute ``*_url`` links and the
    records' ``key``."""

    link: ClassVar[str] = "url"

    def _meta(self, body: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
        meta = body.get("meta")
        if not isinstance(meta, Mapping):
            raise PageDecodeError("page has no 'meta' object")
        return meta, _str(meta.get("key")) or self.list_key


def _decimal(value: Any) -> int | None:
    """A non-negative integer written in ASCII digits (an XML attribute), or None."""
    if isinstance(value, str) and value.isascii() and value.isdecimal():
        return int(value)
    return None


def with_page_number(url: URL, page: int, num: int | None = None) -> URL:
    """``url`` asking for page ``page`` (0-based) of ``num`` records: the 2008-08-01 query.

    Every other query pair (the list's filters) is kept byte for byte, in its place.
    """
    drop = ("page", "num") if num is not None else ("page",)
    pairs = [p for p in url.raw_query_string.split("&") if p and p.partition("=")[0] not in drop]
    pairs.append(f"page={page}")
    if num is not None:
        pairs.append(f"num={num}")
    base = str(url.with_query(None).with_fragment(None))
    return URL(f"{base}?{'&'.join(pairs)}", encoded=True)


@attrs.frozen
class PagingV2008:
    """API 2008-08-01 (XML): the list element carries ``page`` (0-based), ``numpages``,
    ``pagesize`` and ``total`` attributes, and one ``record_key`` child per record. There
    are no links: page *n* is asked for with ``page=n&num=N``, so every later page's URL
    is known from the first page (``later_page_urls``).

    The body is the list element as :class:`~twilio_async.xml.XmlCodec` decodes it:
    attributes under ``@name``, a repeated child as a list, a single one as a mapping.
    """

    record_key: str

    def query(
        self, *, page_size: int | None, page_number: int | None, page_token: str | None
    ) -> Pairs:
        if page_token is not None:
            raise TwilioValidationError(
                "the 2008-08-01 API pages by number: pass page_number, not page_token",
                param="page_token",
            )
        named = (("page", page_number), ("num", page_size))
        return [(name, str(value)) for name, value in named if value is not None]

    def decode(
        self, body: Any, *, url: URL, product: Product, hosts: Hosts, links: bool = True
    ) -> PageData:
        if not isinstance(body, Mapping):
            raise PageDecodeError("the response holds no list element")
        page = _decimal(body.get("@page"))
        num_pages = _decimal(body.get("@numpages"))
        if page is None or num_pages is None:
            raise PageDecodeError("the list element has no valid page/numpages attributes")
        found = body.get(self.record_key, [])  # absent: no records; None: an empty element
        records = found if isinstance(found, list) else [found]
        if not all(isinstance(record, Mapping) for record in records):
            raise PageDecodeError(f"a {self.record_key!r} element holds no fields")
        # Later pages are asked for with the page size the server used for this one, so
        # that page boundaries line up even if it adjusted the requested num.
        size = _decimal(body.get("@pagesize"))
        later = range(page + 1, num_pages)
        return PageData(
            fetched_url=url,
            records=records,
            next_url=with_page_number(url, later[0], size) if later else None,
            page_number=page,
            page_size=size,
            url=str(url) if links else None,
            first_page_url=str(with_page_number(url, 0, size)) if links else None,
            previous_page_url=(
                str(with_page_number(url, page - 1, size)) if links and page > 0 else None
            ),
            total=_decimal(body.get("@total")),
            num_pages=num_pages,
            later_page_urls=(with_page_number(url, n, size) for n in later),
        )
