"""Pages and streams: the source of a list's pages, and the two ways a stream walks them.

A :class:`PageSource` reads one list's pages: it fetches a raw page, decodes its envelope
(:mod:`~.envelopes`) and builds its records into models, in that order. ``page()``,
``get_page()``, ``stream()`` and ``list()`` all go through it. :func:`stream_records`
walks the pages with one of two iterators, chosen by what the first page tells:

* :func:`linked_pages` when each page links to the next (2010-04-01, Marketplace): one page
  request in flight ahead of the consumer, decoded as it arrives;
* :func:`numbered_pages` when the first page tells how many there are (2008-08-01): a
  bounded window of later pages requested concurrently, decoded in page order.

``stream()`` returns a :class:`RecordStream`: that generator, and a :class:`StreamCursor`
telling where it stands, which ``stream(resume=...)`` continues from.
"""

from __future__ import annotations

import asyncio
import contextlib
import operator
import re
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs
from yarl import URL

from .codecs import Codec
from .converter import record_structurer, records_structurer
from .envelopes import PageData, PageDecodeError, Paging
from .errors import PaginationLoopError, TwilioDecodeError, TwilioError, TwilioValidationError
from .hosts import Hosts, Product, resolve_link
from .transport import Request, Transport

__all__ = [
    "Page",
    "PageSource",
    "RecordStream",
    "StreamCursor",
    "linked_pages",
    "numbered_pages",
    "stream_records",
]

M = TypeVar("M")

MAX_PAGE_SIZE = 1000
# Records built into models at a time by a stream, which then drops the page's references
# to them: each record's dicts are freed as soon as its model exists, not with its page.
# Measured (tracemalloc, page size 1000): 3.4 MB held at a page's last record against
# 6.3 MB at its first; building whole pages holds the 6.3 MB throughout. CPU unchanged.
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
        """Whether Twilio linked a next page (:meth:`next_page` then fetches it)."""
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


def why_unreadable(model: type[Any], data: Any, exc: Exception | None, where: str) -> str:
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
        """Decode a fetched page body: the codec, then the list's envelope (records and next
        link)."""
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
                sid = _sid_of(record)
                where = f"record {index} of the page" + (f" ({sid})" if sid else "")
                why = why_unreadable(self.model, record, exc, where)
                return models, TwilioDecodeError(why, method="GET", url=str(url))
        return models, None

    def list_page(self, link: str, list_url: URL, *, param: str) -> URL:
        """The URL of ``link`` (a saved page link, a cursor's page) if it is a page of the
        list at ``list_url`` on the configured host: nothing else is requested."""
        url = resolve_link(link, product=self.product, hosts=self.hosts)
        if url.raw_path != list_url.raw_path:
            raise TwilioValidationError(
                f"{param} is a page of another list ({url.raw_path[:200]!r}, "
                f"not {list_url.raw_path!r})",
                param=param,
            )
        return url

    async def page(self, url: URL) -> Page[M]:
        """The page at ``url``, every record a model."""
        data = await self.read(url, links=True)
        models, error = self.build(data.records, url, 0)
        failure = error or data.next_error
        if failure is not None:
            raise failure
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


_CURSOR = re.compile(r"c1:([0-9]{1,7}):([A-Za-z0-9]{0,64}):(/.*)", re.DOTALL)


def _sid_of(record: Any) -> str | None:
    """A decoded record's SID, if it has one a cursor can carry (ASCII letters, digits)."""
    sid = record.get("sid") if isinstance(record, Mapping) else getattr(record, "sid", None)
    ok = isinstance(sid, str) and sid.isascii() and sid.isalnum() and len(sid) <= 64
    return sid if ok else None


