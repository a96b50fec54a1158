"""The text of a 志愿服务记录证明: its Chinese layout, and the pieces the PDF rendering shares.

>>> duration_zh(1470), grouped_code("1A2B3C4D")
('24小时30分钟', '1A2B-3C4D')
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from volunteer_core.certificates.issue import Certificate

__all__ = [
    "NOTE_ZH",
    "body_lines",
    "code_line",
    "date_zh",
    "duration_zh",
    "grouped_code",
    "holder_zh",
    "render_text",
    "signatory_lines",
]


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
    """``2026年1月5日``.

    >>> from datetime import date
    >>> date_zh(date(2026, 1, 5))
    '2026年1月5日'
    """
    return f"{day.year}年{day.month}月{day.day}日"


def grouped_code(code: str) -> str:
    """The code in groups of four for reading aloud and typing back: ``1A2B-3C4D-…``.

    >>> grouped_code("1A2B3C4D5E")
    '1A2B-3C4D-5E'
    """
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, *, right: bool = False, centre: bool = False) -> str:
    fill = max(0, width - _width(text))
    if centre:
        return " " * (fill // 2) + text
    return " " * fill + text if right else text + " " * fill


def holder_zh(cert: Certificate) -> str:
    """The volunteer as the certificate names them: name, then the ID type and masked number and the
    national volunteer number, where known.

    >>> from types import SimpleNamespace as NS
    >>> holder_zh(NS(member_name="张三", id_type="居民身份证", id_number_masked="110105********002X",
    ...              volunteer_no="35030012345"))
    '张三（居民身份证号码：110105********002X，志愿者编号：35030012345）'
    """
    details = []
    if cert.id_number_masked:
        details.append(f"{cert.id_type or '证件'}号码：{cert.id_number_masked}")
    if cert.volunteer_no:
        details.append(f"志愿者编号：{cert.volunteer_no}")
    return cert.member_name + (f"（{'，'.join(details)}）" if details else "")


def body_lines(cert: Certificate) -> tuple[str, str]:
    """The two sentences of the body (shared by the text and PDF renderings)."""
    assert cert.period.end is not None
    first = (
        f"兹证明 {holder_zh(cert)} 于 {date_zh(cert.period.start)} 至 {date_zh(cert.period.end)} "
        f"期间参加志愿服务，经 {cert.issuer} 记录并确认的志愿服务时长累计 {duration_zh(cert.total_minutes)}。"
    )
    return first, "特此证明。"


def signatory_lines(cert: Certificate) -> list[str]:
    """The lines under the body: the issuing organisation (seal), its 负责人 and 经办人 (signatures)
    and contact where given, and the date of issue.

    >>> from datetime import date
    >>> from types import SimpleNamespace as NS
    >>> signatory_lines(NS(issuer="办公室党支部", responsible="李书记", handler=None,
    ...                    contact="0594-2345678", issued_on=date(2027, 1, 5)))
    ['出具组织：办公室党支部（盖章）', '负责人：李书记（签字）', '联系方式：0594-2345678', '出具日期：2027年1月5日']
    """
    lines = [f"出具组织：{cert.issuer}（盖章）"]
    if cert.responsible:
        lines.append(f"负责人：{cert.responsible}（签字）")
    if cert.handler:
        lines.append(f"经办人：{cert.handler}（签字）")
    if cert.contact:
        lines.append(f"联系方式：{cert.contact}")
    return [*lines, f"出具日期：{date_zh(cert.issued_on)}"]


def code_line(cert: Certificate) -> str:
    """The verification code in groups of four, headed by the signature algorithm it was made with.

    >>> from types import SimpleNamespace as NS
    >>> code_line(NS(algorithm="HMAC-SM3", verification_code="0123456789ABCDEF"))
    '验证码（HMAC-SM3）：0123-4567-89AB-CDEF'
    """
    return f"验证码（{cert.algorithm}）：{grouped_code(cert.verification_code)}"


NOTE_ZH = (
    "本证明依据《志愿服务记录与证明出具办法（试行）》出具，服务时长为经确认的实际服务时间，不含往返交通时间；"
    "可凭编号和验证码向出具组织核验。"
)


#: Punctuation that may not begin a line (避头点): the character or field before it moves down with it.
_NO_LINE_START = frozenset("）」』》〉】，。、；：！？)")
#: Punctuation that may not end a line (避尾点): it moves down with what follows.
_NO_LINE_END = frozenset("（「『《〈【(")


def _unbreakable(char: str) -> bool:
    """Part of a number, code or word: printable ASCII other than a space."""
    return "!" <= char <= "~"


def _atoms(text: str, keep: Iterable[str]) -> list[str]:
    """``text`` cut into the pieces a line may break between: each occurrence of a ``keep`` string (a
    name, a date, a duration; the longest first), each run of printable ASCII (a number or code),
    each space and each other character.

    >>> _atoms("经 办公室党支部 记录 2026年", ["办公室党支部"])
    ['经', ' ', '办公室党支部', ' ', '记', '录', ' ', '2026', '年']
    """
    fields = sorted({k for k in keep if k}, key=len, reverse=True)
    atoms: list[str] = []
    i = 0
    while i < len(text):
        field = next((f for f in fields if text.startswith(f, i)), None)
        if field is not None:
            atoms.append(field)
            i += len(field)
        elif _unbreakable(text[i]):
            j = i
            while j < len(text) and _unbreakable(text[j]) and not any(text.startswith(f, j) for f in fields):
                j += 1
            atoms.append(text[i:j])
            i = j
        else:
            atoms.append(text[i])
            i += 1
    return atoms


def _wrap(text: str, width: int, keep: Iterable[str] = ()) -> list[str]:
    """Break ``text`` into lines of at most ``width`` display columns (CJK characters take two), between
    the pieces of :func:`_atoms`: a ``keep`` string (a name), a number or a code is never split unless
    it is wider than a line; no line begins with a space or closing punctuation, none ends with opening
    punctuation.

    >>> _wrap("兹证明 张三（志愿者编号：35030012345）", 30)
    ['兹证明 张三（志愿者编号：', '35030012345）']
    >>> _wrap("经 政策法规处党支部 记录", 18, keep=["政策法规处党支部"])
    ['经', '政策法规处党支部', '记录']
    >>> _wrap("经办公室党支部记录。", 18)
    ['经办公室党支部记', '录。']
    >>> _wrap("出具组织：办公室党支部（盖章）", 24, keep=["办公室党支部"])
    ['出具组织：办公室党支部', '（盖章）']
    """
    atoms = [piece for atom in _atoms(text, keep) for piece in ([atom] if _width(atom) <= width else atom)]
    lines: list[str] = []
    current: list[str] = []
    for atom in atoms:
        if current and _width("".join(current) + atom) > width:
            carried: list[str] = []
            if atom[0] in _NO_LINE_START and len(current) > 1 and current[-1] != " ":
                carried = [current.pop()]
            while len(current) > 1 and current[-1][-1] in _NO_LINE_END:
                carried.insert(0, current.pop())
            lines.append("".join(current).rstrip())
            current = carried
        if atom == " " and not current:
            continue
        current.append(atom)
    if current:
        lines.append("".join(current).rstrip())
    return lines


def _fields(cert: Certificate) -> list[str]:
    """The strings of the body that a line never splits: the volunteer's name, the issuer, the dates
    and the total, and the title of the measures the note cites."""
    assert cert.period.end is not None
    return [
        cert.member_name,
        cert.issuer,
        date_zh(cert.period.start),
        date_zh(cert.period.end),
        duration_zh(cert.total_minutes),
        "《志愿服务记录与证明出具办法（试行）》",
    ]


def render_text(cert: Certificate) -> str:
    """The certificate as plain text in the Chinese layout, 72 columns wide (what ``Certificate.render_text``
    returns).

    >>> from datetime import date
    >>> from volunteer_core import ActivityKind, DateRange
    >>> from volunteer_core.certificates import Certificate, ServiceContent
    >>> cert = Certificate(number="VC20260701-0A1B2C3D", member_id="m1", member_name="张三",
    ...     period=DateRange(date(2026, 1, 1), date(2026, 6, 30)), total_minutes=90,
    ...     content=(ServiceContent(kind=ActivityKind.TRAINING, minutes=90, activities=1),),
    ...     issuer="办公室党支部", issued_on=date(2026, 7, 1), verification_code="0123456789ABCDEF")
    >>> lines = render_text(cert).splitlines()
    >>> lines[0].strip(), lines[-3]
    ('志愿服务记录证明', '验证码（HMAC-SHA256）：0123-4567-89AB-CDEF')
    """
    width = 72
    first, closing = body_lines(cert)
    lines = [
        _pad("志愿服务记录证明", width, centre=True),
        "",
        _pad(f"编号：{cert.number}", width, right=True),
        "",
        *_wrap(first, width, _fields(cert)),
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
        *(
            _pad(piece, width, right=True)
            for line in signatory_lines(cert)
            for piece in _wrap(line, width, _fields(cert))
        ),
        "",
        code_line(cert),
        *_wrap(NOTE_ZH, width, _fields(cert)),
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
