"""One member's year: what it reports (:class:`MemberYear`) and the totals a pass over the records
gathers (:class:`MemberTotals`, :func:`member_year_totals`); the judgement of them is in ``_judge``.

The private half of :mod:`volunteer_core.compliance` (its names are re-exported there).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from volunteer_core._catalogue import Violation
from volunteer_core.calendar.dates import first_day, last_day
from volunteer_core.compliance._activities import ActivityFacts, activity_facts
from volunteer_core.dual_registration import MemberRegistrations
from volunteer_core.errors import InvalidInput
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.enums import ActivityKind, RecordStatus, Severity
from volunteer_core.model.pairing import Pairing
from volunteer_core.model.people import Member
from volunteer_core.rules.timebank import activity_date_violation

_COMMUNITY = ActivityKind.COMMUNITY_SERVICE
_PAIRING = ActivityKind.PAIRING
_CARING = ActivityKind.CARING_ACTION
_TRAINING = ActivityKind.TRAINING
_CONFIRMED = RecordStatus.CONFIRMED
ALL_MONTHS = tuple(range(1, 13))


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
    bounds = month_bounds(year)
    if joined <= bounds[0][0] and (left is None or left >= bounds[11][1]):
        return ALL_MONTHS  # most members: the whole year, without a test per month
    return tuple(
        month
        for month, (first, last) in enumerate(bounds, start=1)
        if joined <= first and (left is None or left >= last)
    )


@functools.lru_cache(maxsize=32)
def month_bounds(year: int) -> tuple[tuple[date, date], ...]:
    """(first day, last day) of each month of ``year``, computed once a year: the judge asks for them
    for every member, and ``calendar.monthrange`` was a third of the judging time (bench_core.py).

    >>> month_bounds(2028)[1]
    (datetime.date(2028, 2, 1), datetime.date(2028, 2, 29))
    """
    return tuple((first_day(year, month), last_day(year, month)) for month in range(1, 13))


def valid_year(year: object) -> int:
    """``year`` when it is a year the evaluation can judge (an ``int`` from 1 to 9998), else
    ``InvalidInput`` (code ``input.type``, path ``year``) — the argument check every evaluation entry
    point shares, storages' pushdowns included.

    >>> valid_year(2026)
    2026
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9998:
        raise InvalidInput(
            "year", year, code="input.type", message_en="must be a year (int)", message_zh="须为年份（整数）"
        )
    return year


def valid_as_of(as_of: object) -> date | None:
    """``as_of`` when it is ``None`` or a ``datetime.date`` (not a datetime), else ``InvalidInput``
    (code ``input.type``, path ``as_of``).

    >>> valid_as_of(None) is None
    True
    """
    if as_of is not None and type(as_of) is not date:
        raise InvalidInput(
            "as_of", as_of, code="input.type", message_en="must be a date or None", message_zh="须为日期"
        )
    return as_of


#: The keys of :meth:`MemberYear.to_record` — the columns of :meth:`YearReport.to_records`, in order.
RECORD_COLUMNS = (
    "year",
    "as_of",
    "member_id",
    "member_name",
    "branch_id",
    "net_minutes",
    "required_minutes",
    "months_required",
    "months_missing",
    "branch_activities",
    "caring_actions",
    "skills",
    "registered_on",
    "trainings",
    "attendances",
    "compliant",
    "errors",
    "warnings",
    "pending",
)


