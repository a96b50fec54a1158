"""Idempotency keys in the SQL storage: where a repository keeps them (:class:`KeyStore`: a column of the
records table, the table ``wish_keys`` for wishes) and how a stored or mistyped key is refused."""

from __future__ import annotations

import attrs
import sqlalchemy as sa

from volunteer_core.errors import InvalidInput

__all__ = ["KeyStore", "check_key", "duplicate_key"]


@attrs.frozen
class KeyStore:
    """Where a repository keeps its idempotency keys: ``table.column`` (UNIQUE), next to ``owner``, the
    column naming the entity (the main table itself for records, a table of its own for wishes)."""

    table: sa.Table
    column: str
    owner: str


def duplicate_key(key: str) -> InvalidInput:
    """The refusal of an idempotency key already stored (``input.duplicate`` at ``idempotency_key``).

    >>> duplicate_key("import-7").code, duplicate_key("import-7").path
    ('input.duplicate', 'idempotency_key')
    """
    return InvalidInput(
        "idempotency_key",
        key,
        code="input.duplicate",
        message_en=f"idempotency key {key!r} is already stored",
        message_zh=f"幂等键 {key!r} 已存在",
    )


def check_key(key: object) -> None:
    """``InvalidInput`` (code ``input.type``) unless ``key`` is None or a string.

    >>> check_key("import-7"), check_key(None)
    (None, None)
    >>> check_key(7)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.type @ idempotency_key: ...
    """
    if key is not None and not isinstance(key, str):
        raise InvalidInput(
            "idempotency_key",
            repr(key),
            code="input.type",
            message_en="an idempotency key is a string",
            message_zh="幂等键须为字符串",
        )
