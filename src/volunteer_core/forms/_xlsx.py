"""Reading the first worksheet of an XLSX file, to its end and within bounds.

The reader opens only the parts it needs — the package and workbook relationships, the workbook, the
styles, the shared strings and the first worksheet — through :class:`~volunteer_core.forms._package.Package`,
which bounds decompression and parsing (see :mod:`volunteer_core.forms._package`). Every row is read to the
end of ``<sheetData>``: the declared ``<dimension>`` is ignored, so rows past it are never dropped. A row
number above :data:`MAX_ROW_NUMBER` or a column above :data:`MAX_COLUMN_NUMBER` (Excel's own limits) and a
cell of more than :data:`~volunteer_core.forms._cells.MAX_CELL_CHARS` characters are refused with
``input.too_large``; the empty rows between two rows are never materialised.

Values are those Excel shows as the cell's value: text (shared, inline or a formula's cached result), a
number (``int`` when written without a point or exponent, else ``float``; a number Python cannot hold is
kept as its text), ``True``/``False``, a ``datetime`` (or ``time``) for a number in a date format, and the
error text (``#N/A``) of an error cell. Formulas are never evaluated.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from volunteer_core.errors import InvalidInput
from volunteer_core.forms._cells import MAX_CELL_CHARS
from volunteer_core.forms._package import Package, part_of, too_large, unreadable

__all__ = ["MAX_COLUMN_NUMBER", "MAX_ROW_NUMBER", "read_xlsx"]

#: The highest row number a sheet may use (Excel's limit, 2^20); a CSV file may have no more lines.
MAX_ROW_NUMBER = 1_048_576
#: The highest column number a sheet may use (Excel's limit, 2^14: column ``XFD``).
MAX_COLUMN_NUMBER = 16_384

_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_RELATIONSHIP = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_CELL = re.compile(r"([A-Za-z]{1,3})[0-9]*")
# Built-in number formats that show a date or a time (ECMA-376 §18.8.30; 27-36 and 50-58 are the
# East Asian date formats, 年月日). 46 ([h]:mm:ss) is a duration, left a number.
_DATE_FORMATS = frozenset((*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)))
# In a format code: literal text, escaped and spacing characters, and bracketed sections (colours, locales,
# durations) say nothing about dates.
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
_DURATION = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)
_DATE_CODE = re.compile(r"[dmhysDMHYS]")
# Excel's own limit on a format code; a longer one is not a date.
_MAX_FORMAT_CODE = 255
_WINDOWS_EPOCH = datetime(1899, 12, 30)
_MAC_EPOCH = datetime(1904, 1, 1)


def _column(reference: str) -> int | None:
    """``"AB12"`` → 28; ``None`` when the reference is not a cell's."""
    match = _CELL.fullmatch(reference)
    if match is None:
        return None
    number = 0
    for letter in match[1].upper():
        number = number * 26 + ord(letter) - 64
    return number


def _index(text: str | None) -> int | None:
    """A small non-negative integer written in ASCII digits (an index, a style, a row), else ``None``;
    leading zeros and a fraction of zeros (``"5.0"``) are allowed, more than 12 digits are a huge number.

    >>> _index("12"), _index("007"), _index("5.0"), _index("²"), _index("1e3"), _index("9" * 30)
    (12, 7, 5, None, None, 1000000000000000)
    """
    if text is None:
        return None
    whole, _, fraction = text.strip().partition(".")
    if not (whole.isascii() and whole.isdigit()) or fraction.strip("0"):
        return None
    digits = whole.lstrip("0") or "0"
    return int(digits) if len(digits) <= 12 else 10**15


def _number(text: str) -> object:
    """A numeric cell's value: ``int`` or ``float`` as openpyxl reads it, or the text itself when Python
    cannot hold it (a 5,000-digit integer, ``1e999``) — the cell readers judge it."""
    try:
        number: int | float = float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text
    if isinstance(number, float) and not math.isfinite(number):
        return text
    return number


