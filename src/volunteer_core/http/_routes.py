"""The route table: one row per operation of the service — method, path, role, the use-case it calls,
its request and response schemas and the statuses it answers. Both the Litestar handlers
(:mod:`volunteer_core.http._app`) and the OpenAPI document (:mod:`volunteer_core.http._openapi`) are
generated from :data:`ROUTES`; nothing about an operation is written twice."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from volunteer_core import services
from volunteer_core.aggregates import AGGREGATES_BY_NAME
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation
from volunteer_core.http._access import ALL, Role
from volunteer_core.http._call import (
    MAX_LIMIT,
    MAX_YEAR,
    MIN_YEAR,
    Call,
    Field,
    Outcome,
    field_schema,
)
from volunteer_core.http._problems import HttpProblem
from volunteer_core.model import Demand, Pairing, Qualification, Wish
from volunteer_core.ports import UnitOfWork
from volunteer_core.serialization import unstructure, year_report_json

T = TypeVar("T")

__all__ = ["CORE_ROUTES", "YEAR_REPORT_SCHEMA", "Param", "Route", "ref"]

Operation = Callable[[Call], Outcome]


@attrs.frozen(kw_only=True)
class Param:
    """A query or path parameter: name, where, JSON Schema, required."""

    name: str
    where: str = "query"
    schema: dict[str, Any] = attrs.field(factory=lambda: {"type": "string"})
    required: bool = False
    description: str = ""


@attrs.frozen(kw_only=True)
class Route:
    """One operation of the service."""

    method: str
    path: str
    role: Role
    operation_id: str
    summary: str
    run: Operation
    body: dict[str, Any] | None = None
    body_media: tuple[str, ...] = ("application/json",)
    params: tuple[Param, ...] = ()
    status: int = 200
    response: dict[str, Any] = attrs.field(factory=lambda: {"type": "object"})
    response_media: tuple[str, ...] = ("application/json",)
    problems: tuple[int, ...] = (400, 401, 403, 404, 409, 413, 415, 422, 500)
    idempotency_key: bool = False
    large_body: bool = False
    tag: str = ""


def ref(name: str) -> dict[str, Any]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _object(fields: Iterable[Field]) -> dict[str, Any]:
    fields = list(fields)
    return {
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


_ID = {"type": "string", "minLength": 1, "maxLength": 200}
_YEAR = {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}
_POLICY = Param(name="policy", schema={"type": "string"}, description="a policy preset (DEFAULT)")
_ADDED = {"type": "object", "properties": {"added": {"type": "integer"}}, "required": ["added"]}


def _id_param(name: str = "id") -> Param:
    return Param(name=name, where="path", schema=_ID, required=True)


def _list_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": schema}, "next": {"type": ["string", "null"]}},
        "required": ["items", "next"],
    }


# --- what an entity's branches are (scope) -------------------------------------------------------------
def _member_branches(uow: UnitOfWork, member_id: str | None) -> frozenset[str] | None:
    if member_id is None:
        return None
    try:
        return frozenset({uow.members.get(member_id).branch_id})
    except NotFound:
        return frozenset()


def _team_branches(uow: UnitOfWork, team_id: str | None) -> frozenset[str] | None:
    if team_id is None:
        return None
    try:
        return frozenset({uow.teams.get(team_id).branch_id})
    except NotFound:
        return frozenset()


def _demand_branches(uow: UnitOfWork, demand: Any) -> frozenset[str] | None:
    member = _member_branches(uow, demand.member_id)
    team = _team_branches(uow, demand.team_id)
    if member is None and team is None:
        return None
    return (member or frozenset()) | (team or frozenset())


#: Each aggregate's branches: None for an entity of no branch (readable by any token).
_BRANCHES: dict[str, Callable[[UnitOfWork, Any], frozenset[str] | None]] = {
    "branches": lambda uow, e: frozenset({e.id}),
    "members": lambda uow, e: frozenset({e.branch_id}),
    "teams": lambda uow, e: frozenset({e.branch_id}),
    "plans": lambda uow, e: frozenset({e.branch_id}),
    "reports": lambda uow, e: frozenset({e.branch_id}),
    "records": lambda uow, e: frozenset({e.branch_id}) | (_member_branches(uow, e.member_id) or frozenset()),
    "activities": lambda uow, e: frozenset({e.branch_id}) | e.branch_ids,
    "pairings": lambda uow, e: frozenset(e.branch_ids),
    "qualifications": lambda uow, e: _member_branches(uow, e.member_id),
    "demands": _demand_branches,
    "beneficiaries": lambda uow, e: None,
    "units": lambda uow, e: None,
    "supporters": lambda uow, e: None,
    "wishes": lambda uow, e: None,
}

#: The aggregates ``POST /v1/{aggregate}`` adds (master data); the others have use-cases of their own.
ADDABLE = (
    "organisations",
    "branches",
    "members",
    "teams",
    "beneficiaries",
    "units",
    "activities",
    "supporters",
    "plans",
    "reports",
)


def _visible(
    call: Call,
    aggregate: str,
    entity: Any,
    reach: frozenset[str] | None,
    owners: dict[str, str] | None = None,
) -> bool:
    """Whether the caller may read ``entity`` (inside an open transaction; ``reach``: the organisations
    of the scope, read before it; ``owners``: member id → branch, read once for a list of records). A record
    is read by its member's branch and by its activity's."""
    if aggregate == "organisations":
        return reach is None or entity.id in reach
    if aggregate == "records" and owners is not None:
        owner = owners.get(entity.member_id)
        return call.visible({entity.branch_id} if owner is None else {entity.branch_id, owner})
    return call.visible(_BRANCHES[aggregate](call.uow, entity))


def _shown(call: Call, entity: Any) -> Any:
    return call.shown(unstructure(entity))


def _list(aggregate: str) -> Operation:
    def run(call: Call) -> Outcome:
        limit = call.int_param("limit", low=1, high=MAX_LIMIT, default=100)
        assert limit is not None
        after = call.param("after")
        reach = call.organisations() if aggregate == "organisations" else None
        with call.uow:
            repository = getattr(call.uow, aggregate)
            entities = sorted(repository.list(), key=lambda e: e.id)
            owners = None
            if aggregate == "records" and call.principal.branch_ids is not None:
                owners = {m.id: m.branch_id for m in call.uow.members.list()}
            page: list[Any] = []
            more = False
            for entity in entities:
                if after is not None and entity.id <= after:
                    continue
                if not _visible(call, aggregate, entity, reach, owners):
                    continue
                if len(page) == limit:
                    more = True
                    break
                page.append(entity)
        return Outcome(
            payload={
                "items": [_shown(call, e) for e in page],
                "next": page[-1].id if more and page else None,
            }
        )

    return run


def _get(aggregate: str) -> Operation:
    def run(call: Call) -> Outcome:
        reach = call.organisations() if aggregate == "organisations" else None
        with call.uow:
            entity = getattr(call.uow, aggregate).get(call.path["id"])
            if not _visible(call, aggregate, entity, reach):
                raise call.out_of_scope("id", call.path["id"])
        return Outcome(payload=_shown(call, entity))

    return run


def _write_scope(call: Call, aggregate: str, entity: Any, path: str) -> None:
    if call.principal.branch_ids is None:
        return
    if aggregate == "organisations":
        reach = call.organisations() or frozenset()
        parent = entity.parent_id
        if parent is None or parent not in reach:
            raise call.out_of_scope(f"{path}.parent_id", parent)
        return
    if aggregate == "branches":
        reach = call.organisations() or frozenset()
        if entity.organisation_id not in reach:
            raise call.out_of_scope(f"{path}.organisation_id", entity.organisation_id)
        return
    with call.uow:
        branches = _BRANCHES[aggregate](call.uow, entity)
    field = "member_id" if aggregate == "qualifications" else "branch_id"
    call.require(branches, f"{path}.{field}", getattr(entity, field, None))
    _require_members(call, getattr(entity, "member_ids", ()), f"{path}.member_ids")


def _require_members(call: Call, member_ids: Iterable[str], field: str) -> None:
    """Refuse a write naming a member outside the scope (a team's, a pairing's members)."""
    for member_id in sorted(member_ids):
        call.require_member(member_id, field)


def _add(aggregate: str) -> Operation:
    cls = AGGREGATES_BY_NAME[aggregate].entity

    def run(call: Call) -> Outcome:
        data = call.json()
        items = data if isinstance(data, list) else [data]
        if len(items) > MAX_LIMIT:
            raise InvalidInput(
                "$",
                None,
                code="input.too_large",
                message_en=f"at most {MAX_LIMIT} entities at once",
                message_zh=f"一次至多 {MAX_LIMIT} 个",
            )
        prefix = "$" if not isinstance(data, list) else "$[{}]"
        entities = []
        for index, item in enumerate(items):
            path = prefix.format(index)
            entity = call.entity(cls, item, path=path)
            _write_scope(call, aggregate, entity, path)
            entities.append(entity)
        added = services.add_entities(call.uow, entities)
        call.entity_id = entities[0].id if len(entities) == 1 else ""
        return Outcome(status=201, payload={"added": added})

    return run


def _aggregate_routes() -> list[Route]:
    routes: list[Route] = []
    for name, aggregate in AGGREGATES_BY_NAME.items():
        schema = aggregate.entity.__name__
        routes.append(
            Route(
                method="GET",
                path=f"/v1/{name}",
                role=Role.READ,
                operation_id=f"list_{name}",
                summary=f"List the {name} in the token's scope (masked unless administer)",
                run=_list(name),
                params=(
                    Param(name="limit", schema={"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
                    Param(name="after", schema={"type": "string"}),
                ),
                response=_list_of(ref(schema)),
                tag=name,
            )
        )
        routes.append(
            Route(
                method="GET",
                path=f"/v1/{name}/{{id}}",
                role=Role.READ,
                operation_id=f"get_{name}",
                summary=f"One {aggregate.label_en}",
                run=_get(name),
                params=(_id_param(),),
                response=ref(schema),
                tag=name,
            )
        )
        if name in ADDABLE:
            routes.append(
                Route(
                    method="POST",
                    path=f"/v1/{name}",
                    role=Role.ADMINISTER,
                    operation_id=f"add_{name}",
                    summary=f"Add {name} (one object or a list of up to 1000): services.add_entities",
                    run=_add(name),
                    body={
                        "oneOf": [ref(schema), {"type": "array", "items": ref(schema), "maxItems": MAX_LIMIT}]
                    },
                    status=201,
                    response=_ADDED,
                    tag=name,
                )
            )
    return routes


# --- the ledger ----------------------------------------------------------------------------------------
_RECORD_FIELDS = (
    Field(name="member_id", type="str"),
    Field(name="activity_id", type="str"),
    Field(name="minutes", type="int"),
    Field(name="on", type="date", required=False),
    Field(name="recorded_on", type="date", required=False),
    Field(name="record_id", type="str", required=False),
)


def _backdating(call: Call, recorded_on: object, field: str = "recorded_on") -> None:
    """Refuse a day of entry (``recorded_on``) set by a caller below ``administer``: the service's clock
    dates an entry (a day set by the caller would hide a late entry from ``record.timeliness``); an
    administrator loading an earlier ledger may set it."""
    if recorded_on is not None and not call.principal.may(Role.ADMINISTER):
        raise HttpProblem(
            403,
            "http.forbidden",
            f"只有管理角色可以指定 {field}（录入日期由服务时钟确定）",
            f"only an administer token may set {field} (the service's clock dates an entry)",
            field=field,
        )


def _require_activity(call: Call, activity_id: object, field: str = "activity_id") -> None:
    """Refuse a write at a stored activity none of whose organising branches (its lead branch, its
    co-organisers) lies in the scope: a branch's token enters service at its own activities only (an
    unknown activity is left to the use-case, which names it)."""
    if call.principal.branch_ids is None or not isinstance(activity_id, str):
        return
    with call.uow:
        try:
            activity = call.uow.activities.get(activity_id)
        except NotFound:
            return
    if not call.visible({activity.branch_id} | activity.branch_ids):
        raise call.out_of_scope(field, activity_id)


def _keyed(call: Call, write: Callable[[], T]) -> T:
    """``write()``; a scoped caller whose idempotency key was already used is told only that (keys are
    shared by the deployment: the first request may be another branch's, and is not described)."""
    try:
        return write()
    except RuleViolation as err:
        if err.violation.code != "ledger.idempotency_conflict" or call.principal.branch_ids is None:
            raise
        raise HttpProblem(
            409,
            "ledger.idempotency_conflict",
            "幂等键已用于另一请求，请使用新的幂等键",
            "the idempotency key was used for another request: use a new key",
            field="idempotency_key",
        ) from None


def _enter(report: bool) -> Operation:
    def run(call: Call) -> Outcome:
        body = call.fields(_RECORD_FIELDS)
        call.require_member(body["member_id"])
        _require_activity(call, body["activity_id"])
        _backdating(call, body.get("recorded_on"))
        enter = services.report_service if report else services.record_service
        body.setdefault("recorded_on", call.today())
        record = _keyed(
            call,
            lambda: enter(call.uow, **body, idempotency_key=call.idempotency_key, policy=call.policy()),
        )
        call.entity_id = record.id
        return Outcome(status=201, payload=_shown(call, record))

    return run


_BATCH_ITEM = (*_RECORD_FIELDS, Field(name="idempotency_key", type="str", required=False))


def _batch(call: Call) -> Outcome:
    data = call.json()
    if not isinstance(data, dict) or set(data) != {"items"} or not isinstance(data["items"], list):
        raise InvalidInput(
            "$.items",
            None,
            code="input.type",
            message_en='the body is {"items": [...]}',
            message_zh='请求体须为 {"items": [...]}',
        )
    items = data["items"]
    if len(items) > MAX_LIMIT:
        raise InvalidInput(
            "$.items",
            None,
            code="input.too_large",
            message_en=f"at most {MAX_LIMIT} items",
            message_zh=f"至多 {MAX_LIMIT} 项",
        )
    from volunteer_core.http._call import read_fields

    requests = []
    checked: set[tuple[str, str]] = set()  # each member and activity of the batch is read once
    for index, item in enumerate(items):
        try:
            fields = read_fields(item, _BATCH_ITEM)
        except InvalidInput as err:
            raise err.at(f"$.items[{index}]") from None
        if ("member", fields["member_id"]) not in checked:
            call.require_member(fields["member_id"], f"$.items[{index}].member_id")
            checked.add(("member", fields["member_id"]))
        if ("activity", fields["activity_id"]) not in checked:
            _require_activity(call, fields["activity_id"], f"$.items[{index}].activity_id")
            checked.add(("activity", fields["activity_id"]))
        _backdating(call, fields.get("recorded_on"), f"$.items[{index}].recorded_on")
        requests.append(services.RecordRequest(**fields))
    records = _keyed(
        call,
        lambda: services.record_services(call.uow, requests, policy=call.policy(), recorded_on=call.today()),
    )
    return Outcome(status=201, payload={"records": [_shown(call, r) for r in records]})


def _record_action(step: Callable[[Call, dict[str, Any]], Any], fields: tuple[Field, ...]) -> Operation:
    def run(call: Call) -> Outcome:
        body = call.fields(fields)
        record_id = call.path["id"]
        with call.uow:
            record = call.uow.records.get(record_id)
            owner = _member_branches(call.uow, record.member_id) or frozenset()
            try:
                activity = call.uow.activities.get(record.activity_id)
                organisers = {activity.branch_id} | activity.branch_ids
            except NotFound:
                organisers = {record.branch_id}
        # a branch acts on its own members' records at its own activities (lead or co-organised)
        call.require(owner, "id", record_id)
        if not call.visible(organisers):
            raise call.out_of_scope("id", record_id)
        call.entity_id = record_id
        result = step(call, body)
        return Outcome(payload=_shown(call, result))

    return run


_CONFIRM = (Field(name="by", type="str"), Field(name="on", type="date"))
_REJECT = (Field(name="by", type="str"), Field(name="on", type="date"), Field(name="reason", type="str"))
_REVERSE = (Field(name="on", type="date"), Field(name="reversal_id", type="str", required=False))
_ADJUST = (
    Field(name="minutes", type="sint"),
    Field(name="on", type="date"),
    Field(name="adjustment_id", type="str", required=False),
)


def _ledger_routes() -> list[Route]:
    record = ref("ServiceRecord")
    routes = [
        Route(
            method="POST",
            path="/v1/records",
            role=Role.RECORD,
            operation_id="record_service",
            summary="Record a service (services.record_service); Idempotency-Key honoured",
            run=_enter(False),
            body=_object(_RECORD_FIELDS),
            status=201,
            response=record,
            idempotency_key=True,
            params=(_POLICY,),
            tag="records",
        ),
        Route(
            method="POST",
            path="/v1/records/reports",
            role=Role.RECORD,
            operation_id="report_service",
            summary="Report a service for confirmation, PENDING (services.report_service)",
            run=_enter(True),
            body=_object(_RECORD_FIELDS),
            status=201,
            response=record,
            idempotency_key=True,
            params=(_POLICY,),
            tag="records",
        ),
        Route(
            method="POST",
            path="/v1/records/batch",
            role=Role.RECORD,
            operation_id="record_services",
            summary="Record up to 1000 services at once (services.record_services)",
            run=_batch,
            body={
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": _object(_BATCH_ITEM), "maxItems": MAX_LIMIT}
                },
                "required": ["items"],
                "additionalProperties": False,
            },
            status=201,
            response={"type": "object", "properties": {"records": {"type": "array", "items": record}}},
            params=(_POLICY,),
            tag="records",
        ),
    ]
    actions: list[tuple[str, tuple[Field, ...], Callable[[Call, dict[str, Any]], Any], str]] = [
        (
            "confirm",
            _CONFIRM,
            lambda c, b: services.confirm_service(c.uow, c.path["id"], **b, policy=c.policy()),
            "Confirm a PENDING record",
        ),
        (
            "reject",
            _REJECT,
            lambda c, b: services.reject_service(c.uow, c.path["id"], **b),
            "Reject a PENDING record",
        ),
        (
            "reverse",
            _REVERSE,
            lambda c, b: services.reverse_service(c.uow, c.path["id"], **b),
            "Append the entry that reverses a record (冲销)",
        ),
        (
            "adjust",
            _ADJUST,
            lambda c, b: services.adjust_service(c.uow, c.path["id"], **b),
            "Append an adjustment of a record (调整)",
        ),
    ]
    for name, fields, step, summary in actions:
        routes.append(
            Route(
                method="POST",
                path=f"/v1/records/{{id}}/{name}",
                role=Role.DECIDE,
                operation_id=f"{name}_record",
                summary=summary,
                run=_record_action(step, fields),
                body=_object(fields),
                response=record,
                params=(_id_param(), *((_POLICY,) if name == "confirm" else ())),
                tag="records",
            )
        )
    routes += [
        Route(
            method="GET",
            path="/v1/locks",
            role=Role.READ,
            operation_id="list_locks",
            summary="The locked (branch, year) pairs in the token's scope",
            run=_locks,
            response={
                "type": "object",
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"branch_id": {"type": "string"}, "year": {"type": "integer"}},
                            "required": ["branch_id", "year"],
                        },
                    }
                },
                "required": ["items"],
            },
            tag="records",
        ),
        Route(
            method="POST",
            path="/v1/locks",
            role=Role.ADMINISTER,
            operation_id="lock_year",
            summary="Close a filed year of a branch (services.lock_year)",
            run=_lock,
            body={
                "type": "object",
                "properties": {"branch_id": {"type": "string"}, "year": _YEAR},
                "required": ["branch_id", "year"],
                "additionalProperties": False,
            },
            status=201,
            response={
                "type": "object",
                "properties": {"branch_id": {"type": "string"}, "year": {"type": "integer"}},
                "required": ["branch_id", "year"],
            },
            tag="records",
        ),
    ]
    return routes


