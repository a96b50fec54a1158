"""Compliance of a year: per member (``evaluate_member_year``) and for a whole organ (``evaluate_year``).

``evaluate_year`` reads the records once, in any order, keeping a small accumulator per member
(minutes, community sessions per month, the member's own-branch pairing activities, caring actions):
memory grows with members and their distinct activities, never with records.

Counting (domain.md): only CONFIRMED records count (``record.status``); a reversal cancels its original
completely (minutes, the month it covered, the activity it attended) — it carries the original's member,
activity, kind and date, so it is subtracted where the original was added; an adjustment changes
minutes only, in its own year.

>>> from datetime import date
>>> from volunteer_core import Member, ServiceRecord, evaluate_member_year
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2026, 1, 2), skills={"急救"})
>>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
...                   kind="community_service", on=date(2026, 3, 5), minutes=600)
>>> my = evaluate_member_year(m, [r], 2026)
>>> my.required_minutes, my.net_minutes, my.months_missing[:3]
(1100, 600, (2, 4, 5))
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from volunteer_core._catalogue import Violation
from volunteer_core.dates import first_day, last_day
from volunteer_core.errors import InvalidInput
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.enums import ActivityKind, RecordStatus, Severity
from volunteer_core.model.pairing import Pairing
from volunteer_core.model.people import Branch, Member, Team
from volunteer_core.model.plan import BranchPlan, HalfYearReport
from volunteer_core.model.registration import CommunityRegistration
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.rules.activity import check_activity
from volunteer_core.rules.branch import (
    check_branch_team,
    check_plan_due,
    check_report_due,
    check_team_campaign,
)
from volunteer_core.rules.member import (
    check_annual_hours,
    check_branch_activities,
    check_caring_action,
    check_monthly_community,
    check_skill,
)
from volunteer_core.rules.pairing import check_pairings

__all__ = [
    "BranchYear",
    "MemberTotals",
    "MemberYear",
    "YearReport",
    "evaluate_member_year",
    "evaluate_year",
    "evaluate_year_totals",
    "full_months",
    "member_year_totals",
]

_COMMUNITY = ActivityKind.COMMUNITY_SERVICE
_PAIRING = ActivityKind.PAIRING
_CARING = ActivityKind.CARING_ACTION
_CONFIRMED = RecordStatus.CONFIRMED
_ALL_MONTHS = tuple(range(1, 13))


def full_months(member: Member, year: int) -> tuple[int, ...]:
    """The months of ``year`` that are full months of membership: joined on or before the first day and
    not left before the last day.

    >>> from datetime import date
    >>> from volunteer_core import Member
    >>> full_months(Member(id="m", name="甲", branch_id="b", joined_on=date(2026, 3, 1),
    ...                    left_on=date(2026, 5, 30)), 2026)
    (3, 4)
    """
    joined, left = member.joined_on, member.left_on
    bounds = _month_bounds(year)
    if joined <= bounds[0][0] and (left is None or left >= bounds[11][1]):
        return _ALL_MONTHS  # most members: the whole year, without a test per month
    return tuple(
        month
        for month, (first, last) in enumerate(bounds, start=1)
        if joined <= first and (left is None or left >= last)
    )


@functools.lru_cache(maxsize=32)
def _month_bounds(year: int) -> tuple[tuple[date, date], ...]:
    """(first day, last day) of each month of ``year``, computed once a year: the judge asks for them
    for every member, and ``calendar.monthrange`` was a third of the judging time (bench_core.py)."""
    return tuple((first_day(year, month), last_day(year, month)) for month in range(1, 13))


def _check_year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9998:
        raise InvalidInput(
            "year", year, code="input.type", message_en="must be a year (int)", message_zh="须为年份（整数）"
        )
    return year


def _check_as_of(as_of: object) -> date | None:
    if as_of is not None and type(as_of) is not date:
        raise InvalidInput(
            "as_of", as_of, code="input.type", message_en="must be a date or None", message_zh="须为日期"
        )
    return as_of


@attrs.frozen(kw_only=True)
class MemberYear:
    """One member's year: the facts gathered and the violations found.

    ``months_required`` are the judged months (full months of membership that have ended by ``as_of``),
    ``months_missing`` those among them without enough community service; both ascending.
    ``pending`` lists the annual rules not yet met in a year that has not ended (not violations yet).
    """

    member_id: str
    member_name: str
    branch_id: str
    year: int
    as_of: date | None
    net_minutes: int
    required_minutes: int
    months_required: tuple[int, ...]
    months_missing: tuple[int, ...]
    community_sessions: tuple[int, ...]
    branch_activities: int
    caring_actions: int
    skills: int
    pending: tuple[str, ...]
    violations: tuple[Violation, ...]

    @property
    def compliant(self) -> bool:
        """True when no ERROR violation was found."""
        return not any(v.severity is Severity.ERROR for v in self.violations)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the violations, in order."""
        return tuple(v.code for v in self.violations)

    def to_record(self) -> dict[str, Any]:
        """A flat dict (one row of :meth:`YearReport.to_records`)."""
        errors = [v.code for v in self.violations if v.severity is Severity.ERROR]
        warnings = [v.code for v in self.violations if v.severity is Severity.WARNING]
        return {
            "year": self.year,
            "as_of": self.as_of,
            "member_id": self.member_id,
            "member_name": self.member_name,
            "branch_id": self.branch_id,
            "net_minutes": self.net_minutes,
            "required_minutes": self.required_minutes,
            "months_required": self.months_required,
            "months_missing": self.months_missing,
            "branch_activities": self.branch_activities,
            "caring_actions": self.caring_actions,
            "skills": self.skills,
            "compliant": self.compliant,
            "errors": ",".join(errors),
            "warnings": ",".join(warnings),
            "pending": ",".join(self.pending),
        }

    def _repr_html_(self) -> str:
        """The member's year as an HTML table (notebooks)."""
        from volunteer_core._html import member_year_html

        return member_year_html(self)


