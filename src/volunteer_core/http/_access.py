"""Who may do what through the service: bearer tokens, roles, scopes and the audit trail.

A token is a random secret shown once when it is issued; only its SHA-256 digest is stored. Each token
carries one :class:`Role` and one scope: ``"*"`` (everything), an organisation id (that node's subtree:
its organisations, their branches and those branches' members) or a branch id (that branch alone).
A request is answered as a :class:`Principal`: the token's role and the set of branch ids its scope
resolves to, read once per request from the unit of work.

Roles are ordered; each includes those before it:

* ``read`` — read master data, the ledger, wishes and evaluations, personal data masked;
* ``record`` — also record or report service, collect and claim wishes;
* ``decide`` — also confirm, reject, reverse and adjust records, screen, publish, fulfil, cancel and refer
  wishes, pairings, dispatch decisions, qualifications;
* ``administer`` — also master data, locks, erasure, tokens and the audit trail; personal data unmasked.

Every write (a request that is not a read, whatever its outcome) appends one :class:`AuditEntry`; the
trail is append-only on every store.
"""

from __future__ import annotations

import abc
import enum
import hashlib
import secrets
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import overload

import attrs

from volunteer_core.errors import InvalidInput, NotFound
from volunteer_core.ports import UnitOfWork

__all__ = [
    "ALL",
    "TOKEN_PREFIX",
    "AccessStore",
    "AuditEntry",
    "InMemoryAccessStore",
    "Principal",
    "Role",
    "Token",
    "digest",
    "in_utc",
    "new_secret",
    "principal_for",
]

#: The scope of a token that reaches every organisation, branch and member.
ALL = "*"
#: Every secret begins with this, so a leaked token is recognisable by secret scanners.
TOKEN_PREFIX = "vct_"


class Role(enum.Enum):
    """What a token may do; each role includes the ones before it (``read`` < ``record`` < ``decide`` <
    ``administer``).

    >>> Role.DECIDE.includes(Role.RECORD), Role.RECORD.includes(Role.DECIDE)
    (True, False)
    """

    READ = "read"
    RECORD = "record"
    DECIDE = "decide"
    ADMINISTER = "administer"

    @property
    def rank(self) -> int:
        """0 for ``read`` up to 3 for ``administer``."""
        return _RANKS[self]

    def includes(self, other: Role) -> bool:
        """Whether this role may do what ``other`` may."""
        return self.rank >= other.rank


_RANKS = {role: rank for rank, role in enumerate(Role)}


def new_secret() -> str:
    """A fresh bearer secret: :data:`TOKEN_PREFIX` and 43 URL-safe characters (256 random bits).

    >>> s = new_secret(); s.startswith("vct_") and len(s) == 47
    True
    """
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The stored form of a secret: its SHA-256 digest in hex (a 256-bit random secret needs no slow hash).

    >>> len(digest("vct_x"))
    64
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@attrs.frozen(kw_only=True)
class Token:
    """One issued token as stored: never the secret, only its digest.

    >>> t = Token(id="t1", digest="0" * 64, role=Role.READ, scope="b1", label="", issued_at=None)
    >>> t.active
    True
    """

    id: str
    digest: str = attrs.field(repr=False)
    role: Role
    scope: str
    label: str = ""
    issued_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """False once revoked."""
        return self.revoked_at is None


