"""Issuing and verifying 志愿服务记录证明: :func:`issue_certificate`, :func:`verify_certificate`.

The package docstring (:mod:`volunteer_core.certificates`) says what a certificate states, whom it is
bound to and what its verification code covers.

>>> from datetime import date
>>> from volunteer_core import DateRange, Member, ServiceRecord
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
>>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
...                   kind="training", on=date(2026, 3, 5), minutes=90)
>>> cert = issue_certificate(m, [r], period=DateRange(date(2026, 1, 1), date(2026, 6, 30)),
...                          issuer="办公室党支部", issued_on=date(2026, 7, 1), secret="a secret of 16+ bytes")
>>> cert.total_minutes, verify_certificate(cert, "a secret of 16+ bytes", member=m)
(90, True)
"""

from __future__ import annotations

import hmac
import json
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from volunteer_core import privacy
from volunteer_core.calendar.dates import DateRange
from volunteer_core.certificates._select import (
    EXCLUSION_REASONS,
    ExcludedRecord,
    ServiceContent,
    select_records,
)
from volunteer_core.certificates._signing import ALGORITHMS, DEFAULT_ALGORITHM, check_algorithm, mac
from volunteer_core.certificates.text import render_text as _render_text
from volunteer_core.errors import InvalidInput
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.enums import ActivityKind
from volunteer_core.model.people import Member

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "DEFAULT_ID_TYPE",
    "EXCLUSION_REASONS",
    "FORMAT",
    "MIN_SECRET_BYTES",
    "Certificate",
    "ExcludedRecord",
    "ServiceContent",
    "issue_certificate",
    "verify_certificate",
]

#: A secret shorter than this is refused: the HMAC is only as strong as its key.
MIN_SECRET_BYTES = 16
#: The payload format the verification code signs (``/1``: before the person binding; see verify).
FORMAT = "volunteer_core.certificate/2"
_FORMAT_V1 = "volunteer_core.certificate/1"
#: The ID type printed when none is given (居民身份证, GB 11643 numbers, checked).
DEFAULT_ID_TYPE = "居民身份证"
_CODE_BYTES = 16  # 128 bits of the HMAC: printed as 32 hex digits
_FINGERPRINT_BYTES = 16


@attrs.frozen(kw_only=True)
class Certificate:
    """A 志愿服务记录证明. Build it with :func:`issue_certificate`; check it with
    :func:`verify_certificate`.

    Every field but ``verification_code`` and ``excluded`` is signed. ``id_type``,
    ``id_number_masked`` and ``id_fingerprint`` (an HMAC of the full ID number under the issuing
    secret, never the number) are None when no ID number was given. ``excluded`` lists the member's
    records in the period that do not count (another organiser's, pending or rejected ones) for the
    issuer's own check: it is neither printed nor signed.

    >>> from datetime import date
    >>> from volunteer_core import ActivityKind, DateRange
    >>> cert = Certificate(number="VC1", member_id="m1", member_name="张三",
    ...     period=DateRange(date(2026, 1, 1), date(2026, 6, 30)), total_minutes=90,
    ...     content=(ServiceContent(kind=ActivityKind.TRAINING, minutes=90, activities=1),),
    ...     issuer="办公室党支部", issued_on=date(2026, 7, 1), verification_code="")
    >>> cert.algorithm, cert.id_number_masked, cert.excluded
    ('HMAC-SHA256', None, ())
    """

    number: str
    member_id: str
    member_name: str
    id_type: str | None = None
    id_number_masked: str | None = None
    id_fingerprint: str | None = None
    volunteer_no: str | None = None
    period: DateRange
    total_minutes: int
    content: tuple[ServiceContent, ...]
    issuer: str
    organiser_id: str | None = None
    responsible: str | None = None
    handler: str | None = None
    contact: str | None = None
    issued_on: date
    algorithm: str = DEFAULT_ALGORITHM
    verification_code: str
    excluded: tuple[ExcludedRecord, ...] = ()

    def canonical(self) -> bytes:
        """The canonical serialisation of every signed field (what the code signs)."""
        return _canonical(_fields(self))

    def render_text(self) -> str:
        """The certificate as plain text in the Chinese layout (for printing or a text export)."""
        return _render_text(self)

    def render_pdf(self, path: str | Path, *, font_path: str | Path | None = None) -> Path:
        """Write the certificate as an A4 PDF (needs the optional extra ``pdf``: reportlab).

        The Chinese text is set in Noto Serif SC (SIL OFL 1.1, installed by the extra ``pdf``), or in the
        font at ``font_path`` (``.ttf``, ``.otf``, or the first font of a ``.ttc``); the PDF embeds the
        subset the page uses, so it shows on any viewer, with or without CJK fonts installed.
        """
        from volunteer_core.certificates import pdf

        return pdf.render(self, Path(path), font_path=font_path)


