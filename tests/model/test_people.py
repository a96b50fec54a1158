"""Members, beneficiaries and partner units (``model/people.py``): ID numbers (GB 11643), birth dates,
categories, credit codes (GB 32100), skills."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from volunteer_core import Beneficiary, InvalidInput, Member, PartnerUnit

D = date
VALID_ID = "11010519491231002X"
VALID_CREDIT_CODE = "91110000600037341L"


def _future_id_number() -> str:
    body = "11010520990101001"  # born 2099-01-01
    return body + ric.calc_check_digit(body)


# ---------------------------------------------------------------------------------------------------------
# Beneficiary


def test_beneficiary_with_bad_id_checksum_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        Beneficiary(
            id="p1", name="王五", category="elderly", community="凤山社区", id_number="110105194912310021"
        )
    assert caught.value.path == "id_number"


@pytest.mark.parametrize("bad", ["11010519491231002", "1101051949123100212", "ABCDEFGHIJKLMNOPQR"])
def test_beneficiary_with_malformed_id_is_invalid(bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区", id_number=bad)
    assert caught.value.path == "id_number"


def test_beneficiary_id_number_spaces_are_stripped() -> None:
    b = Beneficiary(
        id="p1", name="王五", category="elderly", community="凤山社区", id_number=" 110105 19491231 002X "
    )
    assert b.id_number == VALID_ID


def test_beneficiary_with_valid_id_number() -> None:
    b = Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区", id_number=VALID_ID)
    assert b.id_number == VALID_ID


def test_beneficiary_future_birth_date_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        Beneficiary(id="p1", name="王五", category="child", community="凤山社区", birth_date=D(2999, 1, 1))
    assert caught.value.path == "birth_date"


def test_beneficiary_id_number_of_a_future_birth_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        Beneficiary(
            id="p1", name="王五", category="child", community="凤山社区", id_number=_future_id_number()
        )
    assert caught.value.path in ("id_number", "birth_date")


def test_beneficiary_past_birth_date_is_fine() -> None:
    b = Beneficiary(id="p1", name="王五", category="child", community="凤山社区", birth_date=D(2018, 6, 1))
    assert b.birth_date == D(2018, 6, 1)


def test_beneficiary_unknown_category_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        Beneficiary(id="p1", name="王五", category="martian", community="凤山社区")
    assert caught.value.path == "category"


# ---------------------------------------------------------------------------------------------------------
# PartnerUnit


def test_partner_unit_with_valid_credit_code() -> None:
    unit = PartnerUnit(id="u1", name="城厢区社会福利院", kind="welfare_home", credit_code=VALID_CREDIT_CODE)
    assert unit.credit_code == VALID_CREDIT_CODE


@pytest.mark.parametrize("bad", ["91110000600037341X", "91110000600037341", "not-a-credit-code"])
def test_partner_unit_with_bad_credit_code_is_invalid(bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        PartnerUnit(id="u1", name="城厢区社会福利院", kind="welfare_home", credit_code=bad)
    assert caught.value.path == "credit_code"


def test_member_skills_are_a_frozenset() -> None:
    member = Member(id="m1", name="张三", branch_id="b1", joined_on=D(2020, 1, 1), skills=["急救", "急救"])
    assert member.skills == frozenset({"急救"})
