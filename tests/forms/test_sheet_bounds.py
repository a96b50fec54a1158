"""Reading a spreadsheet is complete and bounded: every row to the end of the sheet whatever its
``<dimension>`` says, and a crafted file (a long comment, a far row, a zip bomb, a DOCTYPE, a huge cell) is
imported completely or refused with ``input.too_large`` — never a hang, never a silent loss.

Each XLSX is built here part by part, as an attacker or a careless program would write it.
"""

from __future__ import annotations

import importlib
import os
import random
import string
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from forms_support import HEADER, good_row, write_csv
from hypothesis import given, settings
from hypothesis import strategies as st

from volunteer_core import forms
from volunteer_core.errors import InvalidInput
from volunteer_core.forms import _package, _sheet, _xlsx
from volunteer_core.forms._cells import MAX_CELL_CHARS
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryUnitOfWork

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
PACKAGE = "application/vnd.openxmlformats-package."
SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml."


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def row_xml(number: int, values: Sequence[object], *, numbered: bool = True) -> str:
    cells = []
    for index, value in enumerate(values):
        if value is None or value == "":
            continue
        where = f' r="{column_letters(index)}{number}"' if numbered else ""
        if isinstance(value, int):
            cells.append(f"<c{where}><v>{value}</v></c>")
        else:
            cells.append(f'<c{where} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    where = f' r="{number}"' if numbered else ""
    return f"<row{where}>{''.join(cells)}</row>"


def sheet_xml(rows: Sequence[tuple[int, Sequence[object]]], *, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(row_xml(number, values) for number, values in rows)
    return f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{body}</sheetData></worksheet>'


def build(
    path: Path,
    sheet: str | bytes,
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    extra: dict[str, str] | None = None,
) -> Path:
    """A minimal XLSX (Excel and openpyxl open it): the content types, the package and workbook
    relationships, the workbook, one sheet (and ``extra``: shared strings, styles)."""
    workbook_rels = f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    for name in extra or {}:
        kind = "sharedStrings" if "sharedStrings" in name else "styles"
        target = name.removeprefix("xl/")
        workbook_rels += f'<Relationship Id="r{kind}" Type="{OFFICE}/{kind}" Target="{target}"/>'
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{TYPES}"><Default Extension="rels" ContentType="{PACKAGE}'
        f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        f'"/xl/workbook.xml" ContentType="{SHEETML}sheet.main+xml"/><Override PartName="/xl/worksheets/'
        f'sheet1.xml" ContentType="{SHEETML}worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">{workbook_rels}</Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
        **(extra or {}),
    }
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def form_rows(count: int = 4) -> list[tuple[int, Sequence[object]]]:
    """The header in row 1 and ``count`` good 附件1 rows under it."""
    rows: list[tuple[int, Sequence[object]]] = [(1, HEADER)]
    rows += [(n + 2, good_row(number=n + 1, name=f"赵{n + 1}")) for n in range(count)]
    return rows


def refused(path: Path) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        forms.import_wishes(path, InMemoryUnitOfWork())
    return caught.value


# -- every row, whatever <dimension> says -------------------------------------------------------------


@pytest.mark.parametrize("dimension", ["A1:N3", "A1", "A1:A1", "B2:C2", None])
def test_every_row_is_read_whatever_the_dimension_declares(tmp_path: Path, dimension: str | None) -> None:
    path = build(tmp_path / "a.xlsx", sheet_xml(form_rows(4), dimension=dimension))
    result = forms.import_wishes(path, InMemoryUnitOfWork())
    assert (result.rows, len(result.imported), result.errors) == (4, 4, ())
    assert [w.content for w in result.imported] == ["助行器一个"] * 4


def test_rows_and_cells_without_numbers_follow_one_another(tmp_path: Path) -> None:
    body = "".join(row_xml(0, values, numbered=False) for _, values in form_rows(3))
    sheet = f'<worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData>{body}</sheetData></worksheet>'
    table = _sheet.read_table(build(tmp_path / "a.xlsx", sheet), max_bytes=10**6, max_rows=10)
    assert [number for number, _ in table] == [1, 2, 3, 4]
    assert table[2][1][1] == "赵2"


def test_the_last_row_a_sheet_can_have_is_read_without_the_rows_between(tmp_path: Path) -> None:
    rows = [*form_rows(2), (_xlsx.MAX_ROW_NUMBER, good_row(number=9, name="孙远"))]
    result = forms.import_wishes(build(tmp_path / "far.xlsx", sheet_xml(rows)), InMemoryUnitOfWork())
    assert (result.rows, len(result.imported), result.errors) == (3, 3, ())


# -- a long comment is read once ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("padding", "where"), [(40_000, "prolog"), (66_000, "sheetData"), (8_000_000, "row")]
)
def test_a_sheet_padded_with_a_long_comment_is_imported_completely(
    tmp_path: Path, padding: int, where: str
) -> None:
    rng = random.Random(padding)
    comment = "<!--" + "".join(rng.choices(string.ascii_letters + " \n", k=padding)) + "-->"
    sheet = sheet_xml(form_rows(4))
    anchor = {"prolog": "<worksheet", "sheetData": "<sheetData>", "row": '<row r="3">'}[where]
    sheet = sheet.replace(anchor, comment + anchor, 1)
    path = build(tmp_path / "padded.xlsx", sheet, compression=zipfile.ZIP_STORED)
    assert path.stat().st_size > padding  # the file is as large as its padding: nothing compresses it
    result = forms.import_wishes(path, InMemoryUnitOfWork())
    assert (result.rows, len(result.imported), result.errors) == (4, 4, ())