def _period(cert: Certificate) -> list[str | None]:
    return [cert.period.start.isoformat(), cert.period.end.isoformat() if cert.period.end else None]


def _fields(cert: Certificate) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "algorithm": cert.algorithm,
        "number": cert.number,
        "member_id": cert.member_id,
        "member_name": cert.member_name,
        "id_type": cert.id_type,
        "id_number_masked": cert.id_number_masked,
        "id_fingerprint": cert.id_fingerprint,
        "volunteer_no": cert.volunteer_no,
        "period": _period(cert),
        "total_minutes": cert.total_minutes,
        "content": [[c.kind.value, c.minutes, c.activities] for c in cert.content],
        "issuer": cert.issuer,
        "organiser_id": cert.organiser_id,
        "responsible": cert.responsible,
        "handler": cert.handler,
        "contact": cert.contact,
        "issued_on": cert.issued_on.isoformat(),
    }


def _fields_v1(cert: Certificate) -> dict[str, Any]:
    """The payload of the first format (HMAC-SHA256; no member id, ID fingerprint or signatories)."""
    return {
        "format": _FORMAT_V1,
        "number": cert.number,
        "member_name": cert.member_name,
        "id_number_masked": cert.id_number_masked,
        "period": _period(cert),
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


def _code(algorithm: str, key: bytes, payload: bytes) -> str:
    return mac(algorithm, key, b"code", payload)[: _CODE_BYTES * 2]


def _normal_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in "- \u3000")


def _text(path: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            path, value, code="input.required", message_en="must not be blank", message_zh="不能为空"
        )
    return value.strip()


def _optional_text(path: str, value: object) -> str | None:
    return None if value is None else _text(path, value)


def _compact_id_number(id_type: str, id_number: object) -> str:
    """The full number as fingerprinted: a 居民身份证 number checked (GB 11643); any other document's
    number with whitespace removed, full-width characters read as ASCII and letters upper-cased."""
    if id_type == DEFAULT_ID_TYPE:
        return privacy.normalize_id_number(id_number)  # type: ignore[arg-type]
    if not isinstance(id_number, str):
        raise InvalidInput(
            "id_number", "***", code="input.type", message_en="must be a string", message_zh="须为字符串"
        )
    compact = "".join(unicodedata.normalize("NFKC", id_number).split()).upper()
    if not compact:
        raise InvalidInput(
            "id_number", "", code="input.required", message_en="must not be blank", message_zh="不能为空"
        )
    return compact


def _fingerprint(algorithm: str, key: bytes, id_type: str, number: str) -> str:
    payload = f"{id_type}\x00{number}".encode()
    return mac(algorithm, key, b"id_number", payload)[: _FINGERPRINT_BYTES * 2]


