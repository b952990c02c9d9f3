"""The one cattrs converter that owns every wire-format rule.

Rules, in one place:

* ``""`` and ``null`` both mean "unset": optional fields become ``None``.
* Dates are RFC 2822 (2010/2008 APIs) or ISO 8601 (marketplace); both become aware
  ``datetime`` objects (:mod:`twilio_async.dates`).
* Booleans arrive as JSON booleans, or as ``"true"``/``"false"``/``"1"``/``"0"`` (XML).
* Enums are open (:class:`~twilio_async.models.common.OpenEnum`): unknown values are kept.
* Unknown fields are ignored; nested mappings are exposed read-only.

Each rule is one hook per field kind (``_to_str``, ``_to_bool``, ...). A model class is read
two ways, which must agree (a property test checks it):

* the **reference** (:func:`reference_structurer`): a plain loop over the class's fields
  that calls each field's hook and then the class's own constructor. It reads every
  documented spelling, and names the problem when a record is bad;
* the **fast path** (:func:`record_structurer`, :func:`records_structurer`): one body
  generated per class (:func:`_compile_fast`), run per record and in a loop over a page,
  that does each field's common case inline (a class test, a dict lookup) and hands any
  record it cannot take to the reference.
  Streaming an inventory builds hundreds of thousands of models: plain cattrs hooks cost
  16.5 us per phone number, this about what ``json.loads`` of the record costs.

What the fast path keeps was measured (instructions per phone number with callgrind, a
page of 1000 bench records decoded by orjson and built, about 72k in all; each figure is
what removing the piece costs): the layout twin (+44k), the interned capabilities (+8.1k),
the getter on the page's own keys (+6.6k), the inline flat-mapping copy (+1.5k), the page
loop with names bound as locals (+1.4k) and the RFC 2822 cache lookup inlined from
:mod:`~twilio_async.dates` (+0.9k). The last two buy less than 2% each, but without them a
stream cost 1.02x the instructions of the bench's floor (a hand-written aiohttp and
``json.loads`` loop) at page size 50, and 1.00x with them (0.97x at page size 1000).
"""

from __future__ import annotations

import linecache
import math
import operator
import textwrap
import types
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import StructureHandlerNotFoundError

from .dates import cached_rfc2822_source, format_iso8601, parse_datetime
from .models.common import INTERNED, FrozenDict, OpenEnum, freeze

__all__ = [
    "converter",
    "record_structurer",
    "records_structurer",
    "reference_structurer",
    "structure",
    "structure_many",
    "unstructure",
]

T = TypeVar("T")
Hook = Callable[[Any], Any]

# --- the wire rules: one hook per field kind, each taking a present, null or "" value ------

_TRUE = frozenset({"true", "1", "yes", "True", "TRUE"})
_FALSE = frozenset({"false", "0", "no", "False", "FALSE"})


def _to_bool(value: Any, _: Any = None) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):  # XML and loose JSON
        return bool(value)
    if isinstance(value, str):
        text = value.strip()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError(f"not a boolean: {value!r}")


def _to_str(value: Any, _: Any = None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, (bool, dict, list)):
        raise ValueError(f"not a string: {value!r}")
    return str(value)  # numbers Twilio sometimes sends unquoted


