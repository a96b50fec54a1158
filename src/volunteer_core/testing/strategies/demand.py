"""Strategies for demands (点单), the dispatch of services to communities.

>>> from hypothesis import find
>>> find(demands(DemandStatus.ORDERED), lambda d: True).member_id is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from hypothesis import strategies as st

from volunteer_core.model import Demand, DemandStatus, WishKind
from volunteer_core.testing.strategies._common import (
    COMMUNITIES,
    REASONS,
    WISH_CONTENTS,
    check_bounds,
    choice,
    enum_choice,
)
from volunteer_core.testing.strategies.values import DATE_MAX, DATE_MIN, ids

__all__ = ["demands"]


def demands(
    status: DemandStatus | Iterable[DemandStatus] | None = None,
    *,
    id: str | Sequence[str] | None = None,
    member_id: str | Sequence[str] | None = None,
    team_id: str | Sequence[str] | None = None,
    activity_id: str | Sequence[str] | None = None,
    min_on: date = DATE_MIN,
    max_on: date = DATE_MAX,
) -> st.SearchStrategy[Demand]:
    """Demands (点单) in any status: assigned ones name a member or a team, accepted and done ones a
    member, done ones an activity; declined and cancelled ones a reason.

    >>> from hypothesis import find
    >>> d = find(demands(DemandStatus.DONE), lambda d: True)
    >>> d.status.value, d.member_id is not None, d.activity_id is not None
    ('done', True, True)
    """
    check_bounds(min_on, max_on, "min_on", "max_on")
    return _demand(
        enum_choice("status", status, list(DemandStatus)),
        choice("id", id, ids("d")),
        choice("member_id", member_id, ids("m")),
        choice("team_id", team_id, ids("t")),
        choice("activity_id", activity_id, ids("a")),
        min_on,
        max_on,
    )


@st.composite
def _demand(
    draw: st.DrawFn,
    statuses: st.SearchStrategy[DemandStatus],
    id_strategy: st.SearchStrategy[str],
    member_strategy: st.SearchStrategy[str],
    team_strategy: st.SearchStrategy[str],
    activity_strategy: st.SearchStrategy[str],
    min_on: date,
    max_on: date,
) -> Demand:
    status = draw(statuses)
    member: str | None = None
    team: str | None = None
    if status in (DemandStatus.ACCEPTED, DemandStatus.DONE, DemandStatus.DECLINED):
        member = draw(member_strategy)
        team = draw(st.none() | team_strategy)
    elif status is DemandStatus.ASSIGNED:
        member = draw(st.none() | member_strategy)
        team = draw(team_strategy) if member is None else draw(st.none() | team_strategy)
    reason = (
        draw(st.sampled_from(REASONS)) if status in (DemandStatus.DECLINED, DemandStatus.CANCELLED) else ""
    )
    return Demand(
        id=draw(id_strategy),
        community=draw(st.sampled_from(COMMUNITIES)),
        content=draw(st.sampled_from(WISH_CONTENTS[WishKind.SERVICE])),
        ordered_on=draw(st.dates(min_on, max_on)),
        status=status,
        member_id=member,
        team_id=team,
        activity_id=draw(activity_strategy) if status is DemandStatus.DONE else None,
        reason=reason,
    )
