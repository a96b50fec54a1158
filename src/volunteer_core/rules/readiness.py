"""Ready to serve: insured (``member.uninsured``, 003 §四.5 「为志愿者办理人身意外伤害综合保险」) and trained
(``member.untrained``, 先培训再上岗: 中办国办《关于健全新时代志愿服务体系的意见》2024 §四.3) on the service
date; and the qualifications a training earns (:func:`earned_qualifications`).

Both rules judge one member on one day; the use-cases refuse with them (``assign_demand`` /
``accept_demand``, every way service is recorded). Each violation cites the policy's own document
(``Policy.cite``).

>>> from datetime import date
>>> from volunteer_core import Activity, Member, Qualification, policies
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), insured_until=date(2026, 3, 5))
>>> [v.source for v in check_insured(m, date(2026, 3, 6), policies.MEILIE_2017)]
['003 §四.5']
>>> aid = Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 6), title="急救保障",
...                requires={"急救"})
>>> [v.details["missing"] for v in check_qualified(m, aid, [], date(2026, 3, 6))]
[['急救']]
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core.errors import InvalidInput
from volunteer_core.model import MAX_ID_LENGTH
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.enums import ActivityKind, RecordStatus
from volunteer_core.model.people import Member
from volunteer_core.model.qualification import Qualification
from volunteer_core.policy import DEFAULT, Policy

__all__ = [
    "check_insured",
    "check_qualified",
    "earned_qualifications",
    "qualification_expiry",
    "qualification_id",
]


def _a_day(path: str, value: object) -> date:
    if type(value) is not date:
        raise InvalidInput(path, value, code="input.type", message_en="must be a date", message_zh="须为日期")
    return value


def _a(kind: type, path: str, value: object, en: str, zh: str) -> None:
    if not isinstance(value, kind):
        raise InvalidInput(
            path, value, code="input.type", message_en=f"must be a {en}", message_zh=f"须为{zh}"
        )


@register("member.uninsured")
def check_insured(member: Member, on: date, policy: Policy = DEFAULT) -> list[Violation]:
    """ERROR ``member.uninsured`` when ``policy.require_insurance`` and the member's insurance does not
    cover ``on`` (:meth:`Member.is_insured_on`: ``on ≤ insured_until``; no ``insured_until``: not insured).
    The last insured day passes, the day after is refused; a policy without insurance judges nothing.

    >>> from datetime import date
    >>> from volunteer_core import Member, policies
    >>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1),
    ...            insured_until=date(2026, 12, 31))
    >>> check_insured(m, date(2026, 12, 31), policies.MEILIE_2017), check_insured(m, date(2027, 1, 1))
    ([], [])
    >>> [v.code for v in check_insured(m, date(2027, 1, 1), policies.MEILIE_2017)]
    ['member.uninsured']
    """
    _a(Member, "member", member, "Member", "志愿者")
    _a_day("on", on)
    if not policy.require_insurance or member.is_insured_on(on):
        return []
    until = member.insured_until
    if until is None:
        en_cover, zh_cover = "no insurance is on record", "未登记保险"
    else:
        en_cover, zh_cover = f"insured until {until}", f"保险有效期至 {until}"
    return policy.cite(
        [
            violation(
                "member.uninsured",
                member.id,
                en=f"{member.name} ({member.id}) has no personal accident insurance on {on} ({en_cover}): "
                "not to be dispatched, nor to serve",
                zh=f"志愿者 {member.name}（{member.id}）在 {on} 无有效的人身意外伤害综合保险（{zh_cover}），"
                "不得派单、接单或记录服务",
                member_id=member.id,
                on=on.isoformat(),
                insured_until=None if until is None else until.isoformat(),
            )
        ]
    )


def _names(names: Iterable[str]) -> str:
    return "、".join(names)


@register("member.untrained")
def check_qualified(
    member: Member,
    activity: Activity,
    qualifications: Iterable[Qualification],
    on: date,
    policy: Policy = DEFAULT,
) -> list[Violation]:
    """ERROR ``member.untrained`` when ``policy.require_training`` and some qualification the ``activity``
    ``requires`` is not held by the member on ``on``: held = one of the member's ``qualifications`` (those
    of other members are ignored) with that name and valid on ``on`` (:meth:`Qualification.is_valid_on`:
    ``earned_on ≤ on ≤ expires_on``). Details: ``missing`` (the names not held, sorted), ``expired``
    (name → the latest expiry before ``on``) and ``earned_later`` (name → the first ``earned_on`` after
    ``on``) for the missing names that have such a qualification.

    >>> from datetime import date
    >>> from volunteer_core import Activity, Member, Qualification
    >>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
    >>> a = Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 5), title="马拉松保障",
    ...              requires={"急救"})
    >>> q = Qualification(id="q1", member_id="m1", name="急救", earned_on=date(2023, 3, 5),
    ...                   expires_on=date(2026, 3, 4))
    >>> [v.details["expired"] for v in check_qualified(m, a, [q], date(2026, 3, 5))]
    [{'急救': '2026-03-04'}]
    >>> check_qualified(m, a, [q], date(2026, 3, 4))
    []
    """
    _a(Member, "member", member, "Member", "志愿者")
    _a(Activity, "activity", activity, "Activity", "活动")
    _a_day("on", on)
    if not policy.require_training or not activity.requires:
        return []
    own = [q for q in qualifications if _is_qualification(q) and q.member_id == member.id]
    held = {q.name for q in own if q.is_valid_on(on)}
    missing = sorted(activity.requires - held)
    if not missing:
        return []
    expired: dict[str, str] = {}
    earned_later: dict[str, str] = {}
    for name in missing:
        ended = [
            q.expires_on for q in own if q.name == name and q.expires_on is not None and q.expires_on < on
        ]
        if ended:
            expired[name] = max(ended).isoformat()
        later = [q.earned_on for q in own if q.name == name and q.earned_on > on]
        if later:
            earned_later[name] = min(later).isoformat()
    en_notes = [f"{n} expired on {d}" for n, d in expired.items()]
    en_notes += [f"{n} earned only on {d}" for n, d in earned_later.items()]
    zh_notes = [f"{n}已于 {d} 过期" for n, d in expired.items()]
    zh_notes += [f"{n}于 {d} 才取得" for n, d in earned_later.items()]
    en_note = f" ({'; '.join(en_notes)})" if en_notes else ""
    zh_note = f"（{'；'.join(zh_notes)}）" if zh_notes else ""
    return policy.cite(
        [
            violation(
                "member.untrained",
                member.id,
                en=f"{member.name} ({member.id}) does not hold {', '.join(missing)} on {on}, required by "
                f"activity {activity.id}{en_note}: train before serving",
                zh=f"志愿者 {member.name}（{member.id}）在 {on} 未持有活动 {activity.id} 要求的有效资质"
                f"“{_names(missing)}”{zh_note}，应先培训再上岗",
                member_id=member.id,
                activity_id=activity.id,
                on=on.isoformat(),
                missing=missing,
                expired=expired,
                earned_later=earned_later,
            )
        ]
    )


def _is_qualification(value: object) -> bool:
    if not isinstance(value, Qualification):
        raise InvalidInput(
            "qualifications",
            value,
            code="input.type",
            message_en="must hold Qualification objects",
            message_zh="须为资质列表",
        )
    return True


def qualification_expiry(earned_on: date, valid_months: int | None) -> date | None:
    """The last valid day of a qualification earned on ``earned_on`` and valid ``valid_months`` months:
    ``earned_on`` + that many months (python-dateutil ``relativedelta``: the 31st becomes the month's last
    day) − 1 day; ``None`` (no expiry) without ``valid_months``. Beyond the calendar (year 9999): its last day.

    >>> from datetime import date
    >>> qualification_expiry(date(2026, 3, 5), 36), qualification_expiry(date(2026, 1, 31), 1)
    (datetime.date(2029, 3, 4), datetime.date(2026, 2, 27))
    >>> qualification_expiry(date(2026, 3, 5), None) is None
    True
    """
    if valid_months is None:
        return None
    try:
        return earned_on + relativedelta(months=valid_months) - timedelta(days=1)
    except (OverflowError, ValueError):
        return date.max


def qualification_id(record_id: str, name: str) -> str:
    """The id of the qualification ``name`` earned by record ``record_id``: ``"<record id>:<name>"`` — the
    same for the same record and name, so that it is stored once — or, when that is longer than an id
    may be (:data:`~volunteer_core.model.MAX_ID_LENGTH`), ``"qual-"`` and 40 hex digits of its SHA-256.

    >>> qualification_id("rec-1", "急救"), len(qualification_id("r" * 128, "急救"))
    ('rec-1:急救', 45)
    """
    plain = f"{record_id}:{name}"
    if len(plain) <= MAX_ID_LENGTH:
        return plain
    return "qual-" + hashlib.sha256(f"{record_id}\x00{name}".encode()).hexdigest()[:40]


def earned_qualifications(record: ServiceRecord, activity: Activity) -> list[Qualification]:
    """What attending ``activity`` earns the record's member: one :class:`Qualification` per name the
    activity ``grants`` (a TRAINING activity), sorted by name, earned on the record's date and valid
    ``grants_valid_months`` months (:func:`qualification_expiry`), with an id derived from the record
    (:func:`qualification_id`). Only a CONFIRMED original record earns anything: a pending, rejected,
    reversal or adjustment entry earns nothing (and a later reversal does not take a qualification back).

    >>> from datetime import date
    >>> from volunteer_core import Activity, ServiceRecord
    >>> t = Activity(id="t1", kind="training", branch_id="b1", on=date(2026, 3, 5), title="急救培训",
    ...              grants={"急救"}, grants_valid_months=36)
    >>> [(q.id, q.name, q.expires_on) for q in earned_qualifications(
    ...     ServiceRecord.for_activity(t, id="r1", member_id="m1", minutes=120), t)]
    [('r1:急救', '急救', datetime.date(2029, 3, 4))]
    """
    _a(ServiceRecord, "record", record, "ServiceRecord", "服务记录")
    _a(Activity, "activity", activity, "Activity", "活动")
    if (
        activity.kind is not ActivityKind.TRAINING
        or not activity.grants
        or record.activity_id != activity.id
        or record.status is not RecordStatus.CONFIRMED
        or record.reverses is not None
        or record.adjusts is not None
    ):
        return []
    expires_on = qualification_expiry(record.on, activity.grants_valid_months)
    return [
        Qualification(
            id=qualification_id(record.id, name),
            member_id=record.member_id,
            name=name,
            earned_on=record.on,
            expires_on=expires_on,
            activity_id=activity.id,
        )
        for name in sorted(activity.grants)
    ]
