"""``validate_wish`` at the edges of ``wish.value_cap``, ``wish.value_required``, ``wish.content_required``
and ``wish.claim_total`` (domain.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

import volunteer_core as vc
from volunteer_core import RULES, Claim, Severity, Violation, Wish, Yuan, policies, validate_wish

D = date


def wish(value: Any = "300.00", kind: str = "material", content: str = "一台电饭煲", **changes: Any) -> Wish:
    return Wish(
        id="w1",
        beneficiary_id="p1",
        kind=kind,
        content=content,
        collected_on=D(2026, 5, 1),
        value=value,
        **changes,
    )


def codes(found: list[Violation]) -> list[str]:
    return [v.code for v in found]


def test_validate_wish_is_exported_at_top_level() -> None:
    assert vc.validate_wish is validate_wish


def test_cap_itself_passes() -> None:
    assert validate_wish(wish("300.00")) == []


def test_one_fen_over_the_cap_fails() -> None:
    found = validate_wish(wish("300.01"))
    assert codes(found) == ["wish.value_cap"]
    (v,) = found
    assert v.severity is Severity.ERROR
    assert v.subject_id == "w1"
    assert v.source == RULES["wish.value_cap"].source
    assert "004" in v.source
    assert "300.01" in v.message_en


def test_default_policy_is_the_default_argument() -> None:
    assert validate_wish(wish("300.01")) == validate_wish(wish("300.01"), policies.DEFAULT)


def test_cap_follows_the_policy() -> None:
    low = attrs.evolve(policies.DEFAULT, wish_value_cap=Yuan(200))
    assert validate_wish(wish("200.00"), low) == []
    assert codes(validate_wish(wish("200.01"), low)) == ["wish.value_cap"]
    assert codes(validate_wish(wish("250"), policy=low)) == ["wish.value_cap"]


def test_policy_without_cap_accepts_any_value() -> None:
    uncapped = attrs.evolve(policies.DEFAULT, wish_value_cap=None)
    assert validate_wish(wish("99999.99"), uncapped) == []


def test_material_without_value_needs_one() -> None:
    found = validate_wish(wish(None))
    assert codes(found) == ["wish.value_required"]
    assert found[0].severity is Severity.ERROR
    assert found[0].subject_id == "w1"


def test_material_with_zero_value_needs_one() -> None:
    assert codes(validate_wish(wish("0.00"))) == ["wish.value_required"]
    assert codes(validate_wish(wish(0))) == ["wish.value_required"]


def test_material_with_one_fen_is_fine() -> None:
    assert validate_wish(wish("0.01")) == []


@pytest.mark.parametrize("kind", ["cultural", "policy", "service"])
def test_non_material_without_value_is_fine(kind: str) -> None:
    assert validate_wish(wish(None, kind, content="陪伴聊天")) == []


@pytest.mark.parametrize("content", ["", " ", "\t\n", "　"])
def test_blank_content_is_refused(content: str) -> None:
    found = validate_wish(wish(content=content))
    assert "wish.content_required" in codes(found)
    v = next(v for v in found if v.code == "wish.content_required")
    assert v.severity is Severity.ERROR
    assert v.subject_id == "w1"


def test_blank_content_on_non_material_wish() -> None:
    assert codes(validate_wish(wish(None, "service", content=" "))) == ["wish.content_required"]


def test_several_breaches_are_all_reported() -> None:
    found = validate_wish(wish(None, content=" "))
    assert sorted(codes(found)) == ["wish.content_required", "wish.value_required"]


def test_pledges_over_the_value_break_claim_total() -> None:
    """A CLAIMED wish over its value cannot even be built; a published one read from a storage is judged."""
    over = wish(
        "300",
        status="published",
        claims=(
            Claim(member_id="m1", claimed_on=D(2026, 5, 6), pledged="200"),
            Claim(member_id="m2", claimed_on=D(2026, 5, 6), pledged="100.01"),
        ),
    )
    assert "wish.claim_total" in codes(validate_wish(over))


def test_two_live_claims_of_one_member_break_claim_total() -> None:
    twice = wish(
        "300",
        status="claimed",
        claims=(
            Claim(member_id="m1", claimed_on=D(2026, 5, 6), pledged="100"),
            Claim(member_id="m1", claimed_on=D(2026, 5, 7), pledged="100"),
        ),
    )
    assert "wish.claim_total" in codes(validate_wish(twice))


def test_withdrawn_claims_do_not_count() -> None:
    fine = wish(
        "300",
        status="claimed",
        claims=(
            Claim(member_id="m1", claimed_on=D(2026, 5, 6), pledged="300", withdrawn_on=D(2026, 5, 7)),
            Claim(member_id="m1", claimed_on=D(2026, 5, 8), pledged="300"),
        ),
    )
    assert validate_wish(fine) == []


@pytest.mark.parametrize(
    "code",
    ["wish.value_cap", "wish.value_required", "wish.content_required", "wish.claim_total", "wish.transition"],
)
def test_wish_rules_are_catalogued(code: str) -> None:
    rule = RULES[code]
    assert rule.code == code
    assert rule.source.startswith("004")
    assert rule.title_zh
    assert rule.title_en
    assert rule.statement
