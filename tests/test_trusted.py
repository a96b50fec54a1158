"""The trusted constructors build the same objects as the classes' own ``__init__``."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core._catalogue import Violation, violation
from volunteer_core._trusted import trusted_constructor
from volunteer_core.compliance import MemberYear
from volunteer_core.model.enums import Severity

texts = st.text(max_size=12)
months = st.lists(st.integers(1, 12), max_size=12, unique=True).map(lambda m: tuple(sorted(m)))
counts = st.integers(-10_000, 10_000)


@given(
    texts, texts, texts, st.one_of(st.none(), st.dates()), counts, counts, months, months,
    st.tuples(*[st.integers(0, 5)] * 12), counts, counts, st.integers(0, 9),
    st.tuples(texts), st.one_of(st.none(), st.dates()), counts, counts,
)  # fmt: skip
def test_member_year_equals_the_attrs_init(
    member_id: str, name: str, branch_id: str, as_of: date | None, net: int, required: int,
    months_required: tuple[int, ...], months_missing: tuple[int, ...], community: tuple[int, ...],
    branch_activities: int, caring: int, skills: int, pending: tuple[str, ...],
    registered_on: date | None, trainings: int, attendances: int,
) -> None:  # fmt: skip
    values: dict[str, Any] = {
        "member_id": member_id, "member_name": name, "branch_id": branch_id, "year": 2026, "as_of": as_of,
        "net_minutes": net, "required_minutes": required, "months_required": months_required,
        "months_missing": months_missing, "community_sessions": community, "branch_activities": branch_activities,
        "caring_actions": caring, "skills": skills, "pending": pending, "violations": (), "registered_on": registered_on,
        "trainings": trainings, "attendances": attendances,
    }  # fmt: skip
    built = trusted_constructor(MemberYear)(*values.values())
    expected = MemberYear(**values)
    assert built == expected
    assert hash(built) == hash(expected)
    assert repr(built) == repr(expected)
    assert attrs.asdict(built) == attrs.asdict(expected)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.net_minutes = 0  # type: ignore[misc]


@given(
    texts, texts, texts, st.sampled_from(list(Severity)), st.dictionaries(texts, st.integers(), max_size=3)
)
def test_violation_equals_the_attrs_init(
    subject: str, en: str, zh: str, severity: Severity, details: dict[str, int]
) -> None:
    built = violation("member.skill", subject, en=en, zh=zh, severity=severity, **details)
    expected = Violation(
        code="member.skill",
        severity=severity,
        subject_id=subject,
        message_zh=zh,
        message_en=en,
        source=built.source,
        details=details,
    )
    assert built == expected
    assert hash(built) == hash(expected)
    assert built.details == details
    assert built.details is not details


def test_refuses_what_it_cannot_build_faithfully() -> None:
    @attrs.frozen(kw_only=True)
    class Checked:
        x: int

        def __attrs_post_init__(self) -> None:
            pass

    @attrs.define(slots=False)
    class Plain:
        x: int

    with pytest.raises(TypeError, match="init hook"):
        trusted_constructor(Checked)
    with pytest.raises(TypeError, match="not a slotted attrs class"):
        trusted_constructor(Plain)
    with pytest.raises(TypeError, match="not a slotted attrs class"):
        trusted_constructor(int)
