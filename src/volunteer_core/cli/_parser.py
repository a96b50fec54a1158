"""The argument parser of ``volunteer-core``: every subcommand, its options and its bilingual help.

Each subcommand sets ``func`` (what it runs) and ``preflight`` (the checks of its arguments that run
before it opens anything, :mod:`volunteer_core.cli._preflight`). Numbers have documented bounds
(:data:`MAX_DEMO_MEMBERS`, :data:`MAX_DEPTH`, :data:`MAX_SEED`, :data:`MAX_IMPORT_ROWS`, :data:`MAX_IMPORT_BYTES`, years
within :data:`MIN_YEAR`–:data:`MAX_YEAR`); ``--lang`` and ``--debug`` are accepted before or after the
subcommand.

>>> args = build_parser().parse_args(["report", "--db", "sqlite:///v.db", "--year", "2026", "--debug"])
>>> args.command, args.year, args.format, args.debug
('report', 2026, 'table', True)
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from volunteer_core.cli import (
    _check,
    _demo,
    _forms,
    _preflight,
    _report,
    _rules,
    _schema,
    _serve,
    _tokens,
)
from volunteer_core.cli._common import EXIT_BAD_INPUT, MAX_MESSAGE_CHARS, console_text

__all__ = [
    "MAX_DEMO_MEMBERS",
    "MAX_DEPTH",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_SEED",
    "MAX_YEAR",
    "MIN_YEAR",
    "build_parser",
]

#: The most members ``demo --members`` builds a year for (about ten minutes of work); more is refused.
MAX_DEMO_MEMBERS = 100_000
#: The largest ``demo --seed`` (seeds are 0 … 2⁶³ − 1).
MAX_SEED = 2**63 - 1
#: The largest ``forms import --max-rows``.
MAX_IMPORT_ROWS = 1_000_000
#: The largest ``forms import --max-bytes`` (512 MiB).
MAX_IMPORT_BYTES = 512 * 1024 * 1024
#: The years the command line accepts (``--year``).
MIN_YEAR = 1950
#: The last year the command line accepts (``--year``).
MAX_YEAR = 2100
#: The longest numeric argument read (digits); longer is refused without converting it.
_MAX_DIGITS = 30


class _Parser(argparse.ArgumentParser):
    """argparse with a bilingual error line (exit code 2, no traceback)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_BAD_INPUT,
            f"{self.prog}: 用法错误 / usage error: {console_text(message, limit=MAX_MESSAGE_CHARS)} "
            "（volunteer-core --help 查看用法 / see volunteer-core --help）\n",
        )


def _shared_options() -> _Parser:
    common = _Parser(add_help=False)
    _lang_option(common, default=argparse.SUPPRESS)
    _debug_option(common, default=argparse.SUPPRESS)
    return common


def _lang_option(parser: argparse.ArgumentParser, *, default: object) -> None:
    """``--lang``, accepted before or after the subcommand: a subcommand's copy has no default, so that
    it never resets the one given before it (the last one given wins)."""
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=default,
        help="输出语言（默认按 LANG）/ output language (default: locale)",
    )


def _debug_option(parser: argparse.ArgumentParser, *, default: object) -> None:
    """``--debug``; a subcommand's copy has no default, so that it never resets the top-level one."""
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="内部错误时显示调用栈 / show the traceback of an internal error",
    )


def _shown(text: str) -> str:
    return console_text(text, limit=40)


def _integer(text: str, low: int, high: int, zh: str, flag: str) -> int:
    """``text`` as an integer within ``low``–``high``; anything else an argparse type error (exit 2)
    naming the option ``flag`` (argparse adds it too, in its own words)."""
    digits = text.strip()
    digits = digits[1:] if digits[:1] in ("+", "-") else digits
    value: int | None = None
    if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_DIGITS:
        value = int(text)
    if value is None or not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"{zh}（{flag}）须为 {low}–{high} 的整数 / {flag} must be an integer within {low}–{high}: "
            f"{_shown(text)}"
        )
    return value


def _year(text: str) -> int:
    return _integer(text, MIN_YEAR, MAX_YEAR, "年份", "--year")


#: The deepest ``report --depth`` accepted (trees are a few levels deep).
MAX_DEPTH = 100


def _depth(text: str) -> int:
    return _integer(text, 0, MAX_DEPTH, "层级深度", "--depth")


def _port(text: str) -> int:
    return _integer(text, 1, 65535, "端口", "--port")


def _body_size(text: str) -> int:
    return _integer(text, 1024, MAX_IMPORT_BYTES, "请求体上限", "--max-body")


def _members(text: str) -> int:
    return _integer(text, 1, MAX_DEMO_MEMBERS, "党员人数", "--members")


