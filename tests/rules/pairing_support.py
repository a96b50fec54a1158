"""The day-by-day oracle of ``pairing.single_target``, shared by the per-branch and the per-unit tests.

Brute force: for each holder (a branch, or a unit), the days when what it holds is over the limit, the
pairings active on one of them, split by the chains of pairwise-overlapping periods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from volunteer_core import Pairing


def _root(parent: dict[str, str], pid: str) -> str:
    while parent[pid] != pid:
        pid = parent[pid]
    return pid


def day_by_day_breaches(
    held: Mapping[str, Sequence[Pairing]], count: Callable[[list[Pairing]], int], limit: int
) -> set[tuple[str, frozenset[str]]]:
    """``(holder, pairing ids)`` for every chain of overlapping pairings of a holder in which some day holds
    more than ``limit`` (``count`` of the pairings active that day: pairings, or distinct targets)."""
    every = [p for mine in held.values() for p in mine]
    last_day = max(
        (d for p in every for d in (p.period.start, p.period.end) if d is not None), default=date(2026, 1, 1)
    ) + timedelta(days=1)
    out: set[tuple[str, frozenset[str]]] = set()
    for holder, mine in held.items():
        involved: set[str] = set()
        day = min(p.period.start for p in mine)
        while day <= last_day:
            active = [p for p in mine if p.is_active_on(day)]
            if count(active) > limit:
                involved.update(p.id for p in active)
            day += timedelta(days=1)
        component = {p.id: p.id for p in mine}
        for x in mine:
            for y in mine:
                if x.period.overlaps(y.period):
                    component[_root(component, x.id)] = _root(component, y.id)
        groups: dict[str, set[str]] = defaultdict(set)
        for pid in involved:
            groups[_root(component, pid)].add(pid)
        out.update((holder, frozenset(ids)) for ids in groups.values())
    return out
