"""Pairings (结对): registered once per target, ended on their last day.

>>> from datetime import date
>>> from volunteer_core import Branch, DateRange, Pairing, PartnerUnit
>>> from volunteer_core.services import add_entities
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
...                        PartnerUnit(id="u1", name="城厢区社会福利院", kind="welfare_home")])
>>> p = register_pairing(uow, Pairing(id="pr1", branch_ids={"b1"}, target_id="u1", mode="solo",
...                                   period=DateRange(date(2026, 1, 1))))
>>> end_pairing(uow, "pr1", on=date(2026, 12, 31)).period.end
datetime.date(2026, 12, 31)
"""

from __future__ import annotations

from datetime import date

from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.model import Pairing
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.pairing import check_single_target, find_duplicate_pairings
from volunteer_core.services._unit import DEFAULT_RETRIES, transaction

__all__ = ["end_pairing", "register_pairing"]


def register_pairing(
    uow: UnitOfWork, pairing: Pairing, *, policy: Policy = DEFAULT, retries: int = DEFAULT_RETRIES
) -> Pairing:
    """结对: store a pairing, refusing a duplicate of its target (``pairing.duplicate``) and, when the
    policy limits it, more concurrent pairings per branch (``pairing.single_target``). Checked inside
    the transaction: two concurrent registrations of one target cannot both succeed."""
    if not isinstance(pairing, Pairing):
        raise InvalidInput(
            "pairing", pairing, code="input.type", message_en="must be a Pairing", message_zh="须为结对"
        )

    def work() -> Pairing:
        for branch_id in sorted(pairing.branch_ids):
            uow.branches.get(branch_id)
        existing = [p for p in uow.pairings.for_target(pairing.target_id) if p.id != pairing.id]
        for found in find_duplicate_pairings([*existing, pairing], policy):
            if pairing.id in found.details["pairing_ids"]:
                raise RuleViolation(found)
        if policy.max_pairing_targets_per_branch is not None:
            held = {p.id: p for b in sorted(pairing.branch_ids) for p in uow.pairings.for_branch(b)}
            held.pop(pairing.id, None)
            for found in check_single_target([*held.values(), pairing], policy):
                if pairing.id in found.details["pairing_ids"]:
                    raise RuleViolation(found)
        return uow.pairings.add(pairing)

    return transaction(uow, work, retries)


def end_pairing(uow: UnitOfWork, pairing_id: str, *, on: date, retries: int = DEFAULT_RETRIES) -> Pairing:
    """End a pairing on ``on`` (its last day)."""
    return transaction(uow, lambda: uow.pairings.update(uow.pairings.get(pairing_id).end(on)), retries)
