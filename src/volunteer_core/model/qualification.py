"""Qualifications (资质) a member holds, with an expiry: 「对需要专门知识、技能的志愿服务坚持先培训再上岗」
(中办国办《关于健全新时代志愿服务体系的意见》2024, §四.3).

A qualification is earned by attending a TRAINING activity that grants it (``Activity.grants``) or is
entered by the host (a certificate held from elsewhere). An activity that ``requires`` it takes only
members who hold it, unexpired, on the service date (``member.untrained``).

>>> from datetime import date
>>> q = Qualification(id="q1", member_id="m1", name="急救", earned_on=date(2026, 3, 1),
...                   expires_on=date(2029, 2, 28))
>>> q.is_valid_on(date(2029, 2, 28)), q.is_valid_on(date(2029, 3, 1)), q.is_valid_on(date(2026, 2, 28))
(True, False, False)
"""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core.model import _fields as f

__all__ = ["Qualification"]


@attrs.frozen(kw_only=True)
class Qualification:
    """A member's qualification ``name`` (``"急救"``), valid from ``earned_on`` to ``expires_on`` (both
    included; ``None``: it does not expire). ``activity_id`` names the training that granted it, when it
    was earned by one.

    >>> from datetime import date
    >>> Qualification(id="q1", member_id="m1", name="急救", earned_on=date(2026, 3, 1),
    ...               expires_on=date(2026, 2, 1))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ expires_on: ...
    """

    id: str = attrs.field(validator=f.identifier)
    member_id: str = attrs.field(validator=f.identifier)
    name: str = attrs.field(validator=f.name_text)
    earned_on: date = attrs.field(validator=f.a_date)
    expires_on: date | None = attrs.field(default=None, validator=f.optional_date)
    activity_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        f.check_order("expires_on", self.earned_on, self.expires_on, "earned_on")

    def is_valid_on(self, day: date) -> bool:
        """Whether the qualification is held on ``day``: ``earned_on ≤ day ≤ expires_on``."""
        return self.earned_on <= day and (self.expires_on is None or day <= self.expires_on)
