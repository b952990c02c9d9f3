"""Pages and streams: the source of a list's pages, and the two ways a stream walks them.

A :class:`PageSource` reads one list's pages: it fetches a raw page, decodes its envelope
(:mod:`~.envelopes`) and builds its records into models, in that order. ``page()``,
``get_page()``, ``stream()`` and ``list()`` all go through it. :func:`stream_records`
walks the pages with one of two iterators, chosen by what the first page tells:

* :func:`linked_pages` when each page links to the next (2010-04-01, Marketplace): one page
  request in flight ahead of the consumer, decoded as it arrives;
* :func:`numbered_pages` when the first page tells how many there are (2008-08-01): a
  bounded window of later pages requested concurrently, decoded in page order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs
from yarl import URL

from .codecs import Codec
from .converter import record_structurer, records_structurer
from .envelopes import PageData, PageDecodeError, Paging
from .errors import TwilioDecodeError
from .hosts import Hosts, Product
from .transport import Request, Transport

__all__ = ["Page", "PageSource", "linked_pages", "numbered_pages", "stream_records"]

M = TypeVar("M")

MAX_PAGE_SIZE = 1000
# Records built into models at a time by a stream, which then drops the page's references
# to them: each record's dicts are freed as soon as its model exists, not with its page.
BUILD_CHUNK = 50
# Pages requested ahead of the consumer when the first page tells every page URL (further
# bounded by the client's max_concurrency). Each waits in memory as one raw body.
MAX_PAGE_WINDOW = 8


@attrs.frozen
class Page(Generic[M]):
    """One page of typed records, and the way to the next one.

    Iterate it, index it, or take ``records``; ``await page.next_page()`` returns the
    following page, or None after the last one. ``total`` and ``num_pages`` are filled in
    when the API tells them (2008-08-01).
    """

    records: list[M]
    next_page_url: str | None
    page_number: int | None = None
    page_size: int | None = None
    url: str | None = None
    first_page_url: str | None = None
    previous_page_url: str | None = None
    total: int | None = None
    num_pages: int | None = None
    _source: PageSource[M] | None = attrs.field(default=None, repr=False, eq=False, alias="source")
    _next: URL | None = attrs.field(default=None, repr=False, eq=False, alias="next")

    @property
    def has_next_page(self) -> bool:
        return self._next is not None

    async def next_page(self) -> Page[M] | None:
        """Fetch the next page, or return None if this is the last one."""
        if self._next is None or self._source is None:
            return None
        return await self._source.page(self._next)

    def __iter__(self) -> Iterator[M]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> M:
        return self.records[index]


_UNREADABLE = (ValueError, TypeError, KeyError, AttributeError)


def record_error(model: type[Any], data: Any, exc: Exception | None, where: str) -> str:
    """Why ``data`` is not a ``model``, in words (no Python internals): ``where`` names it."""
    if data is None:
        return f"cannot read {model.__name__} from {where}: it is empty"
    if not isinstance(data, Mapping):
        return f"cannot read {model.__name__} from {where}: not an object"
    why = str(exc) if isinstance(exc, ValueError) else "a field has an unexpected type"
    return f"cannot read {model.__name__} from {where}: {why}"


@attrs.frozen
class PageSource(Generic[M]):
    """Where one list's pages come from: fetch a raw page, decode it, build its models."""

    transport: Transport
    hosts: Hosts
    product: Product
    codec: Codec
    paging: Paging
    model: type[M]

    async def fetch(self, url: URL) -> bytes:
        """The raw body of the page at ``url``."""
        response = await self.transport.request(Request("GET", url, None, self.codec.accept))
        return response.body

    def decode(self, url: URL, raw: bytes, *, links: bool = False) -> PageData:
        body = self.codec.decode(raw, method="GET", url=url)
        try:
            return self.paging.decode(
                body, url=url, product=self.product, hosts=self.hosts, links=links
            )
        except PageDecodeError as exc:
            raise TwilioDecodeError(str(exc), method="GET", url=str(url)) from None

    async def read(self, url: URL, *, links: bool = False) -> PageData:
        """Fetch and decode the page at ``url``."""
        return self.decode(url, await self.fetch(url), links=links)

    def build(
        self, records: list[Any], url: URL, first: int
    ) -> tuple[list[M], TwilioDecodeError | None]:
        """Models of ``records`` (those of the page at ``url`` from index ``first`` on);
        if one cannot be read, the models before it and the error naming it."""
        try:
            return records_structurer(self.model)(records), None
        except _UNREADABLE:
            pass
        make, models = record_structurer(self.model), []
        for index, record in enumerate(records, first):
            try:
                models.append(make(record))
            except _UNREADABLE as exc:
                sid = record.get("sid") if isinstance(record, Mapping) else None
                name = f"record {sid!r} (index {index})" if isinstance(sid, str) else None
                why = record_error(self.model, record, exc, name or f"record {index}")
                error = TwilioDecodeError(f"{why}, on the page", method="GET", url=str(url))
                return models, error
        return models, None

    async def page(self, url: URL) -> Page[M]:
        """The page at ``url``, every record a model."""
        data = await self.read(url, links=True)
        models, error = self.build(data.records, url, 0)
        if error is not None:
            raise error
        return Page(
            records=models,
            next_page_url=None if data.next_url is None else str(data.next_url),
            page_number=data.page_number,
            page_size=data.page_size,
            url=data.url,
            first_page_url=data.first_page_url,
            previous_page_url=data.previous_page_url,
            total=data.total,
            num_pages=data.num_pages,
            source=self,
            next=data.next_url,
        )


