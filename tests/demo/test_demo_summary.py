"""The demo's summary (``volunteer_core.demo.render_summary``): columns aligned by display width (a Chinese
character takes two), branches by name, rule titles too long for their column cut with "…" instead of
running into the severity column."""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core import Branch, Member, compliance
from volunteer_core._catalogue import RULES, violation
from volunteer_core._display import display_width
from volunteer_core.demo import RULE_TITLE_WIDTH, render_summary
from volunteer_core.model.enums import Severity
from volunteer_core.synthetic import generate_year


def _summary_with(*codes: str) -> list[str]:
    world = generate_year(2026, members=6, branches=2, seed=4)
    report = compliance.evaluate_year(
        2026,
        members=[Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))],
        records=[],
        branches=[Branch(id="b1", name="机关服务中心党支部"), Branch(id="b2", name="Office")],
    )
    extra = tuple(violation(code, "t1", en="x", zh="x") for code in codes)
    return render_summary(world, attrs.evolve(report, violations=report.violations + extra)).splitlines()


def _by_rule(lines: list[str]) -> list[str]:
    start = lines.index("问题分布（violations by rule）:") + 1
    end = lines.index("", start)
    return lines[start:end]


def test_a_long_rule_title_is_cut_at_its_column() -> None:
    assert display_width(RULES["team.campaign"].title_zh) > RULE_TITLE_WIDTH  # the case at hand
    rows = _by_rule(_summary_with("team.campaign", "wish.value_cap"))
    campaign = next(row for row in rows if "team.campaign" in row)
    assert "…" in campaign
    assert RULES["team.campaign"].title_zh not in campaign
    severity_at = {display_width(row.split("错误")[0]) for row in rows if "错误" in row}
    assert len(severity_at) == 1, rows  # every severity starts at one column
    assert all(RULES[row.split()[0]].severity in (Severity.ERROR, Severity.WARNING) for row in rows)


def test_the_branch_table_is_aligned_by_display_width() -> None:
    lines = _summary_with()
    head = next(i for i, line in enumerate(lines) if line.startswith("支部 branch"))
    rows = lines[head : head + 3]
    assert [row.split()[0] for row in rows[1:]] == ["机关服务中心党支部", "Office"]  # names, not b1/b2
    assert len({display_width(row) for row in rows}) == 1, rows  # numbers end under their headers
