"""Route families not covered elsewhere: pagination, pairings, dispatch, qualifications, erasure."""

from __future__ import annotations

from http_kit import Service


def test_list_pages_with_after_and_next(service: Service) -> None:
    members = [
        {"id": f"x{i}", "name": f"党员{i}", "branch_id": "b1", "joined_on": "2021-01-01"} for i in range(5)
    ]
    assert service.post("/v1/members", members).json() == {"added": 5}
    seen: list[str] = []
    after = None
    for _ in range(10):
        query = "?limit=3" + (f"&after={after}" if after else "")
        page = service.get(f"/v1/members{query}", who="read").json()
        seen += [m["id"] for m in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert seen == sorted(["m1", "m2", *(m["id"] for m in members)])


def test_add_a_list_refuses_it_whole_on_one_bad_item(service: Service) -> None:
    good = {"id": "y1", "name": "甲", "branch_id": "b1", "joined_on": "2021-01-01"}
    bad = {"id": "y2", "name": "乙", "branch_id": "b1", "joined_on": "someday"}
    response = service.post("/v1/members", [good, bad])
    assert response.status_code == 422
    assert response.json()["field"] == "$[1].joined_on"
    assert service.get("/v1/members/y1").status_code == 404


def test_pairings(service: Service) -> None:
    assert (
        service.post("/v1/units", {"id": "u1", "name": "凤山社区居委会", "kind": "community"}).status_code
        == 201
    )
    pairing = {
        "id": "pr1",
        "branch_ids": ["b1"],
        "target_id": "u1",
        "mode": "solo",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
    }
    assert service.post("/v1/pairings", pairing, who="record").status_code == 403
    outside = service.post("/v1/pairings", {**pairing, "branch_ids": ["b2"]}, who="o2_decide")
    assert outside.status_code == 403
    assert outside.json()["code"] == "http.out_of_scope"
    created = service.post("/v1/pairings", pairing, who="o2_decide")
    assert created.status_code == 201, created.text
    ended = service.post("/v1/pairings/pr1/end", {"on": "2026-06-30"}, who="o2_decide")
    assert ended.status_code == 200, ended.text
    assert ended.json()["period"]["end"] == "2026-06-30"


def test_dispatch(service: Service) -> None:
    demand = {"id": "d1", "community": "凤山社区", "content": "修水管", "ordered_on": "2026-05-01"}
    assert service.post("/v1/demands", demand, who="record").status_code == 201
    refused = service.post("/v1/demands/d1/assign", {"member_id": "m2", "on": "2026-05-02"}, who="o2_decide")
    assert refused.status_code == 403
    assert refused.json()["field"] == "member_id"
    assigned = service.post("/v1/demands/d1/assign", {"member_id": "m1", "on": "2026-05-02"}, who="o2_decide")
    assert assigned.status_code == 200, assigned.text
    accepted = service.post("/v1/demands/d1/accept", {"member_id": "m1", "on": "2026-05-02"}, who="b1_record")
    assert accepted.status_code == 200, accepted.text
    assert service.get("/v1/demands/d1", who="b1_record").status_code == 200
    assert service.get("/v1/demands/d1", who="read").status_code == 200
    activity = {
        "id": "a3",
        "kind": "practical_help",
        "branch_id": "b1",
        "on": "2026-05-03",
        "title": "修水管",
    }
    assert service.post("/v1/activities", activity).status_code == 201
    completed = service.post(
        "/v1/demands/d1/complete", {"activity_id": "a3", "minutes": 90, "on": "2026-05-03"}, who="decide"
    )
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "done"


def test_qualifications(service: Service) -> None:
    granted = service.post(
        "/v1/qualifications",
        {"id": "q1", "member_id": "m1", "name": "急救", "earned_on": "2026-01-01"},
        who="decide",
    )
    assert granted.status_code == 201, granted.text
    elsewhere = service.post(
        "/v1/qualifications",
        {"id": "q2", "member_id": "m2", "name": "急救", "earned_on": "2026-01-01"},
        who="o2_decide",
    )
    assert elsewhere.status_code == 403
    assert [q["id"] for q in service.get("/v1/qualifications", who="b1_record").json()["items"]] == ["q1"]
    expired = service.post("/v1/qualifications/q1/expire", {"on": "2026-03-01"}, who="decide")
    assert expired.status_code == 200, expired.text
    assert expired.json()["expires_on"] == "2026-03-01"


def test_erasure_needs_administer_and_clears_personal_data(service: Service) -> None:
    assert (
        service.post("/v1/beneficiaries/p1/anonymise", {"on": "2026-06-01"}, who="decide").status_code == 403
    )
    erased = service.post("/v1/beneficiaries/p1/anonymise", {"on": "2026-06-01"})
    assert erased.status_code == 200, erased.text
    assert "phone" in erased.json()["fields"]
    assert service.get("/v1/beneficiaries/p1").json()["phone"] is None
    outside = service.post("/v1/members/m2/anonymise", {"on": "2026-06-01"}, who="b1_admin")
    assert outside.status_code == 403
    assert service.post("/v1/members/m1/anonymise", {"on": "2026-06-01"}, who="b1_admin").status_code == 200
