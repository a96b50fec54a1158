"""Run ``volunteer-core serve`` as a subprocess for a test or a benchmark: a live HTTP service on a free
port of 127.0.0.1, over a database you give it, stopped at the end.

:func:`running_service` starts the command line's own server (uvicorn in another process, exactly as an
operator would start it), hands it ``--bootstrap-token-file`` in a private temporary directory, waits until
``GET /health`` answers 200 and yields a :class:`LiveService`: the base URL and the bootstrap
``administer`` secret (scope ``*``). Leaving the ``with`` block stops the server (SIGTERM, then SIGKILL
after ``stop_timeout`` seconds) and removes the temporary directory. Real clients — ``httpx``, a Java
program, schemathesis — then talk to it over loopback::

    from volunteer_core.testing.service import running_service

    with running_service("sqlite:////tmp/v.db") as service:
        response = httpx.get(f"{service.url}/v1/members", headers=service.headers())

Only the standard library is used here (``subprocess``, ``urllib``); the service needs the extras
``http`` and ``sql`` installed in the interpreter that runs it (``python`` defaults to this one).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs

from volunteer_core.testing._servers import free_port

__all__ = ["LiveService", "ServiceError", "running_service", "serve_command"]

#: Seconds :func:`running_service` waits for ``GET /health`` by default (creating the schema of a new
#: PostgreSQL database takes a few seconds on a slow machine).
STARTUP_TIMEOUT = 60.0
#: Tries of a new free port when the chosen one was taken by someone else between its choice and the bind.
PORT_TRIES = 3


class ServiceError(RuntimeError):
    """The service did not start (it exited, or ``/health`` never answered): the message ends with the
    tail of its log."""


@attrs.frozen(kw_only=True)
class LiveService:
    """A running service: its base URL (``http://127.0.0.1:PORT``, no trailing slash), the bootstrap
    ``administer`` secret (``None`` when the database already held an active administer token, so that
    ``serve`` issued none), the database URL, the process and the file its output goes to."""

    url: str
    token: str | None
    db: str
    process: subprocess.Popen[bytes] = attrs.field(repr=False)
    log: Path

    @property
    def port(self) -> int:
        """The TCP port the service listens on."""
        return int(self.url.rsplit(":", 1)[1])

    def headers(self, token: str | None = None) -> dict[str, str]:
        """The ``Authorization`` header of ``token`` (default: the bootstrap secret).

        >>> service = LiveService(
        ...     url="http://127.0.0.1:8000", token="vct_x", db="sqlite://", process=None, log=Path("log")
        ... )
        >>> service.headers(), service.port
        ({'Authorization': 'Bearer vct_x'}, 8000)
        """
        secret = token if token is not None else self.token
        if secret is None:
            raise ServiceError(
                "the database already held an administer token: serve issued no bootstrap secret; pass one"
            )
        return {"Authorization": f"Bearer {secret}"}

    def output(self) -> str:
        """What the service has written to stdout and stderr so far."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def serve_command(
    db: str,
    *,
    port: int,
    token_file: str | os.PathLike[str],
    host: str = "127.0.0.1",
    args: Sequence[str] = (),
    python: str | None = None,
) -> list[str]:
    """The argument vector that runs ``volunteer-core serve`` on ``db`` (``python -m volunteer_core``, so
    that it is the interpreter's own installation, console script or not).

    >>> serve_command("sqlite:///v.db", port=8123, token_file="t", python="python3")
    ... # doctest: +NORMALIZE_WHITESPACE
    ['python3', '-m', 'volunteer_core', 'serve', '--db', 'sqlite:///v.db', '--host', '127.0.0.1',
     '--port', '8123', '--bootstrap-token-file', 't']
    """
    return [
        python or sys.executable,
        "-m",
        "volunteer_core",
        "serve",
        "--db",
        db,
        "--host",
        host,
        "--port",
        str(port),
        "--bootstrap-token-file",
        os.fspath(token_file),
        *args,
    ]


@contextlib.contextmanager
def running_service(
    db: str,
    *,
    port: int | None = None,
    args: Sequence[str] = (),
    python: str | None = None,
    env: dict[str, str] | None = None,
    startup_timeout: float = STARTUP_TIMEOUT,
    stop_timeout: float = 10.0,
) -> Iterator[LiveService]:
    """Start ``volunteer-core serve --db db`` on 127.0.0.1 (``port``, or a free one), wait for
    ``/health``, yield the :class:`LiveService`, stop it at the end.

    ``args`` are more options of ``serve`` (``["--max-body", "2048"]``, ``--certificate-secret-file``, …);
    ``env`` replaces the environment of the process (default: this one's). When ``port`` is None and the
    chosen free port was taken before the service bound it, another is tried (:data:`PORT_TRIES` in all).
    Raises :class:`ServiceError` when the service exits or does not answer within ``startup_timeout``
    seconds. (A server is not run in this docstring; see the module's example, and
    ``tests/http/test_live_*.py``.)

    >>> callable(running_service)
    True
    """
    with tempfile.TemporaryDirectory(prefix="volunteer-service-") as directory:
        token_file = Path(directory) / "bootstrap-token"
        log = Path(directory) / "service.log"
        tries = 1 if port is not None else PORT_TRIES
        for attempt in range(1, tries + 1):
            chosen = port if port is not None else free_port()
            url = f"http://127.0.0.1:{chosen}"
            command = serve_command(db, port=chosen, token_file=token_file, args=args, python=python)
            with log.open("ab") as sink:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    env={**(env if env is not None else os.environ), "PYTHONUNBUFFERED": "1"},
                    start_new_session=True,  # a Ctrl-C of the test run is not delivered to it twice
                )
            try:
                _wait_for_health(url, process, log, startup_timeout)
            except ServiceError:
                _stop(process, stop_timeout)
                if attempt < tries and "address already in use" in _tail(log).lower():
                    continue
                raise
            except BaseException:
                _stop(process, stop_timeout)
                raise
            break
        token = token_file.read_text(encoding="utf-8").strip() if token_file.exists() else None
        service = LiveService(url=url, token=token, db=db, process=process, log=log)
        try:
            yield service
        finally:
            _stop(process, stop_timeout)


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = 0.02
    while True:
        if process.poll() is not None:
            raise ServiceError(
                f"volunteer-core serve exited with status {process.returncode} before it answered "
                f"GET {url}/health; its output:\n{_tail(log)}"
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise ServiceError(
                f"volunteer-core serve did not answer GET {url}/health within {timeout:g} s; its output:\n"
                f"{_tail(log)}"
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def _stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log: Path, lines: int = 40) -> str:
    if not log.exists():
        return "(no output)"
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:]) or "(no output)"
