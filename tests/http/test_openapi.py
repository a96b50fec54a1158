"""The OpenAPI 3.1 document: generated from the route table, every route in it, valid, loadable by
schemathesis, its component schemas the library's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from http_kit import Service, memory_service
from schemathesis.core.result import Ok

from volunteer_core.http import openapi_document
from volunteer_core.http._table import ROUTES
from volunteer_core.serialization import json_schemas


@pytest.fixture
def service() -> Iterator[Service]:
    yield from memory_service()


def test_the_document_is_served_and_is_openapi_3_1(service: Service) -> None:
    response = service.client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document == openapi_document()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "a secret vct_…",
    }


def test_every_route_of_the_table_is_documented_with_its_problems() -> None:
    document = openapi_document()
    ids = []
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        ids.append(operation["operationId"])
        assert operation["x-role"] == route.role.value
        responses = operation["responses"]
        assert str(route.status) in responses
        for status in ("400", "401", "403", "404", "409", "413", "422", "500"):
            assert responses[status]["content"]["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }
        if route.body is not None:
            assert "415" in responses
            assert "requestBody" in operation
        path_names = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert path_names == {part[1:-1] for part in route.path.split("/") if part.startswith("{")}
    assert len(ids) == len(set(ids)), "operationIds are unique"


def test_the_app_answers_every_documented_route(service: Service) -> None:
    for route in ROUTES:
        path = route.path.replace("{id}", "x").replace("{year}", "2026").replace("{kind}", "notice")
        path = path.replace("{entity}", "Wish")
        response = service.client.request(route.method, path)
        assert response.status_code == 401, (route.method, path, response.status_code)


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_components_are_the_librarys_schemas_with_refs_rewritten() -> None:
    document = openapi_document()
    components = document["components"]["schemas"]
    for name, schema in json_schemas().items():
        assert components[name]["properties"].keys() == schema["properties"].keys()
        assert "$schema" not in components[name]
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in components


def test_the_document_validates_as_openapi_3_1_and_schemathesis_loads_it() -> None:
    schema = schemathesis.openapi.from_dict(openapi_document())
    schema.validate()  # against the OpenAPI 3.1 meta-schema; raises on any error
    operations = set()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.add((result.ok().method.upper(), result.ok().path))
    assert {(r.method, r.path) for r in ROUTES} <= operations


def test_an_invalid_document_is_refused_by_the_same_check() -> None:
    document = openapi_document()
    document["paths"]["/v1/records"]["post"]["responses"] = "none"
    with pytest.raises(Exception, match=r"responses|object"):
        schemathesis.openapi.from_dict(document).validate()


def test_docs_page_lists_every_operation(service: Service) -> None:
    page = service.client.get("/docs")
    assert page.headers["content-type"].startswith("text/html")
    for route in ROUTES:
        assert route.operation_id in page.text
