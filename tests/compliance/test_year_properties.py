"""Properties of a year's evaluation over generated data: ``evaluate_year`` equals ``evaluate_member_year``
for every member, whatever the order of the records, and a reversed record counts as never recorded."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core.testing import strategies as vst


@settings(max_examples=60, deadline=None)
@given(vst.datasets(reversals=True), st.sampled_from([None, date(2026, 3, 31), date(2026, 9, 15)]))
def test_evaluate_year_equals_evaluate_member_year_for_every_member(
    dataset: vst.Dataset, as_of: date | None
) -> None:
    records = list(dataset.records)
    report = vc.evaluate_year(
        2026, members=dataset.members, records=iter(records), teams=dataset.teams, as_of=as_of
    )
    assert set(report.members) == {m.id for m in dataset.members}
    for member in dataset.members:
        alone = vc.evaluate_member_year(member, records, 2026, as_of=as_of)
        assert report.members[member.id] == alone


@settings(max_examples=40, deadline=None)
@given(vst.datasets(reversals=True))
def test_evaluate_year_does_not_depend_on_record_order(dataset: vst.Dataset) -> None:
    forward = vc.evaluate_year(2026, members=dataset.members, records=dataset.records)
    backward = vc.evaluate_year(2026, members=dataset.members, records=reversed(dataset.records))
    assert forward.members == backward.members


@settings(max_examples=40, deadline=None)
@given(vst.datasets(reversals=True))
def test_a_reversed_record_counts_as_if_it_had_never_been_recorded(dataset: vst.Dataset) -> None:
    reversed_ids = {r.reverses for r in dataset.records if r.reverses is not None}
    cleaned = [r for r in dataset.records if r.reverses is None and r.id not in reversed_ids]
    with_reversals = vc.evaluate_year(2026, members=dataset.members, records=dataset.records)
    without = vc.evaluate_year(2026, members=dataset.members, records=cleaned)
    assert with_reversals.members == without.members
