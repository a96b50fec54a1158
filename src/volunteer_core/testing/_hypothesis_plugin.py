"""Hypothesis plugin: registers a strategy for every value and entity of volunteer_core.

Hypothesis calls :func:`_hypothesis_setup_hook` through its ``hypothesis`` entry point group when it is
imported, so ``st.from_type(volunteer_core.Wish)`` works without importing
:mod:`volunteer_core.testing`. ``import volunteer_core`` alone never imports hypothesis.

>>> from hypothesis import find, strategies as st
>>> import volunteer_core as vc
>>> _hypothesis_setup_hook()
>>> isinstance(find(st.from_type(vc.Wish), lambda w: True), vc.Wish)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """Register the strategies of :mod:`volunteer_core.testing.strategies` for their types.

    Idempotent: calling it again registers the same strategies again.
    """
    from hypothesis import strategies as st

    from volunteer_core.calendar.dates import DateRange
    from volunteer_core.model import (
        Activity,
        Beneficiary,
        Branch,
        BranchPlan,
        Claim,
        Demand,
        HalfYearReport,
        Member,
        Organisation,
        Pairing,
        PartnerUnit,
        PlanItem,
        Qualification,
        ServiceRecord,
        Supporter,
        Team,
        Wish,
    )
    from volunteer_core.money import Yuan

    # Deferred: hypothesis runs this hook while it is being imported — possibly from inside
    # ``import volunteer_core.testing.strategies`` itself — so the strategies module is looked up only
    # when a strategy is first drawn. (Dataset registers itself at the end of strategies/dataset.py.)
    factories = {
        Yuan: "yuan",
        DateRange: "date_ranges",
        Organisation: "organisations",
        Branch: "branches",
        Member: "members",
        Team: "teams",
        Beneficiary: "beneficiaries",
        PartnerUnit: "partner_units",
        Pairing: "pairings",
        Activity: "activities",
        ServiceRecord: "service_records",
        Qualification: "qualifications",
        Supporter: "supporters",
        Wish: "wishes",
        Claim: "claims",
        Demand: "demands",
        BranchPlan: "branch_plans",
        HalfYearReport: "half_year_reports",
        PlanItem: "plan_items",
    }
    for cls, name in factories.items():
        st.register_type_strategy(cls, st.deferred(_lazy(name)))


def _lazy(name: str) -> Callable[[], SearchStrategy[Any]]:
    """A plain function (hypothesis' deferred() wants one) building strategies.<name>() on first use."""

    def build() -> SearchStrategy[Any]:
        from volunteer_core.testing import strategies

        factory: Callable[[], SearchStrategy[Any]] = getattr(strategies, name)
        return factory()

    return build
