"""The organisation roll-up of a year's report as a short indented table (逐级上报): 工委 → 机关党委 → 支部,
each line with its members, compliant members, compliance rate and hours — a node's over its whole subtree.

It renders what :attr:`YearReport.organisations <volunteer_core.compliance.YearReport.organisations>`
holds and computes nothing itself: an empty roll-up renders as nothing.

>>> from volunteer_core.compliance import OrganisationTotals, OrganisationYear
>>> from volunteer_core.model import OrganisationKind
>>> top = OrganisationYear(organisation_id="o1", name="市直机关工委", kind=OrganisationKind.WORK_COMMITTEE,
...     parent_id=None, depth=0, path=("o1",), branch_ids=(), child_ids=(), node=OrganisationTotals(),
...     subtree=OrganisationTotals(branches=2, members=10, compliant_members=7, net_minutes=15_000))
>>> print(render_organisations({"o1": top}, {}), end="")
组织汇总（organisation roll-up, subtree totals）
组织 organisation                  支部  党员  达标  达标率  时长(小时)
市直机关工委                          2    10     7     70%       250.0
"""

from __future__ import annotations

from collections.abc import Mapping

from volunteer_core._display import pad
from volunteer_core.compliance import BranchYear, OrganisationYear

__all__ = ["hours", "render_organisations"]

_NAME_WIDTH = 32
_COLUMNS = (("支部", 6), ("党员", 6), ("达标", 6), ("达标率", 8), ("时长(小时)", 12))


def hours(minutes: int) -> str:
    """Minutes as hours with one decimal, rounded down (exact integers only).

    >>> hours(90), hours(59)
    ('1.5', '0.9')
    """
    return f"{minutes // 60}.{minutes % 60 * 10 // 60}"


def _line(name: str, depth: int, branches: str, members: int, compliant: int, minutes: int) -> str:
    rate = f"{compliant * 100 // members}%" if members else "-"
    cells = (branches, str(members), str(compliant), rate, hours(minutes))
    return pad("  " * depth + name, _NAME_WIDTH) + "".join(
        pad(cell, width, right=True) for cell, (_, width) in zip(cells, _COLUMNS, strict=True)
    )


def render_organisations(
    organisations: Mapping[str, OrganisationYear],
    branches: Mapping[str, BranchYear],
    *,
    depth: int | None = None,
) -> str:
    """The roll-up as text: one line per organisation node (its subtree's totals), names indented by depth,
    and under each node the branches directly under it (``branches``: the report's, by id; a branch not
    in it is left out). Nodes are walked top-down from the report's top nodes through ``child_ids``;
    ``depth`` stops below that many levels of organisations (``None``: all). ``""`` without nodes.

    >>> render_organisations({}, {})
    ''
    """
    if not organisations:
        return ""
    lines = [
        "组织汇总（organisation roll-up, subtree totals）",
        pad("组织 organisation", _NAME_WIDTH) + "".join(pad(h, w, right=True) for h, w in _COLUMNS),
    ]
    tops = [o for o in organisations.values() if o.parent_id not in organisations]
    stack = [(o, 0) for o in reversed(tops)]
    while stack:
        node, level = stack.pop()
        totals = node.subtree
        lines.append(
            _line(
                node.name,
                level,
                str(totals.branches),
                totals.members,
                totals.compliant_members,
                totals.net_minutes,
            )
        )
        if depth is not None and level >= depth:
            continue
        for branch_id in node.branch_ids:
            branch = branches.get(branch_id)
            if branch is not None:
                lines.append(
                    _line(
                        branch.name or branch.branch_id,
                        level + 1,
                        "",
                        branch.members,
                        branch.compliant_members,
                        branch.net_minutes,
                    )
                )
        children = [organisations[c] for c in node.child_ids if c in organisations]
        stack.extend((child, level + 1) for child in reversed(children))
    return "\n".join(lines) + "\n"
