"""A throwaway MariaDB server for tests and benchmarks, started from the machine's server binaries.

The server runs in a temporary directory on a free port of 127.0.0.1 and is stopped (and its files
removed) when the ``with`` block ends. As root it runs as the unprivileged user ``mysql`` (created
when missing). Needs ``mariadbd`` (or ``mysqld``) and ``mariadb-install-db`` (or
``mysql_install_db``) — on the PATH or in ``/usr/sbin`` and ``/usr/bin`` (Debian/Ubuntu:
``apt-get install mariadb-server``) — and the ``sql`` extra (PyMySQL).

>>> from volunteer_core.testing.mariadb import server_binaries
>>> server_binaries() is None or server_binaries()[0].exists()
True

Usage::

    with temporary_mariadb() as url:     # mysql+pymysql://root@127.0.0.1:PORT/volunteer?charset=utf8mb4
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

__all__ = ["MariaDBUnavailable", "server_binaries", "temporary_mariadb"]

_USER = "mysql"

#: Settings for throwaway data: no flush at commit, no doublewrite, no binary log (a test server never
#: survives a crash).
FAST_SETTINGS: tuple[str, ...] = (
    "innodb-flush-log-at-trx-commit=0",
    "innodb-doublewrite=0",
    "skip-log-bin",
    "innodb-buffer-pool-size=256M",
)


class MariaDBUnavailable(RuntimeError):
    """No MariaDB server binaries on this machine (the message says how to install them)."""


def _find(*names: str) -> Path | None:
    for name in names:
        found = shutil.which(name)
        if found is not None:
            return Path(found)
        for folder in ("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"):
            candidate = Path(folder) / name
            if candidate.exists():
                return candidate
    return None


def server_binaries() -> tuple[Path, Path] | None:
    """The server (``mariadbd``) and the program that lays out a new data directory
    (``mariadb-install-db``); None when either is missing."""
    server = _find("mariadbd", "mysqld")
    install = _find("mariadb-install-db", "mysql_install_db")
    if server is None or install is None:
        return None
    return server, install


@contextlib.contextmanager
def temporary_mariadb(
    *, durable: bool = False, database: str = "volunteer", settings: tuple[str, ...] = ()
) -> Iterator[str]:
    """Start a MariaDB server; yield the SQLAlchemy URL of its empty database ``database`` (user ``root``,
    no password, reachable only on 127.0.0.1).

    Args:
        durable: keep MariaDB's default durability (flush at each commit) — for latency benchmarks; by
            default :data:`FAST_SETTINGS` switch it off (tests).
        database: the name of the database created for you.
        settings: more ``name=value`` server options (``"innodb-buffer-pool-size=1G"``).

    Raises:
        MariaDBUnavailable: no server binaries on this machine.
        RuntimeError: the server did not start (the message carries its log).
    """
    if not database.isidentifier():
        raise ValueError(f"database: {database!r} is not a plain identifier")
    binaries = server_binaries()
    if binaries is None:
        raise MariaDBUnavailable(
            "MariaDB server binaries (mariadbd, mariadb-install-db) not found: install them — on "
            "Debian/Ubuntu `apt-get install mariadb-server`"
        )
    server, install = binaries
    import pymysql

    ids = system_user(_USER)
    base = Path(tempfile.mkdtemp(prefix="volunteer-core-mariadb-", dir="/tmp" if ids is not None else None))
    data = base / "data"
    sock = base / "mariadb.sock"
    log = base / "server.log"
    user = ["--user=" + _USER] if ids is not None else []
    if ids is not None:
        os.chown(base, *ids)
    process: subprocess.Popen[bytes] | None = None
    try:
        done = subprocess.run(
            [
                str(install),
                "--no-defaults",
                f"--datadir={data}",
                *user,
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"mariadb-install-db failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        chosen = (*(() if durable else FAST_SETTINGS), "max-connections=200", *settings)
        for _attempt in range(5):
            port = free_port()
            with log.open("ab") as log_file:
                process = subprocess.Popen(
                    [
                        str(server),
                        "--no-defaults",
                        f"--datadir={data}",
                        f"--socket={sock}",
                        f"--port={port}",
                        "--bind-address=127.0.0.1",
                        f"--pid-file={base / 'mariadb.pid'}",
                        "--skip-name-resolve",
                        *user,
                        *(f"--{s}" for s in chosen),
                    ],
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            if _wait_ready(process, sock):
                break
            process.wait(timeout=60)
            process = None
        if process is None:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"mariadbd did not start:\n{text}")
        with (
            contextlib.closing(pymysql.connect(unix_socket=str(sock), user="root", autocommit=True)) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''")
            cursor.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION")
            cursor.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin")
        yield f"mysql+pymysql://root@127.0.0.1:{port}/{database}?charset=utf8mb4"
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


def _wait_ready(process: subprocess.Popen[bytes], sock: Path) -> bool:
    """Whether the server accepts connections on its socket within a minute (False: it exited)."""
    import pymysql

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if sock.exists():
            try:
                pymysql.connect(unix_socket=str(sock), user="root", connect_timeout=2).close()
                return True
            except pymysql.err.OperationalError:
                pass
        time.sleep(0.1)
    process.terminate()
    return False
