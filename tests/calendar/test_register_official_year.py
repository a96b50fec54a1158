"""An official calendar hosts can extend (issue 16): ``register_official_year`` and its file form, the
checks of a schedule, replacing a known year, the December bridge, threads, and ``record.timeliness`` on a
registered year and beyond every known one.

The 2027 schedule used here is an EXAMPLE (docs/examples/official-year-2027.example.toml), not the State
Council's notice, which was not known when these tests were written.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import attrs
import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import Activity, InvalidInput, ServiceRecord, policies, validate_record
from volunteer_core.calendar import workdays as wd
from volunteer_core.calendar.dates import DateRange
from volunteer_core.calendar.workdays import OfficialYear, registered_official_year

D = date
EXAMPLE_FILE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "official-year-2027.example.toml"
EXAMPLE_SOURCE = (
    "示例，非官方通知：仿照国务院办公厅关于部分节假日安排的通知编写 (an example, not the official notice)"
)

#: The example 2027 schedule (not the official notice): the State Council's usual pattern under the 2024
#: holiday rules (春节 from 除夕, 劳动节 2 days).
HOLIDAYS_2027: list[date | tuple[date, date]] = [
    (D(2027, 1, 1), D(2027, 1, 3)),  # 元旦
    (D(2027, 2, 5), D(2027, 2, 13)),  # 春节
    (D(2027, 4, 3), D(2027, 4, 5)),  # 清明
    (D(2027, 5, 1), D(2027, 5, 5)),  # 劳动节
    D(2027, 6, 9),  # 端午
    D(2027, 9, 15),  # 中秋
    (D(2027, 10, 1), D(2027, 10, 7)),  # 国庆
]
WORKDAYS_2027 = [D(2027, 2, 14), D(2027, 2, 20), D(2027, 5, 8), D(2027, 9, 26), D(2027, 10, 9)]
WARN = attrs.evolve(policies.DEFAULT, beyond_official_calendar="warn")
RAISE = attrs.evolve(policies.DEFAULT, beyond_official_calendar="raise")


def example_2027(source: str = EXAMPLE_SOURCE) -> OfficialYear:
    return OfficialYear(year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source=source)


def packaged(year: int) -> OfficialYear:
    """The schedule of a packaged year, as chinese-calendar holds it."""
    return OfficialYear(
        year=year,
        holidays=[d for d in chinese_calendar.holidays if d.year == year],
        workdays=[d for d in chinese_calendar.workdays if d.year == year],
        source=f"chinese-calendar {year}",
    )


def rec(on: date, recorded_on: date | None, **kw: object) -> ServiceRecord:
    return ServiceRecord(
        id="r1",
        member_id="m1",
        activity_id="a1",
        branch_id="b1",
        kind="community_service",
        on=on,
        minutes=60,
        recorded_on=recorded_on,
        **kw,  # type: ignore[arg-type]
    )


def codes(record: ServiceRecord, policy: policies.Policy) -> list[str]:
    return [v.code for v in validate_record(record, policy)]


@pytest.fixture(autouse=True)
def _nothing_left_registered() -> Iterator[None]:
    """Registration is process-global: every test starts and ends with nothing registered."""
    assert dict(wd.registered_official_years()) == {}
    yield
    assert dict(wd.registered_official_years()) == {}, "a test left a year registered"


# --- the Done-when lines --------------------------------------------------------------------------------


def test_2027_is_beyond_the_packaged_calendar() -> None:
    assert 2027 not in wd.covered_years()
    assert 2027 not in wd.known_years()
    with pytest.raises(wd.CalendarUnknown):
        wd.is_working_day(D(2027, 10, 8))


def test_a_registered_2027_schedule_is_used_for_a_2027_record() -> None:
    # 9-30 → 10-08 (Fri), 10-09 (Sat, 调休), 10-11 … 10-15, 10-18, 10-19, 10-20 is the 10th working day;
    # a Monday–Friday guess would make 10-14 the 10th and flag 10-20
    with registered_official_year(example_2027()):
        assert wd.nth_working_day_after(D(2027, 9, 30), 10) == D(2027, 10, 20)
        for policy in (policies.DEFAULT, WARN, RAISE):
            assert codes(rec(D(2027, 9, 30), D(2027, 10, 20)), policy) == []
            late = validate_record(rec(D(2027, 9, 30), D(2027, 10, 21)), policy)
            assert [v.code for v in late] == ["record.timeliness"]
            assert late[0].details["deadline"] == "2027-10-20"


def test_without_the_2027_schedule_the_record_gets_the_warning_not_an_exception() -> None:
    activity = Activity(
        id="a1",
        kind="community_service",
        branch_id="b1",
        on=D(2027, 9, 30),
        title="清扫",
        duration_minutes=30,
    )
    record = attrs.evolve(
        ServiceRecord.for_activity(activity, id="r1", member_id="m1", minutes=60),
        recorded_on=D(2027, 10, 20),
        status="pending",
    )
    for policy in (WARN, policies.DEFAULT):
        found = validate_record(record, policy, activity=activity)
        # everything else is judged: the pending status and the activity's length
        assert [v.code for v in found] == ["record.status", "record.timeliness_unknown", "record.duration"]
        unknown = found[1]
        assert unknown.severity is vc.Severity.WARNING
        assert unknown.details["year"] == 2027


def test_the_default_policy_warns_beyond_the_known_years() -> None:
    assert policies.DEFAULT.beyond_official_calendar == "warn"
    assert codes(rec(D(2027, 9, 30), D(2027, 10, 20)), policies.DEFAULT) == ["record.timeliness_unknown"]


def test_raise_is_still_available() -> None:
    with pytest.raises(wd.CalendarUnknown) as caught:
        validate_record(rec(D(2027, 9, 30), D(2027, 10, 20)), RAISE)
    assert caught.value.code == "calendar.unknown_year"
    assert caught.value.day.year == 2027
    assert "register_official_year(2027" in caught.value.message_en


def test_the_registered_days_off_and_make_up_days_answer() -> None:
    with registered_official_year(example_2027()) as schedule:
        assert schedule.year in wd.known_years()
        assert wd.registered_official_years() == {2027: schedule}
        assert not wd.is_working_day(D(2027, 2, 8))  # a Monday of 春节
        assert wd.is_working_day(D(2027, 2, 14))  # a Sunday worked
        assert not wd.is_working_day(D(2027, 2, 21))  # an ordinary Sunday
        assert wd.is_working_day(D(2027, 3, 1))  # an ordinary Monday
        assert wd.working_days_between(D(2027, 9, 30), D(2027, 10, 9)) == 2  # 10-08 and the Saturday
    with pytest.raises(wd.CalendarUnknown):
        wd.is_working_day(D(2027, 3, 1))


# --- the top-level function and the file --------------------------------------------------------------


def test_register_official_year_is_top_level_and_registers() -> None:
    assert vc.register_official_year is wd.register_official_year
    schedule = vc.register_official_year(
        2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source=EXAMPLE_SOURCE
    )
    try:
        assert schedule == example_2027()
        assert wd.registered_official_years()[2027] is schedule
        assert not wd.is_working_day(D(2027, 10, 7))
    finally:
        wd._unregister(schedule, None)


def test_the_example_file_of_the_docs_is_the_example_schedule() -> None:
    assert wd.read_official_year(EXAMPLE_FILE) == example_2027()
    assert wd.read_official_year(str(EXAMPLE_FILE)) == example_2027()


def iso(entry: object) -> object:
    if isinstance(entry, tuple):
        return [entry[0].isoformat(), entry[1].isoformat()]
    assert isinstance(entry, date)
    return entry.isoformat()


def test_a_json_file_reads_the_same(tmp_path: Path) -> None:
    document = {
        "year": 2027,
        "source": EXAMPLE_SOURCE,
        "holidays": [iso(e) for e in HOLIDAYS_2027],
        "workdays": [iso(d) for d in WORKDAYS_2027],
    }
    file = tmp_path / "2027.JSON"
    file.write_text("\ufeff" + json.dumps(document, ensure_ascii=False), encoding="utf-8")  # a BOM is fine
    assert wd.read_official_year(file) == example_2027()


def test_register_official_year_from_a_file_registers_it() -> None:
    schedule = wd.register_official_year_from(EXAMPLE_FILE)
    try:
        assert wd.registered_official_years() == {2027: schedule}
        assert codes(rec(D(2027, 9, 30), D(2027, 10, 20)), RAISE) == []
    finally:
        wd._unregister(schedule, None)


VALID_TOML = 'year = 2027\nsource = "示例"\nholidays = [2027-01-01]\nworkdays = []\n'


@pytest.mark.parametrize(
    ("name", "content", "code", "path"),
    [
        ("a.toml", VALID_TOML + "name = 1\n", "input.unknown_key", "name"),
        ("a.toml", VALID_TOML.replace("workdays = []\n", ""), "input.required", "workdays"),
        ("a.toml", VALID_TOML.replace("[2027-01-01]", '["2027-02-30"]'), "input.invalid", "holidays[0]"),
        ("a.toml", VALID_TOML.replace("[2027-01-01]", '["2027/01/01"]'), "input.invalid", "holidays[0]"),
        (
            "a.toml",
            VALID_TOML.replace("[2027-01-01]", "[2027-01-01T08:00:00]"),
            "input.invalid",
            "holidays[0]",
        ),
        ("a.toml", VALID_TOML.replace("[2027-01-01]", "[[2027-01-01]]"), "input.invalid", "holidays[0]"),
        ("a.toml", VALID_TOML.replace("[2027-01-01]", '"2027-01-01"'), "input.type", "holidays"),
        (
            "a.toml",
            VALID_TOML.replace("workdays = []", "workdays = [[2027-01-02, 2027-01-03]]"),
            "input.invalid",
            "workdays[0]",
        ),
        ("a.toml", VALID_TOML.replace("2027\n", '"2027"\n'), "input.type", "year"),
        ("a.toml", VALID_TOML.replace("2027\n", "2026\n"), "calendar.schedule", "holidays"),
        ("a.toml", "year = = 2027", "input.invalid", "path"),
        ("a.toml", "year = " + "[" * 100_000, "input.invalid", "path"),
        ("a.json", "[" * 100_000 + "]" * 100_000, "input.invalid", "path"),
        ("a.json", '["not", "a table"]', "input.type", ""),
        ("a.yaml", VALID_TOML, "input.invalid", "path"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_field(
    tmp_path: Path, name: str, content: str, code: str, path: str
) -> None:
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        wd.read_official_year(file)
    assert (caught.value.code, caught.value.path) == (code, path)
    assert caught.value.message_en.startswith(name)
    assert caught.value.message_zh.startswith(name)


def test_an_unreadable_or_oversized_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "latin.toml").write_bytes('source = "caf\xe9"'.encode("latin-1"))
    (tmp_path / "big.toml").write_bytes(b"#" * 1_000_001)
    (tmp_path / "dir.toml").mkdir()
    for file, code in [
        (tmp_path / "missing.toml", "input.invalid"),
        (tmp_path / "dir.toml", "input.invalid"),
        (tmp_path / "latin.toml", "input.invalid"),
        (tmp_path / "big.toml", "input.too_large"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            wd.read_official_year(file)
        assert (caught.value.code, caught.value.path) == (code, "path"), file


@pytest.mark.parametrize(
    "path",
    [None, 0, 3, True, b"a.toml", ["a.toml"], "a\x00.toml", "9" * 10_000 + ".toml"],
    ids=["None", "0", "3", "True", "bytes", "list", "NUL", "10,000 characters"],
)
def test_only_a_readable_path_is_read(path: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        wd.read_official_year(path)  # type: ignore[arg-type]
    assert caught.value.path == "path"


# --- the checks of a schedule ---------------------------------------------------------------------------


def make(year: int = 2027, /, **changes: object) -> OfficialYear:
    fields: dict[str, object] = {
        "year": year,
        "holidays": [D(year, 1, 1)],
        "workdays": [],
        "source": "示例 example",
    }
    fields.update(changes)
    return OfficialYear(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("year", [1996, 2026, 2200])
def test_the_years_at_the_edges_are_accepted(year: int) -> None:
    assert make(year).year == year


@pytest.mark.parametrize(
    ("year", "code"),
    [
        (1995, "calendar.schedule"),
        (2201, "calendar.schedule"),
        (True, "input.type"),
        (2027.0, "input.type"),
        ("2027", "input.type"),
        pytest.param(10**5000, "calendar.schedule", id="5000-digit"),
    ],
)
def test_a_year_outside_1996_to_2200_or_not_an_int_is_refused(year: object, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        OfficialYear(year=year, holidays=[D(2027, 1, 1)], workdays=[], source="x")  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.path) == (code, "year")


def test_the_december_bridge_is_the_last_week_of_the_year_before() -> None:
    assert D(2026, 12, 25) in make(holidays=[D(2026, 12, 25), D(2027, 1, 1)]).holidays
    assert D(2026, 12, 26) in make(workdays=[D(2026, 12, 26)]).workdays  # a Saturday
    for field, day in [
        ("holidays", D(2026, 12, 24)),
        ("holidays", D(2028, 1, 1)),
        ("workdays", D(2026, 12, 20)),
    ]:
        changes: dict[str, object] = {field: [day, D(2027, 1, 1)] if field == "holidays" else [day]}
        with pytest.raises(InvalidInput) as caught:
            make(**changes)
        assert (caught.value.code, caught.value.path, caught.value.value) == (
            "calendar.schedule",
            field,
            day.isoformat(),
        )


def test_a_range_may_cross_the_turn_of_the_year() -> None:
    days = make(holidays=[(D(2026, 12, 30), D(2027, 1, 1))]).holidays
    assert days == {D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 1)}
    assert (
        make(holidays=[DateRange(D(2027, 1, 1), D(2027, 1, 3))]).holidays
        == make(holidays=[[D(2027, 1, 1), D(2027, 1, 3)]]).holidays
    )


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"workdays": [D(2027, 2, 8)]}, "calendar.schedule", "workdays"),  # a Monday
        (
            {"workdays": [D(2027, 1, 2)], "holidays": [(D(2027, 1, 1), D(2027, 1, 3))]},
            "calendar.schedule",
            "workdays",
        ),  # both
        ({"holidays": [D(2027, 1, 2)]}, "calendar.schedule", "holidays"),  # no 元旦
        ({"holidays": []}, "calendar.schedule", "holidays"),
        ({"holidays": [(D(2027, 1, 3), D(2027, 1, 1))]}, "calendar.schedule", "holidays[0]"),
        ({"holidays": [DateRange(D(2027, 1, 1))]}, "calendar.schedule", "holidays[0]"),
        ({"holidays": [(date.min, date.max)]}, "input.too_large", "holidays[0]"),
        ({"holidays": [D(2027, 1, 1)] * 1001}, "input.too_large", "holidays"),
        ({"holidays": "2027-01-01"}, "input.type", "holidays"),
        ({"holidays": {D(2027, 1, 1): "元旦"}}, "input.type", "holidays"),
        ({"holidays": None}, "input.type", "holidays"),
        ({"holidays": ["2027-01-01"]}, "input.type", "holidays[0]"),
        ({"holidays": [(D(2027, 1, 1), "2027-01-03")]}, "input.type", "holidays[0][1]"),
        ({"holidays": [(D(2027, 1, 1),)]}, "input.type", "holidays[0]"),
        ({"workdays": [(D(2027, 2, 20), D(2027, 2, 21))]}, "input.type", "workdays[0]"),
        ({"workdays": [D(2027, 2, 20).isoformat()]}, "input.type", "workdays[0]"),
        ({"source": ""}, "input.required", "source"),
        ({"source": "  "}, "input.required", "source"),
        ({"source": None}, "input.type", "source"),
        ({"source": "国办发明电\n〔2026〕"}, "input.invalid", "source"),
        ({"source": "x\ud800"}, "input.invalid", "source"),
        ({"source": "通" * 501}, "input.too_large", "source"),
    ],
)
def test_a_bad_schedule_is_refused_naming_the_field(changes: dict[str, object], code: str, path: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make(**changes)
    assert (caught.value.code, caught.value.path) == (code, path)
    str(caught.value).encode("utf-8")


def test_a_datetime_is_not_a_day() -> None:
    from datetime import datetime

    with pytest.raises(InvalidInput) as caught:
        make(holidays=[datetime(2027, 1, 1, 8, 0)])
    assert (caught.value.code, caught.value.path) == ("input.type", "holidays[0]")


def test_a_source_of_500_characters_is_accepted() -> None:
    assert len(make(source="通" * 500).source) == 500


# --- known years: replacing, the bridge, restoring -----------------------------------------------------


@pytest.mark.parametrize("year", list(wd.covered_years()))
def test_every_packaged_year_registered_as_the_package_says_is_accepted(year: int) -> None:
    # the schedule's answers equal chinese-calendar's on every day of the year and every day it lists
    with registered_official_year(packaged(year)) as schedule:
        assert wd.registered_official_years()[year] is schedule
    if year == 2026:
        with registered_official_year(packaged(year)):
            assert not wd.is_working_day(D(2026, 10, 7))
            assert wd.is_working_day(D(2026, 10, 10))


def test_a_packaged_year_is_replaced_only_with_replace_true() -> None:
    corrected = packaged(2026)
    corrected = attrs.evolve(corrected, holidays=corrected.holidays | {D(2026, 10, 8)})
    with pytest.raises(InvalidInput) as caught:
        vc.register_official_year(
            2026, holidays=corrected.holidays, workdays=corrected.workdays, source=corrected.source
        )
    assert caught.value.code == "calendar.conflict"
    assert "2026-10-08" in caught.value.message_en
    assert "chinese-calendar" in caught.value.message_en
    assert wd.is_working_day(D(2026, 10, 8))
    with registered_official_year(corrected, replace=True):
        assert not wd.is_working_day(D(2026, 10, 8))
    assert wd.is_working_day(D(2026, 10, 8))  # the package answers again


def test_registering_the_same_schedule_again_is_accepted_a_different_one_refused() -> None:
    with registered_official_year(example_2027()) as first:
        with registered_official_year(example_2027(source="另一份引文 another citation")) as again:
            assert wd.registered_official_years()[2027] is again
        assert wd.registered_official_years()[2027] is first  # restored
        other = attrs.evolve(first, workdays=first.workdays - {D(2027, 10, 9)})
        with pytest.raises(InvalidInput) as caught:
            wd.register_official_year(2027, holidays=other.holidays, workdays=other.workdays, source="x")
        assert caught.value.code == "calendar.conflict"
        assert "2027-10-09" in caught.value.message_en
        assert "registered" in caught.value.message_en
        with registered_official_year(other, replace=True):
            assert not wd.is_working_day(D(2027, 10, 9))
        assert wd.is_working_day(D(2027, 10, 9))


def test_the_december_bridge_refines_the_year_before() -> None:
    # 2030-01-01 is a Tuesday: say 2029-12-30 … 2030-01-01 off and Saturday 2029-12-29 worked (an example)
    bridge = make(2030, holidays=[(D(2029, 12, 30), D(2030, 1, 1))], workdays=[D(2029, 12, 29)])
    with registered_official_year(bridge):
        assert wd.is_working_day(D(2029, 12, 29))
        assert not wd.is_working_day(D(2029, 12, 31))
        with pytest.raises(wd.CalendarUnknown):
            wd.is_working_day(D(2029, 12, 28))  # 2029 itself is not known
        assert 2029 not in wd.known_years()
    # into a packaged year: 2026-12-31 is an ordinary Thursday there, a later notice may give it off
    assert wd.is_working_day(D(2026, 12, 31))
    with registered_official_year(make(2027, holidays=[(D(2026, 12, 31), D(2027, 1, 1))])):
        assert not wd.is_working_day(D(2026, 12, 31))
    assert wd.is_working_day(D(2026, 12, 31))


def test_the_bridge_may_not_contradict_a_day_another_notice_lists() -> None:
    # the packaged 2019 notice has Saturday 2018-12-29 worked
    assert wd.is_working_day(D(2018, 12, 29))
    replacing_2019 = attrs.evolve(packaged(2019), holidays=packaged(2019).holidays | {D(2018, 12, 29)})
    with pytest.raises(InvalidInput) as caught:
        wd._register(replacing_2019, replace=False)
    assert caught.value.code == "calendar.conflict"
    assert "2018-12-29" in caught.value.message_en


def test_the_with_block_restores_after_an_error() -> None:
    with pytest.raises(RuntimeError), registered_official_year(example_2027()):
        raise RuntimeError("boom")
    assert 2027 not in wd.known_years()


def test_only_an_official_year_is_registered() -> None:
    with pytest.raises(InvalidInput):
        wd._register({"year": 2027}, replace=False)  # type: ignore[arg-type]


def test_the_unknown_year_error_lists_what_is_registered() -> None:
    with registered_official_year(example_2027()), pytest.raises(wd.CalendarUnknown) as caught:
        wd.is_working_day(D(2028, 3, 1))
    assert "registered: 2027" in caught.value.message_en
    assert "已登记：2027" in caught.value.message_zh


# --- threads --------------------------------------------------------------------------------------------


def test_concurrent_registrations_and_reads_are_consistent() -> None:
    years = range(2040, 2056)
    schedules = {y: make(y, holidays=[(D(y, 1, 1), D(y, 1, 7))]) for y in years}
    barrier = threading.Barrier(len(years) + 4)
    errors: list[BaseException] = []
    stop = threading.Event()

    def register(year: int) -> None:
        barrier.wait()
        wd._register(schedules[year], replace=False)

    def read() -> None:
        barrier.wait()
        while not stop.is_set():
            for year in years:
                try:
                    assert not wd.is_working_day(D(year, 1, 7))  # a registered year answers fully
                    assert wd.is_working_day(D(year, 1, 8)) == (D(year, 1, 8).weekday() < 5)
                except wd.CalendarUnknown:
                    pass  # not registered yet
                except BaseException as err:  # pragma: no cover - the failure reported below
                    errors.append(err)

    threads = [threading.Thread(target=register, args=(y,)) for y in years]
    threads += [threading.Thread(target=read) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads[: len(years)]:
            thread.join()
        stop.set()
        for thread in threads:
            thread.join()
        assert errors == []
        assert set(wd.registered_official_years()) == set(years)
    finally:
        for schedule in schedules.values():
            wd._unregister(schedule, None)


def test_of_two_different_schedules_of_one_year_at_once_exactly_one_is_registered() -> None:
    first = make(2041, holidays=[(D(2041, 1, 1), D(2041, 1, 3))])
    second = make(2041, holidays=[(D(2041, 1, 1), D(2041, 1, 4))])
    barrier = threading.Barrier(2)
    refused: list[str] = []

    def register(schedule: OfficialYear) -> None:
        barrier.wait()
        try:
            wd._register(schedule, replace=False)
        except InvalidInput as err:
            refused.append(err.code)

    threads = [threading.Thread(target=register, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert refused == ["calendar.conflict"]
        assert wd.registered_official_years()[2041] in (first, second)
    finally:
        wd._unregister(wd.registered_official_years()[2041], None)


# --- the property ---------------------------------------------------------------------------------------


@st.composite
def schedules(draw: st.DrawFn) -> OfficialYear:
    year = draw(st.integers(2031, 2099))
    first = D(year - 1, 12, 25)
    days = [first + timedelta(days=n) for n in range((D(year, 12, 31) - first).days + 1)]
    holidays = draw(st.sets(st.sampled_from(days), max_size=40)) | {D(year, 1, 1)}
    weekend = [d for d in days if d.weekday() >= 5 and d not in holidays]
    workdays = draw(st.sets(st.sampled_from(weekend), max_size=10))
    return OfficialYear(year=year, holidays=holidays, workdays=workdays, source="示例 generated")


@settings(max_examples=40, deadline=None)
@given(schedules())
def test_a_registered_year_answers_exactly_as_its_schedule_says(schedule: OfficialYear) -> None:
    year = schedule.year
    first, last = D(year - 1, 12, 25), D(year, 12, 31)
    with registered_official_year(schedule):
        day = first
        expected_count = 0
        while day <= last:
            expected = day in schedule.workdays or (day.weekday() < 5 and day not in schedule.holidays)
            if day.year == year or day in schedule.holidays or day in schedule.workdays:
                assert wd.is_working_day(day) is expected, day
                expected_count += expected and day.year == year
            day += timedelta(days=1)
        assert wd.working_days_between(D(year - 1, 12, 31), last) == expected_count
    with pytest.raises(wd.CalendarUnknown):
        wd.is_working_day(D(year, 6, 1))
