"""The dispatch use-cases (``volunteer_core.services.dispatch``) end to end, on every storage."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from services_support import ACTIVITY, MakeUow, organ

from volunteer_core import Demand, services
from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.model import DemandStatus
from volunteer_core.ports import UnitOfWork


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """The organ of :func:`services_support.organ` on every storage."""
    return organ(make_uow())


def test_the_dispatch_flow_records_the_service(uow: UnitOfWork) -> None:
    demand = Demand(id="d1", community="凤山社区", content="为独居老人修水管", ordered_on=date(2026, 3, 1))
    assert services.order_demand(uow, demand) == demand
    services.assign_demand(uow, "d1", member_id="m1", on=date(2026, 3, 2))
    declined = services.decline_demand(uow, "d1", member_id="m1", on=date(2026, 3, 2), reason="出差")
    assert (declined.status, declined.member_id) == (DemandStatus.ORDERED, None)
    services.assign_demand(uow, "d1", team_id="t1", on=date(2026, 3, 3))
    with pytest.raises(RuleViolation):
        services.accept_demand(uow, "d1", member_id="m3", on=date(2026, 3, 3))  # not in the team
    accepted = services.accept_demand(uow, "d1", member_id="m2", on=date(2026, 3, 3))
    assert (accepted.status, accepted.member_id) == (DemandStatus.ACCEPTED, "m2")
    done = services.complete_demand(
        uow, "d1", activity_id="a1", minutes=120, on=date(2026, 3, 5), recorded_on=date(2026, 3, 5)
    )
    assert (done.status, done.activity_id, done.version) == (DemandStatus.DONE, "a1", 5)
    with uow:
        record = uow.records.by_idempotency_key("demand:d1")
        assert record is not None
        assert (record.member_id, record.minutes, record.kind) == ("m2", 120, ACTIVITY.kind)
        assert uow.demands.get("d1") == done
    with pytest.raises(RuleViolation):
        services.cancel_demand(uow, "d1", on=date(2026, 3, 6), reason="重复")
    services.order_demand(uow, attrs.evolve(demand, id="d2"))
    assert (
        services.cancel_demand(uow, "d2", on=date(2026, 3, 6), reason="重复").status is DemandStatus.CANCELLED
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": DemandStatus.DONE, "member_id": "m1", "activity_id": "a1"}, "status"),
        ({"status": DemandStatus.ACCEPTED, "member_id": "m1"}, "status"),
        ({"status": DemandStatus.ASSIGNED, "team_id": "t1"}, "status"),
        ({"member_id": "m1"}, "member_id"),
        ({"team_id": "t1"}, "team_id"),
    ],
)
def test_order_demand_stores_an_ordered_demand_only(
    uow: UnitOfWork, changes: dict[str, Any], field: str
) -> None:
    """Ordering cannot skip 派单/接单/完成 and their checks (insurance, training, the ledger entry)."""
    demand = Demand(id="d1", community="凤山社区", content="修水管", ordered_on=date(2026, 3, 1))
    with pytest.raises(InvalidInput) as caught:
        services.order_demand(uow, attrs.evolve(demand, **changes))
    assert (caught.value.code, caught.value.path) == ("input.invalid", field)
    with uow:
        assert uow.demands.list() == []
    assert services.order_demand(uow, attrs.evolve(demand, activity_id="a1")).status is DemandStatus.ORDERED
