"""Pages and streams.

Decoding a page is pure (:meth:`Paging.decode`); following pages is done by
:func:`stream_records`. When each page only says where the next one is (a next-page link),
it keeps exactly one page request in flight ahead of the consumer: while your ``async for``
body works through page *n*, page *n + 1* is already on its way, and memory stays bounded by
two raw pages however large the inventory is. When the first page already tells every later
page's URL (the 2008-08-01 API's ``numpages``), it fetches a bounded window of later pages
concurrently, still yielding records strictly in page order.

Pagination links are followed exactly as the server gave them (the client never builds a
``PageToken`` itself), and only on the configured host (:func:`~.hosts.resolve_link`). The
2008-08-01 API has no links: its documented mechanism is the ``page``/``num`` query, so
:class:`PagingV2008` builds those from the URL of the page it decodes.
"""

from __future__ import annotations

import asyncio
import functools
from collections import deque
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any, ClassVar, Generic, Protocol, TypeVar, overload

import attrs
from yarl import URL

from .errors import TwilioValidationError, UnsafeURLError
from .hosts import Hosts, Product, resolve_link

__all__ = [
    "Page",
    "PageData",
    "Paging",
    "PagingV1",
    "PagingV2008",
    "PagingV2010",
    "stream_records",
]

M = TypeVar("M")
Pairs = list[tuple[str, str]]

MAX_PAGE_SIZE = 1000
PREFETCH_TASK_NAME = "twilio_async: next page"
# Pages fetched ahead of the consumer when every page URL is known from the first page
# (further bounded by the client's max_concurrency). Each holds one raw page in memory.
MAX_PAGE_WINDOW = 8


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
    total: int | None = None
    num_pages: int | None = None
    # Every later page's URL, in order, when this page tells them all (2008-08-01
    # ``numpages``); None when only ``next_url`` is known. Lets streams fetch ahead.
    later_page_urls: Sequence[URL] | None = attrs.field(default=None, repr=False)


