"""HTML for notebooks: the ``_repr_html_`` of reports, member years, violations and import results,
and the pandas bridge of :meth:`YearReport.to_dataframe <volunteer_core.YearReport.to_dataframe>`.

Readable tables, every value escaped; long lists are cut with a note of how many rows were left out.
Nothing here is imported by the core at module level: the methods import it when a notebook asks.

>>> print(table(["a", "b"], [["<x>", None]]))
<table class="volunteer-core">
<thead><tr><th>a</th><th>b</th></tr></thead>
<tbody>
<tr><td>&lt;x&gt;</td><td></td></tr>
</tbody>
</table>
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from volunteer_core._catalogue import Violation
    from volunteer_core.compliance import MemberYear, OrganisationYear, YearReport
    from volunteer_core.forms import ImportResult
    from volunteer_core.rules import BranchCoverage

__all__ = [
    "coverage_frame",
    "coverage_html",
    "import_result_html",
    "member_year_html",
    "organisations_frame",
    "organisations_html",
    "records_frame",
    "table",
    "violation_html",
    "violations_html",
    "year_report_html",
]

#: Rows shown before a table is cut.
LIMIT = 50


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✔" if value else "✘"
    if isinstance(value, tuple | list | frozenset | set):
        return ", ".join(str(v) for v in value)
    return str(value)


def _cell(value: object) -> str:
    """One cell: the value escaped; a ``(zh, en)`` pair shows both, English smaller."""
    if isinstance(value, _Both):
        return f"{html.escape(value.zh)}<br><small>{html.escape(value.en)}</small>"
    return html.escape(_text(value))


class _Both:
    """A bilingual cell."""

    __slots__ = ("en", "zh")

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    limit: int | None = None,
    total: int | None = None,
) -> str:
    """An HTML table, every header and cell escaped; at most ``limit`` rows, with a note of the rest."""
    lines = ['<table class="volunteer-core">']
    if caption:
        lines.append(f"<caption>{html.escape(caption)}</caption>")
    lines.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr></thead>")
    lines.append("<tbody>")
    shown = 0
    for row in rows:
        if limit is not None and shown >= limit:
            break
        lines.append("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>")
        shown += 1
    lines.append("</tbody>")
    lines.append("</table>")
    if total is not None and total > shown:
        lines.append(
            f"<p><small>… 另有 {total - shown} 行未显示 / {total - shown} more rows not shown</small></p>"
        )
    return "\n".join(lines)


def _hours(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}{minutes // 60}.{minutes % 60 * 10 // 60}"


# -- violations ----------------------------------------------------------------------------------------

_VIOLATION_HEADERS = ("规则 rule", "级别 severity", "对象 subject", "说明 message", "依据 source")


def _violation_row(v: Violation) -> list[object]:
    return [
        v.code,
        _Both(v.severity.label_zh, v.severity.value),
        v.subject_id,
        _Both(v.message_zh, v.message_en),
        v.source,
    ]


def violation_html(v: Violation) -> str:
    """One violation as a one-row table."""
    return table(_VIOLATION_HEADERS, [_violation_row(v)])


def violations_html(violations: Sequence[Violation], *, limit: int = LIMIT) -> str:
    """A list of violations: counts by severity and by rule, then the first ``limit`` as a table."""
    if not violations:
        return "<p>没有发现问题 / no violations</p>"
    errors = sum(1 for v in violations if v.is_error)
    summary = (
        f"<p><b>{len(violations)}</b> 条问题（错误 {errors}，提醒 {len(violations) - errors}）/ "
        f"{len(violations)} violations ({errors} errors, {len(violations) - errors} warnings)</p>"
    )
    return summary + table(
        _VIOLATION_HEADERS, (_violation_row(v) for v in violations), limit=limit, total=len(violations)
    )


def _by_code(violations: Sequence[Violation]) -> str:
    from volunteer_core._catalogue import RULES

    counts = Counter((v.code, v.severity) for v in violations)
    rows = [
        [
            code,
            _Both(RULES[code].title_zh, RULES[code].title_en) if code in RULES else "",
            severity.label_zh,
            n,
        ]
        for (code, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    ]
    return table(("规则 rule", "名称 title", "级别 severity", "条数 count"), rows)


# -- compliance ----------------------------------------------------------------------------------------


def member_year_html(my: MemberYear) -> str:
    """A member's year: the facts as a two-column table, then the violations."""
    verdict = "达标 compliant" if my.compliant else "未达标 not compliant"
    head = (
        f"<p><b>{html.escape(my.member_name)}</b>（{html.escape(my.member_id)}）· "
        f"支部 branch {html.escape(my.branch_id)} · {my.year} · <b>{verdict}</b>"
        + (f" · 截至 as of {my.as_of.isoformat()}" if my.as_of else "")
        + "</p>"
    )
    facts = [
        ("服务时长（小时）/ hours", f"{_hours(my.net_minutes)} / {_hours(my.required_minutes)}"),
        ("社区服务缺月 / months missing", _text(my.months_missing) or "—"),
        ("应参加月份 / months judged", _text(my.months_required) or "—"),
        ("本支部结对活动 / branch activities", my.branch_activities),
        ("奉献爱心行动 / caring actions", my.caring_actions),
        ("技能 / skills", my.skills),
        ("待定 / pending", _text(my.pending) or "—"),
    ]
    return head + table(("项目 item", "数值 value"), facts) + violations_html(my.violations)


