"""Pairing rules: ``pairing.duplicate`` (000 §五.3) and ``pairing.single_target`` (001 §(一)).

Both are sort-and-sweep passes: O(n log n) in the number of pairings, never pairwise.

>>> from datetime import date
>>> from volunteer_core import Pairing, DateRange
>>> a = Pairing(id="p1", branch_ids={"b1"}, target_id="u1", mode="solo",
...             period=DateRange(date(2026, 1, 1), date(2026, 6, 30)))
>>> b = Pairing(id="p2", branch_ids={"b2"}, target_id="u1", mode="solo", period=DateRange(date(2026, 6, 30)))
>>> [(v.code, v.subject_id, v.details["pairing_ids"]) for v in find_duplicate_pairings([a, b])]
[('pairing.duplicate', 'p1', ['p1', 'p2'])]
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core._defaults import resolve_policy
from volunteer_core.model.pairing import Pairing

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = ["check_pairings", "check_single_target", "find_duplicate_pairings"]

_FOREVER = date.max


def _end(pairing: Pairing) -> date:
    return pairing.period.end or _FOREVER


def _start_key(pairing: Pairing) -> tuple[date, str]:
    return pairing.period.start, pairing.id


def _latest(pairings: Iterable[Pairing]) -> Iterable[Pairing]:
    # One entry per id (the last wins, as a later version replaces an earlier one).
    return {p.id: p for p in pairings}.values()


def _by_start(pairings: Iterable[Pairing]) -> list[Pairing]:
    return sorted(_latest(pairings), key=_start_key)


@register("pairing.duplicate")
def find_duplicate_pairings(pairings: Iterable[Pairing], policy: Policy | None = None) -> list[Violation]:
    """Groups of pairings of one target whose closed periods chain into each other.

    Sort the pairings of each target by start and sweep, keeping the furthest end of the group so far:
    a pairing starting on or before it joins the group (the same day counts as an overlap). One
    violation per group of two or more; ``subject_id`` is the group's first pairing and
    ``details["pairing_ids"]`` lists the whole group in order of start. A joint pairing (several
    branches) or a many-to-one pairing (several members) is one pairing and never a duplicate of itself.

    Args:
        pairings: any iterable of pairings (each id counted once).
        policy: ``forbid_duplicate_pairings`` switches the rule (default DEFAULT).
    """
    if not resolve_policy(policy).forbid_duplicate_pairings:
        return []
    # Group by target first, then sort each target's few pairings: with many targets this is O(n log k)
    # for k pairings a target, and it skips the targets paired once. One global sort by start was 2-3×
    # slower per pairing from 40,000 pairings on (bench/bench_core.py: cache misses of the sorted walk).
    by_target: dict[str, list[Pairing]] = defaultdict(list)
    for pairing in _latest(pairings):
        by_target[pairing.target_id].append(pairing)
    found: list[Violation] = []
    for target_id, of_target in by_target.items():
        if len(of_target) < 2:
            continue
        ordered = sorted(of_target, key=_start_key)
        group: list[Pairing] = []
        reach = date.min
        for pairing in ordered:
            if group and pairing.period.start <= reach:
                group.append(pairing)
                reach = max(reach, _end(pairing))
                continue
            if len(group) > 1:
                found.append(_duplicate(target_id, group))
            group, reach = [pairing], _end(pairing)
        if len(group) > 1:
            found.append(_duplicate(target_id, group))
    found.sort(key=lambda v: v.subject_id)
    return found


def _duplicate(target_id: str, group: list[Pairing]) -> Violation:
    ids = [p.id for p in group]
    branches = sorted({b for p in group for b in p.branch_ids})
    kind_en = "paired more than once" if len(branches) == 1 else "paired separately by several branches"
    kind_zh = "重复结对" if len(branches) == 1 else "多头结对"
    return violation(
        "pairing.duplicate",
        group[0].id,
        en=f"target {target_id} is {kind_en} over overlapping periods: {', '.join(ids)}",
        zh=f"结对对象 {target_id} {kind_zh}（期间重叠）：{'、'.join(ids)}",
        target_id=target_id,
        pairing_ids=ids,
        branch_ids=branches,
    )


@register("pairing.single_target")
def check_single_target(pairings: Iterable[Pairing], policy: Policy | None = None) -> list[Violation]:
    """A branch holds at most ``policy.max_pairing_targets_per_branch`` concurrent pairings.

    One violation per branch that ever exceeds the limit; ``subject_id`` is the first pairing of the
    group (the earliest start), ``details["pairing_ids"]`` the pairings concurrent when the limit was
    first exceeded.
    """
    limit = resolve_policy(policy).max_pairing_targets_per_branch
    if limit is None:
        return []
    by_branch: dict[str, list[Pairing]] = defaultdict(list)
    for pairing in _by_start(pairings):
        for branch_id in pairing.branch_ids:
            by_branch[branch_id].append(pairing)
    found: list[Violation] = []
    for branch_id, ordered in sorted(by_branch.items()):
        active: list[tuple[date, str, Pairing]] = []  # a heap of (end, id, pairing)
        for pairing in ordered:
            while active and active[0][0] < pairing.period.start:
                heapq.heappop(active)
            heapq.heappush(active, (_end(pairing), pairing.id, pairing))
            if len(active) > limit:
                concurrent = sorted((p for _, _, p in active), key=lambda p: (p.period.start, p.id))
                ids = [p.id for p in concurrent]
                found.append(
                    violation(
                        "pairing.single_target",
                        ids[0],
                        en=f"branch {branch_id} holds {len(ids)} concurrent pairings (at most {limit}): "
                        + ", ".join(ids),
                        zh=f"支部 {branch_id} 同时有 {len(ids)} 个结对（最多 {limit} 个）：" + "、".join(ids),
                        branch_id=branch_id,
                        pairing_ids=ids,
                        limit=limit,
                    )
                )
                break
    return found


def check_pairings(pairings: Iterable[Pairing], policy: Policy | None = None) -> list[Violation]:
    """``pairing.duplicate`` and ``pairing.single_target`` together, each citing the policy's own
    document (``Policy.cite``).

    >>> check_pairings([])
    []
    """
    items = list(pairings)
    found = [*find_duplicate_pairings(items, policy), *check_single_target(items, policy)]
    return found if policy is None else policy.cite(found)
