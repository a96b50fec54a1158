"""The synthetic year holds joint and co-organised activities, linked 同过节 / 办实事 and two-day team
campaigns; its members attend what their branch organises, on a day of the activity."""

from __future__ import annotations

from volunteer_core import ActivityKind, PairingMode, compliance, services
from volunteer_core.rules.member import credited_branches
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.synthetic import generate_year

WORLD = generate_year(2026, members=30, branches=3, seed=11)


def test_the_world_has_a_joint_pairing_and_activities_of_several_organisers() -> None:
    (joint,) = [p for p in WORLD.pairings if p.mode is PairingMode.JOINT_BRANCHES]
    assert joint.branch_ids == {WORLD.branches[0].id, WORLD.branches[1].id}
    of_joint = [a for a in WORLD.activities if a.pairing_id == joint.id]
    assert len(of_joint) == 2
    assert all(credited_branches(a, joint) == joint.branch_ids for a in of_joint)
    assert any(len(a.branch_ids) > 1 for a in WORLD.activities)
    assert any(a.until is not None for a in WORLD.activities)
    linked = {a.kind for a in WORLD.activities if a.pairing_id is not None and a.pairing_id != joint.id}
    assert {ActivityKind.PAIRING, ActivityKind.FESTIVAL, ActivityKind.PRACTICAL_HELP} <= linked


def test_every_record_lies_within_its_activity_and_second_branch_members_attend_joint_ones() -> None:
    activities = {a.id: a for a in WORLD.activities}
    records = WORLD.records()
    assert all(activities[r.activity_id].covers(r.on) for r in records)
    second = {m.id for m in WORLD.members if m.branch_id == WORLD.branches[1].id}
    assert any(r.member_id in second and r.activity_id.startswith("a-joint") for r in records)
    spans = [r for r in records if activities[r.activity_id].until is not None]
    assert {r.on == activities[r.activity_id].until for r in spans} == {True, False}


def test_loaded_and_evaluated_no_record_is_off_its_date_and_joint_activities_are_credited() -> None:
    uow = InMemoryUnitOfWork()
    loaded = WORLD.load_into(uow)
    assert loaded.records + loaded.reversals == len(WORLD.records())
    report = services.evaluate_year(uow, 2026, pushdown=False)
    assert not any(v.code == "record.activity_date" for v in report.violations)
    core = compliance.evaluate_year(
        2026,
        members=WORLD.members,
        records=WORLD.iter_records(),
        activities=WORLD.activities,
        pairings=WORLD.pairings,
    )
    second = [m.id for m in WORLD.members if m.branch_id == WORLD.branches[1].id]
    assert [report.members[m].branch_activities for m in second] == [
        core.members[m].branch_activities for m in second
    ]
    assert max(report.members[m].branch_activities for m in second) >= 3  # their two, and a joint one