@attrs.frozen(kw_only=True)
class MemberYear:
    """One member's year: the facts gathered and the violations found.

    ``months_required`` are the judged months (full months of membership that have ended by ``as_of``),
    ``months_missing`` those among them without enough community service; both ascending.
    ``pending`` lists the annual rules not yet met in a year that has not ended (not violations yet).
    ``registered_on`` (the member's), ``trainings`` (confirmed TRAINING records of the year, reversals
    subtracted) and ``attendances`` (confirmed records of the year at any activity, reversals subtracted,
    adjustments not counted) are the member's facts of 四覆盖 (``coverage.*``, judged per branch).
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
    registered_on: date | None = None
    trainings: int = 0
    attendances: int = 0

    @property
    def compliant(self) -> bool:
        """True when no ERROR violation was found."""
        for v in self.violations:  # noqa: SIM110 - a loop, not all() over a generator: read for every member
            if v.severity is Severity.ERROR:
                return False
        return True

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
            "registered_on": self.registered_on,
            "trainings": self.trainings,
            "attendances": self.attendances,
            "compliant": self.compliant,
            "errors": ",".join(errors),
            "warnings": ",".join(warnings),
            "pending": ",".join(self.pending),
        }

    def _repr_html_(self) -> str:
        """The member's year as an HTML table (notebooks)."""
        from volunteer_core.notebook.html import member_year_html

        return member_year_html(self)


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
class MisdatedRecord:
    """A confirmed record (not reversed) dated outside its activity's date or span — a
    ``record.activity_date`` violation found in the ledger: the record, its date, and the activity's
    first and last day (the same for a one-day activity).

    >>> from datetime import date
    >>> MisdatedRecord(record_id="r1", on=date(2025, 8, 20), activity_id="a1",
    ...                activity_on=date(2025, 3, 5), activity_until=date(2025, 3, 5)).violation().code
    'record.activity_date'
    """

    record_id: str
    on: date
    activity_id: str
    activity_on: date
    activity_until: date

    def violation(self) -> Violation:
        """The ``record.activity_date`` violation it is (an ERROR whose subject is the record)."""
        return activity_date_violation(
            self.record_id, self.on, self.activity_id, self.activity_on, self.activity_until
        )


