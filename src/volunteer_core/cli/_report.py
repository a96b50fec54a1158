"""``volunteer-core report``: evaluate a stored year and print it as a table, JSON or CSV.

With a stored organisation tree the output gains the roll-up (逐级汇总): one row per node, top-down,
with its subtree's totals — indented names in the table, a list of records under ``"organisations"`` in
the JSON; the CSV is the roll-up's records when ``--organisation`` or ``--depth`` is given (the members'
otherwise). ``--organisation`` judges that node's subtree alone; ``--depth N`` keeps the nodes down to
depth N (0: the top).

A reading command never creates a database: a SQLite file that does not exist is a usage error. The CSV
goes through the forms' formula guard (a text cell that would start a formula gets a ``'`` in front, as
every form export does); the table escapes control characters before it pads the columns.

>>> import argparse
>>> from volunteer_core.cli import UsageError
>>> try:
...     run(argparse.Namespace(db="sqlite:////nonexistent/v.db", year=2026, branch=None, as_of=None,
...                            policy=None, format="table", errors_only=False, lang="en",
...                            organisation=None, depth=None))
... except UsageError as err:
...     print(err.en)
no database file /nonexistent/v.db
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from volunteer_core._catalogue import RULES, Violation
from volunteer_core.cli import _common
from volunteer_core.cli._common import (
    Progress,
    UsageError,
    columns,
    console_text,
    exit_for,
    json_default,
    output_language,
    parse_date,
    policy_named,
    say,
)

if TYPE_CHECKING:
    from volunteer_core.compliance import OrganisationYear, YearReport

__all__ = ["NAME_WIDTH", "TITLE_WIDTH", "rollup_rows", "run", "write_rollup"]


def run(args: argparse.Namespace) -> int:
    """Evaluate ``--year`` of the database ``--db`` (one organisation's subtree with ``--organisation``,
    one branch shown with ``--branch``) and print the report with its roll-up;
    :data:`~volunteer_core.cli.EXIT_VIOLATIONS` when it has violations."""
    from volunteer_core.errors import NotFound
    from volunteer_core.services.evaluation import evaluate_in_transaction

    lang = output_language(args)
    policy = policy_named(args.policy)
    as_of = parse_date(args.as_of, "--as-of") if args.as_of else None
    uow = _common.open_uow(args.db)  # looked up when called: tests substitute the opener
    progress = Progress(say(lang, "评估记录", "evaluating records"))
    try:
        with uow:
            for value, repository, flag, zh, en in (
                (args.branch, uow.branches, "--branch", "支部", "branch"),
                (args.organisation, uow.organisations, "--organisation", "组织", "organisation"),
            ):
                if value is None:
                    continue
                try:
                    repository.get(value)
                except NotFound:
                    shown = console_text(repr(value), limit=80)
                    raise UsageError(f"未找到{zh} {shown}（{flag}）", f"no {en} {shown} ({flag})") from None
            report = evaluate_in_transaction(
                uow,
                args.year,
                organisation_id=args.organisation,
                policy=policy,
                as_of=as_of,
                records=lambda rs: progress.wrap(rs, every=5000),
            )
    finally:
        progress.close()
    if args.branch is not None and args.branch not in report.branches:
        shown = console_text(repr(args.branch), limit=80)
        above = console_text(repr(args.organisation), limit=80)
        raise UsageError(
            f"--branch 支部 {shown} 不在 --organisation 组织 {above} 之下",
            f"--branch {shown} is not under --organisation {above}",
        )
    rollup = rollup_rows(report, args.depth)
    members = [m for m in report.members.values() if args.branch is None or m.branch_id == args.branch]
    branches = [b for b in report.branches.values() if args.branch is None or b.branch_id == args.branch]
    ids = {m.member_id for m in members} | {b.branch_id for b in branches}
    violations = [v for v in report.violations if args.branch is None or v.subject_id in ids]
    if args.format == "json":
        from volunteer_core.serialization import year_report_json

        payload = year_report_json(
            report, branch_ids=None if args.branch is None else {args.branch}, depth=args.depth
        )
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=json_default) + "\n")
    elif args.format == "csv":
        if args.organisation is not None or args.depth is not None:
            from volunteer_core.compliance import ORGANISATION_COLUMNS

            _report_csv(sys.stdout, [o.to_record() for o in rollup], empty=ORGANISATION_COLUMNS)
        else:
            _report_csv(sys.stdout, [m.to_record() for m in members])
    else:
        _report_table(sys.stdout, report, members, branches, violations, lang, rollup)
    return exit_for(violations, args.errors_only)


def rollup_rows(report: YearReport, depth: int | None = None) -> list[OrganisationYear]:
    """The report's organisation nodes down to ``depth`` (0: the top nodes only; None: all), top-down.

    >>> from volunteer_core import Branch, Organisation, evaluate_year
    >>> report = evaluate_year(2026, members=[], records=[], organisations=[
    ...     Organisation(id="o1", name="工委", kind="work_committee"),
    ...     Organisation(id="o2", name="党委", kind="organ_party_committee", parent_id="o1")])
    >>> [o.name for o in rollup_rows(report)], [o.name for o in rollup_rows(report, 0)]
    (['工委', '党委'], ['工委'])
    """
    return [o for o in report.organisations.values() if depth is None or o.depth <= depth]


#: The widest a name (a member's, a branch's, an organisation's, indented by its depth) is shown; longer
#: names end in "…".
NAME_WIDTH = 48
#: The widest a rule's title is shown in the violations by rule; longer titles end in "…".
TITLE_WIDTH = 32
# the roll-up's and the branches' tables: a name, then numbers
_NUMBERS = (False, True, True, True, True, True)


_ROLLUP_HEAD = {
    "zh": ("组织", "支部", "党员", "达标", "时长(小时)", "问题"),
    "en": ("organisation", "branches", "members", "compliant", "hours", "violations"),
}


def write_rollup(out: IO[str], rows: Sequence[OrganisationYear], lang: str) -> None:
    """The roll-up as a text table: one line per node, its name indented by its depth, its subtree's
    branches, members, compliant members, hours and violations. Nothing without rows.

    >>> import io
    >>> from volunteer_core import Organisation, evaluate_year
    >>> report = evaluate_year(2026, members=[], records=[], organisations=[
    ...     Organisation(id="o1", name="工委", kind="work_committee"),
    ...     Organisation(id="o2", name="党委", kind="organ_party_committee", parent_id="o1")])
    >>> out = io.StringIO()
    >>> write_rollup(out, rollup_rows(report), "en")
    >>> print(out.getvalue().rstrip())  # doctest: +NORMALIZE_WHITESPACE
    organisation branches members compliant hours violations
    工委 0 0 0 0.0 0
      党委 0 0 0 0.0 0
    """
    if not rows:
        return
    lines: list[tuple[str, ...]] = [_ROLLUP_HEAD["zh" if lang == "zh" else "en"]]
    for o in rows:
        t = o.subtree
        lines.append(
            (
                "  " * o.depth + o.name,
                str(t.branches),
                str(t.members),
                str(t.compliant_members),
                _hours(t.net_minutes),
                str(t.violations),
            )
        )
    out.writelines(line + "\n" for line in columns(lines, right=_NUMBERS, limits=(NAME_WIDTH,)))
    out.write("\n")


def _csv_cell(value: object) -> object:
    """A record's value as a CSV cell: lists joined with ``;``, dates in ISO form, texts guarded."""
    from volunteer_core import forms

    if isinstance(value, tuple):
        value = ";".join(str(x) for x in value)
    elif value is None:
        value = ""
    elif isinstance(value, date):
        value = value.isoformat()
    return forms.guard(value) if isinstance(value, str) else value


