"""Pairings (``model/pairing.py``): at least one branch; a joint pairing holds several."""

from __future__ import annotations

from datetime import date

import pytest

from volunteer_core import DateRange, InvalidInput, Pairing, PairingMode

D = date


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
