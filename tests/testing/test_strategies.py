"""Tests of volunteer_core.testing.strategies: valid by default, narrowing options, rule-breaking switches,
datasets whose references resolve, and the hypothesis plugin."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

import volunteer_core as vc
from volunteer_core import calendar
from volunteer_core.rules import check_activity, check_plan_due, check_report_due
from volunteer_core.testing import strategies as vcst
from volunteer_core.testing._hypothesis_plugin import _hypothesis_setup_hook

SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: For find(): the first example found, unshrunk (shrinking a whole dataset takes minutes).
FIRST_FOUND = settings(max_examples=500, database=None, phases=[Phase.generate])


def gb11643_check_digit(body: str) -> str:
    """ISO 7064 MOD 11-2, computed independently of stdnum."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return "10X98765432"[total % 11]


def rebuilt(entity: Any) -> Any:
    """Construct the entity again (every validator runs once more) and return the copy."""
    return attrs.evolve(entity)


def codes(violations: Iterable[vc.Violation]) -> list[str]:
    return [v.code for v in violations]


# ---------------------------------------------------------------------------------------------------------
# values


@given(vcst.yuan(min_fen=5, max_fen=30_000))
def test_yuan_bounds(amount: vc.Yuan) -> None:
    assert isinstance(amount, vc.Yuan)
    assert 5 <= amount.fen <= 30_000


@given(vcst.yuan())
def test_yuan_default_is_non_negative(amount: vc.Yuan) -> None:
    assert amount.fen >= 0


def test_yuan_refuses_bad_bounds() -> None:
    with pytest.raises(ValueError, match="min_fen"):
        vcst.yuan(min_fen=-1)
    with pytest.raises(ValueError, match="min_fen"):
        vcst.yuan(min_fen=10, max_fen=5)


@given(vcst.date_ranges())
def test_date_ranges_default_window(period: vc.DateRange) -> None:
    assert vcst.DATE_MIN <= period.start <= vcst.DATE_MAX
    assert period.end is None or period.end >= period.start


@given(
    vcst.date_ranges(min_start=date(2026, 1, 1), max_start=date(2026, 12, 31), open_end=True),
    vcst.date_ranges(min_start=date(2026, 1, 1), max_start=date(2026, 12, 31), open_end=False),
)
def test_date_ranges_open_end_switch(open_period: vc.DateRange, closed: vc.DateRange) -> None:
    assert open_period.is_open
    assert open_period.start.year == 2026
    assert closed.end is not None
    assert closed.start.year == 2026


@given(vcst.dates())
def test_dates_default_window(day: date) -> None:
    assert vcst.DATE_MIN <= day <= vcst.DATE_MAX


@given(vcst.ids("m"))
def test_ids_shape(value: str) -> None:
    prefix, number = value.split("-")
    assert prefix == "m"
    assert int(number) >= 1


@given(vcst.id_numbers())
def test_id_numbers_have_a_correct_check_digit(number: str) -> None:
    assert len(number) == 18
    assert number[-1] == gb11643_check_digit(number[:17])
    assert vc.privacy.normalize_id_number(number) == number
    born = vc.privacy.id_number_birth_date(number)
    assert date(1930, 1, 1) <= born <= date(2020, 12, 31)


@given(vcst.credit_codes())
def test_credit_codes_are_valid(code: str) -> None:
    assert uscc.is_valid(code)
    assert vc.privacy.normalize_credit_code(code) == code


@given(vcst.mobiles())
def test_mobiles(number: str) -> None:
    assert vc.privacy.is_mobile(number)


# ---------------------------------------------------------------------------------------------------------
# people and organisations


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


# ---------------------------------------------------------------------------------------------------------
# pairings


@given(vcst.pairings())
def test_pairings_are_valid(pairing: vc.Pairing) -> None:
    assert rebuilt(pairing) == pairing
    if pairing.mode is vc.PairingMode.SOLO:
        assert len(pairing.branch_ids) == 1
    if pairing.mode is vc.PairingMode.JOINT_BRANCHES:
        assert len(pairing.branch_ids) >= 2


