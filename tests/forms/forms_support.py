"""Shared data for the forms tests: a small organ, its beneficiaries and wishes, and a 附件1 writer."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from volunteer_core import (
    Beneficiary,
    Branch,
    BranchPlan,
    HalfYearReport,
    Member,
    Organisation,
    PlanItem,
    Supporter,
    Wish,
    services,
)
from volunteer_core.forms import HEADERS
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryUnitOfWork

YEAR = 2026
HEADER = HEADERS["wish_collection"]


def id_number(body: str) -> str:
    """A GB 11643 number: 17 digits and their check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


ELDER_ID = id_number("35030219480312001")  # a man born 1948-03-12 (odd 17th digit)
CHILD_ID = id_number("35030220150601002")  # a girl born 2015-06-01


def bad_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def beneficiaries() -> list[Beneficiary]:
    return [
        Beneficiary(
            id="p1",
            name="王德福",
            category="elderly",
            community="凤山社区",
            id_number=ELDER_ID,
            phone="13912344859",
            address="福建省莆田市城厢区凤山社区8号楼2单元301",
            gender="male",
        ),
        Beneficiary(
            id="p2",
            name="林小美",
            category="child",
            community="龙桥社区",
            id_number=CHILD_ID,
            phone="0594-2345678",
            address="福建省莆田市城厢区龙桥社区3号",
            gender="female",
        ),
        Beneficiary(id="p3", name="陈阿婆", category="hardship", community="文献社区"),
    ]


def collected_wishes() -> list[Wish]:
    return [
        Wish(
            id="w1",
            beneficiary_id="p1",
            kind="material",
            content="一台电饭煲",
            collected_on=date(YEAR, 5, 1),
            value="300.00",
            evidence="低保证",
        ),
        Wish(
            id="w2",
            beneficiary_id="p2",
            kind="cultural",
            content="=一套课外读物",  # starts like a formula
            collected_on=date(YEAR, 5, 2),
            value="120.50",
        ),
        Wish(
            id="w3",
            beneficiary_id="p3",
            kind="service",
            content="每周陪护聊天",
            collected_on=date(YEAR, 5, 3),
        ),
        Wish(
            id="w4",
            beneficiary_id="p1",
            kind="policy",
            content="咨询高龄津贴申领",
            collected_on=date(YEAR, 5, 4),
            evidence="@身份证复印件",
        ),
    ]


def organ() -> InMemoryUnitOfWork:
    """:func:`stock` in memory."""
    uow = InMemoryUnitOfWork()
    stock(uow)
    return uow


def stock(uow: UnitOfWork) -> None:
    """An organisation tree (o1 工委 → o2, o3 机关党委), two branches (b1 under o2, b2 under o3), three
    members, two supporters, three beneficiaries, four collected wishes, a plan and a report."""
    services.add_entities(
        uow,
        [
            Organisation(id="o1", name="市直机关工委", kind="work_committee"),
            Organisation(id="o2", name="市财政局机关党委", kind="organ_party_committee", parent_id="o1"),
            Organisation(id="o3", name="市民政局机关党委", kind="organ_party_committee", parent_id="o1"),
            Branch(id="b1", name="办公室党支部", organisation_id="o2"),
            Branch(id="b2", name="政策法规处党支部", organisation_id="o3"),
            Supporter(id="s1", name="林爱心", kind="caring_person", contact="13700002222"),
            Supporter(id="s2", name="凤山社区慈善会", kind="social_organisation"),
            Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), phone="13800001111"),
            Member(id="m2", name="李四", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"}),
            Member(id="m3", name="欧阳修", branch_id="b2", joined_on=date(2020, 1, 1)),
            *beneficiaries(),
            BranchPlan(
                id="plan1",
                branch_id="b1",
                year=YEAR,
                submitted_on=date(YEAR, 5, 10),
                items=[
                    PlanItem(
                        line="pairing",
                        target="城厢区社会福利院：孤残儿童42名",
                        measures="每月走访",
                        scheduled="全年",
                        mode="solo",
                    ),
                    PlanItem(
                        line="festival",
                        target="凤山社区空巢老人",
                        measures="中秋送月饼",
                        scheduled="9月",
                        mode="joint_branches",
                    ),
                ],
            ),
            HalfYearReport(
                id="r1",
                branch_id="b1",
                year=YEAR,
                half=1,
                submitted_on=date(YEAR, 6, 28),
                summary="上半年走访6次",
            ),
        ],
    )
    for wish in collected_wishes():
        services.collect_wish(uow, wish)


def fulfil_one(uow: UnitOfWork) -> None:
    """w1: screened, published, claimed by m1 (200) and m3 (100), fulfilled on 2026-06-01."""
    services.screen_wish(uow, "w1", approved=True, on=date(YEAR, 5, 5))
    services.publish_wish(uow, "w1", on=date(YEAR, 5, 6))
    services.claim_wish(uow, "w1", "m1", on=date(YEAR, 5, 7), pledged="200")
    services.claim_wish(uow, "w1", "m3", on=date(YEAR, 5, 8))
    services.fulfil_wish(uow, "w1", on=date(YEAR, 6, 1))


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    titles: Sequence[str] = (),
) -> Path:
    """A 附件1 as a person would fill it: title lines, the header, the rows (UTF-8 with BOM)."""
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        for title in titles:
            writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def row(**cells: object) -> list[object]:
    """One 附件1 row by field name; what is not given is blank."""
    names = {
        "number": "序号",
        "name": "姓名",
        "gender": "性别",
        "age": "年龄",
        "address": "家庭住址",
        "content": "心愿内容",
        "evidence": "申领证明材料",
        "phone": "联系电话",
        "id_number": "身份证号码",
        "category": "服务对象类别",
        "community": "所在社区（村）",
        "kind": "心愿类别",
        "value": "心愿价值（元）",
        "collected_on": "征集日期",
    }
    values = {names[key]: value for key, value in cells.items()}
    return [values.get(h) for h in HEADER]


def good_row(**overrides: object) -> list[object]:
    cells: dict[str, object] = {
        "number": 1,
        "name": "赵大爷",
        "gender": "男",
        "age": 80,
        "address": "福建省莆田市城厢区凤山社区9号",
        "content": "助行器一个",
        "category": "老",
        "community": "凤山社区",
        "value": "200元",
        "collected_on": "2026-05-01",
    }
    cells.update(overrides)
    return row(**cells)
