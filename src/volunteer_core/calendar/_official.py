"""One year's official schedule of working days, as the State Council's notice states it (国务院办公厅关于
某年部分节假日安排的通知): its days off and the weekend days worked in exchange (调休上班), checked; and the
same read from a small TOML or JSON file.

The public names are importable from :mod:`volunteer_core.calendar.workdays`, which keeps the registry.

A schedule is what a notice lists; every other day of its year is a working day from Monday to Friday and a
day off on Saturday and Sunday (the five-day week of 1995). It covers the days of its year, and may list
days of the last week of December before (the 元旦 bridge: the 2019 notice gave 2018-12-30 and 12-31 off and
had Saturday 2018-12-29 worked).

>>> from datetime import date
>>> y = OfficialYear(year=2030, holidays=[(date(2029, 12, 30), date(2030, 1, 1))],
...                  workdays=[date(2029, 12, 29)], source="示例 example")
>>> y.lists(date(2029, 12, 31)), y.lists(date(2029, 12, 29)), y.lists(date(2030, 1, 2))
(False, True, None)
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import attrs

from volunteer_core.calendar.dates import DateRange
from volunteer_core.errors import InvalidInput, InvalidType

__all__ = [
    "FIRST_OFFICIAL_YEAR",
    "LAST_OFFICIAL_YEAR",
    "OfficialYear",
    "read_official_year",
]

#: The first year a schedule may be given for: the first whole year of the five-day week (国务院关于职工工作
#: 时间的规定, in force 1995-05-01), the Monday–Friday base every notice adjusts.
FIRST_OFFICIAL_YEAR = 1996
#: The last year a schedule may be given for (a bound against typing errors, not a prophecy).
LAST_OFFICIAL_YEAR = 2200

#: The first day of December before its year that a schedule may list: the 元旦 bridge is the last week.
_BRIDGE_FROM_DAY = 25
#: At most this many entries in ``holidays`` or ``workdays``; a (start, end) range spans at most a year.
_MAX_ENTRIES = 1000
#: The longest citation of the notice, in characters.
_MAX_SOURCE_LENGTH = 500
#: The largest schedule file read, in bytes (a real one is under 2 KB).
_MAX_FILE_BYTES = 1_000_000
#: The keys of a schedule file.
_FILE_KEYS = ("year", "source", "holidays", "workdays")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ONE_DAY = timedelta(days=1)
_SHOWN = 80


def _shown(text: str) -> str:
    """``text`` as a message may quote it: cut short, escaped when not printable."""
    head = text[:_SHOWN]
    head = head if head.isprintable() else ascii(head)[1:-1]
    return head if len(text) <= _SHOWN else f"{head}…"


def _fail(path: str, value: object, en: str, zh: str, code: str = "calendar.schedule") -> InvalidInput:
    return InvalidInput(path, value, code=code, message_en=en, message_zh=zh)


def _type_error(path: str, value: object, en: str, zh: str) -> InvalidType:
    return InvalidType(path, value, code="input.type", message_en=en, message_zh=zh)


def _entries(path: str, value: object) -> list[object]:
    """The entries of ``holidays`` / ``workdays``: a list, tuple, set or other iterable, but not text, bytes
    or a mapping; at most :data:`_MAX_ENTRIES`."""
    if isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise _type_error(
            path,
            value,
            "must be a list of dates (or of (start, end) ranges)",
            "须为日期列表（或（开始, 结束）日期范围列表）",
        )
    entries: list[object] = []
    for entry in value:
        entries.append(entry)
        if len(entries) > _MAX_ENTRIES:
            raise _fail(
                path,
                f"<more than {_MAX_ENTRIES} entries>",
                f"more than {_MAX_ENTRIES} entries",
                f"超过 {_MAX_ENTRIES} 项",
                "input.too_large",
            )
    return entries


def _a_date(path: str, value: object) -> date:
    if type(value) is not date:
        raise _type_error(path, value, "must be a datetime.date", "须为日期（datetime.date）")
    return value


def _span(path: str, entry: object) -> tuple[date, date]:
    """A holiday entry as (first, last): a date, a (start, end) pair or a closed :class:`DateRange`."""
    if type(entry) is date:
        return entry, entry
    if isinstance(entry, DateRange):
        if entry.end is None:
            raise _fail(path, str(entry), "an open range has no last day off", "开放区间没有最后一个休息日")
        start, end = entry.start, entry.end
    elif isinstance(entry, tuple | list) and len(entry) == 2:
        start, end = _a_date(f"{path}[0]", entry[0]), _a_date(f"{path}[1]", entry[1])
        if start > end:
            raise _fail(
                path,
                f"{start}..{end}",
                f"the range ends ({end}) before it starts ({start})",
                f"范围结束日 {end} 早于开始日 {start}",
            )
    else:
        raise _type_error(
            path,
            entry,
            "must be a date, a (start, end) pair of dates or a closed DateRange",
            "须为日期、（开始, 结束）日期对或闭区间 DateRange",
        )
    if (end - start).days > 366:
        raise _fail(
            path,
            f"{start}..{end}",
            f"the range {start}..{end} is longer than a year",
            f"范围 {start}..{end} 超过一年",
            "input.too_large",
        )
    return start, end


def _holiday_days(value: object) -> frozenset[date]:
    """The days off of ``holidays``: each entry a date or an inclusive range, expanded."""
    days: set[date] = set()
    for i, entry in enumerate(_entries("holidays", value)):
        start, end = _span(f"holidays[{i}]", entry)
        while start <= end:
            days.add(start)
            start += _ONE_DAY
    return frozenset(days)


def _workday_days(value: object) -> frozenset[date]:
    """The 调休 working days of ``workdays``: single dates."""
    return frozenset(_a_date(f"workdays[{i}]", e) for i, e in enumerate(_entries("workdays", value)))


def _days_shown(days: frozenset[date]) -> str:
    return f"<{len(days)} days>"


@attrs.frozen(kw_only=True)
class OfficialYear:
    """One year's official schedule: the days off (``holidays``) and the weekend days worked (``workdays``,
    调休上班) of the State Council's notice, and that notice (``source``).

    * ``year``: :data:`FIRST_OFFICIAL_YEAR` (1996) … :data:`LAST_OFFICIAL_YEAR` (2200);
    * ``holidays``: dates, inclusive ``(start, end)`` pairs or closed :class:`DateRange` s, kept as the set of
      days; 元旦 (1 January, 《全国年节及纪念日放假办法》) is always among them;
    * ``workdays``: single dates, each a Saturday or a Sunday, none of them a holiday;
    * every day lies in ``year``, or in 25–31 December of the year before (the 元旦 bridge);
    * ``source``: the notice's citation, one line (国务院办公厅关于2027年部分节假日安排的通知 …).

    A refusal is an :class:`~volunteer_core.errors.InvalidInput` naming the field (``holidays[2]``) with code
    ``calendar.schedule`` (or ``input.type`` / ``input.too_large``).

    >>> from datetime import date
    >>> y = OfficialYear(year=2027, holidays=[(date(2027, 1, 1), date(2027, 1, 3))], workdays=[],
    ...                  source="示例 example")
    >>> y
    OfficialYear(year=2027, holidays=<3 days>, workdays=<0 days>, source='示例 example')
    >>> OfficialYear(year=2027, holidays=[date(2027, 1, 1)], workdays=[date(2027, 2, 8)], source="x")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: calendar.schedule @ workdays: ...
    """

    year: int
    holidays: frozenset[date] = attrs.field(converter=_holiday_days, repr=_days_shown)
    workdays: frozenset[date] = attrs.field(converter=_workday_days, repr=_days_shown)
    source: str

    def __attrs_post_init__(self) -> None:
        year = self.year
        if isinstance(year, bool) or not isinstance(year, int):
            raise _type_error("year", year, "must be a year (int)", "须为年份（整数）")
        if not FIRST_OFFICIAL_YEAR <= year <= LAST_OFFICIAL_YEAR:
            shown = str(year) if abs(year) < 10**12 else "<a very large integer>"
            raise _fail(
                "year",
                year,
                f"year {shown} is outside {FIRST_OFFICIAL_YEAR}–{LAST_OFFICIAL_YEAR} (a schedule adjusts the "
                "five-day week of 1995)",
                f"年份 {shown} 不在 {FIRST_OFFICIAL_YEAR}–{LAST_OFFICIAL_YEAR} 之内（节假日安排以 1995 年起的"
                "五天工作制为基础）",
            )
        self._check_source()
        first, last = date(year - 1, 12, _BRIDGE_FROM_DAY), date(year, 12, 31)
        for field, days in (("holidays", self.holidays), ("workdays", self.workdays)):
            outside = sorted(d for d in days if not first <= d <= last)
            if outside:
                raise _fail(
                    field,
                    outside[0].isoformat(),
                    f"{outside[0]} is not a day of the {year} schedule ({first} … {last})",
                    f"{outside[0]} 不在 {year} 年安排的范围内（{first} 至 {last}）",
                )
        weekdays = sorted(d for d in self.workdays if d.weekday() < 5)
        if weekdays:
            raise _fail(
                "workdays",
                weekdays[0].isoformat(),
                f"{weekdays[0]} is a weekday: a 调休 working day is a Saturday or a Sunday",
                f"{weekdays[0]} 本是工作日：调休上班日须为周六或周日",
            )
        both = sorted(self.holidays & self.workdays)
        if both:
            raise _fail(
                "workdays",
                both[0].isoformat(),
                f"{both[0]} is listed both as a day off and as a working day",
                f"{both[0]} 同时列为放假日和上班日",
            )
        if date(year, 1, 1) not in self.holidays:
            raise _fail(
                "holidays",
                f"{year}-01-01",
                f"元旦 {year}-01-01 is not among the holidays (every notice gives 1 January off)",
                f"放假日中没有元旦 {year}-01-01（每年的通知都安排 1 月 1 日放假）",
            )

    def _check_source(self) -> None:
        source = self.source
        if not isinstance(source, str):
            raise _type_error(
                "source", source, "must be the notice's citation (str)", "须为通知的名称文号（字符串）"
            )
        if not source.strip():
            raise InvalidInput(
                "source",
                source,
                code="input.required",
                message_en="cite the State Council's notice (国务院办公厅关于…节假日安排的通知, 国办发明电〔…〕…号)",
                message_zh="须注明国务院办公厅节假日安排通知的名称和文号",
            )
        if len(source) > _MAX_SOURCE_LENGTH:
            raise _fail(
                "source",
                _shown(source),
                f"{len(source)} characters long, more than {_MAX_SOURCE_LENGTH}",
                f"长度 {len(source)} 个字符，超过 {_MAX_SOURCE_LENGTH}",
                "input.too_large",
            )
        if not source.isprintable():
            raise _fail(
                "source",
                _shown(source),
                "must be one line of printable text",
                "须为一行可打印文字",
                "input.invalid",
            )

    def lists(self, day: date) -> bool | None:
        """What the notice says of ``day``: ``True`` worked (调休上班), ``False`` off, ``None`` not listed.

        >>> from datetime import date
        >>> y = OfficialYear(year=2027, holidays=[date(2027, 1, 1)], workdays=[date(2027, 2, 20)],
        ...                  source="示例 example")
        >>> y.lists(date(2027, 1, 1)), y.lists(date(2027, 2, 20)), y.lists(date(2027, 2, 22))
        (False, True, None)
        """
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return None

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is an official working day by this schedule: listed as worked, or a Monday–Friday
        not listed as off. Meant for the days of :attr:`year` and the days listed.

        >>> from datetime import date
        >>> y = OfficialYear(year=2027, holidays=[date(2027, 1, 1)], workdays=[date(2027, 2, 20)],
        ...                  source="示例 example")
        >>> y.is_working_day(date(2027, 1, 1)), y.is_working_day(date(2027, 2, 20))
        (False, True)
        """
        listed = self.lists(day)
        return day.weekday() < 5 if listed is None else listed


