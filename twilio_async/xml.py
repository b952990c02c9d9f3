"""Safe XML decoding for Twilio's 2008-08-01 ``<TwilioResponse>`` bodies.

The standard library's expat parser expands internal entities, so a hostile or broken
proxy could send a "billion laughs" body. Twilio's XML never declares a DTD or entities,
so any document type declaration is refused outright, before expansion can start.

:class:`XmlCodec` turns a ``<TwilioResponse>`` into plain data with one generic rule set
(:func:`element_data`); the typing is then the converter's job, exactly as for JSON.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from typing import Any, NoReturn
from xml.parsers import expat

from yarl import URL

from .errors import TwilioDecodeError

__all__ = [
    "XML",
    "UnsafeXMLError",
    "XmlCodec",
    "element_data",
    "parse_rest_exception",
    "parse_xml",
    "snake_case",
]


class UnsafeXMLError(ValueError):
    """The document declares a DTD or entities, which Twilio's XML never does."""


def _refuse_doctype(*_args: object) -> NoReturn:
    raise UnsafeXMLError("XML document type declarations (DTD/entities) are not accepted")


def parse_xml(body: bytes) -> ET.Element:
    """Parse ``body`` into an element tree, refusing DTDs, entity declarations and
    external references. Raises ``UnsafeXMLError`` or ``ET.ParseError``.

    Built on pyexpat directly (the C-accelerated ``ET.XMLParser`` hides its expat parser,
    so its DTD handlers cannot be replaced).
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.UnparsedEntityDeclHandler = _refuse_doctype
    parser.ExternalEntityRefHandler = _refuse_doctype
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise ET.ParseError(str(exc)) from None
    return builder.close()


def parse_rest_exception(body: bytes) -> dict[str, Any]:
    """Error fields from ``<TwilioResponse><RestException>…``; ``{}`` if there are none."""
    try:
        root = parse_xml(body)
    except (ET.ParseError, UnsafeXMLError):
        return {}
    node = root if root.tag == "RestException" else root.find("RestException")
    if node is None:
        return {}

    def text(tag: str) -> str | None:
        value = node.findtext(tag)
        return value.strip() or None if value is not None else None

    code, status = text("Code"), text("Status")
    return {
        "code": int(code) if code and code.isdecimal() else None,
        "message": text("Message"),
        "more_info": text("MoreInfo"),
        "details": None,
        "status": int(status) if status and status.isdecimal() else None,
    }


# -- XML as plain data ----------------------------------------------------------------------

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_MAX_DEPTH = 32  # Twilio's documents are four levels deep; anything this deep is hostile


@functools.lru_cache(maxsize=1024)
def snake_case(name: str) -> str:
    """``VoiceCallerIdLookup`` -> ``voice_caller_id_lookup``; ``APIVersion`` -> ``api_version``."""
    return _WORD_BOUNDARY.sub("_", name).lower()


class _TooDeep(ValueError):
    pass


def _text(text: str | None) -> str | None:
    return text if text and not text.isspace() else None


def element_data(element: ET.Element, _depth: int = 0) -> Any:
    """An element as plain data, by one generic rule set:

    * a leaf (no child elements, no attributes) is its text, and ``None`` when it is empty
      or only whitespace: ``<SmsUrl/>`` and ``<SmsUrl></SmsUrl>`` mean unset;
    * any other element is a ``dict``: each child under the snake_case of its tag (a tag
      that occurs more than once gives a list, in document order), each attribute under
      ``"@"`` + its snake_case name, and the text of an element with attributes but no
      children under ``"#text"``.

    Raises ``ValueError`` for elements nested deeper than any Twilio document.
    """
    if _depth > _MAX_DEPTH:
        raise _TooDeep(f"XML elements nested more than {_MAX_DEPTH} deep")
    attributes = element.attrib
    if not len(element) and not attributes:
        return _text(element.text)
    data: dict[str, Any] = {"@" + snake_case(k): v for k, v in attributes.items()}
    repeated: set[str] = set()
    for child in element:
        key = snake_case(child.tag)
        value = (
            _text(child.text)
            if not len(child) and not child.attrib
            else element_data(child, _depth + 1)
        )
        if key not in data:
            data[key] = value
        elif key in repeated:
            data[key].append(value)
        else:
            data[key] = [data[key], value]
            repeated.add(key)
    if not len(element):
        text = _text(element.text)
        if text is not None:
            data["#text"] = text
    return data


class XmlCodec:
    """Bodies of the 2008-08-01 API: a ``<TwilioResponse>`` wrapping one element (a record,
    or a list element with its paging attributes), decoded by :func:`element_data`.

    An empty body or an empty ``<TwilioResponse/>`` decodes to ``None``. Unsafe XML (a DTD
    or entity declaration), malformed XML and any other document raise
    :class:`~twilio_async.errors.TwilioDecodeError` naming the request.
    """

    accept = "application/xml"

    def decode(self, body: bytes, *, method: str, url: str | URL) -> Any:
        if not body.strip():
            return None
        try:
            root = parse_xml(body)
        except UnsafeXMLError:
            raise TwilioDecodeError(
                "refused an unsafe XML response: it has a document type declaration, and "
                "DTDs and entity declarations are refused (nothing was expanded or fetched)",
                method=method,
                url=str(url),
            ) from None
        except ET.ParseError as exc:
            raise TwilioDecodeError(
                f"response is not well-formed XML: {exc}", method=method, url=str(url)
            ) from None
        if root.tag != "TwilioResponse":
            raise TwilioDecodeError(
                f"expected a <TwilioResponse> document, got <{root.tag[:40]}>",
                method=method,
                url=str(url),
            )
        if len(root) > 1:
            tags = ", ".join(sorted({f"<{child.tag[:40]}>" for child in root}))
            raise TwilioDecodeError(
                f"<TwilioResponse> should hold one element, it holds {len(root)} ({tags})",
                method=method,
                url=str(url),
            )
        if not len(root):
            return None
        try:
            return element_data(root[0])
        except _TooDeep as exc:
            raise TwilioDecodeError(str(exc), method=method, url=str(url)) from None


XML = XmlCodec()
