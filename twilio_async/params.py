"""Request parameters: declared once as TypedDicts, compiled into wire encoders.

Each operation's parameters are a ``TypedDict``: it types the keyword arguments users pass
(``**params: Unpack[IncomingPhoneNumberCreate]``) and, compiled by :func:`schema`, it is
also the data that encodes and validates them. Wire rules:

* names are PascalCase of the snake_case argument (``voice_url`` -> ``VoiceUrl``) unless a
  :class:`Wire` marker says otherwise;
* booleans go as ``true``/``false``; mappings as a JSON string;
* arguments not given are not sent; ``""`` is sent as an empty value (it clears a field);
* ``None`` is refused: omit the argument, or pass ``""`` to clear.

Validation (SID shapes, E.164, enum values, ranges, URLs) runs before anything is sent and
raises :class:`~twilio_async.errors.TwilioValidationError` naming the argument. So does text
UTF-8 cannot carry (a lone surrogate), which would otherwise fail deep in the URL encoder.
A keyword the operation does not take is a plain ``TypeError``, as Python raises for any
function, naming the operation and the likely fix (:func:`unknown_keyword`).
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import attrs
from typing_extensions import Doc, NotRequired, Required, get_type_hints

from .errors import TwilioValidationError
from .models.common import HttpMethod
from .sids import validate_sid

__all__ = [
    "E164",
    "AreaCode",
    "JsonObject",
    "MaxLength",
    "NationalNumber",
    "ParamSchema",
    "PhoneNumberPattern",
    "Range",
    "Sid",
    "Webhook",
    "WebhookMethod",
    "WebhookUrl",
    "Wire",
    "check_utf8",
    "schema",
    "unknown_keyword",
    "validate_sid",
]

Pairs = list[tuple[str, str]]


# --- markers used inside Annotated[...] --------------------------------------------------


@attrs.frozen
class Wire:
    """Send the argument under this exact name instead of its PascalCase."""

    name: str


@attrs.frozen
class Sid:
    """A Twilio SID with this two-letter prefix: ``^XX[0-9a-fA-F]{32}$``."""

    prefix: str
    clearable: bool = True  # "" detaches (e.g. voice_application_sid=""), unless False

    @property
    def allows_blank(self) -> bool:
        return self.clearable

    def check(self, param: str, value: str) -> None:
        validate_sid(value, self.prefix, param=param)


@attrs.frozen
class Range:
    """An integer within ``[low, high]``."""

    low: int
    high: int | None = None


@attrs.frozen
class MaxLength:
    """A string of at most this many characters."""

    limit: int


_E164_RE = re.compile(r"^\+[1-9][0-9]{1,14}$")
_PATTERN_RE = re.compile(r"^\+?[0-9*]{1,16}$")
_AREA_CODE_RE = re.compile(r"^[0-9]{3}$")


class _Check:
    """A string check with a fixed message."""

    allows_blank = False

    def __init__(self, regex: re.Pattern[str], what: str) -> None:
        self.regex = regex
        self.what = what

    def check(self, param: str, value: str) -> None:
        if not self.regex.fullmatch(value):  # not match(): "$" also matches before a "\n"
            raise TwilioValidationError(f"{param} must be {self.what}, got {value!r}", param=param)

    def __repr__(self) -> str:
        return f"<check: {self.what}>"


E164 = _Check(_E164_RE, "an E.164 phone number such as '+14155552344'")
PhoneNumberPattern = _Check(
    _PATTERN_RE, "digits, optionally with a leading '+' and '*' wildcards (e.g. '867' or '+1415*')"
)
AreaCode = _Check(_AREA_CODE_RE, "a three-digit area code such as '415'")
# The 2008-08-01 API's phone numbers: ten digits, no "+1", no decoration.
NationalNumber = _Check(
    re.compile(r"^[0-9]{10}\Z"), "a 10-digit US phone number such as '4158675309'"
)


class _WebhookUrl:
    allows_blank = True  # "" clears the URL

    def check(self, param: str, value: str) -> None:
        if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", value, re.IGNORECASE):
            raise TwilioValidationError(
                f"{param} must be an absolute http(s) URL or '' to clear it, got {value!r}",
                param=param,
            )

    def __repr__(self) -> str:
        return "<check: webhook URL>"


WebhookUrl = _WebhookUrl()

# Shared parameter types. Evaluated at runtime (TypedDicts are introspected), so they are
# spelled with Union for Python 3.10.
WebhookMethod = Union[HttpMethod, Literal["GET", "POST"]]  # noqa: UP007
"""The HTTP method Twilio uses for a webhook: ``"GET"``, ``"POST"`` or an ``HttpMethod``."""
Webhook = Annotated[str, WebhookUrl]
"""An absolute http(s) URL, or ``""`` to clear the webhook."""


class _JsonObject:
    """A mapping sent as a JSON string (marketplace ``Configuration``)."""

    def __repr__(self) -> str:
        return "<JSON object>"


JsonObject = _JsonObject()


# --- compiled schema ---------------------------------------------------------------------

Encoder = Callable[[str, Any], str]


@attrs.frozen
class Field:
    """One compiled parameter: its wire name, its encoder, and what the docs say of it."""

    name: str
    wire: str
    required: bool
    encode: Encoder
    kind: str = ""  # the values accepted, in words: "an E.164 phone number such as ..."
    doc: str = ""  # Twilio's meaning of the parameter (a Doc(...) in the TypedDict)


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _bool_encoder(param: str, value: Any) -> str:
    if not isinstance(value, bool):
        raise TwilioValidationError(f"{param} must be True or False, got {value!r}", param=param)
    return "true" if value else "false"


def _choices_encoder(choices: tuple[str, ...]) -> Encoder:
    allowed = frozenset(choices)

    def encode(param: str, value: Any) -> str:
        raw = value.value if isinstance(value, Enum) else value
        if not isinstance(raw, str) or raw not in allowed:
            raise TwilioValidationError(
                f"{param} must be one of {', '.join(map(repr, choices))}, got {value!r}",
                param=param,
            )
        return str(raw)

    return encode


def _int_encoder(limits: Range | None) -> Encoder:
    def encode(param: str, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TwilioValidationError(f"{param} must be an integer, got {value!r}", param=param)
        if limits is not None and (
            value < limits.low or (limits.high is not None and value > limits.high)
        ):
            bound = (
                f"{limits.low}..{limits.high}" if limits.high is not None else f">= {limits.low}"
            )
            raise TwilioValidationError(f"{param} must be {bound}, got {value}", param=param)
        return str(value)

    return encode


def _str_encoder(checks: tuple[Any, ...], max_length: int | None, required: bool) -> Encoder:
    # "" means "clear this field" for optional URL/SID fields; everything else checks it.
    blank_ok = not required and all(check.allows_blank for check in checks)

    def encode(param: str, value: Any) -> str:
        if not isinstance(value, str):
            raise TwilioValidationError(
                f"{param} must be a string, got {type(value).__name__}", param=param
            )
        if max_length is not None and len(value) > max_length:
            raise TwilioValidationError(
                f"{param} must be at most {max_length} characters, got {len(value)}", param=param
            )
        text: str = value
        if text or not blank_ok:
            for check in checks:
                check.check(param, text)
        return text

    return encode


def _json_encoder(param: str, value: Any) -> str:
    if not isinstance(value, Mapping):
        raise TwilioValidationError(
            f"{param} must be a mapping (it is sent as a JSON object), got {type(value).__name__}",
            param=param,
        )
    try:
        # Not ASCII-escaped, so that text UTF-8 cannot carry is caught by encode().
        return json.dumps(dict(value), separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise TwilioValidationError(
            f"{param} is not JSON-serialisable: {exc}", param=param
        ) from None


def check_utf8(param: str, text: str) -> None:
    """Refuse text that cannot be sent as UTF-8: a lone surrogate such as ``"\\ud800"``
    (left by ``errors="surrogateescape"`` decoding, or by slicing a UTF-16 string)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TwilioValidationError(
            f"{param} is not valid Unicode text: it holds a lone surrogate "
            f"({text[exc.start]!r}) at index {exc.start} of the value sent",
            param=param,
        ) from None


