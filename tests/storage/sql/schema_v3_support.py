"""The schema of version 3 of the SQL storage, frozen: the DDL that ``create_schema`` of version 3 ran
(generated from that release's ``_schema.py`` and ``_triggers.py``, commit fe36a7f), so that the migration
tests start from a real version-3 database. PostgreSQL's tables; SQLite's are the same without the
``COLLATE "C"`` of identifiers (:func:`v3_ddl`); then each backend's ledger triggers of version 3."""

from __future__ import annotations

__all__ = ["v3_ddl"]

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
    volunteer_no TEXT,
    registered_on DATE,
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
    until DATE,
    version BIGINT NOT NULL,
    CONSTRAINT pk_activities PRIMARY KEY (id),
    CONSTRAINT ck_activities_version CHECK (version >= 0),
    CONSTRAINT ck_activities_kind CHECK ("kind" IN ('pairing', 'practical_help', 'festival', 'community_service', 'caring_action', 'team_campaign', 'training', 'other')),
    CONSTRAINT ck_activities_duration_minutes CHECK (duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 1440),
    CONSTRAINT ck_activities_until CHECK ("until" IS NULL OR "until" >= "on"),
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
    """CREATE TABLE wish_keys (
    key VARCHAR COLLATE "C" NOT NULL,
    wish_id VARCHAR COLLATE "C" NOT NULL,
    CONSTRAINT pk_wish_keys PRIMARY KEY (key),
    CONSTRAINT fk_wish_keys_wish_id FOREIGN KEY(wish_id) REFERENCES wishes (id)
)""",
    """CREATE TABLE activity_branches (
    activity_id VARCHAR COLLATE "C" NOT NULL,
    branch_id VARCHAR COLLATE "C" NOT NULL,
    CONSTRAINT pk_activity_branches PRIMARY KEY (activity_id, branch_id),
    CONSTRAINT fk_activity_branches_activity_id FOREIGN KEY(activity_id) REFERENCES activities (id) ON DELETE CASCADE
)""",
    """CREATE INDEX ix_activity_branches_branch_id_activity_id ON activity_branches (branch_id, activity_id)""",
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

