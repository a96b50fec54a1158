"""Every public parser raises only the InvalidInput family, whatever it is fed (issue 15), the way
python-stdnum's ``test_robustness.doctest`` feeds junk to every validator — but the parsers are discovered,
not listed by hand.

The rule that finds them:

* the modules are ``volunteer_core`` and every public submodule (no ``_`` in its dotted path) but the test
  kit (``volunteer_core.testing``) and the judges of built entities (``volunteer_core.rules``,
  ``volunteer_core.compliance``: they take entities, not input) and the notebook renderers
  (``volunteer_core.notebook``: they take results); a module's public names are its ``__all__``;
* a **function** there (or a class method of a class there) whose name starts with one of
  :data:`PREFIXES` is a parser; its input is its first parameter not named in :data:`CONTEXT` (``cls``,
  ``uow``, ``secret`` … get good values from that table). When the input is annotated with an attrs class
  (``verify_certificate(cert, …)``), a valid one with a field replaced by junk is fed too;
* a **constructor** is a parser too: ``Yuan()`` and every attrs class that ``serialization.structure`` reads
  (each class with a JSON Schema, :func:`volunteer_core.serialization.json_schemas`): a valid instance
  with one field replaced by junk.

The junk: wrong types (``None``, ``0``, ``1.5``, NaN, ``[]``, ``{}``, ``b""``, ``object()``), 5,000 digits
(as text and as an int), a lone surrogate, NUL, ANSI and C1 control characters, JSON and a Python list nested
100,000 deep, a 10 MB string, a directory — then hypothesis-generated text (surrogates included), bytes,
numbers and nested lists and dicts of them.

Only :class:`~volunteer_core.errors.InvalidInput` (and its subclass ``InvalidType``) may escape, and its text
must be writable as UTF-8; a predicate whose input is annotated ``object`` (``is_valid``, ``is_mobile``)
never raises and answers a bool. The number of parsers found is recorded as the ``parsers_found`` property
of :func:`test_the_public_parsers_are_discovered` (``-s`` prints the list).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import tempfile
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import volunteer_core
from volunteer_core import InvalidInput, Yuan
from volunteer_core.serialization import json_schemas
from volunteer_core.storage.memory import InMemoryUnitOfWork

#: How a parser's name starts.
PREFIXES = (
    "parse",
    "normalize",
    "normalise",
    "validate",
    "structure",
    "from_",
    "import_",
    "read_",
    "verify_",
    "coerce_",
    "mask_",
    "is_",
    "id_number_",
)

#: Packages whose functions are not parsers (see the module docstring).
EXCLUDED = (
    "volunteer_core.testing",
    "volunteer_core.rules",
    "volunteer_core.compliance",
    "volunteer_core.notebook",
)

#: Good values for the parameters that are not the input, by name (``cls`` is drawn among the classes).
CONTEXT: dict[str, Callable[[], Any]] = {
    "uow": InMemoryUnitOfWork,
    "secret": lambda: "a secret of 16+ bytes",
}

#: Good values for an input while another input of the same function is fed junk.
GOOD_INPUT: dict[str, Callable[[], Any]] = {
    "path": lambda: "phone",
    "value": lambda: "13912344859",
}

DEEP_LIST: Any = "x"
for _ in range(100_000):
    DEEP_LIST = [DEEP_LIST]

#: The junk every parser is fed, by name.
FIXED_JUNK: dict[str, Any] = {
    "None": None,
    "0": 0,
    "1.5": 1.5,
    "NaN": float("nan"),
    "True": True,
    "[]": [],
    "{}": {},
    'b""': b"",
    "object()": object(),
    '""': "",
    "5,000 digits": "9" * 5000,
    "5,000-digit int": 10**5000,
    "negative 5,000 digits": "-" + "9" * 5000,
    "lone surrogate": "\ud800",
    "NUL": "a\x00b",
    "ANSI": "\x1b[2J\x1b[31m",
    "C1": "\x85\x9b",
    "deep JSON": "[" * 100_000 + "]" * 100_000,
    "deep list": DEEP_LIST,
    "10 MB": "9" * 10_000_000,
    "directory": Path(tempfile.gettempdir()),
    "a date's text": "2026-05-01",
    "a date": date(2026, 5, 1),
}

TEXT = st.text(st.characters(blacklist_categories=()), max_size=40)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT | st.binary(max_size=16) | st.dates()
GENERATED_JUNK = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


# ---------------------------------------------------------------------------------------------------------
# discovery


def _public_modules() -> list[Any]:
    modules = [volunteer_core]
    for info in pkgutil.walk_packages(volunteer_core.__path__, "volunteer_core."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts[1:]) or info.name.startswith(EXCLUDED):
            continue
        modules.append(importlib.import_module(info.name))
    return modules


def _schema_classes(modules: list[Any]) -> list[type]:
    names = set(json_schemas())
    found: dict[str, type] = {}
    for module in modules:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if name in names and attrs.has(obj):
                found[name] = obj
    assert set(found) == names, f"schema classes not exported by any public module: {names - set(found)}"
    return [found[name] for name in sorted(found)]


@dataclass(frozen=True)
class Parser:
    """One discovered parser: its name, how to feed it junk, and whether it may raise at all."""

    name: str
    feed: Callable[[Any, type], Any]  # (junk, a class for a ``cls`` parameter) -> the parser's answer
    never_raises: bool = False
    #: The attrs class of the input, when a valid one is also fed with each field replaced by junk.
    field_junk_of: type | None = None
    #: Whether it has a ``cls`` parameter (``structure``, ``from_json``): it is tried with every class.
    takes_cls: bool = False


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func)
    except Exception:  # an annotation naming what only a type checker imports
        return {}


def _function_parsers(name: str, func: Callable[..., Any]) -> list[Parser]:
    """One parser per input of ``func``: each input is fed junk in turn, the others a good value."""
    parameters = list(inspect.signature(func).parameters.values())
    required = [
        p
        for p in parameters
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    inputs = [p for p in required if p.name != "cls" and p.name not in CONTEXT]
    assert inputs, f"{name}: no input parameter"
    if len(inputs) > 1:
        unknown = [p.name for p in inputs if p.name not in GOOD_INPUT]
        assert not unknown, f"{name}: add a good value for {unknown} to GOOD_INPUT"
    hints = _hints(func)
    parsers = []
    for target in inputs:

        def feed(junk: Any, cls: type, target: inspect.Parameter = target) -> Any:
            args: dict[str, Any] = {}
            for p in required:
                if p is target:
                    args[p.name] = junk
                elif p.name == "cls":
                    args[p.name] = cls
                else:
                    args[p.name] = (CONTEXT.get(p.name) or GOOD_INPUT[p.name])()
            positional = [args.pop(p.name) for p in required if p.kind is not p.KEYWORD_ONLY]
            return func(*positional, **args)

        hint = hints.get(target.name)
        parsers.append(
            Parser(
                name=name if len(inputs) == 1 else f"{name}[{target.name}]",
                feed=feed,
                never_raises=name.rsplit(".", 1)[-1].startswith("is_") and hint in (object, Any),
                field_junk_of=hint if isinstance(hint, type) and attrs.has(hint) else None,
                takes_cls=any(p.name == "cls" for p in required),
            )
        )
    return parsers


def _constructor_parser(cls: type) -> Parser:
    name = f"{cls.__module__}.{cls.__qualname__}()"
    if not attrs.has(cls):
        return Parser(name=name, feed=lambda junk, _cls: cls(junk))

    def feed(junk: Any, _cls: type) -> Any:
        raise AssertionError("constructors are fed field by field")

    return Parser(name=name, feed=feed, field_junk_of=cls)


def _discover() -> tuple[list[Parser], list[type]]:
    modules = _public_modules()
    classes = _schema_classes(modules)
    functions: dict[int, list[Parser]] = {}
    for module in modules:
        for public in getattr(module, "__all__", ()):
            obj = getattr(module, public)
            candidates: list[tuple[str, Any]] = []
            if inspect.isfunction(obj) and obj.__module__.startswith("volunteer_core."):
                if not obj.__module__.startswith(EXCLUDED):
                    candidates.append((f"{obj.__module__}.{obj.__qualname__}", obj))
            elif inspect.isclass(obj) and obj.__module__.startswith("volunteer_core."):
                for member, method in inspect.getmembers(obj, inspect.ismethod):
                    if method.__self__ is obj and not member.startswith("_"):
                        candidates.append((f"{obj.__module__}.{obj.__qualname__}.{member}", method))
            for name, func in candidates:
                if name.rsplit(".", 1)[-1].startswith(PREFIXES):
                    key = id(getattr(func, "__func__", func))
                    functions.setdefault(key, _function_parsers(name, func))
    parsers = sorted((p for found in functions.values() for p in found), key=lambda p: p.name)
    parsers += [_constructor_parser(cls) for cls in (Yuan, *classes)]
    return parsers, classes


PARSERS, CLASSES = _discover()


# ---------------------------------------------------------------------------------------------------------
# feeding junk


def _any_typed(hint: Any) -> bool:
    return hint is Any or any(_any_typed(arg) for arg in typing.get_args(hint))


def _field_strategy(hint: Any) -> st.SearchStrategy[Any]:
    """A strategy for one field: its type's, or a plain value where the type says nothing (``Any``, a callable)."""
    if _any_typed(hint):
        return st.just({})
    if typing.get_origin(hint) is Callable or hint is Callable:
        return st.just(lambda *args, **kwargs: [])
    return st.from_type(hint)


