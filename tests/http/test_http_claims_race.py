"""Sixteen claims on one 300-yuan wish sent at once over HTTP, each pledging 100 yuan: exactly three
succeed, whatever the interleaving — on the in-memory storage and on SQLite."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from http_kit import Service

from volunteer_core import Member
from volunteer_core.services import add_entities

CLAIMANTS = 16


def test_sixteen_concurrent_claims_on_a_300_yuan_wish_three_succeed(service: Service) -> None:
    add_entities(
        service.uow(),
        [
            Member(id=f"c{i:02}", name=f"党员{i}", branch_id="b1", joined_on=date(2020, 1, 1))
            for i in range(CLAIMANTS)
        ],
    )
    wish = {
        "id": "w1",
        "beneficiary_id": "p1",
        "kind": "material",
        "content": "电饭煲",
        "collected_on": "2026-05-01",
        "value": "300.00",
    }
    assert service.post("/v1/wishes", wish, who="record").status_code == 201
    assert service.post("/v1/wishes/w1/screen", {"approved": True, "on": "2026-05-02"}).status_code == 200
    assert service.post("/v1/wishes/w1/publish", {"on": "2026-05-03"}).status_code == 200
    start = threading.Barrier(CLAIMANTS)

    def claim(i: int) -> Any:
        start.wait()
        return service.post(
            "/v1/wishes/w1/claims",
            {"member_id": f"c{i:02}", "on": "2026-05-04", "pledged": "100.00"},
            who="record",
        )

    with ThreadPoolExecutor(max_workers=CLAIMANTS) as pool:
        responses = list(pool.map(claim, range(CLAIMANTS)))
    statuses = Counter(r.status_code for r in responses)
    assert statuses[200] == 3, [r.text for r in responses if r.status_code != 422]
    assert statuses[422] == CLAIMANTS - 3
    codes = {r.json()["code"] for r in responses if r.status_code == 422}
    assert len(codes) == 1
    stored = service.get("/v1/wishes/w1").json()
    assert len(stored["claims"]) == 3
    assert sum(float(c["pledged"]) for c in stored["claims"]) == 300.0
