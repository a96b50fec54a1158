"""谁组织谁记录、谁记录谁证明: with ``organiser_id`` only that organiser's activities count; the rest is
listed in ``Certificate.excluded`` with the reason."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import cast

import attrs
import pytest
from certificate_support import SECRET, ZHANG_A, issue, rec

from volunteer_core import Activity, InvalidInput
from volunteer_core.certificates import EXCLUSION_REASONS, ExcludedRecord, verify_certificate

RECORDS = [
    rec("r1", branch_id="b1", activity="a1", on=date(2026, 3, 5), minutes=120),
    rec("r2", branch_id="b2", activity="a2", on=date(2026, 4, 5), minutes=90),
    rec("r3", branch_id="b1", activity="a3", on=date(2026, 5, 5), minutes=60, status="pending"),
    rec("r4", branch_id="b1", activity="a4", on=date(2026, 6, 5), minutes=45, status="rejected"),
    rec("r5", branch_id="b2", activity="a5", on=date(2025, 6, 5), minutes=600),  # before the period
    rec("r6", member_id="m2", branch_id="b2", activity="a2", on=date(2026, 4, 5), minutes=90),
]


def test_only_the_organisers_records_count_and_the_others_are_listed() -> None:
    cert = issue(ZHANG_A, RECORDS, organiser_id="b1")
    assert cert.total_minutes == 120
    assert cert.organiser_id == "b1"
    assert [(e.record_id, e.reason) for e in cert.excluded] == [
        ("r2", "other_organiser"),
        ("r3", "pending"),
        ("r4", "rejected"),
    ]
    other = cert.excluded[0]
    assert other == ExcludedRecord(
        record_id="r2",
        activity_id="a2",
        on=date(2026, 4, 5),
        minutes=90,
        reason="other_organiser",
        organised_by=("b2",),
        message_zh="由 b2 组织，不是 b1",
        message_en="organised by b2, not b1",
    )
    assert {e.reason for e in cert.excluded} <= set(EXCLUSION_REASONS)
    assert all(e.message_zh and e.message_en for e in cert.excluded)


def test_without_an_organiser_every_confirmed_record_counts() -> None:
    cert = issue(ZHANG_A, RECORDS)
    assert cert.total_minutes == 120 + 90
    assert cert.organiser_id is None
    assert [(e.record_id, e.reason) for e in cert.excluded] == [("r3", "pending"), ("r4", "rejected")]


def test_each_organiser_certifies_its_own_hours_under_its_own_number() -> None:
    b1 = issue(ZHANG_A, RECORDS, organiser_id="b1", issuer="办公室党支部")
    b2 = issue(ZHANG_A, RECORDS, organiser_id="b2", issuer="财务党支部")
    assert (b1.total_minutes, b2.total_minutes) == (120, 90)
    assert b1.number != b2.number
    # b1's pending and rejected records are b1's business: for b2 the organiser reason comes first
    assert [(e.record_id, e.reason) for e in b2.excluded] == [
        ("r1", "other_organiser"),
        ("r3", "other_organiser"),
        ("r4", "other_organiser"),
    ]


def test_a_reversal_follows_its_originals_organiser() -> None:
    reversal = RECORDS[1].reversal(id="rv", recorded_on=date(2026, 5, 1))
    cert = issue(ZHANG_A, [*RECORDS, reversal], organiser_id="b1")
    assert cert.total_minutes == 120
    assert [(e.record_id, e.minutes) for e in cert.excluded if e.reason == "other_organiser"] == [
        ("r2", 90),
        ("rv", -90),
    ]


def test_the_activity_names_its_organisers_when_given() -> None:
    activities = {
        "a1": Activity(id="a1", kind="community_service", branch_id="b2", on=date(2026, 3, 5), title="清洁"),
    }
    # the record says b1 but its activity (what the organiser ran) says b2
    cert = issue(ZHANG_A, RECORDS, organiser_id="b2", activities=activities)
    assert cert.total_minutes == 120 + 90
    assert [e.record_id for e in cert.excluded] == ["r3", "r4"]  # b1's own (the record's branch)
    # an activity missing from the mapping falls back to the record's branch
    own = rec("r7", activity="a7", on=date(2026, 7, 1), minutes=30)
    cert_b1 = issue(ZHANG_A, [*RECORDS, own], organiser_id="b1", activities=activities)
    assert cert_b1.total_minutes == 30
    assert [e.record_id for e in cert_b1.excluded if e.reason == "other_organiser"] == ["r1", "r2"]
    assert cert_b1.excluded[0].organised_by == ("b2",)


def test_a_co_organised_activity_counts_for_each_of_its_organisers() -> None:
    co = cast(Activity, SimpleNamespace(id="a2", branch_id="b2", branch_ids=("b1", "b3")))
    for organiser in ("b1", "b2", "b3"):
        cert = issue(ZHANG_A, RECORDS[:2], organiser_id=organiser, activities={"a2": co})
        assert cert.total_minutes == (210 if organiser == "b1" else 90), organiser
    excluded = issue(ZHANG_A, RECORDS[:2], organiser_id="b2", activities={"a2": co}).excluded
    assert excluded[0].message_en == "organised by b1, not b2"
    cert = issue(ZHANG_A, RECORDS[:2], organiser_id="b3", activities={"a2": co})
    assert cert.excluded[0].record_id == "r1"


def test_no_service_by_that_organiser_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as caught:
        issue(ZHANG_A, RECORDS, organiser_id="b9")
    assert caught.value.path == "records"
    assert "b9" in caught.value.message_en
    assert "b9" in caught.value.message_zh
    with pytest.raises(InvalidInput) as caught:
        issue(ZHANG_A, RECORDS, organiser_id="  ")
    assert caught.value.path == "organiser_id"


def test_the_organiser_is_signed_and_the_exclusions_are_not() -> None:
    cert = issue(ZHANG_A, RECORDS, organiser_id="b1")
    assert verify_certificate(cert, SECRET)
    assert not verify_certificate(attrs.evolve(cert, organiser_id="b2"), SECRET)
    assert not verify_certificate(attrs.evolve(cert, organiser_id=None), SECRET)
    # the issuer's own list is not part of the certificate's face or signature
    assert verify_certificate(attrs.evolve(cert, excluded=()), SECRET)
    assert "r2" not in cert.render_text()
    assert "b2" not in cert.render_text()
