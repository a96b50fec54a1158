"""The one command that runs the contract against a host's own database
(``python -m pytest --pyargs volunteer_core.testing.database_contract``), run here as a host would: in
another process, from an empty folder, on a database of the MariaDB test server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

COMMAND = [sys.executable, "-m", "pytest", "--pyargs", "volunteer_core.testing.database_contract", "-q"]


def _run(tmp_path: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VOLUNTEER_CORE_CONTRACT")}
    return subprocess.run(
        [*COMMAND, "-p", "no:cacheprovider", *extra],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_without_a_url_the_command_holds_no_test(tmp_path: Path) -> None:
    done = _run(tmp_path, {})
    assert done.returncode == 5, done.stdout + done.stderr  # pytest: no tests collected
    assert "no tests ran" in done.stdout


def test_the_command_runs_the_contract_on_a_hosts_database(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    server = sa.make_url(request.getfixturevalue("mariadb_url"))
    engine = sa.create_engine(server)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP DATABASE IF EXISTS host_contract")
        conn.exec_driver_sql("CREATE DATABASE host_contract CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin")
    engine.dispose()
    url = server.set(database="host_contract").render_as_string(hide_password=False)
    done = _run(
        tmp_path,
        {"VOLUNTEER_CORE_CONTRACT_URL": url},
        "-k",
        "contract_ledger or contract_transactions or concurrent_claims",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary, summary
    assert "failed" not in summary, summary
