"""The one cattrs converter that owns every wire-format rule.

Rules, in one place:

* ``""`` and ``null`` both mean "unset": optional fields become ``None``.
* Dates are RFC 2822 (2010/2008 APIs) or ISO 8601 (marketplace); both become aware
  ``datetime`` objects (:mod:`twilio_async.dates`).
* Booleans arrive as JSON booleans, or as ``"true"``/``"false"``/``"1"``/``"0"`` (XML).
* Enums are open (:class:`~twilio_async.models.common.OpenEnum`): unknown values are kept.
* Unknown fields are ignored; nested mappings are exposed read-only.

Models are structured by code generated once per class (a cattrs structure hook
factory, :class:`_Codegen`). Streaming an inventory builds hundreds of thousands of models,
so the generated code inlines the common field kinds instead of calling a hook per field,
fills the frozen instance through a layout-identical mutable twin (:func:`_layout_twin`),
and comes in three functions: a fast variant for what Twilio usually sends, a tolerant one
that is the reference, and a page loop (:func:`records_structurer`) over the fast one.
"""

from __future__ import annotations

import linecache
import operator
import re
import textwrap
import types
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import StructureHandlerNotFoundError

from . import dates
from .dates import format_iso8601, parse_datetime
from .models.common import INTERNED, FrozenDict, OpenEnum, freeze

__all__ = [
    "converter",
    "record_structurer",
    "records_structurer",
    "structure",
    "structure_many",
    "unstructure",
]

T = TypeVar("T")

_TRUE = frozenset({"true", "1", "yes", "True", "TRUE"})
_FALSE = frozenset({"false", "0", "no", "False", "FALSE"})


def _to_bool(value: Any, _: Any = None) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
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


def _to_enum(value: Any, enum: type[Enum]) -> Enum | None:
    """A value the generated code's member lookup did not find: "" means unset; any other
    string is kept (open enums) or refused by the enum itself."""
    if value == "":
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


