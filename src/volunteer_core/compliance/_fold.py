"""The pass of :func:`~volunteer_core.compliance.evaluate_year` over the records, and the members' years.

The private half of :mod:`volunteer_core.compliance`. The pass is the hot loop of a year's evaluation
(one iteration a record: ~800,000 for 20,000 members), written as tight as Python allows:

* each judged member has one flat list of running totals (its *accumulator*: the slots below), found
  with one dictionary look-up a record; each activity is one tuple (first day, last day, the branches it
  counts for as a 共建、帮扶 activity);
* an ordinary record — confirmed, in the year, not an adjustment, of a known activity and on one of
  its days — is counted inline: its minutes, one attendance, its month's community session, a caring
  action or a training, the activity for the member's branch; a reversal of that kind counts the same
  with the opposite sign (its minutes are already negated; it carries its original's date and kind);
* every other record (an adjustment, an unknown activity, a record off its activity's date, and every
  record under 双报到) is counted by the member's :class:`~volunteer_core.compliance._member.Tally`,
  built when the member's first such record is met — the reference fold of
  :func:`~volunteer_core.compliance.member_year_totals`. The two add up: every count is a sum over the
  records, and the activities count by id (an activity counts when its records outnumber their
  reversals).

Memory grows with members and activities, never with records (no record is kept). The members are
judged afterwards by one :class:`~volunteer_core.compliance._judge.MemberJudge`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from itertools import count
from operator import add, itemgetter
from typing import Any

from volunteer_core.compliance._activities import ActivityFacts
from volunteer_core.compliance._judge import MemberJudge
from volunteer_core.compliance._member import MemberYear, Tally
from volunteer_core.dual_registration import RegisteredCommunities
from volunteer_core.model.activity import ServiceRecord
from volunteer_core.model.enums import ActivityKind, RecordStatus
from volunteer_core.model.people import Member

__all__ = ["fold_year"]

# the slots of a member's accumulator
_OWN = 0  # the member's branch id
_REGISTERED = 1  # the member's MemberRegistrations under 双报到, else None
_TALLY = 2  # the Tally of the records not counted inline, None until one is met
_CREDITED = 3  # activity id → records less reversals counted inline at a 共建、帮扶 activity of the
# branch (None: none); without a reversal (_REVERSED false) every value is positive
_MINUTES = 4
_CARING = 5  # the records counted inline, by kind: caring actions, trainings, other kinds, and
_TRAININGS = 6  # community service of month m (1 … 12) at _MONTH + m — their sum is the attendances
_OTHER = 7
_MONTH = 7
_REVERSED = _MONTH + 13  # whether a reversal was counted inline at a 共建、帮扶 activity of the branch
_SLOTS = _REVERSED + 1

_COMMUNITY = ActivityKind.COMMUNITY_SERVICE
_CONFIRMED = RecordStatus.CONFIRMED
_KIND_SLOTS = {ActivityKind.CARING_ACTION: _CARING, ActivityKind.TRAINING: _TRAININGS}


def _slot(kind: ActivityKind, day: date) -> int:
    """The accumulator's slot that counts a record of ``kind`` on ``day``."""
    return _MONTH + day.month if kind is _COMMUNITY else _KIND_SLOTS.get(kind, _OTHER)


#: The entry of an activity whose records are not counted inline: no first day matches a record's date.
_NOT_INLINE: tuple[Any, ...] = (None, None, 0, None)


#: Every slot of a new accumulator after the member's branch: no registrations, Tally or activity, zeros
#: and no reversal.
_FRESH: tuple[Any, ...] = (None, None, None) + (0,) * (_REVERSED - _MINUTES) + (False,)


def _accumulators(judged: list[Member], registry: RegisteredCommunities | None) -> dict[str, list[Any]]:
    """Member id → a new accumulator, for each of the ``judged`` members."""
    accumulators = {m.id: [m.branch_id, *_FRESH] for m in judged}  # one list display a member
    if registry is not None:
        for member in judged:
            accumulators[member.id][_REGISTERED] = registry.for_member(member)
    return accumulators


def _credit(acc: list[Any], activity_id: str, step: int = 1) -> None:
    credited = acc[_CREDITED]
    if credited is None:
        acc[_CREDITED] = {activity_id: step}
    else:
        credited[activity_id] = credited.get(activity_id, 0) + step
    if step < 0:
        acc[_REVERSED] = True


def _outnumbered(credited: dict[str, int]) -> int:
    """The activities of ``credited`` (activity id → records less reversals) whose records outnumber
    their reversals."""
    return sum(1 for n in credited.values() if n > 0)


