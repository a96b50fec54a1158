"""``assign_demand`` to a member judges training when the demand already names an activity that requires a
qualification — on the assignment date, as ``accept_demand`` judges on the acceptance date — and both are
judged again on the service date when it is recorded; on every storage."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest
from test_ledger_readiness import DAY, NEXT, MakeUow, world

from volunteer_core import Demand, DemandStatus, Qualification, Team, policies, services
from volunteer_core.errors import RuleViolation
from volunteer_core.ports import UnitOfWork

ORDER = Demand(id="d1", community="凤山社区", content="马拉松医疗保障", ordered_on=DAY, activity_id="a1")


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """m1 untrained, m2 holding 急救 until DAY; a1 requires 急救; the demand d1 names a1."""
    unit = make_uow()
    services.add_entities(
        unit, [*world(), Team(id="t-team", branch_id="b1", name="急救队", member_ids={"m1", "m2"})]
    )
    services.order_demand(unit, ORDER)
    return unit


def refused(call: Callable[[], object]) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    return caught.value


def stored(uow: UnitOfWork) -> Demand:
    with uow:
        return uow.demands.get("d1")


def test_an_untrained_member_is_not_assigned_a_demand_naming_an_activity_that_requires_first_aid(
    uow: UnitOfWork,
) -> None:
    error = refused(lambda: services.assign_demand(uow, "d1", member_id="m1", on=DAY))
    assert (error.code, error.violation.subject_id, error.violation.details["missing"]) == (
        "member.untrained",
        "m1",
        ["急救"],
    )
    assert (stored(uow).status, stored(uow).member_id) == (DemandStatus.ORDERED, None)


def test_the_last_valid_day_of_a_qualification_is_assigned_the_day_after_is_not(uow: UnitOfWork) -> None:
    expired = refused(lambda: services.assign_demand(uow, "d1", member_id="m2", on=NEXT))
    assert (expired.code, expired.violation.details["expired"]) == (
        "member.untrained",
        {"急救": "2026-03-05"},
    )
    assert services.assign_demand(uow, "d1", member_id="m2", on=DAY).member_id == "m2"
    assert stored(uow).status is DemandStatus.ASSIGNED


def test_a_qualification_earned_later_than_the_assignment_does_not_count(uow: UnitOfWork) -> None:
    later = Qualification(id="q1", member_id="m1", name="急救", earned_on=NEXT)
    services.add_entities(uow, [later])
    assert refused(lambda: services.assign_demand(uow, "d1", member_id="m1", on=DAY)).code == (
        "member.untrained"
    )
    assert services.assign_demand(uow, "d1", member_id="m1", on=NEXT).member_id == "m1"


def test_a_policy_without_training_assigns_anyone(uow: UnitOfWork) -> None:
    relaxed = attrs.evolve(policies.DEFAULT, require_training=False)
    assert services.assign_demand(uow, "d1", member_id="m1", on=DAY, policy=relaxed).member_id == "m1"


def test_a_demand_without_its_activity_is_assigned_and_judged_later(uow: UnitOfWork) -> None:
    services.order_demand(uow, attrs.evolve(ORDER, id="d2", activity_id=None))
    assert services.assign_demand(uow, "d2", member_id="m1", on=DAY).member_id == "m1"


def test_a_team_is_assigned_as_it_is_and_its_members_judged_on_accepting(uow: UnitOfWork) -> None:
    assert services.assign_demand(uow, "d1", team_id="t-team", on=DAY).team_id == "t-team"
    assert refused(lambda: services.accept_demand(uow, "d1", member_id="m1", on=DAY)).code == (
        "member.untrained"
    )


def test_training_is_judged_again_at_acceptance_and_on_the_service_date(uow: UnitOfWork) -> None:
    services.assign_demand(uow, "d1", member_id="m2", on=DAY)  # valid on the day of the assignment
    assert refused(lambda: services.accept_demand(uow, "d1", member_id="m2", on=NEXT)).code == (
        "member.untrained"
    )
    services.accept_demand(uow, "d1", member_id="m2", on=DAY)
    error = refused(
        lambda: services.complete_demand(uow, "d1", activity_id="a1", minutes=60, on=NEXT, recorded_on=NEXT)
    )
    assert (error.code, stored(uow).status) == ("member.untrained", DemandStatus.ACCEPTED)
    done = services.complete_demand(uow, "d1", activity_id="a1", minutes=60, on=DAY, recorded_on=NEXT)
    assert done.status is DemandStatus.DONE


def test_insurance_is_judged_before_training_on_the_assignment_date(uow: UnitOfWork) -> None:
    meilie = policies.MEILIE_2017
    assert refused(lambda: services.assign_demand(uow, "d1", member_id="m3", on=DAY, policy=meilie)).code == (
        "member.uninsured"
    )
    assert refused(lambda: services.assign_demand(uow, "d1", member_id="m1", on=DAY, policy=meilie)).code == (
        "member.untrained"
    )