# -- refused quickly with input.too_large --------------------------------------------------------------


def test_a_cell_at_row_thirty_million_is_refused_naming_the_limit(tmp_path: Path) -> None:
    rows = [*form_rows(2), (30_000_000, good_row(number=3))]
    error = refused(build(tmp_path / "far.xlsx", sheet_xml(rows)))
    assert error.code == "input.too_large"
    assert "30000000" in error.message_en
    assert str(_xlsx.MAX_ROW_NUMBER) in error.message_en
    assert "30000000" in error.message_zh


@pytest.mark.parametrize("number", ["99999999999999999999999", "1e9"])
def test_a_row_number_beyond_any_sheet_or_not_a_number_is_refused(tmp_path: Path, number: str) -> None:
    sheet = sheet_xml(form_rows(1)).replace('<row r="2">', f'<row r="{number}">')
    error = refused(build(tmp_path / "a.xlsx", sheet))
    assert error.code == ("input.too_large" if number.isdigit() else "input.invalid")


def test_a_cell_past_the_last_column_is_refused(tmp_path: Path) -> None:
    sheet = sheet_xml(form_rows(1)).replace("</row>", '<c r="XFE2"><v>1</v></c></row>', 1)
    error = refused(build(tmp_path / "a.xlsx", sheet))
    assert error.code == "input.too_large"
    assert "16385" in error.message_en
    assert str(_xlsx.MAX_COLUMN_NUMBER) in error.message_en


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    blank_rows = '<row r="9"/>' * 1_000_000  # 12 MB that deflate packs about a thousand times
    sheet = sheet_xml(form_rows(1)).replace("</sheetData>", blank_rows + "</sheetData>")
    path = build(tmp_path / "bomb.xlsx", sheet)
    error = refused(path)
    assert error.code == "input.too_large"
    assert f"more than {_package.MAX_XLSX_EXPANSION} times" in error.message_en
    assert str(path.stat().st_size) in error.message_en


def test_a_long_comment_that_compresses_like_a_bomb_is_refused(tmp_path: Path) -> None:
    sheet = sheet_xml(form_rows(1)).replace("<sheetData>", "<!--" + "x" * 8_000_000 + "--><sheetData>")
    error = refused(build(tmp_path / "bomb.xlsx", sheet))
    assert error.code == "input.too_large"


def test_parts_over_the_absolute_limit_are_refused_whatever_the_ratio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_package, "MAX_XLSX_UNPACKED", 200_000)
    sheet = sheet_xml(form_rows(4)).replace("<sheetData>", "<!--" + "y" * 250_000 + "--><sheetData>")
    error = refused(build(tmp_path / "big.xlsx", sheet, compression=zipfile.ZIP_STORED))
    assert error.code == "input.too_large"
    assert "200000" in error.message_en


