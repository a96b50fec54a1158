"""The rules: small pure functions returning :class:`Violation` s, catalogued in :data:`RULES`.

>>> from volunteer_core.rules import RULES
>>> RULES["wish.value_cap"].source, RULES["wish.value_cap"].title_zh
('004 §三', '微心愿价值上限')
>>> all(rule.check is not None for code, rule in RULES.items() if code not in NO_CHECK_FUNCTION)
True
"""

from volunteer_core._catalogue import RULES, Rule, Violation, violation
from volunteer_core.model.enums import Severity
from volunteer_core.rules.activity import check_activity, check_activity_summary, check_festival_window
from volunteer_core.rules.branch import (
    check_branch_team,
    check_plan_due,
    check_report_due,
    check_report_premature,
    check_team_campaign,
)
from volunteer_core.rules.coverage import (
    BranchCoverage,
    branch_coverage,
    check_coverage_organised,
    check_coverage_participating,
    check_coverage_registered,
    check_coverage_trained,
)
from volunteer_core.rules.ledger import (
    check_append_only,
    check_idempotent_request,
    check_ledger_entry,
    check_ledger_update,
    check_record_status,
    check_reversal,
    check_reversal_mirrors,
    check_year_locked,
)
from volunteer_core.rules.member import (
    check_annual_hours,
    check_branch_activities,
    check_caring_action,
    check_monthly_community,
    check_skill,
)
from volunteer_core.rules.pairing import check_pairings, check_single_target, find_duplicate_pairings
from volunteer_core.rules.readiness import check_insured, check_qualified, earned_qualifications
from volunteer_core.rules.timebank import (
    STAR_LABELS_ZH,
    check_duration,
    check_sessions_per_day,
    check_timeliness,
    member_star_level,
    star_level,
    star_minutes,
    validate_record,
)
from volunteer_core.rules.wish import (
    check_claim_total,
    check_content_required,
    check_value_cap,
    check_value_required,
    validate_wish,
)

#: Rules enforced by transitions rather than a check function of their own.
NO_CHECK_FUNCTION = frozenset({"wish.transition", "demand.transition", "record.transition"})

__all__ = [
    "NO_CHECK_FUNCTION",
    "RULES",
    "STAR_LABELS_ZH",
    "BranchCoverage",
    "Rule",
    "Severity",
    "Violation",
    "branch_coverage",
    "check_activity",
    "check_activity_summary",
    "check_annual_hours",
    "check_append_only",
    "check_branch_activities",
    "check_branch_team",
    "check_caring_action",
    "check_claim_total",
    "check_content_required",
    "check_coverage_organised",
    "check_coverage_participating",
    "check_coverage_registered",
    "check_coverage_trained",
    "check_duration",
    "check_festival_window",
    "check_idempotent_request",
    "check_insured",
    "check_ledger_entry",
    "check_ledger_update",
    "check_monthly_community",
    "check_pairings",
    "check_plan_due",
    "check_qualified",
    "check_record_status",
    "check_report_due",
    "check_report_premature",
    "check_reversal",
    "check_reversal_mirrors",
    "check_sessions_per_day",
    "check_single_target",
    "check_skill",
    "check_team_campaign",
    "check_timeliness",
    "check_value_cap",
    "check_value_required",
    "check_year_locked",
    "earned_qualifications",
    "find_duplicate_pairings",
    "member_star_level",
    "star_level",
    "star_minutes",
    "validate_record",
    "validate_wish",
    "violation",
]
