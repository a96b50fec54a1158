"""The host's qualifications (``grant_qualification``, ``expire_qualification``) on every storage, and
``Readiness``: each member and their qualifications read once per transaction, what it earns counted at
once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from test_ledger_readiness import DAY, NEXT, MakeUow, world

from volunteer_core import Qualification, ServiceRecord, policies, services
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation
from volunteer_core.ports import UnitOfWork
from volunteer_core.services.qualifications import Readiness
from volunteer_core.storage.memory import InMemoryUnitOfWork

CERTIFICATE = Qualification(
    id="cert-1", member_id="m1", name="急救", earned_on=date(2025, 6, 1), expires_on=date(2028, 5, 31)
)


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    unit = make_uow()
    services.add_entities(unit, world())
    return unit


def stored(uow: UnitOfWork, qualification_id: str) -> Qualification:
    with uow:
        return uow.qualifications.get(qualification_id)


def test_a_granted_certificate_lets_the_member_serve(uow: UnitOfWork) -> None:
    assert services.grant_qualification(uow, CERTIFICATE) == CERTIFICATE
    assert stored(uow, "cert-1") == CERTIFICATE
    record = services.record_service(uow, member_id="m1", activity_id="a1", minutes=60, recorded_on=DAY)
    assert record.member_id == "m1"


def test_a_grant_is_checked_by_the_storage(uow: UnitOfWork) -> None:
    services.grant_qualification(uow, CERTIFICATE)
    with pytest.raises(InvalidInput) as duplicate:
        services.grant_qualification(uow, CERTIFICATE)
    assert duplicate.value.code == "input.duplicate"
    with pytest.raises(InvalidInput) as dangling:
        services.grant_qualification(uow, Qualification(id="c2", member_id="m9", name="急救", earned_on=DAY))
    assert dangling.value.code == "input.reference"
    with pytest.raises(InvalidInput) as wrong:
        services.grant_qualification(uow, "急救")  # type: ignore[arg-type]
    assert wrong.value.code == "input.type"


def test_expiring_sets_the_last_valid_day_and_never_later(uow: UnitOfWork) -> None:
    services.grant_qualification(uow, CERTIFICATE)
    expired = services.expire_qualification(uow, "cert-1", on=DAY)
    assert (expired.expires_on, expired.version) == (DAY, 1)
    assert services.expire_qualification(uow, "cert-1", on=DAY) == expired  # the same day: nothing stored
    assert services.expire_qualification(uow, "cert-1", on=date(2030, 1, 1)) == expired  # never later
    assert stored(uow, "cert-1") == expired
    # the member serves on the last valid day, not the day after
    services.record_service(uow, member_id="m1", activity_id="a1", minutes=60, on=DAY, recorded_on=DAY)
    with pytest.raises(RuleViolation) as caught:
        services.record_service(uow, member_id="m1", activity_id="a1", minutes=60, on=NEXT, recorded_on=NEXT)
    assert caught.value.code == "member.untrained"


def test_expiring_a_qualification_without_expiry(uow: UnitOfWork) -> None:
    services.grant_qualification(uow, Qualification(id="c2", member_id="m1", name="AED", earned_on=DAY))
    assert services.expire_qualification(uow, "c2", on=DAY).expires_on == DAY


def test_expiring_before_it_was_earned_or_junk_is_refused(uow: UnitOfWork) -> None:
    services.grant_qualification(uow, CERTIFICATE)
    with pytest.raises(InvalidInput) as early:
        services.expire_qualification(uow, "cert-1", on=date(2025, 5, 31))
    assert early.value.path == "expires_on"
    with pytest.raises(InvalidInput) as junk:
        services.expire_qualification(uow, "cert-1", on="2026-03-05")  # type: ignore[arg-type]
    assert junk.value.path == "on"
    with pytest.raises(NotFound):
        services.expire_qualification(uow, "cert-9", on=DAY)
    assert stored(uow, "cert-1") == CERTIFICATE


# -- Readiness ---------------------------------------------------------------------------------------------


def _counting(uow: InMemoryUnitOfWork, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"members": 0, "qualifications": 0}

    def wrap(repository: Any, name: str, key: str) -> None:
        original: Callable[..., Any] = getattr(repository, name)

        def counted(*args: Any) -> Any:
            calls[key] += 1
            return original(*args)

        monkeypatch.setattr(repository, name, counted)

    wrap(uow.members, "get", "members")
    wrap(uow.qualifications, "for_member", "qualifications")
    return calls


def test_readiness_reads_each_member_once_and_only_what_a_rule_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    uow = InMemoryUnitOfWork()
    services.add_entities(uow, world())
    calls = _counting(uow, monkeypatch)
    with uow:
        activities = uow.activities.get_many(["a0", "a1"])
        ready = Readiness(uow, policies.MEILIE_2017)
        for _ in range(5):
            ready.violations("m2", activities["a0"], DAY)  # requires nothing: no qualification read
        assert calls == {"members": 1, "qualifications": 0}
        for _ in range(5):
            assert ready.violations("m2", activities["a1"], DAY) == []
        assert calls == {"members": 1, "qualifications": 1}
        ready.know({"m1": uow.members.get("m1")})
        calls["members"] = 0
        assert [v.code for v in ready.violations("m1", activities["a1"], NEXT)] == [
            "member.uninsured",
            "member.untrained",
        ]
        assert calls == {"members": 0, "qualifications": 2}
        with pytest.raises(NotFound):
            ready.member("m9")


def test_what_readiness_earns_counts_at_once_and_is_stored_on_request() -> None:
    uow = InMemoryUnitOfWork()
    services.add_entities(uow, world())
    with uow:
        training, a1 = uow.activities.get("t1"), uow.activities.get("a1")
        ready = Readiness(uow)
        assert ready.violations("m1", a1, DAY) != []
        attended = ServiceRecord.for_activity(training, id="r1", member_id="m1", minutes=60)
        earned = ready.earn(attended, training)
        assert ready.violations("m1", a1, DAY) == []
        assert uow.qualifications.for_member("m1") == []
        ready.store(earned)
        assert [q.id for q in uow.qualifications.for_member("m1")] == ["r1:急救"]
        # read after storing: counted once
        other = Readiness(uow)
        other.earn(attended, training)
        assert [q.id for q in other.held("m1")] == ["r1:急救"]
