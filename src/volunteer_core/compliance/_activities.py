"""What a pass over the records needs to know of each activity: the branches it counts for as a 共建、帮扶
activity (000 §四.1, ``member.branch_activities``) and the days it covers (002 §三, ``record.activity_date``).

Built once per evaluation from the activities and pairings given; a record whose activity is not among
them is judged by its own fields, as before activities had several organisers: a PAIRING record of the
member's own branch (``ServiceRecord.branch_id``, the lead copied when recorded) counts, and its date is
not judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from volunteer_core._trusted import trusted_constructor
from volunteer_core.model.activity import Activity
from volunteer_core.model.enums import ActivityKind
from volunteer_core.model.pairing import Pairing
from volunteer_core.rules.member import CREDITABLE_KINDS, credited_branches

__all__ = ["ActivityFacts", "activity_facts"]


@attrs.frozen(slots=True)
class ActivityFacts:
    """One activity as the pass sees it: the branches whose members' attendance counts toward
    ``member.branch_activities`` (:func:`~volunteer_core.rules.member.credited_branches`), its first and
    its last day, and its kind (None when not given)."""

    branches: frozenset[str]
    first: date
    last: date
    kind: ActivityKind | None = None

    def covers(self, day: date) -> bool:
        """Whether ``day`` lies within the activity's date or span."""
        return self.first <= day <= self.last


_NO_BRANCH: frozenset[str] = frozenset()
# built once an activity from an Activity's own, already validated values
_facts = trusted_constructor(ActivityFacts)


def activity_facts(activities: Iterable[Activity], pairings: Iterable[Pairing]) -> dict[str, ActivityFacts]:
    """Activity id → :class:`ActivityFacts`, each activity linked to its pairing (``pairing_id``) when the
    pairing is among ``pairings``.

    >>> from datetime import date
    >>> from volunteer_core import Activity, DateRange, Pairing
    >>> joint = Pairing(id="p1", branch_ids={"b1", "b2"}, target_id="u1", mode="joint_branches",
    ...                 period=DateRange(date(2025, 1, 1)))
    >>> a = Activity(id="a1", kind="pairing", branch_id="b1", on=date(2025, 4, 3), title="走访", pairing_id="p1")
    >>> facts = activity_facts([a], [joint])["a1"]
    >>> sorted(facts.branches), facts.covers(date(2025, 4, 3))
    (['b1', 'b2'], True)
    """
    by_id = {p.id: p for p in pairings}
    return {
        a.id: _facts(
            # most activities count for no branch: no call to find that out
            credited_branches(a, None if a.pairing_id is None else by_id.get(a.pairing_id))
            if a.kind in CREDITABLE_KINDS
            else _NO_BRANCH,
            a.on,
            a.last_day,
            a.kind,
        )
        for a in activities
    }
