"""The JSON of a year report: what ``volunteer-core report --format json`` prints and what the HTTP
service answers — one builder for both."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any

from volunteer_core.serialization._converter import unstructure

if TYPE_CHECKING:
    from volunteer_core.compliance import YearReport

__all__ = ["year_report_json"]


def _plain(value: Any) -> Any:
    """Dates as ISO text, tuples and sets as lists, other non-JSON scalars as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _member(member: Any) -> dict[str, Any]:
    """A member's year as JSON: the flat record, its codes as lists rather than joined text."""
    record: dict[str, Any] = _plain(member.to_record())
    for key in ("errors", "warnings", "pending"):
        text = record.get(key) or ""
        record[key] = [code for code in text.split(",") if code]
    return record


def year_report_json(
    report: YearReport,
    *,
    branch_ids: Collection[str] | None = None,
    organisation_ids: Collection[str] | None = None,
    depth: int | None = None,
) -> dict[str, Any]:
    """A year report as JSON-ready data: ``year``, ``as_of``, ``policy``, ``members`` (records),
    ``branches``, ``violations`` (a list of objects, each with its code, severity, subject, messages and
    details; each member's ``errors``, ``warnings`` and ``pending`` codes as lists too) and ``organisations``
    (the roll-up, top-down, down to ``depth``); the members, branches and
    violations of ``branch_ids`` only when given, the roll-up nodes of ``organisation_ids`` only when given.

    >>> from volunteer_core import evaluate_year
    >>> data = year_report_json(evaluate_year(2026, members=[], records=[]))
    >>> data["year"], data["members"], data["violations"]
    (2026, [], [])
    """
    members = [m for m in report.members.values() if branch_ids is None or m.branch_id in branch_ids]
    branches = [b for b in report.branches.values() if branch_ids is None or b.branch_id in branch_ids]
    ids = {m.member_id for m in members} | {b.branch_id for b in branches}
    violations = [v for v in report.violations if branch_ids is None or v.subject_id in ids]
    rollup = [
        o
        for o in report.organisations.values()
        if (depth is None or o.depth <= depth)
        and (organisation_ids is None or o.organisation_id in organisation_ids)
    ]
    return {
        "year": report.year,
        "as_of": report.as_of.isoformat() if report.as_of is not None else None,
        "policy": report.policy.name,
        "members": [_member(m) for m in members],
        "branches": [
            {
                "branch_id": b.branch_id,
                "name": b.name,
                "members": b.members,
                "compliant_members": b.compliant_members,
                "net_minutes": b.net_minutes,
                "teams": b.teams,
            }
            for b in branches
        ],
        "violations": [_plain(unstructure(v)) for v in violations],
        "organisations": [_plain(o.to_record()) for o in rollup],
    }