def fold_year(
    records: Iterable[ServiceRecord],
    judged: list[Member],
    year: int,
    as_of: date | None,
    facts: Mapping[str, ActivityFacts],
    judge: MemberJudge,
    registry: RegisteredCommunities | None = None,
) -> tuple[dict[str, MemberYear], int, int]:
    """The years of the ``judged`` members (by id, in their order) from one pass over ``records``, the
    records read and those of members not judged — what ``evaluate_year`` folds, with ``facts`` the
    activities' (:func:`~volunteer_core.compliance._activities.activity_facts`) and ``registry`` the
    registrations under 双报到.

    >>> from datetime import date
    >>> from volunteer_core import Member, ServiceRecord
    >>> from volunteer_core.policy import DEFAULT
    >>> m = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
    ...                   kind="community_service", on=date(2026, 3, 5), minutes=600)
    >>> years, read, unmatched = fold_year([r], [m], 2026, None, {}, MemberJudge(2026, DEFAULT, None))
    >>> years["m1"].net_minutes, years["m1"].community_sessions[2], read, unmatched
    (600, 1, 1, 0)
    """
    accumulators = _accumulators(judged, registry)
    first_day = date(year, 1, 1)
    last_day = date(year, 12, 31) if as_of is None or as_of.year > year else as_of
    # activity id → (first day, kind, slot, branches credited or None), for the activities that lie
    # wholly in the days counted: a record on their first day needs no other test of its date. Under
    # 双报到 none: every record goes through the Tally, which asks the member's registrations.
    # Every known activity has an entry — :data:`_NOT_INLINE` (no first day: every record of it goes to
    # ``other``) for the rest — so that the loop indexes it (faster than ``get``); only a record of an
    # unknown activity misses.
    inline = {
        activity_id: (f.first, f.kind, _slot(f.kind, f.first), f.branches or None)
        if registry is None and f.kind is not None and first_day <= f.first and f.last <= last_day
        else _NOT_INLINE
        for activity_id, f in facts.items()
    }
    facts_of = facts.get

    def other(acc: list[Any], record: ServiceRecord) -> None:
        """A record not counted by the loop's first test: the full tests, then inline or the Tally."""
        on = record.on
        if record.status is not _CONFIRMED or not first_day <= on <= last_day:
            return  # not counted: not confirmed, not in the year, after as_of
        fact = facts_of(record.activity_id)
        if (
            fact is None
            or registry is not None
            or record.adjusts is not None
            or not fact.first <= on <= fact.last
        ):
            tally = acc[_TALLY]
            if tally is None:
                tally = acc[_TALLY] = Tally()
            tally.add(record, acc[_OWN], acc[_REGISTERED], fact)
            return
        # an ordinary record, or its reversal, on a day of its activity (of a span, or of another kind
        # than its activity): a reversal counts one attendance, session, activity … less (Tally.add)
        step = 1 if record.reverses is None else -1
        acc[_MINUTES] += record.minutes
        acc[_slot(record.kind, on)] += step
        if acc[_OWN] in fact.branches:
            _credit(acc, record.activity_id, step)

    if type(records) is list or type(records) is tuple:
        read, source = len(records), iter(records)
    else:  # count what the iterable yields, in C
        counter = count()
        read, source = -1, map(itemgetter(0), zip(records, counter, strict=False))
    unmatched = 0
    confirmed = _CONFIRMED  # a local: read once a record
    for record in source:
        try:  # indexing beats .get() per record; a miss (a member not judged) is rare
            acc = accumulators[record.member_id]
        except KeyError:
            unmatched += 1
            continue
        try:
            first, kind, slot, branches = inline[record.activity_id]
        except KeyError:  # an unknown activity: judged by the record's own fields
            other(acc, record)
            continue
        if (
            record.on != first
            or record.kind is not kind
            or record.status is not confirmed
            or record.reverses is not None
            or record.adjusts is not None
        ):
            other(acc, record)
            continue
        # an ordinary record on its activity's first day, which lies in the year and not after as_of
        acc[_MINUTES] += record.minutes
        acc[slot] += 1
        if branches is not None and acc[_OWN] in branches:
            _credit(acc, record.activity_id)
    if read < 0:
        read = next(counter)

    years: dict[str, MemberYear] = {}
    judge_counts = judge.judge_counts
    for member in judged:
        acc = accumulators[member.id]
        if acc[_TALLY] is not None:
            years[member.id] = _judged(member, acc, judge)
            continue
        # every record counted inline (most members)
        community = tuple(acc[_MONTH + 1 : _MONTH + 13])
        credited = acc[_CREDITED]
        caring, trainings = acc[_CARING], acc[_TRAININGS]
        years[member.id] = judge_counts(
            member,
            acc[_MINUTES],
            community,
            0 if credited is None else _outnumbered(credited) if acc[_REVERSED] else len(credited),
            caring,
            trainings,
            caring + trainings + acc[_OTHER] + sum(community),
        )
    return years, read, unmatched


def _judged(member: Member, acc: list[Any], judge: MemberJudge) -> MemberYear:
    """The year of a member some of whose records the Tally counted: its totals added to the loop's."""
    tally: Tally = acc[_TALLY]
    community = tuple(map(add, acc[_MONTH + 1 : _MONTH + 13], tally.community))
    activities = dict(acc[_CREDITED] or ())
    for activity_id, step in tally.activities.items():
        activities[activity_id] = activities.get(activity_id, 0) + step
    caring, trainings = acc[_CARING], acc[_TRAININGS]
    # every record counted inline is a caring action, a training, another kind or a month's session (a
    # reversal counted inline, one less)
    attendances = caring + trainings + acc[_OTHER] + sum(acc[_MONTH + 1 : _MONTH + 13])
    return judge.judge_counts(
        member,
        acc[_MINUTES] + tally.minutes,
        community,
        _outnumbered(activities),
        caring + tally.caring,
        trainings + tally.trainings,
        attendances + tally.attendances,
        tally.misdated_records(),
    )
