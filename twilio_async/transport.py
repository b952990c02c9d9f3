"""The one way a request leaves this library: :meth:`Transport.request`.

Every resource operation, every page fetch and every retry goes through it. A call runs
the retry loop: each attempt takes a permit from the client's
:class:`~twilio_async.limits.Limiter`, is one HTTP exchange with the per-attempt
``timeout``, its body read up to ``max_response_size``, and gives the permit back with its
:class:`~twilio_async.limits.Outcome` (so an adaptive limit learns from it) before any
wait for a retry; :class:`RetryPolicy` decides what is retried; the call as a whole ends
within ``total_timeout`` (retries, waits and later permits included). Deciding what to
retry and building errors are pure functions (:mod:`twilio_async.retry`,
:mod:`twilio_async.error_bodies`).

:class:`Sessions` holds what a client shares with its ``with_options()`` copies: the aiohttp
session of the event loop in use (made there on first use, closed by the client unless the
user supplied it), the headers and the limiter.

aiohttp is imported at the first request (or when a ``ClientTimeout`` shows the caller has
it loaded already), not with this module: it is well over half the cost of
``import twilio_async``, which services and CLIs pay at start-up whether or not they send
anything.
"""

from __future__ import annotations

import base64
import copy
import logging
import random
import sys
import time
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict
from urllib.parse import urlencode

import attrs
from typing_extensions import Self, TypeIs, Unpack
from yarl import URL

from ._version import __version__
from .error_bodies import error_from_response
from .errors import (
    ClientClosedError,
    ConfigurationError,
    EventLoopError,
    ResponseTooLargeError,
    TwilioAPIError,
    TwilioConnectionError,
    TwilioTimeoutError,
    TwilioTransportError,
    escape_control,
)
from .limits import DEFAULT_MAX_CONCURRENCY, Limiter, LocalLimiter, Outcome
from .retry import RetryPolicy, parse_retry_after

if TYPE_CHECKING:
    import asyncio

    import aiohttp

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "Credentials",
    "Options",
    "Request",
    "Response",
    "Sessions",
    "Transport",
    "is_client_timeout",
    "user_agent",
]

logger = logging.getLogger("twilio_async")

Pairs = tuple[tuple[str, str], ...]

FORM = "application/x-www-form-urlencoded"

DEFAULT_TIMEOUT = 30.0
"""Seconds one attempt may take."""
DEFAULT_TOTAL_TIMEOUT = 60.0
"""Seconds one call may take, every attempt and wait included (two full attempts)."""
DEFAULT_MAX_RESPONSE_SIZE = 32 * 2**20
"""Bytes of one response body: 8x Twilio's largest page (1000 numbers, about 4 MB)."""

# Read on every attempt: module globals are found faster than an Enum's members.
_OK, _THROTTLED, _FAILED = Outcome.OK, Outcome.THROTTLED, Outcome.FAILED


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


# -- options ---------------------------------------------------------------------------------


class Options(TypedDict, total=False):
    """The per-call options a client's ``with_options()`` can change."""

    timeout: float | aiohttp.ClientTimeout
    total_timeout: float | None
    retry: RetryPolicy
    max_response_size: int


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def check_options(options: Mapping[str, object]) -> None:
    """Refuse a malformed setting with a :class:`ConfigurationError` naming it."""
    for name, value in options.items():
        if name == "timeout":
            ok = is_client_timeout(value) or _positive(value)
            want = "a positive number of seconds (or an aiohttp.ClientTimeout)"
        elif name == "total_timeout":
            ok, want = value is None or _positive(value), "a positive number of seconds, or None"
        elif name == "retry":
            ok, want = isinstance(value, RetryPolicy), "a RetryPolicy"
        elif name in ("max_response_size", "max_concurrency"):
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
            want = "an integer >= 1"
        else:
            raise TypeError(f"unknown option {name!r}")
        if not ok:
            raise ConfigurationError(f"{name} must be {want}", param=name)


