"""Updating and releasing numbers the account has: each item to a definite end.

Both look before they send when the job does not know the number's state: an update
compares the number's current settings with the wanted ones and sends nothing when they
match; a release confirms the number is on the account (a GET) before deleting it when
it was given as a bare SID, so that a later 404 can only mean "released already".
"""

from __future__ import annotations

import abc
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import TwilioError
from ..models import IncomingPhoneNumber
from .errors import OutcomeUnknownError
from .journal import ItemRow, TargetRow
from .plans import NumberFilter, ReleaseNumbers, UpdateNumbers
from .progress import EventKind
from .rules import (
    Outcome,
    Step,
    after_release,
    after_update,
    after_verify,
    changes_needed,
    classify,
)

if TYPE_CHECKING:
    from ..resources.incoming_phone_numbers import IncomingPhoneNumberContext
    from .context import Context, Ending

__all__ = ["ReleaseHandler", "UpdateHandler"]


class _NumberHandler:
    """What updates and releases share: their targets, and failing what is not sent."""

    def __init__(self, context: Context, plan: UpdateNumbers | ReleaseNumbers) -> None:
        self.context = context
        targets = plan.targets
        # Models the caller gave: the numbers' settings now, without a GET.
        self.models: dict[str, IncomingPhoneNumber] = (
            {}
            if isinstance(targets, NumberFilter)
            else {t.sid: t.current for t in targets if t.current is not None}
        )

    def fail_unsent(self, item: ItemRow, error: TwilioError) -> Ending:
        return self.context.ending(item, EventKind.FAILED, error=error)

    async def process(self, item: ItemRow, *, bound: bool = False) -> Ending:
        try:
            return await self._task(self, item).run()
        except _Stop as stop:  # the item ended inside a step
            return stop.ending

    _task: ClassVar[type[_NumberTask]]


class _NumberTask(abc.ABC):
    """One number, from claimed to a final state; subclasses send the request."""

    @abc.abstractmethod
    async def run(self) -> Ending:
        """Work the item until it is done, skipped or failed."""

    def __init__(self, handler: _NumberHandler, item: ItemRow) -> None:
        self.handler = handler
        self.context = handler.context
        self.journal = handler.context.journal
        self.item = item
        self.number: IncomingPhoneNumberContext = self.context.numbers(item.account_sid)(
            item.target or ""
        )
        self.gone: TwilioError | None = None  # the 404 a fetch was answered
        self.last_error: TwilioError | None = None

    def _save(self, kind: EventKind, message: str = "", **changes: Any) -> None:
        after = self.journal.save(self.item, **changes)
        self.item = self.context.record(self.item, after, kind, message=message)

    def _end(self, kind: EventKind, note: str) -> Ending:
        return self.context.ending(self.item, kind, message=note, unsure=0, note=note)

    def _fail(self, error: TwilioError) -> Ending:
        return self.context.ending(self.item, EventKind.FAILED, error=error)

    async def fetch(self) -> IncomingPhoneNumber | None:
        """The number now; None when it is gone (404), and the item failed otherwise."""
        self.context.stats["fetches"] += 1
        try:
            return await self.number.fetch()
        except TwilioError as error:
            outcome = classify(error)
            if outcome is Outcome.GONE:
                self.gone = error
                return None
            if outcome is Outcome.FATAL:
                self.context.abort(error)
            if self.item.unsure:
                error = OutcomeUnknownError(
                    f"{self.number.sid}: the last request may have been applied, and fetching "
                    f"the number failed ({error}); run the job again to look again"
                )
            raise _Stop(self._fail(error)) from None

    def _begin_send(self, what: str) -> None:
        self._save(
            EventKind.SENDING, what, unsure=1, sends=self.item.sends + 1, sent_at=time.time()
        )

    async def _react(self, step: Step, error: TwilioError) -> Ending | None:
        """Act on a failed request's step (LOOK_UP: the loop looks, the item still unsure)."""
        self.last_error = error
        if step is Step.LOOK_UP:
            self.context.stats["unknown"] += 1
            self._save(EventKind.UNKNOWN, str(error))
        elif step is Step.SEND_AGAIN:  # rate-limited: not processed
            self.context.stats["rate_limited"] += 1
            self._save(EventKind.RETRYING, str(error), unsure=0)
            await self.context.pause(self.item.sends)
        elif step is Step.ALREADY_DONE:
            return self._end(EventKind.SKIPPED, "already released")
        else:
            if step is Step.ABORT:
                self.context.abort(error)
            return self._fail(error)
        return None


class _Stop(Exception):
    """The item reached its ending inside a step."""

    def __init__(self, ending: Ending) -> None:
        super().__init__(ending.message)
        self.ending = ending


