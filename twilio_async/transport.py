"""The one way a request leaves this library: :meth:`Transport.request`.

Every resource operation, every page fetch and every retry goes through it. It owns the
aiohttp session (created lazily inside the running loop, closed by the client unless the
user supplied it), the precomputed headers, the per-attempt timeout, the bound on requests
in flight, and the retry loop. Deciding what to retry and building errors are pure
functions (:mod:`twilio_async.retry`, :mod:`twilio_async.errors`).

aiohttp is imported at the first request (or when a session or ``ClientTimeout`` shows the
caller has it loaded already), not with this module: it is well over half the cost of
``import twilio_async``, which services and CLIs pay at start-up whether or not they send
anything.
"""

from __future__ import annotations

import base64
import logging
import random
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode

import attrs
from typing_extensions import TypeIs
from yarl import URL

from ._version import __version__
from .errors import (
    ClientClosedError,
    TwilioAPIError,
    TwilioConnectionError,
    TwilioTimeoutError,
    TwilioTransportError,
    error_from_response,
)
from .retry import RetryPolicy, parse_retry_after

if TYPE_CHECKING:
    import asyncio

    import aiohttp

__all__ = ["Credentials", "Request", "Response", "Transport", "is_client_timeout", "user_agent"]

logger = logging.getLogger("twilio_async")

Pairs = tuple[tuple[str, str], ...]

FORM = "application/x-www-form-urlencoded"


def is_client_timeout(value: object) -> TypeIs[aiohttp.ClientTimeout]:
    """True for an ``aiohttp.ClientTimeout``, without importing aiohttp to find out: a caller
    holding one has imported it already."""
    aiohttp = sys.modules.get("aiohttp")
    return aiohttp is not None and isinstance(value, aiohttp.ClientTimeout)


def user_agent() -> str:
    import platform

    import aiohttp

    return (
        f"twilio_async/{__version__} ({platform.system()} {platform.machine()}) "
        f"Python/{platform.python_version()} aiohttp/{aiohttp.__version__}"
    )


@attrs.frozen(repr=False)
class Credentials:
    """Basic-auth credentials. The secret never appears in ``repr`` or ``str``."""

    username: str
    password: str = attrs.field(eq=False)

    def authorization(self) -> str:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password='***')"


# Request and Response are immutable records built once per HTTP exchange: NamedTuples,
# which cost a fraction of a frozen attrs class to construct on this hot path.
class Request(NamedTuple):
    """One HTTP request, fully built: URL with its query, and an encoded form body."""

    method: str
    url: URL
    form: Pairs | None = None
    accept: str = "application/json"

    def body(self) -> bytes | None:
        return None if self.form is None else urlencode(self.form).encode("ascii")


class Response(NamedTuple):
    """A complete HTTP response: status, headers and the whole body."""

    method: str
    url: URL
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def request_id(self) -> str | None:
        return self.headers.get("Twilio-Request-Id")


def _is_connect_failure(exc: BaseException) -> bool:
    """True when the request certainly never left: the connection was not established."""
    import aiohttp

    connect_timeout = getattr(aiohttp, "ConnectionTimeoutError", None)
    if connect_timeout is not None and isinstance(exc, connect_timeout):
        return True
    return isinstance(exc, aiohttp.ClientConnectorError)


