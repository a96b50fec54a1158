"""The organisation tree's own invariants (model/organisation.py): a node is never its own parent, its kind is
read from a string, and ``check_no_cycle`` — the one check both storages call on ``organisations.update`` —
refuses a parent in the node's own subtree, at any depth, naming the cycle."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import InvalidInput, Organisation, OrganisationKind
from volunteer_core.model.organisation import check_no_cycle


def node(organisation_id: str, parent_id: str | None = None) -> Organisation:
    return Organisation(id=organisation_id, name="某单位", kind="unit", parent_id=parent_id)


def refused(organisation: Organisation, parents: Mapping[str, str | None]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_no_cycle(organisation, parents.get)
    return caught.value


#: a → b → c → d (a the root), and e beside b
PARENTS: dict[str, str | None] = {"a": None, "b": "a", "c": "b", "d": "c", "e": "a"}


def test_a_node_is_never_its_own_parent() -> None:
    with pytest.raises(InvalidInput) as caught:
        node("o1", "o1")
    assert (caught.value.code, caught.value.path, caught.value.value) == ("input.cycle", "parent_id", "o1")
    with pytest.raises(InvalidInput):
        attrs.evolve(node("o1"), parent_id="o1")


def test_the_kind_is_read_from_its_value_and_labelled() -> None:
    organisation = Organisation(id="o1", name="市直机关工委", kind="work_committee")
    assert organisation.kind is OrganisationKind.WORK_COMMITTEE
    assert OrganisationKind.UNIT.label_zh == "单位"
    assert organisation.parent_id is None
    with pytest.raises(InvalidInput) as caught:
        Organisation(id="o1", name="市直机关工委", kind="ministry")
    assert caught.value.path == "kind"


@pytest.mark.parametrize(("moved", "under", "cycle"), [
    ("a", "b", "a → b → a"),
    ("a", "c", "a → c → b → a"),
    ("a", "d", "a → d → c → b → a"),
    ("b", "d", "b → d → c → b"),
    ("c", "c", None),
])  # fmt: skip
def test_a_parent_in_the_nodes_own_subtree_is_a_cycle_at_any_depth(
    moved: str, under: str, cycle: str | None
) -> None:
    if cycle is None:  # its own id: the entity refuses it before any storage
        with pytest.raises(InvalidInput):
            node(moved, under)
        return
    error = refused(node(moved, under), PARENTS)
    assert (error.code, error.path, error.value) == ("input.cycle", "parent_id", under)
    assert cycle in error.message_en
    assert cycle in error.message_zh


@pytest.mark.parametrize(
    ("moved", "under"), [("d", "e"), ("b", "e"), ("e", "d"), ("c", "a"), ("b", None), ("a", "zz")]
)
def test_other_moves_close_no_cycle(moved: str, under: str | None) -> None:
    check_no_cycle(node(moved, under), PARENTS.get)  # "zz": unknown, a storage's reference check says so


def test_a_cycle_already_stored_ends_the_walk() -> None:
    looping = {"x": "y", "y": "x"}
    check_no_cycle(node("n", "x"), looping.get)
    assert refused(node("x", "y"), looping).code == "input.cycle"


@st.composite
def forests(draw: st.DrawFn) -> dict[str, str | None]:
    """A forest of up to 8 nodes n0 … n7: each node's parent is an earlier node or none."""
    size = draw(st.integers(1, 8))
    return {
        f"n{i}": draw(st.none() | st.sampled_from([f"n{j}" for j in range(i)])) if i else None
        for i in range(size)
    }


def _subtree(parents: Mapping[str, str | None], root: str) -> set[str]:
    """The node and everything below it, found downwards (the check walks upwards)."""
    found, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                frontier.append(child)
    return found


@given(forests(), st.data())
def test_a_move_is_refused_exactly_when_the_parent_lies_below_the_node(
    parents: dict[str, str | None], data: st.DataObject
) -> None:
    moved = data.draw(st.sampled_from(sorted(parents)))
    under = data.draw(st.sampled_from(sorted(set(parents) - {moved})) if len(parents) > 1 else st.none())
    if under is not None and under in _subtree(parents, moved):
        with pytest.raises(InvalidInput, match=r"input\.cycle"):
            check_no_cycle(node(moved, under), parents.get)
    else:
        check_no_cycle(node(moved, under), parents.get)
