"""Tests of volunteer_core.testing.strategies.dataset: datasets whose references resolve."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, find, given, settings
from strategies_support import FIRST_FOUND

import volunteer_core as vc
from volunteer_core.rules import check_activity
from volunteer_core.testing import strategies as vcst

SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_references(data: vcst.Dataset) -> None:
    for entities in (
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
    for wish in data.wishes:
        assert wish.beneficiary_id in beneficiary_ids
        assert all(c.member_id in members for c in wish.claims)


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