def _layout_twin(cls: type) -> type | None:
    """A mutable class with exactly the slots of the frozen slotted attrs class ``cls``.

    A frozen attrs class must set each field through ``object.__setattr__``, which for a
    36-field phone number costs more than decoding its JSON. Generated code fills a twin
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


# What the fast variant looks wire values up in: the value itself for every value that
# needs no conversion or reads as unset. Anything else (a boolean sent as "true", an enum
# value this version does not know, a date not yet seen) is a KeyError there, and the
# record takes the tolerant variant, which converts it.
# No "" here: it hashes like False, and each lookup of False would compare the two.
_BOOLS: dict[Any, bool | None] = {True: True, False: False, None: None}


class _Codegen:
    """Generates the structuring function of one model class.

    Two variants of one shape: each reads every field, converts it, and stores it on the
    instance being built. The *fast* variant is written for what Twilio sends: every field
    present, strings as strings, booleans as JSON booleans, known enum values, dates in the
    exact shape of recent records. It does each conversion with a subscript or one class
    test, and raises ``KeyError``/``TypeError``/``ValueError`` on anything else, which sends
    the record to the *tolerant* variant: the reference, which reads with ``.get`` and
    converts every documented spelling (or raises the error that names the problem).
    """

    def __init__(self, converter: cattrs.Converter, cls: type) -> None:
        self.converter = converter
        self.cls = cls
        self.twin = _layout_twin(cls)
        self.globals: dict[str, Any] = {
            "_to_str": _to_str,
            "_to_bool": _to_bool,
            "_to_datetime": _to_datetime,
            "_to_enum": _to_enum,
            "_to_mapping": _to_mapping,
            "_BOOLS": _BOOLS,
            "_HEADS": dates.HEADS,
            "_TAILS": dates.TAILS,
            "_fromiso": datetime.fromisoformat,
            "_onew": object.__new__,
            "_twin": self.twin,
            "_cls": cls,
            "_str": str,
            "_bool": bool,
            "_dict": dict,
            "_freeze": freeze,
            "_FrozenDict": FrozenDict,
            "_Error": _StructureError,
        }
        self.fast: list[str] = []
        self.tolerant: list[str] = []
        self.keys: list[str] = []

    def field(self, index: int, field: attrs.Attribute[Any]) -> str:
        name = field.name
        self.keys.append(field.alias if field.alias and field.alias != name else name)
        v = f"v{index}"
        inner = _optional_inner(field.type)
        fast, tolerant = self.fast.append, self.tolerant.append

        def both(line: str) -> None:
            fast(line)
            tolerant(line)

        if inner is str:
            both(f"if {v}.__class__ is _str:")
            both(f"    if not {v}: {v} = None")
            both(f"elif {v} is not None: {v} = _to_str({v})")
        elif inner is bool:
            fast(f"{v} = _BOOLS[{v}]")
            tolerant(f"if {v}.__class__ is not _bool and {v} is not None: {v} = _to_bool({v})")
        elif inner is datetime:
            # dates.parse_datetime's RFC 2822 fast path, inlined: two per phone number.
            head, end = dates.HEAD, dates.TIME_END
            fast(f"if {v}.__class__ is _str:")
            iso = f"_HEADS[{v}[:{head}]] + {v}[{head}:{end}] + _TAILS[{v}[{end}:]]"
            fast(f"    {v} = _fromiso({iso})")
            fast(f"elif {v} is not None: {v} = _to_datetime({v})")
            tolerant(f"{v} = _to_datetime({v})")
        elif isinstance(inner, type) and issubclass(inner, Enum):
            enum = f"_E{index}"
            self.globals[enum] = inner
            # String keys only: CPython looks such a dict up with a fast string compare.
            self.globals[f"{enum}_map"] = {"": None, **inner._value2member_map_}
            fast(f"if {v} is not None: {v} = {enum}_map[{v}]")
            tolerant(f"if {v} is not None: {v} = _to_enum({v}, {enum})")
        elif get_origin(inner) in (Mapping, dict) or inner in (dict, Mapping):
            if get_args(inner) == (str, str):  # links, subresource_uris: a flat copy
                fast(f"if {v}.__class__ is _dict:")
                fast(f"    for {v}_item in {v}.values():")
                fast(f"        if {v}_item.__class__ is not _str: raise TypeError")
                fast(f"    {v} = _FrozenDict({v})")
            else:
                fast(f"if {v}.__class__ is _dict: {v} = _freeze({v})")
            fast(f"elif {v} is not None: {v} = _to_mapping({v})")
            tolerant(f"if {v}.__class__ is _dict: {v} = _freeze({v})")
            tolerant(f"elif {v} is not None: {v} = _to_mapping({v})")
        elif is_model(inner) and getattr(inner, INTERNED, False):
            # One shared instance per distinct value, looked up by the wire values of all
            # its fields; an unseen value takes the tolerant variant, which learns it.
            nested = f"_m{index}"
            interner = _Interner(self.converter, inner)
            self.globals[f"{nested}_memo"] = interner.memo
            self.globals[f"{nested}_key"] = interner.key
            self.globals[nested] = interner
            fast(f"if {v}.__class__ is _dict: {v} = {nested}_memo[{nested}_key({v})]")
            fast(f"elif {v} is not None: {v} = {nested}({v})")
            tolerant(f"if {v} is not None and {v} != '': {v} = {nested}({v})")
            tolerant(f"else: {v} = None")
        elif is_model(inner):
            nested = f"_m{index}"
            hook = self.converter.get_structure_hook(inner)
            self.globals[nested] = hook
            self.globals[f"{nested}_fast"] = hook.fast  # type: ignore[attr-defined]
            fast(f"if {v}.__class__ is _dict: {v} = {nested}_fast({v})")
            fast(f"elif {v} is not None: {v} = {nested}({v})")
            tolerant(f"if {v} is not None and {v} != '': {v} = {nested}({v})")
            tolerant(f"else: {v} = None")
        else:
            handler = f"_h{index}"
            self.globals[handler] = self.converter.get_structure_hook(inner)
            self.globals[f"_t{index}"] = inner
            both(f"if {v} is not None and {v} != '': {v} = {handler}({v}, _t{index})")
            both(f"elif {v} == '': {v} = None")
        if field.default is attrs.NOTHING:
            # Checked after conversion: "" reads as None, and a required field needs a value.
            both(f"if {v} is None: raise _Error({self.cls.__name__!r}, {name!r})")
        if self.twin is not None:
            both(f"n.{name} = {v}")
        return v

    def build(self) -> Callable[[Any, Any], Any]:
        attrs.resolve_types(self.cls)  # models use postponed annotations
        if self.twin is not None:
            self.fast.append("n = _onew(_twin)")
            self.tolerant.append("n = _onew(_twin)")
        fields = attrs.fields(self.cls)
        names = [self.field(i, f) for i, f in enumerate(fields)]
        if self.twin is not None:
            end = ["n.__class__ = _cls", "return n"]
        else:
            pairs = zip(fields, names, strict=True)
            end = [f"return _cls({', '.join(f'{f.alias or f.name}={v}' for f, v in pairs)})"]
        name = self.cls.__name__
        variables = [f"v{i}" for i in range(len(self.keys))]
        # The fast variant takes every field in one C-level call; the page loop gets that
        # call from its adopter, built on each page's own key objects.
        adopter = _KeyAdopter(self.keys)
        self.globals["_get_all"] = adopter.default
        self.globals["_adopt"] = adopter.getter
        take_all = (
            f"{variables[0]}, = (_get_all(o),)"
            if len(variables) == 1
            else f"{', '.join(variables)} = _get_all(o)"
        )
        reads = zip(variables, self.keys, strict=True)
        gets = [f"{v} = o_get({k!r})" for v, k in reads]
        tolerant = textwrap.indent(
            "\n".join(["o_get = o.get", *gets, *self.tolerant, *end]), "    "
        )
        fast = textwrap.indent("\n".join([take_all, *self.fast]), "        ")
        end_fast = textwrap.indent("\n".join(end), "    ")
        # The same fast body in a loop over a page's records, for streams and pages: no
        # call per record, and every name it uses is a local (bound as a default).
        if self.twin is not None:
            loop_end = "n.__class__ = _cls\nappend(n)"
        else:
            loop_end = f"append({end[-1].removeprefix('return ')})"
        loop_body = "\n".join([take_all, *self.fast])
        # _get_all is the page's own getter there (see _KeyAdopter), not a bound default.
        used = (self._names_used(loop_body + loop_end) | {"_adopt"}) - {"_get_all"}
        hoisted = ", ".join(f"{g}={g}" for g in sorted(used))
        source = (
            f"def tolerant_{name}(o, _=None):\n{tolerant}\n\n"
            f"def structure_{name}(o, _=None):\n"
            f"    try:\n{fast}\n"
            f"    except (KeyError, TypeError, ValueError):\n"
            f"        return tolerant_{name}(o)\n"
            f"{end_fast}\n\n"
            f"def many_{name}(records, {hoisted}, _tolerant=tolerant_{name}):\n"
            f"    out = []\n    append = out.append\n"
            f"    _get_all = _adopt(records)\n"
            f"    for o in records:\n"
            f"        try:\n{textwrap.indent(loop_body, '            ')}\n"
            f"        except (KeyError, TypeError, ValueError, AttributeError):\n"
            f"            append(_tolerant(o))\n"
            f"            continue\n"
            f"{textwrap.indent(loop_end, '        ')}\n"
            f"    return out\n"
        )
        filename = f"<twilio_async structure {self.cls.__module__}.{self.cls.__qualname__}>"
        # Registered with linecache so tracebacks and profilers can show the generated code.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), self.globals)
        fn: Callable[[Any, Any], Any] = self.globals[f"structure_{name}"]
        fn.many = self.globals[f"many_{name}"]  # type: ignore[attr-defined]
        return fn

    def _names_used(self, text: str) -> set[str]:
        """The module-level names ``text`` uses, to bind them as locals."""
        return set(re.findall(r"\b_\w+", text)) & self.globals.keys()


class _KeyAdopter:
    """The field getter of a generated page loop, built on the records' own key objects.

    A dict lookup first compares keys by identity; only when that fails does it compare
    the strings (on orjson's dicts through a generic rich comparison, per field, per
    record). Decoders reuse key objects: orjson keeps a process-wide cache of them, and
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


