"""The exception tree (twilio_async.errors) and the pure error_from_response()
(twilio_async.error_bodies)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twilio_async import errors
from twilio_async.error_bodies import error_from_response
from twilio_async.errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InvalidSidError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TwilioAPIError,
    TwilioError,
    TwilioValidationError,
)

URL = "https://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + "/IncomingPhoneNumbers.json"
REQUEST_ID = "RQ" + "0" * 32

CLASSIC = {
    "code": 21452,
    "message": "No phone numbers found in area code 999",
    "more_info": "https://www.twilio.com/docs/errors/21452",
    "status": 400,
    "details": {"area_code": "999"},
}
PROBLEM = {
    "type": "https://www.twilio.com/docs/errors/20001",
    "title": "Invalid parameter",
    "status": 400,
    "code": 20001,
    "detail": "PhoneNumber is not a valid E.164 number",
}
XML_ERROR = b"""<?xml version="1.0" encoding="UTF-8"?>
<TwilioResponse>
  <RestException>
    <Code>21452</Code>
    <Message>No phone numbers found in area code 999</Message>
    <MoreInfo>https://www.twilio.com/docs/errors/21452</MoreInfo>
    <Status>400</Status>
  </RestException>
</TwilioResponse>
"""
HTML_502 = b"""<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def build(
    body: bytes | dict[str, Any] | list[Any],
    *,
    status: int = 400,
    reason: str = "Bad Request",
    method: str = "POST",
    retry_after: float | None = None,
) -> TwilioAPIError:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return error_from_response(
        status=status,
        reason=reason,
        body=raw,
        method=method,
        url=URL,
        request_id=REQUEST_ID,
        retry_after=retry_after,
    )


# --- body shapes ---------------------------------------------------------------------------------


def test_classic_json_error_body() -> None:
    error = build(CLASSIC)
    assert type(error) is BadRequestError
    assert error.status == 400
    assert error.code == 21452
    assert error.message == "No phone numbers found in area code 999"
    assert error.more_info == "https://www.twilio.com/docs/errors/21452"
    assert error.details == {"area_code": "999"}
    assert (error.method, error.url, error.request_id) == ("POST", URL, REQUEST_ID)


def test_classic_body_with_a_string_code_and_no_details() -> None:
    error = build({"code": "20404", "message": "The requested resource was not found"}, status=404)
    assert type(error) is NotFoundError
    assert error.code == 20404
    assert error.details is None
    assert error.more_info is None


def test_rfc9457_problem_body() -> None:
    error = build(PROBLEM)
    assert type(error) is BadRequestError
    assert error.code == 20001
    assert error.message == "Invalid parameter: PhoneNumber is not a valid E.164 number"
    assert error.more_info == "https://www.twilio.com/docs/errors/20001"


def test_rfc9457_title_only_and_detail_only() -> None:
    assert build({"title": "Invalid parameter", "status": 400}).message == "Invalid parameter"
    assert build({"detail": "PhoneNumber is invalid"}).message == "PhoneNumber is invalid"


def test_rfc9457_title_already_in_the_detail_is_not_repeated() -> None:
    error = build({"title": "Invalid", "detail": "Invalid PhoneNumber"})
    assert error.message == "Invalid PhoneNumber"


def test_xml_rest_exception_body() -> None:
    error = build(XML_ERROR)
    assert type(error) is BadRequestError
    assert error.code == 21452
    assert error.message == "No phone numbers found in area code 999"
    assert error.more_info == "https://www.twilio.com/docs/errors/21452"
    assert error.details is None


def test_html_502_from_a_proxy() -> None:
    error = build(HTML_502, status=502, reason="Bad Gateway", method="GET")
    assert type(error) is ServerError
    assert error.code is None
    assert error.message.startswith("Bad Gateway; body: ")
    assert "502 Bad Gateway" in error.message
    assert "\n" not in error.message  # whitespace collapsed


def test_html_with_a_doctype_is_read_as_text_not_xml() -> None:
    body = b"<!DOCTYPE html>\n<html><body><h1>Service Unavailable</h1></body></html>"
    error = build(body, status=503, reason="Service Unavailable", method="GET")
    assert type(error) is ServerError
    assert "Service Unavailable</h1>" in error.message


def test_long_non_twilio_body_is_truncated() -> None:
    body = b"<html><body>" + b"x" * 100_000 + b"</body></html>"
    error = build(body, status=502, reason="Bad Gateway")
    assert len(error.message) < 300
    assert len(str(error)) < 300 + len(URL) + len(REQUEST_ID) + 50


