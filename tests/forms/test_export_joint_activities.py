"""The 活动开展情况 form (half_year) counts an activity for every branch that organises it: its lead,
its co-organisers (``Activity.branch_ids``) and the branches of its joint pairing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from volunteer_core import Activity, ActivityKind, Branch, DateRange, Member, Pairing, forms, services
from volunteer_core.forms import HEADERS
from volunteer_core.storage.memory import InMemoryUnitOfWork

YEAR = 2026
PAIRING_COLUMN = f"{ActivityKind.PAIRING.label_zh}（次）"
CARING_COLUMN = f"{ActivityKind.CARING_ACTION.label_zh}（次）"


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    header = list(HEADERS["half_year"])
    start = next(i for i, r in enumerate(rows) if r[: len(header)] == header) + 1
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows[start:]}


def test_joint_and_co_organised_activities_count_for_every_organising_branch(tmp_path: Path) -> None:
    uow = InMemoryUnitOfWork()
    services.add_entities(
        uow,
        [
            Branch(id="b1", name="一支部"),
            Branch(id="b2", name="二支部"),
            Branch(id="b3", name="三支部"),
            *(
                Member(id=f"m{i}", name="甲", branch_id=f"b{i}", joined_on=date(2020, 1, 1))
                for i in (1, 2, 3)
            ),
        ],
    )
    services.register_pairing(
        uow,
        Pairing(
            id="p1",
            branch_ids={"b1", "b2"},
            target_id="u1",
            mode="joint_branches",
            period=DateRange(date(YEAR, 1, 1)),
        ),
    )
    services.add_entities(
        uow,
        [
            Activity(
                id="a1",
                kind="pairing",
                branch_id="b1",
                on=date(YEAR, 4, 3),
                title="联合走访",
                pairing_id="p1",
            ),
            Activity(
                id="a2",
                kind="caring_action",
                branch_id="b3",
                branch_ids={"b1"},
                on=date(YEAR, 5, 3),
                title="捐赠",
            ),
        ],
    )
    path = forms.export("half_year", uow, tmp_path / "h1.csv", year=YEAR, half=1, on=date(YEAR, 7, 1))
    rows = _rows(path)
    counts = {name: (row[PAIRING_COLUMN], row[CARING_COLUMN]) for name, row in rows.items()}
    assert counts == {"一支部": ("1", "1"), "二支部": ("1", "0"), "三支部": ("0", "1")}
