"""A scoped token's ``GET /v1/evaluations/{year}`` judges only its own part of the organisation tree (the
organisation of its scope, as ``?organisation_id=`` would, or its branch's organisation) — and answers
what the whole year's evaluation shows of that scope: every member, branch and violation alike, every
roll-up node with the same totals (its depth and path counted from the scope), on a generated year with
a tree 工委 → 机关党委 → 支部."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient

from volunteer_core import services
from volunteer_core.http import InMemoryAccessStore, Role, create_app
from volunteer_core.serialization import year_report_json
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork
from volunteer_core.synthetic import generate_year

NOW = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
YEAR = generate_year(2026, members=60, branches=6, seed=3)


@pytest.fixture(scope="module")
def store() -> InMemoryStore:
    store = InMemoryStore()
    YEAR.load_into(InMemoryUnitOfWork(store))
    return store


@pytest.fixture(scope="module")
def served(store: InMemoryStore) -> Iterator[tuple[TestClient[Any], InMemoryAccessStore]]:
    access = InMemoryAccessStore()
    app = create_app(lambda: InMemoryUnitOfWork(store), access, clock=lambda: NOW)
    with TestClient(app) as client:
        yield client, access


def _whole_year_shown(store: InMemoryStore, branch_ids: set[str], organisation_ids: set[str]) -> Any:
    report = services.evaluate_year(InMemoryUnitOfWork(store), 2026, as_of=YEAR_END)
    return year_report_json(report, branch_ids=branch_ids, organisation_ids=organisation_ids)


YEAR_END = datetime(2026, 12, 31).date()


def _subtree(organisation_id: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for o in YEAR.organisations:
        children.setdefault(o.parent_id, []).append(o.id)
    found, todo = set(), [organisation_id]
    while todo:
        node = todo.pop()
        found.add(node)
        todo.extend(children.get(node, []))
    return found


def test_the_generated_year_has_a_tree_of_several_levels() -> None:
    assert len(YEAR.organisations) >= 3
    assert all(b.organisation_id for b in YEAR.branches)


@pytest.mark.parametrize("scope", [o.id for o in YEAR.organisations] + [b.id for b in YEAR.branches])
def test_a_scoped_evaluation_equals_the_whole_year_shown_to_that_scope(
    served: tuple[TestClient[Any], InMemoryAccessStore], store: InMemoryStore, scope: str
) -> None:
    client, access = served
    _, secret = access.issue(role=Role.ADMINISTER, scope=scope, label=scope, at=NOW)
    answer = client.get(
        "/v1/evaluations/2026?as_of=2026-12-31", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 200, answer.text
    organisations = {o.id for o in YEAR.organisations}
    if scope in organisations:
        nodes = _subtree(scope)
        branches = {b.id for b in YEAR.branches if b.organisation_id in nodes}
    else:
        nodes, branches = set(), {scope}
    expected = _whole_year_shown(store, branches, nodes)
    got = answer.json()
    assert got["members"], scope  # not an empty answer that would equal anything
    for part in ("members", "branches", "violations"):
        assert got[part] == expected[part], (scope, part)
    assert len(got["organisations"]) == len(expected["organisations"]) == len(nodes)
    depth = {o["organisation_id"]: o["depth"] for o in expected["organisations"]}
    for node, whole in zip(got["organisations"], expected["organisations"], strict=True):
        assert node["depth"] == whole["depth"] - depth[scope]  # rooted at the scope
        assert whole["path"].endswith(node["path"])
        assert node["path"].startswith(scope)
        rest = {k: v for k, v in node.items() if k not in ("depth", "path")}
        assert rest == {k: v for k, v in whole.items() if k not in ("depth", "path")}


@pytest.mark.parametrize(
    ("scope", "judged"),
    [("*", None), ("o-pc1", "o-pc1")] + [(b.id, b.organisation_id) for b in YEAR.branches[:2]],
)
def test_a_scoped_token_judges_only_its_subtree(
    served: tuple[TestClient[Any], InMemoryAccessStore],
    monkeypatch: pytest.MonkeyPatch,
    scope: str,
    judged: str | None,
) -> None:
    client, access = served
    asked: list[str | None] = []
    evaluate = services.evaluate_year

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("organisation_id"))
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(services, "evaluate_year", spy)
    _, secret = access.issue(role=Role.READ, scope=scope, label=scope, at=NOW)
    answer = client.get("/v1/evaluations/2026", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200, answer.text
    assert asked == [judged]
