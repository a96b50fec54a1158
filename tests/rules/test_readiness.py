"""Insured and trained before service (``rules/readiness.py``): ``member.uninsured`` and ``member.untrained``
at their edges, the qualifications a training earns, and the property that the training rule is silent
exactly when every required name is held on the day."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import (
    Activity,
    InvalidInput,
    Member,
    Qualification,
    RecordStatus,
    ServiceRecord,
    policies,
    rules,
)
from volunteer_core.rules.readiness import (
    check_insured,
    check_qualified,
    earned_qualifications,
    qualification_expiry,
    qualification_id,
)

DAY = date(2026, 3, 5)
MEMBER = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), insured_until=DAY)
FIRST_AID = Activity(
    id="a1", kind="community_service", branch_id="b1", on=DAY, title="马拉松医疗保障", requires={"急救"}
)
TRAINING = Activity(
    id="t1",
    kind="training",
    branch_id="b1",
    on=DAY,
    title="急救培训",
    grants={"急救", "心肺复苏"},
    grants_valid_months=36,
)
UNINSURED_ON = attrs.evolve(policies.DEFAULT, require_insurance=True)


def first_aid(
    earned_on: date = date(2025, 1, 1),
    expires_on: date | None = None,
    *,
    id: str = "q1",
    member_id: str = "m1",
) -> Qualification:
    return Qualification(id=id, member_id=member_id, name="急救", earned_on=earned_on, expires_on=expires_on)


# -- member.uninsured -----------------------------------------------------------------------------------


def test_the_last_insured_day_passes_and_the_day_after_is_refused() -> None:
    assert check_insured(MEMBER, DAY, policies.MEILIE_2017) == []
    (found,) = check_insured(MEMBER, DAY + timedelta(days=1), policies.MEILIE_2017)
    assert (found.code, found.subject_id, found.is_error) == ("member.uninsured", "m1", True)
    assert found.details == {"member_id": "m1", "on": "2026-03-06", "insured_until": "2026-03-05"}
    assert found.source == "003 §四.5"
    assert "2026-03-06" in found.message_en
    assert "张三" in found.message_zh
    assert "2026-03-05" in found.message_zh


def test_a_member_without_insurance_on_record_is_uninsured_every_day() -> None:
    bare = attrs.evolve(MEMBER, insured_until=None)
    (found,) = check_insured(bare, date(2000, 1, 1), policies.MEILIE_2017)
    assert found.details["insured_until"] is None
    assert "未登记保险" in found.message_zh
    assert "no insurance is on record" in found.message_en


@pytest.mark.parametrize("name", ["DEFAULT", "NATIONAL", "FUJIAN_GOV_2022", "MCA_LEIFENG", "LOUDI_2018"])
def test_a_preset_without_insurance_judges_nobody(name: str) -> None:
    bare = attrs.evolve(MEMBER, insured_until=None)
    assert check_insured(bare, DAY, policies.PRESETS[name]) == []


def test_a_preset_that_switches_insurance_on_cites_the_rule_itself() -> None:
    (found,) = check_insured(MEMBER, DAY + timedelta(days=1), UNINSURED_ON)
    assert found.source == rules.RULES["member.uninsured"].source == "003 §四.5"


# -- member.untrained -----------------------------------------------------------------------------------


def test_the_expiry_day_passes_and_the_day_after_is_refused() -> None:
    held = [first_aid(expires_on=DAY)]
    assert check_qualified(MEMBER, FIRST_AID, held, DAY) == []
    (found,) = check_qualified(MEMBER, FIRST_AID, held, DAY + timedelta(days=1))
    assert (found.code, found.subject_id) == ("member.untrained", "m1")
    assert found.details["missing"] == ["急救"]
    assert found.details["expired"] == {"急救": "2026-03-05"}
    assert found.details["earned_later"] == {}
    assert found.source == policies.NATIONAL.sources["member.untrained"]
    assert "急救" in found.message_zh
    assert "2026-03-06" in found.message_zh
    assert "a1" in found.message_en


def test_earned_on_the_service_day_passes_and_earned_the_day_after_is_refused() -> None:
    assert check_qualified(MEMBER, FIRST_AID, [first_aid(earned_on=DAY)], DAY) == []
    (found,) = check_qualified(MEMBER, FIRST_AID, [first_aid(earned_on=DAY + timedelta(days=1))], DAY)
    assert found.details["earned_later"] == {"急救": "2026-03-06"}
    assert found.details["expired"] == {}


def test_no_qualification_at_all_is_refused_with_every_missing_name_sorted() -> None:
    both = attrs.evolve(FIRST_AID, requires={"急救", "心肺复苏", "AED"})
    (found,) = check_qualified(MEMBER, both, [first_aid()], DAY)
    assert found.details["missing"] == sorted({"心肺复苏", "AED"})


def test_another_members_qualification_does_not_count() -> None:
    (found,) = check_qualified(MEMBER, FIRST_AID, [first_aid(member_id="m2")], DAY)
    assert found.details["missing"] == ["急救"]


def test_a_renewed_qualification_counts_after_an_expired_one() -> None:
    old = first_aid(earned_on=date(2022, 1, 1), expires_on=date(2024, 12, 31))
    new = first_aid(id="q2", earned_on=date(2025, 1, 1))
    assert check_qualified(MEMBER, FIRST_AID, [old, new], DAY) == []
    assert check_qualified(MEMBER, FIRST_AID, [old], date(2024, 12, 31)) == []


def test_an_activity_that_requires_nothing_and_a_policy_without_training_judge_nothing() -> None:
    assert check_qualified(MEMBER, attrs.evolve(FIRST_AID, requires=frozenset()), [], DAY) == []
    off = attrs.evolve(policies.DEFAULT, require_training=False)
    assert check_qualified(MEMBER, FIRST_AID, [], DAY, off) == []
    assert "member.untrained" not in off.rules_on()


@pytest.mark.parametrize("name", sorted(policies.PRESETS))
def test_every_preset_requires_training(name: str) -> None:
    (found,) = check_qualified(MEMBER, FIRST_AID, [], DAY, policies.PRESETS[name])
    assert found.source == "中办国办《关于健全新时代志愿服务体系的意见》2024 §四.3"


def test_junk_is_refused_as_input() -> None:
    with pytest.raises(InvalidInput):
        check_insured("m1", DAY)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        check_insured(MEMBER, "2026-03-05")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        check_qualified(MEMBER, FIRST_AID, ["急救"], DAY)  # type: ignore[list-item]
    with pytest.raises(InvalidInput):
        check_qualified(MEMBER, "a1", [], DAY)  # type: ignore[arg-type]


def test_both_rules_are_catalogued_with_their_check() -> None:
    assert rules.RULES["member.uninsured"].check is check_insured
    assert rules.RULES["member.untrained"].check is check_qualified


_DAYS = st.dates(date(2024, 1, 1), date(2028, 12, 31))
_NAMES = st.sampled_from(["急救", "心肺复苏", "AED"])


@st.composite
def _qualifications(draw: st.DrawFn) -> list[Qualification]:
    found = []
    for i in range(draw(st.integers(0, 5))):
        earned = draw(_DAYS)
        expires = draw(st.none() | st.dates(earned, date(2029, 12, 31)))
        member = draw(st.sampled_from(["m1", "m1", "m2"]))
        found.append(
            Qualification(
                id=f"q{i}", member_id=member, name=draw(_NAMES), earned_on=earned, expires_on=expires
            )
        )
    return found


@given(_qualifications(), st.frozensets(_NAMES), _DAYS)
def test_untrained_exactly_when_a_required_name_has_no_valid_qualification(
    held: list[Qualification], requires: frozenset[str], on: date
) -> None:
    activity = attrs.evolve(FIRST_AID, requires=requires)
    found = check_qualified(MEMBER, activity, held, on)
    valid = {
        name
        for name in requires
        if any(
            q.member_id == "m1"
            and q.name == name
            and q.earned_on <= on
            and (q.expires_on is None or on <= q.expires_on)
            for q in held
        )
    }
    assert (found == []) is (valid == requires)
    if found:
        assert found[0].details["missing"] == sorted(requires - valid)


@given(st.none() | _DAYS, _DAYS)
def test_uninsured_exactly_when_the_day_is_after_the_cover(until: date | None, on: date) -> None:
    member = attrs.evolve(MEMBER, insured_until=until)
    found = check_insured(member, on, policies.MEILIE_2017)
    assert (found == []) is (until is not None and on <= until)


# -- earned by attending --------------------------------------------------------------------------------


def _attended(status: str = "confirmed", record_id: str = "r1") -> ServiceRecord:
    record = ServiceRecord.for_activity(TRAINING, id=record_id, member_id="m1", minutes=120)
    return attrs.evolve(record, status=RecordStatus(status))


def test_a_confirmed_training_record_earns_each_granted_name() -> None:
    earned = earned_qualifications(_attended(), TRAINING)
    assert [(q.id, q.name, q.member_id, q.activity_id) for q in earned] == [
        ("r1:心肺复苏", "心肺复苏", "m1", "t1"),
        ("r1:急救", "急救", "m1", "t1"),
    ]
    assert {(q.earned_on, q.expires_on) for q in earned} == {(DAY, date(2029, 3, 4))}
    assert earned_qualifications(_attended(), TRAINING) == earned  # the same ids every time
    # valid on the day of the training and the 36 months after it, not a day more
    assert all(q.is_valid_on(DAY) and q.is_valid_on(date(2029, 3, 4)) for q in earned)
    assert not any(q.is_valid_on(date(2029, 3, 5)) for q in earned)


def test_nothing_is_earned_unconfirmed_corrected_elsewhere_or_without_grants() -> None:
    assert earned_qualifications(_attended("pending"), TRAINING) == []
    assert earned_qualifications(_attended("rejected"), TRAINING) == []
    assert earned_qualifications(_attended().reversal(id="v1", recorded_on=DAY), TRAINING) == []
    plain = attrs.evolve(TRAINING, grants=frozenset(), grants_valid_months=None)
    assert earned_qualifications(_attended(), plain) == []
    other = attrs.evolve(TRAINING, id="t2")
    assert earned_qualifications(_attended(), other) == []


def test_a_training_without_validity_earns_a_qualification_that_never_expires() -> None:
    forever = attrs.evolve(TRAINING, grants_valid_months=None)
    assert {q.expires_on for q in earned_qualifications(_attended(), forever)} == {None}


def test_the_expiry_counts_calendar_months() -> None:
    assert qualification_expiry(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert qualification_expiry(date(2024, 2, 29), 12) == date(2025, 2, 27)
    assert qualification_expiry(date(2026, 3, 1), 1) == date(2026, 3, 31)
    assert qualification_expiry(date(9999, 1, 1), 1200) == date.max


@given(st.dates(date(1950, 1, 1), date(2100, 12, 31)), st.integers(1, 1200))
def test_a_qualification_is_valid_from_its_day_to_the_day_before_the_same_date_n_months_on(
    earned_on: date, months: int
) -> None:
    expires_on = qualification_expiry(earned_on, months)
    assert expires_on is not None
    assert earned_on <= expires_on
    Qualification(id="q", member_id="m1", name="急救", earned_on=earned_on, expires_on=expires_on)


def test_an_id_too_long_to_extend_is_hashed_and_still_deterministic() -> None:
    long = "r" * 126
    assert qualification_id(long, "急救") != qualification_id(long, "心肺复苏")
    assert qualification_id(long, "急救") == qualification_id(long, "急救")
    assert qualification_id(long, "急救").startswith("qual-")
    assert qualification_id("r" * 125, "急救") == "r" * 125 + ":急救"  # 128 characters: kept as it is
    record = _attended(record_id=long)
    assert all(len(q.id) <= 128 for q in earned_qualifications(record, TRAINING))
