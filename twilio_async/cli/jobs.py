"""``numbers buy``, ``update``, ``release`` and ``apply``: bulk jobs (:mod:`twilio_async.bulk`).

Each command builds a plan (checked by the library before anything is sent) and runs it
with :func:`run_job`: a journal file makes it resumable (``--journal``, or a name derived
from the plan and the account, printed, so that the same command run again finds it; with
``--fake`` the journal is in memory, and ``--journal`` a usage error),
``--dry-run`` prints what it would do and sends nothing but searches and lookups, a
progress bar follows the engine's events, and the summary ends it (exit 1 when an item
failed, or in a dry run would fail; the journal keeps every item's end). A purchase or a
release on a real account asks first, unless ``--yes``.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import hashlib
import json
import typing
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .options import inventory_filters, number_criteria, search_filters
from .output import cell, display_path, plural, resolve_format
from .progress import job_text
from .runtime import EXIT_FAILED, EXIT_OK, Session, describe_error, session_command
from .settings import parse_assignments, read_desired

if TYPE_CHECKING:
    from ..bulk import (
        AreaCodeOrder,
        Capability,
        Event,
        JobSummary,
        NumberFilter,
        NumberType,
        Plan,
        PlannedItem,
    )
    from ..models import IncomingPhoneNumber

__all__ = ["apply_settings", "buy_numbers", "release_numbers", "run_job", "update_numbers"]

F = TypeVar("F", bound=Callable[..., Any])
LISTED_FAILURES = 20  # failed items the summary names; the journal keeps them all
IN_MEMORY = "in memory (--fake)"
_LABELS = {"buy": "buying", "update": "updating", "release": "releasing"}


def journal_path(session: Session, plan: Plan, given: Path | None) -> Path | None:
    """``--journal``, else a file named after the plan and the account (the same command
    finds it again); None (in memory) on the in-process fake, which ends with the process."""
    if given is not None:
        return given
    if session.fake is not None:
        return None
    canonical = json.dumps(
        [session.client.account_sid, plan.canonical()],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return Path(f"twilio-async-{plan.kind}-{digest}.journal")


async def run_job(
    session: Session,
    plan: Plan,
    *,
    journal: Path | None,
    dry_run: bool = False,
    confirm: str | None = None,
    yes: bool = False,
) -> int:
    """Run ``plan`` as a bulk job (or its dry run); the exit code."""
    from ..bulk import BulkJob

    path = journal_path(session, plan, journal)
    if dry_run:
        planned = await BulkJob(session.client, plan, journal=path).dry_run()
        actions = Counter(item.action for item in planned.items)
        session.output.result(
            f"dry run of the {plan.kind} job: "
            + ", ".join(f"{action} {n}" for action, n in sorted(actions.items()))
        )
        for item in planned.items:
            session.output.result(planned_line(item))
        session.output.note("dry run: nothing was sent but searches and lookups")
        # As the run would: exit 1 when an item would fail, so a script can check first.
        return EXIT_FAILED if actions["fail"] else EXIT_OK
    if confirm is not None:
        session.confirm(confirm, yes=yes)
    where = IN_MEMORY if path is None else display_path(path)
    resume = "" if path is None else " (run the same command again to resume)"
    session.output.note(f"journal: {where}{resume}")
    view = session.output.view(_LABELS[plan.kind])

    def show(event: Event) -> None:
        view.update(event.progress.finished, event.progress.total, job_text(event.progress))

    try:
        summary = await BulkJob(session.client, plan, journal=path, on_event=show).run()
    except asyncio.CancelledError:  # Ctrl-C: the journal is consistent, the job resumable
        view.close()
        session.output.note(f"stopped; run the same command again to carry on (journal: {where})")
        raise
    finally:
        view.close()
    assert summary is not None  # the last event carries it
    _report(session, summary, where)
    return EXIT_OK if summary.ok else EXIT_FAILED


def _shown(value: Any) -> str:
    """A setting's value in a plan: its wire text, ``(unset)`` for none."""
    if value is None or value == "":
        return "(unset)"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return cell(value)