@attrs.frozen
class StreamCursor:
    """Where a stream stands: just after the first ``offset`` records of the page at
    ``page`` (its path and query on the product's host, so with the list's filters and page
    size), the last of them ``sid``.

    ``str(cursor)`` is a short text a job can store; :meth:`parse` reads it back in any
    process. Pass either to ``stream(resume=...)`` (or ``list``) to go on just after that
    record. The page is fetched again and skipped through the record ``sid`` where it is
    now (records may have come or gone since), or through ``offset`` records if it is gone.
    """

    page: str
    offset: int
    sid: str | None = None

    def __str__(self) -> str:
        return f"c1:{self.offset}:{self.sid or ''}:{self.page}"

    @classmethod
    def parse(cls, text: str) -> StreamCursor:
        """Read back ``str(cursor)``; :class:`TwilioValidationError` if it is not one."""
        found = _CURSOR.fullmatch(text) if isinstance(text, str) else None
        if found is None:
            raise TwilioValidationError(
                f"not a stream cursor (c1:<offset>:<sid>:<page>): {str(text)[:80]!r}",
                param="resume",
            )
        offset, sid, page = found.groups()
        return cls(page, int(offset), sid or None)


def _resumed(records: list[Any], cursor: StreamCursor) -> int:
    """How many of a resumed page's records were delivered before."""
    if cursor.sid is not None:
        for index, record in enumerate(records):
            if _sid_of(record) == cursor.sid:
                return index + 1
    return min(cursor.offset, len(records))


class _Position:
    """Where a stream stands, for :attr:`RecordStream.cursor`: the page and index of the
    chunk of models being yielded, and how many of them are left (``unread``, read with
    ``length_hint``: nothing is counted per record). Kept apart from the generator, so
    that a stream dropped half-way is freed at once, without a reference cycle."""

    __slots__ = ("last", "models", "origin", "page", "start", "unread")

    def __init__(self, origin: str, page: URL, start: int, last: Any) -> None:
        self.origin, self.page, self.start = origin, page, start
        self.last = last  # the last record delivered before this chunk (for its SID)
        self.models: list[Any] = []
        self.unread: Iterator[Any] = iter(self.models)

    def chunk(self, page: URL, start: int, models: list[Any]) -> Iterator[Any]:
        """Records ``start...`` of ``page`` are about to be yielded: their iterator."""
        self.last = self.last_delivered()
        self.page, self.start, self.models = page, start, models
        self.unread = iter(models)
        return self.unread

    def skip(self, page: URL, start: int, record: Any) -> None:
        """Resume after ``record``, which could not be read: it is ``start - 1`` of ``page``."""
        self.chunk(page, start, [])
        self.last = record

    def last_delivered(self) -> Any:
        done = len(self.models) - operator.length_hint(self.unread)
        return self.models[done - 1] if done else self.last

    def cursor(self) -> StreamCursor:
        text = str(self.page)
        page = text[len(self.origin) :] if text.startswith(self.origin) else self.page.raw_path_qs
        done = len(self.models) - operator.length_hint(self.unread)
        return StreamCursor(page, self.start + done, _sid_of(self.last_delivered()))


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
    requested once it is covered. A link to a page already read in this walk (the same
    page, or a cycle) raises :class:`PaginationLoopError` after the page holding it. Only
    the URLs' hashes are kept (64 bits per page read; a false alarm would take a hash
    collision: odds about 1 in 10^7 for a walk of a million pages).
    """
    ahead: asyncio.Task[PageData] | None = None
    page, read = first, {hash(first.fetched_url)}
    try:
        while True:
            if wanted is not None:
                wanted -= len(page.records)
            link = page.next_url
            loops = link is not None and hash(link) in read
            if link is not None and not loops and (wanted is None or wanted > 0):
                read.add(hash(link))
                ahead = asyncio.ensure_future(source.read(link))
                await asyncio.sleep(0)  # let the request go out before the consumer runs
            yield page
            if page.next_error is not None:
                raise page.next_error
            if loops:
                raise PaginationLoopError(
                    f"the next page link leads back to a page already read: {link}",
                    method="GET",
                    url=str(page.fetched_url),
                )
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
    flight are expected to cover it. A page answered for another page number (a server
    that ignores ``page`` would repeat page 0 forever) raises :class:`PaginationLoopError`.
    """
    urls = first.later_page_urls or iter(())
    per_page = max(first.page_size or len(first.records), 1)
    pending: deque[tuple[URL, asyncio.Task[bytes]]] = deque()
    page, number = first, first.page_number or 0
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
            number += 1
            if page.page_number != number:
                raise PaginationLoopError(
                    f"asked for page {number}, the server answered page {page.page_number}",
                    method="GET",
                    url=str(url),
                )
            if not page.records:
                return  # the list shrank: no page after an empty one holds records
    finally:
        await _cancel(fetch for _, fetch in pending)