class _Registered:
    """双报到 (``policy.community_service_where_registered``): whether a COMMUNITY_SERVICE record counts
    toward ``member.monthly_community`` — its activity's community is one where the member was registered
    on the record's day. A member without any ``CommunityRegistration`` counts as registered at
    ``Member.community`` (when set) throughout. Holds the activities' communities and the registrations:
    memory ∝ activities + members, never records."""

    __slots__ = ("_communities", "_registrations")

    def __init__(
        self, activities: Iterable[Activity], registrations: Iterable[CommunityRegistration]
    ) -> None:
        self._communities = {a.id: a.community for a in activities if a.community is not None}
        self._registrations: dict[str, list[CommunityRegistration]] = {}
        for registration in registrations:
            self._registrations.setdefault(registration.member_id, []).append(registration)

    def for_member(self, member: Member) -> _MemberRegistered:
        return _MemberRegistered(self, member)

    def community_of(self, record: ServiceRecord) -> str | None:
        return self._communities.get(record.activity_id)


class _MemberRegistered:
    __slots__ = ("_fallback", "_owner", "_registrations")

    def __init__(self, owner: _Registered, member: Member) -> None:
        self._owner = owner
        self._registrations: list[CommunityRegistration] = owner._registrations.get(member.id, [])
        self._fallback = member.community

    def counts(self, record: ServiceRecord) -> bool:
        community = self._owner.community_of(record)
        if community is None:
            return False
        if not self._registrations:
            return community == self._fallback
        return any(r.covers(community, record.on) for r in self._registrations)


def _registered(
    member: Member,
    policy: Policy,
    activities: Iterable[Activity],
    registrations: Iterable[CommunityRegistration],
) -> _MemberRegistered | None:
    if not policy.community_service_where_registered:
        return None
    return _Registered(activities, registrations).for_member(member)


