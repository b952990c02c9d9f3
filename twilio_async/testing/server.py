"""FakeTwilio: a real HTTP server on 127.0.0.1 that behaves as Twilio documents.

::

    async with FakeTwilio() as fake:
        async with fake.client() as client:
            number = await client.incoming_phone_numbers.create(area_code="415")

It checks Basic auth (401, code 20003), answers unknown resources with 404 (code 20404),
validates parameters the way Twilio does, pages with ``PageToken`` links, and renders
errors as Twilio's JSON body (``code``, ``message``, ``more_info``, ``status``). Tests can
seed and inspect :attr:`FakeTwilio.state`, read :attr:`FakeTwilio.requests`, and inject
faults (latency, 429/5xx sequences with ``Retry-After``, dropped connections) with
:meth:`FakeTwilio.inject`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import attrs
from aiohttp import web

from .add_ons_api import AssignedAddOnsApi, MarketplaceApi
from .area import ApiArea, ErrorRenderer, Handler, bind_request
from .available_api import AvailableNumbersApi
from .inventory import AvailableInventory
from .legacy_api import LegacyNumbersApi
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
    "RecordedRequest",
]

DEFAULT_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
DEFAULT_AUTH_TOKEN = "fake-auth-token-" + "0" * 16


@attrs.frozen
class RecordedRequest:
    """A request as the fake received it (after any fault, before auth)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    form: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    peer: str = ""  # client address and port: tells connections apart

    def form_dict(self) -> dict[str, str]:
        return dict(self.form)

    def query_dict(self) -> dict[str, str]:
        return dict(self.query)


@attrs.define
class Fault:
    """One injected misbehaviour, applied to the next ``times`` matching requests.

    ``status`` answers with that HTTP status (and ``body``, a JSON-able object, bytes or
    text; by default Twilio's error JSON), ``retry_after`` adds a ``Retry-After`` header,
    ``latency`` delays the answer (seconds), ``drop`` closes the connection without any
    answer. ``method`` and ``path`` (a substring) restrict which requests match; ``skip``
    lets that many matching requests through untouched first.
    """

    status: int | None = None
    retry_after: str | None = None
    body: Any = None
    content_type: str | None = None
    latency: float = 0.0
    drop: bool = False
    method: str | None = None
    path: str | None = None
    times: int = 1
    skip: int = 0

    def matches(self, request: web.Request) -> bool:
        if self.method is not None and request.method != self.method.upper():
            return False
        return self.path is None or self.path in request.path


