"""The tables of the SQL storage (SQLAlchemy Core); :func:`~volunteer_core.storage.sql.create_schema`
(``_migrate.py``) creates them, with the ledger's triggers (``_triggers.py``).

Money is integer fen, minutes integers, dates ``DATE``, enums their string values, sets and sequences
child tables. Every constraint is named (``pk_…``, ``fk_<table>_<column>``, ``uq_<table>_<column>``,
``ck_<table>_<field>``) so that a violated one names the field at fault. Identifiers sort by code
point on every backend (PostgreSQL columns use the ``"C"`` collation), as ``list()`` promises.

The wish value cap (300 yuan by default) is policy, not a constraint: it lives in
:class:`volunteer_core.Policy`, never in the schema.
"""

from __future__ import annotations

from enum import Enum

import sqlalchemy as sa

from volunteer_core.model import (
    ActivityKind,
    BeneficiaryCategory,
    DemandStatus,
    Gender,
    OrganisationKind,
    PairingMode,
    PlanLine,
    RecordStatus,
    SupporterKind,
    UnitKind,
    WishKind,
    WishStatus,
)
from volunteer_core.model.activity import MAX_MINUTES_PER_RECORD

__all__ = ["metadata"]

metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)

#: Identifiers: compared and sorted by code point everywhere (``COLLATE "C"`` on PostgreSQL; on MySQL and
#: MariaDB the tables' binary no-pad collation, :func:`~volunteer_core.storage.sql._dialects.mysql_collation`),
#: at most 128 characters (``InvalidInput`` refuses longer ids before they get here).
_ID = (
    sa.String()
    .with_variant(sa.String(collation="C"), "postgresql")
    .with_variant(sa.String(128), "mysql", "mariadb")
)
#: Enum values and short codes (an ID number, a credit code): MySQL needs a length for ``VARCHAR``.
_CODE = sa.String().with_variant(sa.String(64), "mysql", "mariadb")
_TEXT = sa.Text()
_FEN = sa.BigInteger()


def _id(name: str = "id", *, nullable: bool = False, primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(name, _ID, nullable=nullable, primary_key=primary_key)


def _ref(name: str, target: str, *, nullable: bool = False, cascade: bool = False) -> sa.Column[str]:
    return sa.Column(
        name,
        _ID,
        sa.ForeignKey(f"{target}.id", ondelete="CASCADE" if cascade else None),
        nullable=nullable,
    )


def _version() -> sa.Column[int]:
    return sa.Column("version", sa.BigInteger, nullable=False)


def _version_check() -> sa.CheckConstraint:
    return sa.CheckConstraint("version >= 0", name="version")


def _enum_check(column: str, enum: type[Enum], *, nullable: bool = False) -> sa.CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    condition = f'"{column}" IN ({values})'
    if nullable:
        condition = f'"{column}" IS NULL OR {condition}'
    return sa.CheckConstraint(condition, name=column)


def _order_check(name: str, earlier: str, later: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f'"{later}" IS NULL OR "{later}" >= "{earlier}"', name=name)


schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.CheckConstraint("id = 1", name="single_row"),
)

#: The organisation tree above the branches (``parent_id`` → its parent; NULL for a root).
organisations = sa.Table(
    "organisations",
    metadata,
    _id(primary_key=True),
    sa.Column("name", _TEXT, nullable=False),
    sa.Column("kind", _CODE, nullable=False),
    _ref("parent_id", "organisations", nullable=True),
    _version(),
    _version_check(),
    _enum_check("kind", OrganisationKind),
    sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="parent_id"),
    sa.Index(None, "parent_id", "id"),
)

branches = sa.Table(
    "branches",
    metadata,
    _id(primary_key=True),
    sa.Column("name", _TEXT, nullable=False),
    _version(),
    _ref("organisation_id", "organisations", nullable=True),  # added by version 4: after ``version``
    _version_check(),
    sa.Index(None, "organisation_id", "id"),
)

members = sa.Table(
    "members",
    metadata,
    _id(primary_key=True),
    sa.Column("name", _TEXT, nullable=False),
    _ref("branch_id", "branches"),
    sa.Column("joined_on", sa.Date, nullable=False),
    sa.Column("left_on", sa.Date),
    sa.Column("phone", _TEXT),
    sa.Column("community", _TEXT),
    sa.Column("volunteer_no", _TEXT),  # the national volunteer number (全国志愿服务信息系统), when known
    sa.Column("registered_on", sa.Date),  # registered with the time bank (注册登记), when known
    _version(),
    sa.Column("insured_until", sa.Date),  # the last day of the member's insurance (version 4)
    _version_check(),
    _order_check("left_on", "joined_on", "left_on"),
    sa.Index(None, "branch_id", "id"),
)