@functools.cache
def example(cls: type) -> Any:
    """A valid ``cls``: from the test kit's strategies, else built field by field from its type hints."""
    strategy: st.SearchStrategy[Any] = st.from_type(cls)
    hints = typing.get_type_hints(cls)
    if any(
        _any_typed(hints[f.name]) or typing.get_origin(hints[f.name]) is Callable for f in attrs.fields(cls)
    ):
        required = {
            f.name: _field_strategy(hints[f.name]) for f in attrs.fields(cls) if f.default is attrs.NOTHING
        }
        strategy = st.builds(cls, **required)
    return find(strategy, lambda _: True, settings=settings(phases=[Phase.generate], database=None))


# drawn once, here: hypothesis refuses a ``find`` inside a ``@given`` test
for _parser in PARSERS:
    if _parser.field_junk_of is not None:
        example(_parser.field_junk_of)


def _shown(junk: Any) -> str:
    if isinstance(junk, str | bytes | list) and len(junk) > 30:
        return f"<{type(junk).__name__} of {len(junk)}>"
    if junk is DEEP_LIST:
        return "<list nested 100,000 deep>"
    try:
        text = repr(junk)
    except Exception:
        return f"<{type(junk).__name__}>"
    return text if len(text) <= 60 else f"{text[:60]}…"


