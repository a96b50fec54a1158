"""志愿服务记录证明: certificates of confirmed service hours that a printed copy can be checked against.

Issued and verified in :mod:`volunteer_core.certificates.issue`, laid out as text in
:mod:`volunteer_core.certificates.text` and as a PDF (extra ``pdf``: reportlab) in
:mod:`volunteer_core.certificates.pdf`; every public name is importable from here.

A certificate carries what 民发〔2015〕149号 and the 2020 measures (志愿服务记录与证明出具办法（试行）,
Art 15) ask for: the volunteer's name, ID type and number (masked on its face), national volunteer number
(``Member.volunteer_no``) where known, the period, the total confirmed service time and its content (by
activity kind), the issuing organisation with its 负责人, 经办人 and contact where given, a number and the
date of issue.

It is **bound to the person**: the member's id and a fingerprint of their full ID number (an HMAC under
the issuing secret; the number itself is not kept) are signed, so two members of the same name and hours
never share a number or code, and ``verify_certificate(cert, secret, member=…, id_number=…)`` checks
whom it belongs to. **谁组织谁记录、谁记录谁证明**: with ``organiser_id`` only the records of activities
that organiser ran count; the member's other records in the period (another organiser's, pending,
rejected) are listed in ``Certificate.excluded`` for the issuer — neither printed nor signed.

The ``verification_code`` is an HMAC (``algorithm``: HMAC-SHA256 by default, or HMAC-SM3 of
GB/T 39786-2021), under a secret only the issuing system holds, of a canonical serialisation of every
signed field, the algorithm's name and the format ``volunteer_core.certificate/2`` included: change one
hour, one character of the name, the date or the algorithm and the code no longer matches; without the
secret a matching code cannot be made. A certificate of the first format (before the person binding) is
refused by :func:`verify_certificate` with a message asking to issue it again.

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
>>> [(e.record_id, e.reason) for e in cert.excluded]
[('r2', 'pending')]
>>> import attrs
>>> verify_certificate(attrs.evolve(cert, total_minutes=210), b"0123456789abcdef-secret")
False
"""

from __future__ import annotations

from volunteer_core.certificates.issue import (
    ALGORITHMS,
    DEFAULT_ALGORITHM,
    DEFAULT_ID_TYPE,
    EXCLUSION_REASONS,
    FORMAT,
    MIN_SECRET_BYTES,
    Certificate,
    ExcludedRecord,
    ServiceContent,
    issue_certificate,
    verify_certificate,
)
from volunteer_core.certificates.text import (
    NOTE_ZH,
    body_lines,
    code_line,
    date_zh,
    duration_zh,
    grouped_code,
    holder_zh,
    render_text,
    signatory_lines,
)

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "DEFAULT_ID_TYPE",
    "EXCLUSION_REASONS",
    "FORMAT",
    "MIN_SECRET_BYTES",
    "NOTE_ZH",
    "Certificate",
    "ExcludedRecord",
    "ServiceContent",
    "body_lines",
    "code_line",
    "date_zh",
    "duration_zh",
    "grouped_code",
    "holder_zh",
    "issue_certificate",
    "render_text",
    "signatory_lines",
    "verify_certificate",
]
