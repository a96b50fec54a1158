"""Importing a filled 附件1: the round trip, every bad-row case, strict mode, limits, matching."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from forms_support import (
    ELDER_ID,
    YEAR,
    bad_checksum,
    beneficiaries,
    collected_wishes,
    good_row,
    id_number,
    organ,
    row,
    write_csv,
)

from volunteer_core import Beneficiary, Wish, WishKind, WishStatus, Yuan, forms, policies, services
from volunteer_core.errors import InvalidInput
from volunteer_core.forms import HEADERS, ImportResult, RowError, import_wishes
from volunteer_core.storage.memory import InMemoryUnitOfWork


def stored(uow: InMemoryUnitOfWork) -> tuple[list[Wish], list[Beneficiary]]:
    with uow:
        return uow.wishes.list(), uow.beneficiaries.list()


def without_ids(wishes: list[Wish], people: list[Beneficiary]) -> tuple[list[Any], list[Any]]:
    """Wishes keyed by their beneficiary's content instead of ids, beneficiaries without ids."""
    by_id = {b.id: attrs.evolve(b, id="x") for b in people}
    keyed = sorted(
        (repr(attrs.evolve(w, id="x", beneficiary_id="x")), repr(by_id[w.beneficiary_id])) for w in wishes
    )
    return keyed, sorted(repr(b) for b in by_id.values())


# -- the round trip ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_unmasked_then_import_gives_back_equal_wishes_and_beneficiaries(
    tmp_path: Path, suffix: str
) -> None:
    source = organ()
    path = forms.export("wish_collection", source, tmp_path / f"annex1{suffix}", masked=False)
    target = InMemoryUnitOfWork()
    result = import_wishes(path, target)
    assert result.errors == ()
    assert len(result.imported) == 4
    assert len(result.beneficiaries) == 3  # 王德福 has two wishes: one beneficiary
    assert result.rows == 4
    assert without_ids(*stored(target)) == without_ids(*stored(source))


def test_the_round_trip_keeps_formula_like_text_exactly(tmp_path: Path) -> None:
    path = forms.export("wish_collection", organ(), tmp_path / "a.csv", masked=False)
    contents = {w.content for w in import_wishes(path, InMemoryUnitOfWork()).imported}
    evidence = {w.evidence for w in import_wishes(path, InMemoryUnitOfWork()).imported}
    assert "=一套课外读物" in contents
    assert "@身份证复印件" in evidence


def test_an_xlsx_written_by_the_library_reopens_in_openpyxl(tmp_path: Path) -> None:
    openpyxl = importlib.import_module("openpyxl")
    path = forms.export("wish_collection", organ(), tmp_path / "a.xlsx", masked=False)
    sheet = openpyxl.load_workbook(path).active
    header_row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号")
    assert header_row == HEADERS["wish_collection"]


# -- every bad-row case names its row, column and code -------------------------------------------------


