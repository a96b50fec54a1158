"""汇总表 (``organisation_summary``, 逐级上报): one row per node of a year's organisation roll-up
(:attr:`YearReport.organisations <volunteer_core.compliance.YearReport.organisations>`), each with the totals
of its whole subtree (the node's own branches and every organisation below it), names indented by depth.

>>> from volunteer_core.compliance import OrganisationTotals, OrganisationYear
>>> from volunteer_core.model import OrganisationKind
>>> t = OrganisationTotals(branches=2, members=10, compliant_members=7, net_minutes=12_000,
...                        violations_by_rule={"member.annual_hours": 3})
>>> top = OrganisationYear(organisation_id="o1", name="市直机关工委", kind=OrganisationKind.WORK_COMMITTEE,
...                        parent_id=None, depth=0, path=("o1",), branch_ids=(), child_ids=(),
...                        node=OrganisationTotals(), subtree=t)
>>> organisation_rows([top], {})
[[1, '市直机关工委', '机关工委', 1, None, 2, 10, 7, Decimal('70.0'), Decimal('200.0'), 3]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from volunteer_core.compliance import OrganisationYear
from volunteer_core.forms._base import Args, Form, Row, hours, require
from volunteer_core.forms._headers import TITLES
from volunteer_core.ports import UnitOfWork
from volunteer_core.services.evaluation import evaluate_in_transaction

__all__ = ["INDENT", "organisation_rows", "organisation_summary"]

#: What a name is indented by, per level below the top (two ideographic spaces: Excel and WPS keep them).
INDENT = "\u3000\u3000"


def _rate(compliant: int, members: int) -> Decimal | None:
    if not members:
        return None
    return (Decimal(100 * compliant) / members).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def organisation_rows(nodes: Iterable[OrganisationYear], parents: Mapping[str, str]) -> list[Row]:
    """The rows of the 汇总表, depth first (each node before its children, siblings by id): 序号, the name
    indented by depth, the kind, the level (1 = the top), the parent's name (``parents`` names parents
    outside ``nodes``), then the subtree's branches, members, compliant members, compliance rate in
    percent (one decimal, half up; blank without members), hours and violations."""
    ordered = sorted(nodes, key=lambda n: n.path)
    names = {n.organisation_id: n.name for n in ordered}
    rows: list[Row] = []
    for number, node in enumerate(ordered, start=1):
        t = node.subtree
        parent = None
        if node.parent_id is not None:
            parent = names.get(node.parent_id) or parents.get(node.parent_id) or node.parent_id
        rows.append(
            [
                number,
                INDENT * node.depth + node.name,
                node.kind.label_zh,
                node.depth + 1,
                parent,
                t.branches,
                t.members,
                t.compliant_members,
                _rate(t.compliant_members, t.members),
                hours(t.net_minutes),
                t.violations,
            ]
        )
    return rows


def organisation_summary(uow: UnitOfWork, a: Args) -> Form:
    """汇总表 of ``a.year``: the whole organisation tree, or the subtree of ``a.organisation_id``
    (``NotFound`` for an unknown id), evaluated by
    :func:`~volunteer_core.services.evaluation.evaluate_in_transaction`; a year not yet over is judged up
    to ``a.as_of`` (default ``a.on``)."""
    require("year", a.year, "年度（year）")
    assert a.year is not None
    as_of = a.as_of
    if as_of is None and date(a.year, 12, 31) >= a.on:
        as_of = a.on
    report = evaluate_in_transaction(
        uow, a.year, organisation_id=a.organisation_id, policy=a.policy, as_of=as_of
    )
    nodes = list(report.organisations.values())
    outside = {n.parent_id for n in nodes if n.parent_id is not None} - {n.organisation_id for n in nodes}
    parents = {o.id: o.name for o in uow.organisations.list() if o.id in outside} if outside else {}
    scope = ""
    if a.organisation_id is not None and a.organisation_id in report.organisations:
        scope = report.organisations[a.organisation_id].name
    titles = [
        f"{scope}{a.year}年度{TITLES['organisation_summary']}",
        "（逐级上报：各行数字为本级及所属下级组织合计 / each row totals the node and everything below it）",
    ]
    if as_of is not None:
        titles.append(f"统计截至：{as_of.isoformat()}")
    return Form(titles=titles, rows=organisation_rows(nodes, parents))