def _report_csv(
    out: IO[str], records: Sequence[dict[str, Any]], *, empty: Sequence[str] | None = None
) -> None:
    """The records as CSV; without records, the header ``empty`` (the members' columns by default)."""
    from volunteer_core.compliance import RECORD_COLUMNS

    if empty is None:
        empty = RECORD_COLUMNS
    writer = csv.writer(out, lineterminator="\n")
    columns = list(records[0]) if records else list(empty)
    writer.writerow(columns)
    for record in records:
        writer.writerow([_csv_cell(record[c]) for c in columns])


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def _report_table(
    out: IO[str],
    report: Any,
    members: Sequence[Any],
    branches: Sequence[Any],
    violations: Sequence[Violation],
    lang: str,
    rollup: Sequence[OrganisationYear] = (),
) -> None:
    out.write(
        say(
            lang,
            f"{report.year} 年度合规报告（政策 {report.policy.name}"
            + (f"，截至 {report.as_of}" if report.as_of else "")
            + "）\n\n",
            f"Compliance report {report.year} (policy {report.policy.name}"
            + (f", as of {report.as_of}" if report.as_of else "")
            + ")\n\n",
        )
    )
    write_rollup(out, rollup, lang)
    zh = lang == "zh"
    branch_rows: list[tuple[str, ...]] = [
        ("支部", "党员", "达标", "时长(小时)") if zh else ("branch", "members", "compliant", "hours")
    ]
    branch_rows += [
        (b.name or b.branch_id, str(b.members), str(b.compliant_members), _hours(b.net_minutes))
        for b in branches
    ]
    out.writelines(line + "\n" for line in columns(branch_rows, right=_NUMBERS, limits=(NAME_WIDTH,)))
    out.write("\n")
    member_rows: list[tuple[str, ...]] = [
        ("党员", "支部", "时长", "应达", "缺月", "达标")
        if zh
        else ("member", "branch", "hours", "required", "missing", "ok")
    ]
    for m in members:
        branch = report.branches.get(m.branch_id)
        ok = ("是" if m.compliant else "否") if zh else ("yes" if m.compliant else "no")
        member_rows.append(
            (
                m.member_name or m.member_id,
                (branch.name if branch is not None else None) or m.branch_id,
                _hours(m.net_minutes),
                _hours(m.required_minutes),
                ",".join(str(x) for x in m.months_missing) or "-",
                ok,
            )
        )
    out.writelines(
        line + "\n"
        for line in columns(
            member_rows, right=(False, False, True, True), limits=(NAME_WIDTH, NAME_WIDTH, None, None, 18)
        )
    )
    out.write("\n")
    counts = Counter(v.code for v in violations)
    by_rule = [
        ("  " + code, RULES[code].title_zh if zh else RULES[code].title_en, str(n))
        for code, n in counts.most_common()
    ]
    out.writelines(
        line + "\n" for line in columns(by_rule, right=(False, False, True), limits=(None, TITLE_WIDTH))
    )
    compliant = sum(1 for m in members if m.compliant)
    out.write(
        say(
            lang,
            f"\n达标党员 {compliant}/{len(members)} 名，问题 {len(violations)} 条\n",
            f"\n{compliant}/{len(members)} members compliant, {len(violations)} violations\n",
        )
    )