member_skills = sa.Table(
    "member_skills",
    metadata,
    _ref("member_id", "members", cascade=True),
    sa.Column("skill", _ID, nullable=False),
    sa.PrimaryKeyConstraint("member_id", "skill"),
)

teams = sa.Table(
    "teams",
    metadata,
    _id(primary_key=True),
    _ref("branch_id", "branches"),
    sa.Column("name", _TEXT, nullable=False),
    _version(),
    _version_check(),
)

team_members = sa.Table(
    "team_members",
    metadata,
    _ref("team_id", "teams", cascade=True),
    _id("member_id"),  # not a reference (see ports.REFERENCES): a team may name a former member
    sa.PrimaryKeyConstraint("team_id", "member_id"),
)

beneficiaries = sa.Table(
    "beneficiaries",
    metadata,
    _id(primary_key=True),
    sa.Column("name", _TEXT, nullable=False),
    sa.Column("category", _CODE, nullable=False),
    sa.Column("community", _TEXT, nullable=False),
    sa.Column("id_number", _CODE),
    sa.Column("phone", _TEXT),
    sa.Column("address", _TEXT),
    sa.Column("gender", _CODE),
    sa.Column("birth_date", sa.Date),
    _version(),
    _version_check(),
    _enum_check("category", BeneficiaryCategory),
    _enum_check("gender", Gender, nullable=True),
)

beneficiary_subtypes = sa.Table(
    "beneficiary_subtypes",
    metadata,
    _ref("beneficiary_id", "beneficiaries", cascade=True),
    sa.Column("subtype", _ID, nullable=False),
    sa.PrimaryKeyConstraint("beneficiary_id", "subtype"),
)

units = sa.Table(
    "units",
    metadata,
    _id(primary_key=True),
    sa.Column("name", _TEXT, nullable=False),
    sa.Column("kind", _CODE, nullable=False),
    sa.Column("credit_code", _CODE),
    _version(),
    _version_check(),
    _enum_check("kind", UnitKind),
)

pairings = sa.Table(
    "pairings",
    metadata,
    _id(primary_key=True),
    _id("target_id"),  # a partner unit or a beneficiary: not a foreign key (see ports.REFERENCES)
    sa.Column("mode", _CODE, nullable=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date),
    sa.Column("measures", _TEXT, nullable=False),
    _version(),
    _version_check(),
    _enum_check("mode", PairingMode),
    _order_check("period", "period_start", "period_end"),
    sa.Index(None, "target_id", "id"),
)

pairing_branches = sa.Table(
    "pairing_branches",
    metadata,
    _ref("pairing_id", "pairings", cascade=True),
    _id("branch_id"),
    sa.PrimaryKeyConstraint("pairing_id", "branch_id"),
    sa.Index(None, "branch_id", "pairing_id"),
)

pairing_members = sa.Table(
    "pairing_members",
    metadata,
    _ref("pairing_id", "pairings", cascade=True),
    _id("member_id"),
    sa.PrimaryKeyConstraint("pairing_id", "member_id"),
)

activities = sa.Table(
    "activities",
    metadata,
    _id(primary_key=True),
    sa.Column("kind", _CODE, nullable=False),
    _ref("branch_id", "branches"),
    sa.Column("on", sa.Date, nullable=False),
    sa.Column("title", _TEXT, nullable=False),
    _ref("team_id", "teams", nullable=True),
    _ref("pairing_id", "pairings", nullable=True),
    sa.Column("summary", _TEXT, nullable=False),
    sa.Column("duration_minutes", sa.Integer),
    sa.Column("community", _TEXT),
    sa.Column("until", sa.Date),  # the last day of a multi-day activity
    _version(),
    sa.Column("grants_valid_months", sa.Integer),  # version 4: how long what a training grants is valid
    _version_check(),
    _enum_check("kind", ActivityKind),
    sa.CheckConstraint(
        f"duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND {MAX_MINUTES_PER_RECORD}",
        name="duration_minutes",
    ),
    _order_check("until", "on", "until"),
    sa.CheckConstraint(
        "grants_valid_months IS NULL OR grants_valid_months BETWEEN 1 AND 1200", name="grants_valid_months"
    ),
    sa.Index(None, "on"),
)