def _locks(call: Call) -> Outcome:
    with call.uow:
        pairs = sorted(call.uow.locks.list())
    return Outcome(payload={"items": [{"branch_id": b, "year": y} for b, y in pairs if call.visible({b})]})


def _lock(call: Call) -> Outcome:
    body = call.fields((Field(name="branch_id", type="str"), Field(name="year", type="int")))
    if not MIN_YEAR <= body["year"] <= MAX_YEAR:
        raise InvalidInput(
            "$.year",
            body["year"],
            code="input.invalid",
            message_en=f"year must be within {MIN_YEAR}–{MAX_YEAR}",
            message_zh=f"年份须在 {MIN_YEAR}–{MAX_YEAR} 之间",
        )
    call.require_branch(body["branch_id"], "branch_id")
    services.lock_year(call.uow, body["branch_id"], body["year"])
    call.entity_id = body["branch_id"]
    return Outcome(status=201, payload=body)


# --- wishes ---------------------------------------------------------------------------------------------
def _collect(call: Call) -> Outcome:
    wish = call.entity(Wish)
    wish = services.collect_wish(call.uow, wish, idempotency_key=call.idempotency_key)
    call.entity_id = wish.id
    return Outcome(status=201, payload=_shown(call, wish))


def _claimant(call: Call, body: dict[str, Any]) -> None:
    call.require_member(body.get("member_id"))


