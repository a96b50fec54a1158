"""Hypothesis strategies for volunteer_core's values and entities (for integrators' property tests).

Every strategy draws **valid** objects by default: constructing them did not raise, the wish rules
give no ERROR, festival activities fall in the festival window, members declare a skill, lists of
pairings hold no duplicate, and :func:`datasets` draws a whole year whose references all resolve.
Keyword arguments narrow a strategy (``members(branch_id="b-1", year=2026)``); a few named switches
draw rule-breaking objects instead (``wishes(invalid="wish.value_cap")``, :func:`duplicate_pairings`).

Wishes are built the way production builds them: through the real transitions of
:class:`volunteer_core.Wish` (``screen``, ``publish``, ``claim``, ``withdraw_claim``, ``fulfil``,
``cancel``), so every drawn lifecycle state is one the library can actually reach.

Ids look like ``"m-17"`` (prefix, dash, number). A standalone strategy draws the number (so two draws
may collide: use ``st.lists(members(), unique_by=lambda m: m.id)``); inside :func:`datasets` ids are
counters, unique per entity type. Dates fall within 2000-01-01 … 2030-12-31 unless narrowed.

>>> from hypothesis import find
>>> from volunteer_core import WishStatus
>>> find(wishes(status=WishStatus.CLAIMED), lambda w: True).status is WishStatus.CLAIMED
True

The strategies live in one module per topic, as the entities do in :mod:`volunteer_core.model`:
:mod:`~volunteer_core.testing.strategies.values`, :mod:`~volunteer_core.testing.strategies.people`,
:mod:`~volunteer_core.testing.strategies.pairing`, :mod:`~volunteer_core.testing.strategies.activity`,
:mod:`~volunteer_core.testing.strategies.wish`, :mod:`~volunteer_core.testing.strategies.demand`,
:mod:`~volunteer_core.testing.strategies.plan`, :mod:`~volunteer_core.testing.strategies.organisation`
and :mod:`~volunteer_core.testing.strategies.dataset`;
every name is importable from here.
"""

from volunteer_core.testing.strategies.activity import (
    ACTIVITY_INVALID,
    activities,
    reversals,
    service_records,
    with_reversals,
)
from volunteer_core.testing.strategies.dataset import Dataset, datasets
from volunteer_core.testing.strategies.demand import demands
from volunteer_core.testing.strategies.organisation import (
    QUALIFICATIONS,
    organisation_trees,
    organisations,
    qualifications,
    supporters,
)
from volunteer_core.testing.strategies.pairing import duplicate_pairings, pairing_lists, pairings
from volunteer_core.testing.strategies.people import (
    MEMBER_INVALID,
    beneficiaries,
    branches,
    members,
    partner_units,
    teams,
)
from volunteer_core.testing.strategies.plan import branch_plans, half_year_reports, plan_items
from volunteer_core.testing.strategies.values import (
    DATE_MAX,
    DATE_MIN,
    credit_codes,
    date_ranges,
    dates,
    id_numbers,
    ids,
    mobiles,
    person_names,
    yuan,
)
from volunteer_core.testing.strategies.wish import WISH_INVALID, claims, wishes

__all__ = [
    "ACTIVITY_INVALID",
    "DATE_MAX",
    "DATE_MIN",
    "MEMBER_INVALID",
    "QUALIFICATIONS",
    "WISH_INVALID",
    "Dataset",
    "activities",
    "beneficiaries",
    "branch_plans",
    "branches",
    "claims",
    "credit_codes",
    "datasets",
    "date_ranges",
    "dates",
    "demands",
    "duplicate_pairings",
    "half_year_reports",
    "id_numbers",
    "ids",
    "members",
    "mobiles",
    "organisation_trees",
    "organisations",
    "pairing_lists",
    "pairings",
    "partner_units",
    "person_names",
    "plan_items",
    "qualifications",
    "reversals",
    "service_records",
    "supporters",
    "teams",
    "wishes",
    "with_reversals",
    "yuan",
]
