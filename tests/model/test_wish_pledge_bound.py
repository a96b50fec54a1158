"""A CLAIMED (or FULFILLED) wish whose live pledges exceed its value cannot be constructed, by the constructor,
by ``attrs.evolve`` or by ``structure()`` (issue 15 "Smaller": such a wish was accepted and failed in storage)."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from volunteer_core import Claim, InvalidInput, Wish, WishStatus, Yuan
from volunteer_core.serialization import from_json, structure, to_json, unstructure

D = date(2026, 5, 1)


def claimed(*pledges: str | None, status: str = "claimed", withdrawn: int = -1, **changes: Any) -> Wish:
    claims = tuple(
        Claim(
            member_id=f"m{index}",
            claimed_on=date(2026, 5, 2),
            pledged=pledge,
            withdrawn_on=date(2026, 5, 3) if index == withdrawn else None,
        )
        for index, pledge in enumerate(pledges)
    )
    fields: dict[str, Any] = {
        "id": "w1",
        "beneficiary_id": "p1",
        "kind": "material",
        "content": "书包",
        "collected_on": D,
        "value": "300",
        "status": status,
        "screened_on": D,
        "published_on": D,
        "claims": claims,
    }
    if status == "fulfilled":
        fields["fulfilled_on"] = date(2026, 5, 4)
    return Wish(**{**fields, **changes})


def test_pledges_up_to_the_value_are_fine() -> None:
    wish = claimed("200", "100")
    assert wish.pledged_total == Yuan(300)


@pytest.mark.parametrize("status", ["claimed", "fulfilled"])
def test_one_fen_over_the_value_is_refused(status: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        claimed("200", "100.01", status=status)
    error = caught.value
    assert (error.path, error.code, error.value) == ("claims", "wish.claim_total", "300.01")
    assert "300.01" in error.message_en
    assert "300.00" in error.message_en
    assert "超过心愿价值" in error.message_zh


def test_withdrawn_pledges_do_not_count() -> None:
    assert claimed("300", "300", withdrawn=0).pledged_total == Yuan(300)


def test_evolve_cannot_over_pledge_a_claimed_wish() -> None:
    wish = claimed("300")
    extra = Claim(member_id="m9", claimed_on=date(2026, 5, 2), pledged="0.01")
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(wish, claims=(*wish.claims, extra))
    assert caught.value.code == "wish.claim_total"


def test_structure_and_from_json_refuse_it_too() -> None:
    data = unstructure(claimed("300"))
    data["claims"].append({"member_id": "m9", "claimed_on": "2026-05-02", "pledged": "100"})
    with pytest.raises(InvalidInput) as caught:
        structure(data, Wish)
    assert (caught.value.path, caught.value.code) == ("claims", "wish.claim_total")
    text = to_json(claimed("300")).replace('"pledged":"300.00"', '"pledged":"1000000000000.00"')
    with pytest.raises(InvalidInput) as caught:
        from_json(Wish, text)
    assert caught.value.code == "wish.claim_total"


def test_a_huge_pledge_cannot_overflow_the_check() -> None:
    pledges = ["1000000000000"] * 3
    with pytest.raises(InvalidInput) as caught:
        claimed(*pledges, value="1000000000000")
    assert caught.value.value == "3000000000000.00"


def test_the_transitions_never_reach_it() -> None:
    published = claimed(status="published")
    wish = published.claim("m1", date(2026, 5, 2), pledged="300")
    assert wish.status is WishStatus.CLAIMED
    assert wish.fulfil(date(2026, 5, 4)).status is WishStatus.FULFILLED