def one_error(result: ImportResult) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"value": "500元"}, "心愿价值（元）", "wish.value_cap"),
        ({"content": ""}, "心愿内容", "wish.content_required"),
        ({"id_number": bad_checksum(ELDER_ID)}, "身份证号码", "input.invalid"),
        ({"gender": "未知"}, "性别", "input.invalid"),
        ({"value": "三百五"}, "心愿价值（元）", "input.invalid"),
        ({"value": "300-500元"}, "心愿价值（元）", "input.invalid"),
        ({"name": ""}, "姓名", "input.required"),
        ({"category": ""}, "服务对象类别", "input.required"),
        ({"category": "青年"}, "服务对象类别", "input.invalid"),
        ({"community": ""}, "所在社区（村）", "input.required"),
        ({"collected_on": "5月1日"}, "征集日期", "input.invalid"),
        ({"phone": "12345"}, "联系电话", "input.invalid"),
        ({"age": "很老"}, "年龄", "input.invalid"),
        ({"kind": "生活物资", "value": ""}, "心愿价值（元）", "wish.value_required"),
        ({"gender": "女", "id_number": ELDER_ID}, "性别", "input.invalid"),  # the ID number says male
    ],
)
def test_a_bad_row_names_row_column_and_code_and_the_good_rows_come_in(
    tmp_path: Path, cells: dict[str, object], column: str, code: str
) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            good_row(number=1),
            good_row(number=2, **{"name": "钱奶奶", **cells}),
            good_row(number=3, name="孙爷爷"),
        ],
        titles=["凤山社区“微心愿”活动需求征集表"],
    )
    uow = InMemoryUnitOfWork()
    result = import_wishes(path, uow)
    error = one_error(result)
    assert (error.row, error.column, error.code) == (4, column, code)  # title 1, header 2, rows 3-5
    assert error.message_zh
    assert error.message_en
    assert len(result.imported) == 2
    wishes, people = stored(uow)
    assert len(wishes) == 2
    assert {b.name for b in people} == {"赵大爷", "孙爷爷"}  # the failed row created no beneficiary


def test_a_row_with_several_problems_reports_each(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(name="", content="", gender="?", value="很多")])
    result = import_wishes(path, InMemoryUnitOfWork())
    assert {(e.row, e.column, e.code) for e in result.errors} == {
        (2, "姓名", "input.required"),
        (2, "心愿内容", "wish.content_required"),
        (2, "性别", "input.invalid"),
        (2, "心愿价值（元）", "input.invalid"),
    }


def test_strict_imports_nothing_when_any_row_fails(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(), good_row(name="钱奶奶", value="500元")])
    uow = organ()
    before = stored(uow)
    result = import_wishes(path, uow, strict=True)
    assert result.imported == ()
    assert [e.code for e in result.errors] == ["wish.value_cap"]
    assert stored(uow) == before


def test_strict_imports_everything_when_every_row_passes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(), good_row(name="钱奶奶")])
    assert len(import_wishes(path, InMemoryUnitOfWork(), strict=True).imported) == 2


def test_a_failing_storage_stores_nothing_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(), good_row(name="钱奶奶"), good_row(name="孙爷爷")])
    uow = organ()
    before = stored(uow)
    calls = {"n": 0}
    real_add = type(uow.wishes).add

    def flaky(self: Any, wish: Wish, **options: Any) -> Wish:
        calls["n"] += 1
        if calls["n"] == 3:
            raise InvalidInput("id", wish.id, code="input.duplicate")
        return real_add(self, wish, **options)

    monkeypatch.setattr(type(uow.wishes), "add", flaky)
    with pytest.raises(InvalidInput):
        import_wishes(path, uow)
    monkeypatch.undo()
    assert stored(uow) == before


# -- reading the sheet ---------------------------------------------------------------------------------


def test_blank_rows_and_numbered_blank_rows_are_skipped_and_reading_goes_to_the_end(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [good_row(), row(), row(number=2), ["", " ", ""], good_row(number=5, name="钱奶奶"), row(number=6)],
    )
    result = import_wishes(path, InMemoryUnitOfWork())
    assert result.errors == ()
    assert result.rows == 2
    assert [w.content for w in result.imported] == ["助行器一个", "助行器一个"]


def test_the_seed_columns_alone_with_defaults_and_shorter_header_spellings(tmp_path: Path) -> None:
    header = [
        "序号",
        "姓名",
        "性别",
        "年龄",
        "家庭住址",
        "心愿内容",
        "申领证明材料 (详细材料可附后)",
        "联系电话",
        "服务对象类别",
    ]
    path = write_csv(
        tmp_path / "a.csv",
        [[1, "赵大爷", "男", "80", "凤山社区9号", "理发上门", "", "13912344859", "老"]],
        header=header,
        titles=["XX 社区（XX 村）“微心愿”活动需求征集表", ""],
    )
    result = import_wishes(path, InMemoryUnitOfWork(), collected_on=date(YEAR, 6, 1), community="凤山社区")
    assert result.errors == ()
    (wish,) = result.imported
    assert (wish.kind, wish.collected_on, wish.value) == (WishKind.SERVICE, date(YEAR, 6, 1), None)
    assert result.beneficiaries[0].community == "凤山社区"


