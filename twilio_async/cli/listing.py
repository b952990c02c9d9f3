"""Writing a stream of records out, with progress, and a cursor to go on from if it stops.

Every listing command ends here: records go to their sink as the stream yields them
(nothing is held but the sink's chunk), progress goes to standard error when the records
do not go to the terminal (``--output``, a pipe), and a failure or Ctrl-C prints the
stream's cursor: the same command with ``--resume CURSOR`` goes on after the last record
written (appending to ``--output``).
"""

from __future__ import annotations

import asyncio
import shlex
import time
from collections.abc import AsyncIterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import TwilioError, TwilioValidationError
from .output import Column, Format, close_destination, open_destination, open_sink, plural
from .progress import stream_text
from .runtime import EXIT_FAILED, EXIT_OK, Session

__all__ = ["write_stream"]

PROGRESS_EVERY = 250  # records between two progress updates


async def write_stream(
    session: Session,
    stream: AsyncIterable[Any],
    *,
    format: Format,
    output: Path | None,
    model: type,
    columns: Sequence[Column] = (),
    fields: Sequence[str] | None = None,
    noun: str,
    append: bool = False,
    total: int | None = None,
    resumable: bool = True,
) -> int:
    """Write every record of ``stream``; the exit code. ``noun`` is what one record is, in
    messages (``number``). When ``resumable`` (``stream`` is a ``RecordStream`` of a command
    with ``--resume``), a failure prints where to resume."""
    destination = open_destination(output, append=append)
    sink = open_sink(format, destination, model=model, columns=columns, fields=fields)
    shown = output is not None or not session.output.stdout_terminal
    view = session.output.view("listing") if shown else None
    count, started = 0, time.monotonic()
    try:
        async for record in stream:
            sink.write(record)
            count += 1
            if view is not None and count % PROGRESS_EVERY == 0:
                view.update(count, total, stream_text(count, time.monotonic() - started, noun))
    except TwilioValidationError:
        raise  # refused before anything was sent: a usage error
    except TwilioError as error:
        session.output.error(error)
        if resumable:
            _resume_hint(session, error.cursor, count, noun)
        return EXIT_FAILED
    except asyncio.CancelledError:  # Ctrl-C: the records so far are written
        if resumable:
            _resume_hint(session, getattr(stream, "cursor", None), count, noun)
        raise
    finally:
        sink.close()
        close_destination(destination)
        if view is not None:
            view.update(count, total, stream_text(count, time.monotonic() - started, noun))
            view.close()
    return EXIT_OK


def _resume_hint(session: Session, cursor: object, count: int, noun: str) -> None:
    if cursor is None:
        return
    session.output.note(
        f"{plural(count, noun)} written; to go on after them, run the same command with "
        f"--resume {shlex.quote(str(cursor))}"
    )