def _unwrap(tp: Any) -> tuple[Any, tuple[Any, ...], bool | None]:
    """Strip Required/NotRequired/Annotated: the bare type, its metadata, and whether the
    annotation itself says Required (True) or NotRequired (False)."""
    metadata: tuple[Any, ...] = ()
    required: bool | None = None
    while True:
        origin = get_origin(tp)
        if origin in (Required, NotRequired):
            required = origin is Required
            tp = get_args(tp)[0]
        elif origin is Annotated:
            args = get_args(tp)
            tp, metadata = args[0], metadata + tuple(args[1:])
        else:
            return tp, metadata, required


def _choices(tp: Any) -> tuple[str, ...] | None:
    """Allowed string values for Literal[...] / an Enum / a union of those."""
    origin = get_origin(tp)
    if origin is Literal:
        return tuple(str(arg) for arg in get_args(tp))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tuple(str(member.value) for member in tp)
    if origin in (Union, types.UnionType):
        values: list[str] = []
        for arg in get_args(tp):
            sub = _choices(arg)
            if sub is None:
                return None
            values.extend(v for v in sub if v not in values)
        return tuple(values)
    return None


def _encoder_for(name: str, tp: Any, metadata: tuple[Any, ...], required: bool) -> Encoder:
    if any(marker is JsonObject for marker in metadata):
        return _json_encoder
    choices = _choices(tp)
    if choices is not None:
        return _choices_encoder(choices)
    if tp is bool:
        return _bool_encoder
    if tp is int:
        return _int_encoder(next((m for m in metadata if isinstance(m, Range)), None))
    if tp is str:
        checks = tuple(m for m in metadata if hasattr(m, "check"))
        max_length = next((m.limit for m in metadata if isinstance(m, MaxLength)), None)
        return _str_encoder(checks, max_length, required)
    raise TypeError(f"parameter {name!r}: no wire encoding for {tp!r}")


