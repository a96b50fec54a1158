"""A referral resolved in a later period than it was referred shows in both: the 公示 of year Y lists every
referral referred or resolved in Y, the half-year report every one referred or resolved in the half, each
with its outcome as known at ``as_of`` or the period's end (a referral resolved after that is 办理中) — on
every storage."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from forms_support import organ, stock
from test_export import read_csv, read_xlsx, split
from test_export_claimants import text

from volunteer_core import Wish, forms, services
from volunteer_core.forms import HEADERS
from volunteer_core.ports import UnitOfWork

LATER = date(2028, 3, 1)  # every year of the test is over


def referred(
    uow: UnitOfWork,
    wish_id: str,
    content: str,
    referred_on: date,
    resolved: date | None,
    fulfilled: bool = True,
) -> None:
    services.collect_wish(
        uow,
        Wish(
            id=wish_id,
            beneficiary_id="p3",
            kind="policy",
            content=content,
            collected_on=referred_on - timedelta(days=1),
        ),
    )
    services.refer_wish(uow, wish_id, to=f"{content}办", on=referred_on, reason="党员力所不及")
    if resolved is not None:
        services.resolve_referral(
            uow, wish_id, on=resolved, fulfilled=fulfilled, outcome="已办" if fulfilled else "不符合条件"
        )


def across(uow: UnitOfWork) -> UnitOfWork:
    """Four referrals: 甲 referred 2025-12-02, fulfilled 2026-01-05; 乙 referred 2025-12-10, closed unmet
    2026-07-02; 丙 referred 2025-06-01, fulfilled 2025-08-01; 丁 referred 2026-12-20, fulfilled 2027-01-10."""
    referred(uow, "r1", "甲", date(2025, 12, 2), date(2026, 1, 5))
    referred(uow, "r2", "乙", date(2025, 12, 10), date(2026, 7, 2), fulfilled=False)
    referred(uow, "r3", "丙", date(2025, 6, 1), date(2025, 8, 1))
    referred(uow, "r4", "丁", date(2026, 12, 20), date(2027, 1, 10))
    return uow


def export(
    kind: str, tmp_path: Path, uow: UnitOfWork | None = None, suffix: str = ".csv", **options: Any
) -> Any:
    """(title lines, rows as dicts by header) of the form, written on :data:`LATER` unless ``on=``."""
    unit = uow or across(organ())
    on = options.pop("on", LATER)
    path = forms.export(kind, unit, tmp_path / f"{kind}{suffix}", on=on, **options)
    rows = read_csv(path) if suffix == ".csv" else read_xlsx(path)
    titles, data = split(rows, kind)
    return [t[0] for t in titles], [dict(zip(HEADERS[kind], map(text, r), strict=False)) for r in data]


def referrals(rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return [(r["转介部门"], r["转介日期"], r["办理结果"]) for r in rows if r["转介心愿"]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_notice_lists_a_referral_in_the_year_it_was_resolved_with_its_outcome(
    tmp_path: Path, suffix: str
) -> None:
    _, rows = export("notice", tmp_path, year=2026, suffix=suffix)
    assert referrals(rows) == [
        ("甲办", "2025-12-02", "已落实：已办"),
        ("乙办", "2025-12-10", "未落实：不符合条件"),
        ("丁办", "2026-12-20", "办理中"),  # resolved in 2027: open at the year's end
    ]


def test_the_notice_of_the_year_of_referral_shows_the_outcome_known_at_its_end(tmp_path: Path) -> None:
    _, rows = export("notice", tmp_path, year=2025)
    assert referrals(rows) == [
        ("丙办", "2025-06-01", "已落实：已办"),
        ("甲办", "2025-12-02", "办理中"),
        ("乙办", "2025-12-10", "办理中"),
    ]
    _, rows = export("notice", tmp_path, year=2027)
    assert referrals(rows) == [("丁办", "2026-12-20", "已落实：已办")]
    _, rows = export("notice", tmp_path, year=2024)
    assert referrals(rows) == []


def test_a_resolution_is_listed_from_its_day_as_of(tmp_path: Path) -> None:
    _, rows = export("notice", tmp_path, year=2026, as_of=date(2026, 7, 1))
    assert referrals(rows) == [
        ("甲办", "2025-12-02", "已落实：已办")
    ]  # 乙 not resolved yet, not referred in 2026
    _, rows = export("notice", tmp_path, year=2026, as_of=date(2026, 7, 2))
    assert ("乙办", "2025-12-10", "未落实：不符合条件") in referrals(rows)
    _, rows = export("notice", tmp_path, year=2026, as_of=date(2026, 1, 4))
    assert referrals(rows) == []
    _, rows = export("notice", tmp_path, year=2026, as_of=date(2026, 1, 5))
    assert referrals(rows) == [("甲办", "2025-12-02", "已落实：已办")]


def test_an_as_of_after_the_year_still_judges_at_the_years_end(tmp_path: Path) -> None:
    _, rows = export("notice", tmp_path, year=2026, as_of=date(2027, 2, 1))
    assert ("丁办", "2026-12-20", "办理中") in referrals(rows)


def test_the_numbers_run_on_through_the_referral_rows(tmp_path: Path) -> None:
    _, rows = export("notice", tmp_path, year=2026)
    assert [r["序号"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_half_year_lists_referrals_resolved_in_it_apart(tmp_path: Path, suffix: str) -> None:
    titles, _ = export("half_year", tmp_path, year=2026, half=1, suffix=suffix)
    assert "全单位本期转介微心愿 0 个" in titles
    assert "前期转介、本期办结微心愿 1 个（已落实 1 个，未落实 0 个）" in titles
    assert [t for t in titles if t.startswith("转介：")] == [
        "转介：陈**（文献社区）：甲 → 甲办（2025-12-02）：已落实：已办"
    ]
    titles, _ = export("half_year", tmp_path, year=2026, half=2, suffix=suffix)
    assert "全单位本期转介微心愿 1 个（已落实 0 个，未落实 0 个，办理中 1 个）" in titles
    assert "前期转介、本期办结微心愿 1 个（已落实 0 个，未落实 1 个）" in titles
    assert [t for t in titles if t.startswith("转介：")] == [
        "转介：陈**（文献社区）：乙 → 乙办（2025-12-10）：未落实：不符合条件",
        "转介：陈**（文献社区）：丁 → 丁办（2026-12-20）：办理中",
    ]


def test_the_half_year_knows_a_resolution_from_its_day(tmp_path: Path) -> None:
    titles, _ = export("half_year", tmp_path, year=2026, half=2, as_of=date(2026, 7, 1))
    assert not any(t.startswith("前期转介") for t in titles)
    assert not any(t.startswith("转介：") for t in titles)
    titles, _ = export("half_year", tmp_path, year=2026, half=2, as_of=date(2026, 7, 2))
    assert "前期转介、本期办结微心愿 1 个（已落实 0 个，未落实 1 个）" in titles


def test_a_half_without_carried_referrals_has_no_such_line(tmp_path: Path) -> None:
    titles, _ = export("half_year", tmp_path, year=2025, half=1)
    assert (
        "全单位本期转介微心愿 1 个（已落实 0 个，未落实 0 个，办理中 1 个）" in titles
    )  # 丙, resolved in H2
    assert not any(t.startswith("前期转介") for t in titles)
    titles, _ = export("half_year", tmp_path, year=2025, half=2)
    assert "全单位本期转介微心愿 2 个（已落实 0 个，未落实 0 个，办理中 2 个）" in titles
    assert "前期转介、本期办结微心愿 1 个（已落实 1 个，未落实 0 个）" in titles


def test_on_every_storage_the_notice_and_the_half_year_show_the_same(tmp_path: Path, make_uow: Any) -> None:
    stored = make_uow()
    stock(stored)
    across(stored)
    memory = across(organ())
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("notice", {"year": 2026}, "甲办"),  # referred in 2025, resolved in 2026
        ("notice", {"year": 2025}, "甲办"),
        ("half_year", {"year": 2026, "half": 1}, "甲办"),
        ("half_year", {"year": 2026, "half": 2}, "乙办"),  # referred in 2025, closed in 2026 H2
    ]
    for kind, options, department in cases:
        shown = export(kind, tmp_path, uow=stored, **options)
        assert shown == export(kind, tmp_path, uow=memory, **options)
        assert department in str(shown)