def _wish_action(step: Callable[[Call, dict[str, Any]], Wish], fields: tuple[Field, ...]) -> Operation:
    def run(call: Call) -> Outcome:
        body = call.fields(fields)
        call.entity_id = call.path["id"]
        _claimant(call, body)
        return Outcome(payload=_shown(call, step(call, body)))

    return run


_CLAIM = (
    Field(name="member_id", type="str", required=False),
    Field(name="supporter_id", type="str", required=False),
    Field(name="on", type="date"),
    Field(name="pledged", type="yuan", required=False),
)
_WITHDRAW = (
    Field(name="member_id", type="str", required=False),
    Field(name="supporter_id", type="str", required=False),
    Field(name="on", type="date"),
)


def _wish_routes() -> list[Route]:
    wish = ref("Wish")
    routes = [
        Route(
            method="POST",
            path="/v1/wishes",
            role=Role.RECORD,
            operation_id="collect_wish",
            summary="Collect a wish (services.collect_wish); Idempotency-Key honoured",
            run=_collect,
            body=wish,
            status=201,
            response=wish,
            idempotency_key=True,
            tag="wishes",
        )
    ]
    actions: list[tuple[str, Role, tuple[Field, ...], Callable[[Call, dict[str, Any]], Wish], str]] = [
        (
            "screen",
            Role.DECIDE,
            (
                Field(name="approved", type="bool"),
                Field(name="on", type="date"),
                Field(name="reason", type="str", required=False),
            ),
            lambda c, b: services.screen_wish(c.uow, c.path["id"], **b, policy=c.policy()),
            "Screen a wish",
        ),
        (
            "publish",
            Role.DECIDE,
            (Field(name="on", type="date"),),
            lambda c, b: services.publish_wish(c.uow, c.path["id"], **b, policy=c.policy()),
            "Publish a wish",
        ),
        (
            "fulfil",
            Role.DECIDE,
            (Field(name="on", type="date"),),
            lambda c, b: services.fulfil_wish(c.uow, c.path["id"], **b),
            "Mark a wish fulfilled",
        ),
        (
            "cancel",
            Role.DECIDE,
            (Field(name="on", type="date"), Field(name="reason", type="str")),
            lambda c, b: services.cancel_wish(c.uow, c.path["id"], **b),
            "Cancel a wish",
        ),
        (
            "refer",
            Role.DECIDE,
            (Field(name="to", type="str"), Field(name="on", type="date"), Field(name="reason", type="str")),
            lambda c, b: services.refer_wish(c.uow, c.path["id"], **b),
            "Refer a wish to another organisation",
        ),
        (
            "referral",
            Role.DECIDE,
            (
                Field(name="on", type="date"),
                Field(name="fulfilled", type="bool"),
                Field(name="outcome", type="str", required=False),
            ),
            lambda c, b: services.resolve_referral(c.uow, c.path["id"], **b),
            "Resolve a referral",
        ),
        (
            "claims",
            Role.RECORD,
            _CLAIM,
            lambda c, b: services.claim_wish(c.uow, c.path["id"], **b, policy=c.policy()),
            "Claim a published wish (a member or a supporter)",
        ),
        (
            "claims/withdraw",
            Role.RECORD,
            _WITHDRAW,
            lambda c, b: services.withdraw_claim(c.uow, c.path["id"], **b),
            "Withdraw a claim",
        ),
    ]
    for name, role, fields, step, summary in actions:
        with_policy = name in ("screen", "publish", "claims")
        routes.append(
            Route(
                method="POST",
                path=f"/v1/wishes/{{id}}/{name}",
                role=role,
                operation_id=f"{name.replace('/', '_')}_wish",
                summary=summary,
                run=_wish_action(step, fields),
                body=_object(fields),
                response=wish,
                params=(_id_param(), *((_POLICY,) if with_policy else ())),
                tag="wishes",
            )
        )
    return routes