@pytest.mark.parametrize("body", [b"", b"   \r\n"])
def test_empty_body_uses_the_reason(body: bytes) -> None:
    assert build(body, status=503, reason="Service Unavailable").message == "Service Unavailable"
    assert build(body, status=503, reason="").message == "HTTP error"


@pytest.mark.parametrize(
    "body",
    [
        b'{"code": 20404, "message": ',  # truncated JSON
        b"{not json at all}",
        b'{"message": "\xff\xfe"}',  # not UTF-8
        b"[1, 2, 3]",  # JSON, but a list
        b'"just a string"',
        b'{"code": 1, "message": null}',
        b"Too Many Requests",
    ],
)
def test_bodies_without_a_twilio_message_fall_back_to_reason_and_excerpt(body: bytes) -> None:
    error = build(body, status=500, reason="Internal Server Error")
    assert type(error) is ServerError
    assert error.message.startswith("Internal Server Error; body: ")
    assert body.decode("utf-8", "replace").strip()[:10] in error.message


def test_json_list_body_is_not_mistaken_for_an_error_object() -> None:
    error = build([{"code": 1, "message": "m"}], status=400)
    assert error.code is None


def test_non_numeric_codes_are_dropped() -> None:
    for code in ("abc", True, 1.5, None, ""):
        assert build({"code": code, "message": "m"}).code is None


# --- classes by status ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, MethodNotAllowedError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (599, ServerError),
        (418, TwilioAPIError),
        (422, TwilioAPIError),
        (302, TwilioAPIError),
    ],
)
def test_error_class_by_status(status: int, cls: type[TwilioAPIError]) -> None:
    error = build(CLASSIC, status=status)
    assert type(error) is cls
    assert error.status == status
    assert isinstance(error, TwilioAPIError)
    assert isinstance(error, TwilioError)


def test_rate_limit_error_carries_retry_after() -> None:
    error = build(
        {"code": 20429, "message": "Too Many Requests"},
        status=429,
        reason="Too Many Requests",
        retry_after=3.0,
    )
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 3.0
    assert error.code == 20429


def test_http_status_wins_over_the_status_in_the_body() -> None:
    error = build({"code": 20003, "message": "Authenticate", "status": 400}, status=401)
    assert type(error) is AuthenticationError
    assert error.status == 401


# --- str() ---------------------------------------------------------------------------------------


def test_str_includes_everything_needed_for_a_support_ticket() -> None:
    text = str(build(CLASSIC, method="POST"))
    for part in (
        "HTTP 400",
        "POST",
        URL,
        "No phone numbers found in area code 999",
        "21452",
        "https://www.twilio.com/docs/errors/21452",
        REQUEST_ID,
    ):
        assert part in text, part


def test_str_without_code_more_info_or_request_id() -> None:
    error = error_from_response(
        status=503, reason="Service Unavailable", body=b"", method="GET", url=URL, request_id=None
    )
    assert str(error) == f"HTTP 503 GET {URL}: Service Unavailable"


# --- the tree -----------------------------------------------------------------------------------


def test_every_exception_in_the_module_is_a_twilio_error() -> None:
    classes = [
        value
        for name in errors.__all__
        if isinstance(value := getattr(errors, name), type) and issubclass(value, BaseException)
    ]
    assert len(classes) >= 18
    for cls in classes:
        assert issubclass(cls, TwilioError), cls


def test_validation_errors_are_value_errors() -> None:
    for cls in (TwilioValidationError, InvalidSidError, ConfigurationError):
        assert issubclass(cls, ValueError)
        assert issubclass(cls, TwilioValidationError)
    error = ConfigurationError("bad", param="region")
    assert error.param == "region"
    assert not issubclass(TwilioAPIError, ValueError)


# --- property: any body gives an error, never a crash ------------------------------------------

_json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
_json_values = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
_error_objects = st.dictionaries(
    st.sampled_from(
        ["code", "message", "more_info", "status", "details", "type", "title", "detail"]
    ),
    _json_values,
)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | _error_objects.map(lambda d: json.dumps(d).encode()))
def test_any_body_gives_an_api_error(body: bytes) -> None:
    error = build(body, status=500, reason="Internal Server Error")
    assert isinstance(error, ServerError)
    assert error.message
    assert error.code is None or isinstance(error.code, int)
    str(error)


