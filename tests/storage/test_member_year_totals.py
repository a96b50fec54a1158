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
from hypothesis import strategies as st

from volunteer_core import (
    Activity,
    ActivityKind,
    Beneficiary,
    Branch,
    DateRange,
    InvalidInput,
    Member,
    Pairing,
    PairingMode,
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
    """Every case the aggregates distinguish, for member m1 of branch b1 (and a few others): reversals,
    adjustments, unconfirmed records, another branch's activity, a span, activities co-organised or of a
    joint pairing (m2 of b2 attends two of b1's), festivals and practical help linked to a pairing or not,
    records off their activity's date (one reversed)."""
    b1, b2 = Branch(id="b1", name="一支部"), Branch(id="b2", name="二支部")
    m1 = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
    m2 = Member(id="m2", name="乙", branch_id="b2", joined_on=date(2020, 1, 1), skills={"急救"})
    gone = Member(id="m3", name="丙", branch_id="b1", joined_on=date(2020, 1, 1), left_on=date(2025, 6, 30))

    def activity(aid: str, kind: ActivityKind, branch: str, on: date, **more: Any) -> Activity:
        return Activity(id=aid, kind=kind, branch_id=branch, on=on, title=aid, **more)

    def pairing(pid: str, mode: PairingMode, *branches: str) -> Pairing:
        return Pairing(
            id=pid, branch_ids=branches, target_id="u1", mode=mode, period=DateRange(date(YEAR, 1, 1))
        )

    joint = pairing("p-joint", PairingMode.JOINT_BRANCHES, "b1", "b2")
    solo1, solo2 = pairing("p-b1", PairingMode.SOLO, "b1"), pairing("p-b2", PairingMode.SOLO, "b2")
    own = activity("a-own", ActivityKind.PAIRING, "b1", date(YEAR, 3, 1), until=date(YEAR, 3, 2))
    own2 = activity("a-own2", ActivityKind.PAIRING, "b1", date(YEAR, 4, 1))
    own_reversed = activity("a-rev", ActivityKind.PAIRING, "b1", date(YEAR, 5, 1))
    other = activity("a-other", ActivityKind.PAIRING, "b2", date(YEAR, 3, 2))
    jan = activity("a-jan", ActivityKind.COMMUNITY_SERVICE, "b1", date(YEAR, 1, 31))
    dec = activity("a-dec", ActivityKind.COMMUNITY_SERVICE, "b1", date(YEAR, 12, 1))
    caring = activity("a-care", ActivityKind.CARING_ACTION, "b1", date(YEAR, 6, 1))
    last_year = activity("a-old", ActivityKind.COMMUNITY_SERVICE, "b1", date(YEAR - 1, 12, 31))
    j1 = activity("a-j1", ActivityKind.PAIRING, "b1", date(YEAR, 4, 10), pairing_id="p-joint")
    j2 = activity(
        "a-j2", ActivityKind.PAIRING, "b1", date(YEAR, 5, 10), until=date(YEAR, 5, 11), pairing_id="p-joint"
    )
    co = activity("a-co", ActivityKind.PAIRING, "b2", date(YEAR, 6, 5), branch_ids={"b1"})  # b2 leads, b1 too
    festival = activity("a-fest", ActivityKind.FESTIVAL, "b1", date(YEAR, 9, 25), pairing_id="p-b1")
    loose = activity("a-loose", ActivityKind.FESTIVAL, "b1", date(YEAR, 10, 1))  # linked to no pairing
    help_b2 = activity("a-help", ActivityKind.PRACTICAL_HELP, "b1", date(YEAR, 10, 9), pairing_id="p-b2")
    entities = [
        b1, b2, m1, m2, gone, joint, solo1, solo2, own, own2, own_reversed, other, jan, dec, caring,
        last_year, j1, j2, co, festival, loose, help_b2,
    ]  # fmt: skip
    misdated_reversed = _record("r-nov", "m1", dec, 45, on=date(YEAR, 11, 5))

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
        _record("r-co", "m1", co),  # co-organised by m1's branch: counts
        _record("r-fest", "m1", festival),  # 同过节 linked to b1's pairing: counts
        _record("r-loose", "m1", loose, 30),  # a festival of no pairing: minutes only
        _record("r-help", "m1", help_b2, 30),  # linked to b2's pairing, organised by b1 alone: minutes only
        _record("r-aug", "m1", jan, 45, on=date(YEAR, 8, 20)),  # off its activity's date: minutes only
        _record("r-late", "m1", last_year, 30, on=date(YEAR, 2, 2)),  # off last year's activity: the same
        misdated_reversed,
        misdated_reversed.reversal(id="r-nov-x", recorded_on=date(YEAR, 11, 9)),  # reversed: not listed
        _record("r-j1", "m2", j1),  # a joint pairing's activity entered under b1: b2's too
        _record("r-j2", "m2", j2, on=date(YEAR, 5, 11)),  # the second day of its span
    ]
    return entities, records


