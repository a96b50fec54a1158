"""Tests of volunteer_core.testing.strategies.dataset: datasets whose references resolve."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import HealthCheck, find, given, settings
from strategies_support import FIRST_FOUND

import volunteer_core as vc
from volunteer_core.aggregates import AGGREGATES
from volunteer_core.rules import check_activity
from volunteer_core.rules.readiness import check_insured, check_qualified
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.testing import strategies as vcst

SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_references(data: vcst.Dataset) -> None:
    for entities in (
        data.organisations,
        data.supporters,
        data.qualifications,
        data.branches,
        data.members,
        data.teams,
        data.beneficiaries,
        data.units,
        data.pairings,
        data.activities,
        data.records,
        data.wishes,
    ):
        assert len({e.id for e in entities}) == len(entities)
    branch_ids = {b.id for b in data.branches}
    members = {m.id: m for m in data.members}
    team_ids = {t.id for t in data.teams}
    pairing_ids = {p.id for p in data.pairings}
    targets = {u.id for u in data.units} | {b.id for b in data.beneficiaries}
    activities = {a.id: a for a in data.activities}
    record_ids = {r.id for r in data.records}
    beneficiary_ids = {b.id for b in data.beneficiaries}

    assert all(m.branch_id in branch_ids for m in data.members)
    for team in data.teams:
        assert team.branch_id in branch_ids
        assert all(members[m].branch_id == team.branch_id for m in team.member_ids)
    for pairing in data.pairings:
        assert pairing.branch_ids <= branch_ids
        assert pairing.member_ids <= members.keys()
        assert pairing.target_id in targets
    for activity in data.activities:
        assert activity.branch_id in branch_ids
        assert activity.branch_ids <= branch_ids  # co-organisers are drawn branches too
        assert activity.on.year == data.year
        assert activity.team_id is None or activity.team_id in team_ids
        assert activity.pairing_id is None or activity.pairing_id in pairing_ids
    for record in data.records:
        activity = activities[record.activity_id]
        assert record.member_id in members
        assert (record.kind, record.branch_id) == (activity.kind, activity.branch_id)
        assert activity.covers(record.on), "a record is on a day of its activity (record.activity_date)"
        assert record.reverses is None or record.reverses in record_ids
    supporter_ids = {s.id for s in data.supporters}
    for wish in data.wishes:
        assert wish.beneficiary_id in beneficiary_ids
        assert all(c.member_id in members or c.supporter_id in supporter_ids for c in wish.claims)
    placed: set[str] = set()
    for organisation in data.organisations:  # parents first: stored in order, no parent is missing
        assert organisation.parent_id is None or organisation.parent_id in placed
        placed.add(organisation.id)
    assert all(b.organisation_id is None or b.organisation_id in placed for b in data.branches)
    for qualification in data.qualifications:
        assert qualification.member_id in members
        assert qualification.activity_id is None or qualification.activity_id in activities


def _stored(data: vcst.Dataset) -> InMemoryUnitOfWork:
    """The dataset stored in table order, as the state machine seeds its world (every reference resolves)."""
    uow = InMemoryUnitOfWork()
    with uow:
        for aggregate in AGGREGATES:
            for entity in getattr(data, aggregate.name, ()):
                getattr(uow, aggregate.name).add(entity)
        uow.commit()
    return uow


@SLOW
@given(vcst.datasets())
def test_datasets_resolve_their_references(data: vcst.Dataset) -> None:
    check_references(data)
    assert data.year == 2026
    assert 1 <= len(data.branches) <= 4
    assert 1 <= len(data.members) <= 12
    assert len(data.records) <= 60
    assert all(r.reverses is None and 1 <= r.minutes <= 1440 for r in data.records)
    assert vc.find_duplicate_pairings(data.pairings) == []
    assert all(vc.validate_wish(w) == [] for w in data.wishes)
    assert all(check_activity(a) == [] for a in data.activities)
    team_branches = {t.branch_id for t in data.teams}
    assert team_branches == {b.id for b in data.branches}  # branch.team: a team per branch
    pairs = Counter((r.member_id, r.activity_id) for r in data.records)
    assert all(n == 1 for n in pairs.values())
    members = {m.id: m for m in data.members}
    assert all(members[r.member_id].is_member_on(r.on) for r in data.records)
    assert all(m.is_member_on(date(2026, 1, 1)) or m.joined_on.year == 2026 for m in data.members)


@SLOW
@given(vcst.datasets(year=2024, max_branches=2, max_members=3, max_records=10, reversals=True))
def test_datasets_narrowed_with_reversals(data: vcst.Dataset) -> None:
    check_references(data)
    assert len(data.branches) <= 2
    assert len(data.members) <= 3
    assert len(data.records) <= 10
    assert all(a.on.year == 2024 for a in data.activities)
    reversed_ids = [r.reverses for r in data.records if r.reverses is not None]
    assert len(reversed_ids) == len(set(reversed_ids))


def test_datasets_refuse_bad_sizes() -> None:
    with pytest.raises(ValueError, match="max_members"):
        vcst.datasets(max_members=0)


def test_datasets_can_hold_everything() -> None:
    data = find(
        vcst.datasets(),
        lambda d: bool(d.records and d.wishes and d.pairings and d.units and d.beneficiaries),
        settings=FIRST_FOUND,
    )
    check_references(data)


@SLOW
@given(vcst.datasets())
def test_datasets_by_default_draw_nothing_of_the_tree_and_workflows(data: vcst.Dataset) -> None:
    """Off by default, so that the worlds drawn without it stay as they were."""
    assert (data.organisations, data.supporters, data.qualifications) == ((), (), ())
    assert all(b.organisation_id is None for b in data.branches)
    assert all(m.insured_until is None for m in data.members)
    assert all(not a.requires and not a.grants for a in data.activities)


@SLOW
@given(vcst.datasets(organisations=True, reversals=True, policy=vc.policies.MEILIE_2017))
def test_datasets_with_organisations_hang_in_a_tree_and_are_ready_to_serve(data: vcst.Dataset) -> None:
    check_references(data)
    _stored(data)
    tree = {o.id for o in data.organisations}
    assert data.organisations[0].parent_id is None
    assert all(b.organisation_id in tree for b in data.branches), "every branch hangs in the tree"
    members = {m.id: m for m in data.members}
    activities = {a.id: a for a in data.activities}
    for record in data.records:
        member, activity = members[record.member_id], activities[record.activity_id]
        assert check_qualified(member, activity, data.qualifications, record.on) == []
        assert check_insured(member, record.on, vc.policies.MEILIE_2017) == []
    assert all(vc.validate_wish(w, vc.policies.MEILIE_2017) == [] for w in data.wishes)


@pytest.mark.parametrize(
    "reached",
    [
        lambda d: any(o.parent_id not in (None, "o-1") for o in d.organisations),
        lambda d: any(c.supporter_id for w in d.wishes for c in w.claims),
        lambda d: any(w.status is vc.WishStatus.REFERRED for w in d.wishes),
        lambda d: any(q.activity_id is not None for q in d.qualifications),
        lambda d: any(q.activity_id is None for q in d.qualifications),
        lambda d: any(a.requires for a in d.activities),
        lambda d: any(m.insured_until is not None for m in d.members),
    ],
    ids=["depth 3", "supporter claim", "referral", "earned", "entered", "requires", "insured"],
)
def test_datasets_with_organisations_reach_every_addition(reached: Callable[[vcst.Dataset], bool]) -> None:
    data = find(vcst.datasets(organisations=True, max_records=20), reached, settings=FIRST_FOUND)
    check_references(data)
    uow = _stored(data)
    with uow:
        assert uow.organisations.subtree("o-1")[0] == data.organisations[0]
        for qualification in data.qualifications:
            if qualification.activity_id is not None:  # earned at a training that grants it
                activity = uow.activities.get(qualification.activity_id)
                assert activity.kind is vc.ActivityKind.TRAINING
                assert qualification.name in activity.grants
