"""Building blocks shared by every model: open enums and the HTTP-method enum."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar, overload

import attrs
from typing_extensions import dataclass_transform

__all__ = ["INTERNED", "FrozenDict", "HttpMethod", "OpenEnum", "freeze", "model"]

_C = TypeVar("_C", bound=type)


INTERNED = "__twilio_async_interned__"


@overload
def model(cls: _C, /) -> _C: ...


@overload
def model(*, interned: bool = False) -> Callable[[_C], _C]: ...


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(attrs.field,))
def model(cls: _C | None = None, /, *, interned: bool = False) -> _C | Callable[[_C], _C]:
    """Declare a response model: a frozen, slotted, keyword-only attrs class.

    No ``__weakref__`` slot: it keeps instances small, and it keeps the layout simple
    enough for the converter's fast constructor (see ``converter._layout_twin``).

    ``interned=True`` is for small value objects with few possible values (a number's
    capabilities: four booleans): the converter then shares one instance per distinct
    value instead of building one per record, which saves time and memory when streaming
    an inventory. Instances are frozen, so sharing them is safe.
    """

    def declare(cls: _C) -> _C:
        declared = attrs.frozen(cls, kw_only=True, weakref_slot=False)
        setattr(declared, INTERNED, interned)
        return declared

    return declare if cls is None else declare(cls)


class FrozenDict(dict[str, Any]):
    """A read-only ``dict`` for object-valued fields of frozen models.

    Still a ``dict`` (so ``json.dumps`` and ``isinstance(x, dict)`` work), but it refuses
    mutation, hashes by content when its values are hashable, and pickles.
    """

    __slots__ = ()

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        """Refused: a ``FrozenDict`` is read-only (raises ``TypeError``)."""
        raise TypeError(f"{type(self).__name__} is read-only")

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse
    clear = _refuse
    pop = _refuse
    popitem = _refuse
    setdefault = _refuse
    update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"


def freeze(value: Any) -> Any:
    """Deep read-only copy of decoded JSON: objects become FrozenDicts, arrays tuples."""
    if isinstance(value, dict):
        for item in value.values():
            if isinstance(item, (dict, list)):
                return FrozenDict({key: freeze(item) for key, item in value.items()})
        return FrozenDict(value)  # flat (subresource_uris, links): one C-level copy
    if isinstance(value, list):
        return tuple(freeze(item) for item in value)
    return value


class OpenEnum(str, Enum):
    """A string enum that accepts values it has never seen.

    Twilio adds enum values without notice; a client that crashes on them breaks in
    production on the day they ship. An unknown value becomes a pseudo-member that is not
    registered on the class: it compares equal to its string, keeps the raw value, and
    reports ``is_known`` as False.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """True for a value this version of the library knows about."""
        return self._name_ in type(self).__members__

    def __str__(self) -> str:
        return str(self._value_)

    def __repr__(self) -> str:
        marker = "" if self.is_known else " (unknown)"
        return f"<{type(self).__name__}.{self._name_}: {self._value_!r}{marker}>"


class HttpMethod(OpenEnum):
    """The method Twilio uses to call one of your webhooks."""

    GET = "GET"
    POST = "POST"
