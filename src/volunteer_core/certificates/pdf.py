"""PDF rendering of a :class:`~volunteer_core.certificates.Certificate` with reportlab (extra ``pdf``).

The Chinese text is set in Noto Serif SC (SIL Open Font License), which the extra ``pdf`` installs
(:mod:`volunteer_core._fonts`), and the PDF embeds the subset of it that the page uses: it shows the
same on every viewer and on a machine without CJK fonts. Kept apart, and imported by
``Certificate.render_pdf`` only when called, so that ``import volunteer_core.certificates`` never
imports reportlab.
"""

from __future__ import annotations

import hashlib
import io
import string
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from volunteer_core._fonts import cjk_font_file, truetype_subset
from volunteer_core.certificates.text import (
    NOTE_ZH,
    body_lines,
    code_line,
    duration_zh,
    render_text,
    signatory_lines,
)

if TYPE_CHECKING:
    from volunteer_core.certificates.issue import Certificate

__all__ = ["render"]

#: Held while a certificate's font is registered with reportlab, the page built and the font dropped.
_LOCK = threading.Lock()


def _require_reportlab() -> None:
    try:
        import reportlab  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except ImportError as err:
        raise ImportError(
            "PDF 证明需要 reportlab：pip install 'volunteer-core[pdf]'；"
            "PDF certificates need reportlab: pip install 'volunteer-core[pdf]'"
        ) from err


def _characters(cert: Certificate) -> str:
    """Every character the page may set in the CJK font: those of the text rendering (the same
    sentences, table and lines) and printable ASCII."""
    return "".join(sorted(set(render_text(cert)) | set(string.printable.strip()) | {" "}))


def _font(cert: Certificate, font_path: str | Path | None) -> str:
    """Register, for this page, a TrueType subset of the CJK font (or of ``font_path``) with the
    characters of ``cert``; return its reportlab name. Call with :data:`_LOCK` held."""
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped,unused-ignore]
    from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped,unused-ignore]

    path = Path(font_path) if font_path is not None else cjk_font_file("serif", extra="pdf")
    characters = _characters(cert)
    tag = hashlib.sha256(f"{path.resolve()}\0{characters}".encode()).hexdigest()[:12].upper()
    name = f"vc-{tag}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(truetype_subset(path, characters, tag=tag))))
    return name


def _forget(name: str) -> None:
    """Drop the page's font from reportlab's registry once the page is written, so that a process
    issuing many certificates does not keep every one's font (reportlab has no public call for it; if
    its registry changes shape the font simply stays registered)."""
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped,unused-ignore]

    fonts = getattr(pdfmetrics, "_fonts", None)
    font = fonts.pop(name, None) if isinstance(fonts, dict) else None
    faces = getattr(pdfmetrics, "_dynFaceNames", None)
    face = getattr(getattr(font, "face", None), "name", None)
    if isinstance(faces, dict) and face is not None and faces.get(face) is font:
        del faces[face]


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
    """Write ``cert`` to ``path`` as a one-page A4 PDF and return the path.

    The text is set in Noto Serif SC, or in the font at ``font_path`` (TrueType or OpenType, ``.ttf``,
    ``.otf``, or the first font of a ``.ttc``); either way the PDF embeds the subset the page uses.

    Raises:
        ImportError: reportlab or the CJK font is not installed (``pip install 'volunteer-core[pdf]'``).
    """
    _require_reportlab()
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped,unused-ignore]
    from reportlab.lib.units import mm  # type: ignore[import-untyped,unused-ignore]
    from reportlab.platypus import SimpleDocTemplate  # type: ignore[import-untyped,unused-ignore]

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
    with _LOCK:
        font = _font(cert, font_path)
        try:
            document.build(_story(cert, font))
        finally:
            _forget(font)
    return path
