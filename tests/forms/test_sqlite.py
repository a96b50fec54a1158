"""The forms on the SQL storage (SQLite): the round trip, and a failed import changes nothing."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from forms_support import good_row, organ, write_csv

from volunteer_core import forms

importlib.import_module("sqlalchemy")
sql = importlib.import_module("volunteer_core.storage.sql")


def sqlite(tmp_path: Path, name: str = "v.db") -> Any:
    return sql.SqlUnitOfWork(sql.create_schema(f"sqlite:///{tmp_path / name}"))


def listing(uow: Any) -> tuple[list[Any], list[Any]]:
    with uow:
        return uow.wishes.list(), uow.beneficiaries.list()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_through_sqlite(tmp_path: Path, suffix: str) -> None:
    if suffix == ".xlsx":
        importlib.import_module("openpyxl")
    path = forms.export("wish_collection", organ(), tmp_path / f"a{suffix}", masked=False)
    uow = sqlite(tmp_path)
    result = forms.import_wishes(path, uow)
    assert result.errors == ()
    wishes, people = listing(uow)
    assert len(wishes) == 4
    assert len(people) == 3
    again = forms.export("wish_collection", uow, tmp_path / f"b{suffix}", masked=False)
    assert forms.import_wishes(again, sqlite(tmp_path, "w.db")).errors == ()


def test_strict_and_failed_imports_leave_sqlite_untouched(tmp_path: Path) -> None:
    uow = sqlite(tmp_path)
    forms.import_wishes(write_csv(tmp_path / "first.csv", [good_row()]), uow)
    before = listing(uow)
    path = write_csv(tmp_path / "a.csv", [good_row(name="钱奶奶"), good_row(name="孙爷爷", value="500元")])
    result = forms.import_wishes(path, uow, strict=True)
    assert result.imported == ()
    assert [e.code for e in result.errors] == ["wish.value_cap"]
    assert listing(uow) == before
    result = forms.import_wishes(path, uow)
    assert len(result.imported) == 1
    assert len(listing(uow)[0]) == 2
