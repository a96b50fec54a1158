"""Use-cases: plain functions taking a :class:`~volunteer_core.ports.UnitOfWork` first.

Each opens its own ``with uow:``, loads what it needs, applies the pure model and rules, stores the
result and commits once — or not at all. On ``ConcurrencyConflict`` it reloads and retries (``retries=``,
default 8) with a short random back-off, so contention alone never refuses an operation that still
fits; it raises ``ConcurrencyConflict`` only when the retries run out. Structurally invalid input raises
``InvalidInput``; a rule breach raises ``RuleViolation``; an unknown id passed as an argument raises
``NotFound``.

One module per area, every name re-exported here: :mod:`~volunteer_core.services.registers` (master
data), :mod:`~volunteer_core.services.wishes`, :mod:`~volunteer_core.services.pairings`,
:mod:`~volunteer_core.services.ledger` (the time bank), :mod:`~volunteer_core.services.dispatch`,
:mod:`~volunteer_core.services.qualifications` (members' qualifications; readiness to serve),
:mod:`~volunteer_core.services.evaluation` and :mod:`~volunteer_core.services.erasure` (a person's data
erased, the records kept).

>>> from datetime import date
>>> from volunteer_core import Beneficiary, Wish
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> with uow:
...     _ = uow.beneficiaries.add(Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"))
...     uow.commit()
>>> w = collect_wish(uow, Wish(id="w1", beneficiary_id="p1", kind="material", content="电饭煲",
...                            collected_on=date(2026, 5, 1), value="300.00"))
>>> w = screen_wish(uow, "w1", approved=True, on=date(2026, 5, 2))
>>> w = publish_wish(uow, "w1", on=date(2026, 5, 3))
>>> w.status.value, w.version
('published', 2)
"""

from __future__ import annotations

from volunteer_core.services._unit import DEFAULT_RETRIES
from volunteer_core.services.dispatch import (
    accept_demand,
    assign_demand,
    cancel_demand,
    complete_demand,
    decline_demand,
    order_demand,
)
from volunteer_core.services.erasure import (
    Erasure,
    anonymise_beneficiary,
    anonymise_member,
    anonymise_supporter,
)
from volunteer_core.services.evaluation import evaluate_in_transaction, evaluate_year
from volunteer_core.services.ledger import (
    RecordRequest,
    adjust_service,
    confirm_service,
    lock_year,
    record_service,
    record_services,
    reject_service,
    report_service,
    reverse_service,
)
from volunteer_core.services.pairings import end_pairing, register_pairing
from volunteer_core.services.qualifications import expire_qualification, grant_qualification
from volunteer_core.services.registers import add_entities
from volunteer_core.services.wishes import (
    cancel_wish,
    claim_wish,
    collect_wish,
    fulfil_wish,
    publish_wish,
    refer_wish,
    resolve_referral,
    screen_wish,
    withdraw_claim,
)

__all__ = [
    "DEFAULT_RETRIES",
    "Erasure",
    "RecordRequest",
    "accept_demand",
    "add_entities",
    "adjust_service",
    "anonymise_beneficiary",
    "anonymise_member",
    "anonymise_supporter",
    "assign_demand",
    "cancel_demand",
    "cancel_wish",
    "claim_wish",
    "collect_wish",
    "complete_demand",
    "confirm_service",
    "decline_demand",
    "end_pairing",
    "evaluate_in_transaction",
    "evaluate_year",
    "expire_qualification",
    "fulfil_wish",
    "grant_qualification",
    "lock_year",
    "order_demand",
    "publish_wish",
    "record_service",
    "record_services",
    "refer_wish",
    "register_pairing",
    "reject_service",
    "report_service",
    "resolve_referral",
    "reverse_service",
    "screen_wish",
    "withdraw_claim",
]
