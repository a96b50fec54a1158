"""Constructors of frozen attrs classes for values the library has just computed itself.

Why: a frozen attrs class sets each field through ``object.__setattr__`` by name and runs its converters
and validators — right for values that come from a caller, and the larger part of the cost of a
:class:`~volunteer_core.compliance.MemberYear` or a :class:`~volunteer_core.rules.Violation` built by
the thousand in a year's evaluation, whose values are made by the evaluation itself (ints it counted,
tuples it built, a dict of details it just filled). :func:`trusted_constructor` gives a positional
constructor that writes the slots through their descriptors and runs nothing else. Use it only where
every value is known to be what the validators would accept and what the converters would return —
the objects it builds are equal to, and indistinguishable from, those the class's own ``__init__`` builds
(a property test checks both classes it is used for).

>>> import attrs
>>> @attrs.frozen(kw_only=True)
... class Point:
...     x: int = attrs.field(validator=attrs.validators.instance_of(int))
...     y: int = 0
>>> make = trusted_constructor(Point)
>>> make(1, 2) == Point(x=1, y=2), make(1, 2)
(True, Point(x=1, y=2))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["trusted_constructor"]

T = TypeVar("T")


def trusted_constructor(cls: type[T]) -> Callable[..., T]:
    """A function taking every field of the slotted attrs class ``cls`` positionally, in their order,
    that builds an instance without its converters, validators or ``__attrs_post_init__``.

    Raises:
        TypeError: ``cls`` is not a slotted attrs class, or has a post-init hook (its invariants would be
            skipped) or a cached hash.
    """
    if not attrs.has(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a slotted attrs class")
    if hasattr(cls, "__attrs_post_init__") or "__attrs_pre_init__" in cls.__dict__:
        raise TypeError(f"{cls.__name__} has an init hook: its invariants would be skipped")
    if "__hash" in getattr(cls, "__slots__", ()):
        raise TypeError(f"{cls.__name__} caches its hash")
    names = [a.name for a in attrs.fields(cls)]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def build({', '.join(names)}):", "    obj = new(cls)"]
    for i, name in enumerate(names):
        scope[f"set{i}"] = getattr(cls, name).__set__  # the slot's member descriptor
        lines.append(f"    set{i}(obj, {name})")
    lines.append("    return obj")
    exec("\n".join(lines), scope)  # straight-line code from the field names, as attrs writes its __init__
    build: Callable[..., T] = scope["build"]
    build.__name__ = build.__qualname__ = f"trusted_{cls.__name__}"
    return build