def _to_datetime(value: Any, _: Any = None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_datetime(value)
    raise ValueError(f"not a date: {value!r}")


def _to_float(value: Any, _: Any = None) -> float | None:
    """Numbers, or numbers in strings (real Twilio sends latitude/longitude as strings
    though its spec says number); never a boolean, NaN or an infinity."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"not a number: {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"not a number: {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _to_enum(value: Any, enum: type[Enum]) -> Enum | None:
    """Any string is kept by an open enum (or refused by a closed one)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a {enum.__name__} value: {value!r}")
    return enum(value)


def _to_mapping(value: Any, _: Any = None) -> Mapping[str, Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        frozen: Mapping[str, Any] = freeze(dict(value))
        return frozen
    raise ValueError(f"not an object: {value!r}")


def _to_model(value: Any, structure: Hook) -> Any:
    return None if value is None or value == "" else structure(value)


def _to_other(value: Any, hook: Callable[[Any, Any], Any], tp: Any) -> Any:
    return None if value is None or value == "" else hook(value, tp)


class _StructureError(ValueError):
    def __init__(self, model: str, field: str) -> None:
        super().__init__(f"{model} record has no {field!r}")


# --- a model's fields, and the reference that reads them ------------------------------------


def _optional_inner(tp: Any) -> Any:
    """``X`` for ``X | None``; ``tp`` unchanged otherwise."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [arg for arg in get_args(tp) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def is_model(tp: Any) -> bool:
    """Models are attrs classes defined in :mod:`twilio_async.models`."""
    return (
        isinstance(tp, type) and attrs.has(tp) and tp.__module__.startswith("twilio_async.models")
    )


@attrs.frozen
class _Field:
    """One field of a model: where it is on the wire and how its value is read."""

    key: str  # the wire name, which is also the constructor's keyword (the attrs alias)
    name: str  # the attribute
    kind: str  # "str", "bool", "datetime", "enum", "mapping", "interned", "model", "other"
    type: Any  # the type without its "| None"
    read: Hook  # the kind's hook: wire value (or None) -> value or None; ValueError if bad
    required: bool


def _fields(converter: cattrs.Converter, cls: type) -> list[_Field]:
    attrs.resolve_types(cls)  # models use postponed annotations
    return [
        _Field(
            key=attribute.alias or attribute.name,
            name=attribute.name,
            kind=kind,
            type=tp,
            read=read,
            required=attribute.default is attrs.NOTHING,
        )
        for attribute in attrs.fields(cls)
        for tp in [_optional_inner(attribute.type)]
        for kind, read in [_kind_of(converter, tp)]
    ]


def _kind_of(converter: cattrs.Converter, tp: Any) -> tuple[str, Hook]:
    if tp is str:
        return "str", _to_str
    if tp is bool:
        return "bool", _to_bool
    if tp is datetime:
        return "datetime", _to_datetime
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "enum", partial(_to_enum, enum=tp)
    if tp in (dict, Mapping) or get_origin(tp) in (dict, Mapping):
        return "mapping", _to_mapping
    hook = converter.get_structure_hook(tp)
    if isinstance(hook, _ModelStructurer):
        if getattr(tp, INTERNED, False):
            return "interned", _Interner(hook, [field.key for field in hook.fields])
        return "model", partial(_to_model, structure=hook)
    return "other", partial(_to_other, hook=hook, tp=tp)


def _reference(cls: type[T], fields: Sequence[_Field], raw: Any) -> T:
    """Read ``raw`` into ``cls`` the plain way: each field's hook, then ``cls(...)``."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"{cls.__name__} must be an object, got {type(raw).__name__}")
    values = {}
    for field in fields:
        value = field.read(raw.get(field.key))
        if value is None and field.required:
            raise _StructureError(cls.__name__, field.name)
        values[field.key] = value
    return cls(**values)


class _Interner:
    """The hook of an ``interned`` model kind: one shared instance per distinct value.

    Instances are remembered by their fields' wire values, which the fast path looks up
    (``memo[key(value)]``) without building anything; a value it has not seen takes the
    reference, which calls this and so teaches it. Only keys of plain values are learnt
    (``bool``, ``None``, ``str``: hashable, and no two of them equal unless they read the
    same; ``1`` finds ``True``, which is what it reads as), and at most ``MEMO_LIMIT``, so a
    server sending endless distinct values cannot grow it without bound. Capabilities
    looked up, not built, save 8.1k instructions per phone number (11% of a streamed
    record), and a stream holds one object per distinct value instead of one per number.
    """

    MEMO_LIMIT = 256
    _PLAIN = (bool, type(None), str)

    def __init__(self, structure: Hook, keys: Sequence[str]) -> None:
        self.structure = structure
        getter = operator.itemgetter(*keys)
        self.key: Callable[[Any], tuple[Any, ...]] = (
            getter if len(keys) > 1 else lambda value: (getter(value),)
        )
        self.memo: dict[tuple[Any, ...], Any] = {}

    def __call__(self, value: Any) -> Any:
        built = _to_model(value, self.structure)
        if value.__class__ is dict and len(self.memo) < self.MEMO_LIMIT:
            try:
                key = self.key(value)
            except KeyError:
                return built
            if all(part.__class__ in self._PLAIN for part in key):
                return self.memo.setdefault(key, built)
        return built


# --- the generated fast path -----------------------------------------------------------------

# What the fast path looks booleans up in: every spelling but "" (it hashes like False, and
# each lookup of False would compare the two); "" and anything else take the reference.
_BOOLS: dict[Any, bool | None] = {
    True: True,
    False: False,
    None: None,
    **dict.fromkeys(_TRUE, True),
    **dict.fromkeys(_FALSE, False),
}
# Names every generated body may use. Anything it raises sends the record to the reference.
_FAST_NAMES: dict[str, Any] = {
    "_str": str,
    "_dict": dict,
    "_BOOLS": _BOOLS,
    "_to_str": _to_str,
    "_to_datetime": _to_datetime,
    "_to_mapping": _to_mapping,
    "_freeze": freeze,
    "_FrozenDict": FrozenDict,
    "_new": object.__new__,
    "_FALLBACK": (KeyError, TypeError, ValueError, AttributeError),
}


def _fast_lines(field: _Field, v: str, g: str, names: dict[str, Any]) -> list[str]:
    """Lines converting the wire value in ``v`` in place, for what Twilio usually sends: a
    class test or a dict lookup. Names they need are added to ``names``, prefixed ``g``."""
    kind = field.kind
    if kind == "str":
        return [
            f"if {v}.__class__ is _str:",
            f"    if not {v}: {v} = None",
            f"elif {v} is not None: {v} = _to_str({v})",
        ]
    if kind == "bool":
        return [f"{v} = _BOOLS[{v}]"]
    if kind == "datetime":  # dates owns the caches; it gives the lookup as an expression
        parse, needs = cached_rfc2822_source(v)
        names.update(needs)
        return [
            f"if {v}.__class__ is _str: {v} = {parse}",
            f"elif {v} is not None: {v} = _to_datetime({v})",
        ]
    if kind == "enum":
        # String keys only: CPython looks such a dict up with a fast string compare.
        names[g] = {"": None, **field.type._value2member_map_}
        return [f"if {v} is not None: {v} = {g}[{v}]"]
    if kind == "mapping" and get_args(field.type) == (str, str):
        # links, subresource_uris: a flat copy (freeze() called here costs 1.5k, 2%)
        return [
            f"if {v}.__class__ is _dict:",
            f"    for {v}_item in {v}.values():",
            f"        if {v}_item.__class__ is not _str: raise TypeError",
            f"    {v} = _FrozenDict({v})",
            f"elif {v} is not None: {v} = _to_mapping({v})",
        ]
    if kind == "mapping":
        return [
            f"if {v}.__class__ is _dict: {v} = _freeze({v})",
            f"elif {v} is not None: {v} = _to_mapping({v})",
        ]
    names[g] = field.read
    if isinstance(field.read, _Interner):  # a memo lookup: nothing built per record
        names[f"{g}_memo"], names[f"{g}_key"] = field.read.memo, field.read.key
        return [
            f"if {v}.__class__ is _dict: {v} = {g}_memo[{g}_key({v})]",
            f"elif {v} is not None: {v} = {g}({v})",
        ]
    return [f"{v} = {g}({v})"]


def _layout_twin(cls: type) -> type | None:
    """A mutable class with exactly the slots of the frozen slotted attrs class ``cls``.

    A frozen attrs class must set each field through ``object.__setattr__``, which for a
    36-field phone number costs more than decoding its JSON (44k instructions, +60%
    per streamed record). Generated code fills a twin
    instance with plain attribute stores instead, then gives it the class ``cls``: CPython
    allows swapping ``__class__`` between two classes of identical layout, so the result is
    a genuine, frozen ``cls`` instance. Models define no validators or post-init hooks, so
    nothing is bypassed. None if ``cls`` has no plain slot layout or the interpreter refuses
    the swap; the class's own constructor is used then.
    """
    slots = cls.__dict__.get("__slots__")
    if not slots or "__weakref__" in slots or "__dict__" in slots:
        return None
    twin = type(f"_{cls.__name__}Builder", (), {"__slots__": tuple(slots)})
    try:
        probe: Any = object.__new__(twin)
        probe.__class__ = cls
    except TypeError:  # this interpreter refuses the swap
        return None
    return twin


def _construction(cls: type, fields: Sequence[_Field], names: dict[str, Any]) -> list[str]:
    """Lines building the instance ``n`` from the converted ``v_<field>`` values."""
    twin = _layout_twin(cls)
    if twin is None:
        keywords = ", ".join(f"{field.key}=v_{field.name}" for field in fields)
        return [f"n = _cls({keywords})"]
    names["_twin"] = twin
    stores = [f"n.{field.name} = v_{field.name}" for field in fields]
    return ["n = _new(_twin)", *stores, "n.__class__ = _cls"]


def _compile_fast(
    cls: type[T], fields: Sequence[_Field], reference: Hook, adopter: _KeyAdopter
) -> tuple[Callable[[Any], T], Callable[[Sequence[Any]], list[T]]]:
    """The generated ``structure_<cls>(record)``, and ``many_<cls>(records)``: the same
    body in a loop over a page's records."""
    names = {**_FAST_NAMES, "_cls": cls, "_reference": reference}
    names["get_all"], names["_adopt"] = adopter.default, adopter.getter
    variables = ", ".join(f"v_{field.name}" for field in fields)
    # Every field in one C-level call (a page uses a getter on its own keys: _KeyAdopter).
    body = [f"{variables} = get_all(o)" if len(fields) > 1 else f"{variables}, = (get_all(o),)"]
    for field in fields:
        v = f"v_{field.name}"
        body += _fast_lines(field, v, f"_{field.name}", names)
        if field.required:  # checked after conversion: "" reads as None
            body.append(f"if {v} is None: raise ValueError")
    build = _construction(cls, fields, names)
    # The page loop binds every name it uses as a local (a default argument) and makes no
    # call per record: 1.4k instructions less per phone number than calling
    # structure_<cls> per record (1.8% of a streamed record).
    hoisted = ", ".join(f"{n}={n}" for n in sorted(names) if n != "get_all")
    name = cls.__name__
    source = "\n".join(
        [
            f"def structure_{name}(o):",
            "    try:",
            textwrap.indent("\n".join(body), " " * 8),
            "    except _FALLBACK:",
            "        return _reference(o)",
            textwrap.indent("\n".join(build), " " * 4),
            "    return n",
            "",
            f"def many_{name}(records, {hoisted}):",
            "    out = []",
            "    append = out.append",
            "    get_all = _adopt(records)",
            "    for o in records:",
            "        try:",
            textwrap.indent("\n".join(body), " " * 12),
            "        except _FALLBACK:",
            "            append(_reference(o))",
            "            continue",
            textwrap.indent("\n".join([*build, "append(n)"]), " " * 8),
            "    return out",
            "",
        ]
    )
    filename = f"<twilio_async structure {cls.__module__}.{cls.__qualname__}>"
    # Registered with linecache so tracebacks and profilers can show the generated code.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), names)
    return names[f"structure_{name}"], names[f"many_{name}"]


class _KeyAdopter:
    """The field getter of the generated page loop, built on the page's records' own key
    objects (6.6k instructions less per phone number, 9% of a streamed record).

    A dict lookup first compares keys by identity; only when that fails does it compare
    the strings. Decoders reuse key objects: orjson keeps a process-wide cache of them, and
    the standard library's ``json`` shares them within one document. So the getter is
    rebuilt around the key objects of the first record of a page whenever they are not
    the ones it was last built on, and every lookup after that hits by identity. Equal
    keys find the same values either way: this changes the cost, never the result.
    """

    __slots__ = ("default", "keys", "last")

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self.default = operator.itemgetter(*self.keys)
        self.last: tuple[object, Callable[[Any], Any]] = (None, self.default)

    def getter(self, records: Sequence[Any]) -> Callable[[Any], Any]:
        first = records[0] if records else None
        if first.__class__ is not dict or not first:
            return self.default
        probe = next(iter(first))
        last = self.last  # one tuple: never a probe of one build with the getter of another
        if probe is last[0]:
            return last[1]
        own = {key: key for key in first}
        getter = operator.itemgetter(*[own.get(key, key) for key in self.keys])
        self.last = (probe, getter)
        return getter


# --- the converter ---------------------------------------------------------------------------


class _ModelStructurer:
    """The converter's hook for one model class: its fields, the reference, and the fast
    path for one record (``one``) and for a page of records (``many``)."""

    def __init__(self, converter: cattrs.Converter, cls: type) -> None:
        self.cls = cls
        self.fields = _fields(converter, cls)
        self.reference: Callable[[Any], Any] = partial(_reference, cls, self.fields)
        adopter = _KeyAdopter([field.key for field in self.fields])
        self.one: Callable[[Any], Any]
        self.many: Callable[[Sequence[Any]], list[Any]]
        self.one, self.many = _compile_fast(cls, self.fields, self.reference, adopter)

    def __call__(self, value: Any, _: Any = None) -> Any:
        return self.one(value) if value.__class__ is dict else self.reference(value)


def make_converter() -> cattrs.Converter:
    """A fresh converter with every Twilio wire rule registered."""
    conv = cattrs.Converter(detailed_validation=False, forbid_extra_keys=False)
    conv.register_structure_hook(datetime, _to_datetime)
    conv.register_structure_hook(bool, _to_bool)
    conv.register_structure_hook(str, _to_str)
    conv.register_structure_hook(float, _to_float)
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, OpenEnum), _to_enum
    )
    conv.register_structure_hook_factory(is_model, lambda cls: _ModelStructurer(conv, cls))
    conv.register_unstructure_hook(datetime, format_iso8601)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Enum), lambda v: v.value
    )
    # Open enums are str subclasses, which cattrs dispatches as str (identity) before any
    # predicate hook: registered by class, they get their plain value too.
    conv.register_unstructure_hook(OpenEnum, lambda v: v.value)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, FrozenDict), _thaw
    )
    return conv


