"""The organisation tree and what hangs on it, on every storage (memory, SQLite, PostgreSQL), beyond the
contract's ``contract_tree`` area: ids that are not strings or name nothing, a refused cycle that leaves the
rest of its transaction usable, which refusal comes first, the message naming the cycle, a long list of
organisations (more than one ``IN (…)`` chunk), claims by supporters replaced by an update, and a tree whose
every branch is found through ``subtree`` and ``in_organisations`` as the roll-up reads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from volunteer_core import (
    Beneficiary,
    Branch,
    Claim,
    Member,
    Organisation,
    Qualification,
    Supporter,
    Wish,
    WishStatus,
)
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing import strategies as vcst

MakeUow = Callable[[], UnitOfWork]


def org(organisation_id: str, parent_id: str | None = None) -> Organisation:
    return Organisation(id=organisation_id, name="某单位", kind="unit", parent_id=parent_id)


#: 工委 → 2 机关党委 → 6 支部' units: w → (p1, p2), p1 → (u1, u2, u3), p2 → (u4, u5, u6)
TREE = (
    org("w"),
    org("p1", "w"),
    org("p2", "w"),
    *(org(f"u{i}", "p1") for i in (1, 2, 3)),
    *(org(f"u{i}", "p2") for i in (4, 5, 6)),
)
BRANCHES = (
    *(Branch(id=f"b{i}", name=f"第{i}党支部", organisation_id=f"u{i}") for i in range(1, 7)),
    Branch(id="b9", name="未挂靠党支部"),
)


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    made = make_uow()
    with made:
        for organisation in TREE:
            made.organisations.add(organisation)
        for branch in BRANCHES:
            made.branches.add(branch)
        made.commit()
    return made


def test_the_roll_up_finds_every_branch_of_a_subtree(uow: UnitOfWork) -> None:
    with uow:
        for node, expected in (("w", 6), ("p1", 3), ("p2", 3), ("u4", 1)):
            ids = [o.id for o in uow.organisations.subtree(node)]
            assert len(uow.branches.in_organisations(ids)) == expected, node
        assert [o.id for o in uow.organisations.subtree("w")] == [
            "w",
            "p1",
            "u1",
            "u2",
            "u3",
            "p2",
            "u4",
            "u5",
            "u6",
        ]


@pytest.mark.parametrize("odd", [5, None, ("w",), "w\x00", ""])
def test_odd_ids_find_nothing(uow: UnitOfWork, odd: Any) -> None:
    with uow:
        if odd is not None:
            assert uow.organisations.children(odd) == []
        with pytest.raises(NotFound):
            uow.organisations.subtree(odd)
        assert uow.branches.in_organisations([odd]) == [], "None is no id: b9, hanging nowhere, is not found"
        assert uow.qualifications.for_member(odd) == []


def test_a_refused_cycle_leaves_the_transaction_usable(uow: UnitOfWork) -> None:
    with uow:
        root = uow.organisations.get("w")
        with pytest.raises(InvalidInput) as caught:
            uow.organisations.update(attrs.evolve(root, parent_id="u5"))
        assert "w → u5 → p2 → w" in str(caught.value)
        moved = uow.organisations.update(attrs.evolve(uow.organisations.get("u5"), parent_id="p1"))
        uow.commit()
    with uow:
        assert uow.organisations.get("u5") == moved
        assert [o.id for o in uow.organisations.children("p1")] == ["u1", "u2", "u3", "u5"]
        assert uow.organisations.get("w") == root


def test_a_stale_version_is_refused_before_a_cycle_and_a_missing_id_before_anything(uow: UnitOfWork) -> None:
    """Memory and SQL agree on the order: the version first (as every update), then the cycle."""
    with uow:
        stale = attrs.evolve(uow.organisations.get("p1"), parent_id="u1", version=3)
        with pytest.raises(ConcurrencyConflict):
            uow.organisations.update(stale)
        with pytest.raises(NotFound):
            uow.organisations.update(org("nobody", "u1"))
        with pytest.raises(InvalidInput) as caught:
            uow.organisations.update(attrs.evolve(uow.organisations.get("p1"), parent_id="nobody"))
        assert caught.value.code == "input.reference"


def test_in_organisations_reads_more_ids_than_one_chunk(uow: UnitOfWork) -> None:
    many = [f"x{i}" for i in range(4500)] + ["u6", "u1"]
    with uow:
        assert [b.id for b in uow.branches.in_organisations(many)] == ["b1", "b6"]
        assert [b.id for b in uow.branches.in_organisations(iter(many[::-1]))] == ["b1", "b6"]


def test_claims_by_supporters_are_replaced_by_an_update(uow: UnitOfWork) -> None:
    day = date(2026, 5, 6)
    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind="material",
        content="助听器",
        collected_on=date(2026, 5, 1),
        value="300",
        status=WishStatus.CLAIMED,
        screened_on=date(2026, 5, 2),
        published_on=date(2026, 5, 3),
        claims=(
            Claim(supporter_id="s1", claimed_on=day, pledged="150"),
            Claim(member_id="m1", claimed_on=day),
        ),
    )
    with uow:
        uow.members.add(Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)))
        uow.supporters.add(Supporter(id="s1", name="林爱心", kind="caring_person", contact="13912344859"))
        uow.supporters.add(Supporter(id="s2", name="凤山慈善会", kind="social_organisation"))
        uow.beneficiaries.add(Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"))
        uow.wishes.add(wish)
        uow.commit()
    swapped = attrs.evolve(wish, claims=(Claim(supporter_id="s2", claimed_on=day, pledged="300"),))
    with uow:
        stored = uow.wishes.update(swapped)
        uow.commit()
    with uow:
        assert uow.wishes.get("w1") == stored
        assert [c.claimant for c in stored.claims] == [("supporter", "s2")]
        assert uow.supporters.get("s1").contact == "13912344859"


def test_qualifications_of_a_member_follow_their_updates(uow: UnitOfWork) -> None:
    held = Qualification(id="q1", member_id="m1", name="急救", earned_on=date(2026, 3, 5))
    with uow:
        uow.members.add(Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)))
        uow.members.add(Member(id="m2", name="李四", branch_id="b1", joined_on=date(2020, 1, 1)))
        uow.qualifications.add(held)
        uow.commit()
    with uow:
        moved = uow.qualifications.update(attrs.evolve(held, member_id="m2", expires_on=date(2027, 3, 4)))
        assert uow.qualifications.for_member("m1") == []
        assert uow.qualifications.for_member("m2") == [moved]
        with pytest.raises(InvalidInput) as caught:
            uow.qualifications.update(attrs.evolve(moved, member_id="m9"))
        assert (caught.value.code, caught.value.path) == ("input.reference", "member_id")


_TREES = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def _below(parents: dict[str, str | None], node: str) -> set[str]:
    """The node and every node under it, found downwards from the parents (the storages walk upwards)."""
    found = {node}
    grew = True
    while grew:
        more = {child for child, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return found


def test_drawn_trees_store_read_back_and_move_alike(make_uow: MakeUow) -> None:
    """Any drawn tree, stored parents first, reads back as its pre-order walk; then each node in turn is
    moved under the last node drawn: refused with ``input.cycle`` exactly when that one lies below it.
    Nothing is committed: each drawn tree starts from the empty storage."""

    @_TREES
    @given(vcst.organisation_trees(depth=4, max_children=2))
    def check(tree: tuple[Organisation, ...]) -> None:
        uow = make_uow()
        parents = {o.id: o.parent_id for o in tree}
        with uow:
            for organisation in tree:
                uow.organisations.add(organisation)
            ordered = sorted(parents)

            def walk(node: str) -> list[str]:
                return [node, *(n for child in ordered if parents[child] == node for n in walk(child))]

            assert [o.id for o in uow.organisations.subtree("o-1")] == walk("o-1")
            last = tree[-1].id
            for organisation_id in ordered:
                if organisation_id == last:
                    continue
                stored = uow.organisations.get(organisation_id)
                cycle = last in _below(parents, organisation_id)
                refused: list[str] = []
                try:
                    uow.organisations.update(attrs.evolve(stored, parent_id=last))
                except InvalidInput as error:
                    refused.append(error.code)
                else:
                    parents[organisation_id] = last
                assert refused == (["input.cycle"] if cycle else []), (organisation_id, last)
            assert {o.id: o.parent_id for o in uow.organisations.list()} == parents

    check()
