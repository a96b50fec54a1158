"""Tests of volunteer_core.testing.strategies.demand: demands in every status."""

from __future__ import annotations

from hypothesis import given
from strategies_support import rebuilt

import volunteer_core as vc
from volunteer_core.testing import strategies as vcst


@given(vcst.demands())
def test_demands(demand: vc.Demand) -> None:
    assert rebuilt(demand) == demand
    if demand.status is vc.DemandStatus.DONE:
        assert demand.member_id is not None
        assert demand.activity_id is not None
