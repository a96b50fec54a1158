"""Strategies for activities and the ledger: activities, service records, reversals.

>>> from hypothesis import find
>>> find(activities(year=2026), lambda a: True).on.year
2026
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from volunteer_core import calendar
from volunteer_core.model import Activity, ActivityKind, RecordStatus, ServiceRecord
from volunteer_core.model.activity import MAX_MINUTES_PER_RECORD
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.testing.strategies._common import (
    check_bounds,
    check_invalid,
    choice,
    days,
    enum_choice,
    recording_dates,
)
from volunteer_core.testing.strategies.values import DATE_MAX, DATE_MIN, ids

__all__ = ["ACTIVITY_INVALID", "activities", "reversals", "service_records", "with_reversals"]

#: The rule codes ``activities(invalid=...)`` knows how to break.
ACTIVITY_INVALID: Final = ("activity.festival_window",)

_ACTIVITY_TITLES: Final = {
    ActivityKind.PAIRING: ("结对帮扶走访", "结对共建座谈"),
    ActivityKind.PRACTICAL_HELP: ("为困难群众办实事", "上门维修"),
    ActivityKind.FESTIVAL: ("节日慰问", "同过节送温暖"),
    ActivityKind.COMMUNITY_SERVICE: ("社区环境整治", "社区义诊"),
    ActivityKind.CARING_ACTION: ("爱心捐赠", "义务献血"),
    ActivityKind.TEAM_CAMPAIGN: ("志愿服务队集中服务日", "学雷锋集中服务"),
    ActivityKind.TRAINING: ("志愿服务技能培训", "急救培训"),
    ActivityKind.OTHER: ("其他志愿服务", "文明劝导"),
}


@attrs.frozen
class _FestivalKeys:
    """What ``calendar.festivals`` reads of a policy (hashable, for the cache)."""

    festivals: frozenset[str]
    festival_window_days: int | None


@functools.lru_cache(maxsize=512)
def _festival_days(year: int, keys: frozenset[str]) -> tuple[date, ...]:
    if not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
        return ()
    return tuple(f.on for f in calendar.festivals(year, _FestivalKeys(keys, None)))


@st.composite
def _festival_day(draw: st.DrawFn, lo: date, hi: date, policy: Policy) -> date:
    """A date within ``lo`` … ``hi`` and within the policy's festival window."""
    window = policy.festival_window_days
    if window is None:
        return draw(st.dates(lo, hi))
    year = draw(st.integers(lo.year, hi.year))
    near = [
        d
        for d in _festival_days(year, frozenset(policy.festivals))
        if lo - days(window) <= d <= hi + days(window)
    ]
    if not near:
        day = draw(st.dates(lo, hi))
        assume(calendar.within_festival_window(day, policy) is not None)
        return day
    festival = draw(st.sampled_from(near))
    day = festival + days(draw(st.integers(-window, window)))
    return min(max(day, lo), hi)


@st.composite
def _off_festival_day(draw: st.DrawFn, lo: date, hi: date, policy: Policy) -> date:
    day = draw(st.dates(lo, hi))
    assume(calendar.within_festival_window(day, policy) is None)
    return day


