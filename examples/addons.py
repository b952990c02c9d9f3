"""Add-ons: find one in the Marketplace, install it, assign it to a number, clean up.

    python examples/addons.py

With no TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN in the environment this runs against the
fake Twilio bundled with the library (twilio_async.testing), so it needs no account.

With real credentials it installs a real Add-on on your account, which can cost money and
means accepting that Add-on's Terms of Service: it only does so when run with
``--yes-real-twilio --accept-terms``. It uses the first phone number already on the account
(it never buys one), and removes the assignment and the install before it exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Mapping
from typing import Any

from _support import open_client

from twilio_async import AvailableAddOn, BadRequestError, Client, NotFoundError


def example_configuration(schema: Mapping[str, Any] | None) -> dict[str, Any]:
    """A configuration with every property the schema requires: booleans on, enums at
    their first value, anything else left empty."""
    if not schema:
        return {}
    properties = schema.get("properties") or {}
    configuration: dict[str, Any] = {}
    for name in schema.get("required") or ():
        spec = properties.get(name) or {}
        if "enum" in spec:
            configuration[name] = spec["enum"][0]
        else:
            empty = {"boolean": True, "integer": 0, "number": 0, "array": [], "object": {}}
            configuration[name] = empty.get(spec.get("type"), "")
    return configuration


async def pick_add_on(client: Client) -> AvailableAddOn:
    """A transcription Add-on if the catalog has one, else the first Add-on listed."""
    chosen = None
    async for add_on in client.marketplace.available_add_ons.stream():
        print(f"  catalog: {add_on.friendly_name} ({add_on.pricing_type})")
        if chosen is None or (
            "Transcription" in (add_on.friendly_name or "")
            and "Transcription" not in (chosen.friendly_name or "")
        ):
            chosen = add_on
    if chosen is None:
        raise SystemExit("the Marketplace catalog is empty")
    return chosen


async def main() -> None:
    installs = (
        "installs a Marketplace Add-on, assigns it to your first phone number and enables an "
        "extension, then unassigns and uninstalls it"
    )
    async with open_client(on_real_twilio=installs) as (client, fake):
        if fake is None and "--accept-terms" not in sys.argv[1:]:
            print("Installing an Add-on accepts its Terms of Service: rerun with --accept-terms.")
            return

        # 1. Find an Add-on in the catalog.
        add_on = await pick_add_on(client)
        print(f"chose {add_on.friendly_name} ({add_on.sid})")

        # Whatever happens below, undo what was done (last step first).
        async with contextlib.AsyncExitStack() as cleanup:
            # 2. A number to assign it to: an existing one, or (on the fake only) a new one.
            numbers = await client.incoming_phone_numbers.list(limit=1)
            if numbers:
                number = numbers[0]
            elif fake is not None:
                number = await client.incoming_phone_numbers.create(area_code="415")
                cleanup.push_async_callback(release, client, number.sid, number.phone_number)
            else:
                raise SystemExit("this example needs a phone number on the account")
            phone = client.incoming_phone_numbers(number.sid)

            # 3. Install it with a configuration that meets its configuration_schema.
            installed = await client.marketplace.installed_add_ons.create(
                available_add_on_sid=add_on.sid,
                accept_terms_of_service=True,
                configuration=example_configuration(add_on.configuration_schema),
            )
            install = client.marketplace.installed_add_ons(installed.sid)
            cleanup.push_async_callback(uninstall, client, installed.sid)
            print(
                f"installed {installed.unique_name} ({installed.sid}) with configuration "
                f"{dict(installed.configuration or {})} on {installed.date_created:%Y-%m-%d}"
            )

            # 4. Assign it to the number, then enable one extension (all start disabled).
            await phone.assigned_add_ons.create(installed_add_on_sid=installed.sid)
            cleanup.push_async_callback(unassign, client, number.sid, installed.sid)
            print(f"assigned it to {number.phone_number}")
            extensions = await install.extensions.list()
            wanted = next((e for e in extensions if e.unique_name == "voice-incoming"), None)
            enabled = await install.extensions((wanted or extensions[0]).sid).update(enabled=True)
            print(f"enabled extension {enabled.unique_name} ({enabled.product_name})")

            # 5. What is assigned to the number now, and where it is invoked.
            async for assigned in phone.assigned_add_ons.stream():
                print(f"{number.phone_number} has {assigned.friendly_name} ({assigned.sid})")
                async for ext in phone.assigned_add_ons(assigned.sid).extensions.stream():
                    print(f"  {ext.unique_name}: {'on' if ext.enabled else 'off'}")

            # Twilio will not uninstall an Add-on that is still assigned to a number.
            try:
                await install.delete()
            except BadRequestError as exc:
                print(f"uninstall refused while assigned: HTTP {exc.status}")
        # 6. Cleaned up by the exit stack: unassigned, uninstalled (and released on the fake).


async def unassign(client: Client, number_sid: str, installed_sid: str) -> None:
    await client.incoming_phone_numbers(number_sid).assigned_add_ons(installed_sid).delete()
    left = await client.incoming_phone_numbers(number_sid).assigned_add_ons.list()
    print(f"unassigned {installed_sid}: {len(left)} Add-ons left on the number")


async def uninstall(client: Client, installed_sid: str) -> None:
    with contextlib.suppress(NotFoundError):  # already gone
        await client.marketplace.installed_add_ons(installed_sid).delete()
    print(f"uninstalled {installed_sid}")


async def release(client: Client, number_sid: str, phone_number: str | None) -> None:
    await client.incoming_phone_numbers(number_sid).delete()
    print(f"released {phone_number}")


if __name__ == "__main__":
    asyncio.run(main())
