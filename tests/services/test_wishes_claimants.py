"""``claim_wish`` / ``withdraw_claim`` by supporters, and ``refer_wish`` / ``resolve_referral``, end to end on
every storage (memory, SQLite, PostgreSQL); many members and supporters claiming one wish at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from services_support import MakeUow, organ

from volunteer_core import Member, Supporter, Wish, Yuan, services
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation
from volunteer_core.model import WishStatus
from volunteer_core.ports import UnitOfWork

DEPARTMENT = "城厢区民政局"


def _supporters(count: int = 2) -> list[Supporter]:
    kinds = ("caring_person", "community_volunteer", "social_organisation")
    return [
        Supporter(id=f"s{i}", name=f"爱心人士{i}", kind=kinds[i % 3], contact="13912344859")
        for i in range(1, count + 1)
    ]


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """The organ of :func:`services_support.organ` with supporters s1, s2, on every storage."""
    unit = organ(make_uow())
    services.add_entities(unit, _supporters())
    return unit


def _published(uow: UnitOfWork, value: str | None = "300.00", wish_id: str = "w1") -> Wish:
    services.collect_wish(
        uow,
        Wish(
            id=wish_id,
            beneficiary_id="p1",
            kind="material" if value is not None else "service",
            content="一台电饭煲",
            collected_on=date(2026, 5, 1),
            value=value,
        ),
    )
    services.screen_wish(uow, wish_id, approved=True, on=date(2026, 5, 2))
    return services.publish_wish(uow, wish_id, on=date(2026, 5, 3))


def test_a_supporter_and_a_member_fill_a_300_yuan_wish(uow: UnitOfWork) -> None:
    _published(uow)
    first = services.claim_wish(uow, "w1", supporter_id="s1", on=date(2026, 5, 4), pledged="150")
    second = services.claim_wish(uow, "w1", "m1", on=date(2026, 5, 4), pledged="150")
    assert (first.remaining, second.remaining, second.status) == (Yuan(150), Yuan(0), WishStatus.CLAIMED)
    with pytest.raises(RuleViolation) as caught:
        services.claim_wish(uow, "w1", "m2", on=date(2026, 5, 5), pledged="0.01")
    assert caught.value.code == "wish.claim_total"
    with pytest.raises(RuleViolation) as caught:
        services.claim_wish(uow, "w1", supporter_id="s2", on=date(2026, 5, 5))
    assert caught.value.code == "wish.claim_total"
    with uow:
        stored = uow.wishes.get("w1")
    assert stored == second
    assert [(c.member_id, c.supporter_id, c.pledged) for c in stored.claims] == [
        (None, "s1", Yuan(150)),
        ("m1", None, Yuan(150)),
    ]
    fulfilled = services.fulfil_wish(uow, "w1", on=date(2026, 5, 20))
    assert fulfilled.status is WishStatus.FULFILLED
    assert all(c.fulfilled_on == date(2026, 5, 20) for c in fulfilled.claims)


def test_a_supporter_withdraws_and_claims_again(uow: UnitOfWork) -> None:
    _published(uow, None, "w2")
    services.claim_wish(uow, "w2", supporter_id="s1", on=date(2026, 5, 4))
    with pytest.raises(RuleViolation) as caught:
        services.claim_wish(uow, "w2", supporter_id="s1", on=date(2026, 5, 4))
    assert caught.value.code == "wish.claim_total"
    both = services.claim_wish(uow, "w2", "m1", on=date(2026, 5, 4))
    assert [c.claimant for c in both.live_claims] == [("supporter", "s1"), ("member", "m1")]
    with pytest.raises(RuleViolation) as caught:
        services.withdraw_claim(uow, "w2", supporter_id="s2", on=date(2026, 5, 5))
    assert caught.value.code == "wish.transition"
    after = services.withdraw_claim(uow, "w2", supporter_id="s1", on=date(2026, 5, 5))
    assert [c.claimant for c in after.live_claims] == [("member", "m1")]
    again = services.claim_wish(uow, "w2", supporter_id="s1", on=date(2026, 5, 6))
    with uow:
        assert uow.wishes.get("w2") == again
    assert len(again.claims) == 3


def test_an_unknown_supporter_or_member_is_not_found_and_nothing_changes(uow: UnitOfWork) -> None:
    before = _published(uow)
    with pytest.raises(NotFound):
        services.claim_wish(uow, "w1", supporter_id="s9", on=date(2026, 5, 4))
    with pytest.raises(NotFound):
        services.claim_wish(uow, "w1", supporter_id="m1", on=date(2026, 5, 4))  # a member's id
    with pytest.raises(NotFound):
        services.claim_wish(uow, "w1", "s1", on=date(2026, 5, 4))  # a supporter's id
    with pytest.raises(InvalidInput) as caught:
        services.claim_wish(uow, "w1", "m1", supporter_id="s1", on=date(2026, 5, 4))
    assert caught.value.path == "supporter_id"
    with pytest.raises(InvalidInput) as caught:
        services.claim_wish(uow, "w1", on=date(2026, 5, 4))
    assert caught.value.path == "member_id"
    with uow:
        assert uow.wishes.get("w1") == before


def test_referral_end_to_end(uow: UnitOfWork) -> None:
    services.collect_wish(
        uow,
        Wish(
            id="w3",
            beneficiary_id="p1",
            kind="material",
            content="一台电动轮椅",
            collected_on=date(2026, 5, 1),
            value="2800",
        ),
    )
    with pytest.raises(RuleViolation) as caught:
        services.screen_wish(uow, "w3", approved=True, on=date(2026, 5, 2))
    assert caught.value.code == "wish.value_cap"
    with pytest.raises(RuleViolation) as caught:
        services.refer_wish(uow, "w3", to=" ", on=date(2026, 5, 2), reason="超过300元")
    assert caught.value.code == "wish.transition"
    referred = services.refer_wish(uow, "w3", to=DEPARTMENT, on=date(2026, 5, 2), reason="超过300元")
    assert (referred.status, referred.referred_to, referred.referred_on, referred.version) == (
        WishStatus.REFERRED,
        DEPARTMENT,
        date(2026, 5, 2),
        1,
    )
    with uow:
        assert uow.wishes.get("w3") == referred
        assert uow.wishes.with_status(WishStatus.REFERRED) == [referred]
    moves: list[Callable[[], object]] = [
        lambda: services.cancel_wish(uow, "w3", on=date(2026, 5, 3), reason="x"),
        lambda: services.claim_wish(uow, "w3", "m1", on=date(2026, 5, 3)),
        lambda: services.resolve_referral(uow, "w3", on=date(2026, 5, 1), fulfilled=True),
        lambda: services.resolve_referral(uow, "w3", on=date(2026, 5, 3), fulfilled=False),
    ]
    for move in moves:
        with pytest.raises(RuleViolation) as caught:
            move()
        assert caught.value.code == "wish.transition"
    closed = services.resolve_referral(
        uow, "w3", on=date(2026, 6, 1), fulfilled=False, outcome="不符合救助条件"
    )
    assert (closed.status, closed.cancelled_on, closed.referral_outcome, closed.version) == (
        WishStatus.CANCELLED,
        date(2026, 6, 1),
        "不符合救助条件",
        2,
    )
    with uow:
        assert uow.wishes.get("w3") == closed
    with pytest.raises(RuleViolation) as caught:
        services.resolve_referral(uow, "w3", on=date(2026, 6, 2), fulfilled=True)
    assert caught.value.code == "wish.transition"


def test_a_published_wish_is_referred_and_fulfilled_by_the_department(uow: UnitOfWork) -> None:
    _published(uow)
    services.claim_wish(uow, "w1", supporter_id="s1", on=date(2026, 5, 4), pledged="100")
    with pytest.raises(RuleViolation) as caught:  # CLAIMED: withdraw first
        services.refer_wish(uow, "w1", to=DEPARTMENT, on=date(2026, 5, 5), reason="需政策支持")
    assert caught.value.code == "wish.transition"
    services.withdraw_claim(uow, "w1", supporter_id="s1", on=date(2026, 5, 5))
    services.refer_wish(uow, "w1", to=DEPARTMENT, on=date(2026, 5, 5), reason="需政策支持")
    done = services.resolve_referral(uow, "w1", on=date(2026, 5, 30), fulfilled=True, outcome="已配发")
    with uow:
        stored = uow.wishes.get("w1")
    assert stored == done
    assert (stored.status, stored.fulfilled_on, stored.referral_outcome, stored.published_on) == (
        WishStatus.FULFILLED,
        date(2026, 5, 30),
        "已配发",
        date(2026, 5, 3),
    )
    with pytest.raises(NotFound):
        services.refer_wish(uow, "w9", to=DEPARTMENT, on=date(2026, 5, 5), reason="x")


# -- many claimants at once ---------------------------------------------------------------------------

CLAIMANTS = 16


def _claim(uow: UnitOfWork, claimant: tuple[str, str]) -> str:
    """Claim 100 yuan of w1; the outcome: "ok", "conflict" or the rule code."""
    kind, ident = claimant
    try:
        if kind == "member":
            services.claim_wish(uow, "w1", ident, on=date(2026, 5, 4), pledged="100", retries=100)
        else:
            services.claim_wish(
                uow, "w1", supporter_id=ident, on=date(2026, 5, 4), pledged="100", retries=100
            )
    except ConcurrencyConflict:
        return "conflict"
    except RuleViolation as err:
        return err.code
    return "ok"


def test_sixteen_members_and_supporters_claim_one_wish_at_once(make_uow: MakeUow) -> None:
    """Eight members and eight supporters — two of them sharing an id string — each claim 100 yuan of a
    300-yuan wish in its own thread: exactly three claims land, whoever they are."""
    unit = organ(make_uow())
    services.add_entities(
        unit,
        [
            *(
                Member(id=f"m{i}", name=f"党员{i}", branch_id="b1", joined_on=date(2020, 1, 1))
                for i in range(4, 9)
            ),
            *_supporters(7),
            Supporter(id="m1", name="同号的爱心人士", kind="caring_person"),
        ],
    )
    _published(unit)
    claimants = [("member", f"m{i}") for i in range(1, 9)]  # m1–m3 are the organ's
    claimants += [("supporter", f"s{i}") for i in range(1, 8)] + [("supporter", "m1")]
    assert len(claimants) == CLAIMANTS
    outcomes: dict[tuple[str, str], str] = {}
    gate = threading.Barrier(len(claimants))

    def run(claimant: tuple[str, str]) -> None:
        mine = make_uow()
        gate.wait(timeout=60)
        outcomes[claimant] = _claim(mine, claimant)

    threads = [threading.Thread(target=run, args=(c,)) for c in claimants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == len(claimants), "a claimant did not finish"
    assert list(outcomes.values()).count("ok") == 3, outcomes
    assert set(outcomes.values()) <= {"ok", "wish.claim_total"}, outcomes
    with make_uow() as reader:
        wish = reader.wishes.get("w1")
    assert wish.pledged_total == Yuan(300)
    assert {c.claimant for c in wish.live_claims} == {c for c, o in outcomes.items() if o == "ok"}
    assert wish.version == 2 + 3
