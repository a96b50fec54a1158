"""Erasure of a person's data with the records kept: services.anonymise_member / anonymise_beneficiary, and
Policy.retention_years (GB/T 40143-2021 §5.2.2; 个人信息保护法 Art 47)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
import pytest
from services_support import MakeUow, organ

from volunteer_core import Beneficiary, Member, Wish, policies, services
from volunteer_core.compliance import YearReport
from volunteer_core.errors import InvalidInput, InvalidType, NotFound
from volunteer_core.ports import UnitOfWork
from volunteer_core.services import Erasure, anonymise_beneficiary, anonymise_member
from volunteer_core.services.erasure import ERASED_NAME_PREFIX, erased_name
from volunteer_core.synthetic import generate_year

ON = date(2026, 12, 1)


def _member(uow: UnitOfWork, member_id: str) -> Member:
    with uow:
        return uow.members.get(member_id)


def _records(uow: UnitOfWork, year: int) -> list[Any]:
    with uow:
        return list(uow.records.in_year(year))


# ---------------------------------------------------------------------------------------------------------
# the year report: equal before and after, member by member, apart from the name


def _renamed(report: YearReport, names: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The report's members with each erased member's old name written as the new one, and its
    branches and violations (a member's violations name the member)."""

    def rename(violation: Any) -> Any:
        if violation.subject_id not in names:
            return violation
        old, new = names[violation.subject_id]
        return attrs.evolve(
            violation,
            message_zh=violation.message_zh.replace(old, new),
            message_en=violation.message_en.replace(old, new),
        )

    members = {}
    for member_id, year in report.members.items():
        if member_id in names:
            year = attrs.evolve(
                year,
                member_name=names[member_id][1],
                violations=tuple(rename(v) for v in year.violations),
            )
        members[member_id] = year
    return {
        "members": members,
        "branches": dict(report.branches),
        "violations": tuple(rename(v) for v in report.violations),
        "records_read": report.records_read,
        "unmatched_records": report.unmatched_records,
        "compliant_members": report.compliant_members,
    }


def test_a_generated_year_keeps_every_total(make_uow: MakeUow) -> None:
    world = generate_year(2026, members=24, branches=3, seed=5)
    uow = make_uow()
    world.load_into(uow)
    before = services.evaluate_year(uow, 2026)
    records_before = _records(uow, 2026)
    erased = [m for i, m in enumerate(world.members) if i % 3 == 0]
    assert any(m.phone for m in erased)

    for member in erased:
        erasure = anonymise_member(uow, member.id, on=ON)
        assert erasure == Erasure(
            kind="member",
            entity_id=member.id,
            on=ON,
            fields=("name", "phone") if member.phone else ("name",),
        )

    after = services.evaluate_year(uow, 2026)
    names = {m.id: (m.name, erased_name(m.id)) for m in erased}
    assert _renamed(after, {}) == _renamed(before, names)
    for member in erased:
        assert after.members[member.id].member_name == erased_name(member.id)
        assert after.members[member.id].net_minutes == before.members[member.id].net_minutes
        assert member.name not in repr(after.members[member.id])
    assert _records(uow, 2026) == records_before  # the ledger is untouched


def test_a_report_with_nobody_erased_is_not_renamed(make_uow: MakeUow) -> None:
    """The comparison above is not vacuous: erasing changes the names, and only the names."""
    world = generate_year(2026, members=6, branches=1, seed=2)
    uow = make_uow()
    world.load_into(uow)
    before = services.evaluate_year(uow, 2026)
    anonymise_member(uow, world.members[0].id, on=ON)
    after = services.evaluate_year(uow, 2026)
    assert _renamed(after, {}) != _renamed(before, {})


# ---------------------------------------------------------------------------------------------------------
# what a member keeps and loses


def _with_personal_member(uow: UnitOfWork) -> Member:
    member = Member(
        id="m9",
        name="欧阳修",
        branch_id="b1",
        joined_on=date(2019, 3, 1),
        left_on=date(2026, 10, 31),
        skills={"急救"},
        phone="13912344859",
        community="凤山社区",
        volunteer_no="35030219490001",
    )
    services.add_entities(uow, [member])
    return member


