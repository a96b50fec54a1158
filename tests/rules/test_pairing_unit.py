"""``pairing.single_target`` per 单位 (001 §(一) 「各单位…确定一个结对服务对象」): the branches under one
organisation of kind UNIT hold together at most ``policy.max_pairing_targets_per_unit`` concurrent
targets (domain.md; ``check_pairings(..., branches=, organisations=)``)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st
from pairing_support import day_by_day_breaches

from volunteer_core import (
    Branch,
    DateRange,
    Organisation,
    Pairing,
    Severity,
    Violation,
    check_pairings,
    policies,
)
from volunteer_core.rules.pairing import check_single_target, units_of_branches

D = date
#: MCA_LEIFENG judged per unit only (its per-branch limit off), so each test sees the rule it is about.
PER_UNIT = attrs.evolve(policies.MCA_LEIFENG, max_pairing_targets_per_branch=None)

#: 工委 w → 机关党委 c1 → 单位 u1 (branches b1 under c11, b2 directly); 单位 u2 (b3, b4) under w;
#: b5 hangs under the 工委 alone (no unit above it); 单位 u3 nested in u2 holds b6.
TREE = (
    Organisation(id="w", name="市直机关工委", kind="work_committee"),
    Organisation(id="c1", name="市直机关党委", kind="organ_party_committee", parent_id="w"),
    Organisation(id="u1", name="市民政局", kind="unit", parent_id="c1"),
    Organisation(id="c11", name="民政局机关党委", kind="organ_party_committee", parent_id="u1"),
    Organisation(id="u2", name="市卫健委", kind="unit", parent_id="w"),
    Organisation(id="u3", name="市疾控中心", kind="unit", parent_id="u2"),
)
BRANCHES = (
    Branch(id="b1", name="办公室党支部", organisation_id="c11"),
    Branch(id="b2", name="社会事务科党支部", organisation_id="u1"),
    Branch(id="b3", name="医政科党支部", organisation_id="u2"),
    Branch(id="b4", name="疾控科党支部", organisation_id="u2"),
    Branch(id="b5", name="工委机关党支部", organisation_id="w"),
    Branch(id="b6", name="疾控中心党支部", organisation_id="u3"),
    Branch(id="b7", name="无上级党支部"),
)


def pairing(
    pid: str,
    start: date,
    end: date | None,
    *,
    target: str,
    branches: set[str],
) -> Pairing:
    mode = "solo" if len(branches) == 1 else "joint_branches"
    return Pairing(id=pid, branch_ids=branches, target_id=target, mode=mode, period=DateRange(start, end))


def per_unit(pairings: list[Pairing], policy: policies.Policy = PER_UNIT) -> list[Violation]:
    found = check_pairings(pairings, policy, branches=BRANCHES, organisations=TREE)
    return [v for v in found if v.code == "pairing.single_target"]


def test_units_of_branches_is_the_nearest_unit_ancestor() -> None:
    units = units_of_branches(BRANCHES, TREE)
    assert {b: u.id for b, u in units.items()} == {"b1": "u1", "b2": "u1", "b3": "u2", "b4": "u2", "b6": "u3"}


def test_units_of_branches_survives_a_cycle_and_a_dangling_parent() -> None:
    # A storage refuses both; the pure function must still end.
    loop = (
        Organisation(id="x", name="甲", kind="other", parent_id="y"),
        Organisation(id="y", name="乙", kind="other", parent_id="x"),
        Organisation(id="z", name="丙", kind="other", parent_id="gone"),
    )
    branches = (
        Branch(id="b1", name="一", organisation_id="x"),
        Branch(id="b2", name="二", organisation_id="z"),
    )
    assert units_of_branches(branches, loop) == {}
    assert units_of_branches([Branch(id="b3", name="三", organisation_id="missing")], loop) == {}


def test_two_branches_of_one_unit_hold_two_targets_at_once() -> None:
    a = pairing("p1", D(2026, 1, 1), D(2026, 12, 31), target="t1", branches={"b1"})
    b = pairing("p2", D(2026, 3, 1), None, target="t2", branches={"b2"})
    (v,) = per_unit([b, a])
    assert v.severity is Severity.ERROR
    assert v.subject_id == "p1"
    assert v.details == {"unit_id": "u1", "target_ids": ["t1", "t2"], "pairing_ids": ["p1", "p2"], "limit": 1}
    assert "单位 市民政局" in v.message_zh
    assert "unit 市民政局" in v.message_en
    assert v.source == "001 §(一)"


def test_the_same_day_counts_as_concurrent_the_day_after_does_not() -> None:
    a = pairing("p1", D(2026, 1, 1), D(2026, 6, 30), target="t1", branches={"b1"})
    same_day = pairing("p2", D(2026, 6, 30), None, target="t2", branches={"b2"})
    day_after = pairing("p2", D(2026, 7, 1), None, target="t2", branches={"b2"})
    assert len(per_unit([a, same_day])) == 1
    assert per_unit([a, day_after]) == []


def test_one_target_paired_twice_in_a_unit_is_one_target() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, target="t1", branches={"b2"})
    assert per_unit([a, b]) == []  # pairing.duplicate judges this, when the policy forbids duplicates


def test_branches_of_different_units_are_judged_apart() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, target="t2", branches={"b3"})
    c = pairing("p3", D(2026, 1, 1), None, target="t3", branches={"b6"})  # u3, nested in u2: its own unit
    assert per_unit([a, b, c]) == []


def test_a_branch_with_no_unit_above_is_not_judged_per_unit() -> None:
    items = [
        pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b5"}),
        pairing("p2", D(2026, 1, 1), None, target="t2", branches={"b5"}),
        pairing("p3", D(2026, 1, 1), None, target="t3", branches={"b7"}),
        pairing("p4", D(2026, 1, 1), None, target="t4", branches={"b7"}),
    ]
    assert per_unit(items) == []
    # the per-branch limit still judges those branches
    assert {v.details["branch_id"] for v in per_unit(items, policies.MCA_LEIFENG)} == {"b5", "b7"}


def test_without_the_tree_no_unit_is_judged() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, target="t2", branches={"b2"})
    assert check_pairings([a, b], PER_UNIT) == []
    assert check_single_target([a, b], PER_UNIT, branches=BRANCHES) == []


def test_off_when_the_policy_sets_no_limit() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, target="t2", branches={"b2"})
    assert policies.DEFAULT.max_pairing_targets_per_unit is None
    assert check_pairings([a, b], branches=BRANCHES, organisations=TREE) == []


def test_a_joint_pairing_counts_for_every_unit_of_its_branches() -> None:
    joint = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1", "b3"})
    other = pairing("p2", D(2026, 2, 1), None, target="t2", branches={"b4"})
    (v,) = per_unit([joint, other])
    assert (v.details["unit_id"], v.details["pairing_ids"]) == ("u2", ["p1", "p2"])


def test_a_joint_pairing_of_two_branches_of_one_unit_counts_once() -> None:
    joint = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1", "b2"})
    assert per_unit([joint]) == []
    again = pairing("p2", D(2026, 1, 1), None, target="t2", branches={"b2"})
    assert [v.details["unit_id"] for v in per_unit([joint, again])] == ["u1"]


def test_the_limit_follows_the_policy() -> None:
    two = attrs.evolve(PER_UNIT, max_pairing_targets_per_unit=2)
    items = [
        pairing(f"p{i}", D(2026, 1, 1), None, target=f"t{i}", branches={f"b{i % 2 + 1}"}) for i in range(3)
    ]
    assert per_unit(items[:2], two) == []
    (v,) = per_unit(items, two)
    assert (v.details["target_ids"], v.details["limit"]) == (["t0", "t1", "t2"], 2)


def test_only_the_pairings_active_on_a_day_over_the_limit_are_named() -> None:
    # p1 holds t1 all year; p2 (t1 again) in February only; p3 (t2) in June: the unit is over in June.
    p1 = pairing("p1", D(2026, 1, 1), D(2026, 12, 31), target="t1", branches={"b1"})
    p2 = pairing("p2", D(2026, 2, 1), D(2026, 2, 28), target="t1", branches={"b2"})
    p3 = pairing("p3", D(2026, 6, 1), D(2026, 6, 30), target="t2", branches={"b2"})
    (v,) = per_unit([p1, p2, p3])
    assert v.details["pairing_ids"] == ["p1", "p3"]


def test_the_message_counts_the_most_targets_held_on_one_day() -> None:
    # t2 in February and t3 in June, each beside t1: three targets named, never more than two at once
    p1 = pairing("p1", D(2026, 1, 1), D(2026, 12, 31), target="t1", branches={"b1"})
    p2 = pairing("p2", D(2026, 2, 1), D(2026, 2, 28), target="t2", branches={"b2"})
    p3 = pairing("p3", D(2026, 6, 1), D(2026, 6, 30), target="t3", branches={"b2"})
    (v,) = per_unit([p1, p2, p3])
    assert v.details["target_ids"] == ["t1", "t2", "t3"]
    assert "hold 2 concurrent pairing targets (at most 1)" in v.message_en
    assert "同时有 2 个结对对象（最多 1 个）" in v.message_zh


def test_one_violation_per_group_of_chained_pairings() -> None:
    spring = [
        pairing("p1", D(2026, 1, 1), D(2026, 3, 31), target="t1", branches={"b1"}),
        pairing("p2", D(2026, 2, 1), D(2026, 3, 31), target="t2", branches={"b2"}),
    ]
    autumn = [
        pairing("p3", D(2026, 9, 1), D(2026, 12, 31), target="t3", branches={"b1"}),
        pairing("p4", D(2026, 10, 1), D(2026, 12, 31), target="t4", branches={"b2"}),
    ]
    found = per_unit([*autumn, *spring])
    assert [(v.subject_id, v.details["pairing_ids"]) for v in found] == [
        ("p1", ["p1", "p2"]),
        ("p3", ["p3", "p4"]),
    ]


def test_a_later_version_of_a_pairing_replaces_the_earlier() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1"})
    b = pairing("p2", D(2026, 3, 1), None, target="t2", branches={"b2"})
    assert len(per_unit([a, b])) == 1
    assert per_unit([a, b, a.end(D(2026, 2, 28))]) == []


def test_per_branch_and_per_unit_together_under_mca_leifeng() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, target="t2", branches={"b1"})
    found = check_pairings([a, b], policies.MCA_LEIFENG, branches=BRANCHES, organisations=TREE)
    assert sorted(v.details.get("branch_id", v.details.get("unit_id")) for v in found) == ["b1", "u1"]


# ---------------------------------------------------------------------------------------------------------
# property: equal to a day-by-day oracle


def _oracle(pairings: list[Pairing], limit: int) -> set[tuple[str, frozenset[str]]]:
    """Brute force: for each unit, the days over the limit, the pairings active on one of them, split
    by the chains of pairwise-overlapping periods."""
    units = {b: u.id for b, u in units_of_branches(BRANCHES, TREE).items()}
    by_unit: dict[str, list[Pairing]] = defaultdict(list)
    for p in pairings:
        for unit in {units[b] for b in p.branch_ids if b in units}:
            by_unit[unit].append(p)
    return day_by_day_breaches(by_unit, lambda active: len({p.target_id for p in active}), limit)


@st.composite
def _pairings(draw: st.DrawFn) -> list[Pairing]:
    out = []
    for i in range(draw(st.integers(0, 10))):
        start = D(2026, 1, 1) + timedelta(days=draw(st.integers(0, 40)))
        end = None if draw(st.integers(0, 4)) == 0 else start + timedelta(days=draw(st.integers(0, 15)))
        branches = draw(
            st.lists(st.sampled_from([b.id for b in BRANCHES]), min_size=1, max_size=2, unique=True)
        )
        out.append(
            pairing(
                f"p{i:02d}",
                start,
                end,
                target=draw(st.sampled_from(["t1", "t2", "t3"])),
                branches=set(branches),
            )
        )
    return out


@given(_pairings(), st.integers(1, 2), st.randoms(use_true_random=False))
def test_per_unit_equals_the_day_by_day_oracle(items: list[Pairing], limit: int, rnd: random.Random) -> None:
    policy = attrs.evolve(PER_UNIT, max_pairing_targets_per_unit=limit)
    found = per_unit(items, policy)
    assert {(v.details["unit_id"], frozenset(v.details["pairing_ids"])) for v in found} == _oracle(
        items, limit
    )
    by_id = {p.id: p for p in items}
    for v in found:
        ids = v.details["pairing_ids"]
        assert v.subject_id == ids[0]
        assert ids == sorted(ids, key=lambda pid: (by_id[pid].period.start, pid))
        assert v.details["target_ids"] == sorted({by_id[pid].target_id for pid in ids})
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert per_unit(shuffled, policy) == found
