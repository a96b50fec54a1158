"""Erasure of a person's data, the records kept: :func:`anonymise_member`, :func:`anonymise_beneficiary`,
:func:`anonymise_supporter`.

Two texts meet here. GB/T 40143-2021 §5.2.2 asks a volunteer organisation to keep service records at least
ten years (``Policy.retention_years``); the personal information protection law (个人信息保护法, Art 47)
gives a person the right to have their personal information deleted. Both hold: the person's name becomes a
placeholder and their phone, ID number, address and other identifying fields are cleared, while the id —
which every record, claim, team and pairing refers to — stays, so the ledger, the claims and every total
stay too. The year report is the same apart from the name.

The library keeps no register of erasures (it stores no personal data about the act either): each call
returns an :class:`Erasure` saying what was cleared and on which day, for the host's own register.

>>> from datetime import date
>>> from volunteer_core import Branch, Member
>>> from volunteer_core.services import add_entities
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> _ = add_entities(uow, [Branch(id="b1", name="一支部"), Member(id="m1", name="张三", branch_id="b1",
...                        joined_on=date(2020, 1, 1), phone="13912344859")])
>>> anonymise_member(uow, "m1", on=date(2026, 6, 1)).fields
('name', 'phone')
>>> with uow:
...     m = uow.members.get("m1")
>>> m.name, m.phone
('已注销-ca0df2c9', None)
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, Literal

import attrs

from volunteer_core.errors import InvalidType
from volunteer_core.ports import Repository, UnitOfWork
from volunteer_core.services._unit import DEFAULT_RETRIES, transaction

__all__ = [
    "ERASED_NAME_PREFIX",
    "Erasure",
    "anonymise_beneficiary",
    "anonymise_member",
    "anonymise_supporter",
    "erased_name",
]

#: The name an erased person is shown under: this prefix, a dash and 8 hexadecimal digits of the SHA-256 of
#: their id (``已注销-ca0df2c9``), so that two erased people stay apart in a report.
ERASED_NAME_PREFIX = "已注销"

# What an erased member keeps: id, branch, membership dates, skills, the community of residence (a whole
# residents' community, the level a public notice shows; the 双报到 rules count service there) and version.
# Cleared: the phone and the national volunteer number.
_MEMBER_CLEARED = ("phone", "volunteer_no")

# What an erased beneficiary keeps: id, category, community and subtypes (what wishes, pairings and the
# forms count by). Cleared: ID number, phone, address, gender and birth date.
_BENEFICIARY_CLEARED = ("id_number", "phone", "address", "gender", "birth_date")

# What an erased supporter keeps: id and kind (what the claims and the forms count by). Cleared: the contact
# (a phone) and the credit code, which would name a social organisation again under its placeholder.
_SUPPORTER_CLEARED = ("contact", "credit_code")

_Kind = Literal["member", "beneficiary", "supporter"]
_CLEARED: dict[str, tuple[str, ...]] = {
    "member": _MEMBER_CLEARED,
    "beneficiary": _BENEFICIARY_CLEARED,
    "supporter": _SUPPORTER_CLEARED,
}


@attrs.frozen(kw_only=True)
class Erasure:
    """What one erasure did, for the host's register of erasures: whose data (``kind`` and ``entity_id``),
    on which day (``on``, as the host gave it) and which fields were replaced or cleared (``fields``; empty
    when the person had been erased already — erasing twice changes nothing).

    >>> Erasure(kind="member", entity_id="m1", on=date(2026, 6, 1), fields=("name",)).fields
    ('name',)
    """

    kind: _Kind
    entity_id: str
    on: date
    fields: tuple[str, ...]


def erased_name(entity_id: str) -> str:
    """The placeholder name of the erased person with id ``entity_id`` (see :data:`ERASED_NAME_PREFIX`).

    >>> erased_name("m1")
    '已注销-ca0df2c9'
    """
    return f"{ERASED_NAME_PREFIX}-{hashlib.sha256(entity_id.encode('utf-8')).hexdigest()[:8]}"


def _check_on(on: object) -> date:
    if not isinstance(on, date) or isinstance(on, datetime):
        raise InvalidType(
            "on",
            on,
            message_en=f"the day of the erasure must be a date, not {type(on).__name__}",
            message_zh="注销日期须为日期（date）",
        )
    return on


def _repository(uow: UnitOfWork, kind: _Kind) -> Repository[Any]:
    if kind == "member":
        return uow.members
    return uow.beneficiaries if kind == "beneficiary" else uow.supporters


def _erase(uow: UnitOfWork, kind: _Kind, entity_id: str, on: date, retries: int) -> Erasure:
    _check_on(on)
    cleared = _CLEARED[kind]

    def work() -> Erasure:
        repository = _repository(uow, kind)
        stored = repository.get(entity_id)
        erased = attrs.evolve(stored, name=erased_name(stored.id), **dict.fromkeys(cleared))
        changed = tuple(name for name in ("name", *cleared) if getattr(stored, name) != getattr(erased, name))
        if changed:
            repository.update(erased)
        return Erasure(kind=kind, entity_id=stored.id, on=on, fields=changed)

    return transaction(uow, work, retries)


def anonymise_member(uow: UnitOfWork, member_id: str, *, on: date, retries: int = DEFAULT_RETRIES) -> Erasure:
    """Erase a member's personal data on ``on``, keeping every record: the name becomes
    :func:`erased_name` (``已注销-…``), the phone and the national volunteer number are cleared; the id,
    branch, membership dates, skills and community stay, and so do the ledger, the claims, the teams and
    every total. One transaction (``uow.members.update``); a locked year is no obstacle (a member is not a
    record). Erasing twice changes nothing.

    Args:
        uow: the unit of work.
        member_id: the member.
        on: the day of the erasure, returned in the :class:`Erasure` for the host's register (the member
            keeps no date of it: ``left_on`` is the membership's last day, which the host sets apart).
        retries: see :mod:`volunteer_core.services`.

    Returns:
        The :class:`Erasure`: which fields changed (none when already erased).

    Raises:
        NotFound: no member has this id.
        InvalidType: ``on`` is not a date.

    >>> from volunteer_core import Branch, Member
    >>> from volunteer_core.services import add_entities
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
    ...                        Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))])
    >>> first = anonymise_member(uow, "m1", on=date(2026, 6, 1))
    >>> again = anonymise_member(uow, "m1", on=date(2026, 6, 2))
    >>> first.fields, again.fields
    (('name',), ())
    """
    return _erase(uow, "member", member_id, on, retries)


def anonymise_beneficiary(
    uow: UnitOfWork, beneficiary_id: str, *, on: date, retries: int = DEFAULT_RETRIES
) -> Erasure:
    """Erase a beneficiary's personal data on ``on``: the name becomes :func:`erased_name`, the ID number,
    phone, address, gender and birth date are cleared; the id, category, community and subtypes stay, and
    so do the wishes and pairings that refer to the beneficiary. Free text the host wrote elsewhere (a
    wish's content, an activity's summary) is not searched. Erasing twice changes nothing.

    Args:
        uow: the unit of work.
        beneficiary_id: the beneficiary.
        on: the day of the erasure, returned in the :class:`Erasure`.
        retries: see :mod:`volunteer_core.services`.

    Returns:
        The :class:`Erasure`: which fields changed (none when already erased).

    Raises:
        NotFound: no beneficiary has this id.
        InvalidType: ``on`` is not a date.

    >>> from volunteer_core import Beneficiary
    >>> from volunteer_core.services import add_entities
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> _ = add_entities(uow, [Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区",
    ...                                    id_number="11010519491231002X")])
    >>> anonymise_beneficiary(uow, "p1", on=date(2026, 6, 1)).fields
    ('name', 'id_number')
    """
    return _erase(uow, "beneficiary", beneficiary_id, on, retries)


def anonymise_supporter(
    uow: UnitOfWork, supporter_id: str, *, on: date, retries: int = DEFAULT_RETRIES
) -> Erasure:
    """Erase a supporter's personal data on ``on``: the name becomes :func:`erased_name`, the contact (a
    phone) and the credit code are cleared; the id and kind stay, and so do the supporter's claims — the
    wishes they pledged to, the amounts, the pledged totals — and every form's count. Free text the host
    wrote elsewhere (a wish's content, a referral's outcome) is not searched. Erasing twice changes
    nothing.

    Args:
        uow: the unit of work.
        supporter_id: the supporter.
        on: the day of the erasure, returned in the :class:`Erasure`.
        retries: see :mod:`volunteer_core.services`.

    Returns:
        The :class:`Erasure`: which fields changed (none when already erased).

    Raises:
        NotFound: no supporter has this id.
        InvalidType: ``on`` is not a date.

    >>> from volunteer_core import Supporter
    >>> from volunteer_core.services import add_entities
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> _ = add_entities(uow, [Supporter(id="s1", name="林爱心", kind="caring_person", contact="13712342222")])
    >>> anonymise_supporter(uow, "s1", on=date(2026, 6, 1)).fields
    ('name', 'contact')
    >>> with uow:
    ...     s = uow.supporters.get("s1")
    >>> s.name, s.kind.value, s.contact
    ('已注销-e8bc163c', 'caring_person', None)
    """
    return _erase(uow, "supporter", supporter_id, on, retries)
