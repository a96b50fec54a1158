"""The pairing use-cases (``volunteer_core.services.pairings``) end to end, on every storage."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from services_support import MakeUow, organ

from volunteer_core import Branch, DateRange, Organisation, Pairing, PartnerUnit, services
from volunteer_core.errors import RuleViolation
from volunteer_core.policy import MCA_LEIFENG
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryUnitOfWork


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """The organ of :func:`services_support.organ` on every storage."""
    return organ(make_uow())


def test_register_pairing_refuses_a_duplicate(uow: UnitOfWork) -> None:
    pairing = Pairing(
        id="pr1",
        branch_ids={"b1"},
        target_id="u1",
        mode="solo",
        period=DateRange(date(2026, 1, 1), date(2026, 12, 31)),
    )
    assert services.register_pairing(uow, pairing) == pairing
    overlapping = attrs.evolve(pairing, id="pr2", branch_ids={"b2"}, period=DateRange(date(2026, 6, 1)))
    with pytest.raises(RuleViolation) as caught:
        services.register_pairing(uow, overlapping)
    assert caught.value.code == "pairing.duplicate"
    ended = services.end_pairing(uow, "pr1", on=date(2026, 5, 31))
    assert ended.period.end == date(2026, 5, 31)
    assert services.register_pairing(uow, overlapping) == overlapping
    with uow:
        assert [p.id for p in uow.pairings.for_target("u1")] == ["pr1", "pr2"]
        assert [p.id for p in uow.pairings.for_branch("b2")] == ["pr2"]


# ---------------------------------------------------------------------------------------------------------
# pairing.single_target per 单位 (001 §(一)), enforced at register_pairing


def _tree(uow: UnitOfWork) -> UnitOfWork:
    """工委 w → 单位 o1 (市民政局) → its 机关党委 o2; b3 hangs under o2 and b4 under o1 (both of unit o1);
    b5 under 单位 o3 (市卫健委); b6 under the 工委 alone (no unit); partner units u2, u3."""
    services.add_entities(
        uow,
        [
            Organisation(id="w", name="市直机关工委", kind="work_committee"),
            Organisation(id="o1", name="市民政局", kind="unit", parent_id="w"),
            Organisation(id="o2", name="民政局机关党委", kind="organ_party_committee", parent_id="o1"),
            Organisation(id="o3", name="市卫健委", kind="unit", parent_id="w"),
            Branch(id="b3", name="办公室党支部", organisation_id="o2"),
            Branch(id="b4", name="社会事务科党支部", organisation_id="o1"),
            Branch(id="b5", name="医政科党支部", organisation_id="o3"),
            Branch(id="b6", name="工委机关党支部", organisation_id="w"),
            PartnerUnit(id="u2", name="城厢区敬老院", kind="nursing_home"),
            PartnerUnit(id="u3", name="特殊教育学校", kind="special_school"),
        ],
    )
    return uow


def _pair(pid: str, branch: str, target: str, start: date, end: date | None = None) -> Pairing:
    return Pairing(id=pid, branch_ids={branch}, target_id=target, mode="solo", period=DateRange(start, end))


def test_a_second_target_of_one_unit_is_refused_across_its_branches(uow: UnitOfWork) -> None:
    _tree(uow)
    services.register_pairing(uow, _pair("pr1", "b3", "u1", date(2026, 1, 1)), policy=MCA_LEIFENG)
    second = _pair("pr2", "b4", "u2", date(2026, 6, 1))
    with pytest.raises(RuleViolation) as caught:
        services.register_pairing(uow, second, policy=MCA_LEIFENG)
    found = caught.value.violation
    assert found.code == "pairing.single_target"
    assert found.details["unit_id"] == "o1"
    assert found.details["target_ids"] == ["u1", "u2"]
    assert found.details["pairing_ids"] == ["pr1", "pr2"]
    assert "市民政局" in found.message_zh
    with uow:
        assert [p.id for p in uow.pairings.for_branch("b4")] == []
    # allowed where the preset sets no limit per unit
    assert services.register_pairing(uow, second) == second


def test_a_unit_may_pair_its_one_target_from_several_branches(uow: UnitOfWork) -> None:
    _tree(uow)
    services.register_pairing(uow, _pair("pr1", "b3", "u1", date(2026, 1, 1)), policy=MCA_LEIFENG)
    same_target = _pair("pr2", "b4", "u1", date(2026, 1, 1))
    assert services.register_pairing(uow, same_target, policy=MCA_LEIFENG) == same_target


def test_the_units_next_target_starts_the_day_after_the_last_ends(uow: UnitOfWork) -> None:
    _tree(uow)
    services.register_pairing(
        uow, _pair("pr1", "b3", "u1", date(2026, 1, 1), date(2026, 6, 30)), policy=MCA_LEIFENG
    )
    with pytest.raises(RuleViolation) as caught:
        services.register_pairing(uow, _pair("pr2", "b4", "u2", date(2026, 6, 30)), policy=MCA_LEIFENG)
    assert caught.value.code == "pairing.single_target"
    day_after = _pair("pr2", "b4", "u2", date(2026, 7, 1))
    assert services.register_pairing(uow, day_after, policy=MCA_LEIFENG) == day_after


def test_other_units_and_branches_without_a_unit_are_apart(uow: UnitOfWork) -> None:
    _tree(uow)
    services.register_pairing(uow, _pair("pr1", "b3", "u1", date(2026, 1, 1)), policy=MCA_LEIFENG)
    other_unit = _pair("pr2", "b5", "u2", date(2026, 1, 1))
    assert services.register_pairing(uow, other_unit, policy=MCA_LEIFENG) == other_unit
    no_unit = _pair("pr3", "b6", "u3", date(2026, 1, 1))
    assert services.register_pairing(uow, no_unit, policy=MCA_LEIFENG) == no_unit
    # b6 is still bound by the limit per branch
    with pytest.raises(RuleViolation) as caught:
        services.register_pairing(uow, _pair("pr4", "b6", "u1", date(2026, 2, 1)), policy=MCA_LEIFENG)
    assert caught.value.violation.details["branch_id"] == "b6"


def test_a_joint_pairing_counts_for_the_unit_of_each_branch(uow: UnitOfWork) -> None:
    _tree(uow)
    per_unit = attrs.evolve(MCA_LEIFENG, max_pairing_targets_per_branch=None)
    services.register_pairing(uow, _pair("pr1", "b5", "u1", date(2026, 1, 1)), policy=per_unit)
    joint = Pairing(
        id="pr2",
        branch_ids={"b3", "b5"},
        target_id="u2",
        mode="joint_branches",
        period=DateRange(date(2026, 3, 1)),
    )
    with pytest.raises(RuleViolation) as caught:
        services.register_pairing(uow, joint, policy=per_unit)
    assert caught.value.violation.details["unit_id"] == "o3"
    assert caught.value.violation.details["pairing_ids"] == ["pr1", "pr2"]


# ---------------------------------------------------------------------------------------------------------
# pairing.single_target per branch: every breach, not only the first, refuses a pairing that takes part


def test_a_later_breach_of_the_limit_per_branch_is_refused(uow: UnitOfWork) -> None:
    """b1 hangs in no 单位. Stored before the limit applied: t0 and t1 overlapping in 2025, then t2 in
    2027. Under MCA_LEIFENG a new t3 in 2027 breaches the limit again (the 2025 breach aside): refused on
    t2's last day, accepted the day after."""
    with uow:
        for stored in (
            _pair("pr0", "b1", "t0", date(2025, 1, 1), date(2025, 12, 31)),
            _pair("pr1", "b1", "t1", date(2025, 6, 1), date(2025, 12, 31)),
            _pair("pr2", "b1", "t2", date(2027, 1, 1), date(2027, 12, 31)),
        ):
            uow.pairings.add(stored)
        uow.commit()
    with pytest.raises(RuleViolation) as caught:
        services.register_pairing(uow, _pair("pr3", "b1", "t3", date(2027, 3, 1)), policy=MCA_LEIFENG)
    found = caught.value.violation
    assert (found.code, found.subject_id) == ("pairing.single_target", "pr2")
    assert found.details == {"branch_id": "b1", "pairing_ids": ["pr2", "pr3"], "limit": 1}
    with pytest.raises(RuleViolation):
        services.register_pairing(uow, _pair("pr3", "b1", "t3", date(2027, 12, 31)), policy=MCA_LEIFENG)
    day_after = _pair("pr3", "b1", "t3", date(2028, 1, 1))
    assert services.register_pairing(uow, day_after, policy=MCA_LEIFENG) == day_after
    with uow:
        assert [p.id for p in uow.pairings.for_branch("b1")] == ["pr0", "pr1", "pr2", "pr3"]