class Transport:
    """Sends requests on one shared aiohttp session with retries and bounded concurrency."""

    def __init__(
        self,
        *,
        credentials: Credentials,
        timeout: float | aiohttp.ClientTimeout = 30.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 50,
        session: aiohttp.ClientSession | None = None,
        user_agent_extra: str | None = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        # A number is checked now; the ClientTimeout is built with aiohttp, in _load().
        self._timeout_arg = timeout if is_client_timeout(timeout) else float(timeout)
        self.retry = retry or RetryPolicy()
        self.max_concurrency = max_concurrency
        self._session = session
        self._owns_session = session is None
        self._closed = False
        self._slots: asyncio.Semaphore | None = None
        self._rng = random.Random()
        self._authorization = credentials.authorization()
        self._user_agent_extra = user_agent_extra
        # Set by _load(), which imports aiohttp: at the first request, or now if the caller
        # has aiohttp loaded already (a session or a ClientTimeout of theirs says so).
        self._timeout: aiohttp.ClientTimeout
        self._client_error: type[Exception]
        self._timeout_error: type[Exception]
        self._headers: dict[str, dict[str, str]]
        self._form_headers: dict[str, dict[str, str]]
        self._loaded = False
        if session is not None or is_client_timeout(timeout):
            self._load()

    def _load(self) -> None:
        """Import aiohttp and build what depends on it; once."""
        if self._loaded:
            return
        import asyncio

        import aiohttp

        timeout: Any = self._timeout_arg
        self._timeout = (
            timeout
            if isinstance(timeout, aiohttp.ClientTimeout)
            else aiohttp.ClientTimeout(total=float(timeout))
        )
        self._client_error = aiohttp.ClientError
        self._timeout_error = asyncio.TimeoutError
        extra = self._user_agent_extra
        agent = user_agent() + (f" {extra}" if extra else "")
        # Built once: the auth header is the same for every request.
        self._headers = {
            accept: {"Authorization": self._authorization, "User-Agent": agent, "Accept": accept}
            for accept in ("application/json", "application/xml")
        }
        self._form_headers = {
            accept: {**headers, "Content-Type": FORM} for accept, headers in self._headers.items()
        }
        self._loaded = True

    @property
    def timeout(self) -> aiohttp.ClientTimeout:
        self._load()
        return self._timeout

    @property
    def closed(self) -> bool:
        return self._closed

    def _session_for_request(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("this twilio_async Client is closed")
        if self._session is None:
            # Created here, inside the running loop, so a Client can be built anywhere.
            import aiohttp

            self._load()
            connector = aiohttp.TCPConnector(limit=self.max_concurrency, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session

    def _semaphore(self) -> asyncio.Semaphore:
        if self._slots is None:
            import asyncio  # loaded already: this runs inside the event loop

            self._slots = asyncio.Semaphore(self.max_concurrency)
        return self._slots

    async def close(self) -> None:
        """Close the session if this transport created it. Idempotent."""
        if self._closed:
            return
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            await session.close()

    async def request(self, request: Request) -> Response:
        """Send ``request``, retrying as :class:`RetryPolicy` allows.

        Returns a 2xx :class:`Response`; raises :class:`TwilioAPIError` (or a subclass) for
        an HTTP error and :class:`TwilioTransportError` for connection failures/timeouts.
        """
        retry_number = 0
        while True:
            try:
                response = await self._attempt(request)
            except TwilioTransportError as failure:
                delay = self.retry.delay_for_failure(
                    method=request.method,
                    request_sent=failure.request_sent,
                    retry_number=retry_number,
                    rng=self._rng,
                )
                if delay is None:
                    raise
                reason = type(failure).__name__
            else:
                if 200 <= response.status < 300:
                    return response
                error = self._error(response)
                delay = self.retry.delay_for_status(
                    method=request.method,
                    status=response.status,
                    retry_number=retry_number,
                    retry_after=error.retry_after,
                    rng=self._rng,
                )
                if delay is None:
                    raise error
                reason = f"HTTP {response.status}"
            retry_number += 1
            logger.info(
                "retrying %s %s in %.2fs after %s (retry %d of %d)",
                request.method,
                request.url,
                delay,
                reason,
                retry_number,
                self.retry.max_retries,
            )
            import asyncio

            await asyncio.sleep(delay)

    @staticmethod
    def _error(response: Response) -> TwilioAPIError:
        return error_from_response(
            status=response.status,
            reason=response.reason,
            body=response.body,
            method=response.method,
            url=str(response.url),
            request_id=response.request_id,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )

    async def _attempt(self, request: Request) -> Response:
        session = self._session_for_request()
        body = request.body()
        headers = (self._form_headers if body is not None else self._headers)[request.accept]
        method, url = request.method, request.url
        async with self._semaphore():
            started = time.perf_counter()
            try:
                async with session.request(
                    method,
                    url,
                    data=body,
                    headers=headers,
                    timeout=self._timeout,
                    allow_redirects=False,  # a redirect must never carry our credentials away
                ) as raw:
                    payload = await raw.read()
                    response = Response(
                        method, url, raw.status, raw.reason or "", raw.headers, payload
                    )
            except self._timeout_error as exc:
                raise TwilioTimeoutError(
                    f"no response within {self._timeout.total}s",
                    method=method,
                    url=str(url),
                    request_sent=not _is_connect_failure(exc),
                ) from None
            except self._client_error as exc:
                raise TwilioConnectionError(
                    f"connection failed: {type(exc).__name__}: {exc}",
                    method=method,
                    url=str(url),
                    request_sent=not _is_connect_failure(exc),
                ) from exc
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.1f ms (request id %s)",
                method,
                url,
                response.status,
                (time.perf_counter() - started) * 1000,
                response.request_id,
            )
        return response
