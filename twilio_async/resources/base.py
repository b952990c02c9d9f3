"""The mechanism every resource shares: endpoints as data, operations implemented once.

A resource class declares *what* it is — the endpoint (product, path template, codec),
the model, how its lists page, and the compiled parameter schemas of its operations — and
inherits *how* to create, fetch, update, delete, page and stream from the bases here.
Public methods on concrete resources are one-line, fully typed wrappers.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, ClassVar, Concatenate, Generic, TypeVar, cast, overload
from urllib.parse import quote

import attrs
from typing_extensions import ParamSpec, Self, TypedDict, Unpack
from yarl import URL

from ..codecs import JSON, Codec
from ..converter import record_structurer
from ..envelopes import Paging
from ..errors import InvalidSidError, TwilioDecodeError, TwilioValidationError
from ..hosts import Hosts, Product
from ..pagination import (
    MAX_PAGE_SIZE,
    MAX_PAGE_WINDOW,
    Page,
    PageSource,
    RecordStream,
    StreamCursor,
    why_unreadable,
)
from ..params import ParamSchema, check_utf8, unknown_keyword, validate_sid
from ..transport import Request, Transport
from .operation_docs import document_operations

__all__ = [
    "AwaitedAlias",
    "Collection",
    "Deletable",
    "Endpoint",
    "Instance",
    "ListResource",
    "Mount",
    "NoFilters",
    "Requester",
    "Resource",
    "resource_name",
]

M = TypeVar("M")
C = TypeVar("C", bound="Instance[Any]")
S = TypeVar("S")
T = TypeVar("T")
P = ParamSpec("P")
Pairs = list[tuple[str, str]]


@attrs.frozen
class Endpoint:
    """Where a resource lives: product, path template and body codec.

    ``path`` holds ``{name}`` placeholders filled from the resource's path parameters.
    """

    product: Product
    path: str
    codec: Codec = JSON

    def url(
        self, hosts: Hosts, params: Mapping[str, str], query: Sequence[tuple[str, str]] = ()
    ) -> URL:
        # Every placeholder value has passed a SID check; quoting is defence in depth so
        # that no value can ever add a path segment.
        """The URL of this endpoint on ``hosts``, its placeholders filled from ``params``."""
        path = self.path.format_map({k: _quote(v, "") for k, v in params.items()})
        raw_query = "&".join(f"{_quote(k, '')}={_quote(v, '*')}" for k, v in query)
        return hosts.url(self.product, path, raw_query)


def _quote(value: str, safe: str) -> str:
    # SIDs and most query values are plain ASCII letters and digits, which quote() would
    # return unchanged: skip its cost on every request.
    return value if value.isascii() and value.isalnum() else quote(value, safe=safe)


@attrs.frozen
class Mount:
    """Serve a family of endpoints from another product and path root.

    Twilio serves some APIs twice with the same resources: Marketplace v1 lives at
    ``marketplace.twilio.com/v1`` and the deprecated preview at
    ``preview.twilio.com/marketplace``. Resource classes are declared once, against one of
    them; a resource tree opened with
    ``Mount(Product.MARKETPLACE, "/v1", Product.PREVIEW, "/marketplace")`` sends every
    request of an endpoint of ``product`` under ``root`` to ``to_product`` under ``to_root``
    instead. Endpoints of other products are left alone.
    """

    product: Product
    root: str
    to_product: Product
    to_root: str

    def apply(self, endpoint: Endpoint) -> Endpoint:
        """``endpoint`` as this mount serves it (unchanged if of another product)."""
        return _mounted(endpoint, self)


@functools.lru_cache(maxsize=256)
def _mounted(endpoint: Endpoint, mount: Mount) -> Endpoint:
    if endpoint.product is not mount.product:
        return endpoint
    if not endpoint.path.startswith(mount.root + "/"):
        raise ValueError(f"endpoint {endpoint.path!r} is not under {mount.root!r}")
    return attrs.evolve(
        endpoint,
        product=mount.to_product,
        path=mount.to_root + endpoint.path[len(mount.root) :],
    )


class AwaitedAlias(Generic[S, P, T]):
    """``stream_async = AwaitedAlias(stream)``: a method that returns at once, as a
    coroutine method, for the official ``twilio`` package's spelling
    ``async for record in await numbers.stream_async()``.

    Typed with the wrapped method's own parameters, so each list declares it next to its
    ``stream`` and keeps its filters' types. (A plain ``x_async = x`` does for methods that
    are coroutines already.)
    """

    def __init__(self, method: Callable[Concatenate[S, P], T]) -> None:
        self.method = method
        self.__doc__ = (
            f"The official twilio package's spelling: ``await`` it for {method.__name__}()."
        )
        self._signature: inspect.Signature | None = None  # the method's, without self

    def _document(self) -> inspect.Signature:
        """Take the method's signature and documentation, on first use: its docstring is
        generated once its class exists (operation_docs), after this alias was made."""
        if self._signature is None:
            method = self.method
            if method.__doc__:
                self.__doc__ = f"{self.__doc__}\n\n{inspect.cleandoc(method.__doc__)}"
            signature = inspect.signature(method)
            self._signature = signature.replace(parameters=list(signature.parameters.values())[1:])
        return self._signature

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: S, owner: type[Any]) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, obj: S | None, owner: type[Any]) -> Any:
        signature = self._document()
        if obj is None:
            return self
        method = self.method

        async def awaited(*args: P.args, **kwargs: P.kwargs) -> T:
            return method(obj, *args, **kwargs)

        awaited.__name__ = awaited.__qualname__ = method.__name__ + "_async"
        awaited.__doc__, awaited.__module__ = self.__doc__, method.__module__
        awaited.__signature__ = signature  # type: ignore[attr-defined]
        return awaited


class Requester:
    """What every resource of one client shares: the transport that sends its requests and
    the hosts that say where each product lives."""

    __slots__ = ("hosts", "transport")

    def __init__(self, *, transport: Transport, hosts: Hosts) -> None:
        self.transport = transport
        self.hosts = hosts

    async def call(
        self, method: str, url: URL, *, codec: Codec = JSON, form: Pairs | None = None
    ) -> Any:
        """Send one request through the transport and decode its body."""
        request = Request(method, url, None if form is None else tuple(form), codec.accept)
        response = await self.transport.request(request)
        if method == "DELETE" or response.status == 204:
            return None
        return codec.decode(response.body, method=method, url=url)  # str()ed on error only


R = TypeVar("R", bound="Resource")

_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


@functools.cache
def _placeholders(path: str) -> tuple[str, ...]:
    """The path parameters an endpoint path names: ``("account_sid", "resource_sid")``."""
    return tuple(re.findall(r"\{(\w+)\}", path))


@functools.cache
def resource_name(path: str) -> str:
    """How messages name the resource at an endpoint ``path``, as a user reaches it::

        /2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/Local.json
            -> IncomingPhoneNumbers.local
        /v1/InstalledAddOns/{installed_add_on_sid}/Extensions/{sid}
            -> InstalledAddOns(sid).extensions(sid)

    The 2008-08-01 API's resources are prefixed ``v2008.``.
    """
    segments = path.removesuffix(".json").strip("/").split("/")
    version = segments.pop(0)
    if segments[:2] == ["Accounts", "{account_sid}"]:
        del segments[:2]
    name = "v2008." if version == "2008-08-01" else ""
    for position, segment in enumerate(segments):
        if segment.startswith("{"):
            key = segment[1:-1]
            name += "(sid)" if key.endswith("sid") else f"({key})"
        else:
            name += segment if position == 0 else "." + _WORD_START.sub("_", segment).lower()
    return name


class Resource:
    """A node of the resource tree: the client's requester, the path parameters that locate
    it, and the :class:`Mount` (if any) that re-hosts its endpoints. Children inherit all."""

    __slots__ = ("_mount", "_path", "_requester")

    _endpoint: ClassVar[Endpoint]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        document_operations(cls)  # help() shows each keyword argument of its operations

    def __init__(
        self, requester: Requester, path: Mapping[str, str], mount: Mount | None = None
    ) -> None:
        self._requester = requester
        self._path = dict(path)
        self._mount = mount

    @property
    def _mounted_endpoint(self) -> Endpoint:
        """The class's endpoint, re-hosted by this tree's mount."""
        endpoint = self._endpoint
        return endpoint if self._mount is None else self._mount.apply(endpoint)

    def _child(self, cls: type[R], **extra: str) -> R:
        return cls(self._requester, {**self._path, **extra}, self._mount)

    def _operation(self, method: str) -> str:
        """The name of a call on this resource in messages: ``IncomingPhoneNumbers.create``."""
        return f"{resource_name(self._endpoint.path)}.{method}"

    def __repr__(self) -> str:
        parts = [f"{k}={v!r}" for k, v in self._path.items()]
        if self._mount is not None:
            parts.append(f"at={self._mount.to_product.value}{self._mount.to_root}")
        return f"<{type(self).__name__} {', '.join(parts)}>"


def _structure_one(model: type[M], data: Any, *, method: str, url: URL) -> M:
    try:
        return record_structurer(model)(data)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        why = why_unreadable(model, data, exc, "the response")
        raise TwilioDecodeError(why, method=method, url=str(url)) from None


class NoFilters(TypedDict):
    """The filters of a list that takes none (its page/stream/list take no other keyword)."""


# The keyword arguments besides filters, suggested for a misspelt one.
_PAGE_KEYWORDS = ("page_size", "page_number", "page_token")
_STREAM_KEYWORDS = ("limit", "page_size", "resume")


class ListResource(Resource, Generic[M]):
    """A list endpoint: page, stream, list and (where declared) create."""

    __slots__ = ()

    _endpoint: ClassVar[Endpoint]
    _model: ClassVar[type[Any]]
    _paging: ClassVar[Paging]
    _filters: ClassVar[ParamSchema | None] = None
    _create_params: ClassVar[ParamSchema | None] = None

    # -- operations, implemented once ---------------------------------------------------

    async def _create(self, params: Mapping[str, Any]) -> M:
        schema = self._create_params
        if schema is None:  # pragma: no cover - a resource without create never calls this
            raise TypeError(f"{type(self).__name__} does not support create")
        # Validates before anything is sent.
        form = schema.encode(params, operation=self._operation("create"))
        endpoint = self._mounted_endpoint
        url = endpoint.url(self._requester.hosts, self._path)
        data = await self._requester.call("POST", url, codec=endpoint.codec, form=form)
        return cast(M, _structure_one(self._model, data, method="POST", url=url))

    def _first_page_url(
        self,
        filters: Mapping[str, Any],
        *,
        call: str,
        page_size: int | None,
        page_number: int | None = None,
        page_token: str | None = None,
    ) -> URL:
        query: Pairs = []
        if filters:
            also = _PAGE_KEYWORDS if call == "page" else _STREAM_KEYWORDS
            operation = self._operation(call)
            if self._filters is None:
                raise unknown_keyword(operation, next(iter(filters)), also)
            query.extend(self._filters.encode(filters, operation=operation, also=also))
        if page_size is not None:
            _check_int("page_size", page_size, 1, MAX_PAGE_SIZE)
        if page_number is not None:
            _check_int("page_number", page_number, 0)
        if page_token is not None and not isinstance(page_token, str):
            raise TwilioValidationError("page_token must be a string", param="page_token")
        if page_token is not None:
            check_utf8("page_token", page_token)
        query.extend(
            self._paging.query(page_size=page_size, page_number=page_number, page_token=page_token)
        )
        return self._mounted_endpoint.url(self._requester.hosts, self._path, query)

    def _list_url(self) -> URL:
        return self._mounted_endpoint.url(self._requester.hosts, self._path)

    def _pages(self) -> PageSource[M]:
        endpoint, requester = self._mounted_endpoint, self._requester
        pages = (requester.transport, requester.hosts, endpoint.product, endpoint.codec)
        return PageSource(*pages, self._paging, self._model)

    async def _page(
        self,
        filters: Mapping[str, Any],
        *,
        page_size: int | None,
        page_number: int | None,
        page_token: str | None,
    ) -> Page[M]:
        url = self._first_page_url(
            filters,
            call="page",
            page_size=page_size,
            page_number=page_number,
            page_token=page_token,
        )
        return await self._pages().page(url)

    def _stream(
        self,
        filters: Mapping[str, Any],
        *,
        limit: int | None,
        page_size: int | None,
        resume: StreamCursor | str | None = None,
        call: str = "stream",
    ) -> RecordStream[M]:
        if limit is not None:
            _check_int("limit", limit, 0)
        source = self._pages()
        if resume is None:
            if page_size is None:
                page_size = default_page_size(limit)
            # Built now, so bad filters raise at the call, not at the first iteration.
            first_url = self._first_page_url(filters, call=call, page_size=page_size)
        elif filters or page_size is not None:
            raise TwilioValidationError(
                "resume goes on with the filters and page size of the stream it came from: "
                "pass only limit with it",
                param="resume",
            )
        else:
            resume = resume if isinstance(resume, StreamCursor) else StreamCursor.parse(resume)
            first_url = source.list_page(resume.page, self._list_url(), param="resume")
        # Pages requested ahead when every page URL is known up front: bounded so that
        # memory stays a few pages, and never more than the client lets be in flight.
        window = min(self._requester.transport.max_concurrency, MAX_PAGE_WINDOW)
        return RecordStream(source, first_url, limit=limit, window=window, resume=resume)

    async def _list(
        self,
        filters: Mapping[str, Any],
        *,
        limit: int | None,
        page_size: int | None,
        resume: StreamCursor | str | None = None,
    ) -> list[M]:
        stream = self._stream(filters, limit=limit, page_size=page_size, resume=resume, call="list")
        return [record async for record in stream]

    # -- public, for lists without filters ----------------------------------------------

    # Their **filters take nothing: typed so, they keep a misspelt keyword from type
    # checking, and at run time it gets the TypeError that names this list and the fix.

    async def page(
        self,
        *,
        page_size: int | None = None,
        page_number: int | None = None,
        page_token: str | None = None,
        **filters: Unpack[NoFilters],
    ) -> Page[M]:
        """Fetch one page. ``page_token``/``page_number`` resume from a page Twilio gave."""
        return await self._page(
            filters, page_size=page_size, page_number=page_number, page_token=page_token
        )

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        resume: StreamCursor | str | None = None,
        **filters: Unpack[NoFilters],
    ) -> RecordStream[M]:
        """Iterate every record (up to ``limit``), fetching pages ahead of the consumer;
        ``resume`` (a :class:`StreamCursor` or its text) goes on after its record."""
        return self._stream(filters, limit=limit, page_size=page_size, resume=resume)

    async def list(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        resume: StreamCursor | str | None = None,
        **filters: Unpack[NoFilters],
    ) -> list[M]:
        """Every record (up to ``limit``) in one list. Prefer :meth:`stream` for big lists."""
        return await self._list(filters, limit=limit, page_size=page_size, resume=resume)

    async def get_page(self, url: str) -> Page[M]:
        """Fetch the page at ``url`` (e.g. a saved ``next_page_url``): a page of this list,
        on the configured host."""
        source = self._pages()
        return await source.page(source.list_page(url, self._list_url(), param="url"))

    # The official twilio package's async spellings, same meaning (each list that declares
    # its own page/stream/list declares these next to them).
    page_async = page
    stream_async = AwaitedAlias(stream)
    list_async = list

    async def get_page_async(self, target_url: str) -> Page[M]:
        """The official twilio package's spelling of :meth:`get_page`."""
        return await self.get_page(target_url)


