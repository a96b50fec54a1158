"""Checks of a subcommand's arguments that run before it opens, creates or writes anything.

``main`` calls the subcommand's ``preflight`` (set beside its ``func`` by the parser) first: a file that
is missing, a directory, a device or of the wrong kind, a date or a policy that does not parse, an output
path that is a directory — each is a :class:`~volunteer_core.cli.UsageError` (exit code 2) before any
database is opened, so ``forms import`` never leaves a new database behind for a bad argument. The
database URL itself is checked when it is opened (:func:`~volunteer_core.cli._common.open_uow`).

>>> import argparse
>>> try:
...     before_check(argparse.Namespace(file="/", as_of=None, policy=None))
... except UsageError as err:
...     print(err.en)
/ is not a regular file
"""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

from volunteer_core.cli._common import (
    MAX_MESSAGE_CHARS,
    UsageError,
    console_text,
    parse_date,
    policy_named,
)
from volunteer_core.errors import InvalidInput

__all__ = [
    "SHEET_SUFFIXES",
    "before_check",
    "before_demo",
    "before_export",
    "before_import",
    "before_report",
    "before_schema",
    "input_file",
    "output_directory",
    "output_file",
]

#: The suffixes of the spreadsheets the forms commands read and write.
SHEET_SUFFIXES = (".csv", ".xlsx")


def _shown(text: str) -> str:
    return console_text(text, limit=MAX_MESSAGE_CHARS)


def input_file(text: str, *, suffixes: tuple[str, ...], max_bytes: int | None = None) -> Path:
    """The file ``text`` names, when it is an existing regular file (not a directory, a device or a pipe)
    whose name ends in one of ``suffixes`` and, with ``max_bytes``, no larger than that (else
    ``InvalidInput`` ``input.too_large``, as the readers say it); anything else is a :class:`UsageError`.

    >>> try:
    ...     input_file("/nonexistent/a.csv", suffixes=(".csv",))
    ... except UsageError as err:
    ...     print(err.en)
    no such file: /nonexistent/a.csv
    """
    path = Path(text)
    shown = _shown(text)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"文件不存在：{shown}", f"no such file: {shown}") from None
    except OSError as err:
        raise UsageError(
            f"无法读取文件 {shown}：{err.strerror}", f"cannot read {shown}: {err.strerror}"
        ) from None
    if not stat.S_ISREG(mode):
        raise UsageError(f"{shown} 不是普通文件", f"{shown} is not a regular file")
    if path.suffix.lower() not in suffixes:
        wanted = " / ".join(suffixes)
        raise UsageError(f"{shown}：文件名须以 {wanted} 结尾", f"{shown}: the file name must end in {wanted}")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise InvalidInput(
            "file",
            path.name,
            code="input.too_large",
            message_en=f"{_shown(path.name)} has {size} bytes, more than the limit of {max_bytes} (--max-bytes)",
            message_zh=f"{_shown(path.name)} 有 {size} 字节，超过上限 {max_bytes} 字节（--max-bytes）",
        )
    return path


def output_file(text: str, *, suffixes: tuple[str, ...]) -> Path:
    """The file ``text`` names as a place to write: its name ends in one of ``suffixes``, and it is not
    an existing directory nor inside something that is not a directory; else a :class:`UsageError`.

    >>> output_file("out/notice.csv", suffixes=(".csv", ".xlsx")).name
    'notice.csv'
    """
    path = Path(text)
    shown = _shown(text)
    if path.suffix.lower() not in suffixes:
        wanted = " / ".join(suffixes)
        raise UsageError(f"{shown}：文件名须以 {wanted} 结尾", f"{shown}: the file name must end in {wanted}")
    if path.is_dir():
        raise UsageError(f"{shown} 是目录，不是文件", f"{shown} is a directory, not a file")
    _no_file_above(path.parent, shown)
    return path


def output_directory(text: str) -> Path:
    """The directory ``text`` names as a place to write: missing (it will be made) or a directory, and
    not inside a file; else a :class:`UsageError`.

    >>> output_directory("demo-output").name
    'demo-output'
    """
    path = Path(text)
    shown = _shown(text)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{shown} 不是目录", f"{shown} is not a directory")
    _no_file_above(path.parent, shown)
    return path


def _no_file_above(folder: Path, shown: str) -> None:
    for above in (folder, *folder.parents):
        if above.exists():
            if not above.is_dir():
                raise UsageError(f"{shown}：{above} 不是目录", f"{shown}: {above} is not a directory")
            return


def _dates_and_policy(args: argparse.Namespace, *options: str) -> None:
    for option in options:
        value = getattr(args, option, None)
        if value is not None:
            parse_date(value, "--" + option.replace("_", "-"))
    policy_named(getattr(args, "policy", None))


def before_check(args: argparse.Namespace) -> None:
    """``check FILE``: FILE a regular .json, .csv or .xlsx file; ``--as-of`` a date; ``--policy`` a preset."""
    input_file(args.file, suffixes=(".json", *SHEET_SUFFIXES))
    _dates_and_policy(args, "as_of")


def before_report(args: argparse.Namespace) -> None:
    """``report``: ``--as-of`` a date; ``--policy`` a preset."""
    _dates_and_policy(args, "as_of")


def before_export(args: argparse.Namespace) -> None:
    """``forms export``: ``--out`` a .csv/.xlsx file that is not a directory; ``--as-of`` a date;
    ``--policy`` a preset."""
    output_file(args.out, suffixes=SHEET_SUFFIXES)
    _dates_and_policy(args, "as_of")


def before_import(args: argparse.Namespace) -> None:
    """``forms import``: FILE a regular .csv/.xlsx file within ``--max-bytes``; ``--collected-on`` a
    date; ``--policy`` a preset — all before the database is created."""
    input_file(args.file, suffixes=SHEET_SUFFIXES, max_bytes=args.max_bytes)
    _dates_and_policy(args, "collected_on")


def before_demo(args: argparse.Namespace) -> None:
    """``demo``: ``--out`` a directory or a path where one can be made."""
    output_directory(args.out)


def before_schema(args: argparse.Namespace) -> None:
    """``schema``: ``--out``, when given, a directory or a path where one can be made."""
    if args.out is not None:
        output_directory(args.out)
