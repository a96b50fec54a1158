"""四覆盖 (002 §三): 「组织动员全覆盖、党员志愿者注册登记全覆盖、接受组织管理和培训全覆盖、参加志愿服务活动全覆盖」
— ``coverage.organised``, ``coverage.registered``, ``coverage.trained``, ``coverage.participating``.

Each rule judges one branch in one year, under ``policy.require_coverage`` (on in ``PUTIAN_2022``, off
elsewhere: the other texts do not ask for it). The members judged are the branch's members during the
year — joined on or before its last day and not left before its first (:func:`members_during`). Each
breach is one ERROR for the branch (the violation's subject is the branch id) naming the members
missing, sorted, in ``details["member_ids"]``:

* ``coverage.organised``: the branch has a volunteer team (all its members are missing otherwise);
* ``coverage.registered``: every member registered with the time bank (``Member.registered_on`` set,
  on or before the year's last day);
* ``coverage.trained``: every member attended a TRAINING activity in the year (a confirmed record at
  one, not reversed);
* ``coverage.participating``: every member has a confirmed record in the year (not reversed).

The rules that need the year's records take the ids of the members who were trained or served; the
year evaluation (:func:`volunteer_core.evaluate_year`) gathers them in its pass over the records and
keeps the result per branch as a :class:`BranchCoverage` (``YearReport.coverage``).

>>> from datetime import date
>>> from volunteer_core import Member, Team, policies
>>> members = [Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1),
...                   registered_on=date(2021, 3, 1)),
...            Member(id="m2", name="乙", branch_id="b1", joined_on=date(2026, 12, 31))]
>>> found = check_coverage_registered("b1", 2026, members=members, policy=policies.PUTIAN_2022)
>>> [(v.code, v.subject_id, v.details["member_ids"]) for v in found]
[('coverage.registered', 'b1', ['m2'])]
>>> check_coverage_registered("b1", 2026, members=members)  # DEFAULT does not ask for 四覆盖
[]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core._defaults import resolve_policy
from volunteer_core.model.people import Member, Team

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = [
    "COVERAGE_CODES",
    "COVERAGE_COLUMNS",
    "BranchCoverage",
    "branch_coverage",
    "check_coverage_organised",
    "check_coverage_participating",
    "check_coverage_registered",
    "check_coverage_trained",
    "members_during",
]

#: The four codes of 四覆盖, in the order of 002 §三.
COVERAGE_CODES = ("coverage.organised", "coverage.registered", "coverage.trained", "coverage.participating")

#: The keys of :meth:`BranchCoverage.to_record` — the columns of ``YearReport.coverage_records()``.
COVERAGE_COLUMNS = (
    "year",
    "branch_id",
    "members",
    "teams",
    "organised",
    "registered",
    "trained",
    "participating",
    "unregistered",
    "untrained",
    "not_participating",
    "complete",
    "pending",
)

#: Member ids named in a message before it says how many more there are (the details name them all).
_NAMED = 10


def members_during(branch_id: str, members: Iterable[Member], year: int) -> tuple[Member, ...]:
    """The members of ``branch_id`` during ``year`` — joined on or before 31 December, not left before
    1 January — by id.

    >>> from datetime import date
    >>> from volunteer_core import Member
    >>> ms = [Member(id="m2", name="乙", branch_id="b1", joined_on=date(2020, 1, 1),
    ...              left_on=date(2025, 12, 31)),
    ...       Member(id="m1", name="甲", branch_id="b1", joined_on=date(2026, 12, 31)),
    ...       Member(id="m3", name="丙", branch_id="b2", joined_on=date(2020, 1, 1))]
    >>> [m.id for m in members_during("b1", ms, 2026)]
    ['m1']
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    return tuple(
        sorted(
            (
                m
                for m in members
                if m.branch_id == branch_id
                and m.joined_on <= last
                and (m.left_on is None or m.left_on >= first)
            ),
            key=lambda m: m.id,
        )
    )


def _listed(ids: Sequence[str], sep: str) -> str:
    shown = sep.join(ids[:_NAMED])
    rest = len(ids) - _NAMED
    if rest <= 0:
        return shown
    return shown + (f" 等（另 {rest} 人）" if sep == "、" else f" and {rest} more")


def _missing(
    code: str, branch_id: str, year: int, judged: int, missing: Sequence[str], *, en: str, zh: str
) -> list[Violation]:
    """One ERROR for the branch naming ``missing`` (nothing when no one is missing)."""
    if not missing:
        return []
    return [
        violation(
            code,
            branch_id,
            en=f"branch {branch_id}, {year}: {len(missing)} of {judged} members {en}: {_listed(missing, ', ')}",
            zh=f"支部 {branch_id} {year} 年：{judged} 名党员中有 {len(missing)} 名{zh}：{_listed(missing, '、')}",
            year=year,
            members=judged,
            member_ids=list(missing),
        )
    ]


