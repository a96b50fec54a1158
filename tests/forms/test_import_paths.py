"""What ``import_wishes`` is given as its path (issue 15): anything but a text path is ``input.type``; a file
that cannot be read is ``InvalidInput``; a file name holding a lone surrogate or a control character is named
escaped, so the error can always be written — and such a file, when it exists, imports like any other."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from forms_support import good_row, write_csv

from volunteer_core import forms
from volunteer_core.errors import InvalidInput, InvalidType
from volunteer_core.storage.memory import InMemoryUnitOfWork

NOT_PATHS: dict[str, Any] = {
    "None": None,
    "0": 0,
    "1.5": 1.5,
    "[]": [],
    "{}": {},
    'b""': b"",
    "bytes path": b"annex1.csv",
    "object()": object(),
    "True": True,
    "a date": date(2026, 5, 1),
}


class BytesPathLike:
    """An ``os.PathLike`` of bytes: a path, but not one of text."""

    def __fspath__(self) -> bytes:
        return b"annex1.csv"


def refused(path: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        forms.import_wishes(path, InMemoryUnitOfWork())
    text = str(caught.value)
    text.encode("utf-8")  # writable whatever the path held
    assert "\x1b" not in text
    assert "\x00" not in text
    return caught.value


@pytest.mark.parametrize(
    "path", [*NOT_PATHS.values(), BytesPathLike()], ids=[*NOT_PATHS, "PathLike of bytes"]
)
def test_a_path_that_is_not_text_is_a_type_error(path: Any) -> None:
    error = refused(path)
    assert isinstance(error, InvalidType)
    assert isinstance(error, TypeError)
    assert (error.path, error.code) == ("path", "input.type")
    assert f"not {type(path).__name__}" in error.message_en


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("\ud800", "\\ud800"),
        ("\ud800.csv", "\\ud800.csv"),
        ("\udce9.xlsx", "\\udce9.xlsx"),
        ("\x1b[2J.csv", "\\x1b[2J.csv"),
        ("a\x00b.csv", "a\\x00b.csv"),
        ("\x85.csv", "\\x85.csv"),
    ],
    ids=["surrogate", "surrogate.csv", "surrogateescape.xlsx", "ANSI", "NUL", "C1"],
)
def test_a_name_holding_a_surrogate_or_a_control_character_is_named_escaped(
    name: str, shown: str, tmp_path: Path
) -> None:
    error = refused(tmp_path / name)
    assert (error.path, error.code) == ("path", "input.invalid")
    assert error.message_en.startswith(f"{shown}: ")
    assert error.message_zh.startswith(f"{shown}：")


def test_a_name_read_from_a_file_system_that_is_not_utf8_imports(tmp_path: Path) -> None:
    """A GBK file name on a UTF-8 file system: Python reads it with lone surrogates (surrogateescape)."""
    name = os.fsdecode("心愿.csv".encode("gbk"))
    assert any("\udc80" <= char <= "\udcff" for char in name)
    path = write_csv(tmp_path / name, [good_row()])
    result = forms.import_wishes(path, InMemoryUnitOfWork())
    assert (len(result.imported), result.ok) == (1, True)


def test_a_damaged_file_with_such_a_name_is_refused_writably(tmp_path: Path) -> None:
    name = os.fsdecode("心愿.csv".encode("gbk"))
    (tmp_path / name).write_text("no header here\n", encoding="utf-8")
    error = refused(tmp_path / name)
    assert error.path == "header"
    assert "\\udc" in error.message_en


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ""])
def test_a_directory_is_refused(suffix: str, tmp_path: Path) -> None:
    directory = tmp_path / f"annex1{suffix}"
    directory.mkdir()
    error = refused(directory)
    assert (error.path, error.code) == ("path", "input.invalid")
    expected = "is not a regular file" if suffix else "must end in .csv or .xlsx"
    assert expected in error.message_en


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    error = refused(str(tmp_path / "missing.csv"))
    assert (error.path, error.code) == ("path", "input.invalid")
    assert "cannot be read" in error.message_en


def test_a_str_and_a_path_import_alike(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "annex1.csv", [good_row()])
    assert len(forms.import_wishes(str(path), InMemoryUnitOfWork()).imported) == 1
    assert len(forms.import_wishes(path, InMemoryUnitOfWork()).imported) == 1
