"""Progress on standard error: a live rich bar on a terminal, plain lines anywhere else.

A command tells its view how far it is (``completed`` of ``total``, None when unknown) and
a line of text it composed (:func:`job_text`, :func:`stream_text`). On a terminal the view
is a rich progress bar redrawn in place (no colour or style under ``NO_COLOR``); on a pipe, a file
or a dumb terminal it writes a plain line now and then and one at the end, with no escape
sequences, so logs stay readable. Nothing of it goes to standard output.
"""

from __future__ import annotations

import abc
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as RichProgress

    from ..bulk import Progress

__all__ = ["PLAIN_INTERVAL", "ProgressView", "job_text", "open_view", "stream_text"]

PLAIN_INTERVAL = 5.0  # seconds between two plain progress lines


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def job_text(progress: Progress) -> str:
    """A bulk job's progress in words: counts, rate and time left (from the engine)."""
    parts = [f"{progress.finished:,}/{progress.total:,}", f"done {progress.done:,}"]
    if progress.skipped:
        parts.append(f"already {progress.skipped:,}")
    parts.append(f"failed {progress.failed:,}")
    if progress.reconciling:
        parts.append(f"checking {progress.reconciling:,}")
    parts.append("-/s" if progress.rate is None else f"{progress.rate:,.1f}/s")
    parts.append("eta -" if progress.eta is None else f"eta {_duration(progress.eta)}")
    return "  ".join(parts)


def stream_text(count: int, elapsed: float, noun: str) -> str:
    """A stream's progress in words: records so far (``noun``: what one is), their rate."""
    from .output import plural

    rate = f"{count / elapsed:,.0f}/s" if elapsed > 0 and count else "-/s"
    return f"{plural(count, noun)}  {rate}"


class ProgressView(abc.ABC):
    """Shows a command's progress until closed."""

    @abc.abstractmethod
    def update(self, completed: int, total: int | None, text: str) -> None: ...

    @abc.abstractmethod
    def close(self) -> None:
        """Stop showing progress (the last state stays on screen); safe to call twice."""


class _LiveView(ProgressView):
    def __init__(self, console: Console, label: str) -> None:
        from rich.progress import BarColumn, Progress, TextColumn

        self._progress: RichProgress | None = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[text]}"),
            console=console,
            transient=False,
        )
        self._task = self._progress.add_task(label, total=None, text="")
        self._progress.start()

    def update(self, completed: int, total: int | None, text: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=completed, total=total, text=text)

    def close(self) -> None:
        progress, self._progress = self._progress, None
        if progress is not None:
            progress.stop()


class _PlainView(ProgressView):
    def __init__(self, label: str, interval: float) -> None:
        self._label = label
        self._interval = interval
        self._last_line = time.monotonic()
        self._text: str | None = None
        self._shown: str | None = None

    def update(self, completed: int, total: int | None, text: str) -> None:
        self._text = text
        now = time.monotonic()
        if now - self._last_line >= self._interval:
            self._last_line = now
            self._line()

    def _line(self) -> None:
        if self._text is not None and self._text != self._shown:
            self._shown = self._text
            print(f"{self._label}: {self._text}", file=sys.stderr, flush=True)

    def close(self) -> None:
        self._line()


def open_view(console: Console, label: str, *, live: bool) -> ProgressView:
    """A live bar on ``console`` (standard error) when ``live``, else plain lines."""
    return _LiveView(console, label) if live else _PlainView(label, PLAIN_INTERVAL)
