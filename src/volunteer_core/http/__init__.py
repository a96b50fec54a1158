"""The optional HTTP/JSON service (extra ``http``): ``volunteer-core serve``.

The use-cases and validators over HTTP for hosts that are not written in Python. Only this package
imports the web framework; nothing in the library imports this package but the command line.

:func:`create_app` builds the Litestar application over a unit-of-work factory and an
:class:`AccessStore`; :func:`serve` runs it under uvicorn. The operations, their roles and schemas are
one table (``volunteer_core.http._routes.ROUTES``), from which both the handlers and the OpenAPI 3.1
document (``GET /openapi.json``) are generated.
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
from volunteer_core.http._app import DEFAULT_IMPORT_MAX_BODY, DEFAULT_MAX_BODY, create_app
from volunteer_core.http._openapi import openapi_document
from volunteer_core.http._serve import DEFAULT_DB, bootstrap_token, prepare, serve

__all__ = [
    "ALL",
    "DEFAULT_DB",
    "DEFAULT_IMPORT_MAX_BODY",
    "DEFAULT_MAX_BODY",
    "AccessStore",
    "AuditEntry",
    "InMemoryAccessStore",
    "Principal",
    "Role",
    "SqlAccessStore",
    "Token",
    "bootstrap_token",
    "create_app",
    "openapi_document",
    "prepare",
    "serve",
]

if TYPE_CHECKING:
    from volunteer_core.http._sql_access import SqlAccessStore


def __getattr__(name: str) -> Any:
    """``SqlAccessStore`` is imported when first asked for: it needs SQLAlchemy (the extra ``sql``)."""
    if name == "SqlAccessStore":
        from volunteer_core.http._sql_access import SqlAccessStore

        return SqlAccessStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
