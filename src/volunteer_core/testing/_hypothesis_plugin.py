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

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """Register the strategies of :mod:`volunteer_core.testing.strategies` for their types.

    Idempotent: calling it again registers the same strategies again.
    """
    from hypothesis import strategies as st

    from volunteer_core.dates import DateRange
    from volunteer_core.model import (
        Activity,
        Beneficiary,
        Branch,
        BranchPlan,
        Claim,
        Demand,
        HalfYearReport,
        Member,
        Pairing,
        PartnerUnit,
        PlanItem,
        ServiceRecord,
        Team,
        Wish,
    )
    from volunteer_core.money import Yuan
    from volunteer_core.testing import strategies as vcst

    st.register_type_strategy(Yuan, vcst.yuan())
    st.register_type_strategy(DateRange, vcst.date_ranges())
    st.register_type_strategy(Branch, vcst.branches())
    st.register_type_strategy(Member, vcst.members())
    st.register_type_strategy(Team, vcst.teams())
    st.register_type_strategy(Beneficiary, vcst.beneficiaries())
    st.register_type_strategy(PartnerUnit, vcst.partner_units())
    st.register_type_strategy(Pairing, vcst.pairings())
    st.register_type_strategy(Activity, vcst.activities())
    st.register_type_strategy(ServiceRecord, vcst.service_records())
    st.register_type_strategy(Wish, vcst.wishes())
    st.register_type_strategy(Claim, vcst.claims())
    st.register_type_strategy(Demand, vcst.demands())
    st.register_type_strategy(BranchPlan, vcst.branch_plans())
    st.register_type_strategy(HalfYearReport, vcst.half_year_reports())
    st.register_type_strategy(PlanItem, vcst.plan_items())
    st.register_type_strategy(vcst.Dataset, vcst.datasets())
