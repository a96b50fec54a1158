"""Organisations above the branch (机关工委 → 机关党委 / 党委 → 单位 …): a tree of any depth.

A :class:`~volunteer_core.Branch` hangs in it by ``organisation_id``; results are reported up it level by
level (004 逐级上报, 001 「报直属机关党委」) and ``policy.max_pairing_targets_per_unit`` counts pairing
targets per organisation of kind 单位 (001 §(一)).

>>> root = Organisation(id="o1", name="市直机关工委", kind="work_committee")
>>> unit = Organisation(id="o2", name="市民政局", kind="unit", parent_id="o1")
>>> unit.kind.label_zh, unit.parent_id, root.parent_id is None
('单位', 'o1', True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from volunteer_core.errors import InvalidInput
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import OrganisationKind

__all__ = ["Organisation", "check_no_cycle", "walk_subtree"]


@attrs.frozen(kw_only=True)
class Organisation:
    """A node of the organisation tree: a 机关工委, 机关党委, 党委, 党总支, 单位, 街道, 社区 ….

    ``parent_id`` names the node above (``None`` for a root). A node is never its own parent; the
    storages refuse a dangling parent (``input.reference @ parent_id``) and an update that would close a
    cycle (``input.cycle @ parent_id``).

    >>> Organisation(id="o1", name="市直机关工委", kind="work_committee", parent_id="o1")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.cycle @ parent_id: ...
    """

    id: str = attrs.field(validator=f.identifier)
    name: str = attrs.field(validator=f.name_text)
    kind: OrganisationKind = attrs.field(
        converter=f.to_organisation_kind, validator=f.member_of(OrganisationKind)
    )
    parent_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        if self.parent_id is not None and self.parent_id == self.id:
            raise InvalidInput(
                "parent_id",
                self.parent_id,
                code="input.cycle",
                message_en=f"organisation {self.id} cannot be its own parent",
                message_zh=f"组织 {self.id} 不能是自己的上级",
            )


def check_no_cycle(organisation: Organisation, parent_of: Callable[[str], str | None]) -> None:
    """Refuse ``organisation`` when its ``parent_id`` lies in its own subtree: ``InvalidInput`` (code
    ``input.cycle``, path ``parent_id``, value the parent) naming the cycle it would close.

    ``parent_of(id)`` is the stored parent of an organisation (``None``: a root, or none stored). The walk
    goes up from the new parent; it stops at a root, and — should the stored tree already hold a cycle —
    at a node it has seen. Both storages call it on ``organisations.update`` (an ``add`` cannot close a
    cycle: nothing stored names a new id).

    >>> parents = {"o-b": "o-a", "o-c": "o-b"}
    >>> check_no_cycle(Organisation(id="o-b", name="机关党委", kind="organ_party_committee",
    ...                             parent_id="o-a"), parents.get)
    >>> check_no_cycle(Organisation(id="o-a", name="机关工委", kind="work_committee", parent_id="o-c"),
    ...                parents.get)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.cycle @ parent_id: ... o-a → o-c → o-b → o-a ...
    """
    chain = [organisation.id]
    seen: set[str] = set()
    node = organisation.parent_id
    while node is not None and node not in seen:
        chain.append(node)
        if node == organisation.id:
            cycle = " → ".join(chain)
            raise InvalidInput(
                "parent_id",
                organisation.parent_id,
                code="input.cycle",
                message_en=f"organisation {organisation.id} cannot be placed under {organisation.parent_id}, "
                f"which lies below it: that closes the cycle {cycle}",
                message_zh=f"组织 {organisation.id} 不能设于其下级 {organisation.parent_id} 之下，否则形成循环 {cycle}",
            )
        seen.add(node)
        node = parent_of(node)


def walk_subtree(root: Organisation, children: Callable[[str], Sequence[Organisation]]) -> list[Organisation]:
    """``root`` and every organisation below it: the node first, then each child's subtree in turn, in the
    order ``children(id)`` gives them (depth-first, pre-order). A node met twice — a cycle a storage failed
    to refuse — is not walked again, so the walk always ends. The port's default ``subtree`` and the
    in-memory storage both walk with it.

    >>> o = lambda i, p=None: Organisation(id=i, name=i, kind="unit", parent_id=p)
    >>> below = {"a": [o("b", "a"), o("c", "a")], "b": [o("d", "b")]}
    >>> [n.id for n in walk_subtree(o("a"), lambda i: below.get(i, []))]
    ['a', 'b', 'd', 'c']
    """
    found: list[Organisation] = []
    stack = [root]
    seen: set[str] = set()
    while stack:
        node = stack.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        found.append(node)
        stack.extend(reversed(children(node.id)))
    return found
