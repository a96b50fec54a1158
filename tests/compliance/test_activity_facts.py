"""``activity_facts`` (what the year's pass knows of each activity) gives, for every activity, what
``credited_branches`` and the activity's own days say — whether or not its kind can count for a branch,
with its pairing given or not."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from volunteer_core import ActivityKind
from volunteer_core.compliance._activities import ActivityFacts, activity_facts
from volunteer_core.rules.member import credited_branches
from volunteer_core.testing import strategies as vst


@settings(max_examples=60, deadline=None)
@given(vst.datasets(joint=True, max_records=0), st.data())
def test_activity_facts_are_the_activities_own(dataset: vst.Dataset, data: st.DataObject) -> None:
    # every kind on every activity, so that each kind meets a pairing (linked or not)
    activities = [
        attrs.evolve(a, kind=data.draw(st.sampled_from(list(ActivityKind)))) for a in dataset.activities
    ]
    pairings = [p for p in dataset.pairings if data.draw(st.booleans())]
    by_id = {p.id: p for p in pairings}
    facts = activity_facts(activities, pairings)
    assert list(facts) == [a.id for a in activities]
    for a in activities:
        expected = ActivityFacts(
            branches=credited_branches(a, by_id.get(a.pairing_id) if a.pairing_id else None),
            first=a.on,
            last=a.last_day,
            kind=a.kind,
        )
        assert facts[a.id] == expected
        assert repr(facts[a.id]) == repr(expected)