def _kind(tp: Any, metadata: tuple[Any, ...]) -> str:
    """The values a parameter accepts, in words, for its documentation (``_encoder_for``
    reads the same annotation to check them)."""
    if any(marker is JsonObject for marker in metadata):
        return "Mapping[str, Any]: a mapping, sent as a JSON object"
    choices = _choices(tp)
    if choices is not None:
        return "str: one of " + ", ".join(repr(choice) for choice in choices)
    if tp is bool:
        return "bool: True or False, sent as true/false"
    if tp is int:
        limits = next((m for m in metadata if isinstance(m, Range)), None)
        if limits is None:
            return "int"
        high = f" to {limits.high}" if limits.high is not None else " or more"
        return f"int: from {limits.low}{high}"
    words = [_marker_words(m) for m in metadata if not isinstance(m, Wire | Doc)]
    return "str" + "".join(f": {w}" if i == 0 else f"; {w}" for i, w in enumerate(words) if w)


def _marker_words(marker: Any) -> str:
    if isinstance(marker, Sid):
        detach = ", or '' to detach it" if marker.clearable else ""
        return f"a SID starting with {marker.prefix}{detach}"
    if isinstance(marker, MaxLength):
        return f"at most {marker.limit} characters"
    if isinstance(marker, _WebhookUrl):
        return "an absolute http(s) URL, or '' to clear it"
    # A check states what it wants as its ``what`` (the text of its error message).
    what = getattr(marker, "what", None)
    return what if isinstance(what, str) else ""


