"""``volunteer-core check FILE``: judge a JSON dataset, or a filled 附件1 row by row, without storing it.

>>> import argparse, contextlib, io, pathlib, tempfile
>>> out = io.StringIO()
>>> with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out):
...     path = pathlib.Path(tmp) / "empty.json"
...     _ = path.write_text("{}", encoding="utf-8")
...     code = run(argparse.Namespace(file=str(path), year=2026, as_of=None, policy=None, format="text",
...                                   errors_only=False, lang="en"))
>>> code
0
>>> out.getvalue().splitlines()[-1]
'0 violations: 0 errors, 0 warnings'
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from volunteer_core.aggregates import AGGREGATES
from volunteer_core.cli._common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    Progress,
    UsageError,
    exit_for,
    json_default,
    output_language,
    parse_date,
    policy_named,
    print_violations,
    say,
    today,
)
from volunteer_core.cli._report import rollup_rows, write_rollup
from volunteer_core.errors import InvalidInput

__all__ = ["MAX_DATASET_BYTES", "run"]

#: The largest JSON dataset ``check`` reads (bytes).
MAX_DATASET_BYTES = 512 * 1024 * 1024

#: The keys of a JSON dataset (``check FILE``), in the order they are read: one per row of the table of
#: aggregates, each a list of that entity (demands are read and checked for shape, not judged).
_DATASET_KEYS = tuple(a.name for a in AGGREGATES)


def _load_dataset(path: Path) -> dict[str, list[Any]]:
    """A JSON dataset: each key a list of serialized entities, missing keys empty, others refused.

    The text is read as :func:`volunteer_core.serialization.parse_json` reads it, like ``from_json``: a
    key repeated in one object, nesting deeper than ``MAX_JSON_DEPTH`` and a number longer than
    ``MAX_JSON_NUMBER_LENGTH`` are refused (exit 2), as invalid JSON is.
    """
    from volunteer_core import serialization

    classes = {a.name: a.entity for a in AGGREGATES}
    if path.stat().st_size > MAX_DATASET_BYTES:
        raise UsageError(f"{path.name} 过大", f"{path.name} is too large")
    try:
        data = serialization.parse_json(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageError(f"{path.name} 不是 UTF-8 文本", f"{path.name} is not UTF-8 text") from None
    except InvalidInput as err:
        where = f"{err.path}：" if err.path else ""
        where_en = f"{err.path}: " if err.path else ""
        raise UsageError(
            f"{path.name}：{where}{err.message_zh}", f"{path.name}: {where_en}{err.message_en}"
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
    return max(years) if years else today().year


def run(args: argparse.Namespace) -> int:
    """Check ``FILE``: a ``.json`` dataset through ``evaluate_year`` plus ``validate_wish`` for every wish,
    or a ``.csv``/``.xlsx`` 附件1 as an import would; :data:`EXIT_VIOLATIONS` when something was found.

    A dataset carrying ``organisations`` (and ``branches`` naming their ``organisation_id``) is rolled up
    the tree: the text output shows the roll-up as ``report`` does (one line per node, indented by depth:
    its subtree's branches, members, compliant members, hours, violations), the JSON output one record per
    node under ``"organisations"`` (an empty list without a tree)."""
    lang = output_language(args)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"文件不存在：{path}", f"no such file: {path}")
    policy = policy_named(args.policy)
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
    as_of = parse_date(args.as_of, "--as-of") if args.as_of else None
    progress = Progress(say(lang, "评估记录", "evaluating records"))
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
            organisations=dataset["organisations"],
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
            "organisations": [o.to_record() for o in report.organisations.values()],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=json_default) + "\n")
    else:
        sys.stdout.write(
            say(
                lang,
                f"{year} 年度检查（政策 {policy.name}）：党员 {len(report.members)} 名，记录 {report.records_read} 条\n",
                f"check of {year} (policy {policy.name}): {len(report.members)} members, "
                f"{report.records_read} records\n",
            )
        )
        write_rollup(sys.stdout, rollup_rows(report), lang)  # as ``report`` shows it; nothing without a tree
        print_violations(sys.stdout, violations, lang)
    return exit_for(violations, args.errors_only)


def _check_form(path: Path, args: argparse.Namespace, policy: Any, lang: str) -> int:
    """A 附件1 checked as an import into an empty in-memory store: the row errors are the findings; a row
    that repeats an earlier row of the file (which an import stores once) is valid and counted apart."""
    from volunteer_core import forms
    from volunteer_core.storage.memory import InMemoryUnitOfWork

    progress = Progress(say(lang, "检查行", "checking rows"))
    try:
        result = forms.import_wishes(
            path, InMemoryUnitOfWork(), collected_on=today(), policy=policy, progress=progress.update
        )
    finally:
        progress.close()
    valid = len(result.imported) + len(result.already_imported)
    repeated = [r.row for r in result.already_imported]
    if args.format == "json":
        payload = {
            "rows": result.rows,
            "valid_rows": valid,
            "repeated_rows": repeated,
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
        note = (
            say(
                lang,
                f"；合格行中 {len(repeated)} 行与前面的行内容相同，导入时只存一次",
                f"; {len(repeated)} valid rows repeat an earlier row and would be stored once",
            )
            if repeated
            else ""
        )
        sys.stdout.write(
            say(
                lang,
                f"共 {result.rows} 行：合格 {valid} 行，错误 {len(result.errors)} 处",
                f"{result.rows} rows: {valid} valid, {len(result.errors)} errors",
            )
            + note
            + "\n"
        )
    return EXIT_VIOLATIONS if result.errors else EXIT_OK
