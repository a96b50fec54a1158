"""Hypothesis plugin: registers a strategy for every value and entity of volunteer_core.

Hypothesis calls :func:`_hypothesis_setup_hook` through its ``hypothesis`` entry point group when it is
imported, so ``st.from_type(volunteer_core.Wish)`` works without importing
:mod:`volunteer_core.testing`. ``import volunteer_core`` alone never imports hypothesis.

>>> from hypothesis import find, strategies as st
>>> import volunteer_core as vc
>>> _hypothesis_setup_hook()
>>> isinstance(find(st.from_type(vc.Wish), lambda w: True), vc.Wish)
True

Most types get the strategy of the same name with its defaults. Five get a mix, so that a property test
written with ``st.from_type`` also meets the shapes a default leaves out — one draw in a few, every
object still valid: wishes claimed by supporters and whose referral was resolved
(``wishes(supporter_ids=…, referrals=True)``), claims by supporters, branches hanging in an organisation,
organisations under a parent, activities requiring or granting qualifications.

>>> find(st.from_type(vc.Branch), lambda b: b.organisation_id is not None).organisation_id.startswith("o-")
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
    mixed: dict[type[Any], Callable[[], SearchStrategy[Any]]] = {
        Organisation: _organisations,
        Branch: _branches,
        Activity: _activities,
        Wish: _wishes,
        Claim: _claims,
    }
    for cls, name in factories.items():
        st.register_type_strategy(cls, st.deferred(mixed.get(cls) or _lazy(name)))


def _lazy(name: str) -> Callable[[], SearchStrategy[Any]]:
    """A plain function (hypothesis' deferred() wants one) building strategies.<name>() on first use."""

    def build() -> SearchStrategy[Any]:
        from volunteer_core.testing import strategies

        factory: Callable[[], SearchStrategy[Any]] = getattr(strategies, name)
        return factory()

    return build


def _sometimes(usual: SearchStrategy[Any], rarer: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """``usual`` three draws in four, else ``rarer`` (shrinking towards ``usual``)."""
    from hypothesis import strategies as st

    return st.integers(0, 3).flatmap(lambda n: rarer if n == 3 else usual)


def _supporter_ids() -> SearchStrategy[list[str]]:
    from hypothesis import strategies as st

    from volunteer_core.testing import strategies

    return st.lists(strategies.ids("s"), min_size=1, max_size=3, unique=True)


def _wishes() -> SearchStrategy[Any]:
    """Wishes; one in four may be claimed by supporters too, or reach FULFILLED/CANCELLED by a resolved
    referral (REFERRED wishes come in either)."""
    from volunteer_core.testing import strategies

    return _sometimes(
        strategies.wishes(),
        _supporter_ids().flatmap(lambda s: strategies.wishes(supporter_ids=s, referrals=True)),
    )


def _claims() -> SearchStrategy[Any]:
    """Claims by members; one in four by a member or a supporter."""
    from volunteer_core.testing import strategies

    return _sometimes(
        strategies.claims(), _supporter_ids().flatmap(lambda s: strategies.claims(supporter_ids=s))
    )


def _branches() -> SearchStrategy[Any]:
    """Branches hanging nowhere; one in four in an organisation."""
    from volunteer_core.testing import strategies

    return _sometimes(
        strategies.branches(),
        strategies.ids("o").flatmap(lambda o: strategies.branches(organisation_id=o)),
    )


def _organisations() -> SearchStrategy[Any]:
    """Roots; one in four under a parent."""
    from volunteer_core.testing import strategies

    return _sometimes(
        strategies.organisations(),
        strategies.ids("o").flatmap(lambda o: strategies.organisations(parent_id=o)),
    )


def _activities() -> SearchStrategy[Any]:
    """Activities requiring and granting nothing; one in four may require qualifications, or (a
    TRAINING) grant them."""
    from volunteer_core.testing import strategies

    return _sometimes(
        strategies.activities(), strategies.activities(qualifications=strategies.QUALIFICATIONS)
    )
