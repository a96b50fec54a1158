"""Problem details (RFC 9457) for every refusal of the service: one function maps the library's
exceptions, and the service's own refusals (:class:`HttpProblem`), to a status and a JSON body.

Body: ``type`` (``urn:volunteer-core:problem:<code>``), ``title``, ``status``, ``detail`` (English),
``instance`` (the request path), ``code``, ``field`` (or null), ``value`` (masked, or null),
``message_zh``, ``message_en`` and ``violations`` (a list of objects: a rule violation's own). An
unexpected exception is a 500 ``http.internal`` that says nothing of it.
"""

from __future__ import annotations

from typing import Any

from volunteer_core.errors import (
    ConcurrencyConflict,
    InvalidInput,
    NotFound,
    RuleViolation,
    StorageError,
)
from volunteer_core.privacy.personal import mask_field, personal_field

__all__ = ["PROBLEM_MEDIA_TYPE", "HttpProblem", "problem_body", "problem_for"]

#: The media type of every problem body.
PROBLEM_MEDIA_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
}


class HttpProblem(Exception):
    """A refusal of the service itself (authentication, role, scope, size, media type, route).

    >>> p = HttpProblem(403, "http.forbidden", "这个令牌的角色不够", "the token's role is too low")
    >>> p.status, p.code
    (403, 'http.forbidden')
    """

    def __init__(
        self,
        status: int,
        code: str,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.value = value
        super().__init__(f"{code}: {message_en}")


def _safe_value(field: str | None, value: object) -> object:
    """A value a problem may show: JSON scalars only, personal fields masked, long text cut."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value if abs(value) < 10**15 else None
    if not isinstance(value, str):
        return None
    if field is not None and personal_field(field) is not None:
        return mask_field(field, value)
    return value if len(value) <= 200 else value[:200] + "…"


def problem_body(
    status: int,
    code: str,
    *,
    instance: str,
    message_zh: str,
    message_en: str,
    field: str | None = None,
    value: object = None,
    violations: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The JSON body of one problem.

    >>> b = problem_body(404, "http.not_found", instance="/x", message_zh="没有这个地址", message_en="no such route")
    >>> b["type"], b["title"], b["detail"], b["violations"]
    ('urn:volunteer-core:problem:http.not_found', 'Not Found', 'no such route', [])
    """
    return {
        "type": f"urn:volunteer-core:problem:{code}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": message_en,
        "instance": instance,
        "code": code,
        "field": field,
        "value": _safe_value(field, value),
        "message_zh": message_zh,
        "message_en": message_en,
        "violations": violations or [],
    }


def violation_json(violation: Any) -> dict[str, Any]:
    """A :class:`~volunteer_core.rules.Violation` as JSON: its code, severity, subject, field (the first
    detail naming one, else null), messages, source and details."""
    from volunteer_core.serialization import unstructure

    data: dict[str, Any] = unstructure(violation)
    details = data.get("details") or {}
    data["field"] = details.get("field") if isinstance(details.get("field"), str) else None
    return data


def problem_for(exc: BaseException, instance: str, path_id: str | None = None) -> tuple[int, dict[str, Any]]:
    """The status and body of the problem that answers ``exc`` (any exception). An unknown id is named
    ``id`` when it is the request path's ``path_id``, else by its kind (``activity_id``).

    >>> status, body = problem_for(NotFound("member", "m9"), "/v1/members/m9", "m9")
    >>> status, body["code"], body["field"], body["message_en"]
    (404, 'input.not_found', 'id', "no member with id 'm9'")
    >>> problem_for(RuntimeError("secret 13912344859"), "/v1/x")[1]["detail"]
    'an internal error'
    """
    if isinstance(exc, HttpProblem):
        return exc.status, problem_body(
            exc.status,
            exc.code,
            instance=instance,
            message_zh=exc.message_zh,
            message_en=exc.message_en,
            field=exc.field,
            value=exc.value,
        )
    if isinstance(exc, InvalidInput):
        status = 409 if exc.code.endswith("idempotency_conflict") else 422
        return status, problem_body(
            status,
            exc.code,
            instance=instance,
            message_zh=exc.message_zh,
            message_en=exc.message_en,
            field=exc.path or None,
            value=exc.value,
        )
    if isinstance(exc, RuleViolation):
        v = exc.violation
        shown = violation_json(v)
        status = 409 if v.code == "ledger.idempotency_conflict" else 422
        return status, problem_body(
            status,
            v.code,
            instance=instance,
            message_zh=v.message_zh,
            message_en=v.message_en,
            field=shown["field"],
            violations=[shown],
        )
    if isinstance(exc, NotFound):
        kind = str(exc.kind)
        shown_id = _safe_value("id", exc.entity_id)
        return 404, problem_body(
            404,
            "input.not_found",
            instance=instance,
            message_zh=f"未找到{kind} {shown_id!r}",
            message_en=f"no {kind} with id {shown_id!r}",
            field="id" if exc.entity_id == path_id else f"{kind}_id",
            value=shown_id,
        )
    if isinstance(exc, ConcurrencyConflict):
        return 409, problem_body(
            409,
            "storage.conflict",
            instance=instance,
            message_zh="数据已被同时修改，请重试",
            message_en="the data was changed concurrently; try again",
        )
    if isinstance(exc, StorageError):
        return 500, problem_body(
            500,
            "http.internal",
            instance=instance,
            message_zh="存储出错",
            message_en="an internal error",
        )
    return 500, problem_body(
        500,
        "http.internal",
        instance=instance,
        message_zh="内部错误",
        message_en="an internal error",
    )
