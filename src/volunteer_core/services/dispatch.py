"""Dispatch (点单 → 派单 → 接单 → 完成): a community orders a service, a member or team takes it on.

>>> from datetime import date
>>> from volunteer_core import Activity, Branch, Demand, Member
>>> from volunteer_core.services import add_entities
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
...     Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
...     Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 6), title="送餐")])
>>> d = order_demand(uow, Demand(id="d1", community="凤山社区", content="送餐", ordered_on=date(2026, 3, 1)))
>>> d = assign_demand(uow, "d1", member_id="m1", on=date(2026, 3, 2))
>>> d = accept_demand(uow, "d1", member_id="m1", on=date(2026, 3, 3))
>>> complete_demand(uow, "d1", activity_id="a1", minutes=60, on=date(2026, 3, 6)).status.value
'done'
"""

from __future__ import annotations

from datetime import date

from volunteer_core._catalogue import violation
from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.model import Demand, DemandStatus
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.services._unit import DEFAULT_RETRIES, today, transaction
from volunteer_core.services.ledger import RecordRequest, enter_record
from volunteer_core.services.qualifications import Readiness

__all__ = [
    "accept_demand",
    "assign_demand",
    "cancel_demand",
    "complete_demand",
    "decline_demand",
    "order_demand",
]


def order_demand(uow: UnitOfWork, demand: Demand, *, retries: int = DEFAULT_RETRIES) -> Demand:
    """点单: a community orders a service, stored ORDERED — a demand in any other status is refused
    (``InvalidInput`` at ``status``): assigning, accepting and completing are the steps that follow, each
    with its own checks (insurance, training, the ledger entry).

    >>> from datetime import date
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> order_demand(InMemoryUnitOfWork(), Demand(id="d1", community="凤山社区", content="送餐",
    ...              ordered_on=date(2026, 3, 1), status="done", member_id="m1", activity_id="a1"))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ status: ...
    """
    if not isinstance(demand, Demand):
        raise InvalidInput(
            "demand", demand, code="input.type", message_en="must be a Demand", message_zh="须为需求"
        )
    if demand.status is not DemandStatus.ORDERED:
        raise InvalidInput(
            "status",
            demand.status.value,
            message_en="a demand is ordered in status ORDERED (assign_demand, accept_demand and "
            "complete_demand move it on)",
            message_zh="点单时需求须为“已点单”状态（派单、接单、完成由相应用例办理）",
        )
    for field in ("member_id", "team_id"):
        if getattr(demand, field) is not None:
            raise InvalidInput(
                field,
                getattr(demand, field),
                message_en="an ordered demand is not yet assigned (assign_demand assigns it)",
                message_zh="点单时尚未派单（派单由 assign_demand 完成）",
            )
    return transaction(uow, lambda: uow.demands.add(demand), retries)


