"""``Activity.grants_valid_months`` belongs to an activity that grants qualifications: without ``grants`` it
is refused (``InvalidInput`` @ grants_valid_months, in both languages), at construction, through
``attrs.evolve`` and when structured from JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import Activity, InvalidInput
from volunteer_core.serialization import structure, unstructure


def training(**changes: Any) -> Activity:
    fields: dict[str, Any] = {
        "id": "t1",
        "kind": "training",
        "branch_id": "b1",
        "on": date(2026, 1, 10),
        "title": "红十字急救培训",
        **changes,
    }
    return Activity(**fields)


def refused(build: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        build()
    return caught.value


def test_a_validity_without_grants_is_refused_in_both_languages() -> None:
    error = refused(lambda: training(grants_valid_months=36))
    assert (error.path, error.value, error.code) == ("grants_valid_months", 36, "input.invalid")
    assert "grants" in error.message_en
    assert "资质" in error.message_zh


def test_an_empty_set_of_grants_is_no_grant() -> None:
    assert refused(lambda: training(grants=set(), grants_valid_months=1)).path == "grants_valid_months"


def test_a_validity_with_grants_and_grants_without_a_validity_are_accepted() -> None:
    assert training(grants={"急救"}, grants_valid_months=36).grants_valid_months == 36
    assert training(grants={"急救"}).grants_valid_months is None  # no expiry
    assert training().grants_valid_months is None


def test_a_non_training_activity_with_a_validity_names_the_validity() -> None:
    error = refused(lambda: training(kind="community_service", grants_valid_months=12))
    assert error.path == "grants_valid_months"


def test_taking_the_grants_away_keeps_no_validity_behind() -> None:
    granted = training(grants={"急救"}, grants_valid_months=36)
    assert refused(lambda: attrs.evolve(granted, grants=frozenset())).path == "grants_valid_months"
    assert attrs.evolve(granted, grants=frozenset(), grants_valid_months=None).grants == frozenset()


def test_json_without_grants_is_refused_naming_the_field() -> None:
    record = unstructure(training(grants={"急救"}, grants_valid_months=36))
    assert structure(record, Activity).grants_valid_months == 36
    record["grants"] = []
    assert refused(lambda: structure(record, Activity)).path == "grants_valid_months"


@given(st.integers(1, 1200), st.sets(st.sampled_from(["急救", "心理疏导", "消防"]), max_size=3))
def test_a_validity_is_accepted_exactly_with_grants(months: int, grants: set[str]) -> None:
    if grants:
        assert training(grants=grants, grants_valid_months=months).grants == grants
    else:
        assert refused(lambda: training(grants=grants, grants_valid_months=months)).value == months