def default_page_size(limit: int | None) -> int:
    """The page size a stream or list asks for when not told: the most a page may hold,
    or ``limit`` when that is smaller (no fetching 1000 records to use 5).

    Twilio's own default is 50, which makes a big list cost 20 times the requests (a
    50,000-number scan of the fake: 1000 requests and 34 s at 50, 50 requests and 4.3 s at
    1000; a stream then holds about two pages, 20 MB of records at its peak by tracemalloc,
    against 1.3 MB at 50). Every list here takes up
    to 1000 (MAX_PAGE_SIZE): API 2010-04-01 and Marketplace v1 and preview say so for
    ``PageSize`` in their OpenAPI specs ("The default is 50, and the maximum is 1000"),
    and Twilio's error 20007 ("Page size too large") gives 1000 as the maximum page
    size; the 2008-08-01 docs give no maximum of their own for ``num``, and a server
    that returns fewer is followed at the size it used (``PagingV2008``).
    """
    return MAX_PAGE_SIZE if limit is None else max(1, min(limit, MAX_PAGE_SIZE))


def _check_int(param: str, value: Any, low: int, high: int | None = None) -> None:
    """Refuse anything but an integer in ``low..high`` (a bool is no count here)."""
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if not is_int or value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"in {low}..{high}"
        raise TwilioValidationError(
            f"{param} must be an integer {bounds}, got {value!r}", param=param
        )


