"""A year judged in shards (``evaluate_year(..., shard=(k, n))``) and the shards' reports merged.

The private half of :mod:`volunteer_core.compliance` (:func:`shard_of` is re-exported there; the merge is
``YearReport.merge``).

A shard judges the members whose :func:`shard_of` is ``k``, and counts only the records (or the
per-member totals) of member ids in that shard — known members or not, so ``records_read`` and
``unmatched_records`` add up. What is not per member is judged by every shard identically from the
(small) master data, over the same branches (``every_branch_id``: the branches of all the year's
members): teams, branches (``branch.*``), activities and pairings. The merge takes those from the first
report — never summing or deduplicating them, so no two equal violations of the whole run are ever
folded into one — and recomputes what depends on the members: the members (by id), each branch's
member counts (additive), its violations by rule (the shared part, plus each shard's members'), 四覆盖
(the union of the shards' member sets, judged again by :func:`~volunteer_core.rules.branch_coverage`)
and the organisation roll-up.

>>> shard_of("m1", 1), shard_of("m1", 4)
(0, 1)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from volunteer_core._catalogue import Violation
from volunteer_core.compliance._member import MemberYear
from volunteer_core.compliance._organisations import OrganisationTotals, OrganisationYear
from volunteer_core.errors import InvalidInput
from volunteer_core.model.people import Member, Team
from volunteer_core.rules.coverage import BranchCoverage, branch_coverage

if TYPE_CHECKING:
    from volunteer_core.compliance._year import BranchYear, YearReport

__all__ = ["merge_reports", "shard_of"]


def shard_of(member_id: str, shards: int) -> int:
    """The shard (``0 … shards - 1``) of a member id: the first 8 bytes of the SHA-256 of its UTF-8
    bytes, as a big-endian integer, modulo ``shards`` — stable across processes, machines and Python
    versions (never ``hash()``, which is salted per process).

    >>> [shard_of(m, 3) for m in ("m1", "m2", "m3")] == [shard_of(m, 3) for m in ("m1", "m2", "m3")]
    True
    """
    digest = hashlib.sha256(member_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def _refuse(value: object, *, en: str, zh: str) -> InvalidInput:
    return InvalidInput("reports", value, code="input.invalid", message_en=en, message_zh=zh)


def _check(reports: list[YearReport]) -> None:
    if not reports:
        raise _refuse((), en="no report to merge", zh="没有可合并的报告")
    first = reports[0]
    seen: set[str] = set()
    for report in reports:
        if (report.year, report.as_of, report.policy) != (first.year, first.as_of, first.policy):
            raise _refuse(
                (report.year, report.as_of),
                en="the reports merged must be of one year, one as_of and one policy",
                zh="合并的报告须为同一年度、同一评估日期、同一政策",
            )
        if list(report.branches) != list(first.branches) or list(report.organisations) != list(
            first.organisations
        ):
            raise _refuse(
                report.year,
                en="the reports merged must be shards of one evaluation (the same branches and organisations)",
                zh="合并的报告须为同一次评估的分片（支部与组织相同）",
            )
        overlap = seen.intersection(report.members)
        if overlap:
            raise _refuse(
                sorted(overlap)[0],
                en=f"member {sorted(overlap)[0]} is in two of the reports merged: the shards must not overlap",
                zh=f"党员 {sorted(overlap)[0]} 出现在两份报告中：分片不得重叠",
            )
        seen.update(report.members)


def _member_counts(members: Iterable[MemberYear]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for member_year in members:
        for v in member_year.violations:
            counts.setdefault(member_year.branch_id, Counter())[v.code] += 1
    return counts


def _is_coverage(v: Violation) -> bool:
    return v.code.startswith("coverage.")


def _coverage(parts: list[BranchCoverage], year: int, report: YearReport) -> BranchCoverage:
    """四覆盖 of a branch from the shards' parts: the rules judged again on the union of their sets (the
    rules need only each member's id, whether it registered, trained and served by the day judged)."""
    first = parts[0]
    last = date(year, 12, 31)
    known_by = last if report.as_of is None or report.as_of > last else report.as_of
    ids = sorted({m for p in parts for m in p.members})
    unregistered = {m for p in parts for m in p.unregistered}
    untrained = {m for p in parts for m in p.untrained}
    idle = {m for p in parts for m in p.not_participating}
    stand_ins = [
        Member(
            id=m,
            name=m,
            branch_id=first.branch_id,
            joined_on=known_by,
            registered_on=None if m in unregistered else known_by,
        )
        for m in ids
    ]
    teams = [Team(id=f"t{i}", branch_id=first.branch_id, name=f"t{i}") for i in range(first.teams)]
    return branch_coverage(
        first.branch_id,
        year,
        members=stand_ins,
        teams=teams,
        trained=set(ids) - untrained,
        participating=set(ids) - idle,
        policy=report.policy,
        as_of=report.as_of,
    )


