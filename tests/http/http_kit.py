"""What the HTTP service's tests share: an application over the in-memory storage (or SQLite), a
world of two branches, and tokens of every role and scope."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import attrs
from litestar.testing import TestClient

from volunteer_core import Activity, Beneficiary, Branch, Member, Organisation, Supporter
from volunteer_core.http import InMemoryAccessStore, Role, create_app
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)


def world() -> list[Any]:
    """Two branches under one committee; a member in each; an activity in each; a beneficiary."""
    return [
        Organisation(id="o1", name="机关工委", kind="work_committee"),
        Organisation(id="o2", name="一党委", kind="organ_party_committee", parent_id="o1"),
        Organisation(id="o3", name="二党委", kind="organ_party_committee", parent_id="o1"),
        Branch(id="b1", name="第一支部", organisation_id="o2"),
        Branch(id="b2", name="第二支部", organisation_id="o3"),
        Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), phone="13912344859"),
        Member(id="m2", name="李四", branch_id="b2", joined_on=date(2020, 1, 1), phone="13800138000"),
        Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 5, 1), title="清扫"),
        Activity(id="a2", kind="community_service", branch_id="b2", on=date(2026, 5, 1), title="义诊"),
        Beneficiary(
            id="p1",
            name="王五",
            category="elderly",
            community="凤山社区",
            phone="13912344859",
            id_number="11010519491231002X",
            address="凤山路1号",
        ),
        Supporter(id="s1", name="爱心人士", kind="caring_person", contact="13700137000"),
    ]


@attrs.define
class Service:
    """A client of an application and the secrets of its tokens."""

    client: TestClient[Any]
    access: InMemoryAccessStore
    secrets: dict[str, str]
    uow: Callable[[], UnitOfWork]

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[who]}", **extra}

    def get(self, path: str, who: str = "admin", **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(who, **kw.pop("headers", {})), **kw)

    def post(self, path: str, body: Any = None, who: str = "admin", **kw: Any) -> Any:
        headers = self.headers(who, **kw.pop("headers", {}))
        if body is None and "content" not in kw:
            return self.client.post(path, headers=headers, **kw)
        if "content" in kw:
            return self.client.post(path, headers=headers, **kw)
        return self.client.post(path, json=body, headers=headers, **kw)


TOKENS = {
    "admin": (Role.ADMINISTER, "*"),
    "decide": (Role.DECIDE, "*"),
    "record": (Role.RECORD, "*"),
    "read": (Role.READ, "*"),
    "b1_record": (Role.RECORD, "b1"),
    "b1_admin": (Role.ADMINISTER, "b1"),
    "o2_decide": (Role.DECIDE, "o2"),
}


def make_service(uow_factory: Callable[[], UnitOfWork], **options: Any) -> Iterator[Service]:
    from volunteer_core.services import add_entities

    add_entities(uow_factory(), world())
    access = InMemoryAccessStore()
    secrets = {}
    for name, (role, scope) in TOKENS.items():
        _, secrets[name] = access.issue(role=role, scope=scope, label=name, at=NOW)
    app = create_app(uow_factory, access, clock=lambda: NOW, **options)
    with TestClient(app) as client:
        yield Service(client=client, access=access, secrets=secrets, uow=uow_factory)


def memory_service(**options: Any) -> Iterator[Service]:
    """A service over a fresh in-memory storage."""
    store = InMemoryStore()
    yield from make_service(lambda: InMemoryUnitOfWork(store), **options)


def sqlite_service(path: Any, **options: Any) -> Iterator[Service]:
    """A service over a fresh SQLite file at ``path``."""
    from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

    engine = create_schema(f"sqlite:///{path}")
    yield from make_service(lambda: SqlUnitOfWork(engine), **options)
