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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiohttp import web

from ..dates import format_iso8601
from .area import ApiArea, Route, current_form, current_principal
from .marketplace import FakeMarketplace, configuration_problem
from .wire import (
    FakeError,
    Window,
    envelope_2010,
    envelope_v1,
    invalid,
    json_response,
    not_found,
    paginate,
    parse_bool,
    query_pairs,
    request_origin,
)

__all__ = ["MARKETPLACE_ROOTS", "AssignedAddOnsApi", "MarketplaceApi"]

MARKETPLACE_ROOTS = ("/v1", "/marketplace")

_XB = "{%s:XB[0-9a-fA-F]{32}}"
_XE = "{%s:XE[0-9a-fA-F]{32}}"
_XF = "{%s:XF[0-9a-fA-F]{32}}"
_PN = "{%s:PN[0-9a-fA-F]{32}}"
_NUMBERS = "/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers"

Render = Callable[[dict[str, Any]], dict[str, Any]]

# What every rendering of an extension, and of an install or assignment, copies as is.
_EXTENSION_FIELDS = ("sid", "friendly_name", "product_name", "unique_name")
_INSTALL_FIELDS = ("friendly_name", "description", "configuration", "unique_name")


def _copy(record: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: record[key] for key in keys}


def _is_sid(value: str, prefix: str) -> bool:
    return (
        len(value) == 34
        and value.startswith(prefix)
        and all(c in "0123456789abcdefABCDEF" for c in value[2:])
    )