@given(vcst.pairings(target_ids=["u-1", "bf-2"], branch_ids=["b-1", "b-2"], member_ids=["m-1"]))
def test_pairings_narrowed(pairing: vc.Pairing) -> None:
    assert pairing.target_id in {"u-1", "bf-2"}
    assert pairing.branch_ids <= {"b-1", "b-2"}
    assert pairing.member_ids <= {"m-1"}


def test_pairings_joint_needs_two_branches() -> None:
    with pytest.raises(ValueError, match="two distinct"):
        vcst.pairings(branch_ids=["b-1"], mode=vc.PairingMode.JOINT_BRANCHES)


@given(vcst.pairing_lists(target_ids=["u-1", "u-2"], max_size=6))
def test_pairing_lists_hold_no_duplicate(found: list[vc.Pairing]) -> None:
    assert vc.find_duplicate_pairings(found) == []
    assert len({p.id for p in found}) == len(found)


@given(vcst.duplicate_pairings())
def test_duplicate_pairings_break_the_rule(found: list[vc.Pairing]) -> None:
    violations = vc.find_duplicate_pairings(found)
    assert violations
    assert set(codes(violations)) == {"pairing.duplicate"}
    assert len({p.id for p in found}) == len(found)
    overlapping = [
        (a, b)
        for a in found
        for b in found
        if a.id < b.id and a.target_id == b.target_id and a.period.overlaps(b.period)
    ]
    assert overlapping
    grouped = [set(v.details["pairing_ids"]) for v in violations]
    for a, b in overlapping:
        assert any({a.id, b.id} <= group for group in grouped)


# ---------------------------------------------------------------------------------------------------------
# activities and the ledger


@given(vcst.activities())
def test_activities_are_valid(activity: vc.Activity) -> None:
    assert rebuilt(activity) == activity
    assert check_activity(activity) == []
    assert check_activity(activity, vc.policies.MCA_LEIFENG) == []  # a summary is always written
    if activity.kind is vc.ActivityKind.TEAM_CAMPAIGN:
        assert activity.team_id is not None


@given(vcst.activities(kind=vc.ActivityKind.FESTIVAL, year=2026, branch_id="b-1"))
def test_festival_activities_fall_in_the_window(activity: vc.Activity) -> None:
    assert activity.on.year == 2026
    assert activity.branch_id == "b-1"
    assert calendar.within_festival_window(activity.on) is not None


@given(vcst.activities(invalid="activity.festival_window", year=2026))
def test_activities_breaking_the_festival_window(activity: vc.Activity) -> None:
    assert activity.kind is vc.ActivityKind.FESTIVAL
    assert codes(check_activity(activity)) == ["activity.festival_window"]


@given(vcst.service_records())
def test_service_records_are_ordinary(record: vc.ServiceRecord) -> None:
    assert rebuilt(record) == record
    assert 1 <= record.minutes <= 1440
    assert record.reverses is None
    assert record.adjusts is None
    assert record.status is vc.RecordStatus.CONFIRMED
    assert record.recorded_on is None or 0 <= (record.recorded_on - record.on).days <= 5


@given(st.data())
def test_service_records_copy_their_activity(data: st.DataObject) -> None:
    activity = data.draw(vcst.activities())
    record = data.draw(vcst.service_records(activity=activity, member_id=["m-1", "m-2"], max_minutes=60))
    assert (record.activity_id, record.kind, record.branch_id, record.on) == (
        activity.id,
        activity.kind,
        activity.branch_id,
        activity.on,
    )
    assert record.member_id in {"m-1", "m-2"}
    assert record.minutes <= 60


@given(vcst.reversals())
def test_reversals(pair: tuple[vc.ServiceRecord, vc.ServiceRecord]) -> None:
    original, reversal = pair
    assert reversal.reverses == original.id != reversal.id
    assert reversal.minutes == -original.minutes
    assert (reversal.member_id, reversal.activity_id, reversal.on) == (
        original.member_id,
        original.activity_id,
        original.on,
    )


@given(st.lists(vcst.service_records(), max_size=6, unique_by=lambda r: r.id).flatmap(vcst.with_reversals))
def test_with_reversals(ledger: list[vc.ServiceRecord]) -> None:
    assert len({r.id for r in ledger}) == len(ledger)
    by_id = {r.id: r for r in ledger}
    reversed_ids = [r.reverses for r in ledger if r.reverses is not None]
    assert len(reversed_ids) == len(set(reversed_ids))
    for r in ledger:
        if r.reverses is not None:
            assert by_id[r.reverses].minutes == -r.minutes


