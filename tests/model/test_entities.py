"""Edge tests of the entities' invariants (api.md "Entities"): kw-only, frozen, ``version = 0``,
``InvalidInput`` naming the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest
from stdnum.cn import ric

import volunteer_core as vc
from volunteer_core import (
    Activity,
    ActivityKind,
    Beneficiary,
    BeneficiaryCategory,
    Branch,
    BranchPlan,
    Claim,
    DateRange,
    Demand,
    HalfYearReport,
    InvalidInput,
    Member,
    Pairing,
    PairingMode,
    PartnerUnit,
    ServiceRecord,
    Team,
    UnitKind,
    Wish,
    WishKind,
    WishStatus,
    Yuan,
)

D = date
VALID_ID = "11010519491231002X"
VALID_CREDIT_CODE = "91110000600037341L"


def _future_id_number() -> str:
    body = "11010520990101001"  # born 2099-01-01
    return body + ric.calc_check_digit(body)


FACTORIES: dict[str, Callable[[], Any]] = {
    "Branch": lambda: Branch(id="b1", name="办公室党支部"),
    "Member": lambda: Member(id="m1", name="张三", branch_id="b1", joined_on=D(2020, 1, 1)),
    "Team": lambda: Team(id="t1", branch_id="b1", name="先锋队"),
    "Beneficiary": lambda: Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"),
    "PartnerUnit": lambda: PartnerUnit(id="u1", name="福利院", kind="welfare_home"),
    "Pairing": lambda: Pairing(
        id="pr1", branch_ids={"b1"}, target_id="u1", mode="solo", period=DateRange(D(2026, 1, 1))
    ),
    "Activity": lambda: Activity(
        id="a1", kind="community_service", branch_id="b1", on=D(2026, 3, 5), title="社区清洁"
    ),
    "ServiceRecord": lambda: ServiceRecord(
        id="r1",
        member_id="m1",
        activity_id="a1",
        branch_id="b1",
        kind="community_service",
        on=D(2026, 3, 5),
        minutes=60,
    ),
    "Wish": lambda: Wish(
        id="w1", beneficiary_id="p1", kind="service", content="理发", collected_on=D(2026, 5, 1)
    ),
    "BranchPlan": lambda: BranchPlan(id="pl1", branch_id="b1", year=2026, submitted_on=D(2026, 5, 10)),
    "HalfYearReport": lambda: HalfYearReport(
        id="hr1", branch_id="b1", year=2026, half=1, submitted_on=D(2026, 6, 30)
    ),
    "Demand": lambda: Demand(id="d1", community="凤山社区", content="修水管", ordered_on=D(2026, 5, 1)),
}


# ---------------------------------------------------------------------------------------------------------
# shape: attrs, frozen, keyword-only, id and version


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_entity_is_exported_at_top_level(name: str) -> None:
    assert getattr(vc, name) is type(FACTORIES[name]())


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_version_defaults_to_zero(name: str) -> None:
    entity = FACTORIES[name]()
    assert entity.version == 0
    assert isinstance(entity.id, str)


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_entity_is_frozen(name: str) -> None:
    entity = FACTORIES[name]()
    assert attrs.has(type(entity))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entity.id = "other"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entity.version = 1


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_entity_is_keyword_only(name: str) -> None:
    entity = FACTORIES[name]()
    cls = type(entity)
    values = [getattr(entity, a.name) for a in attrs.fields(cls)]
    with pytest.raises(TypeError):
        cls(*values)


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_evolve_keeps_the_original(name: str) -> None:
    entity = FACTORIES[name]()
    newer = attrs.evolve(entity, version=1)
    assert newer.version == 1
    assert entity.version == 0


def test_claim_is_frozen_and_keyword_only() -> None:
    claim = Claim(member_id="m1", claimed_on=D(2026, 5, 6))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        claim.member_id = "m2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Claim("m1", D(2026, 5, 6))  # type: ignore[call-arg]


def test_claim_is_live_until_withdrawn() -> None:
    assert Claim(member_id="m1", claimed_on=D(2026, 5, 6)).is_live
    assert not Claim(member_id="m1", claimed_on=D(2026, 5, 6), withdrawn_on=D(2026, 5, 7)).is_live


def test_defaults_of_the_signatures() -> None:
    member = FACTORIES["Member"]()
    assert member.left_on is None
    assert member.skills == frozenset()
    assert member.phone is None
    assert member.community is None
    wish = FACTORIES["Wish"]()
    assert wish.status is WishStatus.COLLECTED
    assert wish.claims == ()
    assert wish.value is None
    assert wish.reason == ""
    assert wish.evidence == ""
    assert wish.screened_on is None
    assert wish.published_on is None
    assert wish.fulfilled_on is None
    assert wish.cancelled_on is None
    pairing = FACTORIES["Pairing"]()
    assert pairing.member_ids == frozenset()
    assert pairing.measures == ""
    activity = FACTORIES["Activity"]()
    assert activity.team_id is None
    assert activity.pairing_id is None
    assert activity.summary == ""
    record = FACTORIES["ServiceRecord"]()
    assert record.recorded_on is None
    assert record.reverses is None
    assert record.status is vc.RecordStatus.CONFIRMED
    assert record.adjusts is None
    team = FACTORIES["Team"]()
    assert team.member_ids == frozenset()
    plan = FACTORIES["BranchPlan"]()
    assert plan.items == ()
    assert FACTORIES["HalfYearReport"]().summary == ""


def test_enum_values_are_read_from_strings() -> None:
    assert FACTORIES["Beneficiary"]().category is BeneficiaryCategory.ELDERLY
    assert FACTORIES["PartnerUnit"]().kind is UnitKind.WELFARE_HOME
    assert FACTORIES["Pairing"]().mode is PairingMode.SOLO
    assert FACTORIES["Activity"]().kind is ActivityKind.COMMUNITY_SERVICE
    assert FACTORIES["Wish"]().kind is WishKind.SERVICE


# ---------------------------------------------------------------------------------------------------------
# ServiceRecord


def _record(**changes: Any) -> ServiceRecord:
    fields: dict[str, Any] = {
        "id": "r1",
        "member_id": "m1",
        "activity_id": "a1",
        "branch_id": "b1",
        "kind": "community_service",
        "on": D(2026, 3, 5),
        "minutes": 60,
    }
    fields.update(changes)
    return ServiceRecord(**fields)


@pytest.mark.parametrize("minutes", [0, -5, -1])
def test_record_minutes_must_be_positive_without_reverses(minutes: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        _record(minutes=minutes)
    assert caught.value.path == "minutes"


def test_record_of_one_minute_is_fine() -> None:
    assert _record(minutes=1).minutes == 1


def test_reversal_carries_negative_minutes() -> None:
    reversal = _record(id="r2", minutes=-60, reverses="r1", recorded_on=D(2026, 3, 9))
    assert reversal.minutes == -60
    assert reversal.reverses == "r1"


def test_reversal_with_positive_minutes_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        _record(id="r2", minutes=60, reverses="r1")
    assert caught.value.path == "minutes"


def test_record_minutes_must_be_an_int() -> None:
    with pytest.raises(InvalidInput) as caught:
        _record(minutes=1.5)
    assert caught.value.path == "minutes"


# ---------------------------------------------------------------------------------------------------------
# Pairing


def test_pairing_without_a_branch_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        Pairing(
            id="pr1", branch_ids=frozenset(), target_id="u1", mode="solo", period=DateRange(D(2026, 1, 1))
        )
    assert caught.value.path == "branch_ids"


def test_joint_pairing_holds_several_branches() -> None:
    joint = Pairing(
        id="pr1",
        branch_ids={"b1", "b2", "b3"},
        target_id="u1",
        mode="joint_branches",
        period=DateRange(D(2026, 1, 1), D(2026, 12, 31)),
    )
    assert joint.branch_ids == frozenset({"b1", "b2", "b3"})
    assert joint.mode is PairingMode.JOINT_BRANCHES


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


# ---------------------------------------------------------------------------------------------------------
# Wish construction is structural only (collection records the need as stated)


def test_wish_over_the_cap_can_be_collected() -> None:
    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind="material",
        content="轮椅",
        collected_on=D(2026, 5, 1),
        value="300.01",
    )
    assert wish.value == Yuan("300.01")
    assert wish.status is WishStatus.COLLECTED


def test_wish_value_float_is_refused() -> None:
    with pytest.raises(TypeError):
        Wish(
            id="w1",
            beneficiary_id="p1",
            kind="material",
            content="轮椅",
            collected_on=D(2026, 5, 1),
            value=1.5,
        )


def test_wish_value_sub_fen_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        Wish(
            id="w1",
            beneficiary_id="p1",
            kind="material",
            content="轮椅",
            collected_on=D(2026, 5, 1),
            value="1.001",
        )
    assert caught.value.path == "value"


def test_member_skills_are_a_frozenset() -> None:
    member = Member(id="m1", name="张三", branch_id="b1", joined_on=D(2020, 1, 1), skills=["急救", "急救"])
    assert member.skills == frozenset({"急救"})


def test_unknown_id_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        Branch(id="", name="办公室党支部")
    assert caught.value.path == "id"
