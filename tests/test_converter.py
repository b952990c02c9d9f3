"""The cattrs converter and its generated model structuring (twilio_async.converter)."""

from __future__ import annotations

import json
import pickle
import tracemalloc
import types
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twilio_async.converter import (
    record_structurer,
    records_structurer,
    reference_structurer,
    structure,
    structure_many,
    unstructure,
)
from twilio_async.models import (
    AddressRequirement,
    EmergencyAddressStatus,
    EmergencyStatus,
    HttpMethod,
    IncomingPhoneNumber,
    PhoneNumberCapabilities,
    VoiceReceiveMode,
)
from twilio_async.models.common import FrozenDict, freeze

UTC = timezone.utc
PN = "PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

# The "Provision a Phone Number" example output of the IncomingPhoneNumber create docs
# (/work/shared/seeds/003_99cd4eb0e2127036.txt), verbatim.
SEED_CREATE_JSON = """
{
  "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "address_requirements": "none",
  "address_sid": "ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "api_version": "2010-04-01",
  "beta": false,
  "capabilities": {
    "voice": true,
    "sms": false,
    "mms": true,
    "fax": false
  },
  "date_created": "Thu, 30 Jul 2015 23:19:04 +0000",
  "date_updated": "Thu, 30 Jul 2015 23:19:04 +0000",
  "emergency_status": "Active",
  "emergency_address_sid": "ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "emergency_address_status": "registered",
  "friendly_name": "friendly_name",
  "identity_sid": "RIaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "origin": "origin",
  "phone_number": "+14155552344",
  "sid": "PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "sms_application_sid": "APaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "sms_fallback_method": "GET",
  "sms_fallback_url": "https://example.com",
  "sms_method": "GET",
  "sms_url": "https://example.com",
  "status_callback": "https://example.com",
  "status_callback_method": "GET",
  "trunk_sid": null,
  "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers/PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
  "voice_application_sid": "APaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "voice_caller_id_lookup": false,
  "voice_fallback_method": "GET",
  "voice_fallback_url": "https://example.com",
  "voice_method": "GET",
  "voice_url": "https://example.com",
  "bundle_sid": "BUaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "voice_receive_mode": "voice",
  "status": "in-use",
  "subresource_uris": {
    "assigned_add_ons": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers/PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AssignedAddOns.json"
  }
}
"""  # noqa: E501

# The record of the "List all IncomingPhoneNumber resources" example: "" and null mixed in.
SEED_LIST_RECORD_JSON = """
{
  "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "address_requirements": "none",
  "address_sid": "ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "api_version": "2010-04-01",
  "beta": null,
  "capabilities": {"voice": true, "sms": false, "mms": true, "fax": false},
  "date_created": "Thu, 30 Jul 2015 23:19:04 +0000",
  "date_updated": "Thu, 30 Jul 2015 23:19:04 +0000",
  "emergency_status": "Active",
  "emergency_address_sid": "ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "emergency_address_status": "registered",
  "friendly_name": "(808) 925-5327",
  "identity_sid": "RIaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "origin": "origin",
  "phone_number": "+18089255327",
  "sid": "PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "sms_application_sid": "",
  "sms_fallback_method": "POST",
  "sms_fallback_url": "",
  "sms_method": "POST",
  "sms_url": "",
  "status_callback": "",
  "status_callback_method": "POST",
  "trunk_sid": null,
  "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers/PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
  "voice_application_sid": "",
  "voice_caller_id_lookup": false,
  "voice_fallback_method": "POST",
  "voice_fallback_url": null,
  "voice_method": "POST",
  "voice_url": null,
  "bundle_sid": "BUaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "voice_receive_mode": "voice",
  "status": "in-use",
  "subresource_uris": {
    "assigned_add_ons": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers/PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AssignedAddOns.json"
  }
}
"""  # noqa: E501

FIELD_NAMES = [f.name for f in attrs.fields(IncomingPhoneNumber)]


def seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_CREATE_JSON)
    return data


def list_record() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_LIST_RECORD_JSON)
    return data


def without_mappings(data: dict[str, Any]) -> dict[str, Any]:
    """The record minus ``subresource_uris`` (a read-only mapping: unhashable, unpicklable)."""
    return {k: v for k, v in data.items() if k != "subresource_uris"}


