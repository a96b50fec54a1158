"""Tests of volunteer_core.privacy: masks for public notices and identifier validation."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from volunteer_core.errors import InvalidInput
from volunteer_core.privacy import (
    id_number_birth_date,
    id_number_gender,
    is_mobile,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    normalize_phone,
)

VALID_ID = "11010519491231002X"
VALID_CREDIT_CODE = "91110000600037341L"

# ---------------------------------------------------------------------------------------------------------
# strategies

# Real county-level codes (Beijing Chaoyang, Putian Chengxiang, Loudi Louxing, De'an, Shanghai Pudong).
REGION_CODES = ("110105", "350302", "431302", "360426", "310115", "350322")


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    """18-character ID numbers with a correct GB 11643 check digit."""
    region = draw(st.sampled_from(REGION_CODES))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + gb11643_check_digit(body)


def gb11643_check_digit(body: str) -> str:
    """ISO 7064 MOD 11-2, computed independently of stdnum."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return "10X98765432"[total % 11]


mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)

JUNK: list[object] = [None, "", 0, "⑱", "   ", 1.5, b"139", [], "\x00", "X" * 500, "１３９", "-", "+86"]

MASKS: list[Callable[[str], object]] = [mask_id_number, mask_phone, mask_name, mask_address]
PARSERS: list[Callable[[str], object]] = [
    normalize_mobile,
    normalize_phone,
    normalize_id_number,
    id_number_birth_date,
    id_number_gender,
    normalize_credit_code,
]


# ---------------------------------------------------------------------------------------------------------
# examples of domain.md / api.md


def test_domain_examples() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13912344859") == "139****4859"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修") == "欧**"


# ---------------------------------------------------------------------------------------------------------
# mask_id_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11010519491231002x", "110105********002X"),
        (" 110105 1949 1231 002X\t", "110105********002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("1101051949123100", "****************"),
        ("123", "***"),
        ("", ""),
        ("1101051949123100201234", "110105************1234"),
    ],
)
def test_mask_id_number(text: str, expected: str) -> None:
    assert mask_id_number(text) == expected


@given(valid_id_numbers())
def test_mask_id_number_keeps_length_and_ends(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number) == 18
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert masked[6:14] == "*" * 8


@given(st.text())
def test_mask_id_number_reveals_at_most_ten_characters(text: str) -> None:
    masked = mask_id_number(text)
    assert sum(char != "*" for char in masked) <= 10


# ---------------------------------------------------------------------------------------------------------
# phones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+86 139-1234-4859", "139****4859"),
        ("0086 13912344859", "139****4859"),
        ("8613912344859", "139****4859"),
        ("(+86)139 1234 4859", "139****4859"),
        ("１３９－１２３４－４８５９", "139****4859"),
        ("0594-2345678", "0594-*****78"),
        ("(0594)2345678", "0594-*****78"),
        ("010-87654321-801", "010-******21-***"),
        ("12912344859", "***********"),
        ("", ""),
    ],
)
def test_mask_phone(text: str, expected: str) -> None:
    assert mask_phone(text) == expected


@given(mobiles, st.sampled_from(["", "+86", "+86 ", "0086", "86"]), st.sampled_from(["", " ", "-"]))
def test_mask_phone_hides_the_middle_four_digits(mobile: str, prefix: str, sep: str) -> None:
    written = f"{prefix}{mobile[:3]}{sep}{mobile[3:7]}{sep}{mobile[7:]}"
    assert mask_phone(written) == f"{mobile[:3]}****{mobile[7:]}"


@given(st.text())
def test_mask_phone_reveals_at_most_seven_digits(text: str) -> None:
    assert sum(char.isdigit() for char in mask_phone(text)) <= 7


@pytest.mark.parametrize(
    "text", ["+86 139-1234-4859", "13912344859", "86 139 1234 4859", "１３９１２３４４８５９"]
)
def test_is_mobile_true(text: str) -> None:
    assert is_mobile(text)


@pytest.mark.parametrize(
    "value",
    ["12912344859", "1391234485", "139123448590", None, "", "⑱", 0, 13912344859, "0594-2345678", "   "],
)
def test_is_mobile_false(value: object) -> None:
    assert is_mobile(value) is False


@given(mobiles)
def test_normalize_mobile_round_trip(mobile: str) -> None:
    assert is_mobile(mobile)
    assert normalize_mobile(f"+86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}") == mobile