class FakeTwilio:
    """An in-process fake of Twilio's REST APIs, on a real socket bound to 127.0.0.1."""

    def __init__(
        self,
        *,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
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
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self._runner: web.AppRunner | None = None
        self.app = web.Application(middlewares=[self._middleware])
        areas: tuple[ApiArea, ...] = (
            NumbersApi(self.state),
            AvailableNumbersApi(self.state),
            MarketplaceApi(self.state),
            AssignedAddOnsApi(self.state),
            LegacyNumbersApi(self.state),
        )
        self._error_renderers: list[tuple[str, ErrorRenderer]] = []
        for area in areas:
            for method, path, handler in area.routes():
                self.app.router.add_route(method, path, handler)
            self._error_renderers.extend(area.error_renderers())

    # -- identity -------------------------------------------------------------------------

    @property
    def account_sid(self) -> str:
        return self.account.sid

    @property
    def auth_token(self) -> str:
        return self.account.auth_token

    @property
    def url(self) -> str:
        if self._runner is None:
            raise RuntimeError("FakeTwilio is not started")
        return f"http://{self.host}:{self.port}"

    def client(self, **options: Any) -> Client:
        """A :class:`twilio_async.Client` pointed at this fake with its credentials;
        ``options`` are the client's keyword arguments (they override the credentials)."""
        from ..client import Client

        options.setdefault("account_sid", self.account_sid)
        options.setdefault("auth_token", self.auth_token)
        return Client(base_url=self.url, **options)

    def create_subaccount(self) -> str:
        return self.state.add_account(parent_sid=self.account_sid).sid

    def create_api_key(self) -> tuple[str, str]:
        return self.state.add_api_key(self.account_sid)

    def render_error(self, path: str, status: int, code: int | None, message: str) -> web.Response:
        """Twilio's error body, in the format of the API version ``path`` belongs to."""
        for prefix, renderer in self._error_renderers:
            if path.startswith(prefix):
                return renderer(status, code, message)
        return json_error(status, code, message)

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each applies to the next ``times`` requests it matches."""
        self.faults.extend(faults)

    def requests_to(self, method: str, path_part: str = "") -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and path_part in r.path]

    @property
    def inventory(self) -> AvailableInventory:
        """What AvailablePhoneNumbers searches offer: ``inventory.size`` numbers per
        (country, type, area code) block, the same in every run, minus what is gone."""
        return self.state.inventory

    def take_available(self, phone_numbers: Iterable[str]) -> None:
        """Take numbers from the available inventory as another customer would: they no
        longer appear in searches, and buying one answers 400 with code 21422."""
        self.state.inventory.take(phone_numbers)

    def seed_numbers(
        self, count: int, *, account_sid: str | None = None, **fields: Any
    ) -> list[str]:
        """Provision ``count`` numbers directly in state (no HTTP); returns their SIDs."""
        owner = account_sid or self.account_sid
        taken = {n["phone_number"] for n in self.state.numbers.values()}
        sids = []
        candidate = 2_000_000
        for _ in range(count):
            while f"+1415{candidate:07d}" in taken:
                candidate += 1
            number = f"+1415{candidate:07d}"
            candidate += 1
            sids.append(self.state.add_number(owner, number, **fields)["sid"])
        return sids

    # -- the request pipeline -----------------------------------------------------------

    def _take_fault(self, request: web.Request) -> Fault | None:
        for fault in self.faults:
            if fault.matches(request):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            response = await self._handle(request, handler)
        finally:
            self.in_flight -= 1
        response.headers["Twilio-Request-Id"] = "RQ" + secrets.token_hex(16)
        return response

    async def _handle(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        form: list[tuple[str, str]] = []
        if request.method in ("POST", "PUT") and request.can_read_body:
            body = await request.read()
            form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=tuple(query_pairs(request)),
                form=tuple(form),
                headers=dict(request.headers),
                peer=str(request.transport.get_extra_info("peername")) if request.transport else "",
            )
        )
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self._take_fault(request)
        if fault is not None:
            injected = await self._apply_fault(request, fault)
            if injected is not None:
                return injected
        try:
            bind_request(dict(form), self._authenticate(request))
            return await handler(request)
        except FakeError as error:
            response = self.render_error(request.path, error.status, error.code, error.message)
            if error.status == 401:
                response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return response
        except web.HTTPNotFound:
            return self.render_error(
                request.path, 404, 20404, f"The requested resource {request.path} was not found"
            )
        except web.HTTPMethodNotAllowed:
            return self.render_error(
                request.path, 405, 20004, f"Method {request.method} not allowed on {request.path}"
            )

    async def _apply_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        if fault.latency:
            await asyncio.sleep(fault.latency)
        if fault.drop:
            if request.transport is not None:
                request.transport.close()
            # The connection is gone; aiohttp discards whatever is returned.
            return web.Response(status=500)
        if fault.status is None:
            return None
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        if fault.body is None:
            code = 20429 if fault.status == 429 else 20500 if fault.status >= 500 else None
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
        response.headers.update(headers)
        return response

    def _authenticate(self, request: web.Request) -> FakeAccount:
        header = request.headers.get("Authorization", "")
        principal = None
        if header.startswith("Basic "):
            try:
                decoded = base64.b64decode(header[6:], validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            username, _, password = decoded.partition(":")
            principal = self.state.authenticate(username, password)
        if principal is None:
            raise _Unauthorized()
        return principal

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> FakeTwilio:
        # A fake need not wait for slow (fault-delayed) handlers when it shuts down.
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
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeTwilio:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class _Unauthorized(FakeError):
    def __init__(self) -> None:
        super().__init__(401, 20003, "Authenticate")
