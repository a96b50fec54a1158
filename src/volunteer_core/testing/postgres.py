"""A throwaway PostgreSQL server for tests and benchmarks, started from the machine's server binaries.

The server runs in a temporary directory on a free port of 127.0.0.1 and is stopped (and its files
removed) when the ``with`` block ends. As root it runs as the unprivileged user ``postgres`` (created
when missing), because ``initdb`` refuses to run as root. Needs ``initdb`` and ``pg_ctl`` — on the
PATH or under ``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu: ``apt-get install postgresql``) — and the
``sql`` extra (psycopg).

>>> from volunteer_core.testing.postgres import server_binaries
>>> server_binaries() is None or (server_binaries() / "pg_ctl").exists()
True

Usage::

    with temporary_postgres() as url:     # postgresql+psycopg://postgres@127.0.0.1:PORT/volunteer
        create_schema(url)
        ...
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from volunteer_core.testing._servers import free_port, system_user

__all__ = ["PostgresUnavailable", "server_binaries", "temporary_postgres"]

_USER = "postgres"

#: Settings for throwaway data: no fsync, no synchronous commit (a test server never survives a crash).
FAST_SETTINGS: tuple[str, ...] = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (the message says how to install them)."""


def server_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: the PATH's, else the newest
    ``/usr/lib/postgresql/*/bin``; None when there is none."""
    initdb = shutil.which("initdb")
    if initdb is not None and shutil.which("pg_ctl") is not None:
        return Path(initdb).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for bindir in reversed(candidates):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def _unprivileged() -> tuple[list[str], int | None, int | None]:
    """The command prefix that runs a server binary unprivileged (initdb refuses root), and its ids."""
    ids = system_user(_USER)
    if ids is None:
        return [], None, None
    return ["runuser", "-u", _USER, "--"], ids[0], ids[1]


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@contextlib.contextmanager
def temporary_postgres(
    *, durable: bool = False, database: str = "volunteer", settings: tuple[str, ...] = ()
) -> Iterator[str]:
    """Start a PostgreSQL server; yield the SQLAlchemy URL of its empty database ``database``.

    Args:
        durable: keep PostgreSQL's default durability (fsync, synchronous commit) — for latency
            benchmarks; by default :data:`FAST_SETTINGS` switch it off (tests).
        database: the name of the database created for you.
        settings: more ``name=value`` server settings (``"shared_buffers=512MB"``).

    Raises:
        PostgresUnavailable: no server binaries on this machine.
        RuntimeError: the server did not start (the message carries its log).
    """
    if not database.isidentifier():
        raise ValueError(f"database: {database!r} is not a plain identifier")
    bindir = server_binaries()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install them — on Debian/Ubuntu "
            "`apt-get install postgresql`"
        )
    import psycopg

    prefix, uid, gid = _unprivileged()
    # as root, a TMPDIR under /root would be out of the server user's reach: use /tmp
    base = Path(tempfile.mkdtemp(prefix="volunteer-core-pg-", dir="/tmp" if uid is not None else None))
    data = base / "data"
    log = base / "server.log"
    if uid is not None and gid is not None:
        os.chown(base, uid, gid)
    pg_ctl = [*prefix, str(bindir / "pg_ctl"), "-D", str(data)]
    chosen = (*(() if durable else FAST_SETTINGS), "max_connections=100", *settings)
    started = False
    try:
        _run(
            [
                *prefix,
                str(bindir / "initdb"),
                *("-D", str(data), "-U", _USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"),
            ],
            "initdb",
        )
        for _attempt in range(5):
            port = free_port()
            options = " ".join([f"-h 127.0.0.1 -p {port} -k {base}", *(f"-c {s}" for s in chosen)])
            done = subprocess.run(
                [*pg_ctl, "-l", str(log), "-o", options, "-w", "-t", "60", "start"],
                capture_output=True,
                text=True,
                timeout=90,
                check=False,
            )
            if done.returncode == 0:
                started = True
                break
        if not started:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{text}")
        deadline = time.monotonic() + 30
        while True:  # ready once a client can connect
            try:
                with psycopg.connect(
                    host="127.0.0.1", port=port, user=_USER, dbname="postgres", autocommit=True
                ) as conn:
                    conn.execute(f'CREATE DATABASE "{database}"')
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"postgresql+psycopg://{_USER}@127.0.0.1:{port}/{database}"
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(base, ignore_errors=True)
