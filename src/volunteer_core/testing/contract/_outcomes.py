"""Outcomes: what a call returned or raised, compared between the storage under test and the reference
implementation (the state machine's judge).

:func:`attempt` runs a call and records its :class:`Outcome` (a value, or the contract-level class and code
of the error); :func:`agree` fails with a message naming the call, both outcomes and where two values
differ, field by field.

>>> agree("branches.list()", attempt(list, subject=False, what="list"), Outcome(value=[]))
>>> str(Outcome(error=NOT_FOUND, text="m-9"))
'raised NotFound: m-9'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import attrs

from volunteer_core.aggregates import AGGREGATES_BY_NAME
from volunteer_core.errors import (
    ConcurrencyConflict,
    InvalidInput,
    NotFound,
    RuleViolation,
    StorageError,
    VolunteerError,
)
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract._base import repository

__all__ = [
    "CONFLICT",
    "DANGLING_REF",
    "DUPLICATE",
    "NOT_FOUND",
    "Error",
    "Outcome",
    "agree",
    "attempt",
    "exists",
    "has_dangling",
]

Error = tuple[str, str]  # (error class, code)


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}… ({len(text)} characters)"


def _differences(reference: Any, subject: Any, path: str = "value") -> list[str]:
    """Where two results differ: fields of attrs objects, ids missing, extra or out of order in lists of
    entities, keys of mappings — so a failure points at the difference, not at two walls of repr."""
    if reference == subject:
        return []
    if type(reference) is not type(subject):
        return [f"{path}: {_short(reference, 120)} ≠ {_short(subject, 120)}"]
    if attrs.has(type(reference)):
        found = []
        for field in attrs.fields(type(reference)):
            left, right = getattr(reference, field.name), getattr(subject, field.name)
            found += _differences(left, right, f"{path}.{field.name}")
        return found
    if isinstance(reference, list | tuple):
        if all(hasattr(item, "id") for item in (*reference, *subject)):
            left_ids, right_ids = [e.id for e in reference], [e.id for e in subject]
            found = []
            if set(left_ids) != set(right_ids):
                missing = [i for i in left_ids if i not in right_ids]
                extra = [i for i in right_ids if i not in left_ids]
                found.append(f"{path}: ids missing {missing}, unexpected {extra}")
            elif left_ids != right_ids:
                found.append(f"{path}: order of ids {left_ids} ≠ {right_ids}")
            by_id = {e.id: e for e in subject}
            for entity in reference:
                if entity.id in by_id:
                    found += _differences(entity, by_id[entity.id], f"{path}[id={entity.id!r}]")
            return found
        if len(reference) != len(subject):
            return [
                f"{path}: {len(reference)} items ≠ {len(subject)}: "
                f"{_short(reference, 120)} ≠ {_short(subject, 120)}"
            ]
        return [
            line
            for i, (x, y) in enumerate(zip(reference, subject, strict=True))
            for line in _differences(x, y, f"{path}[{i}]")
        ]
    if isinstance(reference, Mapping):
        if set(reference) != set(subject):
            return [f"{path}: keys {sorted(map(str, reference))} ≠ {sorted(map(str, subject))}"]
        return [
            line
            for key in reference
            for line in _differences(reference[key], subject[key], f"{path}[{key!r}]")
        ]
    return [f"{path}: {_short(reference, 120)} ≠ {_short(subject, 120)}"]


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a call did: returned ``value``, or raised the contract-level ``error`` (class, code) with the
    message ``text``.

    >>> str(Outcome(value=[]))
    'returned []'
    """

    value: Any = None
    error: Error | None = None
    text: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        if self.error is None:
            return f"returned {_short(self.value)}"
        kind, code = self.error
        return f"raised {kind}({code}): {self.text}" if code else f"raised {kind}: {self.text}"


