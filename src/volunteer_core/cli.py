"""The command line: ``volunteer-core`` (= ``python -m volunteer_core``).

Exit codes: 0 ok, 1 violations found, 2 bad input or usage.

Output is Chinese or English: ``--lang zh|en``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``
beginning with ``zh`` → Chinese). Errors are always given in both languages, never as a traceback.
Long imports and evaluations show a progress bar on stderr when it is a terminal, nothing when piped.

Subcommands: ``demo``, ``check``, ``report``, ``forms export``, ``forms import``, ``schema``, ``rules``
(``volunteer-core SUBCOMMAND --help`` for each).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import json
import os
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

from volunteer_core._catalogue import RULES, Violation
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation, VolunteerError
from volunteer_core.model.enums import Severity

__all__ = ["main", "render_rules_markdown"]

T = TypeVar("T")

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2

#: The largest JSON dataset ``check`` reads (bytes).
MAX_DATASET_BYTES = 512 * 1024 * 1024


def render_rules_markdown() -> str:
    """The rule catalogue as the Markdown page ``docs/rules.md`` (generated; a test keeps them equal)."""
    lines = [
        "# 规则目录 / Rule catalogue",
        "",
        "Generated from `volunteer_core.RULES` by `python -m volunteer_core rules --format markdown`.",
        "Do not edit by hand: `tests/test_docs.py` checks that this page matches the code.",
        "",
        "| code | 规则 | rule | severity | source |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        lines.append(
            f"| `{rule.code}` | {rule.title_zh} | {rule.title_en} | {rule.severity.value} | {rule.source} |"
        )
    lines.append("")
    for rule in RULES.values():
        lines += [f"## `{rule.code}` — {rule.title_zh} / {rule.title_en}", "", f"Source: {rule.source}", ""]
        lines += [rule.statement, ""]
    return "\n".join(lines)


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


def _lang(args: argparse.Namespace) -> str:
    chosen: str | None = getattr(args, "lang", None)
    return chosen or locale_language()


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _today() -> date:
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


def _parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{what}“{text}”不是日期（YYYY-MM-DD）", f"{what} {text!r} is not a date (YYYY-MM-DD)"
        ) from None


def _policy(name: str | None) -> Any:
    from volunteer_core.policy import DEFAULT, PRESETS

    if name is None:
        return DEFAULT
    found = {key.lower(): policy for key, policy in PRESETS.items()}.get(name.lower())
    if found is None:
        names = ", ".join(PRESETS)
        raise UsageError(f"未知政策“{name}”，可选：{names}", f"unknown policy {name!r}; one of {names}")
    return found


def _open_uow(url: str, *, create: bool = False) -> Any:
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


def _print_violations(out: IO[str], violations: Sequence[Violation], lang: str) -> None:
    for v in violations:
        out.write(f"[{_severity(lang, v)}] {v.code} {v.subject_id}: {v.message(lang)} ({v.source})\n")
    errors = sum(1 for v in violations if v.severity is Severity.ERROR)
    warnings = len(violations) - errors
    out.write(
        _say(
            lang,
            f"共 {len(violations)} 条问题：错误 {errors}，提醒 {warnings}\n",
            f"{len(violations)} violations: {errors} errors, {warnings} warnings\n",
        )
    )


def _exit_for(violations: Sequence[Violation], errors_only: bool) -> int:
    relevant = [v for v in violations if v.severity is Severity.ERROR] if errors_only else violations
    return EXIT_VIOLATIONS if relevant else EXIT_OK


def _json_default(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | frozenset | set):
        return list(value)
    return str(value)


# -- rules -------------------------------------------------------------------------------------------


def _rules(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        sys.stdout.write(render_rules_markdown())
        return EXIT_OK
    lang = _lang(args)
    for rule in RULES.values():
        title = rule.title_zh if lang == "zh" else rule.title_en
        sys.stdout.write(f"{rule.code:<28}{title}  ({rule.source})\n")
    return EXIT_OK


# -- demo --------------------------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from volunteer_core.demo import run

    options: dict[str, Any] = {"members": args.members, "seed": args.seed, "out_dir": Path(args.out)}
    if args.year is not None:
        options["year"] = args.year
    run(sys.stdout, **options)
    return EXIT_OK  # the demo year is meant to show violations: it succeeds when it ran


#: The keys of a JSON dataset (``check FILE``), in the order they are read.
_DATASET_KEYS = (
    "branches",
    "members",
    "teams",
    "beneficiaries",
    "units",
    "pairings",
    "activities",
    "records",
    "wishes",
    "plans",
    "reports",
)


def _load_dataset(path: Path) -> dict[str, list[Any]]:
    """A JSON dataset: each key a list of serialized entities, missing keys empty, others refused."""
    from volunteer_core import model, serialization

    classes = {
        "branches": model.Branch,
        "members": model.Member,
        "teams": model.Team,
        "beneficiaries": model.Beneficiary,
        "units": model.PartnerUnit,
        "pairings": model.Pairing,
        "activities": model.Activity,
        "records": model.ServiceRecord,
        "wishes": model.Wish,
        "plans": model.BranchPlan,
        "reports": model.HalfYearReport,
    }
    if path.stat().st_size > MAX_DATASET_BYTES:
        raise UsageError(f"{path.name} 过大", f"{path.name} is too large")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageError(f"{path.name} 不是 UTF-8 文本", f"{path.name} is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise UsageError(
            f"{path.name} 不是有效的 JSON：第 {err.lineno} 行第 {err.colno} 列",
            f"{path.name} is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})",
        ) from None
    if not isinstance(data, dict):
        raise UsageError(
            '数据集须为 JSON 对象（{"members": [...], ...}）',
            'a dataset is a JSON object ({"members": [...], ...})',
        )
    unknown = sorted(set(data) - set(_DATASET_KEYS))
    if unknown:
        allowed = ", ".join(_DATASET_KEYS)
        raise UsageError(
            f"未知的键：{', '.join(unknown)}（可用：{allowed}）",
            f"unknown keys {unknown}; allowed: {allowed}",
        )
    dataset: dict[str, list[Any]] = {}
    for key in _DATASET_KEYS:
        items = data.get(key, [])
        if not isinstance(items, list):
            raise UsageError(f"“{key}”须为列表", f"{key!r} must be a list")
        found: list[Any] = []
        for index, item in enumerate(items):
            try:
                found.append(serialization.structure(item, classes[key]))
            except InvalidInput as err:
                raise err.at(f"{key}[{index}]") from None
        dataset[key] = found
    return dataset


def _dataset_year(dataset: dict[str, list[Any]]) -> int:
    """The latest year a dated entity of the dataset falls in (today's year when there is none)."""
    years = [r.on.year for r in dataset["records"]] + [a.on.year for a in dataset["activities"]]
    years += [w.collected_on.year for w in dataset["wishes"]]
    return max(years) if years else _today().year


def _check(args: argparse.Namespace) -> int:
    lang = _lang(args)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"文件不存在：{path}", f"no such file: {path}")
    policy = _policy(args.policy)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return _check_form(path, args, policy, lang)
    if suffix != ".json":
        raise UsageError(
            f"{path.name}：应为 .json 数据集或 .csv/.xlsx 附件1",
            f"{path.name}: expected a .json dataset or a .csv/.xlsx 附件1",
        )
    from volunteer_core import compliance
    from volunteer_core.rules import validate_wish

    dataset = _load_dataset(path)
    year = args.year or _dataset_year(dataset)
    as_of = _parse_date(args.as_of, "--as-of") if args.as_of else None
    progress = Progress(_say(lang, "评估记录", "evaluating records"))
    try:
        report = compliance.evaluate_year(
            year,
            members=dataset["members"],
            records=progress.wrap(dataset["records"]),
            teams=dataset["teams"],
            activities=dataset["activities"],
            pairings=dataset["pairings"],
            plans=dataset["plans"],
            reports=dataset["reports"],
            branches=dataset["branches"],
            policy=policy,
            as_of=as_of,
        )
    finally:
        progress.close()
    violations = list(report.violations)
    for wish in dataset["wishes"]:
        violations.extend(validate_wish(wish, policy))
    if args.format == "json":
        from volunteer_core.serialization import unstructure

        payload = {
            "year": year,
            "policy": policy.name,
            "violations": [unstructure(v) for v in violations],
            "counts": dict(Counter(v.code for v in violations)),
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default) + "\n")
    else:
        sys.stdout.write(
            _say(
                lang,
                f"{year} 年度检查（政策 {policy.name}）：党员 {len(report.members)} 名，记录 {report.records_read} 条\n",
                f"check of {year} (policy {policy.name}): {len(report.members)} members, "
                f"{report.records_read} records\n",
            )
        )
        _print_violations(sys.stdout, violations, lang)
    return _exit_for(violations, args.errors_only)


