"""Time-bank rules of the national measures and the platforms: confirmation, timely recording, the
activity's date and length, sessions per day, and star levels.

``record.timeliness`` counts China's **official** working days (调休 included) through
:mod:`volunteer_core.calendar.workdays`; ``record.status`` says that PENDING and REJECTED minutes count nowhere.

>>> from datetime import date
>>> from volunteer_core import ServiceRecord
>>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
...                   on=date(2025, 9, 30), minutes=60, recorded_on=date(2025, 10, 22))
>>> [v.code for v in validate_record(r)]  # the 11th working day after 9-30, across 国庆
['record.timeliness']
>>> star_level(99 * 60 + 59), star_level(100 * 60)
(0, 1)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core.calendar import workdays
from volunteer_core.errors import InvalidInput
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.enums import RecordStatus
from volunteer_core.model.people import Member
from volunteer_core.model.qualification import Qualification
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.rules.ledger import check_record_status
from volunteer_core.rules.readiness import check_insured, check_qualified

__all__ = [
    "STAR_LABELS_ZH",
    "activity_date_violation",
    "check_activity_date",
    "check_duration",
    "check_sessions_per_day",
    "check_timeliness",
    "member_star_level",
    "on_activity_date",
    "sessions_taken",
    "star_level",
    "star_minutes",
    "validate_record",
]

#: 无星, 一星 … 五星.
STAR_LABELS_ZH = ("无星级", "一星级", "二星级", "三星级", "四星级", "五星级")


def _is_original(record: ServiceRecord) -> bool:
    return record.reverses is None and record.adjusts is None


@register("record.timeliness")
def check_timeliness(record: ServiceRecord, policy: Policy = DEFAULT) -> list[Violation]:
    """WARNING when more than ``policy.record_within_working_days`` official working days d with
    ``on < d ≤ recorded_on`` passed. Reversals and adjustments are corrections, not recordings: not judged;
    nor is a record without ``recorded_on``.

    A year beyond the official calendar's data raises ``InvalidInput`` (``calendar.unknown_year``), or with
    ``policy.beyond_official_calendar == "warn"`` gives a ``record.timeliness_unknown`` WARNING.

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                   on=date(2025, 9, 30), minutes=60, recorded_on=date(2025, 10, 21))
    >>> check_timeliness(r)  # the 10th working day: in time
    []
    """
    if record.recorded_on is None or not _is_original(record):
        return []
    limit = policy.record_within_working_days
    try:
        late = workdays.working_days_exceed(record.on, record.recorded_on, limit)
    except workdays.CalendarUnknown as unknown:
        if policy.beyond_official_calendar != "warn":
            raise
        return [
            violation(
                "record.timeliness_unknown",
                record.id,
                en=f"timeliness of record {record.id} not judged: the official working days of "
                f"{unknown.day.year} are not known",
                zh=f"{unknown.day.year} 年法定工作日安排未知，未判断记录 {record.id} 是否及时录入",
                year=unknown.day.year,
                on=record.on.isoformat(),
                recorded_on=record.recorded_on.isoformat(),
            )
        ]
    if not late:
        return []
    deadline = workdays.nth_working_day_after(record.on, limit) if limit else record.on
    return [
        violation(
            "record.timeliness",
            record.id,
            en=f"service of {record.on} was recorded on {record.recorded_on}, after the {limit}th working "
            f"day ({deadline})",
            zh=f"{record.on} 的志愿服务于 {record.recorded_on} 录入，超过 {limit} 个工作日（应于 {deadline} 前录入）",
            on=record.on.isoformat(),
            recorded_on=record.recorded_on.isoformat(),
            deadline=deadline.isoformat(),
            limit_working_days=limit,
        )
    ]


# the same check reports both codes
register("record.timeliness_unknown")(check_timeliness)


def _own_activity(record: ServiceRecord, activity: Activity) -> None:
    if activity.id != record.activity_id:
        raise InvalidInput(
            "activity",
            activity.id,
            message_en=f"record {record.id} belongs to activity {record.activity_id}, not {activity.id}",
            message_zh=f"记录 {record.id} 属于活动 {record.activity_id}，而非 {activity.id}",
        )


def on_activity_date(record: ServiceRecord, activity: Activity) -> bool:
    """Whether ``record`` agrees with its ``activity``'s date (``record.activity_date``): an original or a
    reversal dated within the activity's date or span ``on … until``; an adjustment always agrees (it is
    dated in an open year, not on the activity's day).

    >>> from datetime import date
    >>> from volunteer_core import Activity, ServiceRecord
    >>> a = Activity(id="a1", kind="community_service", branch_id="b1", on=date(2025, 3, 5), title="清扫")
    >>> on_activity_date(ServiceRecord.for_activity(a, id="r1", member_id="m1", minutes=60), a)
    True
    """
    return record.adjusts is not None or activity.on <= record.on <= activity.last_day


@register("record.activity_date")
def check_activity_date(record: ServiceRecord, activity: Activity) -> list[Violation]:
    """A record's ``on`` lies within its activity's date, or its span ``on … until`` (inclusive; 002 §三:
    a month's community service is an activity of that month). Adjustments are dated in an open year
    and are not judged; a reversal carries its original's date, and is judged like it.

    >>> from datetime import date
    >>> from volunteer_core import Activity, ServiceRecord
    >>> march = Activity(id="a1", kind="community_service", branch_id="b1", on=date(2025, 3, 5),
    ...                  title="社区清洁")
    >>> august = ServiceRecord.for_activity(march, id="r1", member_id="m1", minutes=60, on=date(2025, 8, 20))
    >>> [v.code for v in check_activity_date(august, march)]
    ['record.activity_date']
    >>> check_activity_date(ServiceRecord.for_activity(march, id="r2", member_id="m1", minutes=60), march)
    []
    """
    _own_activity(record, activity)
    if on_activity_date(record, activity):
        return []
    return [activity_date_violation(record.id, record.on, activity.id, activity.on, activity.last_day)]


def activity_date_violation(record_id: str, on: date, activity_id: str, first: date, last: date) -> Violation:
    """The ``record.activity_date`` violation of record ``record_id`` dated ``on``, whose activity
    ``activity_id`` runs from ``first`` to ``last`` (the same day for a one-day activity) — what
    :func:`check_activity_date` reports, built from the facts alone (the year evaluation's totals carry
    them, :class:`volunteer_core.compliance.MisdatedRecord`).

    >>> from datetime import date
    >>> v = activity_date_violation("r1", date(2025, 8, 20), "a1", date(2025, 3, 5), date(2025, 3, 5))
    >>> v.code, v.subject_id, v.details["activity_until"]
    ('record.activity_date', 'r1', '2025-03-05')
    """
    span = str(first) if first == last else f"{first}…{last}"
    return violation(
        "record.activity_date",
        record_id,
        en=f"record {record_id} is dated {on}, outside its activity {activity_id} ({span})",
        zh=f"记录 {record_id} 的服务日期 {on} 不在活动 {activity_id} 的日期（{span}）内",
        on=on.isoformat(),
        activity_id=activity_id,
        activity_on=first.isoformat(),
        activity_until=last.isoformat(),
    )


@register("record.duration")
def check_duration(record: ServiceRecord, activity: Activity) -> list[Violation]:
    """A record's minutes do not exceed the activity's ``duration_minutes`` (when it states one).

    >>> from datetime import date
    >>> from volunteer_core import Activity, ServiceRecord
    >>> a = Activity(id="a1", kind="pairing", branch_id="b1", on=date(2026, 3, 5), title="探访",
    ...              duration_minutes=120)
    >>> over = ServiceRecord.for_activity(a, id="r1", member_id="m1", minutes=121)
    >>> fits = ServiceRecord.for_activity(a, id="r2", member_id="m1", minutes=120)
    >>> [v.code for v in check_duration(over, a)], check_duration(fits, a)
    (['record.duration'], [])
    """
    _own_activity(record, activity)
    length = activity.duration_minutes
    if length is None or not _is_original(record) or record.minutes <= length:
        return []
    return [
        violation(
            "record.duration",
            record.id,
            en=f"record {record.id} claims {record.minutes} minutes; activity {activity.id} lasted {length}",
            zh=f"记录 {record.id} 申报 {record.minutes} 分钟，超过活动 {activity.id} 的时长 {length} 分钟",
            minutes=record.minutes,
            duration_minutes=length,
        )
    ]


def sessions_taken(record: ServiceRecord, existing: Iterable[ServiceRecord]) -> int:
    """How many sessions of ``record``'s member, activity and day ``existing`` already holds (other than
    ``record`` itself): originals not REJECTED, less those reversed."""
    taken = 0
    for other in existing:
        if (
            other.id == record.id
            or other.member_id != record.member_id
            or other.activity_id != record.activity_id
            or other.on != record.on
            or other.adjusts is not None
        ):
            continue
        if other.reverses is not None:
            taken -= 1
        elif other.status is not RecordStatus.REJECTED:
            taken += 1
    return max(taken, 0)


@register("record.sessions_per_day")
def check_sessions_per_day(
    record: ServiceRecord, existing: Iterable[ServiceRecord], policy: Policy = DEFAULT
) -> list[Violation]:
    """Adding ``record`` keeps its member within ``policy.max_sessions_per_day`` sessions of its activity
    on its day (i志愿). ``existing``: the records already stored (any; the irrelevant ones are skipped).

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> day = [ServiceRecord(id=f"r{i}", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                      on=date(2026, 3, 5), minutes=30) for i in range(4)]
    >>> check_sessions_per_day(day[2], day[:2]), [v.code for v in check_sessions_per_day(day[3], day[:3])]
    ([], ['record.sessions_per_day'])
    """
    if not _is_original(record) or record.status is RecordStatus.REJECTED:
        return []
    limit = policy.max_sessions_per_day
    taken = sessions_taken(record, existing)
    if taken + 1 <= limit:
        return []
    return [
        violation(
            "record.sessions_per_day",
            record.id,
            en=f"member {record.member_id} already has {taken} session(s) of activity {record.activity_id} "
            f"on {record.on}; at most {limit} a day",
            zh=f"志愿者 {record.member_id} 在 {record.on} 已有 {taken} 次活动 {record.activity_id} 的签到签退，"
            f"每天至多 {limit} 次",
            member_id=record.member_id,
            activity_id=record.activity_id,
            on=record.on.isoformat(),
            sessions=taken,
            limit=limit,
        )
    ]


def validate_record(
    record: ServiceRecord,
    policy: Policy = DEFAULT,
    *,
    activity: Activity | None = None,
    member: Member | None = None,
    qualifications: Iterable[Qualification] | None = None,
) -> list[Violation]:
    """Every single-record rule: ``record.status`` (PENDING / REJECTED count nowhere, WARNING),
    ``record.timeliness`` (WARNING), with ``activity`` (the record's own) ``record.activity_date``
    and ``record.duration`` (ERROR); with ``member`` (the record's own) ``member.uninsured`` on the
    record's date, and with ``activity`` too ``member.untrained`` given the member's ``qualifications``
    (none given: the member holds none). Each cites the policy's own document (``Policy.cite``).
    Reversals and adjustments correct the ledger and a rejected record counts for nothing: the member is
    not judged for them.

    >>> from datetime import date
    >>> from volunteer_core import Activity, Member, ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                   on=date(2026, 3, 5), minutes=60, status="pending")
    >>> [v.code for v in validate_record(r)]
    ['record.status']
    >>> a = Activity(id="a1", kind="pairing", branch_id="b1", on=date(2026, 3, 4), title="探访",
    ...              requires={"急救"})
    >>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
    >>> [v.code for v in validate_record(r, activity=a, member=m)]
    ['record.status', 'record.activity_date', 'member.untrained']
    """
    if not isinstance(record, ServiceRecord):
        raise InvalidInput(
            "record",
            record,
            code="input.type",
            message_en="must be a ServiceRecord",
            message_zh="须为服务记录",
        )
    found = [*check_record_status(record), *check_timeliness(record, policy)]
    if activity is not None:
        found.extend(check_activity_date(record, activity))
        found.extend(check_duration(record, activity))
    if member is not None:
        _own_member(record, member)
    if member is not None and _is_original(record) and record.status is not RecordStatus.REJECTED:
        found.extend(check_insured(member, record.on, policy))
        if activity is not None:
            found.extend(check_qualified(member, activity, qualifications or (), record.on, policy))
    return policy.cite(found)


def _own_member(record: ServiceRecord, member: Member) -> None:
    if not isinstance(member, Member):
        raise InvalidInput(
            "member", member, code="input.type", message_en="must be a Member", message_zh="须为志愿者"
        )
    if member.id != record.member_id:
        raise InvalidInput(
            "member",
            member.id,
            message_en=f"record {record.id} is member {record.member_id}'s, not {member.id}'s",
            message_zh=f"记录 {record.id} 属于志愿者 {record.member_id}，而非 {member.id}",
        )


def star_level(confirmed_minutes: int, policy: Policy = DEFAULT) -> int:
    """The star level 0 … 5 for ``confirmed_minutes`` under ``policy.star_thresholds_hours`` (inclusive).

    >>> star_level(299 * 60), star_level(300 * 60), star_level(10**6)
    (1, 2, 5)
    """
    if isinstance(confirmed_minutes, bool) or not isinstance(confirmed_minutes, int):
        raise InvalidInput(
            "confirmed_minutes",
            confirmed_minutes,
            code="input.type",
            message_en="must be whole minutes (int)",
            message_zh="须为整数分钟",
        )
    return sum(1 for hours in policy.star_thresholds_hours if confirmed_minutes >= hours * 60)


def star_minutes(
    member: Member, records: Iterable[ServiceRecord], *, as_of: date, policy: Policy = DEFAULT
) -> int:
    """The member's confirmed minutes that count toward a star level on ``as_of``: every confirmed record
    (reversals netted, adjustments in their own dates) dated on or before ``as_of`` — or, with
    ``policy.star_yearly_reset``, dated in the calendar year of ``as_of`` up to ``as_of``."""
    if type(as_of) is not date:
        raise InvalidInput(
            "as_of", as_of, code="input.type", message_en="must be a date", message_zh="须为日期"
        )
    first = date(as_of.year, 1, 1) if policy.star_yearly_reset else date.min
    return sum(
        r.minutes
        for r in records
        if r.member_id == member.id and r.status is RecordStatus.CONFIRMED and first <= r.on <= as_of
    )


def member_star_level(
    member: Member, records: Iterable[ServiceRecord], *, as_of: date, policy: Policy = DEFAULT
) -> int:
    """The member's star level on ``as_of``: :func:`star_level` of :func:`star_minutes`.

    >>> from datetime import date
    >>> from volunteer_core import Member, ServiceRecord
    >>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
    >>> rs = [ServiceRecord(id=f"r{i}", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                     on=date(2025, 1, 1 + i), minutes=600) for i in range(10)]
    >>> member_star_level(m, rs, as_of=date(2025, 12, 31))  # 100 hours
    1
    >>> member_star_level(m, rs, as_of=date(2025, 1, 9))  # 90 hours by then
    0
    """
    return star_level(star_minutes(member, records, as_of=as_of, policy=policy), policy)
