"""The whole route table of the service: :data:`ROUTES`."""

from __future__ import annotations

from volunteer_core.http._documents import document_routes
from volunteer_core.http._routes import CORE_ROUTES, Route

__all__ = ["ROUTES", "routes_markdown"]

#: Every operation of the service, in the order the documentation lists them; the handlers and the
#: OpenAPI document are both generated from it.
ROUTES: tuple[Route, ...] = (*CORE_ROUTES, *document_routes())


def routes_markdown(routes: tuple[Route, ...] = ROUTES) -> str:
    """The route table as the Markdown table of ``docs/http.md`` (method, path, role, operation, summary).

    >>> routes_markdown().splitlines()[0]
    '| Method | Path | Role | Operation | What it does |'
    """
    lines = ["| Method | Path | Role | Operation | What it does |", "|---|---|---|---|---|"]
    for route in routes:
        summary = route.summary.replace("|", "\\|")
        lines.append(
            f"| {route.method} | `{route.path}` | {route.role.value} | `{route.operation_id}` | {summary} |"
        )
    return "\n".join(lines) + "\n"