def test_blank_kind_is_material_with_a_value_and_blank_date_needs_collected_on(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(kind="", value="三百元", collected_on="")])
    result = import_wishes(path, InMemoryUnitOfWork())
    assert [(e.column, e.code) for e in result.errors] == [("征集日期", "input.required")]
    result = import_wishes(path, InMemoryUnitOfWork(), collected_on=date(YEAR, 5, 9))
    (wish,) = result.imported
    assert (wish.kind, wish.value, wish.status) == (WishKind.MATERIAL, Yuan(300), WishStatus.COLLECTED)


def test_a_gb18030_csv_from_excel_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    lines = [",".join(HEADERS["wish_collection"]), ",".join(str(v or "") for v in good_row())]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    assert len(import_wishes(path, InMemoryUnitOfWork()).imported) == 1


def test_an_xlsx_filled_by_hand_is_read(tmp_path: Path) -> None:
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["凤山社区“微心愿”活动需求征集表"])
    sheet.append(list(HEADERS["wish_collection"]))
    sheet.append(
        [
            1,
            "赵大爷",
            "男",
            80,
            "凤山社区9号",
            "助行器",
            None,
            13912344859,
            None,
            "老",
            "凤山社区",
            None,
            250,
            date(YEAR, 5, 1),
        ]
    )
    sheet.append([])
    sheet.append(
        [
            2,
            "钱奶奶",
            "女",
            70,
            "凤山社区10号",
            "电视机",
            None,
            None,
            None,
            "老",
            "凤山社区",
            None,
            "500元",
            "2026/5/2",
        ]
    )
    path = tmp_path / "hand.xlsx"
    book.save(path)
    result = import_wishes(path, InMemoryUnitOfWork())
    assert [w.value for w in result.imported] == [Yuan(250)]
    assert result.imported[0].collected_on == date(YEAR, 5, 1)
    assert result.beneficiaries[0].phone == "13912344859"
    assert [(e.row, e.code) for e in result.errors] == [(5, "wish.value_cap")]


def test_a_masked_export_is_refused_row_by_row(tmp_path: Path) -> None:
    path = forms.export("wish_collection", organ(), tmp_path / "masked.csv")
    result = import_wishes(path, InMemoryUnitOfWork())
    assert result.imported == ()
    assert {e.column for e in result.errors} >= {"姓名", "身份证号码"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", "x", ".csv or .xlsx"),
        ("a.csv", "no,header,here\n1,2,3\n", "no header row"),
        ("a.xlsx", "not a zip", "not an? (readable )?XLSX file"),
    ],
)
def test_an_unreadable_file_raises_invalid_input(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    if name.endswith(".xlsx"):
        importlib.import_module("openpyxl")
    with pytest.raises(InvalidInput, match=message):
        import_wishes(path, InMemoryUnitOfWork())


def test_files_over_the_size_or_row_limit_are_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(number=i, name=f"赵{i}") for i in range(1, 21)])
    with pytest.raises(InvalidInput) as caught:
        import_wishes(path, InMemoryUnitOfWork(), max_bytes=200)
    assert caught.value.code == "input.too_large"
    with pytest.raises(InvalidInput) as caught:
        import_wishes(path, InMemoryUnitOfWork(), max_rows=19)
    assert caught.value.code == "input.too_large"
    assert len(import_wishes(path, InMemoryUnitOfWork(), max_rows=20).imported) == 20