# ---------------------------------------------------------------------------------------------------------
# wishes


def check_wish_consistency(wish: vc.Wish) -> None:
    assert rebuilt(wish) == wish
    live = wish.live_claims
    assert len({c.member_id for c in live}) == len(live)
    if wish.value is not None:
        assert wish.pledged_total <= wish.value
        assert all(c.pledged is not None for c in wish.claims)
    else:
        assert all(c.pledged is None for c in wish.claims)
    if wish.status is vc.WishStatus.CLAIMED:
        assert live
    if wish.status in (vc.WishStatus.PUBLISHED, vc.WishStatus.CANCELLED):
        assert not live
    if wish.status is vc.WishStatus.FULFILLED:
        assert live
        assert wish.fulfilled_on is not None
        if wish.kind is vc.WishKind.MATERIAL:
            assert wish.pledged_total == wish.value
    if wish.status in (vc.WishStatus.COLLECTED, vc.WishStatus.SCREENED, vc.WishStatus.REJECTED):
        assert wish.claims == ()


@given(vcst.wishes())
def test_wishes_are_valid_by_default(wish: vc.Wish) -> None:
    assert vc.validate_wish(wish) == []
    check_wish_consistency(wish)
    assert vcst.DATE_MIN <= wish.collected_on <= vcst.DATE_MAX


@pytest.mark.parametrize("status", list(vc.WishStatus))
def test_wishes_of_every_status(status: vc.WishStatus) -> None:
    @given(vcst.wishes(status=status))
    def check(wish: vc.Wish) -> None:
        assert wish.status is status
        assert vc.validate_wish(wish) == []
        check_wish_consistency(wish)

    check()


@given(vcst.wishes(status=vc.WishStatus.PUBLISHED, member_ids=["m-1", "m-2"]))
def test_published_wishes_take_claims(wish: vc.Wish) -> None:
    claimed = wish.claim("m-1", wish.published_on or wish.collected_on)
    assert claimed.status is vc.WishStatus.CLAIMED


@given(vcst.wishes(status=vc.WishStatus.CLAIMED, member_ids=["m-1", "m-2", "m-3"]))
def test_claimed_wishes_continue_their_lifecycle(wish: vc.Wish) -> None:
    assert {c.member_id for c in wish.claims} <= {"m-1", "m-2", "m-3"}
    last = max(
        d
        for d in (
            wish.published_on,
            *(c.claimed_on for c in wish.claims),
            *(c.withdrawn_on for c in wish.claims),
        )
        if d
    )
    assert wish.cancel(last, "测试").status is vc.WishStatus.CANCELLED
    member = wish.live_claims[0].member_id
    withdrawn = wish.withdraw_claim(member, last)
    assert withdrawn.status in (vc.WishStatus.CLAIMED, vc.WishStatus.PUBLISHED)


def test_wishes_cover_one_to_one_and_many_to_one() -> None:
    fulfilled = vcst.wishes(status=vc.WishStatus.FULFILLED)
    one = find(fulfilled, lambda w: len(w.live_claims) == 1, settings=FIRST_FOUND)
    many = find(fulfilled, lambda w: len(w.live_claims) >= 2, settings=FIRST_FOUND)
    withdrawn = find(
        vcst.wishes(status=vc.WishStatus.PUBLISHED), lambda w: len(w.claims) >= 1, settings=FIRST_FOUND
    )
    assert len(one.live_claims) == 1
    assert len(many.live_claims) >= 2
    assert all(c.withdrawn_on is not None for c in withdrawn.claims)


@given(
    vcst.wishes(
        kind=vc.WishKind.MATERIAL, max_claims=1, min_date=date(2026, 1, 1), max_date=date(2026, 12, 31)
    )
)
def test_wishes_narrowed(wish: vc.Wish) -> None:
    assert wish.kind is vc.WishKind.MATERIAL
    assert wish.value is not None
    assert wish.value <= vc.Yuan(300)
    assert len(wish.live_claims) <= 1
    assert wish.collected_on.year == 2026
    for day in (wish.screened_on, wish.published_on, wish.fulfilled_on, wish.cancelled_on):
        assert day is None or day.year == 2026


