"""What the face of a 志愿服务记录证明 shows (民发〔2015〕149号; 2020 measures, Art 15), in text and PDF."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
from certificate_support import ID_A, ZHANG_A, issue, same_hours
from hypothesis import given, settings
from hypothesis import strategies as st

from volunteer_core.certificates import Certificate, grouped_code, pdf

VOLUNTEER = attrs.evolve(ZHANG_A, volunteer_no="35030012345")


def full() -> Certificate:
    return issue(
        VOLUNTEER,
        same_hours(VOLUNTEER.id),
        id_number=ID_A,
        organiser_id="b1",
        responsible="李书记",
        handler="王敏",
        contact="0594-2345678",
        algorithm="HMAC-SM3",
    )


def flat(text: str) -> str:
    """The text without any whitespace (the layout wraps lines and pads columns)."""
    return "".join(text.split())


def test_every_field_is_on_the_text_face() -> None:
    cert = full()
    text = cert.render_text()
    for part in (
        "志愿服务记录证明",
        f"编号：{cert.number}",
        "兹证明 张伟（居民身份证号码：110105********002X，志愿者编号：35030012345）",
        "于 2026年1月1日 至 2026年12月31日 期间参加志愿服务",
        "经 办公室党支部 记录并确认的志愿服务时长累计 3小时30分钟。",
        "集中社区志愿服务",
        "出具组织：办公室党支部（盖章）",
        "负责人：李书记（签字）",
        "经办人：王敏（签字）",
        "联系方式：0594-2345678",
        "出具日期：2027年1月5日",
        "验证码（HMAC-SM3）：",
    ):
        assert flat(part) in flat(text), part
    code = text.split("验证码（HMAC-SM3）：")[1].split("\n")[0]
    assert code.replace("-", "") == cert.verification_code


def test_the_id_number_is_masked_on_the_face_and_the_contact_is_not() -> None:
    text = full().render_text()
    assert ID_A not in flat(text)
    assert "19491231" not in flat(text)
    assert "110105********002X" in text
    mobile = issue(ZHANG_A, contact="13912344859").render_text()
    assert "联系方式：13912344859" in mobile  # the issuing office's phone, printed as given


def test_what_is_not_known_is_not_printed() -> None:
    text = issue(ZHANG_A).render_text()
    assert "兹证明张伟于" in flat(text)
    for absent in ("号码：", "志愿者编号", "负责人", "经办人", "联系方式"):
        assert absent not in text, absent
    assert "验证码（HMAC-SHA256）：" in text


def test_the_volunteer_number_is_shown_without_an_id_number() -> None:
    text = issue(VOLUNTEER, same_hours(VOLUNTEER.id)).render_text()
    assert "兹证明张伟（志愿者编号：35030012345）于" in flat(text)


def test_another_id_type_is_named_on_the_face() -> None:
    text = issue(ZHANG_A, id_number="E12345678", id_type="护照").render_text()
    assert "张伟（护照号码：*********）" in flat(text)
    assert "E12345678" not in text


def test_the_excluded_records_and_the_fingerprint_are_not_on_the_face() -> None:
    cert = full()
    assert cert.id_fingerprint is not None
    assert cert.id_fingerprint not in flat(cert.render_text())
    assert "b1" not in cert.render_text()


def test_the_pdf_shows_the_new_fields(tmp_path: Path) -> None:
    cert = full()
    path = cert.render_pdf(tmp_path / "cert.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    paragraphs = [re.sub(r"<[^>]+>", "", f.text) for f in pdf._story(cert, "Helvetica") if hasattr(f, "text")]
    page = "".join(flat(p) for p in paragraphs)
    for part in (
        "兹证明张伟（居民身份证号码：110105********002X，志愿者编号：35030012345）",
        "负责人：李书记（签字）",
        "经办人：王敏（签字）",
        "联系方式：0594-2345678",
        "出具组织：办公室党支部（盖章）",
        "出具日期：2027年1月5日",
        f"验证码（HMAC-SM3）：{grouped_code(cert.verification_code)}",
        f"编号：{cert.number}",
    ):
        assert part in page, part
    assert ID_A not in page


@given(
    st.text(alphabet="欧阳修张伟明", min_size=1, max_size=12),
    st.text(alphabet="0123456789", min_size=1, max_size=30),
)
@settings(max_examples=60)
def test_numbers_are_not_split_and_no_line_starts_with_closing_punctuation(name: str, number: str) -> None:
    volunteer = attrs.evolve(ZHANG_A, name=name, volunteer_no=number)
    text = issue(volunteer, same_hours(volunteer.id), id_number=ID_A).render_text()
    lines = text.splitlines()
    assert any(number in line for line in lines)
    assert any("110105********002X" in line for line in lines)
    assert [line for line in lines if line.strip() and line.lstrip()[0] in "）)，。：；、"] == []
    body = text[text.index("兹证明") : text.index("服务内容")].splitlines()
    assert [line for line in body if line.startswith(" ")] == []
