"""What every subcommand shares: exit codes, the language of the output, bilingual usage errors, the
progress bar, what may reach a terminal, and the small readers of dates, policy presets and database URLs.

>>> say("en", "你好", "hello"), EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED
('hello', 0, 1, 2, 3, 130)
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

from volunteer_core._catalogue import Violation
from volunteer_core._display import table
from volunteer_core._extras import install_hint, missing_extra
from volunteer_core.model.enums import Severity

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_VIOLATIONS",
    "MAX_MESSAGE_CHARS",
    "ConsoleStream",
    "Progress",
    "UsageError",
    "columns",
    "console_text",
    "exit_for",
    "json_default",
    "locale_language",
    "open_uow",
    "output_language",
    "parse_date",
    "policy_named",
    "print_violations",
    "say",
    "today",
]

T = TypeVar("T")

#: Exit code: done, nothing found.
EXIT_OK = 0
#: Exit code: violations (or refused rows) found.
EXIT_VIOLATIONS = 1
#: Exit code: bad input or usage — an argument, a file that cannot be read, a database that is not one.
EXIT_BAD_INPUT = 2
#: Exit code: an unexpected internal error (a bug): one line, the traceback only with ``--debug``.
EXIT_INTERNAL = 3
#: Exit code: interrupted by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

#: The longest message (characters) an error line shows of a text it quotes; the rest is cut with "…".
MAX_MESSAGE_CHARS = 300

# -- language, messages, progress -------------------------------------------------------------------


class UsageError(Exception):
    """Bad input on the command line: a bilingual message, exit code 2."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(f"{zh}；{en}")


# Escaped in everything the command line prints: control characters (C0 but tab and newline, DEL, C1),
# lone surrogates (which no terminal encoding can write) and the bidirectional-text controls.
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def console_text(text: str, *, limit: int | None = None) -> str:
    r"""``text`` safe for a terminal: each control character, lone surrogate or bidirectional control
    written as a visible ``\uXXXX`` escape (so a name cannot recolour the screen, move the cursor or
    reorder a line; in JSON output the escape reads back as the same character); with ``limit``, cut to
    that many characters with "…".

    >>> console_text("\x1b[31m张三\x1b[0m\tok\r\ud800")
    '\\u001b[31m张三\\u001b[0m\tok\\u000d\\ud800'
    >>> console_text("9" * 500, limit=5)
    '99999…'
    """
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return _UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def columns(
    rows: Sequence[Sequence[str]], *, right: Sequence[bool] = (), limits: Sequence[int | None] = ()
) -> list[str]:
    """The lines of a table printed by the command line: each cell made safe (:func:`console_text`)
    first, then the columns laid out by display width — a Chinese character takes two columns, a cell
    wider than ``limits[i]`` is cut with "…" (:func:`volunteer_core._display.table`).

    >>> for line in columns([("支部", "党员"), ("办公室党支部", "7")], right=(False, True)):
    ...     print(line)
    支部          党员
    办公室党支部     7
    """
    return table([[console_text(cell) for cell in row] for row in rows], right=right, limits=limits)


class ConsoleStream(io.TextIOBase):
    r"""A text stream that writes :func:`console_text` of everything to ``raw``: the command line prints
    through it, so no path (tables, summaries, row errors, messages) reaches the terminal unescaped.

    >>> out = io.StringIO()
    >>> ConsoleStream(out).write("\x1b[2J")
    4
    >>> out.getvalue()
    '\\u001b[2J'
    """

    def __init__(self, raw: IO[str]) -> None:
        super().__init__()
        #: the stream written to
        self.raw = raw

    def write(self, text: str) -> int:
        """Write ``text`` escaped; returns the length of ``text``."""
        self.raw.write(console_text(text))
        return len(text)

    def writable(self) -> bool:
        """Always true."""
        return True

    def flush(self) -> None:
        """Flush the stream written to."""
        self.raw.flush()

    def isatty(self) -> bool:
        """Whether the stream written to is a terminal."""
        return bool(getattr(self.raw, "isatty", lambda: False)())

    def fileno(self) -> int:
        """The file descriptor of the stream written to."""
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The encoding of the stream written to."""
        return str(getattr(self.raw, "encoding", None) or "utf-8")


def locale_language(environ: dict[str, str] | None = None) -> str:
    """``"zh"`` when the locale is Chinese (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``), else ``"en"``.

    >>> locale_language({"LANG": "zh_CN.UTF-8"}), locale_language({"LC_ALL": "C", "LANG": "zh_CN"})
    ('zh', 'en')
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def output_language(args: argparse.Namespace) -> str:
    """The language of the output: ``--lang`` when given, else the locale's.

    >>> output_language(argparse.Namespace(lang="zh"))
    'zh'
    """
    chosen: str | None = getattr(args, "lang", None)
    return chosen or locale_language()


