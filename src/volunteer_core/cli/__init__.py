"""The command line: ``volunteer-core`` (= ``python -m volunteer_core``).

Exit codes: 0 ok, 1 violations found, 2 bad input or usage.

Output is Chinese or English: ``--lang zh|en``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``
beginning with ``zh`` → Chinese). Errors are always given in both languages, never as a traceback.
Long imports and evaluations show a progress bar on stderr when it is a terminal, nothing when piped.

Subcommands: ``demo``, ``check``, ``report``, ``forms export``, ``forms import``, ``schema``, ``rules``
(``volunteer-core SUBCOMMAND --help`` for each).

The package holds one private module per subcommand (``_check``, ``_report``, ``_forms``, ``_schema``,
``_rules``, ``_demo``), the parser (``_parser``) and what they share (``_common``); this module runs them
and turns every expected error into a bilingual message and an exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from volunteer_core.cli._check import MAX_DATASET_BYTES
from volunteer_core.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    Progress,
    UsageError,
    locale_language,
)
from volunteer_core.cli._parser import build_parser
from volunteer_core.cli._rules import render_rules_markdown
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation, VolunteerError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_VIOLATIONS",
    "MAX_DATASET_BYTES",
    "Progress",
    "UsageError",
    "locale_language",
    "main",
    "render_rules_markdown",
]


def _fail(zh: str, en: str) -> int:
    sys.stderr.write(f"错误：{zh}\nerror: {en}\n")
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    >>> main(["rules", "--lang", "en"])  # doctest: +ELLIPSIS
    wish.value_cap              micro-wish value cap  (004 §三)
    ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else EXIT_BAD_INPUT)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UsageError as err:
        return _fail(err.zh, err.en)
    except InvalidInput as err:
        where = f"（{err.path}）" if err.path else ""
        where_en = f" ({err.path})" if err.path else ""
        return _fail(f"{err.code}{where}：{err.message_zh}", f"{err.code}{where_en}: {err.message_en}")
    except NotFound as err:
        return _fail(f"未找到 {err.kind} {err.entity_id!r}", f"no {err.kind} {err.entity_id!r}")
    except RuleViolation as err:
        v = err.violation
        return _fail(f"{v.code}：{v.message_zh}", f"{v.code}: {v.message_en}")
    except VolunteerError as err:  # storage errors, conflicts: already bilingual
        return _fail(str(err), type(err).__name__)
    except ImportError as err:
        return _fail(f"缺少可选依赖：{err}", f"a missing optional dependency: {err}")
    except BrokenPipeError:  # pragma: no cover - piped into head: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as err:
        name = err.filename or ""
        return _fail(
            f"无法读写文件 {name}：{err.strerror or err}",
            f"cannot read or write {name}: {err.strerror or err}",
        )
    except KeyboardInterrupt:
        sys.stderr.write("\n已中断 / interrupted\n")
        return 130
