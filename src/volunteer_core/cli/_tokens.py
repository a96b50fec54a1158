"""``volunteer-core tokens issue|list|revoke``: the bearer tokens of the HTTP service, in the database.

Tokens live in the table ``service_tokens`` beside the data (:class:`volunteer_core.http.SqlAccessStore`),
created when absent; the database itself must hold the library's schema (``demo``, ``forms import`` or
``serve`` create it).

* ``tokens issue --db URL --role ROLE --scope SCOPE [--label L]`` prints the new secret alone on stdout,
  once: only its SHA-256 digest is stored. ``ROLE`` is ``read``, ``record``, ``decide`` or
  ``administer``; ``SCOPE`` is ``*``, an organisation id (its subtree) or a branch id of that database —
  anything else is refused (exit code 2, naming ``--scope``).
* ``tokens list --db URL [--format table|json]``: id, role, scope, label, issued, revoked — never the
  digest or a secret.
* ``tokens revoke ID --db URL``: revoked for good (revoking again keeps the first time); an unknown id
  is refused (exit code 2).

>>> import argparse
>>> from volunteer_core.cli import UsageError
>>> try:
...     before_tokens(argparse.Namespace(action="issue", scope="", label="", token_id=None))
... except UsageError as err:
...     print(err.en)
--scope must be "*", an organisation id or a branch id
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from volunteer_core.cli import _common
from volunteer_core.cli._common import (
    EXIT_OK,
    MAX_MESSAGE_CHARS,
    UsageError,
    columns,
    console_text,
    output_language,
    say,
)
from volunteer_core.errors import NotFound

__all__ = ["MAX_LABEL_CHARS", "before_tokens", "run_issue", "run_list", "run_revoke"]

#: The longest ``--label`` accepted (characters).
MAX_LABEL_CHARS = 200
#: The longest ``--scope`` or token id accepted (the storage's identifiers hold 128 characters).
_MAX_ID_CHARS = 128


def _shown(text: str) -> str:
    return console_text(text, limit=MAX_MESSAGE_CHARS)


def before_tokens(args: argparse.Namespace) -> None:
    """The checks of ``tokens`` that need no database: the lengths of ``--scope``, ``--label`` and the
    token id (the scope's existence is checked against the database by :func:`run_issue`)."""
    scope: str | None = getattr(args, "scope", None)
    if scope is not None and (not scope.strip() or len(scope) > _MAX_ID_CHARS):
        raise UsageError(
            "--scope 须为 “*”、组织编号或支部编号", '--scope must be "*", an organisation id or a branch id'
        )
    label: str | None = getattr(args, "label", None)
    if label is not None and len(label) > MAX_LABEL_CHARS:
        raise UsageError(
            f"--label 至多 {MAX_LABEL_CHARS} 个字符", f"--label holds at most {MAX_LABEL_CHARS} characters"
        )
    token_id: str | None = getattr(args, "token_id", None)
    if token_id is not None and (not token_id or len(token_id) > _MAX_ID_CHARS):
        raise UsageError(f"令牌编号无效：{_shown(token_id)}", f"not a token id: {_shown(token_id)}")


def _open(url: str) -> tuple[Any, Any]:
    """The unit of work on ``--db`` (a SQLite file must exist) and the access store beside its data."""
    uow = _common.open_uow(url)  # looked up when called: the checks of the URL are the other commands'
    from volunteer_core.http import SqlAccessStore

    return uow, SqlAccessStore(uow.engine)


def _check_scope(uow: Any, scope: str) -> None:
    """``*``, or the id of an organisation or a branch stored in ``uow``; else a usage error."""
    from volunteer_core.http import ALL

    if scope == ALL:
        return
    with uow:
        for repository in (uow.branches, uow.organisations):
            try:
                repository.get(scope)
                return
            except NotFound:
                continue
    raise UsageError(
        f"--scope {_shown(scope)} 既不是“*”，也不是该数据库中的组织或支部编号",
        f'--scope {_shown(scope)} is neither "*" nor an organisation or branch id of that database',
    )


def run_issue(args: argparse.Namespace) -> int:
    """Issue a token; its secret is the only line on stdout."""
    from volunteer_core.http import Role

    uow, store = _open(args.db)
    try:
        _check_scope(uow, args.scope)
        _, secret = store.issue(
            role=Role(args.role), scope=args.scope, label=args.label or "", at=datetime.now(UTC)
        )
    finally:
        store.engine.dispose()
    sys.stdout.write(secret + "\n")
    return EXIT_OK


def _when(moment: datetime | None) -> str:
    return (
        "" if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def run_list(args: argparse.Namespace) -> int:
    """Print every token: id, role, scope, label, issued, revoked (never its digest)."""
    lang = output_language(args)
    _, store = _open(args.db)
    try:
        tokens = store.tokens()
    finally:
        store.engine.dispose()
    rows = [
        {
            "id": t.id,
            "role": t.role.value,
            "scope": t.scope,
            "label": t.label,
            "issued_at": _when(t.issued_at) or None,
            "revoked_at": _when(t.revoked_at) or None,
        }
        for t in tokens
    ]
    if getattr(args, "format", "table") == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if not rows:
        sys.stdout.write(say(lang, "尚无令牌\n", "no tokens\n"))
        return EXIT_OK
    header = (
        ("编号", "角色", "范围", "名称", "签发时间", "撤销时间")
        if lang == "zh"
        else ("id", "role", "scope", "label", "issued", "revoked")
    )
    body = [
        (r["id"], r["role"], r["scope"], r["label"], r["issued_at"] or "", r["revoked_at"] or "")
        for r in rows
    ]
    for line in columns([header, *body], limits=(None, None, 40, 40, None, None)):
        sys.stdout.write(line.rstrip() + "\n")
    return EXIT_OK


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke the token ``ID``; ``NotFound`` (exit code 2) for an unknown id."""
    lang = output_language(args)
    _, store = _open(args.db)
    try:
        token = store.revoke(args.token_id, at=datetime.now(UTC))
    finally:
        store.engine.dispose()
    when = _when(token.revoked_at)
    sys.stdout.write(say(lang, f"已撤销 {token.id}（{when}）\n", f"revoked {token.id} ({when})\n"))
    return EXIT_OK
