"""Every cell reader, fed anything, returns a value or raises a CellError — an InvalidInput — never a raw
ValueError; a refused value is shown escaped and cut short."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from volunteer_core.errors import InvalidInput
from volunteer_core.forms import CellError, read_money
from volunteer_core.forms._cells import (
    MAX_AMOUNT_CHARS,
    MAX_CELL_CHARS,
    SHOWN_CHARS,
    read_age,
    read_category,
    read_date,
    read_gender,
    read_text,
    read_wish_kind,
)

READERS: dict[str, Callable[[object], object]] = {
    "read_money": read_money,
    "read_date": read_date,
    "read_age": read_age,
    "read_gender": read_gender,
    "read_category": read_category,
    "read_wish_kind": read_wish_kind,
    "read_text": read_text,
}

JUNK = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,元角分整零一二三四五六七八九十百千万亿壹贰叁拾佰仟¥-+eE年月日岁 "),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**4200),  # printable by hypothesis; 10**5000 below
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.binary(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.sampled_from(["\x00", "\ud800", "\x1b[2J", "9" * 5000, "三" * 5000, "[" * 10_000, "\u202e300元"]),
)


def refusal(reader: Callable[[object], object], value: object) -> CellError | None:
    """The CellError a reader raises for ``value``, ``None`` when it reads it; anything else propagates."""
    try:
        reader(value)
    except CellError as err:
        return err
    return None


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@settings(max_examples=150, deadline=None)
@given(value=JUNK)
def test_a_cell_reader_raises_only_invalid_input(reader: Callable[[object], object], value: object) -> None:
    err = refusal(reader, value)
    if err is not None:
        assert isinstance(err, InvalidInput)
        assert err.code in ("input.invalid", "input.too_large", "input.required")
        assert len(err.message_en) < 400
        assert not any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in err.message_en + err.message_zh)


@pytest.mark.parametrize(
    "written",
    ["9" * 5000, 10**5000, 10**30, Decimal("1E+999999"), "1" + "0" * 20 + "元"],
    ids=["5000 digits", "10**5000", "10**30", "1E+999999", "10**20 元"],
)
def test_money_beyond_any_amount_is_too_large(written: object) -> None:
    with pytest.raises(CellError) as caught:
        read_money(written)
    assert caught.value.code == "input.too_large"


def test_a_money_cell_longer_than_the_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(CellError) as caught:
        read_money("三" * (MAX_AMOUNT_CHARS + 1))
    assert caught.value.code == "input.too_large"
    assert str(MAX_AMOUNT_CHARS) in caught.value.message_en


@pytest.mark.parametrize("written", [float("inf"), float("nan"), Decimal("NaN"), "1e999", [300], b"300"])
def test_money_that_is_no_amount_is_invalid(written: object) -> None:
    with pytest.raises(CellError) as caught:
        read_money(written)
    assert caught.value.code == "input.invalid"


def test_a_refused_value_is_escaped_and_cut_short() -> None:
    with pytest.raises(CellError) as caught:
        read_date("\x1b[31m" + "x" * 500)
    message = caught.value.message_en + caught.value.message_zh
    assert "\x1b" not in message
    assert "\\x1b[31m" in message
    assert "(505 chars)" in message
    assert len(str(caught.value.value)) < SHOWN_CHARS + 30


def test_a_huge_number_is_described_not_written_out() -> None:
    with pytest.raises(CellError) as caught:
        read_age(10**5000)
    assert "5001 digits" in caught.value.message_en
    assert read_text(10**1000) == "1" + "0" * 1000
    with pytest.raises(CellError) as too_long:
        read_text(10**MAX_CELL_CHARS)
    assert too_long.value.code == "input.too_large"


def test_a_cell_error_is_an_invalid_input_that_survives_pickling() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_money("三百五")
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is CellError
    assert (again.code, again.message_zh, again.message_en) == (
        caught.value.code,
        caught.value.message_zh,
        caught.value.message_en,
    )
    assert str(again).startswith("input.invalid: “三百五”")


def test_what_the_sheet_reader_produces_is_read_as_before() -> None:
    assert str(read_money(1200.5)) == "1200.50"
    assert read_date(datetime(2026, 5, 1, 0, 0)) == date(2026, 5, 1)
    assert read_text(13912344859) == "13912344859"
    assert read_age(78.0) == 78
