"""The one place that resolves ``policy=None`` to DEFAULT (imported lazily: policy imports the calendar,
which the model and rules must not load at import time in a cycle)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from volunteer_core.policy import Policy


def resolve_policy(policy: Policy | None) -> Policy:
    """``policy``, or :data:`volunteer_core.policies.DEFAULT` when it is None."""
    if policy is None:
        from volunteer_core.policy import DEFAULT

        return DEFAULT
    return policy