def _over_on_some_day(stored: list[Pairing], new: Pairing, limit: int) -> bool:
    """Day-by-day oracle: is ``new`` active on a day when one of its branches holds more than ``limit``
    pairings (``new`` included)?"""
    every = [*stored, new]
    last = max(d for p in every for d in (p.period.start, p.period.end) if d is not None)
    day = new.period.start
    while day <= (new.period.end or last):
        for branch in new.branch_ids:
            if sum(1 for p in every if branch in p.branch_ids and p.is_active_on(day)) > limit:
                return True
        day += timedelta(days=1)
    return False


@st.composite
def _stored_and_new(draw: st.DrawFn) -> tuple[list[Pairing], Pairing]:
    def one(pid: str) -> Pairing:
        start = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 60)))
        end = None if draw(st.integers(0, 5)) == 0 else start + timedelta(days=draw(st.integers(0, 12)))
        branches = draw(st.lists(st.sampled_from(["b1", "b2"]), min_size=1, max_size=2, unique=True))
        return Pairing(
            id=pid,
            branch_ids=set(branches),
            target_id=f"t{pid}",  # never a duplicate: the limit alone is judged
            mode="solo" if len(branches) == 1 else "joint_branches",
            period=DateRange(start, end),
        )

    return [one(f"pr{i}") for i in range(draw(st.integers(0, 8)))], one("new")


@settings(max_examples=60, deadline=None)
@given(_stored_and_new(), st.integers(1, 2))
def test_register_pairing_refuses_exactly_when_the_new_pairing_breaches_the_limit_per_branch(
    drawn: tuple[list[Pairing], Pairing], limit: int
) -> None:
    """Property (memory): the pairings stored behind the use-case's back may already breach the limit;
    ``register_pairing`` refuses the new one exactly when it is active on a day over the limit."""
    stored, new = drawn
    uow = organ(InMemoryUnitOfWork())
    with uow:
        for pairing in stored:
            uow.pairings.add(pairing)
        uow.commit()
    policy = attrs.evolve(
        MCA_LEIFENG, max_pairing_targets_per_branch=limit, max_pairing_targets_per_unit=None
    )
    if not _over_on_some_day(stored, new, limit):
        assert services.register_pairing(uow, new, policy=policy) == new
        return
    with pytest.raises(RuleViolation) as refused:
        services.register_pairing(uow, new, policy=policy)
    assert refused.value.code == "pairing.single_target"
    assert "new" in refused.value.violation.details["pairing_ids"]
    assert refused.value.violation.details["branch_id"] in new.branch_ids
    with uow:
        assert uow.pairings.get_many(["new"]) == {}
