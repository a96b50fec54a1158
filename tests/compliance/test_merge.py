"""``YearReport.merge``: what it refuses, and the core's shards (``every_branch_id``) merged."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import InvalidInput, Member, policies
from volunteer_core.compliance import YearReport, shard_of
from volunteer_core.testing import strategies as vst

YEAR = 2026


def _member(mid: str, branch: str = "b1") -> Member:
    return Member(id=mid, name="甲", branch_id=branch, joined_on=date(2020, 1, 1))


def _report(members: list[Member], **kw: object) -> YearReport:
    return vc.evaluate_year(YEAR, members=members, records=[], **kw)  # type: ignore[arg-type]


def test_reports_of_different_years_policies_or_as_of_are_refused() -> None:
    base = _report([_member("m1")])
    others = [
        vc.evaluate_year(2025, members=[_member("m2")], records=[]),
        _report([_member("m2")], policy=policies.PUTIAN_2022),
        _report([_member("m2")], as_of=date(YEAR, 6, 30)),
    ]
    for other in others:
        with pytest.raises(InvalidInput) as caught:
            YearReport.merge([base, other])
        assert caught.value.path == "reports"
    with pytest.raises(InvalidInput):
        YearReport.merge([])
    with pytest.raises(InvalidInput) as overlap:
        YearReport.merge([base, base])
    assert "m1" in overlap.value.message_en
    with pytest.raises(InvalidInput):  # not shards of one evaluation: different branches
        YearReport.merge([base, _report([_member("m2", "b2")])])


@settings(max_examples=60, deadline=None)
@given(
    drawn=st.sampled_from([policies.DEFAULT, policies.PUTIAN_2022]).flatmap(
        lambda p: st.tuples(
            vst.datasets(organisations=True, reversals=True, joint=True, policy=p), st.just(p)
        )
    ),
    as_of=st.sampled_from([None, date(YEAR, 3, 31)]),
    n=st.integers(1, 5),
)
def test_the_cores_shards_merge_into_the_whole_year(
    drawn: tuple[vst.Dataset, vc.Policy], as_of: date | None, n: int
) -> None:
    d, policy = drawn
    common = {
        "teams": d.teams,
        "activities": d.activities,
        "pairings": d.pairings,
        "branches": d.branches,
        "organisations": d.organisations,
        "policy": policy,
        "as_of": as_of,
    }
    members = sorted(d.members, key=lambda m: m.id)  # as a storage lists them: the merge orders by id
    whole = vc.evaluate_year(YEAR, members=members, records=d.records, **common)  # type: ignore[arg-type]
    every = {m.branch_id for m in d.members}
    parts = [
        vc.evaluate_year(
            YEAR,
            members=[m for m in members if shard_of(m.id, n) == k],
            records=[r for r in d.records if shard_of(r.member_id, n) == k],
            every_branch_id=every,
            **common,  # type: ignore[arg-type]
        )
        for k in range(n)
    ]
    merged = YearReport.merge(parts)
    assert merged == whole
    assert merged.violations == whole.violations
    assert list(merged.members) == list(whole.members)
    assert list(merged.organisations) == list(whole.organisations)