def merge_reports(reports: Iterable[YearReport]) -> YearReport:
    """The report of the whole year from its shards' reports (see the module docstring); raises
    ``InvalidInput`` (path ``reports``) for none, or reports of different years, ``as_of``, policies,
    branches or organisations, or sharing a member.

    >>> from volunteer_core import Member, evaluate_year
    >>> ms = [Member(id=f"m{i}", name="甲", branch_id="b1", joined_on=date(2020, 1, 1)) for i in range(4)]
    >>> whole = evaluate_year(2026, members=ms, records=[])
    >>> parts = [evaluate_year(2026, members=[m for m in ms if shard_of(m.id, 2) == k], records=[],
    ...                        every_branch_id=["b1"]) for k in (0, 1)]
    >>> merge_reports(parts) == whole
    True
    """
    reports = list(reports)
    _check(reports)
    first = reports[0]
    policy = first.policy
    everyone: dict[str, MemberYear] = {}
    for report in reports:
        everyone.update(report.members)
    members = {m: everyone[m] for m in sorted(everyone)}
    member_violations = [v for y in members.values() for v in y.violations]

    coverage: dict[str, BranchCoverage] = {
        b: _coverage([r.coverage[b] for r in reports], first.year, first) for b in first.coverage
    }
    merged_counts = _member_counts(members.values())
    first_counts = _member_counts(first.members.values())
    branches: dict[str, BranchYear] = {}
    for branch_id, head in first.branches.items():
        own = [v for v in head.violations if not _is_coverage(v)]
        if branch_id in coverage:
            own.extend(policy.cite(coverage[branch_id].violations))
        shared = Counter(head.violations_by_rule)
        shared.subtract(first_counts.get(branch_id, Counter()))
        shared.subtract(Counter(v.code for v in head.violations if _is_coverage(v)))
        shared.update(merged_counts.get(branch_id, Counter()))
        shared.update(Counter(v.code for v in own if _is_coverage(v)))
        parts = [r.branches[branch_id] for r in reports]
        branches[branch_id] = attrs.evolve(
            head,
            members=sum(p.members for p in parts),
            compliant_members=sum(p.compliant_members for p in parts),
            net_minutes=sum(p.net_minutes for p in parts),
            violations=tuple(own),
            violations_by_rule={code: n for code, n in shared.items() if n > 0},
        )

    # the first report's violations after its members': teams', branches' (in branch order), then
    # activities' and pairings' — the same in every shard but for the branches' 四覆盖
    tail = first.violations[sum(len(y.violations) for y in first.members.values()) :]
    teams = 0
    while teams < len(tail) and tail[teams].code.startswith("team."):
        teams += 1
    rest = tail[teams + sum(len(b.violations) for b in first.branches.values()) :]
    violations = (
        *member_violations,
        *tail[:teams],
        *(v for b in branches.values() for v in b.violations),
        *rest,
    )
    return attrs.evolve(
        first,
        members=MappingProxyType(members),
        branches=MappingProxyType(branches),
        violations=violations,
        records_read=sum(r.records_read for r in reports),
        unmatched_records=sum(r.unmatched_records for r in reports),
        coverage=MappingProxyType(coverage),
        organisations=MappingProxyType(_rolled(first.organisations, branches)),
    )


def _rolled(
    organisations: Mapping[str, OrganisationYear], branches: Mapping[str, BranchYear]
) -> dict[str, OrganisationYear]:
    """The roll-up's structure (pre-order) with its totals summed again from the merged branches."""
    node: dict[str, OrganisationTotals] = {}
    for node_id, o in organisations.items():
        total = OrganisationTotals()
        for branch_id in o.branch_ids:
            total = total + branches[branch_id].totals
        node[node_id] = total
    subtree: dict[str, OrganisationTotals] = {}
    for node_id in reversed(list(organisations)):
        total = node[node_id]
        for child in organisations[node_id].child_ids:
            total = total + subtree[child]
        subtree[node_id] = total
    return {
        node_id: attrs.evolve(o, node=node[node_id], subtree=subtree[node_id])
        for node_id, o in organisations.items()
    }