#: The qualifications an activity requires (``Activity.requires``) and a training grants (``grants``).
activity_requires = sa.Table(
    "activity_requires",
    metadata,
    _ref("activity_id", "activities", cascade=True),
    sa.Column("qualification", _ID, nullable=False),
    sa.PrimaryKeyConstraint("activity_id", "qualification"),
)

activity_grants = sa.Table(
    "activity_grants",
    metadata,
    _ref("activity_id", "activities", cascade=True),
    sa.Column("qualification", _ID, nullable=False),
    sa.PrimaryKeyConstraint("activity_id", "qualification"),
)

#: The organising branches of an activity (``Activity.branch_ids``), its lead included: one row each.
activity_branches = sa.Table(
    "activity_branches",
    metadata,
    _ref("activity_id", "activities", cascade=True),
    _id("branch_id"),  # not a foreign key, like pairing_branches: a co-organiser is not a reference
    sa.PrimaryKeyConstraint("activity_id", "branch_id"),
    sa.Index(None, "branch_id", "activity_id"),
)

records = sa.Table(
    "records",
    metadata,
    _id(primary_key=True),
    _ref("member_id", "members"),
    _ref("activity_id", "activities"),
    _ref("branch_id", "branches"),
    sa.Column("kind", _CODE, nullable=False),
    sa.Column("on", sa.Date, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("recorded_on", sa.Date),
    _ref("reverses", "records", nullable=True),
    sa.Column("status", _CODE, nullable=False),
    _ref("adjusts", "records", nullable=True),
    sa.Column("decided_by", _ID),  # who confirmed or rejected it: not a foreign key (ports.REFERENCES)
    sa.Column("decided_on", sa.Date),
    sa.Column("reason", _TEXT, nullable=False),
    sa.Column("idempotency_key", _ID),
    _version(),
    _version_check(),
    sa.UniqueConstraint("reverses"),  # a record is reversed at most once
    sa.UniqueConstraint("idempotency_key"),
    _enum_check("kind", ActivityKind),
    _enum_check("status", RecordStatus),
    sa.CheckConstraint(
        f"minutes <> 0 AND minutes BETWEEN {-MAX_MINUTES_PER_RECORD} AND {MAX_MINUTES_PER_RECORD}"
        " AND (reverses IS NULL OR minutes < 0)"
        " AND (reverses IS NOT NULL OR adjusts IS NOT NULL OR minutes > 0)",
        name="minutes",
    ),
    sa.CheckConstraint("reverses IS NULL OR adjusts IS NULL", name="adjusts"),
    sa.CheckConstraint("reverses IS NULL OR reverses <> id", name="reverses"),
    _order_check("recorded_on", "on", "recorded_on"),
    _order_check("decided_on", "on", "decided_on"),
    sa.CheckConstraint(
        "status <> 'pending' OR (decided_by IS NULL AND decided_on IS NULL)", name="decided_by"
    ),
    sa.Index(None, "on", "id"),
    sa.Index(None, "member_id", "on", "id"),
)

#: Members' qualifications (资质) with their expiry.
qualifications = sa.Table(
    "qualifications",
    metadata,
    _id(primary_key=True),
    _ref("member_id", "members"),
    sa.Column("name", _TEXT, nullable=False),
    sa.Column("earned_on", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date),
    _ref("activity_id", "activities", nullable=True),
    _version(),
    _version_check(),
    _order_check("expires_on", "earned_on", "expires_on"),
    sa.Index(None, "member_id", "id"),
)

#: Claimants of wishes who are not members (社区志愿者、爱心人士、社会组织).
supporters = sa.Table(
    "supporters",
    metadata,
    _id(primary_key=True),
    sa.Column("name", _TEXT, nullable=False),
    sa.Column("kind", _CODE, nullable=False),
    sa.Column("contact", _TEXT),
    sa.Column("credit_code", _CODE),
    _version(),
    _version_check(),
    _enum_check("kind", SupporterKind),
)

wishes = sa.Table(
    "wishes",
    metadata,
    _id(primary_key=True),
    _ref("beneficiary_id", "beneficiaries"),
    sa.Column("kind", _CODE, nullable=False),
    sa.Column("content", _TEXT, nullable=False),
    sa.Column("collected_on", sa.Date, nullable=False),
    sa.Column("value_fen", _FEN),
    sa.Column("status", _CODE, nullable=False),
    sa.Column("screened_on", sa.Date),
    sa.Column("published_on", sa.Date),
    sa.Column("fulfilled_on", sa.Date),
    sa.Column("cancelled_on", sa.Date),
    sa.Column("reason", _TEXT, nullable=False),
    sa.Column("evidence", _TEXT, nullable=False),
    _version(),
    # version 4: the referral (转介) of a wish members cannot meet
    sa.Column("referred_to", _TEXT, nullable=False, server_default=""),
    sa.Column("referred_on", sa.Date),
    sa.Column("referral_outcome", _TEXT, nullable=False, server_default=""),
    _version_check(),
    _enum_check("kind", WishKind),
    _enum_check("status", WishStatus),
    sa.CheckConstraint("value_fen IS NULL OR value_fen >= 0", name="value"),
    sa.Index(None, "status", "id"),
)

#: The idempotency keys of wishes (an import row's fingerprint, say): one row per key, stored with its wish.
wish_keys = sa.Table(
    "wish_keys",
    metadata,
    sa.Column("key", _ID, primary_key=True),
    _ref("wish_id", "wishes"),
)

wish_claims = sa.Table(
    "wish_claims",
    metadata,
    _ref("wish_id", "wishes", cascade=True),
    sa.Column("position", sa.Integer, nullable=False),
    _ref("member_id", "members", nullable=True),
    sa.Column("claimed_on", sa.Date, nullable=False),
    sa.Column("pledged_fen", _FEN),
    sa.Column("fulfilled_on", sa.Date),
    sa.Column("withdrawn_on", sa.Date),
    _ref("supporter_id", "supporters", nullable=True),  # version 4: a claim by a supporter
    sa.PrimaryKeyConstraint("wish_id", "position"),
    sa.CheckConstraint("position >= 0", name="position"),
    sa.CheckConstraint("(member_id IS NULL) <> (supporter_id IS NULL)", name="claimant"),
    sa.CheckConstraint("pledged_fen IS NULL OR pledged_fen >= 0", name="pledged"),
    _order_check("withdrawn_on", "claimed_on", "withdrawn_on"),
    _order_check("fulfilled_on", "claimed_on", "fulfilled_on"),
)

demands = sa.Table(
    "demands",
    metadata,
    _id(primary_key=True),
    sa.Column("community", _TEXT, nullable=False),
    sa.Column("content", _TEXT, nullable=False),
    sa.Column("ordered_on", sa.Date, nullable=False),
    sa.Column("status", _CODE, nullable=False),
    _ref("member_id", "members", nullable=True),
    _ref("team_id", "teams", nullable=True),
    _ref("activity_id", "activities", nullable=True),
    sa.Column("reason", _TEXT, nullable=False),
    _version(),
    _version_check(),
    _enum_check("status", DemandStatus),
)

plans = sa.Table(
    "plans",
    metadata,
    _id(primary_key=True),
    _ref("branch_id", "branches"),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("submitted_on", sa.Date, nullable=False),
    _version(),
    _version_check(),
    sa.CheckConstraint("year BETWEEN 1949 AND 9999", name="year"),
    sa.Index(None, "branch_id", "year"),
)

plan_items = sa.Table(
    "plan_items",
    metadata,
    _ref("plan_id", "plans", cascade=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("line", _CODE, nullable=False),
    sa.Column("target", _TEXT, nullable=False),
    sa.Column("measures", _TEXT, nullable=False),
    sa.Column("scheduled", _TEXT, nullable=False),
    sa.Column("mode", _CODE, nullable=False),
    sa.PrimaryKeyConstraint("plan_id", "position"),
    sa.CheckConstraint("position >= 0", name="position"),
    _enum_check("line", PlanLine),
    _enum_check("mode", PairingMode),
)

reports = sa.Table(
    "reports",
    metadata,
    _id(primary_key=True),
    _ref("branch_id", "branches"),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("half", sa.Integer, nullable=False),
    sa.Column("submitted_on", sa.Date, nullable=False),
    sa.Column("summary", _TEXT, nullable=False),
    _version(),
    _version_check(),
    sa.CheckConstraint("year BETWEEN 1949 AND 9999", name="year"),
    sa.CheckConstraint("half IN (1, 2)", name="half"),
    sa.Index(None, "branch_id", "year"),
)

locks = sa.Table(
    "locks",
    metadata,
    _id("branch_id"),  # not a foreign key: ports.REFERENCES names none for locks
    sa.Column("year", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("branch_id", "year"),
)
