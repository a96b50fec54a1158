"""The certificate PDF shows Chinese on a machine without CJK fonts: it embeds a subset of the openly
licensed font the extra ``pdf`` installs; the text rendering never splits a name across lines."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from certificate_support import ID_A, ZHANG_A, issue, same_hours
from hypothesis import given, settings
from hypothesis import strategies as st

from volunteer_core.certificates import pdf
from volunteer_core.certificates.text import _width

pdfium = pytest.importorskip("pypdfium2")
np = pytest.importorskip("numpy")
pytest.importorskip("reportlab")

SCALE = 2.0


def demo_certificate(folder: Path) -> tuple[Path, str]:
    """The demo's certificate (``make demo`` writes the same one) as PDF, and the member it names."""
    from volunteer_core.demo._timebank import show_timebank
    from volunteer_core.synthetic import generate_year

    text_path = show_timebank(
        io.StringIO(), generate_year(2026, members=12, branches=2, seed=3), out_dir=folder
    )
    assert text_path is not None
    found = re.search(r"兹证明 (\S+?)[（ ]", text_path.read_text(encoding="utf-8"))
    assert found is not None
    return text_path.with_suffix(".pdf"), found.group(1)


def ink(page: Any, bitmap: Any, box: tuple[float, float, float, float]) -> float:
    """The share of dark pixels of ``bitmap`` (``page`` rendered at :data:`SCALE`) inside ``box``
    (left, bottom, right, top in PDF points)."""
    left, bottom, right, top = box
    height = page.get_height()
    pixels = bitmap.to_numpy()[..., :3].min(axis=2)
    area = pixels[
        int((height - top) * SCALE) : int((height - bottom) * SCALE) + 1,
        int(left * SCALE) : int(right * SCALE) + 1,
    ]
    return float((area < 128).mean())


def name_box(page: Any, name: str) -> tuple[float, float, float, float]:
    """Where the page draws ``name`` (the union of its characters' boxes)."""
    textpage = page.get_textpage()
    hit = textpage.search(name, match_case=True).get_next()
    assert hit is not None, f"{name} is not in the PDF's text"
    start, count = hit
    boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def test_the_demo_certificate_shows_the_members_name(tmp_path: Path) -> None:
    path, name = demo_certificate(tmp_path)
    page = pdfium.PdfDocument(str(path))[0]
    bitmap = page.render(scale=SCALE)
    box = name_box(page, name)
    assert ink(page, bitmap, box) > 0.05, f"the name {name} is blank"
    margin = (box[0], page.get_height() - 40, box[2], page.get_height() - 40 + (box[3] - box[1]))
    assert ink(page, bitmap, margin) == 0.0  # the measure sees ink only where there is some
    title = name_box(page, "志愿服务记录证明")
    assert ink(page, bitmap, title) > 0.05


def test_the_pdf_embeds_a_subset_of_the_open_font(tmp_path: Path) -> None:
    path, _ = demo_certificate(tmp_path)
    data = path.read_bytes()
    assert b"/FontFile2" in data
    assert b"STSong-Light" not in data
    fonts = re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", data)
    assert any(re.fullmatch(rb"[A-Z]{6}\+NotoSerifSC-Regular-[0-9A-F]+", f) for f in fonts), fonts


def test_the_font_is_openly_licensed() -> None:
    from fontTools.ttLib import TTFont

    from volunteer_core._fonts import cjk_font_file

    for style in ("sans", "serif"):
        names = TTFont(cjk_font_file(style, extra="pdf"), lazy=True)["name"]
        assert "SIL Open Font License" in names.getDebugName(13), style


def test_every_character_of_the_page_is_in_its_font() -> None:
    member = attrs.evolve(ZHANG_A, volunteer_no="35030012345")
    cert = issue(member, id_number=ID_A, responsible="李书记", handler="王敏", contact="0594-2345678")
    story = pdf._story(cert, "Helvetica")
    texts = [re.sub(r"<[^>]+>", "", f.text) for f in story if hasattr(f, "text")]
    texts += [str(cell) for f in story for row in getattr(f, "_cellvalues", ()) for cell in row]
    assert set("".join(texts)) <= set(pdf._characters(cert))


def test_each_page_gets_its_own_font_and_reportlab_keeps_none(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics

    before = set(pdfmetrics.getRegisteredFontNames())
    first = issue().render_pdf(tmp_path / "a.pdf").read_bytes()
    other = attrs.evolve(ZHANG_A, name="欧阳修")
    second = issue(other, same_hours(other.id)).render_pdf(tmp_path / "b.pdf").read_bytes()
    assert set(pdfmetrics.getRegisteredFontNames()) == before

    def font_name(data: bytes) -> bytes:
        names: list[bytes] = re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", data)
        return next(f for f in names if b"Noto" in f)

    assert font_name(first).split(b"+")[1] != font_name(second).split(b"+")[1]


def test_a_font_of_ones_own(tmp_path: Path) -> None:
    from volunteer_core._fonts import cjk_font_file

    path = issue().render_pdf(tmp_path / "own.pdf", font_path=cjk_font_file("sans", extra="pdf"))
    assert b"NotoSansSC-Regular-" in path.read_bytes()


def test_without_the_font_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "pylopdf_fonts_zh_cn", None)
    with pytest.raises(ImportError, match=r"volunteer-core\[pdf\]"):
        issue().render_pdf(tmp_path / "cert.pdf")
    assert not (tmp_path / "cert.pdf").exists()


# -- the text rendering ---------------------------------------------------------------------------------

_HAN = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 400))


@given(
    st.text(alphabet=_HAN, min_size=2, max_size=8),
    st.text(alphabet=_HAN, min_size=4, max_size=30),
    st.booleans(),
)
@settings(max_examples=80, deadline=None)
def test_the_text_never_splits_a_name_or_a_branch(name: str, issuer: str, details: bool) -> None:
    volunteer = attrs.evolve(ZHANG_A, name=name, volunteer_no="35030012345" if details else None)
    extra: dict[str, Any] = {"id_number": ID_A} if details else {}
    text = issue(volunteer, same_hours(volunteer.id), issuer=issuer, **extra).render_text()
    lines = text.splitlines()
    body = lines[lines.index(next(line for line in lines if line.startswith("兹证明"))) :]
    body = body[: body.index("")]
    assert any(f" {name}" in line or line.startswith(name) for line in body), body
    assert any(issuer in line for line in body), body
    assert all(_width(line) <= 72 for line in lines), lines


def test_the_demo_issuer_stays_on_one_line() -> None:
    cert = issue(issuer="政策法规处党支部", member=attrs.evolve(ZHANG_A, name="韩芳建"))
    body = cert.render_text().split("兹证明", 1)[1].split("\n\n", 1)[0]
    assert any("政策法规处党支部" in line for line in body.splitlines())
