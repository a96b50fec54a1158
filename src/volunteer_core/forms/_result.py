"""What an import of a 附件1 reports: the stored wishes, the rows already imported, the refused rows."""

from __future__ import annotations

from typing import Any

import attrs

from volunteer_core.model import Beneficiary, Wish

__all__ = ["ImportResult", "ImportedRow", "RowError"]


@attrs.frozen
class RowError:
    """A row that could not be imported: ``row`` is the spreadsheet's own row number, ``column`` the
    header of the offending column (``""`` for the row as a whole), ``code`` a rule code
    (``wish.value_cap``, ``wish.content_required``) or an input code (``input.invalid``,
    ``input.required``), ``message`` the explanation in Chinese then English.

    >>> RowError(3, "性别", "input.invalid", "m", message_en="unknown gender").text("en")
    'row 3 [性别] input.invalid: unknown gender'
    """

    row: int
    column: str
    code: str
    message: str
    message_zh: str = attrs.field(default="", kw_only=True)
    message_en: str = attrs.field(default="", kw_only=True)

    def text(self, lang: str = "zh") -> str:
        """The error on one line, in ``"zh"`` or ``"en"``."""
        if lang.startswith("zh"):
            where = f"第 {self.row} 行" + (f"【{self.column}】" if self.column else "")
            return f"{where} {self.code}：{self.message_zh or self.message}"
        where = f"row {self.row}" + (f" [{self.column}]" if self.column else "")
        return f"{where} {self.code}: {self.message_en or self.message}"

    def __str__(self) -> str:
        return self.text("zh")


@attrs.frozen
class ImportedRow:
    """A row recognised as already imported: ``row`` is the spreadsheet's own row number, ``wish`` the
    stored wish it matches (stored by an earlier import, or by an identical earlier row of the same
    file), ``key`` the row's fingerprint — the idempotency key that wish is stored with.

    >>> from datetime import date
    >>> wish = Wish(id="w1", beneficiary_id="p1", kind="service", content="理发", collected_on=date(2026, 5, 1))
    >>> ImportedRow(7, wish, "wish-row/1:ab").text("en")
    'row 7: already imported as w1'
    """

    row: int
    wish: Wish
    key: str

    def text(self, lang: str = "zh") -> str:
        """The row on one line, in ``"zh"`` or ``"en"``."""
        if lang.startswith("zh"):
            return f"第 {self.row} 行：已导入（心愿 {self.wish.id}）"
        return f"row {self.row}: already imported as {self.wish.id}"


@attrs.frozen(kw_only=True)
class ImportResult:
    """What :func:`~volunteer_core.forms.import_wishes` did: ``imported`` the wishes it stored (in row
    order), ``already_imported`` the rows whose content was already stored (an :class:`ImportedRow`
    each, in row order — stored nothing, not an error), ``errors`` the rows refused, ``beneficiaries``
    the beneficiaries it created, ``rows`` the data rows read.

    >>> result = ImportResult(imported=(), errors=(), rows=3)
    >>> result.ok, result.already_imported
    (True, ())
    """

    imported: tuple[Wish, ...]
    errors: tuple[RowError, ...]
    beneficiaries: tuple[Beneficiary, ...] = ()
    rows: int = 0
    already_imported: tuple[ImportedRow, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no row was refused (rows already imported are not refused)."""
        return not self.errors

    def summary(self, lang: str = "zh") -> str:
        """The counts on one line, in ``"zh"`` or ``"en"``.

        >>> ImportResult(imported=(), errors=(), rows=12).summary("en")
        'read 12 rows: imported 0, already imported 0, errors 0; created 0 beneficiaries'
        """
        done, again, bad, people = (
            len(self.imported),
            len(self.already_imported),
            len(self.errors),
            len(self.beneficiaries),
        )
        if lang.startswith("zh"):
            return (
                f"读取 {self.rows} 行：已导入 {done} 行，已存在 {again} 行（此前已导入），错误 {bad} 处；"
                f"新建服务对象 {people} 个"
            )
        return (
            f"read {self.rows} rows: imported {done}, already imported {again}, errors {bad}; "
            f"created {people} beneficiaries"
        )

    def to_record(self) -> dict[str, Any]:
        """The result as JSON-ready data (what ``forms import --format json`` prints and the HTTP service
        answers): the rows read, the ids imported, the rows already imported, the beneficiaries created and
        the errors, each with its row, column, code and both messages.

        >>> ImportResult(imported=(), errors=(), rows=2).to_record()["rows"]
        2
        """
        return {
            "rows": self.rows,
            "imported": [w.id for w in self.imported],
            "already_imported": [{"row": r.row, "wish": r.wish.id} for r in self.already_imported],
            "beneficiaries_created": [b.id for b in self.beneficiaries],
            "errors": [
                {
                    "row": e.row,
                    "column": e.column,
                    "code": e.code,
                    "message_zh": e.message_zh,
                    "message_en": e.message_en,
                }
                for e in self.errors
            ],
        }

    def _repr_html_(self) -> str:
        from volunteer_core.notebook.html import import_result_html

        return import_result_html(self)
