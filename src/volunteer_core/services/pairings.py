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
from volunteer_core.model import Branch, Organisation, OrganisationKind, Pairing
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.pairing import check_single_target, find_duplicate_pairings
from volunteer_core.services._unit import DEFAULT_RETRIES, transaction

__all__ = ["end_pairing", "register_pairing"]


def register_pairing(
    uow: UnitOfWork, pairing: Pairing, *, policy: Policy = DEFAULT, retries: int = DEFAULT_RETRIES
) -> Pairing:
    """结对: store a pairing, refusing a duplicate of its target (``pairing.duplicate``) and, when the
    policy limits it, more concurrent pairings per branch or more concurrent targets per 单位
    (``pairing.single_target``). Checked inside the transaction: two concurrent registrations of one
    target cannot both succeed.

    Per branch (``policy.max_pairing_targets_per_branch``), the pairings of each of its branches are
    loaded and the pairing is refused exactly when it takes part in a breach: some day of its period
    would hold more pairings of one of its branches than the limit — whichever breach it is (a breach
    among the stored pairings alone, an earlier one say, neither refuses it nor hides a later one).

    Per unit (``policy.max_pairing_targets_per_unit``), each branch of the pairing is placed under its
    nearest organisation of kind ``UNIT`` (walking up from ``Branch.organisation_id``); the pairings of
    every branch under that unit (its subtree, less the branches under a nearer unit of their own) are
    loaded and the pairing is refused when some day of its period would hold more targets than the limit.
    """
    if not isinstance(pairing, Pairing):
        raise InvalidInput(
            "pairing", pairing, code="input.type", message_en="must be a Pairing", message_zh="须为结对"
        )

    def work() -> Pairing:
        own = [uow.branches.get(branch_id) for branch_id in sorted(pairing.branch_ids)]
        existing = [p for p in uow.pairings.for_target(pairing.target_id) if p.id != pairing.id]
        for found in find_duplicate_pairings([*existing, pairing], policy):
            if pairing.id in found.details["pairing_ids"]:
                raise RuleViolation(found)
        if policy.max_pairing_targets_per_branch is None and policy.max_pairing_targets_per_unit is None:
            return uow.pairings.add(pairing)
        branches = {b.id: b for b in own}
        organisations: dict[str, Organisation] = {}
        if policy.max_pairing_targets_per_unit is not None:
            _unit_branches(uow, own, branches, organisations)
        held = {p.id: p for b in sorted(branches) for p in uow.pairings.for_branch(b)}
        held.pop(pairing.id, None)
        for found in check_single_target(
            [*held.values(), pairing],
            policy,
            branches=branches.values(),
            organisations=organisations.values(),
        ):
            if pairing.id in found.details["pairing_ids"]:
                raise RuleViolation(found)
        return uow.pairings.add(pairing)

    return transaction(uow, work, retries)


def _unit_branches(
    uow: UnitOfWork,
    own: list[Branch],
    branches: dict[str, Branch],
    organisations: dict[str, Organisation],
) -> None:
    """Add to ``branches`` and ``organisations`` the tree around ``own``: each branch's ancestors up to
    its unit, that unit's subtree and the branches hanging in it."""
    units: set[str] = set()
    for branch in own:
        node_id = branch.organisation_id
        while node_id is not None and node_id not in organisations:
            node = uow.organisations.get_many([node_id]).get(node_id)
            if node is None:  # a dangling reference the storage let through: no unit above
                break
            organisations[node.id] = node
            if node.kind is OrganisationKind.UNIT:
                units.add(node.id)
                break
            node_id = node.parent_id
    for unit_id in sorted(units):
        below = uow.organisations.subtree(unit_id)
        organisations.update((o.id, o) for o in below)
        for branch in uow.branches.in_organisations(o.id for o in below):
            branches.setdefault(branch.id, branch)


def end_pairing(uow: UnitOfWork, pairing_id: str, *, on: date, retries: int = DEFAULT_RETRIES) -> Pairing:
    """End a pairing on ``on`` (its last day)."""
    return transaction(uow, lambda: uow.pairings.update(uow.pairings.get(pairing_id).end(on)), retries)