class Instance(Resource, Generic[M]):
    """One resource addressed by SID: fetch, and (where declared) update."""

    __slots__ = ()

    _endpoint: ClassVar[Endpoint]
    _model: ClassVar[type[Any]]
    _sid_prefix: ClassVar[str]
    _sid_key: ClassVar[str] = "sid"
    _update_params: ClassVar[ParamSchema | None] = None
    _update_method: ClassVar[str] = "POST"

    @property
    def sid(self) -> str:
        """The SID this resource is addressed by."""
        return self._path[self._sid_key]

    def _url(self) -> URL:
        return self._mounted_endpoint.url(self._requester.hosts, self._path)

    async def fetch(self) -> M:
        """Fetch the resource. Raises :class:`~twilio_async.errors.NotFoundError` if absent."""
        url = self._url()
        data = await self._requester.call("GET", url, codec=self._mounted_endpoint.codec)
        return cast(M, _structure_one(self._model, data, method="GET", url=url))

    fetch_async = fetch  # the official twilio package's spelling

    async def _update(self, params: Mapping[str, Any]) -> M:
        schema = self._update_params
        if schema is None:  # pragma: no cover
            raise TypeError(f"{type(self).__name__} does not support update")
        form = schema.encode(params, operation=self._operation("update"))
        url = self._url()
        method = self._update_method
        data = await self._requester.call(
            method, url, codec=self._mounted_endpoint.codec, form=form
        )
        return cast(M, _structure_one(self._model, data, method=method, url=url))