_PG_TRIGGERS: tuple[str, ...] = (
    """CREATE OR REPLACE FUNCTION ledger_records_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original records%ROWTYPE;
BEGIN
  IF EXISTS (SELECT 1 FROM locks WHERE locks.branch_id = NEW.branch_id AND locks.year = EXTRACT(YEAR FROM NEW."on")::integer) THEN
    RAISE EXCEPTION USING ERRCODE = '23VC2', MESSAGE = 'ledger.year_locked: 该支部该年度已锁定，记录不能新增或修改，请在未锁定年度做调整；the (branch, year) of this record is locked: record an adjustment in an open year instead';
  END IF;
  IF NEW.reverses IS NOT NULL THEN
    SELECT * INTO original FROM records WHERE id = NEW.reverses;
    IF FOUND THEN
      IF original.reverses IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '23VC3', MESSAGE = 'ledger.already_reversed: 原记录本身是冲销记录，不能再冲销；the record this reversal names is itself a reversal and cannot be reversed';
      END IF;
      IF original.status IS DISTINCT FROM 'confirmed' THEN
        RAISE EXCEPTION USING ERRCODE = '23VC5', MESSAGE = 'record.status: 只有已确认的记录可以冲销（待确认或不予确认的记录不计入任何时长）；only a confirmed record is reversed (a pending or rejected record counts toward nothing)';
      END IF;
      IF original."member_id" IS DISTINCT FROM NEW."member_id" OR original."activity_id" IS DISTINCT FROM NEW."activity_id" OR original."branch_id" IS DISTINCT FROM NEW."branch_id" OR original."kind" IS DISTINCT FROM NEW."kind" OR original."on" IS DISTINCT FROM NEW."on" OR original.minutes IS DISTINCT FROM -NEW.minutes THEN
        RAISE EXCEPTION USING ERRCODE = '23VC4', MESSAGE = 'ledger.reversal_mismatch: 冲销记录须与原记录的党员、活动、支部、类型、日期一致，时长取负；a reversal has its original''s member, activity, branch, kind and date, and the negated minutes';
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END
$$""",
    """CREATE OR REPLACE FUNCTION ledger_records_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM locks WHERE locks.branch_id = OLD.branch_id AND locks.year = EXTRACT(YEAR FROM OLD."on")::integer) THEN
    RAISE EXCEPTION USING ERRCODE = '23VC2', MESSAGE = 'ledger.year_locked: 该支部该年度已锁定，记录不能新增或修改，请在未锁定年度做调整；the (branch, year) of this record is locked: record an adjustment in an open year instead';
  END IF;
  IF OLD.status IS DISTINCT FROM 'pending' OR NEW."id" IS DISTINCT FROM OLD."id" OR NEW."member_id" IS DISTINCT FROM OLD."member_id" OR NEW."activity_id" IS DISTINCT FROM OLD."activity_id" OR NEW."branch_id" IS DISTINCT FROM OLD."branch_id" OR NEW."kind" IS DISTINCT FROM OLD."kind" OR NEW."on" IS DISTINCT FROM OLD."on" OR NEW."minutes" IS DISTINCT FROM OLD."minutes" OR NEW."recorded_on" IS DISTINCT FROM OLD."recorded_on" OR NEW."reverses" IS DISTINCT FROM OLD."reverses" OR NEW."adjusts" IS DISTINCT FROM OLD."adjusts" OR NEW."idempotency_key" IS DISTINCT FROM OLD."idempotency_key" THEN
    RAISE EXCEPTION USING ERRCODE = '23VC1', MESSAGE = 'ledger.append_only: 台账只能追加，记录不能删除，已确认或不予确认的记录及其登记内容不能修改，请以冲销或调整记录更正；the ledger is append-only: a record is never deleted, and only a pending record''s decision may change (correct it with a reversal or an adjustment)';
  END IF;
  RETURN NEW;
END
$$""",
    """CREATE OR REPLACE FUNCTION ledger_records_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '23VC1', MESSAGE = 'ledger.append_only: 台账只能追加，记录不能删除，请以冲销或调整记录更正；the ledger is append-only: records are never deleted (correct one with a reversal or an adjustment)';
END
$$""",
    """DROP TRIGGER IF EXISTS ledger_records_insert ON records""",
    """DROP TRIGGER IF EXISTS ledger_records_update ON records""",
    """DROP TRIGGER IF EXISTS ledger_records_delete ON records""",
    """DROP TRIGGER IF EXISTS ledger_records_truncate ON records""",
    """CREATE TRIGGER ledger_records_insert BEFORE INSERT ON records FOR EACH ROW EXECUTE FUNCTION ledger_records_insert()""",
    """CREATE TRIGGER ledger_records_update BEFORE UPDATE ON records FOR EACH ROW EXECUTE FUNCTION ledger_records_update()""",
    """CREATE TRIGGER ledger_records_delete BEFORE DELETE ON records FOR EACH ROW EXECUTE FUNCTION ledger_records_delete()""",
    """CREATE TRIGGER ledger_records_truncate BEFORE TRUNCATE ON records FOR EACH STATEMENT EXECUTE FUNCTION ledger_records_delete()""",
)

