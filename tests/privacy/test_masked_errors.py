"""InvalidInput never carries a full ID number or phone: not in ``.value``, not in any message.

Raised by the privacy normalisers (which mask their own messages), by the entities' validators, by
serialization, and by any code that names a personal field in the error's path (errors.InvalidInput masks
those itself). Real-format values throughout.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import Beneficiary, Member
from volunteer_core.errors import InvalidInput, InvalidType
from volunteer_core.privacy import normalize_id_number, normalize_mobile, normalize_phone
from volunteer_core.serialization import structure

ID = "11010519491231002X"
MOBILE = "13912344859"


def _text(err: InvalidInput) -> str:
    """Everything an error shows: str, repr, value, both messages, the pickled copy's str."""
    copy = pickle.loads(pickle.dumps(err))
    return "\n".join(
        [str(err), repr(err), repr(err.value), err.message_en, err.message_zh, str(copy), str(err.args)]
    )


def _bad_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


# ---------------------------------------------------------------------------------------------------------
# the safety net of InvalidInput: a path naming a personal field masks the value and its copies


@pytest.mark.parametrize("path", ["phone", "rows[3].phone", "contact_phone", "members[0].phone"])
def test_a_phone_path_masks_value_and_messages(path: str) -> None:
    err = InvalidInput(
        path,
        MOBILE,
        message_en=f"{MOBILE!r} is already registered",
        message_zh=f"“{MOBILE}”已登记",
    )
    assert err.value == "139****4859"
    assert err.message_en == "'139****4859' is already registered"
    assert err.message_zh == "“139****4859”已登记"
    assert MOBILE not in _text(err)


def test_an_id_number_path_masks_every_written_form() -> None:
    raw = ID + "\x00"  # a control character: repr and ascii write it escaped
    err = InvalidInput("id_number", raw, message_en=f"bad {raw!r} / {raw!a}", message_zh=f"“{raw}”含控制字符")
    assert "19491231" not in _text(err)
    assert "110105" in err.message_en  # masked, not dropped: the first 6 of an 18+ number stay


def test_an_address_path_masks_the_house_number() -> None:
    address = "福建省莆田市城厢区凤山社区8号楼2单元301"
    err = InvalidInput("beneficiary.address", address, message_zh=f"地址“{address}”过长")
    assert err.value == "福建省莆田市城厢区凤山社区***"
    assert "8号楼" not in _text(err)


def test_other_paths_are_left_alone() -> None:
    err = InvalidInput("name", "欧阳修", message_en="name '欧阳修' is blank?")
    assert err.value == "欧阳修"
    assert err.message_en == "name '欧阳修' is blank?"


def test_short_copies_are_not_replaced_inside_words() -> None:
    err = InvalidInput("phone", "18", message_zh="应为18位以上")
    assert err.message_zh == "应为18位以上"
    assert err.value == "**"


def test_personal_true_masks_whatever_the_path() -> None:
    err = InvalidInput("value", MOBILE, message_en=f"got {MOBILE}", personal=True)
    assert err.value == "*" * 11
    assert MOBILE not in _text(err)


def test_personal_false_is_the_raisers_word() -> None:
    err = InvalidInput("phone", "139****4859", message_en="'139****4859' taken", personal=False)
    assert err.value == "139****4859"
    assert err.message_en == "'139****4859' taken"


def test_copies_are_not_masked_twice() -> None:
    err = InvalidInput("phone", MOBILE, message_en=f"{MOBILE} taken")
    for copy in (err.at("members[2]"), pickle.loads(pickle.dumps(err)), err.at("a").at("b")):
        assert copy.value == "139****4859"  # mask_phone of the masked text would hide all 11
        assert copy.message_en == "139****4859 taken"
    assert err.at("members[2]").path == "members[2].phone"


def test_a_path_prefixed_later_is_masked_then() -> None:
    err = InvalidInput("", MOBILE, message_en=f"not a number: {MOBILE}")
    assert err.value == MOBILE  # no field named yet
    moved = err.at("phone")
    assert moved.value == "139****4859"
    assert MOBILE not in _text(moved)
    indexed = InvalidInput("[0]", MOBILE).at("phone")
    assert indexed.path == "phone[0]"
    assert indexed.value == "139****4859"


