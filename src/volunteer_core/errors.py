"""The exception hierarchy of volunteer_core.

Every error the library raises derives from :class:`VolunteerError`. Messages are
bilingual (Chinese first, then English) and name the rule code or the field and
the offending value.

>>> from volunteer_core.errors import InvalidInput
>>> err = InvalidInput("value", "bad", code="input.invalid", message_en="not a number")
>>> err.path, err.code
('value', 'input.invalid')
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from volunteer_core.rules import Violation

__all__ = [
    "ConcurrencyConflict",
    "InvalidInput",
    "NotFound",
    "RuleViolation",
    "StorageError",
    "VolunteerError",
]


class VolunteerError(Exception):
    """Base class of every error raised by volunteer_core."""


class InvalidInput(VolunteerError, ValueError):
    """Structurally invalid input: a field holds a value that can never be right.

    Attributes:
        path: where in the input the bad value sits (``"value"``, ``"claims[1].pledged"``).
        value: the offending value.
        code: a stable code: a rule code (``"wish.value_cap"``) or ``"input.invalid"``,
            ``"input.required"``, ``"input.type"``, ``"input.unknown_key"``.
        message_zh / message_en: the explanation in both languages.
    """

    def __init__(
        self,
        path: str,
        value: Any,
        *,
        code: str = "input.invalid",
        message_en: str = "invalid value",
        message_zh: str = "取值无效",
    ) -> None:
        self.path = path
        self.value = value
        self.code = code
        self.message_en = message_en
        self.message_zh = message_zh
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" @ {self.path}" if self.path else ""
        return f"{self.code}{where}: {self.message_zh}；{self.message_en} (value: {self.value!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # keep pickling (multiprocessing) working
        return (
            _rebuild_invalid_input,
            (self.path, self.value, self.code, self.message_en, self.message_zh),
        )

    def at(self, prefix: str) -> InvalidInput:
        """Return a copy whose path is prefixed with ``prefix`` (``claims[1]`` + ``pledged``).

        >>> InvalidInput("pledged", "x").at("claims[1]").path
        'claims[1].pledged'
        """
        if not prefix:
            return self
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        return InvalidInput(
            path, self.value, code=self.code, message_en=self.message_en, message_zh=self.message_zh
        )


def _rebuild_invalid_input(
    path: str, value: Any, code: str, message_en: str, message_zh: str
) -> InvalidInput:
    return InvalidInput(path, value, code=code, message_en=message_en, message_zh=message_zh)


class RuleViolation(VolunteerError):
    """An operation was refused because it would break a rule.

    ``.violation`` is the :class:`~volunteer_core.rules.Violation` that explains it; ``str()``
    begins with its rule code.
    """

    def __init__(self, violation: Violation) -> None:
        self.violation = violation
        super().__init__(str(self))

    @property
    def code(self) -> str:
        """The rule code of the violation."""
        return self.violation.code

    def __str__(self) -> str:
        v = self.violation
        return f"{v.code}: {v.message_zh}；{v.message_en} ({v.source})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (RuleViolation, (self.violation,))


class NotFound(VolunteerError, KeyError):
    """No stored entity has the requested id."""

    def __init__(self, kind: str, entity_id: object) -> None:
        self.kind = kind
        self.entity_id = entity_id
        super().__init__(kind, entity_id)

    def __str__(self) -> str:
        return f"not_found: 未找到{self.kind} {self.entity_id!r}；no {self.kind} with id {self.entity_id!r}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (NotFound, (self.kind, self.entity_id))


class ConcurrencyConflict(VolunteerError):
    """Another transaction changed the data first (a lost race, serialization failure, locked database)."""


class StorageError(VolunteerError):
    """The storage failed for a reason that is neither a conflict nor bad input."""
