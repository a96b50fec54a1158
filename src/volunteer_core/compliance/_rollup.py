"""The organisation roll-up of a year (逐级上报): which branch each violation counts for, and the totals of
every node of the organisation tree.

The private half of :mod:`volunteer_core.compliance` (its names are re-exported there).

A violation counts once, for the branch it concerns:

* a member's (``member.*``, ``record.activity_date``) for the member's branch;
* a branch's (``branch.*``, ``coverage.*``) for that branch;
* a team's (``team.*``) for the team's branch;
* an activity's (``activity.*``) for the branch that leads it (``Activity.branch_id``);
* a pairing's (``pairing.*``) for the branch its details name (``branch_id``: the per-branch
  ``pairing.single_target``) or else for the first branch, in sorted order, of its subject pairing (the
  first pairing of the group) among the branches the report judges — the first of them all when none is
  judged; a per-unit ``pairing.single_target`` (``unit_id``) for the first such branch that belongs to
  that unit. A pairing of several branches is counted once, never once per branch.

A violation whose branch the report does not judge counts for no branch and no node (it is still among
the report's ``violations``).

>>> from volunteer_core import Branch, Organisation
>>> tree = [Organisation(id="o1", name="工委", kind="work_committee"),
...         Organisation(id="o2", name="机关党委", kind="organ_party_committee", parent_id="o1")]
>>> totals = {"b1": OrganisationTotals(branches=1, members=3, compliant_members=2, net_minutes=3600)}
>>> rolled = roll_up_organisations(tree, branches=[Branch(id="b1", name="一支部", organisation_id="o2")],
...                                branch_totals=totals)
>>> [(o.organisation_id, o.depth, o.node.members, o.subtree.members) for o in rolled.values()]
[('o1', 0, 0, 3), ('o2', 1, 3, 3)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Mapping
from typing import Any

from volunteer_core._catalogue import Violation
from volunteer_core.compliance._organisations import OrganisationTotals, OrganisationYear
from volunteer_core.errors import InvalidInput
from volunteer_core.model.organisation import Organisation
from volunteer_core.model.pairing import Pairing
from volunteer_core.model.people import Branch

__all__ = ["ViolationCounts", "pairing_violation_branch", "roll_up_organisations"]


class ViolationCounts:
    """Violations by branch and rule code, filled while a year is judged.

    >>> from volunteer_core._catalogue import violation
    >>> counts = ViolationCounts()
    >>> counts.add("b1", [violation("branch.team", "b1", en="no team", zh="没有志愿服务队")])
    >>> counts.of("b1"), counts.of("b2")
    ({'branch.team': 1}, {})
    """

    __slots__ = ("_by_branch",)

    def __init__(self) -> None:
        self._by_branch: dict[str, Counter[str]] = {}

    def add(self, branch_id: str, violations: Iterable[Violation]) -> None:
        """Count ``violations`` for ``branch_id``."""
        for v in violations:
            counter = self._by_branch.get(branch_id)
            if counter is None:
                counter = self._by_branch[branch_id] = Counter()
            counter[v.code] += 1

    def of(self, branch_id: str) -> dict[str, int]:
        """The counts of ``branch_id`` by rule code (empty when none)."""
        return dict(self._by_branch.get(branch_id, {}))


def pairing_violation_branch(
    v: Violation,
    pairings: Mapping[str, Pairing],
    judged: Container[str],
    unit_of: Mapping[str, str] | None = None,
) -> str | None:
    """The branch a pairing violation counts for (see the module docstring); None when its subject is
    no pairing given. A per-unit violation (``details["unit_id"]``) counts for the first branch of its
    subject pairing that belongs to that unit (``unit_of``: branch id → unit id), when one does.

    >>> from datetime import date
    >>> from volunteer_core import DateRange
    >>> from volunteer_core._catalogue import violation
    >>> p = Pairing(id="p1", branch_ids={"b2", "b1"}, target_id="u1", mode="joint_branches",
    ...             period=DateRange(date(2026, 1, 1)))
    >>> v = violation("pairing.duplicate", "p1", en="duplicate", zh="重复结对")
    >>> pairing_violation_branch(v, {"p1": p}, {"b1", "b2"}), pairing_violation_branch(v, {"p1": p}, {"b2"})
    ('b1', 'b2')
    """
    named: Any = v.details.get("branch_id")
    if isinstance(named, str):
        return named
    pairing = pairings.get(v.subject_id)
    if pairing is None:
        return None
    ordered = sorted(pairing.branch_ids)
    unit: Any = v.details.get("unit_id")
    if isinstance(unit, str) and unit_of:
        ordered = [b for b in ordered if unit_of.get(b) == unit] or ordered
    return next((b for b in ordered if b in judged), ordered[0])


def roll_up_organisations(
    organisations: Iterable[Organisation],
    *,
    branches: Iterable[Branch],
    branch_totals: Mapping[str, OrganisationTotals],
) -> dict[str, OrganisationYear]:
    """Organisation id → :class:`OrganisationYear`, in pre-order (each node before its children, top
    nodes and children ordered by id).

    The top nodes (depth 0) are the organisations whose parent is not among ``organisations`` (a root,
    or the node a subtree was asked for). A node's ``branch_ids`` are the branches hanging directly under
    it (``Branch.organisation_id``) that ``branch_totals`` holds (the branches the year judged); its
    ``node`` sums their totals and its ``subtree`` the node and every node below it. A branch whose
    organisation is not given is in no node. Each id counts once (a later organisation replaces an
    earlier one); organisations that reach no top node (a cycle) raise ``InvalidInput`` (code
    ``input.cycle``, path ``organisations``).

    >>> roll_up_organisations([], branches=[], branch_totals={})
    {}
    """
    by_id = {o.id: o for o in organisations}
    tops: list[str] = []
    children: dict[str, list[str]] = {}
    for organisation_id in sorted(by_id):
        parent = by_id[organisation_id].parent_id
        if parent is None or parent not in by_id:
            tops.append(organisation_id)
        else:
            children.setdefault(parent, []).append(organisation_id)
    under: dict[str, list[str]] = {}
    for branch in {b.id: b for b in branches}.values():
        if branch.organisation_id in by_id and branch.id in branch_totals:
            under.setdefault(branch.organisation_id, []).append(branch.id)

    order: list[tuple[str, int, tuple[str, ...]]] = []
    stack: list[tuple[str, int, tuple[str, ...]]] = [(top, 0, (top,)) for top in reversed(tops)]
    while stack:
        node_id, depth, path = stack.pop()
        order.append((node_id, depth, path))
        stack.extend((c, depth + 1, (*path, c)) for c in reversed(children.get(node_id, ())))
    if len(order) < len(by_id):
        reached = {node_id for node_id, _, _ in order}
        stuck = sorted(set(by_id) - reached)
        raise InvalidInput(
            "organisations",
            stuck[0],
            code="input.cycle",
            message_en=f"the organisations {', '.join(stuck)} form a cycle: none of them reaches a top node",
            message_zh=f"组织 {'、'.join(stuck)} 的上级关系成环，无法追溯到顶层组织",
        )

    empty = OrganisationTotals()
    node_totals: dict[str, OrganisationTotals] = {}
    for node_id, _, _ in order:
        total = empty
        for branch_id in under.get(node_id, ()):
            total = total + branch_totals[branch_id]
        node_totals[node_id] = total
    subtree: dict[str, OrganisationTotals] = {}
    for node_id, _, _ in reversed(order):  # children before their parent
        total = node_totals[node_id]
        for child in children.get(node_id, ()):
            total = total + subtree[child]
        subtree[node_id] = total
    rolled: dict[str, OrganisationYear] = {}
    for node_id, depth, path in order:
        organisation = by_id[node_id]
        rolled[node_id] = OrganisationYear(
            organisation_id=node_id,
            name=organisation.name,
            kind=organisation.kind,
            parent_id=organisation.parent_id,
            depth=depth,
            path=path,
            branch_ids=tuple(sorted(under.get(node_id, ()))),
            child_ids=tuple(children.get(node_id, ())),
            node=node_totals[node_id],
            subtree=subtree[node_id],
        )
    return rolled
