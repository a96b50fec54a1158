"""Forms, certificates, stateless validation and evaluation, and the JSON Schemas over HTTP."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from http_kit import Service, memory_service

from volunteer_core import forms
from volunteer_core.serialization import json_schemas

SECRET = b"0123456789abcdef-test-secret"
RECORD = {"member_id": "m1", "activity_id": "a1", "minutes": 150, "on": "2026-05-01"}


@pytest.fixture
def service() -> Iterator[Service]:
    yield from memory_service(certificate_secret=SECRET)


def rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_wish_collection_round_trip_masked_unless_administer(service: Service) -> None:
    header = forms.HEADERS["wish_collection"]
    line = [
        "1",
        "赵大娘",
        "女",
        "80",
        "凤山路2号",
        "一台电饭煲",
        "",
        "13912344859",
        "",
        "elderly",
        "凤山社区",
        "material",
        "200",
        "2026-05-01",
    ]
    body = io.StringIO()
    csv.writer(body).writerows([header, line])
    imported = service.post(
        "/v1/forms/wish_collection",
        content=body.getvalue().encode("utf-8"),
        headers={"content-type": "text/csv"},
        who="record",
    )
    assert imported.status_code == 201, imported.text
    result = imported.json()
    assert result["rows"] == 1
    assert len(result["imported"]) == 1
    assert result["errors"] == []
    masked = service.get("/v1/forms/wish_collection", who="record")
    assert masked.status_code == 200, masked.text
    assert masked.headers["content-type"].startswith("text/csv")
    assert "13912344859" not in masked.content.decode("utf-8-sig")
    refused = service.get("/v1/forms/wish_collection?unmasked=true", who="decide")
    assert refused.status_code == 403
    plain = service.get("/v1/forms/wish_collection?unmasked=true", who="admin")
    assert "13912344859" in plain.content.decode("utf-8-sig")
    assert rows(plain)[-1][1] == "赵大娘"


def test_form_export_of_a_scoped_token_names_its_branch(service: Service) -> None:
    refused = service.get("/v1/forms/notice?year=2026", who="b1_record")
    assert refused.status_code == 403
    assert refused.json()["field"] == "branch_id"
    assert service.get("/v1/forms/notice?year=2026&branch_id=b1", who="b1_record").status_code == 200
    assert service.get("/v1/forms/notice?year=2026&branch_id=b2", who="b1_record").status_code == 403
    missing_half = service.get("/v1/forms/half_year?year=2026")
    assert missing_half.status_code == 422
    assert missing_half.json()["field"] == "half"


def test_import_refuses_another_media_type(service: Service) -> None:
    response = service.post(
        "/v1/forms/wish_collection", content=b"{}", headers={"content-type": "application/json"}
    )
    assert response.status_code == 415


def test_certificate_issue_and_verify(service: Service) -> None:
    assert service.post("/v1/records", RECORD).json()["status"] == "confirmed"
    issued = service.post(
        "/v1/certificates",
        {
            "member_id": "m1",
            "period": {"start": "2026-01-01", "end": "2026-05-31"},
            "issuer": "第一支部",
            "issued_on": "2026-06-01",
        },
        who="decide",
    )
    assert issued.status_code == 201, issued.text
    cert = issued.json()
    assert cert["total_minutes"] == 150
    assert service.post("/v1/certificates/verify", {"certificate": cert}, who="read").json() == {
        "valid": True
    }
    forged = {**cert, "total_minutes": 9000}
    assert service.post("/v1/certificates/verify", {"certificate": forged}, who="read").json() == {
        "valid": False
    }
    outside = service.post(
        "/v1/certificates",
        {
            "member_id": "m2",
            "period": {"start": "2026-01-01", "end": "2026-05-31"},
            "issuer": "x",
            "issued_on": "2026-06-01",
        },
        who="o2_decide",
    )
    assert outside.status_code == 403
    assert outside.json()["code"] == "http.out_of_scope"


def test_certificates_without_a_secret_are_refused() -> None:
    for plain in memory_service():
        response = plain.post("/v1/certificates/verify", {"certificate": {}}, who="read")
        assert response.status_code == 422


def test_validate_answers_violations_as_a_list(service: Service) -> None:
    wish = {
        "id": "w1",
        "beneficiary_id": "p1",
        "kind": "material",
        "content": "电饭煲",
        "collected_on": "2026-05-01",
        "value": "300.01",
    }
    answer = service.post("/v1/validate/Wish", wish, who="read").json()
    assert answer["valid"] is False
    assert [v["code"] for v in answer["violations"]] == ["wish.value_cap"]
    ok = service.post("/v1/validate/Wish", {**wish, "value": "300.00"}, who="read").json()
    assert ok == {"valid": True, "violations": []}
    broken = service.post("/v1/validate/Wish", {**wish, "value": 300.5}, who="read")
    assert broken.status_code == 422
    assert broken.json()["field"] == "$.value"
    assert service.post("/v1/validate/Nothing", wish, who="read").status_code == 404


def test_evaluate_a_dataset_in_the_body(service: Service) -> None:
    dataset = {
        "branches": [{"id": "b1", "name": "一支部"}],
        "members": [{"id": "m1", "name": "张三", "branch_id": "b1", "joined_on": "2020-01-01"}],
    }
    report = service.post("/v1/evaluate?year=2026&as_of=2026-12-31", dataset, who="read")
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["year"] == 2026
    assert [m["member_id"] for m in body["members"]] == ["m1"]
    assert all(isinstance(v, dict) for v in body["violations"])
    assert "member.annual_hours" in {v["code"] for v in body["violations"]}
    bad = service.post("/v1/evaluate", {"members": [{"id": "m1"}]}, who="read")
    assert bad.status_code == 422
    assert bad.json()["field"].startswith("$.members[0]")


def test_schemas(service: Service) -> None:
    assert service.get("/v1/schemas", who="read").json() == json_schemas()
    assert service.get("/v1/schemas/Wish", who="read").json()["title"] == "Wish"
    assert service.get("/v1/schemas/Nope", who="read").status_code == 404