async def _cancel(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel page requests no longer needed and wait for them: no task outlives the
    stream, and a failure nobody will read is retrieved (no "never retrieved" warning)."""
    waiting = list(tasks)
    for task in waiting:
        task.cancel()
    if waiting:
        await asyncio.wait(waiting)
    for task in waiting:
        if not task.cancelled():
            task.exception()


async def linked_pages(
    source: PageSource[Any], first: PageData, wanted: int | None
) -> AsyncGenerator[PageData, None]:
    """``first`` and the pages it links to, in order, each requested (and decoded as it
    arrives) while the consumer works through the page before it.

    ``wanted``: how many records the stream still needs, counting ``first``'s; no page is
    requested once it is covered.
    """
    ahead: asyncio.Task[PageData] | None = None
    page = first
    try:
        while True:
            if wanted is not None:
                wanted -= len(page.records)
            link = page.next_url
            if link is not None and (wanted is None or wanted > 0):
                ahead = asyncio.ensure_future(source.read(link))
                await asyncio.sleep(0)  # let the request go out before the consumer runs
            yield page
            if ahead is None:
                return
            page = await ahead
            ahead = None
    finally:
        if ahead is not None:
            await _cancel([ahead])


async def numbered_pages(
    source: PageSource[Any], first: PageData, wanted: int | None, window: int
) -> AsyncGenerator[PageData, None]:
    """``first`` and every later page it names, in order, with up to ``window`` requests
    in flight ahead of the consumer. Bodies wait undecoded (at most ``window`` of them)
    and are decoded in page order when the consumer reaches them.

    ``wanted`` as for :func:`linked_pages`; requests stop once the pages received and in
    flight are expected to cover it.
    """
    urls = first.later_page_urls or iter(())
    per_page = max(first.page_size or len(first.records), 1)
    pending: deque[tuple[URL, asyncio.Task[bytes]]] = deque()
    page = first
    try:
        while True:
            if wanted is not None:
                wanted -= len(page.records)
            started = False
            while len(pending) < window and (wanted is None or wanted > len(pending) * per_page):
                url = next(urls, None)
                if url is None:
                    break
                pending.append((url, asyncio.ensure_future(source.fetch(url))))
                started = True
            if started:
                await asyncio.sleep(0)  # let the requests go out before the consumer runs
            yield page
            if not pending:
                return
            url, fetch = pending[0]
            page = source.decode(url, await fetch)
            pending.popleft()
            if not page.records:
                return  # the list shrank: no page after an empty one holds records
    finally:
        await _cancel(fetch for _, fetch in pending)


async def stream_records(
    source: PageSource[M], first_url: URL, *, limit: int | None, window: int
) -> AsyncIterator[M]:
    """Every record of the list from the page at ``first_url`` on (up to ``limit``), in
    order, the pages requested ahead by :func:`linked_pages` or :func:`numbered_pages`.

    A record that cannot be read raises :class:`TwilioDecodeError` once the records before
    it have been yielded. Breaking out, cancelling the consumer or a failure cancels every
    request in flight and waits for it: no task outlives the stream.
    """
    if limit == 0:
        return
    first = await source.read(first_url)
    pages = (
        linked_pages(source, first, limit)
        if first.later_page_urls is None
        else numbered_pages(source, first, limit, window)
    )
    remaining = limit
    async with contextlib.aclosing(pages):
        async for page in pages:
            records, index = page.records, 0  # the stream owns the pages it decodes
            if remaining is not None:
                del records[remaining:]
                remaining -= len(records)
            while records:
                models, error = source.build(records[:BUILD_CHUNK], page.fetched_url, index)
                del records[:BUILD_CHUNK]
                index += BUILD_CHUNK
                for model in models:
                    yield model
                if error is not None:
                    raise error
            if remaining == 0:
                return
