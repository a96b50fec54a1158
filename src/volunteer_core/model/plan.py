"""Branch plans (活动计划表, 000 附件) and half-year reports (活动开展情况, 000 §五 / 002 §四).

>>> from datetime import date
>>> item = PlanItem(line="festival", target="城厢区社会福利院", measures="中秋送月饼",
...                 scheduled="9月", mode="solo")
>>> BranchPlan(id="pl1", branch_id="b1", year=2026, submitted_on=date(2026, 5, 10), items=[item]).items[0].line.label_zh
'我和帮扶对象同过节'
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from volunteer_core.errors import InvalidInput
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import PairingMode, PlanLine

__all__ = ["BranchPlan", "HalfYearReport", "PlanItem"]


@attrs.frozen(kw_only=True)
class PlanItem:
    """One row of the plan table: the line (三类活动), the partner or beneficiary and its situation
    (结对共建单位名称及情况), the planned measures (计划帮扶共建措施), when (开展时间, free text as
    branches write it) and how (结对共建方式)."""

    line: PlanLine = attrs.field(converter=f.to_plan_line, validator=f.member_of(PlanLine))
    target: str = attrs.field(validator=f.name_text)
    measures: str = attrs.field(default="", validator=f.plain_text)
    scheduled: str = attrs.field(default="", validator=f.plain_text)
    mode: PairingMode = attrs.field(
        default=PairingMode.SOLO,
        converter=f.to_pairing_mode,
        validator=f.member_of(PairingMode),
    )


def _year(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    f.an_int(_inst, attribute, value)
    assert isinstance(value, int)
    if not 1949 <= value <= 9999:
        raise InvalidInput(attribute.name, value, message_en="not a plausible year", message_zh="年份不合理")


@attrs.frozen(kw_only=True)
class BranchPlan:
    """A branch's yearly plan table, due by mid-May (``branch.plan_due``)."""

    id: str = attrs.field(validator=f.identifier)
    branch_id: str = attrs.field(validator=f.identifier)
    year: int = attrs.field(validator=_year)
    submitted_on: date = attrs.field(validator=f.a_date)
    items: tuple[PlanItem, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(PlanItem, "PlanItem", "计划条目")
    )
    version: int = attrs.field(default=0, validator=f.version)


def _half(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in (1, 2) or isinstance(value, bool):
        raise InvalidInput(attribute.name, value, message_en="half is 1 or 2", message_zh="半年须为1或2")


@attrs.frozen(kw_only=True)
class HalfYearReport:
    """A half-year progress report: H1 due 30 June, H2 due 31 December (``branch.report_due``).

    >>> from datetime import date
    >>> HalfYearReport(id="r1", branch_id="b1", year=2026, half=3, submitted_on=date(2026, 6, 30))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ half: ...
    """

    id: str = attrs.field(validator=f.identifier)
    branch_id: str = attrs.field(validator=f.identifier)
    year: int = attrs.field(validator=_year)
    half: int = attrs.field(validator=_half)
    submitted_on: date = attrs.field(validator=f.a_date)
    summary: str = attrs.field(default="", validator=f.plain_text)
    version: int = attrs.field(default=0, validator=f.version)