# --- the seed example, field by field --------------------------------------------------------


def test_seed_example_covers_every_model_field() -> None:
    assert set(seed()) == set(FIELD_NAMES) - {"type"}  # "type" is in the spec, not the example


def test_seed_example_structures_every_field_typed() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    assert type(number) is IncomingPhoneNumber
    assert number.sid == PN
    assert number.account_sid == "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert number.phone_number == "+14155552344"
    assert number.friendly_name == "friendly_name"
    assert number.api_version == "2010-04-01"
    assert number.status == "in-use"
    assert number.origin == "origin"
    assert number.type is None
    assert number.beta is False
    assert number.voice_caller_id_lookup is False
    assert number.trunk_sid is None
    assert number.address_sid == "ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert number.identity_sid == "RIaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert number.bundle_sid == "BUaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert number.emergency_address_sid == "ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert number.voice_application_sid == "APaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert number.sms_application_sid == "APaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    for url in ("voice_url", "voice_fallback_url", "sms_url", "sms_fallback_url"):
        assert getattr(number, url) == "https://example.com"
    assert number.status_callback == "https://example.com"
    assert number.uri == seed()["uri"]


def test_seed_dates_are_aware_datetimes() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    expected = datetime(2015, 7, 30, 23, 19, 4, tzinfo=UTC)
    for value in (number.date_created, number.date_updated):
        assert isinstance(value, datetime)
        assert value.tzinfo is not None
        assert value == expected


def test_seed_enums_are_their_open_enum_members() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    assert number.address_requirements is AddressRequirement.NONE
    assert number.emergency_status is EmergencyStatus.ACTIVE
    assert number.emergency_address_status is EmergencyAddressStatus.REGISTERED
    assert number.voice_receive_mode is VoiceReceiveMode.VOICE
    for method in (
        "voice_method",
        "voice_fallback_method",
        "sms_method",
        "sms_fallback_method",
        "status_callback_method",
    ):
        assert getattr(number, method) is HttpMethod.GET


def test_seed_capabilities_are_a_typed_model() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    assert type(number.capabilities) is PhoneNumberCapabilities
    assert number.capabilities == PhoneNumberCapabilities(
        voice=True, sms=False, mms=True, fax=False
    )


def test_subresource_uris_is_a_read_only_mapping() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    uris = number.subresource_uris
    assert isinstance(uris, Mapping)
    assert dict(uris) == seed()["subresource_uris"]
    with pytest.raises(TypeError):
        uris["assigned_add_ons"] = "/elsewhere"  # type: ignore[index]


# --- unset values, unknown fields, unknown enum values -----------------------------------------


def test_empty_string_and_null_both_read_as_none() -> None:
    number = structure(list_record(), IncomingPhoneNumber)
    for blank in ("sms_application_sid", "sms_fallback_url", "sms_url", "status_callback"):
        assert getattr(number, blank) is None, blank  # "" on the wire
    for null in ("beta", "trunk_sid", "voice_fallback_url", "voice_url"):
        assert getattr(number, null) is None, null  # null on the wire
    assert number.voice_application_sid is None


@pytest.mark.parametrize("blank", ["", None])
@pytest.mark.parametrize(
    "field",
    [
        "friendly_name",
        "date_created",
        "beta",
        "capabilities",
        "address_requirements",
        "voice_method",
        "subresource_uris",
    ],
)
def test_blank_values_of_every_field_kind_read_as_none(field: str, blank: str | None) -> None:
    data = seed()
    data[field] = blank
    assert getattr(structure(data, IncomingPhoneNumber), field) is None
    assert getattr(record_structurer(IncomingPhoneNumber)(data), field) is None


def test_unknown_fields_are_ignored() -> None:
    data = seed()
    data["brand_new_field"] = {"anything": [1, 2]}
    data["another"] = "x"
    number = structure(data, IncomingPhoneNumber)
    assert number == structure(seed(), IncomingPhoneNumber)
    assert not hasattr(number, "brand_new_field")


