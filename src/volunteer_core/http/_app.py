"""The Litestar application: one handler per row of the route table, each a sync function run in a
worker thread with a unit of work of its own; authentication, role and scope, problems and the audit
trail around every operation.

The audit entry of a write is appended after the use-case has returned or failed — after its own commit —
so a crash between the two may leave a committed write without its entry, never an entry of a write that
did not happen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from litestar import Litestar, Request, Response, get, route
from litestar.enums import HttpMethod
from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.params import RawBody

from volunteer_core._version import __version__
from volunteer_core.http._access import (
    TOKEN_PREFIX,
    AccessStore,
    AuditEntry,
    Principal,
    Token,
    digest,
    principal_for,
)
from volunteer_core.http._call import MAX_IDEMPOTENCY_KEY, Call, dumps
from volunteer_core.http._openapi import docs_page, openapi_document
from volunteer_core.http._problems import PROBLEM_MEDIA_TYPE, HttpProblem, problem_body, problem_for
from volunteer_core.http._routes import Route
from volunteer_core.http._table import ROUTES
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork

__all__ = ["DEFAULT_IMPORT_MAX_BODY", "DEFAULT_MAX_BODY", "create_app"]

#: The largest request body by default (1 MiB).
DEFAULT_MAX_BODY = 1024 * 1024
#: The largest body of a form import by default (16 MiB).
DEFAULT_IMPORT_MAX_BODY = 16 * 1024 * 1024

_log = logging.getLogger("volunteer_core.http")

_LITESTAR_CODES = {
    400: ("http.bad_request", "请求无效", "a bad request"),
    404: ("http.not_found", "没有这个地址", "no such route"),
    405: ("http.method_not_allowed", "此地址不支持这个方法", "the method is not allowed on this route"),
    413: ("http.too_large", "请求体过大", "the request body is too large"),
    415: ("http.media_type", "不支持的媒体类型", "unsupported media type"),
}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _problem_response(
    status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> Response[bytes]:
    return Response(
        content=dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers or {})
    )


def _unauthorized(message_zh: str, message_en: str) -> HttpProblem:
    return HttpProblem(401, "http.unauthorized", message_zh, message_en)


class _Service:
    """What every handler shares: the stores, the policy, the clock."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        access: AccessStore,
        policy: Policy,
        certificate_secret: bytes | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.uow_factory = uow_factory
        self.access = access
        self.policy = policy
        self.certificate_secret = certificate_secret
        self.clock = clock

    def token_of(self, request: Request[Any, Any, Any]) -> tuple[Token | None, Token | None]:
        """(the active token of the request, the known token even if revoked)."""
        header = request.headers.get("authorization", "")
        scheme, _, secret = header.partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None, None
        known = self.access.token_by_digest(digest(secret))
        return (known if known is not None and known.active else None), known

    def audit(
        self,
        request: Request[Any, Any, Any],
        token: Token | None,
        status: int,
        *,
        entity_id: str = "",
        code: str = "",
    ) -> None:
        """One audit entry for a write on ``/v1`` by a known token."""
        if token is None or request.method == "GET" or not request.url.path.startswith("/v1/"):
            return
        key = request.headers.get("idempotency-key", "")[:MAX_IDEMPOTENCY_KEY]
        try:
            self.access.append_audit(
                AuditEntry(
                    at=self.clock(),
                    token_id=token.id,
                    role=token.role,
                    scope=token.scope,
                    method=request.method,
                    path=request.url.path[:1000],
                    status=status,
                    entity_id=entity_id[:200],
                    idempotency_key=key,
                    code=code,
                )
            )
        except Exception:  # the answer stands; the failure is logged
            _log.exception("the audit entry could not be written")

    def answer(self, route_: Route, request: Request[Any, Any, Any], body: bytes) -> Response[bytes]:
        """Run one operation of the route table for ``request``."""
        token, known = self.token_of(request)
        call: Call | None = None
        try:
            if token is None:
                raise (
                    _unauthorized("令牌已撤销", "the token is revoked")
                    if known is not None
                    else _unauthorized("缺少或未知的令牌", "a missing or unknown bearer token")
                )
            uow = self.uow_factory()
            with uow:
                principal: Principal = principal_for(token, uow)
            if not principal.may(route_.role):
                raise HttpProblem(
                    403,
                    "http.forbidden",
                    f"需要 {route_.role.value} 角色，令牌为 {principal.role.value}",
                    f"needs the role {route_.role.value}; the token has {principal.role.value}",
                )
            key = request.headers.get("idempotency-key")
            if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
                raise HttpProblem(
                    422,
                    "input.too_large" if key else "input.invalid",
                    f"Idempotency-Key 须为 1–{MAX_IDEMPOTENCY_KEY} 个字符",
                    f"Idempotency-Key must have 1–{MAX_IDEMPOTENCY_KEY} characters",
                    field="Idempotency-Key",
                )
            if route_.body is not None:
                media = request.headers.get("content-type", "").split(";")[0].strip().lower()
                if media not in route_.body_media:
                    raise HttpProblem(
                        415,
                        "http.media_type",
                        f"请求体须为 {', '.join(route_.body_media)}",
                        f"the body must be {', '.join(route_.body_media)}",
                        field="Content-Type",
                    )
            call = Call(
                uow=uow,
                access=self.access,
                principal=principal,
                path={k: str(v) for k, v in request.path_params.items()},
                query={k: list(v) for k, v in request.query_params.dict().items()},
                body=body,
                idempotency_key=key if route_.idempotency_key else None,
                default_policy=self.policy,
                clock=self.clock,
                certificate_secret=self.certificate_secret,
                media_type=request.headers.get("content-type", "").split(";")[0].strip().lower(),
            )
            outcome = route_.run(call)
        except Exception as exc:
            if not isinstance(exc, HttpProblem | HTTPException) and not _is_library_error(exc):
                _log.exception("an internal error answering %s %s", request.method, route_.path)
            status, problem = problem_for(exc, request.url.path, request.path_params.get("id"))
            entity_id = call.entity_id if call is not None and call.entity_id else ""
            self.audit(
                request,
                known,
                status,
                entity_id=entity_id or str(request.path_params.get("id", "")),
                code=problem["code"],
            )
            headers = {"WWW-Authenticate": 'Bearer realm="volunteer-core"'} if status == 401 else {}
            return _problem_response(status, problem, headers)
        self.audit(request, known, outcome.status, entity_id=call.entity_id)
        if outcome.content is not None:
            return Response(
                content=outcome.content,
                status_code=outcome.status,
                media_type=outcome.media_type,
                headers=dict(outcome.headers),
            )
        return Response(
            content=dumps(outcome.payload),
            status_code=outcome.status,
            media_type=outcome.media_type,
            headers=dict(outcome.headers),
        )


