"""Activities and the time-bank ledger (时间银行): service records, reversals and adjustments.

>>> from datetime import date
>>> a = Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 5), title="社区清洁")
>>> r = ServiceRecord.for_activity(a, id="r1", member_id="m1", minutes=120)
>>> r.kind is a.kind, r.branch_id, r.on, r.status.value
(True, 'b1', datetime.date(2026, 3, 5), 'confirmed')
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from volunteer_core.errors import InvalidInput
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import ActivityKind, RecordStatus

__all__ = ["MAX_MINUTES_PER_RECORD", "Activity", "ServiceRecord"]

#: A single ledger entry covers one day of one activity: at most 24 hours.
MAX_MINUTES_PER_RECORD = 24 * 60


def _optional_duration(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_MINUTES_PER_RECORD:
        raise InvalidInput(
            attribute.name,
            value,
            message_en="must be None or whole minutes between 1 and 1440 (one day)",
            message_zh="须为空或1至1440之间的整数分钟",
        )


#: The longest validity of a granted qualification: 100 years.
_MAX_VALID_MONTHS = 1200


def _optional_months(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_VALID_MONTHS:
        raise InvalidInput(
            attribute.name,
            value,
            message_en=f"must be None or whole months between 1 and {_MAX_VALID_MONTHS}",
            message_zh=f"须为空或1至{_MAX_VALID_MONTHS}之间的整数月",
        )


@attrs.frozen(kw_only=True)
class Activity:
    """One dated volunteer activity of a branch (or of one of its teams).

    ``branch_id`` is the branch that leads it; ``branch_ids`` every branch that organises it — the lead
    and its co-organisers (000 §四.1: 支部单独、厅内支部联合、联合有关厅局). The lead is always among
    them: it is added when missing, so ``branch_ids`` defaults to ``{branch_id}`` (``attrs.evolve`` to
    another lead keeps the former one as a co-organiser unless ``branch_ids`` is given too). ``on`` is the
    activity's date, or the first day of a multi-day activity whose last day is ``until`` (not before
    ``on``); a record of the activity lies within ``on … until`` (``record.activity_date``).
    ``pairing_id`` links the activity to its pairing — a PAIRING activity, or a FESTIVAL /
    PRACTICAL_HELP activity held for the pairing's target (同过节, 办实事); ``summary`` is the written
    summary that 001 §(三) asks for after every activity.

    >>> from datetime import date
    >>> Activity(id="a1", kind="festival", branch_id="b1", on=date(2026, 9, 25), title="中秋同过节").kind.label_zh
    '我和帮扶对象同过节'
    >>> joint = Activity(id="a2", kind="pairing", branch_id="b1", branch_ids={"b2"}, on=date(2026, 3, 5),
    ...                  until=date(2026, 3, 6), title="两支部联合走访")
    >>> sorted(joint.branch_ids), joint.covers(date(2026, 3, 6)), joint.covers(date(2026, 3, 7))
    (['b1', 'b2'], True, False)
    """

    id: str = attrs.field(validator=f.identifier)
    kind: ActivityKind = attrs.field(converter=f.to_activity_kind, validator=f.member_of(ActivityKind))
    branch_id: str = attrs.field(validator=f.identifier)
    on: date = attrs.field(validator=f.a_date)
    title: str = attrs.field(validator=f.name_text)
    team_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    pairing_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    summary: str = attrs.field(default="", validator=f.plain_text)
    #: The activity's length in minutes (service time, travel excluded); a record may not exceed it.
    duration_minutes: int | None = attrs.field(default=None, validator=_optional_duration)
    #: The community (社区/村) where the activity took place, for 双报到 (see ``CommunityRegistration``).
    community: str | None = attrs.field(default=None, validator=f.optional_text)
    #: Every organising branch, the lead (``branch_id``) included — added when a given set lacks it.
    branch_ids: frozenset[str] = attrs.field(factory=frozenset, converter=f.to_frozenset, validator=f.id_set)
    #: The last day of a multi-day activity (``None``: a one-day activity, on ``on``).
    until: date | None = attrs.field(default=None, validator=f.optional_date)
    #: The qualifications (``"急救"``) a member must hold, unexpired, on the service date to serve in it
    #: (``member.untrained``: 先培训再上岗, 2024 national opinions §四.3).
    requires: frozenset[str] = attrs.field(factory=frozenset, converter=f.to_frozenset, validator=f.id_set)
    #: A TRAINING activity's qualifications: a confirmed record of it earns them (a ``Qualification``).
    grants: frozenset[str] = attrs.field(factory=frozenset, converter=f.to_frozenset, validator=f.id_set)
    #: How long what it ``grants`` stays valid, in months from the service date (``None``: no expiry);
    #: given only with ``grants`` (``InvalidInput`` otherwise).
    grants_valid_months: int | None = attrs.field(default=None, validator=_optional_months)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        if self.branch_id not in self.branch_ids:
            # the lead is always among the organisers (frozen: set once, while constructing)
            object.__setattr__(self, "branch_ids", self.branch_ids | {self.branch_id})
        f.check_order("until", self.on, self.until, "on")
        if self.grants and self.kind is not ActivityKind.TRAINING:
            raise InvalidInput(
                "grants",
                sorted(self.grants),
                message_en=f"only a training activity grants qualifications, not a {self.kind.value} one",
                message_zh="只有培训活动才能授予资质",
            )
        if self.grants_valid_months is not None and not self.grants:
            raise InvalidInput(
                "grants_valid_months",
                self.grants_valid_months,
                message_en="a validity in months belongs to an activity that grants qualifications (grants)",
                message_zh="未授予资质（grants）的活动不能设定资质有效期",
            )

    @property
    def last_day(self) -> date:
        """The activity's last day: ``until``, or ``on`` for a one-day activity."""
        return self.on if self.until is None else self.until

    def covers(self, day: date) -> bool:
        """Whether ``day`` lies within the activity's date or span ``on … until`` (inclusive)."""
        return self.on <= day <= self.last_day