def test_normalize_mobile_refuses_a_landline() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_mobile("0594-2345678")
    assert caught.value.path == "phone"
    assert caught.value.value == "0594-2345678"
    assert "手机" in caught.value.message_zh
    assert "0594-2345678" in caught.value.message_en


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+86 139-1234-4859", "13912344859"),
        ("0594-2345678", "0594-2345678"),
        ("05942345678", "0594-2345678"),
        ("(0594) 234 5678", "0594-2345678"),
        ("+86 594 2345678", "0594-2345678"),
        ("010-8765-4321", "010-87654321"),
        ("02187654321", "021-87654321"),
        ("010-87654321-801", "010-87654321-801"),
        ("010-87654321转801", "010-87654321-801"),
    ],
)
def test_normalize_phone(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text", ["2345678", "0594-1345678", "0594-234567", "12912344859", "400-123-4567", "abc"]
)
def test_normalize_phone_refuses(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_phone(text, path="contact.phone")
    assert caught.value.path == "contact.phone"
    assert caught.value.code == "input.invalid"
    assert text in caught.value.message_zh
    assert repr(text) in caught.value.message_en


def test_normalize_phone_blank_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_phone("  ")
    assert caught.value.code == "input.required"


# ---------------------------------------------------------------------------------------------------------
# mask_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张三", "张*"),
        ("欧阳修", "欧**"),
        ("张　三", "张*"),
        ("  李四  ", "李*"),
        ("张", "*"),
        ("买买提·艾力", "买*****"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_name(text: str, expected: str) -> None:
    assert mask_name(text) == expected


@given(st.text())
def test_mask_name_preserves_length(text: str) -> None:
    name = "".join(text.split())
    masked = mask_name(text)
    assert len(masked) == len(name)
    assert masked[1:] == "*" * (len(name) - 1)
    if len(name) >= 2:
        assert masked[0] == name[0]


# ---------------------------------------------------------------------------------------------------------
# mask_address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("福建省莆田市城厢区龙桥街道凤山社区8号楼2单元301", "福建省莆田市城厢区龙桥街道凤山社区***"),
        ("湖南省娄底市娄星区大科街道某某村3组12号", "湖南省娄底市娄星区大科街道某某村***"),
        ("福建省莆田市荔城区幸福小区5栋", "福建省莆田市荔城区幸福小区***"),
        ("某某县某某镇光明村委会旁", "某某县某某镇光明村委会***"),
        ("某某街道凤山社区居委会", "某某街道凤山社区居委会"),
        ("北京市东城区东华门街道南池子大街12号", "北京市东城区东华门街道***"),
        ("河北省石家庄市长安区某某街道某某路12号", "河北省石家庄市长安区某某街道***"),
        ("某某县城关镇人民路三十五号", "某某县城关镇***"),
        ("某某县城关镇第三组", "某某县城关镇***"),
        ("万达广场A座1203", "万达广场***"),
        ("凤山社区华联超市旁", "凤山社区***"),
        ("　凤山社区８号 ", "凤山社区***"),
        ("人民路301", "人民路***"),
        ("长安路东段某处某地", "长安路东段某***"),
        ("12号楼", "***"),
        ("", ""),
    ],
)
def test_mask_address(text: str, expected: str) -> None:
    assert mask_address(text) == expected


@given(st.text())
def test_mask_address_never_shows_a_digit(text: str) -> None:
    masked = mask_address(text)
    assert not any(char.isdigit() for char in masked)
    assert len(masked) <= len(text.strip()) + 3


@given(st.text(alphabet="省市区县街道镇乡社区村小区花园苑里号栋楼单元室组凤山幸福0123456789一二三十"))
def test_mask_address_never_shows_a_numbered_unit(text: str) -> None:
    masked = mask_address(text)
    for unit in ("一号", "二号", "三号", "十号", "一栋", "三组", "十组", "二楼"):
        assert unit not in masked


# ---------------------------------------------------------------------------------------------------------
# ID numbers


def test_normalize_id_number_valid() -> None:
    assert normalize_id_number(VALID_ID) == VALID_ID
    assert normalize_id_number("360426199101010071") == "360426199101010071"


def test_normalize_id_number_wrong_last_character() -> None:
    changed = VALID_ID[:-1] + "1"
    with pytest.raises(InvalidInput) as caught:
        normalize_id_number(changed)
    assert caught.value.path == "id_number"
    assert caught.value.code == "input.invalid"
    assert caught.value.value == changed
    assert "校验码" in caught.value.message_zh
    assert "check digit" in caught.value.message_en
    assert changed in caught.value.message_zh


