"""``member.branch_activities`` (000 §四.1) counts the 共建、帮扶 activities organised by the member's own
branch — led or co-organised (``Activity.branch_ids``), an activity of a joint pairing belonging to every
branch of the pairing — and FESTIVAL / PRACTICAL_HELP activities linked to one of the branch's pairings;
each once per member. In memory (``evaluate_member_year``, ``evaluate_year``) and through the SQL pushdown
(SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import (
    Activity,
    ActivityKind,
    Branch,
    DateRange,
    InvalidInput,
    Member,
    Pairing,
    PairingMode,
    ServiceRecord,
    Severity,
    evaluate_member_year,
    evaluate_year,
    services,
)
from volunteer_core.rules.member import credited_branches, organising_branches
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork

YEAR = 2025
B1, B2 = Branch(id="b1", name="一支部"), Branch(id="b2", name="二支部")
M1 = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
M2 = Member(id="m2", name="乙", branch_id="b2", joined_on=date(2020, 1, 1), skills={"急救"})


def _pairing(pid: str, mode: PairingMode, *branches: str) -> Pairing:
    return Pairing(
        id=pid, branch_ids=branches, target_id=f"t-{pid}", mode=mode, period=DateRange(date(YEAR, 1, 1))
    )


JOINT = _pairing("p-joint", PairingMode.JOINT_BRANCHES, "b1", "b2")
SOLO_B1 = _pairing("p-b1", PairingMode.SOLO, "b1")


def _activity(aid: str, kind: ActivityKind = ActivityKind.PAIRING, **more: Any) -> Activity:
    fields: dict[str, Any] = {"branch_id": "b1", "on": date(YEAR, 4, 1), "title": aid}
    fields.update(more)
    return Activity(id=aid, kind=kind, **fields)


def _attend(member: Member, *activities: Activity) -> list[ServiceRecord]:
    return [
        ServiceRecord.for_activity(a, id=f"r-{member.id}-{a.id}-{i}", member_id=member.id, minutes=60)
        for a in activities
        for i in range(2)  # two sessions: one activity counts once
    ]


# the case: a joint_branches pairing of b1 and b2, its activities entered under b1
VISIT = _activity("a-visit", pairing_id="p-joint", on=date(YEAR, 4, 3))
MID_AUTUMN = _activity("a-mid-autumn", ActivityKind.PAIRING, pairing_id="p-joint", on=date(YEAR, 10, 6))


def _count(member: Member, activities: Sequence[Activity], pairings: Sequence[Pairing]) -> int:
    records = _attend(member, *activities)
    alone = evaluate_member_year(member, records, YEAR, activities=activities, pairings=pairings)
    report = evaluate_year(YEAR, members=[member], records=records, activities=activities, pairings=pairings)
    assert report.members[member.id].branch_activities == alone.branch_activities
    return alone.branch_activities


def test_the_b2_member_of_a_joint_pairing_gets_both_activities_entered_under_b1() -> None:
    records = _attend(M2, VISIT, MID_AUTUMN)
    year = evaluate_member_year(M2, records, YEAR, activities=[VISIT, MID_AUTUMN], pairings=[JOINT])
    assert year.branch_activities == 2
    assert "member.branch_activities" not in year.codes
    # before: the pairing unknown, the activities are b1's alone — 0 and an ERROR
    unknown = evaluate_member_year(M2, records, YEAR, activities=[VISIT, MID_AUTUMN])
    assert unknown.branch_activities == 0
    assert [v.severity for v in unknown.violations if v.code == "member.branch_activities"] == [
        Severity.ERROR
    ]


def test_a_joint_department_pairing_belongs_to_its_branches_too_a_solo_one_to_its_own() -> None:
    department = attrs.evolve(JOINT, mode=PairingMode.JOINT_DEPARTMENT)
    assert _count(M2, [VISIT, MID_AUTUMN], [department]) == 2
    solo = _activity("a-solo", pairing_id="p-b1")
    assert _count(M2, [solo], [SOLO_B1]) == 0  # b1's own pairing: not b2's activity
    assert _count(M1, [solo], [SOLO_B1]) == 1


def test_co_organised_activities_count_for_every_organising_branch() -> None:
    co = _activity("a-co", branch_ids={"b2"})
    assert (_count(M1, [co], []), _count(M2, [co], [])) == (1, 1)
    led_by_b2 = _activity("a-b2", branch_id="b2")
    assert (_count(M1, [led_by_b2], []), _count(M2, [led_by_b2], [])) == (0, 1)


def test_a_linked_festival_visit_counts_an_unlinked_one_does_not() -> None:
    linked = _activity("a-fest", ActivityKind.FESTIVAL, pairing_id="p-b1", on=date(YEAR, 10, 6))
    loose = _activity("a-fest-loose", ActivityKind.FESTIVAL, on=date(YEAR, 10, 7))
    assert _count(M1, [linked], [SOLO_B1]) == 1
    assert _count(M1, [loose], [SOLO_B1]) == 0
    assert _count(M1, [linked], []) == 0, "the pairing not given: whose it is is unknown"


def test_practical_help_counts_when_linked_to_one_of_the_branch_s_pairings() -> None:
    help_b1 = _activity("a-help", ActivityKind.PRACTICAL_HELP, pairing_id="p-b1")
    assert _count(M1, [help_b1], [SOLO_B1]) == 1
    solo_b2 = _pairing("p-b2", PairingMode.SOLO, "b2")
    for_b2 = _activity("a-help-b2", ActivityKind.PRACTICAL_HELP, pairing_id="p-b2")  # b1 leads, b2's pairing
    assert (_count(M1, [for_b2], [solo_b2]), _count(M2, [for_b2], [solo_b2])) == (0, 0)
    joint_help = _activity("a-help-joint", ActivityKind.PRACTICAL_HELP, pairing_id="p-joint")
    assert (_count(M1, [joint_help], [JOINT]), _count(M2, [joint_help], [JOINT])) == (1, 1)


def test_other_kinds_never_count_even_linked() -> None:
    for kind in (ActivityKind.COMMUNITY_SERVICE, ActivityKind.CARING_ACTION, ActivityKind.TRAINING):
        assert _count(M1, [_activity(f"a-{kind.value}", kind, pairing_id="p-b1")], [SOLO_B1]) == 0


def test_a_reversed_attendance_does_not_count_a_misdated_one_neither() -> None:
    records = _attend(M2, VISIT)
    reversals = [r.reversal(id=f"x-{r.id}", recorded_on=date(YEAR, 4, 9)) for r in records]
    year = evaluate_member_year(M2, [*records, *reversals], YEAR, activities=[VISIT], pairings=[JOINT])
    assert year.branch_activities == 0
    late = attrs.evolve(records[0], on=date(YEAR, 8, 20))
    year = evaluate_member_year(M2, [late], YEAR, activities=[VISIT], pairings=[JOINT])
    assert (year.branch_activities, year.net_minutes) == (0, 60)
    assert [v.subject_id for v in year.violations if v.code == "record.activity_date"] == [late.id]


def test_the_helpers_refuse_another_activity_s_pairing() -> None:
    with pytest.raises(InvalidInput) as caught:
        organising_branches(VISIT, SOLO_B1)
    assert caught.value.path == "pairing"
    with pytest.raises(InvalidInput):
        credited_branches(VISIT, SOLO_B1)


# -- stored: the streamed evaluation and the SQL pushdown ------------------------------------------------


def _store(uow: Any) -> None:
    services.add_entities(uow, [B1, B2, M1, M2])
    for pairing in (JOINT, SOLO_B1):
        services.register_pairing(uow, pairing)
    linked = _activity("a-fest", ActivityKind.FESTIVAL, pairing_id="p-b1", on=date(YEAR, 10, 6))
    services.add_entities(uow, [VISIT, MID_AUTUMN, linked])
    for member, activities in ((M2, (VISIT, MID_AUTUMN)), (M1, (linked,))):
        for a in activities:
            services.record_service(uow, member_id=member.id, activity_id=a.id, minutes=60, recorded_on=a.on)


@pytest.fixture
def sql_pushdown(sql_url: str) -> Iterator[SqlUnitOfWork]:
    uow = SqlUnitOfWork(sql_url)
    _store(uow)
    yield uow
    uow.engine.dispose()


def test_the_sql_pushdown_counts_the_joint_pairing_and_the_linked_festival(
    sql_pushdown: SqlUnitOfWork,
) -> None:
    with sql_pushdown:
        totals = sql_pushdown.member_year_totals(YEAR)
    assert (totals["m2"].branch_activities, totals["m1"].branch_activities) == (2, 1)
    pushed = services.evaluate_year(sql_pushdown, YEAR)
    assert pushed.members["m2"].branch_activities == 2
    assert pushed.members["m1"].branch_activities == 1
    assert pushed == services.evaluate_year(sql_pushdown, YEAR, pushdown=False)


def test_in_memory_storage_the_streamed_evaluation_counts_them_too() -> None:
    uow = InMemoryUnitOfWork()
    _store(uow)
    streamed = services.evaluate_year(uow, YEAR, pushdown=False)
    assert (streamed.members["m2"].branch_activities, streamed.members["m1"].branch_activities) == (2, 1)


# -- property: the count is the definition's -----------------------------------------------------------

_KINDS = (
    ActivityKind.PAIRING,
    ActivityKind.FESTIVAL,
    ActivityKind.PRACTICAL_HELP,
    ActivityKind.CARING_ACTION,
)
_BRANCHES = ("b1", "b2", "b3")


@st.composite
def _worlds(draw: st.DrawFn) -> tuple[list[Pairing], list[Activity], dict[str, list[str]]]:
    pairings = []
    for i in range(draw(st.integers(0, 3))):
        mode = draw(st.sampled_from(PairingMode))
        size = 1 if mode is PairingMode.SOLO else draw(st.integers(1, 3))
        branches = draw(st.lists(st.sampled_from(_BRANCHES), min_size=size, max_size=size, unique=True))
        pairings.append(_pairing(f"p{i}", mode, *branches))
    activities = []
    for i in range(draw(st.integers(1, 6))):
        activities.append(
            _activity(
                f"a{i}",
                draw(st.sampled_from(_KINDS)),
                branch_id=draw(st.sampled_from(_BRANCHES)),
                branch_ids=draw(st.frozensets(st.sampled_from(_BRANCHES), max_size=2)),
                pairing_id=draw(st.none() | st.sampled_from([p.id for p in pairings])) if pairings else None,
            )
        )
    attended = {b: draw(st.lists(st.sampled_from([a.id for a in activities]))) for b in _BRANCHES}
    return pairings, activities, attended


@given(world=_worlds())
def test_property_the_count_is_the_definition_s(
    world: tuple[list[Pairing], list[Activity], dict[str, list[str]]],
) -> None:
    pairings, activities, attended = world
    by_id = {p.id: p for p in pairings}
    members = [Member(id=f"m-{b}", name="甲", branch_id=b, joined_on=date(2020, 1, 1)) for b in _BRANCHES]
    records = [
        ServiceRecord.for_activity(a, id=f"r-{m.id}-{i}", member_id=m.id, minutes=30)
        for m in members
        for i, a in enumerate(a for aid in attended[m.branch_id] for a in activities if a.id == aid)
    ]
    report = evaluate_year(YEAR, members=members, records=records, activities=activities, pairings=pairings)
    for m in members:
        expected = set()
        for a in activities:
            if a.id not in attended[m.branch_id]:
                continue
            pairing = by_id.get(a.pairing_id) if a.pairing_id else None
            of_pairing = pairing is not None and m.branch_id in pairing.branch_ids
            joint = pairing is not None and pairing.mode is not PairingMode.SOLO
            organised = m.branch_id in a.branch_ids or (joint and of_pairing)
            if a.kind is ActivityKind.PAIRING and organised:
                expected.add(a.id)
            linked = of_pairing
            if a.kind in (ActivityKind.FESTIVAL, ActivityKind.PRACTICAL_HELP) and linked and organised:
                expected.add(a.id)
        assert report.members[m.id].branch_activities == len(expected)