def _as_date(number: int | float, date1904: bool) -> object:
    """An Excel serial date as a ``datetime`` (a ``time`` below 1 day); the number when out of range."""
    try:
        day, fraction = divmod(number, 1)
        moment = timedelta(milliseconds=round(fraction * 86_400_000))
        if 0 <= number < 1 and moment.days == 0:
            return (datetime.min + moment).time()
        if 0 < number < 60 and not date1904:
            day += 1  # Excel counts the 29 February 1900 that never was
        return (_MAC_EPOCH if date1904 else _WINDOWS_EPOCH) + timedelta(days=day) + moment
    except (OverflowError, ValueError):
        return number


def _is_date_format(code: str) -> bool:
    """Whether a number format code shows a date or a time (not a duration such as ``[h]:mm``).

    >>> [_is_date_format(c) for c in ('yyyy"年"m"月"d"日"', "0.00", '"day"0', "[h]:mm", "General")]
    [True, False, False, False, False]
    """
    if len(code) > _MAX_FORMAT_CODE:
        return False
    first = code.split(";", 1)[0]
    if _DURATION.search(first):
        return False
    return _DATE_CODE.search(_FORMAT_NOISE.sub("", first)) is not None


def _first_sheet(book: Package) -> tuple[str, bool, dict[str, tuple[str, str]]]:
    """The first worksheet's part, whether dates count from 1904, and the workbook's relationships."""
    workbook = part_of(book.relationships(""), "officeDocument") or "xl/workbook.xml"
    data = book.read(workbook)
    if data is None:
        raise unreadable(book.path, "not an XLSX file (no workbook)", "不是 XLSX 文件（没有工作簿）")
    sheets: list[str] = []
    flags = {"date1904": False}

    def sheet(attributes: dict[str, str]) -> None:
        rid = attributes.get(f"{_RELATIONSHIP}}}id") or attributes.get(f"{_STRICT_RELATIONSHIP}}}id")
        if rid:
            sheets.append(rid)

    def properties(attributes: dict[str, str]) -> None:
        flags["date1904"] = attributes.get("date1904", "").lower() in ("1", "true")

    book.parse(workbook, data, {"sheet": sheet, "workbookPr": properties}, {})
    relationships = book.relationships(workbook)
    for rid in sheets:
        kind, target = relationships.get(rid, ("", ""))
        if kind.endswith("/worksheet"):
            return target, flags["date1904"], relationships
    raise unreadable(book.path, "has no worksheet", "没有工作表")


def _date_styles(book: Package, part: str | None) -> frozenset[int]:
    """The indexes of the cell formats (``s="…"``) that show a date."""
    data = None if part is None else book.read(part)
    if part is None or data is None:
        return frozenset()
    custom: dict[int, str] = {}
    formats: list[int] = []
    within = {"cellXfs": False}

    def number_format(attributes: dict[str, str]) -> None:
        custom[_index(attributes.get("numFmtId")) or 0] = attributes.get("formatCode", "")

    def cell_format(attributes: dict[str, str]) -> None:
        if within["cellXfs"]:
            formats.append(_index(attributes.get("numFmtId")) or 0)

    def enter(_: dict[str, str]) -> None:
        within["cellXfs"] = True

    def leave() -> None:
        within["cellXfs"] = False

    book.parse(part, data, {"numFmt": number_format, "cellXfs": enter, "xf": cell_format}, {"cellXfs": leave})
    return frozenset(
        index
        for index, fmt in enumerate(formats)
        if (_is_date_format(custom[fmt]) if fmt in custom else fmt in _DATE_FORMATS)
    )


class _Text:
    """The text of a shared or inline string (its ``<t>`` runs, without the phonetic ``<rPh>`` ones) or
    of a ``<v>``, refused past :data:`~volunteer_core.forms._cells.MAX_CELL_CHARS` characters."""

    def __init__(self, book: Package, where: Callable[[], str]) -> None:
        self.book = book
        self.where = where
        self.parts: list[str] = []
        self.length = 0
        self.collecting = False
        self.phonetic = 0

    def reset(self, *, collecting: bool = False) -> None:
        self.parts = []
        self.length = 0
        self.collecting = collecting
        self.phonetic = 0

    def characters(self, data: str) -> None:
        if not self.collecting:
            return
        self.length += len(data)
        if self.length > MAX_CELL_CHARS:
            path = self.book.path
            raise too_large(
                path,
                f"{path.name}: {self.where()} holds more than {MAX_CELL_CHARS} characters (the limit of a cell)",
                f"{path.name}：{self.where()}超过单元格上限 {MAX_CELL_CHARS} 个字符",
            )
        self.parts.append(data)

    def value(self) -> str:
        return "".join(self.parts)

    def start_t(self, _: dict[str, str]) -> None:
        self.collecting = not self.phonetic

    def end_t(self) -> None:
        self.collecting = False

    def start_phonetic(self, _: dict[str, str]) -> None:
        self.phonetic += 1

    def end_phonetic(self) -> None:
        self.phonetic -= 1