class _Interner:
    """Shared instances of an ``interned`` model, keyed by its fields' wire values.

    Only keys of plain values are learnt (``bool``, ``None``, ``str``: hashable, and no
    two of them equal unless they read the same; ``1`` finds ``True``, which is what it
    reads as), and at most ``MEMO_LIMIT`` of them, so a server sending endless distinct
    values cannot grow it without bound.
    """

    MEMO_LIMIT = 256
    _PLAIN = (bool, type(None), str)

    def __init__(self, converter: cattrs.Converter, cls: type) -> None:
        self.hook = converter.get_structure_hook(cls)
        self.cls = cls
        keys = [f.alias or f.name for f in attrs.fields(cls)]
        getter = operator.itemgetter(*keys)
        self.key: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            getter if len(keys) > 1 else lambda raw: (getter(raw),)
        )
        self.memo: dict[tuple[Any, ...], Any] = {}

    def __call__(self, raw: Any, _: Any = None) -> Any:
        built = self.hook(raw, self.cls)
        if isinstance(raw, dict) and len(self.memo) < self.MEMO_LIMIT:
            try:
                key = self.key(raw)
            except KeyError:
                return built
            if all(value.__class__ in self._PLAIN for value in key):
                return self.memo.setdefault(key, built)
        return built


class _StructureError(ValueError):
    def __init__(self, model: str, field: str) -> None:
        super().__init__(f"{model} record has no {field!r}")


