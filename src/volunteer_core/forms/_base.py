"""What every form builder shares: the arguments, the masking of personal data, who claimed a wish, what
became of a referral, and the cells of a beneficiary.

>>> hours(90), referral_result(None, None)
(Decimal('1.5'), '')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import attrs

from volunteer_core import privacy
from volunteer_core.errors import InvalidInput
from volunteer_core.forms._sheet import Cell
from volunteer_core.model import Beneficiary, Branch, Claim, Member, Supporter, Wish, WishStatus
from volunteer_core.policy import Policy
from volunteer_core.ports import UnitOfWork

__all__ = [
    "MEMBER_LABEL",
    "Args",
    "Claimant",
    "Form",
    "Mask",
    "People",
    "Row",
    "check_year",
    "hours",
    "in_year",
    "one_community",
    "person",
    "referral_result",
    "require",
    "today",
]

Row = list[Cell]

#: What a claim by a member says of its claimant (认领人类别).
MEMBER_LABEL = "党员"


def today() -> date:
    """Today in China (UTC+8)."""
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def hours(minutes: int) -> Decimal:
    """Minutes as hours with one decimal (half up).

    >>> hours(1200), hours(5)
    (Decimal('20.0'), Decimal('0.1'))
    """
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def require(name: str, value: object, zh: str) -> None:
    """``InvalidInput`` (``input.required`` on ``name``) when a form's argument is missing."""
    if value is None:
        raise InvalidInput(
            name,
            None,
            code="input.required",
            message_en=f"this form needs {name}=",
            message_zh=f"该表须指定{zh}",
        )


def check_year(year: int | None) -> None:
    """``InvalidInput`` for a ``year`` that is not an int from 1900 to 9999."""
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999):
        raise InvalidInput(
            "year", year, code="input.type", message_en="must be a year", message_zh="须为年份"
        )


@attrs.frozen(kw_only=True)
class Mask:
    """Personal data as a form shows it — beneficiaries' names, addresses, phones and ID numbers, and the
    phones of members and supporters — masked unless ``on`` is False.

    >>> Mask(on=True).phone("13912344859"), Mask(on=False).phone("13912344859")
    ('139****4859', '13912344859')
    """

    on: bool

    def name(self, text: str) -> str:
        """A beneficiary's name (``王**``)."""
        return privacy.mask_name(text) if self.on else text

    def address(self, text: str | None) -> str | None:
        """An address without its house number."""
        return None if text is None else privacy.mask_address(text) if self.on else text

    def phone(self, text: str | None) -> str | None:
        """A phone number (``139****4859``)."""
        return None if text is None else privacy.mask_phone(text) if self.on else text

    def id_number(self, text: str | None) -> str | None:
        """An ID number (``350302********0012``)."""
        return None if text is None else privacy.mask_id_number(text) if self.on else text


@attrs.frozen(kw_only=True)
class Form:
    """A form's title lines and data rows."""

    titles: list[str]
    rows: list[Row]


@attrs.frozen(kw_only=True)
class Args:
    """The arguments of :func:`volunteer_core.forms.export`, checked."""

    year: int | None
    branch_id: str | None
    half: int | None
    mask: Mask
    on: date
    as_of: date | None
    policy: Policy
    organisation_id: str | None = None


def person(b: Beneficiary | None, on: date, mask: Mask) -> Row:
    """姓名, 性别, 年龄, 家庭住址 of a beneficiary."""
    if b is None:
        return [None, None, None, None]
    return [mask.name(b.name), b.gender.label_zh if b.gender else None, b.age_on(on), mask.address(b.address)]


def in_year(day: date | None, year: int | None) -> bool:
    """True when no year is asked, or ``day`` falls in it."""
    return year is None or (day is not None and day.year == year)


def one_community(wishes: Sequence[Wish], people: dict[str, Beneficiary]) -> str:
    """The community of the wishes' beneficiaries when they share one (a form's title names it)."""
    places = {people[w.beneficiary_id].community for w in wishes if w.beneficiary_id in people}
    return places.pop() if len(places) == 1 else ""