def test_unknown_enum_values_are_kept() -> None:
    data = seed()
    data["address_requirements"] = "planetary"
    data["voice_method"] = "PATCH"
    data["emergency_address_status"] = "pending-review"
    number = structure(data, IncomingPhoneNumber)
    requirement = number.address_requirements
    assert isinstance(requirement, AddressRequirement)
    assert requirement is not None
    assert requirement.is_known is False
    assert requirement.value == "planetary"
    assert requirement == "planetary"
    assert str(requirement) == "planetary"
    assert "(unknown)" in repr(requirement)
    assert number.voice_method == "PATCH"
    assert isinstance(number.voice_method, HttpMethod)
    assert number.emergency_address_status == "pending-review"
    # An unknown value is not registered on the enum class.
    assert "planetary" not in AddressRequirement.__members__
    assert [m.value for m in AddressRequirement] == ["none", "any", "local", "foreign"]


def test_known_enum_members_report_known() -> None:
    assert AddressRequirement.LOCAL.is_known is True
    assert AddressRequirement("local") is AddressRequirement.LOCAL
    assert "(unknown)" not in repr(AddressRequirement.LOCAL)


def test_open_enum_refuses_non_string_values() -> None:
    with pytest.raises(ValueError, match="5"):
        HttpMethod(5)
    data = seed()
    data["voice_method"] = 5
    with pytest.raises(ValueError, match=r"IncomingPhoneNumber.*5"):
        structure(data, IncomingPhoneNumber)


# --- the tolerant path (keys missing) -----------------------------------------------------------


def test_missing_optional_keys_equal_present_with_null() -> None:
    sparse = structure({"sid": PN}, IncomingPhoneNumber)
    all_null = structure(dict.fromkeys(FIELD_NAMES) | {"sid": PN}, IncomingPhoneNumber)
    assert sparse == all_null
    assert sparse == IncomingPhoneNumber(sid=PN)


@pytest.mark.parametrize("missing", ["date_created", "capabilities", "voice_method", "uri"])
def test_one_missing_key_gives_none_and_keeps_the_rest(missing: str) -> None:
    full = seed()
    data = {k: v for k, v in full.items() if k != missing}
    number = structure(data, IncomingPhoneNumber)
    assert getattr(number, missing) is None
    assert number == attrs.evolve(structure(full, IncomingPhoneNumber), **{missing: None})


def test_missing_keys_in_nested_capabilities_read_as_none() -> None:
    data = seed()
    data["capabilities"] = {"voice": True}
    assert structure(data, IncomingPhoneNumber).capabilities == PhoneNumberCapabilities(voice=True)


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"friendly_name": "x"},
        {"sid": None},
        {"sid": ""},
        {**json.loads(SEED_CREATE_JSON), "sid": ""},
    ],
    ids=["empty", "no-sid", "null-sid", "blank-sid", "blank-sid-full-record"],
)
def test_missing_sid_raises_value_error_naming_the_field(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="'sid'"):
        structure(data, IncomingPhoneNumber)
    with pytest.raises(ValueError, match="'sid'"):
        record_structurer(IncomingPhoneNumber)(data)


@pytest.mark.parametrize("data", [[seed()], "PN...", 42, None, b"{}"])
def test_non_object_input_raises_value_error(data: object) -> None:
    with pytest.raises(ValueError, match="IncomingPhoneNumber"):
        structure(data, IncomingPhoneNumber)


def test_non_dict_mapping_input_is_accepted() -> None:
    proxy = types.MappingProxyType(seed())
    assert structure(proxy, IncomingPhoneNumber) == structure(seed(), IncomingPhoneNumber)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_created", "last tuesday"),
        ("date_created", 1438298344),
        ("beta", "maybe"),
        ("beta", [True]),
        ("capabilities", "voice"),
        ("subresource_uris", ["a"]),
        ("friendly_name", {"a": 1}),
        ("friendly_name", True),
    ],
)
def test_malformed_values_raise_value_error(field: str, value: object) -> None:
    data = seed()
    data[field] = value
    with pytest.raises(ValueError, match="IncomingPhoneNumber"):
        structure(data, IncomingPhoneNumber)


def test_unquoted_numbers_for_string_fields_become_text() -> None:
    data = seed()
    data["api_version"] = 2010
    assert structure(data, IncomingPhoneNumber).api_version == "2010"


# --- booleans ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("True", True),
        ("FALSE", False),
        (1, True),
        (0, False),
    ],
)
def test_booleans_from_json_and_xml_forms(wire: object, expected: bool) -> None:
    data = seed()
    data["beta"] = wire
    data["capabilities"] = {"voice": wire, "sms": wire}
    number = structure(data, IncomingPhoneNumber)
    assert number.beta is expected
    assert number.capabilities is not None
    assert number.capabilities.voice is expected
    assert number.capabilities.sms is expected


