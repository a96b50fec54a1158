"""The HTTP service end to end in process (Litestar's TestClient): each route family, authorization,
scope, masking, problems, bounds and the audit trail."""

from __future__ import annotations

from typing import Any

from http_kit import NOW, Service, memory_service

RECORD = {"member_id": "m1", "activity_id": "a1", "minutes": 120, "on": "2026-05-01"}


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == f"urn:volunteer-core:problem:{code}"
    assert body["message_zh"]
    assert body["message_en"]
    assert isinstance(body["violations"], list)
    return body


# --- public routes ------------------------------------------------------------------------------------
def test_health_needs_no_token(service: Service) -> None:
    response = service.client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_docs_page_lists_operations_offline(service: Service) -> None:
    page = service.client.get("/docs").text
    assert "/v1/records/{id}/confirm" in page
    assert "<script" not in page
    assert "http" not in page.split("<body>")[0]


# --- authentication and roles -------------------------------------------------------------------------
def test_no_token_is_401_with_www_authenticate(service: Service) -> None:
    response = service.client.get("/v1/members")
    problem(response, 401, "http.unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_unknown_token_is_401(service: Service) -> None:
    response = service.client.get("/v1/members", headers={"Authorization": "Bearer vct_nope"})
    problem(response, 401, "http.unauthorized")


def test_revoked_token_is_401(service: Service) -> None:
    token = next(t for t in service.access.tokens() if t.label == "read")
    assert service.post(f"/v1/tokens/{token.id}/revoke").status_code == 200
    problem(service.get("/v1/members", who="read"), 401, "http.unauthorized")


def test_read_token_refused_on_a_write(service: Service) -> None:
    body = problem(service.post("/v1/records", RECORD, who="read"), 403, "http.forbidden")
    assert "record" in body["message_en"]


# --- scope ---------------------------------------------------------------------------------------------
def test_branch_token_refused_on_another_branch_member_read(service: Service) -> None:
    assert service.get("/v1/members/m1", who="b1_record").status_code == 200
    body = problem(service.get("/v1/members/m2", who="b1_record"), 403, "http.out_of_scope")
    assert body["field"] == "id"


def test_branch_token_refused_on_another_branch_member_write(service: Service) -> None:
    body = problem(
        service.post("/v1/records", {**RECORD, "member_id": "m2", "activity_id": "a2"}, who="b1_record"),
        403,
        "http.out_of_scope",
    )
    assert body["field"] == "member_id"
    assert service.post("/v1/records", RECORD, who="b1_record").status_code == 201


def test_lists_are_filtered_to_the_scope(service: Service) -> None:
    ids = [m["id"] for m in service.get("/v1/members", who="b1_record").json()["items"]]
    assert ids == ["m1"]
    ids = [m["id"] for m in service.get("/v1/members", who="o2_decide").json()["items"]]
    assert ids == ["m1"]
    ids = [m["id"] for m in service.get("/v1/members", who="read").json()["items"]]
    assert ids == ["m1", "m2"]
    # entities of no branch: readable by any token
    assert [b["id"] for b in service.get("/v1/beneficiaries", who="b1_record").json()["items"]] == ["p1"]


def test_organisation_token_reaches_its_subtree_only(service: Service) -> None:
    ids = [o["id"] for o in service.get("/v1/organisations", who="o2_decide").json()["items"]]
    assert ids == ["o2"]


def test_administer_of_a_branch_cannot_add_elsewhere(service: Service) -> None:
    member = {"id": "m9", "name": "赵六", "branch_id": "b2", "joined_on": "2021-01-01"}
    body = problem(service.post("/v1/members", member, who="b1_admin"), 403, "http.out_of_scope")
    assert body["field"] == "$.branch_id"
    assert service.post("/v1/members", {**member, "branch_id": "b1"}, who="b1_admin").status_code == 201


# --- masking ---------------------------------------------------------------------------------------------
def test_personal_data_masked_for_record_unmasked_for_administer(service: Service) -> None:
    masked = service.get("/v1/beneficiaries/p1", who="record").json()
    assert masked["phone"] == "139****4859"
    assert masked["id_number"] != "11010519491231002X"
    assert "*" in masked["id_number"]
    assert masked["address"] != "凤山路1号"
    assert service.get("/v1/supporters/s1", who="record").json()["contact"] == "137****7000"
    assert service.get("/v1/members", who="record").json()["items"][0]["phone"] == "139****4859"
    plain = service.get("/v1/beneficiaries/p1", who="admin").json()
    assert plain["phone"] == "13912344859"
    assert plain["id_number"] == "11010519491231002X"


# --- problems ------------------------------------------------------------------------------------------
def test_malformed_json_is_400(service: Service) -> None:
    problem(
        service.post("/v1/records", content=b"{oops", headers={"content-type": "application/json"}),
        400,
        "input.json",
    )


def test_invalid_input_names_the_field_in_both_languages(service: Service) -> None:
    body = problem(service.post("/v1/records", {**RECORD, "minutes": "many"}), 422, "input.type")
    assert body["field"] == "$.minutes"


def test_rule_violation_carries_its_violation_as_a_list(service: Service) -> None:
    wish = {
        "id": "w1",
        "beneficiary_id": "p1",
        "kind": "material",
        "content": "电饭煲",
        "collected_on": "2026-05-01",
        "value": "300.01",
    }
    assert service.post("/v1/wishes", wish, who="record").status_code == 201
    response = service.post("/v1/wishes/w1/screen", {"approved": True, "on": "2026-05-02"}, who="decide")
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "wish.value_cap"
    assert isinstance(body["violations"], list)
    assert body["violations"][0]["code"] == "wish.value_cap"
    assert body["violations"][0]["message_zh"]
    assert body["violations"][0]["message_en"]


def test_unknown_entity_is_404_naming_it(service: Service) -> None:
    body = problem(service.get("/v1/members/nobody"), 404, "input.not_found")
    assert body["field"] == "id"
    unknown = service.post("/v1/records", {**RECORD, "activity_id": "zz"})
    assert problem(unknown, 404, "input.not_found")["field"] == "activity_id"


def test_unknown_route_and_method(service: Service) -> None:
    problem(service.get("/v1/nothing-here"), 404, "http.not_found")
    response = service.client.delete("/v1/members", headers=service.headers("admin"))
    assert response.status_code == 405
    assert response.json()["code"] == "http.method_not_allowed"


def test_wrong_media_type_is_415(service: Service) -> None:
    response = service.post("/v1/records", content=b"member_id=m1", headers={"content-type": "text/plain"})
    problem(response, 415, "http.media_type")


def test_oversize_body_is_413_and_audited() -> None:
    for small in memory_service(max_body=2048):
        big = {**RECORD, "record_id": "x" * 4096}
        problem(small.post("/v1/records", big), 413, "http.too_large")
        entry = small.access.audit(limit=1000)[-1]
        assert (entry.path, entry.status, entry.code) == ("/v1/records", 413, "http.too_large")
        assert small.post("/v1/records", RECORD).status_code == 201


def test_a_revoked_tokens_write_is_refused_and_audited(service: Service) -> None:
    token = next(t for t in service.access.tokens() if t.label == "record")
    service.access.revoke(token.id, at=token.issued_at or NOW)
    problem(service.post("/v1/records", RECORD, who="record"), 401, "http.unauthorized")
    entry = service.access.audit(limit=1000)[-1]
    assert (entry.token_id, entry.status, entry.code) == (token.id, 401, "http.unauthorized")
    before = len(service.access.audit(limit=1000))
    service.client.post("/v1/records", json=RECORD)  # no token: nobody to name
    assert len(service.access.audit(limit=1000)) == before


def test_bad_query_parameters_are_422(service: Service) -> None:
    assert problem(service.get("/v1/members?limit=0"), 422, "input.invalid")["field"] == "limit"
    assert problem(service.get("/v1/members?limit=x"), 422, "input.type")["field"] == "limit"
    assert problem(service.get("/v1/members?limit=1001"), 422, "input.invalid")["field"] == "limit"
    assert problem(service.get("/v1/evaluations/1800"), 422, "input.invalid")["field"] == "year"
    assert problem(service.get("/v1/evaluations/20x6"), 422, "input.type")["field"] == "year"
    assert problem(service.get("/v1/evaluations/2026?as_of=soon"), 422, "input.invalid")["field"] == "as_of"
    assert problem(service.get("/v1/evaluations/2026?policy=nope"), 422, "input.invalid")["field"] == "policy"


def test_idempotency_key_too_long_is_422(service: Service) -> None:
    body = problem(
        service.post("/v1/records", RECORD, headers={"Idempotency-Key": "k" * 201}), 422, "input.too_large"
    )
    assert body["field"] == "Idempotency-Key"


# --- the ledger ----------------------------------------------------------------------------------------
def test_record_idempotency_and_ledger_actions(service: Service) -> None:
    first = service.post("/v1/records", RECORD, who="record", headers={"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.text
    again = service.post("/v1/records", RECORD, who="record", headers={"Idempotency-Key": "k1"})
    assert again.json()["id"] == first.json()["id"]
    other = service.post(
        "/v1/records", {**RECORD, "minutes": 30}, who="record", headers={"Idempotency-Key": "k1"}
    )
    assert other.status_code == 409, other.text
    pending = service.post("/v1/records/reports", {**RECORD, "minutes": 60}, who="record")
    assert pending.status_code == 201
    assert pending.json()["status"] == "pending"
    rid = pending.json()["id"]
    problem(
        service.post(f"/v1/records/{rid}/confirm", {"by": "m9", "on": "2026-05-11"}, who="record"),
        403,
        "http.forbidden",
    )
    confirmed = service.post(f"/v1/records/{rid}/confirm", {"by": "m2", "on": "2026-05-11"}, who="decide")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    reversed_ = service.post(f"/v1/records/{first.json()['id']}/reverse", {"on": "2026-05-12"}, who="decide")
    assert reversed_.status_code == 200, reversed_.text
    adjusted = service.post(f"/v1/records/{rid}/adjust", {"minutes": -10, "on": "2026-05-13"}, who="decide")
    assert adjusted.status_code == 200, adjusted.text
    batch = service.post(
        "/v1/records/batch", {"items": [{**RECORD, "idempotency_key": "b1"}] * 2}, who="record"
    )
    assert batch.status_code == 201, batch.text
    assert len({r["id"] for r in batch.json()["records"]}) == 1
    assert service.post("/v1/locks", {"branch_id": "b1", "year": 2026}).status_code == 201
    assert service.get("/v1/locks", who="read").json() == {"items": [{"branch_id": "b1", "year": 2026}]}
    assert problem(service.post("/v1/records", {**RECORD, "on": "2026-05-05"}), 422, "ledger.year_locked")


def test_batch_over_1000_items_is_refused(service: Service) -> None:
    response = service.post("/v1/records/batch", {"items": [RECORD] * 1001}, who="record")
    problem(response, 422, "input.too_large")


# --- wishes --------------------------------------------------------------------------------------------
WISH = {
    "id": "w1",
    "beneficiary_id": "p1",
    "kind": "material",
    "content": "电饭煲",
    "collected_on": "2026-05-01",
    "value": "300.00",
}


def test_wish_lifecycle(service: Service) -> None:
    assert service.post("/v1/wishes", WISH, who="record").status_code == 201
    assert (
        service.post("/v1/wishes/w1/screen", {"approved": True, "on": "2026-05-02"}, who="decide").status_code
        == 200
    )
    assert service.post("/v1/wishes/w1/publish", {"on": "2026-05-03"}, who="decide").status_code == 200
    claim = service.post(
        "/v1/wishes/w1/claims", {"member_id": "m1", "on": "2026-05-04", "pledged": "100.00"}, who="b1_record"
    )
    assert claim.status_code == 200, claim.text
    body = problem(
        service.post("/v1/wishes/w1/claims", {"member_id": "m2", "on": "2026-05-04"}, who="b1_record"),
        403,
        "http.out_of_scope",
    )
    assert body["field"] == "member_id"
    bad = service.post("/v1/wishes/w1/claims", {"supporter_id": "s1", "on": "2026-05-04", "pledged": 1.5})
    assert problem(bad, 422, "input.type")["field"] == "$.pledged"
    withdrawn = service.post("/v1/wishes/w1/claims/withdraw", {"member_id": "m1", "on": "2026-05-05"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert service.post("/v1/wishes/w1/fulfil", {"on": "2026-05-06"}, who="record").status_code == 403
    cancelled = service.post("/v1/wishes/w1/cancel", {"on": "2026-05-06", "reason": "重复"}, who="decide")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


# --- evaluation ---------------------------------------------------------------------------------------
def test_evaluation_lists_violations_as_objects_in_scope(service: Service) -> None:
    service.post("/v1/records", RECORD)
    report = service.get("/v1/evaluations/2026?as_of=2026-12-31", who="b1_record").json()
    assert [m["member_id"] for m in report["members"]] == ["m1"]
    assert report["violations"]
    assert all(isinstance(v, dict) and v["code"] for v in report["violations"])
    assert {v["subject_id"] for v in report["violations"]} <= {"m1", "b1"}
    problem(service.get("/v1/evaluations/2026?branch_id=b2", who="b1_record"), 403, "http.out_of_scope")


# --- tokens and the audit trail -------------------------------------------------------------------------
def test_token_issue_bounded_by_the_callers_role_and_scope(service: Service) -> None:
    issued = service.post("/v1/tokens", {"role": "read", "scope": "b1"}, who="b1_admin")
    assert issued.status_code == 201, issued.text
    secret = issued.json()["secret"]
    assert secret.startswith("vct_")
    assert "digest" not in issued.json()["token"]
    assert service.client.get("/v1/members", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    problem(
        service.post("/v1/tokens", {"role": "read", "scope": "b2"}, who="b1_admin"), 403, "http.out_of_scope"
    )
    problem(
        service.post("/v1/tokens", {"role": "read", "scope": "*"}, who="b1_admin"), 403, "http.out_of_scope"
    )
    problem(service.post("/v1/tokens", {"role": "root", "scope": "b1"}), 422, "input.invalid")
    problem(service.post("/v1/tokens", {"role": "read", "scope": "zz"}), 422, "input.reference")


def test_audit_trail_holds_one_entry_per_write(service: Service) -> None:
    before = len(service.access.audit(limit=1000))
    service.post("/v1/records", RECORD, who="record", headers={"Idempotency-Key": "a-1"})
    service.post("/v1/records", RECORD, who="read")  # refused: audited too
    service.get("/v1/members", who="record")  # a read: not audited
    service.post("/v1/records", content=b"{", headers={"content-type": "application/json"})
    entries = service.access.audit(after=before, limit=1000)
    tokens = {t.label: t.id for t in service.access.tokens()}
    assert [(e.token_id, e.status, e.code) for e in entries] == [
        (tokens["record"], 201, ""),
        (tokens["read"], 403, "http.forbidden"),
        (tokens["admin"], 400, "input.json"),
    ]
    assert entries[0].idempotency_key == "a-1"
    assert entries[0].entity_id
    listed = service.get("/v1/audit?limit=1000").json()["items"]
    assert [e["id"] for e in listed][-3:] == [e.id for e in entries]


def test_collect_wish_honours_the_idempotency_key(service: Service) -> None:
    first = service.post("/v1/wishes", WISH, who="record", headers={"Idempotency-Key": "row-1"})
    assert first.status_code == 201
    again = service.post("/v1/wishes", WISH, who="record", headers={"Idempotency-Key": "row-1"})
    assert again.status_code == 201
    assert again.json() == first.json()
    other = service.post(
        "/v1/wishes", {**WISH, "id": "w2"}, who="record", headers={"Idempotency-Key": "row-1"}
    )
    assert problem(other, 409, "input.idempotency_conflict")["field"] == "idempotency_key"
    assert problem(service.post("/v1/wishes", WISH, who="record"), 422, "input.duplicate")


def test_a_members_codes_are_lists_in_the_year_report(service: Service) -> None:
    member = service.get("/v1/evaluations/2026?as_of=2026-12-31", who="read").json()["members"][0]
    assert isinstance(member["errors"], list)
    assert member["errors"]
    assert all("," not in code for code in member["errors"])
    assert isinstance(member["warnings"], list)
    assert isinstance(member["pending"], list)
