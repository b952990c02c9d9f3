"""The reference documentation: every public member has a docstring, every model field its
description, every keyword of every operation its wire name and Twilio's meaning (in the
docstring ``help()`` shows), and the site's pages point at things that exist."""

from __future__ import annotations

import ast
import importlib
import inspect
import pydoc
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from twilio_async.params import ParamSchema
from twilio_async.resources.base import Resource

ROOT = Path(__file__).resolve().parent.parent

# The modules whose ``__all__`` is the public API a user reaches.
PUBLIC_MODULES = [
    "twilio_async",
    "twilio_async.bulk",
    "twilio_async.testing",
    "twilio_async.pagination",
    "twilio_async.errors",
    "twilio_async.retry",
    "twilio_async.limits",
    "twilio_async.limits_redis",
    "twilio_async.models",
    "twilio_async.types",
    "twilio_async.resources.incoming_phone_numbers",
    "twilio_async.resources.available_phone_numbers",
    "twilio_async.resources.assigned_add_ons",
    "twilio_async.resources.marketplace",
    "twilio_async.resources.incoming_phone_numbers_v2008",
    "twilio_async.resources.base",
]
RESOURCE_MODULES = [name for name in PUBLIC_MODULES if name.startswith("twilio_async.resources.")]

# Each operation and the class attribute holding its parameter schema.
OPERATIONS = {
    "create": "_create_params",
    "update": "_update_params",
    "page": "_filters",
    "stream": "_filters",
    "list": "_filters",
}


def public_objects() -> Iterator[tuple[str, Any]]:
    seen: set[int] = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if id(value) in seen or not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            seen.add(id(value))
            yield f"{module_name}.{name}", value


def own_members(cls: type) -> Iterator[tuple[str, Any]]:
    """The public methods and properties ``cls`` itself defines (inherited ones are
    checked on the class that defines them, which is public too or a base listed here)."""
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        function = value.fget if isinstance(value, property) else value
        if isinstance(function, staticmethod | classmethod):
            function = function.__func__
        if inspect.isfunction(function) or isinstance(value, property):
            yield name, function


def test_every_public_class_function_method_and_property_has_a_docstring() -> None:
    missing = []
    count = 0
    for path, value in public_objects():
        count += 1
        if not (value.__doc__ or "").strip():
            missing.append(path)
        if inspect.isclass(value) and value.__module__.startswith("twilio_async"):
            for name, member in own_members(value):
                count += 1
                if not (getattr(member, "__doc__", None) or "").strip():
                    missing.append(f"{path}.{name}")
    assert count > 250  # the walk reached the API (a broken walk must not pass)
    assert missing == []


def test_every_argument_of_the_client_is_documented() -> None:
    from twilio_async import Client

    doc = Client.__doc__ or ""
    documented = set(re.findall(r"^ {8}(\w+): ", doc.split("Args:", 1)[1], re.M))
    assert documented == set(inspect.signature(Client).parameters)


def model_classes() -> list[type]:
    import twilio_async.models as models

    return [
        getattr(models, name)
        for name in models.__all__
        if attrs.has(getattr(models, name))  # the @model classes, not the enums
    ]


def fields_with_docstrings(cls: type) -> set[str]:
    """The fields of ``cls`` followed by a docstring in its source (what griffe renders)."""
    tree = ast.parse(inspect.getsource(sys.modules[cls.__module__]))
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
    documented = set()
    for statement, after in zip(node.body, node.body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
            and after.value.value.strip()
        ):
            documented.add(statement.target.id)
    return documented


def test_every_model_field_is_described() -> None:
    classes = model_classes()
    assert len(classes) >= 10
    for cls in classes:
        fields = {field.name for field in attrs.fields(cls)}
        assert fields - fields_with_docstrings(cls) == set(), cls.__name__


def resource_classes() -> list[type[Resource]]:
    found: dict[str, type[Resource]] = {}
    for module_name in RESOURCE_MODULES:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, Resource):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def operations() -> Iterator[tuple[str, Any, ParamSchema]]:
    """Every operation taking keyword parameters: (name, function, its schema)."""
    for cls in resource_classes():
        for method, attribute in OPERATIONS.items():
            function = getattr(cls, method, None)
            schema = getattr(cls, attribute, None)
            if inspect.isfunction(function) and schema is not None:
                yield f"{cls.__name__}.{method}", function, schema


