"""Reading a journal without running its job: what a CLI's ``status`` or a web page shows."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..models.common import freeze
from .journal import Journal
from .progress import ItemResult, ItemState, Progress

__all__ = ["JournalSnapshot", "read_journal"]


@attrs.frozen
class JournalSnapshot:
    """A journal's job as it stands: its plan (in the journal's canonical form) and items."""

    path: Path
    kind: str
    account_sid: str
    plan: Mapping[str, Any]
    items: tuple[ItemResult, ...] = ()

    @property
    def progress(self) -> Progress:
        """The counts (nothing is in flight in a snapshot's terms: active items count too)."""
        states = [item.state for item in self.items]
        return Progress(
            total=len(states),
            done=states.count(ItemState.DONE),
            skipped=states.count(ItemState.SKIPPED),
            failed=states.count(ItemState.FAILED),
            in_flight=states.count(ItemState.ACTIVE),
            reconciling=sum(
                item.unsure for item in self.items if item.state is not ItemState.FAILED
            ),
        )


def read_journal(path: str | os.PathLike[str]) -> JournalSnapshot:
    """The job a journal file holds, read-only (another process may be running it).

    Raises :class:`~twilio_async.bulk.JournalError` when there is no journal at ``path``.
    """
    journal = Journal.read(path)
    try:
        kind, account_sid, plan = journal.job()
        items = tuple(ItemResult.from_row(row) for row in journal.items())
    finally:
        journal.close()
    return JournalSnapshot(Path(path), kind, account_sid, freeze(plan), items)
