"""Compliance of a year: per member (``evaluate_member_year``) and for a whole organ (``evaluate_year``).

``evaluate_year`` reads the records once, in any order, keeping a small accumulator per member
(minutes, community sessions per month, the 共建、帮扶 activities the member's branch organises, caring
actions) and a small fact per activity (the branches it counts for, its days): memory grows with members,
activities and their distinct activities, never with records.

Counting (the rule catalogue, docs/rules.md): only CONFIRMED records count (``record.status``); a reversal cancels its original
completely (minutes, the month it covered, the activity it attended) — it carries the original's member,
activity, kind and date, so it is subtracted where the original was added; an adjustment changes
minutes only, in its own year.

>>> from datetime import date
>>> from volunteer_core import Member, ServiceRecord, evaluate_member_year
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2026, 1, 2), skills={"急救"})
>>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
...                   kind="community_service", on=date(2026, 3, 5), minutes=600)
>>> my = evaluate_member_year(m, [r], 2026)
>>> my.required_minutes, my.net_minutes, my.months_missing[:3]
(1100, 600, (2, 4, 5))
"""

from volunteer_core.compliance._judge import evaluate_member_year
from volunteer_core.compliance._member import (
    RECORD_COLUMNS,
    MemberTotals,
    MemberYear,
    MisdatedRecord,
    full_months,
    member_year_totals,
    valid_as_of,
    valid_year,
)
from volunteer_core.compliance._merge import shard_of
from volunteer_core.compliance._organisations import (
    ORGANISATION_COLUMNS,
    OrganisationTotals,
    OrganisationYear,
    valid_branch_ids,
)
from volunteer_core.compliance._rollup import roll_up_organisations
from volunteer_core.compliance._year import BranchYear, YearReport, evaluate_year, evaluate_year_totals

__all__ = [
    "ORGANISATION_COLUMNS",
    "RECORD_COLUMNS",
    "BranchYear",
    "MemberTotals",
    "MemberYear",
    "MisdatedRecord",
    "OrganisationTotals",
    "OrganisationYear",
    "YearReport",
    "evaluate_member_year",
    "evaluate_year",
    "evaluate_year_totals",
    "full_months",
    "member_year_totals",
    "roll_up_organisations",
    "shard_of",
    "valid_as_of",
    "valid_branch_ids",
    "valid_year",
]