def check_concurrency(
    max_concurrency: int | None, adaptive: bool | None, limiter: Limiter[Any] | None
) -> None:
    """Refuse a malformed concurrency setting, or one that belongs to a limiter passed in."""
    if limiter is None:
        if max_concurrency is not None:
            check_options({"max_concurrency": max_concurrency})
        if adaptive is not None and not isinstance(adaptive, bool):
            raise ConfigurationError(
                "adaptive_concurrency must be True or False", param="adaptive_concurrency"
            )
        return
    for name, value in (("max_concurrency", max_concurrency), ("adaptive_concurrency", adaptive)):
        if value is not None:
            raise ConfigurationError(
                f"{name} is the limiter's to set when a limiter is passed: "
                "LocalLimiter(max_concurrency=..., adaptive=...)",
                param=name,
            )
    bound = getattr(limiter, "max_concurrency", None)
    if not (
        callable(getattr(limiter, "acquire", None))
        and callable(getattr(limiter, "release", None))
        and isinstance(bound, int)
        and not isinstance(bound, bool)
        and bound >= 1
    ):
        raise ConfigurationError(
            "limiter must have acquire(), release() and a max_concurrency >= 1 "
            "(twilio_async.limits.Limiter)",
            param="limiter",
        )


# -- the session of each event loop ----------------------------------------------------------


