"""The organisation roll-up of a year (逐级上报): per node of the organisation tree, the totals of the
branches directly under it and of its whole subtree.

The private half of :mod:`volunteer_core.compliance` (its names are re-exported there).

>>> t = OrganisationTotals(branches=2, members=10, compliant_members=7, net_minutes=12_000,
...                        violations_by_rule={"member.annual_hours": 3})
>>> t.compliance_rate, t.violations
(0.7, 3)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from volunteer_core.errors import InvalidInput
from volunteer_core.model.enums import OrganisationKind

__all__ = ["ORGANISATION_COLUMNS", "OrganisationTotals", "OrganisationYear", "valid_branch_ids"]

#: The keys of :meth:`OrganisationYear.to_record`, in order (the columns of
#: ``YearReport.organisations_dataframe()``).
ORGANISATION_COLUMNS: tuple[str, ...] = (
    "organisation_id",
    "name",
    "kind",
    "parent_id",
    "depth",
    "path",
    *(
        f"{prefix}_{name}"
        for prefix in ("node", "subtree")
        for name in ("branches", "members", "compliant_members", "net_minutes", "violations")
    ),
)


def frozen_counts(value: Mapping[str, int]) -> Mapping[str, int]:
    """Counts by rule code as a read-only mapping, codes sorted.

    >>> dict(frozen_counts({"member.skill": 1, "branch.team": 2}))
    {'branch.team': 2, 'member.skill': 1}
    """
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen(kw_only=True)
class OrganisationTotals:
    """Totals of a set of branches: how many branches and members were judged, how many members are
    compliant, their net confirmed minutes, and the violations by rule code (members', teams',
    branches', activities' and pairings' violations, each counted for the branch it concerns)."""

    branches: int = 0
    members: int = 0
    compliant_members: int = 0
    net_minutes: int = 0
    violations_by_rule: Mapping[str, int] = attrs.field(factory=dict, converter=frozen_counts)

    @property
    def compliance_rate(self) -> float | None:
        """Share of compliant members (a ratio for display; None without members)."""
        return self.compliant_members / self.members if self.members else None

    @property
    def violations(self) -> int:
        """Every violation counted, all rules together."""
        return sum(self.violations_by_rule.values())

    def __add__(self, other: OrganisationTotals) -> OrganisationTotals:
        """The totals of both sets of branches (exact: integers only)."""
        counts = dict(self.violations_by_rule)
        for code, n in other.violations_by_rule.items():
            counts[code] = counts.get(code, 0) + n
        return OrganisationTotals(
            branches=self.branches + other.branches,
            members=self.members + other.members,
            compliant_members=self.compliant_members + other.compliant_members,
            net_minutes=self.net_minutes + other.net_minutes,
            violations_by_rule=counts,
        )


@attrs.frozen(kw_only=True)
class OrganisationYear:
    """One node of the organisation tree in a year's report.

    ``node`` sums the branches directly under the organisation (``branch_ids``); ``subtree`` sums the
    node and every organisation below it, so a node's ``subtree`` equals its ``node`` plus its children's
    ``subtree``. ``depth`` is 0 for the report's top node(s); ``path`` lists the ids from the top node
    down to this one (itself included).
    """

    organisation_id: str
    name: str
    kind: OrganisationKind
    parent_id: str | None
    depth: int
    path: tuple[str, ...]
    branch_ids: tuple[str, ...]
    child_ids: tuple[str, ...]
    node: OrganisationTotals
    subtree: OrganisationTotals

    def to_record(self) -> dict[str, Any]:
        """One flat dict (a DataFrame row): the node's identity, depth and path (ids joined by ``/``), then
        the node's and the subtree's totals (``node_…``, ``subtree_…``), violations all rules together."""
        record: dict[str, Any] = {
            "organisation_id": self.organisation_id,
            "name": self.name,
            "kind": self.kind.value,
            "parent_id": self.parent_id,
            "depth": self.depth,
            "path": "/".join(self.path),
        }
        for prefix, totals in (("node", self.node), ("subtree", self.subtree)):
            record[f"{prefix}_branches"] = totals.branches
            record[f"{prefix}_members"] = totals.members
            record[f"{prefix}_compliant_members"] = totals.compliant_members
            record[f"{prefix}_net_minutes"] = totals.net_minutes
            record[f"{prefix}_violations"] = totals.violations
        return record


def valid_branch_ids(branch_ids: object) -> frozenset[str]:
    """The ``branch_ids`` of ``UnitOfWork.member_year_totals`` as a set; one string (a slip for
    ``[branch_id]``), anything not a collection, or an id that is not a string raises ``InvalidInput``
    (code ``input.type``, path ``branch_ids``).

    >>> sorted(valid_branch_ids(["b2", "b1", "b2"]))
    ['b1', 'b2']
    >>> valid_branch_ids("b1")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.type @ branch_ids: ...
    """
    found: frozenset[object] | None = None
    if not isinstance(branch_ids, str | bytes) and isinstance(branch_ids, Iterable):
        try:
            found = frozenset(branch_ids)
        except TypeError:  # an unhashable item
            found = None
    if found is None:
        raise InvalidInput(
            "branch_ids",
            branch_ids if isinstance(branch_ids, str) else type(branch_ids).__name__,
            code="input.type",
            message_en="branch_ids must be a collection of branch ids (a list, a set), not one id",
            message_zh="branch_ids 须为支部编号的集合（列表、集合），而非单个编号",
        )
    wrong = sorted({type(b).__name__ for b in found if not isinstance(b, str)})
    if wrong:
        raise InvalidInput(
            "branch_ids",
            wrong,
            code="input.type",
            message_en=f"every branch id must be a string, not {', '.join(wrong)}",
            message_zh=f"支部编号须为字符串，而非 {'、'.join(wrong)}",
        )
    return frozenset(b for b in found if isinstance(b, str))
