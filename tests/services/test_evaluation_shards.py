"""A stored year judged in shards (``services.evaluate_year(..., shard=(k, n))``) and merged
(``YearReport.merge``): equal to one whole run — drawn datasets in memory, a synthetic year on SQLite —
for n in 1 … 5, pushed down and streamed, with and without 四覆盖 and ``as_of``."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volunteer_core import (
    Activity,
    Beneficiary,
    Branch,
    InvalidInput,
    Member,
    Organisation,
    Pairing,
    PartnerUnit,
    Team,
    compliance,
    policies,
    services,
)
from volunteer_core.compliance import YearReport
from volunteer_core.policy import Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema
from volunteer_core.testing import strategies as vst
from volunteer_core.testing.synthetic import generate_year

YEAR = 2026

_REPOSITORY = {
    Organisation: "organisations",
    Branch: "branches",
    Member: "members",
    Team: "teams",
    Beneficiary: "beneficiaries",
    PartnerUnit: "units",
    Pairing: "pairings",
    Activity: "activities",
}


def _load(dataset: vst.Dataset) -> UnitOfWork:
    uow = InMemoryUnitOfWork(InMemoryStore())
    with uow:
        for group in (
            dataset.organisations,
            dataset.branches,
            dataset.members,
            dataset.teams,
            dataset.beneficiaries,
            dataset.units,
            dataset.pairings,
            dataset.activities,
        ):
            for entity in group:
                getattr(uow, _REPOSITORY[type(entity)]).add(entity)
        for record in dataset.records:
            uow.records.add(record)
        uow.commit()
    return uow


def assert_same(merged: YearReport, whole: YearReport) -> None:
    """Equal, and in the same order (mappings compare without order)."""
    assert merged == whole
    assert list(merged.members) == list(whole.members)
    assert list(merged.branches) == list(whole.branches)
    assert list(merged.coverage) == list(whole.coverage)
    assert list(merged.organisations) == list(whole.organisations)
    assert merged.violations == whole.violations
    assert (merged.records_read, merged.unmatched_records) == (whole.records_read, whole.unmatched_records)


def _sharded(uow: UnitOfWork, n: int, **kw: Any) -> YearReport:
    parts = [services.evaluate_year(uow, YEAR, shard=(k, n), **kw) for k in range(n)]
    assert sum(len(p.members) for p in parts) == len({m for p in parts for m in p.members})
    return YearReport.merge(parts)


_POLICIES = st.sampled_from([policies.DEFAULT, policies.PUTIAN_2022])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    drawn=_POLICIES.flatmap(
        lambda p: st.tuples(
            vst.datasets(organisations=True, reversals=True, joint=True, policy=p), st.just(p)
        )
    ),
    as_of=st.sampled_from([None, date(YEAR, 6, 30), date(YEAR, 12, 31)]),
    n=st.integers(1, 5),
    pushdown=st.booleans(),
)
def test_the_merged_shards_are_the_whole_run_in_memory(
    drawn: tuple[vst.Dataset, Policy], as_of: date | None, n: int, pushdown: bool
) -> None:
    dataset, policy = drawn
    uow = _load(dataset)
    kw: dict[str, Any] = {"policy": policy, "as_of": as_of, "pushdown": pushdown}
    assert_same(_sharded(uow, n, **kw), services.evaluate_year(uow, YEAR, **kw))


@pytest.fixture(scope="module")
def sqlite_year(tmp_path_factory: pytest.TempPathFactory) -> SqlUnitOfWork:
    path: Path = tmp_path_factory.mktemp("shards") / "year.db"
    create_schema(f"sqlite:///{path}")
    uow = SqlUnitOfWork(f"sqlite:///{path}")
    generate_year(YEAR, members=80, branches=6, seed=19).load_into(uow)
    return uow


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("policy", [policies.DEFAULT, policies.PUTIAN_2022], ids=["default", "putian"])
def test_the_merged_shards_are_the_whole_run_on_sqlite(
    sqlite_year: SqlUnitOfWork, n: int, policy: Policy
) -> None:
    whole = services.evaluate_year(sqlite_year, YEAR, policy=policy, as_of=date(YEAR, 12, 31))
    assert_same(_sharded(sqlite_year, n, policy=policy, as_of=date(YEAR, 12, 31)), whole)
    streamed = _sharded(sqlite_year, n, policy=policy, pushdown=False)
    assert_same(streamed, services.evaluate_year(sqlite_year, YEAR, policy=policy, pushdown=False))


def test_a_subtree_in_shards(sqlite_year: SqlUnitOfWork) -> None:
    top = next(o for o in sqlite_year_organisations(sqlite_year) if o.parent_id is not None)
    whole = services.evaluate_year(sqlite_year, YEAR, organisation_id=top.id)
    assert whole.members
    assert_same(_sharded(sqlite_year, 3, organisation_id=top.id), whole)


def sqlite_year_organisations(uow: UnitOfWork) -> list[Organisation]:
    with uow:
        return uow.organisations.list()


def test_a_shard_judges_only_its_members_by_a_stable_hash() -> None:
    world = generate_year(YEAR, members=40, branches=3, seed=3)
    uow = InMemoryUnitOfWork(InMemoryStore())
    world.load_into(uow)
    part = services.evaluate_year(uow, YEAR, shard=(1, 3))
    assert part.members
    assert all(compliance.shard_of(m, 3) == 1 for m in part.members)
    assert list(part.branches) == sorted(b.id for b in world.branches)  # every shard judges every branch
    assert (
        compliance.shard_of("m-1", 7) == int.from_bytes(__import__("hashlib").sha256(b"m-1").digest()[:8]) % 7
    )


@pytest.mark.parametrize(
    "junk", [(0, 0), (2, 2), (-1, 3), (1,), (0, 1, 2), ("0", "2"), (True, 2), 3, "0/2", (0.0, 2)]
)
def test_a_bad_shard_is_refused(junk: Any) -> None:
    uow = InMemoryUnitOfWork(InMemoryStore())
    with pytest.raises(InvalidInput) as caught:
        services.evaluate_year(uow, YEAR, shard=junk)
    assert caught.value.path == "shard"
    assert "0 ≤ k < n" in caught.value.message_zh
    with uow, pytest.raises(InvalidInput):
        services.evaluate_in_transaction(uow, YEAR, shard=junk)


def test_the_example_of_the_scale_page_runs_and_prints_its_comments() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "scale.md"
    (block,) = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, str(page), "exec"), {})  # the page's own example
    promised = [
        line.removeprefix("# ") for line in block.splitlines() if line.startswith("# ") and "…" not in line
    ]
    assert out.getvalue().splitlines() == promised