def say(lang: str, zh: str, en: str) -> str:
    """The Chinese text when ``lang`` is ``"zh"``, else the English one.

    >>> say("zh", "你好", "hello")
    '你好'
    """
    return zh if lang == "zh" else en


def today() -> date:
    """Today's date in China (UTC+8), whatever the machine's time zone.

    >>> isinstance(today(), date)
    True
    """
    return (datetime.now(UTC) + timedelta(hours=8)).date()


class Progress:
    """A progress bar on a terminal (stderr by default); silent when the stream is not a terminal.

    The bar is the command line's own text and redraws with a carriage return, so it writes past a
    :class:`ConsoleStream` to the stream beneath.
    """

    def __init__(self, label: str, *, total: int | None = None, stream: IO[str] | None = None) -> None:
        self.label = label
        self.total = total
        chosen = sys.stderr if stream is None else stream
        self.stream: IO[str] = chosen.raw if isinstance(chosen, ConsoleStream) else chosen
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())
        self.done = 0
        self._shown = 0.0

    def update(self, done: int, total: int | None = None) -> None:
        """Record progress; redraws at most ten times a second."""
        self.done = done
        if total is not None:
            self.total = total
        if not self.active:
            return
        now = time.monotonic()
        if now - self._shown < 0.1 and (self.total is None or done < self.total):
            return
        self._shown = now
        if self.total:
            share = min(done / self.total, 1.0)
            bar = "█" * int(share * 30) + "░" * (30 - int(share * 30))
            text = f"\r{self.label} {bar} {done}/{self.total} ({share:.0%})"
        else:
            text = f"\r{self.label} {done}"
        self.stream.write(text)
        self.stream.flush()

    def wrap(self, items: Iterable[T], *, every: int = 1000) -> Iterator[T]:
        """Yield ``items``, counting them on the bar."""
        count = 0
        for item in items:
            count += 1
            if count % every == 0:
                self.update(count)
            yield item
        self.update(count)

    def close(self) -> None:
        """End the bar's line (nothing when silent)."""
        if self.active and self._shown:
            self.stream.write("\n")
            self.stream.flush()


# -- shared helpers ----------------------------------------------------------------------------------


def parse_date(text: str, what: str) -> date:
    """An ISO date given as the option ``what``; anything else is a :class:`UsageError`.

    >>> parse_date("2026-01-10", "--as-of")
    datetime.date(2026, 1, 10)
    """
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{what}“{text}”不是日期（YYYY-MM-DD）", f"{what} {text!r} is not a date (YYYY-MM-DD)"
        ) from None


def policy_named(name: str | None) -> Any:
    """The policy preset called ``name`` (any case); ``DEFAULT`` when None; an unknown name is a
    :class:`UsageError` listing the presets.

    >>> policy_named("loudi_2018").name
    'LOUDI_2018'
    """
    from volunteer_core.policy import DEFAULT, PRESETS

    if name is None:
        return DEFAULT
    found = {key.lower(): policy for key, policy in PRESETS.items()}.get(name.lower())
    if found is None:
        names = ", ".join(PRESETS)
        raise UsageError(
            f"未知政策预设 --policy “{name}”，可选：{names}", f"unknown --policy {name!r}; one of {names}"
        )
    return found


