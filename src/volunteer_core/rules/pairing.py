"""Pairing rules: ``pairing.duplicate`` (000 §五.3) and ``pairing.single_target`` (001 §(一), per branch
and per 单位).

All are sort-and-sweep passes: O(n log n) in the number of pairings, never pairwise.

>>> from datetime import date
>>> from volunteer_core import Pairing, DateRange
>>> a = Pairing(id="p1", branch_ids={"b1"}, target_id="u1", mode="solo",
...             period=DateRange(date(2026, 1, 1), date(2026, 6, 30)))
>>> b = Pairing(id="p2", branch_ids={"b2"}, target_id="u1", mode="solo", period=DateRange(date(2026, 6, 30)))
>>> [(v.code, v.subject_id, v.details["pairing_ids"]) for v in find_duplicate_pairings([a, b])]
[('pairing.duplicate', 'p1', ['p1', 'p2'])]
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core._defaults import resolve_policy
from volunteer_core.model.enums import OrganisationKind
from volunteer_core.model.organisation import Organisation
from volunteer_core.model.pairing import Pairing
from volunteer_core.model.people import Branch

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = ["check_pairings", "check_single_target", "find_duplicate_pairings", "units_of_branches"]

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
def check_single_target(
    pairings: Iterable[Pairing],
    policy: Policy | None = None,
    *,
    branches: Iterable[Branch] = (),
    organisations: Iterable[Organisation] = (),
) -> list[Violation]:
    """At most ``policy.max_pairing_targets_per_branch`` concurrent pairings per branch, and at most
    ``policy.max_pairing_targets_per_unit`` concurrent pairing targets per 单位 (001 §(一)).

    **Per branch.** A branch's pairings (a joint pairing counts for each of its branches) are grouped as
    chains of overlapping periods (closed intervals: the same day counts); one violation per branch and
    group where some day holds more pairings than the limit — every breach is reported, a later one too:
    ``details["pairing_ids"]`` lists the pairings active on a day over the limit, in order of start, and
    ``subject_id`` is the first of them, with ``details["branch_id"]`` and ``details["limit"]``. Two
    pairings of one target count twice here (``pairing.duplicate`` reports them as well).

    **Per unit.** A branch's unit is the nearest organisation of kind ``UNIT`` found walking ``parent_id``
    up from ``branch.organisation_id`` (the branch's own organisation included); a branch with no unit
    above it (or not among ``branches``) is not judged per unit. The branches of one unit together hold
    at most the limit of *distinct* targets on any day: "concurrent" means overlapping periods, closed
    intervals (the same day counts), and two pairings of one target count once. A joint pairing counts
    for every unit of its branches (once for a unit two of its branches share). The pairings of a unit
    are grouped as chains of overlapping periods; one violation per unit and group where some day holds
    more targets than the limit: ``subject_id`` is the first of ``details["pairing_ids"]`` — the pairings
    active on a day over the limit, in order of start — with ``details["unit_id"]``,
    ``details["target_ids"]`` (their targets) and ``details["limit"]``. Sort and sweep: O(n log n).

    >>> from datetime import date
    >>> from volunteer_core import Branch, DateRange, Organisation, Pairing, policies
    >>> tree = [Organisation(id="o1", name="市民政局", kind="unit"),
    ...         Organisation(id="o2", name="局机关党委", kind="organ_party_committee", parent_id="o1")]
    >>> branches = [Branch(id="b1", name="一支部", organisation_id="o2"),
    ...             Branch(id="b2", name="二支部", organisation_id="o1")]
    >>> one = Pairing(id="p1", branch_ids={"b1"}, target_id="u1", mode="solo", period=DateRange(date(2026, 1, 1)))
    >>> two = Pairing(id="p2", branch_ids={"b2"}, target_id="u2", mode="solo",
    ...               period=DateRange(date(2026, 3, 1), date(2026, 3, 31)))
    >>> [(v.details["unit_id"], v.details["target_ids"]) for v in check_single_target(
    ...     [one, two], policies.MCA_LEIFENG, branches=branches, organisations=tree)]
    [('o1', ['u1', 'u2'])]
    """
    resolved = resolve_policy(policy)
    latest = _by_start(pairings)
    found: list[Violation] = []
    if resolved.max_pairing_targets_per_branch is not None:
        found.extend(_per_branch(latest, resolved.max_pairing_targets_per_branch))
    if resolved.max_pairing_targets_per_unit is not None:
        found.extend(_per_unit(latest, resolved.max_pairing_targets_per_unit, branches, organisations))
    return found


def _per_branch(ordered_pairings: list[Pairing], limit: int) -> list[Violation]:
    by_branch: dict[str, list[Pairing]] = defaultdict(list)
    for pairing in ordered_pairings:  # in order of start, so each branch's list is too
        for branch_id in pairing.branch_ids:
            by_branch[branch_id].append(pairing)
    found: list[Violation] = []
    for branch_id in sorted(by_branch):
        for group in _chains(by_branch[branch_id]):
            if len(group) <= limit:
                continue
            over, peak = _over_limit(group, limit, _pairing_id)
            if over:
                found.append(_branch_violation(branch_id, over, peak, limit))
    return found


def _pairing_id(pairing: Pairing) -> str:
    return pairing.id


def _target_id(pairing: Pairing) -> str:
    return pairing.target_id


def _branch_violation(branch_id: str, over: list[Pairing], peak: int, limit: int) -> Violation:
    ids = [p.id for p in over]
    return violation(
        "pairing.single_target",
        ids[0],
        en=f"branch {branch_id} holds {peak} concurrent pairings (at most {limit}): " + ", ".join(ids),
        zh=f"支部 {branch_id} 同时有 {peak} 个结对（最多 {limit} 个）：" + "、".join(ids),
        branch_id=branch_id,
        pairing_ids=ids,
        limit=limit,
    )


def units_of_branches(
    branches: Iterable[Branch], organisations: Iterable[Organisation]
) -> dict[str, Organisation]:
    """Branch id → its unit: the nearest organisation of kind ``UNIT`` walking ``parent_id`` up from the
    branch's ``organisation_id`` (that organisation included). Branches without one are left out; a
    dangling parent ends the walk, and so does a cycle (never looped). O(branches + organisations).

    >>> from volunteer_core import Branch, Organisation
    >>> tree = [Organisation(id="o1", name="市直机关工委", kind="work_committee"),
    ...         Organisation(id="o2", name="市民政局", kind="unit", parent_id="o1"),
    ...         Organisation(id="o3", name="局机关党委", kind="organ_party_committee", parent_id="o2")]
    >>> units = units_of_branches([Branch(id="b1", name="一支部", organisation_id="o3"),
    ...                            Branch(id="b2", name="二支部", organisation_id="o1")], tree)
    >>> {b: u.id for b, u in units.items()}
    {'b1': 'o2'}
    """
    by_id = {o.id: o for o in organisations}
    unit_of: dict[str, Organisation | None] = {}  # organisation id → its nearest unit (memo)

    def resolve(start: str) -> Organisation | None:
        path: list[str] = []
        seen: set[str] = set()
        node_id: str | None = start
        unit: Organisation | None = None
        while node_id is not None and node_id not in seen:
            if node_id in unit_of:
                unit = unit_of[node_id]
                break
            node = by_id.get(node_id)
            if node is None:
                break
            seen.add(node_id)
            path.append(node_id)
            if node.kind is OrganisationKind.UNIT:
                unit = node
                break
            node_id = node.parent_id
        for walked in path:
            # Each node on the path below the unit found has that unit; the unit is its own.
            unit_of[walked] = unit
        return unit

    found: dict[str, Organisation] = {}
    for branch in branches:
        if branch.organisation_id is None:
            continue
        unit = resolve(branch.organisation_id)
        if unit is not None:
            found[branch.id] = unit
    return found


def _per_unit(
    ordered_pairings: list[Pairing],
    limit: int,
    branches: Iterable[Branch],
    organisations: Iterable[Organisation],
) -> list[Violation]:
    unit_of_branch = units_of_branches(branches, organisations)
    if not unit_of_branch:
        return []
    units: dict[str, Organisation] = {}
    by_unit: dict[str, list[Pairing]] = defaultdict(list)
    for pairing in ordered_pairings:  # in order of start, so each unit's list is too
        mine = {unit_of_branch[b].id: unit_of_branch[b] for b in pairing.branch_ids if b in unit_of_branch}
        for unit_id, unit in mine.items():
            units[unit_id] = unit
            by_unit[unit_id].append(pairing)
    found: list[Violation] = []
    for unit_id in sorted(by_unit):
        for group in _chains(by_unit[unit_id]):
            over, peak = _over_limit(group, limit, _target_id)
            if over:
                found.append(_unit_violation(units[unit_id], over, peak, limit))
    return found


def _chains(ordered: list[Pairing]) -> Iterable[list[Pairing]]:
    """Groups of pairings (in order of start) whose closed periods chain into each other."""
    group: list[Pairing] = []
    reach = date.min
    for pairing in ordered:
        if group and pairing.period.start <= reach:
            group.append(pairing)
            reach = max(reach, _end(pairing))
            continue
        if group:
            yield group
        group, reach = [pairing], _end(pairing)
    if group:
        yield group


def _over_limit(
    group: list[Pairing], limit: int, counted: Callable[[Pairing], str]
) -> tuple[list[Pairing], int]:
    """The pairings of ``group`` active on some day when more than ``limit`` distinct values of
    ``counted`` are (targets per unit, pairings per branch), and the most such values on one day.

    A sweep over day ordinals: a pairing starts counting on its first day and stops the day after its
    last (an open end never stops). The days over the limit form disjoint segments, found in order;
    each pairing is then tested against them by bisection.
    """
    events: list[tuple[int, int, str]] = []  # (day, +1 start / -1 stop, counted value)
    for pairing in group:
        events.append((pairing.period.start.toordinal(), 1, counted(pairing)))
        if pairing.period.end is not None:
            events.append((pairing.period.end.toordinal() + 1, -1, counted(pairing)))
    events.sort()
    held: dict[str, int] = defaultdict(int)
    segments: list[tuple[int, int]] = []  # closed [first day, last day] ordinals over the limit
    forever = date.max.toordinal() + 1
    peak = 0
    index = 0
    while index < len(events):
        day = events[index][0]
        while index < len(events) and events[index][0] == day:
            _, step, value = events[index]
            held[value] += step
            if not held[value]:
                del held[value]
            index += 1
        if len(held) > limit:
            peak = max(peak, len(held))
            last = events[index][0] - 1 if index < len(events) else forever
            if segments and segments[-1][1] == day - 1:
                segments[-1] = (segments[-1][0], last)
            else:
                segments.append((day, last))
    if not segments:
        return [], 0
    starts = [first for first, _ in segments]
    over: list[Pairing] = []
    for pairing in group:
        first = pairing.period.start.toordinal()
        last = forever if pairing.period.end is None else pairing.period.end.toordinal()
        at = bisect.bisect_right(starts, last) - 1  # the last segment starting on or before its end
        if at >= 0 and segments[at][1] >= first:
            over.append(pairing)
    return over, peak


def _unit_violation(unit: Organisation, over: list[Pairing], peak: int, limit: int) -> Violation:
    ids = [p.id for p in over]
    targets = sorted({p.target_id for p in over})
    return violation(
        "pairing.single_target",
        ids[0],
        en=f"the branches of unit {unit.name} ({unit.id}) hold {peak} concurrent pairing targets "
        f"(at most {limit}): {', '.join(targets)} — pairings {', '.join(ids)}",
        zh=f"单位 {unit.name}（{unit.id}）所属支部同时有 {peak} 个结对对象（最多 {limit} 个）："
        f"{'、'.join(targets)}（结对 {'、'.join(ids)}）",
        unit_id=unit.id,
        target_ids=targets,
        pairing_ids=ids,
        limit=limit,
    )


def check_pairings(
    pairings: Iterable[Pairing],
    policy: Policy | None = None,
    *,
    branches: Iterable[Branch] = (),
    organisations: Iterable[Organisation] = (),
) -> list[Violation]:
    """``pairing.duplicate`` and ``pairing.single_target`` together, each citing the policy's own
    document (``Policy.cite``). ``branches`` and ``organisations`` place the branches in the tree, for
    the limit per unit (``policy.max_pairing_targets_per_unit``); without them no unit is judged.

    >>> check_pairings([])
    []
    """
    items = list(pairings)
    found = [
        *find_duplicate_pairings(items, policy),
        *check_single_target(items, policy, branches=branches, organisations=organisations),
    ]
    return found if policy is None else policy.cite(found)
