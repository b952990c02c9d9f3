"""``addons list / install / uninstall / extensions``: Marketplace v1 Add-ons.

Add-ons, installs and extensions are named by SID or by name (an install or extension by
its unique name, an Add-on of the catalog by its friendly name, any case): the catalog,
the installs and an install's extensions are short lists, read whole to find one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click

from .listing import write_stream
from .options import output_options
from .output import Column, plural, resolve_format
from .runtime import EXIT_OK, Session, session_command

__all__ = ["addons"]

CATALOG_COLUMNS = (
    Column.of("SID", "sid", 34, flexible=False),
    Column.of("NAME", "friendly_name", 38),
    Column.of("PRICING", "pricing_type", 12),
    Column.of("DESCRIPTION", "description", 50),
)
INSTALLED_COLUMNS = (
    Column.of("SID", "sid", 34, flexible=False),
    Column.of("UNIQUE NAME", "unique_name", 20),
    Column.of("NAME", "friendly_name", 38),
    Column.of("CONFIGURATION", "configuration", 40),
)
EXTENSION_COLUMNS = (
    Column.of("SID", "sid", 34, flexible=False),
    Column.of("UNIQUE NAME", "unique_name", 18),
    Column.of("NAME", "friendly_name", 26),
    Column.of("PRODUCT", "product_name", 20),
    Column.of("ENABLED", "enabled", 7, flexible=False),
)


class _Named(Protocol):
    @property
    def sid(self) -> str: ...

    @property
    def friendly_name(self) -> str | None: ...


N = TypeVar("N", bound=_Named)


def pick(records: Sequence[N], name: str, what: str) -> N:
    """The record called ``name``: its SID, unique name or (any case) friendly name."""
    for key in ("sid", "unique_name"):
        for record in records:
            if getattr(record, key, None) == name:
                return record
    matches = [r for r in records if (r.friendly_name or "").casefold() == name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise click.UsageError(f"{plural(len(matches), what)} are called {name!r}: give a SID")
    known = ", ".join(repr(getattr(r, "unique_name", None) or r.friendly_name) for r in records)
    raise click.UsageError(f"no {what} {name!r}; there are: {known or 'none'}")


def _configuration(_: click.Context, __: click.Parameter, text: str | None) -> Any:
    """``--configuration``: a JSON object, or ``@FILE`` holding one (read as the command
    line is, before anything is sent)."""
    if text is None:
        return None
    source = text
    if text.startswith("@"):
        try:
            source = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as error:
            raise click.BadParameter(str(error), param_hint="--configuration") from None
    try:
        value = json.loads(source)
    except ValueError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--configuration") from None
    if not isinstance(value, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--configuration")
    return value


@click.group("addons")
def addons() -> None:
    """Marketplace Add-ons: the catalog, the account's installs and their extensions."""


@addons.command("list")
@click.option("--installed", is_flag=True, help="The account's installs instead of the catalog.")
@output_options(default="table")
@session_command
async def list_add_ons(
    session: Session, *, installed: bool, format_: str | None, output: Path | None
) -> int:
    """List the Add-on catalog, or (--installed) the Add-ons installed on the account."""
    from ..models import AvailableAddOn, InstalledAddOn

    market = session.client.marketplace
    return await write_stream(
        session,
        market.installed_add_ons.stream() if installed else market.available_add_ons.stream(),
        format=resolve_format(format_, output, "table"),
        output=output,
        model=InstalledAddOn if installed else AvailableAddOn,
        columns=INSTALLED_COLUMNS if installed else CATALOG_COLUMNS,
        noun="Add-on",
        resumable=False,
    )


@addons.command("install")
@click.argument("add_on", metavar="ADD_ON")
@click.option(
    "--configuration",
    metavar="JSON",
    callback=_configuration,
    help="The Add-on's configuration: a JSON object, or @FILE (see its configuration_schema).",
)
@click.option("--unique-name", help="A name for the install, unique in the account.")
@click.option(
    "--accept-terms",
    "--yes",
    "accept",
    is_flag=True,
    help="Accept the Add-on's terms of service without being asked.",
)
@session_command
async def install(
    session: Session,
    *,
    add_on: str,
    configuration: dict[str, Any] | None,
    unique_name: str | None,
    accept: bool,
) -> int:
    """Install ADD_ON (an XB… SID or its name in the catalog) on the account.

    Installing accepts the Add-on's terms of service (and its pricing): you are asked
    first, unless --accept-terms. Its extensions start disabled ('addons extensions').
    """
    market = session.client.marketplace
    listing = pick(await market.available_add_ons.list(), add_on, "Add-on")
    pricing = f" (priced {listing.pricing_type})" if listing.pricing_type else ""
    session.confirm(
        f"Installing {listing.friendly_name}{pricing} accepts its terms of service", yes=accept
    )
    options: dict[str, Any] = {}
    if configuration is not None:
        options["configuration"] = configuration
    if unique_name is not None:
        options["unique_name"] = unique_name
    installed = await market.installed_add_ons.create(
        available_add_on_sid=listing.sid, accept_terms_of_service=True, **options
    )
    session.output.result(
        f"installed {installed.friendly_name} as {installed.sid} ({installed.unique_name})"
    )
    session.output.note(
        f"its extensions are disabled: 'addons extensions {installed.unique_name or installed.sid}"
        " --enable NAME' turns one on"
    )
    return EXIT_OK


@addons.command("uninstall")
@click.argument("installed", metavar="INSTALL")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (real accounts).")
@session_command
async def uninstall(session: Session, *, installed: str, yes: bool) -> int:
    """Uninstall INSTALL (an XE… SID or its unique name); its configuration is lost."""
    market = session.client.marketplace
    found = pick(await market.installed_add_ons.list(), installed, "installed Add-on")
    session.confirm(f"This uninstalls {found.friendly_name} ({found.sid})", yes=yes)
    await market.installed_add_ons(found.sid).delete()
    session.output.result(f"uninstalled {found.friendly_name} ({found.sid})")
    return EXIT_OK


@addons.command("extensions")
@click.argument("installed", metavar="INSTALL")
@click.option("--enable", multiple=True, metavar="EXTENSION", help="Turn on (SID or unique name).")
@click.option("--disable", multiple=True, metavar="EXTENSION", help="Turn off.")
@output_options(default="table")
@session_command
async def extensions(
    session: Session,
    *,
    installed: str,
    enable: tuple[str, ...],
    disable: tuple[str, ...],
    format_: str | None,
    output: Path | None,
) -> int:
    """List the extensions of INSTALL, after enabling or disabling the ones named.

    Every name is looked up before anything changes: a typo changes nothing.
    """
    from ..models import InstalledAddOnExtension

    market = session.client.marketplace
    found = pick(await market.installed_add_ons.list(), installed, "installed Add-on")
    listed = market.installed_add_ons(found.sid).extensions
    if enable or disable:
        known = await listed.list()
        wanted = [(pick(known, name, "extension"), True) for name in enable]
        wanted += [(pick(known, name, "extension"), False) for name in disable]
        for extension, enabled in wanted:
            if extension.enabled != enabled:
                await listed(extension.sid).update(enabled=enabled)
    return await write_stream(
        session,
        listed.stream(),
        format=resolve_format(format_, output, "table"),
        output=output,
        model=InstalledAddOnExtension,
        columns=EXTENSION_COLUMNS,
        noun="extension",
        resumable=False,
    )
