"""Dispatch (点单 → 派单 → 接单 → 完成, 002 §三): a community orders a service, the organisation
assigns it, a member accepts or declines — never forced (志愿服务条例 Art 25).

>>> from datetime import date
>>> d = Demand(id="d1", community="凤山社区", content="为独居老人修水管", ordered_on=date(2026, 4, 1))
>>> d.status.label_zh
'已点单'
"""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core import _catalogue
from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import DemandStatus

__all__ = ["Demand"]


@attrs.frozen(kw_only=True)
class Demand:
    """A service ordered by a community; ``member_id`` / ``team_id`` once assigned, ``activity_id`` once done."""

    id: str = attrs.field(validator=f.identifier)
    community: str = attrs.field(validator=f.name_text)
    content: str = attrs.field(validator=f.name_text)
    ordered_on: date = attrs.field(validator=f.a_date)
    status: DemandStatus = attrs.field(
        default=DemandStatus.ORDERED,
        converter=f.to_demand_status,
        validator=f.member_of(DemandStatus),
    )
    member_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    team_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    activity_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    reason: str = attrs.field(default="", validator=f.plain_text)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        if self.status is DemandStatus.ASSIGNED and self.member_id is None and self.team_id is None:
            raise InvalidInput(
                "member_id",
                None,
                code="input.required",
                message_en="an assigned demand names a member or a team",
                message_zh="已派单的需求须指定党员或队伍",
            )

    # -- transitions (each returns a new Demand or raises RuleViolation "demand.transition") -----------

    def _refuse(self, en: str, zh: str) -> RuleViolation:
        return RuleViolation(
            _catalogue.violation("demand.transition", self.id, en=en, zh=zh, status=self.status.value)
        )

    def _require(self, *allowed: DemandStatus, move: str, move_zh: str) -> None:
        if self.status not in allowed:
            raise self._refuse(
                f"cannot {move} a demand that is {self.status.name}",
                f"需求当前为“{self.status.label_zh}”，不能{move_zh}",
            )

    def _dated(self, on: date) -> None:
        if type(on) is not date:
            raise InvalidInput(
                "on", on, code="input.type", message_en="must be a date", message_zh="须为日期"
            )
        if on < self.ordered_on:
            raise self._refuse(
                f"{on} is before the order date {self.ordered_on}",
                f"日期 {on} 早于点单日期 {self.ordered_on}",
            )

    def assign(self, on: date, *, member_id: str | None = None, team_id: str | None = None) -> Demand:
        """派单: ORDERED → ASSIGNED to a member or a team (exactly one of them).

        >>> from datetime import date
        >>> d = Demand(id="d1", community="凤山社区", content="修水管", ordered_on=date(2026, 4, 1))
        >>> d.assign(date(2026, 4, 2), member_id="m1").accept("m1", date(2026, 4, 2)).status.value
        'accepted'
        """
        self._require(DemandStatus.ORDERED, move="assign", move_zh="派单")
        self._dated(on)
        if (member_id is None) == (team_id is None):
            raise InvalidInput(
                "member_id",
                member_id,
                code="input.required",
                message_en="assign to exactly one of member_id or team_id",
                message_zh="须指定党员或队伍之一",
            )
        return attrs.evolve(
            self, status=DemandStatus.ASSIGNED, member_id=member_id, team_id=team_id, reason=""
        )

    def accept(self, member_id: str, on: date) -> Demand:
        """接单: ASSIGNED → ACCEPTED by the assigned member (or a member of the assigned team — the caller
        checks team membership)."""
        self._require(DemandStatus.ASSIGNED, move="accept", move_zh="接单")
        self._dated(on)
        if self.member_id is not None and self.member_id != member_id:
            raise self._refuse(
                f"the demand is assigned to {self.member_id}, not {member_id}",
                f"该需求已派给 {self.member_id}，不是 {member_id}",
            )
        return attrs.evolve(self, status=DemandStatus.ACCEPTED, member_id=member_id)

    def decline(self, member_id: str, on: date, reason: str = "") -> Demand:
        """A member declines (never forced — 志愿服务条例 Art 25): back to ORDERED, unassigned."""
        self._require(DemandStatus.ASSIGNED, DemandStatus.ACCEPTED, move="decline", move_zh="拒单")
        self._dated(on)
        if self.member_id is not None and self.member_id != member_id:
            raise self._refuse(
                f"the demand is assigned to {self.member_id}, not {member_id}",
                f"该需求已派给 {self.member_id}，不是 {member_id}",
            )
        return attrs.evolve(self, status=DemandStatus.ORDERED, member_id=None, team_id=None, reason=reason)

    def complete(self, activity_id: str, on: date) -> Demand:
        """完成: ACCEPTED → DONE, naming the activity under which the service was recorded."""
        self._require(DemandStatus.ACCEPTED, move="complete", move_zh="完成")
        self._dated(on)
        return attrs.evolve(self, status=DemandStatus.DONE, activity_id=activity_id)

    def cancel(self, on: date, reason: str) -> Demand:
        """Cancel a demand that is not DONE or CANCELLED."""
        self._require(
            DemandStatus.ORDERED,
            DemandStatus.ASSIGNED,
            DemandStatus.ACCEPTED,
            DemandStatus.DECLINED,
            move="cancel",
            move_zh="取消",
        )
        self._dated(on)
        return attrs.evolve(self, status=DemandStatus.CANCELLED, reason=reason)