_SQLITE_TRIGGERS: tuple[str, ...] = (
    """CREATE TRIGGER ledger_records_insert BEFORE INSERT ON records
BEGIN
  SELECT RAISE(ABORT, 'ledger.year_locked: 该支部该年度已锁定，记录不能新增或修改，请在未锁定年度做调整；the (branch, year) of this record is locked: record an adjustment in an open year instead') WHERE EXISTS (SELECT 1 FROM locks WHERE locks.branch_id = NEW.branch_id AND locks.year = CAST(strftime('%Y', NEW."on") AS INTEGER));
  SELECT RAISE(ABORT, 'ledger.already_reversed: 原记录本身是冲销记录，不能再冲销；the record this reversal names is itself a reversal and cannot be reversed') WHERE NEW.reverses IS NOT NULL
    AND EXISTS (SELECT 1 FROM records AS o WHERE o.id = NEW.reverses AND o.reverses IS NOT NULL);
  SELECT RAISE(ABORT, 'record.status: 只有已确认的记录可以冲销（待确认或不予确认的记录不计入任何时长）；only a confirmed record is reversed (a pending or rejected record counts toward nothing)') WHERE NEW.reverses IS NOT NULL
    AND EXISTS (SELECT 1 FROM records AS o WHERE o.id = NEW.reverses AND o.status IS NOT 'confirmed');
  SELECT RAISE(ABORT, 'ledger.reversal_mismatch: 冲销记录须与原记录的党员、活动、支部、类型、日期一致，时长取负；a reversal has its original''s member, activity, branch, kind and date, and the negated minutes') WHERE NEW.reverses IS NOT NULL
    AND EXISTS (SELECT 1 FROM records AS o WHERE o.id = NEW.reverses AND (o."member_id" IS NOT NEW."member_id" OR o."activity_id" IS NOT NEW."activity_id" OR o."branch_id" IS NOT NEW."branch_id" OR o."kind" IS NOT NEW."kind" OR o."on" IS NOT NEW."on" OR o.minutes IS NOT -NEW.minutes));
END""",
    """CREATE TRIGGER ledger_records_update BEFORE UPDATE ON records
BEGIN
  SELECT RAISE(ABORT, 'ledger.year_locked: 该支部该年度已锁定，记录不能新增或修改，请在未锁定年度做调整；the (branch, year) of this record is locked: record an adjustment in an open year instead') WHERE EXISTS (SELECT 1 FROM locks WHERE locks.branch_id = OLD.branch_id AND locks.year = CAST(strftime('%Y', OLD."on") AS INTEGER));
  SELECT RAISE(ABORT, 'ledger.append_only: 台账只能追加，记录不能删除，已确认或不予确认的记录及其登记内容不能修改，请以冲销或调整记录更正；the ledger is append-only: a record is never deleted, and only a pending record''s decision may change (correct it with a reversal or an adjustment)')
    WHERE OLD.status IS NOT 'pending' OR NEW."id" IS NOT OLD."id" OR NEW."member_id" IS NOT OLD."member_id" OR NEW."activity_id" IS NOT OLD."activity_id" OR NEW."branch_id" IS NOT OLD."branch_id" OR NEW."kind" IS NOT OLD."kind" OR NEW."on" IS NOT OLD."on" OR NEW."minutes" IS NOT OLD."minutes" OR NEW."recorded_on" IS NOT OLD."recorded_on" OR NEW."reverses" IS NOT OLD."reverses" OR NEW."adjusts" IS NOT OLD."adjusts" OR NEW."idempotency_key" IS NOT OLD."idempotency_key";
END""",
    """CREATE TRIGGER ledger_records_delete BEFORE DELETE ON records
BEGIN
  SELECT RAISE(ABORT, 'ledger.append_only: 台账只能追加，记录不能删除，请以冲销或调整记录更正；the ledger is append-only: records are never deleted (correct one with a reversal or an adjustment)');
END""",
)


def v3_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that created a version-3 schema on ``dialect`` (``"sqlite"`` or ``"postgresql"``), in
    order: the tables and indexes, then the ledger's triggers."""
    if dialect == "postgresql":
        return (*_POSTGRESQL, *_PG_TRIGGERS)
    return (*(statement.replace(' COLLATE "C"', "") for statement in _POSTGRESQL), *_SQLITE_TRIGGERS)