def _reference(uow: UnitOfWork, as_of: date | None) -> dict[str, MemberTotals]:
    branch_of = {m.id: m.branch_id for m in uow.members.list()}
    return compliance.member_year_totals(
        uow.records.in_year(YEAR),
        YEAR,
        branch_of=branch_of,
        as_of=as_of,
        activities=uow.activities.list(),
        pairings=uow.pairings.list(),
    )


@pytest.mark.parametrize("as_of", [None, date(YEAR, 6, 30), date(YEAR, 1, 30), date(YEAR + 1, 5, 1)])
def test_totals_at_the_edges(make_uow: Callable[[], UnitOfWork], as_of: date | None) -> None:
    entities, records = _edges()
    uow = make_uow()
    _store(uow, entities, records)
    with uow:
        totals = uow.member_year_totals(YEAR, as_of=as_of)
        assert totals == _reference(uow, as_of)
    m1 = totals["m1"]
    assert m1.records == 19  # every record of the year, any status, also after as_of
    if as_of is None:
        assert (
            m1.net_minutes == 90 + 30 + 60 + 60 - 60 + 60 + 45 + 45 + 120 - 20 + 60 + 60 + 30 + 30 + 45 + 30
        )
        assert m1.community_sessions == (1,) + (0,) * 10 + (1,)  # not August: r-aug is off its date
        assert (m1.branch_activities, m1.caring_actions) == (4, 1)  # own, own2, co-organised, festival
        assert [(m.record_id, m.on, m.activity_id) for m in m1.misdated] == [
            ("r-aug", date(YEAR, 8, 20), "a-jan"),
            ("r-late", date(YEAR, 2, 2), "a-old"),
        ]
        assert totals["m2"].branch_activities == 2  # the joint pairing's two activities
    if as_of == date(YEAR, 1, 30):  # nothing confirmed yet: the January session is on the 31st
        assert (m1.net_minutes, m1.community_sessions, m1.branch_activities) == (0, (0,) * 12, 0)
    if as_of == date(YEAR, 6, 30):  # the joint activities are in April and May, r-aug after as_of
        assert totals["m2"].branch_activities == 2
        assert [m.record_id for m in m1.misdated] == ["r-late"]
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
    assert (pushed.records_read, pushed.unmatched_records) == (23, 1)
    m1, m2 = pushed.members["m1"], pushed.members["m2"]
    assert m2.branch_activities == 2  # the b2 member of a joint pairing: both activities entered under b1
    assert "member.branch_activities" not in m2.codes
    if as_of is None:
        assert m1.branch_activities == 4  # own (a span), own2, co-organised by b1, the linked 同过节
        assert [v.subject_id for v in m1.violations if v.code == "record.activity_date"] == [
            "r-aug",
            "r-late",
        ]
    else:
        assert m1.branch_activities == 3  # the festival is in September
        assert [v.subject_id for v in m1.violations if v.code == "record.activity_date"] == ["r-late"]


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
@given(dataset=vcst.datasets(reversals=True, joint=True))
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


