"""The table of aggregates: one row per kind of stored entity, read by every layer that needs the list.

The ports (:mod:`volunteer_core.ports`: the unit of work's repositories and the references a storage
checks), both storages (:mod:`volunteer_core.storage.memory`, :mod:`volunteer_core.storage.sql`), the
use-cases, the contract suite and the command line all read :data:`AGGREGATES` instead of writing the
list out again. A row says what the aggregate is called (the unit of work's attribute and the storage's
table), which entity class it stores, how a message names one of them in Chinese and in English, which of
its fields name other stored entities, and which values the storages index it by. The rows are in
dependency order: an aggregate references only aggregates before it (or itself), so loading, seeding and
copying in table order never meets a dangling reference.

Adding an aggregate: its entity class (``model/``), one row here, its rules (``rules/``) and its
use-cases (``services/``); a storage with a schema (SQL) adds the table that holds it.

>>> AGGREGATES_BY_NAME["members"].entity.__name__, AGGREGATES_BY_NAME["members"].label_zh
('Member', '党员')
>>> [(r.field, r.target) for r in AGGREGATES_BY_NAME["activities"].references]
[('branch_id', 'branches'), ('team_id', 'teams'), ('pairing_id', 'pairings')]
>>> aggregate_of(AGGREGATES_BY_NAME["wishes"].entity).name
'wishes'
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from volunteer_core.errors import InvalidInput
from volunteer_core.model import (
    Activity,
    Beneficiary,
    Branch,
    BranchPlan,
    Demand,
    HalfYearReport,
    Member,
    Organisation,
    Pairing,
    PartnerUnit,
    Qualification,
    ServiceRecord,
    Supporter,
    Team,
    Wish,
)

__all__ = [
    "AGGREGATES",
    "AGGREGATES_BY_NAME",
    "ENTITIES",
    "Aggregate",
    "Index",
    "Reference",
    "aggregate_of",
]


@attrs.frozen(kw_only=True)
class Reference:
    """A field of an entity that names a stored entity of the ``target`` aggregate (``None`` allowed).

    ``field`` is an attribute name (``"branch_id"``) or, for a reference inside each element of a
    sequence field, ``"<sequence>[].<attribute>"`` (``"claims[].member_id"``).

    >>> from datetime import date
    >>> from volunteer_core import Claim, Wish
    >>> wish = Wish(id="w1", beneficiary_id="p1", kind="service", content="陪护",
    ...             collected_on=date(2026, 5, 1), status="claimed",
    ...             claims=(Claim(member_id="m1", claimed_on=date(2026, 5, 6)),))
    >>> list(Reference(field="claims[].member_id", target="members").ids(wish))
    [('claims[0].member_id', 'm1')]
    """

    field: str
    target: str

    def ids(self, entity: Any) -> Iterator[tuple[str, str]]:
        """``(field path, referenced id)`` for every non-null value of this reference in ``entity``."""
        sequence, _, attribute = self.field.partition("[].")
        if not attribute:
            value = getattr(entity, self.field)
            if value is not None:
                yield self.field, value
            return
        for position, element in enumerate(getattr(entity, sequence)):
            value = getattr(element, attribute)
            if value is not None:
                yield f"{sequence}[{position}].{attribute}", value


@attrs.frozen(kw_only=True)
class Index:
    """A value the repository's queries find entities by (``members.in_branch`` looks members up by
    ``branch``): the in-memory storage indexes by them; a database declares its own indexes in its schema.

    ``values(entity)`` gives every value the entity is found under (a pairing of several branches is
    found under each of them).
    """

    name: str
    values: Callable[[Any], tuple[Hashable, ...]] = attrs.field(eq=False)


@attrs.frozen(kw_only=True)
class Aggregate:
    """One row of the table: a kind of stored entity and what every layer needs to know of it."""

    #: the unit of work's attribute and the storage's table: ``uow.members``
    name: str
    #: the entity class stored (an attrs class with ``id`` and ``version``)
    entity: type[Any]
    #: how a message names one entity, in Chinese and in English (``NotFound``, duplicates, references)
    label_zh: str
    label_en: str
    #: the fields that name other stored entities, checked by every storage on ``add`` and ``update``
    references: tuple[Reference, ...] = ()
    #: the values the storages index it by, for the repository's queries
    indexes: tuple[Index, ...] = ()

    def references_of(self, entity: Any) -> Iterator[tuple[str, str, str]]:
        """``(field path, target aggregate, id)`` for every non-null reference of ``entity``, in the
        table's order of references — the order in which a storage reports the first dangling one.

        >>> from datetime import date
        >>> from volunteer_core import Member
        >>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2026, 1, 2))
        >>> list(AGGREGATES_BY_NAME["members"].references_of(m))
        [('branch_id', 'branches', 'b1')]
        """
        for reference in self.references:
            for path, value in reference.ids(entity):
                yield path, reference.target, value


def _refs(*pairs: tuple[str, str]) -> tuple[Reference, ...]:
    return tuple(Reference(field=field, target=target) for field, target in pairs)


def _index(name: str, values: Callable[[Any], tuple[Hashable, ...]]) -> Index:
    return Index(name=name, values=values)


#: Every aggregate, in dependency order (references point to earlier rows, or to the row itself).
AGGREGATES: tuple[Aggregate, ...] = (
    Aggregate(
        name="organisations",
        entity=Organisation,
        label_zh="组织",
        label_en="organisation",
        references=_refs(("parent_id", "organisations")),
        indexes=(_index("parent", lambda o: (o.parent_id,)),),
    ),
    Aggregate(
        name="branches",
        entity=Branch,
        label_zh="党支部",
        label_en="branch",
        references=_refs(("organisation_id", "organisations")),
        indexes=(_index("organisation", lambda b: (b.organisation_id,)),),
    ),
    Aggregate(
        name="members",
        entity=Member,
        label_zh="党员",
        label_en="member",
        references=_refs(("branch_id", "branches")),
        indexes=(_index("branch", lambda m: (m.branch_id,)),),
    ),
    Aggregate(
        name="teams",
        entity=Team,
        label_zh="志愿服务队",
        label_en="team",
        references=_refs(("branch_id", "branches")),
    ),
    Aggregate(name="beneficiaries", entity=Beneficiary, label_zh="服务对象", label_en="beneficiary"),
    Aggregate(name="units", entity=PartnerUnit, label_zh="结对共建单位", label_en="partner unit"),
    Aggregate(
        name="pairings",
        entity=Pairing,
        label_zh="结对",
        label_en="pairing",
        indexes=(
            _index("target", lambda p: (p.target_id,)),
            _index("branch", lambda p: tuple(p.branch_ids)),
        ),
    ),
    Aggregate(
        name="activities",
        entity=Activity,
        label_zh="活动",
        label_en="activity",
        references=_refs(("branch_id", "branches"), ("team_id", "teams"), ("pairing_id", "pairings")),
        indexes=(_index("year", lambda a: (a.on.year,)),),
    ),
    Aggregate(
        name="records",
        entity=ServiceRecord,
        label_zh="服务记录",
        label_en="service record",
        references=_refs(
            ("member_id", "members"),
            ("activity_id", "activities"),
            ("branch_id", "branches"),
            ("reverses", "records"),
            ("adjusts", "records"),
        ),
        indexes=(
            _index("year", lambda r: (r.on.year,)),
            _index("member_year", lambda r: ((r.member_id, r.on.year),)),
            _index("reverses", lambda r: () if r.reverses is None else (r.reverses,)),
        ),
    ),
    Aggregate(
        name="qualifications",
        entity=Qualification,
        label_zh="资质",
        label_en="qualification",
        references=_refs(("member_id", "members"), ("activity_id", "activities")),
        indexes=(_index("member", lambda q: (q.member_id,)),),
    ),
    Aggregate(name="supporters", entity=Supporter, label_zh="社会认领人", label_en="supporter"),
    Aggregate(
        name="wishes",
        entity=Wish,
        label_zh="微心愿",
        label_en="wish",
        references=_refs(
            ("beneficiary_id", "beneficiaries"),
            ("claims[].member_id", "members"),
            ("claims[].supporter_id", "supporters"),
        ),
        indexes=(_index("status", lambda w: (w.status,)),),
    ),
    Aggregate(
        name="demands",
        entity=Demand,
        label_zh="服务需求",
        label_en="demand",
        references=_refs(("member_id", "members"), ("team_id", "teams"), ("activity_id", "activities")),
    ),
    Aggregate(
        name="plans",
        entity=BranchPlan,
        label_zh="活动计划表",
        label_en="branch plan",
        references=_refs(("branch_id", "branches")),
        indexes=(_index("branch_year", lambda p: ((p.branch_id, p.year),)),),
    ),
    Aggregate(
        name="reports",
        entity=HalfYearReport,
        label_zh="半年小结",
        label_en="half-year report",
        references=_refs(("branch_id", "branches")),
        indexes=(_index("branch_year", lambda r: ((r.branch_id, r.year),)),),
    ),
)

#: The rows by name: ``AGGREGATES_BY_NAME["members"]``.
AGGREGATES_BY_NAME: Mapping[str, Aggregate] = MappingProxyType({a.name: a for a in AGGREGATES})

#: The entity classes, in table order.
ENTITIES: tuple[type[Any], ...] = tuple(a.entity for a in AGGREGATES)

_BY_ENTITY: dict[type[Any], Aggregate] = {a.entity: a for a in AGGREGATES}


def aggregate_of(entity_or_class: object) -> Aggregate:
    """The row of the aggregate that stores ``entity_or_class`` (an entity or its class);
    ``InvalidInput`` (code ``input.type``) for anything else.

    >>> from volunteer_core import Branch
    >>> aggregate_of(Branch(id="b1", name="办公室党支部")).label_zh
    '党支部'
    """
    cls = entity_or_class if isinstance(entity_or_class, type) else type(entity_or_class)
    found = _BY_ENTITY.get(cls)
    if found is None:
        raise InvalidInput(
            "entity",
            cls.__name__,
            code="input.type",
            message_en=f"{cls.__name__} is not a stored entity",
            message_zh=f"{cls.__name__} 不是可存储的实体",
        )
    return found
