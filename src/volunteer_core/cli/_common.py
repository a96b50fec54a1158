"""What every subcommand shares: exit codes, the language of the output, bilingual usage errors, the
progress bar, and the small readers of dates, policy presets and database URLs.

>>> say("en", "你好", "hello"), EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT
('hello', 0, 1, 2)
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

from volunteer_core._catalogue import Violation
from volunteer_core.model.enums import Severity

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_VIOLATIONS",
    "Progress",
    "UsageError",
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

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2

# -- language, messages, progress -------------------------------------------------------------------


class UsageError(Exception):
    """Bad input on the command line: a bilingual message, exit code 2."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(f"{zh}；{en}")


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
    """A progress bar on a terminal (stderr by default); silent when the stream is not a terminal."""

    def __init__(self, label: str, *, total: int | None = None, stream: IO[str] | None = None) -> None:
        self.label = label
        self.total = total
        self.stream = sys.stderr if stream is None else stream
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
        raise UsageError(f"未知政策“{name}”，可选：{names}", f"unknown policy {name!r}; one of {names}")
    return found


def open_uow(url: str, *, create: bool = False) -> Any:
    """A unit of work on the database ``url`` (SQLite or PostgreSQL through ``storage.sql``).

    Reading commands refuse a SQLite file that does not exist (instead of creating an empty one);
    ``create=True`` (imports) creates the schema first.
    """
    if url.startswith("sqlite:///") and not create:
        name = url[len("sqlite:///") :].split("?", 1)[0]
        if name and name != ":memory:" and not Path(name).exists():
            raise UsageError(f"数据库文件不存在：{name}", f"no database file {name}")
    try:
        sql = importlib.import_module("volunteer_core.storage.sql")
    except ImportError as err:
        raise UsageError(
            f"需要 SQL 存储：pip install 'volunteer-core[sql]'（{err}）",
            f"the SQL storage is needed: pip install 'volunteer-core[sql]' ({err})",
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
