"""Run the service: open (or create) the database, make sure an ``administer`` token exists, and serve
the application under uvicorn."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from volunteer_core.http._access import ALL, AccessStore, Role
from volunteer_core.http._app import DEFAULT_IMPORT_MAX_BODY, DEFAULT_MAX_BODY, create_app
from volunteer_core.policy import DEFAULT, Policy

__all__ = ["DEFAULT_DB", "bootstrap_token", "prepare", "serve"]

#: The database ``make demo`` writes: the default of ``serve --db``.
DEFAULT_DB = "sqlite:///demo-output/volunteer.db"

_SQLITE_FILE = re.compile(r"sqlite(?:\+\w+)?:///([^?]+)")


def bootstrap_token(
    access: AccessStore,
    *,
    at: datetime,
    token_file: str | os.PathLike[str] | None = None,
    stderr: IO[str] | None = None,
) -> str | None:
    """When no active ``administer`` token exists, issue one of scope ``*`` (label ``bootstrap``) and
    hand its secret over: written alone to ``token_file`` (mode 0600), else one line ``token: vct_…`` on
    ``stderr``. Returns the secret, or None when an administer token already exists.

    >>> import io
    >>> from volunteer_core.http import InMemoryAccessStore
    >>> store, err = InMemoryAccessStore(), io.StringIO()
    >>> secret = bootstrap_token(store, at=datetime(2026, 1, 1, tzinfo=UTC), stderr=err)
    >>> err.getvalue() == f"token: {secret}\\n", bootstrap_token(store, at=datetime.now(UTC))
    (True, None)
    """
    if any(t.active and t.role is Role.ADMINISTER for t in access.tokens()):
        return None
    _, secret = access.issue(role=Role.ADMINISTER, scope=ALL, label="bootstrap", at=at)
    if token_file is not None:
        fd = os.open(os.fspath(token_file), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secret + "\n")
        os.chmod(token_file, 0o600)
    else:
        stream = stderr if stderr is not None else sys.stderr
        stream.write(f"token: {secret}\n")
        stream.flush()
    return secret


def prepare(
    db: str = DEFAULT_DB,
    *,
    policy: Policy = DEFAULT,
    max_body: int = DEFAULT_MAX_BODY,
    import_max_body: int = DEFAULT_IMPORT_MAX_BODY,
    certificate_secret: bytes | None = None,
    bootstrap_token_file: str | os.PathLike[str] | None = None,
    stderr: IO[str] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Any:
    """The application over the database ``db`` (its schema created or migrated first; the directory of
    a SQLite file made), with its tokens and audit trail in the same database, and the bootstrap token
    issued when needed (:func:`bootstrap_token`)."""
    from volunteer_core.http._sql_access import SqlAccessStore
    from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

    found = _SQLITE_FILE.fullmatch(db)
    if found and found.group(1) != ":memory:":
        Path(found.group(1)).parent.mkdir(parents=True, exist_ok=True)
    engine = create_schema(db)
    access = SqlAccessStore(engine)
    now = clock or (lambda: datetime.now(UTC))
    bootstrap_token(access, at=now(), token_file=bootstrap_token_file, stderr=stderr)
    return create_app(
        lambda: SqlUnitOfWork(engine),
        access,
        policy=policy,
        max_body=max_body,
        import_max_body=import_max_body,
        certificate_secret=certificate_secret,
        clock=clock,
    )


def serve(
    db: str = DEFAULT_DB,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    forwarded_allow_ips: str | None = None,
    **options: Any,
) -> None:
    """Serve the database ``db`` over HTTP until interrupted (uvicorn; ``X-Forwarded-*`` headers
    trusted from ``forwarded_allow_ips`` only — uvicorn's default: 127.0.0.1). ``options`` are
    :func:`prepare`'s."""
    import uvicorn

    app = prepare(db, **options)
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level="info",
    )