@attrs.frozen(kw_only=True)
class MemberTotals:
    """What the member rules need from one member's records of a year — the per-member aggregates a
    database can compute with ``GROUP BY`` (see :meth:`volunteer_core.ports.UnitOfWork.member_year_totals`).

    ``records`` counts every record of the member dated in the year (any status, also after ``as_of``);
    the other fields count only CONFIRMED records dated in the year and not after ``as_of``:
    ``net_minutes`` (reversals and adjustments included), ``community_sessions`` (12 counts, January
    first: COMMUNITY_SERVICE records minus their reversals), ``branch_activities`` (distinct 共建、帮扶
    activities the member's own branch organises — :func:`~volunteer_core.rules.member.credited_branches`
    — whose records outnumber their reversals) and ``caring_actions`` (CARING_ACTION records minus their
    reversals), ``trainings`` (TRAINING records minus their reversals) and ``attendances`` (records of
    any kind minus their reversals: a member with ``attendances > 0`` took part in the year — 四覆盖).
    Adjustments count in ``net_minutes`` only.

    A record dated outside its activity's date or span (``record.activity_date``) counts in
    ``net_minutes`` and ``attendances`` only — not toward a month, a branch activity, a caring action or
    a training — and, unless reversed, is listed in ``misdated`` (by record id). Whose activity is not
    known (not passed to the fold) is judged by its own fields: a PAIRING record of the own branch
    counts, its date is not judged.

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
    trainings: int = 0
    attendances: int = 0
    misdated: tuple[MisdatedRecord, ...] = ()


class Tally:
    """The running totals of one member over one pass (private, mutable)."""

    __slots__ = (
        "activities",
        "attendances",
        "caring",
        "community",
        "minutes",
        "misdated",
        "records",
        "reversed",
        "trainings",
    )

    def __init__(self) -> None:
        self.records = 0
        self.minutes = 0
        self.community = [0] * 12
        self.activities: dict[str, int] = {}
        self.caring = 0
        self.trainings = 0
        self.attendances = 0
        self.misdated: dict[str, MisdatedRecord] = {}
        self.reversed: set[str] = set()  # originals whose (misdated) reversal was met

    def add(
        self,
        record: ServiceRecord,
        own_branch: str | None,
        registered: MemberRegistrations | None = None,
        activity: ActivityFacts | None = None,
    ) -> None:
        """Count ``record`` (confirmed, of the year) for a member of ``own_branch``; ``activity``: the
        facts of its activity, when known."""
        self.minutes += record.minutes
        if record.adjusts is not None:
            return  # an adjustment corrects minutes only
        step = -1 if record.reverses is not None else 1
        self.attendances += step
        if activity is not None and not activity.first <= record.on <= activity.last:
            self._misdated(record, activity)  # record.activity_date: minutes and attendance only
            return
        kind = record.kind
        if kind is _COMMUNITY:
            if registered is None or registered.counts(record):
                self.community[record.on.month - 1] += step
        elif kind is _CARING:
            self.caring += step
        elif kind is _TRAINING:
            self.trainings += step
        if activity is None:  # not known: the record's own branch and kind decide
            credited = kind is _PAIRING and record.branch_id == own_branch
        else:
            credited = own_branch in activity.branches
        if credited:
            self.activities[record.activity_id] = self.activities.get(record.activity_id, 0) + step

    def _misdated(self, record: ServiceRecord, activity: ActivityFacts) -> None:
        if record.reverses is not None:
            self.reversed.add(record.reverses)  # a reversal carries its original's date: cancels it
            return
        self.misdated[record.id] = MisdatedRecord(
            record_id=record.id,
            on=record.on,
            activity_id=record.activity_id,
            activity_on=activity.first,
            activity_until=activity.last,
        )

    def totals(self, member_id: str) -> MemberTotals:
        return MemberTotals(
            member_id=member_id,
            records=self.records,
            net_minutes=self.minutes,
            community_sessions=tuple(self.community),
            branch_activities=sum(1 for n in self.activities.values() if n > 0),
            caring_actions=self.caring,
            trainings=self.trainings,
            attendances=self.attendances,
            misdated=self.misdated_records(),
        )

    def misdated_records(self) -> tuple[MisdatedRecord, ...]:
        """The records off their activity's date whose reversal was not met, by record id."""
        return tuple(self.misdated[r] for r in sorted(self.misdated) if r not in self.reversed)


def member_year_totals(
    records: Iterable[ServiceRecord],
    year: int,
    *,
    branch_of: Mapping[str, str],
    as_of: date | None = None,
    activities: Iterable[Activity] = (),
    pairings: Iterable[Pairing] = (),
) -> dict[str, MemberTotals]:
    """Fold ``records`` (one pass, any order) into one :class:`MemberTotals` per member met — the
    reference for a storage's ``GROUP BY`` pushdown. ``branch_of`` maps a member id to the member's
    own branch (for ``branch_activities``); a member missing from it has no own-branch activities.
    ``activities`` and ``pairings`` (every one the records refer to, for a storage: all of them) say
    which branches organise each activity and which days it covers; a record whose activity is not
    among them is judged by its own fields. Records of other years are skipped; the result is ordered
    by member id.

    >>> member_year_totals([], 2026, branch_of={})
    {}
    """
    year = valid_year(year)
    as_of = valid_as_of(as_of)
    facts = activity_facts(activities, pairings).get
    tallies: dict[str, Tally] = {}
    for record in records:
        if record.on.year != year:
            continue
        tally = tallies.get(record.member_id)
        if tally is None:
            tally = tallies[record.member_id] = Tally()
        tally.records += 1
        if counts(record, year, as_of):
            tally.add(record, branch_of.get(record.member_id), activity=facts(record.activity_id))
    return {member_id: tallies[member_id].totals(member_id) for member_id in sorted(tallies)}


def counts(record: ServiceRecord, year: int, as_of: date | None) -> bool:
    return record.status is _CONFIRMED and record.on.year == year and (as_of is None or record.on <= as_of)