def _twelve_months(instance: object, attribute: attrs.Attribute[tuple[int, ...]], value: object) -> None:
    if not isinstance(value, tuple) or len(value) != 12:
        raise InvalidInput(
            "community_sessions",
            value,
            code="input.invalid",
            message_en="must be a tuple of 12 monthly counts",
            message_zh="须为 12 个月的次数",
        )


@attrs.frozen(kw_only=True)
class MemberTotals:
    """What the member rules need from one member's records of a year — the per-member aggregates a
    database can compute with ``GROUP BY`` (see :meth:`volunteer_core.ports.UnitOfWork.member_year_totals`).

    ``records`` counts every record of the member dated in the year (any status, also after ``as_of``);
    the other fields count only CONFIRMED records dated in the year and not after ``as_of``:
    ``net_minutes`` (reversals and adjustments included), ``community_sessions`` (12 counts, January
    first: COMMUNITY_SERVICE records minus their reversals), ``branch_activities`` (distinct PAIRING
    activities of ``own_branch`` whose records outnumber their reversals) and ``caring_actions``
    (CARING_ACTION records minus their reversals). Adjustments count in ``net_minutes`` only.

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
    ...                   kind="pairing", on=date(2026, 3, 5), minutes=90)
    >>> t = member_year_totals([r, r.reversal(id="r2", recorded_on=date(2026, 3, 9))], 2026,
    ...                        branch_of={"m1": "b1"})["m1"]
    >>> t.records, t.net_minutes, t.branch_activities
    (2, 0, 0)
    """

    member_id: str
    records: int = 0
    net_minutes: int = 0
    community_sessions: tuple[int, ...] = attrs.field(default=(0,) * 12, validator=_twelve_months)
    branch_activities: int = 0
    caring_actions: int = 0


class _Tally:
    """The running totals of one member over one pass (private, mutable)."""

    __slots__ = ("activities", "caring", "community", "minutes", "records")

    def __init__(self) -> None:
        self.records = 0
        self.minutes = 0
        self.community = [0] * 12
        self.activities: dict[str, int] = {}
        self.caring = 0

    def add(
        self, record: ServiceRecord, own_branch: str | None, registered: _MemberRegistered | None = None
    ) -> None:
        self.minutes += record.minutes
        if record.adjusts is not None:
            return  # an adjustment corrects minutes only
        step = -1 if record.reverses is not None else 1
        kind = record.kind
        if kind is _COMMUNITY:
            if registered is None or registered.counts(record):
                self.community[record.on.month - 1] += step
        elif kind is _PAIRING:
            if record.branch_id == own_branch:
                self.activities[record.activity_id] = self.activities.get(record.activity_id, 0) + step
        elif kind is _CARING:
            self.caring += step

    def totals(self, member_id: str) -> MemberTotals:
        return MemberTotals(
            member_id=member_id,
            records=self.records,
            net_minutes=self.minutes,
            community_sessions=tuple(self.community),
            branch_activities=sum(1 for n in self.activities.values() if n > 0),
            caring_actions=self.caring,
        )


def member_year_totals(
    records: Iterable[ServiceRecord],
    year: int,
    *,
    branch_of: Mapping[str, str],
    as_of: date | None = None,
) -> dict[str, MemberTotals]:
    """Fold ``records`` (one pass, any order) into one :class:`MemberTotals` per member met — the
    reference for a storage's ``GROUP BY`` pushdown. ``branch_of`` maps a member id to the member's
    own branch (for ``branch_activities``); a member missing from it has no own-branch activities.
    Records of other years are skipped; the result is ordered by member id.

    >>> member_year_totals([], 2026, branch_of={})
    {}
    """
    year = _check_year(year)
    as_of = _check_as_of(as_of)
    tallies: dict[str, _Tally] = {}
    for record in records:
        if record.on.year != year:
            continue
        tally = tallies.get(record.member_id)
        if tally is None:
            tally = tallies[record.member_id] = _Tally()
        tally.records += 1
        if _counts(record, year, as_of):
            tally.add(record, branch_of.get(record.member_id))
    return {member_id: tallies[member_id].totals(member_id) for member_id in sorted(tallies)}


