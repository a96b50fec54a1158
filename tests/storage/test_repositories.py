"""What the repositories of ``volunteer_core.ports`` do on every storage (memory, SQLite, PostgreSQL)
beyond the contract suite.

The contract (:class:`volunteer_core.testing.contract.UnitOfWorkContract`, run on memory by
``tests/testing/test_contract_memory.py`` and on SQLite and PostgreSQL by
``tests/storage/sql/test_contract_sql.py``) checks each repository's get, add, update, list, queries and
transactions. What stays here is what it does not check: round trips of fields its samples do not carry
(a record's decision, an activity's length and community, a wish without content), a refused call that
leaves the rest of its transaction usable, which refusal comes first, the wording of a dangling
reference, a record adjusting itself, child rows replaced by an update, a closed unit of work, and a
year's stream read while writing. Units of work in other threads: ``test_concurrency.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest

from volunteer_core import (
    Activity,
    Beneficiary,
    Branch,
    BranchPlan,
    Claim,
    DateRange,
    Demand,
    HalfYearReport,
    Member,
    Pairing,
    PartnerUnit,
    PlanItem,
    ServiceRecord,
    Team,
    Wish,
    WishStatus,
    Yuan,
)
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation, StorageError
from volunteer_core.ports import UnitOfWork

MakeUow = Callable[[], UnitOfWork]

BRANCH = Branch(id="b1", name="办公室党支部")
BRANCH2 = Branch(id="b2", name="政策法规处党支部")
MEMBER = Member(
    id="m1",
    name="张三",
    branch_id="b1",
    joined_on=date(2020, 7, 1),
    left_on=date(2030, 6, 30),
    skills={"急救", "理发"},
    phone="13800138000",
    community="凤山社区",
)
MEMBER2 = Member(id="m2", name="李四", branch_id="b1", joined_on=date(2021, 1, 1))
TEAM = Team(id="t1", branch_id="b1", name="先锋队", member_ids={"m1", "m2"})
BENEFICIARY = Beneficiary(
    id="p1",
    name="王五",
    category="elderly",
    community="凤山社区",
    id_number="11010519491231002X",
    phone="13900139000",
    address="凤山社区3号楼",
    gender="female",
    birth_date=date(1949, 12, 31),
    subtypes={"独居", "空巢"},
)
UNIT = PartnerUnit(id="u1", name="城厢区社会福利院", kind="welfare_home", credit_code="91110000600037341L")
PAIRING = Pairing(
    id="pr1",
    branch_ids={"b1", "b2"},
    target_id="u1",
    mode="joint_branches",
    period=DateRange(date(2026, 1, 1), date(2026, 12, 31)),
    member_ids={"m1"},
    measures="每月走访",
)
ACTIVITY = Activity(
    id="a1",
    kind="community_service",
    branch_id="b1",
    on=date(2026, 3, 5),
    title="社区清洁",
    team_id="t1",
    pairing_id="pr1",
    summary="清扫楼道",
    duration_minutes=180,
    community="凤山社区",
)
RECORD = ServiceRecord(
    id="r1",
    member_id="m1",
    activity_id="a1",
    branch_id="b1",
    kind="community_service",
    on=date(2026, 3, 5),
    minutes=120,
    recorded_on=date(2026, 3, 6),
    decided_by="m2",
    decided_on=date(2026, 3, 7),
)
PENDING = attrs.evolve(RECORD, id="r-pending", status="pending", decided_by=None, decided_on=None)
REJECTED = attrs.evolve(RECORD, id="r-rejected", status="rejected", reason="未签到")
WISH = Wish(
    id="w1",
    beneficiary_id="p1",
    kind="material",
    content="一台电饭煲",
    collected_on=date(2026, 5, 1),
    value=Yuan("300.00"),
    status=WishStatus.CLAIMED,
    claims=(
        Claim(member_id="m1", claimed_on=date(2026, 5, 6), pledged=Yuan("100.50")),
        Claim(
            member_id="m2", claimed_on=date(2026, 5, 6), pledged=Yuan("99.50"), withdrawn_on=date(2026, 5, 7)
        ),
        Claim(member_id="m2", claimed_on=date(2026, 5, 8), pledged=Yuan("199.50")),
    ),
    screened_on=date(2026, 5, 2),
    published_on=date(2026, 5, 3),
    evidence="低保证明",
)
DEMAND = Demand(id="d1", community="凤山社区", content="修水管", ordered_on=date(2026, 4, 1))
PLAN = BranchPlan(
    id="pl1",
    branch_id="b1",
    year=2026,
    submitted_on=date(2026, 5, 10),
    items=(
        PlanItem(
            line="festival", target="城厢区社会福利院", measures="中秋送月饼", scheduled="9月", mode="solo"
        ),
        PlanItem(line="pairing", target="王五", measures="每月走访", scheduled="每月", mode="joint_branches"),
    ),
)
REPORT = HalfYearReport(
    id="h1", branch_id="b1", year=2026, half=1, submitted_on=date(2026, 6, 30), summary="上半年"
)

#: repository name → a stored example (in an order where references resolve)
EXAMPLES: dict[str, Any] = {
    "branches": BRANCH,
    "members": MEMBER,
    "teams": TEAM,
    "beneficiaries": BENEFICIARY,
    "units": UNIT,
    "pairings": PAIRING,
    "activities": ACTIVITY,
    "records": RECORD,
    "wishes": WISH,
    "demands": DEMAND,
    "plans": PLAN,
    "reports": REPORT,
}


def store_all(uow: UnitOfWork) -> None:
    """Store BRANCH, BRANCH2, MEMBER, MEMBER2 and every example, committed."""
    with uow:
        uow.branches.add(BRANCH)
        uow.branches.add(BRANCH2)
        uow.members.add(MEMBER)
        uow.members.add(MEMBER2)
        for name, entity in EXAMPLES.items():
            if name not in ("branches", "members"):
                getattr(uow, name).add(entity)
        uow.commit()


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """A unit of work on a storage holding every example."""
    unit = make_uow()
    store_all(unit)
    return unit


# -- round trips and refusals: fields the contract's samples lack; a refusal inside a transaction -----


def test_round_trip_gives_back_an_equal_entity(uow: UnitOfWork) -> None:
    with uow:
        for name, example in EXAMPLES.items():
            stored = getattr(uow, name).get(example.id)
            assert stored == example, name
            assert type(stored) is type(example), name


def test_round_trip_of_minimal_entities(make_uow: MakeUow) -> None:
    uow = make_uow()
    open_ended = Pairing(
        id="pr9", branch_ids={"b1"}, target_id="p9", mode="solo", period=DateRange(date(2026, 1, 1))
    )
    bare_wish = Wish(id="w9", beneficiary_id="p1", kind="service", content="", collected_on=date(2026, 1, 1))
    bare_beneficiary = Beneficiary(id="p1", name="赵六", category="child", community="龙桥社区")
    empty_plan = BranchPlan(id="pl9", branch_id="b1", year=2026, submitted_on=date(2026, 5, 1))
    with uow:
        uow.branches.add(BRANCH)
        uow.beneficiaries.add(bare_beneficiary)
        for repo, entity in (("pairings", open_ended), ("wishes", bare_wish), ("plans", empty_plan)):
            getattr(uow, repo).add(entity)
        uow.commit()
    with uow:
        assert uow.pairings.get("pr9") == open_ended
        assert uow.wishes.get("w9") == bare_wish
        assert uow.beneficiaries.get("p1") == bare_beneficiary
        assert uow.plans.get("pl9") == empty_plan


def test_round_trip_of_pending_and_rejected_records(uow: UnitOfWork) -> None:
    with uow:
        uow.records.add(PENDING)
        uow.records.add(REJECTED)
        uow.commit()
    with uow:
        assert uow.records.get(PENDING.id) == PENDING
        assert uow.records.get(REJECTED.id) == REJECTED
        confirmed = uow.records.update(PENDING.confirm(by="m2", on=date(2026, 3, 8)))
        assert uow.records.get(PENDING.id) == confirmed


def test_adding_a_stored_id_raises_invalid_input(uow: UnitOfWork) -> None:
    with uow:
        for name, example in EXAMPLES.items():
            with pytest.raises(InvalidInput) as caught:
                getattr(uow, name).add(attrs.evolve(example, version=3))
            assert (caught.value.code, caught.value.path) == ("input.duplicate", "id"), name
            # the transaction is still usable, and the stored entity unchanged
            assert getattr(uow, name).get(example.id) == example, name
        uow.commit()


def test_adding_an_id_twice_in_one_unit_of_work_raises(make_uow: MakeUow) -> None:
    uow = make_uow()
    with uow:
        uow.branches.add(BRANCH)
        with pytest.raises(InvalidInput) as caught:
            uow.branches.add(attrs.evolve(BRANCH, name="另一个"))
        assert (caught.value.code, caught.value.path) == ("input.duplicate", "id")
        uow.commit()
    with uow:
        assert uow.branches.list() == [BRANCH]


def test_a_stored_idempotency_key_raises_invalid_input(uow: UnitOfWork) -> None:
    with uow:
        first = attrs.evolve(RECORD, id="r2")
        uow.records.add(first, idempotency_key="import-1")
        with pytest.raises(InvalidInput) as caught:
            uow.records.add(attrs.evolve(RECORD, id="r3"), idempotency_key="import-1")
        assert (caught.value.code, caught.value.path) == ("input.duplicate", "idempotency_key")
        assert uow.records.by_idempotency_key("import-1") == first
        uow.commit()
    with uow:
        assert uow.records.by_idempotency_key("import-1") == first
        assert uow.records.by_idempotency_key("import-2") is None
        with pytest.raises(InvalidInput) as caught:
            uow.records.add(attrs.evolve(RECORD, id="r4"), idempotency_key="import-1")
        assert caught.value.path == "idempotency_key"


@pytest.mark.parametrize(
    ("name", "entity", "path"),
    [
        ("members", attrs.evolve(MEMBER, id="m9", branch_id="b9"), "branch_id"),
        ("teams", attrs.evolve(TEAM, id="t9", branch_id="b9"), "branch_id"),
        ("activities", attrs.evolve(ACTIVITY, id="a9", team_id="t9"), "team_id"),
        ("activities", attrs.evolve(ACTIVITY, id="a9", pairing_id="pr9"), "pairing_id"),
        ("records", attrs.evolve(RECORD, id="r9", member_id="m9"), "member_id"),
        ("records", attrs.evolve(RECORD, id="r9", activity_id="a9"), "activity_id"),
        ("records", attrs.evolve(RECORD, id="r9", branch_id="b9"), "branch_id"),
        ("records", attrs.evolve(RECORD, id="r9", minutes=-120, reverses="r8"), "reverses"),
        ("records", attrs.evolve(RECORD, id="r9", adjusts="r8"), "adjusts"),
        ("wishes", attrs.evolve(WISH, id="w9", beneficiary_id="p9"), "beneficiary_id"),
        (
            "wishes",
            attrs.evolve(
                WISH, id="w9", claims=(*WISH.claims[:1], attrs.evolve(WISH.claims[1], member_id="m9"))
            ),
            "claims[1].member_id",
        ),
        ("demands", attrs.evolve(DEMAND, id="d9", member_id="m9"), "member_id"),
        ("demands", attrs.evolve(DEMAND, id="d9", activity_id="a9"), "activity_id"),
        ("plans", attrs.evolve(PLAN, id="pl9", branch_id="b9"), "branch_id"),
        ("reports", attrs.evolve(REPORT, id="h9", branch_id="b9"), "branch_id"),
    ],
)
def test_a_dangling_reference_raises_invalid_input_naming_the_field(
    uow: UnitOfWork, name: str, entity: Any, path: str
) -> None:
    with uow:
        with pytest.raises(InvalidInput) as caught:
            getattr(uow, name).add(entity)
        assert (caught.value.code, caught.value.path) == ("input.reference", path)
        with pytest.raises(NotFound):
            getattr(uow, name).get(entity.id)
        uow.commit()
    with uow, pytest.raises(NotFound):
        getattr(uow, name).get(entity.id)


@pytest.mark.parametrize(
    ("name", "entity", "named"),
    [
        ("members", attrs.evolve(MEMBER, id="m9", branch_id="b9"), "branch_id names no stored branch ('b9')"),
        ("wishes", attrs.evolve(WISH, id="w9", beneficiary_id="p9"), "no stored beneficiary ('p9')"),
        ("records", attrs.evolve(RECORD, id="r9", activity_id="a9"), "no stored activity ('a9')"),
    ],
)
def test_a_dangling_reference_names_the_kind_of_entity_in_the_singular(
    uow: UnitOfWork, name: str, entity: Any, named: str
) -> None:
    with uow, pytest.raises(InvalidInput) as caught:
        getattr(uow, name).add(entity)
    assert named in caught.value.message_en


def test_a_new_record_cannot_adjust_itself(uow: UnitOfWork) -> None:
    itself = attrs.evolve(RECORD, id="r9", minutes=30, adjusts="r9", decided_on=None)
    with uow:
        with pytest.raises(InvalidInput) as caught:
            uow.records.add(itself)
        assert (caught.value.code, caught.value.path) == ("input.reference", "adjusts")
        with pytest.raises(InvalidInput) as caught:
            uow.records.add(attrs.evolve(itself, id="r1", adjusts="r1"))
        assert (caught.value.code, caught.value.path) == ("input.duplicate", "id")
        with pytest.raises(InvalidInput) as caught:
            uow.records.add(attrs.evolve(itself, member_id="m9"))
        assert caught.value.path == "member_id"
        assert uow.records.list() == [RECORD]


def _refused(call: Callable[[], Any]) -> str:
    with pytest.raises(RuleViolation) as caught:
        call()
    return caught.value.code


def test_a_stored_record_never_changes_through_the_port(uow: UnitOfWork) -> None:
    """``ledger.append_only`` on every storage: a confirmed record takes no update at all (minutes, kind,
    date, a second reversal made by an update, a no-op), a pending one only its decision, once."""
    first = RECORD.reversal(id="r-rev1", recorded_on=date(2026, 3, 9))
    other = attrs.evolve(RECORD, id="r-other", minutes=45)
    with uow:
        for record in (first, other, PENDING, REJECTED):
            uow.records.add(record)
        uow.commit()
    with uow:
        for changed in (
            attrs.evolve(other, minutes=999),
            attrs.evolve(other, kind="training"),
            attrs.evolve(other, on=date(2026, 3, 6)),
            attrs.evolve(other, reverses=RECORD.id, minutes=-RECORD.minutes),  # a second reversal
            attrs.evolve(first, reason="冲销原因"),
            other,  # not even a no-op: only a pending record's decision is stored
        ):
            assert _refused(functools.partial(uow.records.update, changed)) == "ledger.append_only"
        rejected_then_confirmed = attrs.evolve(REJECTED, status="confirmed")
        assert _refused(lambda: uow.records.update(rejected_then_confirmed)) == "ledger.append_only"
        decided = uow.records.update(PENDING.confirm(by="m2", on=date(2026, 3, 8)))
        assert decided.version == PENDING.version + 1
        again = attrs.evolve(decided, status="rejected", reason="重复")
        assert _refused(lambda: uow.records.update(again)) == "ledger.append_only"
        uow.commit()
    with uow:
        assert uow.records.get(other.id) == other
        assert uow.records.get(first.id) == first
        assert uow.records.reversal_of(RECORD.id) == first


def test_the_port_refuses_what_breaks_the_ledger(uow: UnitOfWork) -> None:
    """On every storage, not only through the use-cases: a second reversal, a reversal of a reversal, a
    reversal that does not mirror its original, and any entry or decision in a locked year."""
    reversal = RECORD.reversal(id="r-rev1", recorded_on=date(2026, 3, 9))
    with uow:
        uow.records.add(PENDING)
        uow.records.add(REJECTED)
        for mismatch in (
            attrs.evolve(reversal, member_id="m2"),
            attrs.evolve(reversal, minutes=-1),
            attrs.evolve(reversal, on=date(2026, 3, 6)),
        ):
            assert _refused(functools.partial(uow.records.add, mismatch)) == "ledger.reversal_mismatch"
        uow.records.add(reversal)
        twice = attrs.evolve(reversal, id="r-rev2")
        assert _refused(lambda: uow.records.add(twice)) == "ledger.already_reversed"
        of_reversal = attrs.evolve(reversal, id="r-rev3", reverses="r-rev1", minutes=-1)
        assert _refused(lambda: uow.records.add(of_reversal)) == "ledger.already_reversed"
        uow.locks.lock(RECORD.branch_id, 2026)
        late = attrs.evolve(RECORD, id="r-late")
        assert _refused(lambda: uow.records.add(late)) == "ledger.year_locked"
        decision = PENDING.confirm(by="m2", on=date(2026, 3, 8))
        assert _refused(lambda: uow.records.update(decision)) == "ledger.year_locked"
        uow.records.add(
            attrs.evolve(RECORD, id="r-next-year", on=date(2027, 1, 4), recorded_on=None, decided_on=None)
        )
        uow.commit()
    with uow:
        assert sorted(r.id for r in uow.records.list()) == sorted(
            {RECORD.id, PENDING.id, REJECTED.id, "r-rev1", "r-next-year"}
        )
        assert uow.records.get(PENDING.id) == PENDING


def test_a_key_stored_with_another_request_is_a_conflict_at_the_port(uow: UnitOfWork) -> None:
    with uow:
        uow.records.add(attrs.evolve(RECORD, id="r2"), idempotency_key="K1")
        with pytest.raises(RuleViolation) as caught:
            uow.records.add(attrs.evolve(RECORD, id="r3", minutes=45), idempotency_key="K1")
        assert caught.value.code == "ledger.idempotency_conflict"
        assert caught.value.violation.details["fields"] == ("minutes",)
        uow.commit()


def test_a_duplicate_is_reported_before_a_dangling_reference(uow: UnitOfWork) -> None:
    with uow, pytest.raises(InvalidInput) as caught:
        uow.members.add(attrs.evolve(MEMBER, branch_id="b9"))
    assert (caught.value.code, caught.value.path) == ("input.duplicate", "id")


def test_update_with_a_dangling_reference_is_refused(uow: UnitOfWork) -> None:
    with uow:
        member = uow.members.get("m1")
        with pytest.raises(InvalidInput) as caught:
            uow.members.update(attrs.evolve(member, branch_id="b9"))
        assert (caught.value.code, caught.value.path) == ("input.reference", "branch_id")
        wish = uow.wishes.get("w1")
        bad_claim = attrs.evolve(wish.claims[0], member_id="m9")
        with pytest.raises(InvalidInput) as caught:
            uow.wishes.update(attrs.evolve(wish, claims=(bad_claim, *wish.claims[1:])))
        assert caught.value.path == "claims[0].member_id"
        assert uow.wishes.get("w1") == WISH  # claims untouched
        assert uow.members.get("m1").version == 0


def test_update_numbers_versions_and_refuses_a_stale_one(uow: UnitOfWork) -> None:
    with uow:
        member = uow.members.get("m1")
        assert member.version == 0
        first = uow.members.update(attrs.evolve(member, name="张三丰", skills={"书法"}))
        assert first.version == 1
        second = uow.members.update(attrs.evolve(first, community=None))
        assert second.version == 2
        with pytest.raises(ConcurrencyConflict):
            uow.members.update(attrs.evolve(member, name="旧版本"))
        with pytest.raises(ConcurrencyConflict):
            uow.members.update(attrs.evolve(member, version=5))
        assert uow.members.get("m1") == second
        uow.commit()
    with uow:
        stored = uow.members.get("m1")
    assert stored == second
    assert stored.skills == frozenset({"书法"})
    assert stored.version == 2


def test_update_replaces_claims_and_plan_items(uow: UnitOfWork) -> None:
    with uow:
        wish = uow.wishes.get("w1")
        withdrawn = wish.withdraw_claim("m1", date(2026, 5, 9))
        stored = uow.wishes.update(withdrawn)
        plan = uow.plans.get("pl1")
        shorter = uow.plans.update(attrs.evolve(plan, items=plan.items[1:]))
        uow.commit()
    with uow:
        assert uow.wishes.get("w1") == stored
        assert uow.wishes.get("w1").claims[0].withdrawn_on == date(2026, 5, 9)
        assert uow.plans.get("pl1") == shorter
        assert len(uow.plans.get("pl1").items) == 1


# -- a closed unit of work ----------------------------------------------------------------------------


def test_beginning_twice_is_refused_and_using_it_closed_too(make_uow: MakeUow) -> None:
    uow = make_uow()
    with uow:
        with pytest.raises(StorageError):
            uow.begin()
        uow.commit()
        with pytest.raises(StorageError):
            uow.branches.list()


# -- a year's stream read while writing ---------------------------------------------------------------


def _records(uow: UnitOfWork) -> list[ServiceRecord]:
    dated = [
        ("r0", "m1", date(2025, 12, 31)),
        ("r5", "m2", date(2026, 1, 1)),
        ("r4", "m1", date(2026, 1, 1)),
        ("r3", "m2", date(2026, 12, 31)),
        ("r6", "m1", date(2027, 1, 1)),
        ("r2", "m1", date(2026, 7, 1)),
    ]
    added = []
    for record_id, member_id, on in dated:
        record = attrs.evolve(RECORD, id=record_id, member_id=member_id, on=on, recorded_on=on, decided_on=on)
        added.append(uow.records.add(record))
    return added


def test_records_in_year_can_be_read_while_writing(uow: UnitOfWork) -> None:
    with uow:
        _records(uow)
        stream = uow.records.in_year(2026)
        first = next(stream)
        uow.records.add(attrs.evolve(RECORD, id="r7", on=date(2026, 2, 1), recorded_on=date(2026, 2, 1)))
        rest = list(stream)
        assert first.id == "r4"
        assert {r.id for r in rest} >= {"r5", "r1", "r2", "r3"}
        uow.commit()


@pytest.mark.parametrize("original", [PENDING, REJECTED], ids=["pending", "rejected"])
def test_the_port_refuses_a_reversal_of_a_record_that_is_not_confirmed(
    uow: UnitOfWork, original: ServiceRecord
) -> None:
    """``record.status`` on every storage, as ``reverse_service`` refuses it: a pending or rejected record
    counts toward nothing, so a reversal of it would cancel credit it never gave (its month, its minutes)."""
    # the mirror of the original (ServiceRecord.reversal refuses nothing about status)
    reversal = attrs.evolve(
        RECORD.reversal(id="r-rev-unconfirmed", recorded_on=date(2026, 3, 9)), reverses=original.id
    )
    with uow:
        uow.records.add(original)
        assert _refused(functools.partial(uow.records.add, reversal)) == "record.status"
        uow.commit()
    with uow:
        assert uow.records.reversal_of(original.id) is None
        assert uow.records.get(original.id) == original
