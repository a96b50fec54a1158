"""双报到 (dual registration): where members serve, and the quarterly feedback to their employer branch.

Where: with ``policy.community_service_where_registered``, community service counts toward
``member.monthly_community`` only at a community where the member was registered that day
(:class:`RegisteredCommunities`, used by :mod:`volunteer_core.compliance`). The quarterly feedback: what
each employer branch's members did in a quarter.

Members of an organ's branches also register at their residence community (双报到) and serve there;
each quarter the employer branch receives the feedback — per member the confirmed hours and activities
of the quarter, and the part served at a community where the member was registered
(:class:`~volunteer_core.CommunityRegistration`; a member without one counts as registered at
``Member.community``). A pure function over any iterable of records, read once.

>>> from datetime import date
>>> from volunteer_core import Activity, Member, ServiceRecord
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), community="凤山社区")
>>> a = Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 2, 5), title="清扫",
...              community="凤山社区")
>>> r = ServiceRecord.for_activity(a, id="r1", member_id="m1", minutes=90)
>>> fb = quarterly_feedback(2026, 1, members=[m], records=[r], activities=[a])
>>> row = fb["b1"].members[0]
>>> row.minutes, row.activities, row.community_minutes
(90, 1, 90)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from volunteer_core.calendar.dates import DateRange, last_day
from volunteer_core.errors import InvalidInput
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.enums import ActivityKind, RecordStatus
from volunteer_core.model.people import Member
from volunteer_core.model.registration import CommunityRegistration
from volunteer_core.policy import Policy

__all__ = [
    "BranchQuarter",
    "MemberQuarter",
    "MemberRegistrations",
    "RegisteredCommunities",
    "quarter_range",
    "quarterly_feedback",
    "registered_for",
]


class RegisteredCommunities:
    """双报到 (``policy.community_service_where_registered``): whether a COMMUNITY_SERVICE record counts
    toward ``member.monthly_community`` — its activity's community is one where the member was registered
    on the record's day. A member without any ``CommunityRegistration`` counts as registered at
    ``Member.community`` (when set) throughout. Holds the activities' communities and the registrations:
    memory ∝ activities + members, never records.

    >>> from datetime import date
    >>> from volunteer_core import Activity, Member, ServiceRecord
    >>> a = Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 2, 5), title="清扫",
    ...              community="凤山社区")
    >>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), community="凤山社区")
    >>> r = ServiceRecord.for_activity(a, id="r1", member_id="m1", minutes=90)
    >>> RegisteredCommunities([a], []).for_member(m).counts(r)
    True
    """

    __slots__ = ("_communities", "_registrations")

    def __init__(
        self, activities: Iterable[Activity], registrations: Iterable[CommunityRegistration]
    ) -> None:
        self._communities = {a.id: a.community for a in activities if a.community is not None}
        self._registrations: dict[str, list[CommunityRegistration]] = {}
        for registration in registrations:
            self._registrations.setdefault(registration.member_id, []).append(registration)

    def for_member(self, member: Member) -> MemberRegistrations:
        """The test for one member's records."""
        return MemberRegistrations(self, member)

    def community_of(self, record: ServiceRecord) -> str | None:
        """The community of the record's activity (None when it has none, or is unknown)."""
        return self._communities.get(record.activity_id)

    def registrations_of(self, member_id: str) -> list[CommunityRegistration]:
        """The member's registrations (``[]`` for none)."""
        return self._registrations.get(member_id, [])


class MemberRegistrations:
    """Whether a record of one member counts as service where the member was registered (see
    :class:`RegisteredCommunities`)."""

    __slots__ = ("_fallback", "_owner", "_registrations")

    def __init__(self, owner: RegisteredCommunities, member: Member) -> None:
        self._owner = owner
        self._registrations = owner.registrations_of(member.id)
        self._fallback = member.community

    def counts(self, record: ServiceRecord) -> bool:
        """Whether ``record`` was served at a community where the member was registered that day."""
        community = self._owner.community_of(record)
        if community is None:
            return False
        if not self._registrations:
            return community == self._fallback
        return any(r.covers(community, record.on) for r in self._registrations)