def _judge(member: Member, totals: MemberTotals, year: int, policy: Policy, as_of: date | None) -> MemberYear:
    year_end = date(year, 12, 31)
    ended = as_of is None or as_of >= year_end
    months = full_months(member, year)
    bounds = _month_bounds(year)
    judged_until = year_end if as_of is None else as_of
    rule_on_months = policy.min_community_sessions_per_month
    months_required = (
        tuple(m for m in months if bounds[m - 1][1] <= judged_until) if rule_on_months is not None else ()
    )
    community = totals.community_sessions
    months_missing = tuple(m for m in months_required if community[m - 1] < (rule_on_months or 0))

    minimum = policy.min_annual_minutes
    if minimum is None:
        required = 0
    elif policy.prorate_annual_minutes:
        required = math.ceil(minimum * len(months) / 12)
    else:
        required = minimum if months else 0
    net_minutes = totals.net_minutes
    branch_activities = totals.branch_activities
    caring = totals.caring_actions

    violations: list[Violation] = []
    pending: list[str] = []

    def annual(code: str, met: bool, found: list[Violation]) -> None:
        if met:
            return
        if ended:
            violations.extend(found)
        else:
            pending.append(code)

    if minimum is not None:
        annual(
            "member.annual_hours",
            net_minutes >= required,
            check_annual_hours(member, net_minutes=net_minutes, required_minutes=required),
        )
    violations.extend(check_monthly_community(member, months_missing=months_missing))
    if months:  # the annual count rules judge members with at least one full month in the year
        target = policy.branch_activities_target or policy.branch_activities_min
        if target is not None:
            annual(
                "member.branch_activities",
                branch_activities >= target,
                check_branch_activities(member, count=branch_activities, policy=policy),
            )
        if policy.min_caring_actions is not None:
            annual(
                "member.caring_action",
                caring >= policy.min_caring_actions,
                check_caring_action(member, count=caring, policy=policy),
            )
    violations.extend(check_skill(member, policy))
    return MemberYear(
        member_id=member.id,
        member_name=member.name,
        branch_id=member.branch_id,
        year=year,
        as_of=as_of,
        net_minutes=net_minutes,
        required_minutes=required,
        months_required=months_required,
        months_missing=months_missing,
        community_sessions=community,
        branch_activities=branch_activities,
        caring_actions=caring,
        skills=len(member.skills),
        pending=tuple(pending),
        violations=tuple(violations),
    )


def _counts(record: ServiceRecord, year: int, as_of: date | None) -> bool:
    return record.status is _CONFIRMED and record.on.year == year and (as_of is None or record.on <= as_of)


def evaluate_member_year(
    member: Member,
    records: Iterable[ServiceRecord],
    year: int,
    *,
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    activities: Iterable[Activity] = (),
    registrations: Iterable[CommunityRegistration] = (),
) -> MemberYear:
    """Judge one member's year under ``policy``.

    Args:
        member: the member.
        records: ledger entries; those of other members, other years, after ``as_of`` or not CONFIRMED
            are ignored.
        year: the calendar year.
        policy: thresholds and switches.
        as_of: evaluate part of the year: only months ended on or before ``as_of`` are judged, and annual
            totals not yet met are *pending* until the year has ended.
        activities, registrations: with ``policy.community_service_where_registered`` (双报到), the
            activities (for their ``community``) and the member's ``CommunityRegistration`` s; community
            service counts toward ``member.monthly_community`` only where the member was registered.

    Returns:
        A :class:`MemberYear`.
    """
    year = _check_year(year)
    as_of = _check_as_of(as_of)
    tally = _Tally()
    registered = _registered(member, policy, activities, registrations)
    for record in records:
        if record.member_id == member.id and _counts(record, year, as_of):
            tally.add(record, member.branch_id, registered)
    return _judge(member, tally.totals(member.id), year, policy, as_of)


