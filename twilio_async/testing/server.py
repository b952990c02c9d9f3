"""FakeTwilio: a real HTTP server on 127.0.0.1 that behaves as Twilio documents.

::

    async with FakeTwilio() as fake:
        async with fake.client() as client:
            number = await client.incoming_phone_numbers.create(area_code="415")

It checks Basic auth (401, code 20003), answers unknown resources with 404 (code 20404),
validates parameters the way Twilio does, pages with ``PageToken`` links, and renders
errors as Twilio's JSON body (``code``, ``message``, ``more_info``, ``status``). Tests can
seed and inspect :attr:`FakeTwilio.state`, read :attr:`FakeTwilio.requests`, limit the
requests an account may have in flight, add latency, and inject faults (429/5xx sequences
with ``Retry-After``, dropped connections, lost responses) with :meth:`FakeTwilio.inject`.

Each request goes through one pipeline: it is recorded; beyond the account's concurrency
limit it is answered 429 (code 20429) and not processed; otherwise it waits its latency,
meets the first injected fault that takes it, is authenticated and handled by its route.

``async with FakeTwilio()`` serves from the running event loop; ``with FakeTwilio()``
serves from a thread with a loop of its own (:mod:`.background`), which is how the pytest
fixtures (:mod:`.pytest_plugin`) outlive each test's event loop.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import parse_qsl

import aiohttp
import attrs
from aiohttp import web

from ..hosts import FAKE_SECRET_PREFIX
from ..transport import Credentials
from .add_ons_api import AssignedAddOnsApi, MarketplaceApi
from .area import ApiArea, ErrorRenderer, Handler, bind_request
from .available_api import AvailableNumbersApi
from .background import BackgroundLoop
from .faults import Fault, Latency
from .inventory import AvailableInventory
from .legacy_api import LegacyNumbersApi
from .log import RecordedRequest, per_key
from .numbers_api import NumbersApi
from .state import FakeAccount, FakeState
from .wire import FakeError, json_error, json_response, query_pairs

if TYPE_CHECKING:
    from ..client import Client

__all__ = [
    "DEFAULT_ACCOUNT_SID",
    "DEFAULT_AUTH_TOKEN",
    "FakeTwilio",
    "Fault",
    "Latency",
    "RecordedRequest",
]

DEFAULT_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
# Marked as the fake's: a Client refuses to send it anywhere but a loopback host.
DEFAULT_AUTH_TOKEN = FAKE_SECRET_PREFIX + "0" * 32

P = ParamSpec("P")
R = TypeVar("R")


def _in_fake_thread(
    method: Callable[Concatenate[FakeTwilio, P], R],
) -> Callable[Concatenate[FakeTwilio, P], R]:
    """Run a method that changes the fake's state in the thread that serves it (when it is
    served from a thread): never in the middle of a request."""

    @functools.wraps(method)
    def in_fake_thread(self: FakeTwilio, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._background is None:
            return method(self, *args, **kwargs)
        return self._background.call(lambda: method(self, *args, **kwargs))

    return in_fake_thread


class FakeTwilio:
    """An in-process fake of Twilio's REST APIs, on a real socket bound to 127.0.0.1.

    ``latency`` delays every request (seconds; :meth:`set_latency` sets it per method and
    path), ``account_concurrency`` caps the requests one account may have in flight
    (beyond it: 429 with code 20429, not processed; None for no cap) and
    ``inventory_size`` sets how many numbers each block of the available inventory holds.
    """

    def __init__(
        self,
        *,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        account_concurrency: int | None = None,
        inventory_size: int = 1000,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("FakeTwilio only binds to loopback")
        self.state = FakeState()
        self.state.inventory.size = inventory_size
        self.account = self.state.add_account(sid=account_sid, auth_token=auth_token)
        self.host = host
        self.port = port
        self.latency = latency
        self.latencies: list[Latency] = []  # per method/path; the last match wins
        self.account_concurrency = account_concurrency
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self.status_counts: Counter[int] = Counter()  # answers sent, by status
        self._account_in_flight: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self._background: BackgroundLoop | None = None  # when served from a thread
        # Keyword arguments client() passes unless told otherwise (the fixtures: retry=).
        self.client_defaults: dict[str, Any] = {}
        self.app = web.Application(middlewares=[self._middleware])
        self._error_renderers: list[tuple[str, ErrorRenderer]] = []
        for area in self._areas():
            for method, path, handler in area.routes():
                self.app.router.add_route(method, path, handler)
            self._error_renderers.extend(area.error_renderers())

    def _areas(self) -> tuple[ApiArea, ...]:
        return (
            NumbersApi(self.state),
            AvailableNumbersApi(self.state),
            MarketplaceApi(self.state),
            AssignedAddOnsApi(self.state),
            LegacyNumbersApi(self.state),
        )

    # -- identity -------------------------------------------------------------------------

    @property
    def account_sid(self) -> str:
        """The main account's SID (``Client(fake.account_sid, fake.auth_token)``)."""
        return self.account.sid

    @property
    def auth_token(self) -> str:
        """The main account's auth token."""
        return self.account.auth_token

    @property
    def url(self) -> str:
        """The fake's base URL, ``http://127.0.0.1:<port>`` (raises ``RuntimeError`` before
        :meth:`start`)."""
        if self._runner is None:
            raise RuntimeError("FakeTwilio is not started")
        return f"http://{self.host}:{self.port}"

    def client(self, **options: Any) -> Client:
        """A :class:`twilio_async.Client` pointed at this fake with its credentials;
        ``options`` are the client's keyword arguments (they override the credentials and
        :attr:`client_defaults`)."""
        from ..client import Client

        options = {**self.client_defaults, **options}
        options.setdefault("account_sid", self.account_sid)
        options.setdefault("auth_token", self.auth_token)
        return Client(base_url=self.url, **options)

    def session(
        self, *, account_sid: str | None = None, auth_token: str | None = None
    ) -> aiohttp.ClientSession:
        """A bare aiohttp session on this fake, signed in as the main account (or as
        ``account_sid``/``auth_token``): for tests of the wire without the client."""
        credentials = Credentials(account_sid or self.account_sid, auth_token or self.auth_token)
        headers = {"Authorization": credentials.authorization()}
        return aiohttp.ClientSession(base_url=self.url, headers=headers)

    @_in_fake_thread
    def create_subaccount(self) -> str:
        """A new subaccount of the main account; its ``AC…`` SID (reach it with
        ``client.accounts(sid)``, or sign in with its ``state.accounts[sid].auth_token``)."""
        return self.state.add_account(parent_sid=self.account_sid).sid

    @_in_fake_thread
    def create_api_key(self) -> tuple[str, str]:
        """A new API key of the main account: ``(SK… SID, secret)``."""
        return self.state.add_api_key(self.account_sid)

    # -- numbers ----------------------------------------------------------------------------

    @property
    def inventory(self) -> AvailableInventory:
        """What AvailablePhoneNumbers searches offer: ``inventory.size`` numbers per
        (country, type, area code) block, the same in every run, minus what is gone."""
        return self.state.inventory

    @_in_fake_thread
    def take_available(self, phone_numbers: Iterable[str]) -> None:
        """Take numbers from the available inventory as another customer would: they no
        longer appear in searches, and buying one answers 400 with code 21422."""
        self.state.inventory.take(phone_numbers)

    @_in_fake_thread
    def seed_numbers(
        self, /, count: int, *, account_sid: str | None = None, **fields: Any
    ) -> list[str]:
        """Provision ``count`` numbers directly in state (no HTTP); returns their SIDs."""
        owner = account_sid or self.account_sid
        gone = self.state.inventory.gone
        sids = []
        candidate = 2_000_000
        for _ in range(count):
            while f"+1415{candidate:07d}" in gone:
                candidate += 1
            sids.append(self.state.add_number(owner, f"+1415{candidate:07d}", **fields)["sid"])
        return sids

    # -- add-ons ----------------------------------------------------------------------------

    @_in_fake_thread
    def install_add_on(
        self,
        add_on: str = "VoiceBase High Accuracy Transcription",
        *,
        account_sid: str | None = None,
        configuration: Mapping[str, Any] | None = None,
        unique_name: str | None = None,
        enabled: bool = False,
    ) -> str:
        """Install an Add-on of the catalog (by friendly name or ``XB…`` SID) directly in
        state, as the main account or ``account_sid``; its extensions all ``enabled`` or
        all disabled (Twilio's default). No HTTP and no check of ``configuration`` against
        the Add-on's schema. Returns the install's ``XE…`` SID."""
        market = self.state.marketplace
        found = market.available.get(add_on) or next(
            (a for a in market.catalog() if a["friendly_name"] == add_on), None
        )
        if found is None:
            raise ValueError(f"no Add-on {add_on!r} in the fake's catalog")
        install = market.install(
            account_sid or self.account_sid,
            found["sid"],
            configuration=configuration,
            unique_name=unique_name,
        )
        install["enabled"] = dict.fromkeys(install["enabled"], enabled)
        sid: str = install["sid"]
        return sid

    @_in_fake_thread
    def assign_add_on(self, number_sid: str, installed_add_on_sid: str) -> None:
        """Assign an installed Add-on to a number (``PN…``) directly in state."""
        self.state.marketplace.assign(self.state.numbers[number_sid], installed_add_on_sid)

    # -- misbehaviour -----------------------------------------------------------------------

    @property
    def account_concurrency(self) -> int | None:
        """Requests one account (the credentials' account) may have in flight; a request
        beyond it is answered 429 with code 20429 at once and not processed. None: no cap."""
        return self._account_concurrency

    @account_concurrency.setter
    def account_concurrency(self, value: int | None) -> None:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ValueError("account_concurrency must be a whole number >= 1, or None")
        self._account_concurrency = value

    @_in_fake_thread
    def set_latency(
        self, seconds: float, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Delay the requests matching ``method`` and ``path`` (a substring) by ``seconds``
        (the last matching rule wins; requests no rule matches wait ``fake.latency``)."""
        self.latencies.append(Latency(seconds, method, path))

    @_in_fake_thread
    def inject(self, *faults: Fault) -> None:
        """Queue faults; each request meets the first one that takes it."""
        self.faults.extend(faults)

    @_in_fake_thread
    def reset_between_tests(self) -> None:
        """Forget one test's instructions and observations, keep the state: queued faults,
        latency (overall and per route) and the concurrency cap go; the request record and
        its counts start again. Accounts, numbers, installs and the inventory stay."""
        self.faults.clear()
        self.latency = 0.0
        self.latencies.clear()
        self.account_concurrency = None
        self.requests.clear()
        self.status_counts.clear()
        self.peak_in_flight = self.in_flight

    # -- what arrived -----------------------------------------------------------------------

    def requests_to(self, method: str, path_part: str = "") -> list[RecordedRequest]:
        """The recorded requests with this method whose path contains ``path_part``."""
        return [r for r in self.requests if r.method == method and path_part in r.path]

    def purchases_per_number(self, *, handled_only: bool = True) -> Counter[str]:
        """How many purchases (POSTs to an IncomingPhoneNumbers list, either API version)
        named each ``PhoneNumber``: by default those the fake processed (``handled``), so
        a 429 from the concurrency limit or an injected fault does not count."""
        return per_key(r.purchased_number for r in self._log(handled_only))

    def updates_per_sid(self, *, handled_only: bool = True) -> Counter[str]:
        """How many updates (POST or PUT) each IncomingPhoneNumber ``PN…`` SID received."""
        log = self._log(handled_only)
        return per_key(r.number_sid for r in log if r.method in ("POST", "PUT"))

    def releases_per_sid(self, *, handled_only: bool = True) -> Counter[str]:
        """How many releases (DELETE) each IncomingPhoneNumber ``PN…`` SID received."""
        return per_key(r.number_sid for r in self._log(handled_only) if r.method == "DELETE")

    def _log(self, handled_only: bool) -> list[RecordedRequest]:
        return [r for r in self.requests if r.handled] if handled_only else self.requests

    # -- the request pipeline -----------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            recorded = await self._record(request)
            call = _Call(request, handler, recorded, self._principal(request))
            response = await self._admit(call)
        except _ConnectionDropped:
            return web.Response(status=500)  # the connection is closed: nothing is sent
        finally:
            self.in_flight -= 1
        recorded.status = response.status
        self.status_counts[response.status] += 1
        response.headers["Twilio-Request-Id"] = "RQ" + secrets.token_hex(16)
        return response

    async def _record(self, request: web.Request) -> RecordedRequest:
        form: list[tuple[str, str]] = []
        if request.method in ("POST", "PUT") and request.can_read_body:
            body = await request.read()
            form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            query=tuple(query_pairs(request)),
            form=tuple(form),
            headers=dict(request.headers),
            peer=str(request.transport.get_extra_info("peername")) if request.transport else "",
        )
        self.requests.append(recorded)
        return recorded

    async def _admit(self, call: _Call) -> web.StreamResponse:
        """The account's concurrency limit, then the request holds one of its slots."""
        account = call.principal.sid if call.principal is not None else ""
        limit = self._account_concurrency
        if account and limit is not None and self._account_in_flight[account] >= limit:
            return self.render_error(call.request.path, 429, 20429, "Too Many Requests")
        self._account_in_flight[account] += 1
        try:
            return await self._process(call)
        finally:
            self._account_in_flight[account] -= 1

    async def _process(self, call: _Call) -> web.StreamResponse:
        """Latency, the first fault that takes the request, then its route."""
        request = call.request
        delay = next(
            (rule.seconds for rule in reversed(self.latencies) if rule.matches(request)),
            self.latency,
        )
        if delay:
            await asyncio.sleep(delay)
        fault = self._take_fault(request)
        if fault is not None:
            injected = await self._apply_fault(request, fault)
            if injected is not None:
                return injected
        response = await self._route(call)
        if fault is not None and fault.drop_after_commit:
            _drop(request)
        return response

    def _take_fault(self, request: web.Request) -> Fault | None:
        fault = next((f for f in self.faults if f.take(request)), None)
        if fault is not None and fault.used_up:
            self.faults.remove(fault)
        return fault

    async def _apply_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        """The fault's answer in place of the route's, or None to go on to the route."""
        if fault.latency:
            await asyncio.sleep(fault.latency)
        if fault.drop:
            _drop(request)
        if fault.status is None:
            return None
        if fault.body is None:
            # Twilio's error body always has a code (and so a more_info link).
            code = 20500 if fault.status >= 500 else 20000 + fault.status
            message = "Too Many Requests" if fault.status == 429 else "Injected failure"
            response = self.render_error(request.path, fault.status, code, message)
        elif isinstance(fault.body, (bytes, str)):
            response = web.Response(
                body=fault.body.encode() if isinstance(fault.body, str) else fault.body,
                status=fault.status,
                content_type=fault.content_type or "text/html",
            )
        else:
            response = json_response(fault.body, fault.status)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = fault.retry_after
        return response

    async def _route(self, call: _Call) -> web.StreamResponse:
        request = call.request
        try:
            if call.principal is None:
                raise FakeError(401, 20003, "Authenticate")
            bind_request(call.recorded.form_dict(), call.principal)
            call.recorded.handled = True
            return await call.handler(request)
        except FakeError as error:
            response = self.render_error(request.path, error.status, error.code, error.message)
            if error.status == 401:
                response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return response
        except web.HTTPNotFound:
            message = f"The requested resource {request.path} was not found"
            return self.render_error(request.path, 404, 20404, message)
        except web.HTTPMethodNotAllowed:
            message = f"Method {request.method} not allowed on {request.path}"
            return self.render_error(request.path, 405, 20004, message)

    def render_error(self, path: str, status: int, code: int | None, message: str) -> web.Response:
        """Twilio's error body, in the format of the API version ``path`` belongs to."""
        for prefix, renderer in self._error_renderers:
            if path.startswith(prefix):
                return renderer(status, code, message)
        return json_error(status, code, message)

    def _principal(self, request: web.Request) -> FakeAccount | None:
        """The account the request's Basic-auth credentials belong to, if any."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, _, password = decoded.partition(":")
        return self.state.authenticate(username, password)

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> FakeTwilio:
        # A fake need not wait for slow (fault-delayed) handlers when it shuts down.
        """Start serving on ``host``:``port`` (0: a free port) on this event loop."""
        runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=0.1
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        server = site._server
        if self.port == 0 and server is not None:
            sockets = getattr(server, "sockets", None) or []
            self.port = sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        """Stop serving (``async with FakeTwilio()`` does it for you)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeTwilio:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __enter__(self) -> FakeTwilio:
        """Serve from a thread with an event loop of its own, until the ``with`` block
        ends: for tests whose event loops come and go, and for code without one. Methods
        that change the fake (``seed_numbers``, ``inject``, ...) then run in that thread,
        between requests; read ``state`` when your requests are done."""
        background = BackgroundLoop("fake-twilio")
        try:
            background.run(self.start())
        except BaseException:
            background.close()
            raise
        self._background = background
        return self

    def __exit__(self, *exc_info: object) -> None:
        background, self._background = self._background, None
        if background is not None:
            try:
                background.run(self.close())
            finally:
                background.close()


@attrs.frozen
class _Call:
    """One request on its way through the pipeline."""

    request: web.Request
    handler: Handler
    recorded: RecordedRequest
    principal: FakeAccount | None  # whom its credentials belong to, if anyone


class _ConnectionDropped(Exception):
    """The connection was closed on purpose: no answer is sent."""


def _drop(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.close()
    raise _ConnectionDropped
