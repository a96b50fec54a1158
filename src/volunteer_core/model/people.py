"""Branches, members, teams, beneficiaries and partner units.

>>> from datetime import date
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 7, 1), skills=["急救"])
>>> m.skills
frozenset({'急救'})
>>> m.is_member_on(date(2026, 1, 1))
True
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from volunteer_core import privacy
from volunteer_core.errors import InvalidInput
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import BeneficiaryCategory, Gender, UnitKind

__all__ = ["Beneficiary", "Branch", "Member", "PartnerUnit", "Team"]


def _china_today() -> date:
    """Today's date in China (UTC+8). The only clock read of the core: a sanity bound on birth dates."""
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(hours=8)).date()


def _optional_phone(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, str):
        privacy.normalize_phone(value, path=attribute.name)


#: The longest national volunteer number accepted (the system's numbers are far shorter).
_VOLUNTEER_NO_MAX = 64


def _optional_volunteer_no(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None, or an identifier-like text: 1–64 printable characters, no whitespace anywhere. Control
    characters, lone surrogates and an over-long number (``input.too_large``) are refused as in every
    one-line text (:func:`~volunteer_core.model._fields.check_text`); the value is shown escaped."""
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidInput(
            attribute.name,
            value,
            code="input.type",
            message_en=f"the national volunteer number must be a string, not {type(value).__name__}",
            message_zh="志愿者编号须为字符串",
        )
    try:
        f.check_text(attribute.name, value, limit=_VOLUNTEER_NO_MAX, one_line=True)
    except InvalidInput as err:  # said of the volunteer number; the value it carries is escaped
        raise InvalidInput(
            attribute.name,
            err.value,
            code=err.code,
            message_en=f"the national volunteer number: {err.message_en}",
            message_zh=f"志愿者编号：{err.message_zh}",
        ) from None
    if not value or not value.isprintable() or any(ch.isspace() for ch in value):
        shown = f.shown(value)
        raise InvalidInput(
            attribute.name,
            shown,
            code="input.required" if not value else "input.invalid",
            message_en=(
                f"the national volunteer number '{shown}' must be 1–{_VOLUNTEER_NO_MAX} printable "
                "characters without spaces"
            ),
            message_zh=f"志愿者编号“{shown}”须为1至{_VOLUNTEER_NO_MAX}个可打印字符且不含空格",
        )


@attrs.frozen(kw_only=True)
class Branch:
    """A party branch (党支部): the unit that organises, pairs and reports.

    ``organisation_id`` places it in the organisation tree (:class:`~volunteer_core.Organisation`): the
    机关党委, 党委 or 单位 directly above it, where known.

    >>> Branch(id="b1", name="办公室党支部", organisation_id="o2").organisation_id
    'o2'
    """

    id: str = attrs.field(validator=f.identifier)
    name: str = attrs.field(validator=f.name_text)
    organisation_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    version: int = attrs.field(default=0, validator=f.version)


@attrs.frozen(kw_only=True)
class Member:
    """A party member volunteer (党员志愿者) of one branch.

    ``left_on`` is the last day of membership. ``skills`` are declared volunteer skills (志愿服务技能);
    ``community`` is the community of residence where the member registered (双报到).
    ``volunteer_no`` is the national volunteer number (全国志愿服务信息系统 志愿者编号) where known: an
    identifier-like text (no spaces), printed on the member's certificates. ``registered_on`` is the day
    the member registered with the time bank (注册登记, 002 §三 四覆盖), where known: ``coverage.registered``
    asks for it on or before the end of the year judged. It may precede ``joined_on`` (a volunteer
    registered before joining this branch). ``insured_until`` is the last day of the member's 人身意外伤害
    综合保险 (003 §四.5), where known: under ``policy.require_insurance`` a member is insured on a day
    up to and including it (``member.uninsured``).

    >>> from datetime import date
    >>> Member(id="m1", name="李四", branch_id="b1", joined_on=date(2026, 5, 1), left_on=date(2026, 4, 1))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ left_on: ...
    """

    id: str = attrs.field(validator=f.identifier)
    name: str = attrs.field(validator=f.name_text)
    branch_id: str = attrs.field(validator=f.identifier)
    joined_on: date = attrs.field(validator=f.a_date)
    left_on: date | None = attrs.field(default=None, validator=f.optional_date)
    skills: frozenset[str] = attrs.field(factory=frozenset, converter=f.to_frozenset, validator=f.id_set)
    phone: str | None = attrs.field(
        default=None, validator=[f.optional_text, _optional_phone], repr=privacy.masked_repr("phone")
    )
    community: str | None = attrs.field(default=None, validator=f.optional_text)
    volunteer_no: str | None = attrs.field(default=None, validator=_optional_volunteer_no)
    registered_on: date | None = attrs.field(default=None, validator=f.optional_date)
    insured_until: date | None = attrs.field(default=None, validator=f.optional_date)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        f.check_order("left_on", self.joined_on, self.left_on, "joined_on")

    def is_insured_on(self, day: date) -> bool:
        """Whether the member's insurance covers ``day`` (``day ≤ insured_until``).

        >>> from datetime import date
        >>> m = Member(id="m1", name="李四", branch_id="b1", joined_on=date(2026, 1, 1),
        ...            insured_until=date(2026, 12, 31))
        >>> m.is_insured_on(date(2026, 12, 31)), m.is_insured_on(date(2027, 1, 1))
        (True, False)
        """
        return self.insured_until is not None and day <= self.insured_until

    def is_member_on(self, day: date) -> bool:
        """Whether ``day`` lies within the membership (``joined_on`` … ``left_on``, both included)."""
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


@attrs.frozen(kw_only=True)
class Team:
    """A volunteer team (志愿服务队) formed by a branch.

    >>> Team(id="t1", branch_id="b1", name="先锋队", member_ids={"m1", "m2"}).member_ids == {"m1", "m2"}
    True
    """

    id: str = attrs.field(validator=f.identifier)
    branch_id: str = attrs.field(validator=f.identifier)
    name: str = attrs.field(validator=f.name_text)
    member_ids: frozenset[str] = attrs.field(factory=frozenset, converter=f.to_frozenset, validator=f.id_set)
    version: int = attrs.field(default=0, validator=f.version)


def _normalise_id_number(value: Any) -> Any:
    if isinstance(value, str):
        return privacy.normalize_id_number(value, path="id_number")
    return value


def _normalise_credit_code(value: Any) -> Any:
    if isinstance(value, str):
        return privacy.normalize_credit_code(value, path="credit_code")
    return value


@attrs.frozen(kw_only=True)
class Beneficiary:
    """A person helped (服务对象). ``id_number`` is checked against GB 11643 (python-stdnum), spaces
    stripped and a trailing ``x`` upper-cased; a birth date (given or encoded in the ID number) may not
    lie in the future and must agree with the ID number; so must the gender.

    >>> b = Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区",
    ...                 id_number="1101 0519 4912 3100 2x")
    >>> b.id_number, b.category.label_zh
    ('11010519491231002X', '老')
    >>> Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区",
    ...             id_number="110105194912310021")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ id_number: ...
    """

    id: str = attrs.field(validator=f.identifier)
    name: str = attrs.field(validator=f.name_text)
    category: BeneficiaryCategory = attrs.field(
        converter=f.to_beneficiary_category, validator=f.member_of(BeneficiaryCategory)
    )
    community: str = attrs.field(validator=f.name_text)
    id_number: str | None = attrs.field(
        default=None,
        converter=_normalise_id_number,
        validator=f.optional_text,
        repr=privacy.masked_repr("id_number"),
    )
    phone: str | None = attrs.field(
        default=None, validator=[f.optional_text, _optional_phone], repr=privacy.masked_repr("phone")
    )
    address: str | None = attrs.field(
        default=None, validator=f.optional_text, repr=privacy.masked_repr("address")
    )
    gender: Gender | None = attrs.field(
        default=None,
        converter=f.to_gender,
        validator=attrs.validators.optional(f.member_of(Gender)),
    )
    birth_date: date | None = attrs.field(
        default=None, validator=f.optional_date, repr=privacy.masked_repr("birth_date")
    )
    subtypes: frozenset[str] = attrs.field(factory=frozenset, converter=f.to_frozenset, validator=f.id_set)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        encoded = privacy.id_number_birth_date(self.id_number) if self.id_number else None
        if self.birth_date is not None and encoded is not None and self.birth_date != encoded:
            raise InvalidInput(
                "birth_date",
                self.birth_date,
                message_en="birth_date disagrees with the date of birth the ID number encodes",
                message_zh="出生日期与身份证号码中的出生日期不一致",
            )
        born = self.birth_date or encoded
        if born is not None and born > _china_today():
            path = "birth_date" if self.birth_date is not None else "id_number"
            raise InvalidInput(
                path,
                self.birth_date if self.birth_date is not None else self.id_number,
                message_en="the date of birth lies in the future",
                message_zh="出生日期晚于今天",
            )
        if self.gender is not None and self.id_number is not None:
            encoded_gender = Gender(privacy.id_number_gender(self.id_number))
            if encoded_gender is not self.gender:
                raise InvalidInput(
                    "gender",
                    self.gender.value,
                    message_en=f"gender {self.gender.value} disagrees with the ID number ({encoded_gender.value})",
                    message_zh=f"性别 {self.gender.label_zh} 与身份证号码（{encoded_gender.label_zh}）不一致",
                )

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day`` (None when no birth date is known).

        >>> from datetime import date
        >>> Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区",
        ...             id_number="11010519491231002X").age_on(date(2026, 12, 30))
        76
        """
        born = self.birth_date or (privacy.id_number_birth_date(self.id_number) if self.id_number else None)
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@attrs.frozen(kw_only=True)
class PartnerUnit:
    """An institution paired with (结对共建单位); ``credit_code`` is checked against GB 32100.

    >>> PartnerUnit(id="u1", name="城厢区社会福利院", kind="welfare_home",
    ...             credit_code="91110000600037341L").kind.label_zh
    '福利院'
    """

    id: str = attrs.field(validator=f.identifier)
    name: str = attrs.field(validator=f.name_text)
    kind: UnitKind = attrs.field(converter=f.to_unit_kind, validator=f.member_of(UnitKind))
    credit_code: str | None = attrs.field(
        default=None, converter=_normalise_credit_code, validator=f.optional_text
    )
    version: int = attrs.field(default=0, validator=f.version)
