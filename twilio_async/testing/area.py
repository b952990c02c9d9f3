"""The shape of every API area of the fake: a class whose handlers are methods.

An area is built with the fake's :class:`~.state.FakeState` and lists its routes as
``(method, path, handler)`` triples from :meth:`ApiArea.routes`; the server registers them.
Handlers read the current request's form and authenticated account from the request
context the server binds before calling them (each request is handled in its own task, so
context variables are request-scoped).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar

from aiohttp import web

from .state import FakeAccount, FakeState
from .wire import FakeError, not_found

__all__ = [
    "ApiArea",
    "ErrorRenderer",
    "Handler",
    "Route",
    "bind_request",
    "current_form",
    "current_principal",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]
ErrorRenderer = Callable[[int, "int | None", str], web.Response]

_FORM: ContextVar[dict[str, str]] = ContextVar("fake_twilio_form")
_PRINCIPAL: ContextVar[FakeAccount] = ContextVar("fake_twilio_principal")


def bind_request(form: dict[str, str], principal: FakeAccount) -> None:
    """Called by the server before a handler runs."""
    _FORM.set(form)
    _PRINCIPAL.set(principal)


def current_form() -> dict[str, str]:
    """The current request's form body (last value wins for repeated keys)."""
    return _FORM.get()


def current_principal() -> FakeAccount:
    """The account the current request authenticated as."""
    return _PRINCIPAL.get()


class ApiArea(ABC):
    """One area of the API (e.g. IncomingPhoneNumbers 2010-04-01): handlers are methods."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    @abstractmethod
    def routes(self) -> Iterable[Route]:
        """Every ``(method, path, handler)`` this area serves."""

    def error_renderers(self) -> Iterable[tuple[str, ErrorRenderer]]:
        """Path prefixes whose errors this area renders its own way (default: none,
        so Twilio's JSON error body)."""
        return ()

    def account(self, request: web.Request) -> str:
        """The path's AccountSid, if the caller may use it; Twilio-shaped errors otherwise."""
        account_sid = request.match_info["account_sid"]
        if account_sid not in self.state.accounts:
            raise not_found(request)
        if not self.state.can_access(current_principal(), account_sid):
            raise FakeError(
                403, 20003, "Authenticate: credentials do not grant access to this account"
            )
        return account_sid
