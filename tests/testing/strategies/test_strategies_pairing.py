"""Tests of volunteer_core.testing.strategies.pairing: pairings, duplicate-free lists, rule-breaking duplicates."""

from __future__ import annotations

import pytest
from hypothesis import given
from strategies_support import codes, rebuilt

import volunteer_core as vc
from volunteer_core.testing import strategies as vcst


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