def _seed(text: str) -> int:
    return _integer(text, 0, MAX_SEED, "随机种子", "--seed")


def _rows(text: str) -> int:
    return _integer(text, 1, MAX_IMPORT_ROWS, "行数上限", "--max-rows")


def _bytes(text: str) -> int:
    return _integer(text, 1, MAX_IMPORT_BYTES, "文件大小上限", "--max-bytes")


def _evaluation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", help="政策预设（默认 DEFAULT）/ policy preset (default DEFAULT)")
    parser.add_argument(
        "--errors-only",
        action="store_true",
        help="只有“错误”级问题才返回 1 / exit 1 only for ERROR violations (not warnings)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``volunteer-core``; each subcommand's ``func`` runs it and returns the exit code."""
    from volunteer_core.forms import KINDS

    common = _shared_options()
    parser = _Parser(
        prog="volunteer-core",
        description="党员志愿服务规则库 / volunteer programme rules. "
        "退出码 exit codes: 0 正常 ok, 1 发现问题 violations found, 2 输入有误 bad input, "
        "3 内部错误 internal error (--debug 显示调用栈 shows the traceback).",
    )
    _lang_option(parser, default=None)
    _debug_option(parser, default=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser(
        "demo",
        parents=[common],
        help="生成一个示例年度并输出合规汇总 / build a realistic year and print its compliance summary",
        description="生成一个示例年度，输出合规汇总，并把 SQLite 数据库、表格、证明和图表（PNG）写入 --out 目录"
        f"（默认 ./{_demo.DEFAULT_OUT}）/ build a realistic year, print its compliance summary and write the "
        f"SQLite database, the forms, a certificate and the charts (PNG) into --out (default ./{_demo.DEFAULT_OUT})",
    )
    demo.add_argument(
        "--out",
        metavar="DIR",
        default=_demo.DEFAULT_OUT,
        help=f"输出目录（默认 ./{_demo.DEFAULT_OUT}）：数据库、表格、证明、图表 / directory for the database, "
        f"forms, certificate and charts (default ./{_demo.DEFAULT_OUT})",
    )
    demo.add_argument(
        "--members",
        type=_members,
        default=200,
        help=f"党员人数（至多 {MAX_DEMO_MEMBERS}）/ number of members (at most {MAX_DEMO_MEMBERS})",
    )
    demo.add_argument("--seed", type=_seed, default=2026, help="随机种子 / random seed")
    demo.add_argument("--year", type=_year, default=None, help="年度 / year")
    demo.set_defaults(func=_demo.run, preflight=_preflight.before_demo)

    check = sub.add_parser(
        "check",
        parents=[common],
        help="检查数据集（JSON）或附件1（CSV/XLSX）/ check a JSON dataset or a 附件1 CSV/XLSX",
        description='检查 JSON 数据集（{"members": [...], "records": [...], ...}）或附件1 需求征集表；'
        "发现问题时退出码为 1 / check a JSON dataset or a filled 附件1; exit code 1 when violations are found",
    )
    check.add_argument("file", metavar="FILE", help=".json / .csv / .xlsx")
    check.add_argument(
        "--year", type=_year, help="年度（默认取数据中最晚年份）/ year (default: latest in the data)"
    )
    check.add_argument("--as-of", help="评估截止日期 YYYY-MM-DD / evaluate up to this date")
    check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式 / output format")
    _evaluation_options(check)
    check.set_defaults(func=_check.run, preflight=_preflight.before_check)

    report = sub.add_parser(
        "report",
        parents=[common],
        help="数据库中某年度的合规报告 / the compliance report of a stored year",
        description="评估数据库中某年度并输出报告 / evaluate a stored year and print the report",
    )
    report.add_argument(
        "--db", required=True, metavar="URL", help="数据库地址 / database URL (sqlite:///file.db)"
    )
    report.add_argument("--year", type=_year, required=True, help="年度 / year")
    report.add_argument("--branch", metavar="B", help="只看某支部 / one branch only")
    report.add_argument(
        "--organisation",
        metavar="O",
        help="只评估该组织及其下级（逐级汇总从该组织起）/ judge only this organisation's subtree (the roll-up "
        "starts there)",
    )
    report.add_argument(
        "--depth",
        type=_depth,
        metavar="N",
        help="汇总表只列到第 N 层（0 为顶层；默认全部）；给出 --organisation 或 --depth 时 CSV 输出逐级汇总表 / "
        "roll-up rows down to depth N (0: the top; default all); with --organisation or --depth the CSV is "
        "the roll-up",
    )
    report.add_argument("--as-of", metavar="D", help="评估截止日期 YYYY-MM-DD / evaluate up to this date")
    report.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="输出格式 / output format"
    )
    _evaluation_options(report)
    report.set_defaults(func=_report.run, preflight=_preflight.before_report)

    forms_parser = sub.add_parser(
        "forms",
        help="导出/导入官方表格 / export or import the official forms",
        description="导出或导入官方表格 / export or import the official forms",
    )
    _lang_option(forms_parser, default=argparse.SUPPRESS)
    _debug_option(forms_parser, default=argparse.SUPPRESS)
    forms_sub = forms_parser.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=_Parser
    )
    export = forms_sub.add_parser(
        "export",
        parents=[common],
        help="导出表格 / export a form",
        description="导出表格为 CSV 或 XLSX（按 --out 的后缀）；默认隐去服务对象个人信息 / write a form as CSV or "
        "XLSX (by the suffix of --out); beneficiaries' personal data masked unless --unmasked",
    )
    export.add_argument("kind", choices=KINDS, metavar="KIND", help="表格 / form: " + ", ".join(KINDS))
    export.add_argument("--db", required=True, metavar="URL", help="数据库地址 / database URL")
    export.add_argument("--out", required=True, metavar="PATH", help="输出文件 .csv/.xlsx / output file")
    export.add_argument("--year", type=_year, help="年度 / year")
    export.add_argument("--branch", metavar="B", help="支部编号 / branch id")
    export.add_argument("--half", type=int, choices=(1, 2), help="上半年 1 / 下半年 2 (half_year)")
    export.add_argument("--as-of", metavar="D", help="评估截止日期 / evaluate up to this date (notice)")
    export.add_argument(
        "--organisation",
        metavar="O",
        help="汇总表只列该组织及其下级 / organisation_summary: that organisation's subtree only",
    )
    export.add_argument("--policy", help="政策预设 / policy preset")
    export.add_argument(
        "--unmasked", action="store_true", help="不隐去个人信息（仅限内部使用）/ do not mask personal data"
    )
    export.set_defaults(func=_forms.run_export, preflight=_preflight.before_export)
    importer = forms_sub.add_parser(
        "import",
        parents=[common],
        help="导入附件1 需求征集表 / import a filled 附件1",
        description="把填好的附件1 导入为服务对象与心愿；有错误的行不导入，退出码 1 / import a filled 附件1 as "
        "beneficiaries and wishes; rows with errors are refused (exit code 1)",
    )
    importer.add_argument("kind", choices=("wish_collection",), metavar="KIND", help="wish_collection")
    importer.add_argument("file", metavar="FILE", help=".csv / .xlsx")
    importer.add_argument(
        "--db", required=True, metavar="URL", help="数据库地址（不存在时建表）/ database URL"
    )
    importer.add_argument(
        "--strict", action="store_true", help="有任何错误则全部不导入 / import nothing if any row fails"
    )
    importer.add_argument(
        "--collected-on", metavar="D", help="空白征集日期的默认值（默认今天）/ date for blank 征集日期"
    )
    importer.add_argument("--community", help="空白所在社区（村）的默认值 / community for blank cells")
    importer.add_argument(
        "--max-rows", type=_rows, default=50_000, help=f"行数上限（≤ {MAX_IMPORT_ROWS}）/ row limit"
    )
    importer.add_argument(
        "--max-bytes",
        type=_bytes,
        default=20 * 1024 * 1024,
        help=f"文件大小上限（≤ {MAX_IMPORT_BYTES}）/ size limit (bytes)",
    )
    importer.add_argument("--policy", help="政策预设 / policy preset")
    importer.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式 / output format"
    )
    importer.set_defaults(func=_forms.run_import, preflight=_preflight.before_import)

    schema = sub.add_parser(
        "schema",
        parents=[common],
        help="输出 JSON Schema / write JSON Schemas of the entities",
        description="输出实体的 JSON Schema（供其他系统使用）/ write the JSON Schemas of the entities for "
        "non-Python systems",
    )
    schema.add_argument(
        "entity", nargs="?", metavar="ENTITY", help="实体名，如 Wish / entity name, e.g. Wish"
    )
    schema.add_argument(
        "--out", metavar="DIR", help="写入目录（每个实体一个文件）/ directory, one file per entity"
    )
    schema.set_defaults(func=_schema.run, preflight=_preflight.before_schema)

    rules = sub.add_parser(
        "rules",
        parents=[common],
        help="输出规则目录 / print the rule catalogue",
        description="输出规则目录 / print the rule catalogue",
    )
    rules.add_argument(
        "--format", choices=("text", "markdown"), default="text", help="输出格式 / output format"
    )
    rules.set_defaults(func=_rules.run)

    serve = sub.add_parser(
        "serve",
        parents=[common],
        help="HTTP/JSON 服务（需 volunteer-core[http]）/ the HTTP/JSON service (needs volunteer-core[http])",
        description="以 HTTP/JSON 提供用例与校验；首次启动时在 stderr 打印一行管理令牌 token: vct_… / serve the "
        "use-cases and validators over HTTP/JSON; on first start prints one administer token line "
        "(token: vct_…) on stderr",
    )
    serve.add_argument(
        "--db",
        default="sqlite:///demo-output/volunteer.db",
        metavar="URL",
        help="数据库地址（不存在时建表；默认 make demo 的数据库）/ database URL (schema created when absent; "
        "default: the one make demo writes)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="监听地址 / address to listen on")
    serve.add_argument("--port", type=_port, default=8000, help="端口 / port (1–65535)")
    serve.add_argument(
        "--max-body",
        type=_body_size,
        default=1024 * 1024,
        metavar="BYTES",
        help="请求体上限（默认 1 MiB）/ largest request body (default 1 MiB)",
    )
    serve.add_argument(
        "--import-max-body",
        type=_body_size,
        default=16 * 1024 * 1024,
        metavar="BYTES",
        help="表格导入的请求体上限（默认 16 MiB）/ largest form import body (default 16 MiB)",
    )
    serve.add_argument(
        "--certificate-secret-file", metavar="F", help="证书签名密钥文件 / the certificates' signing key"
    )
    serve.add_argument(
        "--bootstrap-token-file",
        metavar="F",
        help="把首个管理令牌写入此文件（权限 0600）而非 stderr / write the first administer token to this file "
        "(mode 0600) instead of stderr",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="信任其 X-Forwarded-* 头的反向代理地址（逗号分隔；默认 127.0.0.1）/ proxies whose X-Forwarded-* "
        "headers are trusted (comma-separated; default 127.0.0.1)",
    )
    serve.add_argument("--policy", help="政策预设 / policy preset")
    serve.set_defaults(func=_serve.run)
    _tokens_commands(
        sub.add_parser(
            "tokens",
            help="HTTP 服务的访问令牌 / the HTTP service's bearer tokens",
            description="签发、列出、撤销 HTTP 服务的访问令牌（数据库只存摘要）/ issue, list or revoke the "
            "HTTP service's bearer tokens (the database keeps only their digests)",
        ),
        common,
    )
    return parser


def _tokens_commands(tokens: argparse.ArgumentParser, common: _Parser) -> None:
    """``tokens issue|list|revoke``: the HTTP service's bearer tokens in the database (``_tokens``)."""
    _lang_option(tokens, default=argparse.SUPPRESS)
    _debug_option(tokens, default=argparse.SUPPRESS)
    actions = tokens.add_subparsers(dest="action", required=True, metavar="ACTION", parser_class=_Parser)
    db_help = "数据库地址 / database URL (sqlite:///file.db)"
    issue = actions.add_parser(
        "issue",
        parents=[common],
        help="签发令牌，密钥只输出一次 / issue a token; its secret is printed once",
        description="签发令牌：标准输出只有一行，即密钥（只显示这一次）/ issue a token: the only line on stdout "
        "is its secret (shown this once)",
    )
    issue.add_argument("--db", required=True, metavar="URL", help=db_help)
    issue.add_argument(
        "--role",
        required=True,
        choices=("read", "record", "decide", "administer"),
        help="角色 / role: read < record < decide < administer",
    )
    issue.add_argument(
        "--scope",
        required=True,
        metavar="SCOPE",
        help="范围：* 、组织编号（含下级）或支部编号 / scope: *, an organisation id (its subtree) or a branch id",
    )
    issue.add_argument(
        "--label", default="", help=f"备注名（至多 {_tokens.MAX_LABEL_CHARS} 字）/ label (who holds it)"
    )
    issue.set_defaults(func=_tokens.run_issue, preflight=_tokens.before_tokens)
    listing = actions.add_parser(
        "list",
        parents=[common],
        help="列出令牌（不含密钥）/ list the tokens (never their secrets)",
        description="列出令牌：编号、角色、范围、备注、签发与撤销时间 / list the tokens: id, role, scope, label, "
        "issued, revoked",
    )
    listing.add_argument("--db", required=True, metavar="URL", help=db_help)
    listing.add_argument(
        "--format", choices=("table", "json"), default="table", help="输出格式 / output format"
    )
    listing.set_defaults(func=_tokens.run_list, preflight=_tokens.before_tokens)
    revoke = actions.add_parser(
        "revoke",
        parents=[common],
        help="撤销令牌 / revoke a token",
        description="撤销令牌（不可恢复）/ revoke a token for good",
    )
    revoke.add_argument("token_id", metavar="ID", help="令牌编号 / token id (tokens list)")
    revoke.add_argument("--db", required=True, metavar="URL", help=db_help)
    revoke.set_defaults(func=_tokens.run_revoke, preflight=_tokens.before_tokens)
