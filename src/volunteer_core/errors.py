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

Input of the wrong Python type (``Yuan(None)``, a float for money) raises :class:`InvalidType`, an
``InvalidInput`` that is also a ``TypeError``: every public parser raises only the ``InvalidInput`` family.
Input over a documented limit (a 5,000-digit amount, a 1 MB id, JSON nested 100,000 deep) is an
``InvalidInput`` with code ``input.too_large``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from volunteer_core.rules import Violation

__all__ = [
    "ConcurrencyConflict",
    "InvalidInput",
    "InvalidType",
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
            ``"input.required"``, ``"input.type"``, ``"input.unknown_key"``, ``"input.too_large"`` (over a
            documented limit: a length, a nesting depth, an amount).
        message_zh / message_en: the explanation in both languages.

    A personal value is never shown: when ``path`` names a personal field (an ID number, a phone, an
    address: :data:`volunteer_core.privacy.personal.PERSONAL_FIELDS`), ``value`` is replaced by its masked
    form, and so is every copy of the value in the messages, whoever raised the error. ``personal=True``
    masks whatever the path; ``personal=False`` declares the value and the messages already safe (the
    privacy normalisers write masked messages themselves).

    >>> err = InvalidInput("rows[3].phone", "13912344859", message_en="'13912344859' is taken")
    >>> err.value, err.message_en
    ('139****4859', "'139****4859' is taken")
    """

    def __init__(
        self,
        path: str,
        value: Any,
        *,
        code: str = "input.invalid",
        message_en: str = "invalid value",
        message_zh: str = "取值无效",
        personal: bool | None = None,
    ) -> None:
        screened = personal is not None
        if personal is None:
            personal = screened = _names_personal_field(path)
        if personal:
            value, message_en, message_zh = _masked(path, value, message_en, message_zh)
        self.path = path
        self.value = value
        self.code = code
        self.message_en = message_en
        self.message_zh = message_zh
        # masked, or vouched safe by the raiser: a copy (at(), pickling) must not mask it a second time
        self._screened = screened
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" @ {self.path}" if self.path else ""
        return f"{self.code}{where}: {self.message_zh}；{self.message_en} (value: {_value_text(self.value)})"

    def __reduce__(self) -> tuple[Any, ...]:  # keep pickling (multiprocessing) working
        return (
            _rebuild_invalid_input,
            (
                self.path,
                self.value,
                self.code,
                self.message_en,
                self.message_zh,
                type(self),
                self._personal_again(),
            ),
        )

    def _personal_again(self) -> bool | None:
        """What a copy passes as ``personal``: False once screened, else decided again by its path."""
        return False if self._screened else None

    def at(self, prefix: str) -> InvalidInput:
        """Return a copy whose path is prefixed with ``prefix`` (``claims[1]`` + ``pledged``).

        >>> InvalidInput("pledged", "x").at("claims[1]").path
        'claims[1].pledged'

        The copy is of the same class (an :class:`InvalidType` stays one).
        """
        if not prefix:
            return self
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        return type(self)(
            path,
            self.value,
            code=self.code,
            message_en=self.message_en,
            message_zh=self.message_zh,
            personal=self._personal_again(),
        )


def _rebuild_invalid_input(
    path: str,
    value: Any,
    code: str,
    message_en: str,
    message_zh: str,
    cls: type[InvalidInput] | None = None,
    personal: bool | None = None,
) -> InvalidInput:
    return (cls or InvalidInput)(
        path, value, code=code, message_en=message_en, message_zh=message_zh, personal=personal
    )


#: How many characters of a value the text of an error shows (a 10 MB value is not repeated).
_VALUE_TEXT_LENGTH = 200


def _value_text(value: Any) -> str:
    """The ``repr`` of a value for an error's text, whatever the value: cut short, a container named by its
    type and size (its repr may be huge, or too deep to write), an integer of over 64 bits by its size
    (Python writes none of over 4,300 digits), an object whose repr fails by its type."""
    if isinstance(value, list | tuple | dict | set | frozenset | bytes | bytearray):
        return f"<{type(value).__name__} of {len(value)} {'bytes' if isinstance(value, bytes | bytearray) else 'items'}>"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"<an integer of about {value.bit_length() * 3 // 10} digits>"
    if isinstance(value, str) and len(value) > _VALUE_TEXT_LENGTH:
        return f"{value[:_VALUE_TEXT_LENGTH]!r}…({len(value)} chars)"
    try:
        text = repr(value)
    except Exception:  # a foreign object's repr may raise anything (even RecursionError)
        return f"<{type(value).__name__}>"
    return text if len(text) <= _VALUE_TEXT_LENGTH else f"{text[:_VALUE_TEXT_LENGTH]}…"


#: A copy of a personal value shorter than this stays in a message: it cannot reveal more than the mask
#: does, and replacing it could garble the message's own words and numbers ("应为18位").
_SHORTEST_REPLACED = 5


def _names_personal_field(path: str) -> bool:
    from volunteer_core.privacy.personal import personal_field  # privacy imports errors: import late

    return personal_field(path) is not None


def _masked(path: str, value: Any, message_en: str, message_zh: str) -> tuple[Any, str, str]:
    """``value`` masked for ``path``, and the messages with every written form of it replaced."""
    from volunteer_core.privacy.personal import mask_field

    shown = mask_field(path, value)
    if isinstance(value, str) or (
        isinstance(value, int) and shown != "<int>" and not isinstance(value, bool)
    ):
        raw = str(value)
        for form in sorted({raw, repr(raw)[1:-1], ascii(raw)[1:-1]}, key=len, reverse=True):
            if len(form) >= _SHORTEST_REPLACED:
                message_en = message_en.replace(form, str(shown))
                message_zh = message_zh.replace(form, str(shown))
    return shown, message_en, message_zh


class InvalidType(InvalidInput, TypeError):
    """Input of the wrong Python type: an :class:`InvalidInput` (code ``input.type``) that is also a
    ``TypeError``, so code catching either sees it.

    >>> err = InvalidType("value", None, message_en="must be a str", message_zh="须为字符串")
    >>> err.code, isinstance(err, InvalidInput), isinstance(err, TypeError)
    ('input.type', True, True)
    """

    def __init__(
        self,
        path: str,
        value: Any,
        *,
        code: str = "input.type",
        message_en: str = "wrong type",
        message_zh: str = "类型不正确",
        personal: bool | None = None,
    ) -> None:
        super().__init__(
            path, value, code=code, message_en=message_en, message_zh=message_zh, personal=personal
        )


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
