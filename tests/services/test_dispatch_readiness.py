"""Dispatch refuses an uninsured member (``assign_demand``, ``accept_demand``, ``complete_demand``) and an
untrained one (``accept_demand`` of a demand naming its activity, ``complete_demand``), on every storage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest
from test_ledger_readiness import DAY, NEXT, MakeUow, world

from volunteer_core import Demand, DemandStatus, Team, policies, services
from volunteer_core.errors import RuleViolation
from volunteer_core.ports import UnitOfWork

MEILIE = policies.MEILIE_2017
ORDER = Demand(id="d1", community="凤山社区", content="马拉松医疗保障", ordered_on=date(2026, 3, 1))


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    unit = make_uow()
    services.add_entities(
        unit, [*world(), Team(id="t-team", branch_id="b1", name="急救队", member_ids={"m1", "m2"})]
    )
    return unit


def refused(call: Callable[[], object]) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    return caught.value


def status(uow: UnitOfWork, demand_id: str = "d1") -> DemandStatus:
    with uow:
        return uow.demands.get(demand_id).status


def test_an_uninsured_assignment_is_refused_under_meilie_and_allowed_without_insurance(
    uow: UnitOfWork,
) -> None:
    services.order_demand(uow, ORDER)
    error = refused(lambda: services.assign_demand(uow, "d1", member_id="m1", on=NEXT, policy=MEILIE))
    assert (error.code, error.violation.subject_id, error.violation.source) == (
        "member.uninsured",
        "m1",
        "003 §四.5",
    )
    assert error.violation.details["on"] == "2026-03-06"
    assert status(uow) is DemandStatus.ORDERED
    error = refused(lambda: services.assign_demand(uow, "d1", member_id="m3", on=DAY, policy=MEILIE))
    assert error.violation.details["insured_until"] is None
    assert services.assign_demand(uow, "d1", member_id="m1", on=NEXT).member_id == "m1"  # DEFAULT


def test_the_last_insured_day_is_assigned_and_accepted(uow: UnitOfWork) -> None:
    services.order_demand(uow, ORDER)
    services.assign_demand(uow, "d1", member_id="m1", on=DAY, policy=MEILIE)
    assert (
        services.accept_demand(uow, "d1", member_id="m1", on=DAY, policy=MEILIE).status
        is DemandStatus.ACCEPTED
    )


def test_acceptance_is_refused_the_day_after_the_cover(uow: UnitOfWork) -> None:
    services.order_demand(uow, ORDER)
    services.assign_demand(uow, "d1", member_id="m1", on=DAY, policy=MEILIE)
    error = refused(lambda: services.accept_demand(uow, "d1", member_id="m1", on=NEXT, policy=MEILIE))
    assert error.code == "member.uninsured"
    assert status(uow) is DemandStatus.ASSIGNED


def test_a_team_is_assigned_as_it_is_and_each_member_judged_on_accepting(uow: UnitOfWork) -> None:
    services.order_demand(uow, ORDER)
    services.assign_demand(uow, "d1", team_id="t-team", on=NEXT, policy=MEILIE)  # m1, m2 uninsured that day
    assert refused(
        lambda: services.accept_demand(uow, "d1", member_id="m2", on=NEXT, policy=MEILIE)
    ).code == ("member.uninsured")
    assert services.accept_demand(uow, "d1", member_id="m2", on=NEXT).member_id == "m2"


def test_a_demand_naming_an_activity_that_requires_first_aid_takes_only_the_trained(uow: UnitOfWork) -> None:
    services.order_demand(uow, attrs.evolve(ORDER, activity_id="a1"))
    services.assign_demand(uow, "d1", team_id="t-team", on=DAY)
    error = refused(lambda: services.accept_demand(uow, "d1", member_id="m1", on=DAY))
    assert (error.code, error.violation.details["missing"]) == ("member.untrained", ["急救"])
    expired = refused(lambda: services.accept_demand(uow, "d1", member_id="m2", on=NEXT))
    assert expired.violation.details["expired"] == {"急救": "2026-03-05"}
    assert services.accept_demand(uow, "d1", member_id="m2", on=DAY).member_id == "m2"


def test_training_is_judged_at_completion_when_the_demand_had_no_activity(uow: UnitOfWork) -> None:
    services.order_demand(uow, ORDER)
    services.assign_demand(uow, "d1", member_id="m1", on=DAY)
    services.accept_demand(uow, "d1", member_id="m1", on=DAY)  # no activity yet: not judged
    error = refused(
        lambda: services.complete_demand(uow, "d1", activity_id="a1", minutes=60, on=DAY, recorded_on=DAY)
    )
    assert error.code == "member.untrained"
    assert status(uow) is DemandStatus.ACCEPTED
    with uow:
        assert uow.records.by_idempotency_key("demand:d1") is None
    done = services.complete_demand(uow, "d1", activity_id="a0", minutes=60, on=DAY, recorded_on=DAY)
    assert done.status is DemandStatus.DONE


def test_completion_is_refused_for_an_uninsured_member(uow: UnitOfWork) -> None:
    services.order_demand(uow, ORDER)
    services.assign_demand(uow, "d1", member_id="m1", on=DAY, policy=MEILIE)
    services.accept_demand(uow, "d1", member_id="m1", on=DAY, policy=MEILIE)
    error = refused(
        lambda: services.complete_demand(
            uow, "d1", activity_id="a0", minutes=60, on=NEXT, recorded_on=NEXT, policy=MEILIE
        )
    )
    assert error.code == "member.uninsured"
    assert status(uow) is DemandStatus.ACCEPTED


def test_a_completed_training_demand_earns_its_qualification(uow: UnitOfWork) -> None:
    services.order_demand(uow, attrs.evolve(ORDER, ordered_on=date(2026, 1, 1)))
    services.assign_demand(uow, "d1", member_id="m1", on=date(2026, 1, 2))
    services.accept_demand(uow, "d1", member_id="m1", on=date(2026, 1, 2))
    training = date(2026, 1, 10)
    services.complete_demand(uow, "d1", activity_id="t1", minutes=120, on=training, recorded_on=training)
    with uow:
        (earned,) = uow.qualifications.for_member("m1")
    assert (earned.earned_on, earned.expires_on, earned.activity_id) == (training, date(2029, 1, 9), "t1")