def unknown_keyword(
    operation: str, name: str, accepted: Iterable[str], elsewhere: Mapping[str, str] | None = None
) -> TypeError:
    """The ``TypeError`` for a keyword ``operation`` does not take, with the likely fix.

    ``elsewhere`` says where a parameter this operation lacks is accepted (``area_code`` on
    a Local purchase: only the main list buys by area code); otherwise the closest of the
    ``accepted`` names is suggested (``voice_ur`` -> ``voice_url``).
    """
    message = f"{operation}() got an unexpected keyword argument {name!r}"
    hint = (elsewhere or {}).get(name)
    if hint is None:
        import difflib  # only on this error path

        close = difflib.get_close_matches(name, sorted(accepted), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else None
    return TypeError(message if hint is None else f"{message}; {hint}")


@attrs.frozen
class ParamSchema:
    """The compiled form of one operation's parameter TypedDict.

    ``operation`` names it in messages, unless :meth:`encode` is told the name of the call
    that uses it (one schema can serve several resources); ``elsewhere`` maps parameters it
    lacks to where they are accepted (see :func:`unknown_keyword`).
    """

    operation: str
    fields: Mapping[str, Field]
    one_of: tuple[tuple[str, ...], ...] = ()
    elsewhere: Mapping[str, str] = attrs.field(factory=dict)

    def encode(
        self, values: Mapping[str, Any], *, operation: str | None = None, also: Iterable[str] = ()
    ) -> Pairs:
        """Validate ``values`` and return the wire pairs, in declaration order.

        ``operation`` names the call in messages; ``also`` lists the call's other keyword
        arguments (``limit``, ``page_size``...), candidates for a misspelt name.
        """
        operation = operation or self.operation
        for name in values:
            if name not in self.fields:
                raise unknown_keyword(operation, name, [*self.fields, *also], self.elsewhere)
        for name, field in self.fields.items():
            if field.required and name not in values:
                raise TwilioValidationError(f"{operation}() requires {name}", param=name)
        for group in self.one_of:
            given = [name for name in group if name in values]
            if len(given) != 1:
                options = " or ".join(group)
                problem = "got both " + " and ".join(given) if given else "got neither"
                raise TwilioValidationError(
                    f"{operation}() needs exactly one of {options} ({problem})",
                    param=group[0],
                )
        pairs: Pairs = []
        for name, field in self.fields.items():
            if name not in values:
                continue
            value = values[name]
            if value is None:
                raise TwilioValidationError(
                    f"{name}=None is not accepted: omit the argument to leave the field "
                    "unchanged, or pass '' to clear it",
                    param=name,
                )
            wire = field.encode(name, value)
            if not wire.isascii():
                check_utf8(name, wire)
            pairs.append((field.wire, wire))
        return pairs

    def wire_name(self, name: str) -> str:
        return self.fields[name].wire

    def docs(self) -> str:
        """The parameters as a docstring section (Google style), for ``help()`` and the
        reference site: name, value type, wire name, what is accepted, Twilio's meaning."""
        lines = ["Keyword Args:"]
        for field in self.fields.values():
            tp, _, accepted = field.kind.partition(": ")
            group = next((g for g in self.one_of if field.name in g), None)
            needs = (
                "Required. "
                if field.required
                else f"Exactly one of {' or '.join(group)} is required. "
                if group
                else ""
            )
            accepted = f"{accepted[:1].upper()}{accepted[1:]}. " if accepted else ""
            text = f"{field.name} ({tp}): Sent as ``{field.wire}``. {needs}{accepted}{field.doc}"
            lines.append(f"    {text}")  # one line each: wrapping them cost 2 ms per list
        return "\n".join(lines)


def schema(
    typed_dict: type,
    *,
    operation: str,
    one_of: Iterable[tuple[str, ...]] = (),
    elsewhere: Mapping[str, str] | None = None,
) -> ParamSchema:
    """Compile a parameter TypedDict into a :class:`ParamSchema` (once, at import time).

    ``elsewhere`` maps a parameter the operation does not take to a hint saying where it is
    accepted, given with the ``TypeError`` for it.
    """
    hints = get_type_hints(typed_dict, include_extras=True)
    required_keys: frozenset[str] = getattr(typed_dict, "__required_keys__", frozenset())
    fields: dict[str, Field] = {}
    for name, hint in hints.items():
        tp, metadata, explicit = _unwrap(hint)
        wire = next((m.name for m in metadata if isinstance(m, Wire)), None) or _pascal(name)
        # With postponed annotations the TypedDict class cannot see Required[...] itself,
        # so the evaluated annotation decides whenever it says something.
        required = explicit if explicit is not None else name in required_keys
        fields[name] = Field(
            name=name,
            wire=wire,
            required=required,
            encode=_encoder_for(name, tp, metadata, required),
            kind=_kind(tp, metadata),
            doc=" ".join(m.documentation for m in metadata if isinstance(m, Doc)),
        )
    for name in elsewhere or {}:
        if name in fields:
            raise TypeError(f"elsewhere names {name!r}, a parameter of {operation} itself")
    groups = tuple(tuple(group) for group in one_of)
    for group in groups:
        for name in group:
            if name not in fields:
                raise TypeError(f"one_of names unknown parameter {name!r}")
    return ParamSchema(operation=operation, fields=fields, one_of=groups, elsewhere=elsewhere or {})
