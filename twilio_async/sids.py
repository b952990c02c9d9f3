"""SID checks, kept in a module of their own so the client can check an account SID
without loading the request-parameter machinery."""

from __future__ import annotations

import re

from .errors import InvalidSidError

__all__ = ["validate_sid"]


def validate_sid(value: object, prefix: str, *, param: str = "sid") -> str:
    """Return ``value`` if it is a SID with ``prefix``; raise :class:`InvalidSidError`."""
    if not isinstance(value, str):
        raise InvalidSidError(
            f"{param} must be a {prefix}... SID string, got {type(value).__name__}", param=param
        )
    if len(value) != 34 or not value.startswith(prefix) or not _HEX32.match(value, 2):
        shown = value if len(value) <= 64 else value[:61] + "..."
        raise InvalidSidError(
            f"{param} must be a SID of the form {prefix} + 32 hex digits, got {shown!r}",
            param=param,
        )
    return value


_HEX32 = re.compile(r"[0-9a-fA-F]{32}\Z")
