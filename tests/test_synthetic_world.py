"""The synthetic year of issue 17: the organisation tree above the branches, supporters' claims and
referrals, members' insurance and a training that a later duty requires — generated consistently, so
that loading it through the use-cases refuses nothing, on every storage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

import attrs
import pytest

from volunteer_core import OrganisationKind, Qualification, SupporterKind, WishStatus, policies, services
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.readiness import check_insured, check_qualified
from volunteer_core.synthetic import FIRST_AID, generate_year

MakeUow = Callable[[], UnitOfWork]
WORLD = generate_year(2026, members=24, branches=6, seed=5)


def test_the_same_arguments_give_the_same_year() -> None:
    again = generate_year(2026, members=24, branches=6, seed=5)
    assert again == WORLD
    assert again.records() == WORLD.records()
    assert generate_year(2026, members=24, branches=6, seed=6).records() != WORLD.records()


def test_a_tree_of_three_levels_holds_the_branches_evenly() -> None:
    (top,) = [o for o in WORLD.organisations if o.parent_id is None]
    assert top.kind is OrganisationKind.WORK_COMMITTEE
    committees = [o for o in WORLD.organisations if o.parent_id == top.id]
    assert [o.kind for o in committees] == [OrganisationKind.ORGAN_PARTY_COMMITTEE] * 2
    assert len(WORLD.organisations) == 3
    under = Counter(b.organisation_id for b in WORLD.branches)
    assert under == {committees[0].id: 3, committees[1].id: 3}
    # parents come before their children (the order add_entities stores them in)
    seen: set[str] = set()
    for organisation in WORLD.organisations:
        assert organisation.parent_id is None or organisation.parent_id in seen
        seen.add(organisation.id)


@pytest.mark.parametrize(("branches", "split"), [(1, [1]), (2, [1, 1]), (5, [3, 2]), (7, [4, 3])])
def test_the_branches_are_spread_over_both_committees(branches: int, split: list[int]) -> None:
    world = generate_year(2026, members=branches * 3, branches=branches, seed=1)
    counts = Counter(b.organisation_id for b in world.branches)
    assert [counts[o] for o in ("o-pc1", "o-pc2") if counts[o]] == split


def test_most_members_are_insured_to_the_years_end_and_none_serves_uncovered() -> None:
    world = generate_year(2026, members=120, branches=4, seed=3)
    ends = Counter(m.insured_until == date(2026, 12, 31) for m in world.members)
    assert ends[False] == 3  # one in forty lapses mid-year
    assert ends[True] == 117
    members = {m.id: m for m in world.members}
    records = world.records()
    lapsed = {m.id for m in world.members if m.insured_until != date(2026, 12, 31)}
    assert any(r.member_id in lapsed for r in records)  # they served while covered
    # consistent for a policy that requires insurance: no record is refused with member.uninsured
    assert [
        r.id
        for r in records
        if r.reverses is None and check_insured(members[r.member_id], r.on, policies.MEILIE_2017)
    ] == []


def test_only_members_trained_before_it_serve_on_the_first_aid_duty() -> None:
    activities = {a.id: a for a in WORLD.activities}
    training, duty = activities["a-firstaid-training"], activities["a-firstaid-duty"]
    assert (training.grants, training.grants_valid_months, duty.requires) == (
        frozenset({FIRST_AID}),
        36,
        frozenset({FIRST_AID}),
    )
    assert training.on < duty.on
    assert set(training.branch_ids) | {training.branch_id} == {b.id for b in WORLD.branches}
    records = WORLD.records()
    on_duty = {r.member_id for r in records if r.activity_id == duty.id}
    held: dict[str, list[Qualification]] = {}
    for q in WORLD.qualifications():
        held.setdefault(q.member_id, []).append(q)
    assert on_duty
    assert on_duty <= set(held)
    assert set(held) - on_duty  # some trained members did not serve on it: the duty takes only the trained
    members = {m.id: m for m in WORLD.members}
    for r in records:
        if r.activity_id == duty.id:
            assert check_qualified(members[r.member_id], duty, held[r.member_id], r.on) == []


def test_supporters_claim_and_wishes_over_the_cap_are_referred() -> None:
    assert sorted(s.kind for s in WORLD.supporters) == sorted(SupporterKind)
    wishes = {w.id: w for w in WORLD.wishes}
    (shared,) = [w for w in WORLD.wishes if len({c.claimant[0] for c in w.live_claims}) == 2]
    assert (str(shared.value), shared.status) == ("300.00", WishStatus.FULFILLED)
    assert sorted(str(c.pledged) for c in shared.live_claims) == ["150.00", "150.00"]
    claimed_by = {c.supporter_id for w in WORLD.wishes for c in w.claims if c.supporter_id}
    assert claimed_by == {s.id for s in WORLD.supporters}
    referred = [w for w in wishes.values() if w.referred_on is not None]
    assert sorted((w.referred_to, w.status) for w in referred) == [
        ("城厢区住房和城乡建设局", WishStatus.REFERRED),
        ("市民政局", WishStatus.FULFILLED),
    ]
    cap = policies.DEFAULT.wish_value_cap
    assert cap is not None
    assert all(w.value is not None and w.value > cap for w in referred)


def test_loaded_through_the_use_cases_on_every_storage(make_uow: MakeUow) -> None:
    world = generate_year(2026, members=16, branches=6, seed=9)
    uow = make_uow()
    loaded = world.load_into(uow, batch_size=100)
    assert loaded.records + loaded.reversals == len(world.records())
    with uow:
        assert uow.organisations.list() == sorted(world.organisations, key=lambda o: o.id)
        assert [o.id for o in uow.organisations.subtree("o-wc")] == ["o-wc", "o-pc1", "o-pc2"]
        assert len(uow.branches.in_organisations(["o-pc1", "o-pc2"])) == 6
        assert sorted(uow.supporters.list(), key=lambda s: s.id) == list(world.supporters)
        stored = sorted(uow.wishes.list(), key=lambda w: w.id)
        earned = sorted(
            (q for m in world.members for q in uow.qualifications.for_member(m.id)), key=lambda q: q.id
        )
    assert [attrs.evolve(w, version=0) for w in stored] == sorted(world.wishes, key=lambda w: w.id)
    assert earned == sorted(world.qualifications(), key=lambda q: q.id)
    assert any(r.activity_id == "a-firstaid-duty" for r in world.records())
    report = services.evaluate_year(uow, 2026)
    assert not any(v.code in ("member.untrained", "member.uninsured") for v in report.violations)
