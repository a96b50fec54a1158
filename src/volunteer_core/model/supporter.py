"""Supporters (社区志愿者、爱心人士、社会组织): who besides members may claim a wish (004 §四).

>>> s = Supporter(id="s1", name="王爱心", kind="caring_person", contact="13912344859")
>>> s.kind.label_zh, s
('爱心人士', Supporter(id='s1', name='王爱心', kind=<SupporterKind.CARING_PERSON: 'caring_person'>, contact='139****4859', credit_code=None, version=0))
"""

from __future__ import annotations

from typing import Any

import attrs

from volunteer_core import privacy
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import SupporterKind

__all__ = ["Supporter"]


def _optional_contact(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, str):
        privacy.normalize_phone(value, path=attribute.name)


def _normalise_credit_code(value: Any) -> Any:
    if isinstance(value, str):
        return privacy.normalize_credit_code(value, path="credit_code")
    return value


@attrs.frozen(kw_only=True)
class Supporter:
    """A claimant of wishes who is not a member: a community volunteer, a caring person or a social
    organisation. ``contact`` is a phone number — personal data, masked in the repr, in errors and in
    exports as a member's phone is; ``credit_code`` (GB 32100) identifies a social organisation.

    >>> Supporter(id="s2", name="某慈善会", kind="social_organisation", contact="12345")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ contact: ...
    """

    id: str = attrs.field(validator=f.identifier)
    name: str = attrs.field(validator=f.name_text)
    kind: SupporterKind = attrs.field(converter=f.to_supporter_kind, validator=f.member_of(SupporterKind))
    contact: str | None = attrs.field(
        default=None, validator=[f.optional_text, _optional_contact], repr=privacy.masked_repr("phone")
    )
    credit_code: str | None = attrs.field(
        default=None, converter=_normalise_credit_code, validator=f.optional_text
    )
    version: int = attrs.field(default=0, validator=f.version)
