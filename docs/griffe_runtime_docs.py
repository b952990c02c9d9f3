"""A griffe extension for the reference site: what griffe cannot read from the source.

- Resource operations (``create``, ``update``, ``page``, ``stream``, ``list``) have their
  keyword arguments documented at import time, from their parameter schemas
  (``twilio_async/resources/operation_docs.py``): take those docstrings from the imported
  objects, so the site shows what ``help()`` shows.
- The keys of a parameter ``TypedDict`` (``twilio_async.types``) are documented from the
  same compiled schema: wire name, accepted values and Twilio's meaning (the ``Doc(...)``
  of the key), shown with the key's plain type instead of its ``Annotated[...]``.
- Docstrings are written for ``help()`` and the IDE, with Sphinx roles
  (``:class:`~twilio_async.errors.NotFoundError```), which render here as code, and
  reST's ``::`` before an indented example, which becomes a ``:`` (the indented lines
  are a code block in Markdown too).
"""

from __future__ import annotations

import re
from typing import Any

import griffe
from typing_extensions import is_typeddict

from twilio_async.params import schema

_PARAMETER_MODULES = ("twilio_async.resources.", "twilio_async.types.")
_OPERATIONS = frozenset({"create", "update", "page", "stream", "list"})
_ROLE = re.compile(r":(?:class|meth|func|attr|mod|exc|data|obj):`~?([^`]+)`")
_LITERAL_MARK = re.compile(r"(?<=\S)::$|^\s*::\n", re.M)


def _code(match: re.Match[str]) -> str:
    target = match.group(1)
    shown = target.rsplit(".", 1)[-1] if match.group(0).split("`")[1].startswith("~") else target
    return f"`{shown}`"


class RuntimeDocs(griffe.Extension):
    """Runtime docstrings for resource operations and TypedDict keys; Sphinx roles as code."""

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        if not cls.path.startswith(_PARAMETER_MODULES):
            return
        try:
            runtime = griffe.dynamic_import(cls.path)
        except ImportError:
            return
        if not is_typeddict(runtime):
            return
        for name, field in schema(runtime, operation=cls.name).fields.items():
            member = cls.members.get(name)
            if member is None or member.is_alias:  # inherited: documented on its base
                continue
            kind, _, accepted = field.kind.partition(": ")
            accepted = f"{accepted[:1].upper()}{accepted[1:]}. " if accepted else ""
            required = "Required. " if field.required else ""
            text = f"Sent as ``{field.wire}``. {required}{accepted}{field.doc}"
            member.docstring = griffe.Docstring(text, parent=member)
            member.annotation = kind

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.is_function and obj.name in _OPERATIONS and obj.parent and obj.parent.is_class:
            try:
                runtime = griffe.dynamic_import(obj.path)
            except ImportError:
                runtime = None
            text = getattr(runtime, "__doc__", None)
            source = obj.docstring
            if text and "Keyword Args:" in text and source is not None:
                obj.docstring = griffe.Docstring(
                    text,
                    lineno=source.lineno,
                    endlineno=source.endlineno,
                    parent=obj,
                    parser=source.parser,
                    parser_options=source.parser_options,
                )
        if obj.docstring is not None:
            text = _ROLE.sub(_code, obj.docstring.value)
            obj.docstring.value = _LITERAL_MARK.sub(
                lambda m: "" if "\n" in m.group(0) else ":", text
            )
