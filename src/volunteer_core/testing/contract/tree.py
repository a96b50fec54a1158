"""The organisation tree and what hangs on it (keyword ``contract_tree``): ``organisations.update`` refuses a
cycle and a dangling parent, ``children`` (``None``: the roots) and ``subtree`` (depth-first, pre-order,
children by id) at depth 3, ``branches.in_organisations``, ``qualifications.for_member``, and wishes
claimed by supporters (claims that mix a member and a supporter round-trip exactly; a claim naming no
stored supporter is refused at ``claims[i].supporter_id``). With ``supports_serializable``, a read of a
subtree conflicts with a concurrent change of it, and two concurrent moves that would together close a
cycle do not both commit.

>>> TreeContract.test_subtree_is_depth_first_children_by_id.contract_tree
True
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Final

import attrs
import pytest

from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound
from volunteer_core.model import (
    Branch,
    Claim,
    Organisation,
    OrganisationKind,
    Qualification,
    Supporter,
    SupporterKind,
    Wish,
    WishStatus,
)
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract._base import ContractBase, contract_area, ids_of, read, store
from volunteer_core.testing.contract._seed import MISSING, make_collected_wish

__all__ = ["TREE", "TreeContract", "make_organisation"]


def make_organisation(organisation_id: str, parent_id: str | None) -> Organisation:
    """An organisation of kind 单位 under ``parent_id`` (``None``: a root).

    >>> make_organisation("t-a", None).kind.label_zh
    '单位'
    """
    return Organisation(id=organisation_id, name="某单位", kind=OrganisationKind.UNIT, parent_id=parent_id)


#: A tree three levels deep under the seeded root ``o-1`` (beside its seeded child ``o-2``), added children
#: before parents would be refused: ids whose order by code point differs from the order added and from
#: a natural sort (``t-10`` before ``t-9``, ``T-Z`` before ``t-a``).
TREE: Final = (
    make_organisation("t-a", "o-1"),
    make_organisation("t-b", "o-1"),
    make_organisation("t-9", "t-a"),
    make_organisation("t-10", "t-a"),
    make_organisation("T-Z", "t-a"),
    make_organisation("t-c", "t-b"),
    make_organisation("t-a1", "t-10"),
    make_organisation("t-a0", "t-10"),
    make_organisation("t-b1", "t-c"),
)

_DAY = date(2026, 3, 2)


def _mixed_wish(wish_id: str, supporter_id: str = "s-1") -> Wish:
    """A 200-yuan wish claimed by member ``m-1`` (50 yuan) and by ``supporter_id`` (150 yuan, withdrawn
    and claimed again: three claims)."""
    published = make_collected_wish(wish_id, value="200.00").screen(True, _DAY).publish(_DAY)
    claims = (
        Claim(supporter_id=supporter_id, claimed_on=_DAY, pledged="150.00", withdrawn_on=date(2026, 3, 3)),
        Claim(member_id="m-1", claimed_on=_DAY, pledged="50.00"),
        Claim(supporter_id=supporter_id, claimed_on=date(2026, 3, 4), pledged="150.00"),
    )
    return attrs.evolve(published, status=WishStatus.CLAIMED, claims=claims)


@contract_area("tree")
class TreeContract(ContractBase):
    """The organisation tree, the queries that hang on it and claims by supporters.

    >>> TreeContract.__test__
    False
    """

    __test__: ClassVar[bool] = False

    @pytest.fixture
    def tree(self, seeded: UnitOfWork) -> UnitOfWork:
        """``seeded`` with :data:`TREE` stored under ``o-1``."""
        store(seeded, [("organisations", o) for o in TREE])
        return seeded

    # -- cycles and dangling parents ------------------------------------------------------------------

    @pytest.mark.parametrize("new_parent", ["t-b1", "t-c", "t-b"])
    def test_update_under_its_own_subtree_is_refused(self, tree: UnitOfWork, new_parent: str) -> None:
        """``t-b → t-c → t-b1``: ``t-b`` moved under ``t-b1`` (depth 2), ``t-c`` (depth 1) — or the root ``o-1``
        under ``t-b`` — would close a cycle: ``input.cycle`` at ``parent_id``, naming the parent; nothing
        changes."""
        moved = "o-1" if new_parent == "t-b" else "t-b"
        with tree:
            stored = tree.organisations.get(moved)
            with pytest.raises(InvalidInput) as refused:
                tree.organisations.update(attrs.evolve(stored, parent_id=new_parent))
            assert tree.organisations.get(moved) == stored, "a refused update changes nothing"
        error = refused.value
        assert (error.code, error.path, error.value) == ("input.cycle", "parent_id", new_parent)
        assert error.message_en
        assert error.message_zh
        assert read(tree, lambda u: u.organisations.get(moved)) == stored

    def test_update_closing_a_cycle_with_its_own_uncommitted_moves_is_refused(self, tree: UnitOfWork) -> None:
        """The unit's own writes count: ``t-c`` moved under ``t-a`` then ``t-a`` under ``t-b1`` (now below
        ``t-c``, below ``t-a``) is a cycle."""
        with tree:
            tree.organisations.update(attrs.evolve(tree.organisations.get("t-c"), parent_id="t-a"))
            with pytest.raises(InvalidInput) as refused:
                tree.organisations.update(attrs.evolve(tree.organisations.get("t-a"), parent_id="t-b1"))
        assert refused.value.code == "input.cycle"

    def test_an_organisation_is_never_its_own_parent(self, tree: UnitOfWork) -> None:
        """A self-parent cannot even be built: the entity refuses it (``input.cycle``)."""
        stored = read(tree, lambda u: u.organisations.get("t-a"))
        with pytest.raises(InvalidInput) as refused:
            attrs.evolve(stored, parent_id="t-a")
        assert (refused.value.code, refused.value.path) == ("input.cycle", "parent_id")

    def test_moves_that_close_no_cycle_are_stored(self, tree: UnitOfWork) -> None:
        """Moving a subtree elsewhere — sideways, up to a root, under a former descendant's sibling — is no
        cycle; the subtree moves with it."""
        with tree:
            orgs = tree.organisations
            orgs.update(attrs.evolve(orgs.get("t-c"), parent_id="t-9"))
            orgs.update(attrs.evolve(orgs.get("t-b"), parent_id="t-b1"))
            orgs.update(attrs.evolve(orgs.get("t-10"), parent_id=None))
            orgs.update(attrs.evolve(orgs.get("t-a"), parent_id="t-a0"))
            tree.commit()
        with tree:
            assert ids_of(tree.organisations.subtree("t-10")) == [
                "t-10", "t-a0", "t-a", "T-Z", "t-9", "t-c", "t-b1", "t-b", "t-a1",
            ]  # fmt: skip
            assert ids_of(tree.organisations.children(None)) == ["o-1", "t-10"]

    def test_a_dangling_parent_is_refused_on_add_and_update(self, tree: UnitOfWork) -> None:
        with tree:
            with pytest.raises(InvalidInput) as on_add:
                tree.organisations.add(make_organisation("t-new", MISSING))
            with pytest.raises(InvalidInput) as on_update:
                tree.organisations.update(attrs.evolve(tree.organisations.get("t-c"), parent_id=MISSING))
        for error in (on_add.value, on_update.value):
            assert (error.code, error.path, error.value) == ("input.reference", "parent_id", MISSING)

    def test_a_stale_or_missing_organisation_is_refused_whatever_its_parent(self, tree: UnitOfWork) -> None:
        """A stale version that also closes a cycle is refused — as a conflict or as the cycle (the ports
        set no precedence between them) — and changes nothing; a missing id under any parent is
        ``NotFound``."""
        with tree:
            stored = tree.organisations.get("t-b")
            with pytest.raises((ConcurrencyConflict, InvalidInput)) as refused:
                tree.organisations.update(attrs.evolve(stored, parent_id="t-b1", version=stored.version + 1))
            assert not isinstance(refused.value, InvalidInput) or refused.value.code == "input.cycle"
            assert tree.organisations.get("t-b") == stored
            with pytest.raises(NotFound):
                tree.organisations.update(make_organisation("t-none", "t-b1"))

    # -- children and subtree ---------------------------------------------------------------------------

    def test_children_are_the_direct_children_ordered_by_id(self, tree: UnitOfWork) -> None:
        with tree:
            orgs = tree.organisations
            assert ids_of(orgs.children(None)) == ["o-1"], "children(None) are the roots"
            assert ids_of(orgs.children("o-1")) == ["o-2", "t-a", "t-b"]
            assert ids_of(orgs.children("t-a")) == ["T-Z", "t-10", "t-9"]
            assert orgs.children("t-b1") == []
            assert orgs.children(MISSING) == []
            orgs.add(make_organisation("A-root", None))
            assert ids_of(orgs.children(None)) == ["A-root", "o-1"], "children sees the unit's own adds"

    def test_subtree_is_depth_first_children_by_id(self, tree: UnitOfWork) -> None:
        """The node first, then each child's subtree in turn (pre-order), children by id, to depth 3."""
        with tree:
            orgs = tree.organisations
            assert ids_of(orgs.subtree("o-1")) == [
                "o-1", "o-2", "t-a", "T-Z", "t-10", "t-a0", "t-a1", "t-9", "t-b", "t-c", "t-b1",
            ]  # fmt: skip
            assert ids_of(orgs.subtree("t-b")) == ["t-b", "t-c", "t-b1"]
            assert ids_of(orgs.subtree("t-b1")) == ["t-b1"], "a leaf's subtree is itself"
            assert orgs.subtree("t-a")[0] == orgs.get("t-a"), "whole entities"
            with pytest.raises(NotFound):
                orgs.subtree(MISSING)

    def test_subtree_sees_the_units_own_writes(self, tree: UnitOfWork) -> None:
        with tree:
            orgs = tree.organisations
            orgs.add(make_organisation("t-b2", "t-c"))
            orgs.update(attrs.evolve(orgs.get("t-10"), parent_id="t-b1"))
            assert ids_of(orgs.subtree("t-b")) == ["t-b", "t-c", "t-b1", "t-10", "t-a0", "t-a1", "t-b2"]
            assert ids_of(orgs.subtree("t-a")) == ["t-a", "T-Z", "t-9"]

    # -- what hangs on the tree ---------------------------------------------------------------------------

    def test_branches_in_organisations(self, tree: UnitOfWork) -> None:
        """The branches directly under any of the given organisations, ordered by id; unknown ids, repeats
        and branches hanging nowhere change nothing."""
        branches = [
            Branch(id="b-x", name="一支部", organisation_id="t-c"),
            Branch(id="B-y", name="二支部", organisation_id="t-a"),
            Branch(id="b-10", name="三支部", organisation_id="t-c"),
            Branch(id="b-z", name="四支部", organisation_id="t-b1"),
        ]
        store(tree, [("branches", b) for b in branches])
        with tree:
            found = tree.branches.in_organisations
            assert ids_of(found(["t-c"])) == ["b-10", "b-x"]
            assert ids_of(found(["t-c", "t-a", "t-c", MISSING])) == ["B-y", "b-10", "b-x"]
            assert ids_of(found(iter(["o-2", "t-b1"]))) == ["b-1", "b-z"], "any iterable of ids"
            assert found([]) == []
            assert found(["t-b"]) == [], "only the branches directly under a node"
            subtree = ids_of(tree.organisations.subtree("t-b"))
            assert ids_of(found(subtree)) == ["b-10", "b-x", "b-z"]
            assert found(["b-2"]) == []
            assert tree.branches.get("b-2").organisation_id is None

    def test_qualifications_for_member(self, seeded: UnitOfWork) -> None:
        """Every qualification of the member, expired ones included, ordered by id; none of another member."""
        held = [
            Qualification(id="q-9", member_id="m-1", name="心理疏导", earned_on=date(2020, 1, 1),
                          expires_on=date(2021, 1, 1)),
            Qualification(id="Q-0", member_id="m-1", name="法律咨询", earned_on=date(2026, 1, 1)),
            Qualification(id="q-10", member_id="m-2", name="急救", earned_on=date(2026, 1, 1)),
        ]  # fmt: skip
        store(seeded, [("qualifications", q) for q in held])
        with seeded:
            assert ids_of(seeded.qualifications.for_member("m-1")) == ["Q-0", "q-1", "q-9"]
            assert seeded.qualifications.for_member("m-2") == [held[2]]
            assert seeded.qualifications.for_member(MISSING) == []
            seeded.qualifications.add(attrs.evolve(held[2], id="q-11", member_id="m-1"))
            assert ids_of(seeded.qualifications.for_member("m-1")) == ["Q-0", "q-1", "q-11", "q-9"]

    # -- claims by supporters -----------------------------------------------------------------------------

    def test_a_wish_claimed_by_a_member_and_a_supporter_round_trips(self, seeded: UnitOfWork) -> None:
        wish = _mixed_wish("w-mix")
        store(seeded, [("wishes", wish)])
        with seeded:
            assert seeded.wishes.get("w-mix") == wish
            assert [c.claimant for c in seeded.wishes.get("w-mix").claims] == [
                ("supporter", "s-1"), ("member", "m-1"), ("supporter", "s-1"),
            ]  # fmt: skip
            assert wish in seeded.wishes.with_status(WishStatus.CLAIMED)
            assert seeded.wishes.get_many(["w-mix"]) == {"w-mix": wish}
            fulfilled = wish.fulfil(date(2026, 3, 20))
            stored = seeded.wishes.update(fulfilled)
            seeded.commit()
        assert read(seeded, lambda u: u.wishes.get("w-mix")) == stored == attrs.evolve(fulfilled, version=1)

    @pytest.mark.parametrize("position", [0, 2])
    def test_a_claim_naming_a_missing_supporter_is_refused(self, seeded: UnitOfWork, position: int) -> None:
        wish = _mixed_wish("w-mix")
        claims = list(wish.claims)
        claims[position] = attrs.evolve(claims[position], supporter_id=MISSING)
        dangling = attrs.evolve(wish, claims=tuple(claims))
        with seeded:
            with pytest.raises(InvalidInput) as on_add:
                seeded.wishes.add(dangling)
            seeded.wishes.add(wish)
            with pytest.raises(InvalidInput) as on_update:
                seeded.wishes.update(dangling)
            assert seeded.wishes.get("w-mix") == wish
        path = f"claims[{position}].supporter_id"
        for error in (on_add.value, on_update.value):
            assert (error.code, error.path, error.value) == ("input.reference", path, MISSING)

    def test_a_supporter_added_in_the_same_transaction_may_claim(self, seeded: UnitOfWork) -> None:
        supporter = Supporter(id="s-new", name="凤山慈善会", kind=SupporterKind.SOCIAL_ORGANISATION)
        wish = _mixed_wish("w-mix", supporter_id="s-new")
        store(seeded, [("supporters", supporter), ("wishes", wish)])
        assert read(seeded, lambda u: u.wishes.get("w-mix")) == wish

    # -- concurrency ----------------------------------------------------------------------------------

    def test_siblings_concurrent_adds_into_one_subtree_do_not_both_commit(self, tree: UnitOfWork) -> None:
        """Two units each read the subtree of ``t-b`` and add a node in it (a limit on a subtree's size, a
        unit's one target, would be judged so): not both may commit — a subtree read is tracked."""
        self._require("supports_serializable")
        other = self._sibling(tree)
        committed = 0
        with tree, other:
            assert len(tree.organisations.subtree("t-b")) == len(other.organisations.subtree("t-b")) == 3
            for uow, new_id in ((tree, "t-x"), (other, "t-y")):
                try:
                    uow.organisations.add(make_organisation(new_id, "t-c"))
                    uow.commit()
                    committed += 1
                except ConcurrencyConflict:
                    pass
        assert committed <= 1, "both units read the subtree of t-b and both added a node in it"
        assert len(read(tree, lambda u: u.organisations.subtree("t-b"))) == 3 + committed

    def test_siblings_concurrent_moves_never_close_a_cycle(self, tree: UnitOfWork) -> None:
        """``t-a`` moved under ``t-b`` and, concurrently, ``t-b`` under ``t-a``: each alone is no cycle,
        together they are — not both may commit. The second is refused as a lost race
        (ConcurrencyConflict) or, by a storage whose reads see the first's commit (a locking read),
        as the cycle it would close (``input.cycle``)."""
        self._require("supports_serializable")
        other = self._sibling(tree)
        committed = 0
        with tree, other:
            moves = ((tree, "t-a", "t-b"), (other, "t-b", "t-a"))
            staged = [(uow, attrs.evolve(uow.organisations.get(i), parent_id=p)) for uow, i, p in moves]
            for uow, moved in staged:
                try:
                    uow.organisations.update(moved)
                    uow.commit()
                    committed += 1
                except ConcurrencyConflict:
                    pass
                except InvalidInput as refused:
                    assert refused.code == "input.cycle", refused  # noqa: PT017 - one of two outcomes
        assert committed <= 1, "two moves that together close a cycle both committed"
        with tree:
            parents = {o.id: o.parent_id for o in tree.organisations.list()}
        assert (parents["t-a"], parents["t-b"]) in (("o-1", "o-1"), ("t-b", "o-1"), ("o-1", "t-a"))