def _check_form(path: Path, args: argparse.Namespace, policy: Any, lang: str) -> int:
    """A 附件1 checked as an import into an empty in-memory store: the row errors are the findings."""
    from volunteer_core import forms
    from volunteer_core.storage.memory import InMemoryUnitOfWork

    progress = Progress(_say(lang, "检查行", "checking rows"))
    try:
        result = forms.import_wishes(
            path, InMemoryUnitOfWork(), collected_on=_today(), policy=policy, progress=progress.update
        )
    finally:
        progress.close()
    if args.format == "json":
        payload = {
            "rows": result.rows,
            "valid_rows": len(result.imported),
            "errors": [
                {
                    "row": e.row,
                    "column": e.column,
                    "code": e.code,
                    "message_zh": e.message_zh,
                    "message_en": e.message_en,
                }
                for e in result.errors
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for error in result.errors:
            sys.stdout.write(error.text(lang) + "\n")
        sys.stdout.write(
            _say(
                lang,
                f"共 {result.rows} 行：合格 {len(result.imported)} 行，错误 {len(result.errors)} 处\n",
                f"{result.rows} rows: {len(result.imported)} valid, {len(result.errors)} errors\n",
            )
        )
    return EXIT_VIOLATIONS if result.errors else EXIT_OK


# -- report ------------------------------------------------------------------------------------------


def _report(args: argparse.Namespace) -> int:
    from volunteer_core.forms._export import evaluate_open

    lang = _lang(args)
    policy = _policy(args.policy)
    as_of = _parse_date(args.as_of, "--as-of") if args.as_of else None
    uow = _open_uow(args.db)
    progress = Progress(_say(lang, "评估记录", "evaluating records"))
    try:
        with uow:
            if args.branch is not None:
                uow.branches.get(args.branch)
            report = evaluate_open(
                uow, args.year, policy=policy, as_of=as_of, records=lambda rs: progress.wrap(rs, every=5000)
            )
    finally:
        progress.close()
    members = [m for m in report.members.values() if args.branch is None or m.branch_id == args.branch]
    branches = [b for b in report.branches.values() if args.branch is None or b.branch_id == args.branch]
    ids = {m.member_id for m in members} | {b.branch_id for b in branches}
    violations = [v for v in report.violations if args.branch is None or v.subject_id in ids]
    if args.format == "json":
        from volunteer_core.serialization import unstructure

        payload = {
            "year": report.year,
            "as_of": report.as_of,
            "policy": report.policy.name,
            "members": [m.to_record() for m in members],
            "branches": [
                {
                    "branch_id": b.branch_id,
                    "name": b.name,
                    "members": b.members,
                    "compliant_members": b.compliant_members,
                    "net_minutes": b.net_minutes,
                    "teams": b.teams,
                }
                for b in branches
            ],
            "violations": [unstructure(v) for v in violations],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default) + "\n")
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        records = [m.to_record() for m in members]
        from volunteer_core._html import RECORD_COLUMNS

        columns = list(records[0]) if records else list(RECORD_COLUMNS)
        writer.writerow(columns)
        for record in records:
            writer.writerow(
                [
                    ";".join(str(x) for x in value)
                    if isinstance(value, tuple)
                    else ""
                    if value is None
                    else value.isoformat()
                    if isinstance(value, date)
                    else value
                    for value in (record[c] for c in columns)
                ]
            )
    else:
        _report_table(sys.stdout, report, members, branches, violations, lang)
    return _exit_for(violations, args.errors_only)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a display width (CJK characters take two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(0, width - shown)
    return fill + text if right else text + fill


def _report_table(
    out: IO[str],
    report: Any,
    members: Sequence[Any],
    branches: Sequence[Any],
    violations: Sequence[Violation],
    lang: str,
) -> None:
    out.write(
        _say(
            lang,
            f"{report.year} 年度合规报告（政策 {report.policy.name}"
            + (f"，截至 {report.as_of}" if report.as_of else "")
            + "）\n\n",
            f"Compliance report {report.year} (policy {report.policy.name}"
            + (f", as of {report.as_of}" if report.as_of else "")
            + ")\n\n",
        )
    )
    branch_head: tuple[str, ...] = (
        ("支部", "党员", "达标", "时长(小时)")
        if lang == "zh"
        else ("branch", "members", "compliant", "hours")
    )
    out.write(_pad(branch_head[0], 24) + "".join(_pad(h, 12, right=True) for h in branch_head[1:]) + "\n")
    for b in branches:
        numbers = (str(b.members), str(b.compliant_members), _hours(b.net_minutes))
        out.write(_pad(b.name or b.branch_id, 24) + "".join(_pad(c, 12, right=True) for c in numbers) + "\n")
    out.write("\n")
    head: tuple[str, ...] = (
        ("党员", "支部", "时长", "应达", "缺月", "达标")
        if lang == "zh"
        else ("member", "branch", "hours", "required", "missing", "ok")
    )
    widths = (20, 14, 10, 10, 18, 6)
    out.write("".join(_pad(h, w) for h, w in zip(head, widths, strict=True)) + "\n")
    for m in members:
        ok = ("是" if m.compliant else "否") if lang == "zh" else ("yes" if m.compliant else "no")
        cells: tuple[str, ...] = (
            m.member_name,
            m.branch_id,
            _hours(m.net_minutes),
            _hours(m.required_minutes),
            ",".join(str(x) for x in m.months_missing) or "-",
            ok,
        )
        out.write("".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)) + "\n")
    out.write("\n")
    counts = Counter(v.code for v in violations)
    for code, n in counts.most_common():
        title = RULES[code].title_zh if lang == "zh" else RULES[code].title_en
        out.write(f"  {code:<28}{title}  {n}\n")
    compliant = sum(1 for m in members if m.compliant)
    out.write(
        _say(
            lang,
            f"\n达标党员 {compliant}/{len(members)} 名，问题 {len(violations)} 条\n",
            f"\n{compliant}/{len(members)} members compliant, {len(violations)} violations\n",
        )
    )


