"""A malformed certificate verifies as False (issue 15): a Certificate whose fields hold what no issued one
holds — read from a damaged file, or forged — never raises anything but InvalidInput, and an unknown
algorithm's name is shown escaped and cut short."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from certificate_support import ID_A, SECRET, ZHANG_A, issue

from volunteer_core import InvalidInput
from volunteer_core.certificates import Certificate, verify_certificate
from volunteer_core.errors import InvalidType

DEEP: Any = "x"
for _ in range(100_000):
    DEEP = [DEEP]

#: What a damaged file or a forger may put in any field.
JUNK: dict[str, Any] = {
    "None": None,
    "0": 0,
    "1.5": 1.5,
    "NaN": float("nan"),
    "True": True,
    "[]": [],
    "{}": {},
    'b""': b"",
    "object()": object(),
    "5,000-digit int": 10**5000,
    "lone surrogate": "\ud800",
    "deep list": DEEP,
    "a date's text": "2026-05-01",
}

SIGNED = [
    "number",
    "member_id",
    "member_name",
    "id_type",
    "id_number_masked",
    "id_fingerprint",
    "volunteer_no",
    "period",
    "total_minutes",
    "content",
    "issuer",
    "organiser_id",
    "responsible",
    "handler",
    "contact",
    "issued_on",
    "verification_code",
]

GENUINE = issue(ZHANG_A, id_number=ID_A, handler="王敏")


def test_the_genuine_certificate_verifies() -> None:
    assert verify_certificate(GENUINE, SECRET, member=ZHANG_A, id_number=ID_A)


def test_every_signed_field_is_tried() -> None:
    assert set(SIGNED) == {f.name for f in attrs.fields(Certificate)} - {"algorithm", "excluded"}


#: Each signed field with each junk value but the one it holds (None in an optional field it left empty).
CASES = [
    pytest.param(field, junk, id=f"{field}={name}")
    for field in SIGNED
    for name, junk in JUNK.items()
    if getattr(GENUINE, field) is not junk
]


def test_the_cases_leave_out_only_the_empty_fields_holding_none() -> None:
    empty = [field for field in SIGNED if getattr(GENUINE, field) is None]
    assert empty == ["volunteer_no", "organiser_id", "responsible", "contact"]
    assert len(CASES) == len(SIGNED) * len(JUNK) - len(empty)


@pytest.mark.parametrize(("field", "junk"), CASES)
def test_a_field_holding_junk_verifies_as_false(field: str, junk: Any) -> None:
    bad = attrs.evolve(GENUINE, **{field: junk})
    assert verify_certificate(bad, SECRET) is False
    assert verify_certificate(bad, SECRET, member=ZHANG_A, id_number=ID_A) is False


@pytest.mark.parametrize("side", ["start", "end"])
@pytest.mark.parametrize(
    "junk", ["2026-01-01", 20260101, 10**5000, DEEP], ids=["text", "int", "huge", "deep"]
)
def test_a_period_whose_dates_are_not_dates_verifies_as_false(side: str, junk: Any) -> None:
    period = attrs.evolve(GENUINE.period)
    object.__setattr__(period, side, junk)
    assert verify_certificate(attrs.evolve(GENUINE, period=period), SECRET) is False


@pytest.mark.parametrize(
    "line",
    [None, ("training", 60, 1), attrs.evolve(GENUINE.content[0], minutes=10**30)],
    ids=["None", "a tuple", "minutes of 31 digits"],
)
def test_a_content_line_that_is_not_service_content_verifies_as_false(line: Any) -> None:
    bad = attrs.evolve(GENUINE, content=(*GENUINE.content, line))
    assert verify_certificate(bad, SECRET) is False


@pytest.mark.parametrize(
    "algorithm",
    [None, 0, b"HMAC-SHA256", ["HMAC-SHA256"], 10**5000, DEEP],
    ids=["None", "0", "bytes", "a list", "5,000-digit int", "deep list"],
)
def test_an_algorithm_that_is_not_text_verifies_as_false(algorithm: Any) -> None:
    assert verify_certificate(attrs.evolve(GENUINE, algorithm=algorithm), SECRET) is False


@pytest.mark.parametrize(
    ("algorithm", "shown"),
    [
        ("\ud800", "\\ud800"),
        ("HMAC-\x1b[2J", "HMAC-\\x1b[2J"),
        ("HMAC-\x85", "HMAC-\\x85"),
        ("H" * 10_000_000, "H" * 40 + "…(10000000 chars)"),
    ],
    ids=["lone surrogate", "ANSI", "C1", "10 MB"],
)
def test_an_unknown_algorithm_is_refused_with_its_name_escaped_and_cut_short(
    algorithm: str, shown: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        verify_certificate(attrs.evolve(GENUINE, algorithm=algorithm), SECRET)
    error = caught.value
    assert (error.path, error.code, error.value) == ("algorithm", "input.invalid", shown)
    text = str(error)
    assert f"“{shown}”" in error.message_zh
    assert f"'{shown}'" in error.message_en
    assert len(text) < 600
    assert "\x1b" not in text
    assert "\x85" not in text
    text.encode("utf-8")


def test_issuing_with_an_algorithm_that_is_not_text_is_a_type_error() -> None:
    with pytest.raises(InvalidType) as caught:
        issue(ZHANG_A, algorithm=256)
    assert (caught.value.path, caught.value.code, caught.value.value) == ("algorithm", "input.type", "int")
    assert "not int" in caught.value.message_en