def _shared_strings(book: Package, part: str | None) -> list[str]:
    data = None if part is None else book.read(part)
    if part is None or data is None:
        return []
    strings: list[str] = []
    text = _Text(book, lambda: f"shared string {len(strings)}")

    def start_string(_: dict[str, str]) -> None:
        text.reset()

    def end_string() -> None:
        strings.append(text.value())

    book.parse(
        part,
        data,
        {"si": start_string, "t": text.start_t, "rPh": text.start_phonetic},
        {"si": end_string, "t": text.end_t, "rPh": text.end_phonetic},
        text.characters,
    )
    return strings


class _Sheet:
    """The state of the worksheet's parse: the row and the cell being read."""

    def __init__(
        self,
        book: Package,
        keep: Callable[[int, tuple[object, ...]], None],
        *,
        columns: int,
        strings: list[str],
        dates: frozenset[int],
        date1904: bool,
    ) -> None:
        self.book = book
        self.keep = keep
        self.columns = columns
        self.strings = strings
        self.dates = dates
        self.date1904 = date1904
        self.row = 0
        self.cells: dict[int, object] = {}
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.value: str | None = None
        self.text = _Text(book, lambda: f"cell {self.column} of row {self.row}")

    def parse(self, name: str, data: bytes) -> None:
        text = self.text
        self.book.parse(
            name,
            data,
            {
                "row": self.start_row,
                "c": self.start_cell,
                "v": self.start_value,
                "is": self.start_inline,
                "t": self.start_inline_text,
                "rPh": text.start_phonetic,
            },
            {
                "row": self.end_row,
                "c": self.end_cell,
                "v": self.end_value,
                "is": self.end_inline,
                "t": text.end_t,
            },
            text.characters,
        )

    def fail(self, en: str, zh: str) -> InvalidInput:
        return unreadable(self.book.path, f"row {self.row}: {en}", f"第 {self.row} 行：{zh}")

    def start_row(self, attributes: dict[str, str]) -> None:
        number = attributes.get("r")
        if number is None:
            self.row += 1
        else:
            row = _index(number)
            if row is None or row < 1:
                raise self.fail(f"{number[:20]!r} is not a row number", f"“{number[:20]}”不是行号")
            self.row = row
        if self.row > MAX_ROW_NUMBER:
            path = self.book.path
            raise too_large(
                path,
                f"{path.name}: row number {self.row} is beyond the last row a sheet can have ({MAX_ROW_NUMBER})",
                f"{path.name}：行号 {self.row} 超出工作表的最大行号 {MAX_ROW_NUMBER}",
            )
        self.cells = {}
        self.column = 0

    def end_row(self) -> None:
        if self.cells:
            values: list[object] = [None] * max(self.cells)
            for column, value in self.cells.items():
                values[column - 1] = value
            self.keep(self.row, tuple(values))
            self.cells = {}

    def start_cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        if reference is None:
            self.column += 1
        else:
            column = _column(reference)
            if column is None:
                raise self.fail(
                    f"{reference[:20]!r} is not a cell reference", f"“{reference[:20]}”不是单元格引用"
                )
            self.column = column
        if self.column > MAX_COLUMN_NUMBER:
            path = self.book.path
            raise too_large(
                path,
                f"{path.name}: row {self.row} has a cell in column {self.column}, beyond the last column "
                f"a sheet can have ({MAX_COLUMN_NUMBER})",
                f"{path.name}：第 {self.row} 行第 {self.column} 列超出工作表的最大列数 {MAX_COLUMN_NUMBER}",
            )
        self.kind = attributes.get("t", "n")
        self.style = _index(attributes.get("s")) or 0
        self.value = None
        self.text.reset()

    def end_cell(self) -> None:
        if self.value is not None and self.column <= self.columns:
            value = self.cell_value(self.value)
            if value is not None:
                self.cells[self.column] = value
        self.value = None

    def start_value(self, _: dict[str, str]) -> None:
        self.text.reset(collecting=True)

    def end_value(self) -> None:
        self.value = self.text.value()
        self.text.collecting = False

    def start_inline(self, _: dict[str, str]) -> None:
        self.text.reset()
        self.text.phonetic = 0

    def start_inline_text(self, attributes: dict[str, str]) -> None:
        if self.kind == "inlineStr":
            self.text.start_t(attributes)

    def end_inline(self) -> None:
        self.value = self.text.value()

    def cell_value(self, text: str) -> object:
        kind = self.kind
        if not text and kind != "inlineStr":
            return None  # an empty <v/>: a formula never calculated
        if kind == "s":
            index = _index(text)
            if index is None or index >= len(self.strings):
                raise self.fail(f"no shared string {text[:20]!r}", f"没有共享字符串“{text[:20]}”")
            return self.strings[index]
        if kind in ("inlineStr", "str", "e"):
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(text.strip())
            except ValueError:
                return text
        number = _number(text.strip())
        if self.style in self.dates and isinstance(number, int | float):
            return _as_date(number, self.date1904)
        return number