def planned_line(item: PlannedItem) -> str:
    """What a job would do with one item: ``update PN… +1…  voice_url: a -> b``, the
    library's line (:func:`~twilio_async.bulk.dryrun.planned_text`) with wire values."""
    from ..bulk.dryrun import planned_text

    return planned_text(item, shown=_shown, framed=False)


def _report(session: Session, summary: JobSummary, where: str) -> None:
    out = session.output
    out.result(str(summary))
    if summary.error is not None:
        out.result(f"the job stopped: {describe_error(summary.error, brief=True)}")
    failed = summary.failed
    for item in failed[:LISTED_FAILURES]:
        why = describe_error(item.error, brief=True) if item.error is not None else item.note
        out.result(f"failed {item.label}: {why}")
    if len(failed) > LISTED_FAILURES:
        out.result(f"... and {len(failed) - LISTED_FAILURES} more; the journal keeps them all")
    if failed and where != IN_MEMORY:
        out.note(f"journal: {where}: running the same command again retries the failed items")
    stats = summary.stats
    if summary.ok and summary.items and not (stats.done or stats.skipped or stats.listed):
        out.note(
            "nothing to do: an earlier run with this journal finished the job "
            "(give another --journal to start a new one)"
        )


# -- options ---------------------------------------------------------------------------


def job_options(*, confirm: bool) -> Callable[[F], F]:
    """``--journal`` and ``--dry-run`` (and ``--yes`` for a job that asks first)."""

    def decorate(command: F) -> F:
        if confirm:
            command = click.option(
                "--yes", "-y", is_flag=True, help="Do not ask for confirmation (real accounts)."
            )(command)
        command = click.option(
            "--dry-run",
            is_flag=True,
            help="Print what would be done; send nothing but searches and lookups.",
        )(command)
        return journal_option(
            "The job's journal file (default: named after the job, in the current "
            "directory; in memory with --fake); run the same command again with it to resume."
        )(command)

    return decorate


FAKE_JOURNAL = (
    "--journal and --fake do not go together: the fake's numbers vanish when the command "
    "ends, so a journal of a run on it could never be resumed (with --fake the journal is "
    "kept in memory); leave out --journal (or --fake, to run on your account)"
)


def journal_option(help: str) -> Callable[[F], F]:
    """``--journal``, refused with ``--fake`` (a usage error, before anything runs).

    Applied over :func:`session_command`, whose callback takes ``fake`` among its options.
    """

    def decorate(command: F) -> F:
        @functools.wraps(command)  # its click parameters come along (``__dict__``)
        def checked(**options: Any) -> Any:
            if options.get("fake") and options.get("journal") is not None:
                raise click.UsageError(FAKE_JOURNAL)
            return command(**options)

        return click.option(
            "--journal", type=click.Path(dir_okay=False, path_type=Path), help=help
        )(typing.cast(F, checked))

    return decorate


def settings_option(*, required: bool) -> Callable[[F], F]:
    return click.option(
        "--set",
        "assignments",
        multiple=True,
        required=required,
        metavar="KEY=VALUE",
        help="A setting of the numbers (voice_url=https://…, sms_method=GET, "
        "friendly_name=…); repeat for several.",
    )


def selection_options(command: F) -> F:
    """Which numbers: SIDs as arguments, ``--sids-file``, list filters, or ``--all``."""
    command = click.option(
        "--all", "everything", is_flag=True, help="Every number of the account."
    )(command)
    command = inventory_filters(command)
    command = click.option(
        "--sids-file",
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        help="A file of SIDs, one per line ('-': standard input; a CSV's first column, "
        "such as an export, works too).",
    )(command)
    return click.argument("sids", nargs=-1, metavar="[SID]...")(command)


def read_sids(path: Path) -> list[str]:
    """SIDs of a file: one per line, or a CSV's first column; blank, ``#`` and header
    (``sid``) lines skipped."""
    with click.open_file(str(path), encoding="utf-8") as stream:
        lines = [line.split(",", 1)[0].strip() for line in stream]
    return [line for line in lines if line and not line.startswith("#") and line != "sid"]


