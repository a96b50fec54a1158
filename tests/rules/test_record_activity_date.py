"""``record.activity_date`` (002 §三): a record's ``on`` lies within its activity's date, or its span
``on … until``. Reported by ``validate_record(record, activity=...)``; refused by the use-cases
(``record_service``, ``report_service``, ``record_services``, ``complete_demand``) — the August record of a
March activity no longer satisfies August's community service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import (
    RULES,
    Activity,
    Branch,
    Demand,
    InvalidInput,
    Member,
    RuleViolation,
    ServiceRecord,
    Severity,
    services,
    validate_record,
)
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.timebank import check_activity_date, on_activity_date
from volunteer_core.storage.memory import InMemoryUnitOfWork

MARCH = Activity(id="a1", kind="community_service", branch_id="b1", on=date(2025, 3, 5), title="社区清洁")
CAMP = Activity(
    id="a2",
    kind="team_campaign",
    branch_id="b1",
    on=date(2025, 7, 30),
    until=date(2025, 8, 2),
    title="暑期三天志愿服务营",
)


def _record(
    activity: Activity, on: date, *, id: str = "r1", minutes: int = 60, adjusts: str | None = None
) -> ServiceRecord:
    return ServiceRecord(
        id=id,
        member_id="m1",
        activity_id=activity.id,
        branch_id=activity.branch_id,
        kind=activity.kind,
        on=on,
        minutes=minutes,
        adjusts=adjusts,
    )


def _codes(record: ServiceRecord, activity: Activity) -> list[str]:
    return [v.code for v in validate_record(record, activity=activity)]


# -- the rule -----------------------------------------------------------------------------------------


def test_the_rule_is_catalogued_as_an_error_citing_002() -> None:
    rule = RULES["record.activity_date"]
    assert (rule.severity, rule.source, rule.check) == (Severity.ERROR, "002 §三", check_activity_date)


def test_the_august_record_of_a_march_activity_is_reported() -> None:
    found = validate_record(_record(MARCH, date(2025, 8, 20)), activity=MARCH)
    assert [v.code for v in found] == ["record.activity_date"]
    (v,) = found
    assert (v.severity, v.subject_id) == (Severity.ERROR, "r1")
    assert v.details == {
        "on": "2025-08-20",
        "activity_id": "a1",
        "activity_on": "2025-03-05",
        "activity_until": "2025-03-05",
    }
    assert "2025-08-20" in v.message_zh
    assert "2025-03-05" in v.message_en


def test_a_one_day_activity_takes_its_day_only() -> None:
    assert _codes(_record(MARCH, MARCH.on), MARCH) == []
    for day in (MARCH.on - timedelta(days=1), MARCH.on + timedelta(days=1)):
        assert _codes(_record(MARCH, day), MARCH) == ["record.activity_date"]


def test_a_span_takes_every_day_from_on_to_until_inclusive() -> None:
    assert all(_codes(_record(CAMP, CAMP.on + timedelta(days=d)), CAMP) == [] for d in range(4)), (
        "30 July … 2 August, across the month's end"
    )
    assert _codes(_record(CAMP, date(2025, 7, 29)), CAMP) == ["record.activity_date"]
    assert _codes(_record(CAMP, date(2025, 8, 3)), CAMP) == ["record.activity_date"]
    assert "2025-07-30…2025-08-02" in check_activity_date(_record(CAMP, date(2025, 8, 3)), CAMP)[0].message_en


def test_a_reversal_is_judged_like_its_original_an_adjustment_never() -> None:
    wrong = _record(MARCH, date(2025, 8, 20))
    reversal = wrong.reversal(id="r2", recorded_on=date(2025, 8, 25))
    assert _codes(reversal, MARCH) == ["record.activity_date"]
    adjustment = _record(MARCH, date(2025, 11, 3), id="r3", minutes=-10, adjusts="r1")
    assert _codes(adjustment, MARCH) == []
    assert on_activity_date(adjustment, MARCH)


def test_without_the_activity_nothing_is_said_of_its_date() -> None:
    assert validate_record(_record(MARCH, date(2025, 8, 20))) == []


def test_another_activity_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_activity_date(_record(MARCH, MARCH.on), CAMP)
    assert caught.value.path == "activity"


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    length=st.one_of(st.none(), st.integers(0, 40)),
    offset=st.integers(-60, 60),
)
def test_property_reported_exactly_outside_the_span(start: date, length: int | None, offset: int) -> None:
    until = None if length is None else start + timedelta(days=length)
    activity = Activity(id="a9", kind="pairing", branch_id="b1", on=start, until=until, title="探访")
    day = start + timedelta(days=offset)
    inside = 0 <= offset <= (length or 0)
    found = check_activity_date(_record(activity, day), activity)
    assert (found == []) is inside
    assert on_activity_date(_record(activity, day), activity) is inside


# -- the use-cases refuse it --------------------------------------------------------------------------


def _organ(uow: UnitOfWork) -> UnitOfWork:
    services.add_entities(
        uow,
        [
            Branch(id="b1", name="一支部"),
            Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
            MARCH,
            CAMP,
        ],
    )
    return uow


def _stored(uow: UnitOfWork) -> list[ServiceRecord]:
    with uow:
        return uow.records.list()


Entry = Callable[[UnitOfWork, date], object]

ENTRIES: dict[str, Entry] = {
    "record_service": lambda uow, on: services.record_service(
        uow, member_id="m1", activity_id="a1", minutes=60, on=on, recorded_on=date(2025, 8, 21)
    ),
    "report_service": lambda uow, on: services.report_service(
        uow, member_id="m1", activity_id="a1", minutes=60, on=on, recorded_on=date(2025, 8, 21)
    ),
    "record_services": lambda uow, on: services.record_services(
        uow,
        [
            {"member_id": "m1", "activity_id": "a2", "minutes": 60, "on": date(2025, 7, 31)},
            {"member_id": "m1", "activity_id": "a1", "minutes": 60, "on": on},
        ],
        recorded_on=date(2025, 8, 21),
    ),
}


@pytest.mark.parametrize("entry", ENTRIES)
def test_the_use_cases_refuse_the_august_record_of_a_march_activity(
    make_uow: Callable[[], UnitOfWork], entry: str
) -> None:
    uow = _organ(make_uow())
    with pytest.raises(RuleViolation) as caught:
        ENTRIES[entry](uow, date(2025, 8, 20))
    assert caught.value.violation.code == "record.activity_date"
    assert caught.value.violation.subject_id  # the refused record's id
    assert _stored(uow) == [], "nothing stored: the batch is refused whole"
    ENTRIES[entry](uow, MARCH.on)  # on its day: accepted
    assert {r.on for r in _stored(uow)} >= {MARCH.on}


def test_the_use_cases_take_every_day_of_a_span() -> None:
    uow = _organ(InMemoryUnitOfWork())
    for day in (CAMP.on, CAMP.until):
        services.record_service(uow, member_id="m1", activity_id="a2", minutes=60, on=day)
    with pytest.raises(RuleViolation) as caught:
        services.record_service(uow, member_id="m1", activity_id="a2", minutes=60, on=date(2025, 8, 3))
    assert caught.value.violation.code == "record.activity_date"
    assert len(_stored(uow)) == 2


def test_complete_demand_refuses_a_date_outside_the_activity_and_keeps_the_demand_accepted() -> None:
    uow = _organ(InMemoryUnitOfWork())
    services.order_demand(
        uow, Demand(id="d1", community="凤山社区", content="修水管", ordered_on=date(2025, 3, 1))
    )
    services.assign_demand(uow, "d1", member_id="m1", on=date(2025, 3, 2))
    services.accept_demand(uow, "d1", member_id="m1", on=date(2025, 3, 3))
    with pytest.raises(RuleViolation) as caught:
        services.complete_demand(uow, "d1", activity_id="a1", minutes=60, on=date(2025, 3, 6))
    assert caught.value.violation.code == "record.activity_date"
    with uow:
        assert uow.demands.get("d1").status.value == "accepted"
        assert uow.records.list() == []
    done = services.complete_demand(uow, "d1", activity_id="a1", minutes=60, on=MARCH.on)
    assert done.status.value == "done"
