"""Property: any change of a signed field breaks verification; the unsigned ``excluded`` does not."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import attrs
from certificate_support import ID_A, SECRET, ZHANG_A, issue, same_hours
from hypothesis import assume, given
from hypothesis import strategies as st

from volunteer_core import ActivityKind, DateRange
from volunteer_core.certificates import Certificate, ExcludedRecord, ServiceContent, verify_certificate

BASE = {
    algorithm: issue(
        attrs.evolve(ZHANG_A, volunteer_no="35030012345"),
        same_hours("m1"),
        id_number=ID_A,
        organiser_id="b1",
        responsible="李书记",
        handler="王敏",
        contact="0594-2345678",
        algorithm=algorithm,
    )
    for algorithm in ("HMAC-SHA256", "HMAC-SM3")
}
SIGNED_TEXT = (
    "number",
    "member_id",
    "member_name",
    "issuer",
)
SIGNED_OPTIONAL_TEXT = (
    "id_type",
    "id_number_masked",
    "id_fingerprint",
    "volunteer_no",
    "organiser_id",
    "responsible",
    "handler",
    "contact",
)
OTHER_SIGNED = ("period", "total_minutes", "content", "issued_on", "algorithm")
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def _nfc(value: object) -> object:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


@st.composite
def changes(draw: st.DrawFn) -> tuple[Certificate, str, Any]:
    """A certificate, one of its signed fields and a different value for it."""
    cert = BASE[draw(st.sampled_from(sorted(BASE)))]
    field = draw(st.sampled_from([*SIGNED_TEXT, *SIGNED_OPTIONAL_TEXT, *OTHER_SIGNED]))
    value: Any
    if field in SIGNED_TEXT:
        value = draw(st.text(min_size=1))
    elif field in SIGNED_OPTIONAL_TEXT:
        value = draw(st.none() | st.text())
    elif field == "period":
        start = draw(DATES)
        value = DateRange(start, draw(st.dates(min_value=start, max_value=date(2100, 12, 31))))
    elif field == "total_minutes":
        value = draw(st.integers(min_value=-(10**9), max_value=10**9))
    elif field == "content":
        line = st.builds(
            ServiceContent,
            kind=st.sampled_from(list(ActivityKind)),
            minutes=st.integers(min_value=-(10**6), max_value=10**6),
            activities=st.integers(min_value=0, max_value=1000),
        )
        value = tuple(draw(st.lists(line, max_size=4)))
    elif field == "issued_on":
        value = draw(DATES)
    else:
        value = "HMAC-SM3" if cert.algorithm == "HMAC-SHA256" else "HMAC-SHA256"
    # the same text in another Unicode normal form is the same text (the payload is NFC)
    assume(_nfc(value) != _nfc(getattr(cert, field)))
    return cert, field, value


def test_the_property_covers_every_field_but_the_code_and_the_exclusions() -> None:
    names = {field.name for field in attrs.fields(Certificate)}
    assert names - {"verification_code", "excluded"} == {*SIGNED_TEXT, *SIGNED_OPTIONAL_TEXT, *OTHER_SIGNED}


@given(changes())
def test_any_change_of_a_signed_field_breaks_verification(change: tuple[Certificate, str, Any]) -> None:
    cert, field, value = change
    assert verify_certificate(cert, SECRET)
    assert not verify_certificate(attrs.evolve(cert, **{field: value}), SECRET)


EXCLUDED = st.builds(
    ExcludedRecord,
    record_id=st.text(min_size=1),
    activity_id=st.text(min_size=1),
    on=DATES,
    minutes=st.integers(min_value=-1440, max_value=1440),
    reason=st.sampled_from(["other_organiser", "pending", "rejected"]),
    organised_by=st.lists(st.text(min_size=1), max_size=3).map(tuple),
    message_zh=st.text(),
    message_en=st.text(),
)


@given(st.sampled_from(sorted(BASE)), st.lists(EXCLUDED, max_size=3))
def test_the_excluded_list_is_not_signed(algorithm: str, excluded: list[ExcludedRecord]) -> None:
    cert = attrs.evolve(BASE[algorithm], excluded=tuple(excluded))
    assert verify_certificate(cert, SECRET)
    assert cert.render_text() == BASE[algorithm].render_text()
