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
