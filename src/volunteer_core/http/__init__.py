"""The optional HTTP/JSON service (extra ``http``): ``volunteer-core serve``.

The use-cases and validators over HTTP for hosts that are not written in Python. Only this package
imports the web framework; nothing in the library imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from volunteer_core.http._access import (
    ALL,
    AccessStore,
    AuditEntry,
    InMemoryAccessStore,
    Principal,
    Role,
    Token,
)

__all__ = [
    "ALL",
    "AccessStore",
    "AuditEntry",
    "InMemoryAccessStore",
    "Principal",
    "Role",
    "SqlAccessStore",
    "Token",
]

if TYPE_CHECKING:
    from volunteer_core.http._sql_access import SqlAccessStore


def __getattr__(name: str) -> Any:
    """``SqlAccessStore`` is imported when first asked for: it needs SQLAlchemy (the extra ``sql``)."""
    if name == "SqlAccessStore":
        from volunteer_core.http._sql_access import SqlAccessStore

        return SqlAccessStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
