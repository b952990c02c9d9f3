"""Options shared by several commands, declared once.

Filter options are generated from the library's own ``TypedDict``\\ s of filters
(:class:`FilterOptions`): one ``--kebab-name`` per key, typed from its annotation (a
boolean is ``--x/--no-x``, a ``Literal`` a choice, an ``int`` an integer), so the
commands offer exactly the filters the resources take, and the library checks the values
before anything is sent.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from .output import FORMATS

__all__ = [
    "CAPABILITIES",
    "NUMBER_TYPES",
    "FilterOptions",
    "inventory_filters",
    "output_options",
    "search_filters",
    "stream_options",
]

F = TypeVar("F", bound=Callable[..., Any])

# The CLI spells number types with hyphens; the library with underscores.
NUMBER_TYPES = (
    "local",
    "toll-free",
    "mobile",
    "national",
    "voip",
    "shared-cost",
    "machine-to-machine",
)
CAPABILITIES = ("voice", "sms", "mms", "fax")


class FilterOptions:
    """One click option per key of a ``TypedDict`` of filters (but ``skip``), and
    :meth:`take` to collect the values given."""

    def __init__(
        self, filters: type, *, helps: Mapping[str, str], skip: Collection[str] = ()
    ) -> None:
        hints = typing.get_type_hints(filters)
        self.names = tuple(name for name in hints if name not in skip)
        self._options = [self._option(name, hints[name], helps) for name in self.names]

    @staticmethod
    def _option(name: str, annotation: Any, helps: Mapping[str, str]) -> Callable[[F], F]:
        flag = "--" + name.replace("_", "-")
        help_text = helps.get(name, f"Only {name.replace('_', ' ')} matching this.")
        if annotation is bool:
            return click.option(f"{flag}/--no-{flag[2:]}", name, default=None, help=help_text)
        if typing.get_origin(annotation) is typing.Literal:
            choice = click.Choice([str(a) for a in typing.get_args(annotation)])
            return click.option(flag, name, type=choice, default=None, help=help_text)
        kind = int if annotation is int else str
        return click.option(flag, name, type=kind, default=None, help=help_text)

    def __call__(self, command: F) -> F:
        for option in reversed(self._options):
            command = option(command)
        return command

    def take(self, options: dict[str, Any]) -> dict[str, Any]:
        """Remove this set's options from ``options``; the ones given, by filter name."""
        values = {name: options.pop(name) for name in self.names}
        return {name: value for name, value in values.items() if value is not None}


def _inventory() -> FilterOptions:
    from ..resources.incoming_phone_numbers import IncomingPhoneNumberFilters

    return FilterOptions(
        IncomingPhoneNumberFilters,
        helps={
            "beta": "Only numbers new to Twilio (--beta) or not (--no-beta).",
            "friendly_name": "Only numbers with exactly this friendly name.",
            "phone_number": "Only numbers containing these digits ('*' matches any digit).",
            "origin": "Only numbers bought from Twilio, or hosted on it.",
        },
    )


def _search() -> FilterOptions:
    from ..resources.available_phone_numbers import AvailablePhoneNumberFilters

    own = {"area_code", "contains"} | {f"{c}_enabled" for c in CAPABILITIES}
    return FilterOptions(
        AvailablePhoneNumberFilters,
        skip=own,
        helps={
            "exclude_all_address_required": "Leave out numbers that need any address.",
            "exclude_local_address_required": "Leave out numbers that need a local address.",
            "exclude_foreign_address_required": "Leave out numbers that need a foreign address.",
            "beta": "Include numbers new to Twilio (--beta, Twilio's default) or not.",
            "near_number": "Numbers near this one (E.164; US and Canada).",
            "near_lat_long": "Numbers near 'latitude,longitude' (US and Canada).",
            "distance": "Miles around --near-number or --near-lat-long (0-500, default 25).",
            "in_postal_code": "Numbers in this postal code.",
            "in_region": "Numbers in this region (a state or province: CA).",
            "in_rate_center": "Numbers in this rate center (with --in-lata).",
            "in_lata": "Numbers in this LATA.",
            "in_locality": "Numbers in this locality (a city).",
        },
    )


inventory_filters = _inventory()
"""The account's number list filters (``numbers list``, ``export``, and selections)."""

search_filters = _search()
"""AvailablePhoneNumbers filters other than the ones buy and search name themselves."""


def number_criteria(command: F) -> F:
    """What numbers to search (and buy): country, type, area codes, pattern, capabilities."""
    for option in reversed(
        (
            click.option(
                "--country", default="US", show_default=True, help="ISO country code (US, GB…)."
            ),
            click.option(
                "--type",
                "number_type",
                type=click.Choice(NUMBER_TYPES),
                default="local",
                show_default=True,
                help="The kind of number.",
            ),
            click.option(
                "--area-code",
                "area_codes",
                type=int,
                multiple=True,
                metavar="CODE",
                help="Area code (US, Canada); repeat for several.",
            ),
            click.option(
                "--contains",
                metavar="PATTERN",
                help="Digits or letters the number contains ('*' one, '%' any run).",
            ),
            click.option(
                "--capability",
                "capabilities",
                type=click.Choice(CAPABILITIES),
                multiple=True,
                help="Numbers that can do this; repeat for several.",
            ),
        )
    ):
        command = option(command)
    return search_filters(command)


def output_options(*, default: str, formats: Sequence[str] = FORMATS) -> Callable[[F], F]:
    """``--format`` (one of ``formats``) and ``--output``."""

    def decorate(command: F) -> F:
        command = click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            help="Write to this file instead of standard output.",
        )(command)
        return click.option(
            "--format",
            "format_",
            type=click.Choice(formats),
            default=None,
            help=f"Output format (default: from --output's suffix .csv/.jsonl, else {default}).",
        )(command)

    return decorate


def stream_options(command: F) -> F:
    """``--limit``, ``--page-size`` and ``--resume`` for a streamed list."""
    command = click.option(
        "--resume",
        metavar="CURSOR",
        help="Go on after this cursor (printed when a listing fails or is interrupted); "
        "with --output, the file is appended to.",
    )(command)
    command = click.option(
        "--page-size",
        type=click.IntRange(1, 1000),
        default=None,
        help="Records per request (default 1000).",
    )(command)
    return click.option(
        "--limit", type=click.IntRange(min=1), default=None, help="Stop after this many."
    )(command)