def activities(
    *,
    id: str | Sequence[str] | None = None,
    kind: ActivityKind | Iterable[ActivityKind] | None = None,
    branch_id: str | Sequence[str] | None = None,
    team_id: str | Sequence[str] | None = None,
    pairing_id: str | Sequence[str] | None = None,
    year: int | None = None,
    min_on: date = DATE_MIN,
    max_on: date = DATE_MAX,
    policy: Policy | None = None,
    invalid: str | None = None,
    co_organisers: Sequence[str] | None = None,
    max_span_days: int = 0,
    paired_kinds: Iterable[ActivityKind] = (ActivityKind.PAIRING,),
    qualifications: Sequence[str] | None = None,
) -> st.SearchStrategy[Activity]:
    """Activities with a title and a written summary. FESTIVAL activities fall within the policy's
    festival window (``activity.festival_window``); TEAM_CAMPAIGN ones name a team; ``team_id`` and
    ``pairing_id``, when given, are set on every activity (``pairing_id`` on those of ``paired_kinds``:
    PAIRING ones by default; add FESTIVAL and PRACTICAL_HELP for 同过节 and 办实事 held for a pairing's
    target). ``invalid="activity.festival_window"`` draws FESTIVAL activities far from every festival.

    ``co_organisers``: branch ids of which some activities draw one or two co-organising branches
    (``Activity.branch_ids``, the lead always among them); ``max_span_days``: some activities last
    several days, ``until`` up to that many days after ``on`` (never after ``max_on``). Both are off by
    default: one organiser, one day.

    ``qualifications``: names of which some activities require one or two (``Activity.requires``: 先培训再
    上岗) and some TRAINING ones grant one or two, valid for a drawn number of months or without expiry
    (``grants``, ``grants_valid_months``). Off by default: nothing required, nothing granted.

    >>> from hypothesis import find
    >>> from volunteer_core.rules import check_activity
    >>> a = find(activities(kind=ActivityKind.FESTIVAL, year=2026), lambda a: True)
    >>> a.on.year, check_activity(a)
    (2026, [])
    """
    check_invalid(invalid, ACTIVITY_INVALID)
    policy = DEFAULT if policy is None else policy
    if invalid is not None:
        if policy.festival_window_days is None:
            raise ValueError("this policy has no festival window to break")
        kind = ActivityKind.FESTIVAL
    if year is not None:
        min_on, max_on = max(min_on, date(year, 1, 1)), min(max_on, date(year, 12, 31))
    check_bounds(min_on, max_on, "min_on", "max_on")
    if isinstance(max_span_days, bool) or not isinstance(max_span_days, int) or max_span_days < 0:
        raise ValueError("max_span_days must be an integer >= 0")
    return _activity(
        choice("id", id, ids("a")),
        enum_choice("kind", kind, list(ActivityKind)),
        choice("branch_id", branch_id, ids("b")),
        None if team_id is None else choice("team_id", team_id, ids("t")),
        None if pairing_id is None else choice("pairing_id", pairing_id, ids("pr")),
        min_on,
        max_on,
        policy,
        invalid,
        tuple(co_organisers or ()),
        max_span_days,
        frozenset(paired_kinds),
        tuple(sorted(set(qualifications or ()))),
    )


@st.composite
def _activity(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    kinds: st.SearchStrategy[ActivityKind],
    branch_strategy: st.SearchStrategy[str],
    team_strategy: st.SearchStrategy[str] | None,
    pairing_strategy: st.SearchStrategy[str] | None,
    min_on: date,
    max_on: date,
    policy: Policy,
    invalid: str | None,
    co_organisers: tuple[str, ...],
    max_span_days: int,
    paired_kinds: frozenset[ActivityKind],
    qualifications: tuple[str, ...],
) -> Activity:
    kind = draw(kinds)
    if invalid is not None:
        on = draw(_off_festival_day(min_on, max_on, policy))
    elif kind is ActivityKind.FESTIVAL:
        on = draw(_festival_day(min_on, max_on, policy))
    else:
        on = draw(st.dates(min_on, max_on))
    team: str | None = None
    if team_strategy is not None:
        team = draw(team_strategy)
    elif kind is ActivityKind.TEAM_CAMPAIGN:
        team = draw(ids("t"))
    pairing = draw(pairing_strategy) if pairing_strategy is not None and kind in paired_kinds else None
    title = draw(st.sampled_from(_ACTIVITY_TITLES[kind]))
    others = draw(st.lists(st.sampled_from(co_organisers), max_size=2)) if co_organisers else []
    until = None
    if max_span_days and on < max_on and draw(st.booleans()):
        until = min(on + days(draw(st.integers(1, max_span_days))), max_on)
    requires: list[str] = []
    grants: list[str] = []
    valid_months = None
    if qualifications:
        some = st.lists(st.sampled_from(qualifications), max_size=2)
        if kind is ActivityKind.TRAINING:
            grants = draw(some)
            valid_months = draw(st.none() | st.integers(1, 60)) if grants else None
        else:
            requires = draw(some)
    return Activity(
        id=draw(id_strategy),
        kind=kind,
        branch_id=draw(branch_strategy),
        on=on,
        title=title,
        team_id=team,
        pairing_id=pairing,
        summary=f"{title}顺利开展",
        branch_ids=others,
        until=until,
        requires=requires,
        grants=grants,
        grants_valid_months=valid_months,
    )