@register("coverage.organised")
def check_coverage_organised(
    branch_id: str,
    year: int,
    *,
    members: Iterable[Member],
    teams: Iterable[Team],
    policy: Policy | None = None,
) -> list[Violation]:
    """组织动员全覆盖: the branch has a volunteer team; without one, none of its members of the year is
    organised (all are named). Judged whatever the branch's size, as ``branch.team`` is.

    >>> from volunteer_core import Member, Team, policies
    >>> from datetime import date
    >>> ms = [Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))]
    >>> [v.details["member_ids"] for v in check_coverage_organised(
    ...     "b1", 2026, members=ms, teams=[], policy=policies.PUTIAN_2022)]
    [['m1']]
    >>> check_coverage_organised("b1", 2026, members=ms, teams=[Team(id="t1", branch_id="b1", name="先锋队")],
    ...                          policy=policies.PUTIAN_2022)
    []
    """
    if not resolve_policy(policy).require_coverage:
        return []
    if any(t.branch_id == branch_id for t in teams):
        return []
    judged = members_during(branch_id, members, year)
    return [
        violation(
            "coverage.organised",
            branch_id,
            en=f"branch {branch_id}, {year}: no volunteer team organises its {len(judged)} members",
            zh=f"支部 {branch_id} {year} 年：未组建志愿服务队，{len(judged)} 名党员未组织动员",
            year=year,
            members=len(judged),
            member_ids=[m.id for m in judged],
        )
    ]


@register("coverage.registered")
def check_coverage_registered(
    branch_id: str, year: int, *, members: Iterable[Member], policy: Policy | None = None
) -> list[Violation]:
    """注册登记全覆盖: every member of the year registered with the time bank — ``registered_on`` set,
    on or before 31 December of ``year`` (inclusive).

    >>> from volunteer_core import Member, policies
    >>> from datetime import date
    >>> late = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1),
    ...               registered_on=date(2027, 1, 1))
    >>> [v.code for v in check_coverage_registered("b1", 2026, members=[late], policy=policies.PUTIAN_2022)]
    ['coverage.registered']
    """
    if not resolve_policy(policy).require_coverage:
        return []
    judged = members_during(branch_id, members, year)
    last = date(year, 12, 31)
    missing = [m.id for m in judged if m.registered_on is None or m.registered_on > last]
    return _missing(
        "coverage.registered",
        branch_id,
        year,
        len(judged),
        missing,
        en=f"not registered with the time bank by {last}",
        zh=f"截至 {last} 未在“时间银行”注册登记",
    )


@register("coverage.trained")
def check_coverage_trained(
    branch_id: str,
    year: int,
    *,
    members: Iterable[Member],
    trained: Collection[str],
    policy: Policy | None = None,
) -> list[Violation]:
    """接受组织管理和培训全覆盖: every member of the year attended a TRAINING activity in it.

    ``trained`` holds the ids of the members with a confirmed record at a TRAINING activity dated in
    ``year`` that is not reversed (the year evaluation counts them as ``MemberYear.trainings``).

    >>> from volunteer_core import Member, policies
    >>> from datetime import date
    >>> ms = [Member(id=i, name=i, branch_id="b1", joined_on=date(2020, 1, 1)) for i in ("m1", "m2")]
    >>> [v.details["member_ids"] for v in check_coverage_trained(
    ...     "b1", 2026, members=ms, trained={"m1"}, policy=policies.PUTIAN_2022)]
    [['m2']]
    """
    if not resolve_policy(policy).require_coverage:
        return []
    judged = members_during(branch_id, members, year)
    missing = [m.id for m in judged if m.id not in trained]
    return _missing(
        "coverage.trained",
        branch_id,
        year,
        len(judged),
        missing,
        en="attended no training activity",
        zh="未参加培训活动",
    )


@register("coverage.participating")
def check_coverage_participating(
    branch_id: str,
    year: int,
    *,
    members: Iterable[Member],
    participating: Collection[str],
    policy: Policy | None = None,
) -> list[Violation]:
    """参加志愿服务活动全覆盖: every member of the year has a confirmed record in it.

    ``participating`` holds the ids of the members with a confirmed record dated in ``year`` that is not
    reversed, at any activity (the year evaluation counts them as ``MemberYear.attendances``).

    >>> from volunteer_core import Member, policies
    >>> from datetime import date
    >>> ms = [Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))]
    >>> check_coverage_participating("b1", 2026, members=ms, participating={"m1"},
    ...                              policy=policies.PUTIAN_2022)
    []
    """
    if not resolve_policy(policy).require_coverage:
        return []
    judged = members_during(branch_id, members, year)
    missing = [m.id for m in judged if m.id not in participating]
    return _missing(
        "coverage.participating",
        branch_id,
        year,
        len(judged),
        missing,
        en="took part in no volunteer service",
        zh="未参加志愿服务活动",
    )