# -- forms -------------------------------------------------------------------------------------------


def _forms_export(args: argparse.Namespace) -> int:
    from volunteer_core import forms

    lang = _lang(args)
    uow = _open_uow(args.db)
    path = forms.export(
        args.kind,
        uow,
        Path(args.out),
        year=args.year,
        branch_id=args.branch,
        half=args.half,
        masked=not args.unmasked,
        as_of=_parse_date(args.as_of, "--as-of") if args.as_of else None,
        policy=_policy(args.policy),
    )
    sys.stdout.write(_say(lang, f"已写入 {path}\n", f"written {path}\n"))
    return EXIT_OK


def _forms_import(args: argparse.Namespace) -> int:
    from volunteer_core import forms

    lang = _lang(args)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"文件不存在：{path}", f"no such file: {path}")
    uow = _open_uow(args.db, create=True)
    progress = Progress(_say(lang, "导入行", "importing rows"))
    try:
        result = forms.import_wishes(
            path,
            uow,
            strict=args.strict,
            collected_on=_parse_date(args.collected_on, "--collected-on") if args.collected_on else _today(),
            community=args.community,
            max_rows=args.max_rows,
            max_bytes=args.max_bytes,
            policy=_policy(args.policy),
            progress=progress.update,
        )
    finally:
        progress.close()
    if args.format == "json":
        payload = {
            "rows": result.rows,
            "imported": [w.id for w in result.imported],
            "beneficiaries_created": [b.id for b in result.beneficiaries],
            "errors": [
                {
                    "row": e.row,
                    "column": e.column,
                    "code": e.code,
                    "message_zh": e.message_zh,
                    "message_en": e.message_en,
                }
                for e in result.errors
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for error in result.errors:
            sys.stdout.write(error.text(lang) + "\n")
        if args.strict and result.errors:
            sys.stdout.write(
                _say(lang, "严格模式：有错误，未导入任何数据\n", "strict: errors found, nothing imported\n")
            )
        sys.stdout.write(
            _say(
                lang,
                f"读取 {result.rows} 行，导入心愿 {len(result.imported)} 个，新建服务对象 "
                f"{len(result.beneficiaries)} 个，错误 {len(result.errors)} 处\n",
                f"read {result.rows} rows, imported {len(result.imported)} wishes, created "
                f"{len(result.beneficiaries)} beneficiaries, {len(result.errors)} errors\n",
            )
        )
    return EXIT_VIOLATIONS if result.errors else EXIT_OK


# -- schema ------------------------------------------------------------------------------------------


def _schema(args: argparse.Namespace) -> int:
    from volunteer_core.serialization import json_schemas

    lang = _lang(args)
    schemas = json_schemas()
    if args.entity is not None:
        by_name = {name.lower(): name for name in schemas}
        name = by_name.get(args.entity.lower().replace("_", ""))
        if name is None:
            names = ", ".join(schemas)
            raise UsageError(
                f"未知实体“{args.entity}”，可选：{names}", f"unknown entity {args.entity!r}; one of {names}"
            )
        schemas = {name: schemas[name]}
    if args.out is None:
        body: Any = next(iter(schemas.values())) if args.entity is not None else schemas
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        sys.stdout.write(_say(lang, f"已写入 {path}\n", f"written {path}\n"))
    return EXIT_OK


# -- the parser --------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with a bilingual error line (exit code 2, no traceback)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_BAD_INPUT,
            f"{self.prog}: 用法错误 / usage error: {message}\n"
            f"（volunteer-core --help 查看用法 / see volunteer-core --help）\n",
        )


def _common() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="输出语言（默认按 LANG）/ output language (default: locale)",
    )
    return common


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是年份 / {text!r} is not a year") from None
    if not 1950 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年份须在 1950–2100 / the year must be within 1950–2100: {text}")
    return year


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"须为正整数 / must be a positive integer: {text}")
    return value