def _classify(exc: BaseException) -> Error | None:
    """The contract-level class and code of an error; None for an error that is not a VolunteerError."""
    if isinstance(exc, NotFound):
        return ("NotFound", "")
    if isinstance(exc, InvalidInput):
        return ("InvalidInput", exc.code)
    if isinstance(exc, RuleViolation):
        return ("RuleViolation", exc.code)
    if isinstance(exc, ConcurrencyConflict):
        return ("ConcurrencyConflict", "")
    if isinstance(exc, StorageError):
        return ("StorageError", "")
    if isinstance(exc, VolunteerError):
        return (type(exc).__name__, "")
    return None


def _observe(value: Any) -> Any:
    """What a caller can observe of a result: an iterator is consumed into a list."""
    if isinstance(value, Iterator):
        return list(value)
    return value


def attempt(call: Callable[[], Any], *, subject: bool, what: str) -> Outcome:
    """Run ``call`` and record its outcome (an iterator is consumed). An error that is not a
    ``VolunteerError`` propagates from the reference, and fails as a leak from the ``subject``.

    >>> attempt(lambda: iter([1, 2]), subject=True, what="a call")
    Outcome(value=[1, 2], error=None, text='')
    """
    try:
        return Outcome(value=_observe(call()))
    except Exception as exc:
        error = _classify(exc)
        if error is None:
            if not subject:
                raise
            raise AssertionError(
                f"{what}: the storage under test leaked {type(exc).__name__}: {exc!r} — storages raise only "
                "volunteer_core errors (NotFound, InvalidInput, ConcurrencyConflict, StorageError)"
            ) from exc
        return Outcome(error=error, text=str(exc))


def agree(what: str, reference: Outcome, subject: Outcome, deserved: frozenset[Error] = frozenset()) -> None:
    """The subject must do what the reference did; when both refuse, any error the call deserves will do
    (the ports define no precedence between, say, a duplicate id and a dangling reference).

    >>> agree("get", Outcome(error=NOT_FOUND), Outcome(error=DUPLICATE), frozenset({DUPLICATE}))
    """
    if reference.error is None:
        same = subject.error is None and subject.value == reference.value
    else:
        same = subject.error is not None and (subject.error == reference.error or subject.error in deserved)
    if not same:
        message = (
            f"{what}\n  InMemoryUnitOfWork (reference): {reference}"
            f"\n  storage under test:            {subject}"
        )
        if reference.error is None and subject.error is None:
            lines = _differences(reference.value, subject.value)
            shown = "".join(f"\n    {line}" for line in lines[:12])
            more = f"\n    … and {len(lines) - 12} more" if len(lines) > 12 else ""
            message += f"\n  where they differ (reference ≠ storage):{shown}{more}"
        raise AssertionError(message)


NOT_FOUND: Final[Error] = ("NotFound", "")
CONFLICT: Final[Error] = ("ConcurrencyConflict", "")
DUPLICATE: Final[Error] = ("InvalidInput", "input.duplicate")
DANGLING_REF: Final[Error] = ("InvalidInput", "input.reference")


def exists(uow: UnitOfWork, repo: str, entity_id: str) -> Any:
    """The entity ``entity_id`` of ``repo``, or None when it is not stored.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> from volunteer_core.testing.contract._base import read
    >>> read(InMemoryUnitOfWork(), lambda u: exists(u, "members", "m-1")) is None
    True
    """
    try:
        return repository(uow, repo).get(entity_id)
    except NotFound:
        return None


def has_dangling(uow: UnitOfWork, repo: str, entity: Any) -> bool:
    """Whether a reference of ``entity`` (the table's references of ``repo``: a wish's claims included)
    names nothing stored in ``uow``.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> from volunteer_core.testing.contract._base import read
    >>> from volunteer_core.testing.contract._seed import make_claimed_wish
    >>> read(InMemoryUnitOfWork(), lambda u: has_dangling(u, "wishes", make_claimed_wish("w-9", ("m-1",))))
    True
    """
    references = AGGREGATES_BY_NAME[repo].references_of(entity)
    return any(exists(uow, target, value) is None for _, target, value in references)
