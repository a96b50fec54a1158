"""Single cells: money read exactly or refused, the formula guard, dates, 性别, 年龄, labels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import BeneficiaryCategory, Gender, WishKind, Yuan
from volunteer_core.forms import CellError, read_money
from volunteer_core.forms._cells import (
    guard,
    needs_quote_prefix,
    read_age,
    read_category,
    read_date,
    read_gender,
    read_wish_kind,
    unguard,
)


@pytest.mark.parametrize(
    ("written", "fen"),
    [
        ("300元", 30000),
        ("¥300", 30000),
        ("￥300", 30000),
        ("300.00", 30000),
        ("三百元", 30000),
        ("贰佰伍拾元", 25000),
        ("叁佰元整", 30000),
        ("两百元", 20000),
        ("一百二十元五角", 12050),
        ("一百二十元五角三分", 12053),
        ("三百点五", 30050),
        ("人民币贰佰元", 20000),
        ("1,200.00元", 120000),
        ("３００元", 30000),
        ("RMB 12.5", 1250),
        (300, 30000),
        (120.5, 12050),
        (Decimal("0.01"), 1),
    ],
)
def test_money_as_people_write_it_is_read_exactly(written: object, fen: int) -> None:
    assert read_money(written) == Yuan.from_fen(fen)


@pytest.mark.parametrize(
    "written",
    [
        "三百五",
        "300-500元",
        "约300元",
        "300元左右",
        "3百元",
        "二五零",
        "三四百元",
        "300.001",
        "-300",
        "元",
        "一百点五五五",
        300.001,
        -5,
        True,
    ],
)
def test_ambiguous_or_inexact_money_is_refused_never_guessed(written: object) -> None:
    with pytest.raises(CellError) as caught:
        read_money(written)
    assert caught.value.code == "input.invalid"


@pytest.mark.parametrize("blank", [None, "", "  ", "无", "/", "—"])
def test_a_blank_money_cell_is_none(blank: object) -> None:
    assert read_money(blank) is None


@given(st.text(max_size=12))
def test_the_guard_is_undone_exactly(text: str) -> None:
    guarded = guard(text)
    assert unguard(guarded) == text
    assert guarded[:1] not in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_trigger_is_guarded(text: str) -> None:
    assert guard(text) == "'" + text
    assert needs_quote_prefix(text)


def test_ordinary_text_is_left_alone() -> None:
    assert guard("张三") == "张三"
    assert guard("it's") == "it's"
    assert unguard("'abc") == "'abc"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-05-01", date(2026, 5, 1)),
        ("2026/5/1", date(2026, 5, 1)),
        ("2026.5.1", date(2026, 5, 1)),
        ("2026年5月1日", date(2026, 5, 1)),
        ("20260501", date(2026, 5, 1)),
        (datetime(2026, 5, 1, 0, 0), date(2026, 5, 1)),
        (date(2026, 5, 1), date(2026, 5, 1)),
        ("", None),
    ],
)
def test_dates(written: object, expected: date | None) -> None:
    assert read_date(written) == expected


@pytest.mark.parametrize("written", ["26-5-1", "2026-02-30", "五月一日", "2026-5"])
def test_bad_dates_are_refused(written: str) -> None:
    with pytest.raises(CellError):
        read_date(written)


def test_gender_age_and_labels() -> None:
    assert read_gender("男") is Gender.MALE
    assert read_gender("女性") is Gender.FEMALE
    assert read_gender("F") is Gender.FEMALE
    assert read_gender("") is None
    with pytest.raises(CellError, match="性别"):
        read_gender("未知")
    assert read_age("78岁") == 78
    assert read_age(9.0) == 9
    assert read_age("") is None
    with pytest.raises(CellError):
        read_age("二百")
    with pytest.raises(CellError):
        read_age(151)
    assert read_category("老") is BeneficiaryCategory.ELDERLY
    assert read_category("困难残疾人") is BeneficiaryCategory.DISABLED
    assert read_category("special") is BeneficiaryCategory.SPECIAL
    with pytest.raises(CellError):
        read_category("青年")
    assert read_wish_kind("生活物资") is WishKind.MATERIAL
    assert read_wish_kind("精神文化需求") is WishKind.CULTURAL
    assert read_wish_kind("微服务") is WishKind.SERVICE
    with pytest.raises(CellError):
        read_wish_kind("现金")