@attrs.frozen(kw_only=True)
class ServiceRecord:
    """One ledger entry: a member served ``minutes`` at an activity on a day.

    * an ordinary record has ``0 < minutes ≤ 1440``;
    * a reversal (``reverses`` = the id it cancels) copies its original's member, activity, branch, kind
      and date and carries the negated minutes (``< 0``); build it with :meth:`reversal`;
    * an adjustment (``adjusts`` = the id it corrects) is dated in an open year and may carry minutes of
      either sign (not zero); it counts in its own year.

    ``kind`` and ``branch_id`` are the activity's, copied when recorded; ``recorded_on`` is the day of
    entry (not before ``on``). ``status`` defaults to CONFIRMED: only confirmed minutes count.

    >>> from datetime import date
    >>> ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
    ...               kind="community_service", on=date(2026, 3, 5), minutes=0)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ minutes: ...
    """

    id: str = attrs.field(validator=f.identifier)
    member_id: str = attrs.field(validator=f.identifier)
    activity_id: str = attrs.field(validator=f.identifier)
    branch_id: str = attrs.field(validator=f.identifier)
    kind: ActivityKind = attrs.field(converter=f.to_activity_kind, validator=f.member_of(ActivityKind))
    on: date = attrs.field(validator=f.a_date)
    minutes: int = attrs.field(validator=f.an_int)
    recorded_on: date | None = attrs.field(default=None, validator=f.optional_date)
    reverses: str | None = attrs.field(default=None, validator=f.optional_identifier)
    status: RecordStatus = attrs.field(
        default=RecordStatus.CONFIRMED,
        converter=f.to_record_status,
        validator=f.member_of(RecordStatus),
    )
    adjusts: str | None = attrs.field(default=None, validator=f.optional_identifier)
    #: Who confirmed or rejected a self-reported record (the organiser); None for an organiser's entry.
    decided_by: str | None = attrs.field(default=None, validator=f.optional_identifier)
    #: The day it was confirmed or rejected.
    decided_on: date | None = attrs.field(default=None, validator=f.optional_date)
    #: Why it was rejected.
    reason: str = attrs.field(default="", validator=f.plain_text)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        def bad(en: str, zh: str) -> InvalidInput:
            return InvalidInput("minutes", self.minutes, message_en=en, message_zh=zh)

        if self.reverses is not None and self.adjusts is not None:
            raise InvalidInput(
                "adjusts",
                self.adjusts,
                message_en="a record is either a reversal or an adjustment, not both",
                message_zh="一条记录不能既是冲销又是调整",
            )
        if self.reverses is not None:
            if self.reverses == self.id:
                raise InvalidInput(
                    "reverses",
                    self.reverses,
                    message_en="a record cannot reverse itself",
                    message_zh="记录不能冲销自身",
                )
            if not -MAX_MINUTES_PER_RECORD <= self.minutes < 0:
                raise bad(
                    "a reversal carries the negated minutes of its original (-1440 … -1)",
                    "冲销记录的时长须为原记录时长的相反数（-1440至-1分钟）",
                )
        elif self.adjusts is not None:
            if self.minutes == 0:
                raise bad("an adjustment must change something (minutes ≠ 0)", "调整记录的时长不能为0")
        elif not 0 < self.minutes <= MAX_MINUTES_PER_RECORD:
            raise bad("minutes must be between 1 and 1440 (one day)", "服务时长须在1至1440分钟（一天）之间")
        if self.recorded_on is not None and self.recorded_on < self.on:
            raise InvalidInput(
                "recorded_on",
                self.recorded_on,
                message_en=f"recorded_on {self.recorded_on} is before the service date {self.on}",
                message_zh=f"录入日期 {self.recorded_on} 早于服务日期 {self.on}",
            )
        if self.status is RecordStatus.PENDING and (
            self.decided_by is not None or self.decided_on is not None
        ):
            raise InvalidInput(
                "decided_on" if self.decided_on is not None else "decided_by",
                self.decided_on if self.decided_on is not None else self.decided_by,
                message_en="a PENDING record has not been decided yet",
                message_zh="待确认的记录尚无确认人和确认日期",
            )
        if self.decided_on is not None and self.decided_on < self.on:
            raise InvalidInput(
                "decided_on",
                self.decided_on,
                message_en=f"decided_on {self.decided_on} is before the service date {self.on}",
                message_zh=f"确认日期 {self.decided_on} 早于服务日期 {self.on}",
            )

    @property
    def is_reversal(self) -> bool:
        """True for a reversal entry."""
        return self.reverses is not None

    @property
    def is_adjustment(self) -> bool:
        """True for an adjustment entry."""
        return self.adjusts is not None

    @property
    def counts(self) -> bool:
        """Whether the entry counts toward any rule (``record.status``: only CONFIRMED ones do)."""
        return self.status is RecordStatus.CONFIRMED

    @classmethod
    def for_activity(
        cls,
        activity: Activity,
        *,
        id: str,
        member_id: str,
        minutes: int,
        on: date | None = None,
        recorded_on: date | None = None,
        status: RecordStatus = RecordStatus.CONFIRMED,
    ) -> ServiceRecord:
        """A record at ``activity``, copying its kind and branch; ``on`` defaults to the activity's date."""
        return cls(
            id=id,
            member_id=member_id,
            activity_id=activity.id,
            branch_id=activity.branch_id,
            kind=activity.kind,
            on=activity.on if on is None else on,
            minutes=minutes,
            recorded_on=recorded_on,
            status=status,
        )

    def _decide(self, by: str, on: date, verb_en: str, verb_zh: str) -> None:
        from volunteer_core._catalogue import violation
        from volunteer_core.errors import RuleViolation

        if not isinstance(by, str) or not by.strip() or by != by.strip():
            raise InvalidInput(
                "by", by, code="input.required", message_en="who decides?", message_zh="须写明确认人"
            )
        if type(on) is not date:
            raise InvalidInput(
                "on", on, code="input.type", message_en="must be a date", message_zh="须为日期"
            )
        if self.status is not RecordStatus.PENDING:
            raise RuleViolation(
                violation(
                    "record.transition",
                    self.id,
                    en=f"record {self.id} is {self.status.name}; only a PENDING record is {verb_en}",
                    zh=f"记录 {self.id} {self.status.label_zh}，只有待确认的记录可以{verb_zh}",
                    status=self.status.value,
                )
            )
        if by == self.member_id:
            raise RuleViolation(
                violation(
                    "record.transition",
                    self.id,
                    en=f"member {by} cannot decide on their own record {self.id}",
                    zh=f"志愿者 {by} 不能{verb_zh}本人申报的记录 {self.id}",
                    status=self.status.value,
                    by=by,
                )
            )
        earliest = self.recorded_on or self.on
        if on < earliest:
            raise InvalidInput(
                "on",
                on,
                message_en=f"the decision date {on} is before the record's entry {earliest}",
                message_zh=f"确认日期 {on} 早于记录录入日期 {earliest}",
            )

    def confirm(self, *, by: str, on: date) -> ServiceRecord:
        """确认: PENDING → CONFIRMED by the organiser ``by`` (not the member) on ``on``.

        >>> from datetime import date
        >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
        ...                   on=date(2026, 3, 5), minutes=60, status="pending")
        >>> r.confirm(by="org1", on=date(2026, 3, 6)).status.value
        'confirmed'
        >>> r.confirm(by="m1", on=date(2026, 3, 6))
        Traceback (most recent call last):
        ...
        volunteer_core.errors.RuleViolation: record.transition: ...
        """
        self._decide(by, on, "confirmed", "确认")
        return attrs.evolve(self, status=RecordStatus.CONFIRMED, decided_by=by, decided_on=on)

    def reject(self, *, by: str, on: date, reason: str) -> ServiceRecord:
        """不予确认: PENDING → REJECTED by ``by`` on ``on``, with a reason (its minutes never count)."""
        self._decide(by, on, "rejected", "不予确认")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidInput(
                "reason",
                reason,
                code="input.required",
                message_en="a rejection needs a reason",
                message_zh="不予确认须说明理由",
            )
        return attrs.evolve(self, status=RecordStatus.REJECTED, decided_by=by, decided_on=on, reason=reason)

    def reversal(self, *, id: str, recorded_on: date) -> ServiceRecord:
        """The entry that cancels this one: same member, activity, branch, kind and date, negated minutes.

        >>> from datetime import date
        >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
        ...                   kind="pairing", on=date(2026, 3, 5), minutes=90)
        >>> rev = r.reversal(id="r2", recorded_on=date(2026, 3, 9))
        >>> rev.minutes, rev.on, rev.reverses
        (-90, datetime.date(2026, 3, 5), 'r1')
        """
        if self.reverses is not None:
            raise InvalidInput(
                "reverses",
                self.id,
                code="ledger.already_reversed",
                message_en=f"{self.id} is itself a reversal and cannot be reversed",
                message_zh=f"{self.id} 本身是冲销记录，不能再冲销",
            )
        if self.minutes <= 0:
            raise InvalidInput(
                "minutes",
                self.minutes,
                message_en="only an entry with positive minutes can be reversed; correct an adjustment with another",
                message_zh="只有正时长的记录可以冲销；调整记录请再做调整",
            )
        return ServiceRecord(
            id=id,
            member_id=self.member_id,
            activity_id=self.activity_id,
            branch_id=self.branch_id,
            kind=self.kind,
            on=self.on,
            minutes=-self.minutes,
            recorded_on=recorded_on,
            reverses=self.id,
            status=RecordStatus.CONFIRMED,
        )