def _configuration(raw: str, schema: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``Configuration`` parameter: a JSON object meeting the Add-on's schema."""
    try:
        value = json.loads(raw)
    except ValueError:
        raise invalid("Configuration must be a valid JSON object") from None
    if not isinstance(value, dict):
        raise invalid("Configuration must be a JSON object")
    problem = configuration_problem(schema, value)
    if problem is not None:
        raise invalid(problem)
    return value


def _page(
    request: web.Request, records: list[dict[str, Any]], render: Render
) -> tuple[Window, list[dict[str, Any]]]:
    window = paginate(records, dict(query_pairs(request)))
    return window, [render(record) for record in window.records]


class _AddOnArea(ApiArea):
    """What both add-on areas look up in the marketplace state."""

    @property
    def market(self) -> FakeMarketplace:
        return self.state.marketplace

    def extension(self, request: web.Request, add_on_sid: str) -> dict[str, Any]:
        """The path's extension (``sid``), if it belongs to ``add_on_sid``."""
        extension = self.market.extensions.get(request.match_info["sid"])
        if extension is None or extension["available_add_on_sid"] != add_on_sid:
            raise not_found(request)
        return extension


class MarketplaceApi(_AddOnArea):
    """The catalog and installs, on Marketplace v1 (``/v1``) and the preview
    (``/marketplace``): the same state, URLs rendered under the root the request used."""

    def routes(self) -> Iterable[Route]:
        for root in MARKETPLACE_ROOTS:
            available = root + "/AvailableAddOns"
            installed = root + "/InstalledAddOns"
            available_extensions = f"{available}/{_XB % 'available_add_on_sid'}/Extensions"
            installed_extensions = f"{installed}/{_XE % 'installed_add_on_sid'}/Extensions"
            yield from (
                ("GET", available, self.list_available),
                ("GET", f"{available}/{_XB % 'sid'}", self.fetch_available),
                ("GET", available_extensions, self.list_available_extensions),
                ("GET", f"{available_extensions}/{_XF % 'sid'}", self.fetch_available_extension),
                ("GET", installed, self.list_installs),
                ("POST", installed, self.create_install),
                ("GET", f"{installed}/{_XE % 'sid'}", self.fetch_install),
                ("POST", f"{installed}/{_XE % 'sid'}", self.update_install),
                ("DELETE", f"{installed}/{_XE % 'sid'}", self.delete_install),
                ("GET", installed_extensions, self.list_install_extensions),
                ("GET", f"{installed_extensions}/{_XF % 'sid'}", self.fetch_install_extension),
                ("POST", f"{installed_extensions}/{_XF % 'sid'}", self.update_install_extension),
            )

    # -- rendering ----------------------------------------------------------------------

    def base(self, request: web.Request) -> str:
        """``https://host/v1`` or ``https://host/marketplace``, as the request came in."""
        root = next(r for r in MARKETPLACE_ROOTS if request.path.startswith(r + "/"))
        return request_origin(request) + root

    def render_available(self, request: web.Request, add_on: Mapping[str, Any]) -> dict[str, Any]:
        url = f"{self.base(request)}/AvailableAddOns/{add_on['sid']}"
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
        self, request: web.Request, extension: Mapping[str, Any]
    ) -> dict[str, Any]:
        parent = extension["available_add_on_sid"]
        return {
            **_copy(extension, _EXTENSION_FIELDS),
            "available_add_on_sid": parent,
            "url": f"{self.base(request)}/AvailableAddOns/{parent}/Extensions/{extension['sid']}",
        }

    def render_install(self, request: web.Request, install: Mapping[str, Any]) -> dict[str, Any]:
        base = self.base(request)
        url = f"{base}/InstalledAddOns/{install['sid']}"
        return {
            "sid": install["sid"],
            "account_sid": install["account_sid"],
            **_copy(install, _INSTALL_FIELDS),
            "date_created": format_iso8601(install["date_created"]),
            "date_updated": format_iso8601(install["date_updated"]),
            "url": url,
            "links": {
                "extensions": url + "/Extensions",
                "available_add_on": f"{base}/AvailableAddOns/{install['available_add_on_sid']}",
            },
        }

    def render_install_extension(
        self, request: web.Request, install: Mapping[str, Any], extension: Mapping[str, Any]
    ) -> dict[str, Any]:
        url = f"{self.base(request)}/InstalledAddOns/{install['sid']}/Extensions/{extension['sid']}"
        return {
            **_copy(extension, _EXTENSION_FIELDS),
            "installed_add_on_sid": install["sid"],
            "enabled": install["enabled"][extension["sid"]],
            "url": url,
        }

    def page(
        self, request: web.Request, key: str, records: list[dict[str, Any]], render: Render
    ) -> web.Response:
        window, items = _page(request, records, render)
        return json_response(envelope_v1(request, window, key, items))

    # -- lookups and rules --------------------------------------------------------------

    def find_available(self, request: web.Request, key: str = "sid") -> dict[str, Any]:
        add_on = self.market.available.get(request.match_info[key])
        if add_on is None:
            raise not_found(request)
        return add_on

    def find_install(self, request: web.Request, key: str = "sid") -> dict[str, Any]:
        install = self.market.installs.get(request.match_info[key])
        if install is None or install["account_sid"] != current_principal().sid:
            raise not_found(request)
        return install

    def check_unique_name(
        self, account_sid: str, unique_name: str, install_sid: str | None
    ) -> None:
        owner = self.market.unique_name_owner(account_sid, unique_name)
        if owner is not None and owner != install_sid:
            raise FakeError(
                409, 20409, f"UniqueName {unique_name!r} is already used by Add-on {owner}"
            )

    def available_to_install(self, form: Mapping[str, str]) -> dict[str, Any]:
        """The Add-on an install form names, with its terms accepted; 400s otherwise."""
        available_sid = form.get("AvailableAddOnSid", "")
        if not available_sid:
            raise invalid("Missing required parameter AvailableAddOnSid")
        if not _is_sid(available_sid, "XB"):
            raise invalid(f"AvailableAddOnSid {available_sid!r} is not a valid XB SID")
        add_on = self.market.available.get(available_sid)
        if add_on is None:
            raise invalid(f"AvailableAddOnSid {available_sid} is not an available Add-on")
        if "AcceptTermsOfService" not in form:
            raise invalid("Missing required parameter AcceptTermsOfService")
        if not parse_bool("AcceptTermsOfService", form["AcceptTermsOfService"]):
            raise invalid("The Terms of Service must be accepted to install an Add-on")
        return add_on

    # -- the catalog --------------------------------------------------------------------

    async def list_available(self, request: web.Request) -> web.Response:
        return self.page(
            request,
            "available_add_ons",
            self.market.catalog(),
            lambda a: self.render_available(request, a),
        )

    async def fetch_available(self, request: web.Request) -> web.Response:
        return json_response(self.render_available(request, self.find_available(request)))

    async def list_available_extensions(self, request: web.Request) -> web.Response:
        add_on = self.find_available(request, "available_add_on_sid")
        return self.page(
            request,
            "extensions",
            self.market.extensions_of(add_on["sid"]),
            lambda e: self.render_available_extension(request, e),
        )

    async def fetch_available_extension(self, request: web.Request) -> web.Response:
        add_on = self.find_available(request, "available_add_on_sid")
        extension = self.extension(request, add_on["sid"])
        return json_response(self.render_available_extension(request, extension))

    # -- installs -----------------------------------------------------------------------

    async def list_installs(self, request: web.Request) -> web.Response:
        return self.page(
            request,
            "installed_add_ons",
            self.market.installs_of(current_principal().sid),
            lambda i: self.render_install(request, i),
        )

    async def create_install(self, request: web.Request) -> web.Response:
        account_sid = current_principal().sid
        form = current_form()
        add_on = self.available_to_install(form)
        # No Configuration is an empty one, which the schema may refuse.
        raw = form.get("Configuration", "{}")
        configuration = _configuration(raw, add_on["configuration_schema"])
        unique_name = form.get("UniqueName") or None
        if unique_name is not None:
            self.check_unique_name(account_sid, unique_name, None)
        install = self.market.install(
            account_sid, add_on["sid"], configuration=configuration, unique_name=unique_name
        )
        return json_response(self.render_install(request, install), 201)

    async def fetch_install(self, request: web.Request) -> web.Response:
        return json_response(self.render_install(request, self.find_install(request)))

    async def update_install(self, request: web.Request) -> web.Response:
        install = self.find_install(request)
        form = current_form()
        changes: dict[str, Any] = {}
        if "Configuration" in form:
            add_on = self.market.available[install["available_add_on_sid"]]
            changes["configuration"] = _configuration(
                form["Configuration"], add_on["configuration_schema"]
            )
        if "UniqueName" in form:
            unique_name = form["UniqueName"]
            if not unique_name:
                raise invalid("UniqueName must not be empty")
            self.check_unique_name(install["account_sid"], unique_name, install["sid"])
            changes["unique_name"] = unique_name
        install.update(changes)
        install["date_updated"] = self.state.clock.now()
        return json_response(self.render_install(request, install))

    async def delete_install(self, request: web.Request) -> web.Response:
        install = self.find_install(request)
        numbers = self.market.assigned_numbers(install["sid"])
        if numbers:
            raise invalid(
                f"Add-on {install['sid']} is assigned to {len(numbers)} phone number(s) "
                f"({', '.join(numbers)}); remove the assignments before uninstalling it"
            )
        self.market.uninstall(install["sid"])
        return web.Response(status=204)

    async def list_install_extensions(self, request: web.Request) -> web.Response:
        install = self.find_install(request, "installed_add_on_sid")
        return self.page(
            request,
            "extensions",
            self.market.extensions_of(install["available_add_on_sid"]),
            lambda e: self.render_install_extension(request, install, e),
        )

    async def fetch_install_extension(self, request: web.Request) -> web.Response:
        install = self.find_install(request, "installed_add_on_sid")
        extension = self.extension(request, install["available_add_on_sid"])
        return json_response(self.render_install_extension(request, install, extension))

    async def update_install_extension(self, request: web.Request) -> web.Response:
        install = self.find_install(request, "installed_add_on_sid")
        extension = self.extension(request, install["available_add_on_sid"])
        form = current_form()
        if "Enabled" not in form:
            raise invalid("Missing required parameter Enabled")
        install["enabled"][extension["sid"]] = parse_bool("Enabled", form["Enabled"])
        return json_response(self.render_install_extension(request, install, extension))


