"""Reading an HTTP error answer into a :class:`~twilio_async.errors.TwilioAPIError`.

Pure functions, no I/O. Twilio's error bodies come in three shapes: the classic JSON
(``code``/``message``/``more_info``/``status``/``details``), the RFC 9457 problem JSON
(``type``/``title``/``status``/``code``/``detail``) and the 2008-08-01 API's XML
``<RestException>``; anything else (a proxy's HTML page) is kept as a short excerpt. The
exception tree itself is :mod:`twilio_async.errors`, which imports nothing of the package;
this module sits above it and :mod:`twilio_async.xml` (which raises errors of that tree),
so no import goes in a circle.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .errors import TwilioAPIError, error_class_for

__all__ = ["error_from_response", "parse_error_body"]

_BODY_EXCERPT = 200  # characters of a non-Twilio error body kept for the message


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
    attempts: int = 1,
    note: str | None = None,
) -> TwilioAPIError:
    """Build the exception for an HTTP error response. Pure: no I/O.

    ``attempts`` and ``note`` say how the call ended (see :class:`TwilioAPIError`)."""
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
        attempts=attempts,
        note=note,
    )
