"""``volunteer-core serve``: the HTTP/JSON service (extra ``http``) over a database.

Without the extra, the command line's one bilingual line names ``pip install 'volunteer-core[http]'``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from volunteer_core.cli._common import UsageError, console_text, policy_named

__all__ = ["run"]


def _secret(path: str) -> bytes:
    try:
        data = Path(path).read_bytes().strip()
    except OSError as err:
        shown = console_text(path, limit=80)
        raise UsageError(
            f"无法读取 --certificate-secret-file {shown}：{err.strerror}",
            f"cannot read --certificate-secret-file {shown}: {err.strerror}",
        ) from None
    if not data:
        raise UsageError("--certificate-secret-file 为空", "--certificate-secret-file is empty")
    return data


def run(args: argparse.Namespace) -> int:
    """Serve ``--db`` on ``--host``:``--port`` until interrupted."""
    from volunteer_core.http import serve  # the extra [http]: an ImportError names it

    serve(
        args.db,
        host=args.host,
        port=args.port,
        forwarded_allow_ips=args.forwarded_allow_ips,
        policy=policy_named(args.policy),
        max_body=args.max_body,
        import_max_body=max(args.max_body, args.import_max_body),
        certificate_secret=_secret(args.certificate_secret_file) if args.certificate_secret_file else None,
        bootstrap_token_file=args.bootstrap_token_file,
        stderr=sys.stderr,
    )
    return 0
