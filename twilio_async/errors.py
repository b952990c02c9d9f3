"""The exception tree. A leaf module: it imports nothing else of this package.

Everything the library raises on purpose derives from :class:`TwilioError`::

    TwilioError
    ├── TwilioAPIError            Twilio answered with an HTTP error (status, code, message, ...)
    │   ├── BadRequestError       400
    │   ├── AuthenticationError   401
    │   ├── PermissionDeniedError 403
    │   ├── NotFoundError         404
    │   ├── MethodNotAllowedError 405
    │   ├── ConflictError         409
    │   ├── RateLimitError        429
    │   └── ServerError           5xx
    ├── TwilioTransportError      no usable HTTP answer
    │   ├── TwilioConnectionError could not connect, or the connection broke
    │   └── TwilioTimeoutError    no answer within the timeout or the call's total budget
    ├── ResponseTooLargeError     an answer larger than the client's max_response_size
    ├── TwilioDecodeError         an answer that is not the JSON/XML it should be
    │   └── PaginationLoopError   a next-page link back to a page already read
    ├── UnsafeURLError            a pagination link that points off the configured host
    ├── ClientClosedError         the client was used after close()
    ├── EventLoopError            the client's session belongs to another, running event loop
    └── TwilioValidationError     bad local input, raised before anything is sent (a ValueError)
        ├── InvalidSidError
        └── ConfigurationError    missing or malformed credentials / settings

Messages never contain credentials: requests carry them only in the Authorization header,
which no exception records. ``str()`` of every one of them is a single printable line:
text a server sent (a message, a header, a URL) cannot break a log line or forge another
one, since control characters are shown escaped (the raw values stay on the attributes).
Building an exception from an error response is :mod:`twilio_async.error_bodies`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pagination import StreamCursor

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "EventLoopError",
    "InvalidSidError",
    "MethodNotAllowedError",
    "NotFoundError",
    "PaginationLoopError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "TwilioAPIError",
    "TwilioConnectionError",
    "TwilioDecodeError",
    "TwilioError",
    "TwilioTimeoutError",
    "TwilioTransportError",
    "TwilioValidationError",
    "UnsafeURLError",
    "error_class_for",
    "escape_control",
]


def escape_control(text: str) -> str:
    """``text`` with every non-printable character (CR, LF, ESC, other controls, Unicode
    line separators, bidi overrides) written as its Python escape, so it stays one inert
    line in a log: ``"bad\\r\\nINFO x"`` -> ``"bad\\\\r\\\\nINFO x"``."""
    if text.isprintable():  # the usual case, checked in C
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class TwilioError(Exception):
    """Base class of every exception this library raises on purpose.

    ``str()`` is always one printable line (see :func:`escape_control`). ``cursor``: on the
    error of a stream, where to resume it (``stream(resume=...)``, just after the last
    record delivered); None on any other error.
    """

    cursor: StreamCursor | None = None

    def __str__(self) -> str:
        return escape_control(self._text())

    def _text(self) -> str:
        """The unescaped text; subclasses with structured fields build it from them."""
        return super().__str__()


class TwilioValidationError(TwilioError, ValueError):
    """Bad local input: the request was not sent.

    ``param`` names the offending argument when there is one.
    """

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class InvalidSidError(TwilioValidationError):
    """A SID that does not have the documented shape (prefix + 32 hex digits)."""


class ConfigurationError(TwilioValidationError):
    """Missing or malformed client settings (credentials, hosts, limits)."""


class ClientClosedError(TwilioError):
    """The client was used after it was closed (or was closed while a call waited)."""


class EventLoopError(TwilioError, RuntimeError):
    """The client was used from an event loop other than the one its session belongs to,
    while that one is still open (e.g. running in another thread). Use one client per
    event loop, or close the client in its loop first."""


class UnsafeURLError(TwilioError):
    """A URL from a response points somewhere credentials must not be sent."""


class TwilioDecodeError(TwilioError):
    """A response body could not be decoded into what the endpoint returns."""

    def __init__(self, message: str, *, method: str, url: str, status: int | None = None) -> None:
        super().__init__(f"{message} ({method} {url})")
        self.method = method
        self.url = url
        self.status = status


class PaginationLoopError(TwilioDecodeError):
    """Paging goes round: a next-page link leads back to a page already read in the same
    walk, or a 2008-08-01 server answered another page than the one asked for."""


def _bytes_text(size: int) -> str:
    return f"{size // 2**20} MiB" if size and size % 2**20 == 0 else f"{size} bytes"


class ResponseTooLargeError(TwilioError):
    """A response body larger than the client's ``max_response_size``: refused without
    reading (or buffering) more than ``limit`` bytes of it. ``size`` is the length the
    server announced, when it announced one."""

    def __init__(self, *, method: str, url: str, limit: int, size: int | None = None) -> None:
        self.method = method
        self.url = url
        self.limit = limit
        self.size = size
        super().__init__(self._text())

    def _text(self) -> str:
        announced = f"; it announced {self.size} bytes" if self.size is not None else ""
        return (
            f"the response is larger than max_response_size ({_bytes_text(self.limit)}"
            f"{announced}), so the rest was not read ({self.method} {self.url})"
        )


def _outcome(attempts: int, note: str | None) -> list[str]:
    """How a call ended, for an exception's text: attempts made, and why it stopped."""
    parts = [f"{attempts} attempts"] if attempts > 1 else []
    if note:
        parts.append(note)
    return parts