# --- pairings, dispatch, qualifications, erasure -------------------------------------------------------
def _register_pairing(call: Call) -> Outcome:
    pairing = call.entity(Pairing)
    call.require(pairing.branch_ids, "branch_ids", None)
    _require_members(call, pairing.member_ids, "member_ids")
    stored = services.register_pairing(call.uow, pairing, policy=call.policy())
    call.entity_id = stored.id
    return Outcome(status=201, payload=_shown(call, stored))


def _end_pairing(call: Call) -> Outcome:
    body = call.fields((Field(name="on", type="date"),))
    with call.uow:
        pairing = call.uow.pairings.get(call.path["id"])
    call.require(pairing.branch_ids, "id", pairing.id)
    call.entity_id = pairing.id
    return Outcome(payload=_shown(call, services.end_pairing(call.uow, pairing.id, **body)))


def _order(call: Call) -> Outcome:
    demand = call.entity(Demand)
    call.require_member(demand.member_id)
    _require_activity(call, demand.activity_id)
    with call.uow:
        team = _team_branches(call.uow, demand.team_id)
    if team:
        call.require(team, "team_id", demand.team_id)
    stored = services.order_demand(call.uow, demand)
    call.entity_id = stored.id
    return Outcome(status=201, payload=_shown(call, stored))


