"""Issuing and verifying 志愿服务记录证明: :func:`issue_certificate`, :func:`verify_certificate`.

The package docstring (:mod:`volunteer_core.certificates`) says what a certificate states and what its
verification code covers.

>>> from datetime import date
>>> from volunteer_core import DateRange, Member, ServiceRecord
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
>>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
...                   kind="training", on=date(2026, 3, 5), minutes=90)
>>> cert = issue_certificate(m, [r], period=DateRange(date(2026, 1, 1), date(2026, 6, 30)),
...                          issuer="办公室党支部", issued_on=date(2026, 7, 1), secret="a secret of 16+ bytes")
>>> cert.total_minutes, verify_certificate(cert, "a secret of 16+ bytes")
(90, True)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from volunteer_core import privacy
from volunteer_core.calendar.dates import DateRange
from volunteer_core.certificates.text import render_text as _render_text
from volunteer_core.errors import InvalidInput
from volunteer_core.model.activity import ServiceRecord
from volunteer_core.model.enums import ActivityKind, RecordStatus
from volunteer_core.model.people import Member

__all__ = [
    "MIN_SECRET_BYTES",
    "Certificate",
    "ServiceContent",
    "issue_certificate",
    "verify_certificate",
]

#: A secret shorter than this is refused: the HMAC is only as strong as its key.
MIN_SECRET_BYTES = 16
_FORMAT = "volunteer_core.certificate/1"
_KIND_ORDER = {kind: index for index, kind in enumerate(ActivityKind)}
_CODE_BYTES = 16  # 128 bits of the HMAC-SHA256: printed as 32 hex digits


@attrs.frozen(kw_only=True)
class ServiceContent:
    """One line of the service content: an activity kind, its confirmed minutes and activities."""

    kind: ActivityKind
    minutes: int
    activities: int


@attrs.frozen(kw_only=True)
class Certificate:
    """A 志愿服务记录证明. Build it with :func:`issue_certificate`; check it with
    :func:`verify_certificate`. ``id_number_masked`` is None when no ID number was given."""

    number: str
    member_name: str
    id_number_masked: str | None
    period: DateRange
    total_minutes: int
    content: tuple[ServiceContent, ...]
    issuer: str
    issued_on: date
    verification_code: str

    def canonical(self) -> bytes:
        """The canonical serialisation of every field but the code (what the code signs)."""
        return _canonical(_fields(self))

    def render_text(self) -> str:
        """The certificate as plain text in the Chinese layout (for printing or a text export)."""
        return _render_text(self)

    def render_pdf(self, path: str | Path, *, font_path: str | Path | None = None) -> Path:
        """Write the certificate as an A4 PDF (needs the optional extra ``pdf``: reportlab).

        Without ``font_path`` the Chinese text is set in Adobe's standard CJK font STSong-Light, which
        PDF viewers supply (it is *not* embedded: Acrobat, pdf.js and poppler with poppler-data show it).
        ``font_path`` names a TrueType font (``.ttf``, or ``.ttc`` subfont 0) to embed instead.
        """
        from volunteer_core.certificates import pdf

        return pdf.render(self, Path(path), font_path=font_path)


def _fields(cert: Certificate) -> dict[str, Any]:
    return {
        "format": _FORMAT,
        "number": cert.number,
        "member_name": cert.member_name,
        "id_number_masked": cert.id_number_masked,
        "period": [cert.period.start.isoformat(), cert.period.end.isoformat() if cert.period.end else None],
        "total_minutes": cert.total_minutes,
        "content": [[c.kind.value, c.minutes, c.activities] for c in cert.content],
        "issuer": cert.issuer,
        "issued_on": cert.issued_on.isoformat(),
    }


def _canonical(fields: dict[str, Any]) -> bytes:
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return unicodedata.normalize("NFC", text).encode("utf-8")


def _key(secret: bytes | str) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not isinstance(key, bytes) or len(key) < MIN_SECRET_BYTES:
        raise InvalidInput(
            "secret",
            "***",
            message_en=f"the secret must be bytes or text of at least {MIN_SECRET_BYTES} bytes",
            message_zh=f"密钥须为不少于 {MIN_SECRET_BYTES} 字节的字节串或文本",
        )
    return key


def _mac(key: bytes, purpose: bytes, payload: bytes) -> str:
    return hmac.new(key, purpose + b"\x00" + payload, hashlib.sha256).hexdigest().upper()


def _normal_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in "- \u3000")


def _text(path: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            path, value, code="input.required", message_en="must not be blank", message_zh="不能为空"
        )
    return value.strip()


def issue_certificate(
    member: Member,
    records: Iterable[ServiceRecord],
    *,
    period: DateRange,
    issuer: str,
    issued_on: date,
    secret: bytes | str,
    id_number: str | None = None,
    number: str | None = None,
) -> Certificate:
    """Issue the certificate of ``member``'s confirmed service in ``period`` (closed, ended by
    ``issued_on``).

    Args:
        member: the volunteer; records of other members are ignored.
        records: ledger entries (any; only the member's CONFIRMED ones dated in ``period`` count,
            reversals netted).
        period: a closed date range.
        issuer: the recording organisation (出具组织).
        issued_on: the date of issue.
        secret: the issuing system's HMAC key (bytes or text, at least 16 bytes); keep it out of the
            database the certificates are checked against.
        id_number: the member's ID number (GB 11643); printed masked, the full number is not kept.
        number: the certificate's number; by default derived from its content under the secret
            (``VC`` + issue date + 8 hex digits), so the same content always gets the same number.

    Raises:
        InvalidInput: an open or future period, a blank issuer, a bad ID number or secret, or no
            confirmed service in the period.
    """
    key = _key(secret)
    if not isinstance(period, DateRange) or period.end is None:
        raise InvalidInput(
            "period", period, message_en="must be a closed DateRange", message_zh="须为有起止日期的日期区间"
        )
    if type(issued_on) is not date:
        raise InvalidInput(
            "issued_on", issued_on, code="input.type", message_en="must be a date", message_zh="须为日期"
        )
    if period.end > issued_on:
        raise InvalidInput(
            "period",
            str(period),
            message_en=f"the period ends {period.end}, after the issue date {issued_on}",
            message_zh=f"证明期间截至 {period.end}，晚于出具日期 {issued_on}",
        )
    issuer = _text("issuer", issuer)
    masked = None
    if id_number is not None:
        masked = privacy.mask_id_number(privacy.normalize_id_number(id_number))

    minutes: dict[ActivityKind, int] = {}
    per_activity: dict[tuple[ActivityKind, str], int] = {}
    for record in records:
        if (
            record.member_id != member.id
            or record.status is not RecordStatus.CONFIRMED
            or not period.contains(record.on)
        ):
            continue
        minutes[record.kind] = minutes.get(record.kind, 0) + record.minutes
        key_ = (record.kind, record.activity_id)
        per_activity[key_] = per_activity.get(key_, 0) + record.minutes
    content = tuple(
        ServiceContent(
            kind=kind,
            minutes=total,
            activities=sum(1 for (k, _), m in per_activity.items() if k is kind and m > 0),
        )
        for kind, total in sorted(minutes.items(), key=lambda kv: _KIND_ORDER[kv[0]])
        if total != 0
    )
    total_minutes = sum(c.minutes for c in content)
    if total_minutes <= 0:
        raise InvalidInput(
            "records",
            total_minutes,
            message_en=f"{member.name} has no confirmed service in {period}",
            message_zh=f"{member.name} 在 {period} 期间没有已确认的志愿服务时长",
        )
    draft = Certificate(
        number="",
        member_name=member.name,
        id_number_masked=masked,
        period=period,
        total_minutes=total_minutes,
        content=content,
        issuer=issuer,
        issued_on=issued_on,
        verification_code="",
    )
    if number is None:
        number = f"VC{issued_on:%Y%m%d}-{_mac(key, b'number', draft.canonical())[:8]}"
    draft = attrs.evolve(draft, number=_text("number", number))
    code = _mac(key, b"code", draft.canonical())[: _CODE_BYTES * 2]
    return attrs.evolve(draft, verification_code=code)


def verify_certificate(cert: Certificate, secret: bytes | str) -> bool:
    """Whether ``cert``'s verification code matches its content under ``secret`` (constant-time
    comparison; dashes and spaces in a typed-in code are ignored)."""
    if not isinstance(cert, Certificate):
        raise InvalidInput(
            "cert", cert, code="input.type", message_en="must be a Certificate", message_zh="须为证明"
        )
    expected = _mac(_key(secret), b"code", cert.canonical())[: _CODE_BYTES * 2]
    given = _normal_code(cert.verification_code) if isinstance(cert.verification_code, str) else ""
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8"))