class TwilioTransportError(TwilioError):
    """No usable HTTP response: connection failure or timeout.

    ``request_sent`` is False only when the failure certainly happened before any byte of
    the request could reach the server (e.g. connection refused); that is what makes a
    retry of a non-idempotent request safe. ``attempts`` is how many requests the call
    sent in all (1 when it was not retried); ``note`` says why it stopped retrying early,
    when it did.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        request_sent: bool,
        attempts: int = 1,
        note: str | None = None,
    ) -> None:
        self.message = message
        self.method = method
        self.url = url
        self.request_sent = request_sent
        self.attempts = attempts
        self.note = note
        super().__init__(self._text())

    def _text(self) -> str:
        where = "; ".join([f"{self.method} {self.url}", *_outcome(self.attempts, self.note)])
        return f"{self.message} ({where})"


class TwilioConnectionError(TwilioTransportError):
    """Could not connect, or the connection broke before a full response arrived."""


class TwilioTimeoutError(TwilioTransportError):
    """The server did not answer within the per-attempt timeout, or the call's total
    budget (``total_timeout``) ran out."""


class TwilioAPIError(TwilioError):
    """Twilio answered with an HTTP error.

    Attributes mirror Twilio's error body: ``status`` (HTTP status), ``code`` (Twilio error
    code, or None when the body had none), ``message`` (the server's text, unescaped),
    ``more_info`` (a docs URL), ``details`` (extra structured data), plus the request's
    ``method``, full ``url`` and Twilio's ``request_id`` (the ``Twilio-Request-Id`` header)
    for support tickets. ``attempts`` is how many requests the call sent in all (1 when it
    was not retried); ``note`` says why it stopped retrying early, when it did.
    """

    def __init__(
        self,
        *,
        status: int,
        message: str,
        code: int | None = None,
        more_info: str | None = None,
        details: Mapping[str, Any] | None = None,
        method: str = "",
        url: str = "",
        request_id: str | None = None,
        retry_after: float | None = None,
        attempts: int = 1,
        note: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.more_info = more_info
        self.details = details
        self.method = method
        self.url = url
        self.request_id = request_id
        self.retry_after = retry_after
        self.attempts = attempts
        self.note = note
        super().__init__(self._text())

    def _text(self) -> str:
        text = f"HTTP {self.status} {self.method} {self.url}: {self.message}".replace("  ", " ")
        extras = []
        if self.code is not None:
            extras.append(f"Twilio code {self.code}")
        if self.more_info:
            extras.append(f"more info: {self.more_info}")
        if self.request_id:
            extras.append(f"request id: {self.request_id}")
        extras += _outcome(self.attempts, self.note)
        return f"{text} ({'; '.join(extras)})" if extras else text


class BadRequestError(TwilioAPIError):
    """HTTP 400: Twilio rejected the parameters."""


class AuthenticationError(TwilioAPIError):
    """HTTP 401: the credentials were not accepted."""


class PermissionDeniedError(TwilioAPIError):
    """HTTP 403: the credentials may not do this."""


class NotFoundError(TwilioAPIError):
    """HTTP 404: no such resource (or not visible to this account)."""


class MethodNotAllowedError(TwilioAPIError):
    """HTTP 405: the resource does not support this operation."""


class ConflictError(TwilioAPIError):
    """HTTP 409: the resource is in a state that forbids the operation."""


class RateLimitError(TwilioAPIError):
    """HTTP 429: too many requests; ``retry_after`` holds the server's hint in seconds."""


class ServerError(TwilioAPIError):
    """HTTP 5xx: Twilio (or a proxy in front of it) failed."""


_BY_STATUS: dict[int, type[TwilioAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[TwilioAPIError]:
    """The most specific :class:`TwilioAPIError` subclass for an HTTP status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, TwilioAPIError)