def assign_demand(
    uow: UnitOfWork,
    demand_id: str,
    *,
    member_id: str | None = None,
    team_id: str | None = None,
    on: date,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Demand:
    """派单 to a stored member or team. A member is refused with ``RuleViolation``: under
    ``policy.require_insurance``, one whose insurance does not cover ``on`` (``member.uninsured``, 003
    §四.5); when the demand names its activity (``activity_id``) and that activity ``requires``
    qualifications, one without each of them valid on ``on`` (``member.untrained``, under
    ``policy.require_training``) — as :func:`accept_demand` judges. A team is assigned as it is: each of
    its members is judged on accepting.

    Insurance and training are judged on the date of the act — the assignment here, the acceptance in
    :func:`accept_demand` — and again on the service date when the service is recorded
    (:func:`complete_demand`, :func:`~volunteer_core.services.record_service`): a member ready when
    assigned whose cover or qualification lapses before the service is refused then.

    >>> from volunteer_core import Activity, Branch, Member
    >>> from volunteer_core.services import add_entities
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
    ...     Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
    ...     Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 6),
    ...              title="马拉松医疗保障", requires={"急救"})])
    >>> _ = order_demand(uow, Demand(id="d1", community="凤山社区", content="医疗保障",
    ...                              ordered_on=date(2026, 3, 1), activity_id="a1"))
    >>> assign_demand(uow, "d1", member_id="m1", on=date(2026, 3, 2))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.RuleViolation: member.untrained: ...
    """

    def work() -> Demand:
        ready = Readiness(uow, policy)
        if member_id is not None:
            ready.member(member_id)
        if team_id is not None:
            uow.teams.get(team_id)
        demand = uow.demands.get(demand_id)
        assigned = demand.assign(on, member_id=member_id, team_id=team_id)
        if member_id is not None:
            activity = None if demand.activity_id is None else uow.activities.get(demand.activity_id)
            ready.refuse(member_id, activity, on)
        return uow.demands.update(assigned)

    return transaction(uow, work, retries)


def accept_demand(
    uow: UnitOfWork,
    demand_id: str,
    *,
    member_id: str,
    on: date,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Demand:
    """接单 by the assigned member, or by a member of the assigned team. Refused with ``RuleViolation``:
    a member not in the assigned team (``demand.transition``); under ``policy.require_insurance`` a member
    uninsured on ``on`` (``member.uninsured``); when the demand names its activity (``activity_id``) and
    that activity ``requires`` qualifications, a member without each of them valid on ``on``
    (``member.untrained``, under ``policy.require_training``). A demand without its activity yet is
    judged for training when it is completed (:func:`complete_demand` records through the ledger).

    As at :func:`assign_demand`, insurance and training are judged on the date of the act (the
    acceptance, ``on``) and again on the service date when the service is recorded."""

    def work() -> Demand:
        demand = uow.demands.get(demand_id)
        ready = Readiness(uow, policy)
        ready.member(member_id)
        if demand.team_id is not None and member_id not in uow.teams.get(demand.team_id).member_ids:
            raise RuleViolation(
                violation(
                    "demand.transition",
                    demand.id,
                    en=f"member {member_id} is not in team {demand.team_id}",
                    zh=f"党员 {member_id} 不在队伍 {demand.team_id} 中",
                    status=demand.status.value,
                )
            )
        accepted = demand.accept(member_id, on)
        activity = None if demand.activity_id is None else uow.activities.get(demand.activity_id)
        ready.refuse(member_id, activity, on)
        return uow.demands.update(accepted)

    return transaction(uow, work, retries)


def decline_demand(
    uow: UnitOfWork,
    demand_id: str,
    *,
    member_id: str,
    on: date,
    reason: str = "",
    retries: int = DEFAULT_RETRIES,
) -> Demand:
    """A member declines (never forced — 志愿服务条例 Art 25): the demand goes back to ORDERED."""
    return transaction(
        uow, lambda: uow.demands.update(uow.demands.get(demand_id).decline(member_id, on, reason)), retries
    )


def complete_demand(
    uow: UnitOfWork,
    demand_id: str,
    *,
    activity_id: str,
    minutes: int,
    on: date,
    recorded_on: date | None = None,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Demand:
    """完成: the accepted member's service is recorded through the ledger, the demand becomes DONE — one
    transaction. The record is checked like :func:`~volunteer_core.services.record_service`'s: ``on``
    outside the activity's date or span ``on … until`` is refused (``RuleViolation``
    ``record.activity_date``), so is a member uninsured on ``on`` (``member.uninsured``) or without a
    qualification the activity requires, valid on ``on`` (``member.untrained``) — and the demand stays
    ACCEPTED. A training that grants qualifications earns them, as a recorded one does."""
    entered = recorded_on or today()

    def work() -> Demand:
        demand = uow.demands.get(demand_id)
        done = demand.complete(activity_id, on)
        assert done.member_id is not None  # an accepted demand names its member
        request = RecordRequest(
            member_id=done.member_id,
            activity_id=activity_id,
            minutes=minutes,
            on=on,
            idempotency_key=f"demand:{demand.id}",
        )
        enter_record(uow, uow.activities.get(activity_id), request, entered, policy=policy)
        return uow.demands.update(done)

    return transaction(uow, work, retries)


def cancel_demand(
    uow: UnitOfWork, demand_id: str, *, on: date, reason: str, retries: int = DEFAULT_RETRIES
) -> Demand:
    """Cancel a demand that is not done."""
    return transaction(
        uow, lambda: uow.demands.update(uow.demands.get(demand_id).cancel(on, reason)), retries
    )
