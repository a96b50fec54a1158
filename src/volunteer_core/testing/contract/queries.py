"""The queries (keyword ``contract_queries``): ``records.in_year`` (to the day, an iterator),
``for_member``, ``by_idempotency_key``, ``reversal_of``, the bulk reads and ``records.add_many``,
``uow.member_year_totals``, ``members.in_branch`` / ``in_branches``, ``pairings.for_target`` / ``for_branch``,
``activities.in_year``, ``wishes.with_status``, ``plans.for_branch``, ``reports.for_branch`` and the locks.

>>> QueryContract.test_locks.contract_queries
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, ClassVar

import attrs
import pytest

from volunteer_core import compliance
from volunteer_core.calendar.dates import DateRange
from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.model import (
    Activity,
    ActivityKind,
    Pairing,
    PairingMode,
    RecordStatus,
    ServiceRecord,
    WishStatus,
)
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract._base import ContractBase, contract_area, ids_of, read, store
from volunteer_core.testing.contract._seed import (
    DAY,
    MISSING,
    make_activity,
    make_claimed_wish,
    make_collected_wish,
    make_member,
    make_pairing,
    make_plan,
    make_qualification,
    make_record,
    make_report,
)

__all__ = ["QueryContract"]

#: (error class, code, path) of the refusals of ``add`` that ``add_many`` repeats
_DUPLICATE_ID = ("InvalidInput", "input.duplicate", "id")
_DUPLICATE_KEY = ("InvalidInput", "input.duplicate", "idempotency_key")
_ALREADY_REVERSED = ("RuleViolation", "ledger.already_reversed", "")


@contract_area("queries")
class QueryContract(ContractBase):
    """What every query of the ports returns, on committed data and on the unit's own writes.

    >>> QueryContract.__test__
    False
    """

    __test__: ClassVar[bool] = False

    def test_records_in_year_is_exactly_that_year_ordered_by_day_then_id(self, seeded: UnitOfWork) -> None:
        """1 January … 31 December inclusive: 31 December of the previous year and 1 January of the next
        are left out. The result is an iterator."""
        days = {
            "ry-1": date(2025, 12, 31),
            "ry-2": date(2026, 1, 1),
            "ry-b": date(2026, 6, 15),
            "ry-10": date(2026, 6, 15),
            "RY-3": date(2026, 6, 15),
            "ry-4": date(2026, 12, 31),
            "ry-5": date(2027, 1, 1),
            "ry-6": date(2024, 12, 31),
        }
        records = [make_record(record_id, on) for record_id, on in days.items()]
        with seeded:
            for record in reversed(records):
                seeded.records.add(record)
            inside = ids_of(seeded.records.in_year(2026))
            seeded.commit()
        every = [*records, make_record("r-1", DAY, minutes=120)]

        def expected(year: int) -> list[str]:
            return ids_of(sorted((r for r in every if r.on.year == year), key=lambda r: (r.on, r.id)))

        assert expected(2026) == ["ry-2", "r-1", "RY-3", "ry-10", "ry-b", "ry-4"]
        assert inside == expected(2026), "in_year sees the unit's own adds"
        with seeded:
            found = seeded.records.in_year(2026)
            assert isinstance(found, Iterator), "records.in_year returns an iterator (it streams)"
            assert ids_of(found) == expected(2026)
            for year in (2024, 2025, 2027, 2028):
                assert ids_of(seeded.records.in_year(year)) == expected(year), f"in_year({year})"

    def test_records_for_member_filters_member_and_year(self, seeded: UnitOfWork) -> None:
        records = [
            make_record("rf-3", date(2026, 5, 1)),
            make_record("rf-1", date(2026, 5, 1)),
            make_record("rf-2", date(2026, 1, 1)),
            make_record("rf-4", date(2025, 12, 31)),
            make_record("rf-5", date(2027, 1, 1)),
            make_record("rf-6", date(2026, 5, 1), member_id="m-2"),
        ]
        store(seeded, [("records", r) for r in records])
        with seeded:
            assert ids_of(seeded.records.for_member("m-1", 2026)) == ["rf-2", "r-1", "rf-1", "rf-3"]
            assert ids_of(seeded.records.for_member("m-1", 2025)) == ["rf-4"]
            assert ids_of(seeded.records.for_member("m-2", 2026)) == ["rf-6"]
            assert seeded.records.for_member("m-nobody", 2026) == []
            assert seeded.records.for_member("m-2", 2027) == []

    def test_records_by_idempotency_key(self, seeded: UnitOfWork) -> None:
        first = make_record("ri-1", DAY)
        with seeded:
            assert seeded.records.add(first, idempotency_key="k-1") == first
            assert seeded.records.by_idempotency_key("k-1") == first
            seeded.commit()
        with seeded:
            assert seeded.records.by_idempotency_key("k-1") == first
            assert seeded.records.by_idempotency_key("k-unknown") is None
            with pytest.raises(InvalidInput) as refused:
                seeded.records.add(make_record("ri-2", DAY), idempotency_key="k-1")
        assert (refused.value.code, refused.value.path) == ("input.duplicate", "idempotency_key")
        with seeded:
            seeded.records.add(make_record("ri-3", DAY), idempotency_key="k-2")
            with pytest.raises(InvalidInput) as again:
                seeded.records.add(make_record("ri-4", DAY), idempotency_key="k-2")
        assert (again.value.code, again.value.path) == ("input.duplicate", "idempotency_key")
        with seeded:
            assert ids_of(seeded.records.list()) == ["r-1", "ri-1"], "a refused key stores no record"
            assert seeded.records.by_idempotency_key("k-2") is None

    def test_records_reversal_of(self, seeded: UnitOfWork) -> None:
        with seeded:
            assert seeded.records.reversal_of("r-1") is None
            assert seeded.records.reversal_of("r-unknown") is None
            reversal = seeded.records.get("r-1").reversal(id="rv-1", recorded_on=date(2026, 3, 9))
            seeded.records.add(reversal)
            seeded.records.add(make_record("r-2", DAY))
            seeded.commit()
        with seeded:
            assert seeded.records.reversal_of("r-1") == reversal
            assert seeded.records.reversal_of("rv-1") is None
            assert seeded.records.reversal_of("r-2") is None

    def test_bulk_reads_equal_the_single_item_reads(self, seeded: UnitOfWork) -> None:
        """``get_many``, ``records.by_idempotency_keys`` and ``records.for_members`` (the bulk forms a
        storage may override with one query) give what ``get``, ``by_idempotency_key`` and ``for_member``
        give — committed data and the unit's own writes; missing ids and keys left out of ``get_many`` and
        ``by_idempotency_keys``; an id given twice answered once."""
        days = (date(2026, 5, 1), date(2026, 5, 1), date(2026, 1, 1), date(2025, 12, 31), date(2026, 12, 31))
        with seeded:
            seeded.members.add(make_member("m-3", "b-1"))
            for index, on in enumerate(days):
                member_id = "m-1" if index < 4 else "m-3"
                key = f"kb-{index}" if index % 2 == 0 else None
                seeded.records.add(
                    make_record(f"rb-{9 - index}", on, member_id=member_id), idempotency_key=key
                )
            seeded.commit()
        with seeded:
            seeded.records.add(
                make_record("rb-own", date(2026, 7, 1), member_id="m-2"), idempotency_key="kb-own"
            )
            ids = ["rb-9", "r-1", MISSING, "rb-own", "rb-9", "rb-5"]
            assert seeded.records.get_many(ids) == {i: seeded.records.get(i) for i in ids if i != MISSING}
            members = ["m-2", "m-1", MISSING, "m-1", "m-3"]
            assert seeded.members.get_many(members) == {
                m: seeded.members.get(m) for m in members if m != MISSING
            }
            assert seeded.branches.get_many(["b-2", "b-1"]) == {
                b: seeded.branches.get(b) for b in ("b-1", "b-2")
            }
            assert seeded.members.get_many([]) == {}
            keys = ["kb-0", "kb-own", "k-missing", "kb-0", "kb-4", "kb-1"]
            expected = {k: seeded.records.by_idempotency_key(k) for k in keys}
            assert seeded.records.by_idempotency_keys(keys) == {k: r for k, r in expected.items() if r}
            assert seeded.records.by_idempotency_keys([]) == {}
            for year in (2025, 2026, 2027):
                found = seeded.records.for_members(members, year)
                assert found == {m: seeded.records.for_member(m, year) for m in members}, (
                    f"for_members({year})"
                )
            assert ids_of(seeded.records.for_members(["m-1"], 2026)["m-1"]) == ["rb-7", "r-1", "rb-8", "rb-9"]
            assert seeded.records.for_members([], 2026) == {}

    def test_records_add_many_adds_in_order_like_add(self, seeded: UnitOfWork) -> None:
        """``records.add_many`` stores each ``(record, key)`` as ``add`` does, in order — an entry may name
        an earlier one — and returns what ``add`` returns."""
        first = make_record("ra-1", DAY)
        second = make_record("ra-2", date(2026, 5, 1), member_id="m-2")
        entries: list[tuple[ServiceRecord, str | None]] = [
            (first, "ka-1"),
            (second, None),
            (first.reversal(id="ra-3", recorded_on=date(2026, 3, 9)), "ka-3"),
            (attrs.evolve(make_record("ra-4", date(2026, 6, 1)), adjusts="ra-2", minutes=-30), None),
        ]
        with seeded:
            assert seeded.records.add_many([]) == []
            assert seeded.records.add_many(entries) == [record for record, _ in entries]
            assert seeded.records.get("ra-3") == entries[2][0], "reads see the unit's own writes"
            seeded.commit()
        with seeded:
            for record, key in entries:
                assert seeded.records.get(record.id) == record
                if key is not None:
                    assert seeded.records.by_idempotency_key(key) == record
            assert seeded.records.reversal_of("ra-1") == entries[2][0]
            assert ids_of(seeded.records.list()) == ["r-1", "ra-1", "ra-2", "ra-3", "ra-4"]

    @pytest.mark.parametrize(
        "clash",
        [
            "committed id",
            "id in the call",
            "committed key",
            "key in the call",
            "committed key, another request",
            "committed reversal",
            "reversal in the call",
            "reversal of a reversal",
            "reversal that does not mirror",
            "locked year",
            "dangling reference",
        ],
    )
    def test_records_add_many_refuses_like_add(self, seeded: UnitOfWork, clash: str) -> None:
        """The first entry ``add`` would refuse makes ``add_many`` raise the same error (class, code and
        path) as ``add`` one by one — ``InvalidInput`` for a duplicate or a dangling reference,
        ``RuleViolation`` for the ledger's rules; the entries after it are not stored, and rolling back
        leaves nothing of the call."""
        with seeded:
            seeded.records.add(make_record("rc-0", DAY), idempotency_key="kc-0")
            seeded.records.add(seeded.records.get("r-1").reversal(id="rc-rv", recorded_on=DAY))
            seeded.locks.lock("b-1", 2025)
            seeded.commit()
        head = make_record("rc-1", DAY)
        extra: list[tuple[ServiceRecord, str | None]] = []
        cases: dict[str, tuple[tuple[ServiceRecord, str | None], tuple[str, str, str]]] = {
            "committed id": ((make_record("rc-0", DAY, minutes=30), None), _DUPLICATE_ID),
            "id in the call": ((make_record("rc-1", DAY, minutes=30), None), _DUPLICATE_ID),
            "committed key": ((make_record("rc-3", DAY), "kc-0"), _DUPLICATE_KEY),
            "key in the call": ((make_record("rc-3", DAY), "kc-1"), _DUPLICATE_KEY),
            "committed key, another request": (
                (make_record("rc-3", DAY, minutes=30), "kc-0"),
                ("RuleViolation", "ledger.idempotency_conflict", ""),
            ),
            "committed reversal": (
                (make_record("r-1", DAY, minutes=120).reversal(id="rc-3", recorded_on=DAY), None),
                _ALREADY_REVERSED,
            ),
            "reversal in the call": ((head.reversal(id="rc-3", recorded_on=DAY), None), _ALREADY_REVERSED),
            "reversal of a reversal": (
                (attrs.evolve(head.reversal(id="rc-3", recorded_on=DAY), reverses="rc-4"), None),
                _ALREADY_REVERSED,
            ),
            "reversal that does not mirror": (
                (attrs.evolve(head.reversal(id="rc-3", recorded_on=DAY), member_id="m-2"), None),
                ("RuleViolation", "ledger.reversal_mismatch", ""),
            ),
            "locked year": (
                (make_record("rc-3", date(2025, 6, 1)), None),
                ("RuleViolation", "ledger.year_locked", ""),
            ),
            "dangling reference": (
                (make_record("rc-3", DAY, member_id=MISSING), None),
                ("InvalidInput", "input.reference", "member_id"),
            ),
        }
        if clash in ("reversal in the call", "reversal of a reversal"):
            extra = [(head.reversal(id="rc-4", recorded_on=DAY), None)]
        refused, expected = cases[clash]
        entries = [
            (head, "kc-1"),
            (make_record("rc-2", DAY), None),
            *extra,
            refused,
            (make_record("rc-9", DAY), "kc-9"),
        ]

        def first_refusal(call: Callable[[], object]) -> tuple[str, str, str]:
            with seeded:
                with pytest.raises((InvalidInput, RuleViolation)) as raised:
                    call()
                assert seeded.records.get_many(["rc-9"]) == {}, (
                    "the entries after the refused one are not stored"
                )
                assert seeded.records.by_idempotency_key("kc-9") is None
            error = raised.value
            return type(error).__name__, getattr(error, "code", ""), getattr(error, "path", "")

        one_by_one = first_refusal(lambda: [seeded.records.add(r, idempotency_key=k) for r, k in entries])
        assert one_by_one == expected, f"add refuses the {clash} with {expected}"
        assert first_refusal(lambda: seeded.records.add_many(entries)) == one_by_one, (
            f"add_many must refuse the {clash} as add does"
        )
        with seeded:
            stored = seeded.records.get_many(r.id for r, _ in entries)
            assert sorted(stored) == (["rc-0"] if clash == "committed id" else []), (
                "rolled back: nothing stored"
            )

    def test_member_year_totals_equal_the_reference_fold(self, seeded: UnitOfWork) -> None:
        """``uow.member_year_totals`` (an override, e.g. a ``GROUP BY``) equals
        ``compliance.member_year_totals`` over ``records.in_year`` with the members' own branches and
        every stored activity and pairing: reversals, adjustments, unconfirmed records, another branch's
        activity, a record off its activity's date, ``as_of``, other years, and the unit's own
        uncommitted writes."""
        community = Activity(
            id="a-cs",
            kind=ActivityKind.COMMUNITY_SERVICE,
            branch_id="b-2",
            on=date(2026, 1, 31),
            title="社区",
        )
        caring = Activity(
            id="a-ca", kind=ActivityKind.CARING_ACTION, branch_id="b-1", on=date(2026, 9, 1), title="献爱心"
        )

        def at(record_id: str, activity: Activity, member_id: str, **changes: Any) -> ServiceRecord:
            return attrs.evolve(
                make_record(record_id, activity.on, member_id=member_id),
                activity_id=activity.id,
                branch_id=activity.branch_id,
                kind=activity.kind,
                **changes,
            )

        first = make_record("rt-1", date(2026, 4, 1), member_id="m-2")  # b-1's pairing: not m-2's own
        store(
            seeded,
            [
                ("activities", community),
                ("activities", caring),
                ("records", first),
                ("records", at("rt-2", community, "m-2")),
                ("records", at("rt-3", community, "m-1", status=RecordStatus.PENDING)),
                ("records", at("rt-4", caring, "m-1")),
                ("records", make_record("rt-5", date(2025, 12, 31))),
            ],
        )
        with seeded:
            seeded.records.add(seeded.records.get("r-1").reversal(id="rt-r", recorded_on=date(2026, 3, 9)))
            adjustment = attrs.evolve(make_record("rt-adj", date(2026, 10, 8)), adjusts="rt-4", minutes=-15)
            seeded.records.add(adjustment)
            seeded.records.add(at("rt-6", caring, "m-2", on=date(2026, 12, 31)))
            branch_of = {m.id: m.branch_id for m in seeded.members.list()}
            for as_of in (None, date(2026, 1, 30), date(2026, 9, 1), date(2027, 2, 1)):
                expected = compliance.member_year_totals(
                    seeded.records.in_year(2026),
                    2026,
                    branch_of=branch_of,
                    as_of=as_of,
                    activities=seeded.activities.list(),
                    pairings=seeded.pairings.list(),
                )
                found = seeded.member_year_totals(2026, as_of=as_of)
                assert found == expected, f"member_year_totals(2026, as_of={as_of})"
                for branch_ids in (["b-1"], ["b-2"], ["b-1", "b-2"], [], [MISSING]):
                    wanted = {member for member, branch in branch_of.items() if branch in branch_ids}
                    found = seeded.member_year_totals(2026, as_of=as_of, branch_ids=branch_ids)
                    assert found == {m: t for m, t in expected.items() if m in wanted}, (
                        f"member_year_totals(2026, as_of={as_of}, branch_ids={branch_ids})"
                    )
            assert seeded.member_year_totals(2024) == {}

    def test_members_in_branch(self, seeded: UnitOfWork) -> None:
        store(
            seeded,
            [
                ("members", make_member("m-9", "b-1")),
                ("members", make_member("m-10", "b-1", left_on=date(2024, 1, 1))),
                ("members", make_member("m-3", "b-2")),
            ],
        )
        with seeded:
            assert ids_of(seeded.members.in_branch("b-1")) == ["m-1", "m-10", "m-9"], "past members included"
            assert ids_of(seeded.members.in_branch("b-2")) == ["m-2", "m-3"]
            assert seeded.members.in_branch("b-unknown") == []

    def test_members_in_branches(self, seeded: UnitOfWork) -> None:
        """What ``in_branch`` finds for each distinct id, together, ordered by id (not by branch); the
        unit's own adds and moves included; one string instead of a collection is refused."""
        store(
            seeded,
            [
                ("members", make_member("m-9", "b-1")),
                ("members", make_member("m-10", "b-1", left_on=date(2024, 1, 1))),
                ("members", make_member("m-3", "b-2")),
            ],
        )
        with seeded:
            every = ["m-1", "m-10", "m-2", "m-3", "m-9"]
            assert ids_of(seeded.members.in_branches(["b-2", "b-1"])) == every, "ordered by id"
            assert ids_of(seeded.members.in_branches(iter(["b-1", MISSING, "b-1"]))) == ["m-1", "m-10", "m-9"]
            assert ids_of(seeded.members.in_branches({"b-2"})) == ids_of(seeded.members.in_branch("b-2"))
            assert seeded.members.in_branches([]) == []
            assert seeded.members.in_branches([MISSING]) == []
            with pytest.raises(InvalidInput) as caught:
                seeded.members.in_branches("b-1")
            assert (caught.value.code, caught.value.path) == ("input.type", "branch_ids")
            seeded.members.add(make_member("m-11", "b-2"))
            moved = seeded.members.update(attrs.evolve(seeded.members.get("m-9"), branch_id="b-2"))
            assert moved.branch_id == "b-2"
            assert ids_of(seeded.members.in_branches(["b-2"])) == ["m-11", "m-2", "m-3", "m-9"], (
                "in_branches sees the unit's own writes"
            )
            assert ids_of(seeded.members.in_branches(["b-1"])) == ["m-1", "m-10"]

    def test_pairings_for_target_and_for_branch(self, seeded: UnitOfWork) -> None:
        joint = Pairing(
            id="pr-3",
            branch_ids=frozenset({"b-1", "b-2"}),
            target_id="bf-1",
            mode=PairingMode.JOINT_BRANCHES,
            period=DateRange(date(2026, 1, 1)),
        )
        ended = make_pairing("pr-2", "u-1", date(2020, 1, 1), date(2021, 12, 31))
        store(seeded, [("pairings", joint), ("pairings", ended)])
        with seeded:
            assert ids_of(seeded.pairings.for_target("u-1")) == ["pr-1", "pr-2"], "ended pairings included"
            assert ids_of(seeded.pairings.for_target("bf-1")) == ["pr-3"]
            assert seeded.pairings.for_target("u-unknown") == []
            assert ids_of(seeded.pairings.for_branch("b-1")) == ["pr-1", "pr-2", "pr-3"]
            assert ids_of(seeded.pairings.for_branch("b-2")) == ["pr-3"]
            assert seeded.pairings.for_branch("b-unknown") == []

    def test_activities_in_year(self, seeded: UnitOfWork) -> None:
        store(
            seeded,
            [
                ("activities", make_activity("a-3", date(2026, 12, 31))),
                ("activities", make_activity("a-2", date(2026, 1, 1))),
                ("activities", make_activity("a-0", date(2025, 12, 31))),
                ("activities", make_activity("a-4", date(2027, 1, 1))),
            ],
        )
        with seeded:
            assert ids_of(seeded.activities.in_year(2026)) == ["a-1", "a-2", "a-3"]
            assert ids_of(seeded.activities.in_year(2025)) == ["a-0"]
            assert ids_of(seeded.activities.in_year(2027)) == ["a-4"]

    def test_wishes_with_status(self, seeded: UnitOfWork) -> None:
        day = date(2026, 3, 2)
        store(
            seeded,
            [
                ("wishes", make_collected_wish("w-3")),
                ("wishes", make_claimed_wish("w-2", ("m-1",))),
                ("wishes", make_collected_wish("w-0").screen(False, day, reason="重复征集")),
            ],
        )
        with seeded:
            assert ids_of(seeded.wishes.with_status(WishStatus.COLLECTED)) == ["w-1", "w-3"]
            assert ids_of(seeded.wishes.with_status(WishStatus.CLAIMED)) == ["w-2"]
            assert ids_of(seeded.wishes.with_status(WishStatus.REJECTED)) == ["w-0"]
            assert seeded.wishes.with_status(WishStatus.FULFILLED) == []

    def test_plans_for_branch_ordered_by_submission_then_id(self, seeded: UnitOfWork) -> None:
        plans = [
            make_plan("pl-3", "b-1", 2026, date(2026, 1, 10)),
            make_plan("pl-2", "b-1", 2026, date(2026, 3, 1)),
            make_plan("pl-4", "b-1", 2025, date(2025, 3, 1)),
            make_plan("pl-5", "b-2", 2026, date(2026, 3, 1)),
        ]
        store(seeded, [("plans", p) for p in plans])
        with seeded:
            assert ids_of(seeded.plans.for_branch("b-1", 2026)) == ["pl-3", "pl-1", "pl-2"]
            assert ids_of(seeded.plans.for_branch("b-1", 2025)) == ["pl-4"]
            assert ids_of(seeded.plans.for_branch("b-2", 2026)) == ["pl-5"]
            assert seeded.plans.for_branch("b-2", 2027) == []

    def test_reports_for_branch_ordered_by_half_submission_then_id(self, seeded: UnitOfWork) -> None:
        reports = [
            make_report("hr-5", "b-1", 2026, 2, date(2026, 7, 1)),
            make_report("hr-2", "b-1", 2026, 1, date(2026, 6, 30)),
            make_report("hr-3", "b-1", 2026, 1, date(2026, 1, 5)),
            make_report("hr-4", "b-1", 2025, 2, date(2025, 12, 31)),
            make_report("hr-6", "b-2", 2026, 1, date(2026, 6, 1)),
        ]
        store(seeded, [("reports", r) for r in reports])
        with seeded:
            assert ids_of(seeded.reports.for_branch("b-1", 2026)) == ["hr-3", "hr-1", "hr-2", "hr-5"]
            assert ids_of(seeded.reports.for_branch("b-1", 2025)) == ["hr-4"]
            assert ids_of(seeded.reports.for_branch("b-2", 2026)) == ["hr-6"]

    def test_locks(self, seeded: UnitOfWork) -> None:
        with seeded:
            assert not seeded.locks.is_locked("b-1", 2026)
            assert seeded.locks.list() == []
            seeded.locks.lock("b-2", 2026)
            seeded.locks.lock("b-1", 2026)
            seeded.locks.lock("b-1", 2026)
            seeded.locks.lock("b-1", 2025)
            assert seeded.locks.is_locked("b-1", 2026)
            seeded.commit()
        with seeded:
            assert seeded.locks.list() == [("b-1", 2025), ("b-1", 2026), ("b-2", 2026)]
            assert seeded.locks.is_locked("b-2", 2026)
            assert not seeded.locks.is_locked("b-2", 2025)
            assert not seeded.locks.is_locked("b-3", 2026)
            seeded.locks.lock("b-1", 2026)
            seeded.commit()
        assert read(seeded, lambda u: u.locks.list()) == [("b-1", 2025), ("b-1", 2026), ("b-2", 2026)]

    def test_locks_locked_among_equals_is_locked(self, seeded: UnitOfWork) -> None:
        """``locks.locked_among`` gives the pairs ``is_locked`` says are locked (the unit's own too)."""
        with seeded:
            seeded.locks.lock("b-1", 2025)
            seeded.locks.lock("b-2", 2026)
            seeded.commit()
        with seeded:
            seeded.locks.lock("b-1", 2027)
            pairs = [
                ("b-1", 2025),
                ("b-1", 2026),
                ("b-2", 2026),
                ("b-1", 2025),
                ("b-1", 2027),
                (MISSING, 2026),
            ]
            expected = {pair for pair in pairs if seeded.locks.is_locked(*pair)}
            assert (
                seeded.locks.locked_among(pairs) == expected == {("b-1", 2025), ("b-2", 2026), ("b-1", 2027)}
            )
            assert seeded.locks.locked_among([]) == set()

    def test_qualifications_bulk_forms_equal_the_single_item_forms(self, seeded: UnitOfWork) -> None:
        """``qualifications.for_members`` gives what ``for_member`` gives for each id; ``add_many`` stores
        what ``add`` stores and refuses the first one ``add`` refuses with the same error."""
        with seeded:
            seeded.members.add(make_member("m-3", "b-1"))
            assert seeded.qualifications.add_many([]) == []
            added = [make_qualification("qm-2", member_id="m-3"), make_qualification("qm-1", member_id="m-3")]
            assert seeded.qualifications.add_many(added) == added
            members = ["m-3", "m-1", MISSING, "m-3", "m-2"]
            found = seeded.qualifications.for_members(members)
            assert found == {m: seeded.qualifications.for_member(m) for m in members}
            assert ids_of(found["m-3"]) == ["qm-1", "qm-2"]
            seeded.commit()
        for clash in ("id", "member"):
            bad = (
                make_qualification("q-1") if clash == "id" else make_qualification("qm-9", member_id=MISSING)
            )
            with seeded, pytest.raises(InvalidInput) as alone:
                seeded.qualifications.add(bad)
            with seeded:
                with pytest.raises(InvalidInput) as caught:
                    seeded.qualifications.add_many([make_qualification("qm-8", member_id="m-3"), bad])
                assert (caught.value.code, caught.value.path) == (alone.value.code, alone.value.path)
        assert read(seeded, lambda u: ids_of(u.qualifications.for_member("m-3"))) == ["qm-1", "qm-2"]