def _covered(judged: int, missing: Sequence[str], names: Mapping[str, str]) -> str:
    """``covered/judged``, then the first missing members, by name where known."""
    who = [names.get(member_id) or member_id for member_id in missing[:5]]
    shown = ", ".join(who) + (f" …(+{len(missing) - 5})" if len(missing) > 5 else "")
    return f"{judged - len(missing)}/{judged}" + (f"（缺 missing: {shown}）" if missing else "")


def coverage_html(
    coverages: Sequence[BranchCoverage],
    *,
    limit: int = LIMIT,
    branch_names: Mapping[str, str | None] | None = None,
    member_names: Mapping[str, str] | None = None,
) -> str:
    """四覆盖, one row per branch: members judged, whether it has a team, how many are registered,
    trained and serving out of its members (with the first missing), complete or not, pending.
    Branches and members are shown by name when ``branch_names`` / ``member_names`` (id → name) know
    them, else by id.

    >>> from volunteer_core.rules import BranchCoverage
    >>> c = BranchCoverage(branch_id="b1", year=2026, members=("m1", "m2"), teams=1, unregistered=("m2",),
    ...                    untrained=(), not_participating=())
    >>> "1/2（缺 missing: m2）" in coverage_html([c])
    True
    >>> page = coverage_html([c], branch_names={"b1": "办公室党支部"}, member_names={"m2": "张伟"})
    >>> "<td>办公室党支部</td>" in page, "1/2（缺 missing: 张伟）" in page
    (True, True)
    """
    if not coverages:
        return "<p>未评估四覆盖 / coverage not judged</p>"
    branches = branch_names or {}
    members = member_names or {}
    rows = (
        [
            branches.get(c.branch_id) or c.branch_id,
            len(c.members),
            c.organised,
            _covered(len(c.members), c.unregistered, members),
            _covered(len(c.members), c.untrained, members),
            _covered(len(c.members), c.not_participating, members),
            c.complete,
            _text(c.pending) or "—",
        ]
        for c in coverages
    )
    return table(
        (
            "支部 branch",
            "党员 members",
            "组织动员 organised",
            "注册登记 registered",
            "培训 trained",
            "参加活动 serving",
            "全覆盖 complete",
            "待定 pending",
        ),
        rows,
        limit=limit,
        total=len(coverages),
    )


