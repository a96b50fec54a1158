"""Tests of volunteer_core.testing.strategies.people: branches, members, teams, beneficiaries, partner units."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc
from strategies_support import gb11643_check_digit, rebuilt

import volunteer_core as vc
from volunteer_core.testing import strategies as vcst


@given(vcst.branches())
def test_branches(branch: vc.Branch) -> None:
    assert rebuilt(branch) == branch
    assert branch.id.startswith("b-")


@given(vcst.members())
def test_members_are_valid_and_skilled(member: vc.Member) -> None:
    assert rebuilt(member) == member
    assert member.skills
    assert vcst.DATE_MIN <= member.joined_on <= vcst.DATE_MAX
    assert member.phone is None or vc.privacy.is_mobile(member.phone)


@given(vcst.members(branch_id=["b-1", "b-2"], year=2026))
def test_members_of_a_year(member: vc.Member) -> None:
    assert member.branch_id in {"b-1", "b-2"}
    assert member.joined_on <= date(2026, 12, 31)
    assert member.left_on is None or member.left_on >= date(2026, 1, 1)


@given(vcst.members(year=2026, full_year=True))
def test_members_of_a_full_year(member: vc.Member) -> None:
    assert member.is_member_on(date(2026, 1, 1))
    assert member.is_member_on(date(2026, 12, 31))


@given(vcst.members(invalid="member.skill"))
def test_members_without_skill(member: vc.Member) -> None:
    assert member.skills == frozenset()


@given(vcst.teams(branch_id="b-1", member_ids=["m-1", "m-2", "m-3"]))
def test_teams(team: vc.Team) -> None:
    assert rebuilt(team) == team
    assert team.branch_id == "b-1"
    assert team.member_ids <= {"m-1", "m-2", "m-3"}


@given(vcst.beneficiaries())
def test_beneficiaries_are_consistent(person: vc.Beneficiary) -> None:
    assert rebuilt(person) == person
    if person.id_number is not None:
        assert person.id_number[-1] == gb11643_check_digit(person.id_number[:17])
        encoded = vc.privacy.id_number_birth_date(person.id_number)
        assert date(1930, 1, 1) <= encoded <= date(2020, 12, 31)
        assert person.birth_date in (None, encoded)
        sex = vc.Gender(vc.privacy.id_number_gender(person.id_number))
        assert person.gender in (None, sex)
    if person.birth_date is not None:
        assert date(1930, 1, 1) <= person.birth_date <= date(2020, 12, 31)
    if person.address is not None:
        assert person.community in person.address


@given(
    st.dates(date(1930, 1, 1), date(2020, 12, 31)).flatmap(
        lambda born: st.tuples(
            st.just(born), vcst.beneficiaries(with_id_number=True, birth_date=born, gender=vc.Gender.FEMALE)
        )
    )
)
def test_beneficiaries_with_a_fixed_birth_date(pair: tuple[date, vc.Beneficiary]) -> None:
    born, person = pair
    assert person.id_number is not None
    assert person.birth_date == born == vc.privacy.id_number_birth_date(person.id_number)
    assert int(person.id_number[16]) % 2 == 0
    assert person.gender is vc.Gender.FEMALE


@given(vcst.beneficiaries(with_id_number=False, category=vc.BeneficiaryCategory.CHILD))
def test_beneficiaries_without_id_number(person: vc.Beneficiary) -> None:
    assert person.id_number is None
    assert person.category is vc.BeneficiaryCategory.CHILD


@given(vcst.partner_units())
def test_partner_units(unit: vc.PartnerUnit) -> None:
    assert rebuilt(unit) == unit
    assert unit.credit_code is None or uscc.is_valid(unit.credit_code)


@given(vcst.partner_units(with_credit_code=True, kind=[vc.UnitKind.VILLAGE, vc.UnitKind.COMMUNITY]))
def test_partner_units_narrowed(unit: vc.PartnerUnit) -> None:
    assert unit.credit_code is not None
    assert unit.kind in {vc.UnitKind.VILLAGE, vc.UnitKind.COMMUNITY}