async def stream_records(
    source: PageSource[M],
    first_url: URL,
    position: _Position,
    *,
    limit: int | None,
    window: int,
    resume: StreamCursor | None = None,
) -> AsyncGenerator[M, None]:
    """Every record of the list from the page at ``first_url`` on (after ``resume``'s
    record, if given; up to ``limit``), in order, the pages requested ahead by
    :func:`linked_pages` or :func:`numbered_pages`; ``position`` follows it.

    A record that cannot be read raises :class:`TwilioDecodeError` once the records before
    it have been yielded (its cursor resumes after it). Every :class:`TwilioError` leaves
    with the stream's cursor. Breaking out, cancelling the consumer or a failure cancels
    every request in flight and waits for it: no task outlives the stream.
    """
    if limit == 0:
        return
    try:
        first = await source.read(first_url)
        start = 0 if resume is None else _resumed(first.records, resume)
        del first.records[:start]
        pages = (
            linked_pages(source, first, limit)
            if first.later_page_urls is None
            else numbered_pages(source, first, limit, window)
        )
        remaining = limit
        async with contextlib.aclosing(pages):
            async for page in pages:
                records, url = page.records, page.fetched_url  # the stream owns its pages
                if remaining is not None:
                    del records[remaining:]
                    remaining -= len(records)
                while records:
                    models, error = source.build(records[:BUILD_CHUNK], url, start)
                    bad = None if error is None else records[len(models)]
                    del records[:BUILD_CHUNK]
                    for model in position.chunk(url, start, models):
                        yield model
                    if error is not None:
                        position.skip(url, start + len(models) + 1, bad)
                        raise error
                    start += BUILD_CHUNK
                start = 0
                if remaining == 0:
                    return
    except TwilioError as exc:
        exc.cursor = position.cursor()
        raise


class RecordStream(AsyncIterator[M]):
    """What ``stream()`` returns: the records, and where the stream stands.

    ``async for record in stream`` as with any async iterator (``async for`` runs the
    generator itself, with nothing added per record). ``stream.cursor`` is the
    :class:`StreamCursor` just after the last record delivered; the error of a stream that
    failed carries the same as ``error.cursor``. ``await stream.aclose()`` stops it early.
    """

    __slots__ = ("_position", "_records")

    def __init__(
        self,
        source: PageSource[M],
        first_url: URL,
        *,
        limit: int | None,
        window: int,
        resume: StreamCursor | None = None,
    ) -> None:
        origin = str(source.hosts.url(source.product, ""))
        start, last = (0, None) if resume is None else (resume.offset, {"sid": resume.sid})
        self._position = position = _Position(origin, first_url, start, last)
        self._records = stream_records(
            source, first_url, position, limit=limit, window=window, resume=resume
        )

    def __aiter__(self) -> AsyncIterator[M]:
        return self._records

    def __anext__(self) -> Awaitable[M]:
        return self._records.__anext__()

    async def aclose(self) -> None:
        """Stop the stream: a page request in flight is cancelled. ``async with`` or
        ``contextlib.aclosing`` call it for you."""
        await self._records.aclose()

    @property
    def cursor(self) -> StreamCursor:
        """Where to resume: just after the last record delivered."""
        return self._position.cursor()
