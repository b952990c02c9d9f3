"""The one cattrs converter that owns every wire-format rule.

Rules, in one place:

* ``""`` and ``null`` both mean "unset": optional fields become ``None``.
* Dates are RFC 2822 (2010/2008 APIs) or ISO 8601 (marketplace); both become aware
  ``datetime`` objects (:mod:`twilio_async.dates`).
* Booleans arrive as JSON booleans, or as ``"true"``/``"false"``/``"1"``/``"0"`` (XML).
* Enums are open (:class:`~twilio_async.models.common.OpenEnum`): unknown values are kept.
* Unknown fields are ignored; nested mappings are exposed read-only.

Models are structured by a function generated once per class (a cattrs structure hook
factory). Streaming an inventory builds hundreds of thousands of models, so the generated
code inlines the common field kinds instead of calling a hook per field, and builds the
frozen instance through a layout-identical mutable twin (see :func:`_fast_constructor`).
"""

from __future__ import annotations

import linecache
import re
import textwrap
import types
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import StructureHandlerNotFoundError

from .dates import format_iso8601, parse_datetime
from .models.common import FrozenDict, OpenEnum, freeze

__all__ = ["converter", "structure", "structure_many", "unstructure"]

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


def _fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for a frozen slotted attrs class that skips frozen-ness cost.

    A frozen attrs ``__init__`` must go through ``object.__setattr__`` once per field, which
    for a 36-field phone number costs more than decoding its JSON. A mutable class with the
    same ``__slots__`` stores fields directly; CPython allows swapping ``__class__`` between
    two classes of identical layout, so the result is a genuine, frozen ``cls`` instance.
    Models define no validators or post-init hooks, so nothing is bypassed. If this
    interpreter refuses the swap, the class's own constructor is used instead.
    """
    names = [a.name for a in attrs.fields(cls)]  # type: ignore[arg-type]
    slots = getattr(cls, "__slots__", None)
    if not slots or "__weakref__" in slots or "__dict__" in slots:
        return cls
    twin = type(f"_{cls.__name__}Builder", (), {"__slots__": tuple(slots)})
    args = ", ".join(names)
    body = "".join(f"    self.{name} = {name}\n" for name in names)
    source = f"def __init__(self, {args}):\n{body}"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<{cls.__qualname__} builder>", "exec"), namespace)
    twin.__init__ = namespace["__init__"]  # type: ignore[misc]

    def fast(*values: Any, _twin: type = twin, _cls: type = cls) -> Any:
        obj = _twin(*values)
        obj.__class__ = _cls  # identical layout: CPython allows the swap
        return obj

    try:
        probe = fast(*([None] * len(names)))
    except TypeError:  # this interpreter refuses the swap: use the real constructor
        return cls
    if type(probe) is not cls:  # pragma: no cover - defensive
        return cls
    return fast


_READ = "\x00"  # marks a field read in generated code: o[key] or o_get(key)


class _Codegen:
    """Generates the structuring function of one model class."""

    def __init__(self, converter: cattrs.Converter, cls: type) -> None:
        self.converter = converter
        self.cls = cls
        self.globals: dict[str, Any] = {
            "_to_str": _to_str,
            "_to_bool": _to_bool,
            "_to_datetime": _to_datetime,
            "_parse_datetime": parse_datetime,
            "_to_mapping": _to_mapping,
            "_new": _fast_constructor(cls),
            "_str": str,
            "_bool": bool,
            "_dict": dict,
            "_freeze": freeze,
            "_Error": _StructureError,
        }
        self.lines: list[str] = []

    def field(self, index: int, field: attrs.Attribute[Any]) -> str:
        name = field.name
        key = field.alias if field.alias and field.alias != name else name
        var = f"v{index}"
        tp = field.type
        inner = _optional_inner(tp)
        lines = self.lines
        lines.append(f"    {var} = {_READ}{key!r}{_READ}")
        if inner is str:
            # The common case: a non-empty JSON string is kept as is.
            lines.append(f"    if {var}.__class__ is not _str: {var} = _to_str({var})")
            lines.append(f"    elif not {var}: {var} = None")
        elif inner is bool:
            lines.append(f"    if {var}.__class__ is not _bool: {var} = _to_bool({var})")
        elif inner is datetime:
            lines.append(
                f"    {var} = _parse_datetime({var}) if {var}.__class__ is _str and {var} "
                f"else _to_datetime({var})"
            )
        elif isinstance(inner, type) and issubclass(inner, Enum):
            enum_name = f"_E{index}"
            self.globals[enum_name] = inner
            self.globals[f"{enum_name}_members"] = inner._value2member_map_
            lines.append(
                f"    if {var} is not None and {var} != '': "
                f"{var} = {enum_name}_members.get({var}) or {enum_name}({var})"
            )
            lines.append(f"    elif {var} == '': {var} = None")
        elif get_origin(inner) in (Mapping, dict) or inner in (dict, Mapping):
            lines.append(f"    if {var}.__class__ is _dict: {var} = _freeze({var})")
            lines.append(f"    elif {var} is not None: {var} = _to_mapping({var})")
        elif is_model(inner):
            nested = f"_m{index}"
            self.globals[nested] = self.converter.get_structure_hook(inner)
            lines.append(f"    if {var}.__class__ is _dict: {var} = {nested}.fast({var})")
            lines.append(f"    elif {var} is not None and {var} != '': {var} = {nested}({var})")
            lines.append(f"    else: {var} = None")
        else:
            handler = f"_h{index}"
            self.globals[handler] = self.converter.get_structure_hook(inner)
            self.globals[f"_t{index}"] = inner
            lines.append(
                f"    if {var} is not None and {var} != '': {var} = {handler}({var}, _t{index})"
            )
            lines.append(f"    elif {var} == '': {var} = None")
        if field.default is attrs.NOTHING:
            # Checked after conversion: "" reads as None, and a required field needs a value.
            lines.append(f"    if {var} is None: raise _Error({self.cls.__name__!r}, {name!r})")
        return var

    def build(self) -> Callable[[Any, Any], Any]:
        """Two variants of one body: the fast one reads keys by subscript (Twilio sends
        every field) and falls back to the tolerant one, which reads with ``.get``, when a
        key is missing."""
        attrs.resolve_types(self.cls)  # models use postponed annotations
        names = [self.field(i, f) for i, f in enumerate(attrs.fields(self.cls))]
        self.lines.append(f"    return _new({', '.join(names)})")
        body = "\n".join(self.lines)
        read = re.compile(f"{_READ}('[^']*'){_READ}")
        name = self.cls.__name__
        tolerant = read.sub(r"o_get(\1)", body)
        fast = textwrap.indent(read.sub(r"o[\1]", body), "    ")
        source = (
            f"def tolerant_{name}(o, _=None):\n    o_get = o.get\n{tolerant}\n\n"
            f"def structure_{name}(o, _=None):\n    try:\n{fast}\n"
            f"    except KeyError:\n        return tolerant_{name}(o)\n"
        )
        filename = f"<twilio_async structure {self.cls.__module__}.{self.cls.__qualname__}>"
        # Registered with linecache so tracebacks and profilers can show the generated code.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), self.globals)
        fn: Callable[[Any, Any], Any] = self.globals[f"structure_{name}"]
        return fn


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


def record_structurer(cls: type[T]) -> Callable[[Mapping[str, Any]], T]:
    """The fastest callable turning one decoded record (a ``dict``) into ``cls``.

    Used per record while streaming pages: skips the converter's dispatch.
    """
    hook = converter.get_structure_hook(cls)
    fast: Callable[[Mapping[str, Any]], T] | None = getattr(hook, "fast", None)
    if fast is None:
        return lambda data: hook(data, cls)
    return fast  # the generated function's second parameter defaults to None


def structure_many(items: Any, cls: type[T]) -> list[T]:
    make = record_structurer(cls)
    return [make(item) for item in items]


def unstructure(value: Any) -> Any:
    """Models back to plain data (dates as ISO 8601, enums as their values)."""
    return converter.unstructure(value)
