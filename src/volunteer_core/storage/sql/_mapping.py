"""Entities ↔ rows: which table holds which entity, how each field becomes a column, and back.

A plain field is a column of the same name (an enum stored as its value); money becomes integer fen
(``value_fen``, ``pledged_fen``); a :class:`~volunteer_core.DateRange` two dates; a set one row per
element in a child table; a sequence (claims, plan items) one row per element with its ``position``.
Reading builds the entity through its constructor, so a stored row is validated again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any

import attrs
import sqlalchemy as sa

from volunteer_core.dates import DateRange
from volunteer_core.model import (
    Activity,
    Beneficiary,
    Branch,
    BranchPlan,
    Claim,
    Demand,
    HalfYearReport,
    Member,
    Pairing,
    PartnerUnit,
    PlanItem,
    ServiceRecord,
    Team,
    Wish,
)
from volunteer_core.money import Yuan
from volunteer_core.ports import REFERENCES
from volunteer_core.storage.sql import _schema as s

__all__ = ["SPECS", "Child", "Spec"]

Row = Mapping[Any, Any]  # a result row's mapping (column name → value)


def _db(value: Any) -> Any:
    """A field value as a column value: an enum member as its value."""
    return value.value if isinstance(value, Enum) else value


@attrs.frozen
class Child:
    """A collection field stored in a child table (``parent`` names the owner's id)."""

    field: str
    table: sa.Table
    parent: str
    to_rows: Callable[[Any], list[dict[str, Any]]]
    build: Callable[[Sequence[Row]], Any]
    order: tuple[str, ...] = ()


def _set_child(field: str, table: sa.Table, parent: str, column: str) -> Child:
    return Child(
        field,
        table,
        parent,
        to_rows=lambda values: [{column: v} for v in sorted(values)],
        build=lambda rows: frozenset(r[column] for r in rows),
        order=(column,),
    )


@attrs.frozen
class Spec:
    """How one repository's entities are stored."""

    name: str  # the repository / ports.REFERENCES name
    kind: str  # how NotFound and messages name one entity
    cls: type[Any]
    table: sa.Table
    fields: tuple[str, ...]  # fields stored as the column of the same name
    children: tuple[Child, ...] = ()
    extra_row: Callable[[Any], dict[str, Any]] | None = None
    extra_fields: Callable[[Row], dict[str, Any]] | None = None

    def to_row(self, entity: Any) -> dict[str, Any]:
        """The main table's row for ``entity`` (children excluded)."""
        row = {name: _db(getattr(entity, name)) for name in self.fields}
        if self.extra_row is not None:
            row.update(self.extra_row(entity))
        return row

    def from_row(self, row: Row, children: Mapping[str, Any] | None = None) -> Any:
        """The entity for a main-table row and its children's values (field → value)."""
        values = {name: row[name] for name in self.fields}
        if self.extra_fields is not None:
            values.update(self.extra_fields(row))
        if children:
            values.update(children)
        return self.cls(**values)

    def references(self, entity: Any) -> Iterator[tuple[str, str, str]]:
        """(field path, referenced repository, id) for every non-null reference, in the reference
        implementation's order (``ports.REFERENCES``, then ``claims[i].member_id``)."""
        for field, target in REFERENCES.get(self.name, ()):
            value = getattr(entity, field)
            if value is not None:
                yield field, target, value
        if self.name == "wishes":
            for index, claim in enumerate(entity.claims):
                yield f"claims[{index}].member_id", "members", claim.member_id


def _fen(money: Yuan | None) -> int | None:
    return None if money is None else money.fen


def _yuan(fen: int | None) -> Yuan | None:
    return None if fen is None else Yuan.from_fen(int(fen))


def _claim_rows(claims: tuple[Claim, ...]) -> list[dict[str, Any]]:
    return [
        {
            "position": index,
            "member_id": c.member_id,
            "claimed_on": c.claimed_on,
            "pledged_fen": _fen(c.pledged),
            "fulfilled_on": c.fulfilled_on,
            "withdrawn_on": c.withdrawn_on,
        }
        for index, c in enumerate(claims)
    ]


def _claims(rows: Sequence[Row]) -> tuple[Claim, ...]:
    return tuple(
        Claim(
            member_id=r["member_id"],
            claimed_on=r["claimed_on"],
            pledged=_yuan(r["pledged_fen"]),
            fulfilled_on=r["fulfilled_on"],
            withdrawn_on=r["withdrawn_on"],
        )
        for r in rows
    )


def _item_rows(items: tuple[PlanItem, ...]) -> list[dict[str, Any]]:
    return [
        {
            "position": index,
            "line": item.line.value,
            "target": item.target,
            "measures": item.measures,
            "scheduled": item.scheduled,
            "mode": item.mode.value,
        }
        for index, item in enumerate(items)
    ]


def _items(rows: Sequence[Row]) -> tuple[PlanItem, ...]:
    return tuple(
        PlanItem(
            line=r["line"],
            target=r["target"],
            measures=r["measures"],
            scheduled=r["scheduled"],
            mode=r["mode"],
        )
        for r in rows
    )


_SPEC_LIST = (
    Spec("branches", "branch", Branch, s.branches, ("id", "name", "version")),
    Spec(
        "members",
        "member",
        Member,
        s.members,
        ("id", "name", "branch_id", "joined_on", "left_on", "phone", "community", "version"),
        children=(_set_child("skills", s.member_skills, "member_id", "skill"),),
    ),
    Spec(
        "teams",
        "team",
        Team,
        s.teams,
        ("id", "branch_id", "name", "version"),
        children=(_set_child("member_ids", s.team_members, "team_id", "member_id"),),
    ),
    Spec(
        "beneficiaries",
        "beneficiary",
        Beneficiary,
        s.beneficiaries,
        (
            "id",
            "name",
            "category",
            "community",
            "id_number",
            "phone",
            "address",
            "gender",
            "birth_date",
            "version",
        ),
        children=(_set_child("subtypes", s.beneficiary_subtypes, "beneficiary_id", "subtype"),),
    ),
    Spec("units", "partner unit", PartnerUnit, s.units, ("id", "name", "kind", "credit_code", "version")),
    Spec(
        "pairings",
        "pairing",
        Pairing,
        s.pairings,
        ("id", "target_id", "mode", "measures", "version"),
        children=(
            _set_child("branch_ids", s.pairing_branches, "pairing_id", "branch_id"),
            _set_child("member_ids", s.pairing_members, "pairing_id", "member_id"),
        ),
        extra_row=lambda p: {"period_start": p.period.start, "period_end": p.period.end},
        extra_fields=lambda r: {"period": DateRange(r["period_start"], r["period_end"])},
    ),
    Spec(
        "activities",
        "activity",
        Activity,
        s.activities,
        (
            "id",
            "kind",
            "branch_id",
            "on",
            "title",
            "team_id",
            "pairing_id",
            "summary",
            "duration_minutes",
            "community",
            "version",
        ),
    ),
    Spec(
        "records",
        "service record",
        ServiceRecord,
        s.records,
        (
            "id",
            "member_id",
            "activity_id",
            "branch_id",
            "kind",
            "on",
            "minutes",
            "recorded_on",
            "reverses",
            "status",
            "adjusts",
            "decided_by",
            "decided_on",
            "reason",
            "version",
        ),
    ),
    Spec(
        "wishes",
        "wish",
        Wish,
        s.wishes,
        (
            "id",
            "beneficiary_id",
            "kind",
            "content",
            "collected_on",
            "status",
            "screened_on",
            "published_on",
            "fulfilled_on",
            "cancelled_on",
            "reason",
            "evidence",
            "version",
        ),
        children=(
            Child(
                "claims", s.wish_claims, "wish_id", to_rows=_claim_rows, build=_claims, order=("position",)
            ),
        ),
        extra_row=lambda w: {"value_fen": _fen(w.value)},
        extra_fields=lambda r: {"value": _yuan(r["value_fen"])},
    ),
    Spec(
        "demands",
        "demand",
        Demand,
        s.demands,
        (
            "id",
            "community",
            "content",
            "ordered_on",
            "status",
            "member_id",
            "team_id",
            "activity_id",
            "reason",
            "version",
        ),
    ),
    Spec(
        "plans",
        "branch plan",
        BranchPlan,
        s.plans,
        ("id", "branch_id", "year", "submitted_on", "version"),
        children=(
            Child("items", s.plan_items, "plan_id", to_rows=_item_rows, build=_items, order=("position",)),
        ),
    ),
    Spec(
        "reports",
        "half-year report",
        HalfYearReport,
        s.reports,
        ("id", "branch_id", "year", "half", "submitted_on", "summary", "version"),
    ),
)

#: repository name → its storage
SPECS: dict[str, Spec] = {spec.name: spec for spec in _SPEC_LIST}
