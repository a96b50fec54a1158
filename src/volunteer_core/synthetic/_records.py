"""The ledger of the synthetic year, one member at a time: what a member attends of what their branch
organises, on a day of the activity, and now and then a record entered in error and reversed.

A member serves only while insured (``Member.insured_until``: no record after the cover lapses, so a run
under a policy that requires insurance refuses nothing) and attends an activity that ``requires`` a
qualification only after attending, earlier in the year, a training that ``grants`` it (先培训再上岗): the
ledger's use-cases earn the qualification from that training record and then accept the later one.

>>> from volunteer_core.synthetic import generate_year
>>> world = generate_year(2026, members=12, branches=2, seed=3)
>>> records = list(world.iter_records())
>>> trained = {r.member_id for r in records if r.activity_id == "a-firstaid-training"}
>>> on_duty = {r.member_id for r in records if r.activity_id == "a-firstaid-duty"}
>>> bool(on_duty) and on_duty <= trained
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from volunteer_core.model import Activity, ActivityKind, Member, ServiceRecord

if TYPE_CHECKING:
    from volunteer_core.synthetic import SyntheticYear

__all__ = ["member_records"]


def member_records(
    world: SyntheticYear, index: int, member: Member, own: list[Activity]
) -> Iterator[ServiceRecord]:
    """The records of the ``index``-th member over ``own``, the activities their branch organises (in
    the world's order: a training comes before the activity that requires what it grants).

    >>> from volunteer_core.synthetic import generate_year
    >>> world = generate_year(2026, members=4, branches=1, seed=5)
    >>> first = world.members[0]
    >>> mine = [a for a in world.activities if first.branch_id in (a.branch_id, *a.branch_ids)]
    >>> len(list(member_records(world, 0, first, mine))) > 0
    True
    """
    rng = random.Random(world.seed * 1_000_003 + index)
    diligence = rng.random() ** 0.5  # some members serve a lot, some very little
    serial = 0
    trained: dict[str, date] = {}  # qualification name → the day of the training that granted it
    for activity in own:
        if not member.is_member_on(activity.on) or not member.is_member_on(activity.last_day):
            continue
        if activity.requires and not all(
            name in trained and trained[name] < activity.on for name in activity.requires
        ):
            continue  # 先培训再上岗: only those trained before the day serve on it
        kind = activity.kind
        if activity.grants:
            chance = 0.55 + 0.35 * diligence
        elif activity.requires:
            chance = 0.75
        elif kind is ActivityKind.COMMUNITY_SERVICE:
            chance = 0.65 + 0.34 * diligence
        elif kind is ActivityKind.PAIRING:
            chance = 0.45 + 0.5 * diligence
        elif kind is ActivityKind.CARING_ACTION:
            chance = 0.5 + 0.45 * diligence
        elif kind is ActivityKind.TEAM_CAMPAIGN:
            chance = 0.6
        else:
            chance = 0.3 + 0.3 * diligence
        if rng.random() >= chance:
            continue
        sessions = 2 if kind is ActivityKind.COMMUNITY_SERVICE and rng.random() < 0.6 else 1
        day = activity.on if activity.until is None else activity.on + timedelta(days=rng.randrange(2))
        if member.insured_until is not None and not member.is_insured_on(day):
            continue  # the cover lapsed: no service after it
        for name in activity.grants:
            trained.setdefault(name, day)
        for _ in range(sessions):
            serial += 1
            minutes = rng.choice((60, 90, 120, 120, 150, 180, 240))
            late = rng.random() < 0.1
            record = ServiceRecord(
                id=f"r{world.year}-{index}-{serial}",
                member_id=member.id,
                activity_id=activity.id,
                branch_id=activity.branch_id,
                kind=kind,
                on=day,
                minutes=minutes,
                recorded_on=day + timedelta(days=rng.randrange(20, 40) if late else rng.randrange(0, 5)),
            )
            yield record
            if rng.random() < 0.01:  # an entry made in error, reversed a few days later
                serial += 1
                yield record.reversal(
                    id=f"r{world.year}-{index}-{serial}",
                    recorded_on=(record.recorded_on or record.on) + timedelta(days=3),
                )
