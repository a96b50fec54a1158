"""Tests of the hypothesis plugin (volunteer_core.testing._hypothesis_plugin): st.from_type for every
entity and value, and importing volunteer_core never imports hypothesis."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core.aggregates import ENTITIES
from volunteer_core.rules import check_activity
from volunteer_core.testing._hypothesis_plugin import _hypothesis_setup_hook

ENTITY_TYPES: list[type[Any]] = [
    vc.Organisation,
    vc.Supporter,
    vc.Qualification,
    vc.Branch,
    vc.Member,
    vc.Team,
    vc.Beneficiary,
    vc.PartnerUnit,
    vc.Pairing,
    vc.Activity,
    vc.ServiceRecord,
    vc.Wish,
    vc.Claim,
    vc.Demand,
    vc.BranchPlan,
    vc.HalfYearReport,
    vc.PlanItem,
    vc.Yuan,
    vc.DateRange,
]


@pytest.mark.parametrize("cls", ENTITY_TYPES, ids=lambda c: c.__name__)
def test_from_type_after_the_setup_hook(cls: type[Any]) -> None:
    _hypothesis_setup_hook()

    @settings(max_examples=10, deadline=None)
    @given(st.from_type(cls))
    def check(value: Any) -> None:
        assert type(value) is cls

    check()


def test_every_entity_of_the_table_of_aggregates_has_a_strategy() -> None:
    assert set(ENTITIES) <= set(ENTITY_TYPES)


def test_from_type_wish_is_valid() -> None:
    _hypothesis_setup_hook()

    @given(st.from_type(vc.Wish))
    def check(wish: vc.Wish) -> None:
        assert vc.validate_wish(wish) == []

    check()


def test_importing_volunteer_core_never_imports_hypothesis() -> None:
    code = "import sys, volunteer_core; assert 'hypothesis' not in sys.modules, 'hypothesis imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def _shapes(value: Any) -> set[str]:
    """The shapes of issue 17 that ``value`` shows (see the test below)."""
    if isinstance(value, vc.Wish):
        found = {"wish"}
        if any(c.supporter_id is not None for c in value.claims):
            found.add("wish claimed by a supporter")
        if value.status is vc.WishStatus.REFERRED:
            found.add("referred wish")
        elif value.referred_on is not None:
            found.add("wish whose referral was resolved")
        return found
    if isinstance(value, vc.Claim):
        return {"claim by a supporter" if value.supporter_id is not None else "claim by a member"}
    if isinstance(value, vc.Branch):
        return {"branch in an organisation" if value.organisation_id else "branch hanging nowhere"}
    if isinstance(value, vc.Organisation):
        return {"organisation under a parent" if value.parent_id else "root organisation"}
    assert isinstance(value, vc.Activity)
    found = {"activity"}
    if value.requires:
        found.add("activity requiring a qualification")
    if value.grants:
        found.add("activity granting a qualification")
    return found


SHAPES = {
    vc.Wish: {
        "wish",
        "wish claimed by a supporter",
        "referred wish",
        "wish whose referral was resolved",
    },
    vc.Claim: {"claim by a supporter", "claim by a member"},
    vc.Branch: {"branch in an organisation", "branch hanging nowhere"},
    vc.Organisation: {"organisation under a parent", "root organisation"},
    vc.Activity: {"activity", "activity requiring a qualification", "activity granting a qualification"},
}


@pytest.mark.parametrize("cls", list(SHAPES), ids=lambda c: c.__name__)
def test_from_type_draws_the_new_shapes_and_keeps_them_valid(cls: type[Any]) -> None:
    """200 derandomized draws of ``st.from_type`` meet every shape issue 17 added — supporters' claims,
    REFERRED and resolved referrals, organisation_id, parent_id, requires/grants — and the defaults' too,
    each drawn object valid (the wish and activity rules find nothing)."""
    _hypothesis_setup_hook()
    seen: set[str] = set()

    @settings(max_examples=200, derandomize=True, database=None, deadline=None)
    @given(st.from_type(cls))
    def collect(value: Any) -> None:
        assert type(value) is cls
        if isinstance(value, vc.Wish):
            assert vc.validate_wish(value) == []
        if isinstance(value, vc.Activity):
            assert check_activity(value) == []
        seen.update(_shapes(value))

    collect()
    assert seen == SHAPES[cls]