def _demand_action(step: Callable[[Call, dict[str, Any]], Demand], fields: tuple[Field, ...]) -> Operation:
    def run(call: Call) -> Outcome:
        body = call.fields(fields)
        with call.uow:
            demand = call.uow.demands.get(call.path["id"])
            branches = _demand_branches(call.uow, demand)
            team = _team_branches(call.uow, body.get("team_id"))
        call.require(branches, "id", demand.id)
        call.require_member(body.get("member_id"))
        _require_activity(call, body.get("activity_id"))
        _backdating(call, body.get("recorded_on"))
        if team:
            call.require(team, "team_id", body.get("team_id"))
        call.entity_id = demand.id
        return Outcome(payload=_shown(call, step(call, body)))

    return run


def _grant(call: Call) -> Outcome:
    qualification = call.entity(Qualification)
    call.require_member(qualification.member_id)
    stored = services.grant_qualification(call.uow, qualification)
    call.entity_id = stored.id
    return Outcome(status=201, payload=_shown(call, stored))


def _expire(call: Call) -> Outcome:
    body = call.fields((Field(name="on", type="date"),))
    with call.uow:
        qualification = call.uow.qualifications.get(call.path["id"])
    call.require_member(qualification.member_id, "id")
    call.entity_id = qualification.id
    return Outcome(payload=_shown(call, services.expire_qualification(call.uow, qualification.id, **body)))