# --- the file ----------------------------------------------------------------------------------------------


def _file_date(path: str, value: object) -> date:
    """A date of a schedule file: a TOML date or an ISO ``YYYY-MM-DD`` string."""
    if type(value) is date:
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(
        path,
        _shown(value) if isinstance(value, str) else value,
        "must be a date (YYYY-MM-DD)",
        "须为日期（YYYY-MM-DD）",
        "input.invalid",
    )


def _file_entries(path: str, value: object, *, ranges: bool) -> list[date | tuple[date, date]]:
    if not isinstance(value, list):
        raise _type_error(path, value, "must be a list", "须为列表")
    found: list[date | tuple[date, date]] = []
    for i, entry in enumerate(_entries(path, value)):
        if ranges and isinstance(entry, list):
            if len(entry) != 2:
                raise _fail(
                    f"{path}[{i}]",
                    f"<list of {len(entry)} items>",
                    "a range is [first day, last day]",
                    "日期范围须为 [开始日, 结束日]",
                    "input.invalid",
                )
            found.append((_file_date(f"{path}[{i}][0]", entry[0]), _file_date(f"{path}[{i}][1]", entry[1])))
        else:
            found.append(_file_date(f"{path}[{i}]", entry))
    return found


def _from_document(document: object) -> OfficialYear:
    if not isinstance(document, dict):
        raise _type_error(
            "", document, "must be a table of year, source, holidays, workdays", "须为表（对象）"
        )
    unknown = sorted(str(k) for k in document if k not in _FILE_KEYS)
    if unknown:
        raise InvalidInput(
            _shown(unknown[0]),
            _shown(unknown[0]),
            code="input.unknown_key",
            message_en=f"unknown key {_shown(unknown[0])!r} (known: {', '.join(_FILE_KEYS)})",
            message_zh=f"未知的键 {_shown(unknown[0])!r}（可用：{', '.join(_FILE_KEYS)}）",
        )
    missing = [k for k in _FILE_KEYS if k not in document]
    if missing:
        raise InvalidInput(
            missing[0],
            None,
            code="input.required",
            message_en=f"the key {missing[0]!r} is missing",
            message_zh=f"缺少键 {missing[0]!r}",
        )
    return OfficialYear(
        year=document["year"],
        source=document["source"],
        holidays=_file_entries("holidays", document["holidays"], ranges=True),
        workdays=_file_entries("workdays", document["workdays"], ranges=False),
    )


