"""Safe XML decoding for Twilio's 2008-08-01 ``<TwilioResponse>`` bodies.

The standard library's expat parser expands internal entities, so a hostile or broken
proxy could send a "billion laughs" body. Twilio's XML never declares a DTD or entities,
so any document type declaration is refused outright, before expansion can start.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, NoReturn
from xml.parsers import expat

__all__ = ["UnsafeXMLError", "parse_rest_exception", "parse_xml"]


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
