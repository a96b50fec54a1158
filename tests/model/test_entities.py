"""What every entity shares (api.md "Entities"): exported at the top level, kw-only, frozen, ``version = 0``,
defaults, enums read from strings, ``InvalidInput`` naming the field. Each entity's own invariants are
tested with its module: ``test_people.py``, ``test_pairing.py``, ``test_activity.py``, ``test_wish.py``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest

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
    Organisation,
    OrganisationKind,
    Pairing,
    PairingMode,
    PartnerUnit,
    Qualification,
    ServiceRecord,
    Supporter,
    SupporterKind,
    Team,
    UnitKind,
    Wish,
    WishKind,
    WishStatus,
)
from volunteer_core.aggregates import ENTITIES

D = date


FACTORIES: dict[str, Callable[[], Any]] = {
    "Organisation": lambda: Organisation(id="o1", name="市直机关工委", kind="work_committee"),
    "Supporter": lambda: Supporter(id="s1", name="林爱心", kind="caring_person"),
    "Qualification": lambda: Qualification(id="q1", member_id="m1", name="急救", earned_on=D(2026, 3, 5)),
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


def test_every_stored_entity_has_a_factory() -> None:
    assert {cls.__name__ for cls in ENTITIES} == set(FACTORIES)


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
    assert FACTORIES["Organisation"]().parent_id is None
    assert FACTORIES["Branch"]().organisation_id is None
    supporter = FACTORIES["Supporter"]()
    assert (supporter.contact, supporter.credit_code) == (None, None)
    qualification = FACTORIES["Qualification"]()
    assert (qualification.expires_on, qualification.activity_id) == (None, None)
    member = FACTORIES["Member"]()
    assert member.insured_until is None
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
    assert (wish.referred_to, wish.referred_on, wish.referral_outcome) == ("", None, "")
    pairing = FACTORIES["Pairing"]()
    assert pairing.member_ids == frozenset()
    assert pairing.measures == ""
    activity = FACTORIES["Activity"]()
    assert activity.team_id is None
    assert activity.pairing_id is None
    assert activity.summary == ""
    assert (activity.requires, activity.grants, activity.grants_valid_months) == (
        frozenset(),
        frozenset(),
        None,
    )
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
    assert FACTORIES["Organisation"]().kind is OrganisationKind.WORK_COMMITTEE
    assert FACTORIES["Supporter"]().kind is SupporterKind.CARING_PERSON


def test_unknown_id_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        Branch(id="", name="办公室党支部")
    assert caught.value.path == "id"
