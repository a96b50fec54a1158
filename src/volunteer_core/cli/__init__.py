"""The command line: ``volunteer-core`` (= ``python -m volunteer_core``).

Exit codes: 0 ok, 1 violations found, 2 bad input or usage (an argument, a file that cannot be read, a
database that is not one, any :class:`~volunteer_core.errors.VolunteerError`), 3 an unexpected internal
error — one bilingual line naming the exception, the traceback only with ``--debug`` (accepted before or
after the subcommand) — and 130 when interrupted (Ctrl-C).

Output is Chinese or English: ``--lang zh|en`` (before or after the subcommand), else the locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG`` beginning with ``zh`` → Chinese). Errors are always one line in both
languages, never a traceback unless ``--debug``; they name the command line's flags (``--half``), and a
missing optional dependency the extra that installs it (``pip install 'volunteer-core[sql]'``). Tables
show names, not ids, aligned by display width (a Chinese character takes two columns). Everything printed passes through :class:`ConsoleStream`: control characters, lone surrogates
and bidirectional controls in names reach the terminal as visible ``\\uXXXX`` escapes. Long imports and
evaluations show a progress bar on stderr when it is a terminal, nothing when piped.

Subcommands: ``demo``, ``check``, ``report``, ``forms export``, ``forms import``, ``schema``, ``rules``,
``tokens issue``, ``tokens list``, ``tokens revoke``, ``serve`` (``volunteer-core SUBCOMMAND --help`` for each). Each checks its arguments before it opens or creates
anything; numbers have documented bounds (:data:`MAX_DEMO_MEMBERS`, :data:`MAX_IMPORT_ROWS`, …).

The package holds one private module per subcommand (``_check``, ``_report``, ``_forms``, ``_schema``,
``_rules``, ``_demo``, ``_tokens``), the parser (``_parser``), the argument checks (``_preflight``) and what they share
(``_common``); this module runs them and turns every error into a bilingual line and an exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from volunteer_core._extras import install_hint, missing_extra
from volunteer_core.cli._check import MAX_DATASET_BYTES
from volunteer_core.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATIONS,
    MAX_MESSAGE_CHARS,
    ConsoleStream,
    Progress,
    UsageError,
    console_text,
    locale_language,
)
from volunteer_core.cli._parser import (
    MAX_DEMO_MEMBERS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    MAX_SEED,
    MAX_YEAR,
    MIN_YEAR,
    build_parser,
)
from volunteer_core.cli._rules import render_rules_markdown
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation, VolunteerError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_VIOLATIONS",
    "MAX_DATASET_BYTES",
    "MAX_DEMO_MEMBERS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_MESSAGE_CHARS",
    "MAX_SEED",
    "MAX_YEAR",
    "MIN_YEAR",
    "ConsoleStream",
    "Progress",
    "UsageError",
    "console_text",
    "locale_language",
    "main",
    "render_rules_markdown",
]


def _line(text: str) -> str:
    return console_text(" ".join(text.split()), limit=MAX_MESSAGE_CHARS)


def _fail(zh: str, en: str) -> int:
    sys.stderr.write(f"错误：{_line(zh)} / error: {_line(en)}\n")
    return EXIT_BAD_INPUT


def _internal(err: BaseException, debug: bool) -> int:
    """One line naming the exception, with its own message (library messages mask personal data)."""
    what = f"{type(err).__name__}: {_line(str(err))}" if str(err) else type(err).__name__
    hint = "" if debug else " — 加 --debug 重新运行可看调用栈 / rerun with --debug for the traceback"
    sys.stderr.write(f"内部错误 / internal error: {what}{hint}\n")
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises, never prints a traceback unless
    ``--debug``).

    >>> main(["rules", "--lang", "en"])  # doctest: +ELLIPSIS
    wish.value_cap              micro-wish value cap  (004 §三)
    ...
    0
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    with (
        contextlib.redirect_stdout(ConsoleStream(sys.stdout)),
        contextlib.redirect_stderr(ConsoleStream(sys.stderr)),
    ):
        return _run(arguments)


def _run(arguments: list[str]) -> int:
    debug = "--debug" in arguments  # until the parser has read it
    try:
        args = build_parser().parse_args(arguments)
        debug = bool(getattr(args, "debug", False))
        preflight: Callable[[argparse.Namespace], None] | None = getattr(args, "preflight", None)
        func: Callable[[argparse.Namespace], int] = args.func
        if preflight is not None:
            preflight(args)
        return func(args)
    except SystemExit as exit_:  # the parser: --help, or a usage error it has printed
        code = exit_.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_BAD_INPUT)
    except (Exception, KeyboardInterrupt) as err:
        return _exit_code(err, debug)


def _exit_code(err: BaseException, debug: bool) -> int:
    """The exit code of an error, after its line (and with ``--debug`` its traceback) on stderr."""
    if isinstance(err, KeyboardInterrupt):
        sys.stderr.write("\n已中断 / interrupted\n")
        return EXIT_INTERRUPTED
    if isinstance(err, BrokenPipeError):  # pragma: no cover - piped into head: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    if debug:
        traceback.print_exception(err, file=sys.stderr)
    if isinstance(err, UsageError):
        return _fail(err.zh, err.en)
    if isinstance(err, InvalidInput):
        where = f"（{err.path}）" if err.path else ""
        where_en = f" ({err.path})" if err.path else ""
        return _fail(f"{err.code}{where}：{err.message_zh}", f"{err.code}{where_en}: {err.message_en}")
    if isinstance(err, NotFound):
        return _fail(f"未找到 {err.kind} {err.entity_id!r}", f"no {err.kind} {err.entity_id!r}")
    if isinstance(err, RuleViolation):
        v = err.violation
        return _fail(f"{v.code}：{v.message_zh}", f"{v.code}: {v.message_en}")
    if isinstance(err, VolunteerError):  # storage errors, conflicts: already bilingual
        return _fail(str(err), type(err).__name__)
    if isinstance(err, ImportError):
        lacking = missing_extra(err)
        if lacking is not None:  # an optional dependency: name the extra that installs it
            module, extra = lacking
            what = f" {module}" if module else ""
            return _fail(
                f"缺少可选依赖{what}，请安装：{install_hint(extra)}",
                f"a missing optional dependency{what}: {install_hint(extra)}",
            )
    if isinstance(err, UnicodeDecodeError):
        return _fail(
            f"文件编码无法识别：{err.reason}", f"a file is not in the expected encoding: {err.reason}"
        )
    if isinstance(err, OSError):
        name = str(err.filename or "")
        return _fail(
            f"无法读写文件 {name}：{err.strerror or err}",
            f"cannot read or write {name}: {err.strerror or err}",
        )
    return _internal(err, debug)  # a bug (an ImportError of our own or of a required package included)
