"""``numbers list``, ``numbers search`` and ``numbers export``: commands that only read.

The commands that change numbers (buy, update, release, apply) are bulk jobs:
:mod:`.jobs`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import click

from .listing import write_stream
from .options import (
    inventory_filters,
    number_criteria,
    output_options,
    stream_options,
)
from .output import Column, resolve_format
from .runtime import Session, session_command
from .settings import EXPORT_FIELDS

__all__ = ["export_numbers", "list_numbers", "search_numbers"]

NUMBER_COLUMNS = (
    Column.of("SID", "sid", 34, flexible=False),
    Column.of("NUMBER", "phone_number", 16, flexible=False),
    Column.of("FRIENDLY NAME", "friendly_name", 22),
    Column.of("VOICE URL", "voice_url", 36),
    Column.of("SMS URL", "sms_url", 36),
)


def _capabilities(plain: Mapping[str, Any]) -> str:
    return " ".join(name for name, able in (plain.get("capabilities") or {}).items() if able)


AVAILABLE_COLUMNS = (
    Column.of("NUMBER", "phone_number", 16, flexible=False),
    Column.of("FRIENDLY NAME", "friendly_name", 16),
    Column.of("LOCALITY", "locality", 16),
    Column.of("REGION", "region", 6),
    Column.of("POSTAL CODE", "postal_code", 11),
    Column("CAPABILITIES", _capabilities, 18),
)


@click.command("list")
@inventory_filters
@stream_options
@output_options(default="table")
@session_command
async def list_numbers(
    session: Session,
    *,
    limit: int | None,
    page_size: int | None,
    resume: str | None,
    format_: str | None,
    output: Path | None,
    **filters: Any,
) -> int:
    """List the account's numbers, streamed: any number of them in constant memory.

    CSV and JSON Lines hold every field of every number. With --output or a pipe, a
    progress bar goes to standard error.
    """
    return await _write_inventory(
        session,
        limit,
        page_size,
        resume,
        filters,
        format=resolve_format(format_, output, "table"),
        output=output,
        columns=NUMBER_COLUMNS,
    )


@click.command("export")
@inventory_filters
@stream_options
@output_options(default="csv", formats=("csv", "jsonl"))
@session_command
async def export_numbers(
    session: Session,
    *,
    limit: int | None,
    page_size: int | None,
    resume: str | None,
    format_: str | None,
    output: Path | None,
    **filters: Any,
) -> int:
    """Write the numbers' settings as a desired-settings file for 'numbers apply'.

    One row per number: its sid, phone_number and every setting. Edit it (or keep only
    the columns to change) and apply it.
    """
    return await _write_inventory(
        session,
        limit,
        page_size,
        resume,
        filters,
        format=resolve_format(format_, output, "csv"),
        output=output,
        fields=EXPORT_FIELDS,
    )


async def _write_inventory(
    session: Session,
    limit: int | None,
    page_size: int | None,
    resume: str | None,
    filters: dict[str, Any],
    **shape: Any,
) -> int:
    """The account's numbers streamed to ``write_stream``: list and export differ only in
    the shape of what is written (``format``, ``output``, ``columns`` or ``fields``)."""
    from ..models import IncomingPhoneNumber

    stream = session.client.incoming_phone_numbers.stream(
        limit=limit, page_size=page_size, resume=resume, **inventory_filters.take(filters)
    )
    return await write_stream(
        session,
        stream,
        model=IncomingPhoneNumber,
        noun="number",
        append=resume is not None,
        total=limit,
        **shape,
    )


@click.command("search")
@number_criteria
@click.option(
    "--limit",
    type=click.IntRange(1, 30),
    default=None,
    help="Numbers per search (Twilio answers 30 at most).",
)
@output_options(default="table")
@session_command
async def search_numbers(
    session: Session,
    *,
    country: str,
    number_type: str,
    area_codes: tuple[int, ...],
    contains: str | None,
    capabilities: tuple[str, ...],
    limit: int | None,
    format_: str | None,
    output: Path | None,
    **filters: Any,
) -> int:
    """Search numbers for sale (AvailablePhoneNumbers); one search per --area-code."""
    from ..models import AvailablePhoneNumber
    from .options import search_filters

    criteria = search_filters.take(filters)
    if contains is not None:
        criteria["contains"] = contains
    criteria.update({f"{capability}_enabled": True for capability in capabilities})
    numbers = getattr(session.client.available_phone_numbers(country), _attribute(number_type))

    async def found() -> AsyncIterator[AvailablePhoneNumber]:
        for area_code in area_codes or (None,):
            search = criteria if area_code is None else {**criteria, "area_code": area_code}
            async for number in numbers.stream(limit=limit, **search):
                yield number

    return await write_stream(
        session,
        found(),
        format=resolve_format(format_, output, "table"),
        output=output,
        model=AvailablePhoneNumber,
        columns=AVAILABLE_COLUMNS,
        noun="number",
        resumable=False,
    )


def _attribute(number_type: str) -> str:
    """The library's name of a ``--type`` (``toll-free`` -> ``toll_free``)."""
    return number_type.replace("-", "_")
