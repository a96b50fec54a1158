"""The route table's rows for documents and stateless checks: form export and import, certificates,
validation of one entity, evaluation of a dataset sent in the body, and the JSON Schemas."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from volunteer_core.aggregates import AGGREGATES
from volunteer_core.errors import InvalidInput, NotFound
from volunteer_core.http._access import Role
from volunteer_core.http._call import MAX_YEAR, MIN_YEAR, Call, Field, Outcome
from volunteer_core.http._problems import HttpProblem
from volunteer_core.http._routes import Param, Route, ref
from volunteer_core.serialization import json_schema, json_schemas, structure, unstructure, year_report_json

__all__ = ["CSV", "XLSX", "document_routes"]

#: The media type of a CSV form.
CSV = "text/csv"
#: The media type of an XLSX form.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The longest period a certificate covers (years).
MAX_CERTIFICATE_YEARS = 30

_YEAR = {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}
_DATE = {"type": "string", "format": "date"}
_BOOL = {"type": "boolean"}
#: The forms that span branches: a token scoped to fewer than all must name its branch.
_BRANCHED = frozenset({"plan", "wish_claims", "wish_summary", "half_year", "notice"})


def _kinds() -> tuple[str, ...]:
    from volunteer_core.forms import KINDS

    return KINDS


# --- forms ------------------------------------------------------------------------------------------------
def _export(call: Call) -> Outcome:
    from volunteer_core import forms

    kind = call.path["kind"]
    if kind not in _kinds():
        raise NotFound("form", kind)
    fmt = call.param("format") or "csv"
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(
            "format", fmt, message_en="format is csv or xlsx", message_zh="格式须为 csv 或 xlsx"
        )
    unmasked = call.bool_param("unmasked")
    if unmasked and not call.principal.unmasked:
        raise HttpProblem(
            403,
            "http.forbidden",
            "不隐去个人信息需要 administer 角色",
            "unmasked forms need the role administer",
            field="unmasked",
        )
    year = call.int_param("year", low=MIN_YEAR, high=MAX_YEAR)
    half = call.int_param("half", low=1, high=2)
    branch_id = call.param("branch_id")
    organisation_id = call.param("organisation_id")
    if branch_id is not None:
        call.require_branch(branch_id)
    elif kind in _BRANCHED and call.principal.branch_ids is not None:
        raise call.out_of_scope("branch_id", None)
    if kind == "organisation_summary" and call.principal.branch_ids is not None:
        reach = call.organisations() or frozenset()
        if organisation_id not in reach:
            raise call.out_of_scope("organisation_id", organisation_id)
    if fmt == "xlsx":
        from volunteer_core._extras import install_hint, missing

        lacking = missing("openpyxl")
        if lacking is not None:
            raise InvalidInput(
                "format",
                fmt,
                code="input.unsupported",
                message_en=f"XLSX needs the extra xlsx on the server: {install_hint('xlsx')}",
                message_zh=f"XLSX 需要服务器安装可选依赖：{install_hint('xlsx')}",
            )
    with tempfile.TemporaryDirectory(prefix="volunteer-form-") as folder:
        path = Path(folder) / f"{kind}.{fmt}"
        forms.export(
            kind,
            call.uow,
            path,
            year=year,
            branch_id=branch_id,
            half=half,
            masked=not unmasked,
            on=call.today(),
            as_of=call.date_param("as_of"),
            policy=call.policy(),
            organisation_id=organisation_id,
        )
        content = path.read_bytes()
    media = XLSX if fmt == "xlsx" else f"{CSV}; charset=utf-8"
    return Outcome(
        content=content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{kind}.{fmt}"'},
    )


_IMPORT_RESULT = {
    "type": "object",
    "properties": {
        "rows": {"type": "integer"},
        "imported": {"type": "array", "items": {"type": "string"}},
        "already_imported": {"type": "array", "items": {"type": "object"}},
        "beneficiaries_created": {"type": "array", "items": {"type": "string"}},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["rows", "imported", "already_imported", "beneficiaries_created", "errors"],
}


def _import(call: Call) -> Outcome:
    from volunteer_core import forms

    kind = call.path["kind"]
    if kind != "wish_collection":
        raise NotFound("form", kind)
    suffix = ".xlsx" if call.media_type == XLSX else ".csv"
    collected_on = call.date_param("collected_on") or call.today()
    strict = call.bool_param("strict")
    community = call.param("community")
    with tempfile.TemporaryDirectory(prefix="volunteer-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(call.body)
        result = forms.import_wishes(
            path,
            call.uow,
            strict=strict,
            collected_on=collected_on,
            community=community,
            max_bytes=max(len(call.body), 1),
            policy=call.policy(),
        )
    return Outcome(status=201 if result.imported else 200, payload=call.shown(result.to_record()))


# --- certificates ---------------------------------------------------------------------------------------
def _secret(call: Call) -> bytes:
    if call.certificate_secret is None:
        raise HttpProblem(
            422,
            "http.no_certificate_secret",
            "服务未配置证书签名密钥（--certificate-secret-file）",
            "the service has no certificate secret (--certificate-secret-file)",
        )
    return call.certificate_secret


_ISSUE = (
    Field(name="member_id", type="str"),
    Field(name="issuer", type="str"),
    Field(name="issued_on", type="date"),
    Field(name="organiser_id", type="str", required=False),
)


def _issue(call: Call) -> Outcome:
    from volunteer_core import DateRange
    from volunteer_core.certificates import issue_certificate

    data = call.json()
    period_data = data.pop("period", None) if isinstance(data, dict) else None
    from volunteer_core.http._call import read_fields

    fields = read_fields(data, _ISSUE)
    if period_data is None:
        raise InvalidInput(
            "$.period",
            None,
            code="input.required",
            message_en="period is required",
            message_zh="缺少必填字段 period",
        )
    try:
        period = structure(period_data, DateRange)
    except InvalidInput as err:
        raise err.at("$.period") from None
    end = period.end
    if end is None:
        raise InvalidInput(
            "$.period.end",
            None,
            code="input.required",
            message_en="a certificate's period is closed: end is required",
            message_zh="证明的期间须有结束日期（end）",
        )
    if end.year - period.start.year > MAX_CERTIFICATE_YEARS:
        raise InvalidInput(
            "$.period",
            None,
            code="input.too_large",
            message_en=f"a period of at most {MAX_CERTIFICATE_YEARS} years",
            message_zh=f"期间至多 {MAX_CERTIFICATE_YEARS} 年",
        )
    secret = _secret(call)
    call.require_member(fields["member_id"])
    with call.uow:
        member = call.uow.members.get(fields["member_id"])
        records = [
            r
            for year in range(period.start.year, end.year + 1)
            for r in call.uow.records.for_member(member.id, year)
        ]
        activities = call.uow.activities.get_many({r.activity_id for r in records})
    cert = issue_certificate(
        member,
        records,
        period=period,
        issuer=fields["issuer"],
        issued_on=fields["issued_on"],
        secret=secret,
        organiser_id=fields.get("organiser_id"),
        activities=activities,
    )
    call.entity_id = cert.number
    return Outcome(status=201, payload=call.shown(unstructure(cert)))


def _verify(call: Call) -> Outcome:
    from volunteer_core.certificates import Certificate, verify_certificate

    data = call.json()
    if not isinstance(data, dict) or set(data) != {"certificate"}:
        raise InvalidInput(
            "$",
            None,
            code="input.invalid",
            message_en='the body is {"certificate": {...}}',
            message_zh='请求体须为 {"certificate": {...}}',
        )
    cert = call.entity(Certificate, data["certificate"], path="$.certificate")
    return Outcome(payload={"valid": bool(verify_certificate(cert, _secret(call)))})


# --- stateless validation and evaluation -----------------------------------------------------------------
_VALID = {
    "type": "object",
    "properties": {"valid": {"type": "boolean"}, "violations": {"type": "array", "items": ref("Violation")}},
    "required": ["valid", "violations"],
}
_ENTITY_CLASSES = {a.entity.__name__: a.entity for a in AGGREGATES}


def _validate(call: Call) -> Outcome:
    from volunteer_core.rules import check_activity, validate_record, validate_wish

    name = call.path["entity"]
    cls = _ENTITY_CLASSES.get(name)
    if cls is None:
        raise NotFound("entity", name)
    policy = call.policy()
    entity = call.entity(cls)
    violations: list[Any] = []
    if name == "Wish":
        violations = validate_wish(entity, policy)
    elif name == "ServiceRecord":
        violations = validate_record(entity, policy)
    elif name == "Activity":
        violations = check_activity(entity, policy)
    return Outcome(
        payload=call.shown(
            {
                "valid": not any(v.is_error for v in violations),
                "violations": [unstructure(v) for v in violations],
            }
        )
    )


_DATASET_KEYS = tuple(a.name for a in AGGREGATES)


def _dataset(data: Any) -> dict[str, list[Any]]:
    if not isinstance(data, dict):
        raise InvalidInput(
            "$",
            None,
            code="input.type",
            message_en='a dataset is a JSON object {"members": [...]}',
            message_zh='数据集须为 JSON 对象 {"members": [...]}',
        )
    for key in data:
        if key not in _DATASET_KEYS:
            raise InvalidInput(
                f"$.{key}",
                None,
                code="input.unknown_key",
                message_en=f"unknown key {key!r}",
                message_zh=f"未知的键 {key!r}",
            )
    classes = {a.name: a.entity for a in AGGREGATES}
    dataset: dict[str, list[Any]] = {}
    for key in _DATASET_KEYS:
        items = data.get(key, [])
        if not isinstance(items, list):
            raise InvalidInput(
                f"$.{key}",
                None,
                code="input.type",
                message_en=f"{key} must be a list",
                message_zh=f"{key} 须为列表",
            )
        found = []
        for index, item in enumerate(items):
            try:
                found.append(structure(item, classes[key]))
            except InvalidInput as err:
                raise err.at(f"$.{key}[{index}]") from None
        dataset[key] = found
    return dataset


def _evaluate_dataset(call: Call) -> Outcome:
    from volunteer_core import compliance
    from volunteer_core.rules import validate_wish

    year = call.int_param("year", low=MIN_YEAR, high=MAX_YEAR)
    as_of = call.date_param("as_of")
    policy = call.policy()
    dataset = _dataset(call.json())
    if year is None:
        years = [r.on.year for r in dataset["records"]] + [a.on.year for a in dataset["activities"]]
        years += [w.collected_on.year for w in dataset["wishes"]]
        year = max(years) if years else call.today().year
        year = min(max(year, MIN_YEAR), MAX_YEAR)
    report = compliance.evaluate_year(
        year,
        members=dataset["members"],
        records=dataset["records"],
        teams=dataset["teams"],
        activities=dataset["activities"],
        pairings=dataset["pairings"],
        plans=dataset["plans"],
        reports=dataset["reports"],
        branches=dataset["branches"],
        organisations=dataset["organisations"],
        policy=policy,
        as_of=as_of,
    )
    payload = year_report_json(report)
    for wish in dataset["wishes"]:
        payload["violations"].extend(unstructure(v) for v in validate_wish(wish, policy))
    return Outcome(payload=call.shown(payload))


# --- schemas ------------------------------------------------------------------------------------------------
def _schemas(call: Call) -> Outcome:
    return Outcome(payload=json_schemas())


def _schema(call: Call) -> Outcome:
    name = call.path["entity"]
    schemas = json_schemas()
    if name not in schemas:
        raise NotFound("schema", name)
    return Outcome(payload=schemas[name])


def certificate_schema() -> dict[str, Any]:
    """The JSON Schema of a certificate (by the library's own schema builder)."""
    from volunteer_core.certificates import Certificate

    return json_schema(Certificate)


def document_routes() -> list[Route]:
    """The rows of forms, certificates, validation, dataset evaluation and schemas."""
    kinds = list(_kinds())
    entity_names = list(_ENTITY_CLASSES)
    report = ref("YearReport")
    return [
        Route(
            method="GET",
            path="/v1/forms/{kind}",
            role=Role.READ,
            operation_id="export_form",
            summary="Export a form as CSV or XLSX (personal data masked unless unmasked=true, administer only)",
            run=_export,
            params=(
                Param(name="kind", where="path", schema={"type": "string", "enum": kinds}, required=True),
                Param(name="year", schema=_YEAR),
                Param(name="branch_id"),
                Param(name="half", schema={"type": "integer", "enum": [1, 2]}),
                Param(name="as_of", schema=_DATE),
                Param(name="organisation_id"),
                Param(name="format", schema={"type": "string", "enum": ["csv", "xlsx"]}),
                Param(name="unmasked", schema=_BOOL),
                Param(name="policy"),
            ),
            response={"type": "string", "format": "binary"},
            response_media=(CSV, XLSX),
            tag="forms",
        ),
        Route(
            method="POST",
            path="/v1/forms/{kind}",
            role=Role.RECORD,
            operation_id="import_form",
            summary="Import a filled 附件1 (wish_collection) as CSV or XLSX bytes: forms.import_wishes",
            run=_import,
            body={"type": "string", "format": "binary"},
            body_media=(CSV, XLSX),
            params=(
                Param(
                    name="kind",
                    where="path",
                    schema={"type": "string", "enum": ["wish_collection"]},
                    required=True,
                ),
                Param(name="collected_on", schema=_DATE),
                Param(name="strict", schema=_BOOL),
                Param(name="community"),
                Param(name="policy"),
            ),
            status=201,
            response=_IMPORT_RESULT,
            large_body=True,
            tag="forms",
        ),
        Route(
            method="POST",
            path="/v1/certificates",
            role=Role.DECIDE,
            operation_id="issue_certificate",
            summary="Issue a certificate of a member's confirmed service in a period (signed)",
            run=_issue,
            body={
                "type": "object",
                "properties": {
                    "member_id": {"type": "string"},
                    "period": ref("DateRange"),
                    "issuer": {"type": "string"},
                    "issued_on": _DATE,
                    "organiser_id": {"type": ["string", "null"]},
                },
                "required": ["member_id", "period", "issuer", "issued_on"],
                "additionalProperties": False,
            },
            status=201,
            response=ref("Certificate"),
            tag="certificates",
        ),
        Route(
            method="POST",
            path="/v1/certificates/verify",
            role=Role.READ,
            operation_id="verify_certificate",
            summary="Whether a certificate's verification code matches its content",
            run=_verify,
            body={
                "type": "object",
                "properties": {"certificate": ref("Certificate")},
                "required": ["certificate"],
                "additionalProperties": False,
            },
            response={"type": "object", "properties": {"valid": _BOOL}, "required": ["valid"]},
            tag="certificates",
        ),
        Route(
            method="POST",
            path="/v1/validate/{entity}",
            role=Role.READ,
            operation_id="validate_entity",
            summary="Validate one entity (its JSON): structure, then its rules (Wish, ServiceRecord, Activity)",
            run=_validate,
            body={"type": "object"},
            params=(
                Param(
                    name="entity",
                    where="path",
                    schema={"type": "string", "enum": entity_names},
                    required=True,
                ),
                Param(name="policy"),
            ),
            response=_VALID,
            tag="validation",
        ),
        Route(
            method="POST",
            path="/v1/evaluate",
            role=Role.READ,
            operation_id="evaluate_dataset",
            summary="Evaluate a dataset sent in the body, as volunteer-core check reads it",
            run=_evaluate_dataset,
            body={
                "type": "object",
                "properties": {k: {"type": "array"} for k in _DATASET_KEYS},
                "additionalProperties": False,
            },
            params=(
                Param(name="year", schema=_YEAR),
                Param(name="as_of", schema=_DATE),
                Param(name="policy"),
            ),
            response=report,
            tag="validation",
        ),
        Route(
            method="GET",
            path="/v1/schemas",
            role=Role.READ,
            operation_id="list_schemas",
            summary="Every entity's JSON Schema, by class name",
            run=_schemas,
            response={"type": "object", "additionalProperties": {"type": "object"}},
            tag="schemas",
        ),
        Route(
            method="GET",
            path="/v1/schemas/{entity}",
            role=Role.READ,
            operation_id="get_schema",
            summary="One entity's JSON Schema",
            run=_schema,
            params=(Param(name="entity", where="path", schema={"type": "string"}, required=True),),
            response={"type": "object"},
            tag="schemas",
        ),
    ]
