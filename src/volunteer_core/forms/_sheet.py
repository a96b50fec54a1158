"""One sheet in and out: CSV (UTF-8 with BOM) and XLSX (written with openpyxl, read by
:mod:`volunteer_core.forms._xlsx`), with the formula guard and limits.

Writing is atomic (a temporary file in the target directory, then a rename): a failed export leaves
no half-written file. Reading keeps only the non-blank rows, with the spreadsheet's own row numbers, reads
to the end of the sheet, and is bounded: a file over ``max_bytes``, with more non-blank rows than
``max_rows``, a line or row number past :data:`~volunteer_core.forms._xlsx.MAX_ROW_NUMBER`, a cell longer
than :data:`~volunteer_core.forms._cells.MAX_CELL_CHARS` or an XLSX past one of the bounds of
:mod:`volunteer_core.forms._package` is refused with ``input.too_large``. A NUL or another control character
in a CSV cell is kept: the import judges the cell (a row error naming the column), it never ends the read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from volunteer_core.errors import InvalidInput, InvalidType
from volunteer_core.forms._cells import MAX_CELL_CHARS, guard, needs_quote_prefix
from volunteer_core.forms._package import too_large, unreadable
from volunteer_core.forms._xlsx import MAX_ROW_NUMBER, read_xlsx
from volunteer_core.money import Yuan

__all__ = [
    "FORMATS",
    "Cell",
    "format_of",
    "input_path",
    "read_table",
    "require_openpyxl",
    "writable_errors",
    "write_table",
]

#: A value of one cell as the builders produce it.
Cell = str | int | Decimal | Yuan | date | None

FORMATS = (".csv", ".xlsx")

#: Columns read from a row (the widest form has fewer than 30).
_MAX_COLUMNS = 100
# Characters XML 1.0 cannot carry (openpyxl refuses them): removed from XLSX cells.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def input_path(path: object) -> Path:
    """``path`` as a :class:`~pathlib.Path`: a ``str`` or an ``os.PathLike`` of text; anything else (None, a
    number, ``bytes``, a date …) is :class:`~volunteer_core.errors.InvalidType` at ``path``.

    >>> input_path("annex1.csv").name
    'annex1.csv'
    >>> input_path(None)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidType: input.type @ path: 须为文件路径（str 或 pathlib.Path），不是 NoneType；...
    """
    if isinstance(path, str | os.PathLike):
        with contextlib.suppress(TypeError):  # an os.PathLike of bytes
            return Path(path)
    kind = type(path).__name__
    raise InvalidType(
        "path",
        path,
        message_en=f"must be a file path (str or pathlib.Path), not {kind}",
        message_zh=f"须为文件路径（str 或 pathlib.Path），不是 {kind}",
    )


# What a message must not carry raw: control characters, lone surrogates, line and paragraph separators.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@contextlib.contextmanager
def writable_errors() -> Iterator[None]:
    r"""Re-raise an :class:`~volunteer_core.errors.InvalidInput` of a file with the control characters and
    lone surrogates of its messages escaped (``\x1b``, ``\udce9``): the messages name the file, and a file
    name may hold any character but ``/`` and NUL — one read from a file system whose names are not UTF-8
    holds lone surrogates, which no terminal, log or UTF-8 text can write.

    >>> with writable_errors():
    ...     format_of(Path("\udce9\x1b[2J"))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ path: \udce9\x1b[2J：文件名须以 .csv 或 .xlsx 结尾；...
    """
    try:
        yield
    except InvalidInput as err:
        en, zh = _UNSAFE.sub(_escape, err.message_en), _UNSAFE.sub(_escape, err.message_zh)
        if (en, zh) == (err.message_en, err.message_zh):
            raise
        raise type(err)(err.path, err.value, code=err.code, message_en=en, message_zh=zh) from None


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


def _blank(values: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves "CSV" as GB18030/GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unreadable(path, "neither UTF-8 nor GB18030 text", "既不是 UTF-8 也不是 GB18030 编码的文本")


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
            raise too_large(
                self.path,
                f"{self.path.name} has more than {self.limit} rows (the limit)",
                f"{self.path.name} 超过 {self.limit} 行（上限）",
            )
        self.rows.append((number, values))


def _read_file(path: Path, max_bytes: int) -> tuple[int, bytes | None]:
    """The file's size and, for a CSV, its bytes; refuses what is not a regular file or is too large.
    The bytes read stop at ``max_bytes + 1``: a file that grows after it was measured is refused too."""
    try:
        status = path.stat()
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path
        why = getattr(err, "strerror", None) or str(err)
        raise unreadable(path, f"cannot be read ({why})", f"无法读取（{why}）") from None
    if not stat.S_ISREG(status.st_mode):  # a directory, a FIFO (reading it would wait forever), a device
        raise unreadable(path, "is not a regular file", "不是普通文件")
    size = status.st_size
    if size > max_bytes:
        raise too_large(
            path,
            f"{path.name} has {size} bytes, more than the limit of {max_bytes}",
            f"{path.name} 大小 {size} 字节，超过上限 {max_bytes} 字节",
        )
    if path.suffix.lower() != ".csv":
        return size, None
    try:
        with open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as err:
        raise unreadable(path, f"cannot be read ({err.strerror})", f"无法读取（{err.strerror}）") from None
    if len(data) > max_bytes:
        raise too_large(
            path,
            f"{path.name} has more than {max_bytes} bytes, the limit",
            f"{path.name} 超过上限 {max_bytes} 字节",
        )
    return size, data


def _read_csv(path: Path, data: bytes, rows: _Rows) -> None:
    text = _decode(path, data)
    number = 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROW_NUMBER:
                raise too_large(
                    path,
                    f"{path.name} has more than {MAX_ROW_NUMBER} lines (the limit of a sheet)",
                    f"{path.name} 超过 {MAX_ROW_NUMBER} 行（工作表的行数上限）",
                )
            for column, value in enumerate(values[:_MAX_COLUMNS], start=1):
                if len(value) > MAX_CELL_CHARS:
                    raise _cell_too_long(path, number, column, len(value))
            rows.keep(number, tuple(values[:_MAX_COLUMNS]))
    except csv.Error as err:
        if "field larger than field limit" in str(err):  # the csv module's own bound, 131,072
            raise _cell_too_long(path, number + 1, 0, csv.field_size_limit()) from None
        raise unreadable(
            path, f"not a readable CSV file ({err})", f"不是可读取的 CSV 文件（{err}）"
        ) from None


def _cell_too_long(path: Path, row: int, column: int, length: int) -> InvalidInput:
    where_en = f"row {row}" + (f", column {column}" if column else "")
    where_zh = f"第 {row} 行" + (f"第 {column} 列" if column else "")
    return too_large(
        path,
        f"{path.name}: {where_en} holds {length} characters or more, more than the limit of a cell "
        f"({MAX_CELL_CHARS})",
        f"{path.name}：{where_zh}有 {length} 个以上字符，超过单元格上限 {MAX_CELL_CHARS} 个字符",
    )


def read_table(path: Path, *, max_bytes: int, max_rows: int) -> list[tuple[int, tuple[object, ...]]]:
    r"""The non-blank rows of the first sheet as ``(row number, values)``; the row number is the
    spreadsheet's own (1 = the first line). Every row is read, to the end of the sheet.

    Refuses (``InvalidInput`` code ``input.too_large``, naming the limit and the value) a file over
    ``max_bytes`` bytes, with more than ``max_rows`` non-blank rows, with a line or row number past
    ``MAX_ROW_NUMBER``, with a cell over ``MAX_CELL_CHARS`` characters, or an XLSX past a bound of its
    own (see :mod:`volunteer_core.forms._package`); a file that cannot be read (missing, a directory, not
    UTF-8/GB18030, a damaged XLSX) raises ``InvalidInput`` (``input.invalid``). The messages name the file
    with its control characters and lone surrogates escaped (:func:`writable_errors`).

    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = file.write_text("姓名,心愿内容\n\n张三,a\x00b\n", encoding="utf-8")
    >>> read_table(file, max_bytes=1000, max_rows=10)
    [(1, ('姓名', '心愿内容')), (3, ('张三', 'a\x00b'))]
    """
    with writable_errors():
        suffix = format_of(path)
        size, data = _read_file(path, max_bytes)
        rows = _Rows(path, max_rows)
        if suffix == ".csv":
            assert data is not None
            _read_csv(path, data, rows)
        else:
            read_xlsx(path, size, rows.keep, columns=_MAX_COLUMNS)
    return rows.rows
