"""The charts now live in :mod:`volunteer_core.notebook.plot` (optional extra ``plot``: matplotlib);
this module re-exports them."""

from volunteer_core.notebook.plot import compliance_by_branch, coverage_heatmap, funnel_counts, wish_funnel

__all__ = ["compliance_by_branch", "coverage_heatmap", "funnel_counts", "wish_funnel"]
