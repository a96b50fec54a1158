"""Imports are idempotent: a row already imported is recognised by its content and stored once, on every
storage (memory, SQLite, PostgreSQL) — a second import of a file stores nothing and says so."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from forms_support import HEADER, YEAR, good_row, organ, write_csv

from volunteer_core import forms
from volunteer_core.errors import ConcurrencyConflict, InvalidInput
from volunteer_core.forms import ImportedRow, ImportResult, import_wishes
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork

MakeUow = Callable[[], UnitOfWork]

ROWS = [
    good_row(number=1),
    good_row(number=2, name="钱奶奶", gender="女", age=70, content="电视机维修", value="三百元"),
    good_row(number=3, name="孙爷爷", content="理发上门", value="", kind="微服务", collected_on=""),
]


def counts(uow: UnitOfWork) -> tuple[int, int]:
    with uow:
        return len(uow.wishes.list()), len(uow.beneficiaries.list())


def annex(tmp_path: Path, name: str = "a.csv", rows: list[list[object]] = ROWS) -> Path:
    return write_csv(tmp_path / name, rows, titles=["凤山社区“微心愿”活动需求征集表"])


def first_and_second(path: Path, make_uow: MakeUow, **options: Any) -> tuple[ImportResult, ImportResult]:
    first = import_wishes(path, make_uow(), **options)
    assert first.errors == ()
    return first, import_wishes(path, make_uow(), **options)


# -- the same file twice ---------------------------------------------------------------------------------


def test_a_second_import_of_the_same_csv_stores_nothing_and_names_each_row(
    tmp_path: Path, make_uow: MakeUow
) -> None:
    path = annex(tmp_path)
    first, second = first_and_second(path, make_uow, collected_on=date(YEAR, 5, 9))
    assert len(first.imported) == 3
    assert first.already_imported == ()
    assert second.imported == ()
    assert second.beneficiaries == ()
    assert second.ok
    assert second.rows == 3
    assert [(r.row, r.wish) for r in second.already_imported] == [
        (3, first.imported[0]),
        (4, first.imported[1]),
        (5, first.imported[2]),
    ]
    assert all(r.key.startswith("wish-row/1:") for r in second.already_imported)
    assert counts(make_uow()) == (3, 3)
    with make_uow() as uow:  # the key is the port's, not a field of the wish
        assert uow.wishes.by_idempotency_key(second.already_imported[1].key) == first.imported[1]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_second_import_of_an_exported_file_stores_nothing(
    tmp_path: Path, make_uow: MakeUow, suffix: str
) -> None:
    if suffix == ".xlsx":
        importlib.import_module("openpyxl")
    path = forms.export("wish_collection", organ(), tmp_path / f"annex1{suffix}", masked=False)
    first, second = first_and_second(path, make_uow)
    assert (len(first.imported), len(first.beneficiaries)) == (4, 3)
    assert (second.imported, second.beneficiaries) == ((), ())
    assert [r.wish for r in second.already_imported] == list(first.imported)
    assert counts(make_uow()) == (4, 3)


def test_the_day_filled_in_for_a_blank_date_is_not_part_of_the_row(tmp_path: Path, make_uow: MakeUow) -> None:
    path = annex(tmp_path)
    import_wishes(path, make_uow(), collected_on=date(YEAR, 5, 9))
    later = import_wishes(path, make_uow(), collected_on=date(YEAR, 7, 1))  # `forms import` on another day
    assert later.imported == ()
    assert len(later.already_imported) == 3
    assert later.already_imported[2].wish.collected_on == date(YEAR, 5, 9)


# -- the same rows elsewhere, and corrected rows ---------------------------------------------------------


def test_the_same_rows_reordered_in_another_file_with_other_numbers_are_recognised(
    tmp_path: Path, make_uow: MakeUow
) -> None:
    first = import_wishes(annex(tmp_path), make_uow(), collected_on=date(YEAR, 5, 9))
    shuffled = [
        good_row(number=7, name="孙爷爷", content="理发上门", value="", kind="微服务", collected_on=""),
        good_row(number=8, value="¥200"),  # 200元 written another way
        good_row(number=9, name="  钱奶奶 ", gender="女", age=70, content="电视机维修", value="300.00"),
    ]
    path = write_csv(tmp_path / "another name.csv", shuffled, titles=["汇总表", "第二批"])
    again = import_wishes(path, make_uow(), collected_on=date(YEAR, 7, 1))
    assert again.errors == ()
    assert again.imported == ()
    assert [(r.row, r.wish.id) for r in again.already_imported] == [
        (4, first.imported[2].id),
        (5, first.imported[0].id),
        (6, first.imported[1].id),
    ]


def test_an_xlsx_holding_the_rows_of_an_imported_csv_is_recognised(tmp_path: Path, make_uow: MakeUow) -> None:
    openpyxl = importlib.import_module("openpyxl")
    csv_path = write_csv(tmp_path / "a.csv", [good_row(phone="13912344859", category="老", kind="生活物资")])
    import_wishes(csv_path, make_uow())
    book = openpyxl.Workbook()
    book.active.append(list(HEADER))
    cells = dict(zip(HEADER, good_row(), strict=True))
    cells.update(
        {
            "联系电话": 13912344859,  # a number in the sheet, text in the CSV
            "服务对象类别": "elderly",
            "心愿类别": "material",
            "心愿价值（元）": 200,
            "征集日期": date(YEAR, 5, 1),
        }
    )
    book.active.append([cells[h] for h in HEADER])
    path = tmp_path / "b.xlsx"
    book.save(path)
    again = import_wishes(path, make_uow())
    assert (again.imported, len(again.already_imported)) == ((), 1)


@pytest.mark.parametrize(
    "change",
    [
        {"name": "赵大伯"},
        {"gender": "女"},
        {"age": 81},
        {"address": "福建省莆田市城厢区凤山社区10号"},
        {"content": "助行器两个"},
        {"evidence": "低保证"},
        {"phone": "13912344859"},
        {"category": "困"},
        {"community": "龙桥社区"},
        {"kind": "政策扶持"},
        {"value": "199元"},
        {"collected_on": "2026-05-02"},
    ],
)
def test_a_corrected_row_imports_as_new(tmp_path: Path, make_uow: MakeUow, change: dict[str, object]) -> None:
    import_wishes(annex(tmp_path), make_uow(), collected_on=date(YEAR, 5, 9))
    corrected = [*ROWS[1:], good_row(number=1, **change)]
    result = import_wishes(annex(tmp_path, "b.csv", corrected), make_uow(), collected_on=date(YEAR, 5, 9))
    assert result.errors == ()
    assert [w.content for w in result.imported] == [change.get("content", "助行器一个")]
    assert [r.row for r in result.already_imported] == [3, 4]
    assert counts(make_uow())[0] == 4


def test_a_blank_community_filled_in_by_another_default_is_another_person(
    tmp_path: Path, make_uow: MakeUow
) -> None:
    path = annex(tmp_path, rows=[good_row(community="", address="")])  # matched by name and community
    assert len(import_wishes(path, make_uow(), community="凤山社区").imported) == 1
    assert len(import_wishes(path, make_uow(), community="凤山社区").already_imported) == 1
    other = import_wishes(path, make_uow(), community="龙桥社区")
    assert [b.community for b in other.beneficiaries] == ["龙桥社区"]
    assert counts(make_uow()) == (2, 2)


def test_two_identical_rows_of_one_file_store_one_wish(tmp_path: Path, make_uow: MakeUow) -> None:
    path = annex(tmp_path, rows=[good_row(number=1), good_row(number=2, name="钱奶奶"), good_row(number=3)])
    result = import_wishes(path, make_uow())
    assert [w.beneficiary_id for w in result.imported] == [b.id for b in result.beneficiaries]
    assert result.already_imported == (ImportedRow(5, result.imported[0], result.already_imported[0].key),)
    assert result.ok
    assert counts(make_uow()) == (2, 2)


# -- strict mode, errors, the report ---------------------------------------------------------------------


def test_already_imported_rows_are_not_errors_even_when_strict(tmp_path: Path, make_uow: MakeUow) -> None:
    path = annex(tmp_path)
    import_wishes(path, make_uow(), collected_on=date(YEAR, 5, 9))
    more = annex(tmp_path, "b.csv", [*ROWS, good_row(number=4, name="周阿姨", gender="女")])
    result = import_wishes(more, make_uow(), strict=True, collected_on=date(YEAR, 5, 9))
    assert result.errors == ()
    assert [w.content for w in result.imported] == ["助行器一个"]
    assert len(result.already_imported) == 3
    bad = annex(tmp_path, "c.csv", [*ROWS, good_row(number=5, name="吴大爷", value="500元")])
    refused = import_wishes(bad, make_uow(), strict=True, collected_on=date(YEAR, 5, 9))
    assert (refused.imported, refused.already_imported) == ((), ())
    assert [e.code for e in refused.errors] == ["wish.value_cap"]
    assert counts(make_uow()) == (4, 4)


def test_the_report_counts_the_rows_already_imported(tmp_path: Path) -> None:
    path = annex(tmp_path)
    uow = InMemoryUnitOfWork()
    import_wishes(path, uow, collected_on=date(YEAR, 5, 9))
    more = annex(tmp_path, "b.csv", [*ROWS, good_row(value="900元")])
    result = import_wishes(more, uow, collected_on=date(YEAR, 5, 9))
    assert result.summary("en") == (
        "read 4 rows: imported 0, already imported 3, errors 1; created 0 beneficiaries"
    )
    assert (
        result.summary("zh")
        == "读取 4 行：已导入 0 行，已存在 3 行（此前已导入），错误 1 处；新建服务对象 0 个"
    )
    page = result._repr_html_()
    assert "already imported 3" in page
    assert "已存在 3 行" in page
    assert "wish.value_cap" in page
    assert (
        result.already_imported[0].text("en")
        == f"row 3: already imported as {result.already_imported[0].wish.id}"
    )


# -- two imports of one file at once ---------------------------------------------------------------------


class _Interleaved(InMemoryUnitOfWork):
    """A unit of work whose first commit lets another import of the same file commit first."""

    def __init__(self, store: InMemoryStore, path: Path, clash: str) -> None:
        super().__init__(store)
        self.path, self.clash, self.commits = path, clash, 0

    def commit(self) -> None:
        self.commits += 1
        if self.commits == 1:
            rival = import_wishes(self.path, InMemoryUnitOfWork(self.store), collected_on=date(YEAR, 5, 9))
            assert len(rival.imported) == 3
            if self.clash == "duplicate key":  # what a SQL storage's UNIQUE key says
                raise InvalidInput("idempotency_key", "k", code="input.duplicate")
        super().commit()


@pytest.mark.parametrize("clash", ["conflict", "duplicate key"])
def test_an_import_that_loses_the_race_retries_and_finds_its_rows_imported(
    tmp_path: Path, clash: str
) -> None:
    store = InMemoryStore()
    path = annex(tmp_path)
    uow = _Interleaved(store, path, clash)
    result = import_wishes(path, uow, collected_on=date(YEAR, 5, 9))
    assert uow.commits == 2
    assert (result.imported, result.beneficiaries, len(result.already_imported)) == ((), (), 3)
    assert counts(InMemoryUnitOfWork(store)) == (3, 3)


def test_an_import_that_keeps_losing_gives_up_after_its_retries(tmp_path: Path) -> None:
    store = InMemoryStore()

    class Losing(InMemoryUnitOfWork):
        def commit(self) -> None:
            raise ConcurrencyConflict("lost again")

    with pytest.raises(ConcurrencyConflict):
        import_wishes(annex(tmp_path), Losing(store), collected_on=date(YEAR, 5, 9), retries=2)
    assert counts(InMemoryUnitOfWork(store)) == (0, 0)


def test_concurrent_imports_of_one_file_store_each_row_once(tmp_path: Path, make_uow: MakeUow) -> None:
    path = annex(tmp_path)
    barrier = threading.Barrier(4)
    results: list[ImportResult] = []
    failures: list[BaseException] = []

    def one() -> None:
        try:
            barrier.wait()
            results.append(import_wishes(path, make_uow(), collected_on=date(YEAR, 5, 9), retries=30))
        except BaseException as err:  # reported below, with the thread's own error
            failures.append(err)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(len(r.imported) for r in results) == [0, 0, 0, 3]
    assert sorted(len(r.already_imported) for r in results) == [0, 3, 3, 3]
    assert counts(make_uow()) == (3, 3)
