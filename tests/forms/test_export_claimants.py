"""The forms show who claimed — a member, or a supporter with its kind — and what became of the wishes
referred to a department (附件2, 附件3, 公示, 活动开展情况), in CSV and XLSX, on every storage."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from forms_support import YEAR, organ, stock
from test_export import read_csv, read_xlsx, split

from volunteer_core import Wish, forms, services
from volunteer_core.forms import HEADERS
from volunteer_core.ports import UnitOfWork

ON = date(YEAR, 12, 20)
SUFFIXES = [".csv", ".xlsx"]


def referrals_and_supporters(uow: UnitOfWork) -> UnitOfWork:
    """On the forms' organ: w1 (300 yuan) claimed by supporter s1 (150) and member m1 (150), fulfilled
    2026-06-01; w3 (a service) claimed by supporter s2; w2 referred 2026-05-10 to 城厢区教育局, fulfilled
    2026-06-15; w5 referred 2026-05-06, closed unmet 2026-07-01; w4 referred 2026-08-01, still open."""
    services.screen_wish(uow, "w1", approved=True, on=date(YEAR, 5, 5))
    services.publish_wish(uow, "w1", on=date(YEAR, 5, 6))
    services.claim_wish(uow, "w1", supporter_id="s1", on=date(YEAR, 5, 7), pledged="150")
    services.claim_wish(uow, "w1", "m1", on=date(YEAR, 5, 8))
    services.fulfil_wish(uow, "w1", on=date(YEAR, 6, 1))
    services.screen_wish(uow, "w3", approved=True, on=date(YEAR, 5, 5))
    services.publish_wish(uow, "w3", on=date(YEAR, 5, 6))
    services.claim_wish(uow, "w3", supporter_id="s2", on=date(YEAR, 5, 9))
    services.refer_wish(uow, "w2", to="城厢区教育局", on=date(YEAR, 5, 10), reason="需成套购置")
    services.resolve_referral(uow, "w2", on=date(YEAR, 6, 15), fulfilled=True, outcome="已赠送")
    services.collect_wish(
        uow,
        Wish(
            id="w5",
            beneficiary_id="p3",
            kind="policy",
            content="申请廉租房",
            collected_on=date(YEAR, 5, 5),
        ),
    )
    services.refer_wish(uow, "w5", to="城厢区住建局", on=date(YEAR, 5, 6), reason="政策类需求")
    services.resolve_referral(uow, "w5", on=date(YEAR, 7, 1), fulfilled=False, outcome="不符合申请条件")
    services.refer_wish(uow, "w4", to="城厢区民政局", on=date(YEAR, 8, 1), reason="政策咨询")
    return uow


def text(cell: Any) -> str:
    """A cell as one text for CSV and XLSX alike: the CSV formula guard removed, a date as ISO, a number
    without trailing zeros (``150.00`` and ``150`` are one amount)."""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    value = str(cell)
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    try:
        return format(Decimal(value).normalize(), "f")
    except InvalidOperation:
        return value


def export(kind: str, tmp_path: Path, suffix: str, uow: UnitOfWork | None = None, **options: Any) -> Any:
    """(title lines, rows as dicts by header) of the form written as ``suffix``."""
    unit = uow or referrals_and_supporters(organ())
    path = forms.export(kind, unit, tmp_path / f"{kind}{suffix}", on=ON, **options)
    rows = read_csv(path) if suffix == ".csv" else read_xlsx(path)
    titles, data = split(rows, kind)
    return [t[0] for t in titles], [dict(zip(HEADERS[kind], map(text, r), strict=False)) for r in data]


def test_new_columns_come_after_the_old_ones_and_annex_1_is_unchanged() -> None:
    assert HEADERS["wish_claims"][-1] == "认领人类别"
    assert HEADERS["wish_claims"][:12][6:9] == ("圆梦党员姓名", "所在单位", "联系电话")
    assert HEADERS["wish_summary"][12:] == ("转介部门", "转介日期", "办理结果")
    assert HEADERS["notice"][:6] == (
        "序号",
        "支部名称",
        "党员姓名",
        "志愿服务时长（小时）",
        "达标情况",
        "圆梦微心愿",
    )
    assert HEADERS["notice"][6:] == ("社会认领人", "转介心愿", "转介部门", "转介日期", "办理结果")
    assert len(HEADERS["wish_collection"]) == 14


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_wish_claims_name_members_and_supporters_with_their_kind(tmp_path: Path, suffix: str) -> None:
    _, rows = export("wish_claims", tmp_path, suffix)
    shown = [
        (r["圆梦党员姓名"], r["所在单位"], r["联系电话"], r["认领金额（元）"], r["认领人类别"]) for r in rows
    ]
    assert shown == [
        ("林爱心", "", "137****2222", "150", "爱心人士"),
        ("张三", "办公室党支部", "138****1111", "150", "党员"),
        ("凤山社区慈善会", "", "", "", "社会组织"),
    ]
    assert rows[0]["落实日期"] == "2026-06-01"
    _, plain = export("wish_claims", tmp_path, suffix, masked=False)
    assert plain[0]["联系电话"] == "13700002222"
    _, b1 = export("wish_claims", tmp_path, suffix, branch_id="b1")
    assert [r["圆梦党员姓名"] for r in b1] == ["张三"]  # a supporter belongs to no branch


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_wish_summary_names_supporters_and_the_department_of_a_referral(tmp_path: Path, suffix: str) -> None:
    _, rows = export("wish_summary", tmp_path, suffix, year=YEAR)
    by_content = {r["心愿内容"]: r for r in rows}
    assert set(by_content) == {"一台电饭煲", "=一套课外读物"}
    cooker = by_content["一台电饭煲"]
    assert (cooker["圆梦党员"], cooker["联系方式"], cooker["转介部门"], cooker["办理结果"]) == (
        "张三、林爱心（爱心人士）",
        "138****1111、137****2222",
        "",
        "",
    )
    books = by_content["=一套课外读物"]
    assert (
        books["圆梦党员"],
        books["转介部门"],
        books["转介日期"],
        books["办理结果"],
        books["落实日期"],
    ) == (
        "",
        "城厢区教育局",
        "2026-05-10",
        "已落实：已赠送",
        "2026-06-15",
    )
    _, b1 = export("wish_summary", tmp_path, suffix, year=YEAR, branch_id="b1")
    assert [r["心愿内容"] for r in b1] == ["一台电饭煲"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_notice_lists_supporters_and_referred_wishes_with_department_and_outcome(
    tmp_path: Path, suffix: str
) -> None:
    titles, rows = export("notice", tmp_path, suffix, year=YEAR)
    members = [r for r in rows if r["党员姓名"]]
    assert [r["党员姓名"] for r in members] == ["张三", "李四", "欧阳修"]
    assert members[0]["圆梦微心愿"] == "王**（凤山社区）：一台电饭煲"
    assert all(r["社会认领人"] == r["转介心愿"] == "" for r in members)
    supporters = [r for r in rows if r["社会认领人"]]
    assert [(r["社会认领人"], r["圆梦微心愿"], r["支部名称"]) for r in supporters] == [
        ("林爱心（爱心人士）", "王**（凤山社区）：一台电饭煲", "")
    ]  # s2's wish is claimed, not fulfilled
    referred = [(r["转介心愿"], r["转介部门"], r["转介日期"], r["办理结果"]) for r in rows if r["转介心愿"]]
    assert referred == [
        ("陈**（文献社区）：申请廉租房", "城厢区住建局", "2026-05-06", "未落实：不符合申请条件"),
        ("林**（龙桥社区）：=一套课外读物", "城厢区教育局", "2026-05-10", "已落实：已赠送"),
        ("王**（凤山社区）：咨询高龄津贴申领", "城厢区民政局", "2026-08-01", "办理中"),
    ]
    assert [r["序号"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    body = "\n".join(titles) + str(rows)
    assert "陈阿婆" not in body
    assert "13700002222" not in body


def test_the_notice_knows_a_referral_as_of_its_date(tmp_path: Path) -> None:
    _, rows = export("notice", tmp_path, ".csv", year=YEAR, as_of=date(YEAR, 6, 30))
    referred = {r["转介部门"]: r["办理结果"] for r in rows if r["转介心愿"]}
    assert referred == {"城厢区住建局": "办理中", "城厢区教育局": "已落实：已赠送"}  # w4 not referred yet
    _, on_the_day = export("notice", tmp_path, ".csv", year=YEAR, as_of=date(YEAR, 7, 1))
    assert {r["转介部门"]: r["办理结果"] for r in on_the_day if r["转介心愿"]}["城厢区住建局"] == (
        "未落实：不符合申请条件"
    )
    _, branch = export("notice", tmp_path, ".csv", year=YEAR, branch_id="b1")
    assert [r["党员姓名"] for r in branch] == ["张三", "李四"]  # neither supporters nor referrals
    _, plain = export("notice", tmp_path, ".csv", year=YEAR, masked=False)
    assert "陈阿婆（文献社区）：申请廉租房" in {r["转介心愿"] for r in plain}


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_half_year_counts_supporters_claims_and_lists_the_referrals_of_the_half(
    tmp_path: Path, suffix: str
) -> None:
    titles, rows = export("half_year", tmp_path, suffix, year=YEAR, half=1)
    assert "社会认领人（社区志愿者、爱心人士、社会组织）本期认领微心愿 2 个" in titles
    assert "全单位本期转介微心愿 2 个（已落实 1 个，未落实 0 个，办理中 1 个）" in titles
    lines = [t for t in titles if t.startswith("转介：")]
    assert lines == [
        "转介：陈**（文献社区）：申请廉租房 → 城厢区住建局（2026-05-06）：办理中",
        "转介：林**（龙桥社区）：=一套课外读物 → 城厢区教育局（2026-05-10）：已落实：已赠送",
    ]
    b1 = next(r for r in rows if r["支部名称"] == "办公室党支部")
    assert (b1["认领心愿（个）"], b1["落实心愿（个）"]) == ("1", "1")  # m1's claim only
    titles, _ = export("half_year", tmp_path, suffix, year=YEAR, half=2)
    assert "全单位本期转介微心愿 1 个（已落实 0 个，未落实 0 个，办理中 1 个）" in titles
    assert not any(t.startswith("社会认领人") for t in titles)
    titles, _ = export("half_year", tmp_path, suffix, year=YEAR, half=1, uow=organ())
    assert "全单位本期转介微心愿 0 个" in titles


def test_on_every_storage_the_notice_and_the_summary_show_the_same(tmp_path: Path, make_uow: Any) -> None:
    stored = make_uow()
    stock(stored)
    referrals_and_supporters(stored)
    memory = referrals_and_supporters(organ())
    for kind, options in (
        ("notice", {"year": YEAR}),
        ("wish_summary", {"year": YEAR}),
        ("wish_claims", {}),
        ("half_year", {"year": YEAR, "half": 1}),
    ):
        assert export(kind, tmp_path, ".csv", uow=stored, **options) == export(
            kind, tmp_path, ".csv", uow=memory, **options
        )