def test_normalize_id_number_strips_spaces_and_accepts_lower_x() -> None:
    assert normalize_id_number(" 110105 19491231 002X ") == VALID_ID
    assert normalize_id_number("11010519491231002x") == VALID_ID
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == VALID_ID


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("1101051949123100", "长度", "length"),
        ("110105491231002", "15位", "15-digit"),
        ("A1010519491231002X", "格式", "format"),
        (_with_check_digit("11010519491331002"), "出生日期", "birth date"),
        (_with_check_digit("11010519490230002"), "出生日期", "birth date"),
        (_with_check_digit("99010519491231002"), "地址码", "address code"),
    ],
)
def test_normalize_id_number_names_the_failed_check(text: str, zh: str, en: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_id_number(text, path="beneficiary.id_number")
    assert caught.value.path == "beneficiary.id_number"
    assert caught.value.value == text
    assert zh in caught.value.message_zh
    assert en in caught.value.message_en


def test_normalize_id_number_blank_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_id_number(" ")
    assert caught.value.code == "input.required"


def test_normalize_id_number_accepts_county_codes_newer_than_the_birth() -> None:
    # 娄星区 (431302) dates from 1999; people born earlier carry the code assigned at issue.
    number = _with_check_digit("43130219650505002")
    assert normalize_id_number(number) == number


@given(valid_id_numbers())
def test_generated_id_numbers_validate(number: str) -> None:
    assert gb11643_check_digit(number[:17]) == ric.calc_check_digit(number)
    assert normalize_id_number(number.lower()) == number
    assert id_number_birth_date(number) == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert id_number_gender(number) == ("male" if int(number[16]) % 2 else "female")


@given(valid_id_numbers(), st.sampled_from("0123456789X"))
def test_changing_the_check_digit_fails(number: str, last: str) -> None:
    assume(last != number[-1])
    with pytest.raises(InvalidInput) as caught:
        normalize_id_number(number[:-1] + last)
    assert caught.value.path == "id_number"


def test_id_number_birth_date_and_gender() -> None:
    assert id_number_birth_date(VALID_ID) == date(1949, 12, 31)
    assert id_number_gender(VALID_ID) == "female"
    assert id_number_gender("360426199101010071") == "male"
    with pytest.raises(InvalidInput):
        id_number_gender(VALID_ID[:-1] + "1")


# ---------------------------------------------------------------------------------------------------------
# credit codes


def test_normalize_credit_code_valid() -> None:
    assert normalize_credit_code(VALID_CREDIT_CODE) == VALID_CREDIT_CODE
    assert normalize_credit_code("9111-0000-6000-3734-1l") == VALID_CREDIT_CODE
    assert uscc.is_valid(VALID_CREDIT_CODE)


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("91110000600037341A", "校验码", "check character"),
        ("9111000060003734", "长度", "length"),
        ("A1110000600037341L", "格式", "format"),
        ("9111000060003734IL", "格式", "format"),
    ],
)
def test_bad_credit_code(text: str, zh: str, en: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_credit_code(text)
    assert caught.value.path == "credit_code"
    assert caught.value.code == "input.invalid"
    assert caught.value.value == text
    assert zh in caught.value.message_zh
    assert en in caught.value.message_en
    assert text in caught.value.message_zh


# ---------------------------------------------------------------------------------------------------------
# robustness (after python-stdnum's test_robustness.doctest)


@pytest.mark.parametrize("func", [*MASKS, *PARSERS], ids=lambda f: f.__name__)
@pytest.mark.parametrize("junk", JUNK, ids=repr)
def test_robustness(func: Callable[[object], object], junk: object) -> None:
    with contextlib.suppress(TypeError, InvalidInput):
        func(junk)


@pytest.mark.parametrize("func", [*MASKS, *PARSERS], ids=lambda f: f.__name__)
def test_non_str_is_a_type_error(func: Callable[[object], object]) -> None:
    with pytest.raises(TypeError):
        func(None)


@given(st.text())
def test_masks_never_raise_on_text(text: str) -> None:
    for mask in MASKS:
        assert isinstance(mask(text), str)


@given(st.text())
def test_parsers_raise_only_invalid_input_on_text(text: str) -> None:
    for parser in PARSERS:
        with contextlib.suppress(InvalidInput):
            parser(text)
    assert isinstance(is_mobile(text), bool)
