"""A griffe extension for the reference site: what griffe cannot read from the source.

- Resource operations (``create``, ``update``, ``page``, ``stream``, ``list``) have their
  keyword arguments documented at import time, from their parameter schemas
  (``twilio_async/resources/operation_docs.py``): take those docstrings from the imported
  objects, so the site shows what ``help()`` shows.
- Docstrings are written for ``help()`` and the IDE, with Sphinx roles
  (``:class:`~twilio_async.errors.NotFoundError```), which render here as code, and
  reST's ``::`` before an indented example, which becomes a ``:`` (the indented lines
  are a code block in Markdown too).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_OPERATIONS = frozenset({"create", "update", "page", "stream", "list"})
_ROLE = re.compile(r":(?:class|meth|func|attr|mod|exc|data|obj):`~?([^`]+)`")
_LITERAL_MARK = re.compile(r"(?<=\S)::$|^\s*::\n", re.M)


def _code(match: re.Match[str]) -> str:
    target = match.group(1)
    shown = target.rsplit(".", 1)[-1] if match.group(0).split("`")[1].startswith("~") else target
    return f"`{shown}`"


class RuntimeDocs(griffe.Extension):
    """Runtime docstrings for resource operations; Sphinx roles as code."""

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
