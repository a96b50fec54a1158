"""Strategies for the organisation tree, supporters and members' qualifications.

>>> from hypothesis import find
>>> find(organisations(id="o-1", parent_id=None), lambda o: True).parent_id is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hypothesis import strategies as st

from volunteer_core.model import Organisation, OrganisationKind, Qualification, Supporter, SupporterKind
from volunteer_core.testing.strategies._common import check_bounds, choice, enum_choice
from volunteer_core.testing.strategies.values import (
    DATE_MAX,
    DATE_MIN,
    credit_codes,
    dates,
    ids,
    mobiles,
    person_names,
)

__all__ = ["QUALIFICATIONS", "organisation_trees", "organisations", "qualifications", "supporters"]

_ORGANISATION_NAMES = ("市直机关工委", "市民政局机关党委", "市财政局", "市教育局党委", "凤山街道党工委")
#: Qualifications drawn by :func:`qualifications` (and required by drawn activities that require one).
QUALIFICATIONS: tuple[str, ...] = ("急救", "心理疏导", "法律咨询", "助残护理")


def organisations(
    *,
    id: str | Sequence[str] | None = None,
    parent_id: str | Sequence[str] | None = None,
    kind: OrganisationKind | Sequence[OrganisationKind] | None = None,
) -> st.SearchStrategy[Organisation]:
    """Organisations (机关工委, 机关党委, 单位 …). ``parent_id=None`` (the default) draws roots; a string or
    a sequence of ids picks the parent (a drawn parent equal to the drawn id is replaced by none).

    >>> from hypothesis import find
    >>> find(organisations(id="o-2", parent_id="o-1"), lambda o: True).parent_id
    'o-1'
    """
    parents: st.SearchStrategy[str | None] = (
        st.none() if parent_id is None else choice("parent_id", parent_id, ids("o"))
    )
    return st.builds(
        lambda i, name, k, parent: Organisation(
            id=i, name=name, kind=k, parent_id=None if parent == i else parent
        ),
        choice("id", id, ids("o")),
        st.sampled_from(_ORGANISATION_NAMES),
        enum_choice("kind", kind, list(OrganisationKind)),
        parents,
    )


#: The kinds of a drawn tree's nodes, by level (1: the root).
_KINDS_BY_LEVEL: tuple[tuple[OrganisationKind, ...], ...] = (
    (OrganisationKind.WORK_COMMITTEE,),
    (OrganisationKind.ORGAN_PARTY_COMMITTEE, OrganisationKind.PARTY_COMMITTEE, OrganisationKind.STREET),
    (OrganisationKind.UNIT, OrganisationKind.GENERAL_BRANCH, OrganisationKind.COMMUNITY),
    (OrganisationKind.UNIT, OrganisationKind.OTHER),
)
_NAMES_BY_LEVEL: tuple[tuple[str, ...], ...] = (
    ("市直机关工委", "区直机关工委"),
    ("市民政局机关党委", "市教育局党委", "凤山街道党工委"),
    ("市民政局", "市财政局", "市委办公室", "东园社区党委"),
    ("综合科", "业务科"),
)


def organisation_trees(
    *, depth: int = 3, max_children: int = 3, prefix: str = "o"
) -> st.SearchStrategy[tuple[Organisation, ...]]:
    """One organisation tree, 1 … ``depth`` levels deep (a root and up to ``max_children`` children per
    node), in dependency order: every node after its parent (level by level), so that storing them in
    order never names a missing parent. Ids ``<prefix>-1``, ``<prefix>-2``, … in that order; kinds by
    level: the root a 机关工委, then 机关党委 / 党委 / 街道, then 单位 / 党总支 / 社区.

    Whatever tree is drawn: the root first, every other node after its parent, at most ``depth`` levels.

    >>> from hypothesis import find
    >>> tree = find(organisation_trees(depth=3), lambda t: len(t) > 1)
    >>> level = {tree[0].id: 1}
    >>> for node in tree[1:]:
    ...     level[node.id] = level[node.parent_id] + 1  # KeyError if a child came before its parent
    >>> tree[0].parent_id, [o.id for o in tree[:2]], max(level.values()) <= 3
    (None, ['o-1', 'o-2'], True)
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= len(_KINDS_BY_LEVEL):
        raise ValueError(f"depth must be an integer within 1..{len(_KINDS_BY_LEVEL)}")
    if isinstance(max_children, bool) or not isinstance(max_children, int) or max_children < 1:
        raise ValueError("max_children must be an integer >= 1")
    return _tree(depth, max_children, prefix)


