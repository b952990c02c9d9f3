"""What every route of the fake shares about the wire: Twilio's error body, JSON answers,
parameter parsing, and page cutting with the 2010-04-01 and v1 list envelopes.

It imports nothing else of the fake, so the server, the state and every API area can use
it without import circles.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import attrs
from aiohttp import web

from ..dates import format_rfc2822

__all__ = [
    "FakeError",
    "Window",
    "envelope_2010",
    "envelope_v1",
    "invalid",
    "json_error",
    "json_response",
    "not_found",
    "page_size_from",
    "paginate",
    "parse_bool",
    "query_pairs",
    "request_origin",
    "twilio_error_body",
]


class FakeError(Exception):
    """Raised by route handlers; rendered as a Twilio error body by the server."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def invalid(message: str, code: int = 20422) -> FakeError:
    """A 400 answer; 20422 is Twilio's "Invalid Parameter"."""
    return FakeError(400, code, message)


def not_found(request: web.Request) -> FakeError:
    return FakeError(404, 20404, f"The requested resource {request.path} was not found")


def twilio_error_body(status: int, code: int | None, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}" if code else None,
        "status": status,
    }


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data, default=_json_default).encode(),
        status=status,
        content_type="application/json",
    )


def json_error(status: int, code: int | None, message: str) -> web.Response:
    return json_response(twilio_error_body(status, code, message), status)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_rfc2822(value)
    raise TypeError(f"cannot render {type(value).__name__}")


def parse_bool(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise invalid(f"Invalid Parameter: {name} must be true or false")


def query_pairs(request: web.Request) -> list[tuple[str, str]]:
    """The query string with form semantics ('+' is a space), as Twilio reads it.

    Parsed from the raw (still percent-encoded) string: ``request.query_string`` is
    already decoded once, so an encoded ``%`` (``%25``) would be decoded twice."""
    return parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True)


def request_origin(request: web.Request) -> str:
    """``scheme://host[:port]`` as the client addressed this server (for absolute URLs)."""
    return f"{request.scheme}://{request.host}"


def page_size_from(params: Mapping[str, str], default: int = 50) -> int:
    raw = params.get("PageSize")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise invalid("Invalid Parameter: PageSize must be between 1 and 1000")
    return int(raw)


@attrs.frozen
class Window:
    """The records of one page, and where the neighbouring pages start."""

    records: Sequence[dict[str, Any]]
    page: int
    size: int
    start: int
    next_token: str | None
    previous_token: str | None


def paginate(records: Sequence[dict[str, Any]], params: Mapping[str, str]) -> Window:
    """Cut one page out of ``records`` (ordered by ``_seq``) following Twilio's tokens.

    ``PageToken=PA<seq>`` means "after record seq", ``PB<seq>`` "before record seq";
    without a token, ``Page`` counts pages from the start.
    """
    size = page_size_from(params)
    page_raw = params.get("Page", "0")
    if not page_raw.isdigit():
        raise invalid("Invalid Parameter: Page must be a non-negative integer")
    page = int(page_raw)
    token = params.get("PageToken")
    if token:
        if len(token) < 3 or token[:2] not in ("PA", "PB") or not token[2:].isdigit():
            raise invalid(f"Invalid Parameter: PageToken {token!r} is not valid")
        seq = int(token[2:])
        if token.startswith("PA"):
            following = [r for r in records if r["_seq"] > seq]
            start = len(records) - len(following)
        else:
            before = [r for r in records if r["_seq"] < seq]
            start = max(0, len(before) - size)
    else:
        start = page * size
    chunk = records[start : start + size]
    more = start + size < len(records)
    return Window(
        records=chunk,
        page=page,
        size=size,
        start=start,
        next_token=f"PA{chunk[-1]['_seq']}" if chunk and more else None,
        previous_token=f"PB{chunk[0]['_seq']}" if chunk and start > 0 else None,
    )


def _page_query(
    filters: Sequence[tuple[str, str]], window: Window, page: int, token: str | None
) -> str:
    query = [*filters, ("PageSize", str(window.size)), ("Page", str(page))]
    if token is not None:
        query.append(("PageToken", token))
    return urlencode(query)


def envelope_2010(
    path: str, filters: Sequence[tuple[str, str]], window: Window, list_key: str, items: list[Any]
) -> dict[str, Any]:
    """The 2010-04-01 list envelope, with relative ``*_page_uri`` links."""

    def uri(page: int, token: str | None) -> str:
        return f"{path}?{_page_query(filters, window, page, token)}"

    return {
        list_key: items,
        "first_page_uri": uri(0, None),
        "next_page_uri": uri(window.page + 1, window.next_token) if window.next_token else None,
        "previous_page_uri": (
            uri(max(window.page - 1, 0), window.previous_token) if window.previous_token else None
        ),
        "page": window.page,
        "page_size": window.size,
        "start": window.start,
        "end": window.start + max(len(window.records) - 1, 0),
        "uri": uri(window.page, None),
    }


def envelope_v1(
    request: web.Request,
    window: Window,
    key: str,
    items: list[Any],
    filters: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The v1/preview list envelope: records under ``key`` and a ``meta`` object whose
    links are absolute URLs on the host the request was sent to."""

    def url(page: int, token: str | None) -> str:
        query = _page_query(filters, window, page, token)
        return f"{request_origin(request)}{request.path}?{query}"

    return {
        key: items,
        "meta": {
            "page": window.page,
            "page_size": window.size,
            "first_page_url": url(0, None),
            "previous_page_url": (
                url(max(window.page - 1, 0), window.previous_token)
                if window.previous_token
                else None
            ),
            "url": url(window.page, None),
            "next_page_url": url(window.page + 1, window.next_token) if window.next_token else None,
            "key": key,
        },
    }
