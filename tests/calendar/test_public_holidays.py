"""The official public holidays as festivals, and MEILIE_2017's 节假日 visits (issue 16).

003 §三（一）1 asks for 「节假日探望」 of 空巢老人: under MEILIE_2017 a FESTIVAL activity is judged against
every official public holiday (元旦, 春节, 清明, 五一, 端午, 中秋, 国庆), and 3·5 / 12·5 — the 重要节点 of its
大型便民利民志愿服务 (§三（二）5) — stay in the list.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import Activity, policies
from volunteer_core.calendar import festival_dates as cal
from volunteer_core.calendar import festivals, nearest_festival, within_festival_window
from volunteer_core.rules import check_festival_window

MEILIE = policies.MEILIE_2017


def qingming(year: int) -> date:
    (festival,) = [f for f in festivals(year, MEILIE) if f.key == "qingming"]
    return festival.on


def visit(on: date) -> Activity:
    return Activity(id="a1", kind="festival", branch_id="b1", on=on, title="节假日探望空巢老人")


# --- 清明 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", range(2008, 2027))
def test_qingming_is_the_official_holiday(year: int) -> None:
    # 清明 has been a public holiday since 2008: chinese-calendar's data names the day
    assert chinese_calendar.get_holiday_detail(qingming(year)) == (True, "Tomb-sweeping Day")


def test_qingming_falls_on_4_or_5_april() -> None:
    assert {(qingming(y).month, qingming(y).day) for y in range(cal.MIN_YEAR, cal.MAX_YEAR + 1)} == {
        (4, 4),
        (4, 5),
    }
    # the sun reaches 15° at 00:36 Beijing time on 2100-04-05 (an ephemeris; borax agrees)
    assert qingming(2100) == date(2100, 4, 5)
    assert qingming(2026) == date(2026, 4, 5)
    assert qingming(2025) == date(2025, 4, 4)


def test_the_public_holidays_are_the_seven() -> None:
    names = sorted(cal.FESTIVAL_NAMES[key][0] for key in cal.PUBLIC_HOLIDAYS)
    assert names == sorted(["元旦", "春节", "清明节", "五一劳动节", "端午节", "中秋节", "国庆节"])
    assert MEILIE.festivals >= cal.PUBLIC_HOLIDAYS


# --- MEILIE_2017 ------------------------------------------------------------------------------------------


def test_the_mid_autumn_visit_passes_under_meilie() -> None:
    # 中秋 2026 is 25 September; with only 3·5 and 12·5 the nearest was 国际志愿者日, 71 days away
    mid_autumn = date(2026, 9, 25)
    festival, distance = nearest_festival(mid_autumn, MEILIE)
    assert (festival.key, festival.name_zh, distance) == ("mid_autumn", "中秋节", 0)
    found = within_festival_window(mid_autumn, MEILIE)
    assert found is not None
    assert found.key == "mid_autumn"
    assert check_festival_window(visit(mid_autumn), MEILIE) == []
    old = attrs.evolve(MEILIE, festivals={"learn_from_leifeng", "volunteer_day"})
    (v,) = check_festival_window(visit(mid_autumn), old)
    assert (v.details["nearest"], v.details["distance_days"]) == ("volunteer_day", 71)


def test_the_3_5_and_12_5_services_are_kept() -> None:
    for day, key in ((date(2026, 3, 5), "learn_from_leifeng"), (date(2026, 12, 5), "volunteer_day")):
        found = within_festival_window(day, MEILIE)
        assert found is not None
        assert found.key == key


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2026, 3, 28), False),  # 8 days before 清明 2026-04-05 (3·5 is 23 days back)
        (date(2026, 3, 29), True),
        (date(2026, 4, 12), True),
        (date(2026, 4, 13), False),  # 8 days after (五一 is 18 days on)
    ],
)
def test_the_window_around_qingming_is_seven_days(day: date, inside: bool) -> None:
    assert (within_festival_window(day, MEILIE) is not None) is inside
    assert (check_festival_window(visit(day), MEILIE) == []) is inside


def test_a_day_far_from_every_holiday_is_still_flagged() -> None:
    # 2026-08-15: 中秋 is 41 days away, 端午 (06-19) 57 — 八一 is not a Meilie festival
    (v,) = check_festival_window(visit(date(2026, 8, 15)), MEILIE)
    assert (v.code, v.details["nearest"], v.details["distance_days"]) == (
        "activity.festival_window",
        "mid_autumn",
        41,
    )
    assert MEILIE.cite([v])[0].source == "003 §三（一）1, 003 §三（二）5"


@given(
    st.integers(cal.MIN_YEAR + 1, cal.MAX_YEAR - 1),
    st.sampled_from(sorted(cal.PUBLIC_HOLIDAYS)),
    st.integers(-7, 7),
)
def test_every_public_holiday_opens_a_seven_day_window_under_meilie(year: int, key: str, shift: int) -> None:
    (holiday,) = [f for f in festivals(year, MEILIE) if f.key == key]
    assert check_festival_window(visit(holiday.on + timedelta(days=shift)), MEILIE) == []
