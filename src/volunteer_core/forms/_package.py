"""An XLSX file's package — a ZIP archive of XML parts — read within bounds.

* **decompression** — the parts may unpack to at most :data:`MAX_XLSX_EXPANSION` times the file's own
  size (once past :data:`XLSX_EXPANSION_FLOOR`) and never to more than :data:`MAX_XLSX_UNPACKED` bytes;
  the sizes the archive declares are checked before anything is unpacked (:meth:`Package.check_expansion`),
  and the bytes actually unpacked are counted while reading;
* **parsing** — each part is parsed by expat in one pass over its bytes (one ``Parse`` call): the work is
  linear in the input, however long one token (a comment, a text) is — fed in chunks, an unfinished token
  would be tokenised again from its start with every chunk. A document type declaration is refused, so no
  entity is ever declared or expanded (no "billion laughs", no external entity). At most
  :data:`MAX_XLSX_ELEMENTS` elements are read in all the parts together.

A bound exceeded is an :class:`~volunteer_core.errors.InvalidInput` with code ``input.too_large`` naming the
limit and the value (:func:`too_large`); a damaged part one with code ``input.invalid`` (:func:`unreadable`).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from xml.parsers import expat

from volunteer_core.errors import InvalidInput

__all__ = [
    "MAX_XLSX_ELEMENTS",
    "MAX_XLSX_EXPANSION",
    "MAX_XLSX_UNPACKED",
    "XLSX_EXPANSION_FLOOR",
    "Ends",
    "Package",
    "Starts",
    "part_of",
    "too_large",
    "unreadable",
]

#: The parts of an XLSX file may unpack to at most this many times the file's size (a "zip bomb" is
#: refused); spreadsheet XML usually compresses 5 to 20 times.
MAX_XLSX_EXPANSION = 50
#: Parts that unpack to no more than this many bytes in all are never refused for their expansion ratio
#: (a small workbook may compress very well).
XLSX_EXPANSION_FLOOR = 4 * 1024 * 1024
#: The most the parts of an XLSX file may unpack to, in bytes, whatever the file's size. A sheet of 50,000
#: rows of 附件1 unpacks to about 40 MB.
MAX_XLSX_UNPACKED = 128 * 1024 * 1024
#: The most XML elements read from an XLSX file in all its parts (a cell is two or three: ``<c>``,
#: ``<v>``); 50,000 rows of 附件1 with their shared strings are about 2.5 million.
MAX_XLSX_ELEMENTS = 4_000_000

_CHUNK = 1024 * 1024
_NAMES_CACHED = 256


def too_large(path: Path, en: str, zh: str) -> InvalidInput:
    """The refusal of a file over a bound: ``InvalidInput`` with code ``input.too_large``.

    >>> too_large(Path("a.xlsx"), "a.xlsx is too large", "a.xlsx 过大").code
    'input.too_large'
    """
    return InvalidInput("path", str(path), code="input.too_large", message_en=en, message_zh=zh)


def unreadable(path: Path, en: str, zh: str) -> InvalidInput:
    """The refusal of a file that cannot be read: ``InvalidInput`` (``input.invalid``) naming it.

    >>> unreadable(Path("a.xlsx"), "not an XLSX file", "不是 XLSX 文件").message_en
    'a.xlsx: not an XLSX file'
    """
    return InvalidInput("path", str(path), message_en=f"{path.name}: {en}", message_zh=f"{path.name}：{zh}")


def _local(name: str) -> str:
    return name[name.rfind("}") + 1 :]


#: What :meth:`Package.parse` calls at the start of an element, by local name, with its attributes.
Starts = Mapping[str, Callable[[dict[str, str]], None]]
#: What :meth:`Package.parse` calls at the end of an element, by local name.
Ends = Mapping[str, Callable[[], None]]


class Package:
    """An open XLSX archive: its parts read (:meth:`read`) and parsed (:meth:`parse`) within the
    bounds of the module, what has been unpacked and parsed so far counted against them.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as archive:
    ...     archive.writestr("a.xml", "<a><b/><b/></a>")
    >>> package = Package(Path("x.xlsx"), zipfile.ZipFile(buffer), len(buffer.getvalue()))
    >>> seen = []
    >>> package.parse("a.xml", package.read("a.xml") or b"", {"b": seen.append}, {})
    >>> len(seen), package.elements
    (2, 3)
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile, size: int) -> None:
        self.path = path
        self.archive = archive
        self.size = size
        self.unpacked = 0
        self.elements = 0
        self.members = {info.filename.lower(): info for info in archive.infolist()}

    def check_expansion(self, unpacked: int) -> None:
        """Refuse ``unpacked`` bytes (declared or read) past :data:`MAX_XLSX_UNPACKED`, or past
        :data:`MAX_XLSX_EXPANSION` times the file's size once over :data:`XLSX_EXPANSION_FLOOR`."""
        name = self.path.name
        if unpacked > MAX_XLSX_UNPACKED:
            raise too_large(
                self.path,
                f"{name} unpacks to {unpacked} bytes, more than the limit of {MAX_XLSX_UNPACKED} bytes",
                f"{name} 解压后 {unpacked} 字节，超过上限 {MAX_XLSX_UNPACKED} 字节",
            )
        if unpacked > XLSX_EXPANSION_FLOOR and unpacked > MAX_XLSX_EXPANSION * self.size:
            raise too_large(
                self.path,
                f"{name} unpacks to {unpacked} bytes, {unpacked // self.size} times its own {self.size} "
                f"bytes; more than {MAX_XLSX_EXPANSION} times is refused (a zip bomb)",
                f"{name} 解压后 {unpacked} 字节，是文件本身 {self.size} 字节的 {unpacked // self.size} 倍，"
                f"超过上限 {MAX_XLSX_EXPANSION} 倍（疑为压缩炸弹）",
            )

    def read(self, name: str) -> bytes | None:
        """The unpacked bytes of a part (``None`` when absent), counted against the limits."""
        info = self.members.get(name.lower())
        if info is None:
            return None
        chunks: list[bytes] = []
        with self.archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                self.unpacked += len(chunk)
                self.check_expansion(self.unpacked)
                chunks.append(chunk)
        return b"".join(chunks)

    def parse(
        self, name: str, data: bytes, starts: Starts, ends: Ends, text: Callable[[str], None] | None = None
    ) -> None:
        """Parse one part in a single pass, calling ``starts[local name](attributes)`` and
        ``ends[local name]()`` for the elements named there and ``text(characters)``; a DOCTYPE is
        refused and every element is counted against :data:`MAX_XLSX_ELEMENTS`."""
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.buffer_size = 64 * 1024
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        left = MAX_XLSX_ELEMENTS - self.elements
        # qualified name → handler, resolved once per name (a few dozen names in a real part)
        on_start: dict[str, Callable[[dict[str, str]], None] | None] = {}
        on_end: dict[str, Callable[[], None] | None] = {}

        def refuse_dtd(*_: object) -> None:
            raise unreadable(
                self.path,
                f"{name} declares a document type (DOCTYPE); XLSX parts never do, and it is refused",
                f"{name} 含有文档类型声明（DOCTYPE），XLSX 文件不应含有，拒绝读取",
            )

        def start(qualified: str, attributes: dict[str, str]) -> None:
            nonlocal left
            left -= 1
            if left < 0:
                raise too_large(
                    self.path,
                    f"{self.path.name} has more than {MAX_XLSX_ELEMENTS} XML elements (the limit)",
                    f"{self.path.name} 的 XML 元素超过上限 {MAX_XLSX_ELEMENTS} 个",
                )
            try:
                handler = on_start[qualified]
            except KeyError:
                handler = starts.get(_local(qualified))
                if len(on_start) < _NAMES_CACHED:
                    on_start[qualified] = handler
            if handler is not None:
                handler(attributes)

        def end(qualified: str) -> None:
            try:
                handler = on_end[qualified]
            except KeyError:
                handler = ends.get(_local(qualified))
                if len(on_end) < _NAMES_CACHED:
                    on_end[qualified] = handler
            if handler is not None:
                handler()

        parser.StartDoctypeDeclHandler = refuse_dtd
        parser.EntityDeclHandler = refuse_dtd
        parser.StartElementHandler = start
        if ends:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        try:
            parser.Parse(data, True)
        except expat.ExpatError as err:
            raise unreadable(
                self.path, f"{name} is not well-formed XML ({err})", f"{name} 不是格式正确的 XML（{err}）"
            ) from None
        finally:
            self.elements = MAX_XLSX_ELEMENTS - left

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """The relationships of a part: id → (type, target part name)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        data = self.read(rels)
        found: dict[str, tuple[str, str]] = {}
        if data is None:
            return found

        def relationship(attributes: dict[str, str]) -> None:
            if attributes.get("TargetMode") == "External":
                return
            target = attributes.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            found[attributes.get("Id", "")] = (attributes.get("Type", ""), target)

        self.parse(rels, data, {"Relationship": relationship}, {})
        return found


def part_of(relationships: dict[str, tuple[str, str]], kind: str) -> str | None:
    """The target of the first relationship of a kind (``"styles"``), or ``None``.

    >>> part_of({"r1": ("http://x/relationships/styles", "xl/styles.xml")}, "styles")
    'xl/styles.xml'
    """
    return next((target for kind_, target in relationships.values() if kind_.endswith("/" + kind)), None)
