"""Parameter TypedDicts compiled into wire encoders (twilio_async.params): pure, no server."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Annotated, Any

import pytest
from typing_extensions import Required, TypedDict

from twilio_async.errors import InvalidSidError, TwilioError, TwilioValidationError
from twilio_async.models import EmergencyStatus, HttpMethod, VoiceReceiveMode
from twilio_async.params import JsonObject, ParamSchema, Range, Wire, schema, validate_sid
from twilio_async.resources.incoming_phone_numbers import (
    IncomingPhoneNumberContext,
    IncomingPhoneNumberList,
    LocalList,
    MobileList,
    TollFreeList,
    _NumberList,
)


def _schema(value: ParamSchema | None) -> ParamSchema:
    assert value is not None
    return value


CREATE = _schema(IncomingPhoneNumberList._create_params)
UPDATE = _schema(IncomingPhoneNumberContext._update_params)
FILTERS = _schema(_NumberList._filters)
TYPE_CREATE = _schema(LocalList._create_params)

# The parameter names of the IncomingPhoneNumber docs (seed 003), in the docs' order.
DOCUMENTED_CONFIGURATION = {
    "api_version": "ApiVersion",
    "friendly_name": "FriendlyName",
    "sms_application_sid": "SmsApplicationSid",
    "sms_fallback_method": "SmsFallbackMethod",
    "sms_fallback_url": "SmsFallbackUrl",
    "sms_method": "SmsMethod",
    "sms_url": "SmsUrl",
    "status_callback": "StatusCallback",
    "status_callback_method": "StatusCallbackMethod",
    "voice_application_sid": "VoiceApplicationSid",
    "voice_caller_id_lookup": "VoiceCallerIdLookup",
    "voice_fallback_method": "VoiceFallbackMethod",
    "voice_fallback_url": "VoiceFallbackUrl",
    "voice_method": "VoiceMethod",
    "voice_url": "VoiceUrl",
    "emergency_status": "EmergencyStatus",
    "emergency_address_sid": "EmergencyAddressSid",
    "trunk_sid": "TrunkSid",
    "identity_sid": "IdentitySid",
    "address_sid": "AddressSid",
    "voice_receive_mode": "VoiceReceiveMode",
    "bundle_sid": "BundleSid",
}
DOCUMENTED_CREATE = DOCUMENTED_CONFIGURATION | {
    "phone_number": "PhoneNumber",
    "area_code": "AreaCode",
}
DOCUMENTED_UPDATE = DOCUMENTED_CONFIGURATION | {"account_sid": "AccountSid"}
DOCUMENTED_FILTERS = {
    "beta": "Beta",
    "friendly_name": "FriendlyName",
    "phone_number": "PhoneNumber",
    "origin": "Origin",
}

AP = "AP" + "0123456789abcdef" * 2
AC = "AC" + "F" * 32
E164_NUMBER = "+14155552344"

SID_PARAMS = {
    "voice_application_sid": "AP",
    "sms_application_sid": "AP",
    "emergency_address_sid": "AD",
    "address_sid": "AD",
    "trunk_sid": "TK",
    "identity_sid": "RI",
    "bundle_sid": "BU",
}
URL_PARAMS = ["voice_url", "voice_fallback_url", "sms_url", "sms_fallback_url", "status_callback"]
METHOD_PARAMS = [
    "voice_method",
    "voice_fallback_method",
    "sms_method",
    "sms_fallback_method",
    "status_callback_method",
]


def sid(prefix: str) -> str:
    return prefix + "0123456789abcdef" * 2


def update(**values: Any) -> list[tuple[str, str]]:
    return UPDATE.encode(values)


def refused(encode: ParamSchema, values: Mapping[str, Any], param: str) -> TwilioValidationError:
    with pytest.raises(TwilioValidationError) as info:
        encode.encode(values)
    assert info.value.param == param
    assert param in str(info.value)
    return info.value


# --- wire names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compiled", "documented"),
    [
        (CREATE, DOCUMENTED_CREATE),
        (UPDATE, DOCUMENTED_UPDATE),
        (FILTERS, DOCUMENTED_FILTERS),
        (TYPE_CREATE, {k: v for k, v in DOCUMENTED_CREATE.items() if k != "area_code"}),
    ],
    ids=["create", "update", "list-filters", "local-create"],
)
def test_every_documented_parameter_has_its_pascal_case_wire_name(
    compiled: ParamSchema, documented: dict[str, str]
) -> None:
    assert {name: field.wire for name, field in compiled.fields.items()} == documented


def test_update_sends_every_configuration_parameter_under_its_documented_name() -> None:
    values: dict[str, Any] = {
        "api_version": "2010-04-01",
        "friendly_name": "Front desk",
        "voice_caller_id_lookup": True,
        "voice_receive_mode": "fax",
        "emergency_status": "Inactive",
        "account_sid": AC,
    }
    values |= {name: sid(prefix) for name, prefix in SID_PARAMS.items()}
    values |= dict.fromkeys(URL_PARAMS, "https://example.com/hook")
    values |= dict.fromkeys(METHOD_PARAMS, "GET")
    pairs = UPDATE.encode(values)
    assert [wire for wire, _ in pairs] == [UPDATE.fields[name].wire for name in UPDATE.fields]
    assert dict(pairs) == {DOCUMENTED_UPDATE[name]: str(v) for name, v in values.items()} | {
        "VoiceCallerIdLookup": "true"
    }


def test_typed_views_share_the_phone_number_required_schema() -> None:
    for view in (LocalList, TollFreeList, MobileList):
        assert view._create_params is TYPE_CREATE
    assert TYPE_CREATE.fields["phone_number"].required is True
    assert CREATE.fields["phone_number"].required is False
    refused(TYPE_CREATE, {"friendly_name": "x"}, "phone_number")
    assert TYPE_CREATE.encode({"phone_number": E164_NUMBER}) == [("PhoneNumber", E164_NUMBER)]


def test_wire_name_lookup() -> None:
    assert UPDATE.wire_name("voice_caller_id_lookup") == "VoiceCallerIdLookup"


# --- presence, booleans, blanks, None -------------------------------------------------------------


def test_not_given_is_not_sent() -> None:
    assert UPDATE.encode({}) == []
    assert update(friendly_name="x") == [("FriendlyName", "x")]


@pytest.mark.parametrize(("value", "wire"), [(True, "true"), (False, "false")])
def test_booleans_are_sent_as_true_false(value: bool, wire: str) -> None:
    assert update(voice_caller_id_lookup=value) == [("VoiceCallerIdLookup", wire)]
    assert FILTERS.encode({"beta": value}) == [("Beta", wire)]


@pytest.mark.parametrize("value", [1, 0, "true", "false", "", [], 1.0])
def test_non_bool_values_for_booleans_are_refused(value: object) -> None:
    refused(UPDATE, {"voice_caller_id_lookup": value}, "voice_caller_id_lookup")


@pytest.mark.parametrize("name", [*URL_PARAMS, *SID_PARAMS, "friendly_name", "api_version"])
def test_empty_string_is_sent_to_clear_url_sid_and_text_fields(name: str) -> None:
    assert UPDATE.encode({name: ""}) == [(DOCUMENTED_UPDATE[name], "")]


@pytest.mark.parametrize("name", ["phone_number", "area_code"])
def test_empty_string_is_refused_for_phone_number_and_area_code(name: str) -> None:
    refused(CREATE, {name: ""}, name)


def test_empty_string_is_refused_for_a_required_phone_number() -> None:
    refused(TYPE_CREATE, {"phone_number": ""}, "phone_number")


@pytest.mark.parametrize(
    "name", ["voice_url", "friendly_name", "voice_caller_id_lookup", "trunk_sid"]
)
def test_none_is_refused_with_a_message_saying_omit_or_blank(name: str) -> None:
    error = refused(UPDATE, {name: None}, name)
    assert "omit" in str(error)
    assert "''" in str(error)


@pytest.mark.parametrize("value", [42, b"https://example.com", ["x"]])
def test_non_strings_are_refused_for_string_parameters(value: object) -> None:
    refused(UPDATE, {"voice_url": value}, "voice_url")
    refused(UPDATE, {"friendly_name": value}, "friendly_name")


# --- enums ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", METHOD_PARAMS)
def test_methods_accept_literals_and_open_enum_members(name: str) -> None:
    assert UPDATE.encode({name: "POST"}) == [(DOCUMENTED_UPDATE[name], "POST")]
    assert UPDATE.encode({name: HttpMethod.GET}) == [(DOCUMENTED_UPDATE[name], "GET")]


@pytest.mark.parametrize("value", ["get", "PUT", "", HttpMethod("PUT"), 1, None])
def test_methods_refuse_other_values_naming_the_parameter(value: object) -> None:
    refused(UPDATE, {"sms_method": value}, "sms_method")


def test_every_enum_parameter_accepts_its_members() -> None:
    pairs = update(
        emergency_status=EmergencyStatus.INACTIVE, voice_receive_mode=VoiceReceiveMode.FAX
    )
    assert pairs == [("VoiceReceiveMode", "fax"), ("EmergencyStatus", "Inactive")]
    assert type(pairs[0][1]) is str


@pytest.mark.parametrize(
    ("name", "value"),
    [("emergency_status", "active"), ("voice_receive_mode", "sms"), ("voice_receive_mode", "")],
)
def test_enum_parameters_refuse_unknown_values(name: str, value: str) -> None:
    error = refused(UPDATE, {name: value}, name)
    assert repr(value) in str(error)


def test_origin_filter_accepts_only_documented_values() -> None:
    assert FILTERS.encode({"origin": "hosted"}) == [("Origin", "hosted")]
    refused(FILTERS, {"origin": "ported"}, "origin")


# --- SIDs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "prefix"), list(SID_PARAMS.items()))
def test_sid_parameters_accept_their_prefix(name: str, prefix: str) -> None:
    value = prefix + "ABCDEF0123456789" * 2
    assert UPDATE.encode({name: value}) == [(DOCUMENTED_UPDATE[name], value)]


@pytest.mark.parametrize(
    "value",
    [
        "PN" + "a" * 32,  # wrong prefix
        "ap" + "a" * 32,  # prefix is case-sensitive
        "AP" + "a" * 31,  # too short
        "AP" + "a" * 33,  # too long
        "AP" + "g" * 32,  # not hex
        "AP../../Accounts/AC" + "a" * 15,  # path injection, 34 characters
        "AP" + "a" * 30 + "/x",
        "AP" + "a" * 31 + "\n",
        "AP" + "a" * 32 + "\n",
        "AP%2e%2e%2f" + "a" * 23,
        " AP" + "a" * 31,
    ],
)
def test_sid_parameters_refuse_malformed_values(value: str) -> None:
    with pytest.raises(InvalidSidError) as info:
        update(voice_application_sid=value)
    assert info.value.param == "voice_application_sid"
    assert "AP" in str(info.value)


def test_account_sid_is_checked_on_update() -> None:
    assert update(account_sid=AC) == [("AccountSid", AC)]
    with pytest.raises(InvalidSidError):
        update(account_sid=AP)


def test_account_sid_cannot_be_cleared() -> None:
    # "" clears webhook and application SIDs, but a number must belong to some account.
    with pytest.raises(InvalidSidError) as info:
        update(account_sid="")
    assert info.value.param == "account_sid"
    assert update(voice_application_sid="") == [("VoiceApplicationSid", "")]


def test_validate_sid_returns_a_valid_sid() -> None:
    assert validate_sid(AC, "AC") == AC


@pytest.mark.parametrize(
    "value",
    ["PN../../x", "PN" + "a" * 30 + "../", "PN" + "0" * 31 + "Z", "", "PN", "XX" + "a" * 32],
)
def test_validate_sid_refuses_malformed_sids(value: str) -> None:
    with pytest.raises(InvalidSidError, match=r"^number_sid must be .*PN") as info:
        validate_sid(value, "PN", param="number_sid")
    assert info.value.param == "number_sid"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", [None, 12, b"PN" + b"a" * 32])
def test_validate_sid_refuses_non_strings(value: object) -> None:
    with pytest.raises(InvalidSidError, match="string"):
        validate_sid(value, "PN", param="number_sid")


def test_validate_sid_truncates_huge_values_in_its_message() -> None:
    with pytest.raises(InvalidSidError) as info:
        validate_sid("PN" + "x" * 10_000, "PN")
    assert len(str(info.value)) < 200


# --- phone numbers, area codes, patterns ---------------------------------------------------------


@pytest.mark.parametrize("value", [E164_NUMBER, "+442071838750", "+12", "+123456789012345"])
def test_e164_numbers_are_accepted(value: str) -> None:
    assert CREATE.encode({"phone_number": value}) == [("PhoneNumber", value)]


@pytest.mark.parametrize(
    "value",
    [
        "14155552344",  # no +
        "+04155552344",  # leading zero country code
        "+1",  # too short
        "+1234567890123456",  # 16 digits
        "+1 415 555 2344",
        "+1-415-555-2344",
        "+1415555234a",
        "(415) 555-2344",
    ],
)
def test_non_e164_numbers_are_refused(value: str) -> None:
    error = refused(CREATE, {"phone_number": value}, "phone_number")
    assert "E.164" in str(error)


@pytest.mark.parametrize("value", ["415", "212", "000"])
def test_three_digit_area_codes_are_accepted(value: str) -> None:
    assert CREATE.encode({"area_code": value}) == [("AreaCode", value)]


@pytest.mark.parametrize("value", ["41", "4155", "41a", "+415", " 415"])
def test_other_area_codes_are_refused(value: str) -> None:
    refused(CREATE, {"area_code": value}, "area_code")


@pytest.mark.parametrize("value", ["867", "+1415*", "*******5327", "+18089255327"])
def test_phone_number_filter_accepts_partial_numbers_and_wildcards(value: str) -> None:
    assert FILTERS.encode({"phone_number": value}) == [("PhoneNumber", value)]


@pytest.mark.parametrize("value", ["", "867-5309", "1415%", "+", "+1" + "2" * 16])
def test_phone_number_filter_refuses_other_text(value: str) -> None:
    refused(FILTERS, {"phone_number": value}, "phone_number")


# --- exactly one of phone_number / area_code -------------------------------------------------


def test_create_needs_phone_number_or_area_code_not_neither() -> None:
    error = refused(CREATE, {"friendly_name": "x"}, "phone_number")
    assert "neither" in str(error)
    assert "area_code" in str(error)


def test_create_refuses_both_phone_number_and_area_code() -> None:
    error = refused(CREATE, {"phone_number": E164_NUMBER, "area_code": "415"}, "phone_number")
    assert "both" in str(error)


def test_create_by_area_code_alone() -> None:
    assert CREATE.encode({"area_code": "415", "friendly_name": "x"}) == [
        ("FriendlyName", "x"),
        ("AreaCode", "415"),
    ]


# --- webhook URLs and friendly names ----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com",
        "http://example.com/voice?x=1&y=%2B",
        "HTTPS://EXAMPLE.COM/Path",
        "https://user@example.com:8443/a#frag",
        "https://[::1]:8080/x",
    ],
)
def test_absolute_http_urls_are_accepted(value: str) -> None:
    assert update(voice_url=value) == [("VoiceUrl", value)]


@pytest.mark.parametrize(
    "value",
    [
        "ftp://example.com/x",
        "javascript:alert(1)",
        "/relative/path",
        "example.com/voice",
        "https://",
        "https:///path",
        "https://exa mple.com",
        "https://example.com/a b",
        "//example.com/x",
    ],
)
def test_other_urls_are_refused(value: str) -> None:
    error = refused(UPDATE, {"status_callback": value}, "status_callback")
    assert "http(s)" in str(error)


def test_friendly_name_may_be_64_characters_but_not_65() -> None:
    assert update(friendly_name="é" * 64) == [("FriendlyName", "é" * 64)]
    error = refused(UPDATE, {"friendly_name": "x" * 65}, "friendly_name")
    assert "64" in str(error)


# --- unknown arguments, error types --------------------------------------------------------------


def test_unknown_keyword_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="'voice_urll'") as info:
        update(voice_urll="https://example.com")
    assert "IncomingPhoneNumbers(sid).update()" in str(info.value)
    assert str(info.value).endswith("; did you mean 'voice_url'?")
    assert not isinstance(info.value, TwilioValidationError)


def test_phone_number_is_not_an_update_parameter() -> None:
    with pytest.raises(TypeError, match="'phone_number'"):
        update(phone_number=E164_NUMBER)


def test_validation_errors_are_value_errors_and_twilio_errors() -> None:
    with pytest.raises(ValueError, match="friendly_name") as info:
        update(friendly_name=None)
    assert isinstance(info.value, TwilioValidationError)
    assert isinstance(info.value, TwilioError)
    assert info.value.param == "friendly_name"


# --- markers on a TypedDict of our own: JsonObject, Wire, Range, Required -----------------------


class AddOnCreate(TypedDict, total=False):
    unique_name: Required[str]
    configuration: Annotated[Mapping[str, Any], JsonObject]
    number: Annotated[int, Wire("num"), Range(1, 10)]
    page: Annotated[int, Range(0)]
    accept_terms_of_service: bool


ADDON = schema(AddOnCreate, operation="AddOn.create")


def test_json_object_is_sent_as_compact_json() -> None:
    pairs = ADDON.encode({"unique_name": "u", "configuration": {"bad_words": True, "n": [1, 2]}})
    assert pairs == [("UniqueName", "u"), ("Configuration", '{"bad_words":true,"n":[1,2]}')]
    assert json.loads(pairs[1][1]) == {"bad_words": True, "n": [1, 2]}


def test_json_object_accepts_any_mapping() -> None:
    from types import MappingProxyType

    pairs = ADDON.encode({"unique_name": "u", "configuration": MappingProxyType({"a": "é"})})
    assert json.loads(dict(pairs)["Configuration"]) == {"a": "é"}


@pytest.mark.parametrize("value", ['{"bad_words": true}', ["bad_words"], 1, True])
def test_json_object_refuses_non_mappings(value: object) -> None:
    error = refused(ADDON, {"unique_name": "u", "configuration": value}, "configuration")
    assert "mapping" in str(error)


@pytest.mark.parametrize("value", [{"when": object()}, {"x": math.nan}, {"x": {1, 2}}])
def test_json_object_refuses_non_serialisable_values(value: Mapping[str, Any]) -> None:
    error = refused(ADDON, {"unique_name": "u", "configuration": value}, "configuration")
    assert "JSON" in str(error)


def test_wire_marker_overrides_the_pascal_case_name() -> None:
    assert ADDON.wire_name("number") == "num"
    assert ADDON.encode({"unique_name": "u", "number": 3}) == [("UniqueName", "u"), ("num", "3")]
    assert ADDON.wire_name("accept_terms_of_service") == "AcceptTermsOfService"


@pytest.mark.parametrize("value", [1, 10])
def test_range_accepts_its_bounds(value: int) -> None:
    assert dict(ADDON.encode({"unique_name": "u", "number": value}))["num"] == str(value)


@pytest.mark.parametrize("value", [0, 11, -1])
def test_range_refuses_values_outside(value: int) -> None:
    error = refused(ADDON, {"unique_name": "u", "number": value}, "number")
    assert "1..10" in str(error)


def test_open_range_has_only_a_lower_bound() -> None:
    assert dict(ADDON.encode({"unique_name": "u", "page": 10**9}))["Page"] == str(10**9)
    error = refused(ADDON, {"unique_name": "u", "page": -1}, "page")
    assert ">= 0" in str(error)


@pytest.mark.parametrize("value", [True, 1.0, "3"])
def test_integers_refuse_bools_floats_and_text(value: object) -> None:
    refused(ADDON, {"unique_name": "u", "number": value}, "number")


def test_required_marker_is_enforced() -> None:
    assert ADDON.fields["unique_name"].required is True
    error = refused(ADDON, {"page": 1}, "unique_name")
    assert "requires" in str(error)


def test_schema_refuses_one_of_with_an_unknown_name() -> None:
    with pytest.raises(TypeError, match="'nope'"):
        schema(AddOnCreate, operation="AddOn.create", one_of=[("unique_name", "nope")])


def test_schema_refuses_a_type_it_cannot_encode() -> None:
    class Odd(TypedDict, total=False):
        ratio: float

    with pytest.raises(TypeError, match="'ratio'"):
        schema(Odd, operation="Odd.create")


@pytest.mark.parametrize(
    ("compiled", "name", "value"),
    [
        (CREATE, "phone_number", E164_NUMBER + "\n"),
        (CREATE, "area_code", "415\n"),
        (FILTERS, "phone_number", "867\n"),
        (UPDATE, "voice_url", "https://example.com/voice\n"),
        (UPDATE, "status_callback", "https://example.com\n"),
    ],
)
def test_a_trailing_newline_does_not_pass_validation(
    compiled: ParamSchema, name: str, value: str
) -> None:
    # "$" in a pattern also matches before a final "\n": the value would go out with it.
    refused(compiled, {name: value}, name)


# --- text UTF-8 cannot carry -----------------------------------------------------------------

LONE_SURROGATE = "a\ud800b"


@pytest.mark.parametrize(
    ("compiled", "values", "name"),
    [
        (CREATE, {"phone_number": E164_NUMBER, "friendly_name": LONE_SURROGATE}, "friendly_name"),
        (UPDATE, {"friendly_name": "\udfff"}, "friendly_name"),
        (FILTERS, {"friendly_name": LONE_SURROGATE}, "friendly_name"),
        (ADDON, {"unique_name": LONE_SURROGATE}, "unique_name"),
        (ADDON, {"unique_name": "u", "configuration": {"k": LONE_SURROGATE}}, "configuration"),
        (ADDON, {"unique_name": "u", "configuration": {"\ud800": 1}}, "configuration"),
    ],
)
def test_a_lone_surrogate_is_a_validation_error_naming_the_parameter(
    compiled: ParamSchema, values: Mapping[str, Any], name: str
) -> None:
    error = refused(compiled, values, name)
    assert "lone surrogate" in str(error)
    assert str(error).isprintable()


def test_text_beyond_ascii_and_the_basic_plane_is_sent_as_given() -> None:
    pairs = dict(ADDON.encode({"unique_name": "Zoë 📞", "configuration": {"emoji": "📞"}}))
    assert pairs["UniqueName"] == "Zoë 📞"
    assert json.loads(pairs["Configuration"]) == {"emoji": "📞"}
    pairs["Configuration"].encode("utf-8")  # no surrogate pair escapes left to break it
