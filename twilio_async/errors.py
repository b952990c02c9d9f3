"""The exception tree, and the pure function that turns an HTTP error response into one.

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
    │   └── TwilioTimeoutError    no answer within the timeout
    ├── TwilioDecodeError         an answer that is not the JSON/XML it should be
    │   └── PaginationLoopError   a next-page link back to a page already read
    ├── UnsafeURLError            a pagination link that points off the configured host
    ├── ClientClosedError         the client was used after close()
    └── TwilioValidationError     bad local input, raised before anything is sent (a ValueError)
        ├── InvalidSidError
        └── ConfigurationError    missing or malformed credentials / settings

Messages never contain credentials: requests carry them only in the Authorization header,
which no exception records.
"""

from __future__ import annotations

import json
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
    "InvalidSidError",
    "MethodNotAllowedError",
    "NotFoundError",
    "PaginationLoopError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "TwilioAPIError",
    "TwilioConnectionError",
    "TwilioDecodeError",
    "TwilioError",
    "TwilioTimeoutError",
    "TwilioTransportError",
    "TwilioValidationError",
    "UnsafeURLError",
    "error_from_response",
]

_BODY_EXCERPT = 200  # characters of a non-Twilio error body kept for the message


class TwilioError(Exception):
    """Base class of every exception this library raises on purpose.

    ``cursor``: on the error of a stream, where to resume it (``stream(resume=...)``, just
    after the last record delivered); None on any other error.
    """

    cursor: StreamCursor | None = None


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
    """The client was used after it was closed."""


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


class TwilioTransportError(TwilioError):
    """No usable HTTP response: connection failure or timeout.

    ``request_sent`` is False only when the failure certainly happened before any byte of
    the request could reach the server (e.g. connection refused); that is what makes a
    retry of a non-idempotent request safe.
    """

    def __init__(self, message: str, *, method: str, url: str, request_sent: bool) -> None:
        super().__init__(f"{message} ({method} {url})")
        self.method = method
        self.url = url
        self.request_sent = request_sent


class TwilioConnectionError(TwilioTransportError):
    """Could not connect, or the connection broke before a full response arrived."""


class TwilioTimeoutError(TwilioTransportError):
    """The server did not answer within the configured timeout."""


class TwilioAPIError(TwilioError):
    """Twilio answered with an HTTP error.

    Attributes mirror Twilio's error body: ``status`` (HTTP status), ``code`` (Twilio error
    code, or None when the body had none), ``message``, ``more_info`` (a docs URL),
    ``details`` (extra structured data), plus the request's ``method``, full ``url`` and
    Twilio's ``request_id`` (the ``Twilio-Request-Id`` header) for support tickets.
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
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"HTTP {self.status} {self.method} {self.url}: {self.message}".replace("  ", " ")
        extras = []
        if self.code is not None:
            extras.append(f"Twilio code {self.code}")
        if self.more_info:
            extras.append(f"more info: {self.more_info}")
        if self.request_id:
            extras.append(f"request id: {self.request_id}")
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


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal():  # isdigit() admits "²"
        return int(value)
    return None


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_error_body(body: bytes) -> dict[str, Any]:
    """Pull Twilio's error fields out of a body; ``{}`` when the body is not Twilio's.

    Handles the classic shape (``code``/``message``/``more_info``/``status``/``details``),
    the RFC 9457 problem shape (``type``/``title``/``status``/``code``/``detail``) and the
    XML ``<RestException>`` of the 2008-08-01 API.
    """
    stripped = body.lstrip()
    if stripped.startswith(b"{"):
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            return {}
        if not isinstance(data, dict):
            return {}
        message = _as_text(data.get("message")) or _as_text(data.get("detail"))
        title = _as_text(data.get("title"))
        if message is None:
            message = title
        elif title and title not in message:
            message = f"{title}: {message}"
        details = data.get("details")
        return {
            "code": _as_int(data.get("code")),
            "message": message,
            "more_info": _as_text(data.get("more_info")) or _as_text(data.get("type")),
            "details": details if isinstance(details, Mapping) else None,
            "status": _as_int(data.get("status")),
        }
    if stripped.startswith(b"<"):
        from .xml import parse_rest_exception  # the XML codec is only needed for XML bodies

        return parse_rest_exception(stripped)
    return {}


def error_from_response(
    *,
    status: int,
    reason: str,
    body: bytes,
    method: str,
    url: str,
    request_id: str | None,
    retry_after: float | None = None,
) -> TwilioAPIError:
    """Build the exception for an HTTP error response. Pure: no I/O."""
    fields = parse_error_body(body)
    message = fields.get("message")
    if not message:
        excerpt = body.decode("utf-8", "replace").strip()
        excerpt = " ".join(excerpt.split())[:_BODY_EXCERPT]
        message = f"{reason or 'HTTP error'}" + (f"; body: {excerpt!r}" if excerpt else "")
    return error_class_for(status)(
        status=status,
        message=message,
        code=fields.get("code"),
        more_info=fields.get("more_info"),
        details=fields.get("details"),
        method=method,
        url=url,
        request_id=request_id,
        retry_after=retry_after,
    )