# --- the frozen model and the fast constructor --------------------------------------------------


def test_models_are_frozen() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        number.friendly_name = "changed"  # type: ignore[misc]
    assert number.capabilities is not None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        number.capabilities.voice = False  # type: ignore[misc]
    assert not hasattr(number, "__dict__")


def test_a_built_model_is_a_genuine_instance_of_its_class() -> None:
    for make in (structure_one, record_structurer(IncomingPhoneNumber)):
        number = make(seed())
        assert type(number) is IncomingPhoneNumber
        assert isinstance(number, IncomingPhoneNumber)
        assert attrs.fields_dict(type(number)).keys() == set(FIELD_NAMES)
        assert [getattr(number, name) for name in FIELD_NAMES] == [
            getattr(structure(seed(), IncomingPhoneNumber), name) for name in FIELD_NAMES
        ]


def structure_one(data: dict[str, Any]) -> IncomingPhoneNumber:
    (number,) = records_structurer(IncomingPhoneNumber)([data])
    return number


def _normally_constructed(data: dict[str, Any]) -> IncomingPhoneNumber:
    """The same record built through the class's own ``__init__``."""
    fast = structure(data, IncomingPhoneNumber)
    return IncomingPhoneNumber(**{name: getattr(fast, name) for name in FIELD_NAMES})


def test_fast_built_instance_equals_a_normally_constructed_one() -> None:
    fast = structure(seed(), IncomingPhoneNumber)
    normal = _normally_constructed(seed())
    assert type(fast) is IncomingPhoneNumber
    assert fast == normal
    assert repr(fast) == repr(normal)
    assert attrs.asdict(fast, recurse=False) == attrs.asdict(normal, recurse=False)


def test_fast_built_instance_hashes_like_a_normal_one() -> None:
    hashable = without_mappings(seed())
    assert hash(structure(hashable, IncomingPhoneNumber)) == hash(_normally_constructed(hashable))
    # Object-valued fields are read-only and hash by content, so whole models hash too.
    assert hash(structure(seed(), IncomingPhoneNumber)) == hash(
        structure(seed(), IncomingPhoneNumber)
    )
    assert len({structure(seed(), IncomingPhoneNumber) for _ in range(3)}) == 1


def test_attrs_evolve_works_on_a_fast_built_instance() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    changed = attrs.evolve(number, friendly_name="renamed")
    assert type(changed) is IncomingPhoneNumber
    assert changed.friendly_name == "renamed"
    assert number.friendly_name == "friendly_name"
    assert attrs.evolve(changed, friendly_name="friendly_name") == number


def test_pickle_round_trip_of_a_fast_built_instance() -> None:
    number = structure(without_mappings(seed()), IncomingPhoneNumber)
    restored = pickle.loads(pickle.dumps(number))
    assert type(restored) is IncomingPhoneNumber
    assert restored == number
    assert restored.capabilities == number.capabilities
    assert restored.address_requirements is AddressRequirement.NONE


def test_pickle_round_trip_with_a_mapping_field() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    restored = pickle.loads(pickle.dumps(number))
    assert restored == number
    assert type(restored.subresource_uris) is FrozenDict


def test_mapping_fields_do_not_share_the_decoded_dict() -> None:
    data = seed()
    number = structure(data, IncomingPhoneNumber)
    data["subresource_uris"]["assigned_add_ons"] = "/changed"
    assert number.subresource_uris is not None
    assert number.subresource_uris["assigned_add_ons"].endswith("/AssignedAddOns.json")


def test_nested_objects_are_frozen_deeply_and_thaw_on_unstructure() -> None:
    value = freeze({"a": {"b": [1, {"c": 2}]}})
    assert value == {"a": {"b": (1, {"c": 2})}}
    with pytest.raises(TypeError):
        value["a"]["x"] = 1
    with pytest.raises(TypeError):
        value["a"]["b"][1]["c"] = 3
    assert json.loads(json.dumps(value)) == {"a": {"b": [1, {"c": 2}]}}
    plain = unstructure(structure(seed(), IncomingPhoneNumber))["subresource_uris"]
    assert type(plain) is dict


