"""What the throwaway database servers of the tests share: a free port, an unprivileged system user."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess

__all__ = ["free_port", "system_user"]


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at the time of the call."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def system_user(name: str) -> tuple[int, int] | None:
    """The ids of the unprivileged user ``name`` a server runs as when we are root (created when missing);
    None when we are not root (the server runs as we do)."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid
