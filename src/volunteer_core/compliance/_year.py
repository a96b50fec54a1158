"""A whole organ's year: one pass over the records, the branches' results and the report.

The private half of :mod:`volunteer_core.compliance` (its names are re-exported there).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from volunteer_core._catalogue import Violation
from volunteer_core._gcpause import paused_collector
from volunteer_core.compliance._activities import activity_facts
from volunteer_core.compliance._fold import fold_year
from volunteer_core.compliance._judge import MemberJudge
from volunteer_core.compliance._member import MemberTotals, MemberYear, valid_as_of, valid_year
from volunteer_core.compliance._organisations import OrganisationTotals, OrganisationYear, frozen_counts
from volunteer_core.compliance._rollup import ViolationCounts, pairing_violation_branch, roll_up_organisations
from volunteer_core.dual_registration import RegisteredCommunities
from volunteer_core.errors import InvalidInput
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.organisation import Organisation
from volunteer_core.model.pairing import Pairing
from volunteer_core.model.people import Branch, Member, Team
from volunteer_core.model.plan import BranchPlan, HalfYearReport
from volunteer_core.model.registration import CommunityRegistration
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.rules.activity import check_activity
from volunteer_core.rules.branch import (
    check_branch_team,
    check_plan_due,
    check_report_due,
    check_report_premature,
    check_team_campaign,
)
from volunteer_core.rules.coverage import BranchCoverage, branch_coverage
from volunteer_core.rules.pairing import check_pairings, units_of_branches


@attrs.frozen(kw_only=True)
class BranchYear:
    """A branch's year: its members' results summed, and the branch's own violations.

    ``violations`` are the branch's own (``branch.*``, ``coverage.*``); ``violations_by_rule`` counts,
    by rule code, every violation of the report that counts for the branch — its members', its teams',
    the activities it leads, its pairings' and its own (:mod:`the roll-up's attribution
    <volunteer_core.compliance._rollup>`).

    >>> b = BranchYear(branch_id="b1", name="一支部", members=4, compliant_members=3, net_minutes=600,
    ...                teams=1, violations=(), violations_by_rule={"member.annual_hours": 1})
    >>> b.compliance_rate, b.totals.violations
    (0.75, 1)
    """

    branch_id: str
    name: str | None
    members: int
    compliant_members: int
    net_minutes: int
    teams: int
    violations: tuple[Violation, ...]
    violations_by_rule: Mapping[str, int] = attrs.field(factory=dict, converter=frozen_counts)

    @property
    def compliance_rate(self) -> float | None:
        """Share of compliant members (a ratio for display; None without members)."""
        return self.compliant_members / self.members if self.members else None

    @property
    def totals(self) -> OrganisationTotals:
        """The branch as one branch's :class:`OrganisationTotals` (what the roll-up sums)."""
        return OrganisationTotals(
            branches=1,
            members=self.members,
            compliant_members=self.compliant_members,
            net_minutes=self.net_minutes,
            violations_by_rule=self.violations_by_rule,
        )


def _no_coverage() -> Mapping[str, BranchCoverage]:
    return MappingProxyType({})


def _no_organisations() -> Mapping[str, OrganisationYear]:
    return MappingProxyType({})


@attrs.frozen(kw_only=True)
class YearReport:
    """The result of :func:`evaluate_year`.

    ``coverage`` holds each branch's 四覆盖 (branch id → :class:`~volunteer_core.rules.BranchCoverage`)
    when the policy asks for it (``policy.require_coverage``, on in PUTIAN_2022); empty otherwise. Its
    violations are among the branch's (``branches[id].violations``) and the report's.
    """

    year: int
    as_of: date | None
    policy: Policy
    members: Mapping[str, MemberYear]
    branches: Mapping[str, BranchYear]
    violations: tuple[Violation, ...]
    records_read: int
    unmatched_records: int
    coverage: Mapping[str, BranchCoverage] = attrs.field(factory=_no_coverage)
    #: The organisation roll-up (逐级上报): organisation id → :class:`OrganisationYear` (its node's and
    #: its subtree's totals), top-down (pre-order); empty when no organisation was given.
    organisations: Mapping[str, OrganisationYear] = attrs.field(factory=_no_organisations)

    @property
    def compliant_members(self) -> int:
        """How many members have no ERROR violation."""
        return sum(1 for m in self.members.values() if m.compliant)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per member, in member order — ready for ``pandas.DataFrame``.

        Keys include ``year``, ``member_id``, ``member_name``, ``branch_id``, ``net_minutes``,
        ``required_minutes``, ``months_missing``, ``branch_activities``, ``caring_actions``, ``compliant``.
        """
        return [m.to_record() for m in self.members.values()]

    def to_dataframe(self) -> Any:
        """:meth:`to_records` as a ``pandas.DataFrame`` (one row per member, the same columns).

        Needs pandas (``pip install pandas``); without it, raises ``ImportError`` saying so —
        :meth:`to_records` needs nothing.
        """
        from volunteer_core.notebook.html import records_frame

        return records_frame(self.to_records())

    def coverage_records(self) -> list[dict[str, Any]]:
        """四覆盖: one flat dict per branch judged (:meth:`BranchCoverage.to_record
        <volunteer_core.rules.BranchCoverage.to_record>`), in branch order; empty when the policy does
        not ask for coverage.

        >>> from datetime import date
        >>> from volunteer_core import Member, evaluate_year, policies
        >>> m = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))
        >>> report = evaluate_year(2026, members=[m], records=[], policy=policies.PUTIAN_2022)
        >>> [(r["branch_id"], r["registered"], r["untrained"]) for r in report.coverage_records()]
        [('b1', 0, 'm1')]
        >>> evaluate_year(2026, members=[m], records=[]).coverage_records()
        []
        """
        return [c.to_record() for c in self.coverage.values()]

    def coverage_dataframe(self) -> Any:
        """:meth:`coverage_records` as a ``pandas.DataFrame`` (one row per branch). Needs pandas."""
        from volunteer_core.notebook.html import coverage_frame

        return coverage_frame(self.coverage_records())

    def organisation_records(self) -> list[dict[str, Any]]:
        """The roll-up (逐级上报): one flat dict per organisation node, top-down (:meth:`OrganisationYear.
        to_record <volunteer_core.compliance.OrganisationYear.to_record>`: identity, ``depth``, ``path``,
        the node's and the subtree's totals); empty when the report has no organisations.

        >>> from datetime import date
        >>> from volunteer_core import Branch, Member, Organisation, evaluate_year
        >>> report = evaluate_year(2026, members=[Member(id="m1", name="甲", branch_id="b1",
        ...     joined_on=date(2020, 1, 1))], records=[], branches=[Branch(id="b1", name="一支部",
        ...     organisation_id="o1")], organisations=[Organisation(id="o1", name="工委", kind="work_committee")])
        >>> [(r["name"], r["depth"], r["node_members"], r["subtree_compliant_members"])
        ...  for r in report.organisation_records()]
        [('工委', 0, 1, 0)]
        """
        return [o.to_record() for o in self.organisations.values()]

    def organisations_dataframe(self) -> Any:
        """:meth:`organisation_records` as a ``pandas.DataFrame`` (one row per node, with its depth and
        path; the columns of :data:`~volunteer_core.compliance.ORGANISATION_COLUMNS`). Needs pandas."""
        from volunteer_core.notebook.html import organisations_frame

        return organisations_frame(self.organisation_records())

    def _repr_html_(self) -> str:
        """The report as HTML (notebooks): headline numbers, the organisation roll-up when there is one,
        branches, violations by rule, 四覆盖 when judged, members."""
        from volunteer_core.notebook.html import year_report_html

        return year_report_html(self)

    @classmethod
    def merge(cls, reports: Iterable[YearReport]) -> YearReport:
        """The report of a whole year from the reports of its shards (``evaluate_year(..., shard=(k, n))``
        for every ``k``): equal to one whole run — the same members, branches, violations in the same
        order (the members by id, as every storage lists them), 四覆盖, roll-up, ``records_read``. ``InvalidInput`` (path ``reports``) for no report, or
        reports of different years, ``as_of``, policies, branches or organisations, or sharing a member
        (:mod:`how the shards split <volunteer_core.compliance._merge>`).

        >>> from datetime import date
        >>> from volunteer_core import Member, evaluate_year
        >>> m = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))
        >>> YearReport.merge([evaluate_year(2026, members=[m], records=[])]).members["m1"].compliant
        False
        """
        from volunteer_core.compliance._merge import merge_reports

        return merge_reports(reports)

    def violations_of(self, subject_id: str) -> tuple[Violation, ...]:
        """The violations whose subject is ``subject_id``."""
        return tuple(v for v in self.violations if v.subject_id == subject_id)

    def __iter__(self) -> Iterator[MemberYear]:
        return iter(self.members.values())


def _in_year(members: Iterable[Member], year: int) -> list[Member]:
    """The ``members`` whose membership overlaps ``year``, in their order."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return [m for m in members if m.joined_on <= last and (m.left_on is None or m.left_on >= first)]


def evaluate_year(
    year: int,
    *,
    members: Iterable[Member],
    records: Iterable[ServiceRecord],
    teams: Iterable[Team] = (),
    activities: Iterable[Activity] = (),
    pairings: Iterable[Pairing] = (),
    plans: Iterable[BranchPlan] = (),
    reports: Iterable[HalfYearReport] = (),
    branches: Iterable[Branch] = (),
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    registrations: Iterable[CommunityRegistration] = (),
    organisations: Iterable[Organisation] = (),
    judged_activities: Iterable[Activity] | None = None,
    every_branch_id: Iterable[str] = (),
) -> YearReport:
    """Judge a whole year in one pass over ``records``.

    Members whose membership overlaps the year are judged (each as :func:`evaluate_member_year` would);
    teams (``team.campaign``), branches (``branch.team``, ``branch.plan_due``, ``branch.report_due``,
    ``branch.report_premature`` and, with ``policy.require_coverage``, 四覆盖 ``coverage.*`` into
    ``YearReport.coverage``) — every branch of a judged member, plus ``branches`` — activities of the
    year (``activity.*``) and pairings overlapping the year (``pairing.*``) are judged too. ``records``
    may be any iterable (a database cursor, a generator) and is consumed once; records of unknown
    members are counted in ``unmatched_records``. With ``policy.community_service_where_registered``
    (双报到), ``registrations`` (``CommunityRegistration`` s) and the activities' ``community`` decide
    which community service counts toward ``member.monthly_community``.

    Pass every activity the year's records refer to, and the pairings: ``member.branch_activities``
    counts the 共建、帮扶 activities each member's branch leads or co-organises (``Activity.branch_ids``;
    an activity of a joint pairing belongs to every branch of the pairing; FESTIVAL and PRACTICAL_HELP
    activities count when linked to one of the branch's pairings), and a confirmed record dated outside
    its activity's date or span is a ``record.activity_date`` ERROR in its member's year, counted in
    the minutes and the participation only. A record whose activity is not given is judged by its own
    fields. ``judged_activities``, when given, are the activities judged (``activity.*``, and the team
    campaigns) instead of ``activities`` — a report of part of the organ judges its own activities while
    every activity its members' records refer to is known.

    ``every_branch_id`` names branches judged even when none of ``members`` is in them: a shard of the
    members (:func:`~volunteer_core.compliance.shard_of`) passes the branches of every member of the year,
    so that each shard judges the same branches and its report merges (``YearReport.merge``).

    With ``organisations`` (the tree, or a subtree of it) and ``branches`` naming their
    ``organisation_id``, ``YearReport.organisations`` rolls the branches up the tree
    (:func:`~volunteer_core.compliance.roll_up_organisations`); each violation counts once, for the
    branch it concerns — a member's for the member's branch, a team's for the team's, an activity's for
    its lead branch, a pairing's for the branch its details name or else the first judged branch (in
    sorted order) of its subject pairing (``BranchYear.violations_by_rule``). ``branches`` and
    ``organisations`` also go to :func:`~volunteer_core.rules.pairing.check_pairings`.

    >>> from datetime import date
    >>> from volunteer_core import Member, evaluate_year
    >>> report = evaluate_year(2026, members=[Member(id="m1", name="甲", branch_id="b1",
    ...                        joined_on=date(2020, 1, 1), skills={"急救"})], records=[])
    >>> sorted({v.code for v in report.violations})  # doctest: +NORMALIZE_WHITESPACE
    ['branch.plan_due', 'branch.report_due', 'branch.team', 'member.annual_hours',
     'member.branch_activities', 'member.caring_action', 'member.monthly_community']
    """
    year = valid_year(year)
    as_of = valid_as_of(as_of)
    with paused_collector():  # the pass builds a year's worth of long-lived objects, and no cycle
        judged = _in_year(members, year)
        activities, pairings = list(activities), list(pairings)
        registry: RegisteredCommunities | None = None
        if policy.community_service_where_registered:
            registry = RegisteredCommunities(activities, registrations)
        member_years, read, unmatched = fold_year(
            records,
            judged,
            year,
            as_of,
            activity_facts(activities, pairings),
            MemberJudge(year, policy, as_of),
            registry,
        )
        return _report(
            year,
            as_of,
            policy,
            judged=judged,
            member_years=member_years,
            read=read,
            unmatched=unmatched,
            teams=teams,
            activities=activities if judged_activities is None else judged_activities,
            pairings=pairings,
            plans=plans,
            reports=reports,
            branches=branches,
            organisations=organisations,
            every_branch_id=every_branch_id,
        )


def evaluate_year_totals(
    year: int,
    *,
    members: Iterable[Member],
    totals: Iterable[MemberTotals],
    teams: Iterable[Team] = (),
    activities: Iterable[Activity] = (),
    pairings: Iterable[Pairing] = (),
    plans: Iterable[BranchPlan] = (),
    reports: Iterable[HalfYearReport] = (),
    branches: Iterable[Branch] = (),
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    organisations: Iterable[Organisation] = (),
    every_branch_id: Iterable[str] = (),
) -> YearReport:
    """:func:`evaluate_year` from per-member aggregates instead of records — the same report, for a
    storage that aggregates in the database (``GROUP BY``) instead of streaming every record.

    ``totals`` must be what :func:`member_year_totals` gives for the year's records with the same
    ``as_of``, the members' own branches and the activities and pairings (``MemberTotals.misdated``
    become the members' ``record.activity_date`` violations); a judged member without totals has no
    records. Not for
    ``policy.community_service_where_registered`` (双报到 needs each record's community: use
    :func:`evaluate_year`), which raises ``InvalidInput``. ``records_read`` sums ``totals.records``;
    ``unmatched_records`` sums those of members not judged. ``activities`` here are only judged
    (``activity.*``, team campaigns); ``organisations`` roll the branches up the tree as in
    :func:`evaluate_year`, and ``every_branch_id`` is judged as there.

    >>> from datetime import date
    >>> from volunteer_core import Member
    >>> m = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
    >>> report = evaluate_year_totals(2026, members=[m], totals=[MemberTotals(
    ...     member_id="m1", records=40, net_minutes=1200, community_sessions=(1,) * 12,
    ...     branch_activities=2, caring_actions=1)])
    >>> report.members["m1"].compliant, report.records_read
    (True, 40)
    """
    year = valid_year(year)
    as_of = valid_as_of(as_of)
    if policy.community_service_where_registered:
        raise InvalidInput(
            "policy",
            "community_service_where_registered",
            code="input.invalid",
            message_en="双报到 counting needs every record's community: use evaluate_year with the records",
            message_zh="双报到 计数需要逐条记录的社区，请用 evaluate_year 传入记录",
        )
    judged = _in_year(members, year)
    judged_ids = {m.id for m in judged}
    by_member: dict[str, MemberTotals] = {}
    read = unmatched = 0
    for total in totals:
        read += total.records
        if total.member_id in judged_ids:
            by_member[total.member_id] = total
        else:
            unmatched += total.records
    nothing = MemberTotals(member_id="")
    judge = MemberJudge(year, policy, as_of)
    member_years = {m.id: judge.judge_totals(m, by_member.get(m.id, nothing)) for m in judged}
    return _report(
        year,
        as_of,
        policy,
        judged=judged,
        member_years=member_years,
        read=read,
        unmatched=unmatched,
        teams=teams,
        activities=activities,
        pairings=pairings,
        plans=plans,
        reports=reports,
        branches=branches,
        organisations=organisations,
        every_branch_id=every_branch_id,
    )


def _report(
    year: int,
    as_of: date | None,
    policy: Policy,
    *,
    judged: list[Member],
    member_years: dict[str, MemberYear],
    read: int,
    unmatched: int,
    teams: Iterable[Team],
    activities: Iterable[Activity],
    pairings: Iterable[Pairing],
    plans: Iterable[BranchPlan],
    reports: Iterable[HalfYearReport],
    branches: Iterable[Branch],
    organisations: Iterable[Organisation],
    every_branch_id: Iterable[str],
) -> YearReport:
    """The rules beyond the members' (teams, branches, deadlines, activities, pairings), and the report."""
    ended = as_of is None or as_of >= date(year, 12, 31)
    teams = list(teams)
    organisations = list(organisations)
    known_branches = {b.id: b for b in branches}
    branch_ids = sorted({m.branch_id for m in judged} | set(known_branches) | set(every_branch_id))
    counted = ViolationCounts()
    # one pass over the members' years: each branch's members, compliant members and net minutes, the
    # violations counted by branch and rule, and the members' violations in order
    tallies: dict[str, list[int]] = {b: [0, 0, 0] for b in branch_ids}
    member_violations: list[Violation] = []
    for member_year in member_years.values():
        tally = tallies[member_year.branch_id]
        tally[0] += 1
        tally[2] += member_year.net_minutes
        its = member_year.violations
        if its:
            counted.add(member_year.branch_id, its)
            member_violations += its
            if member_year.compliant:
                tally[1] += 1
        else:
            tally[1] += 1

    in_year = [a for a in activities if a.on.year == year and (as_of is None or a.on <= as_of)]
    evaluated_on = as_of or date(year, 12, 31)
    # group once so that each rule sees only its subject's items (no teams × activities scan)
    campaigns: dict[str, list[Activity]] = {}
    for activity in in_year:
        if activity.team_id is not None:
            campaigns.setdefault(activity.team_id, []).append(activity)
    team_violations: list[Violation] = []
    for team in teams:
        found = check_team_campaign(team, campaigns.get(team.id, ()), year, policy)
        if found and ended:
            cited = policy.cite(found)
            team_violations.extend(cited)
            counted.add(team.branch_id, cited)
    teams_by_branch: dict[str, list[Team]] = {}
    for team in teams:
        teams_by_branch.setdefault(team.branch_id, []).append(team)
    plans_by_branch: dict[str, list[BranchPlan]] = {}
    for plan in plans:
        plans_by_branch.setdefault(plan.branch_id, []).append(plan)
    reports_by_branch: dict[str, list[HalfYearReport]] = {}
    for report in reports:
        reports_by_branch.setdefault(report.branch_id, []).append(report)
    branch_violations: dict[str, list[Violation]] = {
        branch_id: policy.cite(
            [
                *check_branch_team(branch_id, teams_by_branch.get(branch_id, ()), policy),
                *check_plan_due(branch_id, year, plans_by_branch.get(branch_id, ()), policy, as_of=as_of),
                *check_report_due(branch_id, year, reports_by_branch.get(branch_id, ()), policy, as_of=as_of),
                *check_report_premature(
                    branch_id, year, reports_by_branch.get(branch_id, ()), policy, as_of=as_of
                ),
            ]
        )
        for branch_id in branch_ids
    }
    coverage: dict[str, BranchCoverage] = {}
    if policy.require_coverage:  # 四覆盖: from the members' facts gathered in the pass
        trained = {m for m, y in member_years.items() if y.trainings > 0}
        serving = {m for m, y in member_years.items() if y.attendances > 0}
        members_by_branch: dict[str, list[Member]] = {}
        for member in judged:
            members_by_branch.setdefault(member.branch_id, []).append(member)
        for branch_id in branch_ids:
            coverage[branch_id] = covered = branch_coverage(
                branch_id,
                year,
                members=members_by_branch.get(branch_id, ()),
                teams=teams_by_branch.get(branch_id, ()),
                trained=trained,
                participating=serving,
                policy=policy,
                as_of=as_of,
            )
            branch_violations[branch_id].extend(policy.cite(covered.violations))
    activity_violations: list[Violation] = []
    for activity in in_year:
        cited = policy.cite(check_activity(activity, policy, evaluated_on=evaluated_on))
        activity_violations.extend(cited)
        counted.add(activity.branch_id, cited)
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    overlapping = {
        p.id: p
        for p in pairings
        if p.period.start <= year_end and (p.period.end is None or p.period.end >= year_start)
    }
    placed = known_branches.values()
    pairing_violations = policy.cite(
        check_pairings(overlapping.values(), policy, branches=placed, organisations=organisations)
    )
    judged_branches = set(branch_ids)
    unit_of: dict[str, str] = {}
    if any("unit_id" in v.details for v in pairing_violations):
        unit_of = {b: unit.id for b, unit in units_of_branches(placed, organisations).items()}
    for v in pairing_violations:
        concerned = pairing_violation_branch(v, overlapping, judged_branches, unit_of)
        if concerned is not None:
            counted.add(concerned, (v,))
    for branch_id in branch_ids:
        counted.add(branch_id, branch_violations[branch_id])

    branch_years: dict[str, BranchYear] = {}
    for branch_id in branch_ids:
        members, compliant, net_minutes = tallies[branch_id]
        known = known_branches.get(branch_id)
        branch_years[branch_id] = BranchYear(
            branch_id=branch_id,
            name=known.name if known else None,
            members=members,
            compliant_members=compliant,
            net_minutes=net_minutes,
            teams=len(teams_by_branch.get(branch_id, ())),
            violations=tuple(branch_violations[branch_id]),
            violations_by_rule=counted.of(branch_id),
        )

    everything = [
        *member_violations,
        *team_violations,
        *(v for b in branch_ids for v in branch_violations[b]),
        *activity_violations,
        *pairing_violations,
    ]
    return YearReport(
        year=year,
        as_of=as_of,
        policy=policy,
        members=MappingProxyType(member_years),
        branches=MappingProxyType(branch_years),
        violations=tuple(everything),
        records_read=read,
        unmatched_records=unmatched,
        coverage=MappingProxyType(coverage),
        organisations=MappingProxyType(
            roll_up_organisations(
                organisations,
                branches=known_branches.values(),
                branch_totals={b: y.totals for b, y in branch_years.items()},
            )
        ),
    )
