"""What ``help()`` and the reference site say of an operation's keyword arguments.

A resource method takes its parameters as ``**params: Unpack[SomeTypedDict]``, which
``help()`` shows as only that. So when a resource class is created, each operation it
defines (``create``, ``update``, ``page``, ``stream``, ``list``) gets its docstring
completed from the data that already drives it: the paging keywords of its signature, and
every keyword of its compiled parameter schema with its type, wire name, accepted values
and Twilio's meaning (the ``Doc(...)`` of its TypedDict field). For the whole resource
tree this costs about 0.8 ms when it is first imported (one unwrapped line per keyword:
wrapping them with ``textwrap`` made it 5 ms).
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["document_operations"]

# Each operation and the class attribute holding the ParamSchema of its keywords.
_SCHEMAS = {
    "create": "_create_params",
    "update": "_update_params",
    "page": "_filters",
    "stream": "_filters",
    "list": "_filters",
}

# The keywords lists take besides their filters.
_PAGING = {
    "limit": "limit (int | None): The most records to return in all; None (the default) "
    "for every record.",
    "page_size": "page_size (int | None): Records per page, 1 to 1000 (sent as ``PageSize``; "
    "``num`` in the 2008-08-01 API). Not given, ``stream()`` and ``list()`` ask for 1000 (or "
    "``limit``, when smaller) and ``page()`` leaves it to Twilio (50).",
    "page_number": "page_number (int | None): The page to fetch, from 0 (sent as ``Page``; "
    "``page`` in the 2008-08-01 API); with ``page_token``, as Twilio's next page link gives "
    "them.",
    "page_token": "page_token (str | None): The token of the page to fetch, as Twilio's next "
    "page link gives it (sent as ``PageToken``).",
    "resume": "resume (StreamCursor | str | None): A stream's ``cursor`` (or its text, or a "
    "failed stream's ``error.cursor``): go on after the last record it delivered. Pass "
    "only ``limit`` with it.",
}

_DONE = "Keyword Args:"  # a function shared by two names (page_async = page) is done once


def document_operations(cls: type[Any]) -> None:
    """Complete the docstrings of the operations ``cls`` defines (see the module's)."""
    for method, attribute in _SCHEMAS.items():
        function = cls.__dict__.get(method)
        if not inspect.isfunction(function) or _DONE in (function.__doc__ or ""):
            continue
        sections = []
        code = function.__code__  # its argument names (inspect.signature costs 0.1 ms)
        names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        paging = [_PAGING[name] for name in names if name in _PAGING]
        if paging:
            sections.append("\n".join(["Args:", *(f"    {line}" for line in paging)]))
        schema = getattr(cls, attribute, None)
        if schema is not None:
            sections.append(schema.docs())
        if sections:
            function.__doc__ = "\n\n".join([inspect.cleandoc(function.__doc__ or ""), *sections])