@attrs.frozen(kw_only=True)
class Principal:
    """The caller of one request: the token, its role and the branches its scope reaches.

    ``branch_ids`` is None for the scope ``"*"`` (every branch).

    >>> p = Principal(token_id="t1", role=Role.RECORD, scope="b1", branch_ids=frozenset({"b1"}))
    >>> p.covers("b1"), p.covers("b2"), p.unmasked
    (True, False, False)
    """

    token_id: str
    role: Role
    scope: str
    branch_ids: frozenset[str] | None

    def may(self, role: Role) -> bool:
        """Whether the token's role includes ``role``."""
        return self.role.includes(role)

    def covers(self, branch_id: str | None) -> bool:
        """Whether ``branch_id`` lies in the token's scope (None, an entity of no branch: only ``"*"``)."""
        if self.branch_ids is None:
            return True
        return branch_id is not None and branch_id in self.branch_ids

    @property
    def unmasked(self) -> bool:
        """Whether personal data is shown unmasked to this caller: ``administer`` only."""
        return self.role is Role.ADMINISTER


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One write through the service, kept for good: who (token), when, what (method, path, the entity and
    the idempotency key) and how it ended (HTTP status, rule code of a refusal)."""

    id: int | None = None
    at: datetime
    token_id: str
    role: Role
    scope: str
    method: str
    path: str
    status: int
    entity_id: str = ""
    idempotency_key: str = ""
    code: str = ""


def principal_for(token: Token, uow: UnitOfWork) -> Principal:
    """The :class:`Principal` of an active ``token``: its scope resolved to branch ids through ``uow``
    (inside an open transaction or not: it only reads).

    A scope naming an organisation reaches the branches of its subtree; one naming a branch, that branch.
    A scope naming neither (deleted since) reaches no branch.
    """
    if token.scope == ALL:
        return Principal(token_id=token.id, role=token.role, scope=token.scope, branch_ids=None)
    branch_ids: set[str] = set()
    try:
        uow.branches.get(token.scope)
        branch_ids.add(token.scope)
    except NotFound:
        try:
            nodes = uow.organisations.subtree(token.scope)
        except NotFound:
            nodes = []
        branch_ids.update(b.id for b in uow.branches.in_organisations(o.id for o in nodes))
    return Principal(token_id=token.id, role=token.role, scope=token.scope, branch_ids=frozenset(branch_ids))


class AccessStore(abc.ABC):
    """Where the service keeps its tokens and its audit trail (memory, or tables beside the data)."""

    @abc.abstractmethod
    def add_token(self, token: Token) -> Token:
        """Store a new token; ``InvalidInput`` ``input.duplicate`` for an id or digest already stored."""

    @abc.abstractmethod
    def token_by_digest(self, digest: str) -> Token | None:
        """The token whose secret has this digest, revoked or not; None if none."""

    @abc.abstractmethod
    def tokens(self) -> list[Token]:
        """Every token, in the order issued."""

    @abc.abstractmethod
    def revoke(self, token_id: str, *, at: datetime) -> Token:
        """Mark a token revoked (once; revoking again keeps the first time); ``NotFound`` if unknown."""

    @abc.abstractmethod
    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        """Append one entry and return it with its id (increasing); entries are never changed or removed."""

    @abc.abstractmethod
    def audit(self, *, after: int | None = None, limit: int = 100) -> list[AuditEntry]:
        """Entries with an id above ``after``, oldest first, at most ``limit``."""

    def issue(self, *, role: Role, scope: str, label: str = "", at: datetime) -> tuple[Token, str]:
        """Issue a token: store it and return it with its secret, which is never kept."""
        secret = new_secret()
        token = Token(
            id="tok-" + secrets.token_hex(8),
            digest=digest(secret),
            role=role,
            scope=scope,
            label=label,
            issued_at=at,
        )
        return self.add_token(token), secret

    def authenticate(self, secret: str) -> Token | None:
        """The active token of this secret, or None (unknown, malformed or revoked)."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        token = self.token_by_digest(digest(secret))
        return token if token is not None and token.active else None


@overload
def in_utc(moment: datetime) -> datetime: ...
@overload
def in_utc(moment: None) -> None: ...
def in_utc(moment: datetime | None) -> datetime | None:
    """``moment`` as a timezone-aware time in UTC (a naive time is taken as UTC), as every store returns
    its times.

    >>> from datetime import timedelta, timezone
    >>> in_utc(datetime(2026, 3, 1, 16, 30, tzinfo=timezone(timedelta(hours=8)))).isoformat()
    '2026-03-01T08:30:00+00:00'
    """
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class InMemoryAccessStore(AccessStore):
    """Tokens and audit trail held in memory (tests, a service over the in-memory storage); thread-safe.

    >>> from datetime import datetime, timezone
    >>> store = InMemoryAccessStore()
    >>> token, secret = store.issue(role=Role.READ, scope="*", at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> store.authenticate(secret) == token, store.authenticate("vct_wrong")
    (True, None)
    """

    def __init__(self, tokens: Sequence[Token] = ()) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, Token] = {}
        self._audit: list[AuditEntry] = []
        for token in tokens:
            self.add_token(token)

    def add_token(self, token: Token) -> Token:
        token = attrs.evolve(token, issued_at=in_utc(token.issued_at), revoked_at=in_utc(token.revoked_at))
        with self._lock:
            if token.id in self._tokens or any(t.digest == token.digest for t in self._tokens.values()):
                raise InvalidInput(
                    "token",
                    token.id,
                    code="input.duplicate",
                    message_en="a token with this id or secret is already stored",
                    message_zh="已有相同编号或密钥的令牌",
                )
            self._tokens[token.id] = token
            return token

    def token_by_digest(self, digest: str) -> Token | None:
        with self._lock:
            return next((t for t in self._tokens.values() if t.digest == digest), None)

    def tokens(self) -> list[Token]:
        with self._lock:
            return list(self._tokens.values())

    def revoke(self, token_id: str, *, at: datetime) -> Token:
        with self._lock:
            token = self._tokens.get(token_id)
            if token is None:
                raise NotFound("token", token_id)
            if token.revoked_at is None:
                token = attrs.evolve(token, revoked_at=in_utc(at))
                self._tokens[token_id] = token
            return token

    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        with self._lock:
            stored = attrs.evolve(entry, id=len(self._audit) + 1, at=in_utc(entry.at))
            self._audit.append(stored)
            return stored

    def audit(self, *, after: int | None = None, limit: int = 100) -> list[AuditEntry]:
        with self._lock:
            start = 0 if after is None else max(after, 0)
            return self._audit[start : start + max(limit, 0)]