class _Lane:
    """A client's session in one event loop, with the retry waits in progress (woken by
    close)."""

    __slots__ = ("guard", "loop", "session", "sleepers", "woken")

    def __init__(self, loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession) -> None:
        self.loop = loop
        self.session = session
        self.sleepers: set[asyncio.Future[None]] = set()
        self.woken = False  # by close: no wait starts after it
        self.guard: AsyncGenerator[None, None] | None = None

    async def sleep(self, delay: float) -> None:
        """``asyncio.sleep(delay)``, cut short by :meth:`wake` (or skipped after it)."""
        if self.woken:
            return
        waiter = self.loop.create_future()
        timer = self.loop.call_later(delay, _wake, waiter)
        self.sleepers.add(waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self.sleepers.discard(waiter)

    def wake(self) -> None:
        self.woken = True
        for waiter in self.sleepers:
            _wake(waiter)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


async def _closed_with_loop(sessions: Sessions, lane: _Lane) -> AsyncGenerator[None, None]:
    """Suspended at its ``yield`` for the life of the lane's loop. ``asyncio.run()`` and
    ``asyncio.Runner`` (pytest-asyncio's too) finalize the async generators still open
    before they close the loop, so the session is closed while its loop can still run the
    close; a client used from a later loop then opens a new session there."""
    try:
        yield
    finally:
        await sessions.retire(lane)


class Sessions:
    """What a client shares with its ``with_options()`` copies: the aiohttp session of the
    event loop in use, the limiter, the headers and whether the client is closed.

    A session belongs to the loop it was made in. A client made at import time and used in
    one ``asyncio.run()`` after another gets a new session in each: the old one is closed
    as its loop shuts down. Use from a second loop while the first is still open (another
    thread) raises :class:`EventLoopError`, as does using a session the user passed in
    from a loop other than the one it first served.
    """

    def __init__(
        self,
        *,
        credentials: Credentials,
        limiter: Limiter[Any] | None,
        max_concurrency: int,
        adaptive_concurrency: bool,
        session: aiohttp.ClientSession | None,
        user_agent_extra: str | None,
    ) -> None:
        self._own_limiter = (max_concurrency, adaptive_concurrency) if limiter is None else None
        self.limiter: Limiter[Any] = (
            LocalLimiter(max_concurrency, adaptive=adaptive_concurrency)
            if limiter is None
            else limiter
        )
        self.max_concurrency = self.limiter.max_concurrency
        self.closed = False
        self.lane: _Lane | None = None
        self._given = session
        self._authorization = credentials.authorization()
        self._user_agent_extra = user_agent_extra
        # Set by _load(), which imports aiohttp, at the first request.
        self.headers: dict[str, dict[str, str]]
        self.form_headers: dict[str, dict[str, str]]
        self.client_error: type[Exception]
        self.timeout_error: type[Exception]
        self.running_loop: Callable[[], asyncio.AbstractEventLoop]
        self._loaded = False

    def _load(self) -> None:
        """Import aiohttp and build what depends on it; once."""
        if self._loaded:
            return
        import asyncio

        import aiohttp

        extra = self._user_agent_extra
        agent = user_agent() + (f" {extra}" if extra else "")
        # Built once: the auth header is the same for every request.
        self.headers = {
            accept: {"Authorization": self._authorization, "User-Agent": agent, "Accept": accept}
            for accept in ("application/json", "application/xml")
        }
        self.form_headers = {
            accept: {**headers, "Content-Type": FORM} for accept, headers in self.headers.items()
        }
        self.client_error = aiohttp.ClientError
        self.timeout_error = asyncio.TimeoutError
        self.running_loop = asyncio.get_running_loop
        self._loaded = True

    async def open_lane(self) -> _Lane:
        """The lane of the running loop, opened now (the first use in this loop)."""
        self._load()
        loop = self.running_loop()
        old = self.lane
        if old is not None and old.loop is not loop:
            if self._given is not None:
                raise EventLoopError(
                    "the aiohttp session passed to this Client serves another event loop; "
                    "pass a session created in the loop that uses the client"
                )
            if not old.loop.is_closed():
                raise EventLoopError(
                    "this Client's session belongs to another event loop that is still open "
                    "(in another thread?); use one Client per event loop, or close it there first"
                )
            # That loop was closed without finalizing its async generators (closed by hand,
            # not by asyncio.run): its session can no longer be closed, only dropped, and
            # the permits its unfinished calls held are gone with it (with the client's own
            # limiter; one passed in serves one loop, as documented).
            self.lane = None
            if self._own_limiter is not None:
                max_concurrency, adaptive = self._own_limiter
                self.limiter = LocalLimiter(max_concurrency, adaptive=adaptive)
        if self.lane is None:
            lane = _Lane(loop, self._given or self._new_session())
            self.lane = lane
            if self._given is None:
                lane.guard = _closed_with_loop(self, lane)
                await lane.guard.__anext__()  # runs to its yield at once: nothing interleaves
        return self.lane

    def _new_session(self) -> aiohttp.ClientSession:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=self.max_concurrency, ttl_dns_cache=300)
        session = aiohttp.ClientSession(connector=connector)
        # aiohttp resends a GET, PUT or DELETE once, below the retry loop, when a connection
        # breaks before the answer: a reset GET went out twice with max_retries=0, six times
        # with 2, and a PUT could be repeated after Twilio processed it. aiohttp's own test
        # client switches that off with this attribute; tests/test_hardening.py fails if
        # aiohttp renames it.
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        return session

    async def retire(self, lane: _Lane) -> None:
        """Close the session the client made for ``lane`` (in its loop); forget the lane."""
        if self.lane is lane:
            self.lane = None
        lane.wake()
        await lane.session.close()

    async def close(self) -> None:
        """Mark the client closed, wake its retry waits, and close the session it made."""
        if self.closed:
            return
        lane = self.lane
        if lane is not None and not lane.loop.is_closed() and lane.loop is not self.running_loop():
            raise EventLoopError(
                "close() must run in the event loop that uses the client (it is still "
                "open, in another thread?)"
            )
        self.closed = True
        self.lane = None
        if lane is None or lane.loop.is_closed():
            return
        if lane.guard is not None:
            await lane.guard.aclose()  # runs its finally: retire(lane)
        else:
            lane.wake()


# -- the transport ---------------------------------------------------------------------------


class _Failed(Exception):
    """One exchange that got no usable answer. The retry loop turns it into the public
    :class:`TwilioTransportError` once it knows how the call ends."""

    def __init__(self, kind: type[TwilioTransportError], message: str, request_sent: bool) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.request_sent = request_sent


def _cause(outcome: Response | _Failed) -> BaseException | None:
    """What the final error of a call ending with ``outcome`` is chained from."""
    return outcome.__cause__ if isinstance(outcome, _Failed) else None