def select(
    sids: Sequence[str], sids_file: Path | None, filters: Mapping[str, Any], everything: bool
) -> list[str] | NumberFilter:
    """The numbers a command is given, one way only (a usage error otherwise)."""
    from ..bulk import NumberFilter

    listed = [*sids, *(read_sids(sids_file) if sids_file is not None else ())]
    ways = sum((bool(listed), bool(filters), everything))
    if ways > 1:
        raise click.UsageError("select numbers one way: SIDs (or --sids-file), filters, or --all")
    if listed:
        return listed
    if filters or everything:
        return NumberFilter(**filters, everything=everything)
    if sids_file is not None:
        raise click.UsageError(f"{sids_file} holds no SIDs")
    raise click.UsageError(
        "which numbers? give SIDs, --sids-file FILE, a filter (--friendly-name, "
        "--phone-number, ...) or --all"
    )


def _described(targets: list[str] | NumberFilter) -> str:
    if isinstance(targets, list):
        return plural(len(targets), "number")
    filters = targets.filters()
    if not filters:
        return "every number"
    return "every number with " + ", ".join(f"{k}={v!r}" for k, v in sorted(filters.items()))


# -- the commands ----------------------------------------------------------------------


@click.command("buy")
@click.argument("count", type=click.IntRange(min=1))
@number_criteria
@click.option(
    "--area-code-order",
    type=click.Choice(["in-turn", "round-robin"]),
    default="in-turn",
    show_default=True,
    help="Several area codes: each until it runs out, or spread evenly.",
)
@settings_option(required=False)
@click.option(
    "--name-format",
    metavar="FORMAT",
    help="Friendly names, FORMAT with {n} the number's place from 1: 'store {n:03d}'.",
)
@job_options(confirm=True)
@session_command
async def buy_numbers(
    session: Session,
    *,
    count: int,
    country: str,
    number_type: str,
    area_codes: tuple[int, ...],
    contains: str | None,
    capabilities: tuple[str, ...],
    area_code_order: str,
    assignments: tuple[str, ...],
    name_format: str | None,
    journal: Path | None,
    dry_run: bool,
    yes: bool,
    **filters: Any,
) -> int:
    """Buy COUNT numbers matching the criteria, each with the settings given.

    Exactly COUNT, never one twice, even when stopped and run again: the journal records
    every step. Numbers taken by someone else meanwhile are replaced by others.
    """
    from ..bulk import BuyNumbers

    plan = BuyNumbers(
        count,
        country=country,
        number_type=typing.cast("NumberType", number_type.replace("-", "_")),
        area_codes=[str(code) for code in area_codes] or None,
        area_code_order=typing.cast("AreaCodeOrder", area_code_order.replace("-", "_")),
        contains=contains,
        capabilities=typing.cast("set[Capability]", set(capabilities)),
        search=search_filters.take(filters),
        settings=parse_assignments(assignments),
        per_number=None if name_format is None else _names(name_format, count),
    )
    action = f"This buys {plural(count, f'{number_type} number')} in {plan.country}"
    return await run_job(session, plan, journal=journal, dry_run=dry_run, confirm=action, yes=yes)


def _names(name_format: str, count: int) -> list[dict[str, str]]:
    try:
        return [{"friendly_name": name_format.format(n=n)} for n in range(1, count + 1)]
    except (KeyError, IndexError, ValueError) as error:
        raise click.BadParameter(
            f"{name_format!r}: {error} (use {{n}}, e.g. 'store {{n:03d}}')",
            param_hint="--name-format",
        ) from None


