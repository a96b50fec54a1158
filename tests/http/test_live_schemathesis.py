"""schemathesis against the live service: ``volunteer-core serve`` in a subprocess on loopback over a
SQLite file, every operation of its own ``/openapi.json`` called with requests hypothesis generates from
the document, with an administer token — no server error, no response breaking the schema the document
gives it.

The operations are driven one by one (``operation.as_strategy()`` under ``hypothesis.given``) rather than
through ``schemathesis.pytest.from_fixture``, whose lazy loading fails under pytest 9 (it reads
``request.node._nodeid``); every operation is tried even when an earlier one failed, and the test fails
listing them all. The examples are few per operation and derandomised, so the run is short and repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok

from volunteer_core.testing.service import LiveService, running_service

EXAMPLES = 25  # per operation


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    path: Path = tmp_path_factory.mktemp("schemathesis") / "volunteer.db"
    with running_service(f"sqlite:///{path}") as service:
        yield service


def fuzz(operation: Any, mode: GenerationMode, live: LiveService) -> None:
    """Call ``operation`` with :data:`EXAMPLES` requests generated in ``mode``; raise the first failure
    (shrunk)."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(
            base_url=live.url,
            headers=live.headers(),
            checks=[not_a_server_error, response_schema_conformance],
        )

    run()


def test_every_operation_answers_without_server_error_and_to_its_schema(live: LiveService) -> None:
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document loads without an invalid operation
        operations.append(result.ok())
    document = httpx.get(f"{live.url}/openapi.json").json()
    documented = {
        f"{method.upper()} {path}" for path, methods in document["paths"].items() for method in methods
    }
    # every operation but the one serving the document itself, which schemathesis leaves out
    assert {operation.label for operation in operations} == documented - {"GET /openapi.json"}
    failures = []
    for operation in operations:
        for mode in GenerationMode:
            try:
                fuzz(operation, mode, live)
            except Unsatisfiable:  # an operation without parameters or body has no invalid request
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, FailureGroup) as failure:  # every operation is tried; all are listed below
                failures.append(f"{operation.label} ({mode.value} data): {failure}")
    assert not failures, "\n\n".join(failures)
    # the bootstrap token still works: the run was not refused wholesale by an accident of its own
    assert httpx.get(f"{live.url}/v1/tokens", headers=live.headers()).status_code == 200
