"""The pairing use-cases (``volunteer_core.services.pairings``) end to end, on every storage."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from services_support import MakeUow, organ

from volunteer_core import Branch, DateRange, Organisation, Pairing, PartnerUnit, services
from volunteer_core.errors import RuleViolation
from volunteer_core.policy import MCA_LEIFENG
from volunteer_core.ports import UnitOfWork


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
