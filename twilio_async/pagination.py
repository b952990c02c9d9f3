"""Pages and streams.

Decoding a page is pure (:meth:`Paging.decode`); following pages is done by
:func:`stream_records`, which keeps exactly one page request in flight ahead of the
consumer: while your ``async for`` body works through page *n*, page *n + 1* is already on
its way. Memory stays bounded by two raw pages however large the inventory is.

Pagination links are followed exactly as the server gave them (the client never builds a
``PageToken`` itself), and only on the configured host (:func:`~.hosts.resolve_link`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

import attrs
from yarl import URL

from .errors import UnsafeURLError
from .hosts import Hosts, Product, resolve_link

__all__ = ["Page", "PageData", "Paging", "PagingV1", "PagingV2010", "stream_records"]

M = TypeVar("M")
Pairs = list[tuple[str, str]]

MAX_PAGE_SIZE = 1000
PREFETCH_TASK_NAME = "twilio_async: next page"


class PageDecodeError(ValueError):
    """The body is not the page envelope the endpoint returns."""


@attrs.frozen
class PageData:
    """One page as decoded from the wire, before records become models."""

    records: Sequence[Mapping[str, Any]]
    next_url: URL | None
    page_number: int | None = None
    page_size: int | None = None
    url: str | None = None
    first_page_url: str | None = None
    previous_page_url: str | None = None


class Paging(Protocol):
    """How a list endpoint pages: the query that asks for a page, and the envelope."""

    def query(
        self, *, page_size: int | None, page_number: int | None, page_token: str | None
    ) -> Pairs: ...

    def decode(self, body: Any, *, product: Product, hosts: Hosts) -> PageData: ...


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _link(value: Any, *, product: Product, hosts: Hosts) -> URL | None:
    text = _str(value)
    return None if text is None else resolve_link(text, product=product, hosts=hosts)


def _absolute(value: Any, *, product: Product, hosts: Hosts) -> str | None:
    """A page's informational link as a URL on the configured host (None if it is not safe:
    such a link is never followed, so it is dropped rather than raised on)."""
    text = _str(value)
    if text is None:
        return None
    try:
        return str(resolve_link(text, product=product, hosts=hosts))
    except UnsafeURLError:
        return None


def _records(body: Mapping[str, Any], key: str) -> Sequence[Mapping[str, Any]]:
    records = body.get(key)
    if not isinstance(records, list):
        raise PageDecodeError(f"page has no {key!r} list")
    return records


def _common_query(page_size: int | None, page_number: int | None, page_token: str | None) -> Pairs:
    pairs: Pairs = []
    if page_size is not None:
        pairs.append(("PageSize", str(page_size)))
    if page_number is not None:
        pairs.append(("Page", str(page_number)))
    if page_token is not None:
        pairs.append(("PageToken", page_token))
    return pairs


@attrs.frozen
class PagingV2010:
    """API 2010-04-01: records under ``list_key``; relative ``next_page_uri`` at top level."""

    list_key: str

    def query(
        self, *, page_size: int | None, page_number: int | None, page_token: str | None
    ) -> Pairs:
        return _common_query(page_size, page_number, page_token)

    def decode(self, body: Any, *, product: Product, hosts: Hosts) -> PageData:
        if not isinstance(body, Mapping):
            raise PageDecodeError("page is not a JSON object")
        return PageData(
            records=_records(body, self.list_key),
            next_url=_link(body.get("next_page_uri"), product=product, hosts=hosts),
            page_number=_int(body.get("page")),
            page_size=_int(body.get("page_size")),
            url=_absolute(body.get("uri"), product=product, hosts=hosts),
            first_page_url=_absolute(body.get("first_page_uri"), product=product, hosts=hosts),
            previous_page_url=_absolute(
                body.get("previous_page_uri"), product=product, hosts=hosts
            ),
        )


@attrs.frozen
class PagingV1:
    """Marketplace v1 and preview: ``meta`` holds absolute URLs and the records' ``key``."""

    list_key: str

    def query(
        self, *, page_size: int | None, page_number: int | None, page_token: str | None
    ) -> Pairs:
        return _common_query(page_size, page_number, page_token)

    def decode(self, body: Any, *, product: Product, hosts: Hosts) -> PageData:
        if not isinstance(body, Mapping):
            raise PageDecodeError("page is not a JSON object")
        meta = body.get("meta")
        if not isinstance(meta, Mapping):
            raise PageDecodeError("page has no 'meta' object")
        key = _str(meta.get("key")) or self.list_key
        return PageData(
            records=_records(body, key),
            next_url=_link(meta.get("next_page_url"), product=product, hosts=hosts),
            page_number=_int(meta.get("page")),
            page_size=_int(meta.get("page_size")),
            url=_absolute(meta.get("url"), product=product, hosts=hosts),
            first_page_url=_absolute(meta.get("first_page_url"), product=product, hosts=hosts),
            previous_page_url=_absolute(
                meta.get("previous_page_url"), product=product, hosts=hosts
            ),
        )


@attrs.frozen
class Page(Generic[M]):
    """One page of typed records, and the way to the next one.

    Iterate it, index it, or take ``records``; ``await page.next_page()`` returns the
    following page, or None after the last one.
    """

    records: list[M]
    next_page_url: str | None
    page_number: int | None = None
    page_size: int | None = None
    url: str | None = None
    first_page_url: str | None = None
    previous_page_url: str | None = None
    _fetch: Callable[[URL], Awaitable[Page[M]]] | None = attrs.field(
        default=None, repr=False, eq=False, alias="fetch"
    )
    _next: URL | None = attrs.field(default=None, repr=False, eq=False, alias="next")

    @property
    def has_next_page(self) -> bool:
        return self._next is not None

    async def next_page(self) -> Page[M] | None:
        """Fetch the next page, or return None if this is the last one."""
        if self._next is None or self._fetch is None:
            return None
        return await self._fetch(self._next)

    def __iter__(self) -> Iterator[M]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> M:
        return self.records[index]


async def _discard(task: asyncio.Future[Any]) -> None:
    """Cancel a prefetch the consumer no longer needs, and wait for it to finish.

    Waiting (rather than only cancelling) means no task outlives the stream, and reading
    the outcome means a failed prefetch never logs "exception was never retrieved".
    """
    if not task.done():
        task.cancel()
        await asyncio.wait({task})
    if not task.cancelled():
        task.exception()


async def stream_records(
    first: Callable[[], Awaitable[PageData]],
    following: Callable[[URL], Awaitable[PageData]],
    make: Callable[[Mapping[str, Any]], M],
    *,
    limit: int | None = None,
) -> AsyncIterator[M]:
    """Yield records page after page, one page request ahead of the consumer.

    ``limit`` stops both yielding and fetching: no page is requested once the records
    already received cover it. Breaking out of the loop (or cancelling the consumer)
    cancels the request in flight.
    """
    if limit is not None and limit <= 0:
        return
    remaining = limit
    page = await first()
    pending: asyncio.Future[PageData] | None = None
    try:
        while True:
            records = page.records
            next_url = page.next_url
            if next_url is not None and (remaining is None or remaining > len(records)):
                pending = asyncio.ensure_future(following(next_url))
                if isinstance(pending, asyncio.Task):
                    pending.set_name(PREFETCH_TASK_NAME)
            del page  # only the records are needed now: let the envelope go
            if remaining is not None and remaining < len(records):
                records = records[:remaining]
            for record in records:
                yield make(record)
            if remaining is not None:
                remaining -= len(records)
                if remaining <= 0:
                    return
            if pending is None:
                return
            page = await pending
            pending = None
    finally:
        if pending is not None:
            await _discard(pending)
