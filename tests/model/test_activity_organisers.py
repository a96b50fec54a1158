"""``Activity.branch_ids`` (the organising branches, the lead always among them) and ``Activity.until``
(the last day of a multi-day activity)."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import Activity, InvalidInput, serialization

ON = date(2026, 3, 5)


def _activity(**changes: object) -> Activity:
    fields: dict[str, object] = {"id": "a1", "kind": "pairing", "branch_id": "b1", "on": ON, "title": "探访"}
    fields.update(changes)
    return Activity(**fields)  # type: ignore[arg-type]


def test_the_lead_organises_alone_by_default() -> None:
    assert _activity().branch_ids == frozenset({"b1"})


def test_a_set_without_the_lead_gets_it_added() -> None:
    assert _activity(branch_ids={"b2", "b3"}).branch_ids == frozenset({"b1", "b2", "b3"})
    assert _activity(branch_ids=["b1", "b2"]).branch_ids == frozenset({"b1", "b2"})


def test_evolving_the_lead_keeps_the_former_one_unless_the_set_is_given() -> None:
    joint = _activity(branch_ids={"b2"})
    assert attrs.evolve(joint, branch_id="b3").branch_ids == frozenset({"b1", "b2", "b3"})
    assert attrs.evolve(joint, branch_id="b3", branch_ids={"b3"}).branch_ids == frozenset({"b3"})


@pytest.mark.parametrize("bad", ["b2", [" "], [""], ["b\x00"], 7])
def test_bad_organisers_are_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        _activity(branch_ids=bad)
    assert caught.value.path == "branch_ids"


def test_a_span_ends_on_or_after_its_first_day() -> None:
    assert _activity(until=ON).last_day == ON
    assert _activity(until=ON + timedelta(days=2)).last_day == ON + timedelta(days=2)
    with pytest.raises(InvalidInput) as caught:
        _activity(until=ON - timedelta(days=1))
    assert caught.value.path == "until"
    with pytest.raises(InvalidInput):
        _activity(until="2026-03-06")


def test_covers_is_inclusive_at_both_ends() -> None:
    one_day = _activity()
    assert [one_day.covers(ON + timedelta(days=d)) for d in (-1, 0, 1)] == [False, True, False]
    span = _activity(until=ON + timedelta(days=2))
    assert [span.covers(ON + timedelta(days=d)) for d in (-1, 0, 2, 3)] == [False, True, True, False]


def test_json_round_trip_keeps_organisers_and_span() -> None:
    joint = _activity(branch_ids={"b2"}, until=ON + timedelta(days=1))
    assert serialization.structure(serialization.unstructure(joint), Activity) == joint
    legacy = {"id": "a1", "kind": "pairing", "branch_id": "b1", "on": "2026-03-05", "title": "探访"}
    assert serialization.structure(legacy, Activity) == _activity()


@given(
    lead=st.sampled_from(["b1", "b2", "b3"]),
    others=st.frozensets(st.sampled_from(["b1", "b2", "b3", "b4"])),
    days=st.integers(0, 400),
    probe=st.integers(-5, 405),
)
def test_property_the_lead_is_among_the_organisers_and_covers_is_the_span(
    lead: str, others: frozenset[str], days: int, probe: int
) -> None:
    activity = _activity(branch_id=lead, branch_ids=others, until=ON + timedelta(days=days))
    assert activity.branch_ids == others | {lead}
    assert activity.covers(ON + timedelta(days=probe)) == (0 <= probe <= days)