def _file_error(err: InvalidInput, name: str) -> InvalidInput:
    """``err`` with the file named in both messages."""
    return type(err)(
        err.path,
        err.value,
        code=err.code,
        message_en=f"{name}: {err.message_en}",
        message_zh=f"{name}：{err.message_zh}",
    )


def _unreadable(name: str, value: object, en: str, zh: str) -> InvalidInput:
    return InvalidInput(
        "path", value, code="input.invalid", message_en=f"{name}: {en}", message_zh=f"{name}：{zh}"
    )


def read_official_year(path: str | os.PathLike[str]) -> OfficialYear:
    """Read one year's schedule from a TOML (``.toml``) or JSON (``.json``) file, UTF-8, and check it as
    :class:`OfficialYear` does; it is not registered (see ``register_official_year_from``).

    The file is a table of four keys, nothing else: ``year``, ``source``, ``holidays`` (dates and
    ``[first, last]`` ranges, inclusive) and ``workdays`` (dates; ``[]`` when none). Dates are TOML dates or
    ``"YYYY-MM-DD"`` strings. Every refusal, an unreadable file included, is an ``InvalidInput`` naming the file
    and the field. ``docs/calendar.md`` shows a whole file.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "2027.toml").write_text('''
    ... year = 2027
    ... source = "示例，非官方通知 an example, not the official notice"
    ... holidays = [[2027-01-01, 2027-01-03], "2027-04-05"]
    ... workdays = []
    ... ''', encoding="utf-8") > 0
    True
    >>> read_official_year(folder / "2027.toml")
    OfficialYear(year=2027, holidays=<4 days>, workdays=<0 days>, source='示例，非官方通知 an example, not the official notice')
    """
    if not isinstance(path, str | os.PathLike):
        raise _type_error("path", path, "must be a file path (str or os.PathLike)", "须为文件路径")
    try:
        text_path = os.fspath(path)
    except TypeError as err:
        raise _type_error("path", path, f"must be a file path: {err}", "须为文件路径") from None
    if not isinstance(text_path, str):
        raise _type_error("path", path, "must be a text file path, not bytes", "须为文本路径")
    name = _shown(os.path.basename(text_path) or text_path)
    suffix = os.path.splitext(text_path)[1].lower()
    if suffix not in (".toml", ".json"):
        raise _unreadable(
            name,
            _shown(text_path),
            "the file name must end in .toml or .json",
            "文件名须以 .toml 或 .json 结尾",
        )
    try:
        with open(text_path, "rb") as stream:
            raw = stream.read(_MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or type(err).__name__
        raise _unreadable(
            name, _shown(text_path), f"cannot be read ({reason})", f"无法读取（{reason}）"
        ) from None
    if len(raw) > _MAX_FILE_BYTES:
        raise InvalidInput(
            "path",
            _shown(text_path),
            code="input.too_large",
            message_en=f"{name}: larger than {_MAX_FILE_BYTES} bytes",
            message_zh=f"{name}：超过 {_MAX_FILE_BYTES} 字节",
        )
    try:
        text = raw.decode("utf-8-sig")
        document: Any = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except UnicodeDecodeError:
        raise _unreadable(name, _shown(text_path), "is not UTF-8 text", "不是 UTF-8 文本") from None
    except (ValueError, RecursionError) as err:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        reason = _shown(str(err)) if not isinstance(err, RecursionError) else "nested too deep"
        raise _unreadable(
            name, _shown(text_path), f"is not valid {suffix[1:].upper()}: {reason}", f"格式错误：{reason}"
        ) from None
    try:
        return _from_document(document)
    except InvalidInput as err:
        raise _file_error(err, name) from None
