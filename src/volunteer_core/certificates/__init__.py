"""志愿服务记录证明: certificates of confirmed service hours that a printed copy can be checked against.

Issued and verified in :mod:`volunteer_core.certificates.issue`, laid out as text in
:mod:`volunteer_core.certificates.text` and as a PDF (extra ``pdf``: reportlab) in
:mod:`volunteer_core.certificates.pdf`; every public name is importable from here.

A certificate (志愿服务记录与证明出具办法（试行）, 2020, Art 14–15) states the volunteer's name, the
ID number partly hidden, the total confirmed service time in a period, the service content (here: by
activity kind), the organisation that recorded it, a number and the date of issue. The
``verification_code`` is an HMAC-SHA256, under a secret only the issuing system holds, of a canonical
serialisation of every other field: change one hour, one character of the name or the date and the code no
longer matches; without the secret a matching code cannot be made.

Only CONFIRMED minutes dated in the period count (``record.status``); a reversal carries its original's
date and cancels it; an adjustment counts on its own date.

>>> from datetime import date
>>> from volunteer_core import DateRange, Member, ServiceRecord
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
>>> rs = [ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
...                     kind="community_service", on=date(2026, 3, 5), minutes=150),
...       ServiceRecord(id="r2", member_id="m1", activity_id="a2", branch_id="b1",
...                     kind="community_service", on=date(2026, 4, 2), minutes=60, status="pending")]
>>> cert = issue_certificate(m, rs, period=DateRange(date(2026, 1, 1), date(2026, 12, 31)),
...                          issuer="办公室党支部", issued_on=date(2027, 1, 5), secret=b"0123456789abcdef-secret")
>>> cert.total_minutes, verify_certificate(cert, b"0123456789abcdef-secret")
(150, True)
>>> import attrs
>>> verify_certificate(attrs.evolve(cert, total_minutes=210), b"0123456789abcdef-secret")
False
"""

from __future__ import annotations

from volunteer_core.certificates.issue import (
    MIN_SECRET_BYTES,
    Certificate,
    ServiceContent,
    issue_certificate,
    verify_certificate,
)
from volunteer_core.certificates.text import (
    NOTE_ZH,
    body_lines,
    date_zh,
    duration_zh,
    grouped_code,
    render_text,
)

__all__ = [
    "MIN_SECRET_BYTES",
    "NOTE_ZH",
    "Certificate",
    "ServiceContent",
    "body_lines",
    "date_zh",
    "duration_zh",
    "grouped_code",
    "issue_certificate",
    "render_text",
    "verify_certificate",
]