def test_more_elements_than_the_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_package, "MAX_XLSX_ELEMENTS", 5_000)
    rows = "".join(f'<row r="{n}"><c r="Z{n}"/></row>' for n in range(10, 3_000))
    sheet = sheet_xml(form_rows(1)).replace("</sheetData>", rows + "</sheetData>")
    error = refused(build(tmp_path / "many.xlsx", sheet))
    assert error.code == "input.too_large"
    assert "5000" in error.message_en


@pytest.mark.parametrize("kind", ["inline", "shared"])
def test_a_cell_longer_than_a_cell_can_be_is_refused(tmp_path: Path, kind: str) -> None:
    long_text = "长" * (MAX_CELL_CHARS + 1)
    rows = [*form_rows(1), (3, good_row(number=2, content=long_text))]
    if kind == "inline":
        path = build(tmp_path / "long.xlsx", sheet_xml(rows))
    else:
        strings = f'<sst xmlns="{MAIN}"><si><t>{long_text}</t></si></sst>'
        row = '<row r="3"><c r="F3" t="s"><v>0</v></c></row>'
        sheet = sheet_xml(form_rows(1)).replace("</sheetData>", row + "</sheetData>")
        path = build(tmp_path / "long.xlsx", sheet, extra={"xl/sharedStrings.xml": strings})
    error = refused(path)
    assert error.code == "input.too_large"
    assert str(MAX_CELL_CHARS) in error.message_en


# -- no DTD, no entities -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">',
        '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    ],
)
def test_a_document_type_declaration_is_refused(tmp_path: Path, doctype: str) -> None:
    sheet = doctype + sheet_xml(form_rows(1)).replace("赵1", "&b;" if "&a;" in doctype else "赵1")
    error = refused(build(tmp_path / "dtd.xlsx", sheet))
    assert error.code == "input.invalid"
    assert "DOCTYPE" in error.message_en


def test_a_document_type_in_the_workbook_is_refused_too(tmp_path: Path) -> None:
    path = build(tmp_path / "a.xlsx", sheet_xml(form_rows(1)))
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/workbook.xml"] = b'<!DOCTYPE workbook [<!ENTITY e "x">]>' + parts["xl/workbook.xml"]
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert "DOCTYPE" in refused(path).message_en


# -- what is not an XLSX -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sheet",
    [
        b"<worksheet><sheetData><row r='1'>",  # cut short
        b"\x00\x01\x02 not xml",
        '<worksheet><sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData></worksheet>',
        '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>',
    ],
)
def test_a_damaged_sheet_is_refused_as_unreadable(tmp_path: Path, sheet: str | bytes) -> None:
    error = refused(build(tmp_path / "bad.xlsx", sheet))
    assert error.code == "input.invalid"


def test_a_workbook_without_a_worksheet_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}"><sheets/></workbook>')
    assert "no worksheet" in refused(path).message_en


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400) | st.text(alphabet='<>/="&;!-? crvtsiwo0123A\n', max_size=400))
def test_any_sheet_content_is_read_or_refused_with_invalid_input(content: bytes | str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = build(Path(folder) / "fuzz.xlsx", content)
        try:
            rows = _sheet.read_table(path, max_bytes=10**6, max_rows=100)
        except InvalidInput as err:
            codes = {err.code}
        else:
            codes = {"read"} if all(1 <= number <= _xlsx.MAX_ROW_NUMBER for number, _ in rows) else set()
        assert codes <= {"read", "input.invalid", "input.too_large"}
        assert codes


# -- values as Excel shows them ------------------------------------------------------------------------


def test_shared_strings_dates_and_numbers_are_read_as_excel_shows_them(tmp_path: Path) -> None:
    strings = (
        f'<sst xmlns="{MAIN}"><si><t>赵大爷</t></si>'
        "<si><r><t>助行</t></r><r><t>器一个</t></r><rPh><t>ジョコウキ</t></rPh></si></sst>"
    )
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;'
        'd&quot;日&quot;"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="176"/><xf numFmtId="31"/>'
        '<xf numFmtId="4"/></cellXfs></styleSheet>'
    )
    cells = (
        '<c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" s="1"><v>46143</v></c>'
        '<c r="D2" s="2"><v>46143.5</v></c><c r="E2" s="3"><v>1200.5</v></c><c r="F2" t="b"><v>1</v></c>'
        f'<c r="G2"><v>{"9" * 5000}</v></c><c r="H2" t="e"><v>#N/A</v></c><c r="I2"><f>1+1</f><v>2</v></c>'
    )
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="2">{cells}</row></sheetData></worksheet>'
    path = build(
        tmp_path / "values.xlsx", sheet, extra={"xl/sharedStrings.xml": strings, "xl/styles.xml": styles}
    )
    [(number, values)] = _sheet.read_table(path, max_bytes=10**6, max_rows=10)
    assert number == 2
    assert values == (
        "赵大爷",
        "助行器一个",  # the phonetic run is not part of the text
        datetime(2026, 5, 1),
        datetime(2026, 5, 1, 12, 0),  # 31: the built-in 年月日 format of Chinese Excel
        1200.5,
        True,
        "9" * 5000,  # too long for a Python int: kept as written, the cell reader refuses it
        "#N/A",
        2,  # a formula's cached value; formulas are never evaluated
    )


