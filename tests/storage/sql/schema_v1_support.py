"""The schema of version 1 of the SQL storage, frozen: the DDL that ``create_schema`` of version 1 ran
(generated from that release's ``_schema.py``), so that the migration tests start from a real version-1
database. PostgreSQL's; SQLite's is the same without the ``COLLATE "C"`` of identifiers (:func:`v1_ddl`)."""

from __future__ import annotations

__all__ = ["v1_ddl"]

_POSTGRESQL: tuple[str, ...] = (
    """CREATE TABLE beneficiaries (
    id VARCHAR COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    category VARCHAR NOT NULL,
    community TEXT NOT NULL,
    id_number VARCHAR,
    phone TEXT,
    address TEXT,
    gender VARCHAR,
    birth_date DATE,
    version BIGINT NOT NULL,
    CONSTRAINT pk_beneficiaries PRIMARY KEY (id),
    CONSTRAINT ck_beneficiaries_version CHECK (version >= 0),
    CONSTRAINT ck_beneficiaries_category CHECK ("category" IN ('elderly', 'child', 'disabled', 'hardship', 'special')),
    CONSTRAINT ck_beneficiaries_gender CHECK ("gender" IS NULL OR "gender" IN ('male', 'female'))
)""",
    """CREATE TABLE branches (
    id VARCHAR COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT pk_branches PRIMARY KEY (id),
    CONSTRAINT ck_branches_version CHECK (version >= 0)
)""",
    """CREATE TABLE locks (
    branch_id VARCHAR COLLATE "C" NOT NULL,
    year INTEGER NOT NULL,
    CONSTRAINT pk_locks PRIMARY KEY (branch_id, year)
)""",
    """CREATE TABLE pairings (
    id VARCHAR COLLATE "C" NOT NULL,
    target_id VARCHAR COLLATE "C" NOT NULL,
    mode VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE,
    measures TEXT NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT pk_pairings PRIMARY KEY (id),
    CONSTRAINT ck_pairings_version CHECK (version >= 0),
    CONSTRAINT ck_pairings_mode CHECK ("mode" IN ('solo', 'joint_branches', 'joint_department')),
    CONSTRAINT ck_pairings_period CHECK ("period_end" IS NULL OR "period_end" >= "period_start")
)""",
    """CREATE INDEX ix_pairings_target_id_id ON pairings (target_id, id)""",
    """CREATE TABLE schema_version (
    id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    CONSTRAINT pk_schema_version PRIMARY KEY (id),
    CONSTRAINT ck_schema_version_single_row CHECK (id = 1)
)""",
    """CREATE TABLE units (
    id VARCHAR COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    kind VARCHAR NOT NULL,
    credit_code VARCHAR,
    version BIGINT NOT NULL,
    CONSTRAINT pk_units PRIMARY KEY (id),
    CONSTRAINT ck_units_version CHECK (version >= 0),
    CONSTRAINT ck_units_kind CHECK ("kind" IN ('nursing_home', 'welfare_home', 'special_school', 'migrant_children_school', 'happy_home', 'community', 'village', 'other'))
)""",
    """CREATE TABLE beneficiary_subtypes (
    beneficiary_id VARCHAR COLLATE "C" NOT NULL,
    subtype VARCHAR COLLATE "C" NOT NULL,
    CONSTRAINT pk_beneficiary_subtypes PRIMARY KEY (beneficiary_id, subtype),
    CONSTRAINT fk_beneficiary_subtypes_beneficiary_id FOREIGN KEY(beneficiary_id) REFERENCES beneficiaries (id) ON DELETE CASCADE
)""",
    """CREATE TABLE members (
    id VARCHAR COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    branch_id VARCHAR COLLATE "C" NOT NULL,
    joined_on DATE NOT NULL,
    left_on DATE,
    phone TEXT,
    community TEXT,
    version BIGINT NOT NULL,
    CONSTRAINT pk_members PRIMARY KEY (id),
    CONSTRAINT ck_members_version CHECK (version >= 0),
    CONSTRAINT ck_members_left_on CHECK ("left_on" IS NULL OR "left_on" >= "joined_on"),
    CONSTRAINT fk_members_branch_id FOREIGN KEY(branch_id) REFERENCES branches (id)
)""",
    """CREATE INDEX ix_members_branch_id_id ON members (branch_id, id)""",
    """CREATE TABLE pairing_branches (
    pairing_id VARCHAR COLLATE "C" NOT NULL,
    branch_id VARCHAR COLLATE "C" NOT NULL,
    CONSTRAINT pk_pairing_branches PRIMARY KEY (pairing_id, branch_id),
    CONSTRAINT fk_pairing_branches_pairing_id FOREIGN KEY(pairing_id) REFERENCES pairings (id) ON DELETE CASCADE
)""",
    """CREATE INDEX ix_pairing_branches_branch_id_pairing_id ON pairing_branches (branch_id, pairing_id)""",
    """CREATE TABLE pairing_members (
    pairing_id VARCHAR COLLATE "C" NOT NULL,
    member_id VARCHAR COLLATE "C" NOT NULL,
    CONSTRAINT pk_pairing_members PRIMARY KEY (pairing_id, member_id),
    CONSTRAINT fk_pairing_members_pairing_id FOREIGN KEY(pairing_id) REFERENCES pairings (id) ON DELETE CASCADE
)""",
    """CREATE TABLE plans (
    id VARCHAR COLLATE "C" NOT NULL,
    branch_id VARCHAR COLLATE "C" NOT NULL,
    year INTEGER NOT NULL,
    submitted_on DATE NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT pk_plans PRIMARY KEY (id),
    CONSTRAINT ck_plans_version CHECK (version >= 0),
    CONSTRAINT ck_plans_year CHECK (year BETWEEN 1949 AND 9999),
    CONSTRAINT fk_plans_branch_id FOREIGN KEY(branch_id) REFERENCES branches (id)
)""",
    """CREATE INDEX ix_plans_branch_id_year ON plans (branch_id, year)""",
    """CREATE TABLE reports (
    id VARCHAR COLLATE "C" NOT NULL,
    branch_id VARCHAR COLLATE "C" NOT NULL,
    year INTEGER NOT NULL,
    half INTEGER NOT NULL,
    submitted_on DATE NOT NULL,
    summary TEXT NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT pk_reports PRIMARY KEY (id),
    CONSTRAINT ck_reports_version CHECK (version >= 0),
    CONSTRAINT ck_reports_year CHECK (year BETWEEN 1949 AND 9999),
    CONSTRAINT ck_reports_half CHECK (half IN (1, 2)),
    CONSTRAINT fk_reports_branch_id FOREIGN KEY(branch_id) REFERENCES branches (id)
)""",
    """CREATE INDEX ix_reports_branch_id_year ON reports (branch_id, year)""",
    """CREATE TABLE teams (
    id VARCHAR COLLATE "C" NOT NULL,
    branch_id VARCHAR COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT pk_teams PRIMARY KEY (id),
    CONSTRAINT ck_teams_version CHECK (version >= 0),
    CONSTRAINT fk_teams_branch_id FOREIGN KEY(branch_id) REFERENCES branches (id)
)""",
    """CREATE TABLE wishes (
    id VARCHAR COLLATE "C" NOT NULL,
    beneficiary_id VARCHAR COLLATE "C" NOT NULL,
    kind VARCHAR NOT NULL,
    content TEXT NOT NULL,
    collected_on DATE NOT NULL,
    value_fen BIGINT,
    status VARCHAR NOT NULL,
    screened_on DATE,
    published_on DATE,
    fulfilled_on DATE,
    cancelled_on DATE,
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT pk_wishes PRIMARY KEY (id),
    CONSTRAINT ck_wishes_version CHECK (version >= 0),
    CONSTRAINT ck_wishes_kind CHECK ("kind" IN ('material', 'cultural', 'policy', 'service')),
    CONSTRAINT ck_wishes_status CHECK ("status" IN ('collected', 'screened', 'rejected', 'published', 'claimed', 'fulfilled', 'cancelled')),
    CONSTRAINT ck_wishes_value CHECK (value_fen IS NULL OR value_fen >= 0),
    CONSTRAINT fk_wishes_beneficiary_id FOREIGN KEY(beneficiary_id) REFERENCES beneficiaries (id)
)""",
    """CREATE INDEX ix_wishes_status_id ON wishes (status, id)""",
    """CREATE TABLE activities (
    id VARCHAR COLLATE "C" NOT NULL,
    kind VARCHAR NOT NULL,
    branch_id VARCHAR COLLATE "C" NOT NULL,
    "on" DATE NOT NULL,
    title TEXT NOT NULL,
    team_id VARCHAR COLLATE "C",
    pairing_id VARCHAR COLLATE "C",
    summary TEXT NOT NULL,
    duration_minutes INTEGER,
    community TEXT,
    version BIGINT NOT NULL,
    CONSTRAINT pk_activities PRIMARY KEY (id),
    CONSTRAINT ck_activities_version CHECK (version >= 0),
    CONSTRAINT ck_activities_kind CHECK ("kind" IN ('pairing', 'practical_help', 'festival', 'community_service', 'caring_action', 'team_campaign', 'training', 'other')),
    CONSTRAINT ck_activities_duration_minutes CHECK (duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 1440),
    CONSTRAINT fk_activities_branch_id FOREIGN KEY(branch_id) REFERENCES branches (id),
    CONSTRAINT fk_activities_team_id FOREIGN KEY(team_id) REFERENCES teams (id),
    CONSTRAINT fk_activities_pairing_id FOREIGN KEY(pairing_id) REFERENCES pairings (id)
)""",
    """CREATE INDEX ix_activities_on ON activities ("on")""",
    """CREATE TABLE member_skills (
    member_id VARCHAR COLLATE "C" NOT NULL,
    skill VARCHAR COLLATE "C" NOT NULL,
    CONSTRAINT pk_member_skills PRIMARY KEY (member_id, skill),
    CONSTRAINT fk_member_skills_member_id FOREIGN KEY(member_id) REFERENCES members (id) ON DELETE CASCADE
)""",
    """CREATE TABLE plan_items (
    plan_id VARCHAR COLLATE "C" NOT NULL,
    position INTEGER NOT NULL,
    line VARCHAR NOT NULL,
    target TEXT NOT NULL,
    measures TEXT NOT NULL,
    scheduled TEXT NOT NULL,
    mode VARCHAR NOT NULL,
    CONSTRAINT pk_plan_items PRIMARY KEY (plan_id, position),
    CONSTRAINT ck_plan_items_position CHECK (position >= 0),
    CONSTRAINT ck_plan_items_line CHECK ("line" IN ('pairing', 'practical_help', 'festival')),
    CONSTRAINT ck_plan_items_mode CHECK ("mode" IN ('solo', 'joint_branches', 'joint_department')),
    CONSTRAINT fk_plan_items_plan_id FOREIGN KEY(plan_id) REFERENCES plans (id) ON DELETE CASCADE
)""",
    """CREATE TABLE team_members (
    team_id VARCHAR COLLATE "C" NOT NULL,
    member_id VARCHAR COLLATE "C" NOT NULL,
    CONSTRAINT pk_team_members PRIMARY KEY (team_id, member_id),
    CONSTRAINT fk_team_members_team_id FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE CASCADE
)""",
    """CREATE TABLE wish_claims (
    wish_id VARCHAR COLLATE "C" NOT NULL,
    position INTEGER NOT NULL,
    member_id VARCHAR COLLATE "C" NOT NULL,
    claimed_on DATE NOT NULL,
    pledged_fen BIGINT,
    fulfilled_on DATE,
    withdrawn_on DATE,
    CONSTRAINT pk_wish_claims PRIMARY KEY (wish_id, position),
    CONSTRAINT ck_wish_claims_position CHECK (position >= 0),
    CONSTRAINT ck_wish_claims_pledged CHECK (pledged_fen IS NULL OR pledged_fen >= 0),
    CONSTRAINT ck_wish_claims_withdrawn_on CHECK ("withdrawn_on" IS NULL OR "withdrawn_on" >= "claimed_on"),
    CONSTRAINT ck_wish_claims_fulfilled_on CHECK ("fulfilled_on" IS NULL OR "fulfilled_on" >= "claimed_on"),
    CONSTRAINT fk_wish_claims_wish_id FOREIGN KEY(wish_id) REFERENCES wishes (id) ON DELETE CASCADE,
    CONSTRAINT fk_wish_claims_member_id FOREIGN KEY(member_id) REFERENCES members (id)
)""",
    """CREATE TABLE demands (
    id VARCHAR COLLATE "C" NOT NULL,
    community TEXT NOT NULL,
    content TEXT NOT NULL,
    ordered_on DATE NOT NULL,
    status VARCHAR NOT NULL,
    member_id VARCHAR COLLATE "C",
    team_id VARCHAR COLLATE "C",
    activity_id VARCHAR COLLATE "C",
    reason TEXT NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT pk_demands PRIMARY KEY (id),
    CONSTRAINT ck_demands_version CHECK (version >= 0),
    CONSTRAINT ck_demands_status CHECK ("status" IN ('ordered', 'assigned', 'accepted', 'declined', 'done', 'cancelled')),
    CONSTRAINT fk_demands_member_id FOREIGN KEY(member_id) REFERENCES members (id),
    CONSTRAINT fk_demands_team_id FOREIGN KEY(team_id) REFERENCES teams (id),
    CONSTRAINT fk_demands_activity_id FOREIGN KEY(activity_id) REFERENCES activities (id)
)""",
    """CREATE TABLE records (
    id VARCHAR COLLATE "C" NOT NULL,
    member_id VARCHAR COLLATE "C" NOT NULL,
    activity_id VARCHAR COLLATE "C" NOT NULL,
    branch_id VARCHAR COLLATE "C" NOT NULL,
    kind VARCHAR NOT NULL,
    "on" DATE NOT NULL,
    minutes INTEGER NOT NULL,
    recorded_on DATE,
    reverses VARCHAR COLLATE "C",
    status VARCHAR NOT NULL,
    adjusts VARCHAR COLLATE "C",
    decided_by VARCHAR COLLATE "C",
    decided_on DATE,
    reason TEXT NOT NULL,
    idempotency_key VARCHAR COLLATE "C",
    version BIGINT NOT NULL,
    CONSTRAINT pk_records PRIMARY KEY (id),
    CONSTRAINT ck_records_version CHECK (version >= 0),
    CONSTRAINT uq_records_reverses UNIQUE (reverses),
    CONSTRAINT uq_records_idempotency_key UNIQUE (idempotency_key),
    CONSTRAINT ck_records_kind CHECK ("kind" IN ('pairing', 'practical_help', 'festival', 'community_service', 'caring_action', 'team_campaign', 'training', 'other')),
    CONSTRAINT ck_records_status CHECK ("status" IN ('pending', 'confirmed', 'rejected')),
    CONSTRAINT ck_records_minutes CHECK (minutes <> 0 AND minutes BETWEEN -1440 AND 1440 AND (reverses IS NULL OR minutes < 0) AND (reverses IS NOT NULL OR adjusts IS NOT NULL OR minutes > 0)),
    CONSTRAINT ck_records_adjusts CHECK (reverses IS NULL OR adjusts IS NULL),
    CONSTRAINT ck_records_reverses CHECK (reverses IS NULL OR reverses <> id),
    CONSTRAINT ck_records_recorded_on CHECK ("recorded_on" IS NULL OR "recorded_on" >= "on"),
    CONSTRAINT ck_records_decided_on CHECK ("decided_on" IS NULL OR "decided_on" >= "on"),
    CONSTRAINT ck_records_decided_by CHECK (status <> 'pending' OR (decided_by IS NULL AND decided_on IS NULL)),
    CONSTRAINT fk_records_member_id FOREIGN KEY(member_id) REFERENCES members (id),
    CONSTRAINT fk_records_activity_id FOREIGN KEY(activity_id) REFERENCES activities (id),
    CONSTRAINT fk_records_branch_id FOREIGN KEY(branch_id) REFERENCES branches (id),
    CONSTRAINT fk_records_reverses FOREIGN KEY(reverses) REFERENCES records (id),
    CONSTRAINT fk_records_adjusts FOREIGN KEY(adjusts) REFERENCES records (id)
)""",
    """CREATE INDEX ix_records_member_id_on_id ON records (member_id, "on", id)""",
    """CREATE INDEX ix_records_on_id ON records ("on", id)""",
)


def v1_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that created a version-1 schema on ``dialect`` (``"sqlite"`` or ``"postgresql"``), in order."""
    if dialect == "postgresql":
        return _POSTGRESQL
    return tuple(statement.replace(' COLLATE "C"', "") for statement in _POSTGRESQL)