def _anonymise(kind: str) -> Operation:
    def run(call: Call) -> Outcome:
        body = call.fields((Field(name="on", type="date"),))
        entity_id = call.path["id"]
        call.entity_id = entity_id
        if kind == "members":
            with call.uow:
                member = call.uow.members.get(entity_id)
            call.require({member.branch_id}, "id", entity_id)
            erasure = services.anonymise_member(call.uow, entity_id, **body)
        else:
            # a beneficiary or a supporter belongs to no branch: the whole deployment shares it, and
            # erasure cannot be undone — only a token of scope "*" erases it
            if call.principal.branch_ids is not None:
                raise call.out_of_scope("id", entity_id)
            if kind == "beneficiaries":
                erasure = services.anonymise_beneficiary(call.uow, entity_id, **body)
            else:
                erasure = services.anonymise_supporter(call.uow, entity_id, **body)
        return Outcome(payload=unstructure(erasure))

    return run


_ASSIGN = (
    Field(name="member_id", type="str", required=False),
    Field(name="team_id", type="str", required=False),
    Field(name="on", type="date"),
)
_ERASURE = {
    "type": "object",
    "properties": {
        "kind": {"type": "string"},
        "entity_id": {"type": "string"},
        "on": {"type": "string", "format": "date"},
        "fields": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["kind", "entity_id", "on", "fields"],
}


def _other_routes() -> list[Route]:
    demand = ref("Demand")
    routes = [
        Route(
            method="POST",
            path="/v1/pairings",
            role=Role.DECIDE,
            operation_id="register_pairing",
            summary="Register a pairing (services.register_pairing)",
            run=_register_pairing,
            body=ref("Pairing"),
            status=201,
            response=ref("Pairing"),
            params=(_POLICY,),
            tag="pairings",
        ),
        Route(
            method="POST",
            path="/v1/pairings/{id}/end",
            role=Role.DECIDE,
            operation_id="end_pairing",
            summary="End a pairing",
            run=_end_pairing,
            body=_object((Field(name="on", type="date"),)),
            response=ref("Pairing"),
            params=(_id_param(),),
            tag="pairings",
        ),
        Route(
            method="POST",
            path="/v1/demands",
            role=Role.RECORD,
            operation_id="order_demand",
            summary="Order a demand (services.order_demand)",
            run=_order,
            body=demand,
            status=201,
            response=demand,
            tag="demands",
        ),
        Route(
            method="POST",
            path="/v1/qualifications",
            role=Role.DECIDE,
            operation_id="grant_qualification",
            summary="Grant a qualification",
            run=_grant,
            body=ref("Qualification"),
            status=201,
            response=ref("Qualification"),
            tag="qualifications",
        ),
        Route(
            method="POST",
            path="/v1/qualifications/{id}/expire",
            role=Role.DECIDE,
            operation_id="expire_qualification",
            summary="Expire a qualification",
            run=_expire,
            body=_object((Field(name="on", type="date"),)),
            response=ref("Qualification"),
            params=(_id_param(),),
            tag="qualifications",
        ),
    ]
    demand_actions: list[tuple[str, Role, tuple[Field, ...], Callable[[Call, dict[str, Any]], Demand]]] = [
        (
            "assign",
            Role.DECIDE,
            _ASSIGN,
            lambda c, b: services.assign_demand(c.uow, c.path["id"], **b, policy=c.policy()),
        ),
        (
            "accept",
            Role.RECORD,
            (Field(name="member_id", type="str"), Field(name="on", type="date")),
            lambda c, b: services.accept_demand(c.uow, c.path["id"], **b, policy=c.policy()),
        ),
        (
            "decline",
            Role.RECORD,
            (
                Field(name="member_id", type="str"),
                Field(name="on", type="date"),
                Field(name="reason", type="str", required=False),
            ),
            lambda c, b: services.decline_demand(c.uow, c.path["id"], **b),
        ),
        (
            "complete",
            Role.DECIDE,
            (
                Field(name="activity_id", type="str"),
                Field(name="minutes", type="int"),
                Field(name="on", type="date"),
                Field(name="recorded_on", type="date", required=False),
            ),
            lambda c, b: services.complete_demand(
                c.uow, c.path["id"], **{"recorded_on": c.today(), **b}, policy=c.policy()
            ),
        ),
        (
            "cancel",
            Role.DECIDE,
            (Field(name="on", type="date"), Field(name="reason", type="str")),
            lambda c, b: services.cancel_demand(c.uow, c.path["id"], **b),
        ),
    ]
    for name, role, fields, step in demand_actions:
        routes.append(
            Route(
                method="POST",
                path=f"/v1/demands/{{id}}/{name}",
                role=role,
                operation_id=f"{name}_demand",
                summary=f"{name.capitalize()} a demand (services.{name}_demand)",
                run=_demand_action(step, fields),
                body=_object(fields),
                response=demand,
                params=(_id_param(), *((_POLICY,) if name in ("assign", "accept", "complete") else ())),
                tag="demands",
            )
        )
    for kind in ("members", "beneficiaries", "supporters"):
        routes.append(
            Route(
                method="POST",
                path=f"/v1/{kind}/{{id}}/anonymise",
                role=Role.ADMINISTER,
                operation_id=f"anonymise_{kind}",
                summary=f"Erase the personal data of one of the {kind}",
                run=_anonymise(kind),
                body=_object((Field(name="on", type="date"),)),
                response=_ERASURE,
                params=(_id_param(),),
                tag=kind,
            )
        )
    return routes


# --- evaluation -----------------------------------------------------------------------------------------
YEAR_REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A year report: what volunteer-core report --format json prints",
    "properties": {
        "year": {"type": "integer"},
        "as_of": {"type": ["string", "null"], "format": "date"},
        "policy": {"type": "string"},
        "members": {"type": "array", "items": {"type": "object"}},
        "branches": {"type": "array", "items": {"type": "object"}},
        "violations": {"type": "array", "items": ref("Violation")},
        "organisations": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["year", "as_of", "policy", "members", "branches", "violations", "organisations"],
}


def _evaluate_stored(call: Call) -> Outcome:
    year = call.int_param("year", low=MIN_YEAR, high=MAX_YEAR)
    assert year is not None
    organisation_id = call.param("organisation_id")
    branch_id = call.param("branch_id")
    as_of = call.date_param("as_of")
    policy = call.policy()
    if branch_id is not None:
        call.require_branch(branch_id, "branch_id")
    if organisation_id is not None:
        reach = call.organisations()
        if reach is not None and organisation_id not in reach:
            raise call.out_of_scope("organisation_id", organisation_id)
        with call.uow:
            call.uow.organisations.get(organisation_id)
    else:
        organisation_id = _scope_subtree(call)
    report = services.evaluate_year(
        call.uow, year, organisation_id=organisation_id, policy=policy, as_of=as_of
    )
    branches: set[str] | frozenset[str] | None = call.principal.branch_ids
    if branch_id is not None:
        branches = {branch_id}
    return Outcome(
        payload=call.shown(
            year_report_json(report, branch_ids=branches, organisation_ids=call.organisations())
        )
    )


def _scope_subtree(call: Call) -> str | None:
    """The organisation whose subtree holds everything a scoped token may see of a year's evaluation, so
    that a branch's or an organisation's token judges its own part of the tree, not the whole year: the
    scope itself when it is an organisation, the organisation of the branch when it is a branch; None
    (the whole year) for ``"*"`` or a branch outside the tree. The answer is the same (members,
    violations and roll-up nodes of the scope are judged alike in a subtree and in the whole year): only
    its cost changes."""
    scope = call.principal.scope
    if scope == ALL:
        return None
    if scope in (call.organisations() or ()):
        return scope
    with call.uow:
        try:
            return call.uow.branches.get(scope).organisation_id
        except NotFound:
            return None


def _evaluation_routes() -> list[Route]:
    return [
        Route(
            method="GET",
            path="/v1/evaluations/{year}",
            role=Role.READ,
            operation_id="evaluate_year",
            summary="Evaluate a stored year (services.evaluate_year): members, violations, roll-up",
            run=_evaluate_stored,
            params=(
                Param(name="year", where="path", schema=_YEAR, required=True),
                Param(name="organisation_id"),
                Param(name="branch_id"),
                Param(name="as_of", schema={"type": "string", "format": "date"}),
                _POLICY,
            ),
            response=ref("YearReport"),
            tag="evaluation",
        )
    ]


# --- tokens and the audit trail -------------------------------------------------------------------------
_TOKEN = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "role": {"type": "string", "enum": [r.value for r in Role]},
        "scope": {"type": "string"},
        "label": {"type": "string"},
        "issued_at": {"type": ["string", "null"]},
        "revoked_at": {"type": ["string", "null"]},
    },
    "required": ["id", "role", "scope", "label", "issued_at", "revoked_at"],
}
_AUDIT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string"},
        "token_id": {"type": "string"},
        "role": {"type": "string"},
        "scope": {"type": "string"},
        "method": {"type": "string"},
        "path": {"type": "string"},
        "status": {"type": "integer"},
        "entity_id": {"type": "string"},
        "idempotency_key": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["id", "at", "token_id", "role", "scope", "method", "path", "status"],
}


