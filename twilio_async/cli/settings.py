"""A number's settings on the command line (``--set KEY=VALUE``) and in desired-settings
files (``numbers export`` writes them, ``numbers apply`` reads them).

The settable fields are the library's (``NumberConfiguration``: what both a purchase and an
update take), with their types; values are checked by the library when the plan is built,
so an error names the setting before anything is sent.

A desired-settings file is CSV (a header row) or JSON Lines, one row per number: ``sid``,
``phone_number`` (for the reader; ignored) and any of the settable fields. A column left
out is left alone. An empty cell (or ``null``) means "not set": a setting that can be
cleared (a URL, a SID) is cleared, one that cannot (a method, a flag) is left alone.
"""

from __future__ import annotations

import csv
import functools
import json
import typing
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import click

from ..errors import TwilioValidationError
from ..sids import validate_sid

__all__ = [
    "EXPORT_FIELDS",
    "SETTABLE",
    "DesiredFile",
    "parse_assignments",
    "read_desired",
]

_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}
_PROBE_SID = "PN" + "0" * 32  # only ever given to a plan's checks, never sent


@functools.cache
def _types() -> Mapping[str, Any]:
    from ..resources.incoming_phone_numbers import NumberConfiguration

    return typing.get_type_hints(NumberConfiguration)


def settable() -> tuple[str, ...]:
    """The settings a number has, in the library's order."""
    return tuple(_types())


SETTABLE = settable()
EXPORT_FIELDS = ("sid", "phone_number", *SETTABLE)


def parse_value(name: str, value: Any) -> Any:
    """A setting's value from text (or JSON): booleans from true/false, yes/no, 1/0."""
    if _types()[name] is bool and isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise TwilioValidationError(f"{name} must be true or false, got {value!r}", param=name)
    return value


def parse_assignments(assignments: Sequence[str]) -> dict[str, Any]:
    """``--set KEY=VALUE`` options as settings; an unknown key is a usage error."""
    settings: dict[str, Any] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        name = name.strip().replace("-", "_")
        if not equals:
            raise click.BadParameter(f"expected KEY=VALUE, got {assignment!r}", param_hint="--set")
        if name not in SETTABLE:
            raise click.BadParameter(
                f"unknown setting {name!r}; settings: {', '.join(SETTABLE)}", param_hint="--set"
            )
        settings[name] = parse_value(name, value)
    return settings


@functools.cache
def clearable(name: str) -> bool:
    """Whether ``""`` is a valid value of the setting (it clears it), by the library's own
    checks of an update (a plan is built and thrown away; nothing is sent)."""
    from ..bulk import UpdateNumbers

    try:
        UpdateNumbers([_PROBE_SID], settings={name: ""})
    except TwilioValidationError:
        return False
    return True


@attrs.frozen
class DesiredFile:
    """A desired-settings file read and checked: settings by SID, in the file's order."""

    path: Path
    rows: Mapping[str, Mapping[str, Any]]


def _records(path: Path, format: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """``(line number, row)`` of a CSV or JSON Lines file."""
    with open(path, encoding="utf-8", newline="") as stream:
        if format == "jsonl":
            for line_number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError as error:
                    raise _bad(path, line_number, f"not JSON: {error}") from None
                if not isinstance(record, dict):
                    raise _bad(path, line_number, "each line must be a JSON object")
                yield line_number, record
            return
        reader = csv.DictReader(stream)
        for row in reader:
            yield reader.line_num, row


def _bad(path: Path, line: int, message: str) -> click.BadParameter:
    return click.BadParameter(f"{path}, line {line}: {message}", param_hint="FILE")


def _settings_of(path: Path, line: int, row: Mapping[str, Any]) -> dict[str, Any]:
    from ..bulk import UpdateNumbers

    unknown = sorted(set(row) - set(EXPORT_FIELDS) - {None})
    if unknown:
        raise _bad(path, line, f"unknown columns {unknown}; settings: {', '.join(SETTABLE)}")
    settings: dict[str, Any] = {}
    for name in SETTABLE:
        if name not in row:
            continue  # not in the file: left alone
        value = row[name]
        if value is None or value == "":
            if clearable(name):
                settings[name] = ""
            continue
        settings[name] = parse_value(name, value if isinstance(value, bool) else str(value))
    try:
        validate_sid(row.get("sid"), "PN", param="sid")
        if settings:
            UpdateNumbers([row["sid"]], settings=settings)  # checked as they will be sent
    except TwilioValidationError as error:
        raise _bad(path, line, str(error)) from None
    return settings


def read_desired(path: Path, format: str) -> DesiredFile:
    """Read and check a desired-settings file; errors name the file and line."""
    rows: dict[str, Mapping[str, Any]] = {}
    lines: dict[str, int] = {}
    for line, row in _records(path, format):
        sid = row.get("sid")
        if not isinstance(sid, str) or not sid:
            raise _bad(path, line, "no sid")
        if sid in lines:
            raise _bad(path, line, f"{sid} is on line {lines[sid]} already")
        lines[sid] = line
        try:
            rows[sid] = _settings_of(path, line, row)
        except TwilioValidationError as error:  # a flag that is not true or false
            raise _bad(path, line, str(error)) from None
    return DesiredFile(path, rows)