def _is_library_error(exc: BaseException) -> bool:
    from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation

    return isinstance(exc, InvalidInput | NotFound | RuleViolation | ConcurrencyConflict)


def _litestar_path(path: str) -> str:
    """``/v1/records/{id}`` → ``/v1/records/{id:str}`` (every parameter read as text, parsed by us)."""
    out = []
    for part in path.split("/"):
        if part.startswith("{") and part.endswith("}"):
            part = "{" + part[1:-1] + ":str}"
        out.append(part)
    return "/".join(out)


def _handler(
    service: _Service, path: str, rows: list[Route], max_body: int, import_max_body: int
) -> HTTPRouteHandler:
    """One Litestar handler for every method of one path (Litestar wraps a sync handler once per path)."""
    by_method = {row.method: row for row in rows}

    def handle(request: Request[Any, Any, Any], body: RawBody) -> Response[bytes]:
        return service.answer(by_method[request.method], request, body)

    return route(
        _litestar_path(path),
        http_method=[HttpMethod(method) for method in by_method],
        name=path,
        sync_to_thread=True,
        request_max_body_size=max(import_max_body if row.large_body else max_body for row in rows),
    )(handle)


def create_app(
    uow_factory: Callable[[], UnitOfWork],
    access: AccessStore,
    *,
    policy: Policy = DEFAULT,
    max_body: int = DEFAULT_MAX_BODY,
    import_max_body: int = DEFAULT_IMPORT_MAX_BODY,
    certificate_secret: bytes | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Litestar:
    """The service as a Litestar application.

    Args:
        uow_factory: makes a fresh unit of work; one per request.
        access: where tokens and the audit trail are kept.
        policy: the policy preset used unless a request names one (``?policy=``).
        max_body: the largest request body (bytes); larger → 413 ``http.too_large``.
        import_max_body: the largest body of a form import.
        certificate_secret: the key certificates are signed and verified with (None: their routes
            answer 422).
        clock: the time of audit entries and issued tokens (UTC now by default).

    >>> from volunteer_core.http import InMemoryAccessStore
    >>> from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork
    >>> store = InMemoryStore()
    >>> app = create_app(lambda: InMemoryUnitOfWork(store), InMemoryAccessStore())
    >>> type(app).__name__
    'Litestar'
    """
    service = _Service(uow_factory, access, policy, certificate_secret, clock or _utc_now)
    document = openapi_document(ROUTES)
    document_bytes = dumps(document)
    page = docs_page(document).encode("utf-8")

    @get("/health", sync_to_thread=False, name="health")
    def health() -> Response[bytes]:
        return Response(
            content=dumps({"status": "ok", "version": __version__}), media_type="application/json"
        )

    @get("/openapi.json", sync_to_thread=False, name="openapi")
    def openapi() -> Response[bytes]:
        return Response(content=document_bytes, media_type="application/json")

    @get("/docs", sync_to_thread=False, name="docs")
    def docs() -> Response[bytes]:
        return Response(content=page, media_type="text/html; charset=utf-8")

    handlers: list[HTTPRouteHandler] = [health, openapi, docs]
    paths: dict[str, list[Route]] = {}
    for row in ROUTES:
        paths.setdefault(row.path, []).append(row)
    for path, rows in paths.items():
        handlers.append(_handler(service, path, rows, max_body, import_max_body))

    def on_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
        if isinstance(exc, HTTPException) and exc.status_code in _LITESTAR_CODES:
            code, zh, en = _LITESTAR_CODES[exc.status_code]
            status = exc.status_code
            body = problem_body(status, code, instance=request.url.path, message_zh=zh, message_en=en)
        else:
            if not isinstance(exc, HTTPException):
                _log.exception("an internal error answering %s %s", request.method, request.url.path)
            status, body = problem_for(exc, request.url.path)
            if isinstance(exc, HTTPException) and exc.status_code < 500:
                status = exc.status_code
                body = problem_body(
                    status,
                    "http.bad_request",
                    instance=request.url.path,
                    message_zh="请求无效",
                    message_en="a bad request",
                )
        if request.url.path.startswith("/v1/"):
            try:
                _, known = service.token_of(request)
            except Exception:  # pragma: no cover - the store failing: the refusal stands
                known = None
            service.audit(request, known, status, code=body["code"])
        headers = {}
        if status == 405 and isinstance(exc, HTTPException) and exc.headers:
            headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        return _problem_response(status, body, headers)

    return Litestar(
        route_handlers=handlers,
        openapi_config=None,
        exception_handlers={Exception: on_error},
        request_max_body_size=max_body,
        debug=False,
    )