def _rate(compliant: int, members: int) -> str:
    return f"{compliant / members:.0%}" if members else "—"


def organisations_html(organisations: Sequence[OrganisationYear]) -> str:
    """The roll-up (逐级上报) as a table, one row per node top-down, each name indented by its depth:
    branches, members, compliant members, rate, hours and violations of the subtree, then the node's own
    branches' members.

    >>> from volunteer_core.compliance import OrganisationTotals, OrganisationYear
    >>> from volunteer_core.model import OrganisationKind
    >>> t = OrganisationTotals(branches=2, members=10, compliant_members=7, net_minutes=600)
    >>> root = OrganisationYear(organisation_id="o1", name="市直机关工委", kind=OrganisationKind.WORK_COMMITTEE,
    ...     parent_id=None, depth=0, path=("o1",), branch_ids=(), child_ids=("o2",),
    ...     node=OrganisationTotals(), subtree=t)
    >>> child = OrganisationYear(organisation_id="o2", name="<局>机关党委",
    ...     kind=OrganisationKind.ORGAN_PARTY_COMMITTEE,
    ...     parent_id="o1", depth=1, path=("o1", "o2"), branch_ids=("b1", "b2"), child_ids=(), node=t, subtree=t)
    >>> html = organisations_html([root, child])
    >>> "<td>市直机关工委</td>" in html, "<td>\u3000\u3000&lt;局&gt;机关党委</td>" in html, "70%" in html
    (True, True, True)
    """
    if not organisations:
        return "<p>没有组织架构 / no organisation tree</p>"
    rows = (
        [
            "\u3000\u3000" * o.depth + o.name,
            _Both(o.kind.label_zh, o.kind.value),
            o.subtree.branches,
            o.subtree.members,
            o.subtree.compliant_members,
            _rate(o.subtree.compliant_members, o.subtree.members),
            _hours(o.subtree.net_minutes),
            o.subtree.violations,
            o.node.members,
        ]
        for o in organisations
    )
    return table(
        (
            "组织 organisation",
            "类别 kind",
            "支部 branches",
            "党员 members",
            "达标 compliant",
            "达标率 rate",
            "时长 hours",
            "问题 violations",
            "直属支部党员 own branches' members",
        ),
        rows,
    )


def year_report_html(report: YearReport, *, limit: int = LIMIT) -> str:
    """A year: headline numbers, the organisation roll-up (when the report has one), a table per branch,
    violations by rule, 四覆盖 (when the policy judges it), the first members — branches and members by
    name."""
    total = len(report.members)
    branch_names = {b.branch_id: b.name for b in report.branches.values()}
    compliant = report.compliant_members
    head = (
        f"<p><b>{report.year} 年度合规报告 / compliance {report.year}</b> · 政策 policy "
        f"{html.escape(report.policy.name)}"
        + (f" · 截至 as of {report.as_of.isoformat()}" if report.as_of else "")
        + f"<br>党员 members {total} · 达标 compliant {compliant} · 问题 violations {len(report.violations)}"
        f" · 服务记录 records {report.records_read}</p>"
    )
    branch_rows = []
    for b in report.branches.values():
        rate = b.compliance_rate
        branch_rows.append(
            [
                b.name or b.branch_id,
                b.members,
                b.compliant_members,
                "—" if rate is None else f"{rate:.0%}",
                _hours(b.net_minutes),
                b.teams,
                len(b.violations),
            ]
        )
    branches = table(
        (
            "支部 branch",
            "党员 members",
            "达标 compliant",
            "达标率 rate",
            "时长 hours",
            "队伍 teams",
            "支部问题 issues",
        ),
        branch_rows,
    )
    members = table(
        (
            "党员 member",
            "支部 branch",
            "时长 hours",
            "应达 required",
            "缺月 missing",
            "结对活动",
            "爱心行动",
            "达标",
        ),
        (
            [
                f"{m.member_name}（{m.member_id}）",
                branch_names.get(m.branch_id) or m.branch_id,
                _hours(m.net_minutes),
                _hours(m.required_minutes),
                _text(m.months_missing),
                m.branch_activities,
                m.caring_actions,
                m.compliant,
            ]
            for m in report.members.values()
        ),
        limit=limit,
        total=total,
    )
    by_code = _by_code(report.violations) if report.violations else "<p>没有发现问题 / no violations</p>"
    return (
        head
        + (
            "<h4>逐级汇总 / roll-up by organisation</h4>"
            + organisations_html(list(report.organisations.values()))
            if report.organisations
            else ""
        )
        + "<h4>支部 / branches</h4>"
        + branches
        + "<h4>问题分布 / violations by rule</h4>"
        + by_code
        + (
            "<h4>四覆盖 / coverage</h4>"
            + coverage_html(
                list(report.coverage.values()),
                limit=limit,
                branch_names=branch_names,
                member_names={m.member_id: m.member_name for m in report.members.values()},
            )
            if report.coverage
            else ""
        )
        + "<h4>党员 / members</h4>"
        + members
    )