def unpacked_keys(function: Any) -> set[str]:
    """The keys of the TypedDict of ``**params: Unpack[TD]`` in ``function``'s signature."""
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            match = re.fullmatch(r"Unpack\[(\w+)\]", str(parameter.annotation))
            assert match is not None, parameter.annotation
            typed_dict = function.__globals__[match.group(1)]
            return set(typed_dict.__required_keys__ | typed_dict.__optional_keys__)
    return set()


def test_every_keyword_of_every_operation_is_documented_with_its_wire_name() -> None:
    seen = 0
    for name, function, schema in operations():
        # The schema documented is the one the signature's TypedDict compiles to.
        assert set(schema.fields) == unpacked_keys(function), name
        doc = function.__doc__ or ""
        for field in schema.fields.values():
            seen += 1
            assert field.doc.strip(), f"{name}: {field.name} has no description (Doc)"
            entry = re.search(
                rf"^ {{4}}{field.name} \((\w[^)]*)\): (.*?)(?=^ {{4}}\w|\Z)", doc, re.M | re.S
            )
            assert entry is not None, f"{name}: {field.name} is not in its docstring"
            text = " ".join(entry.group(2).split())
            assert f"Sent as ``{field.wire}``." in text, (name, field.name)
            assert " ".join(field.doc.split()) in text, (name, field.name)
    assert seen > 150  # every resource's operations were reached


def test_choices_ranges_and_formats_are_stated() -> None:
    from twilio_async.resources.available_phone_numbers import AvailableLocalList
    from twilio_async.resources.incoming_phone_numbers import IncomingPhoneNumberList

    create = IncomingPhoneNumberList.create.__doc__ or ""
    assert "voice_method (str): Sent as ``VoiceMethod``. One of 'GET', 'POST'." in create
    assert "Exactly one of phone_number or area_code is required." in " ".join(create.split())
    assert "A SID starting with AP, or '' to detach it." in " ".join(create.split())
    search = " ".join((AvailableLocalList.list.__doc__ or "").split())
    assert "area_code (int): Sent as ``AreaCode``. From 200 to 999." in search
    assert "limit (int | None):" in search  # the paging keywords too


def test_help_shows_the_parameters_of_an_operation() -> None:
    from twilio_async.resources.incoming_phone_numbers import IncomingPhoneNumberList

    text = pydoc.render_doc(IncomingPhoneNumberList.create, renderer=pydoc.plaintext)
    assert "**params: 'Unpack[IncomingPhoneNumberCreate]'" in text
    assert "area_code (str): Sent as ``AreaCode``." in text
    assert "The desired area code for your new incoming phone number." in " ".join(text.split())


def site_pages() -> list[Path]:
    return sorted((ROOT / "docs").rglob("*.md"))


def test_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    config = (ROOT / "mkdocs.yml").read_text()
    in_nav = set(re.findall(r":\s+([\w/.-]+\.md)\s*$", config, re.M))
    pages = {str(page.relative_to(ROOT / "docs")) for page in site_pages()}
    assert in_nav == pages


def test_every_reference_target_imports() -> None:
    targets = [
        target
        for page in site_pages()
        for target in re.findall(r"^::: ([\w.]+)$", page.read_text(), re.M)
    ]
    assert len(targets) > 40
    for target in targets:
        module_name, _, attribute = target.rpartition(".")
        try:
            module = importlib.import_module(target)
        except ImportError:
            module = importlib.import_module(module_name)
            assert hasattr(module, attribute), target
        else:
            assert module.__doc__, target


@pytest.mark.parametrize("name", ["create", "update", "stream"])
def test_a_function_shared_by_two_names_is_documented_once(name: str) -> None:
    # page_async = page style aliases share the function: its section must not repeat.
    for _, function, _ in operations():
        if function.__name__ == name:
            assert (function.__doc__ or "").count("Keyword Args:") == 1