@attrs.frozen(kw_only=True)
class BranchYear:
    """A branch's year: its members' results summed, and the branch's own violations."""

    branch_id: str
    name: str | None
    members: int
    compliant_members: int
    net_minutes: int
    teams: int
    violations: tuple[Violation, ...]

    @property
    def compliance_rate(self) -> float | None:
        """Share of compliant members (a ratio for display; None without members)."""
        return self.compliant_members / self.members if self.members else None


@attrs.frozen(kw_only=True)
class YearReport:
    """The result of :func:`evaluate_year`."""

    year: int
    as_of: date | None
    policy: Policy
    members: Mapping[str, MemberYear]
    branches: Mapping[str, BranchYear]
    violations: tuple[Violation, ...]
    records_read: int
    unmatched_records: int

    @property
    def compliant_members(self) -> int:
        """How many members have no ERROR violation."""
        return sum(1 for m in self.members.values() if m.compliant)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per member, in member order — ready for ``pandas.DataFrame``.

        Keys include ``year``, ``member_id``, ``member_name``, ``branch_id``, ``net_minutes``,
        ``required_minutes``, ``months_missing``, ``branch_activities``, ``caring_actions``, ``compliant``.
        """
        return [m.to_record() for m in self.members.values()]

    def to_dataframe(self) -> Any:
        """:meth:`to_records` as a ``pandas.DataFrame`` (one row per member, the same columns).

        Needs pandas (``pip install pandas``); without it, raises ``ImportError`` saying so —
        :meth:`to_records` needs nothing.
        """
        from volunteer_core._html import records_frame

        return records_frame(self.to_records())

    def _repr_html_(self) -> str:
        """The report as HTML (notebooks): headline numbers, branches, violations by rule, members."""
        from volunteer_core._html import year_report_html

        return year_report_html(self)

    def violations_of(self, subject_id: str) -> tuple[Violation, ...]:
        """The violations whose subject is ``subject_id``."""
        return tuple(v for v in self.violations if v.subject_id == subject_id)

    def __iter__(self) -> Iterator[MemberYear]:
        return iter(self.members.values())


def _overlaps_year(member: Member, year: int) -> bool:
    return member.joined_on <= date(year, 12, 31) and (
        member.left_on is None or member.left_on >= date(year, 1, 1)
    )


def evaluate_year(
    year: int,
    *,
    members: Iterable[Member],
    records: Iterable[ServiceRecord],
    teams: Iterable[Team] = (),
    activities: Iterable[Activity] = (),
    pairings: Iterable[Pairing] = (),
    plans: Iterable[BranchPlan] = (),
    reports: Iterable[HalfYearReport] = (),
    branches: Iterable[Branch] = (),
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    registrations: Iterable[CommunityRegistration] = (),
) -> YearReport:
    """Judge a whole year in one pass over ``records``.

    Members whose membership overlaps the year are judged (each as :func:`evaluate_member_year` would);
    teams (``team.campaign``), branches (``branch.team``, ``branch.plan_due``, ``branch.report_due``) —
    every branch of a judged member, plus ``branches`` — activities of the year (``activity.*``) and
    pairings overlapping the year (``pairing.*``) are judged too. ``records`` may be any iterable (a
    database cursor, a generator) and is consumed once; records of unknown members are counted in
    ``unmatched_records``. With ``policy.community_service_where_registered`` (双报到), ``registrations``
    (``CommunityRegistration`` s) and the activities' ``community`` decide which community service counts
    toward ``member.monthly_community`` (pass every activity the year's records refer to).

    >>> from datetime import date
    >>> from volunteer_core import Member, evaluate_year
    >>> report = evaluate_year(2026, members=[Member(id="m1", name="甲", branch_id="b1",
    ...                        joined_on=date(2020, 1, 1), skills={"急救"})], records=[])
    >>> sorted({v.code for v in report.violations})  # doctest: +NORMALIZE_WHITESPACE
    ['branch.plan_due', 'branch.report_due', 'branch.team', 'member.annual_hours',
     'member.branch_activities', 'member.caring_action', 'member.monthly_community']
    """
    year = _check_year(year)
    as_of = _check_as_of(as_of)
    judged = [m for m in members if _overlaps_year(m, year)]
    registry: _Registered | None = None
    if policy.community_service_where_registered:
        activities = list(activities)
        registry = _Registered(activities, registrations)
    tallies: dict[str, tuple[_Tally, str, _MemberRegistered | None]] = {
        m.id: (_Tally(), m.branch_id, registry.for_member(m) if registry else None) for m in judged
    }
    read = unmatched = 0
    lookup = tallies.get
    for record in records:
        read += 1
        entry = lookup(record.member_id)
        if entry is None:
            unmatched += 1
        elif _counts(record, year, as_of):
            entry[0].add(record, entry[1], entry[2])

    member_years = {m.id: _judge(m, tallies[m.id][0].totals(m.id), year, policy, as_of) for m in judged}
    return _report(
        year,
        as_of,
        policy,
        judged=judged,
        member_years=member_years,
        read=read,
        unmatched=unmatched,
        teams=teams,
        activities=activities,
        pairings=pairings,
        plans=plans,
        reports=reports,
        branches=branches,
    )


def evaluate_year_totals(
    year: int,
    *,
    members: Iterable[Member],
    totals: Iterable[MemberTotals],
    teams: Iterable[Team] = (),
    activities: Iterable[Activity] = (),
    pairings: Iterable[Pairing] = (),
    plans: Iterable[BranchPlan] = (),
    reports: Iterable[HalfYearReport] = (),
    branches: Iterable[Branch] = (),
    policy: Policy = DEFAULT,
    as_of: date | None = None,
) -> YearReport:
    """:func:`evaluate_year` from per-member aggregates instead of records — the same report, for a
    storage that aggregates in the database (``GROUP BY``) instead of streaming every record.

    ``totals`` must be what :func:`member_year_totals` gives for the year's records with the same
    ``as_of`` and the members' own branches; a judged member without totals has no records. Not for
    ``policy.community_service_where_registered`` (双报到 needs each record's community: use
    :func:`evaluate_year`), which raises ``InvalidInput``. ``records_read`` sums ``totals.records``;
    ``unmatched_records`` sums those of members not judged.

    >>> from datetime import date
    >>> from volunteer_core import Member
    >>> m = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
    >>> report = evaluate_year_totals(2026, members=[m], totals=[MemberTotals(
    ...     member_id="m1", records=40, net_minutes=1200, community_sessions=(1,) * 12,
    ...     branch_activities=2, caring_actions=1)])
    >>> report.members["m1"].compliant, report.records_read
    (True, 40)
    """
    year = _check_year(year)
    as_of = _check_as_of(as_of)
    if policy.community_service_where_registered:
        raise InvalidInput(
            "policy",
            "community_service_where_registered",
            code="input.invalid",
            message_en="双报到 counting needs every record's community: use evaluate_year with the records",
            message_zh="双报到 计数需要逐条记录的社区，请用 evaluate_year 传入记录",
        )
    judged = [m for m in members if _overlaps_year(m, year)]
    judged_ids = {m.id for m in judged}
    by_member: dict[str, MemberTotals] = {}
    read = unmatched = 0
    for total in totals:
        read += total.records
        if total.member_id in judged_ids:
            by_member[total.member_id] = total
        else:
            unmatched += total.records
    nothing = MemberTotals(member_id="")
    member_years = {m.id: _judge(m, by_member.get(m.id, nothing), year, policy, as_of) for m in judged}
    return _report(
        year,
        as_of,
        policy,
        judged=judged,
        member_years=member_years,
        read=read,
        unmatched=unmatched,
        teams=teams,
        activities=activities,
        pairings=pairings,
        plans=plans,
        reports=reports,
        branches=branches,
    )


def _report(
    year: int,
    as_of: date | None,
    policy: Policy,
    *,
    judged: list[Member],
    member_years: dict[str, MemberYear],
    read: int,
    unmatched: int,
    teams: Iterable[Team],
    activities: Iterable[Activity],
    pairings: Iterable[Pairing],
    plans: Iterable[BranchPlan],
    reports: Iterable[HalfYearReport],
    branches: Iterable[Branch],
) -> YearReport:
    """The rules beyond the members' (teams, branches, deadlines, activities, pairings), and the report."""
    ended = as_of is None or as_of >= date(year, 12, 31)
    teams = list(teams)
    known_branches = {b.id: b for b in branches}
    branch_ids = sorted({m.branch_id for m in judged} | set(known_branches))

    in_year = [a for a in activities if a.on.year == year and (as_of is None or a.on <= as_of)]
    evaluated_on = as_of or date(year, 12, 31)
    # group once so that each rule sees only its subject's items (no teams × activities scan)
    campaigns: dict[str, list[Activity]] = {}
    for activity in in_year:
        if activity.team_id is not None:
            campaigns.setdefault(activity.team_id, []).append(activity)
    team_violations: list[Violation] = []
    for team in teams:
        found = check_team_campaign(team, campaigns.get(team.id, ()), year, policy)
        if found and ended:
            team_violations.extend(found)
    teams_by_branch: dict[str, list[Team]] = {}
    for team in teams:
        teams_by_branch.setdefault(team.branch_id, []).append(team)
    plans_by_branch: dict[str, list[BranchPlan]] = {}
    for plan in plans:
        plans_by_branch.setdefault(plan.branch_id, []).append(plan)
    reports_by_branch: dict[str, list[HalfYearReport]] = {}
    for report in reports:
        reports_by_branch.setdefault(report.branch_id, []).append(report)
    branch_violations: dict[str, list[Violation]] = {
        branch_id: [
            *check_branch_team(branch_id, teams_by_branch.get(branch_id, ()), policy),
            *check_plan_due(branch_id, year, plans_by_branch.get(branch_id, ()), policy, as_of=as_of),
            *check_report_due(branch_id, year, reports_by_branch.get(branch_id, ()), policy, as_of=as_of),
        ]
        for branch_id in branch_ids
    }
    activity_violations = [v for a in in_year for v in check_activity(a, policy, evaluated_on=evaluated_on)]
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    pairing_violations = check_pairings(
        (
            p
            for p in pairings
            if p.period.start <= year_end and (p.period.end is None or p.period.end >= year_start)
        ),
        policy,
    )

    by_branch: dict[str, list[MemberYear]] = {b: [] for b in branch_ids}
    for member_year in member_years.values():
        by_branch[member_year.branch_id].append(member_year)
    branch_years: dict[str, BranchYear] = {}
    for branch_id in branch_ids:
        mine = by_branch[branch_id]
        known = known_branches.get(branch_id)
        branch_years[branch_id] = BranchYear(
            branch_id=branch_id,
            name=known.name if known else None,
            members=len(mine),
            compliant_members=sum(1 for y in mine if y.compliant),
            net_minutes=sum(y.net_minutes for y in mine),
            teams=len(teams_by_branch.get(branch_id, ())),
            violations=tuple(branch_violations[branch_id]),
        )

    everything = [
        *(v for y in member_years.values() for v in y.violations),
        *team_violations,
        *(v for b in branch_ids for v in branch_violations[b]),
        *activity_violations,
        *pairing_violations,
    ]
    return YearReport(
        year=year,
        as_of=as_of,
        policy=policy,
        members=MappingProxyType(member_years),
        branches=MappingProxyType(branch_years),
        violations=tuple(everything),
        records_read=read,
        unmatched_records=unmatched,
    )
