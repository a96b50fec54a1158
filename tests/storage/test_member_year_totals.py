"""The year's per-member aggregates (``UnitOfWork.member_year_totals``) and the evaluation built on them.

On every storage — memory (the streaming default), SQLite and PostgreSQL (``GROUP BY`` in the
database) — the totals equal the reference fold :func:`compliance.member_year_totals` over
``records.in_year``, and ``services.evaluate_year`` gives the same report with and without pushdown.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from volunteer_core import (
    Activity,
    ActivityKind,
    Beneficiary,
    Branch,
    InvalidInput,
    Member,
    Pairing,
    PartnerUnit,
    RecordStatus,
    ServiceRecord,
    Team,
    compliance,
    policies,
    services,
)
from volunteer_core.compliance import MemberTotals, YearReport
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork
from volunteer_core.testing import strategies as vcst
from volunteer_core.testing.synthetic import generate_year

YEAR = 2026


def _store(uow: UnitOfWork, entities: Iterable[Any], records: Iterable[ServiceRecord]) -> None:
    with uow:
        for entity in entities:
            getattr(uow, _REPOSITORY[type(entity)]).add(entity)
        for record in records:
            uow.records.add(record)
        uow.commit()


_REPOSITORY = {
    Branch: "branches",
    Member: "members",
    Team: "teams",
    Beneficiary: "beneficiaries",
    PartnerUnit: "units",
    Pairing: "pairings",
    Activity: "activities",
}


def _record(rid: str, member: str, activity: Activity, minutes: int = 60, **changes: Any) -> ServiceRecord:
    return ServiceRecord(
        id=rid,
        member_id=member,
        activity_id=activity.id,
        branch_id=activity.branch_id,
        kind=activity.kind,
        on=changes.pop("on", activity.on),
        minutes=minutes,
        **changes,
    )


def _edges() -> tuple[list[Any], list[ServiceRecord]]:
    """Every case the aggregates distinguish, for member m1 of branch b1 (and a few others)."""
    b1, b2 = Branch(id="b1", name="一支部"), Branch(id="b2", name="二支部")
    m1 = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
    m2 = Member(id="m2", name="乙", branch_id="b2", joined_on=date(2020, 1, 1), skills={"急救"})
    gone = Member(id="m3", name="丙", branch_id="b1", joined_on=date(2020, 1, 1), left_on=date(2025, 6, 30))

    def activity(aid: str, kind: ActivityKind, branch: str, on: date) -> Activity:
        return Activity(id=aid, kind=kind, branch_id=branch, on=on, title=aid)

    own = activity("a-own", ActivityKind.PAIRING, "b1", date(YEAR, 3, 1))
    own2 = activity("a-own2", ActivityKind.PAIRING, "b1", date(YEAR, 4, 1))
    own_reversed = activity("a-rev", ActivityKind.PAIRING, "b1", date(YEAR, 5, 1))
    other = activity("a-other", ActivityKind.PAIRING, "b2", date(YEAR, 3, 2))
    jan = activity("a-jan", ActivityKind.COMMUNITY_SERVICE, "b1", date(YEAR, 1, 31))
    dec = activity("a-dec", ActivityKind.COMMUNITY_SERVICE, "b1", date(YEAR, 12, 1))
    caring = activity("a-care", ActivityKind.CARING_ACTION, "b1", date(YEAR, 6, 1))
    last_year = activity("a-old", ActivityKind.COMMUNITY_SERVICE, "b1", date(YEAR - 1, 12, 31))
    entities = [b1, b2, m1, m2, gone, own, own2, own_reversed, other, jan, dec, caring, last_year]

    original = _record("r-rev", "m1", own_reversed)
    records = [
        _record("r-own", "m1", own, 90),
        _record("r-own-again", "m1", own, 30, on=date(YEAR, 3, 2)),  # one activity counts once
        _record("r-own2", "m1", own2),
        original,
        original.reversal(id="r-rev-x", recorded_on=date(YEAR, 5, 9)),  # cancels its activity
        _record("r-other", "m1", other),  # another branch's pairing: minutes only
        _record("r-jan", "m1", jan, 45),  # 31 January: January's session
        _record("r-dec", "m1", dec, 45),  # December: after the as_of below
        _record("r-pending", "m1", jan, 600, on=date(YEAR, 2, 3), status=RecordStatus.PENDING),
        _record("r-care", "m1", caring, 120),
        _record("r-adjust", "m1", caring, -20, on=date(YEAR, 7, 1), adjusts="r-care"),  # minutes only
        _record("r-m2", "m2", own, 50),  # own activity of b1 is not m2's own branch
        _record("r-gone", "m3", jan, 30),  # a member who left last year: unmatched
        _record("r-old", "m1", last_year, 30),  # last year: not read
    ]
    return entities, records


def _reference(uow: UnitOfWork, as_of: date | None) -> dict[str, MemberTotals]:
    branch_of = {m.id: m.branch_id for m in uow.members.list()}
    return compliance.member_year_totals(uow.records.in_year(YEAR), YEAR, branch_of=branch_of, as_of=as_of)


@pytest.mark.parametrize("as_of", [None, date(YEAR, 6, 30), date(YEAR, 1, 30), date(YEAR + 1, 5, 1)])
def test_totals_at_the_edges(make_uow: Callable[[], UnitOfWork], as_of: date | None) -> None:
    entities, records = _edges()
    uow = make_uow()
    _store(uow, entities, records)
    with uow:
        totals = uow.member_year_totals(YEAR, as_of=as_of)
        assert totals == _reference(uow, as_of)
    m1 = totals["m1"]
    assert m1.records == 11  # every record of the year, any status, also after as_of
    if as_of is None:
        assert m1.net_minutes == 90 + 30 + 60 + 60 - 60 + 60 + 45 + 45 + 120 - 20
        assert m1.community_sessions == (1,) + (0,) * 10 + (1,)
        assert (m1.branch_activities, m1.caring_actions) == (2, 1)
    if as_of == date(YEAR, 1, 30):  # nothing confirmed yet: the January session is on the 31st
        assert (m1.net_minutes, m1.community_sessions, m1.branch_activities) == (0, (0,) * 12, 0)
    assert totals["m2"].branch_activities == 0
    assert set(totals) == {"m1", "m2", "m3"}


def _same_report(pushed: YearReport, streamed: YearReport) -> None:
    assert dict(pushed.members) == dict(streamed.members)
    assert pushed.violations == streamed.violations
    assert dict(pushed.branches) == dict(streamed.branches)
    assert (pushed.records_read, pushed.unmatched_records) == (
        streamed.records_read,
        streamed.unmatched_records,
    )


@pytest.mark.parametrize("as_of", [None, date(YEAR, 6, 30)])
def test_pushdown_gives_the_streamed_report(make_uow: Callable[[], UnitOfWork], as_of: date | None) -> None:
    entities, records = _edges()
    uow = make_uow()
    _store(uow, entities, records)
    pushed = services.evaluate_year(uow, YEAR, as_of=as_of)
    streamed = services.evaluate_year(uow, YEAR, as_of=as_of, pushdown=False)
    _same_report(pushed, streamed)
    assert (pushed.records_read, pushed.unmatched_records) == (13, 1)
    assert pushed.members["m1"].branch_activities == 2  # r-own and r-own2 (3 March, 1 April)


def test_pushdown_on_a_synthetic_year(make_uow: Callable[[], UnitOfWork]) -> None:
    world = generate_year(YEAR, members=60, branches=3, seed=5)
    uow = make_uow()
    world.load_into(uow)
    for as_of in (None, date(YEAR, 8, 15)):
        for policy in (policies.DEFAULT, policies.MCA_LEIFENG):
            pushed = services.evaluate_year(uow, YEAR, as_of=as_of, policy=policy)
            streamed = services.evaluate_year(uow, YEAR, as_of=as_of, policy=policy, pushdown=False)
            _same_report(pushed, streamed)
    with uow:
        assert uow.member_year_totals(YEAR) == _reference(uow, None)


def test_bad_year_and_as_of_are_refused(make_uow: Callable[[], UnitOfWork]) -> None:
    uow = make_uow()
    with uow:
        with pytest.raises(InvalidInput) as caught:
            uow.member_year_totals("2026")  # type: ignore[arg-type]
        assert caught.value.path == "year"
        with pytest.raises(InvalidInput) as caught:
            uow.member_year_totals(YEAR, as_of="2026-06-30")  # type: ignore[arg-type]
        assert caught.value.path == "as_of"


def test_registration_counting_still_streams(make_uow: Callable[[], UnitOfWork]) -> None:
    entities, records = _edges()
    uow = make_uow()
    _store(uow, entities, records)
    policy = attrs.evolve(policies.DEFAULT, community_service_where_registered=True)
    report = services.evaluate_year(uow, YEAR, policy=policy)
    assert report.members["m1"].community_sessions == (0,) * 12  # no community registered: none counts
    with pytest.raises(InvalidInput):
        compliance.evaluate_year_totals(YEAR, members=[], totals=[], policy=policy)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dataset=vcst.datasets(reversals=True))
def test_sql_totals_equal_the_fold(tmp_path: Path, dataset: vcst.Dataset) -> None:
    """Property: on SQLite, the GROUP BY equals the reference fold for any dataset."""
    from volunteer_core.storage.sql import create_schema

    path = tmp_path / f"{uuid.uuid4().hex}.db"
    engine = create_schema(f"sqlite:///{path}")
    try:
        uow = SqlUnitOfWork(engine)
        masters = (dataset.branches, dataset.members, dataset.teams, dataset.beneficiaries, dataset.units)
        _store(
            uow,
            [*(e for group in masters for e in group), *dataset.pairings, *dataset.activities],
            dataset.records,
        )
        for as_of in (None, date(YEAR, 6, 30)):
            with uow:
                assert uow.member_year_totals(YEAR, as_of=as_of) == _reference(uow, as_of)
    finally:
        engine.dispose()