def _attempts(parser: Parser, junk: Any, cls: type) -> list[tuple[str, Callable[[], Any]]]:
    """The calls that feed ``junk`` to ``parser``: raw, and as each field of a valid instance."""
    calls: list[tuple[str, Callable[[], Any]]] = []
    is_constructor = parser.name.endswith("()")
    if not (is_constructor and parser.field_junk_of is not None):
        calls.append((_shown(junk), lambda: parser.feed(junk, cls)))
    if parser.field_junk_of is not None:
        valid = example(parser.field_junk_of)
        for field in attrs.fields(parser.field_junk_of):
            if is_constructor:
                calls.append(
                    (f"{field.name}={_shown(junk)}", functools.partial(_evolve, valid, field.name, junk))
                )
            else:
                bad = _without_validation(valid, field.name, junk)
                shown = f"a {type(valid).__name__} with {field.name}={_shown(junk)}"
                calls.append((shown, functools.partial(parser.feed, bad, cls)))
    return calls


def _evolve(valid: Any, field: str, junk: Any) -> Any:
    return attrs.evolve(valid, **{field: junk})


def _without_validation(valid: Any, field: str, junk: Any) -> Any:
    """``valid`` with ``field`` set to ``junk`` even if the class would refuse it (a malformed object)."""
    bad = attrs.evolve(valid)
    object.__setattr__(bad, field, junk)
    return bad


