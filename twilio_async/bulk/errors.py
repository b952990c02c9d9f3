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


# Classes rebuilt with their recorded message and attributes (whatever the constructor's
# signature): the message was recorded whole, e.g. with its "(METHOD URL)" suffix.
_REBUILT: dict[str, type[TwilioError]] = {
    cls.__name__: cls
    for cls in (
        TwilioConnectionError,
        TwilioTimeoutError,
        TwilioTransportError,
        TwilioDecodeError,
        NoMoreNumbersError,
        OutcomeUnknownError,
        JournalError,
        TwilioError,
    )
}


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
        record.update(method=error.method, url=error.url, request_sent=error.request_sent)
    elif isinstance(error, TwilioDecodeError):
        record.update(method=error.method, url=error.url, status=error.status)
    elif isinstance(error, OutcomeUnknownError):
        record.update(phone_number=error.phone_number)
    return json.dumps(record, separators=(",", ":"))


def error_from_json(text: str) -> TwilioError:
    """Rebuild the exception :func:`error_to_json` recorded (its class where it can)."""
    record = json.loads(text)
    kind, message = record.pop("type", ""), record.pop("message", "")
    if "code" in record:  # a TwilioAPIError: its constructor takes exactly these fields
        status = int(record.pop("status"))
        return error_class_for(status)(status=status, message=message, **record)
    cls = _REBUILT.get(kind, TwilioError)
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    for name, value in record.items():
        setattr(error, name, value)
    return error
