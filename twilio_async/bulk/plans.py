"""Plans: what a bulk job does, as frozen values checked when they are built.

:class:`BuyNumbers`, :class:`UpdateNumbers` and :class:`ReleaseNumbers` describe a job
completely; building one validates everything a request would (settings through the same
compiled schemas the resources use), so bad input is a
:class:`~twilio_async.errors.TwilioValidationError` before any request. A plan's
:meth:`~BuyNumbers.canonical` form is what the journal stores and compares: the same plan
always gives the same text, and a journal refuses to run another one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal, Union, get_args

import attrs

from ..errors import TwilioValidationError
from ..models import FrozenDict, IncomingPhoneNumber
from ..params import ParamSchema, schema
from ..resources.available_phone_numbers import (
    AvailablePhoneNumberFilters,
    check_search_filters,  # the rules between search filters: one copy, the resource's
    normalize_country_code,
)
from ..resources.incoming_phone_numbers import (
    IncomingPhoneNumberFilters,
    IncomingPhoneNumberUpdate,
    NumberConfiguration,
)
from ..sids import validate_sid
from .progress import ItemResult

__all__ = [
    "AreaCodeOrder",
    "BuyNumbers",
    "Capability",
    "NumberFilter",
    "NumberType",
    "Plan",
    "ReleaseNumbers",
    "Target",
    "UpdateNumbers",
]

NumberType = Literal[
    "local", "toll_free", "mobile", "national", "voip", "shared_cost", "machine_to_machine"
]
"""The AvailablePhoneNumbers search a purchase draws from (``.local``, ``.toll_free``, …)."""
Capability = Literal["voice", "sms", "mms", "fax"]
AreaCodeOrder = Literal["in_turn", "round_robin"]

NUMBER_TYPES: tuple[str, ...] = get_args(NumberType)
CAPABILITIES: tuple[str, ...] = get_args(Capability)

_CREATE_SETTINGS = schema(NumberConfiguration, operation="BuyNumbers settings")
_UPDATE_SETTINGS = schema(IncomingPhoneNumberUpdate, operation="UpdateNumbers settings")
_INVENTORY_FILTERS = schema(IncomingPhoneNumberFilters, operation="NumberFilter")
_SEARCH_FILTERS = schema(AvailablePhoneNumberFilters, operation="BuyNumbers search")
_AREA_CODE = re.compile(r"[0-9]{3}")
_OWN_ARGUMENTS = {"area_code": "area_codes", "contains": "contains"}


def _invalid(param: str, message: str) -> TwilioValidationError:
    return TwilioValidationError(f"{param}: {message}", param=param)


def _renamed(param: str, error: Exception) -> TwilioValidationError:
    """A check's error (its text names the value already), reported for the plan's ``param``."""
    return TwilioValidationError(str(error), param=param)


def _checked(values: Mapping[str, Any] | None, compiled: ParamSchema, param: str) -> FrozenDict:
    """Validate settings exactly as the request would, and keep a read-only copy."""
    if values is None:
        return FrozenDict()
    if not isinstance(values, Mapping):
        raise _invalid(param, f"must be a mapping of settings, got {type(values).__name__}")
    try:
        compiled.encode(values)
    except (TypeError, TwilioValidationError) as exc:  # the schema names the setting
        raise _renamed(param, exc) from None
    return FrozenDict(values)


def _wire(values: Mapping[str, Any], compiled: ParamSchema) -> dict[str, str]:
    """Settings as their wire text: one canonical spelling (enums, booleans) per value."""
    return dict(compiled.encode(values))


def _positive(value: Any, param: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _invalid(param, f"must be an integer >= 1, got {value!r}")
    return value


def _one_of(value: Any, choices: Sequence[str], param: str) -> str:
    if value not in choices:
        raise _invalid(param, f"must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return str(value)


TargetLike = Union[str, IncomingPhoneNumber, ItemResult, "Target"]
"""What a number to update or release may be given as."""


@attrs.frozen
class Target:
    """One number to update or release: its SID, and what the job knows of it.

    Built from a SID (``Target("PN…")``), a model or an item of an earlier job's summary
    (:meth:`of`). A model says which
    account the number is on and what its settings are now, which saves a GET: an update
    already applied is skipped without one, and a release answered 404 counts as done.
    """

    sid: str
    account_sid: str | None = None  # None: the client's account
    phone_number: str | None = None
    current: IncomingPhoneNumber | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        validate_sid(self.sid, "PN", param="targets")
        if self.account_sid is not None:
            validate_sid(self.account_sid, "AC", param="targets")

    @classmethod
    def of(cls, value: TargetLike) -> Target:
        """A ``Target`` from a SID, a model, an ``ItemResult`` or a ``Target``."""
        if isinstance(value, Target):
            return value
        if isinstance(value, IncomingPhoneNumber):
            return cls(value.sid, value.account_sid, value.phone_number, value)
        if isinstance(value, ItemResult) and value.sid is not None:
            return cls(value.sid, None, value.phone_number)  # e.g. a number a job bought
        if isinstance(value, str):
            return cls(value)
        raise _invalid(
            "targets",
            "expected a PN… SID, an IncomingPhoneNumber or a job's ItemResult, "
            f"got {type(value).__name__}",
        )


@attrs.frozen
class NumberFilter:
    """Numbers of the inventory selected by IncomingPhoneNumbers' list filters, streamed.

    ``NumberFilter(friendly_name="store 12")``, ``NumberFilter(phone_number="+1415*")``;
    ``NumberFilter(everything=True)`` selects every number (it must be asked for by name).
    ``account_sid`` selects a subaccount's numbers.
    """

    friendly_name: str | None = None
    phone_number: str | None = None
    beta: bool | None = None
    origin: Literal["twilio", "hosted"] | None = None
    account_sid: str | None = None
    everything: bool = False

    def __attrs_post_init__(self) -> None:
        filters = self.filters()
        if not filters and not self.everything:
            raise _invalid("targets", "a NumberFilter needs a criterion, or everything=True")
        _INVENTORY_FILTERS.encode(filters)
        if self.account_sid is not None:
            validate_sid(self.account_sid, "AC", param="account_sid")

    def filters(self) -> dict[str, Any]:
        """The list filters, as ``incoming_phone_numbers.stream(**filters)`` takes them."""
        names = ("friendly_name", "phone_number", "beta", "origin")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def canonical(self) -> dict[str, Any]:
        """The filter as the journal stores and compares it (wire names and values)."""
        return {"filter": _wire(self.filters(), _INVENTORY_FILTERS), "account": self.account_sid}


Targets = Union[tuple[Target, ...], NumberFilter]  # noqa: UP007 - attrs evaluates it on 3.10


def _targets(value: Iterable[TargetLike] | NumberFilter) -> Targets:
    if isinstance(value, NumberFilter):
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise _invalid("targets", "must be a NumberFilter or an iterable of SIDs or numbers")
    unique: dict[str, Target] = {}  # the same number twice is one item
    for raw in value:
        target = Target.of(raw)
        unique.setdefault(target.sid, target)
    if not unique:
        raise _invalid("targets", "no numbers given")
    return tuple(unique.values())


def _targets_canonical(targets: Targets) -> Any:
    if isinstance(targets, NumberFilter):
        return targets.canonical()
    return [[t.sid, t.account_sid] for t in targets]


def _country(value: str) -> str:
    try:
        return normalize_country_code(value)
    except TwilioValidationError as exc:
        raise _renamed("country", exc) from None


def _capabilities(value: Iterable[Capability]) -> frozenset[Capability]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _invalid("capabilities", f"must be a set such as {{'sms', 'voice'}}, got {value!r}")
    for capability in value:
        _one_of(capability, CAPABILITIES, "capabilities")
    return frozenset(value)


def _search(value: Mapping[str, Any]) -> FrozenDict:
    if not isinstance(value, Mapping):
        raise _invalid("search", "must map AvailablePhoneNumbers filter names to values")
    for key in value:
        if key in _OWN_ARGUMENTS or key in (f"{c}_enabled" for c in CAPABILITIES):
            own = _OWN_ARGUMENTS.get(key, "capabilities")
            raise _invalid("search", f"give {key!r} through the {own} argument")
    return FrozenDict(value)


def _count(value: int) -> int:
    return _positive(value, "count")


def _area_codes(value: Iterable[str | int] | str | int | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, int)):
        value = (value,)
    codes = tuple(str(code) if isinstance(code, int) else code for code in value)
    if not codes:
        raise _invalid("area_codes", "is empty: give at least one area code, or None for any")
    for code in codes:
        if not isinstance(code, str) or not _AREA_CODE.fullmatch(code):
            raise _invalid("area_codes", f"each must be three digits such as '415', got {code!r}")
    if len(set(codes)) != len(codes):
        raise _invalid("area_codes", f"lists an area code twice: {list(codes)}")
    return codes


def _create_settings(value: Mapping[str, Any] | None) -> FrozenDict:
    return _checked(value, _CREATE_SETTINGS, "settings")


def _update_settings(value: Mapping[str, Any] | None) -> FrozenDict:
    return _checked(value, _UPDATE_SETTINGS, "settings")


def _per_slot(value: Iterable[Mapping[str, Any]] | None) -> tuple[FrozenDict, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise _invalid("per_number", "must be a sequence of settings mappings, one per number")
    return tuple(_checked(v, _CREATE_SETTINGS, "per_number") for v in value)


@attrs.frozen
class BuyNumbers:
    """Buy exactly ``count`` numbers matching the criteria, each with its settings.

    Criteria are AvailablePhoneNumbers search filters: ``country`` (ISO 3166 alpha-2),
    ``number_type``, ``area_codes`` (several are drawn ``"in_turn"``, each until it has
    no more numbers, or ``"round_robin"``, spreading the purchases), ``contains``,
    ``capabilities`` (e.g. ``{"sms", "voice"}``) and ``search``, any other filter by its
    keyword name (``{"in_region": "CA"}``). ``settings`` apply to every number;
    ``per_number`` (one mapping per number, ``count`` of them) adds or overrides settings
    number by number (``friendly_name`` for instance).
    """

    count: int = attrs.field(converter=_count)
    country: str = attrs.field(default="US", converter=_country)
    number_type: NumberType = "local"
    area_codes: tuple[str, ...] | None = attrs.field(default=None, converter=_area_codes)
    area_code_order: AreaCodeOrder = "in_turn"
    contains: str | None = None
    capabilities: frozenset[Capability] = attrs.field(default=frozenset(), converter=_capabilities)
    search: FrozenDict = attrs.field(factory=FrozenDict, converter=_search)
    settings: FrozenDict = attrs.field(factory=FrozenDict, converter=_create_settings)
    per_number: tuple[FrozenDict, ...] | None = attrs.field(default=None, converter=_per_slot)

    kind: ClassVar[str] = "buy"

    def __attrs_post_init__(self) -> None:
        _one_of(self.number_type, NUMBER_TYPES, "number_type")
        _one_of(self.area_code_order, get_args(AreaCodeOrder), "area_code_order")
        if self.per_number is not None and len(self.per_number) != self.count:
            raise _invalid(
                "per_number",
                f"needs one settings mapping per number: {self.count}, got {len(self.per_number)}",
            )
        for pool in range(len(self.pools)):  # every search checked as it will be sent
            filters = self.search_filters(pool)
            try:
                _SEARCH_FILTERS.encode(check_search_filters(filters))
            except TypeError as exc:
                raise _renamed("search", exc) from None
            except TwilioValidationError as exc:
                param = exc.param or "search"
                raise _renamed(_OWN_ARGUMENTS.get(param, param), exc) from None

    @property
    def pools(self) -> tuple[str | None, ...]:
        """The searches candidates come from: one per area code (or one without)."""
        return self.area_codes if self.area_codes is not None else (None,)

    def search_filters(self, pool: int) -> dict[str, Any]:
        """Keyword arguments of the AvailablePhoneNumbers search for candidate pool ``pool``."""
        filters: dict[str, Any] = dict(self.search)
        area_code = self.pools[pool]
        if area_code is not None:
            filters["area_code"] = int(area_code)
        if self.contains is not None:
            filters["contains"] = self.contains
        for capability in sorted(self.capabilities):
            filters[f"{capability}_enabled"] = True
        return filters

    def pool_order(self, slot: int) -> tuple[int, ...]:
        """The pools item ``slot`` tries, first choice first."""
        count = len(self.pools)
        first = slot % count if self.area_code_order == "round_robin" else 0
        return tuple((first + step) % count for step in range(count))

    def settings_for(self, slot: int) -> Mapping[str, Any]:
        """The settings of purchase ``slot``: ``settings``, then its ``per_number`` entry."""
        if self.per_number is None:
            return self.settings
        return {**self.settings, **self.per_number[slot]}

    def canonical(self) -> dict[str, Any]:
        """The plan as the journal stores and compares it: a journal of another plan is refused."""
        return {
            "kind": self.kind,
            "count": self.count,
            "country": self.country,
            "number_type": self.number_type,
            "area_codes": None if self.area_codes is None else list(self.area_codes),
            "area_code_order": self.area_code_order,
            "contains": self.contains,
            "capabilities": sorted(self.capabilities),
            "search": {key: _plain(value) for key, value in sorted(self.search.items())},
            "settings": _wire(self.settings, _CREATE_SETTINGS),
            "per_number": None
            if self.per_number is None
            else [_wire(p, _CREATE_SETTINGS) for p in self.per_number],
        }


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _per_sid(value: Mapping[str, Mapping[str, Any]] | None) -> FrozenDict:
    if value is None:
        return FrozenDict()
    if not isinstance(value, Mapping):
        raise _invalid("per_number", "must map PN… SIDs to settings mappings")
    checked = {}
    for sid, settings in value.items():
        validate_sid(sid, "PN", param="per_number")
        checked[sid] = _checked(settings, _UPDATE_SETTINGS, "per_number")
    return FrozenDict(checked)


@attrs.frozen
class UpdateNumbers:
    """Apply settings to many numbers: ``targets`` are SIDs, models or a
    :class:`NumberFilter`; ``settings`` apply to all of them, ``per_number`` (SID ->
    settings) adds or overrides settings for some. A number whose settings already match
    gets no request (it is skipped as already applied)."""

    targets: Targets = attrs.field(converter=_targets)
    settings: FrozenDict = attrs.field(factory=FrozenDict, converter=_update_settings)
    per_number: FrozenDict = attrs.field(factory=FrozenDict, converter=_per_sid)

    kind: ClassVar[str] = "update"

    def __attrs_post_init__(self) -> None:
        if not self.settings and not self.per_number:
            raise _invalid("settings", "nothing to change: give settings or per_number")
        if isinstance(self.targets, NumberFilter):
            if not self.settings:
                raise _invalid("settings", "numbers selected by a NumberFilter need settings")
        else:
            bare = [t.sid for t in self.targets if not self.settings_for(t.sid)]
            if bare:
                raise _invalid("per_number", f"no settings for {bare[0]}")

    def settings_for(self, sid: str) -> Mapping[str, Any]:
        """The settings for number ``sid``: ``settings``, then its ``per_number`` entry."""
        own = self.per_number.get(sid)
        return self.settings if own is None else {**self.settings, **own}

    def canonical(self) -> dict[str, Any]:
        """The plan as the journal stores and compares it: a journal of another plan is refused."""
        return {
            "kind": self.kind,
            "targets": _targets_canonical(self.targets),
            "settings": _wire(self.settings, _UPDATE_SETTINGS),
            "per_number": {
                sid: _wire(s, _UPDATE_SETTINGS) for sid, s in sorted(self.per_number.items())
            },
        }


@attrs.frozen
class ReleaseNumbers:
    """Release (delete) many numbers: ``targets`` are SIDs, models or a :class:`NumberFilter`."""

    targets: Targets = attrs.field(converter=_targets)

    kind: ClassVar[str] = "release"

    def canonical(self) -> dict[str, Any]:
        """The plan as the journal stores and compares it: a journal of another plan is refused."""
        return {"kind": self.kind, "targets": _targets_canonical(self.targets)}


Plan = Union[BuyNumbers, UpdateNumbers, ReleaseNumbers]  # noqa: UP007
"""Any plan a :class:`~twilio_async.bulk.BulkJob` runs."""