@st.composite
def _tree(draw: st.DrawFn, depth: int, max_children: int, prefix: str) -> tuple[Organisation, ...]:
    levels = draw(st.integers(1, depth))
    nodes = [
        Organisation(
            id=f"{prefix}-1",
            name=draw(st.sampled_from(_NAMES_BY_LEVEL[0])),
            kind=OrganisationKind.WORK_COMMITTEE,
        )
    ]
    above = list(nodes)
    for level in range(1, levels):
        below: list[Organisation] = []
        for parent in above:
            for _ in range(draw(st.integers(0 if level > 1 else 1, max_children))):
                below.append(
                    Organisation(
                        id=f"{prefix}-{len(nodes) + len(below) + 1}",
                        name=draw(st.sampled_from(_NAMES_BY_LEVEL[level])),
                        kind=draw(st.sampled_from(_KINDS_BY_LEVEL[level])),
                        parent_id=parent.id,
                    )
                )
        if not below:
            break
        nodes += below
        above = below
    return tuple(nodes)


def supporters(
    *, id: str | Sequence[str] | None = None, kind: SupporterKind | Sequence[SupporterKind] | None = None
) -> st.SearchStrategy[Supporter]:
    """Supporters: community volunteers, caring persons (a personal name, maybe a phone) and social
    organisations (a name and maybe a credit code).

    >>> from hypothesis import find
    >>> find(supporters(kind=SupporterKind.SOCIAL_ORGANISATION), lambda s: True).kind.value
    'social_organisation'
    """

    def build(i: str, k: SupporterKind, person: str, contact: str | None, code: str | None) -> Supporter:
        if k is SupporterKind.SOCIAL_ORGANISATION:
            return Supporter(id=i, name=f"{person[0]}氏慈善基金会", kind=k, contact=contact, credit_code=code)
        return Supporter(id=i, name=person, kind=k, contact=contact)

    return st.builds(
        build,
        choice("id", id, ids("s")),
        enum_choice("kind", kind, list(SupporterKind)),
        person_names(),
        st.none() | mobiles(),
        st.none() | credit_codes(),
    )


def qualifications(
    *,
    id: str | Sequence[str] | None = None,
    member_id: str | Sequence[str] | None = None,
    name: str | Sequence[str] | None = None,
    activity_id: str | Sequence[str] | None = None,
    min_earned: date = DATE_MIN,
    max_earned: date = DATE_MAX,
) -> st.SearchStrategy[Qualification]:
    """Qualifications (资质) of members, expiring or not (``expires_on`` never before ``earned_on``);
    ``activity_id`` given: earned at that training (or, drawn at random, entered by the host).

    >>> from hypothesis import find
    >>> q = find(qualifications(member_id="m-1"), lambda q: q.expires_on is not None)
    >>> q.expires_on >= q.earned_on
    True
    """
    check_bounds(min_earned, max_earned, "min_earned", "max_earned")
    activities: st.SearchStrategy[str | None] = (
        st.none() if activity_id is None else st.none() | choice("activity_id", activity_id, ids("a"))
    )

    @st.composite
    def build(draw: st.DrawFn) -> Qualification:
        earned = draw(dates(min_earned, max_earned))
        lasts = draw(st.none() | st.integers(0, 3 * 366))
        return Qualification(
            id=draw(choice("id", id, ids("q"))),
            member_id=draw(choice("member_id", member_id, ids("m"))),
            name=draw(choice("name", name, st.sampled_from(QUALIFICATIONS))),
            earned_on=earned,
            expires_on=None if lasts is None else date.fromordinal(earned.toordinal() + lasts),
            activity_id=draw(activities),
        )

    return build()