@pytest.mark.parametrize(
    "body",
    [
        b'{"a":' * 50_000,  # deeply nested, unterminated
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,  # deeply nested, valid JSON
    ],
    ids=["unterminated", "valid"],
)
def test_deeply_nested_json_body_gives_an_api_error(body: bytes) -> None:
    error = build(body, status=502, reason="Bad Gateway")
    assert type(error) is ServerError
    assert error.message.startswith("Bad Gateway; body: ")


@pytest.mark.parametrize("code", ["\u00b2", "\u2460", "\u00b9\u00b2"])  # isdigit() but not int()
def test_codes_of_non_decimal_digits_are_dropped_not_fatal(code: str) -> None:
    assert build({"code": code, "message": "m"}).code is None
    xml = f"<TwilioResponse><RestException><Code>{code}</Code><Message>m</Message>"
    xml += f"<Status>{code}</Status></RestException></TwilioResponse>"
    error = build(xml.encode())
    assert error.code is None
    assert error.message == "m"


# --- one printable line, whatever the server sent -------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text, é and 📞", "plain text, é and 📞"),
        ("a\r\nb", "a\\r\\nb"),
        ("\x1b[2J\x00\x7f", "\\x1b[2J\\x00\\x7f"),
        ("line\u2028sep\u2029par\u202eflip\x85", "line\\u2028sep\\u2029par\\u202eflip\\x85"),
        ("tab\there", "tab\\there"),
    ],
)
def test_escape_control_keeps_text_on_one_printable_line(raw: str, shown: str) -> None:
    assert errors.escape_control(raw) == shown
    assert errors.escape_control(raw).isprintable()


def test_api_error_text_is_escaped_and_the_raw_values_are_kept() -> None:
    error = build({"code": 20001, "message": "bad\r\nINFO forged", "more_info": "u\n"})
    assert "bad\\r\\nINFO forged" in str(error)
    assert str(error).isprintable()
    assert error.message == "bad\r\nINFO forged"
    assert error.more_info == "u"  # stripped, as before


@pytest.mark.parametrize(
    "error",
    [
        errors.TwilioDecodeError("bad <tag\n>", method="GET", url="http://h/\r\n"),
        errors.TwilioConnectionError(
            "connection failed: BadStatusLine: '\x1b[2J'", method="GET", url="u", request_sent=True
        ),
        errors.UnsafeURLError("link http://evil/\r\nx"),
        errors.TwilioValidationError("friendly_name '\x1b'"),
        errors.ResponseTooLargeError(method="GET", url="http://h/\n", limit=10),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_twilio_error_is_one_printable_line(error: TwilioError) -> None:
    assert str(error).isprintable()


def test_attempts_and_the_reason_to_stop_appear_in_the_text() -> None:
    once = build(CLASSIC)
    assert once.attempts == 1
    assert "attempt" not in str(once)
    error = error_from_response(
        status=503,
        reason="Service Unavailable",
        body=b"",
        method="GET",
        url=URL,
        request_id=None,
        attempts=3,
        note="not retried: a wait of 30s would pass the total_timeout of 10s",
    )
    assert str(error) == (
        f"HTTP 503 GET {URL}: Service Unavailable (3 attempts; "
        "not retried: a wait of 30s would pass the total_timeout of 10s)"
    )
    broken = errors.TwilioTimeoutError(
        "no response within 30s", method="GET", url=URL, request_sent=True, attempts=2
    )
    assert str(broken) == f"no response within 30s (GET {URL}; 2 attempts)"


def test_response_too_large_names_the_url_and_the_limit() -> None:
    error = errors.ResponseTooLargeError(method="GET", url=URL, limit=32 * 2**20, size=10**8)
    assert str(error) == (
        "the response is larger than max_response_size (32 MiB; it announced 100000000 "
        f"bytes), so the rest was not read (GET {URL})"
    )
    assert "(1000 bytes)" in str(errors.ResponseTooLargeError(method="GET", url=URL, limit=1000))


def test_event_loop_error_is_a_runtime_error() -> None:
    assert issubclass(errors.EventLoopError, RuntimeError)
    assert issubclass(errors.EventLoopError, TwilioError)


def test_errors_imports_nothing_else_of_the_package() -> None:
    # errors.py is the leaf: xml.py and error_bodies.py import it, never the reverse. An
    # import for type checkers only (`if TYPE_CHECKING:`) never runs, so it makes no circle.
    import ast
    from pathlib import Path

    tree = ast.parse(Path(errors.__file__).read_text())
    for node in list(tree.body):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            tree.body.remove(node)
    relative = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.level or "twilio_async" in (node.module or ""))
    ]
    assert relative == []