def _is_connect_failure(exc: BaseException) -> bool:
    """True when the request certainly never left: the connection was not established."""
    import aiohttp

    connect_timeout = getattr(aiohttp, "ConnectionTimeoutError", None)
    if connect_timeout is not None and isinstance(exc, connect_timeout):
        return True
    return isinstance(exc, aiohttp.ClientConnectorError)


class Transport:
    """Sends requests with retries, a total budget per call and bounded concurrency.

    Holds the per-call options (``timeout``, ``total_timeout``, ``retry``,
    ``max_response_size``); :meth:`with_options` makes a copy with some changed that shares
    the :class:`Sessions` (session, limiter, closed state).
    """

    def __init__(
        self,
        *,
        credentials: Credentials,
        timeout: float | aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_concurrency: int | None = None,
        adaptive_concurrency: bool | None = None,
        limiter: Limiter[Any] | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        session: aiohttp.ClientSession | None = None,
        user_agent_extra: str | None = None,
    ) -> None:
        check_options(
            {
                "timeout": timeout,
                "total_timeout": total_timeout,
                "retry": retry or RetryPolicy(),
                "max_response_size": max_response_size,
            }
        )
        check_concurrency(max_concurrency, adaptive_concurrency, limiter)
        self.sessions = Sessions(
            credentials=credentials,
            limiter=limiter,
            max_concurrency=DEFAULT_MAX_CONCURRENCY if max_concurrency is None else max_concurrency,
            adaptive_concurrency=adaptive_concurrency is not False,
            session=session,
            user_agent_extra=user_agent_extra,
        )
        self._rng = random.Random()
        self._set(timeout, total_timeout, retry or RetryPolicy(), max_response_size)

    def _set(
        self,
        timeout: float | aiohttp.ClientTimeout,
        total_timeout: float | None,
        retry: RetryPolicy,
        max_response_size: int,
    ) -> None:
        self._timeout_arg = timeout
        self._timeout: aiohttp.ClientTimeout | None = None  # built with aiohttp, on first use
        self.total_timeout = None if total_timeout is None else float(total_timeout)
        self.retry = retry
        self.max_response_size = max_response_size

    def with_options(self, **changes: Unpack[Options]) -> Self:
        """A transport with the options given changed, sharing this one's sessions."""
        check_options(changes)
        clone = copy.copy(self)
        clone._set(
            changes.get("timeout", self._timeout_arg),
            changes.get("total_timeout", self.total_timeout),
            changes.get("retry", self.retry),
            changes.get("max_response_size", self.max_response_size),
        )
        return clone

    @property
    def timeout(self) -> aiohttp.ClientTimeout:
        """The per-attempt timeout."""
        return self._timeout or self._build_timeout()

    def _build_timeout(self) -> aiohttp.ClientTimeout:
        import aiohttp

        arg: Any = self._timeout_arg
        self._timeout = arg if is_client_timeout(arg) else aiohttp.ClientTimeout(total=float(arg))
        return self._timeout

    @property
    def max_concurrency(self) -> int:
        return self.sessions.max_concurrency

    @property
    def limiter(self) -> Limiter[Any]:
        return self.sessions.limiter

    @property
    def closed(self) -> bool:
        return self.sessions.closed

    async def close(self) -> None:
        """Close the session if the client created it. Idempotent."""
        await self.sessions.close()

    async def request(self, request: Request) -> Response:
        """Send ``request``, retrying as :class:`RetryPolicy` allows, within
        ``total_timeout``.

        Returns a 2xx :class:`Response`; raises :class:`TwilioAPIError` (or a subclass) for
        an HTTP error, :class:`TwilioTransportError` for connection failures/timeouts,
        :class:`ResponseTooLargeError` for a body over ``max_response_size``.
        """
        sessions = self.sessions
        if sessions.closed:
            raise ClientClosedError("this twilio_async Client is closed")
        lane = sessions.lane
        if lane is None or lane.loop is not sessions.running_loop():
            lane = await sessions.open_lane()
        limiter = sessions.limiter
        # The call's budget starts once its first attempt has a permit: time queued behind
        # other calls is not this call's. Its retries queue again, within the budget.
        permit = await limiter.acquire()
        return await self._call(lane, limiter, permit, request)

    async def _call(
        self, lane: _Lane, limiter: Limiter[Any], permit: object, request: Request
    ) -> Response:
        loop = lane.loop
        now = loop.time()
        deadline = None if self.total_timeout is None else now + self.total_timeout
        attempt = 0
        while True:
            attempt += 1
            try:  # the permit is held for this attempt only, and given back however it ends
                if self.sessions.closed:
                    raise ClientClosedError("this twilio_async Client was closed during the call")
                timeout, cut = self._attempt_timeout(deadline, now)
                response = await self._exchange(lane.session, request, timeout)
            except _Failed as failure:
                limiter.release(permit, _FAILED)
                if self.sessions.closed:
                    raise ClientClosedError(
                        "this twilio_async Client was closed during the call"
                    ) from failure.__cause__
                if cut and failure.kind is TwilioTimeoutError:
                    raise TwilioTimeoutError(
                        f"no response within the call's {self._budget_text()}",
                        method=request.method,
                        url=str(request.url),
                        request_sent=failure.request_sent,
                        attempts=attempt,
                    ) from None
                outcome: Response | _Failed = failure
            except BaseException:
                limiter.release(permit, _FAILED)
                raise
            else:
                status = response.status
                limiter.release(
                    permit, _THROTTLED if status == 429 else _OK if status < 500 else _FAILED
                )
                if 200 <= status < 300:
                    return response
                outcome = response
            delay, note = self._retry_delay(request, outcome, attempt), None
            if delay is not None and deadline is not None and loop.time() + delay >= deadline:
                note = f"not retried: a wait of {delay:.3g}s would pass the {self._budget_text()}"
                delay = None
            if delay is None:
                raise self._final_error(request, outcome, attempt, note) from _cause(outcome)
            logger.info(
                "retrying %s %s in %.2fs after %s (retry %d of %d)",
                request.method,
                escape_control(str(request.url)),
                delay,
                outcome.kind.__name__ if isinstance(outcome, _Failed) else f"HTTP {outcome.status}",
                attempt,
                self.retry.max_retries,
            )
            await lane.sleep(delay)
            permit = await self._retry_permit(limiter, loop, deadline, request, outcome, attempt)
            now = loop.time()

    async def _retry_permit(
        self,
        limiter: Limiter[Any],
        loop: asyncio.AbstractEventLoop,
        deadline: float | None,
        request: Request,
        outcome: Response | _Failed,
        attempt: int,
    ) -> object:
        """A permit for the retry, granted before the call's deadline; else the call ends
        with its last error (``outcome``), saying why."""
        if self.sessions.closed:
            raise ClientClosedError("this twilio_async Client was closed during the call")
        try:
            permit = await limiter.acquire(retry=True, deadline=deadline)
        except TimeoutError:
            pass
        else:
            if deadline is None or loop.time() < deadline:
                return permit
            # Granted as the budget ran out: no time is left for an attempt (and a
            # ClientTimeout of 0 would mean no timeout at all).
            limiter.release(permit, _FAILED)
        note = f"not retried: no concurrency permit came free within the {self._budget_text()}"
        raise self._final_error(request, outcome, attempt, note) from _cause(outcome)

    def _attempt_timeout(
        self, deadline: float | None, now: float
    ) -> tuple[aiohttp.ClientTimeout, bool]:
        """The next attempt's timeout, and whether the call's budget cut it short."""
        timeout = self._timeout or self._build_timeout()
        if deadline is None or (timeout.total is not None and deadline - now >= timeout.total):
            return timeout, False
        import aiohttp

        cut = aiohttp.ClientTimeout(
            total=max(deadline - now, 0.0),
            connect=timeout.connect,
            sock_read=timeout.sock_read,
            sock_connect=timeout.sock_connect,
            ceil_threshold=timeout.ceil_threshold,
        )
        return cut, True

    def _retry_delay(
        self, request: Request, outcome: Response | _Failed, attempt: int
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None: the retry policy's word."""
        if isinstance(outcome, _Failed):
            return self.retry.delay_for_failure(
                method=request.method,
                request_sent=outcome.request_sent,
                retry_number=attempt - 1,
                rng=self._rng,
            )
        return self.retry.delay_for_status(
            method=request.method,
            status=outcome.status,
            retry_number=attempt - 1,
            retry_after=parse_retry_after(outcome.headers.get("Retry-After")),
            rng=self._rng,
        )

    def _budget_text(self) -> str:
        return f"total_timeout of {self.total_timeout:g}s"

    @staticmethod
    def _final_error(
        request: Request, outcome: Response | _Failed, attempts: int, note: str | None
    ) -> TwilioAPIError | TwilioTransportError:
        if isinstance(outcome, _Failed):
            return outcome.kind(
                outcome.message,
                method=request.method,
                url=str(request.url),
                request_sent=outcome.request_sent,
                attempts=attempts,
                note=note,
            )
        return error_from_response(
            status=outcome.status,
            reason=outcome.reason,
            body=outcome.body,
            method=outcome.method,
            url=str(outcome.url),
            request_id=outcome.request_id,
            retry_after=parse_retry_after(outcome.headers.get("Retry-After")),
            attempts=attempts,
            note=note,
        )

    async def _exchange(
        self, session: aiohttp.ClientSession, request: Request, timeout: aiohttp.ClientTimeout
    ) -> Response:
        """One HTTP exchange: send, and read the whole answer (up to the size limit)."""
        sessions = self.sessions
        body = request.body()
        headers = (sessions.form_headers if body is not None else sessions.headers)[request.accept]
        method, url = request.method, request.url
        started = time.perf_counter()
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,  # a redirect must never carry our credentials away
            ) as raw:
                # aiohttp's read() awaited directly, not through a coroutine of ours: 3-5k
                # instructions (0.5-0.9%) less per request (callgrind, fetch, concurrency 1).
                payload = await (
                    raw.read() if self._known_to_fit(raw) else self._read_capped(raw, method, url)
                )
                response = Response(method, url, raw.status, raw.reason or "", raw.headers, payload)
        except sessions.timeout_error as exc:
            raise _Failed(
                TwilioTimeoutError,
                f"no response within {timeout.total:g}s"
                if timeout.total is not None
                else f"no response in time ({timeout})",
                not _is_connect_failure(exc),
            ) from None
        except sessions.client_error as exc:
            raise _Failed(
                TwilioConnectionError,
                f"connection failed: {type(exc).__name__}: {exc}",
                not _is_connect_failure(exc),
            ) from exc
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.1f ms (request id %s)",
                method,
                escape_control(str(url)),
                response.status,
                (time.perf_counter() - started) * 1000,
                escape_control(response.request_id or "-"),
            )
        return response

    def _known_to_fit(self, raw: aiohttp.ClientResponse) -> bool:
        """True when the body's size is announced, uncompressed and within the limit: then
        aiohttp reads exactly that many bytes."""
        length = raw.content_length
        return (
            length is not None
            and length <= self.max_response_size
            and "Content-Encoding" not in raw.headers
        )

    async def _read_capped(self, raw: aiohttp.ClientResponse, method: str, url: URL) -> bytes:
        """A body not known to fit, refused with :class:`ResponseTooLargeError` once it
        would pass ``max_response_size``: by its Content-Length before reading, else as it
        arrives (chunked, ended by the connection's close, or compressed: a small gzip body
        can inflate to any size)."""
        limit = self.max_response_size
        length = raw.content_length
        if length is not None and length > limit:
            raw.close()
            raise ResponseTooLargeError(method=method, url=str(url), limit=limit, size=length)
        chunks: list[bytes] = []
        size = 0
        async for chunk in raw.content.iter_any():
            size += len(chunk)
            if size > limit:
                raw.close()
                raise ResponseTooLargeError(method=method, url=str(url), limit=limit)
            chunks.append(chunk)
        return b"".join(chunks)
