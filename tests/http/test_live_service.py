""":func:`volunteer_core.testing.service.running_service`: it starts ``volunteer-core serve`` in a
subprocess, hands over the bootstrap secret, and stops the process at the end; a service that cannot
start is reported with its output; a database that already has an administer token gives no secret."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from volunteer_core.testing.service import ServiceError, running_service


def test_the_service_answers_with_the_bootstrap_secret_and_is_stopped_at_the_end(tmp_path: Path) -> None:
    with running_service(f"sqlite:///{tmp_path / 'v.db'}") as service:
        assert service.url == f"http://127.0.0.1:{service.port}"
        assert service.token is not None
        assert service.token.startswith("vct_")
        health = httpx.get(f"{service.url}/health")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        members = httpx.get(f"{service.url}/v1/members", headers=service.headers())
        assert members.json() == {"items": [], "next": None}
        assert httpx.get(f"{service.url}/v1/members").status_code == 401
        assert service.token not in service.output()  # the secret went to the file, not to the log
        process, port = service.process, service.port
    assert process.poll() is not None
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nobody listens there any more


def test_a_second_start_on_the_same_database_issues_no_secret(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    with running_service(url) as first:
        secret = first.token
    with running_service(url) as second:
        assert second.token is None
        with pytest.raises(ServiceError, match="administer token"):
            second.headers()
        assert httpx.get(f"{second.url}/v1/members", headers=second.headers(secret)).status_code == 200


def test_a_service_that_cannot_start_is_reported_with_its_output(tmp_path: Path) -> None:
    with (
        pytest.raises(ServiceError, match=r"exited with status 2[\s\S]*--port"),
        running_service(f"sqlite:///{tmp_path / 'v.db'}", args=["--port", "70000"]),
    ):
        pass  # pragma: no cover - never reached
