"""Shared data for the tests of the use-cases: a small organ stored through ``services.add_entities``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from volunteer_core import Activity, Beneficiary, Branch, Member, PartnerUnit, Team, services
from volunteer_core.ports import UnitOfWork

MakeUow = Callable[[], UnitOfWork]

#: A donation drive of a month (5 March … 1 April): a record on any of its days is on its date.
ACTIVITY = Activity(
    id="a1",
    kind="caring_action",
    branch_id="b1",
    on=date(2026, 3, 5),
    until=date(2026, 4, 1),
    title="爱心捐赠",
)


def organ(unit: UnitOfWork) -> UnitOfWork:
    """``unit`` with branches b1, b2, members m1–m3 of b1, team t1 (m1, m2), beneficiary p1, unit u1,
    activity a1 (:data:`ACTIVITY`, 5 March … 1 April 2026)."""
    services.add_entities(
        unit,
        [
            Branch(id="b1", name="办公室党支部"),
            Branch(id="b2", name="信息中心党支部"),
            *(
                Member(id=f"m{i}", name=f"党员{i}", branch_id="b1", joined_on=date(2020, 1, 1))
                for i in (1, 2, 3)
            ),
            Team(id="t1", branch_id="b1", name="先锋队", member_ids={"m1", "m2"}),
            Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"),
            PartnerUnit(id="u1", name="城厢区社会福利院", kind="welfare_home"),
            ACTIVITY,
        ],
    )
    return unit
