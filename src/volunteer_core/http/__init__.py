"""The optional HTTP/JSON service (extra ``http``): ``volunteer-core serve``.

The use-cases and validators over HTTP for hosts that are not written in Python. Only this package
imports the web framework; nothing in the library imports this package.
"""

from __future__ import annotations

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
    "Token",
]
