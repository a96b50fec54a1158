"""Judging one member's year from its totals: the member rules (``member.*``) and the ledger's
``record.activity_date``.

The private half of :mod:`volunteer_core.compliance`. What depends only on the year, the policy and
``as_of`` — the months' bounds, whether the year has ended, the requirement of each set of full months,
the policy's citations — is worked out once per evaluation (:class:`MemberJudge`), not once per member;
a rule is checked (its violation built) only for a member who breaks it, and a violation whose source
already is the policy's citation is kept as it is instead of being copied by ``Policy.cite``. Half of a
synthetic year's members have nothing to report: for them the judgement builds nothing but the
:class:`~volunteer_core.compliance.MemberYear` (bench/bench_core.py, docs/performance.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date

from volunteer_core._catalogue import RULES, Violation
from volunteer_core._trusted import trusted_constructor
from volunteer_core.compliance._activities import activity_facts
from volunteer_core.compliance._member import (
    ALL_MONTHS,
    MemberTotals,
    MemberYear,
    MisdatedRecord,
    Tally,
    counts,
    full_months,
    month_bounds,
    valid_as_of,
    valid_year,
)
from volunteer_core.dual_registration import registered_for
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.pairing import Pairing
from volunteer_core.model.people import Member
from volunteer_core.model.registration import CommunityRegistration
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.rules.member import (
    check_annual_hours,
    check_branch_activities,
    check_caring_action,
    check_monthly_community,
    check_skill,
)

__all__ = ["MemberJudge", "evaluate_member_year", "judge"]

#: The codes of the violations a member's year holds.
_CODES = (
    "member.annual_hours",
    "member.monthly_community",
    "member.branch_activities",
    "member.caring_action",
    "member.skill",
    "record.activity_date",
)
_member_year = trusted_constructor(MemberYear)


class MemberJudge:
    """The member rules of one year under one policy, up to ``as_of``: :meth:`judge` gives a member's
    :class:`~volunteer_core.compliance.MemberYear` from the member's totals — what
    :func:`~volunteer_core.compliance.evaluate_member_year` gives for the member's records.

    >>> from datetime import date
    >>> from volunteer_core import Member
    >>> from volunteer_core.policy import DEFAULT
    >>> m = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2026, 7, 1), skills={"急救"})
    >>> year = MemberJudge(2026, DEFAULT, None).judge(m, net_minutes=600, community=(1,) * 12,
    ...     branch_activities=1, caring_actions=1, trainings=0, attendances=20)
    >>> year.required_minutes, year.months_missing, year.compliant
    (600, (), True)
    """

    __slots__ = (
        "_by_months",
        "_caring",
        "_first",
        "_last",
        "_minutes",
        "_recite",
        "_sessions",
        "_skills",
        "_target",
        "_whole",
        "as_of",
        "ended",
        "judged_until",
        "policy",
        "year",
    )

    def __init__(self, year: int, policy: Policy, as_of: date | None) -> None:
        self.year, self.policy, self.as_of = year, policy, as_of
        year_end = date(year, 12, 31)
        self.ended = as_of is None or as_of >= year_end
        self.judged_until = year_end if as_of is None else as_of
        bounds = month_bounds(year)
        self._first, self._last = bounds[0][0], bounds[11][1]
        self._sessions = policy.min_community_sessions_per_month or 0
        # the policy's thresholds, read once (None: the rule is off)
        self._minutes = policy.min_annual_minutes
        self._target = policy.branch_activities_target or policy.branch_activities_min
        self._caring = policy.min_caring_actions
        self._skills = policy.min_skills
        # full months of membership → (months required, required minutes): a handful of distinct values
        self._by_months: dict[tuple[int, ...], tuple[tuple[int, ...], int]] = {}
        # whether the policy cites any member rule otherwise than the catalogue does (most do not: then
        # the violations are kept as built, with no copy through Policy.cite)
        sources = policy.sources
        self._recite = any(sources.get(code, RULES[code].source) != RULES[code].source for code in _CODES)
        # what a member of the whole year is required (most members): no look-up a member
        self._whole = self._requirements(ALL_MONTHS)

    def _requirements(self, months: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
        known = self._by_months.get(months)
        if known is not None:
            return known
        policy, bounds = self.policy, month_bounds(self.year)
        required_months = (
            tuple(m for m in months if bounds[m - 1][1] <= self.judged_until)
            if policy.min_community_sessions_per_month is not None
            else ()
        )
        minimum = policy.min_annual_minutes
        if minimum is None:
            required = 0
        elif policy.prorate_annual_minutes:
            required = math.ceil(minimum * len(months) / 12)
        else:
            required = minimum if months else 0
        known = self._by_months[months] = (required_months, required)
        return known

    def judge(
        self,
        member: Member,
        *,
        net_minutes: int,
        community: tuple[int, ...],
        branch_activities: int,
        caring_actions: int,
        trainings: int,
        attendances: int,
        misdated: Sequence[MisdatedRecord] = (),
    ) -> MemberYear:
        """The member's year from its totals (``community``: the 12 months' community sessions,
        January first; ``misdated``: the member's ``record.activity_date`` records, by record id)."""
        return self.judge_counts(
            member,
            net_minutes,
            community,
            branch_activities,
            caring_actions,
            trainings,
            attendances,
            misdated,
        )

    def judge_counts(
        self,
        member: Member,
        net_minutes: int,
        community: tuple[int, ...],
        branch_activities: int,
        caring_actions: int,
        trainings: int,
        attendances: int,
        misdated: Sequence[MisdatedRecord] = (),
    ) -> MemberYear:
        """:meth:`judge` with its arguments by position (the pass's call, once a member)."""
        joined, left = member.joined_on, member.left_on
        if joined <= self._first and (left is None or left >= self._last):
            months = ALL_MONTHS  # most members: the whole year
            months_required, required = self._whole
        else:
            months = full_months(member, self.year)
            months_required, required = self._requirements(months)
        need = self._sessions
        if not months_required or min(community) >= need:
            months_missing: tuple[int, ...] = ()
        else:
            months_missing = tuple(m for m in months_required if community[m - 1] < need)
        skills = len(member.skills)

        # most members break no rule and have nothing pending: then no list is built
        violations: list[Violation] | None = None
        pending: list[str] | None = None
        ended = self.ended
        # an annual rule not met is a violation once the year has ended, pending before
        if self._minutes is not None and net_minutes < required:
            if ended:
                violations = check_annual_hours(member, net_minutes=net_minutes, required_minutes=required)
            else:
                pending = ["member.annual_hours"]
        if months_missing:
            found = check_monthly_community(member, months_missing=months_missing)
            violations = found if violations is None else violations + found
        if months:  # the annual count rules judge members with at least one full month in the year
            target = self._target
            if target is not None and branch_activities < target:
                if ended:
                    found = check_branch_activities(member, count=branch_activities, policy=self.policy)
                    violations = found if violations is None else violations + found
                elif pending is None:
                    pending = ["member.branch_activities"]
                else:
                    pending.append("member.branch_activities")
            least = self._caring
            if least is not None and caring_actions < least:
                if ended:
                    found = check_caring_action(member, count=caring_actions, policy=self.policy)
                    violations = found if violations is None else violations + found
                elif pending is None:
                    pending = ["member.caring_action"]
                else:
                    pending.append("member.caring_action")
        least = self._skills
        if least is not None and skills < least:
            found = check_skill(member, self.policy)
            violations = found if violations is None else violations + found
        if misdated:  # record.activity_date, by record id
            found = [record.violation() for record in misdated]
            violations = found if violations is None else violations + found
        if violations is None:
            kept: tuple[Violation, ...] = ()
        elif self._recite:
            kept = cite(self.policy, violations)
        else:
            kept = tuple(violations)
        # every value below is the judge's own (ints it was given or counted, tuples it built)
        return _member_year(
            member.id,
            member.name,
            member.branch_id,
            self.year,
            self.as_of,
            net_minutes,
            required,
            months_required,
            months_missing,
            community,
            branch_activities,
            caring_actions,
            skills,
            () if pending is None else tuple(pending),
            kept,
            member.registered_on,
            trainings,
            attendances,
        )

    def judge_totals(self, member: Member, totals: MemberTotals) -> MemberYear:
        """:meth:`judge` from a :class:`~volunteer_core.compliance.MemberTotals`."""
        return self.judge(
            member,
            net_minutes=totals.net_minutes,
            community=totals.community_sessions,
            branch_activities=totals.branch_activities,
            caring_actions=totals.caring_actions,
            trainings=totals.trainings,
            attendances=totals.attendances,
            misdated=totals.misdated,
        )


