"""志愿服务记录证明: what is counted, what the code covers, what a forger cannot do, the layout."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

from volunteer_core import ActivityKind, DateRange, InvalidInput, Member, ServiceRecord, certificates
from volunteer_core.certificates import (
    Certificate,
    ServiceContent,
    issue_certificate,
    verify_certificate,
)
from volunteer_core.certificates import issue as issue_module
from volunteer_core.certificates import text as text_module

D = date
SECRET = b"test-secret-of-the-issuing-system"
MEMBER = Member(id="m1", name="欧阳修", branch_id="b1", joined_on=D(2015, 1, 1))
YEAR_2026 = DateRange(D(2026, 1, 1), D(2026, 12, 31))


def rec(rid: str, kind: str, on: date, minutes: int, activity: str = "a1", **kw: object) -> ServiceRecord:
    return ServiceRecord(
        id=rid,
        member_id=kw.pop("member_id", "m1"),  # type: ignore[arg-type]
        activity_id=activity,
        branch_id="b1",
        kind=kind,
        on=on,
        minutes=minutes,
        **kw,  # type: ignore[arg-type]
    )


RECORDS = [
    rec("r1", "community_service", D(2026, 3, 5), 120, "a1"),
    rec("r2", "community_service", D(2026, 4, 5), 90, "a2"),
    rec("r3", "pairing", D(2026, 5, 1), 60, "a3"),
    rec("r4", "caring_action", D(2026, 6, 1), 45, "a4"),
    rec("p1", "community_service", D(2026, 7, 1), 600, "a5", status="pending"),
    rec("x1", "community_service", D(2026, 7, 2), 600, "a6", status="rejected"),
    rec("y1", "community_service", D(2025, 12, 31), 600, "a7"),  # before the period
    rec("o1", "community_service", D(2026, 3, 5), 600, "a1", member_id="m2"),  # another member
]


def issue(records: list[ServiceRecord] = RECORDS, **kw: Any) -> Certificate:
    args: dict[str, object] = {
        "period": YEAR_2026,
        "issuer": "办公室党支部",
        "issued_on": D(2027, 1, 5),
        "secret": SECRET,
    }
    args.update(kw)
    return issue_certificate(MEMBER, records, **args)  # type: ignore[arg-type]


def test_only_the_members_confirmed_minutes_in_the_period_count() -> None:
    cert = issue()
    assert cert.total_minutes == 120 + 90 + 60 + 45
    assert cert.content == (
        ServiceContent(kind=ActivityKind.PAIRING, minutes=60, activities=1),
        ServiceContent(kind=ActivityKind.COMMUNITY_SERVICE, minutes=210, activities=2),
        ServiceContent(kind=ActivityKind.CARING_ACTION, minutes=45, activities=1),
    )
    assert cert.member_name == "欧阳修"
    assert cert.period == YEAR_2026
    assert cert.issuer == "办公室党支部"
    assert cert.issued_on == D(2027, 1, 5)
    assert verify_certificate(cert, SECRET)


def test_reversals_are_netted_and_adjustments_count_on_their_date() -> None:
    reversal = RECORDS[1].reversal(id="rv", recorded_on=D(2026, 5, 1))
    adjustment = rec("adj", "pairing", D(2026, 9, 1), -30, "a3", adjusts="r3")
    cert = issue([*RECORDS, reversal, adjustment])
    assert cert.total_minutes == 120 + 60 - 30 + 45
    community = next(c for c in cert.content if c.kind is ActivityKind.COMMUNITY_SERVICE)
    assert (community.minutes, community.activities) == (120, 1)


def test_one_altered_hour_fails_verification() -> None:
    cert = issue()
    assert not verify_certificate(attrs.evolve(cert, total_minutes=cert.total_minutes + 60), SECRET)
    line = cert.content[0]
    altered = (attrs.evolve(line, minutes=line.minutes + 60), *cert.content[1:])
    assert not verify_certificate(attrs.evolve(cert, content=altered), SECRET)


@pytest.mark.parametrize(
    "change",
    [
        {"member_name": "欧阳修改"},
        {"number": "VC20270105-00000000"},
        {"issuer": "其他党支部"},
        {"issued_on": D(2027, 1, 6)},
        {"period": DateRange(D(2026, 1, 1), D(2026, 12, 30))},
        {"id_number_masked": "110105********002X"},
        {"member_id": "m2"},
        {"id_type": "护照"},
        {"id_fingerprint": "0" * 32},
        {"volunteer_no": "35030012345"},
        {"organiser_id": "b1"},
        {"responsible": "李书记"},
        {"handler": "王敏"},
        {"contact": "0594-2345678"},
        {"algorithm": "HMAC-SM3"},
    ],
)
def test_every_field_is_covered_by_the_code(change: dict[str, Any]) -> None:
    assert not verify_certificate(attrs.evolve(issue(), **change), SECRET)


def test_a_forged_code_fails() -> None:
    cert = issue()
    forged = attrs.evolve(cert, total_minutes=6000, verification_code="0" * 32)
    assert not verify_certificate(forged, SECRET)
    # a code recomputed with another secret does not pass either
    other = issue(secret=b"a forger's guessed secret value")
    assert other.verification_code != cert.verification_code
    assert not verify_certificate(other, SECRET)
    assert not verify_certificate(cert, b"a forger's guessed secret value")
    assert not verify_certificate(attrs.evolve(cert, verification_code=""), SECRET)
    assert not verify_certificate(attrs.evolve(cert, verification_code="证明" * 16), SECRET)


def test_a_typed_in_code_with_dashes_and_lower_case_is_read() -> None:
    cert = issue()
    code = cert.verification_code
    typed = "-".join(code[i : i + 4] for i in range(0, 32, 4)).lower()
    assert verify_certificate(attrs.evolve(cert, verification_code=typed), SECRET)


def test_the_number_is_stable_and_depends_on_the_content() -> None:
    first, again = issue(), issue()
    assert first == again
    assert first.number.startswith("VC20270105-")
    assert issue(records=RECORDS[:3]).number != first.number
    assert issue(number="2027-0001").number == "2027-0001"


def test_the_id_number_is_kept_masked_only() -> None:
    cert = issue(id_number="11010519491231002x")
    assert cert.id_number_masked == "110105********002X"
    assert "11010519491231002X" not in cert.render_text()
    with pytest.raises(InvalidInput):
        issue(id_number="110105194912310021")  # bad checksum


@pytest.mark.parametrize(
    "bad",
    [
        {"secret": b"short"},
        {"secret": ""},
        {"period": DateRange(D(2026, 1, 1))},  # open-ended
        {"period": DateRange(D(2026, 1, 1), D(2027, 1, 6))},  # ends after the issue date
        {"issuer": "  "},
        {"issued_on": "2027-01-05"},
        {"period": DateRange(D(2024, 1, 1), D(2024, 12, 31))},  # no service in it
    ],
)
def test_bad_input_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        issue(**bad)


def test_render_text_has_the_chinese_layout() -> None:
    cert = issue(id_number="11010519491231002X")
    text = cert.render_text()
    lines = text.splitlines()
    assert lines[0].strip() == "志愿服务记录证明"
    for part in (
        f"编号：{cert.number}",
        "兹证明 欧阳修（居民身份证号码：110105********002X）",
        "2026年1月1日 至 2026年12月31日",
        "累计 5小时15分钟",
        "服务内容：",
        "集中社区志愿服务",
        "3小时30分钟",
        "特此证明。",
        "出具组织：办公室党支部（盖章）",
        "出具日期：2027年1月5日",
        "验证码（HMAC-SHA256）：",
        "不含往返交通时间",
    ):
        assert "".join(part.split()) in "".join(text.split()), part
    code = text.split("验证码（HMAC-SHA256）：")[1].split("\n")[0]
    assert code.replace("-", "") == cert.verification_code


def test_render_pdf(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    cert = issue()
    path = cert.render_pdf(tmp_path / "out" / "cert.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data  # the CJK font is embedded (a TrueType subset), not referenced
    assert b"STSong-Light" not in data
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "志愿服务记录证明" in text
        assert "欧阳修" in text
        assert cert.number in text


def test_certificates_import_no_pdf_library() -> None:
    import sys

    code = (
        "import sys, volunteer_core, volunteer_core.certificates;"
        "print(','.join(m for m in ('reportlab', 'chinese_calendar') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_package_exports_the_names_of_its_modules() -> None:
    for name in certificates.__all__:
        owner = issue_module if name in issue_module.__all__ else text_module
        assert name in owner.__all__, name
        assert getattr(certificates, name) is getattr(owner, name), name
    cert = issue()
    assert cert.render_text() == text_module.render_text(cert)