class Paging(Protocol):
    """How a list endpoint pages: the query that asks for a page, and the envelope.

    ``decode`` is given the URL the page was fetched from; envelopes that do not link to
    their neighbours (2008-08-01) need it to tell where the other pages are. With
    ``links=False`` it leaves out the informational links (``url``, ``first_page_url``,
    ``previous_page_url``), which a stream never reads: only the way forward is resolved.
    """

    def query(
        self, *, page_size: int | None, page_number: int | None, page_token: str | None
    ) -> Pairs: ...

    def decode(
        self,
        body: Any,
        *,
        product: Product,
        hosts: Hosts,
        url: URL | None = None,
        links: bool = True,
    ) -> PageData: ...


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
class _JsonPaging:
    """A JSON list envelope: the records under a key, and page metadata with links named
    ``next_page_<link>``, ``first_page_<link>``, ``previous_page_<link>`` and ``<link>``."""

    list_key: str
    link: ClassVar[str]

    def query(
        self, *, page_size: int | None, page_number: int | None, page_token: str | None
    ) -> Pairs:
        return _common_query(page_size, page_number, page_token)

    def _meta(self, body: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
        """Where the metadata lives, and the key of the records."""
        raise NotImplementedError

    def decode(
        self,
        body: Any,
        *,
        product: Product,
        hosts: Hosts,
        url: URL | None = None,
        links: bool = True,
    ) -> PageData:
        if not isinstance(body, Mapping):
            raise PageDecodeError("page is not a JSON object")
        meta, key = self._meta(body)
        link = self.link

        def informational(name: str) -> str | None:
            return _absolute(meta.get(name), product=product, hosts=hosts) if links else None

        return PageData(
            records=_records(body, key),
            next_url=_link(meta.get(f"next_page_{link}"), product=product, hosts=hosts),
            page_number=_int(meta.get("page")),
            page_size=_int(meta.get("page_size")),
            url=informational(link),
            first_page_url=informational(f"first_page_{link}"),
            previous_page_url=informational(f"previous_page_{link}"),
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
    pairs = [
        pair
        for pair in url.raw_query_string.split("&")
        if pair and pair.partition("=")[0] not in drop
    ]
    pairs.append(f"page={page}")
    if num is not None:
        pairs.append(f"num={num}")
    base = str(url.with_query(None).with_fragment(None))
    return URL(f"{base}?{'&'.join(pairs)}", encoded=True)


class _PageUrls(Sequence[URL]):
    """The URLs of a range of pages of a page-numbered list, built on demand (a list of
    ten thousand pages costs no more than one of two)."""

    __slots__ = ("_num", "_pages", "_url")

    def __init__(self, url: URL, pages: range, num: int | None) -> None:
        self._url = url
        self._pages = pages
        self._num = num

    def __len__(self) -> int:
        return len(self._pages)

    @overload
    def __getitem__(self, index: int) -> URL: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[URL]: ...

    def __getitem__(self, index: int | slice) -> URL | Sequence[URL]:
        if isinstance(index, slice):
            return _PageUrls(self._url, self._pages[index], self._num)
        return with_page_number(self._url, self._pages[index], self._num)

    def __repr__(self) -> str:
        return f"<page URLs {self._pages.start}..{self._pages.stop - 1} of {self._url}>"


@attrs.frozen
class PagingV2008:
    """API 2008-08-01 (XML): the list element carries ``page`` (0-based), ``numpages``,
    ``pagesize``, ``total``, ``start`` and ``end`` attributes, and one ``record_key`` child
    per record. There are no links: page *n* is asked for with the query ``page=n&num=N``,
    so every later page's URL is known from the first page (``later_page_urls``).

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
        pairs: Pairs = []
        if page_number is not None:
            pairs.append(("page", str(page_number)))
        if page_size is not None:
            pairs.append(("num", str(page_size)))
        return pairs

    def decode(
        self,
        body: Any,
        *,
        product: Product,
        hosts: Hosts,
        url: URL | None = None,
        links: bool = True,
    ) -> PageData:
        if url is None:
            raise TypeError("PagingV2008.decode() needs the url the page was fetched from")
        if not isinstance(body, Mapping):
            raise PageDecodeError("the response holds no list element")
        page = _decimal(body.get("@page"))
        num_pages = _decimal(body.get("@numpages"))
        if page is None or num_pages is None:
            raise PageDecodeError("the list element has no valid page/numpages attributes")
        page_size = _decimal(body.get("@pagesize"))
        found = body.get(self.record_key, [])  # absent: no records; None: an empty element
        records = found if isinstance(found, list) else [found]
        for record in records:
            if not isinstance(record, Mapping):
                raise PageDecodeError(f"a {self.record_key!r} element holds no fields")
        # Later pages are asked for with the page size the server used for this one, so
        # that page boundaries line up even if it adjusted the requested num.
        later = _PageUrls(url, range(page + 1, num_pages), page_size)
        return PageData(
            records=records,
            next_url=later[0] if later else None,
            page_number=page,
            page_size=page_size,
            url=str(url) if links else None,
            first_page_url=str(with_page_number(url, 0, page_size)) if links else None,
            previous_page_url=(
                str(with_page_number(url, page - 1, page_size)) if links and page > 0 else None
            ),
            total=_decimal(body.get("@total")),
            num_pages=num_pages,
            later_page_urls=later,
        )


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


async def _discard(tasks: Collection[asyncio.Future[Any]]) -> None:
    """Cancel page fetches the consumer no longer needs, and wait for them to finish.

    Waiting (rather than only cancelling) means no task outlives the stream, and reading
    each outcome means a failed fetch never logs "exception was never retrieved".
    """
    waiting = [task for task in tasks if not task.done()]
    for task in waiting:
        task.cancel()
    if waiting:
        await asyncio.wait(waiting)
    for task in tasks:
        if not task.cancelled():
            task.exception()


# Fetching a page answers a function that decodes it, so that a stream can choose where
# the decoding (CPU) happens: see stream_records.
PageFetch = Callable[[URL], Awaitable[Callable[[], PageData]]]


def _start(fetch: Callable[[], Awaitable[Any]]) -> asyncio.Future[Any]:
    task = asyncio.ensure_future(fetch())
    if isinstance(task, asyncio.Task):
        task.set_name(PREFETCH_TASK_NAME)
    return task


_BAD_RECORD = (ValueError, TypeError, AttributeError)
# Records built per turn of the event loop by a page's background builder: small enough
# that other tasks (the consumer waking up, other requests) wait well under a millisecond.
BUILD_CHUNK = 50


def _each(make: Callable[[Mapping[str, Any]], M], records: Sequence[Mapping[str, Any]]) -> list[M]:
    return [make(record) for record in records]


async def _fetch_decoded(following: PageFetch, url: URL) -> PageData:
    return (await following(url))()


def _build_chunk(
    records: Sequence[Mapping[str, Any]],
    start: int,
    make: Callable[[Mapping[str, Any]], M],
    make_many: Callable[[Sequence[Mapping[str, Any]]], list[M]],
) -> tuple[list[M], Exception | None]:
    """Models of ``records[start:start + BUILD_CHUNK]``; if one cannot be read, those before
    it and the error.

    The stream owns its decoded pages, so the page's references to the records built are
    dropped: each record's dicts are freed as soon as its model exists, rather than with the
    whole page (about 3.4 MB for 1000 phone numbers), while the page is being yielded.
    """
    chunk = records[start : start + BUILD_CHUNK]
    try:
        items, error = make_many(chunk), None
    except _BAD_RECORD:
        items, error = [], None
        for record in chunk:  # again, one by one, to keep the records before the bad one
            try:
                items.append(make(record))
            except _BAD_RECORD as exc:
                error = exc
                break
    if records.__class__ is list:
        records[start : start + len(items)] = _HOLES[: len(items)]
    return items, error


_HOLES = (None,) * BUILD_CHUNK


class _Ahead(Generic[M]):
    """A linked page fetched ahead of the consumer, and its records built in advance.

    Once the page has arrived and been decoded, a builder task turns its records into
    models a chunk at a time, yielding to the event loop between chunks, so the building
    only uses time the loop would otherwise spend idle (typically while the consumer
    awaits something of its own). It stops as soon as the consumer takes the page; the
    consumer builds whatever is left as it goes. A consumer that never yields to the loop
    thus builds everything itself, and one that waits gets its models ready-made.
    """

    __slots__ = ("builder", "cap", "fetch", "items", "make", "make_many", "records", "taken")

    def __init__(
        self,
        fetch: asyncio.Future[PageData],
        make: Callable[[Mapping[str, Any]], M],
        make_many: Callable[[Sequence[Mapping[str, Any]]], list[M]],
        cap: int | None,
    ) -> None:
        self.fetch = fetch
        self.make = make
        self.make_many = make_many
        self.cap = cap
        self.records: Sequence[Mapping[str, Any]] = ()
        self.items: list[M] = []
        self.taken = False
        self.builder: asyncio.Task[None] | None = None
        fetch.add_done_callback(self._arrived)

    def _arrived(self, fetch: asyncio.Future[PageData]) -> None:
        if self.taken or fetch.cancelled() or fetch.exception() is not None:
            return
        records = fetch.result().records
        self.records = records if self.cap is None else records[: self.cap]
        self.builder = asyncio.get_running_loop().create_task(
            self._build(), name=PREFETCH_TASK_NAME
        )

    async def _build(self) -> None:
        items, records = self.items, self.records
        while not self.taken and len(items) < len(records):
            built, error = _build_chunk(records, len(items), self.make, self.make_many)
            items.extend(built)
            if error is not None:
                return  # the consumer meets it again when it gets there, in order
            await asyncio.sleep(0)

    def tasks(self) -> list[asyncio.Future[Any]]:
        return [self.fetch] if self.builder is None else [self.fetch, self.builder]


async def stream_records(
    first: Callable[[], Awaitable[PageData]],
    following: PageFetch,
    make: Callable[[Mapping[str, Any]], M],
    *,
    limit: int | None = None,
    window: int = 1,
    bad_record: Callable[[Exception], Exception] | None = None,
    make_many: Callable[[Sequence[Mapping[str, Any]]], list[M]] | None = None,
) -> AsyncIterator[M]:
    """Yield records page after page, strictly in page order, fetching ahead.

    ``first()`` fetches and decodes the first page; ``following(url)`` fetches a later page
    and answers a function that decodes it.

    When pages only link to the next one, one page is fetched ahead of the consumer: while
    your ``async for`` body works through page *n*, page *n + 1* is on its way, is decoded
    as soon as it arrives, and its records are then built into models whenever the event
    loop is otherwise idle (see :class:`_Ahead`). At most that one page waits besides the
    page being yielded, so memory stays bounded by page size, not by the inventory.

    When the first page tells every later page's URL (:attr:`PageData.later_page_urls`),
    up to ``window`` later pages are requested concurrently ahead of the consumer (each
    request still waits for a slot of the client's ``max_concurrency``). Their bodies are
    kept undecoded, so at most ``window`` raw pages wait in memory besides the page being
    yielded, and each is decoded when the consumer reaches it: decoding follows page
    order, and a slot is refilled as soon as its page is taken instead of after every
    page that arrived with it has been decoded. An empty later page ends such a stream:
    the list has shrunk since the first page, and no page after it can hold records.

    Either way, newly started requests are given one turn of the event loop to go out
    before records are handed to the consumer.

    ``limit`` stops both yielding and fetching: no page is requested once the records
    already received, plus those the pages in flight are expected to hold, cover it.
    Breaking out of the loop, cancelling the consumer, or a page failing cancels every
    request in flight and waits for it, so no task outlives the stream.

    Records become models ``BUILD_CHUNK`` at a time, through ``make_many`` when given (it
    must equal ``[make(r) for r in records]``, only faster). A record ``make`` cannot read
    (``ValueError``/``TypeError``/``AttributeError``) raises what ``bad_record(error)``
    returns, when given, once the records before it have been yielded.
    """
    if make_many is None:
        make_many = functools.partial(_each, make)
    if window < 1:
        raise ValueError("window must be at least 1")
    if limit is not None and limit <= 0:
        return
    remaining = limit
    page = await first()
    known = page.later_page_urls
    later: Iterator[URL] | None = None if known is None else iter(known)
    linked = later is None
    ahead = 1 if linked else window
    # What a page in flight is expected to hold, to stop fetching once limit is covered.
    per_page = max(page.page_size or len(page.records), 1)
    pending: deque[_Ahead[M] | asyncio.Future[Any]] = deque()
    ready: list[M] = []  # records of the current page built in advance
    current: _Ahead[M] | None = None  # the page being yielded, if it was fetched ahead
    try:
        while True:
            records = page.records
            if remaining is not None and remaining < len(records):
                records = records[:remaining]
            left = None if remaining is None else remaining - len(records)
            source = later
            if source is None:
                source = iter(() if page.next_url is None else (page.next_url,))
            started = False
            while len(pending) < ahead and (left is None or left > len(pending) * per_page):
                url = next(source, None)
                if url is None:
                    break
                if linked:
                    fetch = _start(functools.partial(_fetch_decoded, following, url))
                    pending.append(_Ahead(fetch, make, make_many, left))
                else:
                    pending.append(_start(functools.partial(following, url)))
                started = True
            del page  # only the records are needed now: let the envelope go
            if started:
                await asyncio.sleep(0)  # let the new requests go out before the consumer runs
            for item in ready:
                yield item
            for start in range(len(ready), len(records), BUILD_CHUNK):
                items, error = _build_chunk(records, start, make, make_many)
                for item in items:
                    yield item
                if error is not None:
                    raise error if bad_record is None else bad_record(error) from None
            del records
            ready = []
            if left is not None and left <= 0:
                return
            remaining = left
            if not pending:
                return
            taken = pending.popleft()
            if isinstance(taken, _Ahead):
                current = taken
                # Taken before waiting: the builder stops (or, if the page has not arrived
                # yet, never starts: the consumer is idle then and builds it itself).
                taken.taken = True
                page = await taken.fetch
                ready = taken.items
            else:
                decode = await taken
                page = decode()
                if not page.records:
                    return
    finally:
        if current is not None:
            pending.append(current)
        for page_ahead in pending:
            if isinstance(page_ahead, _Ahead):
                # A fetch that has just completed may still have its callback queued:
                # marked taken, it starts no builder after the stream has ended.
                page_ahead.taken = True
        if pending:
            await _discard(
                [t for p in pending for t in (p.tasks() if isinstance(p, _Ahead) else [p])]
            )