def test_invalid_type_masks_too() -> None:
    err = InvalidType("id_number", 11010519491231002, message_en="must be a str, not 11010519491231002")
    assert isinstance(err, TypeError)
    assert "1949" not in _text(err)
    assert "1949" not in _text(pickle.loads(pickle.dumps(err)))


# ---------------------------------------------------------------------------------------------------------
# the normalisers


@given(st.sampled_from(["110105", "350302", "431302"]), st.dates(date(1920, 1, 1), date(2020, 12, 31)))
def test_a_bad_id_number_never_shows_its_birth_date(region: str, born: date) -> None:
    body = f"{region}{born:%Y%m%d}123"
    number = body + "10X98765432"[sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body)) % 11]
    for text in (_bad_check_digit(number), body, body + "00", f"{body[:6]} {body[6:]}0x"):
        with pytest.raises(InvalidInput) as caught:
            normalize_id_number(text)
        assert f"{born:%Y%m%d}" not in _text(caught.value), text


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_mobile_refused_as_a_mobile_never_shows(mobile: str) -> None:
    for text in (mobile + "0", mobile[:-1], "2" + mobile[1:]):
        for parser in (normalize_mobile, normalize_phone):
            with pytest.raises(InvalidInput) as caught:
                parser(text)
            assert text not in _text(caught.value)
            assert f"“{'*' * len(text)}”" in caught.value.message_zh


# ---------------------------------------------------------------------------------------------------------
# the entities (model/people.py raises through the normalisers and InvalidInput's own net)


def _beneficiary(**fields: object) -> Beneficiary:
    return Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区", **fields)  # type: ignore[arg-type]


def test_beneficiary_with_a_wrong_check_digit() -> None:
    bad = _bad_check_digit(ID)
    with pytest.raises(InvalidInput) as caught:
        _beneficiary(id_number=bad)
    assert caught.value.path == "id_number"
    assert bad not in _text(caught.value)
    assert "19491231" not in _text(caught.value)


def test_beneficiary_born_in_the_future_by_its_id_number() -> None:
    body = "11010520990101123"
    number = body + "10X98765432"[sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body)) % 11]
    with pytest.raises(InvalidInput) as caught:
        _beneficiary(id_number=number)
    assert caught.value.path == "id_number"
    assert number not in _text(caught.value)
    assert "20990101" not in str(caught.value.value)


def _member(**fields: object) -> Member:
    return Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("make", [_beneficiary, _member], ids=["beneficiary", "member"])
def test_a_bad_phone_of_a_person(make: Callable[..., object]) -> None:
    bad = "1391234485"  # ten digits: one missing
    with pytest.raises(InvalidInput) as caught:
        make(phone=bad)
    assert caught.value.path == "phone"
    assert bad not in _text(caught.value)


def test_structure_of_a_beneficiary_with_a_bad_id_number() -> None:
    bad = _bad_check_digit(ID)
    data = {"id": "p1", "name": "王五", "category": "elderly", "community": "凤山社区", "id_number": bad}
    with pytest.raises(InvalidInput) as caught:
        structure(data, Beneficiary)
    assert bad not in _text(caught.value)
    assert "19491231" not in _text(caught.value)


def test_structure_of_a_member_with_a_phone_of_the_wrong_type() -> None:
    data = {"id": "m1", "name": "张三", "branch_id": "b1", "joined_on": "2020-01-01", "phone": 13912344859}
    with pytest.raises(InvalidInput) as caught:
        structure(data, Member)
    assert MOBILE not in _text(caught.value)


@pytest.mark.parametrize("junk", ["\x00", "\x1b[2J", "\ud800", "\x7f"])
def test_a_control_character_in_an_id_number_is_escaped_in_the_error(junk: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _beneficiary(id_number=ID + junk)
    text = _text(caught.value)
    assert "19491231" not in text
    assert junk not in str(caught.value)
    assert junk not in caught.value.message_zh
    assert junk not in str(caught.value.value)


def test_a_5000_digit_number_at_a_personal_path_builds_an_error() -> None:
    err = InvalidInput("id_number", 10**5000, message_en="too long")  # str() of it would raise ValueError
    assert err.value == "<int>"
    assert "too long" in str(err)