def _pandas(method: str, plain: str) -> Any:
    try:
        import pandas
    except ImportError as err:
        raise ImportError(
            f"{method}() 需要 pandas：pip install pandas；{method}() needs pandas: pip install pandas "
            f"(or use {plain}(), which needs nothing)"
        ) from err
    return pandas


def records_frame(records: list[dict[str, Any]]) -> Any:
    """``pandas.DataFrame`` of ``YearReport.to_records()`` (pandas is imported here, on demand)."""
    pandas = _pandas("to_dataframe", "to_records")
    if records:
        return pandas.DataFrame.from_records(records, columns=list(records[0]))
    from volunteer_core.compliance import RECORD_COLUMNS

    return pandas.DataFrame.from_records([], columns=list(RECORD_COLUMNS))


def organisations_frame(records: list[dict[str, Any]]) -> Any:
    """``pandas.DataFrame`` of ``YearReport.organisation_records()``, one row per organisation node, the
    columns of :data:`~volunteer_core.compliance.ORGANISATION_COLUMNS` (pandas on demand)."""
    from volunteer_core.compliance import ORGANISATION_COLUMNS

    pandas = _pandas("organisations_dataframe", "organisation_records")
    return pandas.DataFrame.from_records(records, columns=list(ORGANISATION_COLUMNS))


def coverage_frame(records: list[dict[str, Any]]) -> Any:
    """``pandas.DataFrame`` of ``YearReport.coverage_records()``, one row per branch (pandas on demand)."""
    from volunteer_core.rules.coverage import COVERAGE_COLUMNS

    pandas = _pandas("coverage_dataframe", "coverage_records")
    return pandas.DataFrame.from_records(records, columns=list(COVERAGE_COLUMNS))


# -- forms ---------------------------------------------------------------------------------------------


def import_result_html(result: ImportResult) -> str:
    """An import: how many rows came in, how many were already imported (stored nothing), and the
    refused rows with their column and rule.

    >>> from volunteer_core.forms import ImportResult
    >>> print(import_result_html(ImportResult(imported=(), errors=(), rows=12)))
    <p>读取 12 行：已导入 0 行，已存在 0 行（此前已导入），错误 0 处；新建服务对象 0 个<br><small>read 12 rows:
    imported 0, already imported 0, errors 0; created 0 beneficiaries</small></p>
    """
    head = f"<p>{html.escape(result.summary('zh'))}<br><small>{html.escape(result.summary('en'))}</small></p>"
    if not result.errors:
        return head
    rows = (
        [e.row, e.column, e.code, _Both(e.message_zh or e.message, e.message_en or e.message)]
        for e in result.errors
    )
    return head + table(
        ("行 row", "列 column", "规则 code", "说明 message"), rows, limit=LIMIT, total=len(result.errors)
    )