@click.command("update")
@selection_options
@settings_option(required=True)
@job_options(confirm=False)
@session_command
async def update_numbers(
    session: Session,
    *,
    sids: tuple[str, ...],
    sids_file: Path | None,
    everything: bool,
    assignments: tuple[str, ...],
    journal: Path | None,
    dry_run: bool,
    **filters: Any,
) -> int:
    """Change settings of numbers selected by SID, file, filter or --all.

    A number that has the settings already gets no request: running it again sends
    nothing.
    """
    from ..bulk import UpdateNumbers

    targets = select(sids, sids_file, inventory_filters.take(filters), everything)
    plan = UpdateNumbers(targets, settings=parse_assignments(assignments))
    return await run_job(session, plan, journal=journal, dry_run=dry_run)


@click.command("release")
@selection_options
@job_options(confirm=True)
@session_command
async def release_numbers(
    session: Session,
    *,
    sids: tuple[str, ...],
    sids_file: Path | None,
    everything: bool,
    journal: Path | None,
    dry_run: bool,
    yes: bool,
    **filters: Any,
) -> int:
    """Release numbers selected by SID, file, filter or --all (they are gone for good)."""
    from ..bulk import ReleaseNumbers

    targets = select(sids, sids_file, inventory_filters.take(filters), everything)
    action = f"This releases {_described(targets)}, for good"
    return await run_job(
        session,
        ReleaseNumbers(targets),
        journal=journal,
        dry_run=dry_run,
        confirm=action,
        yes=yes,
    )


@click.command("apply")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(["csv", "jsonl"]),
    default=None,
    help="The file's format (default: from its suffix, else csv).",
)
@click.option("--yes", "-y", is_flag=True, help="Apply the changes (without it: the plan only).")
@journal_option(
    "The update job's journal file (default: named after the changes; in memory with --fake)."
)
@session_command
async def apply_settings(
    session: Session, *, file: Path, format_: str | None, yes: bool, journal: Path | None
) -> int:
    """Make numbers' settings what FILE says (a file 'numbers export' wrote, edited).

    Shows the plan, each change as old -> new, and applies it with --yes. Numbers that
    match the file already get no request, so applying twice sends nothing the second
    time.
    """
    from ..bulk import BulkJob, UpdateNumbers

    desired = read_desired(file, resolve_format(format_, file, "csv"))
    wanted = {sid: settings for sid, settings in desired.rows.items() if settings}
    if not wanted:
        session.output.note(f"nothing to apply: {file} sets nothing")
        return EXIT_OK
    current = await _numbers_of(session, wanted)
    targets = [current.get(sid, sid) for sid in wanted]  # a SID not listed is fetched
    planned = await BulkJob(session.client, UpdateNumbers(targets, per_number=wanted)).dry_run()
    changes: dict[str, dict[str, Any]] = {}
    failed = 0
    for item in planned.items:
        if item.action == "update" and item.sid is not None:
            changes[item.sid] = {name: new for name, (_, new) in item.changes.items()}
        elif item.action == "fail":
            failed += 1
        else:
            continue  # already as the file says
        session.output.result(planned_line(item))
    unchanged = len(planned.items) - len(changes) - failed
    session.output.result(
        f"{len(changes)} to change, {unchanged} as in {file.name} already, {failed} failed"
    )
    code = EXIT_FAILED if failed else EXIT_OK
    if not changes:
        return code
    if not yes:
        session.output.note("nothing was sent: add --yes to apply these changes")
        return code
    plan = UpdateNumbers([current.get(sid, sid) for sid in changes], per_number=changes)
    return max(code, await run_job(session, plan, journal=journal))


async def _numbers_of(session: Session, sids: Mapping[str, Any]) -> dict[str, IncomingPhoneNumber]:
    """The account's numbers among ``sids``, listed (one request per 1000 numbers, not
    one per number), until all are found or the list ends."""
    found: dict[str, IncomingPhoneNumber] = {}
    view = session.output.view("reading the numbers")
    try:
        async for number in session.client.incoming_phone_numbers.stream():
            if number.sid in sids:
                found[number.sid] = number
                view.update(len(found), len(sids), f"{len(found):,} of {len(sids):,} found")
                if len(found) == len(sids):
                    break
    finally:
        view.close()
    return found
