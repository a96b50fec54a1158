"""Insured and trained before service on every path that records it — ``record_service``,
``record_services``, ``report_service``, ``confirm_service`` — on every storage; qualifications earned by
attending a training, in the same transaction; corrections not judged; one read per member in a batch."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volunteer_core import (
    Activity,
    Branch,
    Member,
    Qualification,
    RecordStatus,
    ServiceRecord,
    policies,
    services,
)
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation
from volunteer_core.ports import UnitOfWork
from volunteer_core.services import RecordRequest
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork

MakeUow = Callable[[], UnitOfWork]
DAY = date(2026, 3, 5)
NEXT = DAY + timedelta(days=1)
MEILIE = policies.MEILIE_2017


def world(p: str = "") -> list[Any]:
    """m1 (insured until DAY, untrained), m2 (insured until DAY, 急救 held until DAY), m3 (never insured);
    a0 (plain, DAY … NEXT), a1 (requires 急救, DAY … NEXT), t1 (training granting 急救 for 36 months)."""
    return [
        Branch(id=f"{p}b1", name="办公室党支部"),
        Member(id=f"{p}m1", name="张三", branch_id=f"{p}b1", joined_on=date(2020, 1, 1), insured_until=DAY),
        Member(id=f"{p}m2", name="李四", branch_id=f"{p}b1", joined_on=date(2020, 1, 1), insured_until=DAY),
        Member(id=f"{p}m3", name="王五", branch_id=f"{p}b1", joined_on=date(2020, 1, 1)),
        Activity(id=f"{p}a0", kind="community_service", branch_id=f"{p}b1", on=DAY, until=NEXT, title="清扫"),
        Activity(
            id=f"{p}a1",
            kind="community_service",
            branch_id=f"{p}b1",
            on=DAY,
            until=NEXT,
            title="马拉松医疗保障",
            requires={"急救"},
        ),
        Activity(
            id=f"{p}t1",
            kind="training",
            branch_id=f"{p}b1",
            on=date(2026, 1, 10),
            title="红十字急救培训",
            grants={"急救"},
            grants_valid_months=36,
        ),
        Qualification(
            id=f"{p}q2", member_id=f"{p}m2", name="急救", earned_on=date(2025, 1, 1), expires_on=DAY
        ),
    ]


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    unit = make_uow()
    services.add_entities(unit, world())
    return unit


def record(uow: UnitOfWork, member: str, activity: str, on: date = DAY, **kwargs: Any) -> ServiceRecord:
    return services.record_service(
        uow, member_id=member, activity_id=activity, minutes=60, on=on, recorded_on=NEXT, **kwargs
    )


def refused(call: Callable[[], object]) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    return caught.value


def held(uow: UnitOfWork, member: str) -> list[Qualification]:
    with uow:
        return uow.qualifications.for_member(member)


def records(uow: UnitOfWork) -> list[ServiceRecord]:
    with uow:
        return uow.records.list()


# -- training ----------------------------------------------------------------------------------------------


def test_an_untrained_members_record_is_refused_and_a_trained_ones_accepted(uow: UnitOfWork) -> None:
    error = refused(lambda: record(uow, "m1", "a1"))
    assert error.code == "member.untrained"
    assert error.violation.details["missing"] == ["急救"]
    assert error.violation.source == policies.NATIONAL.sources["member.untrained"]
    assert records(uow) == []
    assert record(uow, "m2", "a1").member_id == "m2"  # 急救 held until DAY: the expiry day passes
    record(uow, "m1", "a0")  # an activity that requires nothing takes anyone


def test_an_expired_qualification_is_refused_the_day_after_its_expiry(uow: UnitOfWork) -> None:
    error = refused(lambda: record(uow, "m2", "a1", on=NEXT))
    assert (error.code, error.violation.details["expired"]) == ("member.untrained", {"急救": "2026-03-05"})


def test_a_policy_without_training_lets_the_untrained_serve(uow: UnitOfWork) -> None:
    off = attrs.evolve(policies.DEFAULT, require_training=False)
    assert record(uow, "m1", "a1", policy=off).member_id == "m1"


def test_attending_a_training_earns_the_qualification_in_the_same_transaction(uow: UnitOfWork) -> None:
    training = record(uow, "m1", "t1", on=date(2026, 1, 10))
    (earned,) = held(uow, "m1")
    assert earned == Qualification(
        id=f"{training.id}:急救",
        member_id="m1",
        name="急救",
        earned_on=date(2026, 1, 10),
        expires_on=date(2029, 1, 9),
        activity_id="t1",
    )
    assert record(uow, "m1", "a1").member_id == "m1"
    # the ledger is append-only: a reversal of the training does not take the qualification back …
    services.reverse_service(uow, training.id, on=DAY)
    assert held(uow, "m1") == [earned]
    assert record(uow, "m1", "a1", on=NEXT).on == NEXT
    # … the host corrects with expire_qualification
    services.expire_qualification(uow, earned.id, on=DAY)
    error = refused(lambda: record(uow, "m1", "a1", on=NEXT, idempotency_key="again"))
    assert error.violation.details["expired"] == {"急救": "2026-03-05"}


def test_a_refused_training_record_earns_nothing(uow: UnitOfWork) -> None:
    error = refused(lambda: record(uow, "m1", "t1", on=date(2026, 1, 11)))  # off the training's date
    assert error.code == "record.activity_date"
    assert held(uow, "m1") == []


def test_a_repeated_idempotency_key_earns_once(uow: UnitOfWork) -> None:
    first = record(uow, "m1", "t1", on=date(2026, 1, 10), idempotency_key="k1")
    assert record(uow, "m1", "t1", on=date(2026, 1, 10), idempotency_key="k1") == first
    assert len(held(uow, "m1")) == 1


# -- insurance ---------------------------------------------------------------------------------------------


def test_the_last_insured_day_is_recorded_and_the_day_after_refused_under_meilie(uow: UnitOfWork) -> None:
    assert record(uow, "m1", "a0", policy=MEILIE).on == DAY
    error = refused(lambda: record(uow, "m1", "a0", on=NEXT, policy=MEILIE))
    assert (error.code, error.violation.source) == ("member.uninsured", "003 §四.5")
    assert error.violation.details == {"member_id": "m1", "on": "2026-03-06", "insured_until": "2026-03-05"}
    assert record(uow, "m1", "a0", on=NEXT).on == NEXT  # DEFAULT has no insurance rule


def test_a_self_report_is_refused_like_a_record(uow: UnitOfWork) -> None:
    error = refused(
        lambda: services.report_service(
            uow, member_id="m3", activity_id="a0", minutes=60, recorded_on=DAY, policy=MEILIE
        )
    )
    assert error.code == "member.uninsured"
    error = refused(
        lambda: services.report_service(uow, member_id="m1", activity_id="a1", minutes=60, recorded_on=DAY)
    )
    assert error.code == "member.untrained"
    assert records(uow) == []


def test_a_pending_training_earns_only_when_confirmed(uow: UnitOfWork) -> None:
    pending = services.report_service(
        uow, member_id="m1", activity_id="t1", minutes=60, recorded_on=date(2026, 1, 11)
    )
    assert held(uow, "m1") == []
    services.confirm_service(uow, pending.id, by="organiser-1", on=date(2026, 1, 12))
    assert [(q.id, q.earned_on) for q in held(uow, "m1")] == [(f"{pending.id}:急救", date(2026, 1, 10))]


def test_confirming_is_judged_at_the_records_date(uow: UnitOfWork) -> None:
    pending = services.report_service(uow, member_id="m2", activity_id="a1", minutes=60, recorded_on=DAY)
    late = services.report_service(
        uow, member_id="m1", activity_id="a0", minutes=60, on=NEXT, recorded_on=NEXT
    )
    services.expire_qualification(uow, "q2", on=DAY - timedelta(days=1))  # withdrawn before the service
    error = refused(lambda: services.confirm_service(uow, pending.id, by="organiser-1", on=NEXT))
    assert error.code == "member.untrained"
    error = refused(lambda: services.confirm_service(uow, late.id, by="organiser-1", on=NEXT, policy=MEILIE))
    assert error.code == "member.uninsured"
    with uow:
        assert {r.status for r in uow.records.list()} == {RecordStatus.PENDING}
    # confirming later does not move the judgement to the day of the confirmation
    assert services.confirm_service(uow, late.id, by="organiser-1", on=date(2026, 3, 20)).status is (
        RecordStatus.CONFIRMED
    )
    # rejecting is never judged
    services.reject_service(uow, pending.id, by="organiser-1", on=NEXT, reason="资质过期")


def test_corrections_are_not_judged(uow: UnitOfWork) -> None:
    entry = record(uow, "m2", "a1")
    services.expire_qualification(uow, "q2", on=date(2025, 1, 1))
    with uow:
        member = uow.members.get("m2")
        uow.members.update(attrs.evolve(member, insured_until=None))
        uow.commit()
    services.adjust_service(uow, entry.id, minutes=-10, on=date(2026, 4, 1))
    assert services.reverse_service(uow, entry.id, on=date(2026, 4, 1)).reverses == entry.id


# -- batches -----------------------------------------------------------------------------------------------


def _item(member: str, activity: str, on: date = DAY, **fields: Any) -> RecordRequest:
    return RecordRequest(member_id=member, activity_id=activity, minutes=60, on=on, **fields)


def test_a_batch_refuses_an_untrained_item_and_keeps_the_earlier_batches(uow: UnitOfWork) -> None:
    items = [_item("m2", "a1"), _item("m2", "a0"), _item("m1", "a0"), _item("m1", "a1")]
    error = refused(lambda: services.record_services(uow, items, batch_size=2, recorded_on=NEXT))
    assert (error.code, error.violation.subject_id) == ("member.untrained", "m1")
    assert sorted((r.member_id, r.activity_id) for r in records(uow)) == [("m2", "a0"), ("m2", "a1")]


def test_what_a_batch_earns_counts_for_its_later_items(uow: UnitOfWork) -> None:
    items = [_item("m1", "t1", on=date(2026, 1, 10)), _item("m1", "a1"), _item("m1", "a1", on=NEXT)]
    stored = services.record_services(uow, items, recorded_on=NEXT)
    assert [r.activity_id for r in stored] == ["t1", "a1", "a1"]
    assert [q.id for q in held(uow, "m1")] == [f"{stored[0].id}:急救"]


def test_a_batch_judges_insurance_per_item(uow: UnitOfWork) -> None:
    items = [_item("m1", "a0"), _item("m1", "a0", on=NEXT)]
    error = refused(lambda: services.record_services(uow, items, recorded_on=NEXT, policy=MEILIE))
    assert error.code == "member.uninsured"
    assert records(uow) == []
    assert len(services.record_services(uow, items, recorded_on=NEXT)) == 2


_ITEMS: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "member_id": st.sampled_from(["m1", "m2", "m3", "m9"]),
        "activity_id": st.sampled_from(["a0", "a1", "t1", "a1"]),
        "on": st.sampled_from([None, DAY, NEXT, date(2026, 1, 10)]),
        "idempotency_key": st.sampled_from([None, None, "k1", "k2"]),
    }
)
_EXAMPLES = itertools.count()


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return [(r.member_id, r.activity_id, r.on) for r in call()]
    except RuleViolation as err:
        return ("RuleViolation", err.code, err.violation.subject_id)
    except (InvalidInput, NotFound) as err:
        return (type(err).__name__,)


def _one_by_one(items: list[dict[str, Any]], batch_size: int, policy: Any) -> tuple[Any, Any]:
    reference = InMemoryUnitOfWork()
    services.add_entities(reference, world())
    done: list[ServiceRecord] = []
    for start in range(0, len(items), batch_size):
        kept = list(done)
        for item in items[start : start + batch_size]:
            call = functools.partial(
                services.record_service, reference, **item, minutes=60, recorded_on=NEXT, policy=policy
            )
            try:
                done.append(call())
            except (RuleViolation, InvalidInput, NotFound):
                return _outcome(call), _held(reference, "", kept)
    return _outcome(lambda: done), _held(reference, "", done)


def _subject(subject_id: str, prefix: str) -> str:
    return "generated" if subject_id.startswith("rec-") else subject_id.removeprefix(prefix)


def _held(uow: UnitOfWork, prefix: str, kept: list[ServiceRecord] | None = None) -> list[tuple[str, date]]:
    with uow:
        found = [q for q in uow.qualifications.list() if q.activity_id == f"{prefix}t1"]
    if kept is not None:  # the reference: what the batches before the refusal earned
        ids = {r.id for r in kept}
        found = [q for q in found if q.id.split(":")[0] in ids]
    return sorted((q.member_id.removeprefix(prefix), q.earned_on) for q in found)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ITEMS, max_size=7), st.integers(1, 3), st.sampled_from(["DEFAULT", "MEILIE_2017"]))
def test_drawn_batches_judge_readiness_as_one_by_one(
    make_uow: MakeUow, items: list[dict[str, Any]], batch_size: int, preset: str
) -> None:
    """The same records or the same first refusal, and the same qualifications earned, as recording the
    items one by one (the batches before a refusal kept)."""
    policy = policies.PRESETS[preset]
    prefix = f"e{next(_EXAMPLES)}-"
    subject = make_uow()
    services.add_entities(subject, world(prefix))

    def prefixed(item: dict[str, Any]) -> dict[str, Any]:
        return {
            k: f"{prefix}{v}" if k in ("member_id", "activity_id") or (k == "idempotency_key" and v) else v
            for k, v in item.items()
        }

    found = _outcome(
        lambda: services.record_services(
            subject,
            [{**prefixed(i), "minutes": 60} for i in items],
            batch_size=batch_size,
            recorded_on=NEXT,
            policy=policy,
        )
    )
    expected, expected_held = _one_by_one(items, batch_size, policy)
    if isinstance(expected, list):
        assert [(m.removeprefix(prefix), a.removeprefix(prefix), on) for m, a, on in found] == expected
    else:
        assert found[:2] == expected[:2]
        if len(expected) > 2:
            assert _subject(found[2], prefix) == _subject(expected[2], "")
    assert _held(subject, prefix) == expected_held


# -- one read per member -----------------------------------------------------------------------------------


@pytest.fixture
def counted(sql_url: str) -> Iterator[tuple[SqlUnitOfWork, list[str]]]:
    """25 members holding 急救, an activity all year requiring it; the statements run from now."""
    uow = SqlUnitOfWork(sql_url)
    members = [
        Member(
            id=f"v{i}",
            name="王五",
            branch_id="b1",
            joined_on=date(2020, 1, 1),
            insured_until=date(2026, 12, 31),
        )
        for i in range(25)
    ]
    trained = [
        Qualification(id=f"q-v{i}", member_id=f"v{i}", name="急救", earned_on=date(2025, 1, 1))
        for i in range(25)
    ]
    year_long = Activity(
        id="y1",
        kind="community_service",
        branch_id="b1",
        on=date(2026, 1, 1),
        until=date(2026, 12, 31),
        title="全年急救保障",
        requires={"急救"},
    )
    services.add_entities(uow, [*world(), *members, *trained, year_long])
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(uow.engine, "before_cursor_execute", count)
    try:
        yield uow, statements
    finally:
        sa.event.remove(uow.engine, "before_cursor_execute", count)
        uow.engine.dispose()


def test_a_batch_reads_each_members_qualifications_once(counted: tuple[SqlUnitOfWork, list[str]]) -> None:
    """1,000 records of 25 members at an activity that requires 急救, under MEILIE_2017: the members come
    from the batch's bulk read, and so do their qualifications (``qualifications.for_members``: one query
    for the batch) — not once per record, nor once per member."""
    uow, statements = counted
    items = [_item(f"v{i % 25}", "y1", on=date(2026, 1 + i % 12, 1 + i // 12 % 28)) for i in range(1000)]
    stored = services.record_services(
        uow, items, batch_size=1000, recorded_on=date(2026, 12, 31), policy=MEILIE
    )
    assert len(stored) == 1000
    reads = [s for s in statements if "qualifications" in s and s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, reads[:3]
    assert len(statements) <= 20, statements