class Deletable(Instance[M]):
    """An instance that can be deleted."""

    __slots__ = ()

    async def delete(self) -> None:
        """Delete the resource. Raises :class:`~twilio_async.errors.NotFoundError` if absent."""
        await self._requester.call("DELETE", self._url(), codec=self._mounted_endpoint.codec)

    async def delete_async(self) -> bool:
        """The official twilio package's spelling of :meth:`delete`, returning ``True`` as it
        does once deleted (:meth:`delete` returns None; both raise if not deleted)."""
        await self.delete()
        return True


class Collection(ListResource[M], Generic[M, C]):
    """A list endpoint whose records can also be addressed one by one: ``coll("XX…")``, or
    ``coll(record)`` with a record of it (a model) that this list or another one returned.

    A SID is addressed where this list is: under its account (the client's own, or the
    one of ``client.accounts("AC…")``). A record is addressed where it lives: under its own
    ``account_sid``, so a number listed through a subaccount can be updated through
    ``client.incoming_phone_numbers(number)``. A record of another parent than this list's
    (an Add-on assigned to another number) is refused.
    """

    __slots__ = ()

    _instance: ClassVar[type[Instance[Any]]]

    def __call__(self, sid: str | M) -> C:
        instance, path = self._instance, {**self._path}
        if isinstance(sid, str):
            text = sid
        elif isinstance(sid, self._model):
            record: Any = sid
            path.update(self._where(record))
            text = record.sid
        else:
            raise InvalidSidError(
                f"{instance._sid_key} must be a {instance._sid_prefix}... SID string or a record "
                f"of this list ({self._model.__name__}), got {type(sid).__name__}",
                param=instance._sid_key,
            )
        path[instance._sid_key] = validate_sid(text, instance._sid_prefix, param=instance._sid_key)
        return cast(C, instance(self._requester, path, self._mount))

    def get(self, sid: str | M) -> C:
        """The same as ``coll(sid)``: the official twilio package's spelling."""
        return self(sid)

    def _where(self, record: Any) -> dict[str, str]:
        """The path parameters of ``record``'s own location: its account; every other
        parent it names must be this list's."""
        where: dict[str, str] = {}
        for key in _placeholders(self._endpoint.path):
            here, theirs = self._path[key], getattr(record, key, None)
            if theirs is None or theirs == here:
                continue
            if key == "account_sid":
                where[key] = validate_sid(theirs, "AC", param="account_sid")
                continue
            raise TwilioValidationError(
                f"this {type(record).__name__} ({record.sid}) belongs to {key} {theirs!r}, "
                f"not to {here!r} of this list: address it from its own",
                param=key,
            )
        return where