def issue_certificate(
    member: Member,
    records: Iterable[ServiceRecord],
    *,
    period: DateRange,
    issuer: str,
    issued_on: date,
    secret: bytes | str,
    id_number: str | None = None,
    id_type: str = DEFAULT_ID_TYPE,
    number: str | None = None,
    organiser_id: str | None = None,
    activities: Mapping[str, Activity] | None = None,
    responsible: str | None = None,
    handler: str | None = None,
    contact: str | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
) -> Certificate:
    """Issue the certificate of ``member``'s confirmed service in ``period`` (closed, ended by
    ``issued_on``).

    Args:
        member: the volunteer; records of other members are ignored. Their id is signed, and their
            ``volunteer_no`` (全国志愿服务信息系统 志愿者编号) is printed and signed when set.
        records: ledger entries (any; only the member's CONFIRMED ones dated in ``period`` count,
            reversals netted).
        period: a closed date range.
        issuer: the recording organisation (出具组织).
        issued_on: the date of issue.
        secret: the issuing system's HMAC key (bytes or text, at least 16 bytes); keep it out of the
            database the certificates are checked against.
        id_number: the member's ID number; printed masked, the full number is not kept: only its
            fingerprint (an HMAC under ``secret``) is signed, so the certificate is bound to it.
        id_type: the kind of ID document (证件类型), default 居民身份证 (whose numbers are checked
            against GB 11643); any other text (护照, 港澳居民来往内地通行证 …) takes the number as given.
        number: the certificate's number; by default derived from its content under the secret
            (``VC`` + issue date + 8 hex digits), so the same content always gets the same number.
        organiser_id: 谁组织谁记录、谁记录谁证明 — when given, only records of activities this
            organiser (branch) ran count; the member's other records in the period are listed in
            ``Certificate.excluded`` with the reason. A record's organiser is its activity's
            ``branch_id`` (and any co-organiser in ``branch_ids``) when ``activities`` has it, else the
            ``branch_id`` the record copied from its activity.
        activities: the activities by id, to read the organisers from (optional).
        responsible: the organisation's 负责人 (printed, with a signature line).
        handler: the 经办人 (printed, with a signature line).
        contact: the issuing office's contact (a phone number or address, printed as given).
        algorithm: ``"HMAC-SHA256"`` (default) or ``"HMAC-SM3"`` (GB/T 39786-2021).

    Raises:
        InvalidInput: an open or future period, a blank issuer or signatory, a bad ID number, secret
            or algorithm, or no confirmed service in the period (by that organiser).
        ImportError: ``"HMAC-SM3"`` where neither hashlib nor gmssl provides SM3.

    >>> from volunteer_core import DateRange, ServiceRecord
    >>> m = Member(id="m1", name="张伟", branch_id="b1", joined_on=date(2020, 1, 1), volunteer_no="3503001")
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
    ...                   kind="training", on=date(2026, 3, 5), minutes=90)
    >>> cert = issue_certificate(m, [r], period=DateRange(date(2026, 1, 1), date(2026, 6, 30)),
    ...     issuer="办公室党支部", issued_on=date(2026, 7, 1), secret="a secret of 16+ bytes",
    ...     id_number="11010519491231002X", organiser_id="b1", handler="王敏", algorithm="HMAC-SM3")
    >>> cert.id_type, cert.id_number_masked, cert.volunteer_no, cert.algorithm
    ('居民身份证', '110105********002X', '3503001', 'HMAC-SM3')
    """
    key = _key(secret)
    algorithm = check_algorithm(algorithm)
    if not isinstance(member, Member):
        raise InvalidInput(
            "member",
            type(member).__name__,
            code="input.type",
            message_en="must be a Member",
            message_zh="须为党员",
        )
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
    organiser_id = _optional_text("organiser_id", organiser_id)
    masked = fingerprint = kind_of_id = None
    if id_number is not None:
        kind_of_id = _text("id_type", id_type)
        full = _compact_id_number(kind_of_id, id_number)
        masked = privacy.mask_id_number(full)
        fingerprint = _fingerprint(algorithm, key, kind_of_id, full)

    content, excluded = select_records(
        member.id, records, period=period, organiser_id=organiser_id, activities=activities
    )
    total_minutes = sum(c.minutes for c in content)
    if total_minutes <= 0:
        by = f" organised by {organiser_id}" if organiser_id else ""
        by_zh = f"由 {organiser_id} 组织的" if organiser_id else ""
        raise InvalidInput(
            "records",
            total_minutes,
            message_en=f"{member.name} has no confirmed service{by} in {period}",
            message_zh=f"{member.name} 在 {period} 期间没有{by_zh}已确认的志愿服务时长",
        )
    draft = Certificate(
        number="",
        member_id=member.id,
        member_name=member.name,
        id_type=kind_of_id,
        id_number_masked=masked,
        id_fingerprint=fingerprint,
        volunteer_no=member.volunteer_no,
        period=period,
        total_minutes=total_minutes,
        content=content,
        issuer=issuer,
        organiser_id=organiser_id,
        responsible=_optional_text("responsible", responsible),
        handler=_optional_text("handler", handler),
        contact=_optional_text("contact", contact),
        issued_on=issued_on,
        algorithm=algorithm,
        verification_code="",
        excluded=excluded,
    )
    if number is None:
        number = f"VC{issued_on:%Y%m%d}-{mac(algorithm, key, b'number', draft.canonical())[:8]}"
    draft = attrs.evolve(draft, number=_text("number", number))
    return attrs.evolve(draft, verification_code=_code(algorithm, key, draft.canonical()))


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


_TEXTS = ("number", "member_id", "member_name", "issuer", "verification_code")
_OPTIONAL_TEXTS = (
    "id_type",
    "id_number_masked",
    "id_fingerprint",
    "volunteer_no",
    "organiser_id",
    "responsible",
    "handler",
    "contact",
)
#: The largest count a well-formed certificate holds (minutes, activities): what an SQL ``BIGINT`` holds.
_MAX_COUNT = 2**63 - 1