def service_records(
    *,
    id: str | Sequence[str] | None = None,
    activity: Activity | st.SearchStrategy[Activity] | None = None,
    member_id: str | Sequence[str] | None = None,
    min_minutes: int = 1,
    max_minutes: int = MAX_MINUTES_PER_RECORD,
    status: RecordStatus | Iterable[RecordStatus] | None = RecordStatus.CONFIRMED,
    recorded: bool | None = None,
) -> st.SearchStrategy[ServiceRecord]:
    """Ordinary ledger entries (1 … 1440 minutes) at an activity, copying its kind, branch and date.

    ``status`` defaults to CONFIRMED (None: any). ``recorded``: None draws ``recorded_on`` as absent or
    0–5 days after the service (always within ``record.timeliness``), True/False forces it. For reversals
    see :func:`reversals` and :func:`with_reversals`.

    >>> from hypothesis import find
    >>> r = find(service_records(member_id="m-1"), lambda r: r.minutes > 60)
    >>> r.member_id, r.minutes, r.reverses
    ('m-1', 61, None)
    """
    if not 1 <= min_minutes <= max_minutes <= MAX_MINUTES_PER_RECORD:
        raise ValueError(f"need 1 <= min_minutes <= max_minutes <= {MAX_MINUTES_PER_RECORD}")
    if activity is None:
        activity_strategy: st.SearchStrategy[Activity] = activities()
    elif isinstance(activity, Activity):
        activity_strategy = st.just(activity)
    else:
        activity_strategy = activity
    return _service_record(
        choice("id", id, ids("r")),
        activity_strategy,
        choice("member_id", member_id, ids("m")),
        st.integers(min_minutes, max_minutes),
        enum_choice("status", status, list(RecordStatus)),
        recorded,
    )


@st.composite
def _service_record(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    activity_strategy: st.SearchStrategy[Activity],
    member_strategy: st.SearchStrategy[str],
    minutes: st.SearchStrategy[int],
    statuses: st.SearchStrategy[RecordStatus],
    recorded: bool | None,
) -> ServiceRecord:
    activity = draw(activity_strategy)
    return ServiceRecord.for_activity(
        activity,
        id=draw(id_strategy),
        member_id=draw(member_strategy),
        minutes=draw(minutes),
        recorded_on=draw(recording_dates(activity.on, recorded)),
        status=draw(statuses),
    )


def reversals(
    records: st.SearchStrategy[ServiceRecord] | None = None,
    *,
    id: str | Sequence[str] | None = None,
) -> st.SearchStrategy[tuple[ServiceRecord, ServiceRecord]]:
    """Pairs ``(original, reversal)``: an ordinary record and the entry that cancels it (same member,
    activity, branch, kind and date; negated minutes; entered 0–30 days after the original).

    >>> from hypothesis import find
    >>> original, reversal = find(reversals(), lambda pair: True)
    >>> reversal.reverses == original.id, reversal.minutes == -original.minutes
    (True, True)
    """
    return _reversal(service_records() if records is None else records, choice("id", id, ids("r")))


@st.composite
def _reversal(
    draw: st.DrawFn, records: st.SearchStrategy[ServiceRecord], id_strategy: st.SearchStrategy[str]
) -> tuple[ServiceRecord, ServiceRecord]:
    original = draw(records)
    new_id = draw(id_strategy.filter(lambda i: i != original.id))
    entered = (original.recorded_on or original.on) + days(draw(st.integers(0, 30)))
    return original, original.reversal(id=new_id, recorded_on=entered)


def with_reversals(
    records: Sequence[ServiceRecord], *, max_reversals: int | None = None, id_prefix: str = "r"
) -> st.SearchStrategy[list[ServiceRecord]]:
    """``records`` followed by the reversals of some of their ordinary entries (each reversed at most
    once), with fresh ids ``<id_prefix>-<n>`` that collide with no id of ``records``.

    >>> from hypothesis import find
    >>> from datetime import date
    >>> r = ServiceRecord(id="r-1", member_id="m-1", activity_id="a-1", branch_id="b-1",
    ...                   kind="pairing", on=date(2026, 3, 5), minutes=90)
    >>> ledger = find(with_reversals([r]), lambda rs: len(rs) == 2)
    >>> [(x.id, x.minutes, x.reverses) for x in ledger]
    [('r-1', 90, None), ('r-2', -90, 'r-1')]
    """
    items = list(records)
    return _with_reversals(items, max_reversals, id_prefix)


@st.composite
def _with_reversals(
    draw: st.DrawFn, records: list[ServiceRecord], max_reversals: int | None, id_prefix: str
) -> list[ServiceRecord]:
    reversed_already = {r.reverses for r in records if r.reverses is not None}
    candidates = [r for r in records if r.reverses is None and r.minutes > 0 and r.id not in reversed_already]
    if not candidates:
        return list(records)
    limit = len(candidates) if max_reversals is None else min(max_reversals, len(candidates))
    chosen = draw(st.lists(st.sampled_from(candidates), max_size=limit, unique_by=lambda r: r.id))
    used = {r.id for r in records}
    counter = len(records)
    result = list(records)
    for original in chosen:
        counter += 1
        while f"{id_prefix}-{counter}" in used:
            counter += 1
        new_id = f"{id_prefix}-{counter}"
        used.add(new_id)
        entered = (original.recorded_on or original.on) + days(draw(st.integers(0, 30)))
        result.append(original.reversal(id=new_id, recorded_on=entered))
    return result