#: The first bytes of every SQLite database file.
_SQLITE_HEADER = b"SQLite format 3\x00"
_SQLITE_URL = re.compile(r"sqlite(?:\+\w+)?:///([^?]*)")


def _check_sqlite_file(name: str, *, create: bool) -> None:
    """A SQLite database file named on the command line: refused (:class:`UsageError`) when it is missing
    (unless ``create``), is not a regular file, or is not a SQLite database — before any driver opens it."""
    path = Path(name)
    shown = console_text(name, limit=MAX_MESSAGE_CHARS)
    if not path.exists():
        if not create:
            raise UsageError(f"数据库文件不存在：{shown}", f"no database file {shown}")
        if not path.parent.is_dir():
            raise UsageError(f"数据库所在目录不存在：{shown}", f"no directory for the database file {shown}")
        return
    if not path.is_file():
        raise UsageError(f"数据库不是普通文件：{shown}", f"the database {shown} is not a regular file")
    with path.open("rb") as stream:
        head = stream.read(len(_SQLITE_HEADER))
    if head and head != _SQLITE_HEADER:  # an empty file is a new, empty database to SQLite
        raise UsageError(f"{shown} 不是 SQLite 数据库文件", f"{shown} is not a SQLite database file")


def open_uow(url: str, *, create: bool = False) -> Any:
    """A unit of work on the database ``url`` (SQLite or PostgreSQL through ``storage.sql``).

    Reading commands refuse a SQLite file that does not exist (instead of creating an empty one);
    ``create=True`` (imports) creates the schema first. A SQLite path that is a directory or a file that
    is not a SQLite database is refused before it is opened.
    """
    found = _SQLITE_URL.fullmatch(url)
    if found and found.group(1) and found.group(1) != ":memory:":
        _check_sqlite_file(found.group(1), create=create)
    try:
        sql = importlib.import_module("volunteer_core.storage.sql")
    except ImportError as err:
        lacking = missing_extra(err)
        if lacking is None:
            raise
        what = lacking[0] or "sqlalchemy"
        raise UsageError(
            f"--db 需要 SQL 存储（缺少 {what}），请安装：{install_hint(lacking[1])}",
            f"--db needs the SQL storage ({what} is missing): {install_hint(lacking[1])}",
        ) from None
    if create:
        return sql.SqlUnitOfWork(sql.create_schema(url))
    return sql.SqlUnitOfWork(url)


def _severity(lang: str, v: Violation) -> str:
    return v.severity.label_zh if lang == "zh" else v.severity.value


def print_violations(out: IO[str], violations: Sequence[Violation], lang: str) -> None:
    """One line per violation, then the counts of errors and warnings.

    >>> import io
    >>> out = io.StringIO()
    >>> print_violations(out, [], "en")
    >>> print(out.getvalue(), end="")
    0 violations: 0 errors, 0 warnings
    """
    for v in violations:
        out.write(f"[{_severity(lang, v)}] {v.code} {v.subject_id}: {v.message(lang)} ({v.source})\n")
    errors = sum(1 for v in violations if v.severity is Severity.ERROR)
    warnings = len(violations) - errors
    out.write(
        say(
            lang,
            f"共 {len(violations)} 条问题：错误 {errors}，提醒 {warnings}\n",
            f"{len(violations)} violations: {errors} errors, {warnings} warnings\n",
        )
    )


def exit_for(violations: Sequence[Violation], errors_only: bool) -> int:
    """:data:`EXIT_VIOLATIONS` when a violation counts (only errors with ``errors_only``), else :data:`EXIT_OK`.

    >>> exit_for([], errors_only=False)
    0
    """
    relevant = [v for v in violations if v.severity is Severity.ERROR] if errors_only else violations
    return EXIT_VIOLATIONS if relevant else EXIT_OK


def json_default(value: object) -> Any:
    """How ``json.dumps`` writes what JSON lacks: dates in ISO form, tuples and sets as lists, else ``str``.

    >>> json_default(date(2026, 1, 10)), json_default(("a",))
    ('2026-01-10', ['a'])
    """
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | frozenset | set):
        return list(value)
    return str(value)
