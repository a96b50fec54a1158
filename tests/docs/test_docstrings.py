"""A public name without a docstring fails: the API reference (docs/reference/) is generated from them.

The modules are those the reference pages show (``::: volunteer_core.services``); their public names are
their ``__all__``. Each class and function among them has a docstring of its own, and so has each public
method and property its class defines (an inherited docstring does not show in the reference).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from markdown_blocks import DOCS

REFERENCE = DOCS / "reference"
_DIRECTIVE = re.compile(r"^::: (?P<module>[\w.]+)\s*$", re.M)
#: the modules the reference must show, at least
REQUIRED = {
    "volunteer_core",
    "volunteer_core.services",
    "volunteer_core.storage.sql",
    "volunteer_core.storage.memory",
    "volunteer_core.ports",
    "volunteer_core.forms",
    "volunteer_core.certificates",
    "volunteer_core.testing.strategies",
    "volunteer_core.testing.contract",
    "volunteer_core.serialization",
    "volunteer_core.privacy",
    "volunteer_core.calendar",
    "volunteer_core.policies",
}


def _referenced() -> list[str]:
    return sorted(
        m["module"] for page in REFERENCE.glob("*.md") for m in _DIRECTIVE.finditer(page.read_text("utf-8"))
    )


def test_the_reference_shows_the_public_modules() -> None:
    assert not REQUIRED - set(_referenced()), REQUIRED - set(_referenced())


def _has_doc(obj: Any) -> bool:
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    return bool(doc and doc.strip()) and doc != "An enumeration."


def _function_of(member: Any) -> Any:
    """The function behind a class attribute, or None when it is not a method or a property."""
    if isinstance(member, property):
        return member.fget
    if isinstance(member, (classmethod, staticmethod)):
        return member.__func__
    if isinstance(member, functools.cached_property):
        return member.func
    return member if inspect.isfunction(member) else None


def _undocumented(module: ModuleType) -> Iterator[str]:
    for name in module.__all__:
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not _has_doc(obj):
            yield name
        if inspect.isclass(obj) and obj.__module__.startswith("volunteer_core"):
            for attribute, member in vars(obj).items():
                function = _function_of(member)
                if attribute.startswith("_") or function is None:
                    continue
                if not function.__module__.startswith("volunteer_core"):
                    continue
                if not _has_doc(function):
                    yield f"{name}.{attribute}"


@pytest.mark.parametrize("module_name", _referenced())
def test_every_public_name_has_a_docstring(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert _has_doc(module), f"{module_name}: the module has no docstring"
    assert hasattr(module, "__all__"), f"{module_name}: no __all__ says what is public"
    missing = sorted(set(_undocumented(module)))
    assert not missing, f"{module_name}: public names without a docstring: {missing}"


def test_a_name_without_a_docstring_is_found() -> None:
    module = ModuleType("volunteer_core.example")

    def documented() -> None:
        """Here."""

    def bare() -> None:
        pass

    class Thing:
        """A thing."""

        def act(self) -> None:
            pass

    Thing.__module__ = bare.__module__ = documented.__module__ = "volunteer_core.example"
    Thing.act.__module__ = "volunteer_core.example"
    module.__dict__.update(
        documented=documented, bare=bare, Thing=Thing, __all__=["documented", "bare", "Thing"]
    )
    assert sorted(_undocumented(module)) == ["Thing.act", "bare"]