def test_what_openpyxl_writes_is_read_as_openpyxl_reads_it(tmp_path: Path) -> None:
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", 12, 3.25, True, date(2026, 5, 1), datetime(2026, 5, 1, 8, 30), "=x", None, "末"])
    sheet.append([])
    sheet.append(["", None, "第三行"])
    sheet.cell(row=9, column=2, value="'=1+1")
    path = tmp_path / "openpyxl.xlsx"
    book.save(path)
    expected = [
        (cells[0].row, tuple(c.value for c in cells))
        for cells in openpyxl.load_workbook(path, data_only=True).active.iter_rows()
        if any(c.value not in (None, "") for c in cells)
    ]
    got = _sheet.read_table(path, max_bytes=10**6, max_rows=10)
    assert [n for n, _ in got] == [n for n, _ in expected] == [1, 3, 9]
    for (_, mine), (_, theirs) in zip(got, expected, strict=True):
        assert mine == theirs[: len(mine)]
        assert all(value is None for value in theirs[len(mine) :])


# -- CSV: bounded, and a NUL is a row error ------------------------------------------------------------


def test_a_nul_in_a_csv_cell_is_a_row_error_naming_the_column_on_every_storage(
    tmp_path: Path, make_uow: Callable[[], UnitOfWork]
) -> None:
    path = write_csv(
        tmp_path / "nul.csv",
        [
            good_row(name="赵\x00大爷"),
            good_row(number=2, name="钱奶奶"),
            good_row(number=3, content="a\x00b"),
        ],
    )
    result = forms.import_wishes(path, make_uow())
    assert len(result.imported) == 1
    assert [b.name for b in result.beneficiaries] == ["钱奶奶"]
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "姓名", "input.invalid"),
        (4, "心愿内容", "input.invalid"),
    ]
    with make_uow() as uow:
        assert [b.name for b in uow.beneficiaries.list()] == ["钱奶奶"]


def test_a_csv_cell_longer_than_a_cell_can_be_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "long.csv", [good_row(content="x" * (MAX_CELL_CHARS + 1))])
    error = refused(path)
    assert error.code == "input.too_large"
    assert str(MAX_CELL_CHARS) in error.message_en
    assert "row 2" in error.message_en


def test_a_csv_field_past_the_csv_modules_own_limit_is_too_large_not_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(",".join(HEADER) + '\n"' + "x" * 200_000 + '"\n', encoding="utf-8")
    assert refused(path).code == "input.too_large"


def test_a_csv_with_more_lines_than_a_sheet_can_have_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(",".join(HEADER) + "\n" + "\n" * _xlsx.MAX_ROW_NUMBER, encoding="utf-8")
    error = refused(path)
    assert error.code == "input.too_large"
    assert str(_xlsx.MAX_ROW_NUMBER) in error.message_en


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_path_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "a.csv"
    if kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)  # opening it to read would wait for a writer forever
    error = refused(path)
    assert error.code == "input.invalid"
    assert "not a regular file" in error.message_en
