"""The pairing use-cases (``volunteer_core.services.pairings``) end to end, on every storage."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from services_support import MakeUow, organ

from volunteer_core import DateRange, Pairing, services
from volunteer_core.errors import RuleViolation
from volunteer_core.ports import UnitOfWork


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """The organ of :func:`services_support.organ` on every storage."""
    return organ(make_uow())


def test_register_pairing_refuses_a_duplicate(uow: UnitOfWork) -> None:
    pairing = Pairing(
        id="pr1",
        branch_ids={"b1"},
        target_id="u1",
        mode="solo",
        period=DateRange(date(2026, 1, 1), date(2026, 12, 31)),
    )
    assert services.register_pairing(uow, pairing) == pairing
    overlapping = attrs.evolve(pairing, id="pr2", branch_ids={"b2"}, period=DateRange(date(2026, 6, 1)))
    with pytest.raises(RuleViolation) as caught:
        services.register_pairing(uow, overlapping)
    assert caught.value.code == "pairing.duplicate"
    ended = services.end_pairing(uow, "pr1", on=date(2026, 5, 31))
    assert ended.period.end == date(2026, 5, 31)
    assert services.register_pairing(uow, overlapping) == overlapping
    with uow:
        assert [p.id for p in uow.pairings.for_target("u1")] == ["pr1", "pr2"]
        assert [p.id for p in uow.pairings.for_branch("b2")] == ["pr2"]
