"""The strategies draw activities with co-organisers and spans when asked (``co_organisers``,
``max_span_days``, ``paired_kinds``), and datasets (``joint=True``) hold joint pairings, co-organised and
multi-day activities and linked 同过节 / 办实事 — never unless asked."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, find, given, settings

import volunteer_core as vc
from volunteer_core.testing import strategies as vcst

SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(vcst.activities(branch_id="b-1", co_organisers=["b-1", "b-2", "b-3"], max_span_days=3, year=2026))
def test_co_organisers_and_spans_stay_within_their_bounds(activity: vc.Activity) -> None:
    assert activity.branch_id in activity.branch_ids <= {"b-1", "b-2", "b-3"}
    assert activity.until is None or 0 < (activity.until - activity.on).days <= 3
    assert activity.last_day <= date(2026, 12, 31)


@given(vcst.activities())
def test_by_default_one_organiser_and_one_day(activity: vc.Activity) -> None:
    assert (activity.branch_ids, activity.until) == (frozenset({activity.branch_id}), None)


def test_each_option_is_reached() -> None:
    co = find(vcst.activities(branch_id="b-1", co_organisers=["b-2"]), lambda a: len(a.branch_ids) == 2)
    assert co.branch_ids == {"b-1", "b-2"}
    span = find(vcst.activities(max_span_days=2), lambda a: a.until is not None)
    assert span.until is not None
    linked = find(
        vcst.activities(
            pairing_id="pr-1", paired_kinds=[vc.ActivityKind.FESTIVAL], kind=vc.ActivityKind.FESTIVAL
        ),
        lambda a: True,
    )
    assert linked.pairing_id == "pr-1"
    unlinked = find(vcst.activities(pairing_id="pr-1", kind=vc.ActivityKind.FESTIVAL), lambda a: True)
    assert unlinked.pairing_id is None


@pytest.mark.parametrize("bad", [-1, True, 1.5])
def test_a_bad_span_bound_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="max_span_days"):
        vcst.activities(max_span_days=bad)  # type: ignore[arg-type]


@SLOW
@given(vcst.datasets(max_branches=3, max_activities=10, max_records=30, joint=True))
def test_dataset_records_lie_within_their_activity(data: vcst.Dataset) -> None:
    activities = {a.id: a for a in data.activities}
    assert all(activities[r.activity_id].covers(r.on) for r in data.records)


@SLOW
@given(vcst.datasets(max_branches=3, max_activities=10))
def test_without_joint_a_dataset_has_one_organiser_one_day_and_unlinked_festivals(data: vcst.Dataset) -> None:
    assert all(a.branch_ids == {a.branch_id} and a.until is None for a in data.activities)
    assert all(a.pairing_id is None for a in data.activities if a.kind is not vc.ActivityKind.PAIRING)


def test_datasets_reach_joint_pairings_co_organised_spanning_and_linked_activities() -> None:
    def rich(d: vcst.Dataset) -> bool:
        joint = {p.id for p in d.pairings if p.mode is not vc.PairingMode.SOLO}
        return (
            any(a.pairing_id in joint for a in d.activities)
            and any(len(a.branch_ids) > 1 for a in d.activities)
            and any(a.until is not None for a in d.activities)
            and any(a.kind is vc.ActivityKind.FESTIVAL and a.pairing_id for a in d.activities)
        )

    found = find(
        vcst.datasets(max_activities=12, joint=True),
        rich,
        settings=settings(max_examples=2000, deadline=None),
    )
    assert rich(found)