def token_json(token: Any) -> dict[str, Any]:
    """A token as the service shows it: never its digest."""
    return {
        "id": token.id,
        "role": token.role.value,
        "scope": token.scope,
        "label": token.label,
        "issued_at": token.issued_at.isoformat() if token.issued_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def _within(call: Call, scope: str) -> bool:
    """Whether a token of ``scope`` lies inside the caller's."""
    if call.principal.scope == ALL:
        return True
    if scope == ALL:
        return False
    if scope == call.principal.scope:
        return True
    reach = call.organisations() or frozenset()
    if scope in reach:
        return True
    return call.principal.branch_ids is not None and scope in call.principal.branch_ids


def _tokens(call: Call) -> Outcome:
    return Outcome(payload={"items": [token_json(t) for t in call.access.tokens() if _within(call, t.scope)]})


_ISSUE = (
    Field(name="role", type="str"),
    Field(name="scope", type="str"),
    Field(name="label", type="str", required=False),
)


def _issue(call: Call) -> Outcome:
    body = call.fields(_ISSUE)
    try:
        role = Role(body["role"])
    except ValueError:
        raise InvalidInput(
            "$.role",
            body["role"],
            code="input.invalid",
            message_en=f"role is one of {', '.join(r.value for r in Role)}",
            message_zh=f"角色须为 {', '.join(r.value for r in Role)} 之一",
        ) from None
    if not call.principal.may(role):
        raise HttpProblem(
            403,
            "http.forbidden",
            "不能签发高于自身角色的令牌",
            "a token cannot be issued above the caller's role",
            field="role",
            value=role.value,
        )
    scope = body["scope"]
    if scope != ALL:
        with call.uow:
            known = True
            try:
                call.uow.branches.get(scope)
            except NotFound:
                try:
                    call.uow.organisations.get(scope)
                except NotFound:
                    known = False
        if not known:
            raise InvalidInput(
                "$.scope",
                scope,
                code="input.reference",
                message_en="scope is '*', an organisation id or a branch id",
                message_zh="范围须为 *、组织编号或支部编号",
            )
    if not _within(call, scope):
        raise call.out_of_scope("scope", scope)
    token, secret = call.access.issue(role=role, scope=scope, label=body.get("label") or "", at=call.clock())
    call.entity_id = token.id
    return Outcome(status=201, payload={"token": token_json(token), "secret": secret})


def _revoke(call: Call) -> Outcome:
    token = next((t for t in call.access.tokens() if t.id == call.path["id"]), None)
    if token is None:
        raise NotFound("token", call.path["id"])
    if not _within(call, token.scope):
        raise call.out_of_scope("id", token.id)
    call.entity_id = token.id
    return Outcome(payload=token_json(call.access.revoke(token.id, at=call.clock())))


def audit_json(entry: Any) -> dict[str, Any]:
    """An audit entry as JSON."""
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "token_id": entry.token_id,
        "role": entry.role.value,
        "scope": entry.scope,
        "method": entry.method,
        "path": entry.path,
        "status": entry.status,
        "entity_id": entry.entity_id,
        "idempotency_key": entry.idempotency_key,
        "code": entry.code,
    }


