"""``services.refer_wish`` refuses a referral dated before the wish's latest claim event (a claim withdrawn
after the date asked), on every storage, and stores nothing then; on the day of the withdrawal it refers."""

from __future__ import annotations

from datetime import date

import pytest
from services_support import MakeUow, organ

from volunteer_core import RuleViolation, Supporter, Wish, WishStatus, services

D = date
DEPARTMENT = "城厢区民政局"
WHY = "党员力所不及"


def test_refer_wish_refuses_a_date_before_a_withdrawn_claim_on_every_storage(make_uow: MakeUow) -> None:
    uow = organ(make_uow())
    services.add_entities(uow, [Supporter(id="s1", name="林爱心", kind="caring_person")])
    services.collect_wish(
        uow,
        Wish(
            id="w1",
            beneficiary_id="p1",
            kind="material",
            content="电饭煲",
            collected_on=D(2026, 5, 1),
            value="300",
        ),
    )
    services.screen_wish(uow, "w1", approved=True, on=D(2026, 5, 2))
    services.publish_wish(uow, "w1", on=D(2026, 5, 3))
    services.claim_wish(uow, "w1", supporter_id="s1", on=D(2026, 5, 10), pledged="100")
    services.withdraw_claim(uow, "w1", supporter_id="s1", on=D(2026, 5, 12))
    with pytest.raises(RuleViolation) as caught:
        services.refer_wish(uow, "w1", to=DEPARTMENT, on=D(2026, 5, 5), reason=WHY)
    assert caught.value.code == "wish.transition"
    with uow:
        assert uow.wishes.get("w1").status is WishStatus.PUBLISHED
    done = services.refer_wish(uow, "w1", to=DEPARTMENT, on=D(2026, 5, 12), reason=WHY)
    with uow:
        assert uow.wishes.get("w1") == done
    assert (done.status, done.referred_on) == (WishStatus.REFERRED, D(2026, 5, 12))