def test_an_xlsx_that_unpacks_to_far_more_than_the_limit_is_refused(tmp_path: Path) -> None:
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS["wish_collection"]))
    for _ in range(200):
        book.active.append(["x" * 30_000])  # compresses about a thousand times
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    with pytest.raises(InvalidInput) as caught:
        import_wishes(path, InMemoryUnitOfWork(), max_bytes=path.stat().st_size + 1)
    assert caught.value.code == "input.too_large"
    assert "50" in caught.value.message_en


# -- matching beneficiaries ----------------------------------------------------------------------------


def test_beneficiaries_are_matched_by_id_number_else_name_and_address(tmp_path: Path) -> None:
    uow = organ()
    people = {b.name: b for b in beneficiaries()}
    path = write_csv(
        tmp_path / "a.csv",
        [
            good_row(name="王德福", id_number=ELDER_ID, address="另一个地址", gender="男"),
            good_row(name="林小美", address=people["林小美"].address, category="幼", gender="女"),
            good_row(name="陈阿婆", address="", community="文献社区", category="困"),
            good_row(name="王德福", id_number=id_number("35030219900101003"), gender="男"),  # namesake
            good_row(name="林小美", address="别处", category="幼"),  # another address: another person
        ],
    )
    result = import_wishes(path, uow)
    assert result.errors == ()
    matched = [w.beneficiary_id for w in result.imported]
    assert matched[:3] == ["p1", "p2", "p3"]
    assert len(result.beneficiaries) == 2
    assert set(matched[3:]) == {b.id for b in result.beneficiaries}
    _, after = stored(uow)
    assert len(after) == 5
    assert all(b == people[b.name] for b in after if b.id in {"p1", "p2", "p3"})  # unchanged


def test_an_id_number_registered_to_someone_else_is_a_row_error(tmp_path: Path) -> None:
    uow = organ()
    path = write_csv(
        tmp_path / "a.csv", [good_row(name="冒名者", id_number=ELDER_ID, gender="男"), good_row()]
    )
    result = import_wishes(path, uow)
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "身份证号码", "input.invalid")]
    assert len(result.imported) == 1
    assert import_wishes(path, organ(), strict=True).imported == ()


def test_one_new_person_on_several_rows_is_created_once(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(content="助行器"), good_row(number=2, content="理发")])
    result = import_wishes(path, InMemoryUnitOfWork())
    assert len(result.beneficiaries) == 1
    assert {w.beneficiary_id for w in result.imported} == {result.beneficiaries[0].id}


def test_a_stricter_policy_judges_the_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(value="300元")])
    assert import_wishes(path, InMemoryUnitOfWork(), policy=policies.DEFAULT).errors == ()
    local = attrs.evolve(policies.DEFAULT, wish_value_cap=Yuan(200))
    assert [e.code for e in import_wishes(path, InMemoryUnitOfWork(), policy=local).errors] == [
        "wish.value_cap"
    ]


def test_progress_is_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row(number=i, name=f"赵{i}") for i in range(1, 6)])
    seen: list[tuple[int, int]] = []
    import_wishes(path, InMemoryUnitOfWork(), progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5)


def test_imported_wishes_go_on_through_the_use_cases(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [good_row()])
    uow = InMemoryUnitOfWork()
    (wish,) = import_wishes(path, uow).imported
    screened = services.screen_wish(uow, wish.id, approved=True, on=date(YEAR, 5, 2))
    assert screened.status is WishStatus.SCREENED


def test_row_error_text_in_both_languages() -> None:
    error = RowError(
        3,
        "性别",
        "input.invalid",
        "性别“x”无法识别；unknown gender",
        message_zh="性别“x”无法识别",
        message_en="unknown gender",
    )
    assert error.text("zh") == "第 3 行【性别】 input.invalid：性别“x”无法识别"
    assert error.text("en") == "row 3 [性别] input.invalid: unknown gender"
    assert RowError(1, "", "x", "m").text("en") == "row 1 x: m"


def test_collected_wishes_fixture_is_consistent() -> None:
    assert len(collected_wishes()) == 4
