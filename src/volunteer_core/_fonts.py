"""The CJK font that charts and certificate PDFs set Chinese in, and its conversion for reportlab.

The font is Noto Sans SC / Noto Serif SC (Adobe and Google's Noto CJK, SIL Open Font License 1.1), as
shipped by the PyPI package ``pylopdf-fonts-zh-cn`` — the extras ``plot`` and ``pdf`` install it, so
Chinese renders on a machine without any CJK system font. Nothing here reads the system's fonts.

Its outlines are CFF (PostScript curves) and reportlab embeds only TrueType outlines, so
:func:`truetype_subset` builds, for one document, a small TrueType font holding just the glyphs of its
text: each glyph is converted once per process (fontTools' cu2qu, cubic to quadratic curves, error at
most one font unit) and kept; converting the whole font (31,000 glyphs) would take about a minute.

>>> needs_cjk("Compliance 2026"), needs_cjk("张三")
(False, True)
"""

from __future__ import annotations

import functools
import io
import threading
from pathlib import Path
from typing import Any

__all__ = ["cjk_font_file", "needs_cjk", "truetype_subset"]

#: The PyPI package that ships the font files.
FONT_PACKAGE = "pylopdf-fonts-zh-cn"

#: Largest distance, in font units (1000 to the em), between a cubic curve and its quadratic spline.
_MAX_ERROR = 1.0

_LOCK = threading.Lock()


def needs_cjk(text: str) -> bool:
    """Whether ``text`` has characters from the CJK blocks on (U+2E80 and above: radicals, punctuation,
    kana, ideographs, full-width forms), which Latin fonts lack."""
    return any(ord(char) >= 0x2E80 for char in text)


def cjk_font_file(style: str = "sans", *, extra: str) -> Path:
    """The file of Noto Sans SC (``style="sans"``) or Noto Serif SC (``"serif"``).

    Raises:
        ImportError: the font package is not installed; the message names ``volunteer-core[extra]``.

    >>> cjk_font_file("serif", extra="pdf").name
    'NotoSerifSC-Regular.otf'
    """
    if style not in ("sans", "serif"):
        raise ValueError(f"style must be 'sans' or 'serif', not {style!r}")
    try:
        import pylopdf_fonts_zh_cn
    except ImportError as err:
        raise ImportError(
            f"中文需要 CJK 字体（{FONT_PACKAGE}）：pip install 'volunteer-core[{extra}]'；"
            f"Chinese text needs the CJK font ({FONT_PACKAGE}): pip install 'volunteer-core[{extra}]'"
        ) from err
    path = Path(pylopdf_fonts_zh_cn.sans_path() if style == "sans" else pylopdf_fonts_zh_cn.serif_path())
    if not path.is_file():
        raise ImportError(
            f"字体文件缺失：{path}，请重新安装：pip install --force-reinstall {FONT_PACKAGE}；"
            f"the font file {path} is missing: pip install --force-reinstall {FONT_PACKAGE}"
        )
    return path


class _Source:
    """One font file, opened once per process, with the glyphs converted so far (as quadratic
    outlines, recorded pen calls)."""

    def __init__(self, path: str) -> None:
        from fontTools.ttLib import TTFont

        self.font = TTFont(path, lazy=True, fontNumber=0)
        self.cff = "CFF " in self.font or "CFF2" in self.font
        self.cmap: dict[int, str] = self.font.getBestCmap()
        self.glyph_set = self.font.getGlyphSet()
        self.advances: dict[str, tuple[int, int]] = self.font["hmtx"].metrics
        self.outlines: dict[str, Any] = {}

    def outline(self, name: str) -> Any:
        """The glyph ``name`` as recorded TrueType pen calls (components drawn in place)."""
        found = self.outlines.get(name)
        if found is None:
            from fontTools.pens.cu2quPen import Cu2QuPen
            from fontTools.pens.recordingPen import DecomposingRecordingPen, RecordingPen

            drawn = DecomposingRecordingPen(self.glyph_set)
            self.glyph_set[name].draw(drawn)
            found = RecordingPen()
            # CFF contours run counter-clockwise, TrueType's clockwise.
            drawn.replay(Cu2QuPen(found, _MAX_ERROR, reverse_direction=self.cff))
            self.outlines[name] = found
        return found

    def names(self) -> dict[str, str]:
        """The naming the subset keeps: family, style, PostScript name, copyright and the licence."""
        table = self.font["name"]
        keep = {
            0: "copyright",
            1: "familyName",
            2: "styleName",
            3: "uniqueFontIdentifier",
            4: "fullName",
            5: "version",
            6: "psName",
            13: "licenseDescription",
            14: "licenseInfoURL",
        }
        found = {key: table.getDebugName(name_id) for name_id, key in keep.items()}
        return {key: value for key, value in found.items() if value}


@functools.lru_cache(maxsize=4)
def _source(path: str) -> _Source:
    return _Source(path)


def truetype_subset(path: str | Path, text: str, *, tag: str = "") -> bytes:
    """A TrueType font (the bytes of a ``.ttf``) with the glyphs of ``path`` that ``text`` needs:
    same metrics, names and embedding permission, outlines converted to quadratic curves. ``tag``
    (letters and digits) is appended to its PostScript name, so that two subsets never share one.

    >>> from fontTools.ttLib import TTFont
    >>> font = TTFont(io.BytesIO(truetype_subset(cjk_font_file("serif", extra="pdf"), "证明")))
    >>> sorted(font.getBestCmap()) == [ord("明"), ord("证")], "glyf" in font, "CFF " in font
    (True, True, False)
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    with _LOCK:
        source = _source(str(path))
        cmap = {code: source.cmap[code] for code in sorted({ord(c) for c in text}) if code in source.cmap}
        order = [".notdef", *sorted(set(cmap.values()) - {".notdef"})]
        outlines = {name: source.outline(name) for name in order}
        names = source.names()
        if tag:
            names["psName"] = f"{names.get('psName', 'CJK')}-{tag}"
        head, hhea, os2 = source.font["head"], source.font["hhea"], source.font["OS/2"]
    glyphs = {}
    for name, outline in outlines.items():
        pen = TTGlyphPen(None)
        outline.replay(pen)
        glyphs[name] = pen.glyph()
    builder = FontBuilder(head.unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    glyf = builder.font["glyf"]
    builder.setupHorizontalMetrics(
        {name: (source.advances[name][0], getattr(glyf[name], "xMin", 0)) for name in order}
    )
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    builder.setupNameTable(names)
    builder.setupOS2(
        version=4,
        usWeightClass=os2.usWeightClass,
        fsType=os2.fsType,
        fsSelection=os2.fsSelection,
        achVendID=os2.achVendID,
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
        sxHeight=getattr(os2, "sxHeight", 0),
        sCapHeight=getattr(os2, "sCapHeight", 0),
    )
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