# --- structure() and record_structurer() agree ----------------------------------------------


@pytest.mark.parametrize(
    "data",
    [seed(), list_record(), {"sid": PN}, {"sid": PN, "capabilities": {"fax": "1"}}],
    ids=["create-example", "list-example", "sid-only", "partial-capabilities"],
)
def test_structure_and_record_structurer_agree(data: dict[str, Any]) -> None:
    via_converter = structure(data, IncomingPhoneNumber)
    via_fast = record_structurer(IncomingPhoneNumber)(data)
    assert via_fast == via_converter
    assert type(via_fast) is IncomingPhoneNumber
    assert structure_many([data, data], IncomingPhoneNumber) == [via_converter, via_converter]


def test_structure_does_not_mutate_its_input() -> None:
    data = seed()
    structure(data, IncomingPhoneNumber)
    assert data == seed()


# --- unstructure --------------------------------------------------------------------------------


def test_unstructure_gives_iso_dates_enum_values_and_plain_data() -> None:
    data = seed()
    data["address_requirements"] = "planetary"
    plain = unstructure(structure(data, IncomingPhoneNumber))
    assert plain["date_created"] == "2015-07-30T23:19:04Z"
    assert plain["date_updated"] == "2015-07-30T23:19:04Z"
    assert plain["voice_method"] == "GET"
    assert plain["emergency_status"] == "Active"
    assert plain["address_requirements"] == "planetary"
    assert plain["capabilities"] == {"voice": True, "sms": False, "mms": True, "fax": False}
    assert type(plain["subresource_uris"]) is dict
    assert plain["subresource_uris"] == seed()["subresource_uris"]
    assert plain["trunk_sid"] is None
    json.dumps(plain)  # plain data all the way down


def test_unstructure_then_structure_round_trips() -> None:
    number = structure(seed(), IncomingPhoneNumber)
    assert structure(unstructure(number), IncomingPhoneNumber) == number


# --- property: any mix of absent / "" / null / valid values ---------------------------------------

VALID_VALUES: dict[str, Any] = {
    name: value for name, value in seed().items() if value is not None and name != "sid"
}
VALID_VALUES["type"] = "local"
VALID_VALUES["trunk_sid"] = "TKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
ABSENT = object()


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            name: st.sampled_from([ABSENT, "", None, VALID_VALUES[name]])
            for name in FIELD_NAMES
            if name != "sid"
        }
    )
)
def test_any_mix_of_present_absent_blank_fields_structures(choices: dict[str, Any]) -> None:
    data = {"sid": PN} | {name: value for name, value in choices.items() if value is not ABSENT}
    number = structure(data, IncomingPhoneNumber)
    assert record_structurer(IncomingPhoneNumber)(data) == number
    assert reference_structurer(IncomingPhoneNumber)(data) == number
    full = structure({"sid": PN, **VALID_VALUES}, IncomingPhoneNumber)
    for name, value in choices.items():
        if value is ABSENT or value == "" or value is None:
            assert getattr(number, name) is None, name
        else:
            assert getattr(number, name) == getattr(full, name), name


def test_unstructure_gives_enums_as_plain_strings() -> None:
    data = seed()
    data["address_requirements"] = "planetary"  # an unknown value too
    plain = unstructure(structure(data, IncomingPhoneNumber))
    for name in ("voice_method", "emergency_status", "voice_receive_mode", "address_requirements"):
        assert type(plain[name]) is str, name
    assert unstructure(HttpMethod.POST) == "POST"
    assert type(unstructure(HttpMethod.POST)) is str


def test_a_model_without_a_slot_layout_is_built_by_its_own_constructor() -> None:
    # Generated code only fills a layout twin for slotted classes; any other model class
    # gets its own __init__, called with every field by name.
    loose = attrs.make_class(
        "Loose",
        {
            "sid": attrs.field(type=str),
            "when": attrs.field(type=datetime | None, default=None),
            "flag": attrs.field(type=bool | None, default=None),
        },
        frozen=True,
        slots=False,
    )
    loose.__module__ = "twilio_async.models.loose_for_test"
    Loose: Any = loose
    built = structure({"sid": "X1", "when": "Thu, 30 Jul 2015 23:19:04 +0000", "flag": "1"}, Loose)
    assert type(built) is Loose
    assert built.when == datetime(2015, 7, 30, 23, 19, 4, tzinfo=timezone.utc)
    assert built.flag is True
    assert structure({"sid": "X2"}, Loose) == Loose(sid="X2")


