"""The 活动开展情况 form (half_year) carries 四覆盖 (002 §三) as a title line under a policy that asks for it
(PUTIAN_2022), counting what is known by the end of the half-year; other policies print no such line."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import attrs
from forms_support import YEAR, organ

from volunteer_core import Activity, Member, Team, forms, policies, services
from volunteer_core.storage.memory import InMemoryUnitOfWork


def titles(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "支部名称")
    return [r[0] for r in rows[:header]]


def coverage_lines(path: Path) -> list[str]:
    return [t for t in titles(path) if t.startswith("四覆盖")]


def prepared() -> InMemoryUnitOfWork:
    """organ(): b1 with 张三 (m1) and 李四 (m2), b2 with 欧阳修 (m3); m1 registered and trained in March,
    m2 registered in August, b1 has a team."""
    uow = organ()
    with uow:
        m1, m2 = uow.members.get("m1"), uow.members.get("m2")
        uow.members.update(attrs.evolve(m1, registered_on=date(2021, 1, 1)))
        uow.members.update(attrs.evolve(m2, registered_on=date(YEAR, 8, 1)))
        uow.commit()
    services.add_entities(
        uow,
        [
            Team(id="t1", branch_id="b1", name="先锋队"),
            Activity(id="tr1", kind="training", branch_id="b1", on=date(YEAR, 3, 10), title="志愿服务培训"),
        ],
    )
    services.record_service(uow, member_id="m1", activity_id="tr1", minutes=120)
    return uow


def test_putian_prints_the_coverage_of_the_half_year(tmp_path: Path) -> None:
    uow = prepared()
    h1 = forms.export("half_year", uow, tmp_path / "h1.csv", year=YEAR, half=1, policy=policies.PUTIAN_2022)
    assert coverage_lines(h1) == [
        "四覆盖（截至 2026-06-30）：组织动员 1/2 个支部，注册登记 1/3、接受培训 1/3、参加志愿服务 1/3 名党员"
    ]
    h2 = forms.export("half_year", uow, tmp_path / "h2.csv", year=YEAR, half=2, policy=policies.PUTIAN_2022)
    assert coverage_lines(h2) == [
        "四覆盖（截至 2026-12-31）：组织动员 1/2 个支部，注册登记 2/3、接受培训 1/3、参加志愿服务 1/3 名党员"
    ]


def test_one_branch_counts_its_own_members(tmp_path: Path) -> None:
    path = forms.export(
        "half_year",
        prepared(),
        tmp_path / "b1.csv",
        year=YEAR,
        half=2,
        branch_id="b1",
        policy=policies.PUTIAN_2022,
    )
    assert coverage_lines(path) == [
        "四覆盖（截至 2026-12-31）：组织动员 1/1 个支部，注册登记 2/2、接受培训 1/2、参加志愿服务 1/2 名党员"
    ]


def test_a_policy_without_coverage_prints_no_line(tmp_path: Path) -> None:
    path = forms.export("half_year", prepared(), tmp_path / "d.csv", year=YEAR, half=2)
    assert coverage_lines(path) == []
    assert titles(path)[0].endswith("下半年志愿服务活动开展情况")


def test_a_member_who_joins_after_the_half_year_is_not_counted_in_it(tmp_path: Path) -> None:
    uow = prepared()
    services.add_entities(uow, [Member(id="m9", name="新党员", branch_id="b1", joined_on=date(YEAR, 9, 1))])

    def b1(half: int) -> list[str]:
        path = tmp_path / f"h{half}.csv"
        return coverage_lines(
            forms.export(
                "half_year", uow, path, year=YEAR, half=half, branch_id="b1", policy=policies.PUTIAN_2022
            )
        )

    assert b1(1) == [
        "四覆盖（截至 2026-06-30）：组织动员 1/1 个支部，注册登记 1/2、接受培训 1/2、参加志愿服务 1/2 名党员"
    ]
    assert b1(2) == [
        "四覆盖（截至 2026-12-31）：组织动员 1/1 个支部，注册登记 2/3、接受培训 1/3、参加志愿服务 1/3 名党员"
    ]
