"""The OpenAPI 3.1 document of the service, generated from the route table and the library's own JSON
Schemas (:func:`volunteer_core.serialization.json_schemas`) — no second model layer — and the offline
HTML page ``/docs`` that lists every operation."""

from __future__ import annotations

import html
from typing import Any

from volunteer_core._version import __version__
from volunteer_core.http._routes import YEAR_REPORT_SCHEMA, Route
from volunteer_core.http._table import ROUTES
from volunteer_core.serialization import json_schema, json_schemas

__all__ = ["PROBLEM_SCHEMA", "docs_page", "openapi_document"]

#: The schema of a problem body (RFC 9457 with the library's fields).
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details with the rule code, the field and both languages",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "field": {"type": ["string", "null"]},
        "value": {},
        "message_zh": {"type": "string"},
        "message_en": {"type": "string"},
        "violations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "severity": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                    "message_zh": {"type": "string"},
                    "message_en": {"type": "string"},
                },
                "required": ["code", "severity", "field", "message_zh", "message_en"],
            },
        },
    },
    "required": [
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "code",
        "field",
        "value",
        "message_zh",
        "message_en",
        "violations",
    ],
}

_DESCRIPTIONS = {
    200: "OK",
    201: "Created",
    400: "Malformed JSON (input.json) or a bad request",
    401: "No, unknown or revoked token (http.unauthorized)",
    403: "Role too low (http.forbidden) or outside the token's scope (http.out_of_scope)",
    404: "Unknown entity (input.not_found) or route (http.not_found)",
    405: "Method not allowed",
    409: "A concurrent change (storage.conflict) or an idempotency key reused (ledger.idempotency_conflict)",
    413: "Body too large (http.too_large)",
    415: "Wrong media type (http.media_type)",
    422: "Invalid input (its code and field) or a rule violation (its code, in violations)",
    500: "An internal error (http.internal), nothing of it shown",
}


def _rewrite(value: Any) -> Any:
    """``$ref``s into ``#/$defs/X`` rewritten to ``#/components/schemas/X``; ``$schema`` dropped."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("$schema", "$defs"):
                continue
            if key == "$ref" and isinstance(item, str) and item.startswith("#/$defs/"):
                out[key] = "#/components/schemas/" + item.removeprefix("#/$defs/")
            else:
                out[key] = _rewrite(item)
        return out
    if isinstance(value, list):
        return [_rewrite(item) for item in value]
    return value


def component_schemas() -> dict[str, Any]:
    """``components.schemas``: every schema of :func:`json_schemas` (and their ``$defs``) and ``Problem``."""
    components: dict[str, Any] = {}
    for name, schema in json_schemas().items():
        for def_name, definition in schema.get("$defs", {}).items():
            components.setdefault(def_name, _rewrite(definition))
        components[name] = _rewrite(schema)
    from volunteer_core.certificates import Certificate

    certificate = json_schema(Certificate)
    for def_name, definition in certificate.get("$defs", {}).items():
        components.setdefault(def_name, _rewrite(definition))
    components["Certificate"] = _rewrite(certificate)
    components["YearReport"] = YEAR_REPORT_SCHEMA
    components["Problem"] = PROBLEM_SCHEMA
    return components


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS[status],
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _operation(route: Route) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "name": p.name,
            "in": p.where,
            "required": p.required or p.where == "path",
            "schema": p.schema,
            **({"description": p.description} if p.description else {}),
        }
        for p in route.params
    ]
    if route.idempotency_key:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": "repeating a request with the same key returns its first result",
            }
        )
    responses: dict[str, Any] = {
        str(route.status): {
            "description": _DESCRIPTIONS[route.status],
            "content": {media: {"schema": route.response} for media in route.response_media},
        }
    }
    for status in route.problems:
        if status == 415 and route.body is None:
            continue
        responses[str(status)] = _problem_response(status)
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "description": f"Role: {route.role.value}.",
        "tags": [route.tag] if route.tag else [],
        "x-role": route.role.value,
        "parameters": parameters,
        "responses": responses,
    }
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {
                media: {
                    "schema": route.body if media.endswith("json") else {"type": "string", "format": "binary"}
                }
                for media in route.body_media
            },
        }
    return operation


_PUBLIC = {
    "/health": (
        "health",
        "Whether the service answers, and its version",
        {
            "type": "object",
            "properties": {"status": {"const": "ok"}, "version": {"type": "string"}},
            "required": ["status", "version"],
        },
        "application/json",
    ),
    "/openapi.json": ("openapi", "This document", {"type": "object"}, "application/json"),
    "/docs": ("docs", "An HTML page listing every operation", {"type": "string"}, "text/html"),
}


def openapi_document(routes: tuple[Route, ...] = ROUTES) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes``.

    >>> doc = openapi_document()
    >>> doc["openapi"], "/v1/records" in doc["paths"], "Wish" in doc["components"]["schemas"]
    ('3.1.0', True, True)
    """
    paths: dict[str, dict[str, Any]] = {}
    for path, (operation_id, summary, schema, media) in _PUBLIC.items():
        paths[path] = {
            "get": {
                "operationId": operation_id,
                "summary": summary,
                "security": [],
                "responses": {"200": {"description": "OK", "content": {media: {"schema": schema}}}},
            }
        }
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "volunteer-core",
            "version": __version__,
            "description": "The party-member volunteer programme's rules and use-cases over HTTP/JSON. "
            "Errors are RFC 9457 problem details (application/problem+json).",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": component_schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "a secret vct_…"}
            },
        },
    }


def docs_page(document: dict[str, Any]) -> str:
    """An offline HTML page listing every operation of ``document`` (no script, no stylesheet from
    elsewhere).

    >>> "/v1/records" in docs_page(openapi_document())
    True
    """
    rows = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            rows.append(
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                    html.escape(method.upper()),
                    html.escape(path),
                    html.escape(operation.get("x-role", "")),
                    html.escape(operation["operationId"]),
                    html.escape(operation.get("summary", "")),
                )
            )
    title = html.escape(f"{document['info']['title']} {document['info']['version']}")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} — HTTP API</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style></head><body>"
        f"<h1>{title} — HTTP API</h1>"
        '<p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). '
        "Every <code>/v1</code> route needs <code>Authorization: Bearer vct_…</code>; errors are "
        "<code>application/problem+json</code>.</p>"
        "<table><thead><tr><th>Method</th><th>Path</th><th>Role</th><th>Operation</th><th>Summary</th></tr>"
        "</thead><tbody>" + "".join(rows) + "</tbody></table></body></html>"
    )
