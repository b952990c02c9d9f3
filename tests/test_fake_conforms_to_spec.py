"""The fake Twilio checked against Twilio's own OpenAPI descriptions.

Every operation of ``shared/openapi/*.json`` (API 2010-04-01 IncomingPhoneNumbers with its
subresources and AvailablePhoneNumbers, Marketplace v1, the preview marketplace) is driven
over HTTP against the fake, with answers that succeed and answers that fail, and each body
is validated against the spec:

* a success against the response schema of that operation and status, with **every
  property the spec lists required** (Twilio's specs list no ``required``; the fake must
  send every field) and with its type, enum, pattern and format checked;
* an error against the error body Twilio documents (``TwilioServiceErrorResponse``:
  ``code``, ``message``, ``more_info``, ``status``, all required);
* a 204 has no body.

Where the spec contradicts what Twilio really sends (its own examples show it; see
``shared/openapi/README.md``), the schema is relaxed at exactly those points
(:data:`RELAXATIONS`), and a test shows that the spec's examples break the unrelaxed
schema there and nowhere else.

The specs live beside the repository, in ``shared/openapi/`` of a parent directory of its
root (``../shared/openapi`` for a checkout, further up for a worktree).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import attrs
import pytest
from aiohttp.test_utils import make_mocked_request
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator

from twilio_async.testing import FakeTwilio, Fault
from twilio_async.transport import Credentials

SPEC_FILES = (
    "twilio_api_v2010_numbers.json",
    "twilio_marketplace_v1.json",
    "twilio_preview_marketplace.json",
)
API_2010 = "twilio_api_v2010_numbers.json"


def find_spec_dir() -> Path:
    """``shared/openapi`` in the closest parent of the repository root that has it."""
    root = Path(__file__).resolve().parents[1]
    for base in root.parents:
        candidate = base / "shared" / "openapi"
        if all((candidate / name).is_file() for name in SPEC_FILES):
            return candidate
    raise FileNotFoundError(
        f"Twilio's OpenAPI specs ({', '.join(SPEC_FILES)}) are not in shared/openapi/ of "
        f"any parent of {root}"
    )


SPEC_DIR = find_spec_dir()
SPECS: dict[str, dict[str, Any]] = {
    name: json.loads((SPEC_DIR / name).read_text(encoding="utf-8")) for name in SPEC_FILES
}


@attrs.frozen
class Operation:
    """One method of one path of a spec."""

    spec: str
    method: str
    path: str  # the spec's template, e.g. /v1/InstalledAddOns/{Sid}
    responses: Mapping[str, Any] = attrs.field(repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def success(self) -> int:
        (status,) = (int(code) for code in self.responses if code.startswith("2"))
        return status


OPERATIONS = [
    Operation(spec, method.upper(), path, item[method]["responses"])
    for spec, document in SPECS.items()
    for path, item in document["paths"].items()
    for method in ("get", "post", "delete")
    if method in item
]


# -- schemas --------------------------------------------------------------------------------


def resolve(node: Any, components: Mapping[str, Any]) -> Any:
    """A copy of ``node`` with every ``#/components/schemas/…`` reference inlined."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            return resolve(components[ref.rsplit("/", 1)[1]], components)
        return {key: resolve(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(value, components) for value in node]
    return node


def walk_properties(schema: Any, visit: Callable[[str, dict[str, Any]], None]) -> None:
    """Call ``visit(name, property_schema)`` for every property, at any depth."""
    if isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            visit(name, prop)
        for value in schema.values():
            walk_properties(value, visit)
    elif isinstance(schema, list):
        for value in schema:
            walk_properties(value, visit)


def require_every_property(schema: dict[str, Any]) -> None:
    def require(_: str, prop: dict[str, Any]) -> None:
        if prop.get("properties"):
            prop["required"] = sorted(prop["properties"])

    if schema.get("properties"):
        schema["required"] = sorted(schema["properties"])
    walk_properties(schema, require)


# The known contradictions between Twilio's specs and what Twilio sends, each relaxed at
# exactly the properties named; the spec's own examples are the evidence
# (test_the_relaxations_are_where_the_specs_own_examples_break_it).

# 1. API 2010-04-01 renders these unset SIDs and URLs of a number as "" (the spec's
#    examples: "sms_application_sid": "", "sms_url": "", "status_callback": "", ...), which
#    fails the SID pattern and minLength, and format: uri. (Unset voice_url and
#    voice_fallback_url read null in those examples, and so they do in the fake.)
UNSET_AS_EMPTY = frozenset(
    {
        "sms_application_sid",
        "voice_application_sid",
        "sms_url",
        "sms_fallback_url",
        "status_callback",
    }
)
# 2. API 2010-04-01's URIs are paths relative to https://api.twilio.com (as the spec's own
#    descriptions of ``uri`` say, and its examples show), though the list envelopes and the
#    country declare them format: uri.
RELATIVE_URIS = frozenset({"uri", "first_page_uri", "next_page_uri", "previous_page_uri"})
RELATIVE_URI_MAPS = frozenset({"subresource_uris"})
# 3. An available number's latitude and longitude are declared numbers but sent as strings
#    ("latitude": "19.720000" in the spec's example, and so Twilio sends them).
DECIMAL_STRINGS = frozenset({"latitude", "longitude"})
DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"

RELAXATIONS = UNSET_AS_EMPTY | RELATIVE_URIS | RELATIVE_URI_MAPS | DECIMAL_STRINGS


def relax(name: str, prop: dict[str, Any]) -> None:
    """Relax one property of an API 2010-04-01 schema, if it is a known contradiction."""
    if name in UNSET_AS_EMPTY:
        if "pattern" in prop:
            prop["pattern"] = f"^$|{prop['pattern']}"
            prop.pop("minLength", None)
        if prop.get("format") == "uri":
            prop["format"] = "uri-or-empty"
    elif name in RELATIVE_URIS and prop.get("format") == "uri":
        prop["format"] = "relative-uri"
    elif name in RELATIVE_URI_MAPS and prop.get("format") == "uri-map":
        prop["format"] = "relative-uri-map"
    elif name in DECIMAL_STRINGS and prop.get("type") == "number":
        prop["type"] = "string"
        prop["pattern"] = DECIMAL


def schema_of(
    spec: str, schema: dict[str, Any], *, relaxed: bool = True, complete: bool = True
) -> dict[str, Any]:
    """``schema`` with references inlined; ``complete``: every property required;
    ``relaxed``: the known contradictions of API 2010-04-01 relaxed."""
    components = SPECS[spec]["components"]["schemas"]
    resolved: dict[str, Any] = resolve(copy.deepcopy(schema), components)
    if relaxed and spec == API_2010:
        walk_properties(resolved, relax)
    if complete:
        require_every_property(resolved)
    return resolved


# Twilio's documented error body (the Marketplace v1 spec names it; the other APIs answer
# errors in the same shape): all four fields, ``params`` when there are any.
ERROR_SCHEMA = schema_of(
    "twilio_marketplace_v1.json",
    {"$ref": "#/components/schemas/marketplace.v1.TwilioServiceErrorResponse"},
    complete=False,
)
ERROR_SCHEMA["required"] = ["code", "message", "more_info", "status"]


# -- formats ----------------------------------------------------------------------------------

FORMATS = FormatChecker(formats=())


@FORMATS.checks("int32")
def _int32(value: object) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


def _absolute_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _relative_uri(value: object) -> bool:
    return not isinstance(value, str) or (value.startswith("/") and not value.startswith("//"))


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return _absolute_url(value)


@FORMATS.checks("uri-or-empty")
def _uri_or_empty(value: object) -> bool:
    return value == "" or _absolute_url(value)


@FORMATS.checks("relative-uri")
def _relative(value: object) -> bool:
    return _relative_uri(value)


@FORMATS.checks("uri-map")
def _uri_map(value: object) -> bool:
    return not isinstance(value, dict) or all(_absolute_url(v) for v in value.values())


@FORMATS.checks("relative-uri-map")
def _relative_uri_map(value: object) -> bool:
    return not isinstance(value, dict) or all(_relative_uri(v) for v in value.values())


@FORMATS.checks("date-time-rfc-2822")
def _rfc2822(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return parsedate_to_datetime(value).tzinfo is not None
    except (TypeError, ValueError):
        return False


@FORMATS.checks("date-time")
def _iso8601(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


@FORMATS.checks("iso-country-code")
def _country(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch("[A-Z]{2}", value) is not None


# Not checked: "phone-number" (the spec puts it on friendly names such as "(808) 925-1571"
# too), "http-method" (an enum says it), "phone-number-capabilities" (its properties do).


def problems(body: Any, schema: Mapping[str, Any]) -> list[str]:
    validator = OAS30Validator(schema, format_checker=FORMATS)
    return sorted(
        f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
        for error in validator.iter_errors(body)
    )


# -- driving the fake -----------------------------------------------------------------------

UNKNOWN = {prefix: prefix + "9" * 32 for prefix in ("AC", "PN", "XB", "XE", "XF")}
BAD_AUTH = {"Authorization": Credentials("AC" + "8" * 32, "not-the-token").authorization()}


@attrs.frozen
class Exchange:
    """One request to an operation and the status it must get."""

    expect: int
    path: Mapping[str, str] = attrs.field(factory=dict)  # the template's values
    query: Mapping[str, str] = attrs.field(factory=dict)
    form: Mapping[str, str] | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)  # none: the fake's own account


def ok(expect: int = 0, *, query: Mapping[str, str] | None = None, **path: str) -> Exchange:
    return Exchange(expect, path, query or {})


def post(expect: int = 0, form: Mapping[str, str] | None = None, **path: str) -> Exchange:
    return Exchange(expect, path, form=form or {})


def fails(expect: int, **path: str) -> Exchange:
    return Exchange(expect, path)


def bad_auth(**path: str) -> Exchange:
    return Exchange(401, path, headers=BAD_AUTH)


@attrs.define
class World:
    """A fake with something of everything: numbers, an install assigned to one."""

    fake: FakeTwilio
    http: aiohttp.ClientSession
    numbers: list[str]
    add_on: str  # XB
    extension: str  # XF of that add-on
    install: str  # XE, assigned to numbers[0]
    spare_install: str  # XE, assigned to no number
    answers: int = 0

    @property
    def number(self) -> str:
        return self.numbers[0]

    async def send(self, operation: Operation, exchange: Exchange) -> None:
        values = {"AccountSid": self.fake.account_sid, **exchange.path}
        path = operation.path.format(**values)
        expect = exchange.expect or operation.success
        async with self.http.request(
            operation.method,
            path,
            params=exchange.query,
            data=exchange.form,
            headers=exchange.headers,
        ) as response:
            raw = await response.read()
        where = f"{operation.method} {path} -> {response.status}"
        assert response.status == expect, f"{where}, expected {expect}: {raw[:300]!r}"
        self.answers += 1
        if expect == 204:
            assert raw == b"", where
            return
        assert response.content_type == "application/json", where
        body = json.loads(raw)
        documented = operation.responses.get(str(expect), {}).get("content")
        if expect >= 400:
            # Twilio's error body; where the spec documents this error, its schema too.
            schemas = [ERROR_SCHEMA]
            if documented:
                error = documented["application/json"]["schema"]
                schemas.append(schema_of(operation.spec, error, complete=False))
            assert body["status"] == expect, where
        else:
            assert documented, f"{where}: the spec documents no {expect}"
            schemas = [schema_of(operation.spec, documented["application/json"]["schema"])]
        found = [problem for schema in schemas for problem in problems(body, schema)]
        assert not found, f"{where}:\n  " + "\n  ".join(found)


A = "/2010-04-01/Accounts/{AccountSid}"
NUMBERS = A + "/IncomingPhoneNumbers"
ASSIGNED = NUMBERS + "/{ResourceSid}/AssignedAddOns"
SETTINGS = {
    "FriendlyName": "support line",
    "VoiceUrl": "https://example.com/voice",
    "VoiceMethod": "GET",
    "VoiceFallbackUrl": "https://example.com/fallback",
    "SmsUrl": "https://example.com/sms",
    "StatusCallback": "https://example.com/status",
    "VoiceApplicationSid": "AP" + "1" * 32,
    "SmsApplicationSid": "AP" + "2" * 32,
    "AddressSid": "AD" + "3" * 32,
    "IdentitySid": "RI" + "4" * 32,
    "BundleSid": "BU" + "5" * 32,
    "EmergencyAddressSid": "AD" + "6" * 32,
    "VoiceReceiveMode": "fax",
}
# The country and a number of each type for the searches and purchases.
SEARCHES = {
    "Local": ("US", {"AreaCode": "415"}),
    "TollFree": ("US", {}),
    "Mobile": ("GB", {}),
    "National": ("FR", {}),
    "Voip": ("GB", {}),
    "SharedCost": ("FR", {}),
    "MachineToMachine": ("NL", {}),
}
PURCHASES = {"Local": "+14155550123", "TollFree": "+18005550199", "Mobile": "+447700900123"}
PAGE_OF_ONE = {"PageSize": "1"}

Exchanges = Callable[[World], list[Exchange]]


def always(*exchanges: Exchange) -> Exchanges:
    """Exchanges that need nothing of the world's."""
    return lambda world: list(exchanges)


def api_2010() -> Iterator[tuple[tuple[str, str], Exchanges]]:
    countries = A + "/AvailablePhoneNumbers"
    yield (
        ("GET", countries + ".json"),
        lambda w: [
            ok(),
            fails(404, AccountSid=UNKNOWN["AC"]),
            bad_auth(),
        ],
    )
    yield (
        ("GET", countries + "/{CountryCode}.json"),
        lambda w: [
            ok(CountryCode="US"),
            ok(CountryCode="GB"),
            fails(404, CountryCode="XX"),
        ],
    )
    for kind, (country, query) in SEARCHES.items():
        yield (
            ("GET", f"{countries}/{{CountryCode}}/{kind}.json"),
            always(
                ok(CountryCode=country, query=query),
                ok(CountryCode=country, query={**query, "Contains": "99999999"}),  # none
                Exchange(400, {"CountryCode": country}, {"Contains": "1"}),
                fails(404, CountryCode="XX"),
            ),
        )
    yield (
        ("GET", NUMBERS + ".json"),
        lambda w: [
            ok(),
            ok(query=PAGE_OF_ONE),  # a next page
            ok(query={**PAGE_OF_ONE, "Page": "1", "PageToken": "PA1"}),  # a previous one too
            ok(query={"PhoneNumber": "999999"}),  # none
            Exchange(400, query={"PageSize": "0"}),
            bad_auth(),
        ],
    )
    yield (
        ("POST", NUMBERS + ".json"),
        lambda w: [
            post(form={"AreaCode": "510"}),
            post(form={"PhoneNumber": "+15005550006", **SETTINGS}),
            post(400, form={}),
            post(400, form={"PhoneNumber": "+15005550000"}),
        ],
    )
    for kind, phone_number in PURCHASES.items():
        yield (
            ("GET", f"{NUMBERS}/{kind}.json"),
            lambda w: [
                ok(),
                ok(query=PAGE_OF_ONE),
                fails(404, AccountSid=UNKNOWN["AC"]),
            ],
        )
        yield (
            ("POST", f"{NUMBERS}/{kind}.json"),
            always(
                post(form={"PhoneNumber": phone_number, "FriendlyName": "bought"}),
                post(400, form={"AreaCode": "415"}),
            ),
        )
    instance = NUMBERS + "/{Sid}.json"
    yield ("GET", instance), lambda w: [ok(Sid=w.number), fails(404, Sid=UNKNOWN["PN"])]
    yield (
        ("POST", instance),
        lambda w: [
            post(form=SETTINGS, Sid=w.number),
            post(form={"SmsUrl": "", "VoiceUrl": "", "VoiceApplicationSid": ""}, Sid=w.number),
            post(form={"TrunkSid": "TK" + "7" * 32}, Sid=w.number),
            post(400, form={"VoiceUrl": "not a url"}, Sid=w.number),
            post(404, form={}, Sid=UNKNOWN["PN"]),
        ],
    )
    yield ("DELETE", instance), lambda w: [fails(404, Sid=UNKNOWN["PN"]), ok(Sid=w.number)]
    yield (
        ("GET", ASSIGNED + ".json"),
        lambda w: [
            ok(ResourceSid=w.number),
            ok(ResourceSid=w.numbers[1]),  # none
            fails(404, ResourceSid=UNKNOWN["PN"]),
        ],
    )
    yield (
        ("POST", ASSIGNED + ".json"),
        lambda w: [
            post(form={"InstalledAddOnSid": w.install}, ResourceSid=w.numbers[1]),
            post(400, form={"InstalledAddOnSid": w.install}, ResourceSid=w.number),  # again
            post(400, form={}, ResourceSid=w.number),
        ],
    )
    assigned = ASSIGNED + "/{Sid}.json"
    yield (
        ("GET", assigned),
        lambda w: [
            ok(ResourceSid=w.number, Sid=w.install),
            fails(404, ResourceSid=w.number, Sid=UNKNOWN["XE"]),
        ],
    )
    yield (
        ("DELETE", assigned),
        lambda w: [
            ok(ResourceSid=w.number, Sid=w.install),
            fails(404, ResourceSid=w.number, Sid=w.install),
        ],
    )
    extensions = ASSIGNED + "/{AssignedAddOnSid}/Extensions"
    yield (
        ("GET", extensions + ".json"),
        lambda w: [
            ok(ResourceSid=w.number, AssignedAddOnSid=w.install),
            ok(ResourceSid=w.number, AssignedAddOnSid=w.install, query=PAGE_OF_ONE),
            fails(404, ResourceSid=w.number, AssignedAddOnSid=UNKNOWN["XE"]),
        ],
    )
    yield (
        ("GET", extensions + "/{Sid}.json"),
        lambda w: [
            ok(ResourceSid=w.number, AssignedAddOnSid=w.install, Sid=w.extension),
            fails(404, ResourceSid=w.number, AssignedAddOnSid=w.install, Sid=UNKNOWN["XF"]),
        ],
    )


def marketplace(root: str) -> Iterator[tuple[tuple[str, str], Exchanges]]:
    available = root + "/AvailableAddOns"
    installed = root + "/InstalledAddOns"

    def install_form(w: World, **extra: str) -> dict[str, str]:
        form = {
            "AvailableAddOnSid": w.add_on,
            "AcceptTermsOfService": "true",
            "Configuration": '{"bad_words": false}',
        }
        return {**form, **extra}

    yield ("GET", available), lambda w: [ok(), ok(query=PAGE_OF_ONE), bad_auth()]
    yield (
        ("GET", available + "/{Sid}"),
        lambda w: [
            ok(Sid=w.add_on),
            fails(404, Sid=UNKNOWN["XB"]),
        ],
    )
    yield (
        ("GET", available + "/{AvailableAddOnSid}/Extensions"),
        lambda w: [
            ok(AvailableAddOnSid=w.add_on),
            ok(AvailableAddOnSid=w.add_on, query=PAGE_OF_ONE),
            fails(404, AvailableAddOnSid=UNKNOWN["XB"]),
        ],
    )
    yield (
        ("GET", available + "/{AvailableAddOnSid}/Extensions/{Sid}"),
        lambda w: [
            ok(AvailableAddOnSid=w.add_on, Sid=w.extension),
            fails(404, AvailableAddOnSid=w.add_on, Sid=UNKNOWN["XF"]),
        ],
    )
    yield ("GET", installed), lambda w: [ok(), ok(query=PAGE_OF_ONE), bad_auth()]
    yield (
        ("POST", installed),
        lambda w: [
            post(form=install_form(w, UniqueName="second")),
            post(409, form=install_form(w, UniqueName="second")),
            post(400, form=install_form(w, AcceptTermsOfService="false")),
        ],
    )
    yield (
        ("GET", installed + "/{Sid}"),
        lambda w: [
            ok(Sid=w.install),
            fails(404, Sid=UNKNOWN["XE"]),
        ],
    )
    yield (
        ("POST", installed + "/{Sid}"),
        lambda w: [
            post(
                form={"Configuration": '{"bad_words": true}', "UniqueName": "renamed"},
                Sid=w.install,
            ),
            post(400, form={"Configuration": "[]"}, Sid=w.install),
            post(404, form={}, Sid=UNKNOWN["XE"]),
        ],
    )
    yield (
        ("DELETE", installed + "/{Sid}"),
        lambda w: [
            fails(400, Sid=w.install),  # still assigned to a number
            ok(Sid=w.spare_install),
            fails(404, Sid=w.spare_install),
        ],
    )
    extensions = installed + "/{InstalledAddOnSid}/Extensions"
    yield (
        ("GET", extensions),
        lambda w: [
            ok(InstalledAddOnSid=w.install),
            ok(InstalledAddOnSid=w.install, query=PAGE_OF_ONE),
            fails(404, InstalledAddOnSid=UNKNOWN["XE"]),
        ],
    )
    yield (
        ("GET", extensions + "/{Sid}"),
        lambda w: [
            ok(InstalledAddOnSid=w.install, Sid=w.extension),
            fails(404, InstalledAddOnSid=w.install, Sid=UNKNOWN["XF"]),
        ],
    )
    yield (
        ("POST", extensions + "/{Sid}"),
        lambda w: [
            post(form={"Enabled": "true"}, InstalledAddOnSid=w.install, Sid=w.extension),
            post(400, form={}, InstalledAddOnSid=w.install, Sid=w.extension),
        ],
    )


DRIVERS: dict[tuple[str, str], Exchanges] = {
    **dict(api_2010()),
    **dict(marketplace("/v1")),
    **dict(marketplace("/marketplace")),
}


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with FakeTwilio() as fake, fake.session() as http:
        numbers = fake.seed_numbers(3)
        add_on = fake.state.marketplace.find_available("VoiceBase High Accuracy Transcription")
        install = fake.install_add_on(add_on["sid"], configuration={"bad_words": True})
        fake.assign_add_on(numbers[0], install)
        spare = fake.install_add_on("Nomorobo Spam Score")
        extension = fake.state.marketplace.extensions_of(add_on["sid"])[0]["sid"]
        yield World(fake, http, numbers, add_on["sid"], extension, install, spare)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
async def test_every_answer_matches_the_spec(operation: Operation, world: World) -> None:
    exchanges = DRIVERS[operation.key](world)
    assert any(e.expect in (0, operation.success) for e in exchanges)
    assert any(e.expect >= 400 for e in exchanges)
    for exchange in exchanges:
        await world.send(operation, exchange)
    assert world.answers == len(exchanges)


def test_every_driven_operation_is_in_the_spec() -> None:
    assert set(DRIVERS) == {operation.key for operation in OPERATIONS}
    assert len(OPERATIONS) == 50  # 26 (API 2010-04-01) + 12 (v1) + 12 (preview)


async def test_every_route_of_the_fake_is_in_the_spec() -> None:
    """Each JSON route the fake serves answers a path of the spec (the 2008-08-01 XML API
    has no OpenAPI description)."""
    fake = FakeTwilio()
    served = set()
    for operation in OPERATIONS:
        path = re.sub(r"([^/]*)/\{(\w+)\}", sample_value, operation.path)
        match = await fake.app.router.resolve(make_mocked_request(operation.method, path))
        assert match.route.method == operation.method, (operation, match.http_exception)
        served.add(match.route)
    routes = [
        route
        for route in fake.app.router.routes()
        if route.method != "HEAD"
        and route.resource is not None
        and not route.resource.canonical.startswith("/2008-08-01/")
    ]
    assert [r for r in routes if r not in served] == []


# The SID prefix of a path parameter, by the segment before it.
PREFIXES = {
    "Accounts": "AC",
    "IncomingPhoneNumbers": "PN",
    "AssignedAddOns": "XE",
    "InstalledAddOns": "XE",
    "AvailableAddOns": "XB",
    "Extensions": "XF",
}


def sample_value(match: re.Match[str]) -> str:
    """``segment/{Param}`` with a well-formed value for the parameter."""
    segment, name = match.groups()
    value = "US" if name == "CountryCode" else PREFIXES[segment] + "0" * 32
    return f"{segment}/{value}"


# -- the relaxations -------------------------------------------------------------------------


def spec_examples() -> Iterator[tuple[Operation, str, Any, dict[str, Any]]]:
    for operation in OPERATIONS:
        for status, response in operation.responses.items():
            content = (response.get("content") or {}).get("application/json")
            for name, example in ((content or {}).get("examples") or {}).items():
                yield operation, f"{status} {name}", example["value"], content["schema"]


def test_the_relaxations_are_where_the_specs_own_examples_break_it() -> None:
    """Twilio's examples (which omit some fields, so nothing is required here) fail the
    unrelaxed schemas at relaxed properties only, and pass the relaxed ones: each
    relaxation answers a contradiction in the spec itself."""
    broken: set[str] = set()
    for operation, name, value, schema in spec_examples():
        relaxed = problems(value, schema_of(operation.spec, schema, complete=False))
        assert relaxed == [], f"{operation.method} {operation.path} {name}: {relaxed}"
        strict = schema_of(operation.spec, schema, relaxed=False, complete=False)
        validator = OAS30Validator(strict, format_checker=FORMATS)
        for error in validator.iter_errors(value):
            field = next(p for p in reversed(error.absolute_path) if isinstance(p, str))
            assert field in RELAXATIONS, (operation.path, name, error.message)
            broken.add(field)
    # Every relaxation; the page links happen to be null in every example.
    assert broken == RELAXATIONS - {"next_page_uri", "previous_page_uri"}


@pytest.mark.parametrize(
    "path",
    [NUMBERS.format(AccountSid=FakeTwilio().account_sid) + ".json", "/v1/AvailableAddOns"],
)
async def test_injected_errors_have_the_documented_shape(path: str) -> None:
    async with FakeTwilio() as fake, fake.session() as http:
        for status in (400, 403, 404, 409, 429, 500, 503):
            fake.inject(Fault(status=status))
            async with http.get(path) as response:
                body = await response.json()
            assert response.status == status
            assert problems(body, ERROR_SCHEMA) == [], body


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/Nothing", 404),
        ("DELETE", "/v1/AvailableAddOns", 405),
        ("PUT", "/marketplace/InstalledAddOns", 405),
        ("GET", "/2010-04-01/Accounts/{AccountSid}/Nothing.json", 404),
        ("PUT", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json", 405),
    ],
)
async def test_router_errors_have_the_documented_shape(method: str, path: str, status: int) -> None:
    async with FakeTwilio() as fake, fake.session() as http:
        url = path.format(AccountSid=fake.account_sid)
        async with http.request(method, url) as response:
            body = await response.json()
    assert response.status == status
    assert problems(body, ERROR_SCHEMA) == [], body
