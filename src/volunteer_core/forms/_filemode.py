"""The mode of a written form: what any new file of the process gets, ``0o666`` less the umask.

A form is written to a private temporary file (``tempfile.mkstemp`` makes it ``0o600``) and renamed, so
that a failed export leaves nothing half-written; :func:`honour_umask` then gives it the usual mode.

"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["current_umask", "honour_umask"]


def current_umask() -> int:
    """The process's umask: read from ``/proc`` on Linux; elsewhere by setting it and back at once, to
    the strictest mask meanwhile (a file another thread makes in that instant is private, not open).

    >>> 0 <= current_umask() <= 0o777
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def honour_umask(path: str | Path) -> None:
    """Give the file ``path`` the mode a new file gets: ``0o666`` less :func:`current_umask`.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "form.csv")
    ...     os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    ...     honour_umask(path)
    ...     os.stat(path).st_mode & 0o777 == 0o666 & ~current_umask()
    True
    """
    os.chmod(path, 0o666 & ~current_umask())