@attrs.frozen(kw_only=True)
class Claimant:
    """Who claimed, as a form shows it: the name, the kind (党员, or 社区志愿者 / 爱心人士 / 社会组织), the
    unit (a member's branch; none for a supporter) and the phone (masked by the form's :class:`Mask`)."""

    name: str
    kind: str
    unit: str | None
    phone: str | None
    is_member: bool

    @property
    def labelled(self) -> str:
        """The name, followed by the kind for a supporter: ``张三``, ``林爱心（爱心人士）``."""
        return self.name if self.is_member else f"{self.name}（{self.kind}）"


@attrs.frozen(kw_only=True)
class People:
    """The beneficiaries, members, branches and supporters of a store, read once for a form.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     _ = uow.supporters.add(Supporter(id="s1", name="林爱心", kind="caring_person", contact="13912344859"))
    ...     people = People.read(uow)
    >>> who = people.claimant(Claim(supporter_id="s1", claimed_on=date(2026, 5, 6)), Mask(on=True))
    >>> who.labelled, who.phone, who.unit
    ('林爱心（爱心人士）', '139****4859', None)
    """

    beneficiaries: dict[str, Beneficiary]
    members: dict[str, Member]
    branches: dict[str, Branch]
    supporters: dict[str, Supporter]

    @classmethod
    def read(cls, uow: UnitOfWork) -> People:
        """Everything at once, inside the caller's transaction."""
        return cls(
            beneficiaries={b.id: b for b in uow.beneficiaries.list()},
            members={m.id: m for m in uow.members.list()},
            branches={b.id: b for b in uow.branches.list()},
            supporters={s.id: s for s in uow.supporters.list()},
        )

    def branch_of(self, claim: Claim) -> str | None:
        """The branch of a member's claim; None for a supporter's, or a member not stored."""
        member = None if claim.member_id is None else self.members.get(claim.member_id)
        return member.branch_id if member else None

    def claimant(self, claim: Claim, mask: Mask) -> Claimant:
        """Who made ``claim`` (an id not stored shows as itself)."""
        if claim.member_id is not None:
            member = self.members.get(claim.member_id)
            branch = self.branches.get(member.branch_id) if member else None
            return Claimant(
                name=member.name if member else claim.member_id,
                kind=MEMBER_LABEL,
                unit=branch.name if branch else (member.branch_id if member else None),
                phone=mask.phone(member.phone) if member else None,
                is_member=True,
            )
        assert claim.supporter_id is not None
        supporter = self.supporters.get(claim.supporter_id)
        return Claimant(
            name=supporter.name if supporter else claim.supporter_id,
            kind=supporter.kind.label_zh if supporter else "社会认领人",
            unit=None,
            phone=mask.phone(supporter.contact) if supporter else None,
            is_member=False,
        )

    def wish_line(self, wish: Wish, mask: Mask) -> str:
        """A wish as a notice names it: ``王**（凤山社区）：一台电饭煲`` (the beneficiary masked by ``mask``)."""
        b = self.beneficiaries.get(wish.beneficiary_id)
        return f"{mask.name(b.name)}（{b.community}）：{wish.content}" if b else wish.content


def referral_result(wish: Wish | None, known_by: date | None) -> str:
    """What became of a referral, as known on ``known_by`` (None: as stored): ``已落实`` (followed by what the
    department reported, if anything), ``未落实：`` and the reason, or ``办理中``; empty for a wish never
    referred.

    >>> w = Wish(id="w1", beneficiary_id="p1", kind="policy", content="申请廉租房", collected_on=date(2026, 5, 1))
    >>> w = w.refer(to="区住建局", on=date(2026, 5, 2), reason="政策类")
    >>> closed = w.resolve_referral(on=date(2026, 7, 1), fulfilled=False, outcome="不符合条件")
    >>> referral_result(w, None), referral_result(closed, None), referral_result(closed, date(2026, 6, 30))
    ('办理中', '未落实：不符合条件', '办理中')
    """
    if wish is None or wish.referred_on is None:
        return ""
    closed = {WishStatus.FULFILLED: wish.fulfilled_on, WishStatus.CANCELLED: wish.cancelled_on}.get(
        wish.status
    )
    if closed is None or (known_by is not None and closed > known_by):
        return "办理中"
    if wish.status is WishStatus.CANCELLED:
        return f"未落实：{wish.referral_outcome}"
    return f"已落实：{wish.referral_outcome}" if wish.referral_outcome.strip() else "已落实"
