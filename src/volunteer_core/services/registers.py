"""Master data: branches, members, teams, beneficiaries, partner units, activities, plans and reports.

Entities with a life of their own go through their use-cases instead (:mod:`~volunteer_core.services.wishes`,
:mod:`~volunteer_core.services.pairings`, :mod:`~volunteer_core.services.ledger`,
:mod:`~volunteer_core.services.dispatch`).

>>> from datetime import date
>>> from volunteer_core import Branch, Member
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> add_entities(uow, [Branch(id="b1", name="一支部"),
...                    Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))])
2
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from volunteer_core.aggregates import AGGREGATES
from volunteer_core.errors import InvalidInput
from volunteer_core.ports import UnitOfWork
from volunteer_core.services._unit import DEFAULT_RETRIES, transaction

__all__ = ["add_entities"]

#: The aggregates with a life of their own: stored through their use-cases, never as master data.
_THROUGH_USE_CASES = frozenset({"pairings", "records", "wishes", "demands"})

#: entity class → its repository, for every other row of the table of aggregates
_REPOSITORY_OF: dict[type, str] = {a.entity: a.name for a in AGGREGATES if a.name not in _THROUGH_USE_CASES}


def add_entities(
    uow: UnitOfWork, entities: Iterable[Any], *, batch_size: int = 1000, retries: int = DEFAULT_RETRIES
) -> int:
    """Register master data — branches, members, teams, beneficiaries, partner units, activities, plans
    and reports — in order, one transaction per ``batch_size`` (a reference must name an entity stored
    earlier: put branches before members). Returns how many were stored. Entities with a life of their
    own go through their use-cases instead (wishes, pairings, records, demands).

    >>> from volunteer_core import Branch
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> add_entities(InMemoryUnitOfWork(), [Branch(id="b1", name="一支部"), Branch(id="b2", name="二支部")])
    2
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInput(
            "batch_size", batch_size, message_en="must be an integer ≥ 1", message_zh="须为正整数"
        )
    batch: list[Any] = []
    count = 0

    def flush() -> None:
        def work() -> None:
            for entity in batch:
                getattr(uow, _REPOSITORY_OF[type(entity)]).add(entity)

        transaction(uow, work, retries)

    for index, entity in enumerate(entities):
        if type(entity) not in _REPOSITORY_OF:
            raise InvalidInput(
                f"entities[{index}]",
                type(entity).__name__,
                code="input.type",
                message_en="add_entities stores branches, members, teams, beneficiaries, units, activities, "
                "plans and reports; use the use-case of a wish, pairing, record or demand",
                message_zh="心愿、结对、服务记录、需求请通过相应用例办理",
            )
        batch.append(entity)
        if len(batch) >= batch_size:
            flush()
            count += len(batch)
            batch.clear()
    if batch:
        flush()
        count += len(batch)
    return count
