"""Star levels: table-driven, inclusive, confirmed minutes only; the yearly-reset party-member table."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from volunteer_core import InvalidInput, Member, ServiceRecord, member_star_level, policies, star_level
from volunteer_core.policy import NATIONAL_STARS, PARTY_MEMBER_YEARLY_STARS, STAR_TABLES, StarTable

D = date
M = Member(id="m1", name="张三", branch_id="b1", joined_on=D(2015, 1, 1))
YEARLY = policies.DEFAULT.with_stars(PARTY_MEMBER_YEARLY_STARS)


def rec(rid: str, on: date, minutes: int, **kw: object) -> ServiceRecord:
    return ServiceRecord(
        id=rid,
        member_id=kw.pop("member_id", "m1"),  # type: ignore[arg-type]
        activity_id="a1",
        branch_id="b1",
        kind="community_service",
        on=on,
        minutes=minutes,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("minutes", "level"),
    [
        (0, 0),
        (5994, 0),  # 99.9 hours
        (5999, 0),  # 99 h 59 min
        (6000, 1),  # 100 hours
        (300 * 60 - 1, 1),
        (300 * 60, 2),
        (600 * 60, 3),
        (1000 * 60, 4),
        (1500 * 60 - 1, 4),
        (1500 * 60, 5),
        (10**7, 5),
        (-60, 0),
    ],
)
def test_national_thresholds_are_inclusive(minutes: int, level: int) -> None:
    assert star_level(minutes) == level


def test_the_default_table_is_the_national_one() -> None:
    assert (
        policies.DEFAULT.star_thresholds_hours
        == NATIONAL_STARS.thresholds_hours
        == (100, 300, 600, 1000, 1500)
    )
    assert not policies.DEFAULT.star_yearly_reset
    assert set(STAR_TABLES) == {"NATIONAL_STARS", "PARTY_MEMBER_YEARLY_STARS"}


@pytest.mark.parametrize(
    ("minutes", "level"),
    [(479, 0), (480, 1), (599, 1), (600, 2), (899, 2), (900, 3), (1199, 3), (1200, 4), (1499, 4), (1500, 5)],
)
def test_party_member_table(minutes: int, level: int) -> None:
    assert star_level(minutes, YEARLY) == level


def test_star_level_refuses_what_is_not_whole_minutes() -> None:
    with pytest.raises(InvalidInput):
        star_level(6000.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        star_level(True)


def test_member_star_level_counts_confirmed_minutes_up_to_as_of() -> None:
    records = [
        rec("r1", D(2024, 6, 1), 1440),
        rec("r2", D(2025, 6, 1), 1440),
        rec("r3", D(2025, 6, 2), 1440),
        rec("r4", D(2025, 6, 3), 1440),
        rec("r5", D(2025, 7, 1), 240),  # 100 hours in all on 2025-07-01
        rec("p1", D(2025, 7, 2), 1440, status="pending"),
        rec("x1", D(2025, 7, 3), 1440, status="rejected"),
        rec("o1", D(2025, 7, 4), 1440, member_id="m2"),
    ]
    assert member_star_level(M, records, as_of=D(2025, 6, 30)) == 0
    assert member_star_level(M, records, as_of=D(2025, 7, 1)) == 1
    assert member_star_level(M, records, as_of=D(2025, 12, 31)) == 1  # pending / rejected / others ignored
    reversal = records[4].reversal(id="rv", recorded_on=D(2025, 8, 1))
    assert member_star_level(M, [*records, reversal], as_of=D(2025, 12, 31)) == 0


def test_yearly_reset_counts_only_the_year_of_as_of() -> None:
    records = [rec("r1", D(2024, 12, 31), 600), rec("r2", D(2025, 1, 1), 480)]
    assert member_star_level(M, records, as_of=D(2024, 12, 31), policy=YEARLY) == 2  # 10 h in 2024
    assert member_star_level(M, records, as_of=D(2025, 1, 1), policy=YEARLY) == 1  # 8 h in 2025
    assert member_star_level(M, records, as_of=D(2025, 1, 1)) == 0  # cumulative 18 h: no national star


def test_member_star_level_needs_a_date() -> None:
    with pytest.raises(InvalidInput):
        member_star_level(M, [], as_of="2025-01-01")  # type: ignore[arg-type]


@pytest.mark.parametrize("table", [(100, 100), (300, 100), (0, 10), (1, 2, 3, 4, 5, 6), (1.5,), ("8",)])
def test_star_tables_are_validated(table: tuple[object, ...]) -> None:
    with pytest.raises(InvalidInput):
        attrs.evolve(policies.DEFAULT, star_thresholds_hours=table)
    with pytest.raises(InvalidInput):
        StarTable(name="bad", thresholds_hours=table)


def test_a_table_of_fewer_levels_is_allowed() -> None:
    three = attrs.evolve(policies.DEFAULT, star_thresholds_hours=[10, 20, 30])
    assert three.star_thresholds_hours == (10, 20, 30)
    assert star_level(10**6, three) == 3