def registered_for(
    member: Member,
    policy: Policy,
    activities: Iterable[Activity],
    registrations: Iterable[CommunityRegistration],
) -> MemberRegistrations | None:
    """The member's registration test when ``policy.community_service_where_registered`` (双报到), else
    None (every community session counts) — what :mod:`volunteer_core.compliance` asks per member.

    >>> from datetime import date
    >>> from volunteer_core import Member, policies
    >>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
    >>> registered_for(m, policies.DEFAULT, [], []) is None
    True
    """
    if not policy.community_service_where_registered:
        return None
    return RegisteredCommunities(activities, registrations).for_member(member)


def quarter_range(year: int, quarter: int) -> DateRange:
    """The closed range of a calendar quarter (1–4).

    >>> str(quarter_range(2026, 4))
    '2026-10-01..2026-12-31'
    """
    if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
        raise InvalidInput("quarter", quarter, message_en="must be 1, 2, 3 or 4", message_zh="季度须为1至4")
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise InvalidInput(
            "year", year, code="input.type", message_en="must be a year", message_zh="须为年份"
        )
    first_month = 3 * quarter - 2
    return DateRange(date(year, first_month, 1), last_day(year, first_month + 2))


@attrs.frozen(kw_only=True)
class MemberQuarter:
    """One member's quarter: confirmed minutes and distinct activities (net of reversals), and the part
    served as community service where the member was registered (双报到)."""

    member_id: str
    member_name: str
    branch_id: str
    minutes: int
    activities: int
    community_minutes: int
    community_activities: int

    def to_record(self) -> dict[str, Any]:
        """A flat dict."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class BranchQuarter:
    """The feedback for one employer branch: its members' quarters, in member order."""

    branch_id: str
    year: int
    quarter: int
    members: tuple[MemberQuarter, ...]

    @property
    def total_minutes(self) -> int:
        """The branch's members' confirmed minutes in the quarter."""
        return sum(m.minutes for m in self.members)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per member with ``year`` and ``quarter`` (for a DataFrame or a CSV)."""
        return [{"year": self.year, "quarter": self.quarter, **m.to_record()} for m in self.members]


class _Acc:
    __slots__ = ("activities", "community", "minutes", "registered")

    def __init__(self, registered: MemberRegistrations) -> None:
        self.minutes = 0
        self.activities: dict[str, int] = {}
        self.community: dict[str, int] = {}
        self.registered = registered


def quarterly_feedback(
    year: int,
    quarter: int,
    *,
    members: Iterable[Member],
    records: Iterable[ServiceRecord],
    activities: Iterable[Activity] = (),
    registrations: Iterable[CommunityRegistration] = (),
) -> Mapping[str, BranchQuarter]:
    """The quarterly feedback, per employer branch (``Member.branch_id``), of every member whose
    membership overlaps the quarter. Only CONFIRMED records dated in the quarter count; reversals cancel
    their originals; an adjustment changes minutes only. ``activities`` give the communities of the
    activities (for the 双报到 part); ``records`` is read once.
    """
    span = quarter_range(year, quarter)
    registry = RegisteredCommunities(activities, registrations)
    start, end = span.start, span.end
    assert end is not None  # a quarter is closed
    judged = [m for m in members if m.joined_on <= end and (m.left_on is None or m.left_on >= start)]
    accs = {m.id: _Acc(registry.for_member(m)) for m in judged}
    for record in records:
        acc = accs.get(record.member_id)
        if acc is None or record.status is not RecordStatus.CONFIRMED or not span.contains(record.on):
            continue
        acc.minutes += record.minutes
        if record.adjusts is not None:
            continue
        acc.activities[record.activity_id] = acc.activities.get(record.activity_id, 0) + record.minutes
        if record.kind is ActivityKind.COMMUNITY_SERVICE and acc.registered.counts(record):
            acc.community[record.activity_id] = acc.community.get(record.activity_id, 0) + record.minutes
    by_branch: dict[str, list[MemberQuarter]] = {}
    for member in judged:
        acc = accs[member.id]
        by_branch.setdefault(member.branch_id, []).append(
            MemberQuarter(
                member_id=member.id,
                member_name=member.name,
                branch_id=member.branch_id,
                minutes=acc.minutes,
                activities=sum(1 for m in acc.activities.values() if m > 0),
                community_minutes=sum(acc.community.values()),
                community_activities=sum(1 for m in acc.community.values() if m > 0),
            )
        )
    return MappingProxyType(
        {
            branch_id: BranchQuarter(
                branch_id=branch_id,
                year=year,
                quarter=quarter,
                members=tuple(sorted(rows, key=lambda r: r.member_id)),
            )
            for branch_id, rows in sorted(by_branch.items())
        }
    )
