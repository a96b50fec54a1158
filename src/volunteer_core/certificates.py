"""志愿服务记录证明: certificates of confirmed service hours that a printed copy can be checked against.

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
from volunteer_core.dates import DateRange
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
        from volunteer_core import _certificate_pdf

        return _certificate_pdf.render(self, Path(path), font_path=font_path)


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


# -- rendering ---------------------------------------------------------------------------------------


def duration_zh(minutes: int) -> str:
    """Minutes as ``X小时Y分钟`` (exact; no rounding).

    >>> duration_zh(1470), duration_zh(120), duration_zh(45)
    ('24小时30分钟', '2小时', '45分钟')
    """
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}分钟"
    return f"{hours}小时{rest}分钟" if rest else f"{hours}小时"


def date_zh(day: date) -> str:
    """``2026年1月5日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def grouped_code(code: str) -> str:
    """The code in groups of four for reading aloud and typing back: ``1A2B-3C4D-…``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, *, right: bool = False, centre: bool = False) -> str:
    fill = max(0, width - _width(text))
    if centre:
        return " " * (fill // 2) + text
    return " " * fill + text if right else text + " " * fill


def body_lines(cert: Certificate) -> tuple[str, str]:
    """The two sentences of the body (shared by the text and PDF renderings)."""
    who = cert.member_name + (f"（身份证号码：{cert.id_number_masked}）" if cert.id_number_masked else "")
    assert cert.period.end is not None
    first = (
        f"兹证明 {who} 于 {date_zh(cert.period.start)} 至 {date_zh(cert.period.end)} 期间参加志愿服务，"
        f"经 {cert.issuer} 记录并确认的志愿服务时长累计 {duration_zh(cert.total_minutes)}。"
    )
    return first, "特此证明。"


NOTE_ZH = (
    "本证明依据《志愿服务记录与证明出具办法（试行）》出具，服务时长为经确认的实际服务时间，不含往返交通时间；"
    "可凭编号和验证码向出具组织核验。"
)


def _wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` display columns (CJK characters take two)."""
    lines: list[str] = []
    current = ""
    for char in text:
        if _width(current + char) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current] if current else lines


def _render_text(cert: Certificate) -> str:
    width = 72
    first, closing = body_lines(cert)
    lines = [
        _pad("志愿服务记录证明", width, centre=True),
        "",
        _pad(f"编号：{cert.number}", width, right=True),
        "",
        *_wrap(first, width),
        "",
        "服务内容：",
        "  "
        + _pad("序号", 6)
        + _pad("服务类别", 30)
        + _pad("活动次数", 10, right=True)
        + _pad("服务时长", 18, right=True),
    ]
    for index, line in enumerate(cert.content, 1):
        lines.append(
            "  "
            + _pad(str(index), 6)
            + _pad(line.kind.label_zh, 30)
            + _pad(str(line.activities), 10, right=True)
            + _pad(duration_zh(line.minutes), 18, right=True)
        )
    lines += [
        "  " + _pad("合计", 36) + _pad("", 10) + _pad(duration_zh(cert.total_minutes), 18, right=True),
        "",
        closing,
        "",
        _pad(f"出具组织：{cert.issuer}（盖章）", width, right=True),
        _pad(f"出具日期：{date_zh(cert.issued_on)}", width, right=True),
        "",
        f"验证码：{grouped_code(cert.verification_code)}",
        *_wrap(NOTE_ZH, width),
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