def _model_hook_factory(converter: cattrs.Converter) -> Callable[[type], Callable[[Any, Any], Any]]:
    def factory(cls: type) -> Callable[[Any, Any], Any]:
        fn = _Codegen(converter, cls).build()

        def structure_model(value: Any, _: Any = None) -> Any:
            if value.__class__ is dict:
                return fn(value, cls)
            if not isinstance(value, Mapping):
                raise ValueError(f"{cls.__name__} must be an object, got {type(value).__name__}")
            return fn(dict(value), cls)

        structure_model.fast = fn  # type: ignore[attr-defined]
        return structure_model

    return factory


def make_converter() -> cattrs.Converter:
    """A fresh converter with every Twilio wire rule registered."""
    conv = cattrs.Converter(detailed_validation=False, forbid_extra_keys=False)
    conv.register_structure_hook(datetime, lambda v, _: _to_datetime(v))
    conv.register_structure_hook(bool, lambda v, _: _to_bool(v))
    conv.register_structure_hook(str, lambda v, _: _to_str(v))
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, OpenEnum), lambda v, t: t(v)
    )
    conv.register_structure_hook_factory(is_model, _model_hook_factory(conv))
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


_RECORD_STRUCTURERS: dict[type, Callable[[Mapping[str, Any]], Any]] = {}


def record_structurer(cls: type[T]) -> Callable[[Mapping[str, Any]], T]:
    """The fastest callable turning one decoded record (a ``dict``) into ``cls``.

    Used per response and per record: skips the converter's dispatch (and is remembered,
    so a fetch costs a dict lookup to find it).
    """
    known = _RECORD_STRUCTURERS.get(cls)
    if known is None:
        known = _RECORD_STRUCTURERS[cls] = _record_structurer(cls)
    return known


def _record_structurer(cls: type[T]) -> Callable[[Mapping[str, Any]], T]:
    hook = converter.get_structure_hook(cls)
    fast: Callable[[Mapping[str, Any]], T] | None = getattr(hook, "fast", None)
    if fast is None:
        return lambda data: hook(data, cls)
    return fast  # the generated function's second parameter defaults to None


def records_structurer(cls: type[T]) -> Callable[[Sequence[Mapping[str, Any]]], list[T]]:
    """The fastest callable turning a page's decoded records into a list of ``cls``: the
    generated per-record code in one loop (see :class:`_Codegen`)."""
    make = record_structurer(cls)
    many: Callable[[Sequence[Mapping[str, Any]]], list[T]] | None = getattr(make, "many", None)
    if many is None:
        return lambda items: [make(item) for item in items]
    return many


def structure_many(items: Any, cls: type[T]) -> list[T]:
    return records_structurer(cls)(list(items))


def unstructure(value: Any) -> Any:
    """Models back to plain data (dates as ISO 8601, enums as their values)."""
    return converter.unstructure(value)
