"""Sixteen HTTP clients claim one published 300-yuan wish at once, 100 yuan each, against the live service
(``volunteer-core serve`` in a subprocess, real sockets, one connection per client), on a new SQLite file,
a new PostgreSQL database and a new MariaDB database (``blank_sql_url``: serve creates the schema):
exactly three claims succeed, the other thirteen are refused with one problem code, the stored wish holds
exactly 300.00 yuan pledged, and every attempt is in the audit trail with its outcome."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import httpx

from volunteer_core.testing.service import LiveService, running_service

CLAIMANTS = 16
PLEDGE = "100.00"
WISH = "w-hot"
CLAIMS_PATH = f"/v1/wishes/{WISH}/claims"
#: the codes a lost claim may carry: the rule (the wish is fully pledged), or the documented race code
#: when the storage's retries could not settle a conflict
REFUSALS = {(422, "wish.claim_total"), (409, "storage.conflict")}


def set_up(client: httpx.Client) -> str:
    """Through the service (administer): a branch, sixteen members, a beneficiary, a 300-yuan MATERIAL
    wish screened and published; a ``record`` token for the claimants, its secret returned."""

    def ok(response: httpx.Response, status: int) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    ok(client.post("/v1/organisations", json={"id": "o1", "name": "机关工委", "kind": "work_committee"}), 201)
    ok(client.post("/v1/branches", json={"id": "b1", "name": "第一支部", "organisation_id": "o1"}), 201)
    members = [
        {"id": f"c{i:02}", "name": f"党员{i}", "branch_id": "b1", "joined_on": "2020-01-01"}
        for i in range(CLAIMANTS)
    ]
    assert ok(client.post("/v1/members", json=members), 201) == {"added": CLAIMANTS}
    beneficiary = {"id": "p1", "name": "王五", "category": "elderly", "community": "凤山社区"}
    ok(client.post("/v1/beneficiaries", json=beneficiary), 201)
    wish = {
        "id": WISH,
        "beneficiary_id": "p1",
        "kind": "material",
        "content": "电饭煲",
        "collected_on": "2026-05-01",
        "value": "300.00",
    }
    ok(client.post("/v1/wishes", json=wish), 201)
    ok(client.post(f"/v1/wishes/{WISH}/screen", json={"approved": True, "on": "2026-05-02"}), 200)
    assert (
        ok(client.post(f"/v1/wishes/{WISH}/publish", json={"on": "2026-05-03"}), 200)["status"] == "published"
    )
    issued = ok(client.post("/v1/tokens", json={"role": "record", "scope": "b1", "label": "claimants"}), 201)
    secret: str = issued["secret"]
    return secret


def claim_at_once(service: LiveService, secret: str) -> list[httpx.Response]:
    """Sixteen clients, each its own connection (opened before the start), released together by a barrier."""
    start = threading.Barrier(CLAIMANTS)

    def claim(i: int) -> httpx.Response:
        with httpx.Client(base_url=service.url, headers=service.headers(secret), timeout=120) as client:
            assert client.get("/health").status_code == 200  # the connection is open before the start
            start.wait(timeout=60)
            return client.post(
                CLAIMS_PATH, json={"member_id": f"c{i:02}", "on": "2026-05-04", "pledged": PLEDGE}
            )

    with ThreadPoolExecutor(max_workers=CLAIMANTS) as pool:
        return list(pool.map(claim, range(CLAIMANTS)))


def test_sixteen_concurrent_http_claims_of_100_yuan_on_a_300_yuan_wish_three_succeed(
    blank_sql_url: str,
) -> None:
    with (
        running_service(blank_sql_url) as service,
        httpx.Client(base_url=service.url, headers=service.headers(), timeout=120) as admin,
    ):
        secret = set_up(admin)
        responses = claim_at_once(service, secret)

        won = [r for r in responses if r.is_success]
        lost = [r for r in responses if not r.is_success]
        assert len(won) == 3, [(r.status_code, r.text) for r in responses]
        assert {r.status_code for r in won} <= {200, 201}
        for response in lost:
            assert response.headers["content-type"].startswith("application/problem+json"), response.text
            problem = response.json()
            assert (response.status_code, problem["code"]) in REFUSALS, response.text
            assert problem["instance"] == CLAIMS_PATH
            assert problem["message_zh"]
            assert problem["message_en"]
        assert Counter(r.json()["code"] for r in lost)["wish.claim_total"] >= 1

        stored = admin.get(f"/v1/wishes/{WISH}").json()
        live_claims = [c for c in stored["claims"] if c["withdrawn_on"] is None]
        assert stored["status"] == "claimed"
        assert sum(Decimal(c["pledged"]) for c in live_claims) == Decimal("300.00")
        # the three clients told they won are the three claims stored
        winners = {f"c{i:02}" for i, r in enumerate(responses) if r.is_success}
        assert sorted(c["member_id"] for c in live_claims) == sorted(winners)

        trail = admin.get("/v1/audit", params={"limit": 1000}).json()["items"]
        attempts = [e for e in trail if e["path"] == CLAIMS_PATH]
        assert len(attempts) == CLAIMANTS
        assert sorted(e["status"] for e in attempts) == sorted(r.status_code for r in responses)
        assert {e["code"] for e in attempts if e["status"] >= 400} == {r.json()["code"] for r in lost}