def test_a_field_of_another_type_is_read_by_the_converters_hook_for_it() -> None:
    # No model has one today (an int, a nested model that is not interned): such fields
    # take cattrs' own hook for their type, with "" and null still meaning unset.
    inner = attrs.make_class("Inner", {"code": attrs.field(type=str | None, default=None)})
    inner.__module__ = "twilio_async.models.inner_for_test"
    Inner: Any = inner
    other = attrs.make_class(
        "Other",
        {
            "sid": attrs.field(type=str),
            "count": attrs.field(type=int | None, default=None),
            "inner": attrs.field(type=Inner | None, default=None),
        },
        frozen=True,
        slots=True,
        weakref_slot=False,
    )
    other.__module__ = "twilio_async.models.other_for_test"
    Other: Any = other
    data = {"sid": "X1", "count": "5", "inner": {"code": "a", "extra": 1}}
    expected = Other(sid="X1", count=5, inner=Inner(code="a"))
    assert structure(data, Other) == expected
    assert records_structurer(Other)([data, data]) == [expected, expected]
    assert reference_structurer(Other)(data) == expected
    for blank in ("", None):
        assert structure({"sid": "X2", "count": blank, "inner": blank}, Other) == Other(sid="X2")
    with pytest.raises(ValueError, match="Other"):
        structure({"sid": "X3", "count": "many"}, Other)


def test_records_structurer_builds_a_page_like_record_structurer_record_by_record() -> None:
    # The page loop shares the fast body; records it cannot take go to the reference.
    odd = [
        seed(),
        list_record(),
        {"sid": PN},  # missing keys
        {**seed(), "beta": "true", "voice_caller_id_lookup": "0"},  # booleans as text
        {**seed(), "voice_method": "PATCH", "emergency_status": ""},  # unknown enum, blank
        {**seed(), "date_created": "2016-04-07T23:52:28Z", "date_updated": None},  # ISO date
        {**seed(), "date_created": "Thu, 30 Jul 2015 23:19:04 -0700"},  # another offset
        {**seed(), "capabilities": {"fax": "1"}, "subresource_uris": {"a": {"b": [1]}}},
    ]
    page = records_structurer(IncomingPhoneNumber)(odd)
    one_by_one = [record_structurer(IncomingPhoneNumber)(record) for record in odd]
    assert page == one_by_one
    assert [type(n) for n in page] == [IncomingPhoneNumber] * len(odd)
    assert page[4].voice_method == "PATCH"
    assert page[4].voice_method is not None
    assert not page[4].voice_method.is_known
    assert page[5].date_created == datetime(2016, 4, 7, 23, 52, 28, tzinfo=UTC)
    assert page[6].date_created is not None
    assert page[6].date_created.utcoffset() == timedelta(hours=-7)


def test_records_structurer_raises_on_a_bad_record() -> None:
    with pytest.raises(ValueError, match="date"):
        records_structurer(IncomingPhoneNumber)([seed(), {**seed(), "date_created": "soon"}])


# --- interned value objects -------------------------------------------------------------------


def test_equal_capabilities_are_one_shared_instance() -> None:
    make = records_structurer(IncomingPhoneNumber)
    caps = {"voice": True, "sms": False, "mms": None, "fax": True}
    first, second, other = make(
        [
            {**seed(), "capabilities": dict(caps)},
            {**seed(), "capabilities": dict(caps)},
            {**seed(), "capabilities": {**caps, "sms": True}},
        ]
    )
    assert first.capabilities is second.capabilities
    assert first.capabilities == PhoneNumberCapabilities(voice=True, sms=False, fax=True)
    assert other.capabilities is not first.capabilities
    assert other.capabilities == PhoneNumberCapabilities(voice=True, sms=True, fax=True)
    # The per-record path shares them too.
    assert (
        record_structurer(IncomingPhoneNumber)(seed()).capabilities
        is structure(seed(), IncomingPhoneNumber).capabilities
    )


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ({"voice": "true", "sms": "0", "mms": 1, "fax": ""}, (True, False, True, None)),
        ({"voice": 1, "sms": 0, "mms": True, "fax": False}, (True, False, True, False)),
        ({"voice": True}, (True, None, None, None)),  # missing keys
        (
            {"voice": True, "sms": False, "mms": True, "fax": False, "rcs": True},
            (True, False, True, False),
        ),
    ],
)
def test_interned_capabilities_read_every_wire_spelling_the_same(
    wire: dict[str, Any], expected: tuple[bool | None, ...]
) -> None:
    for _ in range(2):  # once to learn, once from the memo
        (number,) = records_structurer(IncomingPhoneNumber)([{**seed(), "capabilities": wire}])
        caps = number.capabilities
        assert caps is not None
        assert (caps.voice, caps.sms, caps.mms, caps.fax) == expected