def _audit(call: Call) -> Outcome:
    after = call.int_param("after", low=0, high=2**62)
    limit = call.int_param("limit", low=1, high=MAX_LIMIT, default=100)
    assert limit is not None
    if call.principal.scope == ALL:
        entries = call.access.audit(after=after, limit=limit)
    else:  # the scope's entries: read on past the others until the page is full or the trail ends
        entries = []
        while len(entries) < limit:
            chunk = call.access.audit(after=after, limit=MAX_LIMIT)
            entries += [e for e in chunk if _within(call, e.scope)][: limit - len(entries)]
            if len(chunk) < MAX_LIMIT or chunk[-1].id is None:
                break
            after = chunk[-1].id
    return Outcome(payload={"items": [audit_json(e) for e in entries]})


def _access_routes() -> list[Route]:
    return [
        Route(
            method="GET",
            path="/v1/tokens",
            role=Role.ADMINISTER,
            operation_id="list_tokens",
            summary="The tokens inside the caller's scope (never their secrets)",
            run=_tokens,
            response={
                "type": "object",
                "properties": {"items": {"type": "array", "items": _TOKEN}},
                "required": ["items"],
            },
            tag="access",
        ),
        Route(
            method="POST",
            path="/v1/tokens",
            role=Role.ADMINISTER,
            operation_id="issue_token",
            summary="Issue a token (role ≤ the caller's, scope inside the caller's); the secret is shown once",
            run=_issue,
            body=_object(_ISSUE),
            status=201,
            response={
                "type": "object",
                "properties": {"token": _TOKEN, "secret": {"type": "string"}},
                "required": ["token", "secret"],
            },
            tag="access",
        ),
        Route(
            method="POST",
            path="/v1/tokens/{id}/revoke",
            role=Role.ADMINISTER,
            operation_id="revoke_token",
            summary="Revoke a token",
            run=_revoke,
            response=_TOKEN,
            params=(_id_param(),),
            tag="access",
        ),
        Route(
            method="GET",
            path="/v1/audit",
            role=Role.ADMINISTER,
            operation_id="audit_trail",
            summary="The audit trail, oldest first",
            run=_audit,
            params=(
                Param(name="after", schema={"type": "integer", "minimum": 0}),
                Param(name="limit", schema={"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
            ),
            response={
                "type": "object",
                "properties": {"items": {"type": "array", "items": _AUDIT}},
                "required": ["items"],
            },
            tag="access",
        ),
    ]


#: The operations of the stored data, in the order the documentation lists them (the whole table, with
#: the documents' rows: :data:`volunteer_core.http._table.ROUTES`).
CORE_ROUTES: tuple[Route, ...] = (
    *_ledger_routes(),
    *_wish_routes(),
    *_other_routes(),
    *_evaluation_routes(),
    *_aggregate_routes(),
    *_access_routes(),
)
