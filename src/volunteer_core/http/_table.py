"""The whole route table of the service: :data:`ROUTES`."""

from __future__ import annotations

from volunteer_core.http._documents import document_routes
from volunteer_core.http._routes import CORE_ROUTES, Route

__all__ = ["ROUTES"]

#: Every operation of the service, in the order the documentation lists them; the handlers and the
#: OpenAPI document are both generated from it.
ROUTES: tuple[Route, ...] = (*CORE_ROUTES, *document_routes())
