"""Schema version 4 of the SQL storage: the organisation tree, supporters and qualifications, the new columns
of branches, members, activities and wishes, and claims by supporters.

A real version-3 database with data — made by the frozen version-3 DDL of ``schema_v3_support.py``, its rows
written by raw SQL as version 3 wrote them: a wish with two claims and its idempotency key, a member, an
activity — is refused by a unit of work until ``create_schema`` migrates it in place; then every row is
there, the new tables and columns take data, the new constraints hold, nothing is left pointing at a
renamed table (SQLite rebuilds ``wishes``, ``wish_keys`` and ``wish_claims``) and the schema is the one
``create_schema`` creates today. A version-1 database with a claimed wish goes all the way to 4 too. On
SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from schema_v1_support import v1_ddl
from schema_v3_support import v3_ddl
from sql_support import ACTIVITY, BRANCH, MEMBER, RECORD
from test_sql_migration import _shape

from volunteer_core import (
    Activity,
    Beneficiary,
    Claim,
    Organisation,
    Qualification,
    Supporter,
    Wish,
    WishStatus,
)
from volunteer_core.errors import InvalidInput, StorageError
from volunteer_core.storage.sql import SCHEMA_VERSION, SqlUnitOfWork, _migrate, create_schema
from volunteer_core.storage.sql import _schema as sql_schema

BENEFICIARY = Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区")
M2 = attrs.evolve(MEMBER, id="m2", name="李四")
WISH = Wish(
    id="w1",
    beneficiary_id="p1",
    kind="material",
    content="一台电饭煲",
    collected_on=date(2026, 5, 1),
    value="300",
    status="claimed",
    screened_on=date(2026, 5, 2),
    published_on=date(2026, 5, 3),
    claims=(
        Claim(member_id="m1", claimed_on=date(2026, 5, 6), pledged="100"),
        Claim(member_id="m2", claimed_on=date(2026, 5, 7), pledged="200", withdrawn_on=date(2026, 5, 8)),
    ),
)
OTHER_WISH = Wish(
    id="w2", beneficiary_id="p1", kind="service", content="陪护就医", collected_on=date(2026, 5, 1)
)


def _insert(conn: sa.Connection, table: str, **values: Any) -> None:
    names = ", ".join(f'"{k}"' for k in values)
    conn.execute(
        sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(f':{k}' for k in values)})"), values
    )


def _old_rows(conn: sa.Connection, *, version: int) -> None:
    """The rows every old version wrote alike: a branch, two members, a beneficiary, an activity, a record,
    a claimed wish with two claims (one withdrawn) and its idempotency key, a collected wish."""
    _insert(conn, "schema_version", id=1, version=version)
    _insert(conn, "branches", id="b1", name=BRANCH.name, version=0)
    for member in (MEMBER, M2):
        _insert(
            conn, "members", id=member.id, name=member.name, branch_id="b1", joined_on=member.joined_on, version=0
        )  # fmt: skip
    _insert(
        conn, "beneficiaries", id="p1", name=BENEFICIARY.name, category="elderly", community="凤山社区", version=0
    )  # fmt: skip
    _insert(
        conn, "activities", id="a1", kind="pairing", branch_id="b1", on=ACTIVITY.on, title=ACTIVITY.title,
        summary="", version=0,
    )  # fmt: skip
    if version >= 3:
        _insert(conn, "activity_branches", activity_id="a1", branch_id="b1")
    _insert(
        conn, "records", id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
        on=RECORD.on, minutes=RECORD.minutes, status="confirmed", reason="", version=0,
    )  # fmt: skip
    _insert(
        conn, "wishes", id="w1", beneficiary_id="p1", kind="material", content=WISH.content,
        collected_on=WISH.collected_on, value_fen=30000, status="claimed", screened_on=WISH.screened_on,
        published_on=WISH.published_on, reason="", evidence="", version=0,
    )  # fmt: skip
    _insert(
        conn, "wishes", id="w2", beneficiary_id="p1", kind="service", content=OTHER_WISH.content,
        collected_on=OTHER_WISH.collected_on, status="collected", reason="", evidence="", version=0,
    )  # fmt: skip
    _insert(
        conn, "wish_claims", wish_id="w1", position=0, member_id="m1", claimed_on=date(2026, 5, 6),
        pledged_fen=10000,
    )  # fmt: skip
    _insert(
        conn, "wish_claims", wish_id="w1", position=1, member_id="m2", claimed_on=date(2026, 5, 7),
        pledged_fen=20000, withdrawn_on=date(2026, 5, 8),
    )  # fmt: skip
    if version >= 2:
        _insert(conn, "wish_keys", key="row-1", wish_id="w1")


def _old_database(url: str, ddl: Callable[[str], tuple[str, ...]], version: int) -> sa.Engine:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in ddl(conn.dialect.name):
            conn.exec_driver_sql(statement, execution_options={"no_parameters": True})
        _old_rows(conn, version=version)
    return engine


@pytest.fixture
def v3_engine(legacy_sql_url: str) -> Iterator[sa.Engine]:
    """A new database holding the version-3 schema, as version 3's ``create_schema`` left it, with the rows
    of :func:`_old_rows` written by raw SQL."""
    engine = _old_database(legacy_sql_url, v3_ddl, 3)
    yield engine
    engine.dispose()


def _version(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT version FROM schema_version")).scalar_one())


def _everything_is_there(uow: SqlUnitOfWork) -> None:
    with uow:
        assert uow.branches.list() == [BRANCH]
        assert uow.branches.get("b1").organisation_id is None
        assert uow.members.list() == [MEMBER, M2]
        assert uow.members.get("m1").insured_until is None
        assert uow.activities.list() == [ACTIVITY]
        assert (ACTIVITY.requires, ACTIVITY.grants, ACTIVITY.grants_valid_months) == (
            frozenset(),
            frozenset(),
            None,
        )
        assert uow.records.list() == [RECORD]
        assert uow.wishes.list() == [WISH, OTHER_WISH]
        assert [c.claimant for c in uow.wishes.get("w1").claims] == [("member", "m1"), ("member", "m2")]
        assert (WISH.referred_to, WISH.referred_on, WISH.referral_outcome) == ("", None, "")
        assert (uow.organisations.list(), uow.supporters.list(), uow.qualifications.list()) == ([], [], [])


def test_a_version_3_database_is_refused_until_create_schema_migrates_it(v3_engine: sa.Engine) -> None:
    uow = SqlUnitOfWork(v3_engine)
    with pytest.raises(StorageError, match=r"version 3, older.*create_schema"):
        uow.begin()
    assert _version(v3_engine) == 3
    assert create_schema(v3_engine) is v3_engine
    assert _version(v3_engine) == SCHEMA_VERSION == 4
    _everything_is_there(uow)
    with uow:
        assert uow.wishes.by_idempotency_key("row-1") == WISH
    create_schema(v3_engine)  # idempotent
    _everything_is_there(uow)


def test_a_version_1_database_with_a_claimed_wish_is_migrated_to_4(legacy_sql_url: str) -> None:
    engine = _old_database(legacy_sql_url, v1_ddl, 1)
    try:
        create_schema(engine)
        assert _version(engine) == 4
        _everything_is_there(SqlUnitOfWork(engine))
    finally:
        engine.dispose()


def _tree() -> list[Organisation]:
    return [
        Organisation(id="o1", name="市直机关工委", kind="work_committee"),
        Organisation(id="o2", name="市民政局机关党委", kind="organ_party_committee", parent_id="o1"),
        Organisation(id="o3", name="市民政局", kind="unit", parent_id="o2"),
    ]


def test_a_migrated_database_takes_the_new_data(v3_engine: sa.Engine) -> None:
    create_schema(v3_engine)
    uow = SqlUnitOfWork(v3_engine)
    training = Activity(
        id="a2", kind="training", branch_id="b1", on=date(2026, 4, 1), title="急救培训", grants={"急救"},
        grants_valid_months=36,
    )  # fmt: skip
    service = Activity(
        id="a3", kind="community_service", branch_id="b1", on=date(2026, 6, 1), title="社区义诊", requires={"急救"}
    )  # fmt: skip
    supporter = Supporter(id="s1", name="林爱心", kind="caring_person", contact="13912344859")
    qualification = Qualification(
        id="q1", member_id="m1", name="急救", earned_on=date(2026, 4, 1), expires_on=date(2029, 3, 31), activity_id="a2"
    )  # fmt: skip
    mixed = attrs.evolve(
        OTHER_WISH,
        id="w3",
        value="300",
        status="claimed",
        screened_on=date(2026, 5, 2),
        published_on=date(2026, 5, 3),
        claims=(
            Claim(supporter_id="s1", claimed_on=date(2026, 5, 6), pledged="150"),
            Claim(member_id="m1", claimed_on=date(2026, 5, 6), pledged="150"),
        ),
    )
    referred = attrs.evolve(
        OTHER_WISH, id="w4", status="referred", screened_on=date(2026, 5, 2), referred_to="区民政局",
        referred_on=date(2026, 5, 9), reason="超出党员能力", referral_outcome="已由区民政局落实",
    )  # fmt: skip
    with uow:
        for organisation in _tree():
            uow.organisations.add(organisation)
        branch = uow.branches.update(attrs.evolve(BRANCH, organisation_id="o3"))
        uow.members.update(attrs.evolve(MEMBER, insured_until=date(2026, 12, 31)))
        uow.activities.add(training)
        uow.activities.add(service)
        uow.qualifications.add(qualification)
        uow.supporters.add(supporter)
        uow.wishes.add(mixed)
        uow.wishes.add(referred)
        uow.commit()
    with uow:
        assert uow.branches.in_organisations(["o3"]) == [branch]
        assert [o.id for o in uow.organisations.subtree("o1")] == ["o1", "o2", "o3"]
        assert uow.members.get("m1").insured_until == date(2026, 12, 31)
        assert (uow.activities.get("a2"), uow.activities.get("a3")) == (training, service)
        assert uow.qualifications.for_member("m1") == [qualification]
        assert uow.supporters.get("s1") == supporter
        assert uow.wishes.get("w3") == mixed
        assert uow.wishes.get("w4") == referred
        assert [w.id for w in uow.wishes.with_status(WishStatus.REFERRED)] == ["w4"]
    with uow:
        with pytest.raises(InvalidInput) as caught:
            uow.branches.update(attrs.evolve(branch, organisation_id="o9"))
        assert (caught.value.code, caught.value.path) == ("input.reference", "organisation_id")


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE wishes SET status = 'lost' WHERE id = 'w2'", "ck_wishes_status"),
        ("UPDATE wish_claims SET member_id = NULL WHERE wish_id = 'w1' AND position = 0", "ck_wish_claims_claimant"),
        ("UPDATE activities SET grants_valid_months = 0 WHERE id = 'a1'", "ck_activities_grants_valid_months"),
        ("UPDATE activities SET grants_valid_months = 1201 WHERE id = 'a1'", "ck_activities_grants_valid_months"),
        ("UPDATE branches SET organisation_id = 'o9' WHERE id = 'b1'", "FOREIGN KEY|fk_branches_organisation_id"),
        ("UPDATE wish_claims SET supporter_id = 's9', member_id = NULL WHERE position = 0", "FOREIGN KEY|fk_wish_claims_supporter_id"),
    ],
    ids=["status", "claimant", "months-0", "months-1201", "organisation", "supporter"],
)  # fmt: skip
def test_the_migrated_constraints_hold(v3_engine: sa.Engine, statement: str, constraint: str) -> None:
    create_schema(v3_engine)
    with pytest.raises(sa.exc.IntegrityError, match=constraint), v3_engine.begin() as conn:
        conn.exec_driver_sql(statement)


def test_the_migrated_constraints_take_what_is_valid(v3_engine: sa.Engine) -> None:
    create_schema(v3_engine)
    with v3_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE wishes SET status = 'referred' WHERE id = 'w2'")
        conn.exec_driver_sql("UPDATE activities SET grants_valid_months = 1200 WHERE id = 'a1'")
        conn.exec_driver_sql(
            "INSERT INTO supporters (id, name, kind, version) VALUES ('s1', 'x', 'caring_person', 0)"
        )
        conn.exec_driver_sql(
            "UPDATE wish_claims SET supporter_id = 's1', member_id = NULL WHERE position = 0"
        )
        claimants = conn.exec_driver_sql(
            "SELECT member_id, supporter_id FROM wish_claims ORDER BY position"
        ).all()
    assert [tuple(row) for row in claimants] == [(None, "s1"), ("m2", None)]


def test_nothing_points_at_a_renamed_table(v3_engine: sa.Engine) -> None:
    create_schema(v3_engine)
    with v3_engine.connect() as conn:
        if v3_engine.dialect.name == "sqlite":
            leftovers = conn.exec_driver_sql(
                "SELECT type, name FROM sqlite_master WHERE name LIKE '%v3%' OR tbl_name LIKE '%v3%' "
                "OR sql LIKE '%v3%'"
            ).all()
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        else:
            leftovers = []
            collations = conn.exec_driver_sql(
                "SELECT table_name, column_name, collation_name FROM information_schema.columns WHERE "
                "column_name IN ('organisation_id', 'supporter_id') AND table_name IN ('branches', 'wish_claims') "
                "ORDER BY table_name"
            ).all()
            assert [tuple(row) for row in collations] == [
                ("branches", "organisation_id", "C"),
                ("wish_claims", "supporter_id", "C"),
            ]
    assert leftovers == []
    assert set(sa.inspect(v3_engine).get_table_names()) == set(sql_schema.metadata.tables)


def test_the_migrated_schema_is_the_created_one(
    v3_engine: sa.Engine, request: pytest.FixtureRequest, tmp_path: Any
) -> None:
    create_schema(v3_engine)
    if v3_engine.dialect.name == "sqlite":
        fresh = create_schema(f"sqlite:///{tmp_path / 'fresh.db'}")
    else:  # the test server's database: created by today's create_schema
        fresh = request.getfixturevalue("_postgres").engine
    migrated = _shape(v3_engine)
    assert migrated == _shape(fresh)
    assert ("fk_branches_organisation_id", ["organisation_id"], "organisations") in migrated["branches"][2]
    assert "ck_wish_claims_claimant" in migrated["wish_claims"][5]


def test_a_failed_migration_leaves_version_3_as_it_was(
    v3_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: when the last step fails after rebuilding or altering the wishes, every old table,
    row and the recorded version are as they were (SQLite's DDL is transactional too)."""
    step = "_rebuild_on_sqlite" if v3_engine.dialect.name == "sqlite" else "_alter_on_postgres"
    real = getattr(_migrate, step)

    def fail_after(*args: Any) -> None:
        real(*args)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(_migrate, step, fail_after)
    with pytest.raises(RuntimeError, match="disk is full"):
        create_schema(v3_engine)
    assert _version(v3_engine) == 3
    with v3_engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert not inspector.has_table("organisations")
        assert "referred_to" not in {c["name"] for c in inspector.get_columns("wishes")}
        assert "organisation_id" not in {c["name"] for c in inspector.get_columns("branches")}
        assert conn.exec_driver_sql("SELECT count(*) FROM wish_claims").scalar() == 2
    monkeypatch.undo()
    create_schema(v3_engine)
    _everything_is_there(SqlUnitOfWork(v3_engine))