@pytest.mark.parametrize("rule", vcst.WISH_INVALID)
def test_wishes_breaking_one_rule(rule: str) -> None:
    @given(vcst.wishes(invalid=rule))
    def check(wish: vc.Wish) -> None:
        assert codes(vc.validate_wish(wish)) == [rule]
        assert wish.status in (vc.WishStatus.COLLECTED, vc.WishStatus.REJECTED, vc.WishStatus.CANCELLED)
        rebuilt(wish)

    check()


@given(vcst.wishes(invalid="wish.value_cap"))
def test_value_cap_breaking_wishes_exceed_the_cap(wish: vc.Wish) -> None:
    assert wish.value is not None
    assert wish.value >= vc.Yuan("300.01")


@given(vcst.wishes(invalid="wish.value_cap", status=vc.WishStatus.COLLECTED))
def test_invalid_wishes_are_refused_by_screening(wish: vc.Wish) -> None:
    with pytest.raises(vc.RuleViolation, match=r"wish\.value_cap"):
        wish.screen(True, wish.collected_on)


def test_unknown_invalid_switches_list_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"wish\.value_cap") as info:
        vcst.wishes(invalid="wish.nonsense")
    assert all(code in str(info.value) for code in vcst.WISH_INVALID)
    with pytest.raises(ValueError, match=r"member\.skill"):
        vcst.members(invalid="member.nonsense")
    with pytest.raises(ValueError, match=r"activity\.festival_window"):
        vcst.activities(invalid="nonsense")


def test_invalid_wishes_cannot_be_published() -> None:
    with pytest.raises(ValueError, match="COLLECTED"):
        vcst.wishes(invalid="wish.value_cap", status=vc.WishStatus.PUBLISHED)
    with pytest.raises(ValueError, match="MATERIAL"):
        vcst.wishes(invalid="wish.value_required", kind=vc.WishKind.SERVICE)


@given(vcst.claims())
def test_claims(claim: vc.Claim) -> None:
    assert rebuilt(claim) == claim
    assert not (claim.withdrawn_on and claim.fulfilled_on)


# ---------------------------------------------------------------------------------------------------------
# dispatch, plans and reports


@given(vcst.demands())
def test_demands(demand: vc.Demand) -> None:
    assert rebuilt(demand) == demand
    if demand.status is vc.DemandStatus.DONE:
        assert demand.member_id is not None
        assert demand.activity_id is not None


@given(vcst.branch_plans(branch_id="b-1", year=2026))
def test_branch_plans_are_in_time(plan: vc.BranchPlan) -> None:
    assert rebuilt(plan) == plan
    assert check_plan_due("b-1", 2026, [plan]) == []


@given(st.lists(vcst.half_year_reports(branch_id="b-1", year=2026), min_size=2, max_size=2))
def test_half_year_reports_are_in_time(reports: list[vc.HalfYearReport]) -> None:
    for report in reports:
        assert rebuilt(report) == report
    halves = {r.half for r in reports}
    if halves == {1, 2}:
        assert check_report_due("b-1", 2026, reports) == []


@given(vcst.plan_items())
def test_plan_items(item: vc.PlanItem) -> None:
    assert rebuilt(item) == item


# ---------------------------------------------------------------------------------------------------------
# datasets


def check_references(data: vcst.Dataset) -> None:
    for entities in (
        data.branches,
        data.members,
        data.teams,
        data.beneficiaries,
        data.units,
        data.pairings,
        data.activities,
        data.records,
        data.wishes,
    ):
        assert len({e.id for e in entities}) == len(entities)
    branch_ids = {b.id for b in data.branches}
    members = {m.id: m for m in data.members}
    team_ids = {t.id for t in data.teams}
    pairing_ids = {p.id for p in data.pairings}
    targets = {u.id for u in data.units} | {b.id for b in data.beneficiaries}
    activities = {a.id: a for a in data.activities}
    record_ids = {r.id for r in data.records}
    beneficiary_ids = {b.id for b in data.beneficiaries}

    assert all(m.branch_id in branch_ids for m in data.members)
    for team in data.teams:
        assert team.branch_id in branch_ids
        assert all(members[m].branch_id == team.branch_id for m in team.member_ids)
    for pairing in data.pairings:
        assert pairing.branch_ids <= branch_ids
        assert pairing.member_ids <= members.keys()
        assert pairing.target_id in targets
    for activity in data.activities:
        assert activity.branch_id in branch_ids
        assert activity.on.year == data.year
        assert activity.team_id is None or activity.team_id in team_ids
        assert activity.pairing_id is None or activity.pairing_id in pairing_ids
    for record in data.records:
        activity = activities[record.activity_id]
        assert record.member_id in members
        assert (record.kind, record.branch_id, record.on) == (activity.kind, activity.branch_id, activity.on)
        assert record.reverses is None or record.reverses in record_ids
    for wish in data.wishes:
        assert wish.beneficiary_id in beneficiary_ids
        assert all(c.member_id in members for c in wish.claims)