def cite(policy: Policy, violations: list[Violation]) -> tuple[Violation, ...]:
    """``policy.cite(violations)`` as a tuple, keeping as it is each violation whose source already is
    the policy's citation of its rule (the same value; no copy made).

    >>> from volunteer_core._catalogue import violation
    >>> from volunteer_core.policy import DEFAULT
    >>> v = violation("member.skill", "m1", en="no skill", zh="没有技能")
    >>> cite(DEFAULT, [v])[0] is v, cite(DEFAULT, [v]) == tuple(DEFAULT.cite([v]))
    (True, True)
    """
    sources = policy.sources
    if all(sources.get(v.code, v.source) == v.source for v in violations):
        return tuple(violations)
    return tuple(policy.cite(violations))


def judge(member: Member, totals: MemberTotals, year: int, policy: Policy, as_of: date | None) -> MemberYear:
    """One member's year from its totals (:class:`MemberJudge`, for a single member).

    >>> from datetime import date
    >>> from volunteer_core import Member
    >>> from volunteer_core.policy import DEFAULT
    >>> m = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))
    >>> judge(m, MemberTotals(member_id="m1"), 2026, DEFAULT, None).codes[0]
    'member.annual_hours'
    """
    return MemberJudge(year, policy, as_of).judge_totals(member, totals)


def evaluate_member_year(
    member: Member,
    records: Iterable[ServiceRecord],
    year: int,
    *,
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    activities: Iterable[Activity] = (),
    registrations: Iterable[CommunityRegistration] = (),
    pairings: Iterable[Pairing] = (),
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
        activities: the activities the records refer to (with ``pairings``, the pairings they are linked
            to): which branches organise each activity (``member.branch_activities`` counts the 共建、
            帮扶 activities the member's branch leads or co-organises, those of a joint pairing
            included) and which days it covers (a record off them is a ``record.activity_date``
            violation and counts in the minutes only). A record whose activity is not given is judged
            by its own fields (a PAIRING record of the member's branch counts).
        pairings: the pairings the activities are linked to (a joint pairing's branches organise its
            activities).
        registrations: with ``policy.community_service_where_registered`` (双报到), the member's
            ``CommunityRegistration`` s; community service counts toward ``member.monthly_community``
            only where the member was registered (the activities give its ``community``).

    Returns:
        A :class:`MemberYear`.
    """
    year = valid_year(year)
    as_of = valid_as_of(as_of)
    activities = list(activities)
    facts = activity_facts(activities, pairings).get
    tally = Tally()
    registered = registered_for(member, policy, activities, registrations)
    for record in records:
        if record.member_id == member.id and counts(record, year, as_of):
            tally.add(record, member.branch_id, registered, facts(record.activity_id))
    return judge(member, tally.totals(member.id), year, policy, as_of)
