"""The edges of scope, role and masking a security review of the service found open (2026-12-04): each
test shows the refusal and that nothing stored changed; a positive control shows the same request allowed
where the scope or role covers it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from http_kit import Service

from volunteer_core import Beneficiary
from volunteer_core.errors import InvalidInput


def refused(response: Any, status: int, code: str, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["code"], body["field"]) == (code, field)
    return body


def records(service: Service) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = service.get("/v1/records").json()["items"]
    return items


# --- personal data ------------------------------------------------------------------------------------
BORN: dict[str, Any] = {
    "id": "p2",
    "name": "赵六",
    "category": "elderly",
    "community": "凤山社区",
    "id_number": "11010519491231002X",
    "birth_date": "1949-12-31",
}


def test_a_birth_date_is_left_out_beside_a_masked_id_number(service: Service) -> None:
    assert service.post("/v1/beneficiaries", BORN).status_code == 201
    shown = service.get("/v1/beneficiaries/p2", who="read").json()
    assert shown["id_number"] == "110105********002X"
    assert shown["birth_date"] is None  # the eight hidden digits are this date
    assert "19491231" not in service.get("/v1/beneficiaries", who="record").text
    assert "1949-12-31" not in service.get("/v1/beneficiaries", who="record").text
    assert service.get("/v1/beneficiaries/p2").json()["birth_date"] == "1949-12-31"  # administer


def test_the_library_never_shows_a_birth_date_beside_a_masked_id_number() -> None:
    person = Beneficiary(
        id="p2",
        name="赵六",
        category="elderly",
        community="凤山社区",
        id_number="11010519491231002X",
        birth_date=date(1949, 12, 31),
    )
    assert "1949" not in repr(person)
    assert "birth_date='****-**-**'" in repr(person)
    with pytest.raises(InvalidInput) as caught:
        Beneficiary(**{**BORN, "birth_date": date(1949, 12, 30)})
    assert caught.value.path == "birth_date"
    assert "1949" not in str(caught.value)  # neither the date given nor the one the number encodes


# --- the ledger: a branch writes at its own activities, for its own members --------------------------
def test_a_branch_token_cannot_enter_service_at_another_branchs_activity(service: Service) -> None:
    before = records(service)
    body = {"member_id": "m1", "activity_id": "a2", "minutes": 60, "on": "2026-05-01"}
    refused(service.post("/v1/records", body, who="b1_record"), 403, "http.out_of_scope", "activity_id")
    refused(
        service.post("/v1/records/reports", body, who="b1_record"), 403, "http.out_of_scope", "activity_id"
    )
    refused(
        service.post("/v1/records/batch", {"items": [body]}, who="b1_record"),
        403,
        "http.out_of_scope",
        "$.items[0].activity_id",
    )
    mixed = [{**body, "activity_id": "a1"}, {**body, "activity_id": "a1", "minutes": 30}, body]
    refused(
        service.post("/v1/records/batch", {"items": mixed}, who="b1_record"),
        403,
        "http.out_of_scope",
        "$.items[2].activity_id",
    )
    assert records(service) == before
    own = service.post("/v1/records", {**body, "activity_id": "a1"}, who="b1_record")
    assert own.status_code == 201, own.text


def test_a_record_is_acted_on_by_a_token_covering_its_member_and_its_activity(service: Service) -> None:
    across = service.post(
        "/v1/records", {"member_id": "m1", "activity_id": "a2", "minutes": 60, "on": "2026-05-01"}
    )
    assert across.status_code == 201, across.text
    rid = across.json()["id"]
    # o2 covers b1, the member's branch: it reads its member's record, at another branch's activity …
    assert service.get(f"/v1/records/{rid}", who="o2_decide").status_code == 200
    assert rid in {r["id"] for r in service.get("/v1/records", who="b1_record").json()["items"]}
    # … but does not reverse it: the activity is b2's
    refused(
        service.post(f"/v1/records/{rid}/reverse", {"on": "2026-05-12"}, who="o2_decide"),
        403,
        "http.out_of_scope",
        "id",
    )
    visiting = service.post(
        "/v1/records", {"member_id": "m2", "activity_id": "a1", "minutes": 30, "on": "2026-05-01"}
    )
    vid = visiting.json()["id"]
    assert service.get(f"/v1/records/{vid}", who="o2_decide").status_code == 200  # at its activity
    refused(
        service.post(f"/v1/records/{vid}/reverse", {"on": "2026-05-12"}, who="o2_decide"),
        403,
        "http.out_of_scope",
        "id",
    )
    assert len(records(service)) == 2  # no reversal stored
    own = service.post(
        "/v1/records", {"member_id": "m1", "activity_id": "a1", "minutes": 30, "on": "2026-05-01"}
    )
    reversed_ = service.post(f"/v1/records/{own.json()['id']}/reverse", {"on": "2026-05-12"}, who="o2_decide")
    assert reversed_.status_code == 200, reversed_.text


def test_only_an_administrator_sets_the_day_of_entry(service: Service) -> None:
    body = {
        "member_id": "m1",
        "activity_id": "a1",
        "minutes": 60,
        "on": "2026-05-01",
        "recorded_on": "2026-05-01",
    }
    refused(service.post("/v1/records", body, who="b1_record"), 403, "http.forbidden", "recorded_on")
    refused(
        service.post("/v1/records/batch", {"items": [body]}, who="record"),
        403,
        "http.forbidden",
        "$.items[0].recorded_on",
    )
    assert records(service) == []
    entered = service.post(
        "/v1/records", {k: v for k, v in body.items() if k != "recorded_on"}, who="b1_record"
    )
    assert entered.json()["recorded_on"] == "2026-05-10"  # the service's clock (NOW, China's day)
    assert service.post("/v1/records", {**body, "minutes": 30}).status_code == 201  # administer


def test_an_idempotency_conflict_does_not_describe_another_branchs_record(service: Service) -> None:
    theirs = {"member_id": "m2", "activity_id": "a2", "minutes": 75, "on": "2026-05-01"}
    first = service.post("/v1/records", theirs, headers={"Idempotency-Key": "K1"})
    assert first.status_code == 201
    mine = {"member_id": "m1", "activity_id": "a1", "minutes": 60, "on": "2026-05-01"}
    body = refused(
        service.post("/v1/records", mine, who="b1_record", headers={"Idempotency-Key": "K1"}),
        409,
        "ledger.idempotency_conflict",
        "idempotency_key",
    )
    text = str(body)
    for secret in (first.json()["id"], "m2", "a2", "75"):
        assert secret not in text
    batch = service.post("/v1/records/batch", {"items": [{**mine, "idempotency_key": "K1"}]}, who="b1_record")
    assert first.json()["id"] not in batch.text
    assert batch.status_code == 409
    assert len(records(service)) == 1


# --- dispatch ------------------------------------------------------------------------------------------
def test_a_demand_is_ordered_as_ordered_only(service: Service) -> None:
    done = {
        "id": "d1",
        "community": "凤山社区",
        "content": "修水管",
        "ordered_on": "2026-05-01",
        "status": "done",
        "member_id": "m1",
        "activity_id": "a1",
    }
    refused(service.post("/v1/demands", done, who="b1_record"), 422, "input.invalid", "status")
    refused(
        service.post("/v1/demands", {**done, "status": "ordered"}, who="b1_record"),
        422,
        "input.invalid",
        "member_id",
    )
    assert service.get("/v1/demands").json()["items"] == []


def test_a_demand_is_completed_at_an_activity_of_the_scope_only(service: Service) -> None:
    demand = {"id": "d1", "community": "凤山社区", "content": "修水管", "ordered_on": "2026-05-01"}
    assert service.post("/v1/demands", demand, who="record").status_code == 201
    assert (
        service.post(
            "/v1/demands/d1/assign", {"member_id": "m1", "on": "2026-05-02"}, who="o2_decide"
        ).status_code
        == 200
    )
    assert (
        service.post(
            "/v1/demands/d1/accept", {"member_id": "m1", "on": "2026-05-02"}, who="b1_record"
        ).status_code
        == 200
    )
    at_b2 = {"activity_id": "a2", "minutes": 60, "on": "2026-05-01"}
    refused(
        service.post("/v1/demands/d1/complete", at_b2, who="o2_decide"),
        403,
        "http.out_of_scope",
        "activity_id",
    )
    assert service.get("/v1/demands/d1").json()["status"] == "accepted"
    assert records(service) == []
    done = service.post("/v1/demands/d1/complete", {**at_b2, "activity_id": "a1"}, who="o2_decide")
    assert done.status_code == 200, done.text


# --- master data naming members ------------------------------------------------------------------------
def test_a_team_or_pairing_cannot_enlist_another_branchs_member(service: Service) -> None:
    team = {"id": "t1", "branch_id": "b1", "name": "先锋队", "member_ids": ["m1", "m2"]}
    refused(service.post("/v1/teams", team, who="b1_admin"), 403, "http.out_of_scope", "$.member_ids")
    assert service.get("/v1/teams").json()["items"] == []
    assert service.post("/v1/teams", {**team, "member_ids": ["m1"]}, who="b1_admin").status_code == 201
    pairing = {
        "id": "pr1",
        "branch_ids": ["b1"],
        "target_id": "p1",
        "mode": "solo",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "member_ids": ["m2"],
    }
    refused(service.post("/v1/pairings", pairing, who="o2_decide"), 403, "http.out_of_scope", "member_ids")
    assert service.get("/v1/pairings").json()["items"] == []
    assert service.post("/v1/pairings", {**pairing, "member_ids": ["m1"]}, who="o2_decide").status_code == 201


# --- erasure -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "entity_id"), [("beneficiaries", "p1"), ("supporters", "s1")])
def test_only_a_whole_deployment_token_erases_what_no_branch_owns(
    service: Service, kind: str, entity_id: str
) -> None:
    before = service.get(f"/v1/{kind}/{entity_id}").json()
    refused(
        service.post(f"/v1/{kind}/{entity_id}/anonymise", {"on": "2026-05-10"}, who="b1_admin"),
        403,
        "http.out_of_scope",
        "id",
    )
    assert service.get(f"/v1/{kind}/{entity_id}").json() == before
    erased = service.post(f"/v1/{kind}/{entity_id}/anonymise", {"on": "2026-05-10"})
    assert erased.status_code == 200, erased.text
    assert service.get(f"/v1/{kind}/{entity_id}").json() != before


# --- the audit trail -----------------------------------------------------------------------------------
def test_a_scoped_audit_page_is_filled_past_other_scopes_entries(service: Service) -> None:
    for minutes in (10, 20, 30):
        body = {"member_id": "m2", "activity_id": "a2", "minutes": minutes, "on": "2026-05-01"}
        assert service.post("/v1/records", body).status_code == 201  # scope "*"
    mine = {"member_id": "m1", "activity_id": "a1", "minutes": 40, "on": "2026-05-01"}
    assert service.post("/v1/records", mine, who="b1_admin").status_code == 201
    page = service.get("/v1/audit?limit=1", who="b1_admin").json()["items"]
    assert [(e["scope"], e["status"]) for e in page] == [("b1", 201)]
    assert len(service.get("/v1/audit?limit=1000").json()["items"]) == 4
