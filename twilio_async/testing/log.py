"""What the fake records of each request, and how the provisioning operations are told
apart in that record (a purchase, and an update or release of one number, in either API
version)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

__all__ = ["RecordedRequest", "per_key"]

_ACCOUNT = r"/(?:2010-04-01|2008-08-01)/Accounts/AC[0-9a-fA-F]{32}/IncomingPhoneNumbers"
_PURCHASE = re.compile(_ACCOUNT + r"(?:/(?:Local|TollFree|Mobile))?(?:\.json)?")
_INSTANCE = re.compile(_ACCOUNT + r"/(PN[0-9a-fA-F]{32})(?:\.json)?")


@attrs.define
class RecordedRequest:
    """A request as the fake received it (after any fault, before auth), and its outcome.

    ``handled`` is true once the request got past authentication, the account's
    concurrency limit and any injected fault to its route: the fake processed it, as
    Twilio would have, even if its answer was then lost. ``status`` is the status
    answered, or None while it is in flight or when the connection was dropped.
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    form: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    peer: str = ""  # client address and port: tells connections apart
    handled: bool = False
    status: int | None = None

    def form_dict(self) -> dict[str, str]:
        """The form body as a dict (the last value of a repeated name)."""
        return dict(self.form)

    def query_dict(self) -> dict[str, str]:
        """The query as a dict (the last value of a repeated name)."""
        return dict(self.query)

    @property
    def purchased_number(self) -> str | None:
        """The ``PhoneNumber`` a purchase (POST to an IncomingPhoneNumbers list) names."""
        if self.method != "POST" or not _PURCHASE.fullmatch(self.path):
            return None
        return self.form_dict().get("PhoneNumber") or None

    @property
    def number_sid(self) -> str | None:
        """The ``PN…`` SID of the IncomingPhoneNumber instance the path names, if any."""
        match = _INSTANCE.fullmatch(self.path)
        return match.group(1) if match else None


def per_key(keys: Iterable[str | None]) -> Counter[str]:
    """How many times each key occurs, leaving out None."""
    return Counter(key for key in keys if key is not None)
