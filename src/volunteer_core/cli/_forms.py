"""``volunteer-core forms export|import``: the official tables of a stored year, both ways.

>>> import argparse
>>> from volunteer_core.cli import UsageError
>>> try:
...     run_export(argparse.Namespace(db="sqlite:////nonexistent/v.db", kind="notice", out="n.csv", year=2026,
...                                   branch=None, half=None, unmasked=False, as_of=None, policy=None, lang="en",
...                                   organisation=None))
... except UsageError as err:
...     print(err.en)
no database file /nonexistent/v.db
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from volunteer_core.cli import _common
from volunteer_core.cli._common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    Progress,
    UsageError,
    console_text,
    output_language,
    parse_date,
    policy_named,
    say,
    today,
)
from volunteer_core.errors import InvalidInput, NotFound

__all__ = ["run_export", "run_import"]


def run_export(args: argparse.Namespace) -> int:
    """Write the form ``KIND`` of the database ``--db`` to ``--out`` (CSV or XLSX by its suffix);
    ``--organisation`` narrows the 汇总表 (``organisation_summary``) to that organisation's subtree (else the
    whole tree)."""
    from volunteer_core import forms

    lang = output_language(args)
    uow = _common.open_uow(args.db)  # looked up when called: tests substitute the opener
    try:
        path = forms.export(
            args.kind,
            uow,
            Path(args.out),
            year=args.year,
            branch_id=args.branch,
            half=args.half,
            masked=not args.unmasked,
            as_of=parse_date(args.as_of, "--as-of") if args.as_of else None,
            policy=policy_named(args.policy),
            organisation_id=args.organisation,
        )
    except InvalidInput as err:
        raise _flag_error(args.kind, err) from None
    except NotFound as err:
        flag = _FLAGS.get(f"{err.kind}_id")
        if flag is None:
            raise
        shown = console_text(repr(err.entity_id), limit=80)
        raise UsageError(
            f"未找到{flag[1]} {shown}（{flag[0]}）", f"no {err.kind} {shown} ({flag[0]})"
        ) from None
    sys.stdout.write(say(lang, f"已写入 {path}\n", f"written {path}\n"))
    return EXIT_OK


#: The arguments of ``forms.export`` / ``forms.import_wishes`` and the flag that sets each (its label).
_FLAGS = {
    "year": ("--year", "年度"),
    "branch_id": ("--branch", "支部"),
    "half": ("--half", "上/下半年"),
    "as_of": ("--as-of", "评估截止日期"),
    "organisation_id": ("--organisation", "组织"),
    "collected_on": ("--collected-on", "征集日期"),
    "community": ("--community", "社区"),
}


def _flag_error(kind: str, err: InvalidInput) -> Exception:
    """``err`` of a form's argument as the command line says it: naming the flag (``--half``), not the
    Python argument (``half=``); ``err`` itself when it is about something else.

    >>> from volunteer_core.errors import InvalidInput
    >>> _flag_error("half_year", InvalidInput("half", None, code="input.required")).en
    'the form half_year needs --half'
    """
    flag = _FLAGS.get(err.path)
    if flag is None:
        return err
    if err.code == "input.required":
        return UsageError(f"表格 {kind} 须指定{flag[1]}（{flag[0]}）", f"the form {kind} needs {flag[0]}")
    return UsageError(f"{flag[0]}：{err.message_zh}", f"{flag[0]}: {err.message_en}")


def run_import(args: argparse.Namespace) -> int:
    """Import a filled 附件1 into the database ``--db`` (its schema created when needed); every refused
    row is printed, then a summary counting the rows imported, already imported (by an earlier import:
    stored nothing, not an error) and refused; :data:`~volunteer_core.cli.EXIT_VIOLATIONS` is returned
    when a row was refused, :data:`~volunteer_core.cli.EXIT_OK` otherwise."""
    from volunteer_core import forms

    lang = output_language(args)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"文件不存在：{path}", f"no such file: {path}")
    uow = _common.open_uow(args.db, create=True)  # looked up when called: tests substitute the opener
    progress = Progress(say(lang, "导入行", "importing rows"))
    try:
        result = forms.import_wishes(
            path,
            uow,
            strict=args.strict,
            collected_on=parse_date(args.collected_on, "--collected-on") if args.collected_on else today(),
            community=args.community,
            max_rows=args.max_rows,
            max_bytes=args.max_bytes,
            policy=policy_named(args.policy),
            progress=progress.update,
        )
    except InvalidInput as err:
        if err.code == "input.too_large":  # the file has more rows than --max-rows allows
            flag = "--max-rows" if "rows" in err.message_en else "--max-bytes"
            raise UsageError(
                f"{err.message_zh}（可用 {flag} 调整上限）", f"{err.message_en} (raise it with {flag})"
            ) from None
        raise _flag_error(args.kind, err) from None
    finally:
        progress.close()
    if args.format == "json":
        payload = result.to_record()
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for error in result.errors:
            sys.stdout.write(error.text(lang) + "\n")
        if args.strict and result.errors:
            sys.stdout.write(
                say(lang, "严格模式：有错误，未导入任何数据\n", "strict: errors found, nothing imported\n")
            )
        sys.stdout.write(result.summary(lang) + "\n")
    return EXIT_VIOLATIONS if result.errors else EXIT_OK
