"""Writing records out as they arrive: a table, CSV or JSON Lines, to stdout or a file.

A sink takes one model at a time and holds at most a chunk of rows (the table's), so a
stream of 100,000 numbers is written in constant memory. Every format starts from the
library's own plain form of a model (``twilio_async.converter.unstructure``: dates as ISO
8601, enums as their values), so the formats agree with each other and with the API.

* **JSON Lines**: one object per record, every field (or the chosen ``fields``).
* **CSV**: one row per record with a fixed header: every field of the model's class, a
  nested model spread over ``name.field`` columns, other objects as JSON text; booleans
  are ``true``/``false`` and an absent value is an empty cell.
* **table**: the columns a command chooses, printed with rich in chunks of rows with the
  same column widths, the header once; on a pipe or in a file, no line ends in spaces.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import attrs

from ..converter import unstructure

__all__ = [
    "FORMATS",
    "Column",
    "Destination",
    "Format",
    "RecordSink",
    "cell",
    "color_system",
    "csv_columns",
    "fitted_widths",
    "open_sink",
    "plural",
    "resolve_format",
]

Format = Literal["table", "csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("table", "csv", "jsonl")
_SUFFIXES: Mapping[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
TABLE_CHUNK = 200  # rows rendered at a time: the table's memory, whatever the stream's length


def color_system() -> Literal["auto"] | None:
    """Rich's colour system for a terminal: none at all (no colour, no bold) when
    ``NO_COLOR`` is set to anything but empty (https://no-color.org); rich itself would
    drop only the colours and keep the other styles."""
    return None if os.environ.get("NO_COLOR") else "auto"


def resolve_format(given: str | None, output: Path | None, default: Format) -> Format:
    """``--format`` if given, else what ``--output``'s suffix says (``.csv``, ``.jsonl``),
    else the command's default."""
    if given is not None:
        return typing.cast(Format, given)
    if output is not None:
        return _SUFFIXES.get(output.suffix.lower(), default)
    return default


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """A count and its noun, for a message: ``1 number``, ``2 numbers``, ``1,500 numbers``
    (``plural_form`` for a noun that does not just take an ``s``)."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {plural_form if plural_form is not None else noun + 's'}"


def cell(value: Any) -> str:
    """One value as CSV or table text: ``""`` for absent, ``true``/``false``, JSON for
    objects (already plain data)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return str(value)


@attrs.frozen
class Column:
    """A table column: its header, its text from a record's plain form, its width. A
    ``flexible`` column gives up width when the terminal is narrower than the table."""

    header: str
    text: Callable[[Mapping[str, Any]], str]
    width: int
    flexible: bool = True

    @classmethod
    def of(cls, header: str, key: str, width: int, *, flexible: bool = True) -> Column:
        return cls(header, lambda plain: cell(plain.get(key)), width, flexible)


MIN_FLEXIBLE = 8  # characters a flexible column keeps, however narrow the terminal


def fitted_widths(columns: Sequence[Column], available: int | None) -> list[int]:
    """Column widths that fit ``available`` characters (None: any), shrinking the flexible
    columns in proportion. The same for every chunk, so the columns line up."""
    widths = [column.width for column in columns]
    needed = sum(widths) + 2 * (len(widths) - 1)  # a space either side between columns
    flexible = [i for i, column in enumerate(columns) if column.flexible]
    room = sum(widths[i] - MIN_FLEXIBLE for i in flexible if widths[i] > MIN_FLEXIBLE)
    if available is None or needed <= available or room <= 0:
        return widths
    cut = min(needed - available, room)
    for i in flexible:  # each share rounded up, so that the shares make up the whole cut
        share = -(-max(widths[i] - MIN_FLEXIBLE, 0) * cut // room)
        widths[i] -= share
    return widths


def _nested_model(annotation: Any) -> type | None:
    """The attrs class in a field's annotation (``PhoneNumberCapabilities | None``), if any."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and attrs.has(candidate):
            return candidate
    return None


@functools.cache
def csv_columns(model: type) -> tuple[tuple[str, str | None], ...]:
    """The CSV columns of a model class, as ``(field, subfield)`` pairs in field order."""
    hints = typing.get_type_hints(model)
    columns: list[tuple[str, str | None]] = []
    for field in attrs.fields(model):
        nested = _nested_model(hints[field.name])
        if nested is None:
            columns.append((field.name, None))
        else:
            columns.extend((field.name, sub.name) for sub in attrs.fields(nested))
    return tuple(columns)


class RecordSink(Protocol):
    """Where a command's records go, one at a time."""

    def write(self, record: Any) -> None: ...

    def close(self) -> None: ...


@attrs.frozen
class Destination:
    """An open text stream to write records to, and what it is."""

    stream: IO[str]
    terminal: bool  # a terminal: the table may use its width
    fresh: bool  # nothing was written to it before (a CSV writes its header)


class _JsonLines:
    def __init__(self, destination: Destination, fields: Sequence[str] | None) -> None:
        self._stream = destination.stream
        self._fields = fields

    def write(self, record: Any) -> None:
        plain = unstructure(record)
        if self._fields is not None:
            plain = {name: plain.get(name) for name in self._fields}
        self._stream.write(json.dumps(plain, separators=(",", ":")) + "\n")

    def close(self) -> None:
        self._stream.flush()


class _Csv:
    def __init__(self, destination: Destination, model: type, fields: Sequence[str] | None):
        pairs = csv_columns(model) if fields is None else tuple((f, None) for f in fields)
        self._pairs = pairs
        self._stream = destination.stream
        self._writer = csv.writer(destination.stream, lineterminator="\n")
        if destination.fresh:
            self._writer.writerow(name if sub is None else f"{name}.{sub}" for name, sub in pairs)

    def write(self, record: Any) -> None:
        plain = unstructure(record)
        self._writer.writerow(
            cell(plain.get(name) if sub is None else (plain.get(name) or {}).get(sub))
            for name, sub in self._pairs
        )

    def close(self) -> None:
        self._stream.flush()


class _Table:
    def __init__(self, destination: Destination, columns: Sequence[Column]) -> None:
        from rich.console import Console

        self._console = Console(
            file=destination.stream,
            width=None if destination.terminal else sum(c.width + 2 for c in columns),
            force_terminal=destination.terminal,
            color_system=color_system(),
            highlight=False,
            markup=False,
            emoji=False,
        )
        available = self._console.width if destination.terminal else None
        self._widths = fitted_widths(columns, available)
        self._columns = columns
        self._rows: list[list[str]] = []
        self._header = destination.fresh
        self._terminal = destination.terminal

    def write(self, record: Any) -> None:
        plain = unstructure(record)
        self._rows.append([column.text(plain) for column in self._columns])
        if len(self._rows) >= TABLE_CHUNK:
            self._flush()

    def _flush(self) -> None:
        from rich.table import Table

        table = Table(box=None, show_header=self._header, header_style="bold", pad_edge=False)
        for column, width in zip(self._columns, self._widths, strict=True):
            table.add_column(column.header, width=width, no_wrap=True, overflow="ellipsis")
        for row in self._rows:
            table.add_row(*row)
        if self._terminal:
            self._console.print(table)
        else:  # a pipe or a file: no cell's padding at the end of a line
            with self._console.capture() as captured:
                self._console.print(table)
            self._console.file.write(
                "".join(line.rstrip() + "\n" for line in captured.get().splitlines())
            )
        self._rows.clear()
        self._header = False

    def close(self) -> None:
        if self._rows:
            self._flush()
        self._console.file.flush()


def open_destination(output: Path | None, *, append: bool) -> Destination:
    """Standard output, or ``output`` (created, or appended to when ``append``)."""
    if output is None:
        return Destination(sys.stdout, sys.stdout.isatty(), fresh=True)
    fresh = not (append and output.exists() and output.stat().st_size > 0)
    stream = open(output, "a" if append else "w", encoding="utf-8", newline="")  # noqa: SIM115
    return Destination(stream, terminal=False, fresh=fresh)


def open_sink(
    format: Format,
    destination: Destination,
    *,
    model: type,
    columns: Sequence[Column],
    fields: Sequence[str] | None = None,
) -> RecordSink:
    """A sink writing ``model`` records in ``format``: ``columns`` for a table, every field
    (or just ``fields``) for CSV and JSON Lines."""
    if format == "jsonl":
        return _JsonLines(destination, fields)
    if format == "csv":
        return _Csv(destination, model, fields)
    return _Table(destination, columns)


def close_destination(destination: Destination) -> None:
    if destination.stream is not sys.stdout:
        destination.stream.close()


def display_path(path: os.PathLike[str] | str) -> str:
    """A path as the user should read it: relative to the current directory when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