def test_ten_thousand_numbers_share_a_few_capability_objects() -> None:
    # Capabilities are four booleans: a stream of an inventory holds one object per
    # distinct value, not one per number.
    combos = [
        {"voice": v, "sms": s, "mms": m, "fax": f}
        for v in (True, False)
        for s in (True, False)
        for m in (True, False, None)
        for f in (True, False)
    ]
    page = [{**seed(), "capabilities": dict(combos[i % len(combos)])} for i in range(10_000)]
    numbers = records_structurer(IncomingPhoneNumber)(page)
    assert {id(number.capabilities) for number in numbers} == {
        id(numbers[i].capabilities) for i in range(len(combos))
    }
    assert len({id(number.capabilities) for number in numbers}) == len(combos)
    for number, wire in zip(numbers, page, strict=True):
        caps = number.capabilities
        assert caps is not None
        assert (caps.voice, caps.sms, caps.mms, caps.fax) == tuple(wire["capabilities"].values())


def test_endless_distinct_capability_spellings_hold_bounded_memory() -> None:
    # Each spelling of "true" with more padding is a new wire value: a server sending
    # endlessly many must not make the converter remember them all.
    make = records_structurer(IncomingPhoneNumber)
    caps = {"sms": True, "mms": True, "fax": True}
    pages = [
        json.dumps([{**seed(), "capabilities": {"voice": " " * i + "true", **caps}}
                    for i in range(start, start + 1000)])
        for start in (0, 1000, 2000)
    ]  # fmt: skip
    expected = PhoneNumberCapabilities(voice=True, sms=True, mms=True, fax=True)
    tracemalloc.start()
    try:
        held = []
        for page in pages:  # decoded as a stream does: the page is gone after its models
            assert all(n.capabilities == expected for n in make(json.loads(page)))
            held.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    # Remembering every spelling would hold about 3 MB more (2,000 keys of ~1.5 kB).
    assert held[2] - held[0] < 500_000, held


# --- pages: records decoded apart, keys in another order or missing, odd first records -------


@pytest.mark.parametrize(
    "first",
    [{"sid": PN}, {"sid": PN, "zzz": 1}, {**seed(), "capabilities": {"fax": "1"}}, list_record()],
    ids=["sid-only", "unknown-key", "odd-capabilities", "list-example"],
)
def test_a_page_reads_every_record_whatever_its_first_record_holds(first: dict[str, Any]) -> None:
    reversed_keys = dict(reversed(list(seed().items())))
    texts = [json.dumps(first), json.dumps(seed()), json.dumps(reversed_keys)]
    page = [json.loads(text) for text in texts]  # decoded apart: no key object shared
    shared = json.loads("[" + ",".join(texts) + "]")  # decoded together: key objects shared
    reference = reference_structurer(IncomingPhoneNumber)
    expected = [reference(json.loads(text)) for text in texts]
    assert records_structurer(IncomingPhoneNumber)(page) == expected
    assert records_structurer(IncomingPhoneNumber)(shared) == expected
    assert records_structurer(IncomingPhoneNumber)(shared[1:]) == expected[1:]


@pytest.mark.parametrize("records", [[["a", "b"]], ["text"], [seed(), 5]])
def test_a_page_with_a_record_that_is_not_an_object_raises_value_error(
    records: list[Any],
) -> None:
    with pytest.raises(ValueError, match="must be an object"):
        records_structurer(IncomingPhoneNumber)(records)


def test_an_empty_page_is_an_empty_list() -> None:
    assert records_structurer(IncomingPhoneNumber)([]) == []