def _evaluation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", help="政策预设（默认 DEFAULT）/ policy preset (default DEFAULT)")
    parser.add_argument(
        "--errors-only",
        action="store_true",
        help="只有“错误”级问题才返回 1 / exit 1 only for ERROR violations (not warnings)",
    )


def _parser() -> argparse.ArgumentParser:
    from volunteer_core.forms import KINDS

    common = _common()
    parser = _Parser(
        prog="volunteer-core",
        description="党员志愿服务规则库 / volunteer programme rules. "
        "退出码 exit codes: 0 正常 ok, 1 发现问题 violations found, 2 输入有误 bad input.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser(
        "demo",
        parents=[common],
        help="生成一个示例年度并输出合规汇总 / build a realistic year and print its compliance summary",
        description="生成一个示例年度并输出合规汇总；--out 时另写表格与图表 / build a realistic year, print its "
        "compliance summary; with --out also write its forms and charts",
    )
    demo.add_argument(
        "--out",
        metavar="DIR",
        default="demo-output",
        help="输出目录：SQLite 数据库、表格、证明 / directory for the SQLite database, forms, certificate",
    )
    demo.add_argument("--members", type=_positive, default=200, help="党员人数 / number of members")
    demo.add_argument("--seed", type=int, default=2026, help="随机种子 / random seed")
    demo.add_argument("--year", type=_year, default=None, help="年度 / year")
    demo.set_defaults(func=_demo)

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
    check.set_defaults(func=_check)

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
    report.add_argument("--as-of", metavar="D", help="评估截止日期 YYYY-MM-DD / evaluate up to this date")
    report.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="输出格式 / output format"
    )
    _evaluation_options(report)
    report.set_defaults(func=_report)

    forms_parser = sub.add_parser(
        "forms",
        help="导出/导入官方表格 / export or import the official forms",
        description="导出或导入官方表格 / export or import the official forms",
    )
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
    export.add_argument("--policy", help="政策预设 / policy preset")
    export.add_argument(
        "--unmasked", action="store_true", help="不隐去个人信息（仅限内部使用）/ do not mask personal data"
    )
    export.set_defaults(func=_forms_export)
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
    importer.add_argument("--max-rows", type=_positive, default=50_000, help="行数上限 / row limit")
    importer.add_argument(
        "--max-bytes", type=_positive, default=20 * 1024 * 1024, help="文件大小上限 / size limit"
    )
    importer.add_argument("--policy", help="政策预设 / policy preset")
    importer.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式 / output format"
    )
    importer.set_defaults(func=_forms_import)

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
    schema.set_defaults(func=_schema)

    rules = sub.add_parser(
        "rules",
        parents=[common],
        help="输出规则目录 / print the rule catalogue",
        description="输出规则目录 / print the rule catalogue",
    )
    rules.add_argument(
        "--format", choices=("text", "markdown"), default="text", help="输出格式 / output format"
    )
    rules.set_defaults(func=_rules)
    return parser


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
    parser = _parser()
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
