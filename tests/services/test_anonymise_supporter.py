"""Erasure of a supporter's data with the claims kept: ``services.anonymise_supporter`` (个人信息保护法 Art 47),
on every storage — the name becomes the placeholder, the contact and the credit code are cleared, the id,
the kind, the claims and every total stay."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import attrs
import pytest
from services_support import MakeUow, organ

from volunteer_core import Supporter, Wish, WishStatus, Yuan, forms, services
from volunteer_core.errors import InvalidType, NotFound
from volunteer_core.ports import UnitOfWork
from volunteer_core.services import Erasure, anonymise_supporter, erasure
from volunteer_core.services.erasure import ERASED_NAME_PREFIX, erased_name

ON = date(2026, 12, 1)
CHARITY = Supporter(
    id="s1",
    name="凤山社区慈善会",
    kind="social_organisation",
    contact="13700002222",
    credit_code="91110000600037341L",
)
NEIGHBOUR = Supporter(id="s2", name="林爱心", kind="caring_person", contact="13912344859")
QUIET = Supporter(id="s3", name="陈热心", kind="community_volunteer")


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """The organ with three supporters; w1 (300 yuan) filled by s1 (150) and m1 (150), fulfilled; w2 (a
    service) claimed by s2."""
    unit = organ(make_uow())
    services.add_entities(unit, [CHARITY, NEIGHBOUR, QUIET])
    for wish_id, kind, value in (("w1", "material", "300"), ("w2", "service", None)):
        services.collect_wish(
            unit,
            Wish(
                id=wish_id,
                beneficiary_id="p1",
                kind=kind,
                content="一台电饭煲" if value else "每月陪同就医",
                collected_on=date(2026, 5, 1),
                value=value,
            ),
        )
        services.screen_wish(unit, wish_id, approved=True, on=date(2026, 5, 2))
        services.publish_wish(unit, wish_id, on=date(2026, 5, 3))
    services.claim_wish(unit, "w1", supporter_id="s1", on=date(2026, 5, 4), pledged="150")
    services.claim_wish(unit, "w1", "m1", on=date(2026, 5, 4), pledged="150")
    services.fulfil_wish(unit, "w1", on=date(2026, 6, 1))
    services.claim_wish(unit, "w2", supporter_id="s2", on=date(2026, 5, 5))
    return unit


def supporter(uow: UnitOfWork, supporter_id: str) -> Supporter:
    with uow:
        return uow.supporters.get(supporter_id)


def wishes(uow: UnitOfWork) -> list[Wish]:
    with uow:
        return sorted(uow.wishes.list(), key=lambda w: w.id)


def test_it_is_exported_from_services() -> None:
    assert services.anonymise_supporter is erasure.anonymise_supporter
    assert "anonymise_supporter" in services.__all__


def test_a_supporter_keeps_id_kind_and_claims_and_loses_name_contact_and_credit_code(uow: UnitOfWork) -> None:
    before = wishes(uow)
    done = anonymise_supporter(uow, "s1", on=ON)
    assert done == Erasure(kind="supporter", entity_id="s1", on=ON, fields=("name", "contact", "credit_code"))
    stored = supporter(uow, "s1")
    assert stored == attrs.evolve(
        CHARITY, name=erased_name("s1"), contact=None, credit_code=None, version=CHARITY.version + 1
    )
    assert stored.name.startswith(ERASED_NAME_PREFIX + "-")
    assert "慈善会" not in repr(stored)
    after = wishes(uow)
    assert after == before  # the claims, the amounts, the statuses: untouched
    w1 = after[0]
    assert (w1.status, w1.pledged_total) == (WishStatus.FULFILLED, Yuan(300))
    assert [c.supporter_id for c in w1.claims] == ["s1", None]


def test_only_what_the_supporter_had_is_reported(uow: UnitOfWork) -> None:
    assert anonymise_supporter(uow, "s2", on=ON).fields == ("name", "contact")
    assert anonymise_supporter(uow, "s3", on=ON).fields == ("name",)
    assert supporter(uow, "s2").kind is NEIGHBOUR.kind


def test_erasing_twice_changes_nothing(uow: UnitOfWork) -> None:
    anonymise_supporter(uow, "s2", on=ON)
    once = supporter(uow, "s2")
    again = anonymise_supporter(uow, "s2", on=date(2027, 1, 5))
    assert again == Erasure(kind="supporter", entity_id="s2", on=date(2027, 1, 5), fields=())
    assert supporter(uow, "s2") == once  # not even the version moves


def test_an_unknown_supporter_is_not_found(uow: UnitOfWork) -> None:
    with pytest.raises(NotFound):
        anonymise_supporter(uow, "m1", on=ON)  # a member's id is not a supporter's


@pytest.mark.parametrize("on", [None, "2026-12-01", datetime(2026, 12, 1, 9)])
def test_the_day_must_be_a_date(uow: UnitOfWork, on: object) -> None:
    with pytest.raises(InvalidType) as caught:
        anonymise_supporter(uow, "s1", on=on)  # type: ignore[arg-type]
    assert caught.value.path == "on"
    assert supporter(uow, "s1") == CHARITY  # nothing was changed


def test_the_forms_show_the_placeholder_and_keep_the_claims(uow: UnitOfWork, tmp_path: Path) -> None:
    def claims() -> list[list[str]]:
        path = forms.export("wish_claims", uow, tmp_path / "claims.csv", on=ON, masked=False)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))

    before = claims()
    anonymise_supporter(uow, "s1", on=ON)
    after = claims()
    text = str(after)
    assert "凤山社区慈善会" in str(before)
    assert "凤山社区慈善会" not in text
    assert "13700002222" not in text
    assert erased_name("s1") in text
    assert len(after) == len(before)  # the same claims, one row each