def _failures(parser: Parser, junk: Any, classes: list[type]) -> list[str]:
    found: list[str] = []
    for cls in classes:
        for shown, call in _attempts(parser, junk, cls):
            where = f"{parser.name}({shown})" + (f" [cls={cls.__name__}]" if len(classes) > 1 else "")
            try:
                answer = call()
            except InvalidInput as error:
                if parser.never_raises:
                    found.append(f"{where}: raised {type(error).__name__} but must never raise")
                    continue
                try:
                    str(error).encode("utf-8")
                except Exception as unprintable:
                    found.append(f"{where}: its InvalidInput cannot be written: {type(unprintable).__name__}")
            except Exception as error:
                message = str(error).replace("\n", " ")[:150]
                found.append(f"{where}: {type(error).__name__}: {message}")
            else:
                if parser.never_raises and not isinstance(answer, bool):
                    found.append(f"{where}: answered {answer!r}, not a bool")
    return found


def _classes_for(parser: Parser) -> list[type]:
    """The classes a parser is tried with: all of them for a ``cls`` parameter, else one (unused)."""
    return CLASSES if parser.takes_cls else CLASSES[:1]


def _summary(found: list[str]) -> str:
    """The failures grouped by what escaped (``TypeError``, ``RecursionError`` …), three examples each."""
    groups: dict[str, list[str]] = {}
    for line in found:
        escaped = line.rsplit("): ", 1)[-1].split(":", 1)[0]
        groups.setdefault(escaped, []).append(line)
    lines = [f"{len(found)} junk inputs escape as other exceptions than InvalidInput:"]
    for escaped, examples in sorted(groups.items(), key=lambda item: -len(item[1])):
        lines.append(f"  {escaped} ×{len(examples)}, e.g.")
        lines += [f"    {example}" for example in examples[:3]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# the tests


def test_the_public_parsers_are_discovered(record_property: Callable[[str, object], None]) -> None:
    names = [parser.name for parser in PARSERS]
    record_property("parsers_found", len(names))
    print(f"\n{len(names)} public parsers discovered:\n  " + "\n  ".join(names))
    assert len(names) >= 30
    for expected in (
        "volunteer_core.money.Yuan()",
        "volunteer_core.money.Yuan.parse",
        "volunteer_core.serialization._json_text.from_json",
        "volunteer_core.serialization._json_text.parse_json",
        "volunteer_core.serialization._converter.structure",
        "volunteer_core.certificates.issue.verify_certificate",
        "volunteer_core.privacy.id_number.normalize_id_number",
        "volunteer_core.model.wish.Wish()",
    ):
        assert expected in names
    assert any(name.endswith("import_wishes") for name in names)
    assert any(name.endswith("read_money") for name in names)


IDS = [parser.name.removeprefix("volunteer_core.") for parser in PARSERS]


@pytest.mark.parametrize("parser", PARSERS, ids=IDS)
def test_fixed_junk_raises_only_invalid_input(parser: Parser) -> None:
    found: list[str] = []
    for junk in FIXED_JUNK.values():
        found += _failures(parser, junk, _classes_for(parser))
    assert not found, _summary(found)


@pytest.mark.parametrize("parser", PARSERS, ids=IDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=GENERATED_JUNK, cls=st.sampled_from(CLASSES))
def test_generated_junk_raises_only_invalid_input(parser: Parser, junk: Any, cls: type) -> None:
    found = _failures(parser, junk, [cls])
    assert not found, "\n".join(found)


def test_the_harness_catches_a_raw_exception_and_a_raising_predicate() -> None:
    def parse_badly(text: Any) -> int:
        return int(text)

    def is_short(text: object) -> bool:
        return len(text) < 3  # type: ignore[arg-type]

    bad = _failures(_function_parsers("parse_badly", parse_badly)[0], "9" * 5000, CLASSES[:1])
    assert len(bad) == 1
    assert bad[0].startswith("parse_badly(<str of 5000>): ValueError: Exceeds the limit")
    (predicate,) = _function_parsers("is_short", is_short)
    assert predicate.never_raises
    assert _failures(predicate, None, CLASSES[:1]) == [
        "is_short(None): TypeError: object of type 'NoneType' has no len()"
    ]
    assert _failures(predicate, "ab", CLASSES[:1]) == []
