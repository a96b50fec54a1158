"""One sheet in and out: CSV (UTF-8 with BOM) and XLSX (openpyxl), with the formula guard and limits.

Writing is atomic (a temporary file in the target directory, then a rename): a failed export leaves
no half-written file. Reading refuses files over a size and keeps only the non-blank rows, with the
spreadsheet's own row numbers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from volunteer_core.errors import InvalidInput
from volunteer_core.forms._cells import guard, needs_quote_prefix
from volunteer_core.money import Yuan

__all__ = ["FORMATS", "Cell", "format_of", "read_table", "require_openpyxl", "write_table"]

#: A value of one cell as the builders produce it.
Cell = str | int | Decimal | Yuan | date | None

FORMATS = (".csv", ".xlsx")

#: An XLSX may expand this many times its size when unzipped; more is refused (a zip bomb).
_MAX_EXPANSION = 50
#: Columns read from an XLSX row (the widest form has fewer than 30).
_MAX_COLUMNS = 100
# Characters XML 1.0 cannot carry (openpyxl refuses them): removed from XLSX cells.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def format_of(path: Path, *, what: str = "path") -> str:
    """``.csv`` or ``.xlsx`` from the file name, else ``InvalidInput``."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            what,
            str(path),
            message_en=f"{path.name}: the file name must end in .csv or .xlsx",
            message_zh=f"{path.name}：文件名须以 .csv 或 .xlsx 结尾",
        )
    return suffix


def require_openpyxl() -> Any:
    """The openpyxl module, or an ImportError that says how to install it."""
    try:
        import openpyxl
    except ImportError as err:
        raise ImportError(
            "XLSX 需要 openpyxl：pip install 'volunteer-core[xlsx]'；"
            "XLSX files need openpyxl: pip install 'volunteer-core[xlsx]'"
        ) from err
    return openpyxl


# -- writing -----------------------------------------------------------------------------------------


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return guard(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@contextlib.contextmanager
def _atomic(path: Path, *, text: bool) -> Iterator[Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(handle)
    try:
        if text:
            with open(temporary, "w", encoding="utf-8-sig", newline="") as stream:
                yield stream
        else:
            yield temporary
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_table(
    path: Path,
    *,
    titles: Sequence[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    sheet_name: str = "Sheet1",
) -> Path:
    """Write title lines (one cell each), the header row and the rows to ``path`` (.csv or .xlsx)."""
    if format_of(path) == ".csv":
        with _atomic(path, text=True) as stream:
            writer = csv.writer(stream)
            for title in titles:
                writer.writerow([guard(title)])
            writer.writerow([guard(h) for h in headers])
            for row in rows:
                writer.writerow([_csv_text(value) for value in row])
        return path
    openpyxl = require_openpyxl()
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "", sheet_name)[:31] or "Sheet1")
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(_width(header) + 4, 8), 60)
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    def text_cell(text: str, *, font: Any = None, header: bool = False) -> Any:
        text = _ILLEGAL_XML.sub("", text)
        prefixed = needs_quote_prefix(text)
        if text.startswith("'") and prefixed:
            text = "'" + text  # a literal apostrophe before a trigger survives unguard()
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if prefixed:
            cell.quotePrefix = True
        if font is not None:
            cell.font = font
        if header:
            cell.fill = fill
            cell.alignment = wrap
        return cell

    def cell_of(value: Cell) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            return text_cell(value)
        if isinstance(value, Yuan):
            cell = WriteOnlyCell(sheet, value=value.decimal)
            cell.number_format = "0.00"
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            return cell
        return value

    for number, title in enumerate(titles):
        sheet.append([text_cell(title, font=title_font if number == 0 else bold)])
    sheet.append([text_cell(h, font=bold, header=True) for h in headers])
    for row in rows:
        sheet.append([cell_of(value) for value in row])
    with _atomic(path, text=False) as temporary:
        workbook.save(temporary)
    return path


# -- reading -----------------------------------------------------------------------------------------


def _too_large(path: Path, en: str, zh: str) -> InvalidInput:
    return InvalidInput("path", str(path), code="input.too_large", message_en=en, message_zh=zh)


def _unreadable(path: Path, en: str, zh: str) -> InvalidInput:
    return InvalidInput("path", str(path), message_en=f"{path.name}: {en}", message_zh=f"{path.name}：{zh}")


def _blank(values: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves "CSV" as GB18030/GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable(path, "neither UTF-8 nor GB18030 text", "既不是 UTF-8 也不是 GB18030 编码的文本")


class _Rows:
    """The non-blank rows read so far, refusing more than ``limit``."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.rows: list[tuple[int, tuple[object, ...]]] = []

    def keep(self, number: int, values: tuple[object, ...]) -> None:
        if _blank(values):
            return
        if len(self.rows) >= self.limit:
            raise _too_large(
                self.path,
                f"{self.path.name} has more than {self.limit} rows (the limit)",
                f"{self.path.name} 超过 {self.limit} 行（上限）",
            )
        self.rows.append((number, values))


def read_table(path: Path, *, max_bytes: int, max_rows: int) -> list[tuple[int, tuple[object, ...]]]:
    """The non-blank rows of the first sheet as ``(row number, values)``; the row number is the
    spreadsheet's own (1 = the first line). Refuses a file over ``max_bytes`` bytes or with more than
    ``max_rows`` non-blank rows (``InvalidInput`` code ``input.too_large``)."""
    suffix = format_of(path)
    try:
        size = path.stat().st_size
    except OSError as err:
        raise _unreadable(path, f"cannot be read ({err.strerror})", f"无法读取（{err.strerror}）") from None
    if size > max_bytes:
        raise _too_large(
            path,
            f"{path.name} has {size} bytes, more than the limit of {max_bytes}",
            f"{path.name} 大小 {size} 字节，超过上限 {max_bytes} 字节",
        )
    rows = _Rows(path, max_rows)
    if suffix == ".csv":
        text = _decode(path, path.read_bytes())
        try:
            for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
                rows.keep(number, tuple(values[:_MAX_COLUMNS]))
        except csv.Error as err:
            raise _unreadable(
                path, f"not a readable CSV file ({err})", f"不是可读取的 CSV 文件（{err}）"
            ) from None
    else:
        _read_xlsx(path, max_bytes, rows)
    return rows.rows


def _read_xlsx(path: Path, max_bytes: int, rows: _Rows) -> None:
    openpyxl = require_openpyxl()
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _unreadable(path, "not an XLSX file", "不是 XLSX 文件") from None
    if expanded > max_bytes * _MAX_EXPANSION:
        raise _too_large(
            path,
            f"{path.name} unpacks to {expanded} bytes, more than {_MAX_EXPANSION} × the limit",
            f"{path.name} 解压后 {expanded} 字节，超过上限的 {_MAX_EXPANSION} 倍",
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds of error for a damaged file
        raise _unreadable(path, f"not a readable XLSX file ({err})", "不是可读取的 XLSX 文件") from None
    try:
        sheet = workbook.worksheets[0]
        for position, cells in enumerate(sheet.iter_rows(max_col=_MAX_COLUMNS), start=1):
            number = next((c.row for c in cells if getattr(c, "row", None)), position)
            rows.keep(number, tuple(c.value for c in cells))
    except InvalidInput:
        raise
    except Exception as err:
        raise _unreadable(path, f"not a readable XLSX file ({err})", "不是可读取的 XLSX 文件") from None
    finally:
        workbook.close()