def read_xlsx(
    path: Path, size: int, keep: Callable[[int, tuple[object, ...]], None], *, columns: int
) -> None:
    """Call ``keep(row number, values)`` for every row of the first worksheet of an XLSX file that holds a
    cell, in the file's order, up to the end of its ``<sheetData>``; ``values`` holds the first ``columns``
    columns (``None`` for an empty cell). ``size`` is the file's size in bytes.

    Raises ``InvalidInput``: ``input.too_large`` past a bound of the module, ``input.invalid`` for a file
    that is not a readable XLSX.

    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> with zipfile.ZipFile(file, "w") as archive:
    ...     archive.writestr("xl/workbook.xml", f'<workbook xmlns:r="{_RELATIONSHIP}"><sheets>'
    ...                      '<sheet r:id="s1"/></sheets></workbook>')
    ...     archive.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="s1" '
    ...                      f'Type="{_RELATIONSHIP}/worksheet" Target="sheet1.xml"/></Relationships>')
    ...     archive.writestr("xl/sheet1.xml", '<worksheet><dimension ref="A1"/><sheetData><row r="1">'
    ...                      '<c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1"><v>300</v></c>'
    ...                      '</row><row r="7"><c r="C7"><v>2.5</v></c></row></sheetData></worksheet>')
    >>> found = []
    >>> read_xlsx(file, file.stat().st_size, lambda row, values: found.append((row, values)), columns=5)
    >>> found
    [(1, ('姓名', 300)), (7, (None, None, 2.5))]
    """
    try:
        with zipfile.ZipFile(path) as archive:
            book = Package(path, archive, max(size, 1))
            book.check_expansion(sum(info.file_size for info in archive.infolist()))
            sheet, date1904, relationships = _first_sheet(book)
            dates = _date_styles(book, part_of(relationships, "styles"))
            strings = _shared_strings(book, part_of(relationships, "sharedStrings"))
            data = book.read(sheet)
            if data is None:
                raise unreadable(path, f"the worksheet {sheet} is missing", f"缺少工作表 {sheet}")
            state = _Sheet(book, keep, columns=columns, strings=strings, dates=dates, date1904=date1904)
            state.parse(sheet, data)
    except InvalidInput:
        raise
    except zipfile.BadZipFile as err:
        raise unreadable(path, f"not an XLSX file ({err})", f"不是 XLSX 文件（{err}）") from None
    except Exception as err:  # zipfile, zlib, lzma, bz2, OS errors: a damaged archive, whatever its kind
        raise unreadable(
            path,
            f"not a readable XLSX file ({type(err).__name__}: {err})",
            f"不是可读取的 XLSX 文件（{type(err).__name__}：{err}）",
        ) from None
