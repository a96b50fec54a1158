"""``volunteer-core tokens issue|list|revoke``: the secret printed once and stored as a digest, the role
and scope checked (exit code 2 naming the flag), listing without digests, revocation for good; on a
SQLite file, and once through on PostgreSQL and MariaDB."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_support import clear_locale, run

from volunteer_core import Branch, Member, Organisation, OrganisationKind, services
from volunteer_core.http import Role, SqlAccessStore
from volunteer_core.http._access import digest
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


def _seed(url: str) -> None:
    engine = create_schema(url)
    services.add_entities(
        SqlUnitOfWork(engine),
        [
            Organisation(id="o1", name="街道党工委", kind=OrganisationKind.PARTY_COMMITTEE),
            Branch(id="b1", name="办公室党支部", organisation_id="o1"),
            Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
        ],
    )
    engine.dispose()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'volunteer.db'}"
    _seed(url)
    return url


def _issue(db: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return run(["tokens", "issue", "--db", db, *extra], capsys)


def _tokens(db: str) -> list[dict[str, object]]:
    store = SqlAccessStore(db)
    try:
        return [
            {"id": t.id, "role": t.role, "scope": t.scope, "label": t.label, "revoked_at": t.revoked_at}
            for t in store.tokens()
        ]
    finally:
        store.engine.dispose()


@pytest.mark.parametrize(("role", "scope"), [("administer", "*"), ("record", "o1"), ("read", "b1")])
def test_issue_prints_the_secret_alone(
    db: str, capsys: pytest.CaptureFixture[str], role: str, scope: str
) -> None:
    code, out, err = _issue(db, capsys, "--role", role, "--scope", scope, "--label", "窗口 desk")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 1
    secret = lines[0]
    assert secret.startswith("vct_")
    store = SqlAccessStore(db)
    token = store.authenticate(secret)
    assert token is not None
    assert (token.role, token.scope, token.label) == (Role(role), scope, "窗口 desk")
    assert token.issued_at is not None
    with store.engine.connect() as conn:
        cells = [str(cell) for row in conn.exec_driver_sql("SELECT * FROM service_tokens") for cell in row]
    assert all(secret not in cell for cell in cells)
    assert digest(secret) in cells
    store.engine.dispose()


def test_unknown_role_is_refused(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _issue(db, capsys, "--role", "root", "--scope", "*")
    assert code == 2
    assert out == ""
    assert "--role" in err
    assert _tokens(db) == []


@pytest.mark.parametrize("scope", ["b9", "m1", "o1/", " "])
def test_scope_outside_the_database_is_refused(
    db: str, capsys: pytest.CaptureFixture[str], scope: str
) -> None:
    code, out, err = _issue(db, capsys, "--role", "read", "--scope", scope)
    assert code == 2
    assert out == ""
    assert "--scope" in err
    assert "error:" in err
    assert len(err.strip().splitlines()) == 1
    assert _tokens(db) == []


def test_label_too_long_is_refused(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _issue(db, capsys, "--role", "read", "--scope", "*", "--label", "x" * 201)
    assert code == 2
    assert "--label" in err


def test_missing_database_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    for argv in (
        ["tokens", "issue", "--db", url, "--role", "read", "--scope", "*"],
        ["tokens", "list", "--db", url],
        ["tokens", "revoke", "tok-1", "--db", url],
    ):
        code, out, err = run(argv, capsys)
        assert (code, out) == (2, "")
        assert "no database file" in err
    assert not (tmp_path / "none.db").exists()


def test_list_never_shows_digests_or_secrets(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    secrets = [
        _issue(db, capsys, "--role", r, "--scope", "*", "--label", r)[1].strip() for r in ("read", "decide")
    ]
    code, out, err = run(["tokens", "list", "--db", db], capsys)
    assert (code, err) == (0, "")
    header, *rows = out.splitlines()
    assert header.split() == ["id", "role", "scope", "label", "issued", "revoked"]
    assert [row.split()[1] for row in rows] == ["read", "decide"]
    for secret in secrets:
        assert secret not in out
        assert digest(secret) not in out
    code, out, _ = run(["tokens", "list", "--db", db, "--format", "json"], capsys)
    listed = json.loads(out)
    assert [t["role"] for t in listed] == ["read", "decide"]
    assert set(listed[0]) == {"id", "role", "scope", "label", "issued_at", "revoked_at"}
    assert listed[0]["revoked_at"] is None
    assert str(listed[0]["issued_at"]).endswith("Z")


def test_list_in_chinese_and_empty(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["tokens", "list", "--db", db], capsys)
    assert (code, out) == (0, "no tokens\n")
    _issue(db, capsys, "--role", "read", "--scope", "b1")
    code, out, _ = run(["tokens", "list", "--db", db, "--lang", "zh"], capsys)
    assert code == 0
    assert out.split()[:6] == ["编号", "角色", "范围", "名称", "签发时间", "撤销时间"]


def test_revoke(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    secret = _issue(db, capsys, "--role", "record", "--scope", "b1")[1].strip()
    (token,) = _tokens(db)
    code, out, err = run(["tokens", "revoke", str(token["id"]), "--db", db], capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"revoked {token['id']} (")
    store = SqlAccessStore(db)
    assert store.authenticate(secret) is None
    (revoked,) = store.tokens()
    store.engine.dispose()
    code, again, _ = run(["tokens", "revoke", str(token["id"]), "--db", db], capsys)
    assert code == 0
    assert again == out  # the first time is kept
    listed = json.loads(run(["tokens", "list", "--db", db, "--format", "json"], capsys)[1])
    assert listed[0]["revoked_at"] is not None
    assert revoked.revoked_at is not None


def test_revoke_unknown_token(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["tokens", "revoke", "tok-none", "--db", db], capsys)
    assert (code, out) == (2, "")
    assert "tok-none" in err
    assert len(err.strip().splitlines()) == 1


def test_tokens_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["tokens"], capsys)
    assert code == 2
    assert "usage" in err


def test_issue_list_revoke_on_every_database(blank_sql_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(blank_sql_url)
    secret = _issue(blank_sql_url, capsys, "--role", "decide", "--scope", "o1")[1].strip()
    listed = json.loads(run(["tokens", "list", "--db", blank_sql_url, "--format", "json"], capsys)[1])
    assert [(t["role"], t["scope"]) for t in listed] == [("decide", "o1")]
    assert run(["tokens", "revoke", listed[0]["id"], "--db", blank_sql_url], capsys)[0] == 0
    store = SqlAccessStore(blank_sql_url)
    assert store.authenticate(secret) is None
    engine = store.engine
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM service_tokens")).scalar() == 1
    engine.dispose()
