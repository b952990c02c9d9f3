"""Response body decoding: bytes in, plain Python data out (no models yet).

JSON is decoded with orjson when it is installed (the ``speedups`` extra, ``pip install
'.[speedups]'`` from a checkout), which halves the cost of reading a page, and with the
standard library otherwise; both produce the same data. XML is the 2008-08-01 API's
format and lives in :mod:`.xml`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, Protocol

from yarl import URL

from .errors import TwilioDecodeError

__all__ = ["JSON", "Codec", "JsonCodec", "json_loads"]


def _pick_loads() -> Callable[[bytes], Any]:
    if os.environ.get("TWILIO_ASYNC_PURE_JSON"):
        return json.loads
    try:
        import orjson
    except ImportError:
        return json.loads
    return orjson.loads


json_loads: Callable[[bytes], Any] = _pick_loads()


class Codec(Protocol):
    """How an endpoint's bodies are encoded."""

    accept: str

    def decode(self, body: bytes, *, method: str, url: str | URL) -> Any: ...


class JsonCodec:
    accept = "application/json"

    def decode(self, body: bytes, *, method: str, url: str | URL) -> Any:
        if not body.strip():
            return None
        try:
            return json_loads(body)
        # orjson.JSONDecodeError and json's both subclass ValueError; json raises
        # RecursionError for nesting deeper than the interpreter's recursion limit.
        except (ValueError, RecursionError) as exc:
            raise TwilioDecodeError(
                f"response is not valid JSON: {exc}", method=method, url=str(url)
            ) from None


JSON = JsonCodec()
