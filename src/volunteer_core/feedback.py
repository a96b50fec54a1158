"""The 双报到 quarterly feedback, now in :mod:`volunteer_core.dual_registration` (this path stays)."""

from volunteer_core.dual_registration import BranchQuarter, MemberQuarter, quarter_range, quarterly_feedback

__all__ = ["BranchQuarter", "MemberQuarter", "quarter_range", "quarterly_feedback"]
