"""PDF rendering of a :class:`~volunteer_core.certificates.Certificate` with reportlab (extra ``pdf``).

Kept apart, and imported by ``Certificate.render_pdf`` only when called, so that
``import volunteer_core.certificates`` never imports reportlab.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from volunteer_core.certificates.text import NOTE_ZH, body_lines, code_line, duration_zh, signatory_lines

if TYPE_CHECKING:
    from volunteer_core.certificates.issue import Certificate

__all__ = ["render"]

_CID_FONT = "STSong-Light"


def _require_reportlab() -> None:
    try:
        import reportlab  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except ImportError as err:
        raise ImportError(
            "PDF certificates need reportlab: pip install 'volunteer-core[pdf]' (or pip install reportlab)"
        ) from err


def _font(font_path: str | Path | None) -> str:
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped,unused-ignore]

    if font_path is None:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped,unused-ignore]

        if _CID_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(_CID_FONT))
        return _CID_FONT
    from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped,unused-ignore]

    path = Path(font_path)
    name = f"vc-{path.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    return name


def _code_markup(cert: Certificate) -> str:
    """The code line with the code itself in Courier (its groups are ASCII)."""
    label, code = code_line(cert).split("：", 1)
    return f'{escape(label)}：<font name="Courier">{escape(code)}</font>'


def _story(cert: Certificate, font: str) -> list[Any]:
    """The flowables of the page, top to bottom, set in ``font``."""
    from reportlab.lib import colors  # type: ignore[import-untyped,unused-ignore]
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped,unused-ignore]
    from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped,unused-ignore]
    from reportlab.lib.units import mm  # type: ignore[import-untyped,unused-ignore]
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle  # type: ignore[import-untyped,unused-ignore]

    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=22, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=14, textColor=colors.grey)
    first, closing = body_lines(cert)

    rows: list[list[str]] = [["序号", "服务类别", "活动次数", "服务时长"]]
    rows += [
        [str(i), line.kind.label_zh, str(line.activities), duration_zh(line.minutes)]
        for i, line in enumerate(cert.content, 1)
    ]
    rows.append(["合计", "", "", duration_zh(cert.total_minutes)])
    table = Table(rows, colWidths=[18 * mm, 80 * mm, 25 * mm, 40 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 11),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("SPAN", (0, -1), (2, -1)),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [
        Paragraph("志愿服务记录证明", title),
        Spacer(1, 6 * mm),
        Paragraph(f'编号：<font name="Courier">{escape(cert.number)}</font>', right),
        Spacer(1, 4 * mm),
        Paragraph(escape(first), base),
        Spacer(1, 3 * mm),
        Paragraph("服务内容：", base),
        table,
        Spacer(1, 4 * mm),
        Paragraph(closing, base),
        Spacer(1, 14 * mm),
        *(Paragraph(escape(line), right) for line in signatory_lines(cert)),
        Spacer(1, 16 * mm),
        Paragraph(_code_markup(cert), base),
        Paragraph(NOTE_ZH, small),
    ]


def render(cert: Certificate, path: Path, *, font_path: str | Path | None = None) -> Path:
    """Write ``cert`` to ``path`` as a one-page A4 PDF and return the path."""
    _require_reportlab()
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped,unused-ignore]
    from reportlab.lib.units import mm  # type: ignore[import-untyped,unused-ignore]
    from reportlab.platypus import SimpleDocTemplate  # type: ignore[import-untyped,unused-ignore]

    story = _story(cert, _font(font_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"志愿服务记录证明 {cert.number}",
        author=cert.issuer,
    )
    document.build(story)
    return path