def _is_text(value: object) -> bool:
    """A str that can be signed: no lone surrogate (UTF-8 cannot encode it)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_count(value: object) -> bool:
    return type(value) is int and -_MAX_COUNT <= value <= _MAX_COUNT


def _is_date(value: object) -> bool:
    return isinstance(value, date)


def _well_formed(cert: Certificate) -> bool:
    """Whether every signed field of ``cert`` holds what :func:`issue_certificate` puts there: text (that
    UTF-8 can encode) or None where allowed, dates, a ``DateRange`` of dates, bounded ``int`` counts and a
    tuple of :class:`ServiceContent`. A certificate built around its validation (read from a damaged file,
    forged) may hold anything: it is malformed, and verifies as False."""
    content = cert.content
    return (
        all(_is_text(getattr(cert, name)) for name in _TEXTS)
        and all(getattr(cert, name) is None or _is_text(getattr(cert, name)) for name in _OPTIONAL_TEXTS)
        and isinstance(cert.period, DateRange)
        and _is_date(cert.period.start)
        and (cert.period.end is None or _is_date(cert.period.end))
        and _is_date(cert.issued_on)
        and _is_count(cert.total_minutes)
        and isinstance(content, tuple)
        and all(
            isinstance(c, ServiceContent)
            and isinstance(c.kind, ActivityKind)
            and _is_count(c.minutes)
            and _is_count(c.activities)
            for c in content
        )
    )


def verify_certificate(
    cert: Certificate,
    secret: bytes | str,
    *,
    member: Member | None = None,
    id_number: str | None = None,
) -> bool:
    """Whether ``cert``'s verification code matches its content under ``secret`` with the
    certificate's own ``algorithm`` (constant-time comparison; dashes and spaces in a typed-in code
    are ignored) — and, when given, that it belongs to ``member`` (their id) and to the holder of
    ``id_number`` (its fingerprint, read as the certificate's ``id_type``). A certificate issued
    without an ID number never verifies against one.

    A malformed certificate — a Certificate whose fields hold what no issued one holds (a field of the
    wrong type, text with a lone surrogate, a count past 2**63 − 1), read from a damaged file or forged —
    verifies as False.

    Raises:
        InvalidInput: ``cert`` is not a Certificate, the secret is too short, the certificate names an
            unknown algorithm (a text other than those of ``ALGORITHMS``; its name is shown escaped and
            cut short), ``id_number`` is malformed — or ``cert`` is a genuine certificate of the first
            format (``volunteer_core.certificate/1``), which bound no person: re-issue it.

    >>> from volunteer_core import DateRange, ServiceRecord
    >>> a, b = (Member(id=i, name="张伟", branch_id="b1", joined_on=date(2020, 1, 1)) for i in ("m1", "m2"))
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
    ...                   kind="training", on=date(2026, 3, 5), minutes=90)
    >>> cert = issue_certificate(a, [r], period=DateRange(date(2026, 1, 1), date(2026, 6, 30)),
    ...     issuer="办公室党支部", issued_on=date(2026, 7, 1), secret="a secret of 16+ bytes")
    >>> verify_certificate(cert, "a secret of 16+ bytes", member=a), verify_certificate(
    ...     cert, "a secret of 16+ bytes", member=b)
    (True, False)
    """
    if not isinstance(cert, Certificate):
        raise InvalidInput(
            "cert", cert, code="input.type", message_en="must be a Certificate", message_zh="须为证明"
        )
    key = _key(secret)
    if not isinstance(cert.algorithm, str) or not _well_formed(cert):
        return False
    algorithm = check_algorithm(cert.algorithm)
    given = _normal_code(cert.verification_code)
    ok = _same(_code(algorithm, key, cert.canonical()), given)
    if (
        not ok
        and algorithm == DEFAULT_ALGORITHM
        and _same(_code(algorithm, key, _canonical(_fields_v1(cert))), given)
    ):
        raise InvalidInput(
            "verification_code",
            cert.number,
            code="input.invalid",
            message_en=(
                f"certificate {cert.number} is of the format {_FORMAT_V1}, which is bound to no person "
                "and is no longer verified: issue it again"
            ),
            message_zh=f"证明 {cert.number} 为旧格式（{_FORMAT_V1}），未与本人绑定，不再核验，请重新出具",
        )
    if member is not None:
        if not isinstance(member, Member):
            raise InvalidInput(
                "member",
                type(member).__name__,
                code="input.type",
                message_en="must be a Member",
                message_zh="须为党员",
            )
        ok &= _same(cert.member_id, member.id)
    if id_number is not None:
        if cert.id_type is None or cert.id_fingerprint is None:
            return False
        expected = _fingerprint(algorithm, key, cert.id_type, _compact_id_number(cert.id_type, id_number))
        ok &= _same(expected, cert.id_fingerprint)
    return ok