def _thaw(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


converter = make_converter()


def structure(data: Any, cls: type[T]) -> T:
    """Turn decoded JSON (or XML-as-dict) into ``cls``. Raises ``ValueError`` on bad data."""
    try:
        return converter.structure(data, cls)
    except StructureHandlerNotFoundError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"cannot read {cls.__name__}: {exc}") from exc


def _model_structurer(cls: type) -> _ModelStructurer | None:
    hook = converter.get_structure_hook(cls)
    return hook if isinstance(hook, _ModelStructurer) else None


_RECORD_STRUCTURERS: dict[type, Callable[[Any], Any]] = {}


def record_structurer(cls: type[T]) -> Callable[[Mapping[str, Any]], T]:
    """The fastest callable turning one decoded record (a ``dict``) into ``cls``.

    Used per response and per record: skips the converter's dispatch (and is remembered,
    so a fetch costs a dict lookup to find it).
    """
    known = _RECORD_STRUCTURERS.get(cls)
    if known is None:
        model = _model_structurer(cls)
        hook = converter.get_structure_hook(cls)
        known = model.one if model is not None else lambda data: hook(data, cls)
        _RECORD_STRUCTURERS[cls] = known
    return known


def records_structurer(cls: type[T]) -> Callable[[Sequence[Mapping[str, Any]]], list[T]]:
    """The fastest callable turning a page's decoded records into a list of ``cls``: the
    generated per-record code in one loop. Raises ``ValueError`` on a bad record."""
    model = _model_structurer(cls)
    if model is not None:
        return model.many
    make = record_structurer(cls)
    return lambda items: [make(item) for item in items]


def reference_structurer(cls: type[T]) -> Callable[[Any], T]:
    """The reference reading of one record into the model class ``cls``: slower than
    :func:`record_structurer`, and equal to it for every record (the fast path falls back
    to it for any record it cannot take)."""
    model = _model_structurer(cls)
    if model is None:
        raise TypeError(f"{cls!r} is not a twilio_async model")
    return model.reference


def structure_many(items: Any, cls: type[T]) -> list[T]:
    return records_structurer(cls)(list(items))


def unstructure(value: Any) -> Any:
    """Models back to plain data (dates as ISO 8601, enums as their values)."""
    return converter.unstructure(value)
