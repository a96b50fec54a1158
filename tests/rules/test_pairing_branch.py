"""``pairing.single_target`` per branch (``policy.max_pairing_targets_per_branch``, 001 §(一)): every
breach is reported — one violation per chain of overlapping pairings of a branch over the limit, as per
单位 — not only the first (``check_pairings``, ``rules/pairing.py``)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st
from pairing_support import day_by_day_breaches

from volunteer_core import DateRange, Pairing, Severity, Violation, check_pairings, policies

D = date
#: MCA_LEIFENG judged per branch only (its per-unit limit off; no tree given anyway).
PER_BRANCH = attrs.evolve(
    policies.MCA_LEIFENG, max_pairing_targets_per_unit=None, forbid_duplicate_pairings=False
)


def pairing(
    pid: str, start: date, end: date | None, *, target: str, branches: set[str] | None = None
) -> Pairing:
    branches = branches or {"b1"}
    mode = "solo" if len(branches) == 1 else "joint_branches"
    return Pairing(id=pid, branch_ids=branches, target_id=target, mode=mode, period=DateRange(start, end))


def per_branch(pairings: list[Pairing], policy: policies.Policy = PER_BRANCH) -> list[Violation]:
    return [v for v in check_pairings(pairings, policy) if v.code == "pairing.single_target"]


def test_a_later_breach_is_reported_too() -> None:
    """The case of the review: t0 and t1 overlap in 2025, t2 and t3 in 2027 — two breaches, two violations."""
    p0 = pairing("p0", D(2025, 1, 1), D(2025, 12, 31), target="t0")
    p1 = pairing("p1", D(2025, 6, 1), D(2025, 12, 31), target="t1")
    p2 = pairing("p2", D(2027, 1, 1), None, target="t2")
    p3 = pairing("p3", D(2027, 3, 1), D(2027, 6, 30), target="t3")
    found = per_branch([p3, p2, p1, p0])
    assert [(v.subject_id, v.details) for v in found] == [
        ("p0", {"branch_id": "b1", "pairing_ids": ["p0", "p1"], "limit": 1}),
        ("p2", {"branch_id": "b1", "pairing_ids": ["p2", "p3"], "limit": 1}),
    ]
    assert all(v.severity is Severity.ERROR and v.source == "001 §(一)" for v in found)
    assert per_branch([p0, p1, p2]) == found[:1]


def test_every_pairing_active_on_a_day_over_the_limit_is_named_and_no_other() -> None:
    # p1 all year, p2 in February, p3 in June: one chain, over a limit of 1 in February and in June.
    # Under a limit of 2, p4 (15 June – 15 July) puts 15–30 June over: p2 is no part of that breach.
    p1 = pairing("p1", D(2026, 1, 1), D(2026, 12, 31), target="t1")
    p2 = pairing("p2", D(2026, 2, 1), D(2026, 2, 28), target="t2")
    p3 = pairing("p3", D(2026, 6, 1), D(2026, 6, 30), target="t3")
    two = attrs.evolve(PER_BRANCH, max_pairing_targets_per_branch=2)
    (v,) = per_branch([p1, p2, p3])
    assert v.details["pairing_ids"] == ["p1", "p2", "p3"]
    assert "holds 2 concurrent pairings (at most 1)" in v.message_en
    assert "同时有 2 个结对（最多 1 个）" in v.message_zh
    assert per_branch([p1, p2, p3], two) == []
    p4 = pairing("p4", D(2026, 6, 15), D(2026, 7, 15), target="t4")
    (v,) = per_branch([p1, p2, p3, p4], two)
    assert v.details["pairing_ids"] == ["p1", "p3", "p4"]  # over on 15–30 June only: p2 is not named
    assert "holds 3 concurrent pairings (at most 2)" in v.message_en


def test_the_same_day_counts_the_day_after_does_not() -> None:
    a = pairing("p1", D(2026, 1, 1), D(2026, 6, 30), target="t1")
    assert len(per_branch([a, pairing("p2", D(2026, 6, 30), None, target="t2")])) == 1
    assert per_branch([a, pairing("p2", D(2026, 7, 1), None, target="t2")]) == []


def test_each_branch_of_a_joint_pairing_is_judged_apart() -> None:
    joint = pairing("p1", D(2026, 1, 1), None, target="t1", branches={"b1", "b2"})
    later = pairing("p2", D(2027, 1, 1), None, target="t2", branches={"b2"})
    again = pairing("p3", D(2028, 1, 1), None, target="t3", branches={"b1"})
    found = per_branch([joint, later, again])
    assert [(v.details["branch_id"], v.details["pairing_ids"]) for v in found] == [
        ("b1", ["p1", "p3"]),
        ("b2", ["p1", "p2"]),
    ]


# ---------------------------------------------------------------------------------------------------------
# property: equal to a day-by-day oracle (the shape of the per-unit one, tests/rules/test_pairing_unit.py)


def oracle(pairings: list[Pairing], limit: int) -> set[tuple[str, frozenset[str]]]:
    """Brute force: for each branch, the days when more than ``limit`` of its pairings are active, the
    pairings active on one of them, split by the chains of pairwise-overlapping periods."""
    latest = {p.id: p for p in pairings}.values()
    by_branch: dict[str, list[Pairing]] = defaultdict(list)
    for p in latest:
        for branch in p.branch_ids:
            by_branch[branch].append(p)
    return day_by_day_breaches(by_branch, len, limit)


@st.composite
def drawn_pairings(draw: st.DrawFn, max_size: int = 10) -> list[Pairing]:
    """Up to ``max_size`` pairings of branches b1–b3 over about two months, a few open-ended."""
    out = []
    for i in range(draw(st.integers(0, max_size))):
        start = D(2026, 1, 1) + timedelta(days=draw(st.integers(0, 60)))
        end = None if draw(st.integers(0, 5)) == 0 else start + timedelta(days=draw(st.integers(0, 12)))
        branches = draw(st.lists(st.sampled_from(["b1", "b2", "b3"]), min_size=1, max_size=2, unique=True))
        out.append(
            pairing(
                f"p{i:02d}",
                start,
                end,
                target=draw(st.sampled_from(["t1", "t2", "t3", "t4"])),
                branches=set(branches),
            )
        )
    return out


@given(drawn_pairings(), st.integers(1, 2), st.randoms(use_true_random=False))
def test_per_branch_equals_the_day_by_day_oracle(
    items: list[Pairing], limit: int, rnd: random.Random
) -> None:
    policy = attrs.evolve(PER_BRANCH, max_pairing_targets_per_branch=limit)
    found = per_branch(items, policy)
    assert {(v.details["branch_id"], frozenset(v.details["pairing_ids"])) for v in found} == oracle(
        items, limit
    )
    by_id = {p.id: p for p in items}
    for v in found:
        ids = v.details["pairing_ids"]
        assert v.subject_id == ids[0]
        assert ids == sorted(ids, key=lambda pid: (by_id[pid].period.start, pid))
        assert v.details["limit"] == limit
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert per_branch(shuffled, policy) == found