@SLOW
@given(vcst.datasets())
def test_datasets_resolve_their_references(data: vcst.Dataset) -> None:
    check_references(data)
    assert data.year == 2026
    assert 1 <= len(data.branches) <= 4
    assert 1 <= len(data.members) <= 12
    assert len(data.records) <= 60
    assert all(r.reverses is None and 1 <= r.minutes <= 1440 for r in data.records)
    assert vc.find_duplicate_pairings(data.pairings) == []
    assert all(vc.validate_wish(w) == [] for w in data.wishes)
    assert all(check_activity(a) == [] for a in data.activities)
    team_branches = {t.branch_id for t in data.teams}
    assert team_branches == {b.id for b in data.branches}  # branch.team: a team per branch
    pairs = Counter((r.member_id, r.activity_id) for r in data.records)
    assert all(n == 1 for n in pairs.values())
    members = {m.id: m for m in data.members}
    assert all(members[r.member_id].is_member_on(r.on) for r in data.records)
    assert all(m.is_member_on(date(2026, 1, 1)) or m.joined_on.year == 2026 for m in data.members)


@SLOW
@given(vcst.datasets(year=2024, max_branches=2, max_members=3, max_records=10, reversals=True))
def test_datasets_narrowed_with_reversals(data: vcst.Dataset) -> None:
    check_references(data)
    assert len(data.branches) <= 2
    assert len(data.members) <= 3
    assert len(data.records) <= 10
    assert all(a.on.year == 2024 for a in data.activities)
    reversed_ids = [r.reverses for r in data.records if r.reverses is not None]
    assert len(reversed_ids) == len(set(reversed_ids))


def test_datasets_refuse_bad_sizes() -> None:
    with pytest.raises(ValueError, match="max_members"):
        vcst.datasets(max_members=0)


def test_datasets_can_hold_everything() -> None:
    data = find(
        vcst.datasets(),
        lambda d: bool(d.records and d.wishes and d.pairings and d.units and d.beneficiaries),
        settings=FIRST_FOUND,
    )
    check_references(data)


# ---------------------------------------------------------------------------------------------------------
# the hypothesis plugin

ENTITY_TYPES: list[type[Any]] = [
    vc.Branch,
    vc.Member,
    vc.Team,
    vc.Beneficiary,
    vc.PartnerUnit,
    vc.Pairing,
    vc.Activity,
    vc.ServiceRecord,
    vc.Wish,
    vc.Claim,
    vc.Demand,
    vc.BranchPlan,
    vc.HalfYearReport,
    vc.PlanItem,
    vc.Yuan,
    vc.DateRange,
]


@pytest.mark.parametrize("cls", ENTITY_TYPES, ids=lambda c: c.__name__)
def test_from_type_after_the_setup_hook(cls: type[Any]) -> None:
    _hypothesis_setup_hook()

    @settings(max_examples=10, deadline=None)
    @given(st.from_type(cls))
    def check(value: Any) -> None:
        assert type(value) is cls

    check()


def test_from_type_wish_is_valid() -> None:
    _hypothesis_setup_hook()

    @given(st.from_type(vc.Wish))
    def check(wish: vc.Wish) -> None:
        assert vc.validate_wish(wish) == []

    check()


def test_importing_volunteer_core_never_imports_hypothesis() -> None:
    code = "import sys, volunteer_core; assert 'hypothesis' not in sys.modules, 'hypothesis imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