class _Update(_NumberTask):
    handler: UpdateHandler

    async def run(self) -> Ending:
        current = None if self.item.unsure else self.handler.models.get(self.item.target or "")
        while True:
            if self.context.fatal is not None:
                return self.handler.fail_unsent(self.item, self.context.fatal)
            verifying = self.item.unsure
            if current is None and (verifying or not self.item.known):
                current = await self.fetch()
                if current is None:
                    return self._fail(self.gone or TwilioError(f"{self.number.sid} is gone"))
            wanted = self.handler.plan.settings_for(self.item.target or "")
            changes = wanted if current is None else _wanted(changes_needed(current, wanted))
            if not changes:
                return self._nothing_to_send()
            if verifying:
                self._send_again()
            ending = await self.send(changes)
            if ending is not None:
                return ending
            current = None  # unknown until fetched (or, when listed, known to differ)

    def _send_again(self) -> None:
        """An update with an unknown outcome had not landed: send it again, or give up."""
        options = self.context.options
        step = after_verify(False, sends=self.item.sends, max_sends=options.max_sends)
        if step is Step.FAIL:
            error = self.last_error or TwilioError(f"gave up updating {self.number.sid}")
            raise _Stop(self._fail(error))
        self._save(EventKind.RETRYING, "the update had not landed", unsure=0)

    def _nothing_to_send(self) -> Ending:
        if self.item.sends:  # an update sent earlier, with an unknown outcome, had landed
            return self._end(EventKind.DONE, "reconciled: the update had been applied")
        return self._end(EventKind.SKIPPED, "already applied")

    async def send(self, changes: Mapping[str, Any]) -> Ending | None:
        """Send the update: its ending, or None to look at the number again."""
        self._begin_send(", ".join(sorted(changes)))
        self.context.stats["updates"] += 1
        try:
            await self.number.update(**changes)
        except TwilioError as error:
            outcome = classify(error)
            options = self.context.options
            step = after_update(outcome, sends=self.item.sends, max_sends=options.max_sends)
            return await self._react(step, error)
        return self.context.ending(self.item, EventKind.DONE, unsure=0)


class UpdateHandler(_NumberHandler):
    """Works the items of an :class:`~twilio_async.bulk.UpdateNumbers` plan."""

    def __init__(self, context: Context, plan: UpdateNumbers) -> None:
        super().__init__(context, plan)
        self.plan = plan

    _task = _Update

    def target_row(self, number: IncomingPhoneNumber, account_sid: str | None) -> TargetRow:
        """A listed number's item: skipped at once when it has the settings already."""
        changes = changes_needed(number, self.plan.settings_for(number.sid))
        return TargetRow(
            number.sid,
            account_sid,
            number.phone_number,
            known=True,
            state="pending" if changes else "skipped",
            note=None if changes else "already applied",
        )


def _wanted(changes: Mapping[str, tuple[Any, Any]]) -> dict[str, Any]:
    return {name: wanted for name, (_, wanted) in changes.items()}


class _Release(_NumberTask):
    handler: ReleaseHandler

    async def run(self) -> Ending:
        while True:
            if self.context.fatal is not None:
                return self.handler.fail_unsent(self.item, self.context.fatal)
            if not (self.item.known or self.item.target in self.handler.models):
                ending = await self._confirm()
            elif self.item.unsure:
                ending = await self._verify()
            else:
                ending = await self.send()
            if ending is not None:
                return ending

    async def _confirm(self) -> Ending | None:
        """A bare SID: is it this account's? Only then can a 404 later mean "released"."""
        number = await self.fetch()
        if number is None:  # never seen on this account: not counted as released
            return self._fail(self.gone or TwilioError(f"{self.number.sid} is not on the account"))
        self._save(EventKind.SENDING, "on the account", known=1, phone=number.phone_number)
        return None

    async def _verify(self) -> Ending | None:
        """A DELETE may have happened: the number is gone (done) or still here (send again)."""
        number = await self.fetch()
        options = self.context.options
        step = after_verify(number is None, sends=self.item.sends, max_sends=options.max_sends)
        if step is Step.DONE:
            return self._end(EventKind.DONE, "reconciled: the release had happened")
        if step is Step.SEND_AGAIN:
            self._save(EventKind.RETRYING, "still on the account", unsure=0)
            return None
        return self._fail(self.last_error or TwilioError(f"gave up releasing {self.number.sid}"))

    async def send(self) -> Ending | None:
        self._begin_send("release")
        self.context.stats["releases"] += 1
        try:
            await self.number.delete()
        except TwilioError as error:
            options = self.context.options
            step = after_release(
                classify(error), known=True, sends=self.item.sends, max_sends=options.max_sends
            )
            return await self._react(step, error)
        return self._end(EventKind.DONE, "released")


class ReleaseHandler(_NumberHandler):
    """Works the items of a :class:`~twilio_async.bulk.ReleaseNumbers` plan."""

    def __init__(self, context: Context, plan: ReleaseNumbers) -> None:
        super().__init__(context, plan)
        self.plan = plan

    _task = _Release

    def target_row(self, number: IncomingPhoneNumber, account_sid: str | None) -> TargetRow:
        return TargetRow(number.sid, account_sid, number.phone_number, known=True)
