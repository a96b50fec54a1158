"""Exporting the forms: layout (titles, header, data, no footer), each kind's content, masking, the
formula guard in CSV and XLSX, arguments."""

from __future__ import annotations

import csv
import importlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from forms_support import CHILD_ID, ELDER_ID, YEAR, fulfil_one, organ

from volunteer_core import Member, forms, services
from volunteer_core.errors import InvalidInput, NotFound
from volunteer_core.forms import HEADERS, KINDS
from volunteer_core.storage.memory import InMemoryUnitOfWork

ON = date(YEAR, 12, 20)


def read_csv(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def read_xlsx(path: Path) -> list[list[Any]]:
    openpyxl = importlib.import_module("openpyxl")
    sheet = openpyxl.load_workbook(path).active
    return [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]


def split(rows: list[list[Any]], kind: str) -> tuple[list[list[Any]], list[list[Any]]]:
    """(title lines, data rows) around the header row, which must be there exactly."""
    header = list(HEADERS[kind])
    index = next(i for i, r in enumerate(rows) if list(r[: len(header)]) == header)
    return rows[:index], rows[index + 1 :]


def export(
    kind: str, tmp_path: Path, suffix: str = ".csv", uow: Any = None, **options: Any
) -> list[list[Any]]:
    path = forms.export(kind, uow or organ(), tmp_path / f"{kind}{suffix}", on=ON, **options)
    return read_csv(path) if suffix == ".csv" else read_xlsx(path)


def args_for(kind: str) -> dict[str, Any]:
    needs: dict[str, dict[str, Any]] = {
        "plan": {"branch_id": "b1", "year": YEAR},
        "half_year": {"year": YEAR, "half": 1},
        "notice": {"year": YEAR},
        "organisation_summary": {"year": YEAR},
    }
    return needs.get(kind, {})


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_form_is_titles_then_the_header_then_data(tmp_path: Path, kind: str, suffix: str) -> None:
    uow = organ()
    fulfil_one(uow)
    rows = export(kind, tmp_path, suffix, uow=uow, **args_for(kind))
    titles, data = split(rows, kind)
    assert titles
    assert all(len([c for c in t if c != ""]) <= 1 for t in titles)
    assert data, "every form has rows here"
    width = len(HEADERS[kind])
    assert all(len(r) <= width for r in data)
    bare = export(kind, tmp_path, suffix, uow=uow, titles=False, **args_for(kind))
    assert list(bare[0][:width]) == list(HEADERS[kind])


def test_wish_collection_masks_by_default_and_not_when_asked(tmp_path: Path) -> None:
    _, masked = split(export("wish_collection", tmp_path), "wish_collection")
    first = dict(zip(HEADERS["wish_collection"], masked[0], strict=True))
    assert first["姓名"] == "王**"
    assert first["身份证号码"] == ELDER_ID[:6] + "*" * 8 + ELDER_ID[-4:]
    assert first["联系电话"] == "139****4859"
    assert first["家庭住址"] == "福建省莆田市城厢区凤山社区***"
    assert (first["性别"], first["年龄"], first["服务对象类别"], first["心愿类别"]) == (
        "男",
        "78",
        "老",
        "生活物资",
    )
    assert (first["心愿价值（元）"], first["征集日期"], first["申领证明材料"]) == (
        "300.00",
        "2026-05-01",
        "低保证",
    )
    _, plain = split(export("wish_collection", tmp_path, masked=False), "wish_collection")
    assert [r[1] for r in plain] == ["王德福", "林小美", "陈阿婆", "王德福"]
    assert plain[1][8] == CHILD_ID


def test_the_csv_guards_formula_cells_and_the_xlsx_stores_them_as_text(tmp_path: Path) -> None:
    path = forms.export("wish_collection", organ(), tmp_path / "a.csv", masked=False)
    text = path.read_text(encoding="utf-8-sig")
    assert ",'=一套课外读物," in text
    assert ",'@身份证复印件," in text
    assert ",=" not in text
    assert ",@" not in text
    openpyxl = importlib.import_module("openpyxl")
    path = forms.export("wish_collection", organ(), tmp_path / "a.xlsx", masked=False)
    sheet = openpyxl.load_workbook(path).active
    cells = [
        c for r in sheet.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith(("=", "@"))
    ]
    assert {c.value for c in cells} == {"=一套课外读物", "@身份证复印件"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_a_member_named_like_a_formula_is_guarded_in_every_form(tmp_path: Path) -> None:
    uow = organ()
    services.add_entities(
        uow, [Member(id="m9", name="=cmd|' /C calc'!A0", branch_id="b1", joined_on=date(2020, 1, 1))]
    )
    text = forms.export("notice", uow, tmp_path / "n.csv", year=YEAR, on=ON).read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text


def test_the_notice_masks_beneficiaries_but_not_members(tmp_path: Path) -> None:
    uow = organ()
    fulfil_one(uow)
    titles, data = split(export("notice", tmp_path, uow=uow, year=YEAR), "notice")
    body = "\n".join(",".join(map(str, r)) for r in titles + data)
    assert "王德福" not in body
    assert "王**（凤山社区）：一台电饭煲" in body
    assert "张三" in body
    assert "欧阳修" in body
    assert ELDER_ID not in body
    assert "13912344859" not in body
    assert any("隐去" in t[0] for t in titles)
    by_member = {r[2]: r for r in data}
    assert by_member["张三"][5] == "王**（凤山社区）：一台电饭煲"
    assert by_member["李四"][5] == ""
    assert by_member["张三"][4] == "未达标"  # no hours at all
    _, plain = split(export("notice", tmp_path, uow=uow, year=YEAR, masked=False), "notice")
    assert "王德福（凤山社区）：一台电饭煲" in {r[5] for r in plain}


def test_a_notice_of_a_year_not_yet_over_is_judged_up_to_today(tmp_path: Path) -> None:
    titles, data = split(export("notice", tmp_path, year=YEAR, as_of=date(YEAR, 3, 31)), "notice")
    assert ["统计截至：2026-03-31"] in [list(t[:1]) for t in titles]
    assert {r[2] for r in data} == {"张三", "李四", "欧阳修"}


def test_wish_claims_one_row_per_live_claim_and_by_branch(tmp_path: Path) -> None:
    uow = organ()
    fulfil_one(uow)
    titles, data = split(export("wish_claims", tmp_path, uow=uow), "wish_claims")
    assert [(r[6], r[7], r[8], r[9], r[10], r[11]) for r in data] == [
        ("张三", "办公室党支部", "138****1111", "2026-05-07", "200.00", "2026-06-01"),
        ("欧阳修", "政策法规处党支部", "", "2026-05-08", "100.00", "2026-06-01"),
    ]
    assert data[0][1] == "王**"
    titles, data = split(export("wish_claims", tmp_path, uow=uow, branch_id="b1"), "wish_claims")
    assert [r[6] for r in data] == ["张三"]
    assert titles[0][0] == "办公室党支部在职党员“微心愿”活动认领落实表"
    _, none = split(export("wish_claims", tmp_path, uow=uow, year=YEAR - 1), "wish_claims")
    assert none == []


def test_wish_summary_lists_fulfilled_wishes_with_their_members(tmp_path: Path) -> None:
    uow = organ()
    fulfil_one(uow)
    titles, data = split(export("wish_summary", tmp_path, uow=uow, year=YEAR), "wish_summary")
    assert [t[0] for t in titles] == [
        "凤山社区“微心愿”活动落实情况汇总表",
        "报送人：",
        "报送单位：",
        "联系方式：",
        "填表时间：2026年12月20日",
    ]
    (only,) = data
    assert (only[1], only[5], only[8], only[9], only[10], only[11]) == (
        "王**",
        "一台电饭煲",
        "张三、欧阳修",
        "138****1111",
        "300.00",
        "2026-06-01",
    )
    _, other = split(export("wish_summary", tmp_path, uow=uow, year=YEAR, branch_id="b2"), "wish_summary")
    assert len(other) == 1
    _, unclaimed = split(export("wish_summary", tmp_path, uow=organ(), year=YEAR), "wish_summary")
    assert unclaimed == []


def test_half_year_counts_one_branch_in_one_half(tmp_path: Path) -> None:
    uow = organ()
    fulfil_one(uow)
    titles, data = split(
        export("half_year", tmp_path, uow=uow, year=YEAR, half=1, branch_id="b1"), "half_year"
    )
    assert titles[0][0] == "办公室党支部2026年上半年志愿服务活动开展情况"
    assert "全单位本期征集微心愿 4 个" in [t[0] for t in titles]
    (b1,) = data
    row = dict(zip(HEADERS["half_year"], b1, strict=True))
    assert (row["支部名称"], row["年度"], row["半年"], row["参加党员（人）"]) == (
        "办公室党支部",
        "2026",
        "上半年",
        "2",
    )
    assert (row["认领心愿（个）"], row["落实心愿（个）"], row["结对（个）"]) == ("1", "1", "0")
    assert (row["活动合计（次）"], row["志愿服务时长（小时）"], row["工作小结"]) == (
        "0",
        "0.0",
        "上半年走访6次",
    )
    _, h2 = split(export("half_year", tmp_path, uow=uow, year=YEAR, half=2), "half_year")
    assert [r[0] for r in h2] == ["办公室党支部", "政策法规处党支部"]
    assert all(r[16] == "0" and r[17] == "0" for r in h2)


def test_the_plan_shows_every_line(tmp_path: Path) -> None:
    titles, data = split(export("plan", tmp_path, branch_id="b1", year=YEAR), "plan")
    assert [t[0] for t in titles] == [
        "2026年“尊老爱幼、扶困助残”我为群众办实事文明新风志愿服务活动计划表",
        "支部名称：办公室党支部",
        "填报时间：2026-05-10",
        "支部参加志愿服务人员姓名：张三、李四",
    ]
    assert data == [
        ["我和弱势群体结对子", "城厢区社会福利院：孤残儿童42名", "每月走访", "全年", "单独"],
        ["我为困难群众办实事", "", "", "", ""],
        ["我和帮扶对象同过节", "凤山社区空巢老人", "中秋送月饼", "9月", "支部联合"],
    ]
    titles, blank = split(export("plan", tmp_path, branch_id="b2", year=YEAR), "plan")
    assert titles[2] == ["填报时间："]
    assert [r[0] for r in blank] == ["我和弱势群体结对子", "我为困难群众办实事", "我和帮扶对象同过节"]


@pytest.mark.parametrize(
    ("kind", "options", "path"),
    [
        ("plan", {"year": YEAR}, "branch_id"),
        ("plan", {"branch_id": "b1"}, "year"),
        ("half_year", {"year": YEAR}, "half"),
        ("half_year", {"year": YEAR, "half": 3}, "half"),
        ("notice", {}, "year"),
        ("wish_collection", {"year": "2026"}, "year"),
        ("bogus", {}, "kind"),
    ],
)
def test_missing_or_bad_arguments_are_invalid_input(
    tmp_path: Path, kind: str, options: dict[str, Any], path: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        forms.export(kind, organ(), tmp_path / "x.csv", **options)
    assert caught.value.path == path
    assert list(tmp_path.iterdir()) == []  # nothing written, no temporary file left


def test_an_unknown_suffix_or_branch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"\.csv or \.xlsx"):
        forms.export("wish_collection", organ(), tmp_path / "x.xls")
    with pytest.raises(NotFound):
        forms.export("plan", organ(), tmp_path / "x.csv", branch_id="nope", year=YEAR)
    assert list(tmp_path.iterdir()) == []


def test_an_export_replaces_a_previous_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("old", encoding="utf-8")
    forms.export("wish_collection", organ(), path)
    assert "old" not in path.read_text(encoding="utf-8-sig")
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_export_all_writes_every_form(tmp_path: Path) -> None:
    written = forms.export_all(organ(), tmp_path / "out", year=YEAR, fmt="csv", on=ON)
    names = sorted(p.name for p in written)
    assert names == sorted(
        [
            "2026-wish_collection.csv",
            "2026-wish_claims.csv",
            "2026-wish_summary.csv",
            "2026-notice.csv",
            "2026-half_year-H1.csv",
            "2026-half_year-H2.csv",
            "2026-plan-b1.csv",
            "2026-plan-b2.csv",
            "2026-organisation_summary.csv",
        ]
    )
    assert all(p.exists() for p in written)
    with pytest.raises(InvalidInput):
        forms.export_all(organ(), tmp_path, year=YEAR, fmt="pdf")


def test_an_empty_store_exports_empty_forms(tmp_path: Path) -> None:
    rows = export("wish_collection", tmp_path, uow=InMemoryUnitOfWork())
    _, data = split(rows, "wish_collection")
    assert data == []


def test_the_synthetic_year_exports_and_reimports(tmp_path: Path) -> None:
    from volunteer_core.testing.synthetic import generate_year

    uow = InMemoryUnitOfWork()
    generate_year(YEAR, members=20, branches=2, seed=7).load_into(uow)
    path = forms.export("wish_collection", uow, tmp_path / "a.xlsx", masked=False)
    result = forms.import_wishes(path, InMemoryUnitOfWork())
    with uow:
        assert result.rows == len(uow.wishes.list())
    assert {e.code for e in result.errors} <= {"wish.value_cap"}  # the synthetic year's rejected wishes
    assert len(result.imported) + len(result.errors) == result.rows