def test_the_member_keeps_everything_but_the_personal_fields(make_uow: MakeUow) -> None:
    uow = organ(make_uow())
    member = _with_personal_member(uow)
    erasure = anonymise_member(uow, "m9", on=ON)
    assert erasure.fields == ("name", "phone", "volunteer_no")
    stored = _member(uow, "m9")
    assert stored == attrs.evolve(
        member,
        name=erased_name("m9"),
        phone=None,
        volunteer_no=None,
        version=member.version + 1,
    )
    assert stored.name.startswith(ERASED_NAME_PREFIX + "-")
    assert "欧阳修" not in repr(stored)
    assert "13912344859" not in repr(stored)


def test_erasing_twice_changes_nothing(make_uow: MakeUow) -> None:
    uow = organ(make_uow())
    _with_personal_member(uow)
    anonymise_member(uow, "m9", on=ON)
    once = _member(uow, "m9")
    again = anonymise_member(uow, "m9", on=date(2027, 1, 5))
    assert again == Erasure(kind="member", entity_id="m9", on=date(2027, 1, 5), fields=())
    assert _member(uow, "m9") == once  # not even the version moves


def test_a_locked_year_is_no_obstacle(make_uow: MakeUow) -> None:
    uow = organ(make_uow())
    services.record_service(uow, member_id="m1", activity_id="a1", minutes=90, on=date(2026, 3, 5))
    services.lock_year(uow, "b1", 2026)
    records = _records(uow, 2026)
    assert anonymise_member(uow, "m1", on=ON).fields == ("name",)
    assert _records(uow, 2026) == records


def test_the_placeholder_tells_people_apart_and_is_stable() -> None:
    assert erased_name("m1") == erased_name("m1")
    assert erased_name("m1") != erased_name("m2")
    assert erased_name("m1") == "已注销-ca0df2c9"


def test_an_unknown_member_is_not_found(make_uow: MakeUow) -> None:
    uow = organ(make_uow())
    with pytest.raises(NotFound):
        anonymise_member(uow, "nobody", on=ON)


@pytest.mark.parametrize("on", [None, "2026-12-01", datetime(2026, 12, 1, 9), 20261201])
def test_the_day_must_be_a_date(on: object) -> None:
    from volunteer_core.storage.memory import InMemoryUnitOfWork

    uow = organ(InMemoryUnitOfWork())
    with pytest.raises(InvalidType) as caught:
        anonymise_member(uow, "m1", on=on)  # type: ignore[arg-type]
    assert caught.value.path == "on"
    assert _member(uow, "m1").name == "党员1"  # nothing was changed


# ---------------------------------------------------------------------------------------------------------
# beneficiaries


def test_a_beneficiary_keeps_category_community_and_wishes(make_uow: MakeUow) -> None:
    uow = organ(make_uow())
    person = Beneficiary(
        id="p9",
        name="王五",
        category="elderly",
        community="凤山社区",
        id_number="11010519491231002X",
        phone="0594-2345678",
        address="福建省莆田市城厢区龙桥街道凤山社区3号楼2单元301",
        gender="female",
        birth_date=date(1949, 12, 31),
        subtypes={"空巢"},
    )
    services.add_entities(uow, [person])
    wish = services.collect_wish(
        uow,
        Wish(id="w9", beneficiary_id="p9", kind="material", content="电饭煲", collected_on=date(2026, 5, 1)),
    )
    erasure = anonymise_beneficiary(uow, "p9", on=ON)
    assert erasure.kind == "beneficiary"
    assert erasure.fields == ("name", "id_number", "phone", "address", "gender", "birth_date")
    with uow:
        stored = uow.beneficiaries.get("p9")
        stored_wish = uow.wishes.get("w9")
    assert stored == Beneficiary(
        id="p9",
        name=erased_name("p9"),
        category="elderly",
        community="凤山社区",
        subtypes={"空巢"},
        version=person.version + 1,
    )
    assert stored_wish == wish
    assert anonymise_beneficiary(uow, "p9", on=ON).fields == ()


# ---------------------------------------------------------------------------------------------------------
# Policy.retention_years


def test_retention_is_ten_years_in_every_preset() -> None:
    assert all(p.retention_years == 10 for p in policies.PRESETS.values())
    assert attrs.evolve(policies.DEFAULT, retention_years=30).retention_years == 30


@pytest.mark.parametrize("years", [0, -1, True, 1.5, "10", None])
def test_retention_is_a_whole_number_of_years(years: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(policies.DEFAULT, retention_years=years)  # type: ignore[arg-type]
    assert caught.value.path == "retention_years"
