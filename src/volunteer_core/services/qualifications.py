"""Members' qualifications (资质) and readiness to serve: insured (``member.uninsured``) and trained
(``member.untrained``, 先培训再上岗) on the service date.

A qualification is earned by a confirmed record of a TRAINING activity that ``grants`` it — stored by the
ledger's use-cases in the same transaction (:func:`~volunteer_core.rules.readiness.earned_qualifications`)
— or entered by the host (:func:`grant_qualification`: a certificate held from elsewhere). The ledger is
append-only: reversing the training's record does **not** take the qualification back; the host corrects
with :func:`expire_qualification`.

:class:`Readiness` is what the use-cases of :mod:`~volunteer_core.services.ledger` and
:mod:`~volunteer_core.services.dispatch` judge with inside their transaction: each member and their
qualifications read once per transaction (a batch of thousands of records reads them once per member).

>>> from datetime import date
>>> from volunteer_core import Branch, Member, Qualification
>>> from volunteer_core.services import add_entities
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
...     Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))])
>>> q = grant_qualification(uow, Qualification(id="q1", member_id="m1", name="急救",
...                                            earned_on=date(2025, 6, 1), expires_on=date(2028, 5, 31)))
>>> expire_qualification(uow, "q1", on=date(2026, 3, 4)).expires_on
datetime.date(2026, 3, 4)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import attrs

from volunteer_core._catalogue import Violation
from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.model import Activity, Member, Qualification, ServiceRecord
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.readiness import check_insured, check_qualified, earned_qualifications
from volunteer_core.services._unit import DEFAULT_RETRIES, transaction

__all__ = ["Readiness", "expire_qualification", "grant_qualification"]


class Readiness:
    """The two readiness rules for the use-cases, inside one open transaction of ``uow``: each member and
    each member's qualifications (``qualifications.for_member``) read at most once, and only when a rule
    needs them (the qualifications only for an activity that ``requires`` some, under
    ``policy.require_training``). What the transaction earns (:meth:`earn`) counts at once for what it
    judges next.

    >>> from datetime import date
    >>> from volunteer_core import Activity, Branch, Member, policies
    >>> from volunteer_core.services import add_entities
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
    ...     Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))])
    >>> with uow:
    ...     [v.code for v in Readiness(uow, policies.MEILIE_2017).violations("m1", None, date(2026, 3, 5))]
    ['member.uninsured']
    """

    def __init__(self, uow: UnitOfWork, policy: Policy = DEFAULT) -> None:
        self._uow = uow
        self._policy = policy
        self._members: dict[str, Member] = {}
        self._held: dict[str, list[Qualification]] = {}
        self._earned: dict[str, list[Qualification]] = {}

    def know(self, members: Mapping[str, Member]) -> None:
        """Members read already (a batch's ``members.get_many``): not read again."""
        self._members.update(members)

    def member(self, member_id: str) -> Member:
        """The stored member (``NotFound`` for an unknown id), read once."""
        if not isinstance(member_id, str):  # refused by the repository as any bad id is
            return self._uow.members.get(member_id)
        found = self._members.get(member_id)
        if found is None:
            found = self._members[member_id] = self._uow.members.get(member_id)
        return found

    def held(self, member_id: str) -> list[Qualification]:
        """The member's qualifications, expired ones included: the stored ones and those earned in this
        transaction, read once."""
        found = self._held.get(member_id)
        if found is None:
            found = self._hold(member_id, self._uow.qualifications.for_member(member_id))
        return found

    def know_held(self, member_ids: Iterable[str]) -> None:
        """Read the stored qualifications of these members at once (``qualifications.for_members``), for
        :meth:`held`; a member read already is not read again."""
        wanted = [m for m in member_ids if isinstance(m, str) and m not in self._held]
        if wanted:
            for member_id, stored in self._uow.qualifications.for_members(wanted).items():
                self._hold(member_id, stored)

    def _hold(self, member_id: str, stored: list[Qualification]) -> list[Qualification]:
        ids = {q.id for q in stored}
        found = self._held[member_id] = [
            *stored,
            *(q for q in self._earned.get(member_id, ()) if q.id not in ids),
        ]
        return found

    def violations(self, member_id: str, activity: Activity | None, on: date) -> list[Violation]:
        """``member.uninsured`` and, with ``activity``, ``member.untrained`` for the member on ``on``,
        each citing the policy's own document."""
        member = self.member(member_id)
        found = check_insured(member, on, self._policy)
        if activity is not None and activity.requires and self._policy.require_training:
            found.extend(check_qualified(member, activity, self.held(member_id), on, self._policy))
        return found

    def refuse(self, member_id: str, activity: Activity | None, on: date) -> None:
        """Raise ``RuleViolation`` with the first of :meth:`violations`, if any."""
        found = self.violations(member_id, activity, on)
        if found:
            raise RuleViolation(found[0])

    def earn(self, record: ServiceRecord, activity: Activity) -> list[Qualification]:
        """The qualifications ``record`` earns (a confirmed record of a training that grants some), counted
        from now on by :meth:`held`; the caller stores them (:meth:`store`)."""
        earned = earned_qualifications(record, activity)
        for qualification in earned:
            self._earned.setdefault(qualification.member_id, []).append(qualification)
            if qualification.member_id in self._held:
                self._held[qualification.member_id].append(qualification)
        return earned

    def store(self, qualifications: list[Qualification]) -> None:
        """Add earned qualifications to the repository (in the open transaction), in order
        (``qualifications.add_many``)."""
        if qualifications:
            self._uow.qualifications.add_many(qualifications)


def grant_qualification(
    uow: UnitOfWork, qualification: Qualification, *, retries: int = DEFAULT_RETRIES
) -> Qualification:
    """The host enters a qualification the member holds (a certificate from elsewhere: 红十字会急救员证 …).
    A duplicate id raises ``InvalidInput`` (``input.duplicate``); an unknown member or activity
    ``InvalidInput`` (``input.reference``)."""
    if not isinstance(qualification, Qualification):
        raise InvalidInput(
            "qualification",
            qualification,
            code="input.type",
            message_en="must be a Qualification",
            message_zh="须为资质",
        )
    return transaction(uow, lambda: uow.qualifications.add(qualification), retries)


def expire_qualification(
    uow: UnitOfWork, qualification_id: str, *, on: date, retries: int = DEFAULT_RETRIES
) -> Qualification:
    """The correction of a qualification that should no longer count (a training whose record was
    reversed, a certificate withdrawn): its ``expires_on`` becomes ``on`` — its last valid day — and never
    moves later than it was (``on`` on or after the current expiry changes nothing and stores nothing).
    ``on`` before ``earned_on`` raises ``InvalidInput`` (``expires_on``): a qualification is valid on its
    first day at least; nothing is ever deleted."""
    if type(on) is not date:
        raise InvalidInput("on", on, code="input.type", message_en="must be a date", message_zh="须为日期")

    def work() -> Qualification:
        stored = uow.qualifications.get(qualification_id)
        if stored.expires_on is not None and stored.expires_on <= on:
            return stored
        return uow.qualifications.update(attrs.evolve(stored, expires_on=on))

    return transaction(uow, work, retries)
