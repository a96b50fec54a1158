"""``find_duplicate_pairings`` and ``check_pairings`` (domain.md ``pairing.duplicate``,
``pairing.single_target``)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import (
    DateRange,
    Pairing,
    Severity,
    Violation,
    check_pairings,
    find_duplicate_pairings,
    policies,
)

D = date


def pairing(
    pid: str,
    start: date,
    end: date | None,
    *,
    target: str = "u1",
    branches: frozenset[str] | set[str] = frozenset({"b1"}),
    mode: str = "solo",
    members: frozenset[str] | set[str] = frozenset(),
) -> Pairing:
    return Pairing(
        id=pid,
        branch_ids=branches,
        target_id=target,
        mode=mode,
        period=DateRange(start, end),
        member_ids=members,
    )


def only(found: list[Violation], code: str) -> list[Violation]:
    return [v for v in found if v.code == code]


def test_exported_at_top_level() -> None:
    assert vc.find_duplicate_pairings is find_duplicate_pairings
    assert vc.check_pairings is check_pairings


def test_empty_input() -> None:
    assert find_duplicate_pairings([]) == []
    assert check_pairings([]) == []


def test_single_pairing_is_no_duplicate() -> None:
    assert find_duplicate_pairings([pairing("p1", D(2026, 1, 1), None)]) == []


def test_same_day_overlap_is_a_duplicate() -> None:
    a = pairing("p1", D(2026, 1, 1), D(2026, 6, 30), branches={"b1"})
    b = pairing("p2", D(2026, 6, 30), D(2026, 12, 31), branches={"b2"})
    found = find_duplicate_pairings([a, b])
    assert len(found) == 1
    (v,) = found
    assert v.code == "pairing.duplicate"
    assert v.severity is Severity.ERROR
    assert v.subject_id == "p1"
    assert sorted(v.details["pairing_ids"]) == ["p1", "p2"]


def test_ending_the_day_before_is_no_duplicate() -> None:
    a = pairing("p1", D(2026, 1, 1), D(2026, 6, 29), branches={"b1"})
    b = pairing("p2", D(2026, 6, 30), D(2026, 12, 31), branches={"b2"})
    assert find_duplicate_pairings([a, b]) == []
    assert find_duplicate_pairings([b, a]) == []


def test_same_branch_paired_twice_is_a_duplicate() -> None:
    a = pairing("p1", D(2026, 1, 1), None)
    b = pairing("p2", D(2026, 3, 1), D(2026, 4, 1))
    found = find_duplicate_pairings([a, b])
    assert [v.subject_id for v in found] == ["p1"]


def test_open_ended_pairings_overlap() -> None:
    a = pairing("p1", D(2020, 1, 1), None, branches={"b1"})
    b = pairing("p2", D(2030, 1, 1), None, branches={"b2"})
    assert len(find_duplicate_pairings([a, b])) == 1


def test_chained_pairings_are_one_violation_listing_all_three() -> None:
    a = pairing("pa", D(2026, 1, 1), D(2026, 3, 31), branches={"b1"})
    b = pairing("pb", D(2026, 3, 31), D(2026, 6, 30), branches={"b2"})
    c = pairing("pc", D(2026, 6, 30), D(2026, 9, 30), branches={"b3"})
    assert not a.period.overlaps(c.period)
    for order in ([a, b, c], [c, b, a], [b, c, a]):
        found = find_duplicate_pairings(order)
        assert len(found) == 1
        (v,) = found
        assert v.subject_id == "pa"
        assert sorted(v.details["pairing_ids"]) == ["pa", "pb", "pc"]


def test_subject_is_the_first_pairing_by_start_not_by_id() -> None:
    early = pairing("z-early", D(2026, 1, 1), D(2026, 12, 31), branches={"b1"})
    late = pairing("a-late", D(2026, 6, 1), D(2026, 12, 31), branches={"b2"})
    (v,) = find_duplicate_pairings([late, early])
    assert v.subject_id == "z-early"


def test_two_separate_groups_of_one_target() -> None:
    pairings = [
        pairing("p1", D(2026, 1, 1), D(2026, 3, 31), branches={"b1"}),
        pairing("p2", D(2026, 2, 1), D(2026, 3, 31), branches={"b2"}),
        pairing("p3", D(2026, 7, 1), D(2026, 9, 30), branches={"b3"}),
        pairing("p4", D(2026, 9, 30), D(2026, 12, 31), branches={"b4"}),
    ]
    found = find_duplicate_pairings(pairings)
    assert sorted(sorted(v.details["pairing_ids"]) for v in found) == [["p1", "p2"], ["p3", "p4"]]
    assert sorted(v.subject_id for v in found) == ["p1", "p3"]


def test_pairing_spanning_a_gap_chains_the_groups() -> None:
    pairings = [
        pairing("p1", D(2026, 1, 1), D(2026, 2, 1), branches={"b1"}),
        pairing("p2", D(2026, 1, 15), D(2026, 12, 31), branches={"b2"}),
        pairing("p3", D(2026, 11, 1), D(2026, 11, 2), branches={"b3"}),
    ]
    (v,) = find_duplicate_pairings(pairings)
    assert sorted(v.details["pairing_ids"]) == ["p1", "p2", "p3"]


@pytest.mark.parametrize("mode", ["joint_branches", "joint_department"])
def test_joint_pairing_alone_is_not_a_duplicate(mode: str) -> None:
    joint = pairing("p1", D(2026, 1, 1), None, branches={"b1", "b2", "b3"}, mode=mode)
    assert find_duplicate_pairings([joint]) == []
    assert only(check_pairings([joint]), "pairing.duplicate") == []


def test_the_same_pairing_twice_is_not_a_duplicate_of_itself() -> None:
    a = pairing("p1", D(2026, 1, 1), None)
    assert find_duplicate_pairings([a, a]) == []
    assert find_duplicate_pairings([a, attrs.evolve(a, version=1)]) == []


def test_many_to_one_pairing_alone_is_not_a_duplicate() -> None:
    many = pairing("p1", D(2026, 1, 1), None, target="ben1", members={"m1", "m2", "m3"})
    assert find_duplicate_pairings([many]) == []


def test_two_member_pairings_of_one_beneficiary_are_duplicates() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="ben1", members={"m1"})
    b = pairing("p2", D(2026, 5, 1), None, target="ben1", branches={"b2"}, members={"m2"})
    (v,) = find_duplicate_pairings([a, b])
    assert sorted(v.details["pairing_ids"]) == ["p1", "p2"]


def test_joint_pairing_overlapping_a_solo_one_is_a_duplicate() -> None:
    joint = pairing("p1", D(2026, 1, 1), None, branches={"b1", "b2"}, mode="joint_branches")
    solo = pairing("p2", D(2026, 6, 1), None, branches={"b3"})
    assert len(find_duplicate_pairings([joint, solo])) == 1


def test_different_targets_are_never_duplicates() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="u1")
    b = pairing("p2", D(2026, 1, 1), None, target="u2")
    c = pairing("p3", D(2026, 1, 1), None, target="ben1", branches={"b2"})
    assert find_duplicate_pairings([a, b, c]) == []


def test_one_violation_per_target() -> None:
    pairings = [
        pairing("p1", D(2026, 1, 1), None, target="u1", branches={"b1"}),
        pairing("p2", D(2026, 1, 1), None, target="u1", branches={"b2"}),
        pairing("p3", D(2026, 1, 1), None, target="u2", branches={"b1"}),
        pairing("p4", D(2026, 1, 1), None, target="u2", branches={"b2"}),
    ]
    found = find_duplicate_pairings(pairings)
    assert len(found) == 2
    assert sorted(sorted(v.details["pairing_ids"]) for v in found) == [["p1", "p2"], ["p3", "p4"]]


def test_policy_may_allow_duplicates() -> None:
    lenient = attrs.evolve(policies.DEFAULT, forbid_duplicate_pairings=False)
    a = pairing("p1", D(2026, 1, 1), None, branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, branches={"b2"})
    assert find_duplicate_pairings([a, b], lenient) == []
    assert find_duplicate_pairings([a, b], policy=lenient) == []
    assert len(find_duplicate_pairings([a, b])) == 1


def test_accepts_any_iterable() -> None:
    def gen() -> Iterator[Pairing]:
        yield pairing("p1", D(2026, 1, 1), None, branches={"b1"})
        yield pairing("p2", D(2026, 1, 1), None, branches={"b2"})

    assert len(find_duplicate_pairings(gen())) == 1


def test_many_pairings_in_random_order() -> None:
    rng = random.Random(7)
    # 50 targets, each with a chain of 4 overlapping pairings and one lone pairing much later
    items: list[Pairing] = []
    for t in range(50):
        for k in range(4):
            items.append(
                pairing(f"t{t}-{k}", D(2026, 1 + k, 1), D(2026, 2 + k, 1), target=f"u{t}", branches={f"b{k}"})
            )
        items.append(pairing(f"t{t}-lone", D(2027, 1, 1), D(2027, 2, 1), target=f"u{t}"))
    rng.shuffle(items)
    found = find_duplicate_pairings(items)
    assert len(found) == 50
    for v in found:
        target = v.subject_id.split("-")[0]
        assert v.subject_id == f"{target}-0"
        assert sorted(v.details["pairing_ids"]) == [f"{target}-{k}" for k in range(4)]


def test_a_long_chain_is_one_group() -> None:
    # 20 000 pairings of one target, each overlapping the next by a day, shuffled: one group, in order of
    # start. (The n log n growth is measured by bench/bench_core.py, never timed here.)
    n = 20_000
    first = D(2000, 1, 1)
    items = [
        pairing(
            f"p{i:05d}",
            first + timedelta(days=i),
            first + timedelta(days=i + 1),
            branches={f"b{i}"},
        )
        for i in range(n)
    ]
    random.Random(3).shuffle(items)
    found = find_duplicate_pairings(items)
    assert len(found) == 1
    assert found[0].subject_id == "p00000"
    assert found[0].details["pairing_ids"] == [f"p{i:05d}" for i in range(n)]


def _overlap(a: Pairing, b: Pairing) -> bool:
    return a.period.start <= (b.period.end or date.max) and b.period.start <= (a.period.end or date.max)


def _pairwise_groups(items: list[Pairing]) -> set[frozenset[str]]:
    """The oracle: connected components (of two or more) of the overlap graph of each target, pairwise."""
    latest = {p.id: p for p in items}
    parent = {pid: pid for pid in latest}

    def root(pid: str) -> str:
        while parent[pid] != pid:
            pid = parent[pid]
        return pid

    for a in latest.values():
        for b in latest.values():
            if a.id < b.id and a.target_id == b.target_id and _overlap(a, b):
                parent[root(a.id)] = root(b.id)
    groups: dict[str, set[str]] = {}
    for pid in latest:
        groups.setdefault(root(pid), set()).add(pid)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


_days = st.integers(min_value=0, max_value=30)


@st.composite
def _pairings(draw: st.DrawFn) -> list[Pairing]:
    out = []
    for i in range(draw(st.integers(min_value=0, max_value=25))):
        start = D(2026, 1, 1) + timedelta(days=draw(_days))
        length = draw(st.none() | st.integers(min_value=0, max_value=8))
        out.append(
            pairing(
                f"p{draw(st.integers(min_value=0, max_value=30))}" if draw(st.booleans()) else f"q{i}",
                start,
                None if length is None else start + timedelta(days=length),
                target=f"u{draw(st.integers(min_value=0, max_value=3))}",
                branches={f"b{draw(st.integers(min_value=0, max_value=2))}"},
            )
        )
    return out


@given(_pairings())
def test_groups_equal_the_pairwise_oracle(items: list[Pairing]) -> None:
    found = find_duplicate_pairings(items)
    assert {frozenset(v.details["pairing_ids"]) for v in found} == _pairwise_groups(items)
    latest = {p.id: p for p in items}
    for v in found:
        ids = v.details["pairing_ids"]
        assert ids == sorted(ids, key=lambda pid: (latest[pid].period.start, pid))
        assert v.subject_id == ids[0]
        assert v.details["target_id"] == latest[ids[0]].target_id
    assert [v.subject_id for v in found] == sorted(v.subject_id for v in found)


# ---------------------------------------------------------------------------------------------------------
# check_pairings and pairing.single_target


def test_check_pairings_includes_duplicates() -> None:
    a = pairing("p1", D(2026, 1, 1), None, branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, branches={"b2"})
    assert [v.code for v in check_pairings([a, b])] == ["pairing.duplicate"]


def test_single_target_under_mca_leifeng_concurrent() -> None:
    a = pairing("p1", D(2026, 1, 1), D(2026, 12, 31), target="u1")
    b = pairing("p2", D(2026, 3, 1), D(2026, 12, 31), target="u2")
    found = only(check_pairings([a, b], policies.MCA_LEIFENG), "pairing.single_target")
    assert len(found) == 1
    assert found[0].severity is Severity.ERROR


def test_single_target_subject_is_the_first_pairing_of_the_group() -> None:
    # api.md: subject_id is "the first pairing of the group for pairing.*"
    a = pairing("p1", D(2026, 1, 1), D(2026, 12, 31), target="u1")
    b = pairing("p2", D(2026, 3, 1), D(2026, 12, 31), target="u2")
    (v,) = only(check_pairings([b, a], policies.MCA_LEIFENG), "pairing.single_target")
    assert v.subject_id == "p1"


def test_single_target_same_day_counts_as_concurrent() -> None:
    a = pairing("p1", D(2026, 1, 1), D(2026, 6, 30), target="u1")
    b = pairing("p2", D(2026, 6, 30), None, target="u2")
    assert len(only(check_pairings([a, b], policies.MCA_LEIFENG), "pairing.single_target")) == 1


def test_single_target_not_when_sequential() -> None:
    a = pairing("p1", D(2026, 1, 1), D(2026, 6, 30), target="u1")
    b = pairing("p2", D(2026, 7, 1), None, target="u2")
    assert check_pairings([a, b], policies.MCA_LEIFENG) == []


def test_single_target_not_under_default() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="u1")
    b = pairing("p2", D(2026, 1, 1), None, target="u2")
    assert policies.DEFAULT.max_pairing_targets_per_branch is None
    assert check_pairings([a, b]) == []


def test_single_target_counts_each_branch_separately() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="u1", branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, target="u2", branches={"b2"})
    assert check_pairings([a, b], policies.MCA_LEIFENG) == []


def test_single_target_counts_a_joint_pairing_for_each_of_its_branches() -> None:
    joint = pairing("p1", D(2026, 1, 1), None, target="u1", branches={"b1", "b2"}, mode="joint_branches")
    solo = pairing("p2", D(2026, 1, 1), None, target="u2", branches={"b2"})
    found = only(check_pairings([joint, solo], policies.MCA_LEIFENG), "pairing.single_target")
    assert len(found) == 1


def test_single_target_limit_follows_the_policy() -> None:
    two = attrs.evolve(policies.MCA_LEIFENG, max_pairing_targets_per_branch=2)
    items = [pairing(f"p{i}", D(2026, 1, 1), None, target=f"u{i}") for i in range(3)]
    assert check_pairings(items[:2], two) == []
    assert len(only(check_pairings(items, two), "pairing.single_target")) == 1


def test_mca_reports_both_rules_together() -> None:
    a = pairing("p1", D(2026, 1, 1), None, target="u1", branches={"b1"})
    b = pairing("p2", D(2026, 1, 1), None, target="u1", branches={"b1"})
    strict = attrs.evolve(policies.MCA_LEIFENG, forbid_duplicate_pairings=True)
    codes = sorted(v.code for v in check_pairings([a, b], strict))
    assert codes == ["pairing.duplicate", "pairing.single_target"]