class AssignedAddOnsApi(_AddOnArea):
    """``…/IncomingPhoneNumbers/{PN}/AssignedAddOns`` and their extensions, API 2010-04-01."""

    def routes(self) -> Iterable[Route]:
        assigned = f"{_NUMBERS}/{_PN % 'resource_sid'}/AssignedAddOns"
        extensions = f"{assigned}/{_XE % 'assigned_add_on_sid'}/Extensions"
        return (
            ("GET", assigned + ".json", self.list_assignments),
            ("POST", assigned + ".json", self.create_assignment),
            ("GET", f"{assigned}/{_XE % 'sid'}.json", self.fetch_assignment),
            ("DELETE", f"{assigned}/{_XE % 'sid'}.json", self.delete_assignment),
            ("GET", extensions + ".json", self.list_assigned_extensions),
            ("GET", f"{extensions}/{_XF % 'sid'}.json", self.fetch_assigned_extension),
        )

    # -- rendering ----------------------------------------------------------------------

    def render_assignment(self, assignment: Mapping[str, Any]) -> dict[str, Any]:
        install = self.market.installs[assignment["sid"]]
        uri = _assignment_uri(assignment)
        return {
            "sid": assignment["sid"],
            "account_sid": assignment["account_sid"],
            "resource_sid": assignment["resource_sid"],
            **_copy(install, _INSTALL_FIELDS),
            "date_created": assignment["date_created"],  # RFC 2822 via json_response
            "date_updated": assignment["date_updated"],
            "uri": uri + ".json",
            "subresource_uris": {"extensions": uri + "/Extensions.json"},
        }

    def render_extension(
        self, assignment: Mapping[str, Any], extension: Mapping[str, Any]
    ) -> dict[str, Any]:
        install = self.market.installs[assignment["sid"]]
        return {
            **_copy(extension, _EXTENSION_FIELDS),
            "assigned_add_on_sid": assignment["sid"],
            "resource_sid": assignment["resource_sid"],
            "account_sid": assignment["account_sid"],
            "enabled": install["enabled"][extension["sid"]],
            "uri": f"{_assignment_uri(assignment)}/Extensions/{extension['sid']}.json",
        }

    def page(
        self, request: web.Request, key: str, records: list[dict[str, Any]], render: Render
    ) -> web.Response:
        window, items = _page(request, records, render)
        return json_response(envelope_2010(request.path, [], window, key, items))

    # -- lookups ------------------------------------------------------------------------

    def find_number(self, request: web.Request) -> dict[str, Any]:
        account_sid = self.account(request)
        number = self.state.numbers.get(request.match_info["resource_sid"])
        if number is None or number["account_sid"] != account_sid:
            raise not_found(request)
        return number

    def find_assignment(self, request: web.Request, key: str = "sid") -> dict[str, Any]:
        number = self.find_number(request)
        assignment = self.market.assignments.get((number["sid"], request.match_info[key]))
        if assignment is None:
            raise not_found(request)
        return assignment

    def install_of(self, assignment: Mapping[str, Any]) -> dict[str, Any]:
        return self.market.installs[assignment["sid"]]

    # -- handlers -----------------------------------------------------------------------

    async def list_assignments(self, request: web.Request) -> web.Response:
        number = self.find_number(request)
        assignments = self.market.assignments_of(number["sid"])
        return self.page(request, "assigned_add_ons", assignments, self.render_assignment)

    async def create_assignment(self, request: web.Request) -> web.Response:
        number = self.find_number(request)
        install_sid = current_form().get("InstalledAddOnSid", "")
        if not install_sid:
            raise invalid("Missing required parameter InstalledAddOnSid")
        if not _is_sid(install_sid, "XE"):
            raise invalid(f"InstalledAddOnSid {install_sid!r} is not a valid XE SID")
        install = self.market.installs.get(install_sid)
        if install is None or install["account_sid"] != number["account_sid"]:
            raise invalid(
                f"InstalledAddOnSid {install_sid} is not an Add-on installed on this account"
            )
        if (number["sid"], install_sid) in self.market.assignments:
            raise invalid(f"Add-on {install_sid} is already assigned to {number['sid']}")
        assignment = self.market.assign(number, install_sid)
        return json_response(self.render_assignment(assignment), 201)

    async def fetch_assignment(self, request: web.Request) -> web.Response:
        return json_response(self.render_assignment(self.find_assignment(request)))

    async def delete_assignment(self, request: web.Request) -> web.Response:
        assignment = self.find_assignment(request)
        self.market.unassign(assignment["resource_sid"], assignment["sid"])
        return web.Response(status=204)

    async def list_assigned_extensions(self, request: web.Request) -> web.Response:
        assignment = self.find_assignment(request, "assigned_add_on_sid")
        add_on_sid = self.install_of(assignment)["available_add_on_sid"]
        return self.page(
            request,
            "extensions",
            self.market.extensions_of(add_on_sid),
            lambda e: self.render_extension(assignment, e),
        )

    async def fetch_assigned_extension(self, request: web.Request) -> web.Response:
        assignment = self.find_assignment(request, "assigned_add_on_sid")
        extension = self.extension(request, self.install_of(assignment)["available_add_on_sid"])
        return json_response(self.render_extension(assignment, extension))


def _assignment_uri(assignment: Mapping[str, Any]) -> str:
    return (
        f"/2010-04-01/Accounts/{assignment['account_sid']}/IncomingPhoneNumbers/"
        f"{assignment['resource_sid']}/AssignedAddOns/{assignment['sid']}"
    )