def _restricted(
    full: dict[str, MemberTotals], uow: UnitOfWork, branch_ids: set[str]
) -> dict[str, MemberTotals]:
    """The full totals of the members of ``branch_ids`` (what ``branch_ids=`` must give)."""
    members = {m.id for m in uow.members.list() if m.branch_id in branch_ids}
    return {k: v for k, v in full.items() if k in members}


@pytest.mark.parametrize("chunk", [None, 1])
def test_totals_restricted_to_some_branches(
    make_uow: Callable[[], UnitOfWork], monkeypatch: pytest.MonkeyPatch, chunk: int | None
) -> None:
    """``branch_ids``: only the members of those branches, on every storage (SQL: in the statements,
    a chunk of branches at a time); an unknown branch adds nothing, no branch gives nothing."""
    from volunteer_core.storage.sql import _totals

    if chunk is not None:
        monkeypatch.setattr(_totals, "BRANCH_CHUNK", chunk)
    entities, records = _edges()
    uow = make_uow()
    _store(uow, entities, records)
    with uow:
        for as_of in (None, date(YEAR, 6, 30)):
            full = uow.member_year_totals(YEAR, as_of=as_of)
            for branch_ids in ({"b1"}, {"b2"}, {"b1", "b2", "zz"}, set()):
                found = uow.member_year_totals(YEAR, as_of=as_of, branch_ids=branch_ids)
                assert found == _restricted(full, uow, branch_ids)
        assert set(uow.member_year_totals(YEAR, branch_ids=["b1"])) == {"m1", "m3"}  # m3 left: still read
        assert set(uow.member_year_totals(YEAR, branch_ids=iter(["b2", "b2"]))) == {"m2"}
        assert uow.member_year_totals(YEAR, branch_ids=["nul\x00id"]) == {}
        for wrong in ("b1", [1]):
            with pytest.raises(InvalidInput) as caught:
                uow.member_year_totals(YEAR, branch_ids=wrong)  # type: ignore[arg-type]
            assert (caught.value.path, caught.value.code) == ("branch_ids", "input.type")


def test_restricted_sql_totals_never_read_the_other_members(sql_uow: SqlUnitOfWork) -> None:
    """The restriction is in the SQL: each of the three statements of ``member_year_totals(branch_ids=…)``
    keeps only the records of the branches' members (``members.branch_id IN …``)."""
    import sqlalchemy as sa

    entities, records = _edges()
    _store(sql_uow, entities, records)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    sa.event.listen(sql_uow.engine, "before_cursor_execute", seen)
    try:
        with sql_uow:
            found = sql_uow.member_year_totals(YEAR, branch_ids={"b2"})
    finally:
        sa.event.remove(sql_uow.engine, "before_cursor_execute", seen)
    assert set(found) == {"m2"}
    aggregates = [s for s in statements if "records" in s]
    assert len(aggregates) == 3
    assert all("members.branch_id IN" in " ".join(s.split()) for s in aggregates)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dataset=vcst.datasets(reversals=True, joint=True), data=st.data())
def test_restricted_sql_totals_equal_the_restricted_fold(
    tmp_path: Path, dataset: vcst.Dataset, data: st.DataObject
) -> None:
    """Property: on SQLite, ``branch_ids=`` gives the fold's totals of those branches' members."""
    from volunteer_core.storage.sql import create_schema

    path = tmp_path / f"{uuid.uuid4().hex}.db"
    engine = create_schema(f"sqlite:///{path}")
    chosen = set(data.draw(st.sets(st.sampled_from([b.id for b in dataset.branches]))))
    try:
        uow = SqlUnitOfWork(engine)
        masters = (dataset.branches, dataset.members, dataset.teams, dataset.beneficiaries, dataset.units)
        _store(
            uow,
            [*(e for group in masters for e in group), *dataset.pairings, *dataset.activities],
            dataset.records,
        )
        with uow:
            expected = _restricted(_reference(uow, None), uow, chosen)
            assert uow.member_year_totals(YEAR, branch_ids=chosen) == expected
    finally:
        engine.dispose()
