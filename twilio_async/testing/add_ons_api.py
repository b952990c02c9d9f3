"""The fake's Add-on routes: Marketplace v1 (``/v1``), the preview (``/marketplace``) and
the AssignedAddOns subresource of IncomingPhoneNumbers (API 2010-04-01).

v1 and preview serve the same state (:class:`~.marketplace.FakeMarketplace`) and differ
only in the root of the URLs they render. Rules, as Twilio documents them:

* installs belong to the authenticated account (the Basic-auth principal); other
  accounts' installs are 404;
* install needs ``AvailableAddOnSid`` and ``AcceptTermsOfService=true`` (400 otherwise);
  ``Configuration`` must be a JSON object meeting the Add-on's ``configuration_schema``
  (400); ``UniqueName`` is unique per account (409, code 20409), and defaults to the
  Add-on's name as a slug;
* an install's extensions start disabled; ``Enabled`` on an extension toggles it;
* uninstalling an Add-on still assigned to a number is refused (400);
* only an Add-on installed on the number's account can be assigned to it (400), once;
  an assignment's extensions are the install's; releasing a number drops its assignments.

v1 dates are ISO 8601; 2010 dates are RFC 2822.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..dates import format_iso8601
from .marketplace import configuration_problem
from .server import (
    FakeError,
    check_account,
    envelope_2010,
    envelope_v1,
    json_response,
    paginate,
    parse_bool,
    query_pairs,
    request_form,
    request_origin,
    request_principal,
)

if TYPE_CHECKING:
    from .server import FakeTwilio

__all__ = ["MARKETPLACE_ROOTS", "register"]

MARKETPLACE_ROOTS = ("/v1", "/marketplace")

_XB = "{%s:XB[0-9a-fA-F]{32}}"
_XE = "{%s:XE[0-9a-fA-F]{32}}"
_XF = "{%s:XF[0-9a-fA-F]{32}}"
_PN = "{%s:PN[0-9a-fA-F]{32}}"
_NUMBERS = "/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers"

Render = Callable[[dict[str, Any]], dict[str, Any]]


def _invalid(message: str, code: int = 20422) -> FakeError:
    return FakeError(400, code, message)


def _not_found(request: web.Request) -> FakeError:
    return FakeError(404, 20404, f"The requested resource {request.path} was not found")


def _is_sid(value: str, prefix: str) -> bool:
    return (
        len(value) == 34
        and value.startswith(prefix)
        and all(c in "0123456789abcdefABCDEF" for c in value[2:])
    )


def _configuration(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        raise _invalid("Configuration must be a valid JSON object") from None
    if not isinstance(value, dict):
        raise _invalid("Configuration must be a JSON object")
    return value


def register(fake: FakeTwilio) -> None:
    state = fake.state
    market = state.marketplace

    # -- rendering ----------------------------------------------------------------------

    def base(request: web.Request) -> str:
        """``https://host/v1`` or ``https://host/marketplace``, as the request came in."""
        root = next(r for r in MARKETPLACE_ROOTS if request.path.startswith(r + "/"))
        return request_origin(request) + root

    def render_available(request: web.Request, add_on: Mapping[str, Any]) -> dict[str, Any]:
        url = f"{base(request)}/AvailableAddOns/{add_on['sid']}"
        return {
            "sid": add_on["sid"],
            "friendly_name": add_on["friendly_name"],
            "description": add_on["description"],
            "pricing_type": add_on["pricing_type"],
            "configuration_schema": add_on["configuration_schema"],
            "url": url,
            "links": {"extensions": url + "/Extensions"},
        }

    def render_available_extension(
        request: web.Request, extension: Mapping[str, Any]
    ) -> dict[str, Any]:
        parent = extension["available_add_on_sid"]
        return {
            "sid": extension["sid"],
            "available_add_on_sid": parent,
            "friendly_name": extension["friendly_name"],
            "product_name": extension["product_name"],
            "unique_name": extension["unique_name"],
            "url": f"{base(request)}/AvailableAddOns/{parent}/Extensions/{extension['sid']}",
        }

    def render_install(request: web.Request, install: Mapping[str, Any]) -> dict[str, Any]:
        url = f"{base(request)}/InstalledAddOns/{install['sid']}"
        return {
            "sid": install["sid"],
            "account_sid": install["account_sid"],
            "friendly_name": install["friendly_name"],
            "description": install["description"],
            "configuration": install["configuration"],
            "unique_name": install["unique_name"],
            "date_created": format_iso8601(install["date_created"]),
            "date_updated": format_iso8601(install["date_updated"]),
            "url": url,
            "links": {
                "extensions": url + "/Extensions",
                "available_add_on": (
                    f"{base(request)}/AvailableAddOns/{install['available_add_on_sid']}"
                ),
            },
        }

    def render_install_extension(
        request: web.Request, install: Mapping[str, Any], extension: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {
            "sid": extension["sid"],
            "installed_add_on_sid": install["sid"],
            "friendly_name": extension["friendly_name"],
            "product_name": extension["product_name"],
            "unique_name": extension["unique_name"],
            "enabled": install["enabled"][extension["sid"]],
            "url": (
                f"{base(request)}/InstalledAddOns/{install['sid']}/Extensions/{extension['sid']}"
            ),
        }

    def assignment_uri(assignment: Mapping[str, Any]) -> str:
        return (
            f"/2010-04-01/Accounts/{assignment['account_sid']}/IncomingPhoneNumbers/"
            f"{assignment['resource_sid']}/AssignedAddOns/{assignment['sid']}"
        )

    def render_assignment(assignment: Mapping[str, Any]) -> dict[str, Any]:
        install = market.installs[assignment["sid"]]
        uri = assignment_uri(assignment)
        return {
            "sid": assignment["sid"],
            "account_sid": assignment["account_sid"],
            "resource_sid": assignment["resource_sid"],
            "friendly_name": install["friendly_name"],
            "description": install["description"],
            "configuration": install["configuration"],
            "unique_name": install["unique_name"],
            "date_created": assignment["date_created"],  # RFC 2822 via json_response
            "date_updated": assignment["date_updated"],
            "uri": uri + ".json",
            "subresource_uris": {"extensions": uri + "/Extensions.json"},
        }

    def render_assigned_extension(
        assignment: Mapping[str, Any], extension: Mapping[str, Any]
    ) -> dict[str, Any]:
        install = market.installs[assignment["sid"]]
        return {
            "sid": extension["sid"],
            "assigned_add_on_sid": assignment["sid"],
            "resource_sid": assignment["resource_sid"],
            "account_sid": assignment["account_sid"],
            "friendly_name": extension["friendly_name"],
            "product_name": extension["product_name"],
            "unique_name": extension["unique_name"],
            "enabled": install["enabled"][extension["sid"]],
            "uri": f"{assignment_uri(assignment)}/Extensions/{extension['sid']}.json",
        }

    # -- lookups ------------------------------------------------------------------------

    def find_available(request: web.Request, key: str = "sid") -> dict[str, Any]:
        add_on = market.available.get(request.match_info[key])
        if add_on is None:
            raise _not_found(request)
        return add_on

    def find_install(request: web.Request, key: str = "sid") -> dict[str, Any]:
        install = market.installs.get(request.match_info[key])
        if install is None or install["account_sid"] != request_principal().sid:
            raise _not_found(request)
        return install

    def find_extension(request: web.Request, add_on_sid: str) -> dict[str, Any]:
        extension = market.extensions.get(request.match_info["sid"])
        if extension is None or extension["available_add_on_sid"] != add_on_sid:
            raise _not_found(request)
        return extension

    def find_number(request: web.Request) -> dict[str, Any]:
        account_sid = check_account(fake, request)
        number = state.numbers.get(request.match_info["resource_sid"])
        if number is None or number["account_sid"] != account_sid:
            raise _not_found(request)
        return number

    def find_assignment(request: web.Request, key: str = "sid") -> dict[str, Any]:
        number = find_number(request)
        assignment = market.assignments.get((number["sid"], request.match_info[key]))
        if assignment is None:
            raise _not_found(request)
        return assignment

    def page_v1(
        request: web.Request, key: str, records: list[dict[str, Any]], render: Render
    ) -> web.Response:
        window = paginate(records, dict(query_pairs(request)))
        items = [render(record) for record in window.records]
        return json_response(envelope_v1(request, window, key, items))

    def page_2010(
        request: web.Request, key: str, records: list[dict[str, Any]], render: Render
    ) -> web.Response:
        window = paginate(records, dict(query_pairs(request)))
        items = [render(record) for record in window.records]
        return json_response(envelope_2010(request.path, [], window, key, items))

    def check_unique_name(account_sid: str, unique_name: str, install_sid: str | None) -> None:
        owner = market.unique_name_owner(account_sid, unique_name)
        if owner is not None and owner != install_sid:
            raise FakeError(
                409, 20409, f"UniqueName {unique_name!r} is already used by Add-on {owner}"
            )

    # -- the catalog --------------------------------------------------------------------

    async def list_available(request: web.Request) -> web.Response:
        return page_v1(
            request,
            "available_add_ons",
            market.catalog(),
            lambda a: render_available(request, a),
        )

    async def fetch_available(request: web.Request) -> web.Response:
        return json_response(render_available(request, find_available(request)))

    async def list_available_extensions(request: web.Request) -> web.Response:
        add_on = find_available(request, "available_add_on_sid")
        return page_v1(
            request,
            "extensions",
            market.extensions_of(add_on["sid"]),
            lambda e: render_available_extension(request, e),
        )

    async def fetch_available_extension(request: web.Request) -> web.Response:
        add_on = find_available(request, "available_add_on_sid")
        extension = find_extension(request, add_on["sid"])
        return json_response(render_available_extension(request, extension))

    # -- installs -----------------------------------------------------------------------

    async def list_installs(request: web.Request) -> web.Response:
        return page_v1(
            request,
            "installed_add_ons",
            market.installs_of(request_principal().sid),
            lambda i: render_install(request, i),
        )

    async def create_install(request: web.Request) -> web.Response:
        account_sid = request_principal().sid
        form = request_form()
        available_sid = form.get("AvailableAddOnSid", "")
        if not available_sid:
            raise _invalid("Missing required parameter AvailableAddOnSid")
        if not _is_sid(available_sid, "XB"):
            raise _invalid(f"AvailableAddOnSid {available_sid!r} is not a valid XB SID")
        add_on = market.available.get(available_sid)
        if add_on is None:
            raise _invalid(f"AvailableAddOnSid {available_sid} is not an available Add-on")
        if "AcceptTermsOfService" not in form:
            raise _invalid("Missing required parameter AcceptTermsOfService")
        if not parse_bool("AcceptTermsOfService", form["AcceptTermsOfService"]):
            raise _invalid("The Terms of Service must be accepted to install an Add-on")
        configuration = _configuration(form["Configuration"]) if "Configuration" in form else {}
        problem = configuration_problem(add_on["configuration_schema"], configuration)
        if problem is not None:
            raise _invalid(problem)
        unique_name = form.get("UniqueName") or None
        if unique_name is not None:
            check_unique_name(account_sid, unique_name, None)
        install = market.install(
            account_sid, available_sid, configuration=configuration, unique_name=unique_name
        )
        return json_response(render_install(request, install), 201)

    async def fetch_install(request: web.Request) -> web.Response:
        return json_response(render_install(request, find_install(request)))

    async def update_install(request: web.Request) -> web.Response:
        install = find_install(request)
        form = request_form()
        changes: dict[str, Any] = {}
        if "Configuration" in form:
            configuration = _configuration(form["Configuration"])
            schema = market.available[install["available_add_on_sid"]]["configuration_schema"]
            problem = configuration_problem(schema, configuration)
            if problem is not None:
                raise _invalid(problem)
            changes["configuration"] = configuration
        if "UniqueName" in form:
            unique_name = form["UniqueName"]
            if not unique_name:
                raise _invalid("UniqueName must not be empty")
            check_unique_name(install["account_sid"], unique_name, install["sid"])
            changes["unique_name"] = unique_name
        install.update(changes)
        install["date_updated"] = state.now()
        return json_response(render_install(request, install))

    async def delete_install(request: web.Request) -> web.Response:
        install = find_install(request)
        numbers = market.assigned_numbers(install["sid"])
        if numbers:
            raise _invalid(
                f"Add-on {install['sid']} is assigned to {len(numbers)} phone number(s) "
                f"({', '.join(numbers)}); remove the assignments before uninstalling it"
            )
        market.uninstall(install["sid"])
        return web.Response(status=204)

    async def list_install_extensions(request: web.Request) -> web.Response:
        install = find_install(request, "installed_add_on_sid")
        return page_v1(
            request,
            "extensions",
            market.extensions_of(install["available_add_on_sid"]),
            lambda e: render_install_extension(request, install, e),
        )

    async def fetch_install_extension(request: web.Request) -> web.Response:
        install = find_install(request, "installed_add_on_sid")
        extension = find_extension(request, install["available_add_on_sid"])
        return json_response(render_install_extension(request, install, extension))

    async def update_install_extension(request: web.Request) -> web.Response:
        install = find_install(request, "installed_add_on_sid")
        extension = find_extension(request, install["available_add_on_sid"])
        form = request_form()
        if "Enabled" not in form:
            raise _invalid("Missing required parameter Enabled")
        install["enabled"][extension["sid"]] = parse_bool("Enabled", form["Enabled"])
        return json_response(render_install_extension(request, install, extension))

    # -- assignments (API 2010-04-01) ---------------------------------------------------

    async def list_assignments(request: web.Request) -> web.Response:
        number = find_number(request)
        return page_2010(
            request, "assigned_add_ons", market.assignments_of(number["sid"]), render_assignment
        )

    async def create_assignment(request: web.Request) -> web.Response:
        number = find_number(request)
        install_sid = request_form().get("InstalledAddOnSid", "")
        if not install_sid:
            raise _invalid("Missing required parameter InstalledAddOnSid")
        if not _is_sid(install_sid, "XE"):
            raise _invalid(f"InstalledAddOnSid {install_sid!r} is not a valid XE SID")
        install = market.installs.get(install_sid)
        if install is None or install["account_sid"] != number["account_sid"]:
            raise _invalid(
                f"InstalledAddOnSid {install_sid} is not an Add-on installed on this account"
            )
        if (number["sid"], install_sid) in market.assignments:
            raise _invalid(f"Add-on {install_sid} is already assigned to {number['sid']}")
        assignment = market.assign(number, install_sid)
        return json_response(render_assignment(assignment), 201)

    async def fetch_assignment(request: web.Request) -> web.Response:
        return json_response(render_assignment(find_assignment(request)))

    async def delete_assignment(request: web.Request) -> web.Response:
        assignment = find_assignment(request)
        market.unassign(assignment["resource_sid"], assignment["sid"])
        return web.Response(status=204)

    def assigned_extensions(assignment: Mapping[str, Any]) -> list[dict[str, Any]]:
        install = market.installs[assignment["sid"]]
        return market.extensions_of(install["available_add_on_sid"])

    async def list_assigned_extensions(request: web.Request) -> web.Response:
        assignment = find_assignment(request, "assigned_add_on_sid")
        return page_2010(
            request,
            "extensions",
            assigned_extensions(assignment),
            lambda e: render_assigned_extension(assignment, e),
        )

    async def fetch_assigned_extension(request: web.Request) -> web.Response:
        assignment = find_assignment(request, "assigned_add_on_sid")
        install = market.installs[assignment["sid"]]
        extension = find_extension(request, install["available_add_on_sid"])
        return json_response(render_assigned_extension(assignment, extension))

    # -- routes -------------------------------------------------------------------------

    for root in MARKETPLACE_ROOTS:
        available = root + "/AvailableAddOns"
        installed = root + "/InstalledAddOns"
        available_extensions = f"{available}/{_XB % 'available_add_on_sid'}/Extensions"
        installed_extensions = f"{installed}/{_XE % 'installed_add_on_sid'}/Extensions"
        fake.route("GET", available, list_available)
        fake.route("GET", f"{available}/{_XB % 'sid'}", fetch_available)
        fake.route("GET", available_extensions, list_available_extensions)
        fake.route("GET", f"{available_extensions}/{_XF % 'sid'}", fetch_available_extension)
        fake.route("GET", installed, list_installs)
        fake.route("POST", installed, create_install)
        fake.route("GET", f"{installed}/{_XE % 'sid'}", fetch_install)
        fake.route("POST", f"{installed}/{_XE % 'sid'}", update_install)
        fake.route("DELETE", f"{installed}/{_XE % 'sid'}", delete_install)
        fake.route("GET", installed_extensions, list_install_extensions)
        fake.route("GET", f"{installed_extensions}/{_XF % 'sid'}", fetch_install_extension)
        fake.route("POST", f"{installed_extensions}/{_XF % 'sid'}", update_install_extension)

    assigned = f"{_NUMBERS}/{_PN % 'resource_sid'}/AssignedAddOns"
    assigned_extension_root = f"{assigned}/{_XE % 'assigned_add_on_sid'}/Extensions"
    fake.route("GET", assigned + ".json", list_assignments)
    fake.route("POST", assigned + ".json", create_assignment)
    fake.route("GET", f"{assigned}/{_XE % 'sid'}.json", fetch_assignment)
    fake.route("DELETE", f"{assigned}/{_XE % 'sid'}.json", delete_assignment)
    fake.route("GET", assigned_extension_root + ".json", list_assigned_extensions)
    fake.route("GET", f"{assigned_extension_root}/{_XF % 'sid'}.json", fetch_assigned_extension)
