"""A certificate is bound to its person: the member's id and a fingerprint of their ID number are signed."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from datetime import date

import attrs
import pytest
from certificate_support import ID_A, ID_B, SECRET, ZHANG_A, ZHANG_B, issue, same_hours

from volunteer_core import InvalidInput, Member
from volunteer_core.certificates import Certificate, verify_certificate


def test_two_members_of_the_same_name_and_hours_never_share_a_number_or_code() -> None:
    a, b = issue(ZHANG_A), issue(ZHANG_B)
    assert (a.member_name, a.total_minutes, a.content) == (b.member_name, b.total_minutes, b.content)
    assert a.number != b.number
    assert a.verification_code != b.verification_code
    assert (a.member_id, b.member_id) == ("m1", "m2")
    # the same members with the same ID type but different numbers
    a_id, b_id = issue(ZHANG_A, id_number=ID_A), issue(ZHANG_B, id_number=ID_B)
    assert a_id.number != b_id.number
    assert a_id.verification_code != b_id.verification_code


def test_a_certificate_of_one_zhang_wei_does_not_verify_with_the_others_data() -> None:
    cert = issue(ZHANG_A, id_number=ID_A)
    assert verify_certificate(cert, SECRET, member=ZHANG_A, id_number=ID_A)
    assert verify_certificate(cert, SECRET, member=ZHANG_A)
    assert verify_certificate(cert, SECRET, id_number=ID_A)
    assert not verify_certificate(cert, SECRET, member=ZHANG_B)
    assert not verify_certificate(cert, SECRET, id_number=ID_B)
    assert not verify_certificate(cert, SECRET, member=ZHANG_A, id_number=ID_B)
    assert not verify_certificate(cert, SECRET, member=ZHANG_B, id_number=ID_A)
    # relabelling it as the other's fails the code itself
    assert not verify_certificate(attrs.evolve(cert, member_id="m2"), SECRET, member=ZHANG_B)


def test_the_id_number_is_read_as_written_on_a_form() -> None:
    cert = issue(ZHANG_A, id_number=ID_A)
    assert verify_certificate(cert, SECRET, id_number="110105 19491231 002x")
    with pytest.raises(InvalidInput) as caught:
        verify_certificate(cert, SECRET, id_number="110105194912310021")  # bad check digit
    assert caught.value.path == "id_number"


def test_a_certificate_issued_without_an_id_number_never_verifies_against_one() -> None:
    cert = issue(ZHANG_A)
    assert (cert.id_type, cert.id_number_masked, cert.id_fingerprint) == (None, None, None)
    assert verify_certificate(cert, SECRET)
    assert not verify_certificate(cert, SECRET, id_number=ID_A)


def test_the_fingerprint_is_keyed_and_not_the_number() -> None:
    cert = issue(ZHANG_A, id_number=ID_A)
    assert cert.id_fingerprint is not None
    assert len(cert.id_fingerprint) == 32
    assert ID_A not in repr(cert)
    assert ID_A[6:14] not in cert.canonical().decode()
    assert hashlib.sha256(ID_A.encode()).hexdigest().upper()[:32] != cert.id_fingerprint
    other_secret = issue(ZHANG_A, id_number=ID_A, secret=b"another secret of the system")
    assert other_secret.id_fingerprint != cert.id_fingerprint


def test_other_id_documents_are_bound_by_their_type_and_number() -> None:
    passport = issue(ZHANG_A, id_number="e 1234 5678", id_type="护照")
    assert (passport.id_type, passport.id_number_masked) == ("护照", "*********")
    assert verify_certificate(passport, SECRET, id_number="E12345678")
    assert not verify_certificate(passport, SECRET, id_number="E12345679")
    # the same characters as another document type give another fingerprint
    permit = issue(ZHANG_A, id_number="E12345678", id_type="港澳居民来往内地通行证")
    assert permit.id_fingerprint != passport.id_fingerprint
    with pytest.raises(InvalidInput) as caught:
        issue(ZHANG_A, id_number="  ", id_type="护照")
    assert caught.value.path == "id_number"
    with pytest.raises(InvalidInput) as caught:
        issue(ZHANG_A, id_number=ID_A, id_type=" ")
    assert caught.value.path == "id_type"


def test_a_member_that_is_not_a_member_is_refused() -> None:
    cert = issue(ZHANG_A)
    with pytest.raises(InvalidInput) as caught:
        verify_certificate(cert, SECRET, member="m1")  # type: ignore[arg-type]
    assert caught.value.path == "member"


def _v1_code(cert: Certificate) -> str:
    """The code of the first format, as the previous release computed it."""
    fields = {
        "format": "volunteer_core.certificate/1",
        "number": cert.number,
        "member_name": cert.member_name,
        "id_number_masked": cert.id_number_masked,
        "period": [cert.period.start.isoformat(), cert.period.end.isoformat() if cert.period.end else None],
        "total_minutes": cert.total_minutes,
        "content": [[c.kind.value, c.minutes, c.activities] for c in cert.content],
        "issuer": cert.issuer,
        "issued_on": cert.issued_on.isoformat(),
    }
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    payload = unicodedata.normalize("NFC", text).encode("utf-8")
    return hmac.new(SECRET, b"code\x00" + payload, hashlib.sha256).hexdigest().upper()[:32]


def test_a_genuine_certificate_of_the_first_format_is_refused_clearly() -> None:
    old = issue(ZHANG_A)
    old = attrs.evolve(old, verification_code=_v1_code(old))
    with pytest.raises(InvalidInput) as caught:
        verify_certificate(old, SECRET)
    assert caught.value.path == "verification_code"
    assert "volunteer_core.certificate/1" in caught.value.message_en
    assert "重新出具" in caught.value.message_zh
    # a forged first-format code is simply false
    assert not verify_certificate(attrs.evolve(old, verification_code="0" * 32), SECRET)


def test_the_volunteer_number_is_signed() -> None:
    member = attrs.evolve(ZHANG_A, volunteer_no="35030012345")
    cert = issue(member, same_hours(member.id))
    assert cert.volunteer_no == "35030012345"
    assert verify_certificate(cert, SECRET, member=member)
    assert not verify_certificate(attrs.evolve(cert, volunteer_no="35030012346"), SECRET)
    assert issue(ZHANG_A).number != cert.number


def test_the_signed_member_binding_survives_a_renamed_member() -> None:
    """The member check is by id: a later change of name does not orphan their certificates."""
    cert = issue(ZHANG_A)
    renamed = Member(id="m1", name="张伟明", branch_id="b1", joined_on=date(2015, 1, 1))
    assert verify_certificate(cert, SECRET, member=renamed)
