"""The Java 17 client of the service (``examples/java/WishLifecycle.java``: ``java.net.http`` only) is
compiled with ``javac`` and run against the live service (``volunteer-core serve`` in a subprocess over
a new SQLite file): every step answers as expected and it prints its summary; a wrong token makes it
stop with exit status 1 naming the step.

Needs a JDK ≥ 17 (``tools/ensure-jdk.sh``, which ``make test`` runs, installs one); without one the
tests fail saying how to get it — they are never skipped."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from volunteer_core.testing.service import LiveService, running_service

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "java" / "WishLifecycle.java"


def _major(javac: str) -> int:
    shown = subprocess.run([javac, "-version"], capture_output=True, text=True, check=False)
    found = re.search(r"javac (?:1\.)?(\d+)", shown.stdout + shown.stderr)
    return int(found[1]) if found else 0


def jdk_bin() -> Path:
    """The ``bin`` directory of a JDK ≥ 17: javac's on the PATH, else one under ``/usr/lib/jvm``."""
    candidates = [shutil.which("javac"), *sorted(glob.glob("/usr/lib/jvm/*/bin/javac"))]
    for javac in candidates:
        if javac and (Path(javac).parent / "java").exists() and _major(javac) >= 17:
            return Path(javac).parent
    pytest.fail(
        "no JDK 17 or later (javac) found: run tools/ensure-jdk.sh (make test does) — on Debian/Ubuntu "
        "`apt-get install openjdk-17-jdk-headless`",
        pytrace=False,
    )


@pytest.fixture(scope="module")
def classes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the JDK's bin directory, the directory of the compiled example)."""
    bin_dir = jdk_bin()
    out = tmp_path_factory.mktemp("java")
    compiled = subprocess.run(
        [str(bin_dir / "javac"), "-Xlint:all", "-Werror", "-d", str(out), str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    return bin_dir, out


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveService]:
    with running_service(f"sqlite:///{tmp_path / 'volunteer.db'}") as service:
        yield service


def run_example(classes: tuple[Path, Path], url: str, token: str) -> subprocess.CompletedProcess[bytes]:
    bin_dir, out = classes
    return subprocess.run(
        [str(bin_dir / "java"), "-cp", str(out), "WishLifecycle", url, token],
        capture_output=True,
        timeout=300,
        check=False,
        env={**os.environ, "LANG": "C", "LC_ALL": "C"},  # its output is UTF-8 whatever the locale
    )


def test_the_java_client_runs_a_wish_to_fulfilment_and_reads_a_problem(
    classes: tuple[Path, Path], live: LiveService
) -> None:
    assert live.token is not None
    done = run_example(classes, live.url, live.token)
    stdout, stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == 0, stdout + stderr
    year = r"\d{4}"
    expected = [
        r"health: ok \(version .+\)",
        r"master data: 6 entities added",
        r"wish: collected → screened → published → claimed → fulfilled, pledged 300\.00 of 300\.00 yuan",
        r"record: 120 minutes, confirmed, replayed with the same Idempotency-Key → the same record",
        rf"evaluation {year}: 2 members, 0 compliant, 120 net minutes, \d+ violations",
        r"problem: 422 wish\.value_cap 心愿价值 300\.01 元超过上限 300\.00 元",
        r"OK: every step answered as expected",
    ]
    lines = stdout.splitlines()
    assert len(lines) == len(expected), stdout
    for line, pattern in zip(lines, expected, strict=True):
        assert re.fullmatch(pattern, line), (line, pattern)
    # what it did is in the database: one fulfilled wish, one refused at screening, one record
    headers = live.headers()
    wishes = httpx.get(f"{live.url}/v1/wishes", headers=headers).json()["items"]
    assert sorted(w["status"] for w in wishes) == ["collected", "fulfilled"]
    records = httpx.get(f"{live.url}/v1/records", headers=headers).json()["items"]
    assert [r["minutes"] for r in records] == [120]  # the replay with the same key recorded nothing more


def test_the_java_client_stops_with_status_1_at_a_refused_step(
    classes: tuple[Path, Path], live: LiveService
) -> None:
    done = run_example(classes, live.url, "vct_not-a-token")
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 1, done.stdout.decode("utf-8") + stderr
    assert "FAILED: POST /v1/organisations: expected 201, got 401" in stderr
    assert "http.unauthorized" in stderr
