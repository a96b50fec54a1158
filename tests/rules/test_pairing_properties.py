"""Properties of ``find_duplicate_pairings`` over generated pairings: it equals the pairwise definition
(connected components of "same target, overlapping periods") and does not depend on the input order."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

import volunteer_core as vc

_TARGETS = ["u1", "u2", "u3"]
_BRANCHES = ["b1", "b2", "b3", "b4"]


@st.composite
def _pairing_lists(draw: st.DrawFn) -> list[vc.Pairing]:
    """Pairings of a few targets with short, often overlapping periods (ids unique)."""
    n = draw(st.integers(0, 14))
    out = []
    for i in range(n):
        start = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 60)))
        end = (
            None
            if draw(st.booleans()) and draw(st.booleans())
            else start + timedelta(days=draw(st.integers(0, 20)))
        )
        branches = draw(st.lists(st.sampled_from(_BRANCHES), min_size=1, max_size=3, unique=True))
        mode = vc.PairingMode.SOLO if len(branches) == 1 else vc.PairingMode.JOINT_BRANCHES
        out.append(
            vc.Pairing(
                id=f"p{i:02d}",
                branch_ids=branches,
                target_id=draw(st.sampled_from(_TARGETS)),
                mode=mode,
                period=vc.DateRange(start, end),
            )
        )
    return out


def _brute_force_groups(pairings: list[vc.Pairing]) -> set[frozenset[str]]:
    """Connected components (size ≥ 2) of the pairwise 'same target and overlapping' graph."""
    parent = {p.id: p.id for p in pairings}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for a in pairings:
        for b in pairings:
            if a.id < b.id and a.target_id == b.target_id and a.period.overlaps(b.period):
                parent[root(a.id)] = root(b.id)
    groups: dict[str, set[str]] = {}
    for p in pairings:
        groups.setdefault(root(p.id), set()).add(p.id)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


@given(_pairing_lists())
def test_find_duplicate_pairings_equals_the_pairwise_definition(pairings: list[vc.Pairing]) -> None:
    found = vc.find_duplicate_pairings(pairings)
    assert {frozenset(v.details["pairing_ids"]) for v in found} == _brute_force_groups(pairings)
    assert len(found) == len(_brute_force_groups(pairings))  # once per group
    by_id = {p.id: p for p in pairings}
    for v in found:
        first = min((by_id[i] for i in v.details["pairing_ids"]), key=lambda p: (p.period.start, p.id))
        assert v.subject_id == first.id


@given(_pairing_lists())
def test_find_duplicate_pairings_does_not_depend_on_input_order(pairings: list[vc.Pairing]) -> None:
    assert vc.find_duplicate_pairings(pairings) == vc.find_duplicate_pairings(list(reversed(pairings)))
