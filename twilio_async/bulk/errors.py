"""The errors a bulk job adds to the library's tree, and how errors are kept in a journal.

A failed item carries a :class:`~twilio_async.errors.TwilioError`: the one Twilio or the
transport raised, or one of these. Errors are written to the journal as JSON (type, Twilio's
fields) and rebuilt from it, so a job resumed in another process reports the same errors.
Messages never hold credentials: the library's errors never contain them to begin with.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import (
    TwilioAPIError,
    TwilioConnectionError,
    TwilioDecodeError,
    TwilioError,
    TwilioTimeoutError,
    TwilioTransportError,
    TwilioValidationError,
    error_class_for,
)

__all__ = [
    "JournalError",
    "JournalMismatchError",
    "NoMoreNumbersError",
    "OutcomeUnknownError",
    "error_from_json",
    "error_to_json",
]


class JournalMismatchError(TwilioValidationError):
    """The journal file holds another job (another plan or account): nothing was sent.

    ``differences`` names the plan's fields that differ from the journal's.
    """

    def __init__(self, message: str, *, differences: tuple[str, ...] = ()) -> None:
        super().__init__(message, param="journal")
        self.differences = differences


class JournalError(TwilioError):
    """The journal file cannot be used (not a journal, a newer format, unreadable)."""


class NoMoreNumbersError(TwilioError):
    """The search criteria match no more available numbers: the item bought nothing."""


class OutcomeUnknownError(TwilioError):
    """A request may have been processed and looking it up failed too.

    For a purchase, ``phone_number`` may or may not belong to the account now. The journal
    keeps the item marked unsure: running the job again with the same journal looks the
    number up before anything else, and never buys another number for the item first.
    """

    def __init__(self, message: str, *, phone_number: str | None = None) -> None:
        super().__init__(message)
        self.phone_number = phone_number


_TRANSPORT: dict[str, type[TwilioTransportError]] = {
    cls.__name__: cls for cls in (TwilioConnectionError, TwilioTimeoutError, TwilioTransportError)
}
# Classes whose text is the message they were given: rebuilt with it, and their attributes.
_PLAIN: dict[str, type[TwilioError]] = {
    cls.__name__: cls
    for cls in (TwilioDecodeError, NoMoreNumbersError, OutcomeUnknownError, JournalError)
}
_OUTCOME = ("attempts", "note")  # how the client's call ended, on API and transport errors


def error_to_json(error: BaseException) -> str:
    """A journal record of ``error``: enough to rebuild an equivalent exception."""
    record: dict[str, Any] = {"type": type(error).__name__, "message": str(error)}
    if isinstance(error, TwilioAPIError):
        record.update(
            message=error.message,
            status=error.status,
            code=error.code,
            more_info=error.more_info,
            method=error.method,
            url=error.url,
            request_id=error.request_id,
        )
    elif isinstance(error, TwilioTransportError):
        record.update(
            message=error.message,
            method=error.method,
            url=error.url,
            request_sent=error.request_sent,
        )
    elif isinstance(error, TwilioDecodeError):
        record.update(method=error.method, url=error.url, status=error.status)
    elif isinstance(error, OutcomeUnknownError):
        record.update(phone_number=error.phone_number)
    if isinstance(error, (TwilioAPIError, TwilioTransportError)):
        record.update({name: getattr(error, name, None) for name in _OUTCOME})
    return json.dumps(record, separators=(",", ":"))


def error_from_json(text: str) -> TwilioError:
    """Rebuild the exception :func:`error_to_json` recorded (its class where it can)."""
    record = json.loads(text)
    kind, message = record.pop("type", ""), record.pop("message", "")
    outcome = {name: record.pop(name) for name in _OUTCOME if record.get(name) is not None}
    if "code" in record:  # a TwilioAPIError: its constructor takes exactly these fields
        status = int(record.pop("status"))
        return error_class_for(status)(status=status, message=message, **record, **outcome)
    if kind in _TRANSPORT:
        return _TRANSPORT[kind](message, **record, **outcome)
    cls = _PLAIN.get(kind, TwilioError)
    error = cls.__new__(cls)
    Exception.__init__(error, message)  # the text as it was recorded, suffixes and all
    for name, value in record.items():
        setattr(error, name, value)
    return error