@attrs.frozen(kw_only=True)
class BranchCoverage:
    """A branch's 四覆盖 in one year: who was judged, who is missing from each coverage, and the
    violations (:data:`COVERAGE_CODES`).

    ``members`` are the ids judged (:func:`members_during`); ``unregistered``, ``untrained`` and
    ``not_participating`` the ids missing from each coverage so far (by ``as_of`` when the evaluation
    stops early); ``pending`` the codes not judged yet because the year has not ended — a member may
    still register, train or serve — while ``coverage.organised`` is judged at once, as ``branch.team``.

    >>> from datetime import date
    >>> from volunteer_core import Member, policies
    >>> ms = [Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1),
    ...              registered_on=date(2021, 1, 1))]
    >>> c = branch_coverage("b1", 2026, members=ms, teams=[], trained={"m1"}, participating={"m1"},
    ...                     policy=policies.PUTIAN_2022)
    >>> c.organised, c.complete, [v.code for v in c.violations]
    (False, False, ['coverage.organised'])
    """

    branch_id: str
    year: int
    members: tuple[str, ...]
    teams: int
    unregistered: tuple[str, ...]
    untrained: tuple[str, ...]
    not_participating: tuple[str, ...]
    pending: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = ()

    @property
    def organised(self) -> bool:
        """True when the branch has a volunteer team."""
        return self.teams > 0

    @property
    def complete(self) -> bool:
        """True when all four coverages hold (so far, while the year runs)."""
        return self.organised and not (self.unregistered or self.untrained or self.not_participating)

    def to_record(self) -> dict[str, Any]:
        """A flat dict — one row of :meth:`volunteer_core.YearReport.coverage_records`: the counts
        covered out of ``members`` and the missing ids, comma-separated.

        >>> BranchCoverage(branch_id="b1", year=2026, members=("m1", "m2"), teams=1, unregistered=("m2",),
        ...                untrained=(), not_participating=()).to_record()["registered"]
        1
        """
        judged = len(self.members)
        return {
            "year": self.year,
            "branch_id": self.branch_id,
            "members": judged,
            "teams": self.teams,
            "organised": self.organised,
            "registered": judged - len(self.unregistered),
            "trained": judged - len(self.untrained),
            "participating": judged - len(self.not_participating),
            "unregistered": ",".join(self.unregistered),
            "untrained": ",".join(self.untrained),
            "not_participating": ",".join(self.not_participating),
            "complete": self.complete,
            "pending": ",".join(self.pending),
        }

    def _repr_html_(self) -> str:
        """The branch's 四覆盖 as an HTML table (notebooks)."""
        from volunteer_core.notebook.html import coverage_html

        return coverage_html([self])


def branch_coverage(
    branch_id: str,
    year: int,
    *,
    members: Iterable[Member],
    teams: Iterable[Team],
    trained: Collection[str],
    participating: Collection[str],
    policy: Policy | None = None,
    as_of: date | None = None,
) -> BranchCoverage:
    """The four rules on one branch and year, with the facts: a :class:`BranchCoverage`.

    ``as_of`` (the evaluation date, as in :func:`volunteer_core.evaluate_year`): before 31 December the
    facts are those known by then — a member who joins after ``as_of`` is not judged yet, a
    ``registered_on`` after ``as_of`` is not yet a registration — and the three member coverages are
    *pending* rather than violations; ``coverage.organised`` is judged at once.
    Under a policy without ``require_coverage`` nothing is judged (no violation, nothing pending).

    >>> from datetime import date
    >>> from volunteer_core import Member, Team, policies
    >>> ms = [Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))]
    >>> c = branch_coverage("b1", 2026, members=ms, teams=[Team(id="t1", branch_id="b1", name="先锋队")],
    ...                     trained=(), participating=(), policy=policies.PUTIAN_2022,
    ...                     as_of=date(2026, 6, 30))
    >>> c.violations, c.pending, c.untrained
    ((), ('coverage.registered', 'coverage.trained', 'coverage.participating'), ('m1',))
    """
    policy = resolve_policy(policy)
    members = list(members)
    teams = [t for t in teams if t.branch_id == branch_id]
    last = date(year, 12, 31)
    known_by = last if as_of is None or as_of > last else as_of
    judged = tuple(m for m in members_during(branch_id, members, year) if m.joined_on <= known_by)
    unregistered = tuple(m.id for m in judged if m.registered_on is None or m.registered_on > known_by)
    untrained = tuple(m.id for m in judged if m.id not in trained)
    not_participating = tuple(m.id for m in judged if m.id not in participating)
    found: list[Violation] = []
    pending: list[str] = []
    if policy.require_coverage:
        found.extend(check_coverage_organised(branch_id, year, members=judged, teams=teams, policy=policy))
        if known_by < last:
            missing = (unregistered, untrained, not_participating)
            pending.extend(code for code, ids in zip(COVERAGE_CODES[1:], missing, strict=True) if ids)
        else:
            found.extend(check_coverage_registered(branch_id, year, members=judged, policy=policy))
            found.extend(
                check_coverage_trained(branch_id, year, members=judged, trained=trained, policy=policy)
            )
            found.extend(
                check_coverage_participating(
                    branch_id, year, members=judged, participating=participating, policy=policy
                )
            )
    return BranchCoverage(
        branch_id=branch_id,
        year=year,
        members=tuple(m.id for m in judged),
        teams=len(teams),
        unregistered=unregistered,
        untrained=untrained,
        not_participating=not_participating,
        pending=tuple(pending),
        violations=tuple(found),
    )
